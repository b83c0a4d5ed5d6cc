package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dataready/audit"
)

// runCLI runs the command line in-process and returns the exit code and output.
func runCLI(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(ctx, append([]string{"audit"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// goodRows is a clean labeled table of 300 rows with two classes.
func goodRows(header string) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	for i := range 300 {
		label := "spam"
		if i%3 != 0 {
			label = "ham"
		}
		b.WriteString("message number " + strconv.Itoa(i) + "," + label + "\n")
	}
	return b.String()
}

func readReport(t *testing.T, dir string) *audit.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep audit.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

// TestBadInput runs every kind of damaged input through the command line:
// none may panic; each gives a clear message naming the place and the
// right exit code.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	good := goodRows("text,label")
	unreadable := filepath.Join(dir, "locked")
	if err := os.Mkdir(unreadable, 0o000); err != nil {
		t.Fatal(err)
	}
	full := gz(t, []byte(good))
	dupHeader := "text,label,score,score\n" + strings.ReplaceAll(strings.TrimPrefix(good, "text,label\n"), "\n", ",1,2\n")
	tests := []struct {
		name string
		args []string
		code int
		want []string // substrings of stderr (code 2) or of the report summary (stdout)
	}{
		{"missing file", []string{"--label", "label", filepath.Join(dir, "nope.csv")}, 2, []string{"nope.csv", "no such file"}},
		{"empty file", []string{"--label", "label", writeFile(t, dir, "empty.csv", nil)}, 2, []string{"empty.csv", "empty"}},
		{"header only", []string{"--label", "label", writeFile(t, dir, "header.csv", []byte("text,label\n"))}, 2, []string{"header.csv", "no rows"}},
		{"unknown label column", []string{"--label", "target", writeFile(t, dir, "a.csv", []byte(good))}, 2, []string{`"target"`, "text, label"}},
		{"unknown segment column", []string{"--label", "label", "--segments", "region", writeFile(t, dir, "b.csv", []byte(good))}, 2, []string{"segments", `"region"`, "text, label"}},
		{"truncated gzip", []string{"--label", "label", writeFile(t, dir, "cut.csv.gz", full[:len(full)/2])}, 2, []string{"cut.csv.gz", "truncated"}},
		{"not parquet", []string{"--label", "label", writeFile(t, dir, "fake.parquet", []byte(good))}, 2, []string{"fake.parquet", "not a Parquet file"}},
		{"different columns", []string{"--label", "label",
			"--train", writeFile(t, dir, "train.csv", []byte(good)),
			"--holdout", writeFile(t, dir, "holdout.csv", []byte(strings.Replace(good, "text,label", "body,label", 1)))},
			2, []string{"holdout.csv", `"text"`, "missing"}},
		{"ragged rows beyond max_bad_rows", []string{"--label", "label", writeFile(t, dir, "ragged.csv", []byte(good+"x,ham,extra\ny,ham,more,fields\nz\nw,,,\n"))}, 2, []string{"too many malformed rows", "4 of 304", "(3)"}},
		{"ragged rows tolerated", []string{"--label", "label", "--max-bad-rows", "5", writeFile(t, dir, "ragged2.csv", []byte(good+"x,ham,extra\n"))}, 0, []string{"rejected 1"}},
		{"unterminated quote at end", []string{"--label", "label", "--max-bad-rows", "5", writeFile(t, dir, "quote.csv", []byte(good+"\"never closed,ham\n"))}, 0, []string{"rejected 1"}},
		{"invalid utf-8", []string{"--label", "label", "--max-bad-rows", "5", writeFile(t, dir, "utf8.csv", []byte(good+"bad \xff byte,ham\n"))}, 0, []string{"rejected 1"}},
		{"label entirely null", []string{"--label", "label", writeFile(t, dir, "nolabel.csv", []byte(strings.NewReplacer(",spam", ",", ",ham", ",NA").Replace(good)))}, 1, []string{"NOT_READY", "300 of 300 rows (100.0%) have no label"}},
		{"duplicate header names", []string{"--label", "label", writeFile(t, dir, "dup.csv", []byte(dupHeader))}, 0, []string{"1 input problem"}},
		{"folder without data files", []string{"--label", "label", t.TempDir()}, 2, []string{"no data files"}},
		{"unreadable directory", []string{"--label", "label", unreadable}, 2, []string{"locked", "permission denied"}},
		{"no inputs", []string{"--label", "label"}, 2, []string{"nothing to audit"}},
		{"bad flag value", []string{"--label", "label", "--fail-on", "often", writeFile(t, dir, "c.csv", []byte(good))}, 2, []string{"fail_on", "often"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "unreadable directory" && os.Geteuid() == 0 {
				t.Skip("root reads any directory")
			}
			out := t.TempDir()
			code, stdout, stderr := runCLI(t, t.Context(), append([]string{"run", "--out", out}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			text := stdout + stderr
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("output does not mention %q:\nstdout: %s\nstderr: %s", w, stdout, stderr)
				}
			}
		})
	}
}

// TestProblemsNameTheirLines checks that rejected rows and renamed headers
// reach report.json with their file and line.
func TestProblemsNameTheirLines(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	// Header line 1, rows on lines 2..301, then a 3-field row on line 302.
	body := goodRows("text,label,label") // the second "label" is renamed label.2
	body = strings.ReplaceAll(strings.TrimPrefix(body, "text,label,label\n"), "\n", ",x\n")
	path := writeFile(t, dir, "data.csv", []byte("text,label,label\n"+body+"only,two\n"))
	code, stdout, stderr := runCLI(t, t.Context(), "run", "--out", out, "--label", "label", "--max-bad-rows", "1", path)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	rep := readReport(t, out)
	kinds := map[string]audit.Problem{}
	for _, p := range rep.Problems {
		kinds[p.Kind] = p
	}
	if p := kinds["field_count"]; p.File != path || p.Count != 1 || len(p.Lines) != 1 || p.Lines[0] != 302 {
		t.Errorf("field_count problem = %+v, want 1 at %s:302", p, path)
	}
	if p := kinds["duplicate_header"]; p.File != path || !strings.Contains(p.Message, "label.2") {
		t.Errorf("duplicate_header problem = %+v, want one naming label.2", p)
	}
	if rep.Dataset.RowsRead != 301 || rep.Dataset.RowsAudited != 300 || rep.Dataset.RowsRejected != 1 {
		t.Errorf("rows read/audited/rejected = %d/%d/%d, want 301/300/1", rep.Dataset.RowsRead, rep.Dataset.RowsAudited, rep.Dataset.RowsRejected)
	}
	if rep.Inputs[0].RowsRejected != 1 || rep.Inputs[0].Rows != 301 {
		t.Errorf("input = %+v, want 301 rows, 1 rejected", rep.Inputs[0])
	}
}

// TestInterruptedLeavesNoReport cancels the run: exit 130, no report.json.
func TestInterruptedLeavesNoReport(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	path := writeFile(t, dir, "data.csv", []byte(goodRows("text,label")))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	code, _, stderr := runCLI(t, ctx, "run", "--out", out, "--label", "label", path)
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d (%s)", code, ExitInterrupted, stderr)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("the report folder holds %d entries after an interrupted run, want none", len(entries))
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "data.csv", []byte(goodRows("text,label")))
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"warnings exit 0 by default", nil, 0},
		{"warnings exit 1 with --fail-on warn", []string{"--fail-on", "warn"}, 1},
		{"ready when the thresholds allow", []string{"--config", writeFile(t, dir, "ok.yaml", []byte("label: label\nchecks:\n  volume.pilot_minimum: {warn: 300}\n"))}, 0},
		{"not ready exits 1", []string{"--config", writeFile(t, dir, "strict.yaml", []byte("label: label\nchecks:\n  volume.pilot_minimum: {fail: 301}\n"))}, 1},
		{"unknown check in config", []string{"--config", writeFile(t, dir, "bad.yaml", []byte("label: label\nchecks:\n  volume.pilot: {fail: 3}\n"))}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"run", "--out", t.TempDir(), "--label", "label"}, tc.args...)
			code, stdout, stderr := runCLI(t, t.Context(), append(args, path)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tc.code, stdout, stderr)
			}
		})
	}
}

