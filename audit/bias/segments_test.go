package bias_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/bias"
)

// seg is n identical rows of the test CSV (texts differ).
type seg struct {
	n                                     int
	split, label, region, channel, amount string
}

// segCSV writes the rows in order under the header
// text,label,split,region,channel,amount. Row k (from 0) has the text
// "row k" and sits on line k+2.
func segCSV(rows ...seg) string {
	var b strings.Builder
	b.WriteString("text,label,split,region,channel,amount\n")
	k := 0
	for _, r := range rows {
		for range r.n {
			fmt.Fprintf(&b, "row %d,%s,%s,%s,%s,%s\n", k, r.label, r.split, r.region, r.channel, r.amount)
			k++
		}
	}
	return b.String()
}

// segConfig sets the text, split and segment columns, then the given
// check settings.
func segConfig(segments []string, checks map[string]map[string]any) func(*audit.Config) {
	return func(c *audit.Config) {
		c.Text, c.Split, c.Segments = "text", "split", segments
		c.Checks = checks
	}
}

// jsRef is a brute-force Jensen–Shannon divergence in bits between two
// count vectors over the same categories, written from the definition
// JS = H(M) − (H(P) + H(Q))/2 (entropies), not from the code under test.
func jsRef(p, q []float64) float64 {
	norm := func(v []float64) []float64 {
		var s float64
		for _, x := range v {
			s += x
		}
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = x / s
		}
		return out
	}
	h := func(v []float64) float64 {
		var e float64
		for _, x := range v {
			if x > 0 {
				e -= x * math.Log(x) / math.Ln2
			}
		}
		return e
	}
	P, Q := norm(p), norm(q)
	M := make([]float64, len(P))
	for i := range P {
		M[i] = (P[i] + Q[i]) / 2
	}
	return h(M) - (h(P)+h(Q))/2
}

func column(t *testing.T, c audit.CheckResult, col string) map[string]any {
	t.Helper()
	return audittest.Metric(t, c, "by_column", col).(map[string]any)
}

