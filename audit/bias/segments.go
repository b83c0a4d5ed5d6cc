package bias

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"dataready/audit"
	"dataready/audit/stats"
)

// SegmentCoverage is the spec of bias.segment_coverage.
var SegmentCoverage = audit.Spec{
	ID:     "bias.segment_coverage",
	Family: "bias",
	Title:  "Segment coverage",
	Explain: "A model can be good on average and poor for one group of users, regions or channels because that group " +
		"was barely in the training data; a group that appears in the holdout but never in train is measured on data " +
		"the model has never seen, and a group absent from the holdout is never measured at all. For every segment " +
		"column (and every combination in segment_combinations) this check counts rows per value and split: values " +
		"of the holdout with no train row fail, values with fewer than min_rows labeled train rows warn, and so does " +
		"a value distribution that differs between train and holdout (Jensen–Shannon divergence above warn). " +
		"Fix: collect and label train rows for the missing and rare values, or drop those values from the holdout " +
		"on purpose and say so; re-split at random (or by entity) if the splits differ overall. A column with more " +
		"than 1,000 distinct values is not really a segment: bucket numeric columns into ranges and group rare " +
		"values before auditing.",
	Metrics: []audit.MetricDoc{
		{Name: "by_column", Doc: "per segment column or combination (a+b): values (rows and shares per split, labeled_train), distinct_values, folded_values, overflow, unseen_in_train, rare_in_train, max_share_shift, js_divergence, by_holdout, train_classes, empty_cells"},
		{Name: "unseen_values", Doc: "(column, value) pairs present in a holdout split with no train row"},
		{Name: "rare_values", Doc: "(column, value) pairs present in a holdout split with fewer than min_rows labeled train rows"},
		{Name: "empty_cells", Doc: "(column, value, class) cells of train: values with at least min_rows labeled train rows lacking a class of at least min_class_share of train"},
		{Name: "max_js_divergence", Doc: "largest js_divergence over the columns"},
	},
	Params: []audit.Param{
		{Name: "min_rows", Default: 30, Doc: "labeled train rows a holdout value needs not to be rare"},
		{Name: "warn", Default: 0.1, Doc: "warn when a column's js_divergence between train and a holdout split is above this"},
		{Name: "min_class_share", Default: 0.05, Doc: "classes with at least this share of labeled train rows are expected in every well-covered value"},
		{Name: "warn_empty_cells", Default: 0, Doc: "1 makes empty cells warn; 0 (default) only reports them"},
	},
	New: newCoverage,
}

// OtherValue is the value a column's least frequent values are folded into
// when it has more than maxValues distinct values.
const OtherValue = audit.OtherValue

// Bounds on distinct values. Variables so that tests can lower them.
var (
	// maxValues is how many values of a column are reported by name; the
	// rest are folded into OtherValue, after the merge, by total rows.
	maxValues = 1000
	// maxTracked is how many distinct values of one column are counted
	// exactly. Past it the column overflows: its per-value counts are
	// dropped and it is reported as not analysed. A column overflows exactly
	// when the whole data has more than maxTracked distinct values, whatever
	// the worker count, so this too is deterministic.
	maxTracked = 100_000
	// maxSampledValues bounds the values of one column that keep example
	// rows; past it (decided on the merged count) examples carry no rows.
	maxSampledValues = 2000
)

// examplesPerValue is how many rows an example shows per split.
const examplesPerValue = 3

// dimension is one segment column, or a combination of segment columns
// checked as one segment.
type dimension struct {
	// Name is the column name, or the combination's columns joined by "+".
	Name string
	// Cols are indexes into Batch.Segments (Roles.Segments order).
	Cols []int
}

// combinationSep joins the values of a combination: "eu-west|email".
const combinationSep = "|"

