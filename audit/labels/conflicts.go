package labels

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"dataready/audit"
	"dataready/audit/norm"
)

// Conflicts is the spec of labels.conflicts.
var Conflicts = audit.Spec{
	ID:     "labels.conflicts",
	Family: "labels",
	Title:  "Conflicting labels for the same row",
	Explain: "Rows with the same row key (the same normalized text, or the same feature values) but different classes " +
		"cannot all be right: at least one is label noise, or the input does not hold enough to decide the class. " +
		"A model is trained to contradict itself, and a holdout row that repeats a train row with another label " +
		"is scored against a label the model was taught to avoid. Conflicts are counted across all splits together, " +
		"so a train row and a holdout row that disagree are found too. Classes are norm(label) after label_map; " +
		"labels are strings, so \"1\" and \"1.0\" are different classes. Fix: have someone decide the right class " +
		"of every group (the findings file lists every row), or drop the groups, and agree on a guideline for the " +
		"ambiguous cases the groups reveal.",
	Metrics: []audit.MetricDoc{
		{Name: "conflicting_groups", Doc: "row keys whose labeled rows carry two or more classes"},
		{Name: "conflicting_rows", Doc: "labeled rows of those keys, all splits"},
		{Name: "conflict_rate", Doc: "conflicting_rows / labeled rows"},
		{Name: "cross_split_groups", Doc: "conflicting keys whose labeled rows span more than one split"},
		{Name: "by_split", Doc: "per split: conflicting_rows (that split's labeled rows of conflicting keys)"},
	},
	Params: []audit.Param{
		{Name: "warn", Default: 0, Doc: "warn when conflict_rate is above this"},
		{Name: "fail", Default: 0.01, Doc: "fail when conflict_rate is at least this"},
	},
	New: func(env *audit.Env) audit.Accumulator {
		return &conflicts{env: env, names: map[uint64]string{}}
	},
}

// rowsPerConflictClass is how many rows an example shows per class, and
// maxConflictClasses how many classes of a group show rows.
const (
	rowsPerConflictClass = 3
	maxConflictClasses   = 10
)

// conflicts reads which keys conflict from the shared key table; it
// gathers the classes of those keys, their rows per split and the rows of
// the largest groups in the revisit pass over the spilled row records.
type conflicts struct {
	env *audit.Env
	// names maps class hashes to classes (from Add: distinct classes only).
	names map[uint64]string

	// Filled by Revisit.
	bySplit [audit.MaxSplits]int64
	classes map[keyClass]int64
	shown   map[norm.Key]*conflictGroup
	order   []norm.Key
	// reasons holds the findings reason of each conflicting key; set by Result.
	reasons map[norm.Key]string
}

type keyClass struct {
	key   norm.Key
	class uint64
}

// conflictGroup holds the rows of one group shown as an example.
type conflictGroup struct {
	text    string
	rows    map[uint64]*audit.RowSample
	labeled uint32
}

func (c *conflicts) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] >= 0 {
			continue
		}
		if _, ok := c.names[b.ClassHash[i]]; !ok {
			c.names[b.ClassHash[i]] = strings.Clone(b.Class[i])
		}
	}
}

func (c *conflicts) Merge(other audit.Accumulator) {
	for h, n := range other.(*conflicts).names {
		c.names[h] = n
	}
}

// Revisit picks the largest conflicting groups (by labeled rows, then
// first row) and returns the function that gathers, for every conflicting
// key, its classes and its rows per split, and the rows of the groups shown.
func (c *conflicts) Revisit(s *audit.Summary) func(*audit.RowRecord) {
	type cand struct {
		key   norm.Key
		stats audit.KeyStats
	}
	var cands []cand
	// The pass looks every row up in a map of the conflicting keys only:
	// much smaller than the key table, so it stays in cache.
	conflicting := map[norm.Key]audit.KeyStats{}
	for k, st := range s.Keys.All() {
		if st.Conflict {
			cands = append(cands, cand{k, st})
			conflicting[k] = st
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i].stats, cands[j].stats
		if a.Labeled != b.Labeled {
			return a.Labeled > b.Labeled
		}
		return a.First.Less(b.First)
	})
	c.classes = map[keyClass]int64{}
	c.shown = map[norm.Key]*conflictGroup{}
	c.order = nil
	for i, cd := range cands {
		if i == s.Examples {
			break
		}
		c.shown[cd.key] = &conflictGroup{rows: map[uint64]*audit.RowSample{}, labeled: cd.stats.Labeled}
		c.order = append(c.order, cd.key)
	}
	return func(r *audit.RowRecord) {
		if r.Missing >= 0 {
			return
		}
		st, ok := conflicting[r.Key]
		if !ok {
			return
		}
		c.bySplit[r.Split]++
		c.classes[keyClass{r.Key, r.ClassHash}]++
		g := c.shown[r.Key]
		if g == nil {
			return
		}
		if r.Pos == st.First {
			g.text = string(r.Text)
		}
		sample := g.rows[r.ClassHash]
		if sample == nil {
			sample = audit.NewRowSample(rowsPerConflictClass)
			g.rows[r.ClassHash] = sample
		}
		if !sample.Full(r.Pos) {
			ref := s.RefAt(r.Pos, r.Split)
			ref.Label = string(r.Label)
			if len(r.IDs) > 0 {
				ref.ID = string(r.IDs[0])
			}
			sample.Offer(r.Pos, ref)
		}
	}
}

