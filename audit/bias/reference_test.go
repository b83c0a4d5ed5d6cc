package bias_test

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/bias"
)

// psiRef is the population stability index from its definition,
// Σ (a − e)·ln(a/e) over shares, a share of 0 read as 0.0001.
func psiRef(expected, actual map[string]float64) float64 {
	share := func(m map[string]float64) map[string]float64 {
		var s float64
		for _, v := range m {
			s += v
		}
		out := map[string]float64{}
		for k, v := range m {
			out[k] = v / s
		}
		return out
	}
	e, a := share(expected), share(actual)
	keys := map[string]bool{}
	for k := range e {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var psi float64
	for _, k := range names {
		ek, ak := math.Max(e[k], 1e-4), math.Max(a[k], 1e-4)
		psi += (ak - ek) * math.Log(ak/ek)
	}
	return psi
}

// refRows is train a 60, b 40 plus 5 holdout rows of c, which do not count:
// train is compared, not the holdout.
var refRows = []seg{{60, "train", "x", "a", "", ""}, {40, "train", "x", "b", "", ""}, {5, "holdout", "x", "c", "", ""}}

var trainShares = map[string]float64{"a": 60, "b": 40}

// writeReference writes a reference CSV with a region column (and one
// other column that is not read) holding the given counts.
func writeReference(t *testing.T, counts map[string]int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("region,whatever\n")
	for _, v := range []string{"a", "b", "c", "d"} {
		for range counts[v] {
			b.WriteString(strings.ToUpper(v) + " ,1\n") // norm makes "A " a
		}
	}
	path := filepath.Join(t.TempDir(), "reference.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReferenceCoverage(t *testing.T) {
	tests := []struct {
		name     string
		expected map[string]float64 // segments.region.expected
		ref      map[string]int     // reference rows per value
		checks   map[string]any
		status   audit.Status
		missing  []string
		share    float64
		psi      float64
	}{
		{
			// c is expected at 20% and has no train row: 20% ≥ 5% fails.
			// PSI (by hand): .1·ln(1.2) + .1·ln(4/3) + (.0001−.2)·ln(.0001/.2)
			//   = .01823 + .02877 + 1.51942 = 1.5664.
			name:     "expected shares: a missing value fails",
			expected: map[string]float64{"a": 0.5, "b": 0.3, "c": 0.2},
			status:   audit.Fail, missing: []string{"c"}, share: 0.2,
			psi: psiRef(map[string]float64{"a": 0.5, "b": 0.3, "c": 0.2}, trainShares),
		},
		{
			// a is listed at 60%; the other 40% go to unlisted values, which
			// train's b fills: (other) 40% = 40%, PSI 0.
			name:     "expected shares below 1: the rest is (other)",
			expected: map[string]float64{"a": 0.6},
			status:   audit.Pass, missing: []string{}, share: 0, psi: 0,
		},
		{
			name:     "expected shares above 1 are divided by their sum",
			expected: map[string]float64{"A": 1.2, "b": 0.8},
			status:   audit.Pass, missing: []string{}, share: 0, psi: 0,
		},
		{
			// Reference a 50, b 49, c 1: c has 1% ≥ min_reference_share and
			// no train row: missing, warn. PSI .0821 < .1.
			name:   "reference: 1% missing warns",
			ref:    map[string]int{"a": 50, "b": 49, "c": 1},
			status: audit.Warn, missing: []string{"c"}, share: 0.01,
			psi: psiRef(map[string]float64{"a": 50, "b": 49, "c": 1}, trainShares),
		},
		{
			name:   "reference: below min_reference_share is not missing",
			ref:    map[string]int{"a": 50, "b": 49, "c": 1},
			checks: map[string]any{"min_reference_share": 0.011},
			status: audit.Pass, missing: []string{}, share: 0,
			psi: psiRef(map[string]float64{"a": 50, "b": 49, "c": 1}, trainShares),
		},
		{
			// PSI .1·ln 1.2 + .1·ln 1.25 = .0405.
			name:   "reference: same values, small shift passes",
			ref:    map[string]int{"a": 50, "b": 50},
			status: audit.Pass, missing: []string{}, share: 0,
			psi: psiRef(map[string]float64{"a": 50, "b": 50}, trainShares),
		},
		{
			// PSI thresholds out of the way: 5% missing fails on its own.
			name:   "reference: exactly 5% missing fails",
			ref:    map[string]int{"a": 50, "b": 45, "c": 5},
			checks: map[string]any{"warn": 10, "fail": 10},
			status: audit.Fail, missing: []string{"c"}, share: 0.05,
			psi: psiRef(map[string]float64{"a": 50, "b": 45, "c": 5}, trainShares),
		},
		{
			name:   "reference: 4% missing warns",
			ref:    map[string]int{"a": 50, "b": 46, "c": 4},
			checks: map[string]any{"warn": 10, "fail": 10},
			status: audit.Warn, missing: []string{"c"}, share: 0.04,
			psi: psiRef(map[string]float64{"a": 50, "b": 46, "c": 4}, trainShares),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, segCSV(refRows...), func(c *audit.Config) {
				segConfig([]string{"region"}, nil)(c)
				if tc.expected != nil {
					c.SegmentExpected = map[string]map[string]float64{"region": tc.expected}
				}
				if tc.ref != nil {
					c.Reference = []string{writeReference(t, tc.ref)}
				}
				if tc.checks != nil {
					c.Checks = map[string]map[string]any{"bias.reference_coverage": tc.checks}
				}
			}, bias.ReferenceCoverage)
			c := audittest.Check(t, rep, "bias.reference_coverage")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			col := column(t, c, "region")
			if got := col["missing_from_train"]; !reflect.DeepEqual(got, tc.missing) {
				t.Errorf("missing_from_train = %v, want %v", got, tc.missing)
			}
			if got := col["missing_share"].(float64); math.Abs(got-tc.share) > 1e-12 {
				t.Errorf("missing_share = %v, want %v", got, tc.share)
			}
			if got := col["psi"].(float64); math.Abs(got-tc.psi) > 1e-9 {
				t.Errorf("psi = %v, want %v", got, tc.psi)
			}
			if len(audittest.Findings(rep, "bias.reference_coverage")) != 0 {
				t.Errorf("reference_coverage flags no rows")
			}
		})
	}
}

