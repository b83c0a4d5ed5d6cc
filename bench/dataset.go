package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"dataready/fixtures/gen"
)

// Dataset is one generated benchmark dataset in one or more formats.
type Dataset struct {
	Rows  int
	Files map[string]string // format -> path
	Bytes map[string]int64  // format -> size on disk
}

// datasetFile is the name gendata gives the dataset of rows in format.
func datasetFile(rows int, format string) string {
	return fmt.Sprintf("tickets-%d.%s", rows, format)
}

// ensureDataset returns the dataset of rows in each of formats in dir,
// generating with the project's generator (seed) each file that is not there
// yet. A file already present is reused as is: the generator writes through
// a temporary file renamed when complete, so a present file is whole, but
// its seed is not checked.
func ensureDataset(ctx context.Context, dir string, rows int, formats []string, seed uint64, log io.Writer) (Dataset, error) {
	d := Dataset{Rows: rows, Files: map[string]string{}, Bytes: map[string]int64{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return d, err
	}
	for _, f := range formats {
		path, err := filepath.Abs(filepath.Join(dir, datasetFile(rows, f)))
		if err != nil {
			return d, err
		}
		st, err := os.Stat(path)
		switch {
		case err == nil:
			fmt.Fprintf(log, "reusing %s (%.1f MB)\n", path, float64(st.Size())/1e6)
		case errors.Is(err, fs.ErrNotExist):
			start := time.Now()
			if err := gen.LargeFile(ctx, path, rows, gen.Format(f), seed); err != nil {
				return d, fmt.Errorf("generate %s: %w", path, err)
			}
			if st, err = os.Stat(path); err != nil {
				return d, err
			}
			fmt.Fprintf(log, "generated %s (%.1f MB) in %.1f s\n", path, float64(st.Size())/1e6, time.Since(start).Seconds())
		default:
			return d, err
		}
		d.Files[f], d.Bytes[f] = path, st.Size()
	}
	return d, nil
}

// warm reads each file once so that every measured run starts from a warm
// page cache, as the reference figures do.
func warm(paths ...string) error {
	buf := make([]byte, 1<<20)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		_, err = io.CopyBuffer(io.Discard, f, buf)
		f.Close()
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
	}
	return nil
}
