package source

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestExpand(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	for _, name := range []string{
		"a.csv", "b.tsv.gz", "notes.txt", "sub/c.parquet", "sub/d.CSV",
		".hidden/e.csv", "_SUCCESS", "_tmp/f.csv", "sub/.g.csv", "sub/h.json",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x\n1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	empty := filepath.Join(root, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(empty, "README.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	in := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, filepath.Join(dir, n))
		}
		return out
	}

	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr error
		errFile string
	}{
		{
			name: "directory, recursively, sorted, hidden skipped",
			args: []string{dir},
			want: in("a.csv", "b.tsv.gz", "sub/c.parquet", "sub/d.CSV"),
		},
		{
			name: "a file is kept whatever its extension",
			args: []string{filepath.Join(dir, "notes.txt")},
			want: in("notes.txt"),
		},
		{
			name: "glob",
			args: []string{filepath.Join(dir, "*.csv")},
			want: in("a.csv"),
		},
		{
			name: "glob matching a directory",
			args: []string{filepath.Join(dir, "su?")},
			want: in("sub/c.parquet", "sub/d.CSV"),
		},
		{
			name: "arguments in order, repeats dropped",
			args: []string{filepath.Join(dir, "sub", "c.parquet"), dir, filepath.Join(dir, ".", "a.csv")},
			want: in("sub/c.parquet", "a.csv", "b.tsv.gz", "sub/d.CSV"),
		},
		{
			name:    "glob matching nothing",
			args:    []string{dir, filepath.Join(dir, "*.xlsx")},
			wantErr: ErrNoMatch,
			errFile: filepath.Join(dir, "*.xlsx"),
		},
		{
			name:    "directory without data files",
			args:    []string{empty},
			wantErr: ErrNoMatch,
			errFile: empty,
		},
		{
			name:    "missing path",
			args:    []string{filepath.Join(root, "nope.csv")},
			wantErr: fs.ErrNotExist,
			errFile: filepath.Join(root, "nope.csv"),
		},
		{
			name:    "bad pattern",
			args:    []string{filepath.Join(dir, "[")},
			wantErr: filepath.ErrBadPattern,
			errFile: filepath.Join(dir, "["),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Expand(context.Background(), tt.args)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				var e *Error
				if !errors.As(err, &e) || e.File != tt.errFile {
					t.Errorf("err = %v, want an *Error naming %q", err, tt.errFile)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Expand = %q, want %q", got, tt.want)
			}
		})
	}
}
