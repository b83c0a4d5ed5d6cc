package source_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dataready/source"
	"dataready/source/sourcetest"
)

// TestRemoteFiles reads files through a registered FS and checks that
// every row, line, rejected row, unit and digest is what reading the same
// files from the disk gives.
func TestRemoteFiles(t *testing.T) {
	root := t.TempDir()
	var text strings.Builder
	text.WriteString("id,text,label\n")
	for i := range 400 {
		switch i % 53 {
		case 7:
			text.WriteString("1,\"bad \"quote,x\n")
		case 11:
			text.WriteString("2,\"spans\nlines\",y\n")
		default:
			fmt.Fprintf(&text, "%d,text %d,l%d\n", i, i, i%3)
		}
	}
	pq, err := os.ReadFile(source.WriteTestParquet(t, 900, 250))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"data/a.csv":              []byte(text.String()),
		"data/sub/b.csv.gz":       source.Gzipped(t, text.String()),
		"data/sub/c.parquet":      pq,
		"data/.hidden/d.csv":      []byte(text.String()),
		"data/_tmp/e.csv":         []byte(text.String()),
		"data/notes.md":           []byte("# notes\n"),
		"docs/readme.md":          []byte("# readme\n"),
		"raw/adult.data":          []byte(text.String()), // no extension: sniffed
		"raw/empty.csv":           nil,
		"raw/not-parquet.parquet": []byte("id\n1\n"),
	}
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys := &sourcetest.DirFS{Prefix: "mem://bucket/", Root: root}
	source.RegisterFS("mem", fsys)
	defer source.RegisterFS("mem", nil)

	for _, name := range []string{"data/a.csv", "data/sub/b.csv.gz", "data/sub/c.parquet", "raw/adult.data"} {
		t.Run(name, func(t *testing.T) {
			opts := source.Options{ChunkBytes: 1000, BatchRows: 32, UnitRows: 100}
			local := filepath.Join(root, filepath.FromSlash(name))
			rows, lines, rejected, units, sha, err := source.ReadAllText(t, local, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) < 390 || units < 3 {
				t.Fatalf("the local read gives %d rows in %d units: the test data is too small", len(rows), units)
			}
			reads := fsys.Reads.Load()
			url := "mem://bucket/" + name
			rrows, rlines, rrejected, runits, rsha, err := source.ReadAllText(t, url, opts)
			if err != nil {
				t.Fatal(err)
			}
			if fsys.Reads.Load() == reads {
				t.Fatal("no ReadAt through the FS")
			}
			if !reflect.DeepEqual(rrows, rows) || !reflect.DeepEqual(rlines, lines) || !reflect.DeepEqual(rrejected, rejected) {
				t.Errorf("through the FS: %d rows, %d rejected; from the disk: %d rows, %d rejected", len(rrows), len(rrejected), len(rows), len(rejected))
			}
			if runits != units || rsha != sha {
				t.Errorf("through the FS: %d units, SHA-256 %s; from the disk: %d units, %s", runits, rsha, units, sha)
			}
			fi, err := source.Stat(t.Context(), url)
			if err != nil || fi.Size != int64(len(files[name])) {
				t.Errorf("Stat = %+v, %v; want size %d", fi, err, len(files[name]))
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			url  string
			want error
		}{
			{"mem://bucket/raw/empty.csv", source.ErrEmpty},
			{"mem://bucket/raw/not-parquet.parquet", source.ErrNotParquet},
			{"mem://bucket/raw/missing.csv", fs.ErrNotExist},
			{"zz://bucket/a.csv", source.ErrNoFS},
		} {
			_, err := source.Open(t.Context(), c.url, source.Options{})
			var e *source.Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || e.File != c.url {
				t.Errorf("Open(%s) = %v; want an *Error naming the URL, wrapping %v", c.url, err, c.want)
			}
		}
	})

	t.Run("expand", func(t *testing.T) {
		u := func(names ...string) []string {
			for i, n := range names {
				names[i] = "mem://bucket/" + n
			}
			return names
		}
		for _, c := range []struct {
			args []string
			want []string
			err  error
		}{
			{u("data"), u("data/a.csv", "data/sub/b.csv.gz", "data/sub/c.parquet"), nil},
			{u("data/"), u("data/a.csv", "data/sub/b.csv.gz", "data/sub/c.parquet"), nil},
			{u("data/sub/*"), u("data/sub/b.csv.gz", "data/sub/c.parquet"), nil},
			{u("data/*.csv"), u("data/a.csv"), nil},
			{u("da*"), u("data/a.csv", "data/sub/b.csv.gz", "data/sub/c.parquet"), nil},
			{u("raw/adult.data", "data/a.csv", "raw/adult.data"), u("raw/adult.data", "data/a.csv"), nil},
			{u("data/*.tsv"), nil, source.ErrNoMatch},
			{u("raw/missing.csv"), nil, fs.ErrNotExist},
			{u("nothing/"), nil, fs.ErrNotExist},
			{append(u("data/a.csv"), filepath.Join(root, "data", "a.csv")), append(u("data/a.csv"), filepath.Join(root, "data", "a.csv")), nil},
		} {
			got, err := source.Expand(t.Context(), c.args)
			if !errors.Is(err, c.err) || !reflect.DeepEqual(got, c.want) {
				t.Errorf("Expand(%q) = %q, %v; want %q, %v", c.args, got, err, c.want, c.err)
			}
		}
		// docs/ holds no file with a data suffix.
		if _, err := source.Expand(t.Context(), u("docs")); !errors.Is(err, source.ErrNoMatch) {
			t.Errorf("Expand(docs) = %v; want ErrNoMatch", err)
		}
	})
}

func TestIsURL(t *testing.T) {
	for p, want := range map[string]bool{
		"gs://bucket/a.csv":  true,
		"s3://bucket/a.csv":  true,
		"S3://bucket/a.csv":  true,
		"mem+x://a":          true,
		"/data/a.csv":        false,
		"data/a.csv":         false,
		`C://data/a.csv`:     false, // a drive letter
		"3d://a":             false,
		"a b://c":            false,
		"://a":               false,
		"notes/http://x.csv": false,
	} {
		if got := source.IsURL(p); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", p, got, want)
		}
	}
}
