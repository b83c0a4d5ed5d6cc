package wire

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrCorrupt is wrapped by every error about malformed or truncated input.
var ErrCorrupt = errors.New("corrupt encoding")

// ErrVersion is wrapped by the error about a format version this build
// does not read.
var ErrVersion = errors.New("unknown format version")

// Writer appends an encoding to a byte slice. A zero Writer is ready to
// use and writes no header: for a part of an encoding assembled apart.
type Writer struct {
	buf []byte
}

// NewWriter starts an encoding with its header: the format version and
// the tag naming what follows.
func NewWriter(tag string, version uint8) *Writer {
	w := &Writer{}
	w.Uint8(version)
	w.Str(tag)
	return w
}

// Bytes returns the encoding written so far.
func (w *Writer) Bytes() []byte { return w.buf }

// Uvarint writes an unsigned integer in 1 to 10 bytes.
func (w *Writer) Uvarint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }

// Varint writes a signed integer, zig-zag encoded in 1 to 10 bytes.
func (w *Writer) Varint(v int64) { w.buf = binary.AppendVarint(w.buf, v) }

// Int writes a non-negative int (a length, an index) as a uvarint.
// Negative values are a programming error and panic.
func (w *Writer) Int(v int) {
	if v < 0 {
		panic(fmt.Sprintf("wire: Int(%d) is negative", v))
	}
	w.Uvarint(uint64(v))
}

// Fixed64 writes 8 bytes, little endian: for hashes, which varints would
// lengthen.
func (w *Writer) Fixed64(v uint64) { w.buf = binary.LittleEndian.AppendUint64(w.buf, v) }

// Float64 writes the IEEE 754 bits of v, so the value reads back exactly.
func (w *Writer) Float64(v float64) { w.Fixed64(math.Float64bits(v)) }

// Uint8 writes one byte.
func (w *Writer) Uint8(v uint8) { w.buf = append(w.buf, v) }

// Bool writes one byte, 0 or 1.
func (w *Writer) Bool(v bool) {
	if v {
		w.Uint8(1)
	} else {
		w.Uint8(0)
	}
}

// Str writes a length-prefixed string.
func (w *Writer) Str(s string) {
	w.Int(len(s))
	w.buf = append(w.buf, s...)
}

// Blob writes a length-prefixed byte slice.
func (w *Writer) Blob(b []byte) {
	w.Int(len(b))
	w.buf = append(w.buf, b...)
}

// Reader reads an encoding written by a Writer. See the package doc for
// its error handling.
type Reader struct {
	buf []byte
	off int
	tag string
	err error
}

// NewReader reads the header of data and checks it: the tag must be tag
// and the version must be version. A mismatch is the reader's error.
func NewReader(data []byte, tag string, version uint8) *Reader {
	r := &Reader{buf: data, tag: tag}
	if len(data) == 0 {
		r.fail("empty input")
		return r
	}
	v := r.Uint8()
	if v != version {
		r.err = fmt.Errorf("wire: %s: %w %d (this build reads version %d)", tag, ErrVersion, v, version)
		return r
	}
	if got := r.Str(); r.err == nil && got != tag {
		r.fail(fmt.Sprintf("the data encodes %q, not %q", got, tag))
	}
	return r
}

// fail records the first error.
func (r *Reader) fail(msg string) {
	if r.err == nil {
		r.err = fmt.Errorf("wire: %s: %w: %s at byte %d", r.tag, ErrCorrupt, msg, r.off)
	}
}

// Fail makes msg the reader's error unless it already has one: for
// decoders that find a value out of range or inconsistent with the
// accumulator it is read into.
func (r *Reader) Fail(msg string) { r.fail(msg) }

// Err returns the first error, or nil.
func (r *Reader) Err() error { return r.err }

// Finish returns the first error, or an error if bytes are left over.
func (r *Reader) Finish() error {
	if r.err == nil && r.off != len(r.buf) {
		r.fail(fmt.Sprintf("%d bytes left over", len(r.buf)-r.off))
	}
	return r.err
}

// Remaining returns how many bytes are left to read.
func (r *Reader) Remaining() int { return len(r.buf) - r.off }

// Uvarint reads an unsigned integer.
func (r *Reader) Uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf[r.off:])
	if n <= 0 {
		r.fail("bad uvarint")
		return 0
	}
	r.off += n
	return v
}

// Varint reads a signed integer.
func (r *Reader) Varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.buf[r.off:])
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.off += n
	return v
}

// Int reads a non-negative int written by Writer.Int.
func (r *Reader) Int() int {
	v := r.Uvarint()
	if v > math.MaxInt {
		r.fail(fmt.Sprintf("integer %d out of range", v))
		return 0
	}
	return int(v)
}

// Below reads an Int and fails unless it is below limit: for indexes into
// something the decoder already has.
func (r *Reader) Below(limit int) int {
	v := r.Int()
	if r.err == nil && v >= limit {
		r.fail(fmt.Sprintf("index %d is not below %d", v, limit))
		return 0
	}
	return v
}

// Count reads the number of elements that follow, each of which takes at
// least minSize bytes, and fails if the input is too short to hold them.
func (r *Reader) Count(minSize int) int {
	n := r.Int()
	if r.err == nil && n > r.Remaining()/max(minSize, 1) {
		r.fail(fmt.Sprintf("count %d exceeds the %d bytes left", n, r.Remaining()))
		return 0
	}
	return n
}

// Fixed64 reads 8 bytes, little endian.
func (r *Reader) Fixed64() uint64 {
	if r.err != nil {
		return 0
	}
	if r.Remaining() < 8 {
		r.fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint64(r.buf[r.off:])
	r.off += 8
	return v
}

// Float64 reads a float64 written by Writer.Float64.
func (r *Reader) Float64() float64 { return math.Float64frombits(r.Fixed64()) }

// Uint8 reads one byte.
func (r *Reader) Uint8() uint8 {
	if r.err != nil {
		return 0
	}
	if r.Remaining() < 1 {
		r.fail("truncated")
		return 0
	}
	v := r.buf[r.off]
	r.off++
	return v
}

// Uint8Below reads one byte and fails unless it is below limit.
func (r *Reader) Uint8Below(limit int) uint8 {
	v := r.Uint8()
	if r.err == nil && int(v) >= limit {
		r.fail(fmt.Sprintf("byte %d is not below %d", v, limit))
		return 0
	}
	return v
}

// Bool reads a byte that must be 0 or 1.
func (r *Reader) Bool() bool {
	v := r.Uint8()
	if v > 1 {
		r.fail(fmt.Sprintf("bool byte %d", v))
		return false
	}
	return v == 1
}

// Blob reads a length-prefixed byte slice. The result aliases the input:
// copy it to keep it beyond the input's life.
func (r *Reader) Blob() []byte {
	n := r.Count(1)
	if r.err != nil {
		return nil
	}
	b := r.buf[r.off : r.off+n : r.off+n]
	r.off += n
	return b
}

// Str reads a length-prefixed string (a copy).
func (r *Reader) Str() string { return string(r.Blob()) }

// SortedKeys returns the keys of m in ascending order.
func SortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SortedKeysFunc returns the keys of m ordered by compare, which must be a
// total order on them (so that the encoding is deterministic).
func SortedKeysFunc[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compare)
	return keys
}
