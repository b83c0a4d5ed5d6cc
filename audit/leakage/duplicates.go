package leakage

import (
	"fmt"
	"sort"

	"dataready/audit"
	"dataready/audit/keymap"
	"dataready/audit/norm"
)

// Duplicates is the spec of leakage.duplicates.
var Duplicates = audit.Spec{
	ID:     "leakage.duplicates",
	Family: family,
	Title:  "Duplicate rows within a split",
	Explain: "Rows that repeat within a split (the same row key: normalized text, or the tuple of feature values) " +
		"weigh their content several times: in train they bias the model towards the repeated rows, in a holdout " +
		"they count the same answer several times, so the score depends on what happened to be copied. Many " +
		"duplicates usually mean a join or an export that multiplied rows, or templated messages. Fix: " +
		"de-duplicate each split (keep the first row of each key), or find and fix the step that copies rows; " +
		"findings.csv lists every duplicate with the first row of its key. Every row counts, labeled or not; " +
		"repeats across splits are leakage.exact_overlap's business.",
	Metrics: []audit.MetricDoc{
		{Name: "duplicate_rows", Doc: "rows minus distinct row keys, summed over the splits"},
		{Name: "rate", Doc: "duplicate_rows / rows"},
		{Name: "by_split", Doc: "per split: rows, distinct_keys, duplicate_rows, rate"},
	},
	Params: []audit.Param{
		{Name: "warn", Default: 0.05, Doc: "warn when a split's rate is above this"},
		{Name: "fail", Default: 0.2, Doc: "fail when a split's rate is above this"},
	},
	New: newDuplicates,
}

// splitKey is a row key in one split.
type splitKey struct {
	key   norm.Key
	split uint8
}

// dupGroup is a duplicated key of one split: its rows and, from Revisit,
// the packed positions of its first rows (0: none).
type dupGroup struct {
	rows  int64
	first [rowsPerGroup]uint64
}

// rowsPerGroup is how many rows of a group Revisit remembers: the first is
// the one every other row duplicates; the examples show them all.
const rowsPerGroup = 3

// offer keeps p if it is among the group's first positions.
func (g *dupGroup) offer(p uint64) {
	for i := range g.first {
		if g.first[i] == 0 || p < g.first[i] {
			copy(g.first[i+1:], g.first[i:])
			g.first[i] = p
			return
		}
	}
}

type duplicates struct {
	env *audit.Env
	// keys counts, per split index, the rows of every distinct row key, in
	// a keymap.Map: 24 bytes per key plus its table (a Go map took 35 to 56).
	// The shared key table cannot serve: it counts labeled rows only, over
	// all splits.
	keys    [audit.MaxSplits]keymap.Map[uint32]
	classes classNames

	// groups holds every duplicated key once Revisit has run.
	groups map[splitKey]*dupGroup
}

func newDuplicates(env *audit.Env) audit.Accumulator {
	return &duplicates{env: env, classes: classNames{}}
}

func (d *duplicates) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] < 0 {
			d.classes.add(b, i)
		}
		n, _ := d.keys[b.Split[i]].Upsert(b.Key[i])
		*n++
	}
}

func (d *duplicates) Merge(other audit.Accumulator) {
	o := other.(*duplicates)
	for s := range o.keys {
		if o.keys[s].Len() > d.keys[s].Len() {
			d.keys[s], o.keys[s] = o.keys[s], d.keys[s]
		}
		for k, n := range o.keys[s].Drain() {
			cur, _ := d.keys[s].Upsert(k)
			*cur += n
		}
	}
	d.classes.merge(o.classes)
}

// CutKeys moves the row counts into n accumulators by row key (the class
// names go to the first), leaving d empty: see audit.KeySharded.
func (d *duplicates) CutKeys(n int) []audit.Accumulator {
	out := make([]audit.Accumulator, n)
	shards := make([]*duplicates, n)
	for i := range out {
		shards[i] = newDuplicates(d.env).(*duplicates)
		out[i] = shards[i]
	}
	for s := range d.keys {
		for i, m := range keymap.Cut(&d.keys[s], n) {
			shards[i].keys[s] = m
		}
	}
	shards[0].classes, d.classes = d.classes, classNames{}
	return out
}

