package source

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

// pqRecord covers the types a Parquet input may hold. Day is an int32:
// parquet-go v0.32.0 writes a time.Time tagged "date" wrong (its own reader
// gets year 66027 back for 2024-01-01).
type pqRecord struct {
	Name   string    `parquet:"name"`
	Region string    `parquet:"region,dict"`
	ID     int64     `parquet:"id"`
	Small  int32     `parquet:"small"`
	Score  float64   `parquet:"score"`
	Ratio  float32   `parquet:"ratio"`
	OK     bool      `parquet:"ok"`
	Note   *string   `parquet:"note,optional"`
	Tag    *string   `parquet:"tag,optional,dict"`
	Maybe  *int64    `parquet:"maybe,optional"`
	Flag   *bool     `parquet:"flag,optional"`
	Seen   time.Time `parquet:"seen,timestamp(millisecond)"`
	SeenNS time.Time `parquet:"seen_ns,timestamp(nanosecond)"`
	Day    int32     `parquet:"day,date"` // days since 1970-01-01; see pqRecords
	Price  int64     `parquet:"price,decimal(2:10)"`
	Count  uint32    `parquet:"count,uint(32)"`
	Big    uint64    `parquet:"big,uint(64)"`
	Raw    []byte    `parquet:"raw"`
	Bucket int32     `parquet:"bucket,dict"`
	Level  float64   `parquet:"level,dict"`
	Grade  *float32  `parquet:"grade,optional,dict"`
}

func ptr[T any](v T) *T { return &v }

func pqRecords(n int) []pqRecord {
	regions := []string{"north", "south", "east"}
	out := make([]pqRecord, n)
	for i := range out {
		r := pqRecord{
			Name:   fmt.Sprintf("name-%d", i),
			Region: regions[i%3],
			ID:     int64(i)*1_000_000_007 - 3,
			Small:  int32(-i),
			Score:  float64(i) + 0.25,
			Ratio:  float32(i) / 4,
			OK:     i%2 == 0,
			Seen:   time.Date(2024, 5, 1, 12, 0, i, 500_000_000, time.UTC),
			SeenNS: time.Date(1969, 12, 31, 23, 59, 59-i, 123_456_789, time.UTC),
			Day:    19723 + int32(i), // 2024-01-01 + i days
			Price:  int64(i*1234 - 5000),
			Count:  4_000_000_000 + uint32(i),
			Big:    1<<63 + uint64(i),
			Raw:    []byte{'r', byte('0' + i)},
			Bucket: int32(i % 3),
			Level:  float64(i%2) / 2,
		}
		if i%3 != 2 {
			r.Grade = ptr(float32(i%2) + 0.5)
		}
		if i%3 != 0 {
			r.Note = ptr(fmt.Sprintf("note %d", i))
		}
		if i%4 != 1 {
			r.Tag = ptr(regions[i%3])
		}
		if i%2 == 0 {
			r.Maybe = ptr(int64(i * i))
		}
		if i%5 != 0 {
			r.Flag = ptr(i%2 == 1)
		}
		out[i] = r
	}
	return out
}

// wantRow is what reading r must give, column by column: nil for a null,
// time.Time for timestamps and dates.
func wantRow(r pqRecord) []any {
	orNil := func(p any) any {
		v := reflect.ValueOf(p)
		if v.IsNil() {
			return nil
		}
		return v.Elem().Interface()
	}
	price := r.Price
	sign := ""
	if price < 0 {
		sign, price = "-", -price
	}
	return []any{
		r.Name, r.Region, r.ID, int64(r.Small), r.Score, float64(r.Ratio), r.OK,
		orNil(r.Note), orNil(r.Tag), orNil(r.Maybe), orNil(r.Flag),
		r.Seen, r.SeenNS.Truncate(time.Microsecond), time.Date(2024, 1, 1+int(r.Day-19723), 0, 0, 0, 0, time.UTC),
		fmt.Sprintf("%s%d.%02d", sign, price/100, price%100),
		int64(r.Count), strconv.FormatUint(r.Big, 10), string(r.Raw),
		int64(r.Bucket), r.Level, func() any {
			if r.Grade == nil {
				return nil
			}
			return float64(*r.Grade)
		}(),
	}
}

// writeParquet writes rows to a new file, rowsPerGroup rows per row group
// and small pages, so that a row group has several pages per column.
func writeParquet[T any](t testing.TB, rows []T, rowsPerGroup int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[T](f, parquet.MaxRowsPerRowGroup(rowsPerGroup), parquet.PageBufferSize(64))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// typedValue returns the Go value of a[i] (nil for a null).
func typedValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Timestamp:
		return a.Value(i).ToTime(arrow.Microsecond)
	case *array.Date32:
		return a.Value(i).ToTime()
	}
	return fmt.Sprintf("unexpected %T", a)
}

