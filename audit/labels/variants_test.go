package labels_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/labels"
)

// variantsData: lines 2.. of the file. By hand, base forms (norm, then
// spaces, dashes, connectors, quotes and . , ; : ! ? removed):
//
//	refund:  refund ×2 (lines 3, 4), Refund ×1 (2), "refund " ×1 (5) → keep refund, 2 variant rows
//	topup:   "top up" ×2 (7, 8), top-up ×1 (6)                    → keep "top up", 1 variant row
//	>50k:    >50K ×1 (9), >50K. ×1 (10): a tie, ">50K" sorts first → keep >50K, 1 variant row
//	<=50k, c++, c#: one spelling each; NA (line 14) is missing.
//
// So 3 groups, 4 variant rows, flagged lines 2, 5, 6, 10.
var variantsData = csvRows("text,label,split",
	"t1,Refund,train",
	"t2,refund,train",
	"t3,refund,train",
	"t4,refund ,test",
	"t5,top-up,train",
	"t6,top up,train",
	"t7,top up,test",
	"t8,>50K,train",
	"t9,>50K.,test",
	"t10,<=50K,train",
	"t11,C++,train",
	"t12,C#,train",
	"t13,NA,train",
)

func TestVariants(t *testing.T) {
	tests := []struct {
		name     string
		csv      string
		labelMap map[string]string
		fail     *float64
		groups   int64
		rows     int64
		status   audit.Status
		lines    []int64
	}{
		{"hand-counted groups", variantsData, nil, nil, 3, 4, audit.Fail, []int64{2, 5, 6, 10}},
		{"symbols stay distinct", csvRows("text,label", "a,<=50K", "b,>50K", "c,C++", "d,C#", "e,1", "f,1.5"), nil, nil, 0, 0, audit.Pass, []int64{}},
		{"label_map merges spellings", variantsData, map[string]string{"Refund": "refund", "top-up": "top up", ">50K.": ">50K"}, nil, 0, 0, audit.Pass, []int64{}},
		// "x y" (2 rows, one mapped from z) ties with "x-y" (2 rows) and sorts
		// first (space before dash): both x-y rows are variants.
		{"label_map to a minority spelling", csvRows("text,label", "a,x-y", "b,x-y", "c,x y", "d,z"), map[string]string{"z": "x y"}, nil, 1, 2, audit.Fail, []int64{2, 3}},
		{"one group at fail 1 passes", csvRows("text,label", "a,top-up", "b,top up", "c,top up"), nil, ptr(1), 1, 1, audit.Pass, []int64{2}},
		{"one group at fail 0 fails", csvRows("text,label", "a,top-up", "b,top up", "c,top up"), nil, ptr(0), 1, 1, audit.Fail, []int64{2}},
		{"two groups at fail 1 fail", csvRows("text,label", "a,top-up", "b,top up", "c,A.", "d,a"), nil, ptr(1), 2, 2, audit.Fail, []int64{2, 5}},
		{"no labels", csvRows("text,label", "a,NA", "b,"), nil, nil, 0, 0, audit.Pass, []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, tc.csv, func(c *audit.Config) {
				c.Text = "text"
				c.LabelMap = tc.labelMap
				if strings.HasPrefix(tc.csv, "text,label,split") {
					c.Split = "split"
				}
				if tc.fail != nil {
					c.Checks = map[string]map[string]any{"labels.variants": {"fail": *tc.fail}}
				}
			}, labels.Variants)
			c := audittest.Check(t, rep, "labels.variants")
			if got := intMetric(t, c, "variant_groups"); got != tc.groups {
				t.Errorf("variant_groups = %d, want %d", got, tc.groups)
			}
			if got := intMetric(t, c, "variant_rows"); got != tc.rows {
				t.Errorf("variant_rows = %d, want %d", got, tc.rows)
			}
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			if got := audittest.FindingLines(rep, "labels.variants"); !reflect.DeepEqual(got, tc.lines) {
				t.Errorf("flagged lines = %v, want %v", got, tc.lines)
			}
		})
	}
}

func ptr(f float64) *float64 { return &f }

