package valueclass_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/norm"
	"dataready/audit/valueclass"
)

// referenceDeciles returns the decile group of each value: cut points are
// the smallest fitting values v with at least k/10 of the fitting values
// ≤ v (k = 1..9); a value's group is the number of distinct cut points
// below it.
func referenceDeciles(fitValues []float64) func(float64) string {
	sorted := slices.Clone(fitValues)
	slices.Sort(sorted)
	var cuts []float64
	for k := 1; k <= 9; k++ {
		for i, v := range sorted {
			if 10*(i+1) >= k*len(sorted) {
				if len(cuts) == 0 || cuts[len(cuts)-1] != v {
					cuts = append(cuts, v)
				}
				break
			}
		}
	}
	return func(x float64) string {
		g := 0
		for _, c := range cuts {
			if c < x {
				g++
			}
		}
		return fmt.Sprint("decile ", g)
	}
}

var (
	fitSide  = func(c valueclass.Cell) bool { return c.Split == 0 }
	evalSide = func(c valueclass.Cell) bool { return c.Split == 1 }
)

// row is one generated labeled row.
type row struct {
	value string
	null  bool
	class string
	split uint8
	line  int64 // 0: the row's index in the slice, plus 2
}

func names(classes ...string) map[uint64]string {
	m := map[uint64]string{}
	for _, c := range classes {
		m[norm.Hash64(c)] = c
	}
	return m
}

// count feeds rows into one table.
func count(rows []row, maxValues int, parse func(string) (float64, bool)) *valueclass.Counts {
	vc := valueclass.NewCounts(maxValues, parse, nil)
	for i, r := range rows {
		line := r.line
		if line == 0 {
			line = int64(i + 2)
		}
		vc.Add(r.value, r.null, valueclass.Cell{Class: norm.Hash64(r.class), Split: r.split}, audit.RowPos{Line: line})
	}
	return vc
}

func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func TestScoreMatchesReference(t *testing.T) {
	classes := []string{"a", "b", "c", "d"}
	for seed := range uint64(20) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			var rows []row
			var ref []audittest.RuleRow
			for range 400 + rng.IntN(400) {
				v := rng.IntN(1 + int(seed%5)*10)
				r := row{value: fmt.Sprint("v", v), class: classes[(v+rng.IntN(3))%len(classes)], split: uint8(rng.IntN(3))}
				if rng.IntN(20) == 0 {
					r.value, r.null = "", true
				}
				rows = append(rows, r)
				group := r.value
				if r.null {
					group = "(null)"
				}
				ref = append(ref, audittest.RuleRow{Group: group, Class: r.class, Fit: r.split == 0, Eval: r.split == 1})
			}
			vc := count(rows, valueclass.MaxValues, nil)
			vc.Finish()
			groups := vc.Groups(fitSide, evalSide)
			got := valueclass.ScoreGroups(groups, names(classes...))
			if _, want := audittest.RuleReference(ref); got.Power != want {
				t.Errorf("power = %v, want %v (%s)", got.Power, want, got)
			}
		})
	}
}

func TestNumericDecilesMatchReference(t *testing.T) {
	classes := []string{"a", "b", "c"}
	for seed := range uint64(20) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			var rows []row
			var fitValues []float64
			for range 300 + rng.IntN(300) {
				// Few distinct values, so that deciles collide and tie.
				x := float64(rng.IntN(5+int(seed)*3)) / 4
				class := classes[int(x)%3]
				if rng.IntN(4) == 0 {
					class = classes[rng.IntN(3)]
				}
				r := row{value: strconv.FormatFloat(x, 'f', -1, 64), class: class, split: uint8(rng.IntN(2))}
				if rng.IntN(2) == 0 {
					r.value = strconv.FormatFloat(x, 'f', 2, 64) // "0.50" and "0.5" are one number
				}
				rows = append(rows, r)
				if r.split == 0 {
					fitValues = append(fitValues, x)
				}
			}
			decile := referenceDeciles(fitValues)
			var ref []audittest.RuleRow
			for _, r := range rows {
				x, _ := strconv.ParseFloat(r.value, 64)
				ref = append(ref, audittest.RuleRow{Group: decile(x), Class: r.class, Fit: r.split == 0, Eval: r.split == 1})
			}
			vc := count(rows, valueclass.MaxValues, parseFloat)
			vc.Finish()
			if !vc.IsNumeric() || vc.Approximate() {
				t.Fatalf("numeric %v approximate %v, want numeric and exact", vc.IsNumeric(), vc.Approximate())
			}
			got := valueclass.ScoreGroups(vc.Groups(fitSide, evalSide), names(classes...))
			if _, want := audittest.RuleReference(ref); got.Power != want {
				t.Errorf("power = %v, want %v (%s)", got.Power, want, got)
			}
		})
	}
}

