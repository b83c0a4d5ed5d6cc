package audit

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"dataready/audit/norm"
	"dataready/audit/similar"
)

// Finding is one flagged data row, for the findings export (findings.csv,
// findings.parquet): unlike a check's examples, findings are not capped.
type Finding struct {
	// Check is the id of the check that flagged the row; Status its status.
	Check  string
	Status Status
	Split  string
	File   string
	Line   int64
	// IDs are the row's values of the id columns (Roles.IDs), in order.
	IDs []string
	// Key is the row key as 32 hex digits.
	Key string
	// Label is the raw label ("" when null).
	Label string
	// Reason says in a few words why the row is flagged.
	Reason string
}

// RowRecord is what the pipeline remembers of every row when findings are
// requested or a check revisits rows: enough to flag it and to locate it,
// nothing of its content beyond the label, the ids and the start of the
// text. Label, IDs and Text are reused between records: whoever keeps them
// copies them.
type RowRecord struct {
	Key       norm.Key
	Pos       RowPos
	Split     uint8
	Missing   int16
	ClassHash uint64
	Label     []byte
	// IDs are the values of the id columns (Roles.IDs), in order.
	IDs [][]byte
	// Text is the first MaxRecordText bytes of the raw text (text column
	// only), cut at a rune boundary.
	Text []byte
}

// MaxRecordText bounds RowRecord.Text.
const MaxRecordText = 160

// Revisitor is implemented by accumulators that need a second look at the
// rows once every worker is merged, when it is known which keys repeat,
// conflict or leak: typically to pick the rows of their examples. The
// pipeline calls Revisit before Result (check by check, in registry order),
// then the returned function once per row record, from one goroutine, in
// no particular order (choose examples by RowPos to stay deterministic).
// The functions of different accumulators run at the same time, each in
// its own goroutine: a function may change its accumulator's state but
// only read the Summary and the record (which it must not keep).
type Revisitor interface {
	Revisit(s *Summary) func(r *RowRecord)
}

// TextQuerier is implemented by accumulators that ask the near-duplicate
// index (Summary.TextIndex) a question. After the merge, before any
// Revisit or Result, the pipeline collects the question of every check and
// answers them all with one similar.Index.Search, so the band buckets are
// scanned, and a pair wanted by several checks verified, once. Neither
// method is called when Summary.TextIndex is nil.
type TextQuerier interface {
	// TextQuery returns the check's query, or false when it asks none.
	// It may read the Summary's Config, Roles, Splits and TextIndex (only
	// whether it is nil) and nothing else: a distributed run asks it
	// before any state is merged (Plan.TextSearch).
	TextQuery(s *Summary) (similar.Query, bool)
	// TextAnswer receives the answer to the query, or the error that
	// stopped the search.
	TextAnswer(similar.Result, error)
}

// searchText answers the questions of the accumulators that query the
// near-duplicate index, in one search.
func searchText(accs []Accumulator, sum *Summary) {
	if sum.TextIndex == nil {
		return
	}
	askers, qs := textQueries(accs, sum)
	if len(qs) == 0 {
		return
	}
	rs, err := sum.TextIndex.Search(qs)
	for i, t := range askers {
		t.TextAnswer(rs[i], err)
	}
}

// textQueries collects the questions of the accumulators that query the
// near-duplicate index, in accumulator order.
func textQueries(accs []Accumulator, sum *Summary) ([]TextQuerier, []similar.Query) {
	var askers []TextQuerier
	var qs []similar.Query
	for _, acc := range accs {
		if t, ok := acc.(TextQuerier); ok {
			if q, ok := t.TextQuery(sum); ok {
				askers = append(askers, t)
				qs = append(qs, q)
			}
		}
	}
	return askers, qs
}

// revisit feeds every spilled row to the accumulators that revisit rows,
// after searchText has answered their questions to the near-duplicate
// index. Each accumulator's function runs in a goroutine of its own and
// sees every record in the same order (spill by spill); one goroutine
// decodes the records into batches they all read. Accumulators own their
// state, and the Summary is only read, so they run side by side.
func revisit(spills []*spill, accs []Accumulator, sum *Summary) error {
	var fns []func(*RowRecord)
	for _, acc := range accs {
		if r, ok := acc.(Revisitor); ok {
			fns = append(fns, r.Revisit(sum))
		}
	}
	switch len(fns) {
	case 0:
		return nil
	case 1:
		for _, sp := range spills {
			if err := sp.each(fns[0]); err != nil {
				return err
			}
		}
		return nil
	}
	// A batch goes back to free once every function has read it; the
	// batches in flight bound the memory.
	const batches, batchRows = 8, 4096
	free := make(chan *recordBatch, batches)
	for range batches {
		free <- &recordBatch{}
	}
	feeds := make([]chan *recordBatch, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		feed := make(chan *recordBatch, batches)
		feeds[i] = feed
		wg.Go(func() {
			for b := range feed {
				for j := range b.recs {
					fn(&b.recs[j])
				}
				if b.readers.Add(-1) == 0 {
					free <- b
				}
			}
		})
	}
	b := <-free
	b.reset()
	send := func() {
		b.readers.Store(int32(len(feeds)))
		for _, feed := range feeds {
			feed <- b
		}
		b = <-free
		b.reset()
	}
	var err error
	for _, sp := range spills {
		if err = sp.each(func(r *RowRecord) {
			b.add(r)
			if len(b.recs) == batchRows {
				send()
			}
		}); err != nil {
			break
		}
	}
	if err == nil && len(b.recs) > 0 {
		send()
	}
	for _, feed := range feeds {
		close(feed)
	}
	wg.Wait()
	return err
}

