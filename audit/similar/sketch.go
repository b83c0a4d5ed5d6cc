package similar

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/zeebo/xxh3"
)

// ShingleRunes is the length, in runes, of the character n-grams compared.
const ShingleRunes = 5

// Band parameters. For a threshold t the index uses the largest rows per
// band r ≤ maxRows whose band count b(r) ≤ maxBands and b(r)·r ≤ maxValues,
// b(r) being the fewest bands that make a pair of similarity exactly t a
// candidate with probability ≥ targetRecall when each of the b·r MinHash
// values matches independently with probability t (see BandsFor). Bounding
// the values bounds the work per text and keeps one permutation hashing
// close to that model (with many more bins than shingles, densification
// copies many values and bands match together more often).
const (
	maxBands     = 20
	maxRows      = 32
	maxValues    = 160
	targetRecall = 0.99
)

// Recall is the probability that a pair of similarity j becomes a candidate
// with the given bands and rows per band, when each MinHash value matches
// independently with probability j: 1 − (1 − j^rows)^bands. One permutation
// hashing makes the values slightly dependent; TestSCurve measures the
// candidate rate it really gives, which is at or above this curve for j ≥ 0.7.
func Recall(j float64, bands, rows int) float64 {
	return 1 - math.Pow(1-math.Pow(j, float64(rows)), float64(bands))
}

// bandsFor returns the fewest bands of r rows that make a pair of
// similarity t a candidate with probability ≥ targetRecall.
func bandsFor(t float64, r int) int {
	p := math.Pow(t, float64(r))
	if p >= 1 {
		return 1
	}
	if p <= 0 {
		return math.MaxInt32
	}
	return int(math.Ceil(math.Log(1-targetRecall) / math.Log(1-p)))
}

// BandsFor returns the bands and rows per band the index uses for a
// threshold: the largest rows r ≤ 32 for which at most 20 bands, and at
// most 160 values in all, reach a recall of 0.99 at the threshold (see the
// package documentation).
func BandsFor(threshold float64) (bands, rows int) {
	bands, rows = bandsFor(threshold, 1), 1
	for r := 2; r <= maxRows; r++ {
		b := bandsFor(threshold, r)
		if b > maxBands || b*r > maxValues {
			break
		}
		bands, rows = b, r
	}
	return bands, rows
}

// shingleKey identifies a shingle by 64 bits: up to 7 bytes (every ASCII
// shingle) are packed with their length into the word, so distinct short
// shingles never share a key; longer ones are hashed with xxh3. Keys are
// what verification compares; the signature mixes them first (mix64).
func shingleKey(b []byte) uint64 {
	if len(b) >= 8 {
		return xxh3.Hash(b)
	}
	var w [8]byte
	copy(w[:], b)
	return binary.LittleEndian.Uint64(w[:]) | uint64(len(b))<<56
}

// mix64 is the SplitMix64 finalizer, a bijection with good avalanche.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// bound returns the prefix of text made of its first maxRunes runes and
// whether text was longer. Invalid UTF-8 bytes count as one rune each.
func bound(text []byte, maxRunes int) ([]byte, bool) {
	if len(text) <= maxRunes {
		return text, false
	}
	n, i := 0, 0
	for i < len(text) && n < maxRunes {
		if text[i] < utf8.RuneSelf {
			i++
		} else {
			_, w := utf8.DecodeRune(text[i:])
			i += w
		}
		n++
	}
	return text[:i], i < len(text)
}

