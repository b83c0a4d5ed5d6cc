package source

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestUnitCodec decodes every unit after a trip through MarshalUnit and
// UnmarshalUnit on a file opened anew, as a remote worker does, and
// compares with reading the file in one process (readAll).
func TestUnitCodec(t *testing.T) {
	var csvText strings.Builder
	csvText.WriteString("id,text,label\n")
	for i := range 500 {
		switch i % 97 {
		case 5:
			csvText.WriteString("1,\"bad \"quote,x\n") // rejected
		case 9:
			csvText.WriteString("2,\"spans\nlines\",y\n")
		default:
			fmt.Fprintf(&csvText, "%d,text %d,l%d\n", i, i, i%3)
		}
	}
	records := pqRecords(1000)
	cases := []struct {
		name string
		path string
		opts Options
	}{
		{"csv", writeFile(t, "a.csv", []byte(csvText.String())), Options{ChunkBytes: 512, BatchRows: 16}},
		{"csv.gz", writeFile(t, "a.csv.gz", gzipped(t, csvText.String())), Options{ChunkBytes: 700, BatchRows: 16}},
		{"parquet", writeParquet(t, records, 300), Options{BatchRows: 64}},
		{"parquet cut", writeParquet(t, records, 300), Options{BatchRows: 64, UnitRows: 70}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := readAll(t, c.path, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			f, err := Open(t.Context(), c.path, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			var encoded [][]byte
			if err := f.Units(t.Context(), func(u Unit) error {
				data, err := MarshalUnit(u)
				encoded = append(encoded, data)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			f.Close()
			if len(encoded) < 2 {
				t.Fatalf("%d units: the case should have several", len(encoded))
			}
			other, err := Open(t.Context(), c.path, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			var got unitResult
			var bytes int64
			for i := len(encoded) - 1; i >= 0; i-- { // any order
				u, err := UnmarshalUnit(other, encoded[i])
				if err != nil {
					t.Fatalf("unit %d: %v", i, err)
				}
				bytes += u.Bytes()
				r, err := decodeUnit(u, mem)
				if err != nil {
					t.Fatalf("unit %d: %v", i, err)
				}
				got = unitResult{
					rows:     append(r.rows, got.rows...),
					lines:    append(r.lines, got.lines...),
					rejected: append(r.rejected, got.rejected...),
				}
			}
			if !reflect.DeepEqual(got.rows, want.rows) || !reflect.DeepEqual(got.lines, want.lines) {
				t.Errorf("rows or lines differ from one read of the file (%d rows, want %d)", len(got.rows), len(want.rows))
			}
			if !reflect.DeepEqual(got.rejected, want.rejected) {
				t.Errorf("rejected = %v, want %v", got.rejected, want.rejected)
			}
			if bytes != want.bytes {
				t.Errorf("units cover %d bytes, want %d", bytes, want.bytes)
			}
		})
	}
}

func TestUnitCodecErrors(t *testing.T) {
	csvPath := writeFile(t, "a.csv", []byte("a,b\n1,2\n"))
	pqPath := writeParquet(t, pqRecords(10), 5)
	units := map[string][]byte{}
	for _, p := range []string{csvPath, pqPath} {
		f, err := Open(t.Context(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Units(t.Context(), func(u Unit) error {
			data, err := MarshalUnit(u)
			units[p] = data
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	csvFile, err := Open(t.Context(), csvPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer csvFile.Close()
	pqFile, err := Open(t.Context(), pqPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pqFile.Close()
	cases := []struct {
		name string
		file File
		data []byte
	}{
		{"empty", csvFile, nil},
		{"parquet unit for a csv file", csvFile, units[pqPath]},
		{"csv unit for a parquet file", pqFile, units[csvPath]},
		{"truncated csv", csvFile, units[csvPath][:len(units[csvPath])-1]},
		{"trailing byte", pqFile, append(append([]byte(nil), units[pqPath]...), 0)},
		{"row group out of range", pqFile, []byte{unitParquet, 2, 20, 2, 0, 2}},
		{"rows out of range", pqFile, []byte{unitParquet, 2, 0, 2, 0, 40}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := UnmarshalUnit(c.file, c.data)
			var se *Error
			if !errors.Is(err, ErrBadUnit) || !errors.As(err, &se) || se.File != c.file.Path() {
				t.Errorf("err = %v, want an *Error naming %s wrapping ErrBadUnit", err, c.file.Path())
			}
		})
	}
}

// FuzzUnmarshalUnit feeds the unit decoder arbitrary bytes, seeded with
// real CSV and Parquet units: a unit comes from another process, so a
// damaged one must give an error naming the file (ErrBadUnit), never a
// panic, and a unit that decodes must decode its rows without panicking.
//
//	go test -run '^$' -fuzz FuzzUnmarshalUnit ./source
func FuzzUnmarshalUnit(f *testing.F) {
	dir := f.TempDir()
	csvPath := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(csvPath, []byte("a,b\n1,2\n\"x,y\",3\n4,\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	pqPath := writeParquet(f, pqRecords(10), 5)
	files := map[string]File{}
	for _, p := range []string{csvPath, pqPath} {
		file, err := Open(f.Context(), p, Options{})
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { file.Close() })
		files[p] = file
		if err := file.Units(f.Context(), func(u Unit) error {
			data, err := MarshalUnit(u)
			f.Add(data, p == pqPath)
			return err
		}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, parquet bool) {
		file := files[csvPath]
		if parquet {
			file = files[pqPath]
		}
		u, err := UnmarshalUnit(file, data)
		if err != nil {
			if !errors.Is(err, ErrBadUnit) {
				t.Fatalf("error %v does not wrap ErrBadUnit", err)
			}
			return
		}
		_ = u.Decode(memory.DefaultAllocator, func(b *Batch) error { return nil })
	})
}
