package source

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/gzip"
)

// sampleChunkBytes bounds the chunks read while sampling in Open.
const sampleChunkBytes = 256 << 10

// csvFile is an opened CSV or TSV file, possibly gzip-compressed.
type csvFile struct {
	path     string
	size     int64
	gz       bool
	opts     Options
	layout   *csvLayout
	columns  []Column
	problems []Problem
	sha      string
}

var _ File = (*csvFile)(nil)

// csvLayout is what every unit of a CSV file needs to parse its records. It
// is shared by concurrent Decode calls and never modified after Open.
type csvLayout struct {
	file      string
	names     []string
	delim     byte
	quoting   bool
	trim      bool
	batchRows int
	schema    *arrow.Schema
}

// openCSV reads the header and samples the first rows of a CSV file.
func openCSV(ctx context.Context, path string, size int64, gz bool, opts Options) (File, error) {
	f := &csvFile{path: path, size: size, gz: gz, opts: opts}
	l := &csvLayout{
		file:      path,
		delim:     byte(opts.Delimiter),
		quoting:   !opts.NoQuote,
		trim:      opts.TrimSpace,
		batchRows: opts.BatchRows,
	}
	f.layout = l

	raw, err := openStream(ctx, path, size)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	in, err := f.decompress(raw)
	if err != nil {
		return nil, err
	}
	c := newChunker(in, l.delim, l.quoting, min(opts.ChunkBytes, sampleChunkBytes))
	header, first, err := c.start(isTSV(path))
	if err != nil {
		return nil, f.readError(err, c.line)
	}
	l.delim = c.delim
	line, err := f.parseHeader(header, first)
	if err != nil {
		return nil, err
	}

	// Sample the first rows to guess column types; count rows to tell a
	// header-only file.
	guesses := make([]typeGuess, len(l.names))
	nulls := make(map[string]bool, len(opts.NullValues))
	for _, v := range opts.NullValues {
		nulls[v] = true
	}
	records := 0
	errEnough := errors.New("enough rows")
	for records < opts.SampleRows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ch, err := c.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, f.readError(err, c.line)
		}
		records += len(ch.head) + len(ch.tail)
		err = l.parse(ch.data, ch.line, func(fields []string, _ int64) error {
			for i, v := range fields {
				if v != "" && !nulls[v] {
					guesses[i].add(v)
				}
			}
			if records++; records >= opts.SampleRows {
				return errEnough
			}
			return nil
		}, func(Rejected) { records++ })
		if err != nil && err != errEnough {
			return nil, err
		}
	}
	if records == 0 {
		return nil, &Error{File: path, Line: line, Err: ErrNoRows}
	}
	fields := make([]arrow.Field, len(l.names))
	f.columns = make([]Column, len(l.names))
	for i, name := range l.names {
		f.columns[i] = Column{Name: name, Type: guesses[i].typ()}
		fields[i] = arrow.Field{Name: name, Type: arrow.BinaryTypes.String}
	}
	l.schema = arrow.NewSchema(fields, nil)
	return f, nil
}

// decompress wraps raw in a gzip reader when the file is compressed.
func (f *csvFile) decompress(raw io.Reader) (io.Reader, error) {
	if !f.gz {
		// The chunker reads big blocks straight into its chunk buffers: a
		// bufio.Reader in between would only add a copy.
		return raw, nil
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(raw, 1<<20))
	if err != nil {
		return nil, f.readError(err, 0)
	}
	return zr, nil
}

// readError turns an error met while reading the stream into an *Error at
// line (the line the reader reached).
func (f *csvFile) readError(err error, line int64) error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.Is(err, ErrEmpty), errors.Is(err, ErrUnterminated):
		return &Error{File: f.path, Line: line, Err: err}
	case f.gz && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)):
		return &Error{File: f.path, Line: line, Err: ErrTruncated}
	case f.gz:
		return &Error{File: f.path, Line: line, Err: fmt.Errorf("gzip: %w", err)}
	default:
		return &Error{File: f.path, Line: line, Err: err}
	}
}

