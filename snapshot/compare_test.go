package snapshot

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
)

// report builds a schema-2 report with the given checks; its verdict
// follows the statuses as audit.Decide says.
func report(checks ...audit.CheckResult) *audit.Report {
	r := &audit.Report{SchemaVersion: audit.SchemaVersion, Checks: checks}
	r.Verdict, r.Reason = audit.Decide(checks)
	r.Dataset.Labels.Classes = map[string]audit.ClassCounts{}
	r.Dataset.Segments = map[string]audit.SegmentCounts{}
	return r
}

func chk(id string, status audit.Status, metrics map[string]any) audit.CheckResult {
	return audit.CheckResult{ID: id, Title: id, Status: status, Metrics: metrics}
}

// metricOf returns the comparison of one metric of one check.
func metricOf(t *testing.T, c *audit.Comparison, id, name string) audit.MetricChange {
	t.Helper()
	for _, cc := range c.Checks {
		if cc.ID != id {
			continue
		}
		for _, m := range cc.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	t.Fatalf("no metric %s of %s in the comparison", name, id)
	return audit.MetricChange{}
}

func checkOf(t *testing.T, c *audit.Comparison, id string) audit.CheckChange {
	t.Helper()
	for _, cc := range c.Checks {
		if cc.ID == id {
			return cc
		}
	}
	t.Fatalf("no check %s in the comparison", id)
	return audit.CheckChange{}
}

func compare(t *testing.T, old, cur *audit.Report, tolerance float64) *audit.Comparison {
	t.Helper()
	c, err := Compare(old, cur, Options{Tolerance: tolerance})
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	return c
}

func TestCompareStatuses(t *testing.T) {
	tests := []struct {
		name             string
		old, cur         audit.Status
		change           string
		regression       bool
		improvements     int
		oldVerdict, verd audit.Verdict
		verdictChange    string
	}{
		{"pass to warn", audit.Pass, audit.Warn, "worse", true, 0, "ready", "ready_with_warnings", "worse"},
		{"warn to fail", audit.Warn, audit.Fail, "worse", true, 0, "ready_with_warnings", "not_ready", "worse"},
		{"pass to fail", audit.Pass, audit.Fail, "worse", true, 0, "ready", "not_ready", "worse"},
		{"fail to pass", audit.Fail, audit.Pass, "better", false, 1, "not_ready", "ready", "better"},
		{"warn to warn", audit.Warn, audit.Warn, "same", false, 0, "ready_with_warnings", "ready_with_warnings", "same"},
		{"pass to skip is no regression", audit.Pass, audit.Skip, "changed", false, 0, "ready", "ready", "same"},
		{"skip to fail is no regression", audit.Skip, audit.Fail, "changed", false, 0, "ready", "not_ready", "worse"},
		{"fail to error is no regression", audit.Fail, audit.Error, "changed", false, 0, "not_ready", "not_ready", "same"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			old := report(chk("labels.missing", tc.old, map[string]any{}), chk("labels.variants", audit.Pass, map[string]any{}))
			cur := report(chk("labels.missing", tc.cur, map[string]any{}), chk("labels.variants", audit.Pass, map[string]any{}))
			c := compare(t, old, cur, 0.25)
			cc := checkOf(t, c, "labels.missing")
			if cc.OldStatus != tc.old || cc.NewStatus != tc.cur || cc.Change != tc.change || cc.Regression != tc.regression {
				t.Errorf("check change = %s→%s %s regression=%v, want %s→%s %s regression=%v",
					cc.OldStatus, cc.NewStatus, cc.Change, cc.Regression, tc.old, tc.cur, tc.change, tc.regression)
			}
			wantRegressions := 0
			if tc.regression {
				wantRegressions = 1
			}
			if c.Regressions != wantRegressions || c.Improvements != tc.improvements {
				t.Errorf("regressions/improvements = %d/%d, want %d/%d", c.Regressions, c.Improvements, wantRegressions, tc.improvements)
			}
			if got := checkOf(t, c, "labels.variants").Change; got != "same" {
				t.Errorf("unchanged check: change %q, want same", got)
			}
			want := audit.VerdictChange{Old: tc.oldVerdict, New: tc.verd, Change: tc.verdictChange}
			if c.Verdict != want {
				t.Errorf("verdict = %+v, want %+v", c.Verdict, want)
			}
		})
	}
}