// appendShingles appends the keys (shingleKey) of the character 5-grams of
// text (already bounded) to dst, duplicates included. A text shorter than
// five runes is one shingle, the whole text (the empty text included).
func appendShingles(dst []uint64, text []byte) []uint64 {
	ascii := true
	for _, c := range text {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		if len(text) < ShingleRunes {
			return append(dst, shingleKey(text))
		}
		const tag = uint64(ShingleRunes) << 56
		const mask = 1<<(8*ShingleRunes) - 1
		i := 0
		// Load eight bytes at a time while they are there; shingleKey for
		// the last few.
		for ; i+8 <= len(text); i++ {
			dst = append(dst, binary.LittleEndian.Uint64(text[i:])&mask|tag)
		}
		for ; i+ShingleRunes <= len(text); i++ {
			dst = append(dst, shingleKey(text[i:i+ShingleRunes]))
		}
		return dst
	}
	// Byte offsets of the last ShingleRunes rune starts, in a ring.
	var starts [ShingleRunes]int
	n := 0
	for i := 0; i < len(text); {
		w := 1
		if text[i] >= utf8.RuneSelf {
			_, w = utf8.DecodeRune(text[i:])
		}
		starts[n%ShingleRunes] = i
		n++
		i += w
		if n >= ShingleRunes {
			dst = append(dst, shingleKey(text[starts[n%ShingleRunes]:i]))
		}
	}
	if n < ShingleRunes {
		dst = append(dst, shingleKey(text))
	}
	return dst
}

// shingleSet returns the distinct shingle keys of text (already bounded),
// ascending, in dst's memory.
func shingleSet(dst []uint64, text []byte) []uint64 {
	dst = appendShingles(dst[:0], text)
	slices.Sort(dst)
	return slices.Compact(dst)
}

// Similarity returns the similarity the index computes for two normalized
// texts: the Jaccard similarity of their sets of character 5-grams, over
// their first maxRunes runes (0 means DefaultMaxRunes).
func Similarity(a, b string, maxRunes int) float64 {
	if maxRunes <= 0 {
		maxRunes = DefaultMaxRunes
	}
	ta, _ := bound([]byte(a), maxRunes)
	tb, _ := bound([]byte(b), maxRunes)
	return jaccard(shingleSet(nil, ta), shingleSet(nil, tb))
}

// intersect counts the values two ascending sets share, without branches
// on the values.
func intersect(a, b []uint64) int {
	i, j, n := 0, 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		n += int(b2u(x == y))
		i += int(b2u(x <= y))
		j += int(b2u(y <= x))
	}
	return n
}

// jaccard is |a∩b| / |a∪b| of two ascending sets of distinct values.
func jaccard(a, b []uint64) float64 {
	n := intersect(a, b)
	u := len(a) + len(b) - n
	if u == 0 {
		return 1
	}
	return float64(n) / float64(u)
}

// sketcher computes band hashes with one permutation hashing (Li, Owen and
// Zhang 2012) and optimal densification (Shrivastava 2017): each shingle
// hash x (its key mixed by mix64) falls in one of K bins, chosen by its high
// bits; a bin keeps the smallest x it gets; an empty bin takes the value of the first non-empty
// bin in its own fixed random order of the bins. For any two texts each bin
// then holds the same value with probability exactly their Jaccard
// similarity, like one classic MinHash value, at the cost of one pass over
// the shingles instead of K. Band k hashes bins [k·rows, (k+1)·rows); the
// fingerprint keeps the two low bits of bins 0 to 127 (K = max(bands·rows,
// 128)).
//
// A sketcher keeps scratch buffers, so each Index owns one; it is not safe
// for concurrent use.
type sketcher struct {
	bands, rows, k int
	order          *binOrder
	shingles       []uint64
	bins           []uint64
	vals           []uint64 // densified values of empty bins
	holes          []uint16 // empty bins
	filled         []uint16 // non-empty bins
}

// fingerprint is 2 bits of each of 128 MinHash values (b-bit minwise
// hashing, Li and König 2010), enough to estimate a pair's similarity
// before reading its texts (see rejectBelow).
type fingerprint [4]uint64

// fingerprintBins is the number of bins the fingerprint samples.
const fingerprintBins = 128

func newSketcher(bands, rows int) *sketcher {
	k := max(bands*rows, fingerprintBins)
	return &sketcher{bands: bands, rows: rows, k: k, order: binOrderFor(k),
		bins: make([]uint64, k), vals: make([]uint64, k), holes: make([]uint16, k),
		filled: make([]uint16, 0, k)}
}

// empty marks an empty bin. A shingle hash equal to it (chance 2⁻⁶⁴) is
// ignored, the same way in every text.
const empty = ^uint64(0)

