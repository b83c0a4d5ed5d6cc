package labels_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/labels"
)

// ratingsCSV builds a CSV with columns text, label and one column per
// annotator; "." in a rating is a missing value (an empty field).
func ratingsCSV(annotators []string, label func(i int) string, items [][]string) string {
	var b strings.Builder
	b.WriteString("text,label," + strings.Join(annotators, ",") + "\n")
	for i, item := range items {
		fields := make([]string, len(item))
		for j, v := range item {
			if v != "." {
				fields[j] = v
			}
		}
		fmt.Fprintf(&b, "item %d,%s,%s\n", i, label(i), strings.Join(fields, ","))
	}
	return b.String()
}

func constLabel(s string) func(int) string { return func(int) string { return s } }

// runAgreement audits csv with the given annotators and config changes.
func runAgreement(t *testing.T, csv string, annotators []string, configure func(*audit.Config)) (*audit.Report, audit.CheckResult) {
	t.Helper()
	rep := audittest.RunSpecs(t, csv, func(c *audit.Config) {
		c.Text = "text"
		c.Annotators = annotators
		if configure != nil {
			configure(c)
		}
	}, labels.Agreement)
	return rep, audittest.Check(t, rep, "labels.agreement")
}

// krippendorff2011 is the reliability data of Krippendorff (2011),
// "Computing Krippendorff's Alpha-Reliability", section C (nominal data, any
// number of observers, missing data): observers A–D (columns) by units 1–12
// (rows), "." where an observer gave no value. Published: α_nominal = 0.743,
// α_ordinal = 0.815.
var krippendorff2011 = [][]string{
	// A    B    C    D
	{"1", "1", ".", "1"},
	{"2", "2", "3", "2"},
	{"3", "3", "3", "3"},
	{"3", "3", "3", "3"},
	{"2", "2", "2", "2"},
	{"1", "2", "3", "4"},
	{"4", "4", "4", "4"},
	{"1", "1", "2", "1"},
	{"2", "2", "2", "2"},
	{".", "5", "5", "5"},
	{".", ".", "1", "1"},
	{".", "3", ".", "."},
}

func TestAgreementKrippendorff2011(t *testing.T) {
	csv := ratingsCSV([]string{"A", "B", "C", "D"}, constLabel("x"), krippendorff2011)
	tests := []struct {
		name  string
		level string
		alpha float64
	}{
		{"nominal", "", 0.743},
		{"ordinal", "ordinal", 0.815},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, c := runAgreement(t, csv, []string{"A", "B", "C", "D"}, func(c *audit.Config) {
				c.Labels.AgreementLevel = tc.level
				c.Labels.OrdinalOrder = []string{"1", "2", "3", "4", "5"}
			})
			if got := floatMetric(t, c, "alpha"); !near(got, tc.alpha, 0.0005) {
				t.Errorf("alpha = %.4f, want %.3f (published)", got, tc.alpha)
			}
			// By hand: unit 12 has one value (left out), units 1–11 have two
			// or more; units 2, 6 and 8 hold different values.
			for name, want := range map[string]int64{"items": 11, "single_rating_items": 1, "unrated_rows": 0, "disagreeing_items": 3} {
				if got := intMetric(t, c, name); got != want {
					t.Errorf("%s = %d, want %d", name, got, want)
				}
			}
			// Pairable values per class, counted by hand over units 1–11:
			// 1: 3+1+3+2, 2: 3+4+1+1+4, 3: 1+4+4+1, 4: 1+4, 5: 3 (40 in all,
			// the n.. of the paper).
			for class, want := range map[string]int64{"1": 9, "2": 13, "3": 10, "4": 5, "5": 3} {
				if got := intMetric(t, c, "per_class", class, "values"); got != want {
					t.Errorf("per_class[%s].values = %d, want %d", class, got, want)
				}
			}
		})
	}
}

// fleiss1971 is the worked example of Wikipedia's "Fleiss' kappa" article
// (after Fleiss, 1971): 10 subjects, each rated by 14 raters into 5
// categories; each row gives how many raters chose each category.
// Published: P̄ = 0.378, P̄e = 0.213, κ = 0.210.
var fleiss1971 = [][5]int{
	{0, 0, 0, 0, 14},
	{0, 2, 6, 4, 2},
	{0, 0, 3, 5, 6},
	{0, 3, 9, 2, 0},
	{2, 2, 8, 1, 1},
	{7, 7, 0, 0, 0},
	{3, 2, 6, 3, 0},
	{2, 5, 3, 2, 2},
	{6, 5, 2, 1, 0},
	{0, 2, 2, 3, 7},
}

