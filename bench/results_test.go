package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixedResults is a complete Results with round numbers: two sizes, a
// mismatch, a failure and the workers figure.
func fixedResults() *Results {
	s := func(median, lo, hi float64, rss int64, runs int) Summary {
		d := func(x float64) time.Duration { return time.Duration(x * float64(time.Second)) }
		return Summary{Runs: runs, Median: d(median), Min: d(lo), Max: d(hi), PeakRSS: rss}
	}
	size := func(rows int, scale float64) SizeResults {
		k := func(f, e, n string) TaskKey { return TaskKey{rows, f, e, n} }
		sr := SizeResults{
			Rows: rows, Formats: []string{"csv", "parquet"},
			Bytes:    map[string]int64{"csv": int64(228e6 * scale), "parquet": int64(48e6 * scale)},
			Engines:  []string{"audit", "duckdb", "pandas"},
			Queries:  []string{"Q1", "Q5"},
			Variants: []AuditVariant{auditFull, auditNoNear, auditOne},
			Summaries: map[TaskKey]Summary{
				k("csv", "audit", "full"):       s(40*scale, 39*scale, 42*scale, int64(1.32e9*scale/4), 3),
				k("csv", "audit", "nonear"):     s(20*scale, 19*scale, 21*scale, int64(766e6*scale/4), 3),
				k("csv", "audit", "full-w1"):    s(70*scale, 69*scale, 71*scale, int64(1.2e9*scale/4), 3),
				k("parquet", "audit", "full"):   s(30*scale, 29*scale, 31*scale, int64(1.4e9*scale/4), 3),
				k("parquet", "audit", "nonear"): s(10*scale, 9*scale, 11*scale, int64(700e6*scale/4), 3),
				k("csv", "duckdb", "Q1"):        s(0.44*scale, 0.40*scale, 0.50*scale, 95e6, 3),
				k("csv", "duckdb", "Q5"):        s(3.8*scale, 3.7*scale, 3.9*scale, int64(210e6*scale), 3),
				k("parquet", "duckdb", "Q1"):    s(0.03, 0.02, 0.05, 50e6, 3),
				k("parquet", "duckdb", "Q5"):    s(1.5*scale, 1.4*scale, 1.6*scale, int64(210e6*scale), 3),
				k("csv", "pandas", "Q1"):        s(1.4*scale, 1.3*scale, 1.5*scale, int64(300e6*scale), 3),
				k("csv", "pandas", "Q5"):        s(5.5*scale, 5.0*scale, 6.0*scale, int64(540e6*scale), 3),
			},
			Failed:    map[TaskKey]string{},
			Reference: map[string]Answer{"Q1": {"rows": int64(rows)}, "Q5": {"rows": int64(float64(7863) * scale)}},
		}
		// The stages of the CSV audits (they add up to the medians): the
		// CPU-bound ones (read, search) take 30 s with the default
		// workers, 54 s with one: 1.80×.
		staged := func(k TaskKey, stages ...float64) {
			sum := sr.Summaries[k]
			for i, name := range []string{"open", "read", "merge", "search", "revisit", "results"} {
				sum.Stages = append(sum.Stages, Stage{Name: name, Wall: time.Duration(stages[i] * scale * float64(time.Second))})
			}
			sr.Summaries[k] = sum
		}
		staged(k("csv", "audit", "full"), 0.1, 20, 2, 10, 5, 2.9)
		staged(k("csv", "audit", "full-w1"), 0.1, 36, 3, 18, 10, 2.9)
		for _, c := range []string{"DuckDB Parquet", "audit CSV", "audit Parquet", "pandas CSV"} {
			for _, q := range sr.Queries {
				sr.Checks = append(sr.Checks, Check{Query: q, Column: c, Subject: c + " run 1", Against: "DuckDB CSV"})
			}
		}
		return sr
	}
	small, large := size(1_000_000, 1), size(10_000_000, 10)
	large.Checks[0].Diff = []string{"rows: got 9999999, want 10000000"}
	large.Failed[TaskKey{10_000_000, "csv", "pandas", "Q5"}] = "python3: exit status 1: MemoryError reading /data/dir/tickets-10000000.csv\nmore"
	delete(large.Summaries, TaskKey{10_000_000, "csv", "pandas", "Q5"})
	r := &Results{
		Date:    time.Date(2026, 11, 28, 1, 2, 0, 0, time.UTC),
		Machine: Machine{Cores: 2, MemBytes: 25_280_000_000, CPU: "Intel(R) Xeon(R) Processor", Go: "go1.26.8", Load: "2.85 2.11 2.20", LoadEnd: "3.01 2.50 2.31"},
		Command: "go run . -rows 1000000,10000000 -runs 3 -scaling true -data DIR",
		Audit:   "7214e36", DuckDB: "v1.5.6", Pandas: "1.5.3", Runs: 3, Scaling: true,
		Sizes:  []SizeResults{small, large},
		Notes:  []string{"pandas runs on CSV only."},
		Redact: []string{"/data", "TOO-SHORT", "/data/dir", "DATA"},
	}
	r.finish()
	return r
}

