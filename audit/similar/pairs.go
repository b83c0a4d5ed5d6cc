package similar

import (
	"cmp"
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
	// a pair sharing several buckets counts once per bucket. Kept counts the
	// distinct pairs keep accepted; Verified those of them whose
	// fingerprints did not rule them out, so that their texts were read and
	// their similarity computed exactly; Pairs those at or above the
	// threshold.
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

// Pairs returns every pair of indexed texts with similarity ≥ threshold
// that LSH finds (each pair whose texts share a band bucket) and keep
// accepts, ordered by (A.Pos, B.Pos). keep sees both entries (a.Pos <
// b.Pos) before anything else is done with the pair, so it should reject
// cheaply what the caller does not want (pairs of one class, pairs within
// one split); nil keeps every pair. keep must depend on the two entries
// only: it may be called more than once for a pair (once per bucket the
// pair shares), from several goroutines at once. threshold may not be
// below Options.Threshold.
func (ix *Index) Pairs(threshold float64, keep func(a, b Entry) bool) ([]Pair, Stats, error) {
	accept := func(i, j uint32) bool { return true }
	if keep != nil {
		accept = func(i, j uint32) bool { return keep(ix.st.rec(int(i)).Entry, ix.st.rec(int(j)).Entry) }
	}
	found, st, err := ix.scan(threshold, accept, nil)
	if err != nil {
		return nil, st, err
	}
	out := make([]Pair, len(found))
	for n, f := range found {
		out[n] = Pair{A: ix.st.rec(int(f.i)).Entry, B: ix.st.rec(int(f.j)).Entry, Similarity: f.sim}
	}
	return out, st, nil
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
	ix.sortRecords() // record numbers must not change after flags are set
	flags := make([]uint8, ix.st.len())
	for i := range flags {
		e := ix.st.rec(i).Entry
		if query(e) {
			flags[i] |= isQuery
		}
		if target(e) {
			flags[i] |= isTarget
		}
	}
	accept := func(i, j uint32) bool {
		return flags[i]&isQuery != 0 && flags[j]&isTarget != 0 ||
			flags[j]&isQuery != 0 && flags[i]&isTarget != 0
	}
	done := &firstMatch{flags: flags, matched: make([]bool, len(flags))}
	found, st, err := ix.scan(threshold, accept, done)
	if err != nil {
		return nil, st, err
	}
	type best struct {
		target uint32
		sim    float64
	}
	bests := map[uint32]best{}
	offer := func(q, t uint32, sim float64) {
		if flags[q]&isQuery == 0 || flags[t]&isTarget == 0 {
			return
		}
		b, ok := bests[q]
		if !ok || sim > b.sim || sim == b.sim && t < b.target {
			bests[q] = best{t, sim}
		}
	}
	for _, f := range found {
		offer(f.i, f.j, f.sim)
		offer(f.j, f.i, f.sim)
	}
	out := make([]Match, 0, len(bests))
	for q, b := range bests {
		out = append(out, Match{Query: ix.st.rec(int(q)).Entry, Target: ix.st.rec(int(b.target)).Entry, Similarity: b.sim})
	}
	slices.SortFunc(out, func(a, b Match) int { return compareEntries(&a.Query, &b.Query) })
	return out, st, nil
}

// Record flags of First.
const (
	isQuery  = 1
	isTarget = 2
)

// firstMatch is First's state: which records are queries, and which
// queries have a match. A query is in one bucket per band, so only the
// worker verifying that bucket reads or writes its mark during a band, and
// bands are separated by the scan's barrier: no mark needs a lock.
type firstMatch struct {
	flags   []uint8
	matched []bool
}

// done reports whether the pair (i, j) can give no query a first match:
// neither side is an unmatched query whose other side is a target.
func (f *firstMatch) done(i, j uint32) bool {
	return !f.serves(i, j) && !f.serves(j, i)
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

// scan finds the pairs of records at or above threshold that share a band
// bucket and that accept (called with i < j) lets through.
//
// Records are first put in (Pos, Key) order, so record numbers order like
// positions. Bands are processed one after the other: a radix sort of
// (band hash, record) groups each bucket's records in order, and buckets
// are shared among workers. A pair sharing several buckets is handled once,
// in the first band whose bucket generated it: a later band that meets it
// checks the earlier bands' hashes and whether their buckets' caps left
// the pair out. So no set of pairs is ever held besides the results.
// With first (First), a pair whose query is already matched is not formed,
// and the queries of a bucket's verified pairs are marked when the bucket
// is done.
func (ix *Index) scan(threshold float64, accept func(i, j uint32) bool, first *firstMatch) ([]found, Stats, error) {
	st := Stats{Texts: int64(ix.st.len()), Truncated: ix.long, Bands: ix.bands, Rows: ix.rows}
	if ix.closed {
		return nil, st, ErrClosed
	}
	if !(threshold >= ix.opt.Threshold && threshold <= 1) {
		return nil, st, fmt.Errorf("similar: threshold %v is outside [%v, 1], the range the index was built for",
			threshold, ix.opt.Threshold)
	}
	if err := ix.flush(); err != nil {
		return nil, st, err
	}
	for _, f := range ix.files {
		f.remap()
	}
	ix.sortRecords()
	n := ix.st.len()
	if n < 2 {
		return nil, st, nil
	}
	nw := ix.opt.Workers
	if nw == 0 {
		nw = runtime.GOMAXPROCS(0)
	}
	ws := make([]*scanWorker, nw)
	for w := range ws {
		ws[w] = &scanWorker{ix: ix, threshold: threshold, reject: rejectBelow(threshold), accept: accept, first: first}
	}
	items := make([]uint64, n)
	tmp := make([]uint64, n)
	// tails[i] has bit k set when text i is in a capped bucket of band k
	// but not among its first BucketCap texts.
	tails := make([]uint32, n)
	var buckets []span
	for k := range ix.bands {
		for c := range ix.st.sigs {
			sigs := ix.st.sigs[c]
			for o := range min(chunkLen, n-c*chunkLen) {
				i := c*chunkLen + o
				items[i] = uint64(sigs[o*ix.bands+k])<<32 | uint64(i)
			}
		}
		sortHigh32(items, tmp)
		buckets = buckets[:0]
		for lo := 0; lo < n; {
			hi := lo + 1
			for hi < n && items[hi]>>32 == items[lo]>>32 {
				hi++
			}
			if hi-lo >= 2 {
				buckets = append(buckets, span{lo, hi})
				for _, it := range items[lo+min(hi-lo, ix.opt.BucketCap) : hi] {
					tails[uint32(it)] |= 1 << k
				}
			}
			lo = hi
		}
		var next atomic.Int64
		var wg sync.WaitGroup
		for _, w := range ws {
			w.band, w.tails = k, tails
			wg.Add(1)
			go func() {
				defer wg.Done()
				const chunk = 64
				for w.err == nil {
					b := int(next.Add(chunk)) - chunk
					if b >= len(buckets) {
						return
					}
					for _, s := range buckets[b:min(b+chunk, len(buckets))] {
						w.bucket(items[s.lo:s.hi])
					}
				}
			}()
		}
		wg.Wait()
		for _, w := range ws {
			if w.err != nil {
				return nil, st, w.err
			}
		}
	}
	var out []found
	for _, w := range ws {
		st.add(w.st)
		out = append(out, w.found...)
	}
	slices.SortFunc(out, func(a, b found) int { return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j)) })
	return out, st, nil
}

