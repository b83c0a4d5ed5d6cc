package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dataready/audit"
)

// handReport writes a schema-2 report with the given checks into
// dir/name/report.json and returns the folder. The verdict follows the
// statuses.
func handReport(t *testing.T, dir, name string, checks ...audit.CheckResult) string {
	t.Helper()
	rep := audit.Report{SchemaVersion: audit.SchemaVersion, Checks: checks, Tool: audit.Tool{Name: "dataready"}}
	rep.Verdict, rep.Reason = audit.Decide(checks)
	rep.Dataset.Labels.Classes = map[string]audit.ClassCounts{"a": {Rows: map[string]int64{"train": 10}, Usable: 10}}
	rep.Dataset.Segments = map[string]audit.SegmentCounts{}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, name)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, folder, "report.json", data)
	return folder
}

func result(id string, status audit.Status, metrics map[string]any) audit.CheckResult {
	return audit.CheckResult{ID: id, Family: strings.Split(id, ".")[0], Title: id, Status: status, Metrics: metrics}
}

func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	base := handReport(t, dir, "base",
		result("labels.conflicts", audit.Warn, map[string]any{"conflict_rate": 0.004}),
		result("volume.pilot_minimum", audit.Pass, map[string]any{"usable_examples": 1000}))
	same := handReport(t, dir, "same",
		result("labels.conflicts", audit.Warn, map[string]any{"conflict_rate": 0.004}),
		result("volume.pilot_minimum", audit.Pass, map[string]any{"usable_examples": 1000}))
	// usable_examples 1000 → 700 is −30%: past the default 25%, within 40%.
	shrunk := handReport(t, dir, "shrunk",
		result("labels.conflicts", audit.Warn, map[string]any{"conflict_rate": 0.004}),
		result("volume.pilot_minimum", audit.Pass, map[string]any{"usable_examples": 700}))
	// warn → fail: a status regression whatever the tolerance.
	failing := handReport(t, dir, "failing",
		result("labels.conflicts", audit.Fail, map[string]any{"conflict_rate": 0.004}),
		result("volume.pilot_minimum", audit.Pass, map[string]any{"usable_examples": 1000}))
	newer := writeFile(t, dir, "newer.json", []byte(`{"schema_version": 3, "verdict": "ready", "checks": []}`))
	v1 := writeFile(t, dir, "v1.json", []byte(`{"schema_version": 1, "tool": {"name": "dataready", "version": "0.1.0"}, "verdict": "ready_with_warnings", "reason": "",
		"dataset": {"rows_read": 10, "rows_audited": 10, "rows_rejected": 0, "splits": [], "columns": [], "roles": {"label": "label"}, "row_key": "text"},
		"checks": [{"id": "labels.conflicts", "family": "labels", "title": "Conflicts", "status": "warn", "metrics": {"conflict_rate": 0.004}},
		           {"id": "volume.pilot_minimum", "family": "volume", "title": "Pilot", "status": "pass", "metrics": {"usable_examples": 1000}}],
		"run": {"started_at": "2025-01-01T00:00:00Z", "duration_ms": 1, "workers": 1, "bytes": 1}}`))
	garbage := writeFile(t, dir, "garbage.json", []byte("<html>not a report</html>"))

	tests := []struct {
		name string
		args []string
		code int
		want []string // in stdout + stderr
	}{
		{"no change", []string{base, same, "--fail-on", "regression"}, 0, []string{"0 regressions", "(same)"}},
		{"volume regression, no --fail-on", []string{base, shrunk}, 0, []string{"1 regression", "usable_examples", "1,000", "700", "-300 (-30%)"}},
		{"volume regression fails", []string{"--fail-on", "regression", base, shrunk}, 1, []string{"Got worse", "volume.pilot_minimum"}},
		{"within a 40% tolerance", []string{"--fail-on", "regression", "--tolerance", "0.4", base, shrunk}, 0, []string{"0 regressions"}},
		{"status regression", []string{"--fail-on", "regression", base, failing}, 1, []string{"labels.conflicts", "status", "warn", "fail", "ready_with_warnings → not_ready (worse)"}},
		{"improvement is no regression", []string{"--fail-on", "regression", failing, base}, 0, []string{"0 regressions, 1 improvement", "Got better"}},
		{"markdown", []string{"--format", "md", base, shrunk}, 0, []string{"## Since the last snapshot", "| `volume.pilot_minimum` | usable\\_examples | 1,000 | 700 |"}},
		{"older schema accepted", []string{"--fail-on", "regression", v1, same}, 0, []string{"0 regressions"}},
		{"newer schema refused", []string{newer, base}, 2, []string{newer, "schema_version 3", "versions 1 to 2"}},
		{"not a report", []string{base, garbage}, 2, []string{garbage, "not a JSON object"}},
		{"missing file", []string{base, filepath.Join(dir, "nope")}, 2, []string{"nope", "no such file"}},
		{"folder without a report", []string{base, t.TempDir()}, 2, []string{"holds no report.json"}},
		{"one path", []string{base}, 2, []string{"give OLD and NEW"}},
		{"bad format", []string{"--format", "xml", base, same}, 2, []string{"--format", "xml"}},
		{"bad fail-on", []string{"--fail-on", "warn", base, same}, 2, []string{"--fail-on", "regression"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, t.Context(), append([]string{"diff"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output does not mention %q:\nstdout: %s\nstderr: %s", w, stdout, stderr)
				}
			}
		})
	}

	t.Run("json", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, t.Context(), "diff", "--format", "json", base, shrunk)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var c audit.Comparison
		if err := json.Unmarshal([]byte(stdout), &c); err != nil {
			t.Fatalf("--format json is not a comparison: %v\n%s", err, stdout)
		}
		if c.Regressions != 1 || c.Baseline.Path != filepath.Join(base, "report.json") || c.Current.Path != filepath.Join(shrunk, "report.json") {
			t.Errorf("regressions %d, baseline %s, current %s; want 1 and the two report files", c.Regressions, c.Baseline.Path, c.Current.Path)
		}
	})
}

