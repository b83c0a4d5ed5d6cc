package labels

import (
	"fmt"
	"sort"
	"strings"

	"dataready/audit"
	"dataready/audit/norm"
)

// Allowed is the spec of labels.allowed.
var Allowed = audit.Spec{
	ID:     "labels.allowed",
	Family: "labels",
	Title:  "Labels outside the allowed set",
	Explain: "When the label set is fixed (labels.allowed in audit.yaml), a row whose class is not in it is a typo, a " +
		"retired or not yet agreed class, or a value from another column: a model would learn a class nobody asked " +
		"for. Classes are compared after label_map and norm (NFKC, lower case, white space collapsed), so \"Refund\" " +
		"matches an allowed \"refund\"; labels are strings, so \"1.0\" does not match an allowed \"1\". Fix: correct " +
		"the rows (the findings file lists every one), map a spelling to an allowed class with label_map, or add the " +
		"class to labels.allowed if it is legitimate. Skipped when no list is given.",
	Metrics: []audit.MetricDoc{
		{Name: "outside_rows", Doc: "labeled rows whose class is not in labels.allowed"},
		{Name: "outside_labels", Doc: "per class outside labels.allowed: its labeled rows"},
		{Name: "allowed_unseen", Doc: "allowed classes (after norm) without any labeled row, sorted"},
	},
	Params: []audit.Param{
		{Name: "fail", Default: 0, Doc: "fail when outside_rows is above this"},
	},
	New: newAllowed,
}

// maxOutsideSampled bounds the outside classes that keep example rows; past
// it (a label column that is not a class at all) examples carry no rows.
// The rule depends only on the merged data, so it is deterministic.
const maxOutsideSampled = 10000

// rowsPerClass is how many rows an example of one class shows.
const rowsPerClass = 3

type allowed struct {
	env *audit.Env
	set map[string]bool
	// outside counts rows per split index of every class outside the set.
	outside map[string][]int64
	first   map[string]*audit.RowSample
	seen    map[string]bool
	// flagged maps the hash of each outside class to it; set by Result.
	flagged map[uint64]string
}

func newAllowed(env *audit.Env) audit.Accumulator {
	a := &allowed{env: env, set: map[string]bool{}, outside: map[string][]int64{},
		first: map[string]*audit.RowSample{}, seen: map[string]bool{}}
	for _, c := range env.Config.Labels.Allowed {
		if c = norm.String(c); c != "" {
			a.set[c] = true
		}
	}
	return a
}

func (a *allowed) Add(b *audit.Batch) {
	if len(a.set) == 0 {
		return
	}
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] >= 0 {
			continue
		}
		c := b.Class[i]
		if a.set[c] {
			if !a.seen[c] {
				a.seen[c] = true
			}
			continue
		}
		counts, ok := a.outside[c]
		if !ok {
			c = strings.Clone(c)
		}
		split := b.Split[i]
		for int(split) >= len(counts) {
			counts = append(counts, 0)
		}
		counts[split]++
		a.outside[c] = counts
		sample := a.first[c]
		if sample == nil {
			if len(a.first) > maxOutsideSampled {
				continue
			}
			sample = audit.NewRowSample(rowsPerClass)
			a.first[c] = sample
		}
		if pos := b.Pos(i); !sample.Full(pos) {
			sample.Offer(pos, b.Ref(i))
		}
	}
}

func (a *allowed) Merge(other audit.Accumulator) {
	o := other.(*allowed)
	for c, oc := range o.outside {
		a.outside[c] = audit.AddCounts(a.outside[c], oc)
	}
	for c, s := range o.first {
		if cur, ok := a.first[c]; ok {
			cur.Merge(s)
		} else {
			a.first[c] = s
		}
	}
	for c := range o.seen {
		a.seen[c] = true
	}
}

func (a *allowed) Result(s *audit.Summary) audit.CheckResult {
	if len(a.set) == 0 {
		return audit.CheckResult{Status: audit.Skip,
			Summary: "No labels.allowed list in the config, so any class is accepted."}
	}
	type outside struct {
		class string
		rows  int64
	}
	var list []outside
	var rows int64
	labels := map[string]any{}
	a.flagged = map[uint64]string{}
	for c, counts := range a.outside {
		var n int64
		for _, k := range counts {
			n += k
		}
		list = append(list, outside{c, n})
		labels[c] = n
		rows += n
		a.flagged[norm.Hash64(c)] = c
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].rows != list[j].rows {
			return list[i].rows > list[j].rows
		}
		return list[i].class < list[j].class
	})
	unseen := []string{}
	for c := range a.set {
		if !a.seen[c] {
			unseen = append(unseen, c)
		}
	}
	sort.Strings(unseen)

	r := audit.CheckResult{
		Metrics: map[string]any{
			"outside_rows":   rows,
			"outside_labels": labels,
			"allowed_unseen": unseen,
		},
		ExamplesTotal: int64(len(list)),
	}
	if float64(rows) > a.env.Params["fail"] {
		r.Status = audit.Fail
	} else {
		r.Status = audit.Pass
	}
	if len(list) == 0 {
		r.Summary = fmt.Sprintf("Every labeled row has one of the %d allowed classes.", len(a.set))
	} else {
		names := make([]string, len(list))
		for i, o := range list {
			names[i] = o.class
		}
		r.Summary = fmt.Sprintf("%s carry %s outside labels.allowed: %s.",
			audit.Plural(rows, "labeled row", "labeled rows"), audit.Plural(int64(len(list)), "class", "classes"), quoteList(names))
	}
	sampled := len(a.first) <= maxOutsideSampled
	for i, o := range list {
		if i == s.Examples {
			break
		}
		ex := audit.Example{
			Title:  "class outside the allowed set",
			Values: map[string]any{"class": o.class, "rows": o.rows, "splits": splitRows(s, a.outside[o.class])},
		}
		if sampled {
			ex.Rows = a.first[o.class].Rows()
		}
		r.Examples = append(r.Examples, ex)
	}
	return r
}

// Flag marks every labeled row whose class is outside the allowed set.
func (a *allowed) Flag(*audit.Summary) func(*audit.RowRecord) (string, bool) {
	if len(a.flagged) == 0 {
		return nil
	}
	return func(r *audit.RowRecord) (string, bool) {
		if r.Missing >= 0 {
			return "", false
		}
		if c, ok := a.flagged[r.ClassHash]; ok {
			return fmt.Sprintf("class %q is not in labels.allowed", c), true
		}
		return "", false
	}
}