// TestVariantsExamples checks the groups' order (most variant rows first,
// then base form), every spelling with rows and splits, the first row of
// each spelling, and the label_map lines.
func TestVariantsExamples(t *testing.T) {
	rep := audittest.RunSpecs(t, variantsData, func(c *audit.Config) {
		c.Text, c.Split = "text", "split"
	}, labels.Variants)
	c := audittest.Check(t, rep, "labels.variants")
	if len(c.Examples) != 3 {
		t.Fatalf("%d examples, want 3: %+v", len(c.Examples), c.Examples)
	}
	// refund (2 variant rows) first; then >50k and topup (1 each) by base form.
	var bases []string
	for _, ex := range c.Examples {
		bases = append(bases, ex.Values["base_form"].(string))
	}
	if want := []string{"refund", ">50k", "topup"}; !reflect.DeepEqual(bases, want) {
		t.Errorf("base forms = %v, want %v", bases, want)
	}
	ex := c.Examples[0]
	wantSpellings := []any{
		map[string]any{"spelling": "refund", "class": "refund", "rows": int64(2), "splits": map[string]any{"train": int64(2)}},
		map[string]any{"spelling": "Refund", "class": "refund", "rows": int64(1), "splits": map[string]any{"train": int64(1)}},
		map[string]any{"spelling": "refund ", "class": "refund", "rows": int64(1), "splits": map[string]any{"test": int64(1)}},
	}
	if got := ex.Values["spellings"]; !reflect.DeepEqual(got, wantSpellings) {
		t.Errorf("spellings = %#v\nwant %#v", got, wantSpellings)
	}
	if got, want := ex.Values["label_map"], "\"Refund\": \"refund\"\n\"refund \": \"refund\"\n"; got != want {
		t.Errorf("label_map = %q, want %q", got, want)
	}
	if got, want := ex.Values["most_frequent"], "refund"; got != want {
		t.Errorf("most_frequent = %q, want %q", got, want)
	}
	var rows []string
	for _, r := range ex.Rows {
		rows = append(rows, r.Split+":"+r.Label)
	}
	if want := []string{"train:Refund", "train:refund", "test:refund "}; !reflect.DeepEqual(rows, want) {
		t.Errorf("example rows = %v, want %v (first row of each spelling, input order)", rows, want)
	}
	titles := []string{c.Examples[0].Title, c.Examples[2].Title}
	if want := []string{`class "refund" written 3 ways`, "2 classes that differ only in spacing or punctuation"}; !reflect.DeepEqual(titles, want) {
		t.Errorf("titles = %q, want %q", titles, want)
	}
}

// TestVariantsSuggestedMapFixesThem applies the label_map lines of every
// example, parsed as YAML, and expects no variant left: the suggestion is
// valid YAML (quotes, colons, backslashes included) and does what it says.
func TestVariantsSuggestedMapFixesThem(t *testing.T) {
	data := csvRows("text,label",
		`a,"Say ""hi"": now"`, `b,say hi now`, `c,say hi now`,
		`d,back\slash`, `e,BACK\SLASH`, `f,back\slash`,
		`g,top-up`, `h,top up`, `i,Top Up`, `j,top up`,
	)
	rep := audittest.RunSpecs(t, data, func(c *audit.Config) { c.Text = "text" }, labels.Variants)
	c := audittest.Check(t, rep, "labels.variants")
	if got := intMetric(t, c, "variant_groups"); got != 3 {
		t.Fatalf("variant_groups = %d, want 3", got)
	}
	var lines strings.Builder
	for _, ex := range c.Examples {
		lines.WriteString(ex.Values["label_map"].(string))
	}
	var m map[string]string
	if err := yaml.Unmarshal([]byte(lines.String()), &m); err != nil {
		t.Fatalf("suggested lines are not YAML: %v\n%s", err, lines.String())
	}
	want := map[string]string{`Say "hi": now`: "say hi now", `BACK\SLASH`: `back\slash`, "top-up": "top up", "Top Up": "top up"}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("label_map = %q, want %q", m, want)
	}
	rep = audittest.RunSpecs(t, data, func(c *audit.Config) { c.Text, c.LabelMap = "text", m }, labels.Variants)
	c = audittest.Check(t, rep, "labels.variants")
	if got := intMetric(t, c, "variant_groups"); got != 0 || c.Status != audit.Pass {
		t.Errorf("after the fix: variant_groups = %d, status %s, want 0, pass (%s)", got, c.Status, c.Summary)
	}
}

// TestVariantsFindings checks the findings rows: every minority-spelling
// row, with its split, raw label, id and reason.
func TestVariantsFindings(t *testing.T) {
	data := csvRows("text,label,user", "a,refund,u1", "b,Refund,u2", "c,refund,u3", "d,REFUND,u4")
	rep := audittest.RunSpecs(t, data, func(c *audit.Config) { c.Text, c.IDs = "text", []string{"user"} }, labels.Variants)
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Check+"|"+f.Split+"|"+f.IDs[0]+"|"+f.Label+"|"+f.Reason+"|"+string(f.Status))
	}
	want := []string{
		`labels.variants|all|u2|Refund|label "Refund" is a variant of "refund" (2 rows); map it with label_map|fail`,
		`labels.variants|all|u4|REFUND|label "REFUND" is a variant of "refund" (2 rows); map it with label_map|fail`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
