package valueclass

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/wire"
)

// TestRecentValuesTransparent checks that the cache of recent values
// changes nothing: rows of repeated, numeric, long, empty, null and
// ever-new values, with a cap that folds values while they are cached,
// give the same encoded Counts with the cache as without it, through
// merges too.
func TestRecentValuesTransparent(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	type in struct {
		v    string
		null bool
		c    Cell
		pos  audit.RowPos
	}
	var rows []in
	for i := range 20000 {
		var v string
		switch k := rng.IntN(10); {
		case k < 5:
			v = fmt.Sprint("region-", rng.IntN(6))
		case k < 7:
			v = fmt.Sprint(rng.IntN(30) * 5)
		case k == 7:
			v = fmt.Sprint("unique ", i) // a new value: fills past the cap
		case k == 8:
			v = strings.Repeat("long value ", 8) + fmt.Sprint(rng.IntN(3)) // past recentMax
		default:
			v = []string{"", " 7.5 ", "x"}[rng.IntN(3)]
		}
		// Positions out of order, so that cached values still move First.
		rows = append(rows, in{v: v, null: rng.IntN(20) == 0, c: Cell{Class: uint64(1 + rng.IntN(3)), Split: uint8(rng.IntN(2))},
			pos: audit.RowPos{File: uint32(rng.IntN(2)), Line: int64(rng.IntN(1 << 20))}})
	}
	for _, parse := range []func(string) (float64, bool){nil, ParseNumber} {
		encode := func(cache bool) []byte {
			parts := []*Counts{NewCounts(40, parse, nil), NewCounts(40, parse, nil)}
			for i, r := range rows {
				p := parts[i%len(parts)]
				p.noCache = !cache
				p.Add(r.v, r.null, r.c, r.pos)
			}
			if cache && (parts[0].hits == 0 || parts[0].recent == nil) {
				t.Fatalf("the cache was not used (hits %d)", parts[0].hits)
			}
			parts[0].Merge(parts[1])
			// More rows after the merge, which emptied the cache.
			for _, r := range rows[len(rows)-2000:] { // the values the cache holds
				parts[0].Add(r.v, r.null, r.c, r.pos)
			}
			parts[0].Finish()
			w := wire.NewWriter("test", 1)
			parts[0].Encode(w)
			w.Varint(parts[0].NonNull)
			w.Varint(parts[0].Numeric)
			return w.Bytes()
		}
		if a, b := encode(true), encode(false); !bytes.Equal(a, b) {
			t.Errorf("parse %v: the Counts differ with the cache (%d bytes) and without (%d bytes)", parse != nil, len(a), len(b))
		}
	}
}

// TestRecentValuesAfterMerge checks the case the mixed stream above may
// miss: a merge that folds values the cache holds, without a shrink after
// it. Then the values must count as other, as they do without a cache.
func TestRecentValuesAfterMerge(t *testing.T) {
	// Values by hash: the two largest for a, the four smallest for b.
	var vals []string
	for i := range 200 {
		vals = append(vals, fmt.Sprint("v", i))
	}
	hash := func(v string) uint64 { h, _ := valueHash(nil, v); return h }
	slices.SortFunc(vals, func(x, y string) int { return cmp.Compare(hash(x), hash(y)) })
	large, small := vals[len(vals)-2:], vals[:4]
	encode := func(cache bool) []byte {
		a, b := NewCounts(2, nil, nil), NewCounts(2, nil, nil)
		a.noCache, b.noCache = !cache, !cache
		c := Cell{Class: 1}
		for _, v := range large {
			a.Add(v, false, c, audit.RowPos{Line: 1})
		}
		for _, v := range small {
			b.Add(v, false, c, audit.RowPos{Line: 2}) // the fourth shrinks b to two
		}
		a.Merge(b) // a takes b's lower limit: its two values fold into other
		for _, v := range large {
			a.Add(v, false, c, audit.RowPos{Line: 3})
		}
		// In other: b's two folded by its shrink, a's two folded by the
		// merge, and the two rows after it.
		if len(a.values) != 2 || a.other.get(a.ids.id(c)) != 6 {
			t.Errorf("cache %v: %d values, %d rows in other; want 2 and 6", cache, len(a.values), a.other.get(a.ids.id(c)))
		}
		w := wire.NewWriter("test", 1)
		a.Encode(w)
		return w.Bytes()
	}
	if !bytes.Equal(encode(true), encode(false)) {
		t.Error("the Counts differ with the cache and without")
	}
}
