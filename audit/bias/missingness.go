package bias

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"dataready/audit"
)

// Missingness is the spec of bias.missingness.
var Missingness = audit.Spec{
	ID:     "bias.missingness",
	Family: "bias",
	Title:  "Missing values by segment",
	Explain: "A field that is filled for most rows but often empty in one channel, region or user type usually means that " +
		"segment's data comes from another form, system or export. A model then learns \"empty field\" as a stand-in " +
		"for the segment, and its quality differs by segment. For every feature column and segment value this check " +
		"compares the value's null rate (nulls, empty values and null_values tokens) with the rate of the rest of the " +
		"column, and warns when they differ by at least warn (20 percentage points) with at least min_rows rows on each " +
		"side. Fix: find out why the field is missing there (a form without it, a failed join, a source that does not " +
		"send it), repair the pipeline or impute consistently, and evaluate the model per segment.",
	Metrics: []audit.MetricDoc{
		{Name: "flagged", Doc: "every (column, segment, value) whose null rate differs from the rest by at least warn: column, segment, value, rows, nulls, rate, rest_rate"},
		{Name: "null_rates", Doc: "per feature column with nulls, per segment column, per value: the null rate"},
		{Name: "nulls", Doc: "null values per feature column (all audited rows)"},
		{Name: "cells_checked", Doc: "(column, segment, value) cells with at least min_rows rows on each side, which the rule was applied to"},
	},
	Params: []audit.Param{
		{Name: "min_rows", Default: 30, Doc: "rows the value, and the rest of the column, need for the comparison"},
		{Name: "warn", Default: 0.2, Doc: "warn when |rate − rest_rate| is at least this"},
	},
	New: newMissingness,
}

// maxSampledCells bounds the (feature, segment, value) cells that keep
// example rows; past it (decided on the merged count) examples carry no rows.
const maxSampledCells = 10000

// missingness is the accumulator of bias.missingness.
type missingness struct {
	env  *audit.Env
	dims []dimension
	// feats are the canonical indexes of the feature columns, names their
	// names; skip[d][f] is set when feature f is segment column d itself.
	feats  []int
	names  []string
	skip   [][]bool
	tables []*table[missValue]
	nulls  []int64
	tokens map[string]bool
	mask   [][]bool
	buf    []byte
	first  map[missCell]*audit.RowSample
}

// missValue counts one segment value's rows and, per feature, its nulls.
type missValue struct {
	rows  int64
	nulls []int64
}

func (v *missValue) merge(o *missValue) {
	v.rows += o.rows
	v.nulls = audit.AddCounts(v.nulls, o.nulls)
}

type missCell struct {
	feat, dim int
	value     string
}

func newMissingness(env *audit.Env) audit.Accumulator {
	a := &missingness{env: env, tokens: map[string]bool{}, first: map[missCell]*audit.RowSample{}}
	a.dims, _ = dimensions(env, false)
	for _, f := range env.Roles.Features {
		if i := env.Column(f); i >= 0 {
			a.feats = append(a.feats, i)
			a.names = append(a.names, f)
		}
	}
	a.nulls = make([]int64, len(a.feats))
	a.mask = make([][]bool, len(a.feats))
	for _, d := range a.dims {
		skip := make([]bool, len(a.feats))
		for f, name := range a.names {
			skip[f] = name == d.Name
		}
		a.skip = append(a.skip, skip)
		a.tables = append(a.tables, newTable[missValue]())
	}
	for _, t := range env.Config.NullValues {
		a.tokens[strings.TrimSpace(t)] = true
	}
	return a
}

// isNull is the pipeline's null rule: a null, a value empty after trimming,
// or a null_values token (compared after trimming).
func (a *missingness) isNull(s string, ok bool) bool {
	if !ok {
		return true
	}
	t := strings.TrimSpace(s)
	return t == "" || a.tokens[t]
}

