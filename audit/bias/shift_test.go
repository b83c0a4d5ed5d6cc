package bias_test

import (
	"math"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/bias"
)

// classes builds labeled rows of one split: pairs of class and count.
func classes(split string, counts ...any) []seg {
	var out []seg
	for i := 0; i < len(counts); i += 2 {
		out = append(out, seg{counts[i+1].(int), split, counts[i].(string), "r", "", ""})
	}
	return out
}

func TestLabelShift(t *testing.T) {
	tests := []struct {
		name   string
		rows   []seg
		checks map[string]any
		status audit.Status
		// js and psi from the brute-force references over (train, holdout).
		train, hold []float64
	}{
		{
			// JS((.5,.5), (.9,.1)) = .1468 > .1; χ² = 38.1, p ≈ 1e-9.
			name:   "large and significant shift warns",
			rows:   concat(classes("train", "a", 50, "b", 50), classes("holdout", "a", 90, "b", 10)),
			status: audit.Warn, train: []float64{50, 50}, hold: []float64{90, 10},
		},
		{
			// JS .311, but χ² = 3.11 on 14 rows: p = .078, not below .01.
			name:   "small pilot: large but not significant passes",
			rows:   concat(classes("train", "a", 5, "b", 5), classes("holdout", "a", 4)),
			status: audit.Pass, train: []float64{5, 5}, hold: []float64{4, 0},
		},
		{
			// χ² = 20.2, p < .0001, but JS .0073: a trivial shift.
			name:   "significant but small passes",
			rows:   concat(classes("train", "a", 500, "b", 500), classes("holdout", "a", 600, "b", 400)),
			status: audit.Pass, train: []float64{500, 500}, hold: []float64{600, 400},
		},
		{
			name:   "alpha from the config",
			rows:   concat(classes("train", "a", 50, "b", 50), classes("holdout", "a", 90, "b", 10)),
			checks: map[string]any{"alpha": 1e-12},
			status: audit.Pass, train: []float64{50, 50}, hold: []float64{90, 10},
		},
		{
			name:   "JS just below warn passes",
			rows:   concat(classes("train", "a", 50, "b", 50), classes("holdout", "a", 90, "b", 10)),
			checks: map[string]any{"warn": 0.1467931024360521 + 1e-9},
			status: audit.Pass, train: []float64{50, 50}, hold: []float64{90, 10},
		},
		{
			name:   "JS just above warn warns",
			rows:   concat(classes("train", "a", 50, "b", 50), classes("holdout", "a", 90, "b", 10)),
			checks: map[string]any{"warn": 0.1467931024360521 - 1e-9},
			status: audit.Warn, train: []float64{50, 50}, hold: []float64{90, 10},
		},
		{
			// Unlabeled rows are left out: the holdout is 50:50 like train.
			name:   "unlabeled rows do not count",
			rows:   concat(classes("train", "a", 50, "b", 50), classes("holdout", "a", 50, "b", 50, "", 200)),
			status: audit.Pass, train: []float64{50, 50}, hold: []float64{50, 50},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var checks map[string]map[string]any
			if tc.checks != nil {
				checks = map[string]map[string]any{"bias.label_shift": tc.checks}
			}
			rep := audittest.RunSpecs(t, segCSV(tc.rows...), segConfig(nil, checks), bias.LabelShift)
			c := audittest.Check(t, rep, "bias.label_shift")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			h := audittest.Metric(t, c, "by_holdout", "holdout").(map[string]any)
			js := jsRef(tc.train, tc.hold)
			psi := psiRef(map[string]float64{"a": tc.train[0], "b": tc.train[1]}, map[string]float64{"a": tc.hold[0], "b": tc.hold[1]})
			if got := h["js_divergence"].(float64); math.Abs(got-js) > 1e-12 {
				t.Errorf("js_divergence = %v, want %v", got, js)
			}
			if got := h["psi"].(float64); math.Abs(got-psi) > 1e-9 {
				t.Errorf("psi = %v, want %v", got, psi)
			}
			if len(audittest.Findings(rep, "bias.label_shift")) != 0 {
				t.Errorf("label_shift flags no rows")
			}
		})
	}
}