func TestParquet(t *testing.T) {
	records := pqRecords(10)
	path := writeParquet(t, records, 4)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	f, err := Open(t.Context(), path, Options{BatchRows: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wantCols := []Column{
		{"name", TypeString}, {"region", TypeString}, {"id", TypeInteger}, {"small", TypeInteger},
		{"score", TypeFloat}, {"ratio", TypeFloat}, {"ok", TypeBoolean}, {"note", TypeString},
		{"tag", TypeString}, {"maybe", TypeInteger}, {"flag", TypeBoolean}, {"seen", TypeTimestamp},
		{"seen_ns", TypeTimestamp}, {"day", TypeDate}, {"price", TypeString}, {"count", TypeInteger},
		{"big", TypeString}, {"raw", TypeString}, {"bucket", TypeInteger}, {"level", TypeFloat},
		{"grade", TypeFloat},
	}
	if got := f.Columns(); !reflect.DeepEqual(got, wantCols) {
		t.Errorf("columns = %v, want %v", got, wantCols)
	}
	if f.Format() != Parquet {
		t.Errorf("format = %s, want parquet", f.Format())
	}

	var units []Unit
	if err := f.Units(t.Context(), func(u Unit) error { units = append(units, u); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(units) != 3 {
		t.Fatalf("units = %d, want 3 row groups of 4, 4 and 2 rows", len(units))
	}
	raw, _ := os.ReadFile(path)
	sum := sha256.Sum256(raw)
	if got, want := f.SHA256(), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("SHA256 = %s, want %s", got, want)
	}

	// Decode the row groups concurrently, then check them in order.
	type part struct {
		rows  [][]any
		lines []int64
		sizes []int64
		err   error
	}
	parts := make([]part, len(units))
	done := make(chan int)
	for i, u := range units {
		go func() {
			p := &parts[i]
			p.err = u.Decode(mem, func(b *Batch) error {
				if !b.Record.Schema().Equal(f.(*parquetFile).schema) {
					return errors.New("record schema differs from the file's")
				}
				p.sizes = append(p.sizes, b.Record.NumRows())
				for r := 0; r < int(b.Record.NumRows()); r++ {
					row := make([]any, b.Record.NumCols())
					for c, col := range b.Record.Columns() {
						row[c] = typedValue(col, r)
					}
					p.rows = append(p.rows, row)
				}
				p.lines = append(p.lines, b.Lines...)
				return nil
			})
			done <- i
		}()
	}
	for range units {
		<-done
	}
	var rows [][]any
	var lines []int64
	var sizes []int64
	for _, p := range parts {
		if p.err != nil {
			t.Fatal(p.err)
		}
		rows = append(rows, p.rows...)
		lines = append(lines, p.lines...)
		sizes = append(sizes, p.sizes...)
	}
	if want := []int64{3, 1, 3, 1, 2}; !reflect.DeepEqual(sizes, want) {
		t.Errorf("batch sizes = %v, want %v", sizes, want)
	}
	if want := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines = %v, want %v", lines, want)
	}
	if len(rows) != len(records) {
		t.Fatalf("rows = %d, want %d", len(rows), len(records))
	}
	for i, r := range records {
		want := wantRow(r)
		for c := range want {
			if !reflect.DeepEqual(rows[i][c], want[c]) {
				t.Errorf("row %d column %s = %#v, want %#v", i+1, wantCols[c].Name, rows[i][c], want[c])
			}
		}
	}
}

func TestParquetManyRows(t *testing.T) {
	// Enough rows for several pages of plain and dictionary values per
	// column chunk, batches cutting across pages.
	records := pqRecords(1000)
	for i := range records {
		records[i].Region = fmt.Sprintf("region-%d", i%7)
	}
	path := writeParquet(t, records, 300)
	res, err := readAll(t, path, Options{BatchRows: 128})
	if err != nil {
		t.Fatal(err)
	}
	if res.units != 4 {
		t.Errorf("units = %d, want 4", res.units)
	}
	if len(res.rows) != 1000 {
		t.Fatalf("rows = %d, want 1000", len(res.rows))
	}
	for i, r := range records {
		if got := res.rows[i][0]; got != r.Name {
			t.Fatalf("row %d name = %q, want %q", i+1, got, r.Name)
		}
		if got := res.rows[i][1]; got != r.Region {
			t.Fatalf("row %d region = %q, want %q", i+1, got, r.Region)
		}
		if got, want := res.rows[i][9], "<null>"; r.Maybe != nil {
			if want = strconv.FormatInt(*r.Maybe, 10); got != want {
				t.Fatalf("row %d maybe = %q, want %q", i+1, got, want)
			}
		} else if got != want {
			t.Fatalf("row %d maybe = %q, want null", i+1, got)
		}
		if res.lines[i] != int64(i+1) {
			t.Fatalf("line of row %d = %d", i+1, res.lines[i])
		}
	}
}

func TestParquetErrors(t *testing.T) {
	type withList struct {
		ID   int64    `parquet:"id"`
		Tags []string `parquet:"tags,list"`
	}
	type withRepeated struct {
		ID     int64    `parquet:"id"`
		Labels []string `parquet:"labels"`
	}
	type address struct {
		City string `parquet:"city"`
	}
	type withGroup struct {
		ID   int64   `parquet:"id"`
		Addr address `parquet:"addr"`
	}
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name   string
		path   string
		want   error
		column string
	}{
		{"text named .parquet", file("text.parquet", []byte("id,name\n1,a\n")), ErrNotParquet, ""},
		{"magic at the start only", file("head.parquet", []byte("PAR1 and then nothing")), ErrNotParquet, ""},
		{"too short", file("short.parquet", []byte("PAR1")), ErrNotParquet, ""},
		{"empty", file("empty.parquet", nil), ErrEmpty, ""},
		{"bad footer", file("footer.parquet", []byte("PAR1garbage\x05\x00\x00\x00PAR1")), nil, ""},
		{"list column", writeParquet(t, []withList{{1, []string{"a"}}}, 10), ErrNested, "tags"},
		{"repeated column", writeParquet(t, []withRepeated{{1, []string{"a"}}}, 10), ErrNested, "labels"},
		{"group column", writeParquet(t, []withGroup{{1, address{"x"}}}, 10), ErrNested, "addr"},
		{"no rows", writeParquet(t, []pqRecord{}, 10), ErrNoRows, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(t.Context(), tt.path, Options{})
			if err == nil {
				f.Close()
				t.Fatalf("err = nil, want %v", tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %T %v, want an *Error", err, err)
			}
			if e.File != tt.path {
				t.Errorf("Error.File = %q, want %q", e.File, tt.path)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.want)
			}
			if e.Column != tt.column {
				t.Errorf("Error.Column = %q, want %q", e.Column, tt.column)
			}
		})
	}
}

