package source

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Format names the encoding of an input file.
type Format string

// Supported formats.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// Column types reported for a column. CSV columns are always read as Arrow
// strings; their Type is guessed from the first rows (see Options.SampleRows).
// Parquet columns carry the type of their schema.
const (
	TypeString    = "string"
	TypeInteger   = "integer"
	TypeFloat     = "float"
	TypeBoolean   = "boolean"
	TypeTimestamp = "timestamp"
	TypeDate      = "date"
)

// Options control how files are read. The zero value reads with defaults.
type Options struct {
	// Delimiter is the CSV field separator. Zero (the default) detects it from
	// the header line among ',', ';', '\t' and '|' (a .tsv file defaults to tab).
	Delimiter rune
	// NoQuote turns quoting off: every quote character is data. For raw TSV
	// exports whose text contains stray quotes. Default false (RFC 4180 quoting).
	NoQuote bool
	// TrimSpace removes leading and trailing white space of every CSV field
	// (the Adult census files separate fields with ", "). Default false.
	TrimSpace bool
	// NullValues are ignored when guessing a column's type. Default none.
	NullValues []string
	// SampleRows is how many rows at the start of a CSV file are used to guess
	// column types. Default 1000.
	SampleRows int
	// ChunkBytes is the approximate size of one CSV unit. Default 4 MiB.
	ChunkBytes int
	// BatchRows is the maximum number of rows in one record batch. Default 8192.
	BatchRows int
	// UnitRows is the most rows of one Parquet unit when a row group is
	// larger and every column chunk has an offset index (the page index):
	// its units are then decoded concurrently. Default 131072.
	UnitRows int
}

// Column describes one column of an input file.
type Column struct {
	// Name is the header name, renamed "name.2", "name.3", ... when the header
	// repeats a name.
	Name string
	// Type is one of the Type* constants.
	Type string
}

// Problem is damage found while reading that did not stop the read: a
// renamed duplicate header, a quoted field spanning lines in a tab-separated
// file. Rejected rows are listed apart, in Batch.Rejected.
type Problem struct {
	// Kind is one of the Kind* constants.
	Kind string
	// File is the path of the file as given to Open.
	File string
	// Line is 1-based (0 when the problem has no line).
	Line int64
	// Column is the column name concerned ("" when none).
	Column string
	// Message says what is wrong, in one sentence.
	Message string
}

// Problem kinds.
const (
	// KindDuplicateHeader: a header name repeats and was renamed "name.2", ...
	KindDuplicateHeader = "duplicate_header"
	// KindEmptyHeader: a header name is empty and was renamed "column_N".
	KindEmptyHeader = "empty_header"
	// KindFieldCount: a row has more or fewer fields than the header.
	KindFieldCount = "field_count"
	// KindQuote: a row is badly quoted (bare quote, text after a closing
	// quote, a quote never closed).
	KindQuote = "bad_quote"
	// KindInvalidUTF8: a field of the row is not valid UTF-8.
	KindInvalidUTF8 = "invalid_utf8"
	// KindTooLong: a record is longer than the reader keeps in memory
	// (usually a quote that is never closed); it was skipped.
	KindTooLong = "record_too_long"
	// KindQuotedNewline: a tab-separated file has a quoted field spanning
	// lines, which often means stray quotes in raw text.
	KindQuotedNewline = "quoted_newline_in_tsv"
)

// Sentinel errors; match them with errors.Is. ErrFieldCount, ErrQuote,
// ErrInvalidUTF8 and ErrTooLong name the damage of a rejected row (see
// Rejected.Err); ErrQuote, ErrInvalidUTF8 and ErrUnterminated are also
// returned, in an *Error, for a damaged CSV header.
var (
	ErrEmpty        = errors.New("file is empty")
	ErrNoRows       = errors.New("file has a header but no rows")
	ErrNotParquet   = errors.New("not a Parquet file")
	ErrNested       = errors.New("nested column not supported")
	ErrTruncated    = errors.New("compressed stream is truncated")
	ErrUnsupported  = errors.New("unsupported file type")
	ErrFieldCount   = errors.New("wrong number of fields")
	ErrQuote        = errors.New("bad quoting")
	ErrInvalidUTF8  = errors.New("invalid UTF-8")
	ErrUnterminated = errors.New("quoted field not terminated before end of file")
	ErrTooLong      = errors.New("record too long")
)

// Error is a read error with the position where it happened. Line is the
// 1-based line of a CSV file or row number of a Parquet file (0 when
// unknown); Column is a column name ("" when unknown).
type Error struct {
	File   string
	Line   int64
	Column string
	Err    error
}

// Error formats the error as "file:line column "name": cause".
func (e *Error) Error() string {
	msg := e.File
	if e.Line > 0 {
		msg += fmt.Sprintf(":%d", e.Line)
	}
	if e.Column != "" {
		msg += fmt.Sprintf(" column %q", e.Column)
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the cause, so errors.Is and errors.As see through Error.
func (e *Error) Unwrap() error { return e.Err }

// Rejected is one row left out of the record batch because it was malformed.
type Rejected struct {
	// Line is the 1-based line where the rejected record starts.
	Line int64
	// Kind is one of the Kind* constants.
	Kind string
	// Column names the offending column when there is one (invalid UTF-8).
	Column string
	// Message says what is wrong, e.g. "got 5 fields, want 7".
	Message string
}

// Err returns the sentinel error of the rejection's kind (ErrFieldCount,
// ErrQuote, ErrInvalidUTF8 or ErrTooLong), for callers that report rejected
// rows as errors.
func (r Rejected) Err() error {
	switch r.Kind {
	case KindFieldCount:
		return ErrFieldCount
	case KindInvalidUTF8:
		return ErrInvalidUTF8
	case KindTooLong:
		return ErrTooLong
	}
	return ErrQuote
}

// Batch is one decoded record batch of an input file.
type Batch struct {
	// Record holds the accepted rows, its columns in File.Columns order. CSV
	// columns are arrow.BinaryTypes.String holding the raw field text (null
	// tokens are NOT converted to nulls: the caller applies its own list).
	// Parquet columns are typed (string, int64, float64, bool, timestamp, date).
	Record arrow.RecordBatch
	// Lines holds, per row of Record, the 1-based line where the CSV record
	// starts, or the 1-based row number in a Parquet file.
	Lines []int64
	// Rejected lists malformed rows of this batch's range, in line order.
	Rejected []Rejected
	// Problems lists other damage seen in this batch's range.
	Problems []Problem
}

// Unit is an independently decodable piece of one file: a chunk of CSV
// records or a Parquet row group. Units of one file may be decoded
// concurrently.
type Unit interface {
	// Decode parses the unit and calls fn with each batch in order. The batch's
	// Record is released when fn returns; fn must Retain it to keep it.
	Decode(mem memory.Allocator, fn func(*Batch) error) error
	// Bytes is the number of input bytes the unit covers (for progress).
	Bytes() int64
}

// File is one opened input file.
type File interface {
	// Path is the path as given.
	Path() string
	// Format is CSV or Parquet.
	Format() Format
	// Size is the file size in bytes.
	Size() int64
	// Columns lists the columns in file order.
	Columns() []Column
	// Problems lists damage found while opening (duplicate header names).
	Problems() []Problem
	// Units reads the file and calls emit with each unit in file order. It
	// checks ctx between units and returns ctx.Err() when cancelled.
	Units(ctx context.Context, emit func(Unit) error) error
	// SHA256 is the hex digest of the file's bytes; valid after Units returned nil.
	SHA256() string
	// Close releases the file.
	Close() error
}