// Revisit finds the first rows of every duplicated key: memory grows with
// duplicated keys only.
func (d *duplicates) Revisit(s *audit.Summary) func(*audit.RowRecord) {
	d.groups = map[splitKey]*dupGroup{}
	for split := range d.keys {
		for k, n := range d.keys[split].All() {
			if n > 1 {
				d.groups[splitKey{k, uint8(split)}] = &dupGroup{rows: int64(n)}
			}
		}
	}
	return func(r *audit.RowRecord) {
		if g := d.groups[splitKey{r.Key, r.Split}]; g != nil {
			g.offer(pack(r.Pos))
		}
	}
}

func (d *duplicates) Result(s *audit.Summary) audit.CheckResult {
	var rows, dups int64
	worst, worstSplit := 0.0, ""
	bySplit := map[string]any{}
	for _, name := range s.Splits.Sorted() {
		i, _ := splitIndex(s.Splits, name)
		n, distinct := s.SplitRows[name], int64(d.keys[i].Len())
		rate := audit.Ratio(n-distinct, n)
		rows += n
		dups += n - distinct
		if worstSplit == "" || rate > worst {
			worst, worstSplit = rate, name
		}
		bySplit[name] = map[string]any{
			"rows":           n,
			"distinct_keys":  distinct,
			"duplicate_rows": n - distinct,
			"rate":           rate,
		}
	}
	r := audit.CheckResult{
		Metrics: map[string]any{
			"duplicate_rows": dups,
			"rate":           audit.Ratio(dups, rows),
			"by_split":       bySplit,
		},
		ExamplesTotal: int64(len(d.groups)),
	}
	warn, fail := d.env.Params["warn"], d.env.Params["fail"]
	switch {
	case worst > fail:
		r.Status = audit.Fail
	case worst > warn:
		r.Status = audit.Warn
	default:
		r.Status = audit.Pass
	}
	if dups == 0 {
		r.Summary = fmt.Sprintf("No row repeats another row of its split (%d rows).", rows)
	} else {
		r.Summary = fmt.Sprintf("%d of %d rows (%s) repeat an earlier row of their split; the highest rate is %s in split %q.",
			dups, rows, percent(audit.Ratio(dups, rows)), percent(worst), worstSplit)
	}

	// Examples: the largest groups, then the earliest.
	type ranked struct {
		splitKey
		*dupGroup
	}
	top := make([]ranked, 0, len(d.groups))
	for k, g := range d.groups {
		top = append(top, ranked{k, g})
	}
	sort.Slice(top, func(i, j int) bool {
		a, b := top[i], top[j]
		if a.rows != b.rows {
			return a.rows > b.rows
		}
		return a.first[0] < b.first[0] // a position belongs to one split only
	})
	for i, g := range top {
		if i == s.Examples {
			break
		}
		ex := audit.Example{
			Title:  "duplicated row key",
			Values: map[string]any{"split": s.Splits.Name(g.split), "rows": g.rows, "key": g.key.String()},
		}
		if ks, ok := s.Keys.Get(g.key); ok {
			ex.Values["class"] = d.classes.name(ks.Class)
			if ks.Conflict {
				ex.Values["class"] = "(several)"
			}
		}
		for _, p := range g.first {
			if p != 0 {
				ex.Rows = append(ex.Rows, s.RefAt(unpack(p), g.split))
			}
		}
		r.Examples = append(r.Examples, ex)
	}
	return r
}

// Flag marks every row of a duplicated key but its first within its split.
func (d *duplicates) Flag(s *audit.Summary) func(*audit.RowRecord) (string, bool) {
	return func(r *audit.RowRecord) (string, bool) {
		g := d.groups[splitKey{r.Key, r.Split}]
		if g == nil || pack(r.Pos) == g.first[0] {
			return "", false
		}
		return fmt.Sprintf("duplicate of %s (%d rows with this key in split %s)", where(s, unpack(g.first[0])), g.rows, s.Splits.Name(r.Split)), true
	}
}
