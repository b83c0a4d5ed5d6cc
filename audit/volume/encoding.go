package volume

import (
	"cmp"
	"fmt"

	"dataready/audit"
	"dataready/audit/valueclass"
	"dataready/audit/wire"
)

// Encodings of the volume checks' accumulators (audit.Encodable). Each
// encodes what Add and Merge build; most volume numbers come from the
// shared key table, which the pipeline encodes itself. Version 1 of every
// format.
const encodingVersion = 1

var (
	_ audit.Encodable = (*pilot)(nil)
	_ audit.Encodable = (*classMinimum)(nil)
	_ audit.Encodable = (*segmentMinimum)(nil)
	_ audit.Encodable = (*holdoutPower)(nil)
	_ audit.Encodable = (*baseline)(nil)
)

// writeNames writes class names by hash.
func writeNames(w *wire.Writer, c classNames) {
	w.Int(len(c))
	for _, h := range wire.SortedKeys(c) {
		w.Fixed64(h)
		w.Str(c[h])
	}
}

// readNames reads class names written by writeNames into c.
func readNames(r *wire.Reader, c classNames) {
	for range r.Count(9) {
		h := r.Fixed64()
		c[h] = r.Str()
	}
}

// MarshalBinary encodes nothing but the header: the check reads the shared
// key table.
func (p *pilot) MarshalBinary() ([]byte, error) {
	return wire.NewWriter(PilotMinimum.ID, encodingVersion).Bytes(), nil
}

// UnmarshalBinary checks the header.
func (p *pilot) UnmarshalBinary(data []byte) error {
	return wire.NewReader(data, PilotMinimum.ID, encodingVersion).Finish()
}

// MarshalBinary encodes the class names.
func (c *classMinimum) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(ClassMinimum.ID, encodingVersion)
	writeNames(w, c.names)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (c *classMinimum) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, ClassMinimum.ID, encodingVersion)
	readNames(r, c.names)
	return r.Finish()
}

// MarshalBinary encodes the class names.
func (h *holdoutPower) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(HoldoutPower.ID, encodingVersion)
	writeNames(w, h.names)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (h *holdoutPower) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, HoldoutPower.ID, encodingVersion)
	readNames(r, h.names)
	return r.Finish()
}

func compareSegValues(a, b segValue) int {
	return cmp.Or(cmp.Compare(a.col, b.col), cmp.Compare(a.value, b.value))
}

// MarshalBinary encodes the holdout rows, per (segment column, value)
// their rows and the set of row keys of their labeled rows.
func (m *segmentMinimum) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(SegmentMinimum.ID, encodingVersion)
	w.Varint(m.holdout)
	w.Int(len(m.rows))
	for _, v := range wire.SortedKeysFunc(m.rows, compareSegValues) {
		w.Int(v.col)
		w.Str(v.value)
		w.Varint(m.rows[v])
	}
	w.Int(len(m.keys))
	for _, v := range wire.SortedKeysFunc(m.keys, compareSegValues) {
		w.Int(v.col)
		w.Str(v.value)
		keys := m.keys[v].SortedKeys()
		w.Int(len(keys))
		for _, k := range keys {
			audit.WriteKey(w, k)
		}
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable).
func (m *segmentMinimum) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, SegmentMinimum.ID, encodingVersion)
	segs := len(m.env.Roles.Segments)
	m.holdout = r.Varint()
	for range r.Count(3) {
		v := segValue{col: r.Below(segs), value: r.Str()}
		m.rows[v] = r.Varint()
	}
	for range r.Count(3) {
		v := segValue{col: r.Below(segs), value: r.Str()}
		set := &keySet{}
		for range r.Count(16) {
			set.Upsert(audit.ReadKey(r))
		}
		m.keys[v] = set
	}
	return r.Finish()
}

// MarshalBinary encodes the class names, the value × class table of the
// feature columns, the token counts of the fitting side and every
// evaluation row of the text keyword rule (read back from the spill files
// of this accumulator and of those merged into it).
func (a *baseline) MarshalBinary() ([]byte, error) {
	if a.err != nil {
		return nil, a.err
	}
	w := wire.NewWriter(Baseline.ID, encodingVersion)
	writeNames(w, a.names)
	a.table.Encode(w)
	a.tokens.Encode(w)
	// The count of evaluation rows is not known before reading them: they
	// go to a second writer, appended after the count.
	evals := &wire.Writer{}
	var n int
	err := a.eachEval(func(valueclass.Cell) bool { return true }, func(rec *evalRecord) {
		n++
		valueclass.WriteCell(evals, rec.cell)
		evals.Int(len(rec.tokens))
		for _, t := range rec.tokens {
			evals.Blob(t)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Baseline.ID, err)
	}
	w.Int(n)
	return append(w.Bytes(), evals.Bytes()...), nil
}

// UnmarshalBinary decodes into a fresh accumulator (see audit.Encodable);
// the evaluation rows go to a spill file of its own.
func (a *baseline) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, Baseline.ID, encodingVersion)
	readNames(r, a.names)
	a.table.Decode(r)
	a.tokens.Decode(r)
	var toks []string
	for range r.Count(11) {
		cell := valueclass.ReadCell(r)
		toks = toks[:0]
		for range r.Count(1) {
			toks = append(toks, string(r.Blob()))
		}
		if r.Err() != nil {
			break
		}
		a.writeEval(cell, toks)
		if a.err != nil {
			return a.err
		}
	}
	return r.Finish()
}
