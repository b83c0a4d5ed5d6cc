package similar

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"dataready/audit/norm"
	"dataready/audit/wire"
)

// Text is one distinct text of an index with its entry, as a distributed
// search collects it from the indexes of many processes: keyed by
// Entry.Key, the Texts of one key fold into one with Absorb.
type Text struct {
	Entry Entry
	// Text is the normalized text as the index stores it: its first
	// MaxRunes runes.
	Text []byte
	// Long is set when the text was longer than MaxRunes runes.
	Long bool
}

// Absorb folds o, a Text of the same key from another index, into t, as
// Merge folds entries: the result does not depend on the order.
func (t *Text) Absorb(o Text) error {
	if t.Entry.Key != o.Entry.Key {
		return fmt.Errorf("similar: absorbing the text of key %v into that of %v", o.Entry.Key, t.Entry.Key)
	}
	t.Entry.absorb(o.Entry)
	return nil
}

// Texts calls fn with each distinct text of the index, in (Pos, Key)
// order; the Text's bytes are only valid during the call.
func (ix *Index) Texts(fn func(Text) error) error {
	if ix.closed {
		return ErrClosed
	}
	if err := ix.flush(); err != nil {
		return err
	}
	ix.sortRecords()
	var buf []byte
	for i := range ix.st.len() {
		r := ix.st.rec(i)
		var err error
		if buf, err = ix.readText(r, buf); err != nil {
			return err
		}
		if err := fn(Text{Entry: r.Entry, Text: buf, Long: r.long}); err != nil {
			return err
		}
	}
	return nil
}

// textVersion is the format version of Text's and Member's encodings.
const textVersion = 1

func writeEntry(w *wire.Writer, e *Entry) {
	w.Fixed64(e.Key.Hi)
	w.Fixed64(e.Key.Lo)
	w.Uvarint(e.Pos)
	w.Fixed64(e.Class)
	w.Fixed64(e.Splits)
	w.Uvarint(uint64(e.Rows))
	w.Uint8(e.Split)
	w.Bool(e.Mixed)
}

func readEntry(r *wire.Reader) Entry {
	var e Entry
	e.Key = norm.Key{Hi: r.Fixed64()}
	e.Key.Lo = r.Fixed64()
	e.Pos = r.Uvarint()
	e.Class = r.Fixed64()
	e.Splits = r.Fixed64()
	rows := r.Uvarint()
	if rows > 1<<32-1 {
		r.Fail("row count out of range")
	}
	e.Rows = uint32(rows)
	e.Split = r.Uint8Below(maxSplits)
	e.Mixed = r.Bool()
	return e
}

// write appends the text's encoding (also a part of Index's and Member's).
func (t Text) write(w *wire.Writer) {
	writeEntry(w, &t.Entry)
	w.Bool(t.Long)
	w.Blob(t.Text)
}

// read decodes what write wrote; t.Text is data's memory.
func (t *Text) read(r *wire.Reader) {
	t.Entry = readEntry(r)
	t.Long = r.Bool()
	t.Text = r.Blob()
}

// MarshalBinary encodes the text and its entry.
func (t Text) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter("similar.Text", textVersion)
	t.write(w)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (t *Text) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, "similar.Text", textVersion)
	t.read(r)
	return r.Finish()
}

// Member is a distinct text on its way through the bands of a BandSearch:
// its Text, its band hashes and fingerprint, and what the bands before
// carry to the next (whether it fell beyond a bucket's cap, which
// first-match queries it already answered). BandSearch.Member makes one;
// BandSearch.Bucket updates it.
type Member struct {
	Text
	sig   []uint32
	fp    fingerprint
	tails uint32 // bit k: beyond the cap of its bucket of band k
	done  uint8  // bit q: first-match query q has its match
}

// BandHash returns the member's hash in band k: the members of one bucket
// of band k are those of equal BandHash(k).
func (m *Member) BandHash(k int) uint32 { return m.sig[k] }