// parseHeader parses the header record, whose bytes start on line first,
// into column names, renaming empty and repeated names. It returns the line
// of the header.
func (f *csvFile) parseHeader(header []byte, first int64) (line int64, err error) {
	l := f.layout
	var names []string
	var perr error
	err = l.records(header, first, func(fields []string, at int64) error {
		if names == nil {
			names = append([]string(nil), fields...)
			line = at
		}
		return nil
	}, func(err *csv.ParseError, base int64) {
		if perr == nil {
			perr = &Error{File: f.path, Line: base + int64(err.Line) - 1,
				Err: fmt.Errorf("header: %v at column %d: %w", err.Err, err.Column, ErrQuote)}
		}
	})
	if err != nil {
		return 0, err
	}
	if perr != nil {
		return 0, perr
	}
	if names == nil {
		return 0, &Error{File: f.path, Err: ErrEmpty}
	}
	for i, name := range names {
		if !utf8.ValidString(name) {
			return 0, &Error{File: f.path, Line: line, Err: fmt.Errorf("header field %d: %w", i+1, ErrInvalidUTF8)}
		}
		if l.trim {
			names[i] = strings.TrimSpace(name)
		}
	}
	// Empty names first, so that a renamed duplicate never takes "column_N".
	taken := make(map[string]bool, len(names))
	for _, name := range names {
		taken[name] = true
	}
	for i, name := range names {
		if name != "" {
			continue
		}
		n := fmt.Sprintf("column_%d", i+1)
		for k := 2; taken[n]; k++ {
			n = fmt.Sprintf("column_%d.%d", i+1, k)
		}
		taken[n] = true
		names[i] = n
		f.problems = append(f.problems, Problem{Kind: KindEmptyHeader, File: f.path, Line: line, Column: n,
			Message: fmt.Sprintf("header field %d is empty; named it %q", i+1, n)})
	}
	seen := make(map[string]int, len(names))
	for i, name := range names {
		seen[name]++
		if seen[name] == 1 {
			continue
		}
		k := seen[name]
		n := name + "." + strconv.Itoa(k)
		for taken[n] {
			k++
			n = name + "." + strconv.Itoa(k)
		}
		seen[name] = k
		taken[n] = true
		names[i] = n
		f.problems = append(f.problems, Problem{Kind: KindDuplicateHeader, File: f.path, Line: line, Column: n,
			Message: fmt.Sprintf("header name %q repeats; renamed field %d to %q", name, i+1, n)})
	}
	l.names = names
	return line, nil
}

// Path returns the path as given to Open.
func (f *csvFile) Path() string { return f.path }

// Format returns CSV.
func (f *csvFile) Format() Format { return CSV }

// Size returns the size of the file on disk (compressed for .gz).
func (f *csvFile) Size() int64 { return f.size }

// Columns lists the header's columns with their guessed types.
func (f *csvFile) Columns() []Column { return f.columns }

// Problems lists renamed header names.
func (f *csvFile) Problems() []Problem { return f.problems }

// SHA256 returns the digest computed by the last complete Units call.
func (f *csvFile) SHA256() string { return f.sha }

// Close releases nothing: Units opens and closes the file itself.
func (f *csvFile) Close() error { return nil }

// countingHash hashes and counts the bytes read through it.
type countingHash struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (c *countingHash) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}

// Units reads the file once, hashing its raw bytes, and emits one unit per
// chunk of about Options.ChunkBytes decompressed bytes.
func (f *csvFile) Units(ctx context.Context, emit func(Unit) error) error {
	raw, err := openStream(ctx, f.path, f.size)
	if err != nil {
		return err
	}
	defer raw.Close()
	hr := &countingHash{r: raw, h: sha256.New()}
	in, err := f.decompress(hr)
	if err != nil {
		return err
	}
	c := newChunker(in, f.layout.delim, f.layout.quoting, f.opts.ChunkBytes)
	if _, _, err := c.start(false); err != nil {
		return f.readError(err, c.line)
	}
	var counted int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ch, err := c.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return f.readError(err, c.line)
		}
		if c.done {
			// Hash whatever follows the compressed stream, so that the
			// digest and the byte counts cover the whole file.
			if _, err := io.Copy(io.Discard, hr); err != nil {
				return osError(f.path, err)
			}
		}
		u := &csvUnit{layout: f.layout, chunk: ch, bytes: hr.n - counted}
		counted = hr.n
		if err := emit(u); err != nil {
			return err
		}
	}
	if _, err := io.Copy(io.Discard, hr); err != nil {
		return osError(f.path, err)
	}
	f.sha = hex.EncodeToString(hr.h.Sum(nil))
	return nil
}

// csvUnit is one chunk of whole CSV records.
type csvUnit struct {
	layout *csvLayout
	chunk  *chunk
	bytes  int64
}

// Bytes returns the number of file bytes read for this unit.
func (u *csvUnit) Bytes() int64 { return u.bytes }

// Decode parses the chunk into batches of string columns. It only reads the
// unit and the shared layout, so units may be decoded concurrently.
func (u *csvUnit) Decode(mem memory.Allocator, fn func(*Batch) error) error {
	l := u.layout
	ch := u.chunk
	cols := newStringColumns(mem, len(l.names))
	defer cols.release()

	var (
		lines    []int64
		rejected = append([]Rejected(nil), ch.head...)
		problems []Problem
	)
	if ch.quotedNewline > 0 {
		problems = append(problems, Problem{
			Kind: KindQuotedNewline, File: l.file, Line: ch.quotedNewline,
			Message: "a quoted field spans several lines in this tab-separated file; " +
				"if its text holds stray quotes, set quote: \"\" in audit.yaml to read quotes as data",
		})
	}
	flush := func() error {
		rec := cols.newRecord(l.schema)
		defer rec.Release()
		b := &Batch{Record: rec, Lines: lines, Rejected: rejected, Problems: problems}
		lines, rejected, problems = nil, nil, nil
		return fn(b)
	}
	err := l.parse(ch.data, ch.line, func(fields []string, line int64) error {
		cols.append(fields)
		if lines == nil {
			lines = make([]int64, 0, min(l.batchRows, 1+len(ch.data)/8))
		}
		lines = append(lines, line)
		if len(lines) == l.batchRows || cols.full() {
			return flush()
		}
		return nil
	}, func(r Rejected) { rejected = append(rejected, r) })
	if err != nil {
		return err
	}
	rejected = append(rejected, ch.tail...)
	if len(lines) > 0 || len(rejected) > 0 || len(problems) > 0 {
		return flush()
	}
	return nil
}

