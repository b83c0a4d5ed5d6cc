package snapshot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"dataready/audit"
)

// writeReport writes rep as dir/rel/report.json.
func writeReport(t *testing.T, dir, rel string, rep any) string {
	t.Helper()
	folder := filepath.Join(dir, rel)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(folder, ReportFile)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
	v2 := func(d int, usable int64, checks ...audit.CheckResult) *audit.Report {
		r := report(checks...)
		r.Snapshot = audit.Snapshot{Time: day(d), Source: "config"}
		r.Dataset.Labels.UsableExamples = usable
		return r
	}
	// Written in another order than their snapshot times, in nested folders.
	writeReport(t, dir, "z/late", v2(5, 400,
		chk("labels.conflicts", audit.Warn, map[string]any{"conflict_rate": 0.02}),
		chk("bias.segment_coverage", audit.Pass, map[string]any{"by_column": map[string]any{
			"region": map[string]any{"max_share_shift": 0.04}, "channel": map[string]any{"max_share_shift": 0.07}}}),
		chk("leakage.exact_overlap", audit.Skip, map[string]any{})))
	writeReport(t, dir, "a/early", v2(2, 300,
		chk("labels.conflicts", audit.Pass, map[string]any{"conflict_rate": 0.0}),
		chk("leakage.exact_overlap", audit.Fail, map[string]any{"rate": 0.1})))
	// A version 1 report: its run's start orders it, volume.pilot_minimum gives usable examples.
	v1 := v1Report
	writeReport(t, dir, "m", json.RawMessage(v1))
	// Not named report.json: ignored.
	if err := os.WriteFile(filepath.Join(dir, "a", "notes.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The folder a is given twice (once through dir): its report counts once.
	h, err := Collect([]string{dir, filepath.Join(dir, "a")})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	var order []string
	for _, p := range h.Snapshots {
		order = append(order, strings.TrimPrefix(p.Path, filepath.ToSlash(dir)+"/"))
	}
	// v1: run.started_at 2025-01-01; a/early: 2025-03-02; z/late: 2025-03-05.
	if want := []string{"m/report.json", "a/early/report.json", "z/late/report.json"}; !reflect.DeepEqual(order, want) {
		t.Fatalf("snapshots %v, want %v", order, want)
	}
	values := map[string][]any{}
	for _, s := range h.Series {
		for _, v := range s.Values {
			if v == nil {
				values[s.ID] = append(values[s.ID], nil)
			} else {
				values[s.ID] = append(values[s.ID], *v)
			}
		}
	}
	want := map[string][]any{
		"usable_examples":    {9.0, 300.0, 400.0},
		"conflict_rate":      {nil, 0.0, 0.02},
		"exact_overlap_rate": {nil, 0.1, nil}, // absent, then ran, then skipped
		"imbalance_ratio":    {3.0, nil, nil},
		// The largest max_share_shift over the columns.
		"largest_segment_shift": {nil, nil, 0.07},
		"near_overlap_rate":     {nil, nil, nil},
		"entity_leakage_rate":   {nil, nil, nil},
	}
	if !reflect.DeepEqual(values, want) {
		t.Errorf("series values = %v\nwant %v", values, want)
	}
	if h.Snapshots[0].SchemaVersion != 1 || h.Snapshots[2].Verdict != audit.ReadyWithWarnings {
		t.Errorf("snapshots = %+v", h.Snapshots)
	}

	writeReport(t, dir, "b", json.RawMessage(`{"schema_version": 5, "verdict": "ready"}`))
	if _, err := Collect([]string{dir}); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "b", ReportFile)) || !strings.Contains(err.Error(), "schema_version 5") {
		t.Errorf("Collect with a version 5 report = %v, want an error naming it and its version", err)
	}
	if _, err := Collect([]string{t.TempDir()}); err == nil || !strings.Contains(err.Error(), "no report.json") {
		t.Errorf("Collect of an empty folder = %v, want no report.json found", err)
	}
}