// TestNumericWhen95PercentParse: a column is numeric when at least 95% of
// its non-null values parse (nulls do not count).
func TestNumericWhen95PercentParse(t *testing.T) {
	tests := []struct {
		name          string
		numbers, text int
		nulls         int
		want          bool
	}{
		{"all numbers", 20, 0, 0, true},
		{"19 of 20 is 95%", 19, 1, 0, true},
		{"18 of 20 is 90%", 18, 2, 0, false},
		{"nulls do not count", 19, 1, 30, true},
		{"no value at all", 0, 0, 5, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rows []row
			for i := range tc.numbers {
				rows = append(rows, row{value: fmt.Sprint(i), class: "a"})
			}
			for i := range tc.text {
				rows = append(rows, row{value: fmt.Sprint("x", i), class: "a"})
			}
			for range tc.nulls {
				rows = append(rows, row{null: true, class: "a"})
			}
			if got := count(rows, 100, parseFloat).IsNumeric(); got != tc.want {
				t.Errorf("IsNumeric = %v, want %v", got, tc.want)
			}
		})
	}
}

// groupsSummary renders groups for comparisons.
func groupsSummary(groups []valueclass.Group) []string {
	var out []string
	for _, g := range groups {
		out = append(out, fmt.Sprintf("%s fit=%v eval=%v first=%v/%v", g.Label, g.Fit, g.Eval, g.First, g.HasFirst))
	}
	return out
}

// TestValueCountsBeyondMax: past maxValues distinct values the table keeps
// those with the smallest hashes, whatever the order rows arrive in and
// the tables merge in, and counts every other row in Other.
func TestValueCountsBeyondMax(t *testing.T) {
	const maxValues, distinct = 40, 500
	rng := rand.New(rand.NewPCG(3, 4))
	var rows []row
	for range 3000 {
		v := rng.IntN(distinct)
		rows = append(rows, row{value: fmt.Sprint("value ", v), class: []string{"a", "b"}[v%2], split: uint8(rng.IntN(2)), line: int64(len(rows) + 2)})
	}
	// The values the table must keep: the 40 smallest norm hashes.
	seen := map[uint64]string{}
	for _, r := range rows {
		seen[norm.Hash64(norm.String(r.value))] = norm.String(r.value)
	}
	hashes := make([]uint64, 0, len(seen))
	for h := range seen {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)
	var want []string
	for _, h := range hashes[:maxValues] {
		want = append(want, seen[h])
	}
	sort.Strings(want)

	var first []string
	for _, order := range []struct {
		name  string
		parts int
		seed  uint64
	}{{"one table", 1, 0}, {"five tables", 5, 1}, {"five tables, other order", 5, 2}, {"thirteen tables", 13, 3}} {
		t.Run(order.name, func(t *testing.T) {
			parts := make([][]row, order.parts)
			for i, r := range rows {
				parts[i%order.parts] = append(parts[i%order.parts], r)
			}
			tables := make([]*valueclass.Counts, order.parts)
			for i, p := range parts {
				tables[i] = count(p, maxValues, nil)
			}
			perm := rand.New(rand.NewPCG(order.seed, 9)).Perm(order.parts)
			all := tables[perm[0]]
			for _, i := range perm[1:] {
				all.Merge(tables[i])
			}
			all.Finish()
			if !all.Approximate() || all.Distinct() != maxValues {
				t.Errorf("approximate %v, distinct %d; want true, %d", all.Approximate(), all.Distinct(), maxValues)
			}
			groups := all.Groups(fitSide, evalSide)
			var kept []string
			var keptRows, otherRows int64
			for _, g := range groups {
				n := int64(0)
				for _, k := range g.Fit {
					n += k
				}
				for _, k := range g.Eval {
					n += k
				}
				if g.Label == valueclass.GroupOther {
					otherRows = n
					continue
				}
				kept = append(kept, g.Label)
				keptRows += n
			}
			if !reflect.DeepEqual(kept, want) {
				t.Errorf("kept values = %v, want the %d with the smallest hashes %v", kept, maxValues, want)
			}
			if keptRows+otherRows != int64(len(rows)) {
				t.Errorf("kept %d + other %d rows, want %d in all", keptRows, otherRows, len(rows))
			}
			got := groupsSummary(groups)
			if first == nil {
				first = got
			} else if !reflect.DeepEqual(got, first) {
				t.Errorf("groups differ from the single table's:\n%v\n%v", got, first)
			}
		})
	}
}

