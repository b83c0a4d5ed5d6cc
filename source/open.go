package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Defaults applied to zero Options fields.
const (
	DefaultSampleRows = 1000
	DefaultChunkBytes = 4 << 20
	DefaultBatchRows  = 8192
	DefaultUnitRows   = 1 << 17
)

// maxRecordBytes is the longest CSV record kept in memory; a longer one
// (almost always a quote that is never closed) is skipped and reported as
// KindTooLong. A variable so that tests can lower it.
var maxRecordBytes = 64 << 20

// withDefaults returns o with zero (or negative) sizes replaced by defaults.
func (o Options) withDefaults() Options {
	if o.SampleRows <= 0 {
		o.SampleRows = DefaultSampleRows
	}
	if o.ChunkBytes <= 0 {
		o.ChunkBytes = DefaultChunkBytes
	}
	if o.BatchRows <= 0 {
		o.BatchRows = DefaultBatchRows
	}
	if o.UnitRows <= 0 {
		o.UnitRows = DefaultUnitRows
	}
	return o
}

// Open opens path as CSV/TSV (optionally gzip-compressed: .csv, .tsv, .txt,
// .csv.gz, .tsv.gz, .txt.gz) or Parquet (.parquet), reads its header (or
// schema) and, for CSV, samples the first rows to guess column types.
//
// Errors are *Error values naming the file: a missing or unreadable file
// wraps the os error (errors.Is(err, fs.ErrNotExist) holds for a missing
// one); an empty file wraps ErrEmpty, a header without rows ErrNoRows, a
// .parquet file without the Parquet magic ErrNotParquet, a nested Parquet
// column ErrNested, an unknown extension ErrUnsupported.
func Open(ctx context.Context, path string, opts Options) (File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	var size int64
	regular := true
	if IsURL(path) {
		fi, err := Stat(ctx, path)
		if err != nil {
			return nil, err
		}
		size = fi.Size
	} else {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, osError(path, err)
		}
		if fi.IsDir() {
			return nil, &Error{File: path, Err: fmt.Errorf("is a directory (use Expand to list its files): %w", ErrUnsupported)}
		}
		size, regular = fi.Size(), fi.Mode().IsRegular()
	}
	format, gz, err := formatOf(path)
	if errors.Is(err, ErrUnsupported) && regular {
		// A file named explicitly with another extension (adult.data,
		// SMSSpamCollection): tell the format from its first bytes.
		format, gz, err = sniff(ctx, path)
	}
	if err != nil {
		return nil, err
	}
	if size == 0 {
		return nil, &Error{File: path, Err: ErrEmpty}
	}
	switch format {
	case Parquet:
		return openParquet(ctx, path, size, opts)
	default:
		if d := opts.Delimiter; d != 0 && (d >= utf8.RuneSelf || d == '"' || d == '\r' || d == '\n') {
			return nil, &Error{File: path, Err: fmt.Errorf("delimiter %q not supported: use one ASCII character other than a quote, CR or LF", d)}
		}
		return openCSV(ctx, path, size, gz, opts)
	}
}

// formatOf tells the format of path from its extension.
func formatOf(path string) (format Format, gz bool, err error) {
	name := strings.ToLower(filepath.Base(path))
	if strings.HasSuffix(name, ".gz") {
		gz = true
		name = strings.TrimSuffix(name, ".gz")
	}
	switch filepath.Ext(name) {
	case ".csv", ".tsv", ".txt":
		return CSV, gz, nil
	case ".parquet":
		if !gz {
			return Parquet, false, nil
		}
	}
	return "", false, &Error{File: path, Err: fmt.Errorf("%w: %q (want .csv, .tsv, .txt, optionally .gz, or .parquet)", ErrUnsupported, filepath.Base(path))}
}

// sniff tells the format of a file from its content: the Parquet magic,
// the gzip magic (gzip-compressed text), or text (no NUL byte and valid
// UTF-8 in the first 8 KiB) read as CSV.
func sniff(ctx context.Context, path string) (format Format, gz bool, err error) {
	f, err := openAt(ctx, path)
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	head := make([]byte, 8<<10)
	n, err := io.ReadFull(io.NewSectionReader(f, 0, int64(len(head))), head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", false, osError(path, err)
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return Parquet, false, nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return CSV, true, nil
	case bytes.IndexByte(head, 0) < 0 && validPrefix(head):
		return CSV, false, nil
	}
	return "", false, &Error{File: path, Err: fmt.Errorf("%w: %q is neither text (CSV/TSV) nor Parquet", ErrUnsupported, filepath.Base(path))}
}

// validPrefix reports whether b is valid UTF-8 but for a rune cut at its end.
func validPrefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// isTSV reports whether path is named as a tab-separated file.
func isTSV(path string) bool {
	name := strings.TrimSuffix(strings.ToLower(filepath.Base(path)), ".gz")
	return strings.HasSuffix(name, ".tsv")
}

// osError wraps an error of the os package with the path. The *PathError's
// own path is dropped (Error already names the file) but its operation and
// cause are kept, so errors.Is(err, fs.ErrNotExist) still holds.
func osError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return &Error{File: path, Err: err}
}
