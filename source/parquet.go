package source

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// parquetMagic starts and ends every Parquet file.
const parquetMagic = "PAR1"

// timestampType is the Arrow type of Parquet timestamp columns.
var timestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// conversion says how a Parquet column becomes an Arrow column.
type conversion uint8

const (
	convString    conversion = iota // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY: the bytes as text
	convInt                         // INT32, INT64 (signed, or unsigned up to 32 bits): int64
	convUint32                      // INT32 holding an unsigned 32-bit integer: int64
	convFloat                       // FLOAT, DOUBLE: float64
	convFloat16                     // FIXED_LEN_BYTE_ARRAY(2) FLOAT16: float64
	convBool                        // BOOLEAN: bool
	convTimestamp                   // INT64 TIMESTAMP(unit): timestamp[us, UTC]
	convDate                        // INT32 DATE: date32
	convText                        // anything else: a readable string, see textFormat
)

// parquetColumn is one top-level leaf column of a Parquet file.
type parquetColumn struct {
	name     string
	leaf     int // index among the file's leaf columns
	kind     parquet.Kind
	optional bool
	conv     conversion
	arrow    arrow.DataType
	typ      string // Column.Type
	// timestamps: value * mul / div gives microseconds
	mul, div int64
	// convText: how a value is written
	format func(parquet.Value) string
}

// parquetFile is an opened Parquet file.
type parquetFile struct {
	path    string
	size    int64
	f       ReadAtCloser
	pf      *parquet.File
	opts    Options
	cols    []*parquetColumn
	columns []Column
	schema  *arrow.Schema
	sha     string
}

var _ File = (*parquetFile)(nil)

// openParquet checks the magic bytes, reads the footer and maps the schema.
func openParquet(ctx context.Context, path string, size int64, opts Options) (File, error) {
	osf, err := openAt(ctx, path)
	if err != nil {
		return nil, err
	}
	f := &parquetFile{path: path, size: size, f: osf, opts: opts}
	if err := f.open(); err != nil {
		osf.Close()
		return nil, err
	}
	return f, nil
}

func (f *parquetFile) open() error {
	if f.size < 2*int64(len(parquetMagic)) {
		return &Error{File: f.path, Err: ErrNotParquet}
	}
	var head, tail [len(parquetMagic)]byte
	if _, err := f.f.ReadAt(head[:], 0); err != nil {
		return osError(f.path, err)
	}
	if _, err := f.f.ReadAt(tail[:], f.size-int64(len(tail))); err != nil {
		return osError(f.path, err)
	}
	if string(head[:]) != parquetMagic || string(tail[:]) != parquetMagic {
		return &Error{File: f.path, Err: ErrNotParquet}
	}
	pf, err := openParquetFile(f.f, f.size)
	if err != nil {
		return &Error{File: f.path, Err: fmt.Errorf("read footer: %w", err)}
	}
	f.pf = pf
	if pf.NumRows() == 0 {
		return &Error{File: f.path, Err: ErrNoRows}
	}
	fields := make([]arrow.Field, 0, len(pf.Root().Columns()))
	for _, col := range pf.Root().Columns() {
		if !col.Leaf() || col.Repeated() {
			return &Error{File: f.path, Column: col.Name(), Err: ErrNested}
		}
		c := newParquetColumn(col)
		f.cols = append(f.cols, c)
		f.columns = append(f.columns, Column{Name: c.name, Type: c.typ})
		fields = append(fields, arrow.Field{Name: c.name, Type: c.arrow, Nullable: c.optional})
	}
	f.schema = arrow.NewSchema(fields, nil)
	return nil
}

// openParquetFile opens the footer. parquet-go panics on some malformed
// schemas (a DECIMAL without a length, ...): those become errors.
func openParquetFile(r io.ReaderAt, size int64) (pf *parquet.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			pf, err = nil, fmt.Errorf("malformed file: %v", p)
		}
	}()
	return parquet.OpenFile(r, size,
		parquet.SkipPageIndex(true),
		parquet.SkipBloomFilters(true),
		parquet.ReadBufferSize(256<<10),
	)
}

