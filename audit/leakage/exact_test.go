package leakage_test

import (
	"fmt"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/leakage"
)

// exactCSV is counted by hand below. Lines: header 1, rows from 2.
const exactCSV = `text,label,split
a,x,train
b,y,train
b,z,train
c,,train
d,x,train
a,x,test
A ,y,test
b,y,test
c,x,test
a,,test
e,x,test
d,x,test
d,w,test
a,x,val
f,y,val
`

// TestExactOverlapByHand: the test split has 8 rows; 7 repeat a train key
// (lines 7-11, 13, 14; "e" on line 12 does not):
//   - line 7  a/x: train a is x                        → same label
//   - line 8  "A " /y: same key as a (norm)            → another label
//   - line 9  b/y: train b carries y and z             → another label
//   - line 10 c/x: train c is unlabeled                → neither
//   - line 11 a/(missing)                              → neither
//   - line 13 d/x: train d is x                        → same label
//   - line 14 d/w: train d is x                        → another label
//     (lines 13 and 14 make d conflict in the key table although train agrees with line 13)
//
// val has 2 rows; line 15 a/x repeats train (same label), f does not.
func TestExactOverlapByHand(t *testing.T) {
	c, rep := run(t, leakage.ExactOverlap, exactCSV, func(c *audit.Config) { c.Text = "text" })
	wantStatus(t, c, audit.Fail)
	wantInts(t, c, map[string]int64{
		"holdout_rows_in_train":               8,
		"same_label":                          3,
		"different_label":                     3,
		"by_split/test/rows":                  8,
		"by_split/test/holdout_rows_in_train": 7,
		"by_split/test/same_label":            2,
		"by_split/test/different_label":       3,
		"by_split/val/rows":                   2,
		"by_split/val/holdout_rows_in_train":  1,
		"by_split/val/same_label":             1,
		"by_split/val/different_label":        0,
	})
	wantRates(t, c, map[string]float64{"rate": 8.0 / 10, "by_split/test/rate": 7.0 / 8, "by_split/val/rate": 1.0 / 2})

	// Every leaked holdout row is flagged, with its first train twin.
	wantLines(t, rep, leakage.ExactOverlap.ID, []int64{7, 8, 9, 10, 11, 13, 14, 15})
	got := flagged(rep, leakage.ExactOverlap.ID)
	for i, want := range []string{":2 (same label)", ":2 (another label)", ":3 (another label)", ":5", ":2", ":6 (same label)", ":6 (another label)", ":2 (same label)"} {
		if !strings.HasSuffix(got[i], want) || !strings.Contains(got[i], "same row key as train row ") {
			t.Errorf("finding %d = %q, want a reason ending in %q", i, got[i], want)
		}
	}

	// Examples: the first leaked rows in input order, each with its train twin.
	if len(c.Examples) != 8 || c.ExamplesTotal != 8 {
		t.Fatalf("%d examples (total %d), want 8", len(c.Examples), c.ExamplesTotal)
	}
	ex := c.Examples[2] // line 9: b/y against train b (y and z)
	if ex.Rows[0].Line != 9 || ex.Rows[0].Label != "y" || ex.Rows[1].Line != 3 || ex.Rows[1].Split != "train" {
		t.Errorf("example rows = %+v, want holdout line 9 (label y) and train line 3", ex.Rows)
	}
	if ex.Values["train_class"] != "(several)" || ex.Values["holdout_class"] != "y" || !strings.Contains(ex.Title, "another label") {
		t.Errorf("example = %+v, want holdout class y against (several), another label", ex)
	}
	if v := c.Examples[3].Values["train_class"]; v != "" {
		t.Errorf("train_class of an unlabeled twin = %q, want empty", v)
	}
}

// leakRows builds a train split of 50 distinct texts and a holdout of
// holdout rows, the first leaked of which repeat train texts.
func leakRows(holdout, leaked int) string {
	var b strings.Builder
	b.WriteString("text,label,split\n")
	for i := range 50 {
		fmt.Fprintf(&b, "train text %d,%s,train\n", i, []string{"x", "y"}[i%2])
	}
	for i := range holdout {
		text := fmt.Sprintf("new text %d", i)
		if i < leaked {
			text = fmt.Sprintf("train text %d", i)
		}
		fmt.Fprintf(&b, "%s,%s,test\n", text, []string{"x", "y"}[i%2])
	}
	return b.String()
}

