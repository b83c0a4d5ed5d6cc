package norm

import (
	"encoding/binary"
	"fmt"

	"github.com/zeebo/xxh3"
)

// Key is the 128-bit hash identifying a row (its normalized text, or the
// tuple of its normalized feature values). With n distinct keys the chance
// that any two collide is below n²/2¹²⁹: about 1.5e-25 for 10 million keys.
type Key struct{ Hi, Lo uint64 }

// String formats the key as 32 hex digits.
func (k Key) String() string { return fmt.Sprintf("%016x%016x", k.Hi, k.Lo) }

// TextKey is the key of a row whose text column holds s (already normalized).
func TextKey(s string) Key {
	h := xxh3.HashString128(s)
	return Key{h.Hi, h.Lo}
}

// BytesKey is TextKey for a normalized text held in a byte slice.
func BytesKey(b []byte) Key {
	h := xxh3.Hash128(b)
	return Key{h.Hi, h.Lo}
}

// TupleHasher builds the key of a tuple of normalized values. Each value is
// written with its length, so ("ab","c") and ("a","bc") differ, and a null
// is a marker distinct from every string, the empty one included. The zero
// value is usable after Reset; call Reset before each tuple.
type TupleHasher struct {
	h   xxh3.Hasher
	buf [9]byte
}

// Reset starts a new tuple.
func (t *TupleHasher) Reset() { t.h.Reset() }

// Null appends a null value.
func (t *TupleHasher) Null() {
	t.buf[0] = 0
	_, _ = t.h.Write(t.buf[:1])
}

// Value appends the normalized value s.
func (t *TupleHasher) Value(s string) { t.Bytes([]byte(s)) }

// Bytes appends the normalized value b.
func (t *TupleHasher) Bytes(b []byte) {
	t.buf[0] = 1
	binary.LittleEndian.PutUint64(t.buf[1:], uint64(len(b)))
	_, _ = t.h.Write(t.buf[:9])
	_, _ = t.h.Write(b)
}

// Sum returns the key of the tuple written since the last Reset.
func (t *TupleHasher) Sum() Key {
	h := t.h.Sum128()
	return Key{h.Hi, h.Lo}
}

// Hash64 is a 64-bit hash of s, used to identify small sets of strings
// (classes, split names) cheaply; callers keep the strings alongside.
func Hash64(s string) uint64 { return xxh3.HashString(s) }
