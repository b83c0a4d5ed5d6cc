package bias

import (
	"cmp"

	"dataready/audit"
	"dataready/audit/wire"
)

// Encodings of the bias checks' accumulators (audit.Encodable). Each
// encodes what Add and Merge build; the run context (dimensions, feature
// columns, null tokens) comes from the constructor the data is decoded
// into, and the number of dimensions and features must match it. Version
// 1 of every format.
const encodingVersion = 1

var (
	_ audit.Encodable = (*balance)(nil)
	_ audit.Encodable = (*shift)(nil)
	_ audit.Encodable = (*coverage)(nil)
	_ audit.Encodable = (*refCoverage)(nil)
	_ audit.Encodable = (*disparity)(nil)
	_ audit.Encodable = (*missingness)(nil)
)

// writeCounts writes a map of counts in key order.
func writeCounts(w *wire.Writer, m map[string]int64) {
	w.Int(len(m))
	for _, k := range wire.SortedKeys(m) {
		w.Str(k)
		w.Varint(m[k])
	}
}

// readCounts reads counts written by writeCounts into m.
func readCounts(r *wire.Reader, m map[string]int64) {
	for range r.Count(2) {
		k := r.Str()
		m[k] = r.Varint()
	}
}

// writeSample writes a sample that may be nil.
func writeSample(w *wire.Writer, s *audit.RowSample) {
	w.Bool(s != nil)
	if s != nil {
		s.Encode(w)
	}
}

// readSample reads a sample written by writeSample; n is its capacity.
func readSample(r *wire.Reader, n int) *audit.RowSample {
	if !r.Bool() {
		return nil
	}
	s := audit.NewRowSample(n)
	s.Decode(r)
	return s
}

// writeTable writes a value table: overflowed, or its values in order.
func writeTable[T any](w *wire.Writer, t *table[T], enc func(*wire.Writer, *T)) {
	w.Bool(t.overflow)
	if t.overflow {
		return
	}
	w.Int(len(t.m))
	for _, v := range wire.SortedKeys(t.m) {
		w.Str(v)
		enc(w, t.m[v])
	}
}

// readTable reads a table written by writeTable into the empty t.
func readTable[T any](r *wire.Reader, t *table[T], dec func(*wire.Reader) *T) {
	if r.Bool() {
		t.overflow, t.m = true, nil
		return
	}
	for range r.Count(2) {
		v := r.Str()
		t.m[v] = dec(r)
	}
}

// checkDims fails the reader unless the encoding has as many dimensions as
// the accumulator it is decoded into.
func checkDims(r *wire.Reader, dims []dimension) {
	if n := r.Int(); r.Err() == nil && n != len(dims) {
		r.Fail("the encoding has another number of segment dimensions than the run")
	}
}

// writeTally writes the class counts per split and the sampled rows.
func writeTally(w *wire.Writer, t *classTally) {
	n := len(t.counts)
	for n > 0 && len(t.counts[n-1]) == 0 {
		n--
	}
	w.Int(n)
	for _, m := range t.counts[:n] {
		writeCounts(w, m)
	}
	w.Int(len(t.first))
	for _, k := range wire.SortedKeysFunc(t.first, func(a, b classSplit) int {
		return cmp.Or(cmp.Compare(a.class, b.class), cmp.Compare(a.split, b.split))
	}) {
		w.Str(k.class)
		w.Uint8(k.split)
		t.first[k].Encode(w)
	}
}

// readTally reads a tally written by writeTally into the empty t.
func readTally(r *wire.Reader, t *classTally) {
	n := r.Count(1)
	if n > len(t.counts) {
		r.Fail("more splits than MaxSplits")
		return
	}
	for i := range n {
		readCounts(r, t.counts[i])
	}
	for range r.Count(3) {
		k := classSplit{class: r.Str(), split: audit.ReadSplit(r)}
		s := audit.NewRowSample(examplesPerClass)
		s.Decode(r)
		t.first[k] = s
	}
}

// MarshalBinary encodes the class tally.
func (a *balance) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(ClassBalance.ID, encodingVersion)
	writeTally(w, &a.classTally)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (a *balance) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, ClassBalance.ID, encodingVersion)
	readTally(r, &a.classTally)
	return r.Finish()
}

// MarshalBinary encodes the class tally.
func (a *shift) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(LabelShift.ID, encodingVersion)
	writeTally(w, &a.classTally)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (a *shift) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, LabelShift.ID, encodingVersion)
	readTally(r, &a.classTally)
	return r.Finish()
}