func TestExactOverlapThresholds(t *testing.T) {
	tests := []struct {
		name            string
		holdout, leaked int
		checks          map[string]any
		want            audit.Status
	}{
		{"no leak passes", 100, 0, nil, audit.Pass},
		{"one leak in 101 warns (rate 0.0099)", 101, 1, nil, audit.Warn},
		{"one leak in 100 fails (rate exactly 0.01)", 100, 1, nil, audit.Fail},
		{"two leaks in 100 fail", 100, 2, nil, audit.Fail},
		{"warn from config: rate 0.02 at warn 0.02 passes", 100, 2, map[string]any{"warn": 0.02, "fail": 0.5}, audit.Pass},
		{"warn from config: rate 0.03 above warn 0.02 warns", 100, 3, map[string]any{"warn": 0.02, "fail": 0.5}, audit.Warn},
		{"fail from config: rate 0.03 at fail 0.03 fails", 100, 3, map[string]any{"fail": 0.03}, audit.Fail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := run(t, leakage.ExactOverlap, leakRows(tc.holdout, tc.leaked), func(c *audit.Config) {
				c.Text = "text"
				if tc.checks != nil {
					c.Checks = map[string]map[string]any{leakage.ExactOverlap.ID: tc.checks}
				}
			})
			wantStatus(t, c, tc.want)
			if got := num(t, c, "holdout_rows_in_train"); got != int64(tc.leaked) {
				t.Errorf("holdout_rows_in_train = %d, want %d", got, tc.leaked)
			}
		})
	}
}

func TestExactOverlapSkips(t *testing.T) {
	tests := []struct {
		name, csv string
		split     bool
		why       string
	}{
		{"no split at all", "text,label\na,x\na,x\n", false, "no train split and no holdout"},
		{"train only", "text,label,split\na,x,train\na,x,train\n", true, "no holdout split"},
		{"holdout only", "text,label,split\na,x,test\na,x,val\n", true, "no train split"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, rep := run(t, leakage.ExactOverlap, tc.csv, func(c *audit.Config) {
				c.Text = "text"
				if !tc.split {
					c.Split = ""
				}
			})
			wantStatus(t, c, audit.Skip)
			if !strings.Contains(c.Summary, tc.why) {
				t.Errorf("summary = %q, want it to say %q", c.Summary, tc.why)
			}
			if n := len(flagged(rep, leakage.ExactOverlap.ID)); n != 0 {
				t.Errorf("%d findings, want none when skipped", n)
			}
		})
	}
}

// TestExactOverlapFeatureKeys: without a text column the row key is the
// tuple of feature values; the id column is not part of it.
func TestExactOverlapFeatureKeys(t *testing.T) {
	csv := "id,color,size,label,split\n1,red,S,x,train\n2,blue,M,y,train\n3,Red ,s,x,test\n4,red,M,x,test\n5,,S,y,test\n"
	c, rep := run(t, leakage.ExactOverlap, csv, func(c *audit.Config) { c.IDs = []string{"id"} })
	// Line 4 (Red /s) is red/S after norm; line 5 (red/M) and line 6 (null/S) are new.
	wantInts(t, c, map[string]int64{"holdout_rows_in_train": 1, "same_label": 1, "different_label": 0})
	wantLines(t, rep, leakage.ExactOverlap.ID, []int64{4})
	if id := c.Examples[0].Rows[0].ID; id != "3" {
		t.Errorf("example row id = %q, want 3", id)
	}
}

func TestExactOverlapSameWhateverTheWorkers(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,label,split\n")
	for i := range 600 {
		split := []string{"train", "train", "train", "test", "val"}[i%5]
		fmt.Fprintf(&b, "text %d,%s,%s\n", (i*7)%173, []string{"x", "y", "z", ""}[i%4], split)
	}
	c := sameWhateverTheWorkers(t, leakage.ExactOverlap, b.String(), func(c *audit.Config) { c.Text = "text" })
	if num(t, c, "holdout_rows_in_train") == 0 || num(t, c, "different_label") == 0 {
		t.Errorf("the data should leak with both labels: %v", c.Metrics)
	}
}
