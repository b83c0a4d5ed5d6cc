package similar

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
	"unsafe"

	"dataready/audit/norm"
)

// maxMaxRunes bounds Options.MaxRunes so that a stored text's length fits
// in 32 bits.
const maxMaxRunes = 1 << 28

// Defaults of Options.
const (
	DefaultThreshold = 0.8
	DefaultMaxRunes  = 20000
	DefaultBucketCap = 100
)

// Options configure an Index. Indexes that are merged must have equal
// Threshold and MaxRunes.
type Options struct {
	// Threshold is the lowest similarity Pairs and First will be asked for;
	// it sets the bands (BandsFor). Between 0.5 and 1; 0 means
	// DefaultThreshold (0.8).
	Threshold float64
	// MaxRunes bounds the text compared: only the first MaxRunes runes of a
	// text are shingled, for its signature and for verification, and only
	// they are kept in the temporary file. 0 means DefaultMaxRunes (20,000);
	// at most 2²⁸.
	MaxRunes int
	// BucketCap bounds the work of a band bucket shared by many texts:
	// only its first BucketCap texts by position form pairs there (see
	// Stats.SkippedPairs). 0 means DefaultBucketCap (100).
	BucketCap int
	// Workers is the number of goroutines Pairs and First use; 0 means
	// GOMAXPROCS.
	Workers int
	// Dir is where the temporary text file is created; "" means
	// os.TempDir().
	Dir string
}

func (o Options) withDefaults() (Options, error) {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if !(o.Threshold >= 0.5 && o.Threshold <= 1) {
		return o, fmt.Errorf("similar: threshold %v is not between 0.5 and 1", o.Threshold)
	}
	if o.MaxRunes == 0 {
		o.MaxRunes = DefaultMaxRunes
	}
	if o.MaxRunes < ShingleRunes || o.MaxRunes > maxMaxRunes {
		return o, fmt.Errorf("similar: max runes %d is not between %d and %d", o.MaxRunes, ShingleRunes, maxMaxRunes)
	}
	if o.BucketCap == 0 {
		o.BucketCap = DefaultBucketCap
	}
	if o.BucketCap < 2 {
		return o, fmt.Errorf("similar: bucket cap %d is below 2", o.BucketCap)
	}
	if o.Workers < 0 {
		return o, fmt.Errorf("similar: negative worker count %d", o.Workers)
	}
	return o, nil
}

// Entry is what the index carries for a distinct text: the caller fills
// Key, Pos, Class and Split for each row it adds; the index keeps one Entry
// per Key, with the Pos and Split of the row of smallest Pos, and fills
// Class, Splits, Rows and Mixed over all rows added with that Key. The
// result does not depend on the order rows are added or merged in.
type Entry struct {
	// Key identifies the text: rows with equal keys are exact duplicates
	// (norm.TextKey of the normalized text) and are indexed once.
	Key norm.Key
	// Pos is an opaque position that orders rows, unique per row (for
	// example file index << 40 | line). The smallest Pos represents a key;
	// pairs are ordered by it.
	Pos uint64
	// Class is the caller's class of the row (e.g. norm.Hash64 of it), 0
	// for none (a missing label). For a key, the smallest non-zero class of
	// its rows: its class, unless Mixed.
	Class uint64
	// Splits has bit s set when a row of split s (< 64) was added with Key.
	Splits uint64
	// Rows counts the rows added with Key (saturating at 2³²−1).
	Rows uint32
	// Split is the caller's split index of the row, below 64.
	Split uint8
	// Mixed is set when rows added with Key carried different non-zero
	// classes (an exact conflict).
	Mixed bool
}

// absorb folds another row (or entry) of the same key into e.
func (e *Entry) absorb(o Entry) {
	e.Mixed = e.Mixed || o.Mixed
	switch {
	case o.Class == 0:
	case e.Class == 0:
		e.Class = o.Class
	case e.Class != o.Class:
		e.Mixed = true
		e.Class = min(e.Class, o.Class)
	}
	if o.Pos < e.Pos {
		e.Pos, e.Split = o.Pos, o.Split
	}
	e.Splits |= o.Splits
	if e.Rows+o.Rows < e.Rows {
		e.Rows = ^uint32(0)
	} else {
		e.Rows += o.Rows
	}
}

// record is the in-memory state of one distinct text besides its band
// hashes and fingerprint: 64 bytes.
type record struct {
	Entry
	// loc is the text's place: file index << 48 | byte offset.
	loc uint64
	// size is the stored text's length in bytes (at most MaxRunes runes).
	size uint32
	// long is set when the text was longer than MaxRunes runes.
	long bool
}

const (
	recordSize      = unsafe.Sizeof(record{})
	fingerprintSize = unsafe.Sizeof(fingerprint{})
)

const locFileShift = 48