// recordBatch is a batch of row records copied out of a spill: their byte
// strings live in arena.
type recordBatch struct {
	recs    []RowRecord
	arena   []byte
	readers atomic.Int32 // functions yet to read the batch
}

func (b *recordBatch) reset() {
	b.recs, b.arena = b.recs[:0], b.arena[:0]
}

// add appends a copy of r, reusing the memory of the batch's earlier use.
func (b *recordBatch) add(r *RowRecord) {
	b.recs = slices.Grow(b.recs, 1)[:len(b.recs)+1]
	dst := &b.recs[len(b.recs)-1]
	ids := dst.IDs[:0]
	*dst = *r
	dst.Label = b.copy(r.Label)
	for _, id := range r.IDs {
		ids = append(ids, b.copy(id))
	}
	dst.IDs = ids
	dst.Text = b.copy(r.Text)
}

// copy copies p into the arena. An arena that grows moves to a new array;
// the records before keep the old one.
func (b *recordBatch) copy(p []byte) []byte {
	if p == nil {
		return nil
	}
	n := len(b.arena)
	b.arena = append(b.arena, p...)
	return b.arena[n:len(b.arena):len(b.arena)]
}

// Flagger is implemented by accumulators whose findings are single rows.
// After Result, Flag returns a predicate the pipeline applies to every row
// record, in any order and from several goroutines at once (it only reads).
type Flagger interface {
	Flag(s *Summary) func(r *RowRecord) (reason string, flagged bool)
}

// spill writes a worker's row records to a temporary file, so that rows
// can be flagged after the merge, when keys are known to be duplicated,
// conflicting or leaked, without keeping rows in memory.
type spill struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte
	// mem holds the records of a spill kept in memory (newMemSpill): one
	// unit's, sent whole to another process; f is then nil.
	mem *bytes.Buffer
}

