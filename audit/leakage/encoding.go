package leakage

import (
	"cmp"

	"dataready/audit"
	"dataready/audit/wire"
)

// Encodings of the leakage checks' accumulators (audit.Encodable). Each
// encodes what Add and Merge build; what Revisit computes after the merge
// (matches, examples, counts per relation) is not encoded. Version 1 of
// every format.
const encodingVersion = 1

var (
	_ audit.Encodable = (*exact)(nil)
	_ audit.Encodable = (*nearDuplicates)(nil)
	_ audit.Encodable = (*entity)(nil)
	_ audit.Encodable = (*temporal)(nil)
	_ audit.Encodable = (*target)(nil)
	_ audit.Encodable = (*duplicates)(nil)
)

// writeClasses writes class names by hash.
func writeClasses(w *wire.Writer, c classNames) {
	w.Int(len(c))
	for _, h := range wire.SortedKeys(c) {
		w.Fixed64(h)
		w.Str(c[h])
	}
}

// readClasses reads class names written by writeClasses into c.
func readClasses(r *wire.Reader, c classNames) {
	for range r.Count(9) {
		h := r.Fixed64()
		c[h] = r.Str()
	}
}

// MarshalBinary encodes the first (packed) train position of every train
// key and the class names.
func (e *exact) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(ExactOverlap.ID, encodingVersion)
	keys := e.train.SortedKeys()
	w.Int(len(keys))
	for _, k := range keys {
		p, _ := e.train.Get(k)
		audit.WriteKey(w, k)
		w.Uvarint(p)
	}
	writeClasses(w, e.classes)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (e *exact) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, ExactOverlap.ID, encodingVersion)
	for range r.Count(17) {
		p, _ := e.train.Upsert(audit.ReadKey(r))
		*p = r.Uvarint()
	}
	readClasses(r, e.classes)
	return r.Finish()
}

// MarshalBinary encodes nothing but the header: the check reads the shared
// near-duplicate index after the merge.
func (n *nearDuplicates) MarshalBinary() ([]byte, error) {
	return wire.NewWriter(NearDuplicates.ID, encodingVersion).Bytes(), nil
}

// UnmarshalBinary checks the header.
func (n *nearDuplicates) UnmarshalBinary(data []byte) error {
	return wire.NewReader(data, NearDuplicates.ID, encodingVersion).Finish()
}

// MarshalBinary encodes, per id column, the train rows per value hash and
// the holdout rows and first position per (value hash, split).
func (e *entity) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(EntityOverlap.ID, encodingVersion)
	w.Int(len(e.cols))
	for _, c := range e.cols {
		w.Int(len(c.train))
		for _, h := range wire.SortedKeys(c.train) {
			w.Fixed64(h)
			w.Varint(c.train[h])
		}
		w.Int(len(c.hold))
		for _, k := range wire.SortedKeysFunc(c.hold, func(a, b splitEntity) int {
			return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.split, b.split))
		}) {
			x := c.hold[k]
			w.Fixed64(k.h)
			w.Uint8(k.split)
			w.Varint(x.rows)
			w.Uvarint(x.first)
		}
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (e *entity) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, EntityOverlap.ID, encodingVersion)
	if n := r.Int(); r.Err() == nil && n != len(e.cols) {
		r.Fail("the encoding has another number of id columns than the run")
	}
	for _, c := range e.cols {
		for range r.Count(9) {
			h := r.Fixed64()
			c.train[h] = r.Varint()
		}
		for range r.Count(11) {
			k := splitEntity{h: r.Fixed64(), split: audit.ReadSplit(r)}
			c.hold[k] = holdEntity{rows: r.Varint(), first: r.Uvarint()}
		}
	}
	return r.Finish()
}

// MarshalBinary encodes the time span of every split, the holdout rows'
// times (in the order held), the unparseable and missing counts and the
// sampled unparseable values.
func (t *temporal) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(Temporal.ID, encodingVersion)
	n := len(t.spans)
	for n > 0 && t.spans[n-1].n == 0 && len(t.times[n-1]) == 0 {
		n--
	}
	w.Int(n)
	for i := range n {
		s := t.spans[i]
		w.Varint(s.n)
		w.Varint(s.min)
		w.Varint(s.max)
		w.Int(len(t.times[i]))
		for _, st := range t.times[i] {
			w.Uvarint(st.pos)
			w.Varint(st.t)
		}
	}
	w.Varint(t.unparseable)
	w.Varint(t.missing)
	t.bad.Encode(w, func(w *wire.Writer, b badTime) {
		audit.WriteRowRef(w, b.ref)
		w.Str(b.value)
	})
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (t *temporal) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Temporal.ID, encodingVersion)
	n := r.Count(4)
	if n > len(t.spans) {
		r.Fail("more splits than MaxSplits")
		n = 0
	}
	for i := range n {
		t.spans[i] = span{n: r.Varint(), min: r.Varint(), max: r.Varint()}
		for range r.Count(2) {
			t.times[i] = append(t.times[i], stamp{pos: r.Uvarint(), t: r.Varint()})
		}
	}
	t.unparseable = r.Varint()
	t.missing = r.Varint()
	t.bad.Decode(r, func(r *wire.Reader) badTime {
		return badTime{ref: audit.ReadRowRef(r), value: r.Str()}
	})
	return r.Finish()
}

// MarshalBinary encodes the value × class table.
func (t *target) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(Target.ID, encodingVersion)
	t.table.Encode(w)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (t *target) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Target.ID, encodingVersion)
	t.table.Decode(r)
	return r.Finish()
}

// MarshalBinary encodes the rows per key of every split and the class
// names.
func (d *duplicates) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(Duplicates.ID, encodingVersion)
	n := len(d.keys)
	for n > 0 && d.keys[n-1].Len() == 0 {
		n--
	}
	w.Int(n)
	for i := range n {
		m := &d.keys[i]
		keys := m.SortedKeys()
		w.Int(len(keys))
		for _, k := range keys {
			c, _ := m.Get(k)
			audit.WriteKey(w, k)
			w.Uvarint(uint64(c))
		}
	}
	writeClasses(w, d.classes)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (d *duplicates) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Duplicates.ID, encodingVersion)
	n := r.Count(1)
	if n > len(d.keys) {
		r.Fail("more splits than MaxSplits")
		n = 0
	}
	for i := range n {
		for range r.Count(17) {
			k := audit.ReadKey(r)
			v := r.Uvarint()
			if v > 1<<32-1 {
				r.Fail("row count out of range")
			}
			c, _ := d.keys[i].Upsert(k)
			*c = uint32(v)
		}
	}
	readClasses(r, d.classes)
	return r.Finish()
}
