package valueclass

// NewTalliesHash returns empty tallies that find keys by hash instead of
// KeyHash, so that tests can force collisions.
func NewTalliesHash(hash func(string) uint64) *Tallies {
	t := NewTallies()
	t.hash = hash
	return t
}