func TestLabelShiftHandCounted(t *testing.T) {
	// Train a 50, b 50; holdout a 90, b 10, c 0; a test split a 10, b 10, c 5.
	rows := concat(classes("train", "a", 50, "b", 50), classes("holdout", "a", 90, "b", 10), classes("test", "a", 10, "b", 10, "c", 5))
	rep := audittest.RunSpecs(t, segCSV(rows...), segConfig(nil, nil), bias.LabelShift)
	c := audittest.Check(t, rep, "bias.label_shift")
	h := audittest.Metric(t, c, "by_holdout", "holdout").(map[string]any)
	// Table [[50, 50], [90, 10]]: N 200, column sums 140, 60, expected 70
	// and 30 per row; χ² = 2·20²/70 + 2·20²/30 = 38.0952; df 1.
	chi2 := 2*400.0/70 + 2*400.0/30
	if got := h["chi_square"].(float64); math.Abs(got-chi2) > 1e-9 || h["dof"] != int64(1) {
		t.Errorf("chi_square %v dof %v, want %v and 1", got, h["dof"], chi2)
	}
	if got, want := h["p_value"].(float64), math.Erfc(math.Sqrt(chi2/2)); math.Abs(got-want) > 1e-15 {
		t.Errorf("p_value = %v, want %v", got, want)
	}
	a := h["classes"].(map[string]any)["a"].(map[string]any)
	if a["train_share"] != 0.5 || a["holdout_share"] != 0.9 || math.Abs(a["difference"].(float64)-0.4) > 1e-12 || a["holdout_rows"] != int64(90) {
		t.Errorf("classes.a = %v, want .5 → .9, difference .4", a)
	}
	// The test split: c is 5 of 25 there, none in train.
	test := audittest.Metric(t, c, "by_holdout", "test", "classes", "c").(map[string]any)
	if test["train_share"] != 0.0 || test["holdout_share"] != 0.2 || test["difference"] != 0.2 {
		t.Errorf("test classes.c = %v, want 0 → .2", test)
	}
	// The holdout shifted (JS .147, p ≈ 1e-9): warn, naming it.
	if c.Status != audit.Warn || !strings.Contains(c.Summary, "holdout (JS divergence 0.147") {
		t.Errorf("status %s summary %q, want warn naming the holdout", c.Status, c.Summary)
	}
	// Examples: per holdout split the classes whose share moved most, with
	// their first rows in that split. Holdout a (+.4) and b (−.4) tie on
	// |difference|: alphabetical. a's first holdout row is row 100, line 102.
	ex := c.Examples[0]
	if ex.Values["split"] != "holdout" || ex.Values["class"] != "a" || len(ex.Rows) != 3 || ex.Rows[0].Line != 102 {
		t.Errorf("first example = %+v", ex)
	}
}

func TestLabelShiftSkips(t *testing.T) {
	tests := []struct {
		name, csv string
		cfg       func(*audit.Config)
		reason    string
	}{
		{"no holdout", segCSV(classes("train", "a", 5, "b", 5)...), segConfig(nil, nil), "no holdout split"},
		{"no train", segCSV(classes("holdout", "a", 5, "b", 5)...), segConfig(nil, nil), "no train split"},
		{"no split", segCSV(classes("x", "a", 5, "b", 5)...), func(c *audit.Config) { c.Text, c.Exclude = "text", []string{"split"} }, "no train or holdout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, tc.csv, tc.cfg, bias.LabelShift)
			c := audittest.Check(t, rep, "bias.label_shift")
			if c.Status != audit.Skip || !strings.Contains(c.Summary, tc.reason) {
				t.Errorf("status %s summary %q, want skip saying %q", c.Status, c.Summary, tc.reason)
			}
		})
	}
}
