package valueclass_test

// The promise of this package, kept end to end: leakage.target and
// volume.baseline, both built on a Table, measure every feature column on
// the same rows with the same groups, so the baseline's single-column
// accuracy is exactly the rule accuracy behind the target's power,
//
//	power = (accuracy − majority accuracy) / (1 − majority accuracy),
//
// and the baseline leaves out exactly the target's suspects. (The test
// lives here, not in either check package, so that neither imports the
// other, even in tests.)

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/leakage"
	"dataready/audit/norm"
	"dataready/audit/valueclass"
	"dataready/audit/volume"
)

// agreement compares the two checks' results column by column and returns
// the baseline's accuracy per column.
func agreement(t *testing.T, rep *audit.Report) map[string]float64 {
	t.Helper()
	target := audittest.Check(t, rep, leakage.Target.ID)
	base := audittest.Check(t, rep, volume.Baseline.ID)
	if target.Status == audit.Skip || base.Status == audit.Skip {
		t.Fatalf("a check skipped: %s / %s", target.Summary, base.Summary)
	}
	majority := audittest.Metric(t, target, "majority_accuracy").(float64)
	if got := audittest.Metric(t, base, "majority", "accuracy").(float64); got != majority {
		t.Errorf("baseline majority accuracy %v, target majority_accuracy %v: want equal", got, majority)
	}
	if got, want := audittest.Metric(t, base, "majority", "class"), audittest.Metric(t, target, "majority_class"); got != want {
		t.Errorf("baseline majority class %v, target %v", got, want)
	}
	if got, want := audittest.Metric(t, base, "eval_rows"), audittest.Metric(t, target, "eval_rows"); got != want {
		t.Errorf("baseline eval_rows %v, target eval_rows %v: want the same rows", got, want)
	}
	wantSplit := map[string]string{"holdout": "holdout", "hash_split": "hash 20%"}[audittest.Metric(t, target, "measured_on").(string)]
	if got := audittest.Metric(t, base, "eval_split"); got != wantSplit {
		t.Errorf("baseline eval_split %v, want %q (target measured_on %v)", got, wantSplit, audittest.Metric(t, target, "measured_on"))
	}

	suspects := audittest.Metric(t, target, "suspects").([]string)
	baseCols := audittest.Metric(t, base, "columns").(map[string]any)
	targetCols := audittest.Metric(t, target, "columns").([]any)
	if len(baseCols) != len(targetCols) {
		t.Errorf("baseline scores %d columns, target %d: want the same feature columns", len(baseCols), len(targetCols))
	}
	acc := map[string]float64{}
	bestAcc, best := -1.0, ""
	for _, tc := range targetCols {
		tcol := tc.(map[string]any)
		name := tcol["column"].(string)
		bc, ok := baseCols[name].(map[string]any)
		if !ok {
			t.Errorf("column %s: measured by leakage.target, absent from the baseline", name)
			continue
		}
		power, ruleAcc := tcol["power"].(float64), tcol["rule_accuracy"].(float64)
		got := bc["accuracy"].(float64)
		acc[name] = got
		// The accuracy the target's power implies.
		implied := majority + power*(1-majority)
		if math.Abs(got-implied) > 1e-12 || got != ruleAcc {
			t.Errorf("column %s: baseline accuracy %v; target power %v with majority accuracy %v implies %v (rule_accuracy %v)",
				name, got, power, majority, implied, ruleAcc)
		}
		if majority < 1 && math.Abs((got-majority)/(1-majority)-power) > 1e-12 {
			t.Errorf("column %s: (accuracy − majority)/(1 − majority) = %v, target power %v", name, (got-majority)/(1-majority), power)
		}
		if bc["predictive_power"] != power || bc["type"] != tcol["type"] || bc["approximate"] != tcol["approximate"] {
			t.Errorf("column %s: baseline %v, target %v", name, bc, tcol)
		}
		leak := slices.Contains(suspects, name)
		if bc["excluded_as_leak"] != leak {
			t.Errorf("column %s: excluded_as_leak %v, but target suspect %v", name, bc["excluded_as_leak"], leak)
		}
		if !leak && got > bestAcc {
			bestAcc, best = got, name
		}
	}
	// Columns come sorted by power; ties of the best accuracy go to the
	// first feature column, so compare accuracies, not names.
	bc, ok := base.Metrics["best_column"].(map[string]any)
	switch {
	case best == "" && ok:
		t.Errorf("best_column = %v, want none: every column is a suspect", bc)
	case best != "" && !ok:
		t.Errorf("no best_column, want %s at %v", best, bestAcc)
	case ok && bc["accuracy"] != bestAcc:
		t.Errorf("best_column = %v, want accuracy %v (%s)", bc, bestAcc, best)
	}
	return acc
}

// TestAgreementOnFixture: the bundled fixture (train CSV, holdout Parquet,
// categorical and numeric features).
func TestAgreementOnFixture(t *testing.T) {
	rep := audittest.Files(t, func(c *audit.Config) {
		loaded, err := audit.LoadConfig("../../fixtures/support-tickets/audit.yaml")
		if err != nil {
			t.Fatal(err)
		}
		*c = *loaded
	}, leakage.Target, volume.Baseline)
	acc := agreement(t, rep)
	for _, col := range []string{"region", "channel", "user_type", "amount"} {
		if _, ok := acc[col]; !ok {
			t.Errorf("no accuracy for feature %s: %v", col, acc)
		}
	}
}

// synthRow is one generated row, with the brute-force view of it.
type synthRow struct {
	text, class, split string
	leak, weak, amount string
	serial             string
}