// newParquetColumn maps a leaf column's type to an Arrow type.
//
// Strings, enums, JSON and unannotated byte arrays keep their bytes as text.
// Integers become int64 (an unsigned 64-bit integer, which may not fit,
// becomes its decimal text); FLOAT, DOUBLE and FLOAT16 become float64;
// timestamps become microseconds since the epoch in UTC (a timestamp not
// adjusted to UTC is read as UTC wall time); DATE becomes date32. Anything
// else becomes a readable string: a DECIMAL its decimal text ("-12.30"), an
// INT96 the timestamp it holds in RFC 3339 ("2024-05-01T12:00:00.5Z"), a
// TIME "15:04:05.000001", a UUID its canonical form, an INTERVAL
// "P1M2DT0.003S", BSON and geometries their bytes in hex.
func newParquetColumn(col *parquet.Column) *parquetColumn {
	t := col.Type()
	c := &parquetColumn{
		name:     col.Name(),
		leaf:     col.Index(),
		kind:     t.Kind(),
		optional: col.Optional(),
	}
	text := func(format func(parquet.Value) string) {
		c.conv, c.format = convText, format
	}
	var logical format.LogicalTypeValue
	if lt := t.LogicalType(); lt != nil {
		logical = lt.Value
	}
	switch lt := logical.(type) {
	case *format.TimestampType:
		c.conv, c.mul, c.div = convTimestamp, 1, 1
		switch lt.Unit.Value.(type) {
		case *format.MilliSeconds:
			c.mul = 1000
		case *format.NanoSeconds:
			c.div = 1000
		}
	case *format.DateType:
		c.conv = convDate
	case *format.IntType:
		switch {
		case lt.IsSigned || lt.BitWidth < 32:
			c.conv = convInt
		case c.kind == parquet.Int32:
			c.conv = convUint32
		default:
			text(func(v parquet.Value) string { return strconv.FormatUint(v.Uint64(), 10) })
		}
	case *format.DecimalType:
		scale := int(lt.Scale)
		text(func(v parquet.Value) string { return formatDecimal(v, scale) })
	case *format.TimeType:
		var unit time.Duration
		switch lt.Unit.Value.(type) {
		case *format.MilliSeconds:
			unit = time.Millisecond
		case *format.MicroSeconds:
			unit = time.Microsecond
		default:
			unit = time.Nanosecond
		}
		text(func(v parquet.Value) string {
			d := time.Duration(v.Int64()) * unit
			if c.kind == parquet.Int32 {
				d = time.Duration(v.Int32()) * unit
			}
			return time.Unix(0, 0).UTC().Add(d).Format("15:04:05.999999999")
		})
	case *format.UUIDType:
		text(formatUUID)
	case *format.Float16Type:
		c.conv = convFloat16
	case *format.BsonType, *format.GeometryType, *format.GeographyType:
		text(func(v parquet.Value) string { return hex.EncodeToString(v.ByteArray()) })
	case nil:
		if ct := t.ConvertedType(); ct != nil && *ct == deprecated.Interval {
			text(formatInterval)
			break
		}
		switch c.kind {
		case parquet.Boolean:
			c.conv = convBool
		case parquet.Int32, parquet.Int64:
			c.conv = convInt
		case parquet.Float, parquet.Double:
			c.conv = convFloat
		case parquet.ByteArray, parquet.FixedLenByteArray:
			c.conv = convString
		case parquet.Int96:
			text(formatInt96)
		default:
			text(parquet.Value.String)
		}
	default: // STRING, ENUM, JSON, or an annotation this package does not know
		if c.kind == parquet.ByteArray || c.kind == parquet.FixedLenByteArray {
			c.conv = convString
		} else {
			text(parquet.Value.String)
		}
	}
	switch c.conv {
	case convString, convText:
		c.arrow, c.typ = arrow.BinaryTypes.String, TypeString
	case convInt, convUint32:
		c.arrow, c.typ = arrow.PrimitiveTypes.Int64, TypeInteger
	case convFloat, convFloat16:
		c.arrow, c.typ = arrow.PrimitiveTypes.Float64, TypeFloat
	case convBool:
		c.arrow, c.typ = arrow.FixedWidthTypes.Boolean, TypeBoolean
	case convTimestamp:
		c.arrow, c.typ = timestampType, TypeTimestamp
	case convDate:
		c.arrow, c.typ = arrow.FixedWidthTypes.Date32, TypeDate
	}
	return c
}