// mapTextLimit is the most text bytes an index maps into memory for its
// search. Texts in files are read back with ReadAt, a system call per text
// read, or from a memory mapping, which is faster, but whose pages the
// search touches count in the process's resident memory: about the whole
// file, 1.3 GB of the 7.2 GB peak at 10M rows. Up to this limit speed
// wins (1M rows: 150 MB of texts, a search 16 – 38% slower when read with
// ReadAt); past it the memory does.
const mapTextLimit = 256 << 20

// textFile is one temporary file of normalized texts, written
// sequentially and read back with ReadAt, or from a memory mapping while
// the index's texts are at most mapTextLimit bytes.
type textFile struct {
	f    *os.File
	w    *bufio.Writer // nil once the file is complete
	size int64
	// data maps the file's first len(data) bytes (mapped set), or holds
	// the texts of an index kept in memory (the members of a band bucket,
	// BandSearch.Bucket; f nil); nil otherwise.
	data   []byte
	mapped bool
}

// remap maps the whole file if its mapping is missing or short. A failed
// mapping is not an error: texts are then read with ReadAt.
func (t *textFile) remap() {
	if t.f == nil || int64(len(t.data)) == t.size {
		return
	}
	if err := t.unmap(); err != nil {
		return // the old mapping stays; reads past it use ReadAt
	}
	t.data, _ = mapFile(t.f, t.size)
	t.mapped = t.data != nil
}

// unmap removes the file's mapping, if any.
func (t *textFile) unmap() error {
	if !t.mapped {
		return nil
	}
	if err := unmapFile(t.data); err != nil {
		return err
	}
	t.data, t.mapped = nil, false
	return nil
}

// mapTexts maps the index's files when its texts are at most its map
// limit, and unmaps them otherwise.
func (ix *Index) mapTexts() {
	limit := ix.mapLimit
	if limit == 0 {
		limit = mapTextLimit
	}
	var size int64
	for _, f := range ix.files {
		size += f.size
	}
	for _, f := range ix.files {
		if size <= limit {
			f.remap()
		} else {
			_ = f.unmap() // a mapping that cannot go is still read correctly
		}
	}
}

// ErrClosed is returned by an Index used after Close.
var ErrClosed = errors.New("similar: index is closed")

// Index is a near-duplicate index over normalized texts: one per worker,
// filled with Add, merged with Merge, queried with Pairs or First, removed
// with Close. An Index is not safe for concurrent use; Pairs and First run
// their own goroutines.
type Index struct {
	opt         Options
	bands, rows int
	sk          *sketcher

	// st holds each distinct text's record, band hashes and fingerprint.
	st store
	// table finds a key's record: open addressing over record index + 1,
	// 0 for an empty slot, at most 3/4 full.
	table []uint32

	files []*textFile
	out   *textFile // the file Add writes to, nil until the first text
	long  int64     // records whose text was longer than MaxRunes
	err   error     // first write error; sticky
	// sorted is set when records are in (Pos, Key) order (see sortRecords).
	sorted bool
	closed bool

	// mapLimit overrides mapTextLimit when not 0; negative never maps.
	// Tests set it.
	mapLimit int64
}

// New returns an empty index. It creates its temporary file on the first
// Add of a new text.
func New(opt Options) (*Index, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	bands, rows := BandsFor(opt.Threshold)
	return &Index{opt: opt, bands: bands, rows: rows, sk: newSketcher(bands, rows), st: store{bands: bands}}, nil
}

// Len returns the number of distinct texts (keys) indexed.
func (ix *Index) Len() int { return ix.st.len() }

// Options returns the index's options with defaults filled in.
func (ix *Index) Options() Options { return ix.opt }

// Add indexes one row: text is its normalized text, only read during the
// call; e its entry (Splits, Rows and Mixed are ignored). A key already
// indexed only updates its entry. The error is the temporary file's.
func (ix *Index) Add(e Entry, text []byte) error {
	if ix.closed {
		return ErrClosed
	}
	if ix.err != nil {
		return ix.err
	}
	e.Splits, e.Rows, e.Mixed = 0, 1, false
	if e.Split < 64 {
		e.Splits = 1 << e.Split
	}
	slot, i := ix.find(e.Key)
	if i >= 0 {
		ix.st.rec(i).absorb(e)
		return nil
	}
	text, long := bound(text, ix.opt.MaxRunes)
	loc, err := ix.write(text)
	if err != nil {
		ix.err = err
		return err
	}
	i = ix.st.add()
	*ix.st.rec(i) = record{Entry: e, loc: loc, size: uint32(len(text)), long: long}
	*ix.st.fp(i) = ix.sk.sketch(ix.st.sig(i), text)
	ix.sorted = false
	if long {
		ix.long++
	}
	ix.insert(slot, i)
	return nil
}