// sketch writes the band hashes of text (already bounded) to dst, which
// has one element per band, and returns its fingerprint.
func (s *sketcher) sketch(dst []uint32, text []byte) fingerprint {
	s.shingles = appendShingles(s.shingles[:0], text)
	return s.sketchHashes(dst, s.shingles)
}

// sketchHashes is sketch for a text's shingle keys (duplicates allowed).
// Each key is mixed into a uniform 64-bit hash first.
func (s *sketcher) sketchHashes(dst []uint32, keys []uint64) fingerprint {
	bins := s.bins
	for i := range bins {
		bins[i] = empty
	}
	k := uint64(s.k)
	for _, key := range keys {
		x := mix64(key)
		j := (x >> 32) * k >> 32
		bins[j] = min(bins[j], x)
	}
	s.densify()
	for b := range s.bands {
		h := uint64(b)
		for _, v := range bins[b*s.rows : (b+1)*s.rows] {
			h = mix64(h ^ v)
		}
		dst[b] = uint32(h >> 32)
	}
	var fp fingerprint
	for i, v := range bins[:fingerprintBins] {
		fp[i/32] |= (v & 3) << (2 * (i % 32))
	}
	return fp
}

// bandFilter is the fingerprint test of the pairs first formed in one
// band's buckets. Such a pair shares that band's values by construction,
// so the fingerprint bits of those bins say nothing of its similarity and
// would only raise its count of matching bits: the test leaves them out
// and judges the pair on the other bins.
type bandFilter struct {
	mask fingerprint // the bits of the bins outside the band
	bins int         // how many bins that is
}

// bandFilters returns the filter of each band of rows values (band k
// covers bins [k·rows, (k+1)·rows)).
func bandFilters(bands, rows int) []bandFilter {
	fs := make([]bandFilter, bands)
	for k := range fs {
		f := &fs[k]
		for bin := range fingerprintBins {
			if bin >= k*rows && bin < (k+1)*rows {
				continue
			}
			f.mask[bin/32] |= 3 << (2 * (bin % 32))
			f.bins++
		}
	}
	return fs
}

// matching counts the fingerprint bits two texts share outside the band.
func (f *bandFilter) matching(a, b *fingerprint) int {
	return 2*f.bins - bits.OnesCount64((a[0]^b[0])&f.mask[0]) - bits.OnesCount64((a[1]^b[1])&f.mask[1]) -
		bits.OnesCount64((a[2]^b[2])&f.mask[2]) - bits.OnesCount64((a[3]^b[3])&f.mask[3])
}

// The fingerprint test cuts rejectSigmas standard deviations below the
// mean, or rejectSigmasShort when either text of the pair is shorter than
// shortText bytes. A short text fills few of the 140 bins: most are copies
// made by densification, its estimate is less sharp than the formula
// says, and short texts are cheap to verify anyway.
const (
	rejectSigmas      = 4
	rejectSigmasShort = 5
	shortText         = 150
)

// rejectBelow returns the number of matching fingerprint bits, over bins
// bins, below which a pair is taken to be under threshold t without
// reading its texts, cutting sigmas standard deviations below the mean. A
// bin shared with probability J gives 2 matching bits, otherwise 0, 1 or
// 2 at random, so bins of a pair of similarity t would give bins·(1 + t)
// matching bits on average with variance bins·(0.5 + 0.5t − t²) if they
// were independent; the bins' dependence (mostly copies made by
// densification) widens the spread. Simulated at t = 0.5, 0.8 and 0.9 on
// candidate pairs (20,000 each, band bins left out as the scan does), 4
// deviations lose 0.22% of the pairs of similarity t for texts of 100
// shingles and 0.06% for 300 or more, 5 deviations at most 0.43% for 10
// shingles, 0.11% for 20 and 0.02% for 100 (TestSCurve checks it); at t = 0.8, 4 deviations keep
// 0.1% of the candidate pairs of similarity 0.4, 3.7% of 0.5, 38% of 0.6
// and 90% of 0.7 (TestFingerprintRejects). Against 5 deviations over all
// 128 bins, this verifies 2.6 million pairs instead of 4.8 on the
// benchmark corpus (texts of 60 to 250 bytes).
func rejectBelow(t float64, bins int, sigmas float64) float64 {
	n := float64(bins)
	return n*(1+t) - sigmas*math.Sqrt(n*(0.5+0.5*t-t*t))
}