func (a *missingness) Add(b *audit.Batch) {
	for f, c := range a.feats {
		vals := audit.ValuesOf(b.Columns[c])
		m := a.mask[f][:0]
		for i := 0; i < b.Rows; i++ {
			null := a.isNull(vals.Get(i))
			m = append(m, null)
			if null {
				a.nulls[f]++
			}
		}
		a.mask[f] = m
	}
	for d, dim := range a.dims {
		t := a.tables[d]
		for i := 0; i < b.Rows; i++ {
			v := lookup(t, dim, b, i, &a.buf, func() *missValue { return &missValue{nulls: make([]int64, len(a.feats))} })
			if v == nil {
				continue
			}
			v.rows++
			for f := range a.feats {
				if !a.mask[f][i] || a.skip[d][f] {
					continue
				}
				v.nulls[f]++
				key := missCell{f, d, b.Segments[d][i]}
				s, ok := a.first[key]
				if !ok {
					if len(a.first) > maxSampledCells {
						continue
					}
					key.value = strings.Clone(key.value)
					s = audit.NewRowSample(examplesPerValue)
					a.first[key] = s
				}
				if pos := b.Pos(i); !s.Full(pos) {
					s.Offer(pos, b.Ref(i))
				}
			}
		}
	}
}

func (a *missingness) Merge(other audit.Accumulator) {
	o := other.(*missingness)
	for f := range a.nulls {
		a.nulls[f] += o.nulls[f]
	}
	for d := range a.dims {
		a.tables[d].merge(o.tables[d], (*missValue).merge)
	}
	for k, s := range o.first {
		if cur, ok := a.first[k]; ok {
			cur.Merge(s)
		} else {
			a.first[k] = s
		}
	}
}

// missFlag is one flagged cell.
type missFlag struct {
	feat, dim      int
	value          string
	rows, nulls    int64
	rate, restRate float64
}