// dimensions returns the segment columns, then the valid combinations, and
// a description of each invalid combination (naming an unknown column or
// fewer than two columns).
func dimensions(env *audit.Env, combos bool) ([]dimension, []string) {
	var dims []dimension
	index := map[string]int{}
	for i, s := range env.Roles.Segments {
		dims = append(dims, dimension{Name: s, Cols: []int{i}})
		index[s] = i
	}
	if !combos {
		return dims, nil
	}
	var bad []string
	for _, combo := range env.Config.SegmentCombinations {
		name := strings.Join(combo, "+")
		if len(combo) < 2 {
			bad = append(bad, fmt.Sprintf("[%s] names fewer than two columns", strings.Join(combo, ", ")))
			continue
		}
		d := dimension{Name: name}
		for _, c := range combo {
			i, ok := index[c]
			if !ok {
				bad = append(bad, fmt.Sprintf("[%s] names %q, which is not a segment column (segments: %s)",
					strings.Join(combo, ", "), c, strings.Join(env.Roles.Segments, ", ")))
				d.Cols = nil
				break
			}
			d.Cols = append(d.Cols, i)
		}
		if d.Cols != nil {
			dims = append(dims, d)
		}
	}
	return dims, bad
}

// lookup returns the entry of row i's value in t (see table.get). A
// combination's value is built in *buf, so that known values cost no
// allocation.
func lookup[T any](t *table[T], d dimension, b *audit.Batch, i int, buf *[]byte, mk func() *T) *T {
	if len(d.Cols) == 1 {
		return t.get(b.Segments[d.Cols[0]][i], mk)
	}
	if t.overflow {
		return nil
	}
	out := (*buf)[:0]
	for j, c := range d.Cols {
		if j > 0 {
			out = append(out, combinationSep...)
		}
		out = append(out, b.Segments[c][i]...)
	}
	*buf = out
	if e, ok := t.m[string(out)]; ok {
		return e
	}
	return t.get(string(out), mk)
}

// table counts something per distinct value of one dimension, up to
// maxTracked values.
type table[T any] struct {
	m map[string]*T
	// overflow is set once the dimension had more than maxTracked
	// distinct values; m is then nil.
	overflow bool
}

func newTable[T any]() *table[T] { return &table[T]{m: map[string]*T{}} }

// get returns the entry of v, creating it with mk (v is cloned), or nil
// once the table overflowed.
func (t *table[T]) get(v string, mk func() *T) *T {
	if t.overflow {
		return nil
	}
	if e, ok := t.m[v]; ok {
		return e
	}
	if len(t.m) >= maxTracked {
		t.overflow, t.m = true, nil
		return nil
	}
	e := mk()
	t.m[strings.Clone(v)] = e
	return e
}

// merge folds o into t, combining entries of the same value with fold. o
// must not be used afterwards.
func (t *table[T]) merge(o *table[T], fold func(dst, src *T)) {
	if t.overflow || o.overflow {
		t.overflow, t.m = true, nil
		return
	}
	if len(o.m) > len(t.m) {
		t.m, o.m = o.m, t.m
	}
	for v, e := range o.m {
		if cur, ok := t.m[v]; ok {
			fold(cur, e)
		} else {
			t.m[v] = e
		}
	}
	if len(t.m) > maxTracked {
		t.overflow, t.m = true, nil
	}
}

// folded returns the values to report: every value when there are at most
// maxValues, otherwise the maxValues with the largest weight (ties by
// name) and OtherValue holding the rest, combined with fold. It also
// returns how many values went into OtherValue. The table's entries may be
// modified.
func (t *table[T]) folded(weight func(*T) float64, fold func(dst, src *T), mk func() *T) (map[string]*T, int) {
	if len(t.m) <= maxValues {
		return t.m, 0
	}
	names := make([]string, 0, len(t.m))
	for v := range t.m {
		names = append(names, v)
	}
	w := make(map[string]float64, len(names))
	for _, v := range names {
		w[v] = weight(t.m[v])
	}
	sort.Slice(names, func(i, j int) bool {
		if w[names[i]] != w[names[j]] {
			return w[names[i]] > w[names[j]]
		}
		return names[i] < names[j]
	})
	out := make(map[string]*T, maxValues+1)
	for _, v := range names[:maxValues] {
		out[v] = t.m[v]
	}
	other, ok := out[OtherValue]
	if !ok {
		other = mk()
		out[OtherValue] = other
	}
	for _, v := range names[maxValues:] {
		fold(other, t.m[v])
	}
	return out, len(names) - maxValues
}

// splitCounts counts per split index, growing as needed.
type splitCounts []int64

func (c *splitCounts) add(i uint8, n int64) {
	for len(*c) <= int(i) {
		*c = append(*c, 0)
	}
	(*c)[i] += n
}

