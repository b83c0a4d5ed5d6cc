package leakage_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/leakage"
	"dataready/audit/norm"
	"dataready/audit/valueclass"
)

// targetRows: train has 10 rows, a with f=p and b with f=q, g constant,
// users u0..u9. The holdout has 10 rows, 5 a and 5 b; wrongF of the a rows
// carry f=q, and the users are the train users (sameUsers) or new ones.
func targetRows(wrongF int, sameUsers bool) string {
	var b strings.Builder
	b.WriteString("text,label,split,f,g,user\n")
	for i := range 10 {
		class, f := "a", "p"
		if i >= 5 {
			class, f = "b", "q"
		}
		fmt.Fprintf(&b, "train %d,%s,train,%s,k,u%d\n", i, class, f, i)
	}
	for i := range 10 {
		class, f := "a", "p"
		if i >= 5 {
			class, f = "b", "q"
		} else if i >= 5-wrongF {
			f = "q"
		}
		user := fmt.Sprintf("u%d", i)
		if !sameUsers {
			user = fmt.Sprintf("new%d", i)
		}
		fmt.Fprintf(&b, "test %d,%s,test,%s,k,%s\n", i, class, f, user)
	}
	return b.String()
}

// powers reads a list metric of {column, power} into a map.
func powers(t *testing.T, c audit.CheckResult, name string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, m := range audittest.Metric(t, c, name).([]any) {
		col := m.(map[string]any)
		out[col["column"].(string)] = col["power"].(float64)
	}
	return out
}

// TestTargetByHand: the majority class of train is a (5 a, 5 b: the tie
// goes to the alphabetically first), right on 5 of the 10 holdout rows.
// The rule for f (p → a, q → b) is right on 10 - wrongF rows, so
// power = (10 - wrongF - 5) / (10 - 5): 0.8 with one wrong row, 0.6 with
// two. g is constant: it predicts a, power 0. user predicts each train
// user's class: power 1 when the holdout has the train users, 0 when its
// users are new (they predict the majority class).
func TestTargetByHand(t *testing.T) {
	tests := []struct {
		name       string
		wrongF     int
		sameUsers  bool
		checks     map[string]any
		want       audit.Status
		f, user    float64
		suspects   []string
		idSuspects []string
	}{
		{"f at exactly 0.8 is a suspect", 1, false, nil, audit.Fail, 0.8, 0, []string{"f"}, []string{}},
		{"f at 0.6 passes", 2, false, nil, audit.Pass, 0.6, 0, []string{}, []string{}},
		{"a user column that predicts warns", 2, true, nil, audit.Warn, 0.6, 1, []string{}, []string{"user"}},
		{"both: fail", 1, true, nil, audit.Fail, 0.8, 1, []string{"f"}, []string{"user"}},
		{"fail from config: 0.8 below 0.81 passes", 1, false, map[string]any{"fail": 0.81}, audit.Pass, 0.8, 0, []string{}, []string{}},
		{"warn from config: 1 below 1.01 passes", 2, true, map[string]any{"warn": 1.01}, audit.Pass, 0.6, 1, []string{}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := run(t, leakage.Target, targetRows(tc.wrongF, tc.sameUsers), func(c *audit.Config) {
				c.Text, c.IDs = "text", []string{"user"}
				if tc.checks != nil {
					c.Checks = map[string]map[string]any{leakage.Target.ID: tc.checks}
				}
			})
			wantStatus(t, c, tc.want)
			if got, want := powers(t, c, "columns"), map[string]float64{"f": tc.f, "g": 0}; !reflect.DeepEqual(got, want) {
				t.Errorf("columns = %v, want %v", got, want)
			}
			if got := powers(t, c, "identifier_columns")["user"]; got != tc.user {
				t.Errorf("user power = %v, want %v", got, tc.user)
			}
			if got := audittest.Metric(t, c, "suspects"); !reflect.DeepEqual(got, tc.suspects) {
				t.Errorf("suspects = %v, want %v", got, tc.suspects)
			}
			if got := audittest.Metric(t, c, "identifier_suspects"); !reflect.DeepEqual(got, tc.idSuspects) {
				t.Errorf("identifier_suspects = %v, want %v", got, tc.idSuspects)
			}
			wantInts(t, c, map[string]int64{"fit_rows": 10, "eval_rows": 10, "by_split/test/eval_rows": 10})
			wantRates(t, c, map[string]float64{"majority_accuracy": 0.5, "by_split/test/powers/f": tc.f})
			if got := audittest.Metric(t, c, "majority_class"); got != "a" {
				t.Errorf("majority_class = %v, want a", got)
			}
			if got := audittest.Metric(t, c, "measured_on"); got != "holdout" {
				t.Errorf("measured_on = %v, want holdout", got)
			}
			if want := len(tc.suspects) + len(tc.idSuspects); len(c.Examples) != want {
				t.Errorf("%d examples, want one per suspect (%d)", len(c.Examples), want)
			}
		})
	}
}

func TestTargetExample(t *testing.T) {
	c, _ := run(t, leakage.Target, targetRows(1, false), func(c *audit.Config) { c.Text = "text" })
	if len(c.Examples) != 1 {
		t.Fatalf("%d examples, want 1", len(c.Examples))
	}
	ex := c.Examples[0]
	// f has two values with 5 train rows each: p (first at line 2) → a, q (line 7) → b.
	want := []any{
		map[string]any{"value": "p", "rows": int64(5), "predicts": "a", "share": 1.0},
		map[string]any{"value": "q", "rows": int64(5), "predicts": "b", "share": 1.0},
	}
	if ex.Values["column"] != "f" || ex.Values["power"] != 0.8 || ex.Values["rule_accuracy"] != 0.9 || !reflect.DeepEqual(ex.Values["groups"], want) {
		t.Errorf("example values = %v", ex.Values)
	}
	if len(ex.Rows) != 2 || ex.Rows[0].Line != 2 || ex.Rows[1].Line != 7 {
		t.Errorf("example rows = %+v, want lines 2 and 7", ex.Rows)
	}
}