func TestSegmentCoverage(t *testing.T) {
	tests := []struct {
		name   string
		rows   []seg
		checks map[string]map[string]any
		status audit.Status
		unseen []string
		rare   []string
		// shift and js are checked when not negative.
		shift, js float64
	}{
		{
			// Train a 40, b 10; holdout a 5, b 3, c 2. c has no train row
			// (unseen: fail); b has 10 < 30 labeled train rows (rare).
			// Shares: train a .8 b .2 c 0, holdout a .5 b .3 c .2:
			// |diff| = .3, .1, .2, so max_share_shift = .3.
			name: "hand-counted: unseen and rare",
			rows: []seg{{40, "train", "x", "a", "", ""}, {10, "train", "x", "b", "", ""},
				{5, "holdout", "x", "a", "", ""}, {3, "holdout", "x", "b", "", ""}, {2, "holdout", "x", "c", "", ""}},
			status: audit.Fail, unseen: []string{"c"}, rare: []string{"b"},
			shift: 0.3, js: jsRef([]float64{40, 10, 0}, []float64{5, 3, 2}),
		},
		{
			name:   "30 labeled train rows are enough",
			rows:   []seg{{30, "train", "x", "a", "", ""}, {30, "train", "x", "b", "", ""}, {3, "holdout", "x", "a", "", ""}, {3, "holdout", "x", "b", "", ""}},
			status: audit.Pass, unseen: []string{}, rare: []string{}, shift: 0, js: 0,
		},
		{
			name:   "29 labeled train rows are rare",
			rows:   []seg{{30, "train", "x", "a", "", ""}, {29, "train", "x", "b", "", ""}, {3, "holdout", "x", "a", "", ""}, {3, "holdout", "x", "b", "", ""}},
			status: audit.Warn, unseen: []string{}, rare: []string{"b"}, shift: -1,
			js: jsRef([]float64{30, 29}, []float64{3, 3}),
		},
		{
			name: "unlabeled train rows do not count towards min_rows",
			rows: []seg{{30, "train", "x", "a", "", ""}, {29, "train", "x", "b", "", ""}, {1, "train", "NA", "b", "", ""},
				{3, "holdout", "x", "a", "", ""}, {3, "holdout", "x", "b", "", ""}},
			status: audit.Warn, unseen: []string{}, rare: []string{"b"}, shift: 0, js: 0,
		},
		{
			name:   "min_rows from the config",
			rows:   []seg{{30, "train", "x", "a", "", ""}, {10, "train", "x", "b", "", ""}, {3, "holdout", "x", "a", "", ""}, {1, "holdout", "x", "b", "", ""}},
			checks: map[string]map[string]any{"bias.segment_coverage": {"min_rows": 10}},
			status: audit.Pass, unseen: []string{}, rare: []string{}, shift: 0, js: 0,
		},
		{
			// Train 100:100, holdout 16:4: JS = 0.0731 ≤ 0.1.
			name:   "JS divergence below warn passes",
			rows:   []seg{{100, "train", "x", "a", "", ""}, {100, "train", "x", "b", "", ""}, {16, "holdout", "x", "a", "", ""}, {4, "holdout", "x", "b", "", ""}},
			status: audit.Pass, unseen: []string{}, rare: []string{}, shift: 0.3,
			js: jsRef([]float64{100, 100}, []float64{16, 4}),
		},
		{
			// Holdout 17:3: JS = 0.1048 > 0.1.
			name:   "JS divergence above warn warns",
			rows:   []seg{{100, "train", "x", "a", "", ""}, {100, "train", "x", "b", "", ""}, {17, "holdout", "x", "a", "", ""}, {3, "holdout", "x", "b", "", ""}},
			status: audit.Warn, unseen: []string{}, rare: []string{}, shift: 0.35,
			js: jsRef([]float64{100, 100}, []float64{17, 3}),
		},
		{
			name:   "JS divergence exactly at warn passes (warn is strict)",
			rows:   []seg{{100, "train", "x", "a", "", ""}, {100, "train", "x", "b", "", ""}, {17, "holdout", "x", "a", "", ""}, {3, "holdout", "x", "b", "", ""}},
			checks: map[string]map[string]any{"bias.segment_coverage": {"warn": 0.1048159701729658 + 1e-12}},
			status: audit.Pass, unseen: []string{}, rare: []string{}, shift: -1, js: -1,
		},
		{
			name: "nulls are their own value",
			rows: []seg{{30, "train", "x", "a", "", ""}, {3, "holdout", "x", "a", "", ""}, {1, "holdout", "x", "NA", "", ""}},
			// "(missing)" has no train row.
			status: audit.Fail, unseen: []string{"(missing)"}, rare: []string{}, shift: -1, js: -1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, segCSV(tc.rows...), segConfig([]string{"region"}, tc.checks), bias.SegmentCoverage)
			c := audittest.Check(t, rep, "bias.segment_coverage")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			col := column(t, c, "region")
			if got := col["unseen_in_train"]; !reflect.DeepEqual(got, tc.unseen) {
				t.Errorf("unseen_in_train = %v, want %v", got, tc.unseen)
			}
			if got := col["rare_in_train"]; !reflect.DeepEqual(got, tc.rare) {
				t.Errorf("rare_in_train = %v, want %v", got, tc.rare)
			}
			if got := col["max_share_shift"].(float64); tc.shift >= 0 && math.Abs(got-tc.shift) > 1e-12 {
				t.Errorf("max_share_shift = %v, want %v", got, tc.shift)
			}
			if got := col["js_divergence"].(float64); tc.js >= 0 && math.Abs(got-tc.js) > 1e-12 {
				t.Errorf("js_divergence = %v, want %v", got, tc.js)
			}
			if got, want := audittest.Metric(t, c, "unseen_values"), int64(len(tc.unseen)); got != want {
				t.Errorf("unseen_values = %v, want %d", got, want)
			}
		})
	}
}