type span struct{ lo, hi int }

// scanWorker verifies the pairs of the buckets it takes, with its own
// buffers and results.
type scanWorker struct {
	ix        *Index
	threshold float64
	reject    float64 // rejectBelow(threshold)
	accept    func(i, j uint32) bool
	first     *firstMatch // nil but for First

	band  int
	tails []uint32 // see scan; read only for the bands before band

	members []uint32
	pend    [][2]int32 // pairs of the current bucket to verify, by member
	verifier
	found []found
	st    Stats
	err   error
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
		w.st.CappedBuckets++
		w.st.SkippedPairs += int64(len(m))*int64(len(m)-1)/2 - int64(c)*int64(c-1)/2
		m = m[:c]
	}
	w.pend = w.pend[:0]
	for a, i := range m {
		for b := a + 1; b < len(m); b++ {
			j := m[b]
			w.st.BucketPairs++
			if !w.accept(i, j) || w.first != nil && w.first.done(i, j) || w.seenBefore(i, j) {
				continue
			}
			w.st.Kept++
			if float64(matchingBits(ix.st.fp(int(i)), ix.st.fp(int(j)))) < w.reject {
				continue
			}
			w.st.Verified++
			w.pend = append(w.pend, [2]int32{int32(a), int32(b)})
		}
	}
	if len(w.pend) > 0 {
		from := len(w.found)
		if err := w.verify(m); err != nil {
			w.err = err
		}
		if w.first != nil {
			w.first.mark(w.found[from:])
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
