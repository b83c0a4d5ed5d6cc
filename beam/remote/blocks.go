package remote

import (
	"container/list"
	"context"
	"fmt"
	"io"
	"sync"
)

// Defaults of the read cache.
const (
	// BlockSize is the size of one range request (the last block of an
	// object is shorter).
	BlockSize = 4 << 20
	// CacheBytes bounds the blocks kept by a process, over every open
	// object.
	CacheBytes = 256 << 20
)

// fetchFunc reads n bytes of an object at off into p (len(p) == n): one
// range request.
type fetchFunc func(ctx context.Context, p []byte, off int64) error

// object is an open object: its reads go through a cache of blocks.
type object struct {
	// ctx is the context of the Open call without its cancellation: the
	// source package keeps a file open across the calls that read it.
	ctx   context.Context
	key   string // the object's URL and generation: the cache key
	size  int64
	fetch fetchFunc
	cache *blockCache
}

// ReadAt reads len(p) bytes at off, block by block, from the cache or
// with a range request per missing block. It returns io.EOF when the read
// reaches the end of the object.
func (o *object) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("%s: read at negative offset %d", o.key, off)
	}
	n := 0
	for n < len(p) && off < o.size {
		b := off / o.cache.blockSize
		data, err := o.cache.get(o.ctx, o.key, b, o.block)
		if err != nil {
			return n, err
		}
		c := copy(p[n:], data[off-b*o.cache.blockSize:])
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// block reads block b of the object.
func (o *object) block(ctx context.Context, b int64) ([]byte, error) {
	off := b * o.cache.blockSize
	data := make([]byte, min(o.cache.blockSize, o.size-off))
	if err := o.fetch(ctx, data, off); err != nil {
		return nil, err
	}
	return data, nil
}

// Close drops nothing: the blocks age out of the shared cache.
func (o *object) Close() error { return nil }

// blockCache keeps the most recently used blocks of any objects, up to
// limit bytes; concurrent reads of one missing block make one request.
type blockCache struct {
	blockSize int64
	limit     int64

	mu      sync.Mutex
	used    int64
	order   *list.List // of *cached, most recent first
	entries map[blockKey]*list.Element
	// Requests counts range requests (for tests).
	requests int64
}

type blockKey struct {
	object string
	block  int64
}

type cached struct {
	key  blockKey
	data []byte
	done chan struct{} // closed when data or err is set
	err  error
}

func newBlockCache(blockSize, limit int64) *blockCache {
	return &blockCache{blockSize: blockSize, limit: limit, order: list.New(), entries: map[blockKey]*list.Element{}}
}

// get returns block b of object, read by read when not cached.
func (c *blockCache) get(ctx context.Context, object string, b int64, read func(context.Context, int64) ([]byte, error)) ([]byte, error) {
	k := blockKey{object, b}
	c.mu.Lock()
	if e, ok := c.entries[k]; ok {
		c.order.MoveToFront(e)
		ce := e.Value.(*cached)
		c.mu.Unlock()
		<-ce.done
		return ce.data, ce.err
	}
	ce := &cached{key: k, done: make(chan struct{})}
	c.entries[k] = c.order.PushFront(ce)
	c.requests++
	c.mu.Unlock()

	ce.data, ce.err = read(ctx, b)
	close(ce.done)

	c.mu.Lock()
	defer c.mu.Unlock()
	if ce.err != nil {
		// Not kept: the next read tries again.
		if e, ok := c.entries[k]; ok && e.Value == ce {
			c.order.Remove(e)
			delete(c.entries, k)
		}
		return nil, ce.err
	}
	c.used += int64(len(ce.data))
	for c.used > c.limit && c.order.Len() > 1 {
		e := c.order.Back()
		old := e.Value.(*cached)
		select {
		case <-old.done:
		default:
			// Still being read: the oldest finished block goes first.
			c.order.MoveToFront(e)
			continue
		}
		c.order.Remove(e)
		delete(c.entries, old.key)
		c.used -= int64(len(old.data))
	}
	return ce.data, nil
}
