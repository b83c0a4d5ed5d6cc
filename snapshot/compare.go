package snapshot

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"dataready/audit"
	"dataready/audit/stats"
)

// Options tune a comparison.
type Options struct {
	// Tolerance is the relative change past which a metric moving in its
	// worse direction is a regression; 0.25 means 25%. Use
	// audit.DefaultTolerance for the default.
	Tolerance float64
	// BaselinePath and CurrentPath name the two reports in the comparison
	// ("" for a report not read from a file).
	BaselinePath, CurrentPath string
}

// Compare compares the current report with the baseline, from the two
// reports alone. Reports of schema version 1 are compared on what they
// record (see docs/report.md, comparison).
func Compare(baseline, current *audit.Report, opts Options) (*audit.Comparison, error) {
	c := &audit.Comparison{
		Baseline:  compared(baseline, opts.BaselinePath),
		Current:   compared(current, opts.CurrentPath),
		Tolerance: opts.Tolerance,
		Verdict:   verdictChange(baseline.Verdict, current.Verdict),
		Checks:    []audit.CheckChange{},
		Segments:  []audit.SegmentDrift{},
	}
	oldChecks, err := checksByID(baseline)
	if err != nil {
		return nil, err
	}
	newChecks, err := checksByID(current)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, ch := range current.Checks {
		ids = append(ids, ch.ID)
	}
	for _, ch := range baseline.Checks {
		if _, ok := newChecks[ch.ID]; !ok {
			ids = append(ids, ch.ID)
		}
	}
	for _, id := range ids {
		cc := compareCheck(id, oldChecks[id], newChecks[id], opts.Tolerance)
		if cc.Regression {
			c.Regressions++
		}
		if cc.Change == audit.Better {
			c.Improvements++
		}
		for _, m := range cc.Metrics {
			if m.Regression {
				c.Regressions++
			}
			if m.Improvement {
				c.Improvements++
			}
		}
		c.Checks = append(c.Checks, cc)
	}
	oldP, newP := profileOf(baseline, oldChecks), profileOf(current, newChecks)
	c.Classes = classDrift(oldP.classes, newP.classes)
	c.Segments = segmentDrift(oldP, newP)
	c.Volume = volumeChange(baseline, current, oldP, newP)
	return c, nil
}

func compared(r *audit.Report, path string) audit.ComparedReport {
	return audit.ComparedReport{Path: path, SchemaVersion: r.SchemaVersion, SnapshotTime: SnapshotTime(r), Verdict: r.Verdict}
}

// SnapshotTime is when a report's data was taken: snapshot.time, or for a
// version 1 report (which has none) the start of its run.
func SnapshotTime(r *audit.Report) (t time.Time) {
	if !r.Snapshot.Time.IsZero() {
		return r.Snapshot.Time.UTC()
	}
	return r.Run.StartedAt.UTC()
}

// check is a check result with its metrics as JSON values (float64
// numbers), whether the report was decoded from JSON or made in memory.
type check struct {
	title   string
	status  audit.Status
	metrics map[string]any
}

func checksByID(r *audit.Report) (map[string]*check, error) {
	out := make(map[string]*check, len(r.Checks))
	for _, c := range r.Checks {
		data, err := json.Marshal(c.Metrics)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, err
		}
		out[c.ID] = &check{title: c.Title, status: c.Status, metrics: m}
	}
	return out, nil
}

var verdictRank = map[audit.Verdict]int{audit.Ready: 0, audit.ReadyWithWarnings: 1, audit.NotReady: 2}

func verdictChange(old, cur audit.Verdict) audit.VerdictChange {
	v := audit.VerdictChange{Old: old, New: cur, Change: audit.Same}
	switch o, n := verdictRank[old], verdictRank[cur]; {
	case n > o:
		v.Change = audit.Worse
	case n < o:
		v.Change = audit.Better
	}
	return v
}

// statusRank orders the statuses that can be compared; skip (and an
// unknown status) cannot: a change to or from it is "changed".
var statusRank = map[audit.Status]int{audit.Pass: 0, audit.Warn: 1, audit.Fail: 2, audit.Error: 2}

