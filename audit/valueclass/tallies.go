package valueclass

import (
	"iter"
	"slices"
	"strings"
	"unsafe"

	"github.com/zeebo/xxh3"

	"dataready/audit/wire"
)

// Tallies counts rows per Cell for many string keys (volume.baseline's
// tokens), in the compact per-cell counts a Table uses: cells numbered by
// id per Tallies, each key's counts a short list or small slice instead of
// a map keyed by the 16-byte Cell.
//
// Keys are found by their 64-bit hash (KeyHash) in an open-addressing
// table of 8-byte slots, each the hash's upper half and an entry number;
// a slot whose half matches is confirmed by comparing the key itself, so
// that two keys with one hash keep their own counts. New keys are copied
// into shared chunks of bytes, not one allocation each. A key with one
// cell costs about 120 bytes besides its text (with a map[string]uint32
// and a copy of each key, about 140).
//
// It belongs to one accumulator of one worker: Add takes no lock; Merge
// runs after the workers finish.
type Tallies struct {
	ids *cellIDs
	// hash is KeyHash but for tests, which force collisions.
	hash func(string) uint64
	// slots has a power-of-two length (or zero) and is at most 3/4 full:
	// 0 is an empty slot, else upper half of the hash << 32 | entry + 1.
	slots []uint64
	// Per entry, in order of insertion: the key, its hash and its counts.
	keys   []string
	hashes []uint64
	counts []cellCounts
	// arena is the chunk new keys are copied into.
	arena []byte
}

// Sizes of the key chunks; a key of at least bigKey bytes gets its own.
const (
	arenaChunk = 64 << 10
	bigKey     = 1 << 10
	minSlots   = 64
)

// KeyHash is the hash Tallies finds keys by: AddHashed takes it.
func KeyHash(key string) uint64 { return xxh3.HashString(key) }

// NewTallies returns empty tallies.
func NewTallies() *Tallies { return &Tallies{ids: newCellIDs(), hash: KeyHash} }

// Len returns the number of keys counted.
func (t *Tallies) Len() int { return len(t.keys) }

// Cell returns the id of c in these tallies, for Add.
func (t *Tallies) Cell(c Cell) uint32 { return t.ids.id(c) }

// Add counts one row of key in the cell of id (from Cell). key is copied
// when it is new.
func (t *Tallies) Add(key string, id uint32) { t.AddHashed(key, t.hash(key), id) }

// AddHashed is Add for a caller that has the key's hash already: h must be
// KeyHash(key).
func (t *Tallies) AddHashed(key string, h uint64, id uint32) {
	s, i := t.find(key, h)
	if i < 0 {
		i = t.insert(s, t.clone(key), h)
	}
	t.counts[i].add(id, 1)
}

// find returns the entry of key (-1 when absent) and the slot where it is
// or would go.
func (t *Tallies) find(key string, h uint64) (int, int) {
	if len(t.slots) == 0 {
		return 0, -1
	}
	mask := len(t.slots) - 1
	tag := h >> 32 << 32
	for s := int(h) & mask; ; s = (s + 1) & mask {
		v := t.slots[s]
		switch {
		case v == 0:
			return s, -1
		case v&^(1<<32-1) == tag:
			if i := int(uint32(v)) - 1; t.keys[i] == key {
				return s, i
			}
		}
	}
}

// insert adds key with hash h and no counts in slot s (from find) and
// returns its entry.
func (t *Tallies) insert(s int, key string, h uint64) int {
	i := len(t.keys)
	t.keys = append(t.keys, key)
	t.hashes = append(t.hashes, h)
	t.counts = append(t.counts, cellCounts{})
	if 4*(i+1) > 3*len(t.slots) {
		t.grow()
		return i
	}
	t.slots[s] = h>>32<<32 | uint64(i+1)
	return i
}

// grow doubles the slots (or makes the first ones) and places every entry
// again, the new one included.
func (t *Tallies) grow() {
	n := max(minSlots, 2*len(t.slots))
	for 4*len(t.keys) > 3*n {
		n *= 2
	}
	t.slots = make([]uint64, n)
	mask := n - 1
	for i, h := range t.hashes {
		s := int(h) & mask
		for t.slots[s] != 0 {
			s = (s + 1) & mask
		}
		t.slots[s] = h>>32<<32 | uint64(i+1)
	}
}

// clone copies key into the arena.
func (t *Tallies) clone(key string) string {
	n := len(key)
	switch {
	case n == 0:
		return ""
	case n >= bigKey:
		return strings.Clone(key)
	case n > cap(t.arena)-len(t.arena):
		t.arena = make([]byte, 0, arenaChunk)
	}
	t.arena = append(t.arena, key...)
	// The chunk's bytes before len(t.arena) are never written again.
	return unsafe.String(&t.arena[len(t.arena)-n], n)
}

// Merge folds o into t and leaves o empty. Keys new to t keep o's copy.
func (t *Tallies) Merge(o *Tallies) {
	if len(o.keys) > len(t.keys) {
		*t, *o = *o, *t
	}
	remap := t.ids.remap(o.ids)
	for j, key := range o.keys {
		h := o.hashes[j]
		s, i := t.find(key, h)
		if i < 0 {
			i = t.insert(s, key, h)
		}
		t.counts[i].addAll(&o.counts[j], remap)
	}
	*o = *NewTallies()
}

// All yields every key with its counts: Cells(yield) yields each cell
// with a count (at least 1), in no particular order.
func (t *Tallies) All() iter.Seq2[string, iter.Seq2[Cell, int64]] {
	return func(yield func(string, iter.Seq2[Cell, int64]) bool) {
		for i, key := range t.keys {
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
	order := make([]uint32, len(t.keys))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(t.keys[a], t.keys[b]) })
	rank := t.ids.ranks()
	w.Int(len(order))
	for _, i := range order {
		w.Str(t.keys[i])
		writeCounts(w, t.ids, rank, &t.counts[i])
	}
}

// Decode reads tallies written by Encode into empty tallies.
func (t *Tallies) Decode(r *wire.Reader) {
	for range r.Count(2) {
		key := r.Str()
		if r.Err() != nil {
			return
		}
		h := t.hash(key)
		s, i := t.find(key, h)
		if i >= 0 {
			r.Fail("a key written twice")
			return
		}
		i = t.insert(s, key, h)
		readCounts(r, t.ids, &t.counts[i])
	}
}