func (a *missingness) Result(s *audit.Summary) audit.CheckResult {
	if len(a.dims) == 0 {
		return audit.CheckResult{Status: audit.Skip, Summary: "No segment columns are configured (segments), so there is nothing to compare."}
	}
	checkable := false
	for d := range a.dims {
		for f := range a.feats {
			checkable = checkable || !a.skip[d][f]
		}
	}
	if !checkable {
		return audit.CheckResult{Status: audit.Skip, Summary: "There is no feature column besides the segment columns, so no field can be filled differently per segment."}
	}
	minRows, warn := a.env.Params["min_rows"], a.env.Params["warn"]

	var flags []missFlag
	var checked int64
	var overflowed, notes []string
	rates := map[string]any{}
	for d, dim := range a.dims {
		t := a.tables[d]
		if t.overflow {
			overflowed = append(overflowed, dim.Name)
			continue
		}
		values, folded := t.folded(func(v *missValue) float64 { return float64(v.rows) }, (*missValue).merge,
			func() *missValue { return &missValue{nulls: make([]int64, len(a.feats))} })
		if folded > 0 {
			hint := "group rare values"
			if looksNumeric(values) {
				hint = "it looks numeric: bucket it into ranges"
			}
			notes = append(notes, fmt.Sprintf("column %s has %d values beyond the %d most frequent, folded into %s (%s)", dim.Name, folded, maxValues, OtherValue, hint))
		}
		var total int64
		totalNulls := make([]int64, len(a.feats))
		for _, v := range values {
			total += v.rows
			for f := range a.feats {
				if f < len(v.nulls) {
					totalNulls[f] += v.nulls[f]
				}
			}
		}
		for f, name := range a.names {
			if a.skip[d][f] || totalNulls[f] == 0 {
				continue
			}
			perValue := map[string]any{}
			for _, val := range keysOf(values) {
				v := values[val]
				var nulls int64
				if f < len(v.nulls) {
					nulls = v.nulls[f]
				}
				perValue[val] = audit.Ratio(nulls, v.rows)
				restRows, restNulls := total-v.rows, totalNulls[f]-nulls
				if v.rows == 0 || restRows == 0 || float64(v.rows) < minRows || float64(restRows) < minRows {
					continue
				}
				checked++
				// |n/r − N/R| = |n·R − N·r| / (r·R): one rounding, so a
				// difference of exactly warn is not lost to float error.
				diff := math.Abs(float64(nulls)*float64(restRows)-float64(restNulls)*float64(v.rows)) / (float64(v.rows) * float64(restRows))
				if diff >= warn {
					flags = append(flags, missFlag{feat: f, dim: d, value: val, rows: v.rows, nulls: nulls,
						rate: audit.Ratio(nulls, v.rows), restRate: audit.Ratio(restNulls, restRows)})
				}
			}
			byFeat, ok := rates[name].(map[string]any)
			if !ok {
				byFeat = map[string]any{}
				rates[name] = byFeat
			}
			byFeat[dim.Name] = perValue
		}
		// Count the cells of features without nulls too: they were checked.
		for f := range a.names {
			if a.skip[d][f] || totalNulls[f] != 0 {
				continue
			}
			for _, v := range values {
				if v.rows > 0 && total > v.rows && float64(v.rows) >= minRows && float64(total-v.rows) >= minRows {
					checked++
				}
			}
		}
	}
	sort.Slice(flags, func(i, j int) bool {
		x, y := flags[i], flags[j]
		if a.names[x.feat] != a.names[y.feat] {
			return a.names[x.feat] < a.names[y.feat]
		}
		if a.dims[x.dim].Name != a.dims[y.dim].Name {
			return a.dims[x.dim].Name < a.dims[y.dim].Name
		}
		return x.value < y.value
	})
	flagged := []any{}
	for _, fl := range flags {
		flagged = append(flagged, map[string]any{"column": a.names[fl.feat], "segment": a.dims[fl.dim].Name, "value": fl.value,
			"rows": fl.rows, "nulls": fl.nulls, "rate": fl.rate, "rest_rate": fl.restRate})
	}
	nulls := map[string]any{}
	for f, name := range a.names {
		nulls[name] = a.nulls[f]
	}
	r := audit.CheckResult{Metrics: map[string]any{
		"flagged":       flagged,
		"null_rates":    rates,
		"nulls":         nulls,
		"cells_checked": checked,
	}}
	var parts []string
	if len(flags) > 0 {
		fl := flags[0]
		parts = append(parts, fmt.Sprintf("%s a null rate %g or more points away from the rest of the column (first: %s is null in %.1f%% of %s %q rows, %.1f%% elsewhere)",
			audit.Plural(int64(len(flags)), "segment value has", "segment values have"), 100*warn, a.names[fl.feat], 100*fl.rate, a.dims[fl.dim].Name, fl.value, 100*fl.restRate))
	}
	if len(overflowed) > 0 {
		parts = append(parts, fmt.Sprintf("%s more than %d distinct values and could not be analysed: bucket or group it", columnsNoun(overflowed), maxTracked))
	}
	if len(parts) > 0 {
		r.Status = audit.Warn
		r.Summary = sentence(strings.Join(append(parts, notes...), "; ")) + "."
	} else {
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("Every field is filled alike across segment values: no null rate differs from the rest of its column by %g points or more (%d cells checked)", 100*warn, checked)
		if len(notes) > 0 {
			r.Summary += "; " + strings.Join(notes, "; ")
		}
		r.Summary += "."
	}
	sampled := len(a.first) <= maxSampledCells
	for _, fl := range flags {
		ex := audit.Example{Title: "field filled differently in a segment", Values: map[string]any{
			"column": a.names[fl.feat], "segment": a.dims[fl.dim].Name, "value": fl.value,
			"rows": fl.rows, "nulls": fl.nulls, "rate": fl.rate, "rest_rate": fl.restRate}}
		if sample := a.first[missCell{fl.feat, fl.dim, fl.value}]; sampled && sample != nil {
			ex.Rows = sample.Rows()
		}
		r.Examples = append(r.Examples, ex)
	}
	r.ExamplesTotal = int64(len(r.Examples))
	return r
}
