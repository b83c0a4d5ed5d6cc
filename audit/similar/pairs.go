package similar

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Pair is two indexed texts whose similarity, computed exactly, is at or
// above the threshold asked for.
type Pair struct {
	// A and B are the two entries, A.Pos < B.Pos.
	A, B Entry
	// Similarity is the Jaccard similarity of the two texts' sets of
	// character 5-grams (over their first MaxRunes runes).
	Similarity float64
}

// Match is a target found for one query entry (First).
type Match struct {
	Query, Target Entry
	Similarity    float64
}

// Stats describe one Pairs or First call. Every count is the same whatever
// the partition of rows between indexes and the order of merges.
type Stats struct {
	// Texts is the number of distinct texts indexed; Truncated of them
	// were longer than MaxRunes runes and compared on their start only.
	Texts, Truncated int64
	// Bands and Rows are the LSH parameters (BandsFor).
	Bands, Rows int
	// BucketPairs counts the pairs formed in band buckets, over all bands:
	// a pair sharing several buckets counts once per bucket; Kept those the
	// query wants (keep accepts), also once per bucket. Verified counts the
	// distinct wanted pairs whose fingerprints did not rule them out, so
	// that their texts were read and their similarity computed exactly;
	// Pairs those at or above the threshold.
	BucketPairs, Kept, Verified, Pairs int64
	// CappedBuckets counts band buckets holding more than BucketCap texts;
	// only their first BucketCap texts by Pos formed pairs there.
	// SkippedPairs counts the pairs of texts such buckets did not generate:
	// an upper bound on the pairs missed, since many of them share another,
	// smaller bucket.
	CappedBuckets, SkippedPairs int64
}

func (s *Stats) add(o Stats) {
	s.BucketPairs += o.BucketPairs
	s.Kept += o.Kept
	s.Verified += o.Verified
	s.Pairs += o.Pairs
	s.CappedBuckets += o.CappedBuckets
	s.SkippedPairs += o.SkippedPairs
}

// Query is one question a Search answers: a pairs query (Keep set) or a
// first-match query (IsQuery and IsTarget set).
type Query struct {
	// Threshold is the similarity a pair must reach; it may not be below
	// Options.Threshold.
	Threshold float64
	// Keep makes a pairs query: every pair of texts at or above Threshold
	// that LSH finds and Keep accepts (see Pairs). nil keeps every pair
	// when Differ and IsQuery are nil too.
	Keep func(a, b *Entry) bool
	// Differ makes a pairs query of the pairs whose values differ, both
	// non-zero: Keep(a, b) = Differ(a) != 0 && Differ(b) != 0 &&
	// Differ(a) != Differ(b), with Differ called once per text before the
	// scan, so a pair costs two array reads instead of a call.
	Differ func(Entry) uint64
	// IsQuery and IsTarget make a first-match query: for each entry q with
	// IsQuery(q), a target t with IsTarget(t) (see First).
	IsQuery, IsTarget func(Entry) bool
}

// Result is a Search's answer to one Query.
type Result struct {
	// Pairs answers a pairs query, ordered by (A.Pos, B.Pos).
	Pairs []Pair
	// Matches answers a first-match query, ordered by Query.Pos.
	Matches []Match
	// Stats describe the work done for the query; they are those of
	// Pairs or First asked alone.
	Stats Stats
}

// Pairs returns every pair of indexed texts with similarity ≥ threshold
// that LSH finds (each pair whose texts share a band bucket) and keep
// accepts, ordered by (A.Pos, B.Pos). keep sees both entries (a.Pos <
// b.Pos) before anything else is done with the pair, so it should reject
// cheaply what the caller does not want (pairs of one class, pairs within
// one split); nil keeps every pair. keep must depend on the two entries
// only: it may be called more than once for a pair (once per bucket the
// pair shares), from several goroutines at once, and must not keep the
// pointers. threshold may not be below Options.Threshold.
func (ix *Index) Pairs(threshold float64, keep func(a, b *Entry) bool) ([]Pair, Stats, error) {
	if keep == nil {
		keep = func(a, b *Entry) bool { return true }
	}
	rs, err := ix.Search([]Query{{Threshold: threshold, Keep: keep}})
	if err != nil {
		return nil, rs[0].Stats, err
	}
	return rs[0].Pairs, rs[0].Stats, nil
}