func TestFlagsAfterPaths(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "data.csv", []byte(goodRows("text,label")))
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, t.Context(), "run", path, "--label", "label", "--out", out, "--format", "json", "--quiet")
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q (want quiet), stderr %s", code, stdout, stderr)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 || entries[0].Name() != "report.json" {
		t.Errorf("report folder holds %v, want only report.json", entries)
	}
	got := hoistFlags(newApp(nil, nil), []string{"audit", "run", "a.csv", "--label", "y", "-q", "b.csv", "--text=t", "--", "-odd.csv"})
	want := []string{"audit", "run", "--label", "y", "-q", "--text=t", "a.csv", "b.csv", "--", "-odd.csv"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("hoistFlags = %q, want %q", got, want)
	}
}

// TestInitWritesAConfigThatRuns: init guesses the roles, writes inputs
// relative to the config's folder, and the config runs.
func TestInitWritesAConfigThatRuns(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("data", 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, "data", "tickets.csv", []byte(goodRows("message,label")))
	if err := os.Mkdir("conf", 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, t.Context(), "init", "--out", "conf/audit.yaml", "data/tickets.csv")
	if code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	yaml, err := os.ReadFile("conf/audit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(yaml), `"../data/tickets.csv"`) || !strings.Contains(string(yaml), `label: "label"`) {
		t.Errorf("audit.yaml:\n%s\nwant the input relative to conf/ and label guessed", yaml)
	}
	code, _, stderr = runCLI(t, t.Context(), "run", "--quiet", "--out", "out", "--format", "json", "--config", "conf/audit.yaml")
	if code != 0 {
		t.Errorf("run with the written config: exit %d: %s", code, stderr)
	}
	code, _, _ = runCLI(t, t.Context(), "init", "--out", "conf/audit.yaml", "data/tickets.csv")
	if code != ExitCannotAudit {
		t.Errorf("init over an existing file without --force: exit %d, want 2", code)
	}
}
