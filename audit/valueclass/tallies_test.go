package valueclass_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
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

// talliesHashes are the hashes TestTalliesMatchMap finds keys by: KeyHash,
// and hashes that force collisions of the whole hash, of its upper half
// (compared in the slots) or of its lower bits (where a probe starts).
var talliesHashes = []struct {
	name string
	hash func(string) uint64
}{
	{"KeyHash", valueclass.KeyHash},
	{"one hash for all", func(string) uint64 { return 42<<32 | 7 }},
	{"7 hashes", func(s string) uint64 { return valueclass.KeyHash(s) % 7 }},
	{"one upper half", func(s string) uint64 { return 0xdead<<32 | valueclass.KeyHash(s)&(1<<32-1) }},
	{"one start", func(s string) uint64 { return valueclass.KeyHash(s) &^ (1<<32 - 1) }},
}

// TestTalliesMatchMap spreads random rows over three Tallies (so that each
// numbers the cells in its own order), merges them, and compares every
// count, the encoding and its decoding with maps of the same rows, for
// each of talliesHashes.
func TestTalliesMatchMap(t *testing.T) {
	for _, hash := range talliesHashes {
		for _, tc := range []struct {
			name        string
			keys, cells int
			rows        int
			// pad lengthens keys: long ones fill several chunks of the
			// arena, the longest take chunks of their own.
			pad int
		}{
			{"empty", 10, 4, 0, 0},
			{"few cells", 500, 4, 5000, 0},
			{"48 cells (12 classes, 2 splits, 2 halves)", 2000, 48, 30000, 0},
			{"many cells: sparse", 300, 900, 5000, 0},
			{"long keys", 800, 8, 8000, 1500},
		} {
			t.Run(hash.name+"/"+tc.name, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(tc.keys), uint64(tc.cells)))
				cells := make([]valueclass.Cell, tc.cells)
				for i := range cells {
					cells[i] = valueclass.Cell{Class: rng.Uint64(), Split: uint8(rng.IntN(3)), Eval: rng.IntN(2) == 0}
				}
				want := tallyRef{}
				parts := make([]*valueclass.Tallies, 3)
				for i := range parts {
					parts[i] = valueclass.NewTalliesHash(hash.hash)
				}
				for range tc.rows {
					// Skewed: a few keys and cells take most rows.
					k := int(float64(tc.keys) * rng.Float64() * rng.Float64())
					key := fmt.Sprintf("tok%d", k)
					switch {
					case k == 0:
						key = ""
					case tc.pad > 0:
						key += strings.Repeat("x", k%tc.pad)
					}
					c := cells[int(float64(tc.cells)*rng.Float64()*rng.Float64())]
					p := parts[rng.IntN(len(parts))]
					if rng.IntN(2) == 0 {
						p.Add(key, p.Cell(c))
					} else {
						p.AddHashed(key, hash.hash(key), p.Cell(c))
					}
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
				back := valueclass.NewTalliesHash(hash.hash)
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
}

// TestTalliesDecodeRefusesRepeats: a key written twice is an error, also
// when every key has the same hash.
func TestTalliesDecodeRefusesRepeats(t *testing.T) {
	for _, hash := range talliesHashes {
		w := wire.NewWriter("t", 1)
		w.Int(3)
		for _, key := range []string{"ab", "cd", "ab"} {
			w.Str(key)
			writeCells(w, map[valueclass.Cell]int64{{Class: 1}: 1})
		}
		r := wire.NewReader(w.Bytes(), "t", 1)
		valueclass.NewTalliesHash(hash.hash).Decode(r)
		if r.Finish() == nil {
			t.Errorf("%s: decoding a key written twice did not fail", hash.name)
		}
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