// MarshalBinary encodes the member.
func (m *Member) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter("similar.Member", textVersion)
	m.Text.write(w)
	w.Int(len(m.sig))
	for _, h := range m.sig {
		w.Uvarint(uint64(h))
	}
	for _, x := range m.fp {
		w.Fixed64(x)
	}
	w.Uvarint(uint64(m.tails))
	w.Uint8(m.done)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (m *Member) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, "similar.Member", textVersion)
	m.Text.read(r)
	n := r.Count(1)
	if n > maxBands {
		r.Fail("too many bands")
		n = 0
	}
	m.sig = make([]uint32, n)
	for k := range m.sig {
		h := r.Uvarint()
		if h > 1<<32-1 {
			r.Fail("band hash out of range")
		}
		m.sig[k] = uint32(h)
	}
	for k := range m.fp {
		m.fp[k] = r.Fixed64()
	}
	tails := r.Uvarint()
	if tails >= 1<<maxBands {
		r.Fail("tail bits out of range")
	}
	m.tails = uint32(tails)
	m.done = r.Uint8()
	return r.Finish()
}

// BandSearch is Index.Search cut into steps that a distributed pipeline
// runs on many machines, with the same answer, Stats included:
//
//  1. every process's index gives its distinct texts (Index.Texts); the
//     Texts of one key fold into one (Text.Absorb), wherever they came
//     from;
//  2. each distinct text becomes a Member (Member), which computes its
//     signature;
//  3. for each band k in order, the members are grouped by BandHash(k)
//     and Bucket runs on every group, singletons included, in any order
//     and on any machine: it forms, filters and verifies the group's pairs
//     as Search does that bucket, and updates the members, which then go
//     to band k+1;
//  4. the Found of every Bucket call, merged in any order, make the
//     answer (Answer).
//
// Bands must run in order because what a bucket does depends on the
// earlier bands: a pair is handled only in the first band whose bucket
// formed it (which needs the earlier bands' caps, carried by the
// members), and a first-match query takes no pair once matched. A
// BandSearch is not safe for concurrent use (its sketcher has buffers):
// make one per goroutine.
type BandSearch struct {
	opt         Options
	bands, rows int
	sk          *sketcher
	queries     []Query
	filters     []bandFilter
}

// NewBandSearch returns the steps of a search of qs over an index of
// options opt: those of every process's Index (Index.Options), queries
// as for Search.
func NewBandSearch(opt Options, qs []Query) (*BandSearch, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkQueries(qs, opt.Threshold); err != nil {
		return nil, err
	}
	bands, rows := BandsFor(opt.Threshold)
	return &BandSearch{opt: opt, bands: bands, rows: rows, sk: newSketcher(bands, rows),
		queries: qs, filters: bandFilters(bands, rows)}, nil
}

// Bands is the number of bands, each a round of Bucket calls.
func (s *BandSearch) Bands() int { return s.bands }

// Member returns the member of a distinct text: t with its signature.
// t.Text is copied.
func (s *BandSearch) Member(t Text) Member {
	t.Text = slices.Clone(t.Text)
	m := Member{Text: t, sig: make([]uint32, s.bands)}
	m.fp = s.sk.sketch(m.sig, t.Text)
	return m
}

// Found is what Bucket calls find, per query: the verified pairs at or
// above its threshold, the Stats of the buckets, and the texts of the
// pairs' entries (for Answer.Text). Merge them in any order.
type Found struct {
	Pairs [][]Pair
	Stats []Stats
	Texts map[norm.Key]string
}

func newFound(queries int) Found {
	return Found{Pairs: make([][]Pair, queries), Stats: make([]Stats, queries), Texts: map[norm.Key]string{}}
}

// Empty reports whether f holds nothing: no pair and zero Stats (a
// bucket of one member, after band 0).
func (f Found) Empty() bool {
	for q := range f.Stats {
		if len(f.Pairs[q]) > 0 || f.Stats[q] != (Stats{}) {
			return false
		}
	}
	return len(f.Texts) == 0
}

// Merge folds o into f.
func (f *Found) Merge(o Found) error {
	if len(f.Pairs) == 0 && len(f.Stats) == 0 && f.Texts == nil {
		*f = newFound(len(o.Stats))
	}
	if len(o.Stats) != len(f.Stats) || len(o.Pairs) != len(f.Pairs) {
		return fmt.Errorf("similar: merging the finds of %d and %d queries", len(o.Stats), len(f.Stats))
	}
	for q := range f.Stats {
		f.Pairs[q] = append(f.Pairs[q], o.Pairs[q]...)
		st := &f.Stats[q]
		st.add(o.Stats[q])
		st.Texts += o.Stats[q].Texts
		st.Truncated += o.Stats[q].Truncated
	}
	for k, t := range o.Texts {
		f.Texts[k] = t
	}
	return nil
}