// TestNumericBeyondMax: a numeric column with more distinct values than
// the table keeps is cut into deciles on the 1% histogram, the same way
// whatever the merge order, and a column whose classes live in separate
// ranges still scores 1.
func TestNumericBeyondMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var rows []row
	for i := range 4000 {
		class := []string{"a", "b"}[i%2]
		x := -1 - 100*rng.Float64() // a: -101..-1
		if class == "b" {
			x = 1000 + 1000*rng.Float64() // b: 1000..2000
		}
		rows = append(rows, row{value: strconv.FormatFloat(x, 'g', -1, 64), class: class, split: uint8(i / 2 % 2)})
	}
	rows = append(rows, row{value: "0", class: "a"}, row{value: "n/a", class: "b"})
	var first []string
	for _, parts := range []int{1, 4} {
		tables := make([]*valueclass.Counts, parts)
		for i := range tables {
			tables[i] = valueclass.NewCounts(100, parseFloat, nil)
		}
		for i, r := range rows {
			tables[i%parts].Add(r.value, false, valueclass.Cell{Class: norm.Hash64(r.class), Split: r.split}, audit.RowPos{Line: int64(i + 2)})
		}
		for _, o := range tables[1:] {
			tables[0].Merge(o)
		}
		vc := tables[0]
		vc.Finish()
		if !vc.IsNumeric() || !vc.Approximate() {
			t.Fatalf("numeric %v approximate %v, want both", vc.IsNumeric(), vc.Approximate())
		}
		groups := vc.Groups(fitSide, evalSide)
		if got := valueclass.ScoreGroups(groups, names("a", "b")); got.Power != 1 {
			t.Errorf("%d tables: power = %v, want 1 (%s)", parts, got.Power, got)
		}
		got := groupsSummary(groups)
		if first == nil {
			first = got
		} else if !reflect.DeepEqual(got, first) {
			t.Errorf("groups with %d tables differ:\n%v\n%v", parts, got, first)
		}
	}
	var labels []string
	for _, g := range first {
		labels = append(labels, g[:min(len(g), 30)])
	}
	if len(first) < 10 || len(first) > 11 {
		t.Errorf("%d groups, want 10 deciles and (not a number): %v", len(first), labels)
	}
}

func TestEvalHalfIsAboutTwentyPercent(t *testing.T) {
	n := 0
	for i := range 10000 {
		if valueclass.EvalHalf(norm.TextKey(fmt.Sprint("row ", i))) {
			n++
		}
	}
	if n < 1800 || n > 2200 {
		t.Errorf("%d of 10000 keys in the 20%% half", n)
	}
}
