package bias_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/bias"
)

// wilsonRef is the 95% Wilson score interval from its closed form, with
// z = Φ⁻¹(0.975) = 1.959963984540054.
func wilsonRef(k, n float64) (float64, float64) {
	const z = 1.959963984540054
	p := k / n
	c := (p + z*z/(2*n)) / (1 + z*z/n)
	h := z / (1 + z*z/n) * math.Sqrt(p*(1-p)/n+z*z/(4*n*n))
	return math.Max(0, c-h), math.Min(1, c+h)
}

// twoClass is rows of one region: pos positives and n−pos negatives, in train.
func twoClass(region string, n, pos int) []seg {
	return []seg{{pos, "train", "pos", region, "", ""}, {n - pos, "train", "neg", region, "", ""}}
}

func concat(parts ...[]seg) []seg {
	var out []seg
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestLabelDisparity(t *testing.T) {
	// Holdout rows are not part of the comparison: 40 positives of b in the
	// holdout would change every number below if they were.
	holdout := []seg{{40, "holdout", "pos", "b", "", ""}}
	tests := []struct {
		name     string
		rows     []seg
		positive string
		status   audit.Status
		ratio    float64
		compared int64
		lowest   string
	}{
		{"hand-counted: b's rate is a fifth of a's", concat(twoClass("a", 40, 20), twoClass("b", 40, 4), holdout), "", audit.Warn, 0.2, 2, "b"},
		// 400/1000 over 500/1000 is exactly 0.8: not below the four-fifths line.
		{"exactly four-fifths passes", concat(twoClass("a", 1000, 500), twoClass("b", 1000, 400)), "", audit.Pass, 0.8, 2, "b"},
		// 399/1000 vs 500/1000: ratio 0.798, Wilson .369–.430 vs .469–.531.
		{"just below four-fifths, intervals apart, warns", concat(twoClass("a", 1000, 500), twoClass("b", 1000, 399)), "", audit.Warn, 0.798, 2, "b"},
		// 11/30 vs 15/30: ratio 0.733 but the intervals (.22–.55, .33–.67) overlap.
		{"below four-fifths with overlapping intervals passes", concat(twoClass("a", 30, 15), twoClass("b", 30, 11)), "", audit.Pass, 11.0 / 15, 2, "b"},
		// b has 29 rows: outside the comparison and the chi-square table.
		{"values under min_rows are not compared", concat(twoClass("a", 30, 15), twoClass("b", 29, 2)), "", audit.Pass, 1, 1, "a"},
		// Three classes; y one-vs-rest: a 20/40, b 4/40.
		{"configured positive class, one vs rest", concat([]seg{{20, "train", "y", "a", "", ""}, {10, "train", "x", "a", "", ""}, {10, "train", "z", "a", "", ""},
			{4, "train", "Y", "b", "", ""}, {18, "train", "x", "b", "", ""}, {18, "train", "z", "b", "", ""}}), "Y", audit.Warn, 0.2, 2, "b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, segCSV(tc.rows...), func(c *audit.Config) {
				segConfig([]string{"region"}, nil)(c)
				c.PositiveClass = tc.positive
			}, bias.LabelDisparity)
			c := audittest.Check(t, rep, "bias.label_disparity")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			col := column(t, c, "region")
			if got := col["min_max_ratio"].(float64); math.Abs(got-tc.ratio) > 1e-12 {
				t.Errorf("min_max_ratio = %v, want %v", got, tc.ratio)
			}
			if got := col["compared_values"]; got != tc.compared {
				t.Errorf("compared_values = %v, want %d", got, tc.compared)
			}
			if tc.compared >= 2 && col["lowest_value"] != tc.lowest {
				t.Errorf("lowest_value = %v, want %s", col["lowest_value"], tc.lowest)
			}
			// Every rate is k/n with its Wilson interval.
			for v, r := range col["rates"].(map[string]any) {
				r := r.(map[string]any)
				k, n := float64(r["positives"].(int64)), float64(r["rows"].(int64))
				low, high := wilsonRef(k, n)
				if r["rate"] != k/n || math.Abs(r["low"].(float64)-low) > 1e-12 || math.Abs(r["high"].(float64)-high) > 1e-12 {
					t.Errorf("rates[%s] = %v, want rate %v, interval %v–%v", v, r, k/n, low, high)
				}
			}
			if len(audittest.Findings(rep, "bias.label_disparity")) != 0 {
				t.Errorf("label_disparity flags no rows")
			}
		})
	}
}

