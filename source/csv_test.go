package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// rej is a rejected row as the tests compare it: line, kind and (when not
// empty) the message.
type rej struct {
	Line    int64
	Kind    string
	Message string
}

func rejs(rs []Rejected, withMessage bool) []rej {
	var out []rej
	for _, r := range rs {
		x := rej{Line: r.Line, Kind: r.Kind}
		if withMessage {
			x.Message = r.Message
		}
		out = append(out, x)
	}
	return out
}

func names(cols []Column) []string {
	var out []string
	for _, c := range cols {
		out = append(out, c.Name)
	}
	return out
}

// prob is a problem as the tests compare it.
type prob struct {
	Kind   string
	Line   int64
	Column string
}

func probs(ps []Problem) []prob {
	var out []prob
	for _, p := range ps {
		out = append(out, prob{p.Kind, p.Line, p.Column})
	}
	return out
}

func gzipped(t testing.TB, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCSV(t *testing.T) {
	tests := []struct {
		name     string
		file     string // file name; default data.csv
		data     string
		gz       bool
		opts     Options
		columns  []string
		rows     [][]string
		lines    []int64
		rejected []rej // messages compared when set
		problems []prob
	}{
		{
			name:    "BOM is stripped",
			data:    "\xEF\xBB\xBFid,name\n1,a\n2,b\n",
			columns: []string{"id", "name"},
			rows:    [][]string{{"1", "a"}, {"2", "b"}},
			lines:   []int64{2, 3},
		},
		{
			name:    "quoted commas, quotes and newlines",
			data:    "id,text\n1,\"a, b\"\n2,\"line1\nline2\n\nline4\"\n3,\"say \"\"hi\"\"\"\n4,c\n",
			columns: []string{"id", "text"},
			rows:    [][]string{{"1", "a, b"}, {"2", "line1\nline2\n\nline4"}, {"3", `say "hi"`}, {"4", "c"}},
			lines:   []int64{2, 3, 7, 8},
		},
		{
			name:    "CRLF line ends",
			data:    "id,name\r\n1,a\r\n2,\"b\r\nc\"\r\n3,d\r\n",
			columns: []string{"id", "name"},
			rows:    [][]string{{"1", "a"}, {"2", "b\nc"}, {"3", "d"}},
			lines:   []int64{2, 3, 5},
		},
		{
			name:    "no newline at the end",
			data:    "a,b\n1,2\n3,4",
			columns: []string{"a", "b"},
			rows:    [][]string{{"1", "2"}, {"3", "4"}},
			lines:   []int64{2, 3},
		},
		{
			name:    "blank lines are skipped",
			data:    "\n\na,b\n\n1,2\r\n\r\n\n3,4\n\n",
			columns: []string{"a", "b"},
			rows:    [][]string{{"1", "2"}, {"3", "4"}},
			lines:   []int64{5, 8},
		},
		{
			name:    "semicolon detected",
			data:    "a;b;c\n1;2,5;3\n",
			columns: []string{"a", "b", "c"},
			rows:    [][]string{{"1", "2,5", "3"}},
			lines:   []int64{2},
		},
		{
			name:    "tab detected",
			data:    "a\tb,c\td\n1\t2\t3\n",
			columns: []string{"a", "b,c", "d"},
			rows:    [][]string{{"1", "2", "3"}},
			lines:   []int64{2},
		},
		{
			name:    "pipe detected",
			data:    "a|b|c\n1|2|3\n",
			columns: []string{"a", "b", "c"},
			rows:    [][]string{{"1", "2", "3"}},
			lines:   []int64{2},
		},
		{
			name:    "delimiters inside quotes do not count",
			data:    "\"x,y,z\";w\n1;2\n",
			columns: []string{"x,y,z", "w"},
			rows:    [][]string{{"1", "2"}},
			lines:   []int64{2},
		},
		{
			name:    "tie in a .tsv goes to tab",
			file:    "data.tsv",
			data:    "a,b\tc\n1\t2\n",
			columns: []string{"a,b", "c"},
			rows:    [][]string{{"1", "2"}},
			lines:   []int64{2},
		},
		{
			name:    "tie in a .csv goes to comma",
			data:    "a,b\tc\n1,2\t3\n",
			columns: []string{"a", "b\tc"},
			rows:    [][]string{{"1", "2\t3"}},
			lines:   []int64{2},
		},
		{
			name:    "single column .tsv",
			file:    "data.tsv",
			data:    "text\nhello, world\n",
			columns: []string{"text"},
			rows:    [][]string{{"hello, world"}},
			lines:   []int64{2},
		},
		{
			name:    "delimiter given",
			data:    "a;b,c\n1;2,3\n",
			opts:    Options{Delimiter: ';'},
			columns: []string{"a", "b,c"},
			rows:    [][]string{{"1", "2,3"}},
			lines:   []int64{2},
		},
		{
			name:    "gzip",
			file:    "data.csv.gz",
			gz:      true,
			data:    "\xEF\xBB\xBFid,text\n1,\"a\nb\"\n2,c\n",
			columns: []string{"id", "text"},
			rows:    [][]string{{"1", "a\nb"}, {"2", "c"}},
			lines:   []int64{2, 4},
		},
		{
			name:    "gzipped tsv",
			file:    "DATA.TSV.GZ",
			gz:      true,
			data:    "a\tb\n1\t2\n",
			columns: []string{"a", "b"},
			rows:    [][]string{{"1", "2"}},
			lines:   []int64{2},
		},
		{
			name:     "duplicate headers renamed",
			data:     "score,name,score,score\n1,x,2,3\n",
			columns:  []string{"score", "name", "score.2", "score.3"},
			rows:     [][]string{{"1", "x", "2", "3"}},
			lines:    []int64{2},
			problems: []prob{{KindDuplicateHeader, 1, "score.2"}, {KindDuplicateHeader, 1, "score.3"}},
		},
		{
			name:     "renamed duplicate skips a taken name",
			data:     "a,a,a.2\n1,2,3\n",
			columns:  []string{"a", "a.3", "a.2"},
			rows:     [][]string{{"1", "2", "3"}},
			lines:    []int64{2},
			problems: []prob{{KindDuplicateHeader, 1, "a.3"}},
		},
		{
			name:     "empty header names",
			data:     ",b,\n1,2,3\n",
			columns:  []string{"column_1", "b", "column_3"},
			rows:     [][]string{{"1", "2", "3"}},
			lines:    []int64{2},
			problems: []prob{{KindEmptyHeader, 1, "column_1"}, {KindEmptyHeader, 1, "column_3"}},
		},
		{
			name:    "ragged rows rejected",
			data:    "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n",
			columns: []string{"a", "b", "c"},
			rows:    [][]string{{"1", "2", "3"}, {"10", "11", "12"}},
			lines:   []int64{2, 5},
			rejected: []rej{
				{3, KindFieldCount, "got 2 fields, want 3"},
				{4, KindFieldCount, "got 4 fields, want 3"},
			},
		},
		{
			name:    "bad quotes mid-file",
			data:    "a,b\n1,x\"y\n2,\"ok\"\n3,\"z\"q,more\n4,\"multi\nline\"x\n5,w\n",
			columns: []string{"a", "b"},
			rows:    [][]string{{"2", "ok"}, {"5", "w"}},
			lines:   []int64{3, 7},
			rejected: []rej{
				{2, KindQuote, `bare " in non-quoted-field at line 2, column 4`},
				{4, KindQuote, `extraneous or missing " in quoted-field at line 4, column 5`},
				{5, KindQuote, `extraneous or missing " in quoted-field at line 6, column 5`},
			},
		},
		{
			name:     "unterminated quote at the end",
			data:     "a,b\n1,x\n2,\"never\n3,y\n",
			columns:  []string{"a", "b"},
			rows:     [][]string{{"1", "x"}},
			lines:    []int64{2},
			rejected: []rej{{3, KindQuote, "the quote opened at line 3 is never closed"}},
		},
		{
			name:     "unterminated quote in the last line without newline",
			data:     "a,b\n1,x\n2,\"never",
			columns:  []string{"a", "b"},
			rows:     [][]string{{"1", "x"}},
			lines:    []int64{2},
			rejected: []rej{{3, KindQuote, "the quote opened at line 3 is never closed"}},
		},
		{
			name:     "invalid UTF-8",
			data:     "a,b\n1,\xff\xfe\n2,ok\n",
			columns:  []string{"a", "b"},
			rows:     [][]string{{"2", "ok"}},
			lines:    []int64{3},
			rejected: []rej{{2, KindInvalidUTF8, `invalid UTF-8 in column "b"`}},
		},
		{
			name:    "no quoting in a TSV with stray quotes",
			file:    "data.tsv",
			data:    "id\ttext\n1\t\"hello\n2\tsay \"hi\"\r\n3\t\"quoted\"\n\n4\tend\"",
			opts:    Options{NoQuote: true},
			columns: []string{"id", "text"},
			rows:    [][]string{{"1", `"hello`}, {"2", `say "hi"`}, {"3", `"quoted"`}, {"4", `end"`}},
			lines:   []int64{2, 3, 4, 6},
		},
		{
			name:    "no quoting still rejects ragged rows",
			file:    "data.tsv",
			data:    "a\tb\n1\t2\t3\n4\t5\n",
			opts:    Options{NoQuote: true},
			columns: []string{"a", "b"},
			rows:    [][]string{{"4", "5"}},
			lines:   []int64{3},
			rejected: []rej{
				{2, KindFieldCount, "got 3 fields, want 2"},
			},
		},
		{
			name:     "quoted newline in a TSV is a problem",
			file:     "data.tsv",
			data:     "id\ttext\n1\t\"a\nb\"\n2\tc\n3\t\"d\ne\"\n",
			columns:  []string{"id", "text"},
			rows:     [][]string{{"1", "a\nb"}, {"2", "c"}, {"3", "d\ne"}},
			lines:    []int64{2, 4, 5},
			problems: []prob{{KindQuotedNewline, 2, ""}},
		},
		{
			name:    "trim space",
			data:    "age, workclass , note\n39, State-gov,  x y \n",
			opts:    Options{TrimSpace: true},
			columns: []string{"age", "workclass", "note"},
			rows:    [][]string{{"39", "State-gov", "x y"}},
			lines:   []int64{2},
		},
		{
			name:    "no trim by default",
			data:    "a, b\n1, 2\n",
			columns: []string{"a", " b"},
			rows:    [][]string{{"1", " 2"}},
			lines:   []int64{2},
		},
		{
			name:    "all rows rejected is not header only",
			data:    "a,b\n1\n",
			columns: []string{"a", "b"},
			rejected: []rej{
				{2, KindFieldCount, "got 1 fields, want 2"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "data.csv"
			}
			data := []byte(tt.data)
			if tt.gz {
				data = gzipped(t, tt.data)
			}
			path := writeFile(t, file, data)
			res, err := readAll(t, path, tt.opts)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if got := names(res.columns); !reflect.DeepEqual(got, tt.columns) {
				t.Errorf("columns = %q, want %q", got, tt.columns)
			}
			if !reflect.DeepEqual(res.rows, tt.rows) {
				t.Errorf("rows = %q, want %q", res.rows, tt.rows)
			}
			if !reflect.DeepEqual(res.lines, tt.lines) {
				t.Errorf("lines = %v, want %v", res.lines, tt.lines)
			}
			if got := rejs(res.rejected, true); !reflect.DeepEqual(got, tt.rejected) {
				t.Errorf("rejected = %+v, want %+v", got, tt.rejected)
			}
			if got := probs(res.problems); !reflect.DeepEqual(got, tt.problems) {
				t.Errorf("problems = %+v, want %+v", got, tt.problems)
			}
			for _, p := range res.problems {
				if p.File != path || p.Message == "" {
					t.Errorf("problem %+v: want File %q and a message", p, path)
				}
			}
			raw, _ := os.ReadFile(path)
			sum := sha256.Sum256(raw)
			if want := hex.EncodeToString(sum[:]); res.sha != want {
				t.Errorf("SHA256 = %s, want %s", res.sha, want)
			}
			if res.bytes != int64(len(raw)) {
				t.Errorf("unit bytes add up to %d, want the file size %d", res.bytes, len(raw))
			}
		})
	}
}

func TestRejectedErr(t *testing.T) {
	for _, tt := range []struct {
		kind string
		want error
	}{
		{KindFieldCount, ErrFieldCount},
		{KindQuote, ErrQuote},
		{KindInvalidUTF8, ErrInvalidUTF8},
		{KindTooLong, ErrTooLong},
	} {
		if got := (Rejected{Kind: tt.kind}).Err(); got != tt.want {
			t.Errorf("Rejected{Kind: %q}.Err() = %v, want %v", tt.kind, got, tt.want)
		}
	}
}

func TestCSVQuotedNewlineMessage(t *testing.T) {
	path := writeFile(t, "data.tsv", []byte("id\ttext\n1\t\"a\nb\"\n"))
	res, err := readAll(t, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.problems) != 1 || !strings.Contains(res.problems[0].Message, `quote: ""`) {
		t.Errorf("problems = %+v, want one suggesting quote: \"\" in audit.yaml", res.problems)
	}
}

func TestCSVOpenErrors(t *testing.T) {
	truncated := gzipped(t, strings.Repeat("a,b\n1,2\n", 5000))
	truncated = truncated[:len(truncated)/2]
	tests := []struct {
		name string
		file string
		data []byte // nil: do not create the file
		want error
		line int64 // when > 0, the *Error's line
	}{
		{name: "missing file", file: "missing.csv", want: fs.ErrNotExist},
		{name: "empty file", file: "e.csv", data: []byte{}, want: ErrEmpty},
		{name: "only blank lines", file: "e.csv", data: []byte("\n\r\n\n"), want: ErrEmpty},
		{name: "only a BOM", file: "e.csv", data: []byte("\xEF\xBB\xBF"), want: ErrEmpty},
		{name: "empty gzip stream", file: "e.csv.gz", data: gzipped(t, ""), want: ErrEmpty},
		{name: "header only", file: "h.csv", data: []byte("a,b,c\n"), want: ErrNoRows, line: 1},
		{name: "header only, no newline", file: "h.csv", data: []byte("a,b,c"), want: ErrNoRows},
		{name: "header and blank lines", file: "h.csv", data: []byte("\na,b\n\n\n"), want: ErrNoRows, line: 2},
		{name: "truncated gzip", file: "t.csv.gz", data: truncated, want: ErrTruncated},
		{name: "gzip cut in its header", file: "t.csv.gz", data: truncated[:5], want: ErrTruncated},
		{name: "not gzip", file: "n.csv.gz", data: []byte("a,b\n1,2\n"), want: nil},
		{name: "bad quote in header", file: "q.csv", data: []byte("a,b\"c\n1,2\n"), want: ErrQuote, line: 1},
		{name: "unterminated quote in header", file: "q.csv", data: []byte("a,\"b\n1,2\n"), want: ErrUnterminated},
		{name: "invalid UTF-8 in header", file: "u.csv", data: []byte("a,\xff\n1,2\n"), want: ErrInvalidUTF8},
		{name: "binary file of unknown extension", file: "data.bin", data: []byte("\x00\x01\x02binary"), want: ErrUnsupported},
		{name: "text file of unknown extension is CSV", file: "adult.data", data: []byte("a,b\n"), want: ErrNoRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			if tt.data != nil {
				if err := os.WriteFile(path, tt.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := readAll(t, path, Options{})
			if err == nil {
				t.Fatalf("err = nil, want %v", tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %T %v, want an *Error", err, err)
			}
			if e.File != path {
				t.Errorf("Error.File = %q, want %q", e.File, path)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.want)
			}
			if tt.line > 0 && e.Line != tt.line {
				t.Errorf("Error.Line = %d, want %d", e.Line, tt.line)
			}
		})
	}
}

// TestCSVTruncatedAfterSample checks that a gzip stream truncated after the
// sampled rows fails in Units with the line reached.
func TestCSVTruncatedAfterSample(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,text\n")
	for i := range 200000 {
		fmt.Fprintf(&b, "%d,some text for row %d\n", i, i)
	}
	gz := gzipped(t, b.String())
	path := writeFile(t, "big.csv.gz", gz[:len(gz)*3/4])
	_, err := readAll(t, path, Options{ChunkBytes: 64 << 10})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v, want an *Error wrapping ErrTruncated", err)
	}
	// About 3/4 of 200001 lines were decompressed.
	if e.Line < 100000 || e.Line > 200001 {
		t.Errorf("Error.Line = %d, want the line reached (100000..200001)", e.Line)
	}
}

func TestCSVTypes(t *testing.T) {
	data := "" +
		"int,float,bool,date,ts,text,mixed,nulls,empty,neg\n" +
		"1,1.5,true,2024-01-02,2024-01-02T10:00:00Z,a,1,NA,,-3\n" +
		"2,2,FALSE,2024-02-29,2024-01-02 10:00:00,b,x,NA,,-4.5\n" +
		"NA,-3e5,True,NA,2024-01-03,c,2,NA,,NA\n"
	path := writeFile(t, "types.csv", []byte(data))
	res, err := readAll(t, path, Options{NullValues: []string{"NA"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Column{
		{"int", TypeInteger}, {"float", TypeFloat}, {"bool", TypeBoolean}, {"date", TypeDate},
		{"ts", TypeTimestamp}, {"text", TypeString}, {"mixed", TypeString}, {"nulls", TypeString},
		{"empty", TypeString}, {"neg", TypeFloat},
	}
	if !reflect.DeepEqual(res.columns, want) {
		t.Errorf("columns = %v, want %v", res.columns, want)
	}
}

func TestCSVTypeGuess(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"integers", []string{"1", "-2", "+3", "0"}, TypeInteger},
		{"floats and integers", []string{"1", "2.5", "1e3"}, TypeFloat},
		{"NaN is not a float", []string{"1.5", "NaN"}, TypeString},
		{"Inf is not a float", []string{"inf"}, TypeString},
		{"booleans", []string{"true", "FALSE", "True"}, TypeBoolean},
		{"yes is not boolean", []string{"true", "yes"}, TypeString},
		{"dates", []string{"2024-01-01", "1999-12-31"}, TypeDate},
		{"bad date", []string{"2024-02-30"}, TypeString},
		{"timestamps", []string{"2024-01-01T00:00:00+02:00", "2024-01-01 12:30:00.25"}, TypeTimestamp},
		{"dates and timestamps", []string{"2024-01-01", "2024-01-01 12:30:00"}, TypeTimestamp},
		{"nothing seen", nil, TypeString},
		{"words", []string{"abc"}, TypeString},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g typeGuess
			for _, v := range tt.values {
				g.add(v)
			}
			if got := g.typ(); got != tt.want {
				t.Errorf("type of %q = %s, want %s", tt.values, got, tt.want)
			}
		})
	}
}

