package labels

import (
	"cmp"

	"dataready/audit"
	"dataready/audit/wire"
)

// Encodings of the label checks' accumulators (audit.Encodable). Each
// encodes what Add and Merge build; what Revisit and Result compute is
// recomputed after the merge. Version 1 of every format.
const encodingVersion = 1

var (
	_ audit.Encodable = (*missing)(nil)
	_ audit.Encodable = (*variants)(nil)
	_ audit.Encodable = (*allowed)(nil)
	_ audit.Encodable = (*conflicts)(nil)
	_ audit.Encodable = (*nearConflicts)(nil)
	_ audit.Encodable = (*agreement)(nil)
)

// MarshalBinary encodes the per-split row and missing counts, the counts
// per missing reason and the sampled rows.
func (m *missing) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(Missing.ID, encodingVersion)
	audit.WriteSplitCounts(w, m.rows[:])
	audit.WriteSplitCounts(w, m.missing[:])
	w.Int(len(m.tokens))
	for _, t := range wire.SortedKeys(m.tokens) {
		w.Varint(int64(t))
		w.Varint(m.tokens[t])
	}
	m.sample.Encode(w)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (m *missing) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Missing.ID, encodingVersion)
	audit.ReadSplitCounts(r, m.rows[:])
	audit.ReadSplitCounts(r, m.missing[:])
	for range r.Count(2) {
		t := r.Varint()
		if t < 0 || t > 1<<15-1 {
			r.Fail("missing reason out of range")
		}
		m.tokens[int16(t)] = r.Varint()
	}
	m.sample.Decode(r)
	return r.Finish()
}

// MarshalBinary encodes every raw label with its rows per split and its
// first row.
func (v *variants) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(Variants.ID, encodingVersion)
	w.Int(len(v.raw))
	for _, raw := range wire.SortedKeys(v.raw) {
		st := v.raw[raw]
		w.Str(raw)
		audit.WriteSplitCounts(w, st.rows)
		audit.WriteRowPos(w, st.first)
		w.Uint8(st.firstSplit)
		w.Str(st.firstID)
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (v *variants) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Variants.ID, encodingVersion)
	for range r.Count(6) {
		raw := r.Str()
		st := &rawLabel{}
		st.rows = audit.ReadSplitCounts(r, nil)
		st.first = audit.ReadRowPos(r)
		st.firstSplit = audit.ReadSplit(r)
		st.firstID = r.Str()
		v.raw[raw] = st
	}
	return r.Finish()
}

// MarshalBinary encodes the classes outside the allowed set with their
// rows per split and sampled rows, and the allowed classes seen.
func (a *allowed) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(Allowed.ID, encodingVersion)
	w.Int(len(a.outside))
	for _, c := range wire.SortedKeys(a.outside) {
		w.Str(c)
		audit.WriteSplitCounts(w, a.outside[c])
	}
	w.Int(len(a.first))
	for _, c := range wire.SortedKeys(a.first) {
		w.Str(c)
		a.first[c].Encode(w)
	}
	w.Int(len(a.seen))
	for _, c := range wire.SortedKeys(a.seen) {
		w.Str(c)
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (a *allowed) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Allowed.ID, encodingVersion)
	for range r.Count(2) {
		c := r.Str()
		a.outside[c] = audit.ReadSplitCounts(r, nil)
	}
	for range r.Count(2) {
		c := r.Str()
		s := audit.NewRowSample(rowsPerClass)
		s.Decode(r)
		a.first[c] = s
	}
	for range r.Count(1) {
		a.seen[r.Str()] = true
	}
	return r.Finish()
}

// writeNames writes class names by hash.
func writeNames(w *wire.Writer, names map[uint64]string) {
	w.Int(len(names))
	for _, h := range wire.SortedKeys(names) {
		w.Fixed64(h)
		w.Str(names[h])
	}
}

// readNames reads class names written by writeNames into names.
func readNames(r *wire.Reader, names map[uint64]string) {
	for range r.Count(9) {
		h := r.Fixed64()
		names[h] = r.Str()
	}
}

// MarshalBinary encodes the class names; the conflicts themselves are in
// the shared key table.
func (c *conflicts) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(Conflicts.ID, encodingVersion)
	writeNames(w, c.names)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (c *conflicts) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Conflicts.ID, encodingVersion)
	readNames(r, c.names)
	return r.Finish()
}

// MarshalBinary encodes the class names; the texts are in the shared
// near-duplicate index.
func (n *nearConflicts) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(NearConflicts.ID, encodingVersion)
	writeNames(w, n.names)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (n *nearConflicts) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, NearConflicts.ID, encodingVersion)
	readNames(r, n.names)
	return r.Finish()
}