func (c splitCounts) at(i int) int64 {
	if i < 0 || i >= len(c) {
		return 0
	}
	return c[i]
}

func (c *splitCounts) merge(o splitCounts) {
	for i, n := range o {
		if n != 0 {
			c.add(uint8(i), n)
		}
	}
}

func (c splitCounts) total() int64 {
	var t int64
	for _, n := range c {
		t += n
	}
	return t
}

// splitRoles caches the role of each split index for Add.
type splitRoles struct{ role [audit.MaxSplits]string }

func (r *splitRoles) of(b *audit.Batch, i uint8) string {
	if r.role[i] == "" {
		r.role[i] = b.Splits.Role(b.Splits.Name(i))
	}
	return r.role[i]
}

// splitView is the run's splits as Result sees them.
type splitView struct {
	// names are every split in report order; index maps a name to its index.
	names []string
	index map[string]int
	// train is the train split's index, -1 when there is none.
	train     int
	trainName string
	// holdouts are the holdout splits in report order.
	holdouts []string
}

func viewSplits(s *audit.Summary) splitView {
	v := splitView{index: map[string]int{}, train: -1, names: s.Splits.Sorted()}
	for i := 0; i < s.Splits.Len(); i++ {
		v.index[s.Splits.Name(uint8(i))] = i
	}
	if name, ok := s.Train(); ok {
		v.train, v.trainName = v.index[name], name
	}
	v.holdouts = s.Holdouts()
	return v
}

// skipNoHoldout explains why a check comparing train with the holdout
// cannot run, or returns "" when it can.
func (v splitView) skipNoHoldout(cfg *audit.Config) string {
	switch {
	case v.train < 0 && len(v.holdouts) == 0:
		return "There is no train or holdout split to compare (no split column and no per-split inputs), so this check does not apply."
	case v.train < 0:
		return fmt.Sprintf("There is no train split (train_split %q names no split), so there is nothing to compare the holdout with.", cfg.TrainSplit)
	case len(v.holdouts) == 0:
		return "There is no holdout split, so there is nothing to compare train with."
	}
	return ""
}

// coverage is the accumulator of bias.segment_coverage.
type coverage struct {
	env    *audit.Env
	dims   []dimension
	bad    []string
	tables []*table[covValue]
	// totals counts rows per split per dimension (kept when a table overflows).
	totals []splitCounts
	// trainClasses counts labeled train rows per class.
	trainClasses map[string]int64
	roles        splitRoles
	buf          []byte
	// flagged maps the holdout rows of unseen values to their reason, for Flag.
	flagged map[audit.RowPos]string
}

// covValue is what coverage knows of one value of one dimension.
type covValue struct {
	rows    splitCounts
	labeled splitCounts
	// classes counts the value's labeled train rows per class.
	classes map[string]int64
	// seenTrain is set once the value has a train row; until then pending
	// holds the positions of its holdout rows, to flag them if it never gets
	// one. It is the only per-row memory of the bias checks: holdout rows
	// of values this worker has not (yet) seen in train.
	seenTrain bool
	pending   []audit.RowPos
	// samples keeps the first rows per split index; rows are offered only
	// while the dimension has at most maxSampledValues values.
	samples []*audit.RowSample
	// parts are a combination's column values (nil for a single column
	// and for OtherValue).
	parts []string
}

func newCovValue() *covValue { return &covValue{classes: map[string]int64{}} }

func (v *covValue) merge(o *covValue) {
	if v.parts == nil {
		v.parts = o.parts
	}
	v.rows.merge(o.rows)
	v.labeled.merge(o.labeled)
	for c, n := range o.classes {
		v.classes[c] += n
	}
	v.seenTrain = v.seenTrain || o.seenTrain
	if v.seenTrain {
		v.pending = nil
	} else {
		v.pending = append(v.pending, o.pending...)
	}
	v.samples = mergeSamples(v.samples, o.samples)
}

// mergeSamples merges per-split samples; nil means "not sampled".
func mergeSamples(a, b []*audit.RowSample) []*audit.RowSample {
	for i, s := range b {
		if s == nil {
			continue
		}
		for len(a) <= i {
			a = append(a, nil)
		}
		if a[i] == nil {
			a[i] = s
		} else {
			a[i].Merge(s)
		}
	}
	return a
}