// synthetic generates n rows: leak gives the class away 9 times in 10, weak
// a little, amount is numeric with a class-dependent range and a few null
// tokens, serial is unique per row (past the 10,000-value cap when n is).
func synthetic(n int, seed uint64, splits []string) []synthRow {
	rng := rand.New(rand.NewPCG(seed, 17))
	classes := []string{"billing", "login", "refund", "shipping"}
	rows := make([]synthRow, n)
	for i := range rows {
		c := rng.IntN(len(classes))
		if rng.IntN(3) == 0 {
			c = 0 // a majority class
		}
		r := synthRow{text: fmt.Sprintf("ticket %d", i), class: classes[c], serial: fmt.Sprintf("S%06d", i)}
		if len(splits) > 0 {
			r.split = splits[rng.IntN(len(splits))]
		}
		r.leak = "code-" + classes[c]
		if rng.IntN(10) == 0 {
			r.leak = "code-" + classes[rng.IntN(len(classes))]
		}
		r.weak = fmt.Sprint("w", rng.IntN(5))
		if rng.IntN(4) == 0 {
			r.weak = fmt.Sprint("w", c)
		}
		r.amount = fmt.Sprintf("%.2f", float64(10*c)+20*rng.Float64())
		switch rng.IntN(40) {
		case 0:
			r.amount = "NA"
		case 1:
			r.amount = ""
		}
		if rng.IntN(25) == 0 {
			r.weak = "" // null: its own group
		}
		rows[i] = r
	}
	return rows
}

func synthCSV(rows []synthRow) string {
	var b strings.Builder
	b.WriteString("text,label,split,leak,weak,amount,serial\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", r.text, r.class, r.split, r.leak, r.weak, r.amount, r.serial)
	}
	return b.String()
}

// referenceAccuracy scores the single-column rule of a categorical column
// from the rows alone (audittest.RuleReference), the value of each row as
// its group (null: one group).
func referenceAccuracy(rows []synthRow, value func(synthRow) string, fit, eval func(synthRow) bool) float64 {
	var ref []audittest.RuleRow
	for _, r := range rows {
		ref = append(ref, audittest.RuleRow{Group: value(r), Class: r.class, Fit: fit(r), Eval: eval(r)})
	}
	accuracy, _ := audittest.RuleReference(ref)
	return accuracy
}

func TestAgreementOnSyntheticTable(t *testing.T) {
	half := func(r synthRow) bool { return valueclass.EvalHalf(norm.TextKey(norm.String(r.text))) }
	tests := []struct {
		name     string
		n        int
		splits   []string
		fail     any // checks.leakage.target.fail, nil: default
		fit      func(synthRow) bool
		eval     func(synthRow) bool
		excluded []string
	}{
		{
			name: "train and two holdout splits", n: 3000, splits: []string{"train", "train", "train", "test", "val"},
			fit:  func(r synthRow) bool { return r.split == "train" },
			eval: func(r synthRow) bool { return r.split == "test" || r.split == "val" },
			// leak scores about 0.87.
			excluded: []string{"leak"},
		},
		{
			name: "no split: the 80/20 hash split", n: 3000,
			fit:      func(r synthRow) bool { return !half(r) },
			eval:     half,
			excluded: []string{"leak"},
		},
		{
			name: "no holdout split: the hash split over train", n: 2000, splits: []string{"train"},
			fit:      func(r synthRow) bool { return !half(r) },
			eval:     half,
			excluded: []string{"leak"},
		},
		{
			name: "the target's fail threshold moves the baseline's exclusion", n: 3000, splits: []string{"train", "test"},
			fail:     0.95,
			fit:      func(r synthRow) bool { return r.split == "train" },
			eval:     func(r synthRow) bool { return r.split == "test" },
			excluded: []string{},
		},
		{
			name: "serial past the 10,000-value cap", n: 12500, splits: []string{"train", "train", "train", "test"},
			fit:      func(r synthRow) bool { return r.split == "train" },
			eval:     func(r synthRow) bool { return r.split == "test" },
			excluded: []string{"leak"},
		},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := synthetic(tc.n, uint64(i), tc.splits)
			rep := audittest.RunSpecs(t, synthCSV(rows), func(c *audit.Config) {
				c.Text = "text"
				if tc.splits != nil {
					c.Split = "split"
				} else {
					c.Exclude = []string{"split"}
				}
				if tc.fail != nil {
					c.Checks = map[string]map[string]any{leakage.Target.ID: {"fail": tc.fail}}
				}
			}, leakage.Target, volume.Baseline)
			acc := agreement(t, rep)
			// The categorical columns against the brute-force reference.
			for col, value := range map[string]func(synthRow) string{
				"leak": func(r synthRow) string { return r.leak },
				"weak": func(r synthRow) string { return r.weak },
			} {
				if want := referenceAccuracy(rows, value, tc.fit, tc.eval); acc[col] != want {
					t.Errorf("%s accuracy = %v, want %v from the rows", col, acc[col], want)
				}
			}
			target := audittest.Check(t, rep, leakage.Target.ID)
			if got := audittest.Metric(t, target, "suspects"); !slices.Equal(got.([]string), tc.excluded) {
				t.Errorf("suspects = %v, want %v", got, tc.excluded)
			}
			if tc.n > valueclass.MaxValues {
				for _, c := range audittest.Metric(t, target, "columns").([]any) {
					if c := c.(map[string]any); c["column"] == "serial" && c["approximate"] != true {
						t.Errorf("serial = %v, want approximate past %d values", c, valueclass.MaxValues)
					}
				}
			}
		})
	}
}