// TestTargetNumericColumn: amount separates the classes (a ≤ 5 < b), train
// is half a, half b, so the fifth decile cut falls between the classes and
// every decile is pure: the rule predicts every holdout row, power 1.
// "3" and "3.0" are one number.
func TestTargetNumericColumn(t *testing.T) {
	csv := `text,label,split,amount
t1,a,train,1
t2,a,train,1.5
t3,a,train,2
t4,a,train,2.5
t5,a,train,3
t6,a,train,3.5
t7,a,train,4
t8,a,train,4.5
t9,a,train,5
t10,a,train,5.0
t11,b,train,6
t12,b,train,6.5
t13,b,train,7
t14,b,train,7.5
t15,b,train,8
t16,b,train,8.5
t17,b,train,9
t18,b,train,9.5
t19,b,train,10
t20,b,train,10.5
h1,a,test,1.2
h2,a,test,3.0
h3,a,test,4.9
h4,b,test,6.1
h5,b,test,11
h6,b,test,8
`
	c, _ := run(t, leakage.Target, csv, func(c *audit.Config) { c.Text = "text" })
	wantStatus(t, c, audit.Fail)
	col := audittest.Metric(t, c, "columns").([]any)[0].(map[string]any)
	if col["power"] != 1.0 || col["type"] != "numeric" || col["approximate"] != false {
		t.Errorf("amount = %v, want power 1, numeric, exact", col)
	}
}

// TestTargetHashSplit: without a holdout the rule is fitted on the rows
// whose key falls in the 80% half and scored on the 20% half; the
// reference recomputes the halves from the texts.
func TestTargetHashSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	var b strings.Builder
	var ref []audittest.RuleRow
	b.WriteString("text,label,f,ts\n")
	for i := range 500 {
		class := []string{"a", "b", "c"}[rng.IntN(3)]
		f := fmt.Sprint("v", rng.IntN(6))
		if rng.IntN(3) > 0 {
			f = "for " + class // f gives the label away two times in three
		}
		ts := fmt.Sprintf("2024-01-%02d", 1+rng.IntN(28))
		text := fmt.Sprint("text ", i)
		fmt.Fprintf(&b, "%s,%s,%s,%s\n", text, class, f, ts)
		eval := valueclass.EvalHalf(norm.TextKey(norm.String(text)))
		ref = append(ref, audittest.RuleRow{Group: f, Class: class, Fit: !eval, Eval: eval})
	}
	c, _ := run(t, leakage.Target, b.String(), func(c *audit.Config) { c.Text, c.Split, c.Time = "text", "", "ts" })
	if got := audittest.Metric(t, c, "measured_on"); got != "hash_split" {
		t.Errorf("measured_on = %v, want hash_split", got)
	}
	_, want := audittest.RuleReference(ref)
	if got := powers(t, c, "columns")["f"]; got != want {
		t.Errorf("f power = %v, want %v", got, want)
	}
	if n := num(t, c, "fit_rows") + num(t, c, "eval_rows"); n != 500 {
		t.Errorf("fit_rows + eval_rows = %d, want 500", n)
	}
	if got := audittest.Metric(t, c, "by_split"); !reflect.DeepEqual(got, map[string]any{}) {
		t.Errorf("by_split = %v, want {} without a holdout", got)
	}
	// The time column is measured too, as numbers (Unix seconds).
	idc := audittest.Metric(t, c, "identifier_columns").([]any)[0].(map[string]any)
	if idc["column"] != "ts" || idc["role"] != "time" || idc["type"] != "numeric" {
		t.Errorf("identifier column = %v, want ts, time, numeric", idc)
	}
}

func TestTargetSkips(t *testing.T) {
	many := strings.Builder{}
	many.WriteString("text,label,split,f\n")
	for i := range 1001 {
		fmt.Fprintf(&many, "t%d,class %d,%s,x\n", i, i, []string{"train", "test"}[i%2])
	}
	tests := []struct {
		name, csv, why string
	}{
		{"no column to measure", "text,label,split\na,x,train\nb,y,test\n", "no feature, id or time column"},
		{"no labeled holdout row", "text,label,split,f\na,x,train,1\nb,,test,2\n", "the holdout has no labeled row"},
		{"no labeled train row", "text,label,split,f\na,,train,1\nb,x,test,2\n", "train has no labeled row"},
		{"too many classes", many.String(), "more than 1000 classes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := run(t, leakage.Target, tc.csv, func(c *audit.Config) { c.Text = "text" })
			wantStatus(t, c, audit.Skip)
			if !strings.Contains(c.Summary, tc.why) {
				t.Errorf("summary = %q, want it to say %q", c.Summary, tc.why)
			}
		})
	}
}

func TestTargetSameWhateverTheWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("text,label,split,f,amount,user\n")
	for i := range 900 {
		class := []string{"a", "b", "c", ""}[rng.IntN(4)]
		fmt.Fprintf(&b, "text %d,%s,%s,v%d,%.2f,u%d\n", i, class, []string{"train", "train", "test", "val"}[i%4],
			rng.IntN(9), 100*rng.Float64(), rng.IntN(50))
	}
	c := sameWhateverTheWorkers(t, leakage.Target, b.String(), func(c *audit.Config) {
		c.Text, c.IDs = "text", []string{"user"}
	})
	if len(powers(t, c, "columns")) != 2 {
		t.Errorf("columns = %v, want f and amount", audittest.Metric(t, c, "columns"))
	}
}