// offer keeps row i among the first rows of its split.
func offer(samples []*audit.RowSample, b *audit.Batch, i int) []*audit.RowSample {
	s := b.Split[i]
	for len(samples) <= int(s) {
		samples = append(samples, nil)
	}
	if samples[s] == nil {
		samples[s] = audit.NewRowSample(examplesPerValue)
	}
	if pos := b.Pos(i); !samples[s].Full(pos) {
		samples[s].Offer(pos, b.Ref(i))
	}
	return samples
}

func sampleRows(samples []*audit.RowSample, split int) []audit.RowRef {
	if split < 0 || split >= len(samples) || samples[split] == nil {
		return nil
	}
	return samples[split].Rows()
}

func newCoverage(env *audit.Env) audit.Accumulator {
	a := &coverage{env: env, trainClasses: map[string]int64{}}
	a.dims, a.bad = dimensions(env, true)
	for range a.dims {
		a.tables = append(a.tables, newTable[covValue]())
		a.totals = append(a.totals, nil)
	}
	return a
}

func (a *coverage) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] < 0 && a.roles.of(b, b.Split[i]) == audit.RoleTrain {
			a.trainClasses[b.Class[i]]++
		}
	}
	for d, dim := range a.dims {
		t := a.tables[d]
		for i := 0; i < b.Rows; i++ {
			s := b.Split[i]
			a.totals[d].add(s, 1)
			v := lookup(t, dim, b, i, &a.buf, newCovValue)
			if v == nil {
				continue
			}
			if v.parts == nil && len(dim.Cols) > 1 {
				for _, c := range dim.Cols {
					v.parts = append(v.parts, strings.Clone(b.Segments[c][i]))
				}
			}
			v.rows.add(s, 1)
			labeled := b.Missing[i] < 0
			if labeled {
				v.labeled.add(s, 1)
			}
			switch a.roles.of(b, s) {
			case audit.RoleTrain:
				if labeled {
					v.classes[b.Class[i]]++
				}
				if !v.seenTrain {
					v.seenTrain, v.pending = true, nil
				}
			case audit.RoleHoldout:
				if !v.seenTrain {
					v.pending = append(v.pending, b.Pos(i))
				}
			}
			if len(t.m) <= maxSampledValues {
				v.samples = offer(v.samples, b, i)
			}
		}
	}
}

func (a *coverage) Merge(other audit.Accumulator) {
	o := other.(*coverage)
	for c, n := range o.trainClasses {
		a.trainClasses[c] += n
	}
	for d := range a.dims {
		a.tables[d].merge(o.tables[d], (*covValue).merge)
		a.totals[d].merge(o.totals[d])
	}
}

// columnReport is what Result works out for one dimension.
type columnReport struct {
	name    string
	unseen  []string
	rare    []string
	empty   [][2]string // (value, class)
	js      float64
	shift   float64
	shiftOf string // value with the largest share shift
	over    bool
	folded  int
	numeric bool
	values  map[string]*covValue
}