// foundVersion is the format version of Found's encoding.
const foundVersion = 1

// MarshalBinary encodes f, its texts by key in key order.
func (f Found) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter("similar.Found", foundVersion)
	w.Int(len(f.Stats))
	for q, st := range f.Stats {
		for _, v := range []int64{st.Texts, st.Truncated, st.BucketPairs, st.Kept, st.Verified, st.Pairs, st.CappedBuckets, st.SkippedPairs} {
			w.Varint(v)
		}
		w.Int(len(f.Pairs[q]))
		for _, p := range f.Pairs[q] {
			writeEntry(w, &p.A)
			writeEntry(w, &p.B)
			w.Float64(p.Similarity)
		}
	}
	keys := wire.SortedKeysFunc(f.Texts, func(a, b norm.Key) int {
		return cmp.Or(cmp.Compare(a.Hi, b.Hi), cmp.Compare(a.Lo, b.Lo))
	})
	w.Int(len(keys))
	for _, k := range keys {
		w.Fixed64(k.Hi)
		w.Fixed64(k.Lo)
		w.Str(f.Texts[k])
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (f *Found) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, "similar.Found", foundVersion)
	n := r.Count(9)
	if n > maxQueries {
		r.Fail("too many queries")
		n = 0
	}
	*f = newFound(n)
	for q := range n {
		st := &f.Stats[q]
		for _, v := range []*int64{&st.Texts, &st.Truncated, &st.BucketPairs, &st.Kept, &st.Verified, &st.Pairs, &st.CappedBuckets, &st.SkippedPairs} {
			*v = r.Varint()
		}
		for range r.Count(2 * 38) {
			p := Pair{A: readEntry(r), B: readEntry(r), Similarity: r.Float64()}
			if r.Err() != nil {
				break
			}
			f.Pairs[q] = append(f.Pairs[q], p)
		}
	}
	for range r.Count(17) {
		k := norm.Key{Hi: r.Fixed64()}
		k.Lo = r.Fixed64()
		t := r.Str()
		if r.Err() != nil {
			break
		}
		f.Texts[k] = t
	}
	return r.Finish()
}

// Bucket does what Search does with one bucket of band k: ms are the
// members whose BandHash(k) is equal (a singleton too), each with the
// state the bands before left it, in any order. It forms the pairs of the
// first BucketCap members by (Pos, Key), counts them, keeps those the
// queries want, filters them by fingerprint, verifies the pairs no
// earlier band formed, and returns what it found; it updates ms (now in
// (Pos, Key) order) for band k+1. The groups of band 0 also count the
// texts (Stats.Texts, Truncated), so Bucket must see every member once
// per band. NewBucket does the same holding only BucketCap members.
func (s *BandSearch) Bucket(k int, ms []Member) (Found, error) {
	b, err := s.NewBucket(k)
	if err != nil {
		return newFound(len(s.queries)), err
	}
	for i := range ms {
		if err := b.check(&ms[i]); err != nil {
			return b.f, err
		}
	}
	slices.SortFunc(ms, func(a, b Member) int { return compareEntries(&a.Entry, &b.Entry) })
	first := min(len(ms), s.opt.BucketCap)
	for i := first; i < len(ms); i++ {
		ms[i].tails |= 1 << k
	}
	b.total = len(ms)
	return b.search(ms[:first])
}

// BucketBuilder is Bucket for a bucket streamed member by member (Add),
// holding only its first BucketCap members by (Pos, Key): a bucket of
// boilerplate texts may hold millions. Members beyond the cap form no
// pair; Add hands them back, updated for the next band, as soon as that is
// known.
type BucketBuilder struct {
	s     *BandSearch
	k     int
	f     Found
	hash  uint32
	total int
	// first is a max-heap by (Pos, Key) of the first members so far.
	first []Member
}

// NewBucket starts a bucket of band k.
func (s *BandSearch) NewBucket(k int) (*BucketBuilder, error) {
	if k < 0 || k >= s.bands {
		return nil, fmt.Errorf("similar: band %d of %d", k, s.bands)
	}
	return &BucketBuilder{s: s, k: k, f: newFound(len(s.queries))}, nil
}