func TestReferenceCoverageValues(t *testing.T) {
	path := writeReference(t, map[string]int{"a": 30, "b": 10, "d": 10})
	rep := audittest.RunSpecs(t, segCSV(refRows...), func(c *audit.Config) {
		segConfig([]string{"region"}, nil)(c)
		c.Reference = []string{path}
	}, bias.ReferenceCoverage)
	c := audittest.Check(t, rep, "bias.reference_coverage")
	if got := audittest.Metric(t, c, "source"); got != "reference" {
		t.Errorf("source = %v, want reference", got)
	}
	if got := audittest.Metric(t, c, "reference_rows"); got != int64(50) {
		t.Errorf("reference_rows = %v, want 50", got)
	}
	// d: 10 of 50 reference rows (20%), no train row.
	want := map[string]map[string]any{
		"a": {"train_rows": int64(60), "train_share": 0.6, "reference_rows": int64(30), "reference_share": 0.6},
		"b": {"train_rows": int64(40), "train_share": 0.4, "reference_rows": int64(10), "reference_share": 0.2},
		"d": {"train_rows": int64(0), "train_share": 0.0, "reference_rows": int64(10), "reference_share": 0.2},
	}
	values := column(t, c, "region")["values"].(map[string]any)
	for v, w := range want {
		if got := values[v]; !reflect.DeepEqual(got, map[string]any(w)) {
			t.Errorf("values[%s] = %v, want %v", v, got, w)
		}
	}
	if len(values) != len(want) {
		t.Errorf("values = %v, want a, b, d", values)
	}
	if c.Status != audit.Fail || len(c.Examples) == 0 || c.Examples[0].Values["value"] != "d" {
		t.Errorf("status %s examples %+v, want fail with d first", c.Status, c.Examples)
	}
}