func (a *coverage) Result(s *audit.Summary) audit.CheckResult {
	if len(a.dims) == 0 && len(a.bad) == 0 {
		return audit.CheckResult{Status: audit.Skip, Summary: "No segment columns are configured (segments), so there is nothing to check."}
	}
	sv := viewSplits(s)
	if why := sv.skipNoHoldout(s.Config); why != "" {
		return audit.CheckResult{Status: audit.Skip, Summary: why}
	}
	minRows := a.env.Params["min_rows"]
	warnJS := a.env.Params["warn"]
	minShare := a.env.Params["min_class_share"]

	// The train class distribution decides which classes a value should have.
	var trainLabeled int64
	for _, n := range a.trainClasses {
		trainLabeled += n
	}
	var expected []string
	for _, c := range sortedKeys(a.trainClasses) {
		if float64(a.trainClasses[c])/float64(trainLabeled) >= minShare {
			expected = append(expected, c)
		}
	}

	// A combination is reported unseen or rare only when each of its
	// values is covered on its own: a new region does not repeat in every
	// region+channel pair.
	weak := make([]map[string]bool, len(a.dims))
	byColumn := map[string]any{}
	var reports []columnReport
	var unseenN, rareN, emptyN int64
	maxJS := 0.0
	for d, dim := range a.dims {
		rep := columnReport{name: dim.Name}
		t := a.tables[d]
		col := map[string]any{}
		if t.overflow {
			rep.over = true
			rep.values = map[string]*covValue{OtherValue: {rows: a.totals[d], classes: map[string]int64{}}}
			col["distinct_values"] = int64(maxTracked + 1)
		} else {
			col["distinct_values"] = int64(len(t.m))
			rep.values, rep.folded = t.folded(func(v *covValue) float64 { return float64(v.rows.total()) },
				(*covValue).merge, newCovValue)
			if o := rep.values[OtherValue]; o != nil && rep.folded > 0 {
				o.parts = nil // a mixture of values, not a combination
			}
			rep.numeric = rep.folded > 0 && looksNumeric(rep.values)
		}
		col["overflow"] = rep.over
		col["folded_values"] = int64(rep.folded)

		values := map[string]any{}
		classTable := map[string]any{}
		trainDist := map[string]int64{}
		for name, v := range rep.values {
			rows, shares := map[string]any{}, map[string]any{}
			for _, sp := range sv.names {
				i := sv.index[sp]
				rows[sp] = v.rows.at(i)
				shares[sp] = audit.Ratio(v.rows.at(i), a.totals[d].at(i))
			}
			values[name] = map[string]any{"rows": rows, "shares": shares, "labeled_train": v.labeled.at(sv.train)}
			if n := v.rows.at(sv.train); n > 0 {
				trainDist[name] = n
			}
			cls := map[string]any{}
			for c, n := range v.classes {
				cls[c] = n
			}
			classTable[name] = cls
		}
		byHoldout := map[string]any{}
		for _, h := range sv.holdouts {
			hi := sv.index[h]
			hold := map[string]int64{}
			for name, v := range rep.values {
				if n := v.rows.at(hi); n > 0 {
					hold[name] = n
				}
			}
			js := stats.JSDivergence(trainDist, hold)
			shift, shiftOf := 0.0, ""
			for _, name := range keysOf(unionKeys(trainDist, hold)) {
				diff := math.Abs(audit.Ratio(hold[name], a.totals[d].at(hi)) - audit.Ratio(trainDist[name], a.totals[d].at(sv.train)))
				if diff > shift {
					shift, shiftOf = diff, name
				}
			}
			byHoldout[h] = map[string]any{"js_divergence": js, "max_share_shift": shift}
			if js > rep.js {
				rep.js = js
			}
			if shift > rep.shift {
				rep.shift, rep.shiftOf = shift, shiftOf
			}
		}
		for _, name := range keysOf(rep.values) {
			if rep.over {
				break
			}
			v := rep.values[name]
			inHoldout := false
			for _, h := range sv.holdouts {
				inHoldout = inHoldout || v.rows.at(sv.index[h]) > 0
			}
			switch {
			case !inHoldout:
			case len(dim.Cols) > 1 && weakPart(weak, dim, v.parts):
			case !v.seenTrain: // no row in train (nor in any other split with role train)
				rep.unseen = append(rep.unseen, name)
			case float64(v.labeled.at(sv.train)) < minRows:
				rep.rare = append(rep.rare, name)
			}
			if float64(v.labeled.at(sv.train)) >= minRows {
				for _, c := range expected {
					if v.classes[c] == 0 {
						rep.empty = append(rep.empty, [2]string{name, c})
					}
				}
			}
		}
		weak[d] = map[string]bool{}
		for _, v := range rep.unseen {
			weak[d][v] = true
		}
		for _, v := range rep.rare {
			weak[d][v] = true
		}
		empty := []any{}
		for _, e := range rep.empty {
			empty = append(empty, map[string]any{"value": e[0], "class": e[1]})
		}
		col["values"] = values
		col["unseen_in_train"] = nonNilStrings(rep.unseen)
		col["rare_in_train"] = nonNilStrings(rep.rare)
		col["max_share_shift"] = rep.shift
		col["js_divergence"] = rep.js
		col["by_holdout"] = byHoldout
		col["train_classes"] = classTable
		col["empty_cells"] = empty
		byColumn[dim.Name] = col
		unseenN += int64(len(rep.unseen))
		rareN += int64(len(rep.rare))
		emptyN += int64(len(rep.empty))
		maxJS = max(maxJS, rep.js)
		reports = append(reports, rep)
	}

	r := audit.CheckResult{Metrics: map[string]any{
		"by_column":         byColumn,
		"unseen_values":     unseenN,
		"rare_values":       rareN,
		"empty_cells":       emptyN,
		"max_js_divergence": maxJS,
	}}

	// Status and summary.
	var divergent, overflowed []string
	for _, rep := range reports {
		if rep.js > warnJS {
			divergent = append(divergent, fmt.Sprintf("%s %.2f", rep.name, rep.js))
		}
		if rep.over {
			overflowed = append(overflowed, rep.name)
		}
	}
	var parts []string
	switch {
	case len(a.bad) > 0:
		r.Status = audit.Error
		parts = append(parts, "the segment_combinations entry "+strings.Join(a.bad, "; the entry "))
	case unseenN > 0:
		r.Status = audit.Fail
	case rareN > 0 || len(divergent) > 0 || len(overflowed) > 0 || (a.env.Params["warn_empty_cells"] != 0 && emptyN > 0):
		r.Status = audit.Warn
	default:
		r.Status = audit.Pass
	}
	if unseenN > 0 {
		parts = append(parts, fmt.Sprintf("%s in the holdout but never in train (%s)", audit.Plural(unseenN, "value appears", "values appear"), valueList(reports, func(c columnReport) []string { return c.unseen })))
	}
	if rareN > 0 {
		parts = append(parts, fmt.Sprintf("%s fewer than %g labeled train rows (%s)", audit.Plural(rareN, "holdout value has", "holdout values have"), minRows, valueList(reports, func(c columnReport) []string { return c.rare })))
	}
	if len(divergent) > 0 {
		parts = append(parts, fmt.Sprintf("the value distribution of train and holdout differs (JS divergence above %g: %s)", warnJS, strings.Join(divergent, ", ")))
	}
	if emptyN > 0 {
		parts = append(parts, fmt.Sprintf("%s (a value with at least %g labeled train rows lacks a class of at least %g%% of train)", audit.Plural(emptyN, "train cell is empty", "train cells are empty"), minRows, 100*minShare))
	}
	if len(overflowed) > 0 {
		parts = append(parts, fmt.Sprintf("%s more than %d distinct values and could not be analysed: bucket or group it", columnsNoun(overflowed), maxTracked))
	}
	for _, rep := range reports {
		if rep.folded > 0 {
			hint := "group rare values"
			if rep.numeric {
				hint = "it looks numeric: bucket it into ranges"
			}
			parts = append(parts, fmt.Sprintf("column %s has %d distinct values, so its %d least frequent are folded into %s (%s)", rep.name, rep.folded+maxValues, rep.folded, OtherValue, hint))
		}
	}
	if len(parts) == 0 {
		r.Summary = fmt.Sprintf("Every holdout value of the %s has train rows, at least %g of them labeled; the largest JS divergence between train and holdout is %.3f.", columnsWord(len(a.env.Roles.Segments), len(a.dims)-len(a.env.Roles.Segments)), minRows, maxJS)
	} else {
		r.Summary = sentence(strings.Join(parts, "; ")) + "."
	}

	// Examples and flagged rows.
	a.flagged = map[audit.RowPos]string{}
	reasons := map[audit.RowPos][]string{}
	rowsOf := func(v *covValue, splits []string) []audit.RowRef {
		var out []audit.RowRef
		for _, sp := range splits {
			out = append(out, sampleRows(v.samples, sv.index[sp])...)
		}
		return out
	}
	counts := func(ex map[string]any, v *covValue) {
		for _, sp := range sv.names {
			ex["rows_"+sp] = v.rows.at(sv.index[sp])
		}
	}
	for d, rep := range reports {
		sampled := !rep.over && len(a.tables[d].m) <= maxSampledValues
		for _, name := range rep.unseen {
			v := rep.values[name]
			ex := audit.Example{Title: "value in the holdout, never in train", Values: map[string]any{"column": rep.name, "value": name}}
			counts(ex.Values, v)
			if sampled {
				ex.Rows = rowsOf(v, sv.holdouts)
			}
			r.Examples = append(r.Examples, ex)
			why := fmt.Sprintf("%s %q has no train rows", rep.name, name)
			for _, p := range v.pending {
				reasons[p] = append(reasons[p], why)
			}
		}
	}
	for d, rep := range reports {
		sampled := !rep.over && len(a.tables[d].m) <= maxSampledValues
		for _, name := range rep.rare {
			v := rep.values[name]
			ex := audit.Example{Title: "value rare in train", Values: map[string]any{"column": rep.name, "value": name, "labeled_train": v.labeled.at(sv.train)}}
			counts(ex.Values, v)
			if sampled {
				ex.Rows = rowsOf(v, append([]string{sv.trainName}, sv.holdouts...))
			}
			r.Examples = append(r.Examples, ex)
		}
	}
	for _, rep := range reports {
		if rep.js > warnJS {
			r.Examples = append(r.Examples, audit.Example{Title: "value distribution differs between train and holdout",
				Values: map[string]any{"column": rep.name, "js_divergence": rep.js, "max_share_shift": rep.shift, "value": rep.shiftOf}})
		}
	}
	for _, rep := range reports {
		if rep.over {
			r.Examples = append(r.Examples, audit.Example{Title: "too many distinct values to analyse", Values: map[string]any{"column": rep.name}})
		}
	}
	for _, rep := range reports {
		for _, e := range rep.empty {
			r.Examples = append(r.Examples, audit.Example{Title: "class missing for a value in train",
				Values: map[string]any{"column": rep.name, "value": e[0], "class": e[1], "labeled_train": rep.values[e[0]].labeled.at(sv.train)}})
		}
	}
	r.ExamplesTotal = int64(len(r.Examples))
	for p, why := range reasons {
		a.flagged[p] = strings.Join(why, "; ")
	}
	return r
}

