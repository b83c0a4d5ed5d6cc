package audit

import "sort"

// RowSample keeps the first N rows (by RowPos) of those offered, so that
// examples are the same whatever the order in which workers saw the rows.
// The zero value keeps nothing; make one with NewRowSample.
type RowSample struct {
	n    int
	rows []sampled
}

type sampled struct {
	pos RowPos
	ref RowRef
}

// NewRowSample keeps at most n rows.
func NewRowSample(n int) *RowSample { return &RowSample{n: n} }

// Offer considers a row. The RowRef's strings must not share batch memory.
func (s *RowSample) Offer(pos RowPos, ref RowRef) {
	if s.n <= 0 {
		return
	}
	if len(s.rows) == s.n && !pos.Less(s.rows[len(s.rows)-1].pos) {
		return
	}
	i := sort.Search(len(s.rows), func(i int) bool { return pos.Less(s.rows[i].pos) })
	if len(s.rows) < s.n {
		s.rows = append(s.rows, sampled{})
	}
	copy(s.rows[i+1:], s.rows[i:len(s.rows)-1])
	s.rows[i] = sampled{pos, ref}
}

// Full reports whether a row at pos would be rejected, so callers can
// skip building its RowRef.
func (s *RowSample) Full(pos RowPos) bool {
	return s.n <= 0 || len(s.rows) == s.n && !pos.Less(s.rows[len(s.rows)-1].pos)
}

// Merge offers every row of other.
func (s *RowSample) Merge(other *RowSample) {
	for _, r := range other.rows {
		s.Offer(r.pos, r.ref)
	}
}

// Rows returns the kept rows in order.
func (s *RowSample) Rows() []RowRef {
	out := make([]RowRef, len(s.rows))
	for i, r := range s.rows {
		out[i] = r.ref
	}
	return out
}