func TestSegmentCoverageCounts(t *testing.T) {
	rows := []seg{{40, "train", "x", "a", "", ""}, {9, "train", "x", "b", "", ""}, {1, "train", "", "b", "", ""},
		{5, "holdout", "x", "a", "", ""}, {3, "holdout", "x", "b", "", ""}, {2, "holdout", "y", "c", "", ""}}
	rep := audittest.RunSpecs(t, segCSV(rows...), segConfig([]string{"region"}, nil), bias.SegmentCoverage)
	c := audittest.Check(t, rep, "bias.segment_coverage")
	values := column(t, c, "region")["values"].(map[string]any)
	// Hand count: train 50 rows (a 40, b 10 of which 9 labeled), holdout 10.
	want := map[string]struct {
		train, holdout, labeled int64
		trainShare, holdShare   float64
	}{
		"a": {40, 5, 40, 0.8, 0.5},
		"b": {10, 3, 9, 0.2, 0.3},
		"c": {0, 2, 0, 0, 0.2},
	}
	if len(values) != len(want) {
		t.Fatalf("values = %v, want a, b, c", values)
	}
	for v, w := range want {
		got := values[v].(map[string]any)
		rows, shares := got["rows"].(map[string]any), got["shares"].(map[string]any)
		if rows["train"] != w.train || rows["holdout"] != w.holdout || got["labeled_train"] != w.labeled {
			t.Errorf("%s: rows %v labeled_train %v, want train %d holdout %d labeled %d", v, rows, got["labeled_train"], w.train, w.holdout, w.labeled)
		}
		if shares["train"] != w.trainShare || shares["holdout"] != w.holdShare {
			t.Errorf("%s: shares %v, want train %v holdout %v", v, shares, w.trainShare, w.holdShare)
		}
	}
	classes := column(t, c, "region")["train_classes"].(map[string]any)
	if got := classes["b"]; !reflect.DeepEqual(got, map[string]any{"x": int64(9)}) {
		t.Errorf("train_classes[b] = %v, want {x: 9}", got)
	}
	// Flag: the two holdout rows of c, rows 58 and 59 (lines 60 and 61).
	fs := audittest.Findings(rep, "bias.segment_coverage")
	if len(fs) != 2 || fs[0].Line != 60 || fs[1].Line != 61 {
		t.Fatalf("findings = %+v, want lines 60 and 61", fs)
	}
	for _, f := range fs {
		if f.Split != "holdout" || f.Label != "y" || f.Reason != `region "c" has no train rows` || f.Status != audit.Fail {
			t.Errorf("finding = %+v, want a holdout row labeled y, reason region \"c\" has no train rows", f)
		}
	}
	// Examples: the unseen value first, with its holdout rows, then the rare
	// one, then the distribution shift (JS 0.132 > 0.1).
	if len(c.Examples) != 3 || c.Examples[0].Title != "value in the holdout, never in train" || c.Examples[1].Title != "value rare in train" ||
		c.Examples[2].Title != "value distribution differs between train and holdout" || c.Examples[2].Values["value"] != "a" {
		t.Fatalf("examples = %+v", c.Examples)
	}
	if ex := c.Examples[0]; ex.Values["value"] != "c" || len(ex.Rows) != 2 || ex.Rows[0].Line != 60 || ex.Rows[0].Label != "y" {
		t.Errorf("unseen example = %+v, want value c with rows at lines 60, 61", ex)
	}
	// b's first rows: train lines 42, 43, 44 (rows 40–42), holdout lines 57–59.
	if ex := c.Examples[1]; ex.Values["labeled_train"] != int64(9) || len(ex.Rows) != 6 || ex.Rows[0].Line != 42 || ex.Rows[3].Line != 57 {
		t.Errorf("rare example = %+v", ex)
	}
}