// Flag marks the holdout rows whose value (in any segment column or
// combination) has no train row.
func (a *coverage) Flag(*audit.Summary) func(*audit.RowRecord) (string, bool) {
	return func(r *audit.RowRecord) (string, bool) {
		why, ok := a.flagged[r.Pos]
		return why, ok
	}
}

// weakPart reports whether a combination's value has a part that is
// itself unseen or rare in its own column (dimension i is segment column i).
func weakPart(weak []map[string]bool, dim dimension, parts []string) bool {
	if len(parts) != len(dim.Cols) {
		return false
	}
	for j, c := range dim.Cols {
		if weak[c][parts[j]] {
			return true
		}
	}
	return false
}

// looksNumeric reports whether nearly all reported values parse as numbers.
func looksNumeric[T any](values map[string]*T) bool {
	var n, num int
	for v := range values {
		if v == OtherValue || v == audit.MissingValue {
			continue
		}
		n++
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			num++
		}
	}
	return n > 0 && num*10 >= n*9
}

func unionKeys(a, b map[string]int64) map[string]int64 {
	u := make(map[string]int64, len(a)+len(b))
	for k := range a {
		u[k] = 1
	}
	for k := range b {
		u[k] = 1
	}
	return u
}

// valueList names up to five column=value pairs.
func valueList(reports []columnReport, pick func(columnReport) []string) string {
	var all []string
	for _, rep := range reports {
		for _, v := range pick(rep) {
			all = append(all, fmt.Sprintf("%s %q", rep.name, v))
		}
	}
	if len(all) > 5 {
		return strings.Join(all[:5], ", ") + fmt.Sprintf(", and %d more", len(all)-5)
	}
	return strings.Join(all, ", ")
}

func columnsWord(cols, combos int) string {
	w := "segment column"
	if cols != 1 {
		w = fmt.Sprintf("%d segment columns", cols)
	}
	switch combos {
	case 0:
		return w
	case 1:
		return w + " and 1 combination"
	}
	return fmt.Sprintf("%s and %d combinations", w, combos)
}

func columnsNoun(cols []string) string {
	if len(cols) == 1 {
		return "column " + cols[0] + " has"
	}
	return "columns " + strings.Join(cols, ", ") + " have"
}

// keysOf returns a map's keys in order.
func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sentence starts s with a capital letter.
func sentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
