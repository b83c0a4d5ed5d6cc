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

// writeCounts writes the counts of cc: their number, then each cell in
// cell order (CompareCells; rank: cellIDs.ranks) with its count.
func writeCounts(w *wire.Writer, ids *cellIDs, rank []uint32, cc *cellCounts) {
	w.Int(cc.len())
	for _, id := range cc.sorted(rank) {
		WriteCell(w, ids.cells[id])
		w.Varint(cc.get(id))
	}
}

// readCounts reads counts written by writeCounts into
// empty counts, numbering the cells with ids. Every count written is at
// least 1.
func readCounts(r *wire.Reader, ids *cellIDs, cc *cellCounts) {
	for range r.Count(cellSize) {
		c := ReadCell(r)
		readCount(r, ids.id(c), cc)
	}
}

// readCount reads one count of a cell.
func readCount(r *wire.Reader, id uint32, cc *cellCounts) {
	n := r.Varint()
	if n < 1 {
		if r.Err() == nil {
			r.Fail("a cell count below 1")
		}
		return
	}
	if cc.get(id) != 0 {
		r.Fail("a cell written twice")
		return
	}
	cc.add(id, n)
}

// Encode writes the table's counts: the rows per cell, the class names and
// every column's Counts, in column order. The columns themselves (names,
// parsers) come from NewTable.
func (t *Table) Encode(w *wire.Writer) {
	rank := t.ids.ranks()
	writeCounts(w, t.ids, rank, &t.rows)
	w.Int(len(t.classes))
	for _, h := range wire.SortedKeys(t.classes) {
		w.Fixed64(h)
		w.Str(t.classes[h])
	}
	w.Int(len(t.counts))
	for _, c := range t.counts {
		c.encode(w, rank)
	}
}

// Decode reads counts written by Encode into an empty table made by
// NewTable with the same columns.
func (t *Table) Decode(r *wire.Reader) {
	readCounts(r, t.ids, &t.rows)
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
func (vc *Counts) Encode(w *wire.Writer) { vc.encode(w, vc.ids.ranks()) }

// encode is Encode with the ranks of the cell ids (cellIDs.ranks).
func (vc *Counts) encode(w *wire.Writer, rank []uint32) {
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
		writeCounts(w, vc.ids, rank, &v.cells)
	}
	writeCounts(w, vc.ids, rank, &vc.other)
	writeCounts(w, vc.ids, rank, &vc.missing)
	writeCounts(w, vc.ids, rank, &vc.notNumber)
	// The histogram, as one list of (bucket, cell) counts in that order.
	n := 0
	for _, cells := range vc.hist {
		n += cells.len()
	}
	w.Int(n)
	for _, b := range wire.SortedKeys(vc.hist) {
		cells := vc.hist[b]
		for _, id := range cells.sorted(rank) {
			w.Varint(int64(b))
			WriteCell(w, vc.ids.cells[id])
			w.Varint(cells.get(id))
		}
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
		v := &Value{Text: r.Str(), Num: r.Float64(), IsNum: r.Bool()}
		v.First = audit.ReadRowPos(r)
		v.FirstSplit = audit.ReadSplit(r)
		readCounts(r, vc.ids, &v.cells)
		if h > vc.limit {
			r.Fail("a value above the sampling limit")
		}
		vc.values[h] = v
	}
	readCounts(r, vc.ids, &vc.other)
	readCounts(r, vc.ids, &vc.missing)
	readCounts(r, vc.ids, &vc.notNumber)
	for range r.Count(1 + cellSize) {
		b := r.Varint()
		if b < math.MinInt32 || b > math.MaxInt32 {
			r.Fail("histogram bucket out of range")
		}
		id := vc.ids.id(ReadCell(r))
		cells := vc.hist[int32(b)]
		if cells == nil {
			cells = &cellCounts{}
			vc.hist[int32(b)] = cells
		}
		readCount(r, id, cells)
	}
	if len(vc.values) >= 2*vc.max && r.Err() == nil {
		r.Fail("more values than the cap keeps")
	}
}
