package source

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// FuzzCSV reads arbitrary bytes as a CSV file, cut in chunks of a fuzzed
// size. Reading must not panic or leak; it either fails with an *Error or
// gives the same rows, lines and rejections as one chunk, and as
// encoding/csv (or a plain line split with quoting off) reading the whole
// file.
func FuzzCSV(f *testing.F) {
	seeds := []string{
		"\xEF\xBB\xBFid,name\n1,a\n2,b\n",
		"a,b,c\n1,2\n3,4,5,6\n7,8,9\n",
		"a,b\n1,x\"y\n2,\"ok\"\n3,\"z\"q\n4,\"multi\nline\"x\n5,w\n",
		"a,b\n1,x\n2,\"never\n3,y\n",
		"",
		"a,b,c\n",
		"\n\na,b\n\n\n",
		"a,b\n1,\xff\xfe\n2,ok\n",
		"id,name\r\n1,a\r\n2,\"b\r\nc\"\r\n3,d\r",
		"id\ttext\n1\t\"a\nb\"\n2\tc\n",
		"a;b;c\n1;\"2;\"\"x\"\"\";3\n",
		"a|b\n\"\"|\"\"\"\"\n",
		"score,score,,score\n1,2,3,4\n",
		"\"a\nb\",c\n1,2\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint16(i*37), i%4 == 3)
	}
	f.Fuzz(func(t *testing.T, data []byte, knob uint16, noQuote bool) {
		path := writeFile(t, "in.csv", data)
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		opts := Options{ChunkBytes: 1 + int(knob%300), BatchRows: 1 + int(knob%5), NoQuote: noQuote}
		got, err := readAllMem(t.Context(), mem, path, opts)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			return
		}
		for i, row := range got.rows {
			if len(row) != len(got.columns) {
				t.Fatalf("row %d has %d fields, want %d", i, len(row), len(got.columns))
			}
		}
		for i, l := range got.lines {
			if l < 1 || (i > 0 && l <= got.lines[i-1]) {
				t.Fatalf("lines %v do not increase", got.lines)
			}
		}
		for i, r := range got.rejected {
			if r.Line < 1 || (i > 0 && r.Line <= got.rejected[i-1].Line) {
				t.Fatalf("rejected lines %+v do not increase", got.rejected)
			}
		}

		one, err := readAllMem(t.Context(), mem, path, Options{ChunkBytes: 1 << 30, NoQuote: noQuote})
		if err != nil {
			t.Fatalf("single chunk: %v", err)
		}
		if !reflect.DeepEqual(got.rows, one.rows) || !reflect.DeepEqual(got.lines, one.lines) ||
			!reflect.DeepEqual(got.rejected, one.rejected) {
			t.Fatalf("chunked read differs from a single chunk:\nrows %q\nwant %q\nlines %v\nwant %v\nrejected %+v\nwant %+v",
				got.rows, one.rows, got.lines, one.lines, got.rejected, one.rejected)
		}

		file, err := Open(t.Context(), path, Options{NoQuote: noQuote})
		if err != nil {
			t.Fatal(err)
		}
		delim := file.(*csvFile).layout.delim
		file.Close()
		data = bytes.TrimPrefix(data, bom)
		wantRows, wantLines, wantRejected := referenceCSV(t, data, delim, len(got.columns), noQuote)
		if len(wantRows) == 0 && len(got.rows) == 0 {
			wantRows, got.rows = nil, nil
		}
		if !reflect.DeepEqual(got.rows, wantRows) || !reflect.DeepEqual(got.lines, wantLines) ||
			!reflect.DeepEqual(rejs(got.rejected, false), wantRejected) {
			t.Fatalf("read differs from the reference:\nrows %q\nwant %q\nlines %v\nwant %v\nrejected %+v\nwant %+v",
				got.rows, wantRows, got.lines, wantLines, rejs(got.rejected, false), wantRejected)
		}
	})
}

// referenceCSV reads data whole, with encoding/csv or, with quoting off, by
// splitting lines, skipping the header record.
func referenceCSV(t *testing.T, data []byte, delim byte, ncol int, noQuote bool) (rows [][]string, lines []int64, rejected []rej) {
	accept := func(fields []string, line int64) {
		if len(fields) != ncol {
			rejected = append(rejected, rej{Line: line, Kind: KindFieldCount})
			return
		}
		for _, v := range fields {
			if !utf8.ValidString(v) {
				rejected = append(rejected, rej{Line: line, Kind: KindInvalidUTF8})
				return
			}
		}
		rows = append(rows, append([]string(nil), fields...))
		lines = append(lines, line)
	}
	if noQuote {
		header := true
		for i, l := range strings.Split(string(data), "\n") {
			l = strings.TrimSuffix(l, "\r")
			if l == "" {
				continue
			}
			if header {
				header = false
				continue
			}
			accept(strings.Split(l, string(delim)), int64(i+1))
		}
		return rows, lines, rejected
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = rune(delim)
	r.FieldsPerRecord = -1
	if _, err := r.Read(); err != nil {
		t.Fatalf("reference: header: %v", err)
	}
	for {
		fields, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rejected = append(rejected, rej{Line: int64(pe.StartLine), Kind: KindQuote})
			continue
		}
		if err != nil {
			t.Fatalf("reference: %v", err)
		}
		line, _ := r.FieldPos(0)
		accept(fields, int64(line))
	}
	return rows, lines, rejected
}
