package leakage_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/leakage"
)

// dupCSV: lines: header 1, rows from 2.
const dupCSV = `text,label,split
a,x,train
a,x,train
A ,y,train
b,x,train
c,x,train
c,y,train
c,,train
a,x,test
d,x,test
d,x,test
`

// TestDuplicatesByHand: train has 7 rows and 3 distinct keys (a on lines
// 2-4, "A " being a after norm; b; c on lines 6-8, the unlabeled row
// included): 4 duplicates. test has 3 rows and 2 keys (a repeats train,
// which is not a duplicate within test; d twice): 1 duplicate.
func TestDuplicatesByHand(t *testing.T) {
	c, rep := run(t, leakage.Duplicates, dupCSV, func(c *audit.Config) { c.Text = "text" })
	wantStatus(t, c, audit.Fail) // train 4/7 > 0.2
	wantInts(t, c, map[string]int64{
		"duplicate_rows":                5,
		"by_split/train/rows":           7,
		"by_split/train/distinct_keys":  3,
		"by_split/train/duplicate_rows": 4,
		"by_split/test/rows":            3,
		"by_split/test/distinct_keys":   2,
		"by_split/test/duplicate_rows":  1,
	})
	wantRates(t, c, map[string]float64{"rate": 5.0 / 10, "by_split/train/rate": 4.0 / 7, "by_split/test/rate": 1.0 / 3})

	path := rep.Inputs[0].Path
	want := []string{
		fmt.Sprintf("train:3 duplicate of %s:2 (3 rows with this key in split train)", path),
		fmt.Sprintf("train:4 duplicate of %s:2 (3 rows with this key in split train)", path),
		fmt.Sprintf("train:7 duplicate of %s:6 (3 rows with this key in split train)", path),
		fmt.Sprintf("train:8 duplicate of %s:6 (3 rows with this key in split train)", path),
		fmt.Sprintf("test:11 duplicate of %s:10 (2 rows with this key in split test)", path),
	}
	if got := flagged(rep, leakage.Duplicates.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Examples: the largest groups, then by first row: a (3 rows from line
	// 2), c (3 rows from line 6), d (2 rows from line 10). a and c carry
	// several classes; d only x.
	var got []string
	for _, ex := range c.Examples {
		var lines []string
		for _, r := range ex.Rows {
			lines = append(lines, fmt.Sprint(r.Line))
		}
		got = append(got, fmt.Sprintf("%s %d %s [%s]", ex.Values["split"], ex.Values["rows"], ex.Values["class"], strings.Join(lines, " ")))
	}
	wantEx := []string{"train 3 (several) [2 3 4]", "train 3 (several) [6 7 8]", "test 2 x [10 11]"}
	if !reflect.DeepEqual(got, wantEx) || c.ExamplesTotal != 3 {
		t.Errorf("examples = %q (total %d), want %q (3)", got, c.ExamplesTotal, wantEx)
	}
}

// dupRows builds n rows of split with dups extra copies of the first text.
func dupRows(b *strings.Builder, split string, n, dups int) {
	for i := range n - dups {
		fmt.Fprintf(b, "%s text %d,x,%s\n", split, i, split)
	}
	for range dups {
		fmt.Fprintf(b, "%s text 0,x,%s\n", split, split)
	}
}

func TestDuplicatesThresholds(t *testing.T) {
	tests := []struct {
		name        string
		train, test [2]int // rows, duplicates
		checks      map[string]any
		want        audit.Status
	}{
		{"none passes", [2]int{20, 0}, [2]int{10, 0}, nil, audit.Pass},
		{"rate 0.05 passes (warn above 0.05)", [2]int{20, 1}, [2]int{10, 0}, nil, audit.Pass},
		{"rate 0.1 warns", [2]int{20, 2}, [2]int{10, 0}, nil, audit.Warn},
		{"rate 0.2 warns (fail above 0.2)", [2]int{20, 4}, [2]int{10, 0}, nil, audit.Warn},
		{"rate 0.25 fails", [2]int{20, 5}, [2]int{10, 0}, nil, audit.Fail},
		{"any split decides: test at 0.3 fails though overall is 0.1", [2]int{20, 0}, [2]int{10, 3}, nil, audit.Fail},
		{"thresholds from config", [2]int{20, 2}, [2]int{10, 0}, map[string]any{"warn": 0.1, "fail": 0.5}, audit.Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("text,label,split\n")
			dupRows(&b, "train", tc.train[0], tc.train[1])
			dupRows(&b, "test", tc.test[0], tc.test[1])
			c, rep := run(t, leakage.Duplicates, b.String(), func(c *audit.Config) {
				c.Text = "text"
				if tc.checks != nil {
					c.Checks = map[string]map[string]any{leakage.Duplicates.ID: tc.checks}
				}
			})
			wantStatus(t, c, tc.want)
			total := int64(tc.train[1] + tc.test[1])
			if got := num(t, c, "duplicate_rows"); got != total {
				t.Errorf("duplicate_rows = %d, want %d", got, total)
			}
			if n := len(flagged(rep, leakage.Duplicates.ID)); int64(n) != total {
				t.Errorf("%d findings, want %d", n, total)
			}
		})
	}
}

// TestDuplicatesWithoutSplits: the check needs no holdout; with no split
// information the whole data is the split "all".
func TestDuplicatesWithoutSplits(t *testing.T) {
	c, _ := run(t, leakage.Duplicates, "text,label\na,x\na,x\nb,y\nc,y\n", func(c *audit.Config) { c.Text, c.Split = "text", "" })
	wantStatus(t, c, audit.Fail) // 1/4 > 0.2
	wantInts(t, c, map[string]int64{"duplicate_rows": 1, "by_split/all/distinct_keys": 3})
}

func TestDuplicatesSameWhateverTheWorkers(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,label,split\n")
	for i := range 900 {
		split := []string{"train", "train", "test", "val"}[i%4]
		fmt.Fprintf(&b, "text %d,%s,%s\n", (i*11)%331, []string{"x", "y", ""}[i%3], split)
	}
	c := sameWhateverTheWorkers(t, leakage.Duplicates, b.String(), func(c *audit.Config) { c.Text = "text" })
	if num(t, c, "duplicate_rows") == 0 {
		t.Errorf("the data should have duplicates: %v", c.Metrics)
	}
}
