package volume

import (
	"fmt"
	"sort"

	"dataready/audit"
)

// PilotMinimum is the spec of volume.pilot_minimum.
var PilotMinimum = audit.Spec{
	ID:     "volume.pilot_minimum",
	Family: "volume",
	Title:  "Pilot minimum of usable examples",
	Explain: "A pilot needs at least 200, better 1,000, usable labeled examples to learn anything and to measure it. " +
		"Usable means: labeled, counted once however often the same row key repeats, and not carrying two " +
		"different labels (a key with conflicting labels counts not at all). Duplicates inflate the row count " +
		"without adding information. Fix: label more data, de-duplicate, and resolve conflicting labels; the " +
		"examples show the largest conflicting and duplicated keys with their first row. " +
		"labeled_rows = usable_examples + duplicate_rows + conflicting_rows.",
	Metrics: []audit.MetricDoc{
		{Name: "labeled_rows", Doc: "rows with a label"},
		{Name: "usable_examples", Doc: "distinct row keys among labeled rows whose rows all carry one class"},
		{Name: "duplicate_rows", Doc: "labeled rows of non-conflicting keys beyond each key's first row"},
		{Name: "conflicting_rows", Doc: "labeled rows whose key carries two or more classes"},
		{Name: "conflicting_keys", Doc: "row keys that carry two or more classes"},
		{Name: "by_split", Doc: "per split: usable_examples (usable keys with a labeled row in that split; a key in two splits counts in both)"},
	},
	Params: []audit.Param{
		{Name: "fail", Default: 200, Doc: "fail when usable_examples is below this"},
		{Name: "warn", Default: 1000, Doc: "warn when usable_examples is below this"},
	},
	New: func(env *audit.Env) audit.Accumulator { return &pilot{env: env} },
}

// pilot reads the shared key table; it has nothing of its own to add.
type pilot struct{ env *audit.Env }

func (p *pilot) Add(*audit.Batch)        {}
func (p *pilot) Merge(audit.Accumulator) {}
func (p *pilot) Result(s *audit.Summary) audit.CheckResult {
	var labeled, usable, dups, conflicting, conflictKeys int64
	perSplit := make([]int64, audit.MaxSplits)
	type group struct {
		rows     uint32
		conflict bool
		first    audit.RowPos
		split    uint8
	}
	var groups []group
	for _, k := range s.Keys.All() {
		labeled += int64(k.Labeled)
		if k.Conflict {
			conflicting += int64(k.Labeled)
			conflictKeys++
			groups = append(groups, group{k.Labeled, true, k.First, k.FirstSplit})
			continue
		}
		usable++
		dups += int64(k.Labeled) - 1
		if k.Labeled > 1 {
			groups = append(groups, group{k.Labeled, false, k.First, k.FirstSplit})
		}
		for m, i := k.Splits, 0; m != 0; m, i = m>>1, i+1 {
			if m&1 != 0 {
				perSplit[i]++
			}
		}
	}
	bySplit := map[string]any{}
	for i := 0; i < s.Splits.Len(); i++ {
		bySplit[s.Splits.Name(uint8(i))] = map[string]any{"usable_examples": perSplit[i]}
	}
	r := audit.CheckResult{Metrics: map[string]any{
		"labeled_rows":     labeled,
		"usable_examples":  usable,
		"duplicate_rows":   dups,
		"conflicting_rows": conflicting,
		"conflicting_keys": conflictKeys,
		"by_split":         bySplit,
	}}
	fail, warn := p.env.Params["fail"], p.env.Params["warn"]
	detail := fmt.Sprintf("%d usable examples (of %d labeled rows: %d duplicates, %d in label conflicts)", usable, labeled, dups, conflicting)
	switch {
	case float64(usable) < fail:
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("Only %s; a pilot needs at least %g.", detail, fail)
	case float64(usable) < warn:
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("%s: above the minimum of %g, below the recommended %g.", audit.Capitalize(detail), fail, warn)
	default:
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("%s: at least the recommended %g.", audit.Capitalize(detail), warn)
	}

	// Examples: the largest groups that do not count fully, conflicts first.
	sort.Slice(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.conflict != b.conflict {
			return a.conflict
		}
		if a.rows != b.rows {
			return a.rows > b.rows
		}
		return a.first.Less(b.first)
	})
	r.ExamplesTotal = int64(len(groups))
	for i, g := range groups {
		if i == s.Examples {
			break
		}
		title := "duplicated row key (counts once)"
		if g.conflict {
			title = "row key with conflicting labels (does not count)"
		}
		r.Examples = append(r.Examples, audit.Example{
			Title:  title,
			Values: map[string]any{"labeled_rows": int64(g.rows)},
			Rows:   []audit.RowRef{s.RefAt(g.first, g.split)},
		})
	}
	return r
}

// Flag marks labeled rows that do not count as usable examples: every row
// of a key with conflicting labels, and every row of a duplicated key but
// its first.
func (p *pilot) Flag(s *audit.Summary) func(*audit.RowRecord) (string, bool) {
	return func(r *audit.RowRecord) (string, bool) {
		if r.Missing >= 0 {
			return "", false
		}
		k, ok := s.Keys.Get(r.Key)
		if !ok {
			return "", false
		}
		first := s.RefAt(k.First, k.FirstSplit)
		switch {
		case k.Conflict:
			return fmt.Sprintf("row key carries two or more labels (%d rows; first at %s:%d); does not count", k.Labeled, first.File, first.Line), true
		case r.Pos != k.First:
			return fmt.Sprintf("duplicate of %s:%d; counts once", first.File, first.Line), true
		}
		return "", false
	}
}