func compareCheck(id string, old, cur *check, tolerance float64) audit.CheckChange {
	cc := audit.CheckChange{ID: id, Metrics: []audit.MetricChange{}}
	var oldM, newM map[string]any
	switch {
	case old == nil:
		cc.Title, cc.NewStatus, cc.Change, newM = cur.title, cur.status, audit.Added, cur.metrics
	case cur == nil:
		cc.Title, cc.OldStatus, cc.Change, oldM = old.title, old.status, audit.Removed, old.metrics
	default:
		cc.Title, cc.OldStatus, cc.NewStatus, oldM, newM = cur.title, old.status, cur.status, old.metrics, cur.metrics
		o, okO := statusRank[old.status]
		n, okN := statusRank[cur.status]
		switch {
		case old.status == cur.status:
			cc.Change = audit.Same
		case okO && okN && n > o:
			cc.Change, cc.Regression = audit.Worse, true
		case okO && okN && n < o:
			cc.Change = audit.Better
		default:
			cc.Change = audit.Changed
		}
	}
	oldLeaves, newLeaves := map[string]leaf{}, map[string]leaf{}
	flatten(oldM, nil, oldLeaves)
	flatten(newM, nil, newLeaves)
	for _, k := range union(oldLeaves, newLeaves) {
		o, hasOld := oldLeaves[k]
		n, hasNew := newLeaves[k]
		path := o.path
		if !hasOld {
			path = n.path
		}
		direction, floor := Direction(id, path)
		m := audit.MetricChange{Name: strings.Join(path, "."), Direction: direction}
		if hasOld {
			m.Old = ptr(o.value)
		}
		if hasNew {
			m.New = ptr(n.value)
		}
		classifyMetric(&m, tolerance, floor)
		cc.Metrics = append(cc.Metrics, m)
	}
	return cc
}

// classifyMetric fills in Delta, RelativeChange, Change, Regression and
// Improvement from Old, New, Direction, the tolerance and the metric's
// noise floor.
func classifyMetric(m *audit.MetricChange, tolerance, floor float64) {
	switch {
	case m.Old == nil:
		m.Change = audit.Added
		return
	case m.New == nil:
		m.Change = audit.Removed
		return
	}
	old, cur := *m.Old, *m.New
	m.Delta = ptr(cur - old)
	if old != 0 {
		m.RelativeChange = ptr((cur - old) / math.Abs(old))
	}
	if cur == old {
		m.Change = audit.Same
		return
	}
	if m.Direction == audit.UnknownBetter {
		m.Change = audit.Changed
		return
	}
	up := cur > old
	better := up == (m.Direction == audit.HigherIsBetter)
	// From 0 any move is past the tolerance (the relative change is
	// infinite); otherwise the move must exceed it. Either way it must
	// exceed the noise floor.
	move := math.Abs(cur - old)
	past := (old == 0 || move > tolerance*math.Abs(old)) && move > floor
	if better {
		m.Change, m.Improvement = audit.Better, past
	} else {
		m.Change, m.Regression = audit.Worse, past
	}
}

func ptr[T any](v T) *T { return &v }

// leaf is one numeric metric value and its path.
type leaf struct {
	path  []string
	value float64
}

// flatten collects the numbers of a metrics tree, following maps only
// (the entries of lists have no stable name). The key of a leaf is its path
// joined with NUL, so that keys holding "." cannot collide.
func flatten(v any, path []string, out map[string]leaf) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			flatten(x, append(slices.Clip(path), k), out)
		}
	case float64:
		if len(path) > 0 {
			out[strings.Join(path, "\x00")] = leaf{path: path, value: v}
		}
	}
}

// profile is what a report records of its classes, segment values and
// volume, from the dataset section (version 2) or the check metrics
// (version 1). A nil map means the report does not record it.
type profile struct {
	// classes are labeled rows per class, all splits.
	classes map[string]int64
	// segments are rows per value of each segment column, all splits.
	segments map[string]map[string]int64
	// incomplete marks the columns whose values were folded or overflowed.
	incomplete map[string]bool
	// labeled and usable are nil when not recorded.
	labeled, usable *int64
	// usableByClass is nil when not recorded.
	usableByClass map[string]int64
}

func profileOf(r *audit.Report, checks map[string]*check) profile {
	p := profile{incomplete: map[string]bool{}}
	if r.SchemaVersion >= 2 {
		p.classes, p.usableByClass = map[string]int64{}, map[string]int64{}
		for name, c := range r.Dataset.Labels.Classes {
			for _, n := range c.Rows {
				p.classes[name] += n
			}
			p.usableByClass[name] = c.Usable
		}
		p.labeled, p.usable = ptr(r.Dataset.Labels.LabeledRows), ptr(r.Dataset.Labels.UsableExamples)
		p.segments = map[string]map[string]int64{}
		for col, s := range r.Dataset.Segments {
			vals := map[string]int64{}
			for v, bySplit := range s.Values {
				for _, n := range bySplit {
					vals[v] += n
				}
			}
			p.segments[col] = vals
			p.incomplete[col] = s.Overflow || s.FoldedValues > 0
		}
		return p
	}
	// Version 1: bias.class_balance's counts per split, bias.segment_coverage's
	// rows per value (segment columns only, not combinations), and
	// volume.pilot_minimum's totals, when those checks ran.
	if c := checks["bias.class_balance"]; c != nil {
		if bySplit, ok := c.metrics["by_split"].(map[string]any); ok {
			p.classes = map[string]int64{}
			for _, s := range bySplit {
				counts, _ := s.(map[string]any)["counts"].(map[string]any)
				for class, n := range counts {
					p.classes[class] += toInt(n)
				}
			}
		}
	}
	if c := checks["bias.segment_coverage"]; c != nil {
		if byCol, ok := c.metrics["by_column"].(map[string]any); ok {
			p.segments = map[string]map[string]int64{}
			for _, col := range r.Dataset.Roles.Segments {
				m, ok := byCol[col].(map[string]any)
				if !ok {
					continue
				}
				vals := map[string]int64{}
				values, _ := m["values"].(map[string]any)
				for v, e := range values {
					rows, _ := e.(map[string]any)["rows"].(map[string]any)
					for _, n := range rows {
						vals[v] += toInt(n)
					}
				}
				p.segments[col] = vals
				overflow, _ := m["overflow"].(bool)
				p.incomplete[col] = overflow || toInt(m["folded_values"]) > 0
			}
		}
	}
	if c := checks["volume.pilot_minimum"]; c != nil {
		if n, ok := c.metrics["labeled_rows"].(float64); ok {
			p.labeled = ptr(int64(n))
		}
		if n, ok := c.metrics["usable_examples"].(float64); ok {
			p.usable = ptr(int64(n))
		}
	}
	return p
}

