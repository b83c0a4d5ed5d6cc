package similar

import (
	"math/bits"
	"slices"
)

// verifier computes the exact similarity of the pairs of one bucket that
// survived the filters. It reads each text it needs once per bucket,
// numbers the distinct shingles of those texts, gives each text a bitmap
// over them, and counts each pair's shared shingles with AND and popcount:
// a pair costs a pass over a few words (a bucket of template texts has a
// few thousand distinct shingles) instead of a merge of two sorted sets,
// and no set is sorted. It keeps its buffers from bucket to bucket; each
// scan worker has one.
type verifier struct {
	slot   []int32  // per member, its number among the texts to read, or -1
	texts  []uint32 // per slot, the member's record
	text   []byte
	hashes []uint64 // the shingle keys of every text read, in slot order
	bounds []span   // per slot, its keys
	index  []uint32 // per shingle in hashes, its bit
	keys   []uint64 // open-addressing table: shingle key → bit
	vals   []uint32 // bit + 1, 0 for an empty slot
	bits   []uint64 // per slot, its bitmap
	sizes  []int    // per slot, its number of distinct shingles
}

// verify computes the similarity of each pending pair of the bucket whose
// members are m, and records those at or above the threshold.
func (w *scanWorker) verify(m []uint32) error {
	v := &w.verifier
	v.slot = slices.Grow(v.slot[:0], len(m))[:len(m)]
	for i := range v.slot {
		v.slot[i] = -1
	}
	v.texts = v.texts[:0]
	for _, p := range w.pend {
		for _, a := range [2]int32{p.a, p.b} {
			if v.slot[a] < 0 {
				v.slot[a] = int32(len(v.texts))
				v.texts = append(v.texts, m[a])
			}
		}
	}
	return w.verifyBitmaps()
}

// report records pair p for each query that wants it and whose threshold
// its similarity reaches. Like jaccard, it divides exact counts, so
// Similarity gives the same number.
func (w *scanWorker) report(p pending, inter, union int) {
	sim := 1.0
	if union > 0 {
		sim = float64(inter) / float64(union)
	}
	for q, qs := range w.queries {
		if p.want>>q&1 != 0 && sim >= qs.threshold {
			w.st[q].Pairs++
			w.found[q] = append(w.found[q], found{w.members[p.a], w.members[p.b], sim})
		}
	}
}

// read returns the text of record i, to be read only until the next read:
// the memory of its mapped file or of an index kept in memory, or else a
// copy in v.text's memory.
func (w *scanWorker) read(i uint32) ([]byte, error) {
	r := w.ix.st.rec(int(i))
	if text, ok := w.ix.memText(r); ok {
		return text, nil
	}
	var err error
	w.verifier.text, err = w.ix.readText(r, w.verifier.text)
	return w.verifier.text, err
}

// verifyBitmaps reads the texts, numbers their distinct shingles, builds
// the bitmaps and counts each pair's shared shingles.
func (w *scanWorker) verifyBitmaps() error {
	v := &w.verifier
	v.hashes = v.hashes[:0]
	v.bounds = v.bounds[:0]
	for _, i := range v.texts {
		text, err := w.read(i)
		if err != nil {
			return err
		}
		lo := len(v.hashes)
		v.hashes = appendShingles(v.hashes, text)
		v.bounds = append(v.bounds, span{lo, len(v.hashes)})
	}
	size := 16
	for size < 2*len(v.hashes) {
		size <<= 1
	}
	v.keys = slices.Grow(v.keys[:0], size)[:size]
	v.vals = slices.Grow(v.vals[:0], size)[:size]
	clear(v.vals)
	v.index = slices.Grow(v.index[:0], len(v.hashes))[:len(v.hashes)]
	mask := uint64(size - 1)
	shift := 64 - bits.TrailingZeros(uint(size)) // Fibonacci hashing: the top bits
	var distinct uint32
	for n, h := range v.hashes {
		s := h * 0x9e3779b97f4a7c15 >> shift
		for v.vals[s] != 0 && v.keys[s] != h {
			s = (s + 1) & mask
		}
		if v.vals[s] == 0 {
			distinct++
			v.keys[s], v.vals[s] = h, distinct
		}
		v.index[n] = v.vals[s] - 1
	}
	words := int(distinct+63) / 64
	v.bits = slices.Grow(v.bits[:0], words*len(v.texts))[:words*len(v.texts)]
	clear(v.bits)
	v.sizes = slices.Grow(v.sizes[:0], len(v.texts))[:len(v.texts)]
	for t, b := range v.bounds {
		row := v.bits[t*words : (t+1)*words]
		for _, x := range v.index[b.lo:b.hi] {
			row[x/64] |= 1 << (x % 64)
		}
		n := 0
		for _, x := range row {
			n += bits.OnesCount64(x)
		}
		v.sizes[t] = n
	}
	for _, p := range w.pend {
		a, b := int(v.slot[p.a]), int(v.slot[p.b])
		ra, rb := v.bits[a*words:(a+1)*words], v.bits[b*words:(b+1)*words]
		inter := 0
		for k, x := range ra {
			inter += bits.OnesCount64(x & rb[k])
		}
		w.report(p, inter, v.sizes[a]+v.sizes[b]-inter)
	}
	return nil
}