// AddString is Add for a text held in a string.
func (ix *Index) AddString(e Entry, text string) error {
	// The bytes are only read, never kept or written.
	return ix.Add(e, unsafe.Slice(unsafe.StringData(text), len(text)))
}

// write appends text to the index's own file and returns its location.
func (ix *Index) write(text []byte) (uint64, error) {
	if ix.out == nil {
		if len(ix.files) >= 1<<(64-locFileShift) {
			return 0, errors.New("similar: too many merged indexes")
		}
		f, err := os.CreateTemp(ix.opt.Dir, "dataready-texts-*.tmp")
		if err != nil {
			return 0, fmt.Errorf("similar: text file: %w", err)
		}
		ix.out = &textFile{f: f, w: bufio.NewWriterSize(f, 256<<10)}
		ix.files = append(ix.files, ix.out)
	}
	if ix.out.size >= 1<<locFileShift {
		return 0, errors.New("similar: text file too large")
	}
	loc := uint64(len(ix.files)-1)<<locFileShift | uint64(ix.out.size)
	if _, err := ix.out.w.Write(text); err != nil {
		return 0, fmt.Errorf("similar: text file: %w", err)
	}
	ix.out.size += int64(len(text))
	return loc, nil
}

// flush makes every text written so far readable from the files.
func (ix *Index) flush() error {
	if ix.err != nil {
		return ix.err
	}
	if ix.out != nil {
		if err := ix.out.w.Flush(); err != nil {
			ix.err = fmt.Errorf("similar: text file: %w", err)
			return ix.err
		}
	}
	return nil
}

// slotOf is where a key's probe sequence starts in a table of 2^bits
// slots. Keys are hashes already; the multiply spreads caller-made ones.
func slotOf(k norm.Key, mask uint64) uint64 {
	return ((k.Lo ^ k.Hi) * 0x9e3779b97f4a7c15 >> 20) & mask
}

// find returns the record index of key k (-1 when absent) and the slot
// where it is or would go.
func (ix *Index) find(k norm.Key) (slot uint64, i int) {
	if len(ix.table) == 0 {
		return 0, -1
	}
	mask := uint64(len(ix.table) - 1)
	for s := slotOf(k, mask); ; s = (s + 1) & mask {
		v := ix.table[s]
		if v == 0 {
			return s, -1
		}
		if ix.st.rec(int(v-1)).Key == k {
			return s, int(v - 1)
		}
	}
}

// insert records that record i lives at slot (from find), growing the
// table when it gets 3/4 full.
func (ix *Index) insert(slot uint64, i int) {
	if len(ix.table) == 0 || 4*(i+1) > 3*len(ix.table) {
		ix.grow()
		slot, _ = ix.find(ix.st.rec(i).Key)
	}
	ix.table[slot] = uint32(i + 1)
}

// grow doubles the table (to 1024 slots at first) and reinserts every
// record but the last, which the caller inserts.
func (ix *Index) grow() {
	size := max(1024, 2*len(ix.table))
	for 4*ix.st.len() > 3*size {
		size *= 2
	}
	ix.table = make([]uint32, size)
	ix.rehash(ix.st.len() - 1)
}

// rehash fills the (empty) table with records 0 to n-1.
func (ix *Index) rehash(n int) {
	mask := uint64(len(ix.table) - 1)
	for i := range n {
		s := slotOf(ix.st.rec(i).Key, mask)
		for ix.table[s] != 0 {
			s = (s + 1) & mask
		}
		ix.table[s] = uint32(i + 1)
	}
}

// sortRecords puts the records in (Pos, Key) order, the order of pairs
// and of texts within a bucket, so that record numbers compare like
// positions whatever the order rows were added and merged in. It permutes
// the store in place, following the permutation's cycles, and rebuilds the
// table.
func (ix *Index) sortRecords() {
	n := ix.st.len()
	if ix.sorted || n < 2 {
		ix.sorted = true
		return
	}
	type sortKey struct {
		pos, hi, lo uint64
		i           uint32
	}
	keys := make([]sortKey, n)
	for i := range n {
		e := &ix.st.rec(i).Entry
		keys[i] = sortKey{e.Pos, e.Key.Hi, e.Key.Lo, uint32(i)}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		return cmp.Or(cmp.Compare(a.pos, b.pos), cmp.Compare(a.hi, b.hi), cmp.Compare(a.lo, b.lo))
	})
	// Text keys[r].i moves to r. Each cycle starts by saving its first
	// text in a spare slot at the end of the store.
	spare := ix.st.add()
	done := make([]bool, n)
	for start := range n {
		if done[start] || int(keys[start].i) == start {
			continue
		}
		ix.st.move(spare, start)
		cur := start
		for {
			done[cur] = true
			src := int(keys[cur].i)
			if src == start {
				ix.st.move(cur, spare)
				break
			}
			ix.st.move(cur, src)
			cur = src
		}
	}
	ix.st.n--
	clear(ix.table)
	ix.rehash(n)
	ix.sorted = true
}