func TestCSVSampleRows(t *testing.T) {
	// Row 4 is not an integer; a sample of 2 rows does not see it.
	path := writeFile(t, "s.csv", []byte("n\n1\n2\nx\n"))
	for _, tt := range []struct {
		name   string
		sample int
		want   string
	}{
		{"sample of 2", 2, TypeInteger},
		{"default sample", 0, TypeString},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := readAll(t, path, Options{SampleRows: tt.sample})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.columns[0].Type; got != tt.want {
				t.Errorf("type = %s, want %s", got, tt.want)
			}
			if len(res.rows) != 3 {
				t.Errorf("rows = %d, want 3", len(res.rows))
			}
		})
	}
}

// chunkingInput is a CSV whose records span lines, with damage here and
// there, long enough to be cut in many small chunks.
func chunkingInput() string {
	var b strings.Builder
	b.WriteString("id,text,n\r\n")
	for i := range 300 {
		switch i % 10 {
		case 0:
			fmt.Fprintf(&b, "%d,\"multi\nline, with \"\"quotes\"\"\n\nand a blank line\",%d\n", i, i)
		case 3:
			fmt.Fprintf(&b, "%d,ragged\n", i)
		case 5:
			fmt.Fprintf(&b, "%d,bad\"quote,%d\n", i, i)
		case 6:
			fmt.Fprintf(&b, "\n%d,\"after a blank line\",%d\r\n", i, i)
		case 7:
			fmt.Fprintf(&b, "%d,\"closed\"then text,%d\n", i, i)
		case 8:
			fmt.Fprintf(&b, "%d,\"%s\",%d\n", i, strings.Repeat("long,\n", 30), i)
		default:
			fmt.Fprintf(&b, "%d,plain %d,%d\n", i, i, i)
		}
	}
	b.WriteString("300,\"unterminated\n301,x,1\n")
	return b.String()
}

