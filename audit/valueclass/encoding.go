package valueclass

import (
	"cmp"
	"math"

	"dataready/audit"
	"dataready/audit/wire"
)

// CompareCells orders cells, for writing maps keyed by them.
func CompareCells(a, b Cell) int {
	return cmp.Or(cmp.Compare(a.Class, b.Class), cmp.Compare(a.Split, b.Split), boolCompare(a.Eval, b.Eval))
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// WriteCell writes a cell.
func WriteCell(w *wire.Writer, c Cell) {
	w.Fixed64(c.Class)
	w.Uint8(c.Split)
	w.Bool(c.Eval)
}

// ReadCell reads a cell written by WriteCell.
func ReadCell(r *wire.Reader) Cell {
	c := Cell{Class: r.Fixed64()}
	c.Split = audit.ReadSplit(r)
	c.Eval = r.Bool()
	return c
}

// cellSize is the smallest encoding of a cell with its count.
const cellSize = 8 + 1 + 1 + 1

// WriteCells writes counts per cell in cell order.
func WriteCells(w *wire.Writer, m map[Cell]int64) {
	w.Int(len(m))
	for _, c := range wire.SortedKeysFunc(m, CompareCells) {
		WriteCell(w, c)
		w.Varint(m[c])
	}
}

// ReadCells reads counts written by WriteCells into m.
func ReadCells(r *wire.Reader, m map[Cell]int64) {
	for range r.Count(cellSize) {
		c := ReadCell(r)
		m[c] = r.Varint()
	}
}

// Encode writes the table's counts: the rows per cell, the class names and
// every column's Counts, in column order. The columns themselves (names,
// parsers) come from NewTable.
func (t *Table) Encode(w *wire.Writer) {
	WriteCells(w, t.Rows)
	w.Int(len(t.classes))
	for _, h := range wire.SortedKeys(t.classes) {
		w.Fixed64(h)
		w.Str(t.classes[h])
	}
	w.Int(len(t.counts))
	for _, c := range t.counts {
		c.Encode(w)
	}
}

// Decode reads counts written by Encode into an empty table made by
// NewTable with the same columns.
func (t *Table) Decode(r *wire.Reader) {
	ReadCells(r, t.Rows)
	for range r.Count(9) {
		h := r.Fixed64()
		t.classes[h] = r.Str()
	}
	if n := r.Int(); r.Err() == nil && n != len(t.counts) {
		r.Fail("the encoding has another number of columns than the table")
		return
	}
	for _, c := range t.counts {
		c.Decode(r)
	}
}

// Encode writes the counts: totals, the sampling limit, the values kept
// (in hash order) and the cells of the other, missing and non-numeric
// values and of the histogram. The parser, formatter and cap come from
// NewCounts.
func (vc *Counts) Encode(w *wire.Writer) {
	w.Varint(vc.NonNull)
	w.Varint(vc.Numeric)
	w.Fixed64(vc.limit)
	w.Int(len(vc.values))
	for _, h := range wire.SortedKeys(vc.values) {
		v := vc.values[h]
		w.Fixed64(h)
		w.Str(v.Text)
		w.Float64(v.Num)
		w.Bool(v.IsNum)
		audit.WriteRowPos(w, v.First)
		w.Uint8(v.FirstSplit)
		WriteCells(w, v.Counts)
	}
	WriteCells(w, vc.Other)
	WriteCells(w, vc.Missing)
	WriteCells(w, vc.NotNumber)
	w.Int(len(vc.hist))
	for _, k := range wire.SortedKeysFunc(vc.hist, func(a, b histCell) int {
		return cmp.Or(cmp.Compare(a.bucket, b.bucket), CompareCells(a.cell, b.cell))
	}) {
		w.Varint(int64(k.bucket))
		WriteCell(w, k.cell)
		w.Varint(vc.hist[k])
	}
}

// Decode reads counts written by Encode into empty counts made by
// NewCounts with the same parser.
func (vc *Counts) Decode(r *wire.Reader) {
	vc.NonNull = r.Varint()
	vc.Numeric = r.Varint()
	vc.limit = r.Fixed64()
	for range r.Count(8 + 1 + 8 + 1 + 2 + 1 + 1) {
		h := r.Fixed64()
		v := &Value{Text: r.Str(), Num: r.Float64(), IsNum: r.Bool(), Counts: map[Cell]int64{}}
		v.First = audit.ReadRowPos(r)
		v.FirstSplit = audit.ReadSplit(r)
		ReadCells(r, v.Counts)
		if h > vc.limit {
			r.Fail("a value above the sampling limit")
		}
		vc.values[h] = v
	}
	ReadCells(r, vc.Other)
	ReadCells(r, vc.Missing)
	ReadCells(r, vc.NotNumber)
	for range r.Count(1 + cellSize) {
		b := r.Varint()
		if b < math.MinInt32 || b > math.MaxInt32 {
			r.Fail("histogram bucket out of range")
		}
		k := histCell{bucket: int32(b), cell: ReadCell(r)}
		vc.hist[k] = r.Varint()
	}
	if len(vc.values) >= 2*vc.max && r.Err() == nil {
		r.Fail("more values than the cap keeps")
	}
}