// Merge folds other into ix and leaves other empty: other's texts stay in
// other's temporary file, which ix now owns and removes on Close. The
// result does not depend on how rows were split between indexes nor on
// the order of merges. Merging indexes with different Threshold or
// MaxRunes is an error.
func (ix *Index) Merge(other *Index) error {
	if other == nil || other == ix {
		return nil
	}
	if ix.closed || other.closed {
		return ErrClosed
	}
	if ix.bands != other.bands || ix.rows != other.rows || ix.opt.MaxRunes != other.opt.MaxRunes {
		return fmt.Errorf("similar: merging indexes of thresholds %v and %v, max runes %d and %d",
			ix.opt.Threshold, other.opt.Threshold, ix.opt.MaxRunes, other.opt.MaxRunes)
	}
	if err := errors.Join(ix.flush(), other.flush()); err != nil {
		return err
	}
	if len(other.files)+len(ix.files) > 1<<(64-locFileShift) {
		return errors.New("similar: too many merged indexes")
	}
	// Fold the smaller into the larger; ix keeps its options.
	if other.st.len() > ix.st.len() {
		opt := ix.opt
		*ix, *other = *other, *ix
		ix.opt, other.opt = opt, ix.opt
	}
	base := uint64(len(ix.files))
	for _, f := range other.files {
		f.w = nil // complete: nothing more is written to it
		ix.files = append(ix.files, f)
	}
	if len(other.files) > 0 && ix.out != nil {
		// A text's location names its file by its place in ix.files,
		// and write names the last: texts added after the merge go to a
		// new file.
		ix.out.w, ix.out = nil, nil
	}
	// other's table goes first, and each of its chunks once copied, so
	// that the two stores are never both held in full.
	other.table = nil
	for j := range other.st.len() {
		r := other.st.rec(j)
		slot, i := ix.find(r.Key)
		if i >= 0 {
			ix.st.rec(i).absorb(r.Entry)
		} else {
			i = ix.st.add()
			nr := ix.st.rec(i)
			*nr = *r
			nr.loc += base << locFileShift
			*ix.st.fp(i) = *other.st.fp(j)
			copy(ix.st.sig(i), other.st.sig(j))
			ix.sorted = false
			if nr.long {
				ix.long++
			}
			ix.insert(slot, i)
		}
		if j%chunkLen == chunkLen-1 {
			other.st.release(j / chunkLen)
		}
	}
	other.st = store{bands: other.bands}
	other.files, other.out, other.long = nil, nil, 0
	return nil
}

// Close removes the index's temporary files. It is safe to call twice.
func (ix *Index) Close() error {
	if ix.closed {
		return nil
	}
	ix.closed = true
	var errs []error
	for _, f := range ix.files {
		errs = append(errs, f.unmap(), f.f.Close(), os.Remove(f.f.Name()))
	}
	ix.files, ix.out, ix.st, ix.table = nil, nil, store{bands: ix.bands}, nil
	return errors.Join(errs...)
}

// Text returns the stored normalized text of key (its first MaxRunes
// runes) and whether the key is indexed.
func (ix *Index) Text(key norm.Key) (string, bool, error) {
	if ix.closed {
		return "", false, ErrClosed
	}
	_, i := ix.find(key)
	if i < 0 {
		return "", false, nil
	}
	if err := ix.flush(); err != nil {
		return "", true, err
	}
	buf, err := ix.readText(ix.st.rec(i), nil)
	return string(buf), true, err
}

// memText returns a record's text as the memory of its mapped file or of
// an index kept in memory, to be read only; false when it is to be read
// from its file. Safe for concurrent use once the files are flushed and
// mapped.
func (ix *Index) memText(r *record) ([]byte, bool) {
	f := ix.files[r.loc>>locFileShift]
	off := r.loc & (1<<locFileShift - 1)
	end := off + uint64(r.size)
	if end > uint64(len(f.data)) {
		return nil, false
	}
	return f.data[off:end:end], true
}

// readText reads a record's text into buf's memory. Safe for concurrent
// use once the files are flushed.
func (ix *Index) readText(r *record, buf []byte) ([]byte, error) {
	if cap(buf) < int(r.size) {
		buf = make([]byte, r.size)
	}
	buf = buf[:r.size]
	if text, ok := ix.memText(r); ok {
		copy(buf, text)
		return buf, nil
	}
	f := ix.files[r.loc>>locFileShift]
	if _, err := f.f.ReadAt(buf, int64(r.loc&(1<<locFileShift-1))); err != nil {
		return buf, fmt.Errorf("similar: text file: %w", err)
	}
	return buf, nil
}