func TestReferenceCoverageThresholds(t *testing.T) {
	// No value is missing; only the PSI decides. Reference a 80, b 20
	// against train a 60, b 40.
	psi := psiRef(map[string]float64{"a": 80, "b": 20}, trainShares)
	path := writeReference(t, map[string]int{"a": 80, "b": 20})
	tests := []struct {
		name       string
		warn, fail float64
		status     audit.Status
	}{
		{"psi just above fail", psi - 1e-9, psi - 1e-9, audit.Fail},
		{"psi just below fail, above warn", psi - 1e-9, psi + 1e-9, audit.Warn},
		{"psi just below warn", psi + 1e-9, psi + 1e-9, audit.Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, segCSV(refRows...), func(c *audit.Config) {
				segConfig([]string{"region"}, map[string]map[string]any{"bias.reference_coverage": {"warn": tc.warn, "fail": tc.fail}})(c)
				c.Reference = []string{path}
			}, bias.ReferenceCoverage)
			c := audittest.Check(t, rep, "bias.reference_coverage")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (psi %v; %s)", c.Status, tc.status, psi, c.Summary)
			}
		})
	}
}

func TestReferenceCoverageSkips(t *testing.T) {
	t.Run("no reference and no expected shares", func(t *testing.T) {
		rep := audittest.RunSpecs(t, segCSV(refRows...), segConfig([]string{"region"}, nil), bias.ReferenceCoverage)
		c := audittest.Check(t, rep, "bias.reference_coverage")
		if c.Status != audit.Skip || !strings.Contains(c.Summary, "No reference") {
			t.Errorf("status %s summary %q, want skip", c.Status, c.Summary)
		}
	})
	t.Run("only columns with expected shares are compared", func(t *testing.T) {
		rows := []seg{{60, "train", "x", "a", "e", ""}, {40, "train", "x", "b", "w", ""}}
		rep := audittest.RunSpecs(t, segCSV(rows...), func(c *audit.Config) {
			segConfig([]string{"region", "channel"}, nil)(c)
			c.SegmentExpected = map[string]map[string]float64{"channel": {"e": 0.6, "w": 0.4}}
		}, bias.ReferenceCoverage)
		c := audittest.Check(t, rep, "bias.reference_coverage")
		byColumn := audittest.Metric(t, c, "by_column").(map[string]any)
		if _, ok := byColumn["region"]; ok || len(byColumn) != 1 || c.Status != audit.Pass {
			t.Errorf("status %s by_column %v, want pass with channel only", c.Status, byColumn)
		}
	})
	t.Run("without a train split every row is compared", func(t *testing.T) {
		rows := []seg{{60, "x", "x", "a", "", ""}, {40, "y", "x", "b", "", ""}}
		rep := audittest.RunSpecs(t, segCSV(rows...), func(c *audit.Config) {
			c.Text, c.Segments, c.Exclude = "text", []string{"region"}, []string{"split"}
			c.SegmentExpected = map[string]map[string]float64{"region": {"a": 0.6, "b": 0.4}}
		}, bias.ReferenceCoverage)
		c := audittest.Check(t, rep, "bias.reference_coverage")
		if got := column(t, c, "region")["psi"]; c.Status != audit.Pass || got != 0.0 || !strings.Contains(c.Summary, "the data") {
			t.Errorf("status %s psi %v summary %q, want pass, 0, about the data", c.Status, got, c.Summary)
		}
	})
}

func TestReferenceLackingSegmentColumn(t *testing.T) {
	dir := t.TempDir()
	data, ref := filepath.Join(dir, "data.csv"), filepath.Join(dir, "ref.csv")
	if err := os.WriteFile(data, []byte(segCSV(refRows...)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ref, []byte("place\nx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := audit.DefaultConfig()
	cfg.Inputs, cfg.Label, cfg.Reference = []string{data}, "label", []string{ref}
	segConfig([]string{"region"}, nil)(cfg)
	_, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: []audit.Spec{bias.ReferenceCoverage}})
	if err == nil || !strings.Contains(err.Error(), "ref.csv") || !strings.Contains(err.Error(), `"region"`) {
		t.Errorf("err = %v, want an error naming ref.csv and region", err)
	}
}