// First returns, for entries q with query(q), a target entry t with
// target(t) and similarity ≥ threshold, ordered by Query.Pos. Only pairs of
// a query and a target are verified, and a query stops forming pairs as
// soon as it has a match: bands are searched one after the other, and a
// query's target is the most similar target (ties to the smallest Pos)
// among those at or above threshold in its bucket of the first band that
// has one. So each reported similarity is exact and recall is that of
// Pairs (a query is matched when LSH makes it a candidate with any target
// at or above threshold), but the target need not be the most similar one
// of the whole index. A query with many near duplicates among the targets
// (template texts) costs one bucket's pairs instead of all of them. query
// and target are called once per entry; the result depends only on the
// index's contents. threshold may not be below Options.Threshold.
func (ix *Index) First(threshold float64, query, target func(Entry) bool) ([]Match, Stats, error) {
	rs, err := ix.Search([]Query{{Threshold: threshold, IsQuery: query, IsTarget: target}})
	if err != nil {
		return nil, rs[0].Stats, err
	}
	return rs[0].Matches, rs[0].Stats, nil
}

// maxQueries bounds the queries of one Search (a pair's wanting queries
// are a bit set).
const maxQueries = 8

// Search answers several queries in one scan of the band buckets: each
// bucket is sorted and its pairs formed once, and a pair that several
// queries want is verified once. Each query gets exactly the answer, and
// the Stats, it would get asked alone (Pairs or First): a query takes a
// pair only when it wants it and the pair passes that query's own
// fingerprint test. At most 8 queries; the slice of results always has
// one Result per query, with the Stats known when an error stops it.
func (ix *Index) Search(qs []Query) ([]Result, error) {
	rs := make([]Result, len(qs))
	for q := range rs {
		rs[q].Stats = Stats{Texts: int64(ix.st.len()), Truncated: ix.long, Bands: ix.bands, Rows: ix.rows}
	}
	if err := checkQueries(qs, ix.opt.Threshold); err != nil {
		return rs, err
	}
	if ix.closed {
		return rs, ErrClosed
	}
	if err := ix.flush(); err != nil {
		return rs, err
	}
	ix.mapTexts()
	ix.sortRecords() // record numbers must not change after flags are set
	filters := bandFilters(ix.bands, ix.rows)
	state := make([]*queryState, len(qs))
	for n, q := range qs {
		state[n] = ix.newQueryState(q, filters)
	}
	found, err := ix.scan(state, filters, rs)
	if err != nil {
		return rs, err
	}
	for n, q := range state {
		if q.first == nil {
			out := make([]Pair, len(found[n]))
			for k, f := range found[n] {
				out[k] = Pair{A: ix.st.rec(int(f.i)).Entry, B: ix.st.rec(int(f.j)).Entry, Similarity: f.sim}
			}
			rs[n].Pairs = out
		} else {
			rs[n].Matches = ix.firstMatches(q.first, found[n])
		}
	}
	return rs, nil
}

// checkQueries checks the queries of one search of an index built for
// threshold.
func checkQueries(qs []Query, threshold float64) error {
	if len(qs) > maxQueries {
		return fmt.Errorf("similar: %d queries in one search, at most %d", len(qs), maxQueries)
	}
	for _, q := range qs {
		if (q.IsQuery == nil) != (q.IsTarget == nil) || b2u(q.IsQuery != nil)+b2u(q.Keep != nil)+b2u(q.Differ != nil) > 1 {
			return errors.New("similar: a query sets Keep, Differ, or IsQuery and IsTarget")
		}
		if !(q.Threshold >= threshold && q.Threshold <= 1) {
			return fmt.Errorf("similar: threshold %v is outside [%v, 1], the range the index was built for",
				q.Threshold, threshold)
		}
	}
	return nil
}

// queryState is a query as the scan runs it.
type queryState struct {
	threshold float64
	// per band, rejectBelow(threshold) over its filter's bins, for long
	// and for short texts (shortText)
	reject, rejectShort []float64
	keep                func(a, b *Entry) bool
	differ              []uint64    // per record, Differ's value; nil unless Differ
	first               *firstMatch // nil but for first-match queries
}