// MarshalBinary encodes the classes in order of first sight (the tallies
// refer to them by index), the coincidence, Fleiss and Cohen tallies, the
// item counters, the sampled items and the rows to flag.
func (a *agreement) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(Agreement.ID, encodingVersion)
	w.Int(len(a.classNames))
	for _, c := range a.classNames {
		w.Str(c)
	}
	w.Int(len(a.coinc))
	for _, k := range wire.SortedKeysFunc(a.coinc, func(x, y coKey) int {
		return cmp.Or(cmp.Compare(x.m, y.m), cmp.Compare(x.c, y.c), cmp.Compare(x.k, y.k))
	}) {
		w.Int(int(k.m))
		w.Int(int(k.c))
		w.Int(int(k.k))
		w.Varint(a.coinc[k])
	}
	for _, m := range []map[int32]int64{a.values, a.fleissItems, a.fleissSq} {
		w.Int(len(m))
		for _, k := range wire.SortedKeys(m) {
			w.Int(int(k))
			w.Varint(m[k])
		}
	}
	w.Int(len(a.fleissTotals))
	for _, k := range wire.SortedKeysFunc(a.fleissTotals, func(x, y mClass) int {
		return cmp.Or(cmp.Compare(x.m, y.m), cmp.Compare(x.c, y.c))
	}) {
		w.Int(int(k.m))
		w.Int(int(k.c))
		w.Varint(a.fleissTotals[k])
	}
	w.Int(len(a.pairs))
	for _, k := range wire.SortedKeysFunc(a.pairs, func(x, y pairKey) int {
		return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b), cmp.Compare(x.c, y.c), cmp.Compare(x.k, y.k))
	}) {
		w.Int(int(k.a))
		w.Int(int(k.b))
		w.Int(int(k.c))
		w.Int(int(k.k))
		w.Varint(a.pairs[k])
	}
	w.Int(len(a.pairItems))
	for _, k := range wire.SortedKeysFunc(a.pairItems, func(x, y annPair) int {
		return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b))
	}) {
		w.Int(int(k.a))
		w.Int(int(k.b))
		w.Varint(a.pairItems[k])
	}
	for _, n := range a.counters() {
		w.Varint(*n)
	}
	a.sample.Encode(w, func(w *wire.Writer, it agreeItem) {
		w.Int(len(it.ratings))
		for _, s := range it.ratings {
			w.Str(s)
		}
		w.Str(it.majority)
		w.Bool(it.disagree)
		w.Bool(it.mismatch)
		audit.WriteRowRef(w, it.ref)
	})
	writeBits(w, a.disagreeAt)
	writeBits(w, a.mismatchAt)
	return w.Bytes(), nil
}

// counters lists the item counters in encoding order.
func (a *agreement) counters() []*int64 {
	return []*int64{&a.items, &a.single, &a.unrated, &a.disagreeing, &a.unordered,
		&a.majorityItems, &a.majorityMatch, &a.majorityTies, &a.offending}
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
// Class and annotator indexes are checked against the classes decoded and
// the run's annotator columns.
func (a *agreement) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Agreement.ID, encodingVersion)
	for range r.Count(1) {
		c := r.Str()
		if _, dup := a.classIdx[c]; dup {
			r.Fail("class twice")
		}
		a.classIndex(c)
	}
	class := func() int32 { return int32(r.Below(len(a.classNames))) }
	raters := func() int32 { // ratings per item: 2 up to the annotators
		m := r.Int()
		if m < 2 || m > len(a.cols) {
			r.Fail("ratings per item out of range")
		}
		return int32(m)
	}
	ann := func() int16 { return int16(r.Below(len(a.cols))) }
	for range r.Count(4) {
		k := coKey{m: raters(), c: class(), k: class()}
		a.coinc[k] = r.Varint()
	}
	for range r.Count(2) {
		c := class()
		a.values[c] = r.Varint()
	}
	for _, m := range []map[int32]int64{a.fleissItems, a.fleissSq} {
		for range r.Count(2) {
			k := raters()
			m[k] = r.Varint()
		}
	}
	for range r.Count(3) {
		k := mClass{m: raters(), c: class()}
		a.fleissTotals[k] = r.Varint()
	}
	for range r.Count(5) {
		k := pairKey{a: ann(), b: ann(), c: class(), k: class()}
		a.pairs[k] = r.Varint()
	}
	for range r.Count(3) {
		k := annPair{a: ann(), b: ann()}
		a.pairItems[k] = r.Varint()
	}
	for _, n := range a.counters() {
		*n = r.Varint()
	}
	a.sample.Decode(r, func(r *wire.Reader) agreeItem {
		var it agreeItem
		n := r.Count(1)
		if r.Err() == nil && n != len(a.cols) {
			r.Fail("an item's ratings are not one per annotator")
		}
		it.ratings = make([]string, n)
		for i := range it.ratings {
			it.ratings[i] = r.Str()
		}
		it.majority = r.Str()
		it.disagree = r.Bool()
		it.mismatch = r.Bool()
		it.ref = audit.ReadRowRef(r)
		return it
	})
	readBits(r, a.disagreeAt)
	readBits(r, a.mismatchAt)
	return r.Finish()
}

// writeBits writes a set of rows, pages in (file, page) order.
func writeBits(w *wire.Writer, b rowBits) {
	w.Int(len(b))
	for _, k := range wire.SortedKeysFunc(b, func(x, y bitPage) int {
		return cmp.Or(cmp.Compare(x.file, y.file), cmp.Compare(x.page, y.page))
	}) {
		w.Uvarint(uint64(k.file))
		w.Varint(k.page)
		for _, word := range b[k] {
			w.Fixed64(word)
		}
	}
}

// readBits reads a set written by writeBits into b.
func readBits(r *wire.Reader, b rowBits) {
	for range r.Count(2 + 8*pageWords) {
		f := r.Uvarint()
		if f > 1<<32-1 {
			r.Fail("file index out of range")
		}
		k := bitPage{file: uint32(f), page: r.Varint()}
		words := new([pageWords]uint64)
		for i := range words {
			words[i] = r.Fixed64()
		}
		b[k] = words
	}
}