func TestCSVChunking(t *testing.T) {
	path := writeFile(t, "chunks.csv", []byte(chunkingInput()))
	gzPath := writeFile(t, "chunks.csv.gz", gzipped(t, chunkingInput()))
	want, err := readAll(t, path, Options{ChunkBytes: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	if want.units != 1 {
		t.Fatalf("reference read has %d units, want 1", want.units)
	}
	// Hand count: 300 records, 30 each of ragged (i%10==3), bare quote
	// (5) and text after a closing quote (7) rejected, then the
	// unterminated record.
	if len(want.rows) != 210 || len(want.rejected) != 91 {
		t.Fatalf("reference: %d rows, %d rejected, want 210 and 91", len(want.rows), len(want.rejected))
	}
	// Record 10 starts after the header (1 line), records 0..9: record 0
	// spans 4 lines, 6 has a blank line before it, 8 spans 31 lines.
	if got, wantLine := want.lines[7], int64(1+4+1+1+1+1+1+2+1+31+1+1); got != wantLine {
		t.Errorf("line of record 10 = %d, want %d", got, wantLine)
	}
	last := want.rejected[len(want.rejected)-1]
	if last.Kind != KindQuote || !strings.Contains(last.Message, "never closed") {
		t.Errorf("last rejected = %+v, want the unterminated quote", last)
	}
	for _, tt := range []struct {
		name string
		path string
		opts Options
	}{
		{"64-byte chunks", path, Options{ChunkBytes: 64, BatchRows: 3}},
		{"1-byte chunks", path, Options{ChunkBytes: 1, BatchRows: 1}},
		{"4 KiB chunks", path, Options{ChunkBytes: 4096}},
		{"64-byte chunks of gzip", gzPath, Options{ChunkBytes: 64, BatchRows: 7}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, tt.path, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got.units < 2 {
				t.Errorf("units = %d, want several", got.units)
			}
			if !reflect.DeepEqual(got.rows, want.rows) {
				t.Errorf("rows differ from a single-chunk read")
			}
			if !reflect.DeepEqual(got.lines, want.lines) {
				t.Errorf("lines = %v, want %v", got.lines, want.lines)
			}
			if !reflect.DeepEqual(got.rejected, want.rejected) {
				t.Errorf("rejected = %+v, want %+v", got.rejected, want.rejected)
			}
		})
	}
}

func TestCSVTooLongRecord(t *testing.T) {
	old := maxRecordBytes
	maxRecordBytes = 256
	t.Cleanup(func() { maxRecordBytes = old })

	// 1 MB, longer than a read block, so that the record is still pending
	// when the limit is reached.
	long := strings.Repeat("xxxxxxxxx\n", 100000)
	tests := []struct {
		name     string
		data     string
		rows     [][]string
		lines    []int64
		rejected []rej
	}{
		{
			name:  "a long quoted record is skipped",
			data:  "a,b\n1,x\n2,\"" + long + "\"\n3,y\n",
			rows:  [][]string{{"1", "x"}, {"3", "y"}},
			lines: []int64{2, 100004},
			rejected: []rej{{3, KindTooLong,
				"record is longer than 256 bytes; skipped up to line 100003 (the quote opened at line 3 is probably never closed)"}},
		},
		{
			name:     "a quote never closed is skipped to the end",
			data:     "a,b\n1,x\n2,\"" + long + long + "3,y\n",
			rows:     [][]string{{"1", "x"}},
			lines:    []int64{2},
			rejected: []rej{{3, KindQuote, "the quote opened at line 3 is never closed"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "long.csv", []byte(tt.data))
			res, err := readAll(t, path, Options{ChunkBytes: 16})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.rows, tt.rows) {
				t.Errorf("rows = %q, want %q", res.rows, tt.rows)
			}
			if !reflect.DeepEqual(res.lines, tt.lines) {
				t.Errorf("lines = %v, want %v", res.lines, tt.lines)
			}
			if got := rejs(res.rejected, true); !reflect.DeepEqual(got, tt.rejected) {
				t.Errorf("rejected = %+v, want %+v", got, tt.rejected)
			}
		})
	}
}

func TestCSVBatchRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("n\n")
	for i := range 10 {
		fmt.Fprintf(&b, "%d\n", i)
	}
	b.WriteString("1,2\n") // rejected, in the last batch
	path := writeFile(t, "b.csv", []byte(b.String()))
	f, err := Open(t.Context(), path, Options{BatchRows: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var sizes []int64
	var rejected []int
	err = f.Units(t.Context(), func(u Unit) error {
		return u.Decode(mem, func(b *Batch) error {
			sizes = append(sizes, b.Record.NumRows())
			rejected = append(rejected, len(b.Rejected))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{4, 4, 2}; !reflect.DeepEqual(sizes, want) {
		t.Errorf("batch sizes = %v, want %v", sizes, want)
	}
	if want := []int{0, 0, 1}; !reflect.DeepEqual(rejected, want) {
		t.Errorf("rejected per batch = %v, want %v", rejected, want)
	}
}

func TestCSVUnitsCancelled(t *testing.T) {
	path := writeFile(t, "c.csv", []byte("a\n1\n2\n"))
	f, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := f.Units(ctx, func(Unit) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Units = %v, want context.Canceled", err)
	}
}

func TestCSVBadDelimiter(t *testing.T) {
	path := writeFile(t, "d.csv", []byte("a\n1\n"))
	for _, d := range []rune{'"', '\n', 'é'} {
		if _, err := Open(t.Context(), path, Options{Delimiter: d}); err == nil {
			t.Errorf("delimiter %q: err = nil, want an error", d)
		}
	}
}