func TestCompareMetrics(t *testing.T) {
	tests := []struct {
		name      string
		id        string
		path      []string // nested keys; the metric's name joins them with "."
		old, cur  float64
		tolerance float64
		direction string
		change    string
		// regression or improvement past the tolerance
		regression, improvement bool
		relative                *float64
	}{
		// conflict_rate: lower is better. +27.5% is past 25%, +22.5% is not.
		{"rate up 27.5%", "labels.conflicts", []string{"conflict_rate"}, 0.004, 0.0051, 0.25, "lower_is_better", "worse", true, false, f(0.275)},
		{"rate up 22.5%", "labels.conflicts", []string{"conflict_rate"}, 0.004, 0.0049, 0.25, "lower_is_better", "worse", false, false, f(0.225)},
		{"rate up 27.5%, tolerance 50%", "labels.conflicts", []string{"conflict_rate"}, 0.004, 0.0051, 0.5, "lower_is_better", "worse", false, false, f(0.275)},
		{"rate halves", "labels.conflicts", []string{"conflict_rate"}, 0.004, 0.002, 0.25, "lower_is_better", "better", false, true, f(-0.5)},
		{"rate from zero", "leakage.exact_overlap", []string{"rate"}, 0, 0.001, 0.25, "lower_is_better", "worse", true, false, nil},
		{"tolerance 0: any worse move", "leakage.exact_overlap", []string{"rate"}, 0.1, 0.1001, 0, "lower_is_better", "worse", true, false, f(0.001)},
		// usable_examples: higher is better. 1000 → 740 is −26%, → 760 is −24%.
		{"usable down 26%", "volume.pilot_minimum", []string{"usable_examples"}, 1000, 740, 0.25, "higher_is_better", "worse", true, false, f(-0.26)},
		{"usable down 24%", "volume.pilot_minimum", []string{"usable_examples"}, 1000, 760, 0.25, "higher_is_better", "worse", false, false, f(-0.24)},
		{"usable up 30%", "volume.pilot_minimum", []string{"usable_examples"}, 1000, 1300, 0.25, "higher_is_better", "better", false, true, f(0.3)},
		{"imbalance ratio 10 → 13", "bias.class_balance", []string{"imbalance_ratio"}, 10, 13, 0.25, "lower_is_better", "worse", true, false, f(0.3)},
		{"alpha 0.8 → 0.5", "labels.agreement", []string{"alpha"}, 0.8, 0.5, 0.25, "higher_is_better", "worse", true, false, f(-0.375)},
		// A negative old value: the relative change is against |old|.
		{"alpha −0.2 → −0.3", "labels.agreement", []string{"alpha"}, -0.2, -0.3, 0.25, "higher_is_better", "worse", true, false, f(-0.5)},
		// Row counts have no direction: a tenfold change is reported, not judged.
		{"missing rows tenfold", "labels.missing", []string{"missing"}, 10, 100, 0.25, "unknown", "changed", false, false, f(9)},
		{"nested rate", "labels.missing", []string{"by_split", "test", "missing_rate"}, 0.1, 0.2, 0.25, "lower_is_better", "worse", true, false, f(1)},
		{"nested per class usable", "volume.class_minimum", []string{"holdout", "gift_card"}, 20, 10, 0.25, "higher_is_better", "worse", true, false, f(-0.5)},
		// Noise floors: a divergence must also move by more than 0.01, Cramér's V by more than 0.05.
		{"divergence tripled within the floor", "bias.label_shift", []string{"max_js_divergence"}, 0.001, 0.003, 0.25, "lower_is_better", "worse", false, false, f(2)},
		{"divergence up 0.02", "bias.label_shift", []string{"max_js_divergence"}, 0.05, 0.07, 0.25, "lower_is_better", "worse", true, false, f(0.4)},
		{"Cramér's V from 0 within the floor", "bias.label_disparity", []string{"max_cramers_v"}, 0, 0.03, 0.25, "lower_is_better", "worse", false, false, nil},
		{"Cramér's V from 0 past the floor", "bias.label_disparity", []string{"max_cramers_v"}, 0, 0.06, 0.25, "lower_is_better", "worse", true, false, nil},
		{"unchanged", "labels.conflicts", []string{"conflict_rate"}, 0.004, 0.004, 0.25, "lower_is_better", "same", false, false, f(0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nest := func(v float64) map[string]any {
				var m any = v
				for i := len(tc.path) - 1; i >= 0; i-- {
					m = map[string]any{tc.path[i]: m}
				}
				return m.(map[string]any)
			}
			old := report(chk(tc.id, audit.Pass, nest(tc.old)))
			cur := report(chk(tc.id, audit.Pass, nest(tc.cur)))
			c := compare(t, old, cur, tc.tolerance)
			m := metricOf(t, c, tc.id, strings.Join(tc.path, "."))
			if *m.Old != tc.old || *m.New != tc.cur {
				t.Errorf("old/new = %v/%v, want %v/%v", *m.Old, *m.New, tc.old, tc.cur)
			}
			if !near(*m.Delta, tc.cur-tc.old) {
				t.Errorf("delta = %v, want %v", *m.Delta, tc.cur-tc.old)
			}
			if (m.RelativeChange == nil) != (tc.relative == nil) || (m.RelativeChange != nil && !near(*m.RelativeChange, *tc.relative)) {
				t.Errorf("relative change = %v, want %v", show(m.RelativeChange), show(tc.relative))
			}
			if m.Direction != tc.direction || m.Change != tc.change || m.Regression != tc.regression || m.Improvement != tc.improvement {
				t.Errorf("direction/change/regression/improvement = %s/%s/%v/%v, want %s/%s/%v/%v",
					m.Direction, m.Change, m.Regression, m.Improvement, tc.direction, tc.change, tc.regression, tc.improvement)
			}
			wantR, wantI := 0, 0
			if tc.regression {
				wantR = 1
			}
			if tc.improvement {
				wantI = 1
			}
			if c.Regressions != wantR || c.Improvements != wantI {
				t.Errorf("regressions/improvements = %d/%d, want %d/%d", c.Regressions, c.Improvements, wantR, wantI)
			}
		})
	}
}

