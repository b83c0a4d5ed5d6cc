package valueclass

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestCellCounts adds generated counts to cellCounts and compares every
// reading with a map of the same additions, through the changes between
// the sparse and the dense form.
func TestCellCounts(t *testing.T) {
	tests := []struct {
		name string
		// ids draws the i-th id added.
		ids func(i int, rng *rand.Rand) uint32
		n   int
		// dense is the form expected at the end.
		dense bool
	}{
		{"one id", func(int, *rand.Rand) uint32 { return 7 }, 20, false},
		{"a few ids", func(_ int, rng *rand.Rand) uint32 { return uint32(rng.IntN(5)) }, 50, false},
		{"48 cells: dense", func(_ int, rng *rand.Rand) uint32 { return uint32(rng.IntN(48)) }, 2000, true},
		{"ids far apart stay sparse", func(_ int, rng *rand.Rand) uint32 { return uint32(100 * rng.IntN(30)) }, 500, false},
		{"dense, then a far id: sparse again", func(i int, rng *rand.Rand) uint32 {
			if i == 999 {
				return 5000
			}
			return uint32(rng.IntN(20))
		}, 1000, false},
		{"far ids, then the gaps filled: dense", func(i int, rng *rand.Rand) uint32 {
			if i < 20 {
				return uint32(50 * i)
			}
			return uint32(i % 1000)
		}, 3000, true},
	}
	for seed, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seed), 3))
			var cc cellCounts
			want := map[uint32]int64{}
			top := uint32(0)
			for i := range tc.n {
				id, k := tc.ids(i, rng), int64(1+rng.IntN(3))
				cc.add(id, k)
				want[id] += k
				top = max(top, id)
			}
			got := map[uint32]int64{}
			cc.each(func(id uint32, k int64) {
				if _, twice := got[id]; twice {
					t.Errorf("each: id %d twice", id)
				}
				got[id] = k
			})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("each = %v, want %v", got, want)
			}
			if cc.len() != len(want) {
				t.Errorf("len = %d, want %d", cc.len(), len(want))
			}
			for id := range top + 2 {
				if g := cc.get(id); g != want[id] {
					t.Errorf("get(%d) = %d, want %d", id, g, want[id])
				}
			}
			if dense := cc.dense != nil; dense != tc.dense {
				t.Errorf("dense %v, want %v: the case does not reach the form it tests", dense, tc.dense)
			}
			if cc.dense != nil && len(cc.dense) > denseRatio*cc.nonzero {
				t.Errorf("dense slice of %d for %d ids, want at most %d× longer", len(cc.dense), cc.nonzero, denseRatio)
			}

			// addAll through a remap: id → 2·id+1.
			remap := make([]uint32, top+1)
			for i := range remap {
				remap[i] = uint32(2*i + 1)
			}
			var moved cellCounts
			moved.add(0, 4)
			moved.addAll(&cc, remap)
			wantMoved := map[uint32]int64{0: 4}
			for id, k := range want {
				wantMoved[2*id+1] += k
			}
			gotMoved := map[uint32]int64{}
			moved.each(func(id uint32, k int64) { gotMoved[id] = k })
			if !reflect.DeepEqual(gotMoved, wantMoved) {
				t.Errorf("addAll with a remap = %v, want %v", gotMoved, wantMoved)
			}
		})
	}
}

// TestCellIDs: ids in order of first appearance, remap between two
// numberings, and ranks in the order of CompareCells.
func TestCellIDs(t *testing.T) {
	cells := []Cell{
		{Class: 9, Split: 0, Eval: true}, {Class: 2, Split: 1}, {Class: 9, Split: 0}, {Class: 2, Split: 0, Eval: true},
		{Class: 2, Split: 0}, {Class: 1 << 63, Split: 3},
	}
	a, b := newCellIDs(), newCellIDs()
	for i, c := range cells {
		if id := a.id(c); id != uint32(i) {
			t.Errorf("id(%v) = %d, want %d (order of first appearance)", c, id, i)
		}
	}
	if id := a.id(cells[2]); id != 2 {
		t.Errorf("id of a known cell = %d, want 2", id)
	}
	for _, i := range []int{4, 1} {
		b.id(cells[i])
	}
	remap := a.remap(b)
	if want := []uint32{4, 1}; !slices.Equal(remap, want) {
		t.Errorf("remap = %v, want %v", remap, want)
	}
	if a.remap(a) != nil {
		t.Error("remap of a numbering onto itself is not nil")
	}
	b.id(Cell{Class: 5})
	if remap := a.remap(b); remap[2] != 6 || a.cells[6] != (Cell{Class: 5}) {
		t.Errorf("a cell new to a: remap %v, cells %v", remap, a.cells)
	}
	// By hand: class, then split, then the 80% half before the 20% half.
	order := []int{4, 3, 1, 6, 2, 0, 5}
	rank := a.ranks()
	for pos, i := range order {
		if rank[i] != uint32(pos) {
			t.Errorf("rank of %v = %d, want %d", a.cells[i], rank[i], pos)
		}
	}
}

// TestIsNull: the fast path agrees with trimming and looking up every
// value.
func TestIsNull(t *testing.T) {
	tab := &Table{nulls: map[string]bool{}}
	tokens := []string{"NA", " N/A ", "null", "-", "", "\u00a0none"}
	for _, tok := range tokens {
		if tok = strings.TrimSpace(tok); tok != "" {
			tab.nulls[tok] = true
			tab.nullStart[tok[0]] = true
		}
	}
	reference := func(s string) bool {
		v := strings.TrimSpace(s)
		return v == "" || v == "NA" || v == "N/A" || v == "null" || v == "-" || v == "none"
	}
	for _, s := range []string{
		"", " ", "\t\n", "NA", " NA", "NA ", "\tNA\r", "na", "NAN", "N/A", "null", "nullx", "-", "-1", "--",
		"none", "\u00a0none", "none\u0085", "\u00a0", "\u2003NA\u2003", "eu-west", "12.5", "x\u00a0", "é", "NA\u00a0",
	} {
		if got, want := tab.isNull(s), reference(s); got != want {
			t.Errorf("isNull(%q) = %v, want %v", s, got, want)
		}
	}
	for c := range 256 {
		s := string([]byte{byte(c)})
		if got, want := plainEnd(byte(c)), c < 0x80 && strings.TrimSpace(s+"x") == s+"x"; got != want {
			t.Errorf("plainEnd(%#x) = %v, want %v", c, got, want)
		}
	}
}