func TestAgreementFleiss1971(t *testing.T) {
	var raters []string
	for r := 1; r <= 14; r++ {
		raters = append(raters, fmt.Sprintf("r%d", r))
	}
	var items [][]string
	for _, counts := range fleiss1971 {
		var item []string
		for cat, n := range counts {
			for range n {
				item = append(item, fmt.Sprintf("c%d", cat+1))
			}
		}
		items = append(items, item)
	}
	_, c := runAgreement(t, ratingsCSV(raters, constLabel("c1"), items), raters, nil)
	if got := floatMetric(t, c, "fleiss_kappa"); !near(got, 0.210, 0.0005) {
		t.Errorf("fleiss_kappa = %.4f, want 0.210 (published)", got)
	}
	if got := intMetric(t, c, "fleiss_items"); got != 10 {
		t.Errorf("fleiss_items = %d, want 10", got)
	}
	if got := intMetric(t, c, "fleiss_raters"); got != 14 {
		t.Errorf("fleiss_raters = %d, want 14", got)
	}
}

// TestAgreementCohen uses the example of Wikipedia's "Cohen's kappa"
// article: 50 applications read by two readers, 20 yes/yes, 5 yes/no, 10
// no/yes, 15 no/no. p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
func TestAgreementCohen(t *testing.T) {
	var items [][]string
	add := func(n int, a, b string) {
		for range n {
			items = append(items, []string{a, b})
		}
	}
	add(20, "yes", "yes")
	add(5, "yes", "no")
	add(10, "no", "yes")
	add(15, "no", "no")
	_, c := runAgreement(t, ratingsCSV([]string{"A", "B"}, constLabel("yes"), items), []string{"A", "B"}, nil)
	for _, path := range [][]string{{"cohen_kappa", "A", "B"}, {"cohen_kappa", "B", "A"}} {
		if got := floatMetric(t, c, path...); !near(got, 0.4, 1e-9) {
			t.Errorf("%v = %v, want 0.4", path, got)
		}
	}
	if got := intMetric(t, c, "cohen_items", "A", "B"); got != 50 {
		t.Errorf("cohen_items A B = %d, want 50", got)
	}
	if got := floatMetric(t, c, "observed_agreement"); !near(got, 0.7, 1e-9) {
		t.Errorf("observed_agreement = %v, want 0.7", got)
	}
}

// twoCoders makes same items rated x by both, diff rated x by A and y by
// B, and yy rated y by both. By hand, with n_x = 2·same + diff, n_y =
// 2·yy + diff, n = n_x + n_y: α = 1 − (n − 1)·2·diff / (2·n_x·n_y).
func twoCoders(same, diff, yy int) string {
	var items [][]string
	for range same {
		items = append(items, []string{"x", "x"})
	}
	for range diff {
		items = append(items, []string{"x", "y"})
	}
	for range yy {
		items = append(items, []string{"y", "y"})
	}
	return ratingsCSV([]string{"A", "B"}, constLabel("x"), items)
}

func TestAgreementThresholds(t *testing.T) {
	tests := []struct {
		name           string
		same, diff, yy int
		alpha          float64 // by hand, see twoCoders
		fail, warn     *float64
		status         audit.Status
	}{
		{"perfect agreement passes", 3, 0, 3, 1, nil, nil, audit.Pass},
		{"0.75 warns (below 0.8)", 5, 2, 10, 0.75, nil, nil, audit.Warn},      // 1 − 33·4/528
		{"0.6875 warns (above 0.667)", 4, 2, 7, 0.6875, nil, nil, audit.Warn}, // 1 − 25·4/320
		{"0.625 fails (below 0.667)", 3, 2, 6, 0.625, nil, nil, audit.Fail},   // 1 − 21·4/224
		{"0.5 fails", 2, 2, 4, 0.5, nil, nil, audit.Fail},                     // 1 − 15·4/120
		{"alpha at warn passes", 5, 2, 10, 0.75, nil, ptr(0.75), audit.Pass},
		{"alpha just below warn warns", 5, 2, 10, 0.75, nil, ptr(0.7501), audit.Warn},
		{"alpha at fail warns", 5, 2, 10, 0.75, ptr(0.75), nil, audit.Warn},
		{"alpha just below fail fails", 5, 2, 10, 0.75, ptr(0.7501), nil, audit.Fail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, c := runAgreement(t, twoCoders(tc.same, tc.diff, tc.yy), []string{"A", "B"}, func(c *audit.Config) {
				p := map[string]any{}
				if tc.fail != nil {
					p["fail"] = *tc.fail
				}
				if tc.warn != nil {
					p["warn"] = *tc.warn
				}
				c.Checks = map[string]map[string]any{"labels.agreement": p}
			})
			if got := floatMetric(t, c, "alpha"); got != tc.alpha {
				t.Errorf("alpha = %v, want %v", got, tc.alpha)
			}
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
		})
	}
}

