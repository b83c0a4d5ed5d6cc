package keymap

import (
	"cmp"
	"iter"
	"math"
	"slices"
	"unsafe"

	"dataready/audit/norm"
)

// chunkLen is the number of entries per chunk; the first chunk starts
// with room for firstChunk. The table starts with minTable slots.
const (
	chunkLen   = 1 << 12
	firstChunk = 4
	minTable   = 8
)

type entry[V any] struct {
	key norm.Key
	val V
}

// Map maps norm.Key to V. The zero Map is empty and ready to use.
type Map[V any] struct {
	n      int
	chunks [][]entry[V]
	// table holds entry number + 1 per slot, 0 for an empty slot; its
	// length is a power of two (or zero) and it is at most 3/4 full.
	table []uint32
	shift uint // 64 - log2(len(table))
}

// Len returns the number of keys.
func (m *Map[V]) Len() int { return m.n }

func (m *Map[V]) at(i int) *entry[V] { return &m.chunks[i/chunkLen][i%chunkLen] }

// slot is where k's probe sequence starts: Fibonacci hashing of the key's
// two halves, so that caller-made keys (small integers) spread too.
func (m *Map[V]) slot(k norm.Key) uint64 {
	return ((k.Hi ^ k.Lo*0x9e3779b97f4a7c15) * 0x9e3779b97f4a7c15) >> m.shift
}

// find returns the entry number of k (-1 when absent) and the slot where
// it is or would go.
func (m *Map[V]) find(k norm.Key) (uint64, int) {
	if len(m.table) == 0 {
		return 0, -1
	}
	mask := uint64(len(m.table) - 1)
	for s := m.slot(k); ; s = (s + 1) & mask {
		v := m.table[s]
		if v == 0 {
			return s, -1
		}
		if m.at(int(v-1)).key == k {
			return s, int(v - 1)
		}
	}
}

// Get returns k's value and whether k is in the map.
func (m *Map[V]) Get(k norm.Key) (V, bool) {
	if _, i := m.find(k); i >= 0 {
		return m.at(i).val, true
	}
	var zero V
	return zero, false
}

// Upsert returns a pointer to k's value, adding k with the zero value when
// absent, and whether k was there already. The pointer is valid until the
// next Upsert.
func (m *Map[V]) Upsert(k norm.Key) (*V, bool) {
	s, i := m.find(k)
	if i >= 0 {
		return &m.at(i).val, true
	}
	if m.n == math.MaxUint32-1 {
		panic("keymap: too many keys")
	}
	i = m.n
	c := i / chunkLen
	switch {
	case c == len(m.chunks) && c == 0:
		// The first chunk starts small and doubles up to chunkLen, so
		// that a small map stays small; later ones are whole at once.
		m.chunks = append(m.chunks, make([]entry[V], 0, firstChunk))
	case c == len(m.chunks):
		m.chunks = append(m.chunks, make([]entry[V], 0, chunkLen))
	case len(m.chunks[c]) == cap(m.chunks[c]):
		grown := make([]entry[V], len(m.chunks[c]), min(2*cap(m.chunks[c]), chunkLen))
		copy(grown, m.chunks[c])
		m.chunks[c] = grown
	}
	m.chunks[c] = append(m.chunks[c], entry[V]{key: k})
	m.n++
	if 4*m.n > 3*len(m.table) {
		m.grow()
		s, _ = m.find(k)
	}
	m.table[s] = uint32(i + 1)
	return &m.at(i).val, false
}

// grow doubles the table (to minTable slots at first) and reinserts every
// entry but the last, which Upsert inserts.
func (m *Map[V]) grow() {
	size := max(minTable, 2*len(m.table))
	for 4*m.n > 3*size {
		size *= 2
	}
	m.table = make([]uint32, size)
	m.shift = 64
	for s := size; s > 1; s >>= 1 {
		m.shift--
	}
	mask := uint64(size - 1)
	for i := range m.n - 1 {
		s := m.slot(m.at(i).key)
		for m.table[s] != 0 {
			s = (s + 1) & mask
		}
		m.table[s] = uint32(i + 1)
	}
}

// All yields every key and its value, in insertion order.
func (m *Map[V]) All() iter.Seq2[norm.Key, V] {
	return func(yield func(norm.Key, V) bool) {
		for i := range m.n {
			e := m.at(i)
			if !yield(e.key, e.val) {
				return
			}
		}
	}
}

// Drain yields every key and its value, in insertion order, and empties
// the map as it goes: each chunk of entries is let go once yielded, so
// folding one map into another never holds both in full. The map is empty
// afterwards, even when the loop stops early.
func (m *Map[V]) Drain() iter.Seq2[norm.Key, V] {
	return func(yield func(norm.Key, V) bool) {
		chunks, n := m.chunks, m.n
		*m = Map[V]{}
		for i := range n {
			c := i / chunkLen
			e := &chunks[c][i%chunkLen]
			if !yield(e.key, e.val) {
				return
			}
			if i%chunkLen == chunkLen-1 {
				chunks[c] = nil
			}
		}
	}
}

// SortedKeys returns the keys in ascending (Hi, Lo) order, the order
// encodings write them in (audit.CompareKeys).
func (m *Map[V]) SortedKeys() []norm.Key {
	keys := make([]norm.Key, 0, m.n)
	for k := range m.All() {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b norm.Key) int { return cmp.Or(cmp.Compare(a.Hi, b.Hi), cmp.Compare(a.Lo, b.Lo)) })
	return keys
}

// Bytes is the memory the map holds: its chunks and its table.
func (m *Map[V]) Bytes() int {
	n := 0
	for _, c := range m.chunks {
		n += cap(c)
	}
	return n*int(unsafe.Sizeof(entry[V]{})) + 4*len(m.table)
}

// Cut moves the entries of m into n maps by key (a key goes to map
// k.Lo % n), in m's insertion order, leaving m empty: the shards of a
// distributed merge.
func Cut[V any](m *Map[V], n int) []Map[V] {
	out := make([]Map[V], n)
	for k, v := range m.Drain() {
		*must(out[k.Lo%uint64(n)].Upsert(k)) = v
	}
	return out
}

// must returns the pointer of an Upsert of a key that is new.
func must[V any](p *V, existed bool) *V {
	if existed {
		panic("keymap: a key twice in one map")
	}
	return p
}
