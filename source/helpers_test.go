package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// result is everything read from a file, units concatenated in order.
type result struct {
	columns  []Column
	problems []Problem // the file's, then the batches'
	rows     [][]string
	lines    []int64
	rejected []Rejected
	units    int
	bytes    int64 // sum of Unit.Bytes
	sha      string
}

// unitResult is what one unit decoded to.
type unitResult struct {
	rows     [][]string
	lines    []int64
	rejected []Rejected
	problems []Problem
}

// writeFile writes data to name in a new temporary directory and returns
// its path.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readAll opens path, collects its units and decodes them concurrently
// with a checked allocator that must end at zero.
func readAll(t testing.TB, path string, opts Options) (result, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	return readAllMem(t.Context(), mem, path, opts)
}

func readAllMem(ctx context.Context, mem memory.Allocator, path string, opts Options) (result, error) {
	f, err := Open(ctx, path, opts)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	res := result{columns: f.Columns(), problems: append([]Problem(nil), f.Problems()...)}
	var units []Unit
	if err := f.Units(ctx, func(u Unit) error {
		units = append(units, u)
		res.bytes += u.Bytes()
		return nil
	}); err != nil {
		return res, err
	}
	res.units = len(units)
	res.sha = f.SHA256()
	parts := make([]unitResult, len(units))
	errs := make([]error, len(units))
	var wg sync.WaitGroup
	for i, u := range units {
		wg.Go(func() { parts[i], errs[i] = decodeUnit(u, mem) })
	}
	wg.Wait()
	for i, p := range parts {
		if errs[i] != nil {
			return res, errs[i]
		}
		res.rows = append(res.rows, p.rows...)
		res.lines = append(res.lines, p.lines...)
		res.rejected = append(res.rejected, p.rejected...)
		res.problems = append(res.problems, p.problems...)
	}
	return res, nil
}

// decodeUnit decodes u, turning every value into text with ValueStr.
func decodeUnit(u Unit, mem memory.Allocator) (unitResult, error) {
	var r unitResult
	err := u.Decode(mem, func(b *Batch) error {
		rec := b.Record
		if int(rec.NumRows()) != len(b.Lines) {
			return fmt.Errorf("record has %d rows but %d lines", rec.NumRows(), len(b.Lines))
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for j, col := range rec.Columns() {
				row[j] = valueString(col, i)
			}
			r.rows = append(r.rows, row)
		}
		r.lines = append(r.lines, b.Lines...)
		r.rejected = append(r.rejected, b.Rejected...)
		r.problems = append(r.problems, b.Problems...)
		return nil
	})
	return r, err
}

// valueString returns a string value as is and any other as ValueStr does;
// a null is "<null>".
func valueString(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "<null>"
	}
	if s, ok := a.(*array.String); ok {
		return s.Value(i)
	}
	return a.ValueStr(i)
}
