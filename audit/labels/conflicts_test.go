package labels_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/labels"
)

// conflictsData, by hand (norm makes "Hello" and "hello " equal "hello"):
//
//	hello: lines 2 (a, train), 4 (b, train), 7 (a, test) → conflict, 3 rows, two splits
//	y:     lines 5 (a, train), 8 (b, test)               → conflict, 2 rows, two splits
//	q:     lines 9 (a, train), 10 (b, train)             → conflict, 2 rows, train only
//	x:     lines 3, 6, both a                            → no conflict
//	z:     line 11 a, line 12 missing                    → no conflict (missing labels do not count)
//
// 10 labeled rows; 3 groups, 7 rows (rate 0.7), 2 across splits; train
// holds 5 of the rows (2, 4, 5, 9, 10), test 2 (7, 8).
var conflictsData = csvRows("text,label,split",
	"hello,a,train",
	"x,a,train",
	"Hello,b,train",
	"y,a,train",
	"x,a,test",
	"hello ,a,test",
	"Y,b,test",
	"q,a,train",
	"q,b,train",
	"z,a,train",
	"z,NA,train",
)

func TestConflicts(t *testing.T) {
	rep := audittest.RunSpecs(t, conflictsData, func(c *audit.Config) { c.Text, c.Split = "text", "split" }, labels.Conflicts)
	c := audittest.Check(t, rep, "labels.conflicts")
	for name, want := range map[string]int64{"conflicting_groups": 3, "conflicting_rows": 7, "cross_split_groups": 2} {
		if got := intMetric(t, c, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if got := floatMetric(t, c, "conflict_rate"); got != 0.7 {
		t.Errorf("conflict_rate = %v, want 0.7", got)
	}
	wantSplits := map[string]any{
		"train": map[string]any{"conflicting_rows": int64(5)},
		"test":  map[string]any{"conflicting_rows": int64(2)},
	}
	if got := audittest.Metric(t, c, "by_split"); !reflect.DeepEqual(got, wantSplits) {
		t.Errorf("by_split = %v, want %v", got, wantSplits)
	}
	if c.Status != audit.Fail {
		t.Errorf("status = %s, want fail (%s)", c.Status, c.Summary)
	}
	if got, want := audittest.FindingLines(rep, "labels.conflicts"), []int64{2, 4, 5, 7, 8, 9, 10}; !reflect.DeepEqual(got, want) {
		t.Errorf("flagged lines = %v, want %v", got, want)
	}
}

// TestConflictsExamples: the largest group first, ties by first row; each
// with its text, classes, splits and rows (split, line, label).
func TestConflictsExamples(t *testing.T) {
	rep := audittest.RunSpecs(t, conflictsData, func(c *audit.Config) { c.Text, c.Split = "text", "split" }, labels.Conflicts)
	c := audittest.Check(t, rep, "labels.conflicts")
	if len(c.Examples) != 3 || c.ExamplesTotal != 3 {
		t.Fatalf("%d examples (total %d), want 3", len(c.Examples), c.ExamplesTotal)
	}
	var texts []string
	for _, ex := range c.Examples {
		texts = append(texts, ex.Values["text"].(string))
	}
	if want := []string{"hello", "y", "q"}; !reflect.DeepEqual(texts, want) {
		t.Errorf("texts = %q, want %q (3 rows first, then by first row)", texts, want)
	}
	ex := c.Examples[0]
	if ex.Title != "row key with 2 classes across splits" {
		t.Errorf("title = %q", ex.Title)
	}
	wantValues := map[string]any{
		"text":         "hello",
		"labeled_rows": int64(3),
		"classes":      map[string]any{"a": int64(2), "b": int64(1)},
		"splits":       []string{"train", "test"},
	}
	if !reflect.DeepEqual(ex.Values, wantValues) {
		t.Errorf("values = %v, want %v", ex.Values, wantValues)
	}
	var rows []string
	for _, r := range ex.Rows {
		rows = append(rows, fmt.Sprintf("%s:%d:%s", r.Split, r.Line, r.Label))
	}
	if want := []string{"train:2:a", "train:4:b", "test:7:a"}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %v, want %v", rows, want)
	}
	if got := c.Examples[2].Title; got != "row key with 2 classes" {
		t.Errorf("title of the train-only group = %q", got)
	}
	for _, f := range rep.Findings {
		if f.Line == 2 && !(strings.HasPrefix(f.Reason, `row key carries 2 classes ("a", "b") in 3 rows; first at `) && strings.HasSuffix(f.Reason, ":2")) {
			t.Errorf("reason of line 2 = %q", f.Reason)
		}
	}
}

// TestConflictsWithoutText: the row key is the feature tuple, and the
// examples' text is empty.
func TestConflictsWithoutText(t *testing.T) {
	data := csvRows("f1,f2,label,user", "1,2,a,u1", "1,2,b,u2", "1,3,a,u3")
	rep := audittest.RunSpecs(t, data, func(c *audit.Config) { c.IDs = []string{"user"} }, labels.Conflicts)
	c := audittest.Check(t, rep, "labels.conflicts")
	if got := intMetric(t, c, "conflicting_groups"); got != 1 {
		t.Fatalf("conflicting_groups = %d, want 1", got)
	}
	ex := c.Examples[0]
	if ex.Values["text"] != "" || len(ex.Rows) != 2 || ex.Rows[0].ID != "u1" || ex.Rows[1].ID != "u2" {
		t.Errorf("example = %+v, want no text and rows with ids u1, u2", ex)
	}
}

// distinctWithConflict has n labeled rows with distinct texts, two of
// which share a key and differ in class.
func distinctWithConflict(n int, conflict bool) string {
	var b strings.Builder
	b.WriteString("text,label\n")
	start := 0
	if conflict {
		b.WriteString("same,a\nSAME,b\n")
		start = 2
	}
	for i := start; i < n; i++ {
		fmt.Fprintf(&b, "text %d,%s\n", i, []string{"a", "b"}[i%2])
	}
	return b.String()
}

func TestConflictsThresholds(t *testing.T) {
	tests := []struct {
		name       string
		n          int
		conflict   bool
		warn, fail *float64
		status     audit.Status
	}{
		{"2 of 200 = 0.01 fails", 200, true, nil, nil, audit.Fail},
		{"2 of 201 < 0.01 warns", 201, true, nil, nil, audit.Warn},
		{"no conflict passes", 200, false, nil, nil, audit.Pass},
		{"rate at warn passes", 200, true, ptr(0.01), ptr(0.5), audit.Pass},
		{"rate above warn warns", 200, true, ptr(0.0099), ptr(0.5), audit.Warn},
		{"rate just below fail warns", 200, true, nil, ptr(0.0101), audit.Warn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, distinctWithConflict(tc.n, tc.conflict), func(c *audit.Config) {
				c.Text = "text"
				p := map[string]any{}
				if tc.warn != nil {
					p["warn"] = *tc.warn
				}
				if tc.fail != nil {
					p["fail"] = *tc.fail
				}
				c.Checks = map[string]map[string]any{"labels.conflicts": p}
			}, labels.Conflicts)
			c := audittest.Check(t, rep, "labels.conflicts")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
		})
	}
}