func TestRenderGolden(t *testing.T) {
	var b strings.Builder
	if err := fixedResults().Render(&b); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "results.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "/data/dir") {
		t.Error("Render wrote a redacted path")
	}
	if b.String() != string(want) {
		t.Errorf("Render differs from %s (go test -run RenderGolden -update rewrites it); got:\n%s", golden, b.String())
	}
}

func TestTargets(t *testing.T) {
	r := fixedResults()
	want := map[string]string{
		"(1) 1,000,000 rows, CSV: full audit ÷ DuckDB Q5 ≤ 1.0: 40.0 s ÷ 3.80 s = 10.53×":                                                                               "not met",
		"(2) 1,000,000 rows, CSV: audit without near-duplicates ÷ DuckDB Q1 ≤ 2.5: 20.0 s ÷ 0.44 s = 45.45×":                                                            "not met",
		"(3) 1,000,000 rows, CSV: peak RSS of the full audit ≤ 1.5 GB: 330 MB":                                                                                          "met",
		"(3) 10,000,000 rows, CSV: peak RSS of the full audit ≤ 1.5 GB: 3.30 GB":                                                                                        "not met",
		"(4) 1,000,000 rows, CSV: the CPU-bound stages (read + search) with --workers 1 ÷ default workers ≥ 1.7: 54.0 s ÷ 30.0 s = 1.80×":                               "met",
		"(4) 1,000,000 rows, CSV: full audit with --workers 1 ÷ default workers (GOMAXPROCS) ≥ 1.7 (whole run, not only the CPU-bound stages): 70.0 s ÷ 40.0 s = 1.75×": "met",
	}
	got := map[string]string{}
	for _, tg := range r.Targets {
		got[tg.Text] = tg.Status
	}
	for text, status := range want {
		if got[text] != status {
			t.Errorf("target %q: status %q, want %q", text, got[text], status)
		}
	}
	if len(r.Mismatches) != 1 || !strings.Contains(r.Mismatches[0], "rows: got 9999999, want 10000000") {
		t.Errorf("mismatches = %q, want the one planted", r.Mismatches)
	}
	if len(r.Failures) != 1 || !strings.Contains(r.Failures[0], "pandas Q5, CSV") {
		t.Errorf("failures = %q, want the pandas Q5 one", r.Failures)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ got, want string }{
		{formatSeconds(25 * time.Millisecond), "0.03 s"},
		{formatSeconds(4400 * time.Millisecond), "4.40 s"},
		{formatSeconds(36400 * time.Millisecond), "36.4 s"},
		{formatSeconds(442 * time.Second), "442 s"},
		{formatBytes(766_344 * 1024), "785 MB"},
		{formatBytes(1_320_332 * 1024), "1.35 GB"},
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1000), "1,000"},
		{thousands(10_000_000), "10,000,000"},
		{thousands(-1234567), "-1,234,567"},
		{formatAnswer(Answer{"texts": 4088, "rows": 8363}), "rows 8,363, texts 4,088"},
		{formatAnswer(Answer{"a": 1, "b": 2, "c": 3, "d": 4}), "4 counts, sum 10"},
		{formatSummary(Summary{Runs: 1, Median: 2 * time.Second, Min: 2 * time.Second, Max: 2 * time.Second, PeakRSS: 5e8}), "2.00 s · 500 MB"},
		{formatSummary(Summary{Runs: 3, Median: 2 * time.Second, Min: time.Second, Max: 3 * time.Second, PeakRSS: 5e8}), "2.00 s (1.00–3.00 s) · 500 MB"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	var stderr strings.Builder
	o, err := parseOptions([]string{"-rows", "1_000_000,10000000", "-runs", "1", "-data", "/some/where", "-formats", "parquet,csv"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Rows) != 2 || o.Rows[0] != 1_000_000 || o.Rows[1] != 10_000_000 {
		t.Errorf("rows = %v", o.Rows)
	}
	if strings.Join(o.Formats, ",") != "csv,parquet" {
		t.Errorf("formats = %v, want csv,parquet in that order", o.Formats)
	}
	if strings.Contains(o.Command, "/some/where") || !strings.Contains(o.Command, "-data DIR") {
		t.Errorf("command %q quotes a path", o.Command)
	}
	for _, bad := range [][]string{{"-rows", "0"}, {"-runs", "0"}, {"-formats", "json"}, {"-engines", "polars"}, {"extra"}} {
		if _, err := parseOptions(bad, &stderr); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