func newSpill() (*spill, error) {
	f, err := os.CreateTemp("", "dataready-rows-*.spill")
	if err != nil {
		return nil, fmt.Errorf("findings spill: %w", err)
	}
	return &spill{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// newMemSpill returns a spill that keeps its records in memory, for
// contents (each needs a file).
func newMemSpill() *spill {
	mem := &bytes.Buffer{}
	return &spill{w: bufio.NewWriter(mem), mem: mem}
}

// add appends the records of a batch; text is the canonical index of the
// text column, -1 when none.
func (s *spill) add(b *Batch, ids [][]string, text int) error {
	var texts Values
	if text >= 0 {
		texts = ValuesOf(b.Columns[text])
	}
	for i := 0; i < b.Rows; i++ {
		buf := s.buf[:0]
		buf = binary.LittleEndian.AppendUint64(buf, b.Key[i].Hi)
		buf = binary.LittleEndian.AppendUint64(buf, b.Key[i].Lo)
		buf = binary.AppendUvarint(buf, uint64(b.File.Index))
		buf = binary.AppendUvarint(buf, uint64(b.Lines[i]))
		buf = append(buf, b.Split[i])
		buf = binary.AppendVarint(buf, int64(b.Missing[i]))
		buf = binary.LittleEndian.AppendUint64(buf, b.ClassHash[i])
		buf = appendString(buf, b.Label[i])
		buf = binary.AppendUvarint(buf, uint64(len(ids)))
		for _, col := range ids {
			buf = appendString(buf, col[i])
		}
		t := ""
		if text >= 0 {
			t, _ = texts.Get(i)
			t = cutText(t, MaxRecordText)
		}
		buf = appendString(buf, t)
		s.buf = buf
		if _, err := s.w.Write(buf); err != nil {
			return fmt.Errorf("findings spill: %w", err)
		}
	}
	return nil
}

// cutText returns s cut to at most n bytes at a rune boundary.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

// each reads the records back in write order.
func (s *spill) each(fn func(*RowRecord)) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("findings spill: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("findings spill: %w", err)
	}
	r := &spillReader{r: bufio.NewReaderSize(s.f, 1<<20)}
	var rec RowRecord
	for {
		if _, err := r.r.Peek(1); errors.Is(err, io.EOF) {
			return nil
		}
		rec.Key = norm.Key{Hi: r.u64(), Lo: r.u64()}
		rec.Pos = RowPos{File: uint32(r.uvarint()), Line: int64(r.uvarint())}
		rec.Split = r.byte()
		rec.Missing = int16(r.varint())
		rec.ClassHash = r.u64()
		rec.Label = r.bytes(rec.Label[:0])
		n := int(r.uvarint())
		for len(rec.IDs) < n {
			rec.IDs = append(rec.IDs, nil)
		}
		rec.IDs = rec.IDs[:n]
		for i := range rec.IDs {
			rec.IDs[i] = r.bytes(rec.IDs[i][:0])
		}
		rec.Text = r.bytes(rec.Text[:0])
		if r.err != nil {
			return fmt.Errorf("findings spill: %w", r.err)
		}
		fn(&rec)
	}
}

// maxSpillString bounds a string of a spill record (a label, an id, a cut
// text): records of another process may be damaged.
const maxSpillString = 64 << 20

// spillReader decodes spill records, keeping the first error.
type spillReader struct {
	r   *bufio.Reader
	err error
	b   [8]byte
}

func (r *spillReader) u64() uint64 {
	if r.err == nil {
		_, r.err = io.ReadFull(r.r, r.b[:])
	}
	return binary.LittleEndian.Uint64(r.b[:])
}

func (r *spillReader) uvarint() uint64 {
	var v uint64
	if r.err == nil {
		v, r.err = binary.ReadUvarint(r.r)
	}
	return v
}

func (r *spillReader) varint() int64 {
	var v int64
	if r.err == nil {
		v, r.err = binary.ReadVarint(r.r)
	}
	return v
}

func (r *spillReader) byte() byte {
	var v byte
	if r.err == nil {
		v, r.err = r.r.ReadByte()
	}
	return v
}

// bytes reads a length-prefixed string into dst's storage.
func (r *spillReader) bytes(dst []byte) []byte {
	n := r.uvarint()
	if r.err == nil && n > maxSpillString {
		r.err = fmt.Errorf("a record's string of %d bytes: the records are damaged", n)
	}
	if r.err != nil {
		return dst
	}
	dst = slices.Grow(dst[:0], int(n))[:n]
	_, r.err = io.ReadFull(r.r, dst)
	return dst
}

func idStrings(ids [][]byte) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// contents returns every record written to a spill of newMemSpill, in the
// spill's encoding.
func (s *spill) contents() ([]byte, error) {
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("findings spill: %w", err)
	}
	return s.mem.Bytes(), nil
}

// write appends records in the spill's encoding (from contents of another
// spill, in another process); each reads them back, and fails on damaged
// ones.
func (s *spill) write(raw []byte) error {
	if _, err := s.w.Write(raw); err != nil {
		return fmt.Errorf("findings spill: %w", err)
	}
	return nil
}

// close removes the spill file.
func (s *spill) close() {
	if s.f == nil {
		return
	}
	s.f.Close()
	os.Remove(s.f.Name())
}

// collectFindings applies every flagger to every spilled row, one
// goroutine per spill file, and returns the findings ordered by check
// (report order), then file, then line.
func collectFindings(spills []*spill, flags []func(*RowRecord) (string, bool), checks []CheckResult, sum *Summary) ([]Finding, error) {
	type flagged struct {
		check int
		pos   RowPos
		f     Finding
	}
	parts := make([][]flagged, len(spills))
	var g errgroup.Group
	for i, sp := range spills {
		g.Go(func() error {
			return sp.each(func(r *RowRecord) {
				for c, flag := range flags {
					if flag == nil {
						continue
					}
					reason, ok := flag(r)
					if !ok {
						continue
					}
					ref := sum.RefAt(r.Pos, r.Split)
					parts[i] = append(parts[i], flagged{c, r.Pos, Finding{
						Check:  checks[c].ID,
						Status: checks[c].Status,
						Split:  ref.Split,
						File:   ref.File,
						Line:   ref.Line,
						IDs:    idStrings(r.IDs),
						Key:    r.Key.String(),
						Label:  string(r.Label),
						Reason: reason,
					}})
				}
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := slices.Concat(parts...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].check != out[j].check {
			return out[i].check < out[j].check
		}
		return out[i].pos.Less(out[j].pos)
	})
	findings := make([]Finding, len(out))
	for i, f := range out {
		findings[i] = f.f
	}
	return findings, nil
}
