package valueclass

import (
	"cmp"
	"slices"
)

// cellIDs numbers cells: a run meets few of them (classes × splits × the
// two halves), so that counts per cell can be short slices indexed by a
// small id instead of maps keyed by the 16-byte Cell. A Table and its
// Counts share one; a Counts made by NewCounts has its own. Ids are given
// in order of first appearance, so they differ between workers: Merge maps
// the other side's ids onto its own (remap), and encodings write cells,
// never ids.
type cellIDs struct {
	ids   map[Cell]uint32
	cells []Cell
}

func newCellIDs() *cellIDs { return &cellIDs{ids: map[Cell]uint32{}} }

// id returns the id of c, numbering c when it is new.
func (r *cellIDs) id(c Cell) uint32 {
	if id, ok := r.ids[c]; ok {
		return id
	}
	id := uint32(len(r.cells))
	r.ids[c] = id
	r.cells = append(r.cells, c)
	return id
}

// remap returns, per id of o, the id of the same cell in r (numbering the
// cells r has not met); nil when r and o are the same numbering.
func (r *cellIDs) remap(o *cellIDs) []uint32 {
	if r == o {
		return nil
	}
	m := make([]uint32, len(o.cells))
	for i, c := range o.cells {
		m[i] = r.id(c)
	}
	return m
}

// ranks returns, per id, the position of its cell in CompareCells order:
// the order encodings write cells in.
func (r *cellIDs) ranks() []uint32 {
	order := make([]uint32, len(r.cells))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return CompareCells(r.cells[a], r.cells[b]) })
	rank := make([]uint32, len(order))
	for pos, id := range order {
		rank[id] = uint32(pos)
	}
	return rank
}

// sides returns, per id, which side its cell is on: sideFit when fit(cell),
// else sideEval when eval(cell), else sideNone. fit and eval are called once
// per cell, not once per count.
func (r *cellIDs) sides(fit, eval func(Cell) bool) []uint8 {
	on := make([]uint8, len(r.cells))
	for id, c := range r.cells {
		switch {
		case fit(c):
			on[id] = sideFit
		case eval(c):
			on[id] = sideEval
		}
	}
	return on
}

// Sides of a cell, for cellIDs.sides.
const (
	sideNone uint8 = iota
	sideFit
	sideEval
)

// cellCounts counts rows per cell id, with no entry for a count of zero
// (every count it holds is at least 1). While it has met few ids it is a
// short list of (id, count) pairs searched in order, the first one inline:
// most values of a column with many values have rows in one or a few
// cells. Past sparseMax ids it becomes a slice indexed by id, as long as
// that slice is at most denseRatio times longer than the ids counted (so
// that a run with hundreds of classes does not give every value a long
// slice).
type cellCounts struct {
	// one and more are the sparse form: one is the first pair (n == 0:
	// none), more the others.
	one  cellCount
	more []cellCount
	// dense is the dense form, counts by id; nil while sparse.
	dense []int64
	// nonzero is, in the dense form, the number of ids with a count.
	nonzero int
}

// cellCount is the count of one cell id.
type cellCount struct {
	id uint32
	n  int64
}

const (
	sparseMax  = 8
	denseRatio = 8
)

// add adds k ≥ 1 rows to id.
func (cc *cellCounts) add(id uint32, k int64) {
	if cc.dense != nil {
		if int(id) < len(cc.dense) {
			if cc.dense[id] == 0 {
				cc.nonzero++
			}
			cc.dense[id] += k
			return
		}
		if int(id)+1 <= denseRatio*(cc.nonzero+1) {
			cc.dense = append(cc.dense, make([]int64, int(id)+1-len(cc.dense))...)
			cc.dense[id] = k
			cc.nonzero++
			return
		}
		cc.toSparse()
	}
	switch {
	case cc.one.n == 0:
		cc.one = cellCount{id, k}
		return
	case cc.one.id == id:
		cc.one.n += k
		return
	}
	for i := range cc.more {
		if cc.more[i].id == id {
			cc.more[i].n += k
			return
		}
	}
	cc.more = append(cc.more, cellCount{id, k})
	if 1+len(cc.more) > sparseMax {
		cc.toDense()
	}
}

// toDense turns the sparse form dense when the slice would be short
// enough.
func (cc *cellCounts) toDense() {
	top := cc.one.id
	for _, p := range cc.more {
		top = max(top, p.id)
	}
	if int(top)+1 > denseRatio*(1+len(cc.more)) {
		return
	}
	dense := make([]int64, top+1)
	dense[cc.one.id] = cc.one.n
	for _, p := range cc.more {
		dense[p.id] = p.n
	}
	*cc = cellCounts{dense: dense, nonzero: 1 + len(cc.more)}
}

// toSparse turns the dense form sparse.
func (cc *cellCounts) toSparse() {
	var sparse cellCounts
	sparse.more = make([]cellCount, 0, cc.nonzero)
	for id, k := range cc.dense {
		switch {
		case k == 0:
		case sparse.one.n == 0:
			sparse.one = cellCount{uint32(id), k}
		default:
			sparse.more = append(sparse.more, cellCount{uint32(id), k})
		}
	}
	*cc = sparse
}

// get returns the count of id.
func (cc *cellCounts) get(id uint32) int64 {
	if cc.dense != nil {
		if int(id) < len(cc.dense) {
			return cc.dense[id]
		}
		return 0
	}
	if cc.one.id == id {
		return cc.one.n
	}
	for _, p := range cc.more {
		if p.id == id {
			return p.n
		}
	}
	return 0
}

// len returns how many ids have a count.
func (cc *cellCounts) len() int {
	switch {
	case cc.dense != nil:
		return cc.nonzero
	case cc.one.n == 0:
		return 0
	}
	return 1 + len(cc.more)
}

// each calls fn for every id with a count, in no particular order.
func (cc *cellCounts) each(fn func(id uint32, k int64)) {
	if cc.dense != nil {
		for id, k := range cc.dense {
			if k != 0 {
				fn(uint32(id), k)
			}
		}
		return
	}
	if cc.one.n != 0 {
		fn(cc.one.id, cc.one.n)
	}
	for _, p := range cc.more {
		fn(p.id, p.n)
	}
}

// addAll adds o's counts, its ids mapped by remap (nil: the same ids).
func (cc *cellCounts) addAll(o *cellCounts, remap []uint32) {
	o.each(func(id uint32, k int64) {
		if remap != nil {
			id = remap[id]
		}
		cc.add(id, k)
	})
}

// sorted returns the ids with a count in CompareCells order of their
// cells (rank from cellIDs.ranks).
func (cc *cellCounts) sorted(rank []uint32) []uint32 {
	ids := make([]uint32, 0, cc.len())
	cc.each(func(id uint32, _ int64) { ids = append(ids, id) })
	slices.SortFunc(ids, func(a, b uint32) int { return cmp.Compare(rank[a], rank[b]) })
	return ids
}