// Path returns the path as given to Open.
func (f *parquetFile) Path() string { return f.path }

// Format returns Parquet.
func (f *parquetFile) Format() Format { return Parquet }

// Size returns the file size in bytes.
func (f *parquetFile) Size() int64 { return f.size }

// Columns lists the top-level columns with the types they are read as.
func (f *parquetFile) Columns() []Column { return f.columns }

// Problems returns nil: opening a Parquet file finds no damage worth going on with.
func (f *parquetFile) Problems() []Problem { return nil }

// SHA256 returns the digest computed by the last complete Units call.
func (f *parquetFile) SHA256() string { return f.sha }

// Close closes the file.
func (f *parquetFile) Close() error { return f.f.Close() }

// Units emits one unit per row group while another goroutine hashes the
// file; it returns when both are done.
func (f *parquetFile) Units(ctx context.Context, emit func(Unit) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h := sha256.New()
	hashed := make(chan error, 1)
	go func() { hashed <- hashFile(ctx, io.NewSectionReader(f.f, 0, f.size), h) }()

	err := f.emitUnits(ctx, emit)
	if err != nil {
		cancel()
	}
	herr := <-hashed
	if err != nil {
		return err
	}
	if herr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return osError(f.path, herr)
	}
	f.sha = hex.EncodeToString(h.Sum(nil))
	return nil
}

func (f *parquetFile) emitUnits(ctx context.Context, emit func(Unit) error) error {
	md := f.pf.Metadata()
	first := int64(1)
	for i, rg := range f.pf.RowGroups() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var size int64
		if i < len(md.RowGroups) {
			size = md.RowGroups[i].TotalCompressedSize
			if size == 0 {
				for _, cc := range md.RowGroups[i].Columns {
					size += cc.MetaData.TotalCompressedSize
				}
			}
		}
		// A large row group whose pages can seek is cut into units of
		// UnitRows rows, so that several workers decode it; otherwise
		// reaching a row in its middle would mean decoding every page
		// before it, and it is one unit.
		rows := rg.NumRows()
		step := rows
		if unit := int64(f.opts.UnitRows); rows > unit && f.seekable(rg) {
			step = unit
		}
		for start := int64(0); ; start += step {
			count := min(step, rows-start)
			u := &parquetUnit{file: f, rg: rg, group: i, first: first + start, start: start, count: count, bytes: size}
			if step < rows { // shares that add up to size
				u.bytes = size*(start+count)/rows - size*start/rows
			}
			if err := emit(u); err != nil {
				return err
			}
			if start+step >= rows {
				break
			}
		}
		first += rows
	}
	return nil
}

// seekable reports whether every column chunk of rg that is read has an
// offset index, so that its pages can seek to a row.
func (f *parquetFile) seekable(rg parquet.RowGroup) bool {
	chunks := rg.ColumnChunks()
	for _, c := range f.cols {
		if c.leaf >= len(chunks) {
			return false
		}
		idx, err := chunks[c.leaf].OffsetIndex()
		if err != nil || idx == nil || idx.NumPages() == 0 {
			return false
		}
	}
	return true
}