// check validates a member of the bucket and counts it.
func (b *BucketBuilder) check(m *Member) error {
	s := b.s
	switch {
	case len(m.sig) != s.bands:
		return fmt.Errorf("similar: a member of %d bands in a search of %d", len(m.sig), s.bands)
	case b.total > 0 && m.sig[b.k] != b.hash:
		return fmt.Errorf("similar: members of band hashes %d and %d in one bucket of band %d", b.hash, m.sig[b.k], b.k)
	case len(m.Text.Text) > int(^uint32(0)):
		return errors.New("similar: a member's text is too long")
	}
	b.hash = m.sig[b.k]
	b.total++
	if b.k == 0 {
		for q := range b.f.Stats {
			b.f.Stats[q].Texts++
			if m.Long {
				b.f.Stats[q].Truncated++
			}
		}
	}
	return nil
}

// Add adds a member to the bucket. When the bucket then holds more than
// BucketCap members, the one found beyond the cap is returned (beyond is
// true), updated for band k+1: it takes no further part in this bucket.
func (b *BucketBuilder) Add(m Member) (out Member, beyond bool, err error) {
	if err := b.check(&m); err != nil {
		return out, false, err
	}
	// A max-heap by (Pos, Key): the root is the last of the first members.
	less := func(i, j int) bool { return compareEntries(&b.first[i].Entry, &b.first[j].Entry) > 0 }
	b.first = append(b.first, m)
	for i := len(b.first) - 1; i > 0; {
		p := (i - 1) / 2
		if !less(i, p) {
			break
		}
		b.first[i], b.first[p] = b.first[p], b.first[i]
		i = p
	}
	if len(b.first) <= b.s.opt.BucketCap {
		return out, false, nil
	}
	out = b.first[0]
	last := len(b.first) - 1
	b.first[0] = b.first[last]
	b.first = b.first[:last]
	for i := 0; ; {
		l, r, top := 2*i+1, 2*i+2, i
		if l < last && less(l, top) {
			top = l
		}
		if r < last && less(r, top) {
			top = r
		}
		if top == i {
			break
		}
		b.first[i], b.first[top] = b.first[top], b.first[i]
		i = top
	}
	out.tails |= 1 << b.k
	return out, true, nil
}

// Finish searches the bucket's first members and returns what they found
// and the members, in (Pos, Key) order, updated for band k+1.
func (b *BucketBuilder) Finish() (Found, []Member, error) {
	slices.SortFunc(b.first, func(x, y Member) int { return compareEntries(&x.Entry, &y.Entry) })
	f, err := b.search(b.first)
	return f, b.first, err
}

// search forms, filters and verifies the pairs of ms, the bucket's first
// members in (Pos, Key) order (at most BucketCap), and updates them; the
// bucket holds b.total members.
func (b *BucketBuilder) search(ms []Member) (Found, error) {
	s, k, f := b.s, b.k, b.f
	if b.total < 2 || len(s.queries) == 0 {
		return f, nil
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].Entry.Key == ms[i-1].Entry.Key {
			return f, fmt.Errorf("similar: key %v twice in one bucket: fold a key's texts into one first", ms[i].Entry.Key)
		}
	}
	if c := s.opt.BucketCap; b.total > c {
		// What scanWorker.bucket counts of a bucket over its cap.
		skipped := int64(b.total)*int64(b.total-1)/2 - int64(c)*int64(c-1)/2
		for q := range f.Stats {
			f.Stats[q].CappedBuckets++
			f.Stats[q].SkippedPairs += skipped
		}
	}
	// The first members as an index of their own, texts in memory; record
	// i is member i.
	ix := &Index{opt: s.opt, bands: s.bands, rows: s.rows, st: store{bands: s.bands}, sorted: true}
	var data []byte
	tails := make([]uint32, len(ms))
	items := make([]uint64, len(ms))
	for i := range ms {
		m := &ms[i]
		n := ix.st.add()
		*ix.st.rec(n) = record{Entry: m.Entry, loc: uint64(len(data)), size: uint32(len(m.Text.Text)), long: m.Long}
		*ix.st.fp(n) = m.fp
		copy(ix.st.sig(n), m.sig)
		data = append(data, m.Text.Text...)
		tails[n] = m.tails
		items[n] = uint64(m.sig[k])<<32 | uint64(n)
	}
	ix.files = []*textFile{{data: data, size: int64(len(data))}}
	state := make([]*queryState, len(s.queries))
	for q, query := range s.queries {
		state[q] = ix.newQueryState(query, s.filters)
		if fm := state[q].first; fm != nil {
			for i := range ms {
				fm.matched[i] = ms[i].done>>q&1 != 0
			}
		}
	}
	w := &scanWorker{ix: ix, queries: state, filters: s.filters, band: k, tails: tails,
		attr: make([][]uint64, len(state)), found: make([][]found, len(state)), st: make([]Stats, len(state)), from: make([]int, len(state))}
	w.bucket(items)
	if w.err != nil {
		return f, w.err
	}
	for q := range state {
		if fm := state[q].first; fm != nil {
			for i, done := range fm.matched {
				if done {
					ms[i].done |= 1 << q
				}
			}
		}
		f.Stats[q].add(w.st[q])
		for _, p := range w.found[q] {
			f.Pairs[q] = append(f.Pairs[q], Pair{A: ms[p.i].Entry, B: ms[p.j].Entry, Similarity: p.sim})
			for _, i := range [2]uint32{p.i, p.j} {
				f.Texts[ms[i].Entry.Key] = string(ms[i].Text.Text)
			}
		}
	}
	return f, nil
}

