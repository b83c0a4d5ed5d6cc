package remote

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestObjectReadAt checks every ReadAt through the block cache against
// the bytes themselves, with reads from many goroutines at once, a cache
// smaller than the objects, and the count of range requests of a
// sequential read.
func TestObjectReadAt(t *testing.T) {
	const block = 1000
	rng := rand.New(rand.NewPCG(1, 2))
	contents := map[string][]byte{}
	for _, n := range []int{1, 999, 1000, 1001, 25_000, 38_417} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		contents[string(rune('a'+len(contents)))] = b
	}
	cache := newBlockCache(block, 7*block)
	open := func(name string) *object {
		data := contents[name]
		fetch := func(_ context.Context, p []byte, off int64) error {
			if off < 0 || off+int64(len(p)) > int64(len(data)) {
				t.Errorf("%s: fetch of %d bytes at %d, beyond %d bytes", name, len(p), off, len(data))
			}
			copy(p, data[off:])
			return nil
		}
		return &object{ctx: context.Background(), key: name, size: int64(len(data)), fetch: fetch, cache: cache}
	}
	var wg sync.WaitGroup
	for name, data := range contents {
		for g := range 4 {
			wg.Go(func() {
				o := open(name)
				r := rand.New(rand.NewPCG(uint64(len(data)), uint64(g)))
				for range 300 {
					off := r.Int64N(int64(len(data)) + 10)
					p := make([]byte, r.IntN(3*block))
					n, err := o.ReadAt(p, off)
					want := []byte{}
					if off < int64(len(data)) {
						want = data[off:min(int(off)+len(p), len(data))]
					}
					if n != len(want) || string(p[:n]) != string(want) {
						t.Errorf("%s: ReadAt(%d bytes, %d) = %d bytes, want %d (or the bytes differ)", name, len(p), off, n, len(want))
						return
					}
					if wantErr := n < len(p); wantErr != (err == io.EOF) || (err != nil && err != io.EOF) {
						t.Errorf("%s: ReadAt(%d bytes, %d) = %d, %v", name, len(p), off, n, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	if cache.used > cache.limit {
		t.Errorf("the cache holds %d bytes, over its limit %d", cache.used, cache.limit)
	}

	// A sequential read in pieces that do not align with the blocks makes
	// one request per block.
	fresh := newBlockCache(block, 100*block)
	data := contents["e"] // 25,000 bytes: 25 blocks
	o := &object{ctx: context.Background(), key: "e", size: int64(len(data)), cache: fresh,
		fetch: func(_ context.Context, p []byte, off int64) error { copy(p, data[off:]); return nil }}
	got, err := io.ReadAll(io.NewSectionReader(o, 0, o.size))
	if err != nil || string(got) != string(data) {
		t.Fatalf("sequential read: %d bytes, %v", len(got), err)
	}
	if fresh.requests != 25 {
		t.Errorf("a sequential read of 25 blocks made %d requests", fresh.requests)
	}

	// A failed request is an error, and is not kept: the next read asks
	// again.
	fails := 1
	errDown := errors.New("service unavailable")
	o = &object{ctx: context.Background(), key: "f", size: 5000, cache: fresh,
		fetch: func(_ context.Context, p []byte, off int64) error {
			if fails > 0 {
				fails--
				return errDown
			}
			copy(p, contents["f"][off:])
			return nil
		}}
	p := make([]byte, 10)
	if _, err := o.ReadAt(p, 2500); !errors.Is(err, errDown) {
		t.Errorf("ReadAt with a failing request = %v", err)
	}
	if n, err := o.ReadAt(p, 2500); n != 10 || err != nil || string(p) != string(contents["f"][2500:2510]) {
		t.Errorf("ReadAt after the failure = %d, %v", n, err)
	}
}
