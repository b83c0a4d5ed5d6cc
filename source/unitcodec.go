package source

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Unit encodings: a kind byte, then the unit's fields.
const (
	unitCSV     byte = 'c'
	unitParquet byte = 'p'
)

// ErrBadUnit is wrapped by UnmarshalUnit's errors: the encoding is damaged,
// or was made for another file.
var ErrBadUnit = errors.New("bad unit encoding")

// MarshalUnit encodes a unit emitted by File.Units, so that another
// process that opened the same file with the same Options can decode it
// with UnmarshalUnit. A CSV unit carries its records' bytes (about
// Options.ChunkBytes): where a CSV unit starts can only be known by reading
// the file from its beginning, quoting and all. A Parquet unit carries its
// row group's index and its rows only: the process that decodes it reads
// them from the file.
func MarshalUnit(u Unit) ([]byte, error) {
	switch u := u.(type) {
	case *csvUnit:
		ch := u.chunk
		buf := []byte{unitCSV}
		buf = binary.AppendVarint(buf, u.bytes)
		buf = binary.AppendVarint(buf, ch.line)
		buf = binary.AppendVarint(buf, ch.quotedNewline)
		for _, list := range [][]Rejected{ch.head, ch.tail} {
			buf = binary.AppendUvarint(buf, uint64(len(list)))
			for _, r := range list {
				buf = binary.AppendVarint(buf, r.Line)
				buf = appendBytes(buf, []byte(r.Kind))
				buf = appendBytes(buf, []byte(r.Column))
				buf = appendBytes(buf, []byte(r.Message))
			}
		}
		return appendBytes(buf, ch.data), nil
	case *parquetUnit:
		buf := []byte{unitParquet}
		for _, v := range []int64{u.bytes, int64(u.group), u.first, u.start, u.count} {
			buf = binary.AppendVarint(buf, v)
		}
		return buf, nil
	}
	return nil, fmt.Errorf("%w: %T is not a unit of this package", ErrBadUnit, u)
}

// UnmarshalUnit decodes a unit that MarshalUnit encoded for f (opened from
// the same path with the same Options). Damaged data, or data of another
// format, gives an *Error wrapping ErrBadUnit.
func UnmarshalUnit(f File, data []byte) (Unit, error) {
	r := &unitReader{buf: data}
	bad := func(msg string) error {
		return &Error{File: f.Path(), Err: fmt.Errorf("%w: %s", ErrBadUnit, msg)}
	}
	kind := r.byte()
	switch f := f.(type) {
	case *csvFile:
		if kind != unitCSV {
			return nil, bad("not a CSV unit")
		}
		ch := &chunk{}
		u := &csvUnit{layout: f.layout, chunk: ch}
		u.bytes = r.varint()
		ch.line = r.varint()
		ch.quotedNewline = r.varint()
		for _, list := range []*[]Rejected{&ch.head, &ch.tail} {
			n := r.uvarint()
			if n > uint64(len(data)) {
				return nil, bad("rejected row count out of range")
			}
			for range n {
				rej := Rejected{Line: r.varint(), Kind: string(r.bytes()), Column: string(r.bytes()), Message: string(r.bytes())}
				if r.err {
					break
				}
				*list = append(*list, rej)
			}
		}
		ch.data = r.bytes()
		if r.err || r.off != len(data) {
			return nil, bad("truncated or trailing bytes")
		}
		return u, nil
	case *parquetFile:
		if kind != unitParquet {
			return nil, bad("not a Parquet unit")
		}
		size, group, first, start, count := r.varint(), r.varint(), r.varint(), r.varint(), r.varint()
		if r.err || r.off != len(data) {
			return nil, bad("truncated or trailing bytes")
		}
		groups := f.pf.RowGroups()
		if group < 0 || group >= int64(len(groups)) {
			return nil, bad(fmt.Sprintf("row group %d of %d", group, len(groups)))
		}
		rg := groups[group]
		if start < 0 || count < 0 || start+count > rg.NumRows() || first < 1 {
			return nil, bad(fmt.Sprintf("rows %d+%d of a row group of %d", start, count, rg.NumRows()))
		}
		return &parquetUnit{file: f, rg: rg, group: int(group), first: first, start: start, count: count, bytes: size}, nil
	}
	return nil, bad(fmt.Sprintf("%T is not a file of this package", f))
}

func appendBytes(buf, b []byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(b)))
	return append(buf, b...)
}

// unitReader reads a unit encoding; err is set at the first short read.
type unitReader struct {
	buf []byte
	off int
	err bool
}

func (r *unitReader) byte() byte {
	if r.err || r.off >= len(r.buf) {
		r.err = true
		return 0
	}
	r.off++
	return r.buf[r.off-1]
}

func (r *unitReader) varint() int64 {
	v, n := binary.Varint(r.buf[min(r.off, len(r.buf)):])
	if r.err || n <= 0 {
		r.err = true
		return 0
	}
	r.off += n
	return v
}

func (r *unitReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.buf[min(r.off, len(r.buf)):])
	if r.err || n <= 0 {
		r.err = true
		return 0
	}
	r.off += n
	return v
}

// bytes returns a length-prefixed byte string, sharing r's buffer.
func (r *unitReader) bytes() []byte {
	n := r.uvarint()
	if r.err || n > uint64(len(r.buf)-r.off) {
		r.err = true
		return nil
	}
	b := r.buf[r.off : r.off+int(n)]
	r.off += int(n)
	return b
}