func TestLabelDisparityHandCounted(t *testing.T) {
	rows := concat(twoClass("a", 40, 20), twoClass("b", 40, 4))
	rep := audittest.RunSpecs(t, segCSV(rows...), segConfig([]string{"region"}, nil), bias.LabelDisparity)
	c := audittest.Check(t, rep, "bias.label_disparity")
	// The minority class of train is pos (24 of 80).
	if got := audittest.Metric(t, c, "positive_class"); got != "pos" {
		t.Errorf("positive_class = %v, want pos", got)
	}
	col := column(t, c, "region")
	// Table [[20, 20], [4, 36]]: row sums 40, 40, column sums 24, 56, N 80;
	// expected 12, 28, 12, 28; χ² = 2·(8²/12) + 2·(8²/28) = 15.238095.
	chi2 := 2*64.0/12 + 2*64.0/28
	// df 1: P(χ²₁ > x) = erfc(√(x/2)).
	p := math.Erfc(math.Sqrt(chi2 / 2))
	// Bergsma: φ² = χ²/80 − 1/79; r̃ = c̃ = 2 − 1/79; Ṽ = √(φ̃²/(r̃−1)) = 0.4244.
	phi2 := chi2/80 - 1.0/79
	v := math.Sqrt(phi2 / (1 - 1.0/79))
	if got := col["chi_square"].(float64); math.Abs(got-chi2) > 1e-9 {
		t.Errorf("chi_square = %v, want %v", got, chi2)
	}
	if got := col["dof"]; got != int64(1) {
		t.Errorf("dof = %v, want 1", got)
	}
	if got := col["p_value"].(float64); math.Abs(got-p) > 1e-12 {
		t.Errorf("p_value = %v, want %v", got, p)
	}
	if got := col["cramers_v"].(float64); math.Abs(got-v) > 1e-9 {
		t.Errorf("cramers_v = %v, want %v", got, v)
	}
	if got := col["counts"]; !reflect.DeepEqual(got, map[string]any{
		"a": map[string]any{"pos": int64(20), "neg": int64(20)}, "b": map[string]any{"pos": int64(4), "neg": int64(36)}}) {
		t.Errorf("counts = %v", got)
	}
	if col["intervals_overlap"] != false || col["highest_value"] != "a" {
		t.Errorf("intervals_overlap %v highest %v, want false and a", col["intervals_overlap"], col["highest_value"])
	}
	// Examples: lowest (b) then highest (a), each with its first train rows:
	// b's rows start at row 40 (line 42).
	if len(c.Examples) != 3 || c.Examples[0].Values["value"] != "b" || c.Examples[1].Values["value"] != "a" ||
		c.Examples[2].Title != "class distribution depends on the segment" {
		t.Fatalf("examples = %+v", c.Examples)
	}
	if rows := c.Examples[0].Rows; len(rows) != 3 || rows[0].Line != 42 || rows[0].Label != "pos" {
		t.Errorf("lowest example rows = %+v, want lines 42–44", rows)
	}
}

func TestLabelDisparityAssociation(t *testing.T) {
	tests := []struct {
		name   string
		rows   []seg
		alpha  float64
		status audit.Status
	}{
		// Each region has its own class: V = 1, p ≈ 0, whatever the rates.
		{"three classes, one per region", []seg{{40, "train", "x", "a", "", ""}, {40, "train", "y", "b", "", ""}, {40, "train", "z", "c", "", ""}}, 0.01, audit.Warn},
		// Same table, but alpha 0 means no p-value is small enough.
		{"alpha 0 turns the test off", []seg{{40, "train", "x", "a", "", ""}, {40, "train", "y", "b", "", ""}, {40, "train", "z", "c", "", ""}}, 0, audit.Pass},
		// Identical class mix in both regions: χ² = 0.
		{"same mix everywhere", []seg{{20, "train", "x", "a", "", ""}, {20, "train", "y", "a", "", ""}, {10, "train", "z", "a", "", ""},
			{20, "train", "x", "b", "", ""}, {20, "train", "y", "b", "", ""}, {10, "train", "z", "b", "", ""}}, 0.01, audit.Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, segCSV(tc.rows...),
				segConfig([]string{"region"}, map[string]map[string]any{"bias.label_disparity": {"alpha": tc.alpha}}), bias.LabelDisparity)
			c := audittest.Check(t, rep, "bias.label_disparity")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			if got := audittest.Metric(t, c, "positive_class"); got != "" {
				t.Errorf("positive_class = %v, want none for three classes", got)
			}
			if got := column(t, c, "region")["rates"]; !reflect.DeepEqual(got, map[string]any{}) {
				t.Errorf("rates = %v, want {} without a positive class", got)
			}
		})
	}
}

func TestLabelDisparitySkips(t *testing.T) {
	tests := []struct {
		name, csv string
		cfg       func(*audit.Config)
		reason    string
	}{
		{"no segment columns", segCSV(twoClass("a", 40, 20)...), segConfig(nil, nil), "No segment columns"},
		{"a single class", segCSV(seg{40, "train", "x", "a", "", ""}), segConfig([]string{"region"}, nil), "1 class"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, tc.csv, tc.cfg, bias.LabelDisparity)
			c := audittest.Check(t, rep, "bias.label_disparity")
			if c.Status != audit.Skip || !strings.Contains(c.Summary, tc.reason) {
				t.Errorf("status %s summary %q, want skip saying %q", c.Status, c.Summary, tc.reason)
			}
		})
	}
}

func TestLabelDisparityCramersVThreshold(t *testing.T) {
	// The hand-counted table of TestLabelDisparityHandCounted: Ṽ = 0.42438,
	// p ≈ 1e-4. warn 0 turns the ratio rule off (no ratio is below 0).
	chi2 := 2*64.0/12 + 2*64.0/28
	v := math.Sqrt((chi2/80 - 1.0/79) / (1 - 1.0/79))
	rows := concat(twoClass("a", 40, 20), twoClass("b", 40, 4))
	tests := []struct {
		name   string
		warnV  float64
		status audit.Status
	}{
		{"V just above warn_cramers_v warns", v - 1e-9, audit.Warn},
		{"V just below warn_cramers_v passes", v + 1e-9, audit.Pass},
		{"default 0.3 warns", 0.3, audit.Warn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, segCSV(rows...),
				segConfig([]string{"region"}, map[string]map[string]any{"bias.label_disparity": {"warn": 0, "warn_cramers_v": tc.warnV}}), bias.LabelDisparity)
			c := audittest.Check(t, rep, "bias.label_disparity")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (V %v; %s)", c.Status, tc.status, v, c.Summary)
			}
		})
	}
}