func (ix *Index) newQueryState(q Query, filters []bandFilter) *queryState {
	s := &queryState{threshold: q.Threshold, keep: q.Keep}
	for _, f := range filters {
		s.reject = append(s.reject, rejectBelow(q.Threshold, f.bins, rejectSigmas))
		s.rejectShort = append(s.rejectShort, rejectBelow(q.Threshold, f.bins, rejectSigmasShort))
	}
	if q.Differ != nil {
		s.differ = make([]uint64, ix.st.len())
		for i := range s.differ {
			s.differ[i] = q.Differ(ix.st.rec(i).Entry)
		}
		return s
	}
	if q.IsQuery == nil {
		if s.keep == nil {
			s.keep = func(a, b *Entry) bool { return true }
		}
		return s
	}
	flags := make([]uint8, ix.st.len())
	for i := range flags {
		e := ix.st.rec(i).Entry
		if q.IsQuery(e) {
			flags[i] |= isQuery
		}
		if q.IsTarget(e) {
			flags[i] |= isTarget
		}
	}
	s.first = &firstMatch{flags: flags, matched: make([]bool, len(flags))}
	return s
}

// gather appends to dst the query's view of each bucket member: its
// Differ value, or for a first-match query its target flag and, while it
// has no match, its query flag. A Keep query needs none.
func (q *queryState) gather(ix *Index, members []uint32, dst []uint64) []uint64 {
	switch {
	case q.differ != nil:
		for _, i := range members {
			dst = append(dst, q.differ[i])
		}
	case q.first != nil:
		f := q.first
		for _, i := range members {
			v := uint64(f.flags[i] & isTarget)
			if f.flags[i]&isQuery != 0 && !f.matched[i] {
				v |= isQuery
			}
			dst = append(dst, v)
		}
	}
	return dst
}

// wantsMembers reports whether the query takes the pair of bucket members
// a < b, records i < j; attr is the bucket's gather.
func (q *queryState) wantsMembers(ix *Index, attr []uint64, a, b int, i, j uint32) bool {
	switch {
	case q.differ != nil:
		x, y := attr[a], attr[b]
		return x != 0 && y != 0 && x != y
	case q.first != nil:
		x, y := attr[a], attr[b]
		return x&isQuery != 0 && y&isTarget != 0 || y&isQuery != 0 && x&isTarget != 0
	}
	return q.keep(&ix.st.rec(int(i)).Entry, &ix.st.rec(int(j)).Entry)
}

// firstMatches picks, for each query record of the verified pairs, its
// most similar target (ties to the smallest record, hence Pos).
func (ix *Index) firstMatches(f *firstMatch, found []found) []Match {
	type best struct {
		target uint32
		sim    float64
	}
	bests := map[uint32]best{}
	offer := func(q, t uint32, sim float64) {
		if f.flags[q]&isQuery == 0 || f.flags[t]&isTarget == 0 {
			return
		}
		b, ok := bests[q]
		if !ok || sim > b.sim || sim == b.sim && t < b.target {
			bests[q] = best{t, sim}
		}
	}
	for _, p := range found {
		offer(p.i, p.j, p.sim)
		offer(p.j, p.i, p.sim)
	}
	out := make([]Match, 0, len(bests))
	for q, b := range bests {
		out = append(out, Match{Query: ix.st.rec(int(q)).Entry, Target: ix.st.rec(int(b.target)).Entry, Similarity: b.sim})
	}
	slices.SortFunc(out, func(a, b Match) int { return compareEntries(&a.Query, &b.Query) })
	return out
}

// Record flags of a first-match query.
const (
	isQuery  = 1
	isTarget = 2
)

// firstMatch is a first-match query's state: which records are queries,
// and which queries have a match. A query is in one bucket per band, so
// only the worker verifying that bucket reads or writes its mark during a
// band, and bands are separated by the scan's barrier: no mark needs a lock.
type firstMatch struct {
	flags   []uint8
	matched []bool
}

// serves reports whether the pair (q, t) would match query q.
func (f *firstMatch) serves(q, t uint32) bool {
	return f.flags[q]&isQuery != 0 && f.flags[t]&isTarget != 0 && !f.matched[q]
}

// mark records the queries that the verified pairs in found match.
func (f *firstMatch) mark(found []found) {
	for _, p := range found {
		if f.serves(p.i, p.j) {
			f.matched[p.i] = true
		}
		if f.serves(p.j, p.i) {
			f.matched[p.j] = true
		}
	}
}

// compareEntries orders entries by Pos, then Key (Pos is unique per row, so
// Key only matters if a caller breaks that rule).
func compareEntries(a, b *Entry) int {
	return cmp.Or(cmp.Compare(a.Pos, b.Pos), cmp.Compare(a.Key.Hi, b.Key.Hi), cmp.Compare(a.Key.Lo, b.Key.Lo))
}

