package audit

import "sort"

// RowSample keeps the first N rows (by RowPos) of those offered, so that
// examples are the same whatever the order in which workers saw the rows.
// The zero value keeps nothing; make one with NewRowSample.
type RowSample struct{ first FirstRows[RowRef] }

// NewRowSample keeps at most n rows.
func NewRowSample(n int) *RowSample { return &RowSample{FirstRows[RowRef]{n: n}} }

// Offer considers a row. The RowRef's strings must not share batch memory.
func (s *RowSample) Offer(pos RowPos, ref RowRef) { s.first.Offer(pos, ref) }

// Full reports whether a row at pos would be rejected, so callers can
// skip building its RowRef.
func (s *RowSample) Full(pos RowPos) bool { return s.first.Full(pos) }

// Merge offers every row of other.
func (s *RowSample) Merge(other *RowSample) { s.first.Merge(&other.first) }

// Rows returns the kept rows in order.
func (s *RowSample) Rows() []RowRef { return s.first.Items() }

// FirstRows keeps the first n items by RowPos, like RowSample, but with a
// payload of any type: the same items whatever the order workers saw the
// rows in. The zero value keeps nothing; make one with NewFirstRows.
type FirstRows[T any] struct {
	n     int
	items []posItem[T]
}

type posItem[T any] struct {
	pos RowPos
	v   T
}

// NewFirstRows keeps at most n items.
func NewFirstRows[T any](n int) *FirstRows[T] { return &FirstRows[T]{n: n} }

// Full reports whether an item at pos would be rejected, so callers can
// skip building it.
func (s *FirstRows[T]) Full(pos RowPos) bool {
	return s.n <= 0 || len(s.items) == s.n && !pos.Less(s.items[len(s.items)-1].pos)
}

// Offer considers an item at pos.
func (s *FirstRows[T]) Offer(pos RowPos, v T) {
	if s.Full(pos) {
		return
	}
	i := sort.Search(len(s.items), func(i int) bool { return pos.Less(s.items[i].pos) })
	if len(s.items) < s.n {
		s.items = append(s.items, posItem[T]{})
	}
	copy(s.items[i+1:], s.items[i:len(s.items)-1])
	s.items[i] = posItem[T]{pos, v}
}

// Merge offers every item of o.
func (s *FirstRows[T]) Merge(o *FirstRows[T]) {
	for _, it := range o.items {
		s.Offer(it.pos, it.v)
	}
}

// Items returns the kept items in row order.
func (s *FirstRows[T]) Items() []T {
	out := make([]T, len(s.items))
	for i, it := range s.items {
		out[i] = it.v
	}
	return out
}
