package remote

import "testing"

// SmallBlocks makes Register use a block cache of 64 KiB blocks, 512 KiB
// in all, until the test ends: the fixture's files then span many blocks,
// more than the cache keeps.
func SmallBlocks(t *testing.T) {
	old := shared
	shared = newBlockCache(64<<10, 512<<10)
	t.Cleanup(func() { shared = old })
}

// Requests is the number of range requests made through Register's cache.
func Requests() int64 {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	return shared.requests
}
