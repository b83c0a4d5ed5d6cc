package audit

import (
	"iter"

	"dataready/audit/keymap"
	"dataready/audit/norm"
)

// KeyTable is the shared accumulator of row keys over labeled rows: how
// many labeled rows carry each key, with which class(es), in which splits,
// and where the key first occurs. Volume, conflict and leakage checks read
// it in Result instead of each keeping its own copy. Memory grows with the
// number of distinct keys (56 bytes each in a keymap.Map, plus 5 to 11
// bytes of its table), never with raw rows.
type KeyTable struct {
	keys keymap.Map[KeyStats]
}

// KeyStats is what the table knows of one key.
// Fields are ordered to pack into 40 bytes.
type KeyStats struct {
	// Class is the hash of the class of the key's first row (by RowPos).
	Class uint64
	// Splits has bit i set when split index i holds a labeled row with the key.
	Splits uint64
	// First is the position of the key's first labeled row, FirstSplit its split index.
	First RowPos
	// Labeled counts labeled rows with this key.
	Labeled    uint32
	FirstSplit uint8
	// Conflict is set when the key's labeled rows carry ≥ 2 classes.
	Conflict bool
}

// NewKeyTable returns an empty table.
func NewKeyTable() *KeyTable { return &KeyTable{} }

// Len returns the number of distinct keys.
func (t *KeyTable) Len() int { return t.keys.Len() }

// Get returns what the table knows of key k, and whether a labeled row
// carries it.
func (t *KeyTable) Get(k norm.Key) (KeyStats, bool) { return t.keys.Get(k) }

// All yields every key and its stats, in no particular order.
func (t *KeyTable) All() iter.Seq2[norm.Key, KeyStats] { return t.keys.All() }

// Add records the labeled rows of b.
func (t *KeyTable) Add(b *Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] >= 0 {
			continue
		}
		k, pos, class := b.Key[i], b.Pos(i), b.ClassHash[i]
		t.add(k, KeyStats{Labeled: 1, Class: class, Splits: 1 << b.Split[i], First: pos, FirstSplit: b.Split[i]})
	}
}

func (t *KeyTable) add(k norm.Key, s KeyStats) {
	cur, ok := t.keys.Upsert(k)
	if !ok {
		*cur = s
		return
	}
	cur.Labeled += s.Labeled
	cur.Conflict = cur.Conflict || s.Conflict || cur.Class != s.Class
	cur.Splits |= s.Splits
	if s.First.Less(cur.First) {
		cur.First, cur.Class, cur.FirstSplit = s.First, s.Class, s.FirstSplit
	}
}

// Merge folds other into t, leaving other empty. The smaller table is
// folded into the larger one, and lets its memory go as it is folded.
func (t *KeyTable) Merge(other *KeyTable) {
	if other.keys.Len() > t.keys.Len() {
		t.keys, other.keys = other.keys, t.keys
	}
	for k, s := range other.keys.Drain() {
		t.add(k, s)
	}
}

// cut moves the keys of t into n tables by key (a key's table is its
// Lo % n), leaving t empty.
func (t *KeyTable) cut(n int) []*KeyTable {
	out := make([]*KeyTable, n)
	for i := range out {
		out[i] = NewKeyTable()
	}
	for i, m := range keymap.Cut(&t.keys, n) {
		out[i].keys = m
	}
	return out
}