func TestSegmentCoverageEmptyCells(t *testing.T) {
	// Train: a has 40 rows, all x; b has 20 x and 20 y. Labeled train:
	// x 60, y 20, so y (25%) is expected in every value with ≥ 30 rows,
	// and a lacks it: one empty cell (a, y). Holdout shares equal train's.
	rows := []seg{{40, "train", "x", "a", "", ""}, {20, "train", "x", "b", "", ""}, {20, "train", "y", "b", "", ""},
		{4, "holdout", "x", "a", "", ""}, {4, "holdout", "y", "b", "", ""}}
	tests := []struct {
		name   string
		checks map[string]map[string]any
		status audit.Status
		empty  []any
	}{
		{"reported, not a warning by default", nil, audit.Pass, []any{map[string]any{"value": "a", "class": "y"}}},
		{"warn_empty_cells makes it warn", map[string]map[string]any{"bias.segment_coverage": {"warn_empty_cells": 1}}, audit.Warn,
			[]any{map[string]any{"value": "a", "class": "y"}}},
		{"a class below min_class_share is not expected", map[string]map[string]any{"bias.segment_coverage": {"min_class_share": 0.3}}, audit.Pass, []any{}},
		{"a value below min_rows has no expected classes", map[string]map[string]any{"bias.segment_coverage": {"min_rows": 41}}, audit.Warn, []any{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, segCSV(rows...), segConfig([]string{"region"}, tc.checks), bias.SegmentCoverage)
			c := audittest.Check(t, rep, "bias.segment_coverage")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			if got := column(t, c, "region")["empty_cells"]; !reflect.DeepEqual(got, tc.empty) {
				t.Errorf("empty_cells = %v, want %v", got, tc.empty)
			}
		})
	}
}

func TestSegmentCoverageCombinations(t *testing.T) {
	// Every region and channel is in train, but the pair (a, w) is not; the
	// holdout also has region c, new on its own: its pair (c, e) is not
	// reported again.
	rows := []seg{{40, "train", "x", "a", "e", ""}, {40, "train", "x", "b", "w", ""},
		{5, "holdout", "x", "a", "e", ""}, {5, "holdout", "x", "b", "w", ""}, {2, "holdout", "x", "a", "w", ""}, {1, "holdout", "x", "c", "e", ""}}
	cfg := func(c *audit.Config) {
		segConfig([]string{"region", "channel"}, nil)(c)
		c.SegmentCombinations = [][]string{{"region", "channel"}}
	}
	rep := audittest.RunSpecs(t, segCSV(rows...), cfg, bias.SegmentCoverage)
	c := audittest.Check(t, rep, "bias.segment_coverage")
	if c.Status != audit.Fail {
		t.Errorf("status = %s, want fail", c.Status)
	}
	if got := column(t, c, "region+channel")["unseen_in_train"]; !reflect.DeepEqual(got, []string{"a|w"}) {
		t.Errorf("region+channel unseen_in_train = %v, want [a|w]", got)
	}
	if got := column(t, c, "region")["unseen_in_train"]; !reflect.DeepEqual(got, []string{"c"}) {
		t.Errorf("region unseen_in_train = %v, want [c]", got)
	}
	// Rows 90, 91 are (a, w): lines 92, 93; row 92 is (c, e): line 94.
	fs := audittest.Findings(rep, "bias.segment_coverage")
	want := []struct {
		line   int64
		reason string
	}{{92, `region+channel "a|w" has no train rows`}, {93, `region+channel "a|w" has no train rows`}, {94, `region "c" has no train rows`}}
	if len(fs) != len(want) {
		t.Fatalf("findings = %+v, want %d", fs, len(want))
	}
	for i, w := range want {
		if fs[i].Line != w.line || fs[i].Reason != w.reason {
			t.Errorf("finding %d = line %d %q, want line %d %q", i, fs[i].Line, fs[i].Reason, w.line, w.reason)
		}
	}

	t.Run("a combination naming a column that is not a segment is a config error", func(t *testing.T) {
		cfg := audit.DefaultConfig()
		cfg.Inputs, cfg.Label = []string{filepath.Join(t.TempDir(), "unused.csv")}, "label"
		segConfig([]string{"region"}, nil)(cfg)
		cfg.SegmentCombinations = [][]string{{"region", "channel"}}
		_, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: []audit.Spec{bias.SegmentCoverage}})
		var ce *audit.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), `"channel"`) {
			t.Errorf("err = %v, want a config error naming channel", err)
		}
	})
}