// MarshalBinary encodes the train class counts and, per dimension, the
// value table and the rows per split.
func (a *coverage) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(SegmentCoverage.ID, encodingVersion)
	writeCounts(w, a.trainClasses)
	w.Int(len(a.dims))
	for d := range a.dims {
		audit.WriteSplitCounts(w, a.totals[d])
		writeTable(w, a.tables[d], func(w *wire.Writer, v *covValue) {
			audit.WriteSplitCounts(w, v.rows)
			audit.WriteSplitCounts(w, v.labeled)
			writeCounts(w, v.classes)
			w.Bool(v.seenTrain)
			w.Int(len(v.pending))
			for _, p := range v.pending {
				audit.WriteRowPos(w, p)
			}
			w.Int(len(v.samples))
			for _, s := range v.samples {
				writeSample(w, s)
			}
			w.Int(len(v.parts))
			for _, p := range v.parts {
				w.Str(p)
			}
		})
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (a *coverage) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, SegmentCoverage.ID, encodingVersion)
	readCounts(r, a.trainClasses)
	checkDims(r, a.dims)
	for d := range a.dims {
		a.totals[d] = audit.ReadSplitCounts(r, nil)
		readTable(r, a.tables[d], func(r *wire.Reader) *covValue {
			v := newCovValue()
			v.rows = audit.ReadSplitCounts(r, nil)
			v.labeled = audit.ReadSplitCounts(r, nil)
			readCounts(r, v.classes)
			v.seenTrain = r.Bool()
			for range r.Count(2) {
				v.pending = append(v.pending, audit.ReadRowPos(r))
			}
			n := r.Count(1)
			if n > audit.MaxSplits {
				r.Fail("more samples than splits")
				n = 0
			}
			for range n {
				v.samples = append(v.samples, readSample(r, examplesPerValue))
			}
			for range r.Count(1) {
				v.parts = append(v.parts, r.Str())
			}
			return v
		})
	}
	return r.Finish()
}

// MarshalBinary encodes, per dimension, the rows per split of each value
// and in all.
func (a *refCoverage) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(ReferenceCoverage.ID, encodingVersion)
	w.Int(len(a.dims))
	for d := range a.dims {
		audit.WriteSplitCounts(w, a.totals[d])
		writeTable(w, a.tables[d], func(w *wire.Writer, c *splitCounts) { audit.WriteSplitCounts(w, *c) })
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (a *refCoverage) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, ReferenceCoverage.ID, encodingVersion)
	checkDims(r, a.dims)
	for d := range a.dims {
		a.totals[d] = audit.ReadSplitCounts(r, nil)
		readTable(r, a.tables[d], func(r *wire.Reader) *splitCounts {
			c := splitCounts(audit.ReadSplitCounts(r, nil))
			return &c
		})
	}
	return r.Finish()
}

// MarshalBinary encodes the class counts of train and of the other rows,
// overall and per value of each dimension, with the sampled rows.
func (a *disparity) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(LabelDisparity.ID, encodingVersion)
	writeCounts(w, a.train)
	writeCounts(w, a.rest)
	w.Int(len(a.dims))
	for d := range a.dims {
		writeTable(w, a.tables[d], func(w *wire.Writer, v *dispValue) {
			writeCounts(w, v.train)
			writeCounts(w, v.rest)
			writeSample(w, v.trainFirst)
			writeSample(w, v.restFirst)
		})
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (a *disparity) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, LabelDisparity.ID, encodingVersion)
	readCounts(r, a.train)
	readCounts(r, a.rest)
	checkDims(r, a.dims)
	for d := range a.dims {
		readTable(r, a.tables[d], func(r *wire.Reader) *dispValue {
			v := newDispValue()
			readCounts(r, v.train)
			readCounts(r, v.rest)
			v.trainFirst = readSample(r, examplesPerValue)
			v.restFirst = readSample(r, examplesPerValue)
			return v
		})
	}
	return r.Finish()
}

// writeInts writes a list of counts.
func writeInts(w *wire.Writer, list []int64) {
	w.Int(len(list))
	for _, n := range list {
		w.Varint(n)
	}
}

// readInts reads a list written by writeInts into dst, which must have
// the same length.
func readInts(r *wire.Reader, dst []int64) {
	if n := r.Count(1); r.Err() == nil && n != len(dst) {
		r.Fail("the encoding has another number of feature columns than the run")
		return
	}
	for i := range dst {
		dst[i] = r.Varint()
	}
}

// MarshalBinary encodes the nulls per feature, per dimension the rows and
// nulls per value, and the sampled rows per (feature, dimension, value).
func (a *missingness) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(Missingness.ID, encodingVersion)
	writeInts(w, a.nulls)
	w.Int(len(a.dims))
	for d := range a.dims {
		writeTable(w, a.tables[d], func(w *wire.Writer, v *missValue) {
			w.Varint(v.rows)
			writeInts(w, v.nulls)
		})
	}
	w.Int(len(a.first))
	for _, k := range wire.SortedKeysFunc(a.first, func(x, y missCell) int {
		return cmp.Or(cmp.Compare(x.feat, y.feat), cmp.Compare(x.dim, y.dim), cmp.Compare(x.value, y.value))
	}) {
		w.Int(k.feat)
		w.Int(k.dim)
		w.Str(k.value)
		a.first[k].Encode(w)
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (a *missingness) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Missingness.ID, encodingVersion)
	readInts(r, a.nulls)
	checkDims(r, a.dims)
	for d := range a.dims {
		readTable(r, a.tables[d], func(r *wire.Reader) *missValue {
			v := &missValue{rows: r.Varint(), nulls: make([]int64, len(a.feats))}
			readInts(r, v.nulls)
			return v
		})
	}
	for range r.Count(4) {
		k := missCell{feat: r.Below(len(a.feats)), dim: r.Below(len(a.dims)), value: r.Str()}
		s := audit.NewRowSample(examplesPerValue)
		s.Decode(r)
		a.first[k] = s
	}
	return r.Finish()
}