// hashFile writes r to h, checking ctx between blocks.
func hashFile(ctx context.Context, r io.Reader, h hash.Hash) error {
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// parquetUnit is one row group, or rows [start, start+count) of one.
type parquetUnit struct {
	file         *parquetFile
	rg           parquet.RowGroup
	group        int   // index of rg in the file
	first        int64 // 1-based number of the unit's first row in the file
	start, count int64 // rows of the row group, from its first (0)
	bytes        int64
}

// Bytes returns the unit's share of the row group's compressed size.
func (u *parquetUnit) Bytes() int64 { return u.bytes }

// Decode reads the unit's rows column by column, page by page (seeking
// to its first row through the offset index when it starts inside the row
// group), and emits batches of at most BatchRows rows. Each call opens its
// own page readers on the shared file (its ReadAt is safe for concurrent
// use), so units may be decoded concurrently.
func (u *parquetUnit) Decode(mem memory.Allocator, fn func(*Batch) error) error {
	f := u.file
	chunks := u.rg.ColumnChunks()
	readers := make([]*columnReader, 0, len(f.cols))
	defer func() {
		for _, r := range readers {
			r.close()
		}
	}()
	for _, c := range f.cols {
		if c.leaf >= len(chunks) {
			return &Error{File: f.path, Column: c.name, Err: errors.New("row group lacks the column")}
		}
		pages := chunks[c.leaf].Pages()
		r := newColumnReader(mem, c, pages)
		readers = append(readers, r)
		if u.start > 0 {
			if err := pages.SeekToRow(u.start); err != nil {
				return &Error{File: f.path, Line: u.first, Column: c.name, Err: fmt.Errorf("seek to row %d of the row group: %w", u.start, err)}
			}
		}
	}
	total := u.count
	for done := int64(0); done < total; {
		n := int(min(int64(f.opts.BatchRows), total-done))
		for _, r := range readers {
			if err := r.read(n); err != nil {
				return &Error{File: f.path, Line: u.first + done, Column: r.col.name, Err: err}
			}
		}
		lines := make([]int64, n)
		for j := range lines {
			lines[j] = u.first + done + int64(j)
		}
		if err := emitRecord(f.schema, readers, n, lines, fn); err != nil {
			return err
		}
		done += int64(n)
	}
	return nil
}

// emitRecord turns the batch into a record, calls fn and releases it.
func emitRecord(schema *arrow.Schema, readers []*columnReader, n int, lines []int64, fn func(*Batch) error) error {
	arrs := make([]arrow.Array, len(readers))
	for i, r := range readers {
		arrs[i] = r.out.newArray()
	}
	rec := array.NewRecordBatch(schema, arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	defer rec.Release()
	return fn(&Batch{Record: rec, Lines: lines})
}

// columnReader reads the pages of one column chunk in order and appends
// their values to a batch.
type columnReader struct {
	col   *parquetColumn
	pages parquet.Pages
	page  parquet.Page
	out   pageValues
	n     int    // rows in the page
	row   int    // next row of the page
	val   int    // next non-null value of the page
	valid []bool // per row of the page; nil when the page has no nulls
}

// pageValues holds the non-null values of the current page of a column,
// converted to the Go type of its Arrow builder, and appends them.
type pageValues interface {
	// load converts the page's non-null values and returns how many there are.
	load(p parquet.Page, rows int) (int, error)
	// append appends rows row..row+k (valid tells nulls) whose non-null
	// values start at val, and returns the next val.
	append(valid []bool, row, val, k int) int
	reserve(n int)
	// overflow reports a string column holding more text than an Arrow
	// string array can.
	overflow() bool
	newArray() arrow.Array
	release()
}

func newColumnReader(mem memory.Allocator, c *parquetColumn, pages parquet.Pages) *columnReader {
	r := &columnReader{col: c, pages: pages}
	switch c.conv {
	case convInt:
		r.out = newValues(array.NewInt64Builder(mem), convertInts(c.kind, func(v int64) int64 { return v }))
	case convUint32:
		r.out = newValues(array.NewInt64Builder(mem), convertInts(c.kind, func(v int64) int64 { return int64(uint32(v)) }))
	case convTimestamp:
		mul, div := c.mul, c.div
		r.out = newValues(array.NewTimestampBuilder(mem, timestampType),
			convertInts(c.kind, func(v int64) arrow.Timestamp { return arrow.Timestamp(floorDiv(v*mul, div)) }))
	case convDate:
		r.out = newValues(array.NewDate32Builder(mem), convertInts(c.kind, func(v int64) arrow.Date32 { return arrow.Date32(v) }))
	case convFloat:
		r.out = newValues(array.NewFloat64Builder(mem), convertFloats(c.kind))
	case convString:
		t := newTextColumn()
		r.out = &values[[]byte]{out: textBytes{t}, convert: convertBytes(c.kind),
			finish: func() arrow.Array { return t.newArray(mem) }, rel: t.release, text: t}
	case convBool:
		r.out = newValues(array.NewBooleanBuilder(mem), nil)
		r.out.(*values[bool]).value = parquet.Value.Boolean
	case convFloat16:
		r.out = newValues(array.NewFloat64Builder(mem), nil)
		r.out.(*values[float64]).value = func(v parquet.Value) float64 { return float16(v.ByteArray()) }
	default: // convText
		t := newTextColumn()
		r.out = &values[string]{out: textStrings{t}, value: c.format,
			finish: func() arrow.Array { return t.newArray(mem) }, rel: t.release, text: t}
	}
	return r
}

func (r *columnReader) close() {
	if r.page != nil {
		parquet.Release(r.page)
		r.page = nil
	}
	r.pages.Close()
	r.out.release()
}

// read appends the next n rows to the batch.
func (r *columnReader) read(n int) error {
	r.out.reserve(n)
	for n > 0 {
		if r.page == nil || r.row == r.n {
			if err := r.nextPage(); err != nil {
				if err == io.EOF {
					return fmt.Errorf("column chunk ends %d rows early", n)
				}
				return err
			}
			continue
		}
		k := min(n, r.n-r.row)
		r.val = r.out.append(r.valid, r.row, r.val, k)
		r.row += k
		n -= k
	}
	if r.out.overflow() {
		return errors.New("a batch of this column holds more than 2 GiB of text; lower Options.BatchRows")
	}
	return nil
}

// nextPage reads the next page and decodes its non-null values.
func (r *columnReader) nextPage() error {
	if r.page != nil {
		parquet.Release(r.page)
		r.page = nil
	}
	p, err := r.pages.ReadPage()
	if err != nil {
		return err
	}
	r.page = p
	r.n, r.row, r.val = int(p.NumRows()), 0, 0
	nonNull := r.n
	r.valid = r.valid[:0]
	if r.col.optional && p.NumNulls() > 0 {
		defs := p.DefinitionLevels()
		if len(defs) != r.n {
			return fmt.Errorf("page has %d definition levels for %d rows", len(defs), r.n)
		}
		nonNull = 0
		for _, d := range defs {
			r.valid = append(r.valid, d > 0)
			if d > 0 {
				nonNull++
			}
		}
	} else {
		r.valid = nil
	}
	got, err := r.out.load(p, r.n)
	if err != nil {
		return err
	}
	if got != nonNull {
		return fmt.Errorf("page has %d values for %d non-null rows", got, nonNull)
	}
	return nil
}

// builder is the part of a typed Arrow builder that values needs.
type builder[T any] interface {
	Append(T)
	AppendNull()
	AppendValues([]T, []bool)
}

// values is the pageValues of one Go type. Plain and dictionary-encoded
// pages of the common types are read in bulk from the page buffers
// (Page.Data) by convert; a dictionary is converted once and its pages
// keep their indexes. The other types (booleans, FLOAT16, the text
// renderings) go through parquet.Value and value.
type values[T any] struct {
	out     builder[T]
	convert func(dst []T, data *encoding.Values) ([]T, error)
	value   func(parquet.Value) T
	finish  func() arrow.Array
	rel     func()
	resv    func(int)
	text    *textColumn // the output of a string column

	vals   []T // the non-null values of a plain page
	dict   []T // the converted dictionary
	dictOf parquet.Dictionary
	idx    []int32         // a dictionary page's indexes, one per non-null value
	buf    []parquet.Value // scratch for the generic path
}

// arrowBuilder is what newValues needs of an Arrow builder.
type arrowBuilder[T any] interface {
	builder[T]
	array.Builder
}

func newValues[T any](b arrowBuilder[T], convert func([]T, *encoding.Values) ([]T, error)) *values[T] {
	return &values[T]{out: b, convert: convert, finish: b.NewArray, rel: b.Release, resv: b.Reserve}
}

func (v *values[T]) load(p parquet.Page, rows int) (int, error) {
	v.vals, v.idx = v.vals[:0], nil
	if v.convert == nil {
		return v.loadValues(p, rows)
	}
	data := p.Data()
	d := p.Dictionary()
	if d == nil {
		var err error
		v.vals, err = v.convert(v.vals, &data)
		return len(v.vals), err
	}
	if d != v.dictOf {
		dd := d.Page().Data()
		dict, err := v.convert(v.dict[:0], &dd)
		if err != nil {
			return 0, err
		}
		v.dict, v.dictOf = dict, d
	}
	v.idx = data.Int32()
	for _, i := range v.idx {
		if uint32(i) >= uint32(len(v.dict)) {
			return 0, fmt.Errorf("dictionary index %d out of range (%d values)", i, len(v.dict))
		}
	}
	return len(v.idx), nil
}

// loadValues reads the page through parquet.Value.
func (v *values[T]) loadValues(p parquet.Page, rows int) (int, error) {
	if cap(v.buf) < rows {
		v.buf = make([]parquet.Value, rows)
	}
	buf := v.buf[:rows]
	vr := p.Values()
	got := 0
	for got < rows {
		k, err := vr.ReadValues(buf[got:])
		got += k
		if err == io.EOF || (err == nil && k == 0) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	for _, x := range buf[:got] {
		if !x.IsNull() {
			v.vals = append(v.vals, v.value(x))
		}
	}
	return len(v.vals), nil
}

func (v *values[T]) append(valid []bool, row, val, k int) int {
	if v.idx == nil {
		if valid == nil {
			v.out.AppendValues(v.vals[val:val+k], nil)
			return val + k
		}
		for _, ok := range valid[row : row+k] {
			if ok {
				v.out.Append(v.vals[val])
				val++
			} else {
				v.out.AppendNull()
			}
		}
		return val
	}
	for j := row; j < row+k; j++ {
		if valid != nil && !valid[j] {
			v.out.AppendNull()
			continue
		}
		v.out.Append(v.dict[v.idx[val]])
		val++
	}
	return val
}

func (v *values[T]) reserve(n int) {
	if v.resv != nil {
		v.resv(n)
	}
}

func (v *values[T]) overflow() bool { return v.text != nil && v.text.overflow }

func (v *values[T]) newArray() arrow.Array { return v.finish() }

func (v *values[T]) release() {
	if v.rel != nil {
		v.rel()
	}
}

// convertInts converts INT32 or INT64 page data with f.
func convertInts[T any](kind parquet.Kind, f func(int64) T) func([]T, *encoding.Values) ([]T, error) {
	return func(dst []T, data *encoding.Values) ([]T, error) {
		if kind == parquet.Int32 {
			src := data.Int32()
			dst = slices.Grow(dst, len(src))
			for _, x := range src {
				dst = append(dst, f(int64(x)))
			}
			return dst, nil
		}
		src := data.Int64()
		dst = slices.Grow(dst, len(src))
		for _, x := range src {
			dst = append(dst, f(x))
		}
		return dst, nil
	}
}

// convertFloats converts FLOAT or DOUBLE page data to float64.
func convertFloats(kind parquet.Kind) func([]float64, *encoding.Values) ([]float64, error) {
	return func(dst []float64, data *encoding.Values) ([]float64, error) {
		if kind == parquet.Float {
			src := data.Float()
			dst = slices.Grow(dst, len(src))
			for _, x := range src {
				dst = append(dst, float64(x))
			}
			return dst, nil
		}
		return append(dst, data.Double()...), nil
	}
}

// convertBytes slices BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY page data into
// values that share the page's memory.
func convertBytes(kind parquet.Kind) func([][]byte, *encoding.Values) ([][]byte, error) {
	return func(dst [][]byte, data *encoding.Values) ([][]byte, error) {
		if kind == parquet.FixedLenByteArray {
			b, size := data.FixedLenByteArray()
			if size <= 0 {
				return dst, nil
			}
			dst = slices.Grow(dst, len(b)/size)
			for i := 0; i+size <= len(b); i += size {
				dst = append(dst, b[i:i+size:i+size])
			}
			return dst, nil
		}
		b, offsets := data.ByteArray()
		if len(offsets) > 0 {
			dst = slices.Grow(dst, len(offsets)-1)
		}
		for i := 1; i < len(offsets); i++ {
			lo, hi := offsets[i-1], offsets[i]
			if lo > hi || int(hi) > len(b) {
				return dst, fmt.Errorf("byte array offsets %d..%d out of range", lo, hi)
			}
			dst = append(dst, b[lo:hi:hi])
		}
		return dst, nil
	}
}

// floorDiv divides rounding towards negative infinity, so that a
// nanosecond timestamp before 1970 truncates to the microsecond before it.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// float16 decodes an IEEE 754 half-precision number stored little-endian.
func float16(b []byte) float64 {
	if len(b) != 2 {
		return math.NaN()
	}
	h := binary.LittleEndian.Uint16(b)
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		return math.Inf(int(sign))
	}
	return sign * math.Ldexp(1+frac/1024, exp-15)
}

// formatDecimal writes an unscaled decimal (INT32, INT64 or big-endian
// two's complement bytes) with scale digits after the point.
func formatDecimal(v parquet.Value, scale int) string {
	var n big.Int
	switch v.Kind() {
	case parquet.Int32:
		n.SetInt64(int64(v.Int32()))
	case parquet.Int64:
		n.SetInt64(v.Int64())
	default:
		b := v.ByteArray()
		n.SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 {
			var full big.Int
			full.Lsh(big.NewInt(1), uint(8*len(b)))
			n.Sub(&n, &full)
		}
	}
	s := n.String()
	if scale <= 0 {
		return s
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	for len(s) <= scale {
		s = "0" + s
	}
	s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	if neg {
		s = "-" + s
	}
	return s
}

// formatInt96 writes a legacy INT96 timestamp (nanoseconds of the day and a
// Julian day number) in RFC 3339.
func formatInt96(v parquet.Value) string {
	x := v.Int96()
	nanos := int64(uint64(x[1])<<32 | uint64(x[0]))
	const unixEpochJulianDay = 2440588
	days := int64(x[2]) - unixEpochJulianDay
	return time.Unix(days*86400, nanos).UTC().Format(time.RFC3339Nano)
}

// formatUUID writes a 16-byte UUID in its canonical form.
func formatUUID(v parquet.Value) string {
	b := v.ByteArray()
	if len(b) != 16 {
		return hex.EncodeToString(b)
	}
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// formatInterval writes an INTERVAL (months, days, milliseconds as
// little-endian uint32s) as an ISO 8601 duration.
func formatInterval(v parquet.Value) string {
	b := v.ByteArray()
	if len(b) != 12 {
		return hex.EncodeToString(b)
	}
	months := binary.LittleEndian.Uint32(b[0:])
	days := binary.LittleEndian.Uint32(b[4:])
	ms := binary.LittleEndian.Uint32(b[8:])
	return fmt.Sprintf("P%dM%dDT%sS", months, days, strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64))
}