func TestSegmentCoverageSkips(t *testing.T) {
	rows := segCSV(seg{30, "train", "x", "a", "", ""}, seg{3, "holdout", "x", "a", "", ""})
	onlyTrain := segCSV(seg{30, "train", "x", "a", "", ""})
	tests := []struct {
		name, csv string
		cfg       func(*audit.Config)
		reason    string
	}{
		{"no segment columns", rows, segConfig(nil, nil), "No segment columns"},
		{"no split at all", rows, func(c *audit.Config) { c.Text, c.Segments, c.Exclude = "text", []string{"region"}, []string{"split"} }, "no train or holdout split"},
		{"no holdout split", onlyTrain, segConfig([]string{"region"}, nil), "no holdout split"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, tc.csv, tc.cfg, bias.SegmentCoverage)
			c := audittest.Check(t, rep, "bias.segment_coverage")
			if c.Status != audit.Skip || !strings.Contains(c.Summary, tc.reason) {
				t.Errorf("status %s summary %q, want skip saying %q", c.Status, c.Summary, tc.reason)
			}
		})
	}
}

func TestSegmentCoverageFoldsManyValues(t *testing.T) {
	defer bias.SetLimits(3, 100, 2000)()
	// Train 10, 8, 6, 4, 2 rows of five values; holdout 1 row of each.
	// Only the three most frequent are kept by name; the last two (6 train
	// rows, 2 holdout rows) are folded into (other).
	for _, tc := range []struct {
		name, hint string
		values     []string
	}{
		{"numeric values: bucket", "bucket it into ranges", []string{"10", "20", "30", "40", "50"}},
		{"text values: group", "group rare values", []string{"a", "b", "c", "d", "e"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rows []seg
			for i, v := range tc.values {
				rows = append(rows, seg{10 - 2*i, "train", "x", v, "", ""})
			}
			for _, v := range tc.values {
				rows = append(rows, seg{1, "holdout", "x", v, "", ""})
			}
			rep := audittest.RunSpecs(t, segCSV(rows...), segConfig([]string{"region"}, nil), bias.SegmentCoverage)
			c := audittest.Check(t, rep, "bias.segment_coverage")
			col := column(t, c, "region")
			values := col["values"].(map[string]any)
			keys := make([]string, 0, len(values))
			for k := range values {
				keys = append(keys, k)
			}
			want := []string{tc.values[0], tc.values[1], tc.values[2], bias.OtherValue}
			if !sameSet(keys, want) {
				t.Errorf("values = %v, want %v", keys, want)
			}
			other := values[bias.OtherValue].(map[string]any)["rows"].(map[string]any)
			if other["train"] != int64(6) || other["holdout"] != int64(2) {
				t.Errorf("(other) rows = %v, want train 6 holdout 2", other)
			}
			if col["folded_values"] != int64(2) || col["distinct_values"] != int64(5) {
				t.Errorf("folded_values %v distinct_values %v, want 2 and 5", col["folded_values"], col["distinct_values"])
			}
			if !strings.Contains(c.Summary, "column region has 5 distinct values") || !strings.Contains(c.Summary, tc.hint) {
				t.Errorf("summary %q does not name the column and say %q", c.Summary, tc.hint)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// writeFiles writes CSV files (header plus the given rows each) and returns
// their paths.
func writeFiles(t *testing.T, parts ...[]seg) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, p := range parts {
		path := filepath.Join(dir, fmt.Sprintf("part-%d.csv", i))
		csv := segCSV(p...)
		// Texts must differ across files too.
		csv = strings.ReplaceAll(csv, "row ", fmt.Sprintf("file %d row ", i))
		if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

func TestSegmentCoverageOverflow(t *testing.T) {
	defer bias.SetLimits(1000, 4, 2000)()
	// Five distinct values in all, at most three per file: whatever worker
	// sees which file, the merged column has more than 4 values and
	// overflows.
	paths := writeFiles(t,
		[]seg{{10, "train", "x", "a", "", ""}, {10, "train", "x", "b", "", ""}, {2, "holdout", "x", "c", "", ""}},
		[]seg{{10, "train", "x", "d", "", ""}, {2, "holdout", "x", "a", "", ""}},
		[]seg{{10, "train", "x", "e", "", ""}, {2, "holdout", "x", "b", "", ""}},
	)
	for _, workers := range []int{1, 4} {
		rep := audittest.Files(t, func(c *audit.Config) {
			c.Inputs, c.Workers = paths, workers
			segConfig([]string{"region"}, nil)(c)
		}, bias.SegmentCoverage)
		c := audittest.Check(t, rep, "bias.segment_coverage")
		col := column(t, c, "region")
		if c.Status != audit.Warn || col["overflow"] != true || col["distinct_values"] != int64(5) {
			t.Errorf("workers %d: status %s overflow %v distinct %v, want warn, true, 5", workers, c.Status, col["overflow"], col["distinct_values"])
		}
		if !strings.Contains(c.Summary, "olumn region has more than 4 distinct values") {
			t.Errorf("summary %q does not name the column", c.Summary)
		}
		if len(audittest.Findings(rep, "bias.segment_coverage")) != 0 {
			t.Errorf("an overflowed column flags no rows")
		}
	}
}

// TestDeterminism runs every bias check on the same rows split over
// several files, with 1 and 4 workers, and compares the results byte for
// byte, findings included.
func TestDeterminism(t *testing.T) {
	var parts [][]seg
	regions := []string{"a", "b", "c", "d"}
	for f := range 6 {
		var p []seg
		for i, r := range regions {
			split := "train"
			if (f+i)%3 == 0 {
				split = "holdout"
			}
			label := []string{"x", "y", "x", ""}[(f+i)%4]
			amount := []string{"1.5", "NA", "2", ""}[(f*i)%4]
			p = append(p, seg{5 + f + i, split, label, r, []string{"e", "w"}[f%2], amount})
		}
		p = append(p, seg{2, "holdout", "y", fmt.Sprintf("new%d", f%2), "e", "3"})
		parts = append(parts, p)
	}
	paths := writeFiles(t, parts...)
	specs := []audit.Spec{bias.SegmentCoverage, bias.ReferenceCoverage, bias.LabelDisparity, bias.Missingness, bias.LabelShift}
	run := func(workers int) (string, string) {
		rep := audittest.Files(t, func(c *audit.Config) {
			c.Inputs, c.Workers = paths, workers
			segConfig([]string{"region", "channel"}, nil)(c)
			c.SegmentCombinations = [][]string{{"region", "channel"}}
			c.SegmentExpected = map[string]map[string]float64{"region": {"a": 0.5, "b": 0.2}}
			c.Examples = 100
		}, specs...)
		checks, err := json.Marshal(rep.Checks)
		if err != nil {
			t.Fatal(err)
		}
		findings, err := json.Marshal(rep.Findings)
		if err != nil {
			t.Fatal(err)
		}
		return string(checks), string(findings)
	}
	c1, f1 := run(1)
	for range 3 {
		c4, f4 := run(4)
		if c1 != c4 {
			t.Fatalf("checks differ between 1 and 4 workers:\n%s\n%s", c1, c4)
		}
		if f1 != f4 {
			t.Fatalf("findings differ between 1 and 4 workers:\n%s\n%s", f1, f4)
		}
	}
	if !strings.Contains(f1, `new0`) || !strings.Contains(c1, `"bias.label_shift"`) {
		t.Errorf("the run did not exercise the checks: %s", f1)
	}
}