// shrink keeps the header and the first n rows of goodRows.
func shrink(data string, n int) string {
	lines := strings.SplitAfter(data, "\n")
	return strings.Join(lines[:n+1], "")
}

// TestRunWithBaseline audits 300 rows, then the first 200 of them against
// that report: usable examples drop from 300 to 200 (−33%), which is past
// the default tolerance but not past 50%. The snapshot alone is ready with
// warnings (exit 0).
func TestRunWithBaseline(t *testing.T) {
	dir := t.TempDir()
	full := writeFile(t, dir, "full.csv", []byte(goodRows("text,label")))
	part := writeFile(t, dir, "part.csv", []byte(shrink(goodRows("text,label"), 200)))
	first := filepath.Join(dir, "first")
	if code, _, stderr := runCLI(t, t.Context(), "run", "-q", "--label", "label", "--text", "text", "--out", first, "--snapshot-time", "2025-03-01", full); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"regression reported, exit 0", nil, 0},
		{"--fail-on regression", []string{"--fail-on", "regression"}, 1},
		{"--fail-on warn,regression", []string{"--fail-on", "warn,regression"}, 1},
		{"tolerance 50%", []string{"--fail-on", "regression", "--tolerance", "0.5"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"run", "--label", "label", "--text", "text", "--out", out, "--baseline", first, "--snapshot-time", "2025-03-02"}, tc.args...)
			code, stdout, stderr := runCLI(t, t.Context(), append(args, part)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, stdout, stderr)
			}
			rep := readReport(t, out)
			c := rep.Comparison
			if c == nil {
				t.Fatal("report.json has no comparison")
			}
			u := c.Volume.UsableExamples
			if *u.Old != 300 || *u.New != 200 || *u.Delta != -100 {
				t.Errorf("usable examples %d → %d (%d), want 300 → 200 (−100)", *u.Old, *u.New, *u.Delta)
			}
			if c.Baseline.Path != filepath.Join(first, "report.json") || c.Baseline.SnapshotTime.Format("2006-01-02") != "2025-03-01" {
				t.Errorf("baseline = %+v, want the first report, snapshot 2025-03-01", c.Baseline)
			}
			if !rep.Snapshot.Time.Equal(c.Current.SnapshotTime) || rep.Snapshot.Source != "config" {
				t.Errorf("snapshot = %+v, current = %+v; want 2025-03-02 from the config", rep.Snapshot, c.Current)
			}
			wantRegression := tc.code == 1 || tc.name == "regression reported, exit 0"
			if (c.Regressions > 0) != wantRegression {
				t.Errorf("regressions = %d, want some: %v", c.Regressions, wantRegression)
			}
			if !strings.Contains(stdout, "since "+filepath.Join(first, "report.json")) {
				t.Errorf("the summary does not name the baseline:\n%s", stdout)
			}
		})
	}
}

// TestRunBaselineErrors: a baseline that cannot be read stops the run
// before the audit (exit 2, no report).
func TestRunBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "data.csv", []byte(goodRows("text,label")))
	newer := writeFile(t, dir, "newer.json", []byte(`{"schema_version": 99, "verdict": "ready"}`))
	for _, tc := range []struct {
		name, baseline string
		want           []string
	}{
		{"missing", filepath.Join(dir, "nope"), []string{"nope", "no such file"}},
		{"newer schema", newer, []string{newer, "schema_version 99", "versions 1 to 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := runCLI(t, t.Context(), "run", "--label", "label", "--out", out, "--baseline", tc.baseline, data)
			if code != ExitCannotAudit {
				t.Errorf("exit %d, want 2\n%s\n%s", code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not mention %q: %s", w, stderr)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("the report folder exists after a bad baseline (%v), want nothing written", err)
			}
		})
	}
}