// parse calls row with every well-formed record of data (whose first byte
// is on line firstLine) and reject with every malformed one, in order.
// Fields passed to row are valid only during the call.
func (l *csvLayout) parse(data []byte, firstLine int64, row func(fields []string, line int64) error, reject func(Rejected)) error {
	// Fields are cut from data at ASCII bytes and unescaped by dropping
	// ASCII quotes, so in valid UTF-8 data every field is valid: one pass
	// over the chunk saves a call per field.
	valid := utf8.Valid(data)
	return l.records(data, firstLine, func(fields []string, line int64) error {
		if len(fields) != len(l.names) {
			reject(Rejected{Line: line, Kind: KindFieldCount,
				Message: fmt.Sprintf("got %d fields, want %d", len(fields), len(l.names))})
			return nil
		}
		for i, v := range fields {
			if valid {
				break
			}
			if !utf8.ValidString(v) {
				reject(Rejected{Line: line, Kind: KindInvalidUTF8, Column: l.names[i],
					Message: fmt.Sprintf("invalid UTF-8 in column %q", l.names[i])})
				return nil
			}
		}
		if l.trim {
			for i, v := range fields {
				fields[i] = strings.TrimSpace(v)
			}
		}
		return row(fields, line)
	}, func(err *csv.ParseError, base int64) {
		reject(Rejected{Line: base + int64(err.StartLine) - 1, Kind: KindQuote,
			Message: fmt.Sprintf("%v at line %d, column %d", err.Err, base+int64(err.Line)-1, err.Column)})
	})
}

// records splits data into records. Quoted data goes through encoding/csv;
// with quoting off records are split by hand (see splitNoQuote).
func (l *csvLayout) records(data []byte, firstLine int64, record func(fields []string, line int64) error, bad func(err *csv.ParseError, base int64)) error {
	if !l.quoting {
		return l.splitNoQuote(data, firstLine, record)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = rune(l.delim)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for {
		fields, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return &Error{File: l.file, Line: firstLine, Err: err}
			}
			bad(pe, firstLine)
			continue
		}
		line, _ := r.FieldPos(0)
		if err := record(fields, firstLine+int64(line)-1); err != nil {
			return err
		}
	}
}

// splitNoQuote splits data into records at newlines and into fields at the
// delimiter, every quote being data. It is written by hand because
// encoding/csv cannot turn quoting off: even with LazyQuotes a quote at the
// start of a field opens a quoted field that swallows delimiters and
// newlines. Like encoding/csv it drops the \r of \r\n and skips blank lines.
func (l *csvLayout) splitNoQuote(data []byte, line int64, record func(fields []string, line int64) error) error {
	fields := make([]string, 0, len(l.names))
	for len(data) > 0 {
		var rec []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			rec, data = data[:i], data[i+1:]
		} else {
			rec, data = data, nil
		}
		at := line
		line++
		if n := len(rec); n > 0 && rec[n-1] == '\r' {
			rec = rec[:n-1]
		}
		if len(rec) == 0 {
			continue
		}
		s := string(rec)
		fields = fields[:0]
		for {
			j := strings.IndexByte(s, l.delim)
			if j < 0 {
				fields = append(fields, s)
				break
			}
			fields = append(fields, s[:j])
			s = s[j+1:]
		}
		if err := record(fields, at); err != nil {
			return err
		}
	}
	return nil
}

// stringColumns builds the string columns of one batch.
type stringColumns struct {
	mem  memory.Allocator
	cols []*textColumn
}

func newStringColumns(mem memory.Allocator, n int) *stringColumns {
	c := &stringColumns{mem: mem, cols: make([]*textColumn, n)}
	for i := range c.cols {
		c.cols[i] = newTextColumn()
	}
	return c
}

func (c *stringColumns) append(fields []string) {
	for i, v := range fields {
		c.cols[i].appendString(v)
	}
}

// full reports whether the batch should be cut before its offsets overflow.
func (c *stringColumns) full() bool {
	for _, col := range c.cols {
		if col.full() {
			return true
		}
	}
	return false
}

func (c *stringColumns) release() {
	for _, col := range c.cols {
		col.release()
	}
}

// newRecord returns the rows appended so far as a record and starts a new
// batch.
func (c *stringColumns) newRecord(schema *arrow.Schema) arrow.RecordBatch {
	arrs := make([]arrow.Array, len(c.cols))
	rows := 0
	for i, col := range c.cols {
		rows = col.Len()
		arrs[i] = col.newArray(c.mem)
	}
	rec := array.NewRecordBatch(schema, arrs, int64(rows))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}
