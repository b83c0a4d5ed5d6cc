package valueclass

import (
	"iter"
	"slices"
	"strings"

	"dataready/audit/wire"
)

// Tallies counts rows per Cell for many string keys (volume.baseline's
// tokens), in the compact per-cell counts a Table uses: cells numbered by
// id per Tallies, each key's counts a short list or small slice instead of
// a map keyed by the 16-byte Cell. A key with a few cells costs about 110
// bytes besides its text, where a map[Cell]int64 per key cost about 300.
//
// It belongs to one accumulator of one worker: Add takes no lock; Merge
// runs after the workers finish.
type Tallies struct {
	ids    *cellIDs
	index  map[string]uint32 // key → its counts in counts
	counts []cellCounts
}

// NewTallies returns empty tallies.
func NewTallies() *Tallies { return &Tallies{ids: newCellIDs(), index: map[string]uint32{}} }

// Len returns the number of keys counted.
func (t *Tallies) Len() int { return len(t.index) }

// Cell returns the id of c in these tallies, for Add.
func (t *Tallies) Cell(c Cell) uint32 { return t.ids.id(c) }

// Add counts one row of key in the cell of id (from Cell). key is copied
// when it is new.
func (t *Tallies) Add(key string, id uint32) {
	i, ok := t.index[key]
	if !ok {
		i = uint32(len(t.counts))
		t.index[strings.Clone(key)] = i
		t.counts = append(t.counts, cellCounts{})
	}
	t.counts[i].add(id, 1)
}

// Merge folds o into t and leaves o empty.
func (t *Tallies) Merge(o *Tallies) {
	if len(o.index) > len(t.index) {
		*t, *o = *o, *t
	}
	remap := t.ids.remap(o.ids)
	for key, j := range o.index {
		i, ok := t.index[key]
		if !ok {
			i = uint32(len(t.counts))
			t.index[key] = i
			t.counts = append(t.counts, cellCounts{})
		}
		t.counts[i].addAll(&o.counts[j], remap)
	}
	*o = *NewTallies()
}

// All yields every key with its counts: Cells(yield) yields each cell
// with a count (at least 1), in no particular order.
func (t *Tallies) All() iter.Seq2[string, iter.Seq2[Cell, int64]] {
	return func(yield func(string, iter.Seq2[Cell, int64]) bool) {
		for key, i := range t.index {
			cells := func(yield func(Cell, int64) bool) {
				t.counts[i].each(func(id uint32, n int64) {
					// each cannot stop early: the rest is skipped.
					if yield != nil && !yield(t.ids.cells[id], n) {
						yield = nil
					}
				})
			}
			if !yield(key, cells) {
				return
			}
		}
	}
}

// Encode writes the tallies as a count of keys, then each key in ascending
// order with its counts: their number, then each cell in cell order
// (CompareCells) with its count.
func (t *Tallies) Encode(w *wire.Writer) {
	keys := make([]string, 0, len(t.index))
	for key := range t.index {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	rank := t.ids.ranks()
	w.Int(len(keys))
	for _, key := range keys {
		w.Str(key)
		writeCounts(w, t.ids, rank, &t.counts[t.index[key]])
	}
}

// Decode reads tallies written by Encode into empty tallies.
func (t *Tallies) Decode(r *wire.Reader) {
	for range r.Count(2) {
		key := r.Str()
		if r.Err() != nil {
			return
		}
		if _, dup := t.index[key]; dup {
			r.Fail("a key written twice")
			return
		}
		t.index[key] = uint32(len(t.counts))
		t.counts = append(t.counts, cellCounts{})
		readCounts(r, t.ids, &t.counts[len(t.counts)-1])
	}
}
