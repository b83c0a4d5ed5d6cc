package labels_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/labels"
	"dataready/audit/norm"
)

// specs are this package's new checks, in report order.
var specs = []audit.Spec{labels.Variants, labels.Allowed, labels.Conflicts, labels.Agreement}

// labelPool lists the raw labels of the random data with their base form,
// written out by hand ("" for a missing label).
var labelPool = []struct{ raw, base string }{
	{"refund", "refund"}, {"refund", "refund"}, {"refund", "refund"}, {"Refund", "refund"}, {"refund ", "refund"},
	{"top up", "topup"}, {"top up", "topup"}, {"top-up", "topup"},
	{"billing", "billing"}, {"billing", "billing"}, {">50K", ">50k"}, {">50K.", ">50k"}, {"<=50K", "<=50k"},
	{"warranty", "warranty"}, {"NA", ""},
}

// randomRow is one generated row, kept for the brute-force reference.
type randomRow struct {
	file, line   int
	text, label  string
	split        string
	ratings      [3]string // "" is missing
	missingLabel bool
}

// writeRandomFiles writes files CSV files of rows each: texts from a small
// pool (so keys repeat and conflict across files), labels from labelPool,
// three annotators with missing values.
func writeRandomFiles(t *testing.T, files, rows int) ([]string, []randomRow) {
	rng := rand.New(rand.NewPCG(4, 2))
	dir := t.TempDir()
	var paths []string
	var all []randomRow
	texts := 60
	classes := []string{"refund", "billing", "top up", "Refund", "."}
	for f := range files {
		var b strings.Builder
		b.WriteString("text,label,split,user,a1,a2,a3\n")
		for i := range rows {
			r := randomRow{file: f, line: i + 2}
			r.text = fmt.Sprintf("text %d", rng.IntN(texts))
			if rng.IntN(3) == 0 {
				r.text = strings.ToUpper(r.text) // same key
			}
			l := labelPool[rng.IntN(len(labelPool))]
			r.label, r.missingLabel = l.raw, l.base == ""
			r.split = []string{"train", "train", "test"}[rng.IntN(3)]
			for j := range r.ratings {
				if c := classes[rng.IntN(len(classes))]; c != "." {
					r.ratings[j] = c
				}
			}
			fmt.Fprintf(&b, "%s,%s,%s,u%d,%s,%s,%s\n", r.text, r.label, r.split, rng.IntN(50), r.ratings[0], r.ratings[1], r.ratings[2])
			all = append(all, r)
		}
		p := filepath.Join(dir, fmt.Sprintf("part-%d.csv", f))
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths, all
}

func runRandom(t *testing.T, paths []string, workers int) *audit.Report {
	return audittest.Files(t, func(c *audit.Config) {
		c.Inputs = paths
		c.Text, c.Split, c.IDs = "text", "split", []string{"user"}
		c.Annotators = []string{"a1", "a2", "a3"}
		c.Labels.Allowed = []string{"refund", "billing", "top up"}
		c.Workers = workers
	}, specs...)
}

// TestDeterminism runs the same files (several, so that workers read them
// concurrently and merge in varying order) with 1 and 4 workers: the checks
// and findings must be identical.
func TestDeterminism(t *testing.T) {
	paths, _ := writeRandomFiles(t, 8, 150)
	want := runRandom(t, paths, 1)
	wantJSON, err := json.Marshal(want.Checks)
	if err != nil {
		t.Fatal(err)
	}
	for run := range 3 {
		got := runRandom(t, paths, 4)
		gotJSON, _ := json.Marshal(got.Checks)
		if string(gotJSON) != string(wantJSON) {
			t.Fatalf("run %d: checks differ with 4 workers:\n%s\nwant (1 worker):\n%s", run, gotJSON, wantJSON)
		}
		if !reflect.DeepEqual(got.Findings, want.Findings) {
			t.Fatalf("run %d: findings differ with 4 workers", run)
		}
	}
}

// TestBruteForce recomputes the main numbers of every check on the random
// files the obvious way, row by row, and compares.
func TestBruteForce(t *testing.T) {
	paths, rows := writeRandomFiles(t, 4, 200)
	rep := runRandom(t, paths, 3)

	// labels.variants: rows per raw label per base form.
	perBase := map[string]map[string]int64{}
	for _, r := range rows {
		if r.missingLabel {
			continue
		}
		base := ""
		for _, l := range labelPool {
			if l.raw == r.label {
				base = l.base
			}
		}
		if perBase[base] == nil {
			perBase[base] = map[string]int64{}
		}
		perBase[base][r.label]++
	}
	var groups, variantRows int64
	for _, spellings := range perBase {
		if len(spellings) < 2 {
			continue
		}
		groups++
		var total, top int64
		for _, n := range spellings {
			total += n
			top = max(top, n)
		}
		variantRows += total - top
	}
	c := audittest.Check(t, rep, "labels.variants")
	if got := intMetric(t, c, "variant_groups"); got != groups {
		t.Errorf("variant_groups = %d, want %d", got, groups)
	}
	if got := intMetric(t, c, "variant_rows"); got != variantRows {
		t.Errorf("variant_rows = %d, want %d", got, variantRows)
	}

	// labels.allowed: classes outside {refund, billing, top up}.
	var outside int64
	for _, r := range rows {
		if cl := norm.String(r.label); !r.missingLabel && cl != "refund" && cl != "billing" && cl != "top up" {
			outside++
		}
	}
	if got := intMetric(t, audittest.Check(t, rep, "labels.allowed"), "outside_rows"); got != outside {
		t.Errorf("outside_rows = %d, want %d", got, outside)
	}

	// labels.conflicts: group labeled rows by norm(text).
	classesOf := map[string]map[string]bool{}
	splitsOf := map[string]map[string]bool{}
	rowsOf := map[string]int64{}
	var labeled int64
	for _, r := range rows {
		if r.missingLabel {
			continue
		}
		labeled++
		k := norm.String(r.text)
		if classesOf[k] == nil {
			classesOf[k], splitsOf[k] = map[string]bool{}, map[string]bool{}
		}
		classesOf[k][norm.String(r.label)] = true
		splitsOf[k][r.split] = true
		rowsOf[k]++
	}
	var cGroups, cRows, cross int64
	for k, cl := range classesOf {
		if len(cl) > 1 {
			cGroups++
			cRows += rowsOf[k]
			if len(splitsOf[k]) > 1 {
				cross++
			}
		}
	}
	c = audittest.Check(t, rep, "labels.conflicts")
	for name, want := range map[string]int64{"conflicting_groups": cGroups, "conflicting_rows": cRows, "cross_split_groups": cross} {
		if got := intMetric(t, c, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if got, want := floatMetric(t, c, "conflict_rate"), float64(cRows)/float64(labeled); !near(got, want, 1e-12) {
		t.Errorf("conflict_rate = %v, want %v", got, want)
	}
	if got := int64(len(audittest.FindingLines(rep, "labels.conflicts"))); got != cRows {
		t.Errorf("%d conflict findings, want %d", got, cRows)
	}

	// labels.agreement: alpha from every pair of pairable values, the
	// textbook way: D_o = Σ_u Σ_{i≠j in u} δ / (m_u − 1) / n and
	// D_e = Σ_{i≠j among all pairable values} δ / (n (n − 1)).
	var values []string
	var within float64
	var items, disagree, single int64
	for _, r := range rows {
		var vs []string
		for _, v := range r.ratings {
			if v != "" {
				vs = append(vs, norm.String(v))
			}
		}
		switch len(vs) {
		case 0:
			continue
		case 1:
			single++
			continue
		}
		items++
		sorted := append([]string(nil), vs...)
		sort.Strings(sorted)
		if sorted[0] != sorted[len(sorted)-1] {
			disagree++
		}
		for i := range vs {
			for j := range vs {
				if i != j && vs[i] != vs[j] {
					within += 1 / float64(len(vs)-1)
				}
			}
		}
		values = append(values, vs...)
	}
	n := float64(len(values))
	var between float64
	for i := range values {
		for j := range values {
			if i != j && values[i] != values[j] {
				between++
			}
		}
	}
	alpha := 1 - (within/n)/(between/(n*(n-1)))
	c = audittest.Check(t, rep, "labels.agreement")
	if got := floatMetric(t, c, "alpha"); !near(got, alpha, 1e-9) {
		t.Errorf("alpha = %v, want %v", got, alpha)
	}
	for name, want := range map[string]int64{"items": items, "disagreeing_items": disagree, "single_rating_items": single} {
		if got := intMetric(t, c, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}
