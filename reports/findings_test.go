package reports_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"testing"

	"github.com/parquet-go/parquet-go"

	"dataready/audit"
	"dataready/reports"
)

func findingsReport() *audit.Report {
	rep := &audit.Report{}
	rep.Dataset.Roles.IDs = []string{"user_id", "line"}
	rep.Findings = []audit.Finding{
		{Check: "labels.missing", Status: audit.Warn, Split: "train", File: "a.csv", Line: 7, IDs: []string{"U1", "x"}, Key: "00ff", Label: "NA", Reason: "label missing: NA"},
		{Check: "volume.pilot_minimum", Status: audit.Fail, Split: "test", File: "b.parquet", Line: 12, IDs: []string{"U,2", "\"q\""}, Key: "abcd", Label: "a\nb", Reason: "duplicate of a.csv:2; counts once"},
	}
	return rep
}

var wantFindings = [][]string{
	{"check", "status", "split", "file", "line", "user_id", "id.line", "key", "label", "reason"},
	{"labels.missing", "warn", "train", "a.csv", "7", "U1", "x", "00ff", "NA", "label missing: NA"},
	{"volume.pilot_minimum", "fail", "test", "b.parquet", "12", "U,2", "\"q\"", "abcd", "a\nb", "duplicate of a.csv:2; counts once"},
}

func TestFindingsCSV(t *testing.T) {
	data, err := reports.FindingsCSV(findingsReport())
	if err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantFindings) {
		t.Errorf("findings.csv =\n%q\nwant\n%q", got, wantFindings)
	}
}

func TestFindingsParquet(t *testing.T) {
	data, err := reports.FindingsParquet(findingsReport())
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	// Read raw rows and name each value by its column path.
	names := map[int]string{}
	for i, path := range f.Schema().Columns() {
		names[i] = path[0]
	}
	r := parquet.NewReader(f)
	buf := make([]parquet.Row, 10)
	n, _ := r.ReadRows(buf)
	if n != 2 {
		t.Fatalf("read %d rows, want 2", n)
	}
	rows := make([]map[string]any, n)
	for i := range n {
		rows[i] = map[string]any{}
		for _, v := range buf[i] {
			if names[v.Column()] == "line" {
				rows[i]["line"] = v.Int64()
			} else {
				rows[i][names[v.Column()]] = string(v.ByteArray())
			}
		}
	}
	header := wantFindings[0]
	for i, want := range wantFindings[1:] {
		for j, col := range header {
			got := rows[i][col]
			if col == "line" {
				if got != int64(map[int]int64{0: 7, 1: 12}[i]) {
					t.Errorf("row %d line = %v (%T)", i, got, got)
				}
				continue
			}
			if got != want[j] {
				t.Errorf("row %d %s = %q, want %q", i, col, got, want[j])
			}
		}
	}
}
