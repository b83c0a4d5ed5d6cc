package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dataready/audit/norm"
	"dataready/fixtures/gen"
)

// tinyWant are the answers to Q1–Q6 on testdata/tiny.csv, counted by hand:
//
//	row text                  norm(text)          label    split
//	T01 Hello world           hello world         billing  train
//	T02 hello   World         hello world         refund   train
//	T03 "  HELLO world "      hello world         billing  holdout
//	T04 Order late            order late          shipping train
//	T05 order<TAB>late        order late          shipping holdout
//	T06 Refund please         refund please       refund   train
//	T07 refund please!        refund please!      (empty)  holdout
//	T08 Card declined         card declined       billing  train
//	T09 card DECLINED         card declined       payment  train
//	T10 Where is my parcel    where is my parcel  shipping holdout
//	T11 Where is my parcel    where is my parcel  shipping holdout
//	T12 Card declined         card declined       payment  holdout
//
// Q3: 12 rows in 11 region×channel×label groups (T10 and T11 are both
// us/web/shipping). Q4: "hello world" (billing, refund; 3 rows) and "card
// declined" (billing, payment; 3 rows). Q5: T03, T05 and T12 repeat a train
// text; T07 has a "!" more, T10/T11 only repeat each other. Q6: train users
// U1 U2 U5 U6, holdout users U3 U4 U5 U7 U2 U8: U2 and U5.
var tinyWant = map[string]Answer{
	"Q1": {"rows": 12},
	"Q2": {
		"train/billing": 2, "train/refund": 2, "train/shipping": 1, "train/payment": 1,
		"holdout/billing": 1, "holdout/shipping": 3, "holdout/(null)": 1, "holdout/payment": 1,
	},
	"Q3": {"groups": 11, "rows": 12},
	"Q4": {"texts": 2, "rows": 6},
	"Q5": {"rows": 3},
	"Q6": {"user_ids": 2},
}

// tinyFiles returns testdata/tiny.csv and a Parquet copy of it.
func tinyFiles(t *testing.T) map[string]string {
	t.Helper()
	csv, err := filepath.Abs(filepath.Join("testdata", "tiny.csv"))
	if err != nil {
		t.Fatal(err)
	}
	pq := filepath.Join(t.TempDir(), "tiny.parquet")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	src, _ := sourceSQL("csv", csv)
	if _, err := db.Exec("COPY (SELECT * FROM " + src + ") TO '" + pq + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"csv": csv, "parquet": pq}
}

func TestDuckDBQueriesOnTinyData(t *testing.T) {
	files := tinyFiles(t)
	for _, format := range []string{"csv", "parquet"} {
		for _, q := range Queries {
			t.Run(format+"/"+q.ID, func(t *testing.T) {
				got, err := runDuckDB(t.Context(), q, format, files[format])
				if err != nil {
					t.Fatal(err)
				}
				if d := Diff(got, tinyWant[q.ID]); len(d) > 0 {
					t.Errorf("%s on %s: %s", q.ID, format, strings.Join(d, "; "))
				}
			})
		}
	}
}

func TestPandasQueriesOnTinyData(t *testing.T) {
	if testing.Short() {
		t.Skip("starts python 6 times per format")
	}
	p, ok := findPandas(t.Context(), pythonCandidates)
	if !ok {
		t.Skip("no python3 imports pandas")
	}
	files := tinyFiles(t)
	formats := []string{"csv"}
	if p.Parquet {
		formats = append(formats, "parquet")
	}
	for _, format := range formats {
		for _, q := range Queries {
			t.Run(format+"/"+q.ID, func(t *testing.T) {
				t.Parallel()
				out, err := exec.CommandContext(t.Context(), p.Python, p.args(q.ID, format, files[format])...).Output()
				if err != nil {
					t.Fatalf("%v: %s", err, stderrOf(err))
				}
				var got Answer
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatalf("answer %q: %v", out, err)
				}
				if d := Diff(got, tinyWant[q.ID]); len(d) > 0 {
					t.Errorf("%s on %s: %s", q.ID, format, strings.Join(d, "; "))
				}
			})
		}
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// TestNormSQLMatchesAudit checks the assumption behind Q4 and Q5: on the
// generator's texts, normSQL in DuckDB gives exactly the audit's norm.
func TestNormSQLMatchesAudit(t *testing.T) {
	const rows = 20000
	path := filepath.Join(t.TempDir(), "gen.csv")
	var buf bytes.Buffer
	if err := gen.Large(t.Context(), &buf, rows, gen.CSV, 1); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	checkNormSQL(t, t.Context(), "SELECT text, NORM(text) FROM read_csv('"+path+"')", rows)
}

// TestNormSQLCases compares normSQL with norm on hand-picked ASCII strings
// and on the non-ASCII characters the generator writes.
func TestNormSQLCases(t *testing.T) {
	cases := []string{
		"", " ", "plain text", "Mixed CASE", "  lead and trail  ", "tab\there", "new\nline", "cr\r\nlf",
		"vt\vff\f", "many   inner \t\n spaces", "price €12.50, or £9", "UPPER €", "two  spaces", " one lead",
		"trail ", "only\rcr",
	}
	var vals []string
	for _, c := range cases {
		vals = append(vals, "("+sqlString(c)+")")
	}
	checkNormSQL(t, t.Context(), "SELECT text, NORM(text) FROM (VALUES "+strings.Join(vals, ", ")+") AS v(text)", len(cases))
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func checkNormSQL(t *testing.T, ctx context.Context, query string, want int) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, expandNorm(query))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, bad := 0, 0
	for rows.Next() {
		var text, got string
		if err := rows.Scan(&text, &got); err != nil {
			t.Fatal(err)
		}
		n++
		if w := norm.String(text); got != w && bad < 5 {
			bad++
			t.Errorf("norm(%q): SQL gives %q, the audit %q", text, got, w)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Errorf("compared %d texts, want %d", n, want)
	}
}

func TestExpandNorm(t *testing.T) {
	got := expandNorm("SELECT NORM(a) FROM t WHERE NORM(b) = 'x'")
	want := "SELECT " + strings.ReplaceAll(normSQL, "{x}", "a") + " FROM t WHERE " + strings.ReplaceAll(normSQL, "{x}", "b") + " = 'x'"
	if got != want {
		t.Errorf("expandNorm =\n%s\nwant\n%s", got, want)
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name      string
		got, want Answer
		diff      []string
	}{
		{"equal", Answer{"a": 1, "b": 2}, Answer{"b": 2, "a": 1}, nil},
		{"both nil", nil, nil, nil},
		{"differs", Answer{"a": 1}, Answer{"a": 2}, []string{"a: got 1, want 2"}},
		{"missing and extra", Answer{"b": 1}, Answer{"a": 1}, []string{"a: missing, want 1", "b: got 1, not expected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diff(tt.got, tt.want); !reflect.DeepEqual(got, tt.diff) {
				t.Errorf("Diff = %q, want %q", got, tt.diff)
			}
		})
	}
}