// found is one verified pair of records, i < j.
type found struct {
	i, j uint32
	sim  float64
}

// A tails word has one bit per band.
const _ = uint(32 - maxBands)

// scan finds, for each query, the pairs of records at or above its
// threshold that share a band bucket and that it wants, and adds each
// query's counts to its Stats.
//
// Records are in (Pos, Key) order (Search sorts them), so record numbers
// order like positions. Bands are processed one after the other: a radix
// sort of (band hash, record) groups each bucket's records in order, and
// buckets are shared among workers; the next band is sorted while they
// work. A pair sharing several buckets is handled once, in the first band
// whose bucket generated it (filters[band] tests its fingerprint): a later
// band that meets it checks the earlier bands' hashes and whether their
// buckets' caps left the pair out. So no set of pairs is ever held besides
// the results. A first-match query does not want a pair whose query is
// already matched, and its queries of a bucket's verified pairs are marked
// when the bucket is done.
func (ix *Index) scan(qs []*queryState, filters []bandFilter, rs []Result) ([][]found, error) {
	n := ix.st.len()
	if n < 2 || len(qs) == 0 {
		return make([][]found, len(qs)), nil
	}
	nw := ix.opt.Workers
	if nw == 0 {
		nw = runtime.GOMAXPROCS(0)
	}
	ws := make([]*scanWorker, nw)
	for w := range ws {
		ws[w] = &scanWorker{ix: ix, queries: qs, filters: filters, attr: make([][]uint64, len(qs)), found: make([][]found, len(qs)), st: make([]Stats, len(qs)), from: make([]int, len(qs))}
	}
	// A band's (hash, record) items, sorted, and its buckets: while the
	// workers verify one band, this goroutine sorts the next.
	type band struct {
		items   []uint64
		buckets []span
	}
	tmp := make([]uint64, n)
	sortBand := func(k int, b *band) {
		if b.items == nil {
			b.items = make([]uint64, n)
		}
		items := b.items
		for c := range ix.st.sigs {
			sigs := ix.st.sigs[c]
			for o := range min(chunkLen, n-c*chunkLen) {
				i := c*chunkLen + o
				items[i] = uint64(sigs[o*ix.bands+k])<<32 | uint64(i)
			}
		}
		sortHigh32(items, tmp)
		b.buckets = b.buckets[:0]
		for lo := 0; lo < n; {
			hi := lo + 1
			for hi < n && items[hi]>>32 == items[lo]>>32 {
				hi++
			}
			if hi-lo >= 2 {
				b.buckets = append(b.buckets, span{lo, hi})
			}
			lo = hi
		}
	}
	// tails[i] has bit k set when text i is in a capped bucket of band k
	// but not among its first BucketCap texts. Bit k is set once band k's
	// workers are done: they read only the bits of earlier bands.
	tails := make([]uint32, n)
	cur, next := &band{}, &band{}
	sortBand(0, cur)
	for k := range ix.bands {
		var taken atomic.Int64
		var wg sync.WaitGroup
		for _, w := range ws {
			w.band, w.tails = k, tails
			wg.Add(1)
			go func() {
				defer wg.Done()
				const chunk = 64
				for w.err == nil {
					b := int(taken.Add(chunk)) - chunk
					if b >= len(cur.buckets) {
						return
					}
					for _, s := range cur.buckets[b:min(b+chunk, len(cur.buckets))] {
						w.bucket(cur.items[s.lo:s.hi])
					}
				}
			}()
		}
		if k+1 < ix.bands {
			sortBand(k+1, next)
		}
		wg.Wait()
		for _, w := range ws {
			if w.err != nil {
				return nil, w.err
			}
		}
		for _, s := range cur.buckets {
			for _, it := range cur.items[s.lo+min(s.hi-s.lo, ix.opt.BucketCap) : s.hi] {
				tails[uint32(it)] |= 1 << k
			}
		}
		cur, next = next, cur
	}
	out := make([][]found, len(qs))
	for q := range qs {
		for _, w := range ws {
			rs[q].Stats.add(w.st[q])
			out[q] = append(out[q], w.found[q]...)
		}
		slices.SortFunc(out[q], func(a, b found) int { return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j)) })
	}
	return out, nil
}

type span struct{ lo, hi int }