// Answer makes the search's answer from the merge of every Bucket call's
// Found: the Results Search gives on the index of every text.
func (s *BandSearch) Answer(f Found) (*Answer, error) {
	if len(f.Stats) == 0 && len(f.Pairs) == 0 {
		f = newFound(len(s.queries))
	}
	if len(f.Stats) != len(s.queries) {
		return nil, fmt.Errorf("similar: the finds of %d queries for a search of %d", len(f.Stats), len(s.queries))
	}
	a := &Answer{queries: s.queries, results: make([]Result, len(s.queries)), texts: f.Texts}
	for q, query := range s.queries {
		r := &a.results[q]
		r.Stats = f.Stats[q]
		r.Stats.Bands, r.Stats.Rows = s.bands, s.rows
		pairs := slices.Clone(f.Pairs[q])
		slices.SortFunc(pairs, func(x, y Pair) int {
			return cmp.Or(compareEntries(&x.A, &y.A), compareEntries(&x.B, &y.B))
		})
		if query.IsQuery == nil {
			r.Pairs = pairs
			continue
		}
		// As firstMatches: per query text, its most similar target, ties
		// to the smallest (Pos, Key).
		best := map[norm.Key]Match{}
		offer := func(q, t Entry, sim float64) {
			if !query.IsQuery(q) || !query.IsTarget(t) {
				return
			}
			b, ok := best[q.Key]
			if !ok || sim > b.Similarity || sim == b.Similarity && compareEntries(&t, &b.Target) < 0 {
				best[q.Key] = Match{Query: q, Target: t, Similarity: sim}
			}
		}
		for _, p := range pairs {
			offer(p.A, p.B, p.Similarity)
			offer(p.B, p.A, p.Similarity)
		}
		r.Matches = make([]Match, 0, len(best))
		for _, m := range best {
			r.Matches = append(r.Matches, m)
		}
		slices.SortFunc(r.Matches, func(x, y Match) int { return compareEntries(&x.Query, &y.Query) })
	}
	return a, nil
}

// Answer is a search made elsewhere (BandSearch), to be asked like an
// Index: Search returns its results for the queries it was made for, Text
// the texts of the entries in them.
type Answer struct {
	queries []Query
	results []Result
	texts   map[norm.Key]string
}

// Search returns the answer's results when qs are the queries it was made
// for: the same kinds, in the same order, with the same thresholds (the
// functions cannot be compared).
func (a *Answer) Search(qs []Query) ([]Result, error) {
	rs := make([]Result, len(qs))
	if len(qs) != len(a.queries) {
		return rs, fmt.Errorf("similar: %d queries asked of an answer to %d", len(qs), len(a.queries))
	}
	for i, q := range qs {
		p := a.queries[i]
		if q.Threshold != p.Threshold || (q.Keep == nil) != (p.Keep == nil) || (q.Differ == nil) != (p.Differ == nil) || (q.IsQuery == nil) != (p.IsQuery == nil) {
			return rs, fmt.Errorf("similar: query %d is not the one the answer was made for", i)
		}
	}
	copy(rs, a.results)
	return rs, nil
}

// Text returns the normalized text of an entry of the answer's pairs and
// matches, as the index stored it.
func (a *Answer) Text(key norm.Key) (string, bool, error) {
	t, ok := a.texts[key]
	return t, ok, nil
}
