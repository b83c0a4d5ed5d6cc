package audit

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"dataready/audit/norm"
	"dataready/source"
)

// ReferenceCounts are the segment values of the reference inputs: rows of
// production traffic, unlabeled, read only for their segment columns.
type ReferenceCounts struct {
	// Files are the reference files read.
	Files []string
	// Rows counts the reference rows read (rejected rows excluded).
	Rows int64
	// Values counts rows per segment column and norm(value); nulls count
	// under MissingValue.
	Values map[string]map[string]int64
}

// readReference counts the segment values of cfg.Reference. A reference
// file lacking a segment column is an error naming the file and column.
func readReference(ctx context.Context, cfg *Config, mem memory.Allocator, opts source.Options) (*ReferenceCounts, error) {
	if len(cfg.Reference) == 0 {
		return nil, nil
	}
	if len(cfg.Segments) == 0 {
		return nil, &ConfigError{Key: "reference", Err: fmt.Errorf("a reference needs segment columns to compare (segments)")}
	}
	ref := &ReferenceCounts{Values: map[string]map[string]int64{}}
	for _, s := range cfg.Segments {
		ref.Values[s] = map[string]int64{}
	}
	_, tokens := missingTokens(cfg)
	for _, p := range cfg.Reference {
		if cfg.Dir != "" && !filepath.IsAbs(p) && !source.IsURL(p) {
			p = filepath.Join(cfg.Dir, p)
		}
		files, err := source.Expand(ctx, []string{p})
		if err != nil {
			return nil, err
		}
		for _, path := range files {
			if err := readReferenceFile(ctx, path, cfg, mem, opts, tokens, ref); err != nil {
				return nil, err
			}
			ref.Files = append(ref.Files, path)
		}
	}
	return ref, nil
}

func readReferenceFile(ctx context.Context, path string, cfg *Config, mem memory.Allocator, opts source.Options, tokens map[string]int16, ref *ReferenceCounts) error {
	f, err := source.Open(ctx, path, opts)
	if err != nil {
		return err
	}
	defer f.Close()
	index := map[string]int{}
	for i, c := range f.Columns() {
		index[c.Name] = i
	}
	cols := make([]int, len(cfg.Segments))
	for i, s := range cfg.Segments {
		j, ok := index[s]
		if !ok {
			return &source.Error{File: path, Column: s, Err: fmt.Errorf("%w: the reference lacks segment column %q", ErrColumnMismatch, s)}
		}
		cols[i] = j
	}
	return f.Units(ctx, func(u source.Unit) error {
		return u.Decode(mem, func(b *source.Batch) error {
			n := int(b.Record.NumRows())
			ref.Rows += int64(n)
			for i, s := range cfg.Segments {
				vals := ValuesOf(b.Record.Column(cols[i]))
				counts := ref.Values[s]
				for r := 0; r < n; r++ {
					v, ok := vals.Get(r)
					if !ok || isNullValue(v, tokens) {
						counts[MissingValue]++
						continue
					}
					counts[norm.String(v)]++
				}
			}
			return nil
		})
	})
}

// isNullValue is preparer.isNull without a preparer.
func isNullValue(s string, tokens map[string]int16) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return true
	}
	_, ok := tokens[t]
	return ok
}
