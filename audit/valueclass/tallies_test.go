package valueclass_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"dataready/audit/valueclass"
	"dataready/audit/wire"
)

// tallyRef is the reference Tallies replaced: a map of cell counts per key.
type tallyRef map[string]map[valueclass.Cell]int64

func (m tallyRef) add(key string, c valueclass.Cell) {
	if m[key] == nil {
		m[key] = map[valueclass.Cell]int64{}
	}
	m[key][c]++
}

// encode writes m as volume.baseline encoded its tokens before Tallies.
func (m tallyRef) encode() []byte {
	w := &wire.Writer{}
	w.Int(len(m))
	for _, k := range wire.SortedKeys(m) {
		w.Str(k)
		writeCells(w, m[k])
	}
	return w.Bytes()
}

// writeCells writes counts per cell as volume.baseline wrote them before
// Tallies: their number, then each cell in cell order with its count.
func writeCells(w *wire.Writer, m map[valueclass.Cell]int64) {
	w.Int(len(m))
	for _, c := range wire.SortedKeysFunc(m, valueclass.CompareCells) {
		valueclass.WriteCell(w, c)
		w.Varint(m[c])
	}
}

func collect(t *valueclass.Tallies) tallyRef {
	got := tallyRef{}
	for key, cells := range t.All() {
		if got[key] != nil {
			panic("key twice: " + key)
		}
		got[key] = map[valueclass.Cell]int64{}
		for c, n := range cells {
			got[key][c] = n
		}
	}
	return got
}

// TestTalliesMatchMap spreads random rows over three Tallies (so that each
// numbers the cells in its own order), merges them, and compares every
// count, the encoding and its decoding with maps of the same rows.
func TestTalliesMatchMap(t *testing.T) {
	for _, tc := range []struct {
		name        string
		keys, cells int
		rows        int
	}{
		{"empty", 10, 4, 0},
		{"few cells", 500, 4, 5000},
		{"48 cells (12 classes, 2 splits, 2 halves)", 2000, 48, 30000},
		{"many cells: sparse", 300, 900, 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.keys), uint64(tc.cells)))
			cells := make([]valueclass.Cell, tc.cells)
			for i := range cells {
				cells[i] = valueclass.Cell{Class: rng.Uint64(), Split: uint8(rng.IntN(3)), Eval: rng.IntN(2) == 0}
			}
			want := tallyRef{}
			parts := []*valueclass.Tallies{valueclass.NewTallies(), valueclass.NewTallies(), valueclass.NewTallies()}
			for range tc.rows {
				// Skewed: a few keys and cells take most rows.
				key := fmt.Sprintf("tok%d", int(float64(tc.keys)*rng.Float64()*rng.Float64()))
				c := cells[int(float64(tc.cells)*rng.Float64()*rng.Float64())]
				p := parts[rng.IntN(len(parts))]
				p.Add(key, p.Cell(c))
				want.add(key, c)
			}
			parts[1].Merge(parts[2])
			parts[0].Merge(parts[1])
			all := parts[0]
			if parts[1].Len() != 0 || parts[2].Len() != 0 {
				t.Errorf("merged tallies hold %d and %d keys, want 0", parts[1].Len(), parts[2].Len())
			}
			if got := collect(all); all.Len() != len(want) || !reflect.DeepEqual(got, want) {
				t.Fatalf("merged tallies: %d keys, want %d; counts differ from the map's", all.Len(), len(want))
			}
			w := &wire.Writer{}
			all.Encode(w)
			if !bytes.Equal(w.Bytes(), want.encode()) {
				t.Fatalf("Encode differs from the map's encoding (%d bytes, want %d)", len(w.Bytes()), len(want.encode()))
			}
			back := valueclass.NewTallies()
			r := wire.NewReader(append(wire.NewWriter("t", 1).Bytes(), w.Bytes()...), "t", 1)
			back.Decode(r)
			if err := r.Finish(); err != nil {
				t.Fatal(err)
			}
			if got := collect(back); back.Len() != len(want) || !reflect.DeepEqual(got, want) {
				t.Fatalf("decoded tallies differ from the map: %d keys, want %d", back.Len(), len(want))
			}
		})
	}
}

// TestTalliesStopEarly checks that the iterators stop when asked.
func TestTalliesStopEarly(t *testing.T) {
	tl := valueclass.NewTallies()
	for i := range 20 {
		tl.Add(fmt.Sprint(i%5), tl.Cell(valueclass.Cell{Class: uint64(i)}))
	}
	keys, cells := 0, 0
	for _, cs := range tl.All() {
		keys++
		for range cs {
			cells++
			break
		}
		if keys == 2 {
			break
		}
	}
	if keys != 2 || cells != 2 {
		t.Errorf("stopped after %d keys and %d cells, want 2 and 2", keys, cells)
	}
}