// classCount is one class of a conflicting key with its rows.
type classCount struct {
	class string
	hash  uint64
	rows  int64
}

func (c *conflicts) Result(s *audit.Summary) audit.CheckResult {
	var labeled, groups, rows, cross int64
	for _, st := range s.Keys.All() {
		labeled += int64(st.Labeled)
		if !st.Conflict {
			continue
		}
		groups++
		rows += int64(st.Labeled)
		if bits.OnesCount64(st.Splits) > 1 {
			cross++
		}
	}
	perKey := map[norm.Key][]classCount{}
	for kc, n := range c.classes {
		perKey[kc.key] = append(perKey[kc.key], classCount{c.className(kc.class), kc.class, n})
	}
	for _, list := range perKey {
		sortClassCounts(list)
	}
	bySplit := map[string]any{}
	for i := 0; i < s.Splits.Len(); i++ {
		bySplit[s.Splits.Name(uint8(i))] = map[string]any{"conflicting_rows": c.bySplit[i]}
	}
	rate := audit.Ratio(rows, labeled)
	r := audit.CheckResult{
		Metrics: map[string]any{
			"conflicting_groups": groups,
			"conflicting_rows":   rows,
			"conflict_rate":      rate,
			"cross_split_groups": cross,
			"by_split":           bySplit,
		},
		ExamplesTotal: groups,
	}
	warn, fail := c.env.Params["warn"], c.env.Params["fail"]
	switch {
	case labeled > 0 && rate >= fail:
		r.Status = audit.Fail
	case rate > warn:
		r.Status = audit.Warn
	default:
		r.Status = audit.Pass
	}
	if groups == 0 {
		r.Summary = fmt.Sprintf("No row key carries two different classes among the %d labeled rows.", labeled)
	} else {
		r.Summary = fmt.Sprintf("%s carry two or more classes: %d of %d labeled rows (%.2f%%), %d of the groups across splits.",
			audit.Plural(groups, "row key", "row keys"), rows, labeled, 100*rate, cross)
	}

	for _, k := range c.order {
		r.Examples = append(r.Examples, c.example(s, k, perKey[k]))
	}

	c.reasons = make(map[norm.Key]string, groups)
	for k, st := range s.Keys.All() {
		if !st.Conflict {
			continue
		}
		names := make([]string, len(perKey[k]))
		for i, cc := range perKey[k] {
			names[i] = cc.class
		}
		first := s.RefAt(st.First, st.FirstSplit)
		c.reasons[k] = fmt.Sprintf("row key carries %d classes (%s) in %d rows; first at %s:%d",
			len(names), quoteList(names), st.Labeled, first.File, first.Line)
	}
	return r
}

// example shows one conflicting group: its text, classes and splits, and the
// first rows of each class (classes with the most rows first).
func (c *conflicts) example(s *audit.Summary, k norm.Key, classes []classCount) audit.Example {
	st, _ := s.Keys.Get(k)
	g := c.shown[k]
	counts := map[string]any{}
	for _, cc := range classes {
		counts[cc.class] = cc.rows
	}
	var splits []string
	for _, name := range s.Splits.Sorted() {
		if st.Splits&s.SplitMask(name) != 0 {
			splits = append(splits, name)
		}
	}
	var rows []audit.RowRef
	for i, cc := range classes {
		if i == maxConflictClasses {
			break
		}
		if sample := g.rows[cc.hash]; sample != nil {
			rows = append(rows, sample.Rows()...)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].File != rows[j].File {
			return fileIndex(s, rows[i].File) < fileIndex(s, rows[j].File)
		}
		return rows[i].Line < rows[j].Line
	})
	title := fmt.Sprintf("row key with %d classes", len(classes))
	if len(splits) > 1 {
		title += " across splits"
	}
	return audit.Example{
		Title: title,
		Values: map[string]any{
			"text":         g.text,
			"labeled_rows": int64(st.Labeled),
			"classes":      counts,
			"splits":       splits,
		},
		Rows: rows,
	}
}

// fileIndex returns the input index of a file path (rows order by it).
func fileIndex(s *audit.Summary, path string) int {
	for _, f := range s.Files {
		if f.Path == path {
			return f.Index
		}
	}
	return len(s.Files)
}

func (c *conflicts) className(h uint64) string {
	if n, ok := c.names[h]; ok {
		return n
	}
	return fmt.Sprintf("(class %016x)", h)
}

// sortClassCounts orders classes by rows (most first), then name.
func sortClassCounts(list []classCount) {
	sort.Slice(list, func(i, j int) bool {
		if list[i].rows != list[j].rows {
			return list[i].rows > list[j].rows
		}
		return list[i].class < list[j].class
	})
}

// Flag marks every labeled row of a conflicting key.
func (c *conflicts) Flag(*audit.Summary) func(*audit.RowRecord) (string, bool) {
	if len(c.reasons) == 0 {
		return nil
	}
	return func(r *audit.RowRecord) (string, bool) {
		if r.Missing >= 0 {
			return "", false
		}
		reason, ok := c.reasons[r.Key]
		return reason, ok
	}
}