func toInt(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// classDrift compares class shares; nil when a report records no classes.
func classDrift(old, cur map[string]int64) *audit.ClassDrift {
	if old == nil || cur == nil {
		return nil
	}
	d := &audit.ClassDrift{JSDivergence: stats.JSDivergence(old, cur), Classes: []audit.ClassShare{}, Appeared: []string{}, Vanished: []string{}}
	var oldTotal, newTotal int64
	for _, n := range old {
		oldTotal += n
	}
	for _, n := range cur {
		newTotal += n
	}
	for _, class := range union(old, cur) {
		s := audit.ClassShare{Class: class, OldRows: old[class], NewRows: cur[class],
			OldShare: audit.Ratio(old[class], oldTotal), NewShare: audit.Ratio(cur[class], newTotal)}
		s.Change = s.NewShare - s.OldShare
		d.Classes = append(d.Classes, s)
		switch {
		case s.OldRows == 0 && s.NewRows > 0:
			d.Appeared = append(d.Appeared, class)
		case s.OldRows > 0 && s.NewRows == 0:
			d.Vanished = append(d.Vanished, class)
		}
	}
	slices.SortStableFunc(d.Classes, func(a, b audit.ClassShare) int {
		return cmp.Compare(math.Abs(b.Change), math.Abs(a.Change))
	})
	if len(d.Classes) > 0 {
		d.LargestChange = ptr(d.Classes[0])
	}
	return d
}

// union returns the keys of both maps, sorted.
func union[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func segmentDrift(old, cur profile) []audit.SegmentDrift {
	out := []audit.SegmentDrift{}
	if old.segments == nil || cur.segments == nil {
		return out
	}
	for _, col := range union(old.segments, cur.segments) {
		o, hasOld := old.segments[col]
		n, hasNew := cur.segments[col]
		d := audit.SegmentDrift{Column: col, Appeared: []string{}, Vanished: []string{},
			Incomplete: old.incomplete[col] || cur.incomplete[col]}
		switch {
		case !hasOld:
			d.Change = audit.Added
		case !hasNew:
			d.Change = audit.Removed
		default:
			d.JSDivergence = stats.JSDivergence(o, n)
			d.Change = audit.Same
			for _, v := range union(o, n) {
				if o[v] != n[v] {
					d.Change = audit.Changed
				}
				switch {
				case v == audit.OtherValue:
				case o[v] == 0 && n[v] > 0:
					d.Appeared = append(d.Appeared, v)
				case o[v] > 0 && n[v] == 0:
					d.Vanished = append(d.Vanished, v)
				}
			}
		}
		out = append(out, d)
	}
	return out
}

func volumeChange(baseline, current *audit.Report, old, cur profile) audit.VolumeChange {
	v := audit.VolumeChange{
		RowsAudited:    countChange(ptr(baseline.Dataset.RowsAudited), ptr(current.Dataset.RowsAudited)),
		LabeledRows:    countChange(old.labeled, cur.labeled),
		UsableExamples: countChange(old.usable, cur.usable),
		Classes:        []audit.ClassCountChange{},
	}
	if old.usableByClass == nil && cur.usableByClass == nil {
		return v
	}
	for _, class := range union(old.usableByClass, cur.usableByClass) {
		var o, n *int64
		if old.usableByClass != nil {
			o = ptr(old.usableByClass[class])
		}
		if cur.usableByClass != nil {
			n = ptr(cur.usableByClass[class])
		}
		v.Classes = append(v.Classes, audit.ClassCountChange{Class: class, CountChange: countChange(o, n)})
	}
	return v
}

func countChange(old, cur *int64) audit.CountChange {
	c := audit.CountChange{Old: old, New: cur}
	if old != nil && cur != nil {
		c.Delta = ptr(*cur - *old)
		if *old != 0 {
			c.RelativeChange = ptr(float64(*cur-*old) / float64(*old))
		}
	}
	return c
}