func TestHistoryCommand(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	// Three snapshots of 300, 200 and 250 rows, written in another order
	// than their snapshot times.
	for _, s := range []struct {
		folder, time string
		rows         int
	}{{"b", "2025-03-02", 200}, {"a", "2025-03-03", 250}, {"c", "2025-03-01", 300}} {
		data := writeFile(t, dir, s.folder+".csv", []byte(shrink(goodRows("text,label"), s.rows)))
		code, _, stderr := runCLI(t, t.Context(), "run", "-q", "--label", "label", "--text", "text", "--format", "json",
			"--snapshot-time", s.time, "--out", filepath.Join(runs, s.folder), data)
		if code != 0 {
			t.Fatalf("run %s: exit %d: %s", s.folder, code, stderr)
		}
	}
	out := filepath.Join(dir, "history")
	code, stdout, stderr := runCLI(t, t.Context(), "history", "--out", out, runs)
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "3 snapshots, 2025-03-01 00:00 to 2025-03-03 00:00") {
		t.Errorf("stdout = %q, want the count and the span", stdout)
	}
	data, err := os.ReadFile(filepath.Join(out, "history.json"))
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Snapshots []struct{ Path string }
		Series    []struct {
			ID     string
			Values []*float64
		}
	}
	if err := json.Unmarshal(data, &h); err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, s := range h.Snapshots {
		folders = append(folders, filepath.Base(filepath.Dir(s.Path)))
	}
	if strings.Join(folders, ",") != "c,b,a" {
		t.Errorf("snapshots in order %v, want c, b, a (by snapshot time)", folders)
	}
	// goodRows has distinct texts and no conflicts: usable = rows.
	if h.Series[0].ID != "usable_examples" || len(h.Series[0].Values) != 3 ||
		*h.Series[0].Values[0] != 300 || *h.Series[0].Values[1] != 200 || *h.Series[0].Values[2] != 250 {
		t.Errorf("series[0] = %+v, want usable_examples 300, 200, 250", h.Series[0])
	}
	if _, err := os.Stat(filepath.Join(out, "history.html")); err != nil {
		t.Errorf("no history.html: %v", err)
	}

	writeFile(t, filepath.Join(runs, "b"), "report.json", []byte(`{"schema_version": 3}`))
	code, _, stderr = runCLI(t, t.Context(), "history", "--out", out, runs)
	if code != ExitCannotAudit || !strings.Contains(stderr, filepath.Join(runs, "b", "report.json")) || !strings.Contains(stderr, "schema_version 3") {
		t.Errorf("history over a newer report: exit %d, stderr %q; want 2 naming the file and its version", code, stderr)
	}
	code, _, stderr = runCLI(t, t.Context(), "history", "--out", out, t.TempDir())
	if code != ExitCannotAudit || !strings.Contains(stderr, "no report.json") {
		t.Errorf("history over an empty folder: exit %d, stderr %q; want 2, no report.json", code, stderr)
	}
}

// TestBaselineInConfig: baseline, tolerance, snapshot_time and fail_on
// regression set in audit.yaml; the baseline resolves against the config's
// folder, like the inputs.
func TestBaselineInConfig(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "full.csv", []byte(goodRows("text,label")))
	writeFile(t, dir, "part.csv", []byte(shrink(goodRows("text,label"), 200)))
	if code, _, stderr := runCLI(t, t.Context(), "run", "-q", "--label", "label", "--text", "text", "--out", filepath.Join(dir, "runs", "first"), filepath.Join(dir, "full.csv")); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	conf := filepath.Join(dir, "conf")
	if err := os.Mkdir(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tolerance string
		code      int
	}{{"0.25", 1}, {"0.5", 0}} {
		cfg := writeFile(t, conf, "audit.yaml", []byte("inputs: [../part.csv]\nlabel: label\ntext: text\nbaseline: ../runs/first\n"+
			"snapshot_time: 2025-03-02T02:00:00Z\nfail_on: regression\ntolerance: "+tc.tolerance+"\n"))
		t.Chdir(t.TempDir())
		code, stdout, stderr := runCLI(t, t.Context(), "run", "--config", cfg, "--out", "out", "--format", "json")
		if code != tc.code {
			t.Errorf("tolerance %s: exit %d, want %d\n%s\n%s", tc.tolerance, code, tc.code, stdout, stderr)
			continue
		}
		rep := readReport(t, "out")
		if rep.Comparison == nil || rep.Comparison.Baseline.Path != filepath.Join(conf, "..", "runs", "first", "report.json") {
			t.Errorf("comparison baseline = %+v, want the report under runs/first", rep.Comparison)
		}
		if got := rep.Snapshot.Time.Format(time.RFC3339); got != "2025-03-02T02:00:00Z" {
			t.Errorf("snapshot time %s, want 2025-03-02T02:00:00Z", got)
		}
	}
}