func TestParquetFormatters(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"decimal int32", formatDecimal(parquet.Int32Value(-5), 2), "-0.05"},
		{"decimal int64", formatDecimal(parquet.Int64Value(123456), 3), "123.456"},
		{"decimal scale 0", formatDecimal(parquet.Int64Value(42), 0), "42"},
		{"decimal bytes", formatDecimal(parquet.ByteArrayValue([]byte{0x01, 0x00}), 1), "25.6"},
		{"decimal negative bytes", formatDecimal(parquet.ByteArrayValue([]byte{0xff, 0x9c}), 2), "-1.00"},
		{"uuid", formatUUID(parquet.FixedLenByteArrayValue([]byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0, 1, 2, 3, 4, 5, 6, 7})),
			"12345678-9abc-def0-0001-020304050607"},
		{"int96 epoch", formatInt96(parquet.Int96Value([3]uint32{0, 0, 2440588})), "1970-01-01T00:00:00Z"},
		// 12 h = 43200e9 ns = 10058 * 2^32 + 1_218_936_832 ns.
		{"int96 noon", formatInt96(parquet.Int96Value([3]uint32{1_218_936_832, 10058, 2440589})), "1970-01-02T12:00:00Z"},
		{"interval", formatInterval(parquet.FixedLenByteArrayValue([]byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0})), "P1M2DT0.003S"},
		{"float16 one", strconv.FormatFloat(float16([]byte{0x00, 0x3c}), 'g', -1, 64), "1"},
		{"float16 -2.5", strconv.FormatFloat(float16([]byte{0x00, 0xc1}), 'g', -1, 64), "-2.5"},
		{"floorDiv negative", strconv.FormatInt(floorDiv(-1500, 1000), 10), "-2"},
		{"floorDiv positive", strconv.FormatInt(floorDiv(1500, 1000), 10), "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

// TestParquetUnitRows cuts row groups of 300 rows (several pages per
// column, dictionary and plain, with nulls) into units of 70 rows through
// the offset index: 5 units per full row group and 2 for the last 100
// rows. Every value and line must be what decoding whole row groups gives,
// and the units' bytes must add up to the row groups'.
func TestParquetUnitRows(t *testing.T) {
	records := pqRecords(1000)
	for i := range records {
		records[i].Region = fmt.Sprintf("region-%d", i%7)
	}
	path := writeParquet(t, records, 300)
	whole, err := readAll(t, path, Options{BatchRows: 128})
	if err != nil {
		t.Fatal(err)
	}
	if whole.units != 4 {
		t.Fatalf("whole row groups: %d units, want 4", whole.units)
	}
	for _, batch := range []int{128, 32} {
		cut, err := readAll(t, path, Options{BatchRows: batch, UnitRows: 70})
		if err != nil {
			t.Fatal(err)
		}
		if want := 3*5 + 2; cut.units != want {
			t.Fatalf("batches of %d: %d units, want %d (is there no offset index?)", batch, cut.units, want)
		}
		if cut.bytes != whole.bytes {
			t.Errorf("batches of %d: units cover %d bytes, row groups %d", batch, cut.bytes, whole.bytes)
		}
		if !reflect.DeepEqual(cut.lines, whole.lines) {
			t.Fatalf("batches of %d: lines differ", batch)
		}
		for i := range whole.rows {
			if !reflect.DeepEqual(cut.rows[i], whole.rows[i]) {
				t.Fatalf("batches of %d: row %d = %q, whole row groups give %q", batch, i+1, cut.rows[i], whole.rows[i])
			}
		}
	}
}