// scanWorker verifies the pairs of the buckets it takes, with its own
// buffers and results (per query).
type scanWorker struct {
	ix      *Index
	queries []*queryState
	filters []bandFilter // per band

	band  int
	tails []uint32 // see scan; read only for the bands before band

	members []uint32
	pend    []pending  // pairs of the current bucket to verify
	attr    [][]uint64 // per query, its gather of the current bucket
	short   []bool     // per member of the current bucket: text shorter than shortText
	verifier
	found [][]found
	st    []Stats
	from  []int // per query, its first pair found in the current bucket
	err   error
}

// pending is a pair of bucket members to verify and the queries that take
// it if it reaches their threshold.
type pending struct {
	a, b int32
	want uint8
}

// bucket generates, filters and verifies the pairs of one band bucket:
// items are its (hash, record) values, in record order.
func (w *scanWorker) bucket(items []uint64) {
	ix := w.ix
	m := w.members[:0]
	for _, it := range items {
		m = append(m, uint32(it))
	}
	w.members = m
	if c := ix.opt.BucketCap; len(m) > c {
		skipped := int64(len(m))*int64(len(m)-1)/2 - int64(c)*int64(c-1)/2
		for q := range w.st {
			w.st[q].CappedBuckets++
			w.st[q].SkippedPairs += skipped
		}
		m = m[:c]
	}
	// Each query's view of the members, gathered once per bucket (a
	// first-match query's marks change only between buckets).
	for q, qs := range w.queries {
		w.attr[q] = qs.gather(ix, m, w.attr[q][:0])
	}
	w.short = w.short[:0]
	for _, i := range m {
		w.short = append(w.short, ix.st.rec(int(i)).size < shortText)
	}
	w.pend = w.pend[:0]
	var formed int64
	filter := &w.filters[w.band]
	for a, i := range m {
		for b := a + 1; b < len(m); b++ {
			j := m[b]
			formed++
			var want uint8
			for q, qs := range w.queries {
				if qs.wantsMembers(ix, w.attr[q], a, b, i, j) {
					want |= 1 << q
				}
			}
			if want == 0 {
				continue
			}
			// The fingerprint first: it rules out most pairs, more
			// cheaply than finding whether an earlier band formed them.
			bits := float64(filter.matching(ix.st.fp(int(i)), ix.st.fp(int(j))))
			short := w.short[a] || w.short[b]
			pass := want
			for q, qs := range w.queries {
				if want>>q&1 != 0 {
					w.st[q].Kept++
					cut := qs.reject[w.band]
					if short {
						cut = qs.rejectShort[w.band]
					}
					if bits < cut {
						pass &^= 1 << q
					}
				}
			}
			if pass == 0 || w.seenBefore(i, j) {
				continue
			}
			for q := range w.queries {
				if pass>>q&1 != 0 {
					w.st[q].Verified++
				}
			}
			w.pend = append(w.pend, pending{int32(a), int32(b), pass})
		}
	}
	for q := range w.st {
		w.st[q].BucketPairs += formed
	}
	if len(w.pend) > 0 {
		for q := range w.from {
			w.from[q] = len(w.found[q])
		}
		if err := w.verify(m); err != nil {
			w.err = err
		}
		for q, qs := range w.queries {
			if qs.first != nil {
				qs.first.mark(w.found[q][w.from[q]:])
			}
		}
	}
}

// seenBefore reports whether an earlier band generated the pair (i, j):
// they share its bucket and neither is beyond the bucket's cap.
func (w *scanWorker) seenBefore(i, j uint32) bool {
	ix := w.ix
	si := ix.st.sig(int(i))[:w.band]
	sj := ix.st.sig(int(j))[:w.band]
	out := w.tails[i] | w.tails[j]
	for k, h := range si {
		if h == sj[k] && out>>k&1 == 0 {
			return true
		}
	}
	return false
}

// sortHigh32 sorts items by their high 32 bits, keeping the order of equal
// ones (an LSD radix sort in two 16-bit passes; small inputs are sorted
// whole, which orders equal high bits by the low ones, the record order);
// tmp has items' length.
func sortHigh32(items, tmp []uint64) {
	if len(items) < 1<<12 {
		slices.Sort(items)
		return
	}
	var count [1 << 16]int
	src, dst := items, tmp
	for shift := 32; shift < 64; shift += 16 {
		clear(count[:])
		for _, v := range src {
			count[v>>shift&0xffff]++
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for _, v := range src {
			d := v >> shift & 0xffff
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	// An even number of passes: the result is back in items.
}