func f(x float64) *float64 { return &x }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func show(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestCompareAddedAndRemoved: checks and metrics present on one side only.
func TestCompareAddedAndRemoved(t *testing.T) {
	old := report(chk("labels.missing", audit.Pass, map[string]any{"missing_rate": 0.0, "gone": 3.0, "label": "text is ignored"}),
		chk("labels.retired", audit.Warn, map[string]any{}))
	cur := report(chk("labels.missing", audit.Pass, map[string]any{"missing_rate": 0.0, "fresh": 1.0, "list": []any{1.0, 2.0}}),
		chk("labels.new_one", audit.Fail, map[string]any{}))
	c := compare(t, old, cur, 0.25)
	var got []string
	for _, cc := range c.Checks {
		got = append(got, cc.ID+":"+cc.Change)
	}
	if want := []string{"labels.missing:same", "labels.new_one:added", "labels.retired:removed"}; !reflect.DeepEqual(got, want) {
		t.Errorf("checks = %v, want %v (current order, then removed ones)", got, want)
	}
	var names []string
	for _, m := range checkOf(t, c, "labels.missing").Metrics {
		names = append(names, m.Name+":"+m.Change)
	}
	// Strings and lists are not compared; metrics are sorted by name.
	if want := []string{"fresh:added", "gone:removed", "missing_rate:same"}; !reflect.DeepEqual(names, want) {
		t.Errorf("metrics = %v, want %v", names, want)
	}
	if c.Regressions != 0 {
		t.Errorf("regressions = %d, want 0: an added failing check is not a regression", c.Regressions)
	}
}

// TestCompareNoChange: a report compared with itself changes nothing.
func TestCompareNoChange(t *testing.T) {
	rep := report(chk("labels.conflicts", audit.Warn, map[string]any{"conflict_rate": 0.004, "by_split": map[string]any{"train": map[string]any{"conflicting_rows": 3.0}}}),
		chk("volume.pilot_minimum", audit.Pass, map[string]any{"usable_examples": 1500.0}))
	rep.Dataset.Labels = audit.LabelCounts{LabeledRows: 10, UsableExamples: 9, Classes: map[string]audit.ClassCounts{
		"a": {Rows: map[string]int64{"train": 6}, Usable: 5}, "b": {Rows: map[string]int64{"train": 4}, Usable: 4}}}
	rep.Dataset.Segments = map[string]audit.SegmentCounts{"region": {Values: map[string]map[string]int64{"eu": {"train": 10}}}}
	c := compare(t, rep, rep, 0.25)
	if c.Regressions != 0 || c.Improvements != 0 || c.Verdict.Change != "same" {
		t.Errorf("regressions %d, improvements %d, verdict %s; want 0, 0, same", c.Regressions, c.Improvements, c.Verdict.Change)
	}
	for _, cc := range c.Checks {
		for _, m := range cc.Metrics {
			if m.Change != "same" || *m.Delta != 0 {
				t.Errorf("%s %s: change %s delta %v, want same 0", cc.ID, m.Name, m.Change, *m.Delta)
			}
		}
	}
	if c.Classes == nil || c.Classes.JSDivergence != 0 || len(c.Classes.Appeared)+len(c.Classes.Vanished) != 0 {
		t.Errorf("classes = %+v, want no drift", c.Classes)
	}
	if len(c.Segments) != 1 || c.Segments[0].Change != "same" {
		t.Errorf("segments = %+v, want region unchanged", c.Segments)
	}
	if u := c.Volume.UsableExamples; *u.Old != 9 || *u.New != 9 || *u.Delta != 0 || *u.RelativeChange != 0 {
		t.Errorf("usable = %+v, want 9 → 9", u)
	}
}

func TestCompareDrift(t *testing.T) {
	old, cur := report(), report()
	// Classes: a 60, b 40 (shares .6, .4) → a 30, b 50, c 20 (.3, .5, .2).
	old.Dataset.Labels = audit.LabelCounts{LabeledRows: 100, UsableExamples: 100, Classes: map[string]audit.ClassCounts{
		"a": {Rows: map[string]int64{"train": 50, "test": 10}, Usable: 60},
		"b": {Rows: map[string]int64{"train": 40}, Usable: 40}}}
	cur.Dataset.Labels = audit.LabelCounts{LabeledRows: 100, UsableExamples: 80, Classes: map[string]audit.ClassCounts{
		"a": {Rows: map[string]int64{"train": 30}, Usable: 25},
		"b": {Rows: map[string]int64{"train": 50}, Usable: 40},
		"c": {Rows: map[string]int64{"test": 20}, Usable: 15}}}
	old.Dataset.Segments = map[string]audit.SegmentCounts{
		"region":  {Values: map[string]map[string]int64{"eu": {"train": 10}, "us": {"train": 5}}},
		"channel": {Values: map[string]map[string]int64{"web": {"train": 15}}},
	}
	cur.Dataset.Segments = map[string]audit.SegmentCounts{
		"region":    {Values: map[string]map[string]int64{"eu": {"train": 8}, "uk": {"test": 2}, audit.OtherValue: {"train": 1}}, FoldedValues: 3},
		"user_type": {Values: map[string]map[string]int64{"new": {"train": 10}}},
	}
	c := compare(t, old, cur, 0.25)

	// JS divergence by hand, base 2: M = (.45, .45, .1);
	// KL(P‖M) = .6·log2(.6/.45) + .4·log2(.4/.45) = 0.249022 − 0.067970 = 0.181052;
	// KL(Q‖M) = .3·log2(.3/.45) + .5·log2(.5/.45) + .2·log2(2) = −0.175489 + 0.076002 + 0.2 = 0.100513;
	// JS = (0.181052 + 0.100513) / 2 = 0.140782.
	if c.Classes == nil || math.Abs(c.Classes.JSDivergence-0.140782) > 1e-6 {
		t.Fatalf("class JS divergence = %+v, want 0.140782", c.Classes)
	}
	if lc := c.Classes.LargestChange; lc == nil || lc.Class != "a" || lc.OldRows != 60 || lc.NewRows != 30 || !near(lc.Change, -0.3) {
		t.Errorf("largest change = %+v, want a 60 → 30, share −0.3", lc)
	}
	var order []string
	for _, s := range c.Classes.Classes {
		order = append(order, s.Class)
	}
	if want := []string{"a", "c", "b"}; !reflect.DeepEqual(order, want) {
		t.Errorf("classes by |change| = %v, want %v (−0.3, +0.2, +0.1)", order, want)
	}
	if !reflect.DeepEqual(c.Classes.Appeared, []string{"c"}) || len(c.Classes.Vanished) != 0 {
		t.Errorf("appeared/vanished = %v/%v, want [c]/[]", c.Classes.Appeared, c.Classes.Vanished)
	}

	want := []audit.SegmentDrift{
		{Column: "channel", Change: "removed", Appeared: []string{}, Vanished: []string{}},
		// region: eu 10, us 5 → eu 8, uk 2, (other) 1. (other) is never listed.
		{Column: "region", Change: "changed", Appeared: []string{"uk"}, Vanished: []string{"us"}, Incomplete: true},
		{Column: "user_type", Change: "added", Appeared: []string{}, Vanished: []string{}},
	}
	for i := range c.Segments {
		c.Segments[i].JSDivergence = 0 // checked below
	}
	if !reflect.DeepEqual(c.Segments, want) {
		t.Errorf("segments = %+v\nwant %+v", c.Segments, want)
	}

	u := c.Volume.UsableExamples
	if *u.Old != 100 || *u.New != 80 || *u.Delta != -20 || !near(*u.RelativeChange, -0.2) {
		t.Errorf("usable = %d → %d (%d, %v), want 100 → 80 (−20, −0.2)", *u.Old, *u.New, *u.Delta, *u.RelativeChange)
	}
	byClass := map[string][2]int64{}
	for _, cl := range c.Volume.Classes {
		byClass[cl.Class] = [2]int64{*cl.Old, *cl.New}
	}
	if want := map[string][2]int64{"a": {60, 25}, "b": {40, 40}, "c": {0, 15}}; !reflect.DeepEqual(byClass, want) {
		t.Errorf("usable per class = %v, want %v", byClass, want)
	}
}

// TestCompareSegmentJS: the segment JS divergence by hand. eu 10, us 10 →
// eu 20: P = (.5, .5), Q = (1, 0), M = (.75, .25); KL(P‖M) = .5·log2(2/3)
// + .5·log2(2) = 0.207519, KL(Q‖M) = log2(4/3) = 0.415037; JS = 0.311278.
func TestCompareSegmentJS(t *testing.T) {
	old, cur := report(), report()
	old.Dataset.Segments = map[string]audit.SegmentCounts{"region": {Values: map[string]map[string]int64{"eu": {"train": 4, "test": 6}, "us": {"train": 10}}}}
	cur.Dataset.Segments = map[string]audit.SegmentCounts{"region": {Values: map[string]map[string]int64{"eu": {"train": 20}}}}
	c := compare(t, old, cur, 0.25)
	if got := c.Segments[0].JSDivergence; math.Abs(got-0.311278) > 1e-6 {
		t.Errorf("JS divergence = %v, want 0.311278", got)
	}
}

// v1Report is a report of schema version 1: no snapshot, no dataset
// labels or segments; classes, segment values and volume are in the
// check metrics.
const v1Report = `{
  "schema_version": 1,
  "tool": {"name": "dataready", "version": "0.1.0"},
  "verdict": "ready_with_warnings",
  "reason": "ready with warnings: 1 check warns — class balance",
  "inputs": [],
  "dataset": {"rows_read": 12, "rows_audited": 12, "rows_rejected": 0, "splits": [], "columns": [],
    "roles": {"label": "label", "segments": ["region"], "ids": [], "annotators": [], "excluded": [], "features": []}, "row_key": "text"},
  "problems": [],
  "checks": [
    {"id": "bias.class_balance", "family": "bias", "title": "Class balance", "status": "warn", "summary": "",
     "metrics": {"by_split": {"train": {"labeled": 8, "counts": {"a": 6, "b": 2}}, "test": {"labeled": 2, "counts": {"a": 2}}}, "imbalance_ratio": 3},
     "thresholds": {}, "examples": [], "examples_total": 0, "explain": ""},
    {"id": "bias.segment_coverage", "family": "bias", "title": "Segment coverage", "status": "pass", "summary": "",
     "metrics": {"by_column": {"region": {"values": {"eu": {"rows": {"train": 7, "test": 1}}, "us": {"rows": {"train": 3, "test": 1}}}, "folded_values": 0, "overflow": false},
                               "region+channel": {"values": {"eu|web": {"rows": {"train": 1}}}}}},
     "thresholds": {}, "examples": [], "examples_total": 0, "explain": ""},
    {"id": "volume.pilot_minimum", "family": "volume", "title": "Pilot minimum", "status": "pass", "summary": "",
     "metrics": {"labeled_rows": 10, "usable_examples": 9},
     "thresholds": {}, "examples": [], "examples_total": 0, "explain": ""}
  ],
  "config": {"label": "label", "max_bad_rows": "1%"},
  "run": {"started_at": "2025-01-01T00:00:00Z", "duration_ms": 5, "workers": 1, "bytes": 10}
}`

func TestCompareWithVersion1(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte(v1Report), 0o644); err != nil {
		t.Fatal(err)
	}
	old, file, err := Read(dir)
	if err != nil {
		t.Fatalf("Read(version 1) = %v, want it accepted", err)
	}
	if file != path {
		t.Errorf("Read(folder) read %s, want %s", file, path)
	}
	cur := report(chk("bias.class_balance", audit.Warn, map[string]any{"imbalance_ratio": 3.0}))
	cur.Dataset.Labels = audit.LabelCounts{LabeledRows: 10, UsableExamples: 10, Classes: map[string]audit.ClassCounts{
		"a": {Rows: map[string]int64{"train": 8}, Usable: 8}, "b": {Rows: map[string]int64{"train": 2}, Usable: 2}}}
	cur.Dataset.Segments = map[string]audit.SegmentCounts{"region": {Values: map[string]map[string]int64{"eu": {"train": 8}, "us": {"train": 4}}}}
	c, err := Compare(old, cur, Options{Tolerance: 0.25, BaselinePath: file})
	if err != nil {
		t.Fatal(err)
	}
	if c.Baseline.SchemaVersion != 1 || c.Baseline.Path != path || c.Baseline.SnapshotTime.Format("2006-01-02") != "2025-01-01" {
		t.Errorf("baseline = %+v, want version 1, its path, and the run's start as snapshot time", c.Baseline)
	}
	// Classes from class_balance: a 6+2 = 8, b 2 — the same as now.
	if c.Classes == nil || c.Classes.JSDivergence != 0 || len(c.Classes.Classes) != 2 || c.Classes.Classes[0].OldRows+c.Classes.Classes[1].OldRows != 10 {
		t.Errorf("classes = %+v, want a 8, b 2 then and now", c.Classes)
	}
	// Segments from segment_coverage: eu 8, us 4, same as now; the combination is left out.
	if len(c.Segments) != 1 || c.Segments[0].Column != "region" || c.Segments[0].Change != "same" {
		t.Errorf("segments = %+v, want region unchanged", c.Segments)
	}
	if u := c.Volume.UsableExamples; *u.Old != 9 || *u.New != 10 {
		t.Errorf("usable = %v → %v, want 9 → 10", *u.Old, *u.New)
	}
	for _, cl := range c.Volume.Classes {
		if cl.Old != nil {
			t.Errorf("usable of class %s in the version 1 report = %d, want unknown (nil)", cl.Class, *cl.Old)
		}
	}
}

func TestReadRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newer := write("newer.json", strings.Replace(v1Report, `"schema_version": 1`, `"schema_version": 3`, 1))
	zero := write("zero.json", strings.Replace(v1Report, `"schema_version": 1`, `"schema_version": 0`, 1))
	notJSON := write("notjson.json", "verdict: ready\n")
	noVersion := write("noversion.json", `{"verdict": "ready"}`)
	empty := t.TempDir()
	tests := []struct {
		name    string
		path    string
		version bool // a *VersionError, else a *ReadError
		want    []string
	}{
		{"newer version", newer, true, []string{newer, "schema_version 3", "versions 1 to 2"}},
		{"version 0", zero, true, []string{zero, "schema_version 0"}},
		{"not JSON", notJSON, false, []string{notJSON, "not a JSON object"}},
		{"no schema_version", noVersion, false, []string{noVersion, "no schema_version"}},
		{"missing file", filepath.Join(dir, "nope.json"), false, []string{"nope.json", "no such file"}},
		{"folder without a report", empty, false, []string{empty, "holds no report.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Read(tc.path)
			if err == nil {
				t.Fatal("Read succeeded, want an error")
			}
			var ve *VersionError
			var re *ReadError
			if tc.version && !errorsAs(err, &ve) || !tc.version && !errorsAs(err, &re) {
				t.Errorf("error %T (%v), want a VersionError: %v", err, err, tc.version)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func errorsAs[T error](err error, target *T) bool { return errors.As(err, target) }