// TestAgreementTwoCodersByHand checks every other metric on 5 x/x, 2 x/y
// and 10 y/y items. By hand: o_xx = 10, o_yy = 20, n_x = 12, n_y = 22;
// per-class agreement 10/12 and 20/22; observed agreement 30/34. Cohen:
// A gave x 7, y 10; B gave x 5, y 12; p_o = 15/17, p_e = (7·5 + 10·12)/289,
// κ = (255 − 155)/(289 − 155) = 100/134. Fleiss with 2 raters: P̄ = 15/17,
// category shares 12/34 and 22/34, κ = (15/17 − (144+484)/1156)/(1 − 628/1156)
// = (1020 − 628)/(1156 − 628) = 392/528.
func TestAgreementTwoCodersByHand(t *testing.T) {
	_, c := runAgreement(t, twoCoders(5, 2, 10), []string{"A", "B"}, nil)
	floats := map[string]float64{
		"observed_agreement": 30.0 / 34,
		"fleiss_kappa":       392.0 / 528,
	}
	for name, want := range floats {
		if got := floatMetric(t, c, name); !near(got, want, 1e-12) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if got := floatMetric(t, c, "cohen_kappa", "A", "B"); !near(got, 100.0/134, 1e-12) {
		t.Errorf("cohen_kappa = %v, want %v", got, 100.0/134)
	}
	wantClass := map[string]any{
		"x": map[string]any{"values": int64(12), "agreement": 10.0 / 12},
		"y": map[string]any{"values": int64(22), "agreement": 20.0 / 22},
	}
	if got := audittest.Metric(t, c, "per_class"); !reflect.DeepEqual(got, wantClass) {
		t.Errorf("per_class = %v, want %v", got, wantClass)
	}
	for name, want := range map[string]int64{"items": 17, "disagreeing_items": 2, "fleiss_items": 17, "fleiss_raters": 2, "annotators": 2} {
		if got := intMetric(t, c, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if got := audittest.Metric(t, c, "level"); got != "nominal" {
		t.Errorf("level = %v, want nominal", got)
	}
}

// TestAgreementMajority: three annotators, by hand:
//
//	line 2: x x y, label x → majority x, matches; annotators disagree
//	line 3: x y y, label x → majority y, label differs; disagree
//	line 4: x y ., label x → tie, not compared; disagree
//	line 5: x x x, label NA → unanimous, no label
//	line 6: x . ., label x → one rating: not an item
//	line 7: . . ., label x → no rating
//	line 8: X, " x ", x (label_map X→x is a no-op: norm), label y → majority x, differs
//
// items 5 (2, 3, 4, 5, 8), disagreeing 3, single 1, unrated 1, compared 3
// (2, 3, 8) of which 1 matches, ties 1. Flagged: 2, 3, 4 (disagree), 3, 8 (label).
func TestAgreementMajority(t *testing.T) {
	labelsByRow := []string{"x", "x", "x", "NA", "x", "x", "y"}
	items := [][]string{
		{"x", "x", "y"},
		{"x", "y", "y"},
		{"x", "y", "."},
		{"x", "x", "x"},
		{"x", ".", "."},
		{".", "NA", "."},
		{"X", " x ", "x"},
	}
	rep, c := runAgreement(t, ratingsCSV([]string{"a1", "a2", "a3"}, func(i int) string { return labelsByRow[i] }, items), []string{"a1", "a2", "a3"}, nil)
	for name, want := range map[string]int64{
		"items": 5, "disagreeing_items": 3, "single_rating_items": 1, "unrated_rows": 1,
		"label_majority_items": 3, "majority_ties": 1,
	} {
		if got := intMetric(t, c, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if got := floatMetric(t, c, "label_majority_agreement"); !near(got, 1.0/3, 1e-12) {
		t.Errorf("label_majority_agreement = %v, want 1/3", got)
	}
	want := []string{
		"2:annotators disagree",
		"3:annotators disagree, and the label is not their majority class",
		"4:annotators disagree",
		"8:label is not the annotators' majority class",
	}
	if got := flagged(rep, "labels.agreement", true); !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
	if c.ExamplesTotal != 4 || len(c.Examples) != 4 {
		t.Fatalf("examples %d (total %d), want 4", len(c.Examples), c.ExamplesTotal)
	}
	ex := c.Examples[1]
	wantValues := map[string]any{"ratings": map[string]any{"a1": "x", "a2": "y", "a3": "y"}, "majority": "y"}
	if !reflect.DeepEqual(ex.Values, wantValues) || ex.Rows[0].Line != 3 || ex.Title != "annotators disagree and the label is not their majority" {
		t.Errorf("example = %+v, want line 3 with %v", ex, wantValues)
	}
	if got := c.Examples[2].Values["majority"]; got != "" {
		t.Errorf("majority of a tie = %q, want empty", got)
	}
}

// TestAgreementLabelMap: annotator values are read like labels.
func TestAgreementLabelMap(t *testing.T) {
	items := [][]string{{"Refund", "rfnd"}, {"refund ", "REFUND"}, {"billing", "bill"}, {"null", "billing"}}
	_, c := runAgreement(t, ratingsCSV([]string{"a", "b"}, constLabel("refund"), items), []string{"a", "b"}, func(c *audit.Config) {
		c.LabelMap = map[string]string{"rfnd": "refund", "bill": "billing"}
	})
	// Items 1–3 agree after label_map and norm; "null" is a null token.
	if got := intMetric(t, c, "items"); got != 3 {
		t.Errorf("items = %d, want 3", got)
	}
	if got := intMetric(t, c, "disagreeing_items"); got != 0 {
		t.Errorf("disagreeing_items = %d, want 0", got)
	}
	if got := floatMetric(t, c, "alpha"); got != 1 {
		t.Errorf("alpha = %v, want 1", got)
	}
}

// TestAgreementOrdinalUnordered: a class missing from ordinal_order is left
// out, counted, and makes the check warn even with perfect agreement.
func TestAgreementOrdinalUnordered(t *testing.T) {
	items := [][]string{{"low", "low"}, {"high", "high"}, {"mid", "mid"}, {"low", "?"}}
	_, c := runAgreement(t, ratingsCSV([]string{"a", "b"}, constLabel("low"), items), []string{"a", "b"}, func(c *audit.Config) {
		c.Labels.AgreementLevel = "ordinal"
		c.Labels.OrdinalOrder = []string{"Low", "mid", "high"}
	})
	if got := intMetric(t, c, "unordered_ratings"); got != 1 {
		t.Errorf("unordered_ratings = %d, want 1", got)
	}
	if got := intMetric(t, c, "single_rating_items"); got != 1 {
		t.Errorf("single_rating_items = %d, want 1", got)
	}
	if c.Status != audit.Warn || audittest.Metric(t, c, "level") != "ordinal" {
		t.Errorf("status = %s, level %v; want warn, ordinal (%s)", c.Status, c.Metrics["level"], c.Summary)
	}
}

func TestAgreementSkips(t *testing.T) {
	tests := []struct {
		name       string
		csv        string
		annotators []string
		level      string
		summary    string
	}{
		{"no annotators", twoCoders(2, 1, 2), nil, "", "No annotator columns"},
		{"one annotator", twoCoders(2, 1, 2), []string{"A"}, "", `Only one annotator column ("A")`},
		{"the same column twice", twoCoders(2, 1, 2), []string{"A", "A"}, "", `Only one annotator column ("A")`},
		{"ordinal without an order", twoCoders(2, 1, 2), []string{"A", "B"}, "ordinal", "ordinal_order is empty"},
		{"no item with two ratings", ratingsCSV([]string{"A", "B"}, constLabel("x"), [][]string{{"x", "."}, {".", "y"}, {".", "."}}),
			[]string{"A", "B"}, "", "No row has ratings from two or more of the 2 annotators (2 rows have one rating, 1 none)"},
		{"a single class", ratingsCSV([]string{"A", "B"}, constLabel("x"), [][]string{{"x", "x"}, {"x", "X"}}),
			[]string{"A", "B"}, "", `Every rating of the 2 items rated twice or more is "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, c := runAgreement(t, tc.csv, tc.annotators, func(c *audit.Config) { c.Labels.AgreementLevel = tc.level })
			if c.Status != audit.Skip || !strings.Contains(c.Summary, tc.summary) {
				t.Errorf("status = %s, summary %q; want skip with %q", c.Status, c.Summary, tc.summary)
			}
			if len(c.Metrics) != 0 || len(rep.Findings) != 0 {
				t.Errorf("metrics %v, %d findings; want none", c.Metrics, len(rep.Findings))
			}
		})
	}
}

// TestAgreementMissingColumn: an annotator column that does not exist stops
// the run with a config error naming it (exit code 2 in the CLI).
func TestAgreementMissingColumn(t *testing.T) {
	path := t.TempDir() + "/data.csv"
	if err := writeFile(path, twoCoders(1, 1, 1)); err != nil {
		t.Fatal(err)
	}
	cfg := audit.DefaultConfig()
	cfg.Inputs, cfg.Label, cfg.Annotators = []string{path}, "label", []string{"A", "rater_b"}
	_, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: []audit.Spec{labels.Agreement}})
	var ce *audit.ConfigError
	if !errors.As(err, &ce) || ce.Key != "annotators" || !strings.Contains(err.Error(), `"rater_b"`) {
		t.Errorf("err = %v, want a config error on annotators naming rater_b", err)
	}
}