// densify fills every empty bin j with the value of the first non-empty bin
// in j's order. Both ways of finding it give the same bin: walking j's
// order (about K/filled steps, usually one or two) or, for nearly empty
// sketches, taking the filled bin of lowest rank for j (filled steps).
// The walk looks at four bins at once without branches: the first four
// are all empty about once in 200 bins for the usual 25% of empty bins.
func (s *sketcher) densify() {
	filled := 0
	for _, v := range s.bins {
		filled += int(b2u(v != empty))
	}
	s.densifyBy(filled*filled >= len(s.bins))
}

// densifyBy is densify, walking the orders or ranking the filled bins.
func (s *sketcher) densifyBy(walk bool) {
	bins := s.bins
	holes := s.holes[:len(bins)]
	n := 0
	for j, v := range bins {
		holes[n] = uint16(j)
		n += int(b2u(v == empty))
	}
	if n == 0 || n == len(bins) {
		return
	}
	holes = holes[:n]
	o := s.order
	if !walk {
		// Few filled bins: the lowest rank among them.
		filled := s.filled[:0]
		for j, v := range bins {
			if v != empty {
				filled = append(filled, uint16(j))
			}
		}
		s.filled = filled
		for _, j := range holes {
			best, src := ^uint32(0), uint16(0)
			for _, d := range filled {
				if r := o.rank[int(j)*o.k+int(d)]; r < best {
					best, src = r, d
				}
			}
			s.vals[j] = bins[src]
		}
	} else {
		for _, j := range holes {
			seq := o.seq[int(j)*o.k : (int(j)+1)*o.k]
			var src uint16
			if len(seq) >= 4 {
				hit := b2u(bins[seq[0]] != empty) | b2u(bins[seq[1]] != empty)<<1 |
					b2u(bins[seq[2]] != empty)<<2 | b2u(bins[seq[3]] != empty)<<3
				if hit != 0 {
					s.vals[j] = bins[seq[bits.TrailingZeros8(hit)]]
					continue
				}
			}
			for _, d := range seq {
				if bins[d] != empty {
					src = d
					break
				}
			}
			s.vals[j] = bins[src]
		}
	}
	// Copies go in last: a walk must not stop at a bin an earlier copy filled.
	for _, j := range holes {
		bins[j] = s.vals[j]
	}
}

// b2u is 1 for true and 0 for false; the compiler makes it branch-free.
func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// binOrder is, for each bin j, a fixed random order of all K bins (seq) and
// each bin's position in it (rank): seq[j·K + rank[j·K + d]] = d. Orders
// depend only on K, so every index of a run shares them.
type binOrder struct {
	k    int
	seq  []uint16
	rank []uint32
}

var (
	binOrdersMu sync.Mutex
	binOrders   = map[int]*binOrder{}
)

// binOrderFor returns the bin orders for k bins, built once per process.
func binOrderFor(k int) *binOrder {
	binOrdersMu.Lock()
	defer binOrdersMu.Unlock()
	if o, ok := binOrders[k]; ok {
		return o
	}
	o := &binOrder{k: k, seq: make([]uint16, k*k), rank: make([]uint32, k*k)}
	keys := make([]uint64, k)
	for j := range k {
		seq := o.seq[j*k : (j+1)*k]
		for d := range k {
			seq[d] = uint16(d)
			keys[d] = mix64(uint64(j)<<32 ^ uint64(d) ^ 0x0de5_1f1c_a710_0000)
		}
		slices.SortFunc(seq, func(a, b uint16) int {
			return cmp.Or(cmp.Compare(keys[a], keys[b]), cmp.Compare(a, b))
		})
		for r, d := range seq {
			o.rank[j*k+int(d)] = uint32(r)
		}
	}
	binOrders[k] = o
	return o
}
