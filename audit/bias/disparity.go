package bias

import (
	"fmt"
	"strings"

	"dataready/audit"
	"dataready/audit/norm"
	"dataready/audit/stats"
)

// LabelDisparity is the spec of bias.label_disparity.
var LabelDisparity = audit.Spec{
	ID:     "bias.label_disparity",
	Family: "bias",
	Title:  "Label disparity across segments",
	Explain: "Shows whether the label is distributed differently across segment values: per segment column a chi-square " +
		"test of independence with the bias-corrected Cramér's V (the strength of the association, 0 none to 1 " +
		"complete), and for a two-class label (or a configured positive_class) the positive rate of every value with " +
		"its 95% Wilson interval and the ratio of the lowest to the highest rate (the four-fifths rule compares it with " +
		"0.8). What it means: a model trained on this data will learn the difference, and its errors may differ by " +
		"segment; reviewers should know before the pilot. What it does not mean: a disparity is not proof of a data " +
		"defect or of unfairness — the groups may really differ (base rates), or the labels may be biased; the data " +
		"alone cannot tell which. Fix, when it is a defect: check how each segment was sampled and labeled (different " +
		"annotators, time periods or sources per segment), and relabel or resample; otherwise document the " +
		"difference and evaluate the model per segment.",
	Metrics: []audit.MetricDoc{
		{Name: "positive_class", Doc: "the class whose rate is compared: positive_class, or the minority class of a two-class label; empty when there is none"},
		{Name: "overall", Doc: "labeled rows per class of train (of every split when there is no train split)"},
		{Name: "by_column", Doc: "per segment column: counts (rows per value and class), chi_square, dof, p_value, cramers_v, rates (per value: rows, positives, rate, low, high), compared_values, min_max_ratio, lowest_value, highest_value, intervals_overlap, folded_values, overflow"},
		{Name: "min_max_ratio", Doc: "smallest min_max_ratio over the columns (1 when no column compares rates)"},
		{Name: "max_cramers_v", Doc: "largest cramers_v over the columns"},
	},
	Params: []audit.Param{
		{Name: "min_rows", Default: 30, Doc: "labeled rows a value needs to enter the chi-square test and the rate comparison"},
		{Name: "warn", Default: 0.8, Doc: "warn when min_max_ratio is below this and the Wilson intervals of the lowest and highest rates do not overlap (the four-fifths rule)"},
		{Name: "warn_cramers_v", Default: 0.3, Doc: "warn when cramers_v is at least this and p_value is below alpha"},
		{Name: "alpha", Default: 0.01, Doc: "significance level of the chi-square test"},
	},
	New: newDisparity,
}

// wilsonLevel is the confidence level of the rate intervals.
const wilsonLevel = 0.95

// disparity is the accumulator of bias.label_disparity.
type disparity struct {
	env    *audit.Env
	dims   []dimension
	tables []*table[dispValue]
	// train and rest count labeled rows per class: of the train split, and
	// of every other split.
	train, rest map[string]int64
	roles       splitRoles
	buf         []byte
}

// dispValue counts one value's labeled rows per class, in train and in
// the other splits, with the first rows of each for examples.
type dispValue struct {
	train, rest           map[string]int64
	trainFirst, restFirst *audit.RowSample
}

func newDispValue() *dispValue {
	return &dispValue{train: map[string]int64{}, rest: map[string]int64{}}
}

func (v *dispValue) merge(o *dispValue) {
	for c, n := range o.train {
		v.train[c] += n
	}
	for c, n := range o.rest {
		v.rest[c] += n
	}
	v.trainFirst = mergeSample(v.trainFirst, o.trainFirst)
	v.restFirst = mergeSample(v.restFirst, o.restFirst)
}

func mergeSample(a, b *audit.RowSample) *audit.RowSample {
	switch {
	case a == nil:
		return b
	case b != nil:
		a.Merge(b)
	}
	return a
}

func offerOne(s *audit.RowSample, b *audit.Batch, i int) *audit.RowSample {
	if s == nil {
		s = audit.NewRowSample(examplesPerValue)
	}
	if pos := b.Pos(i); !s.Full(pos) {
		s.Offer(pos, b.Ref(i))
	}
	return s
}

func newDisparity(env *audit.Env) audit.Accumulator {
	a := &disparity{env: env, train: map[string]int64{}, rest: map[string]int64{}}
	a.dims, _ = dimensions(env, false)
	for range a.dims {
		a.tables = append(a.tables, newTable[dispValue]())
	}
	return a
}

func (a *disparity) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] >= 0 {
			continue
		}
		if a.roles.of(b, b.Split[i]) == audit.RoleTrain {
			a.train[b.Class[i]]++
		} else {
			a.rest[b.Class[i]]++
		}
	}
	for d, dim := range a.dims {
		t := a.tables[d]
		for i := 0; i < b.Rows; i++ {
			if b.Missing[i] >= 0 {
				continue
			}
			v := lookup(t, dim, b, i, &a.buf, newDispValue)
			if v == nil {
				continue
			}
			sample := len(t.m) <= maxSampledValues
			if a.roles.of(b, b.Split[i]) == audit.RoleTrain {
				v.train[b.Class[i]]++
				if sample {
					v.trainFirst = offerOne(v.trainFirst, b, i)
				}
			} else {
				v.rest[b.Class[i]]++
				if sample {
					v.restFirst = offerOne(v.restFirst, b, i)
				}
			}
		}
	}
}

func (a *disparity) Merge(other audit.Accumulator) {
	o := other.(*disparity)
	for c, n := range o.train {
		a.train[c] += n
	}
	for c, n := range o.rest {
		a.rest[c] += n
	}
	for d := range a.dims {
		a.tables[d].merge(o.tables[d], (*dispValue).merge)
	}
}

// rateOf is one value's positive rate.
type rateOf struct {
	value           string
	rows, positives int64
	rate, low, high float64
}

// dispColumn is what Result works out for one segment column.
type dispColumn struct {
	name            string
	over            bool
	folded          int
	numeric         bool
	test            stats.Independence
	compared        int
	ratio           float64
	lowest, highest *rateOf
	overlap         bool
	byRatio, byV    bool
	values          map[string]*dispValue
}

func (a *disparity) Result(s *audit.Summary) audit.CheckResult {
	if len(a.dims) == 0 {
		return audit.CheckResult{Status: audit.Skip, Summary: "No segment columns are configured (segments), so there is nothing to compare."}
	}
	sv := viewSplits(s)
	base, useTrain := "train", sv.train >= 0
	overall := a.train
	if !useTrain {
		base, overall = "the labeled data", map[string]int64{}
		for c, n := range a.rest {
			overall[c] += n
		}
	}
	classes := sortedKeys(overall)
	if len(classes) < 2 {
		return audit.CheckResult{Status: audit.Skip, Summary: fmt.Sprintf("%s has %s, so no label distribution can differ across segments.", sentence(base), audit.Plural(int64(len(classes)), "class", "classes"))}
	}
	minRows := a.env.Params["min_rows"]
	warn, warnV, alpha := a.env.Params["warn"], a.env.Params["warn_cramers_v"], a.env.Params["alpha"]

	positive, positiveNote := "", ""
	switch {
	case s.Config.PositiveClass != "":
		positive = norm.String(s.Config.PositiveClass)
		if overall[positive] == 0 {
			positiveNote = fmt.Sprintf("positive_class %q has no labeled row in %s (classes: %s)", positive, base, list(classes))
		}
	case len(classes) == 2:
		positive = classes[0]
		if overall[classes[1]] < overall[positive] {
			positive = classes[1]
		}
	}
	counts := func(v *dispValue) map[string]int64 {
		if useTrain {
			return v.train
		}
		m := map[string]int64{}
		for c, n := range v.rest {
			m[c] += n
		}
		for c, n := range v.train {
			m[c] += n
		}
		return m
	}
	first := func(v *dispValue) []audit.RowRef {
		sample := v.trainFirst
		if !useTrain {
			sample = mergeSample(v.restFirst, v.trainFirst)
		}
		if sample == nil {
			return nil
		}
		return sample.Rows()
	}

	var cols []dispColumn
	byColumn := map[string]any{}
	minRatio, maxV := 1.0, 0.0
	for d, dim := range a.dims {
		c := dispColumn{name: dim.Name, ratio: 1}
		col := map[string]any{}
		t := a.tables[d]
		if t.overflow {
			c.over = true
			c.values = map[string]*dispValue{}
		} else {
			c.values, c.folded = t.folded(func(v *dispValue) float64 { return float64(sum(counts(v))) }, (*dispValue).merge, newDispValue)
			c.numeric = c.folded > 0 && looksNumeric(c.values)
		}
		countTable := map[string]any{}
		rates := map[string]any{}
		var table [][]int64
		var compared []*rateOf
		for _, name := range keysOf(c.values) {
			cc := counts(c.values[name])
			n := sum(cc)
			if n == 0 {
				continue
			}
			m := map[string]any{}
			for cl, k := range cc {
				if k > 0 {
					m[cl] = k
				}
			}
			countTable[name] = m
			if float64(n) >= minRows {
				row := make([]int64, len(classes))
				for j, cl := range classes {
					row[j] = cc[cl]
				}
				table = append(table, row)
			}
			if positive == "" {
				continue
			}
			ro := &rateOf{value: name, rows: n, positives: cc[positive]}
			ro.rate = audit.Ratio(ro.positives, n)
			ro.low, ro.high = stats.Wilson(ro.positives, n, wilsonLevel)
			rates[name] = map[string]any{"rows": n, "positives": ro.positives, "rate": ro.rate, "low": ro.low, "high": ro.high}
			if float64(n) >= minRows {
				compared = append(compared, ro)
			}
		}
		c.test = stats.ChiSquare(table)
		c.compared = len(compared)
		for _, ro := range compared {
			if c.lowest == nil || ro.rate < c.lowest.rate || ro.rate == c.lowest.rate && ro.rows > c.lowest.rows {
				c.lowest = ro
			}
			if c.highest == nil || ro.rate > c.highest.rate || ro.rate == c.highest.rate && ro.rows > c.highest.rows {
				c.highest = ro
			}
		}
		lowName, highName := "", ""
		c.overlap = true
		if len(compared) >= 2 {
			lowName, highName = c.lowest.value, c.highest.value
			if c.highest.positives > 0 {
				// (kₗ/nₗ)/(kₕ/nₕ) as one division, so that an exact 4/5 stays 0.8.
				c.ratio = float64(c.lowest.positives) * float64(c.highest.rows) / (float64(c.lowest.rows) * float64(c.highest.positives))
			}
			c.overlap = c.lowest.high >= c.highest.low
		}
		c.byRatio = c.ratio < warn && !c.overlap
		c.byV = c.test.VCorrected >= warnV && c.test.P < alpha
		col["counts"] = countTable
		col["chi_square"] = c.test.Stat
		col["dof"] = int64(c.test.DoF)
		col["p_value"] = c.test.P
		col["cramers_v"] = c.test.VCorrected
		col["rates"] = rates
		col["compared_values"] = int64(c.compared)
		col["min_max_ratio"] = c.ratio
		col["lowest_value"] = lowName
		col["highest_value"] = highName
		col["intervals_overlap"] = c.overlap
		col["folded_values"] = int64(c.folded)
		col["overflow"] = c.over
		byColumn[dim.Name] = col
		minRatio = min(minRatio, c.ratio)
		maxV = max(maxV, c.test.VCorrected)
		cols = append(cols, c)
	}
	overallAny := map[string]any{}
	for c, n := range overall {
		overallAny[c] = n
	}
	r := audit.CheckResult{Metrics: map[string]any{
		"positive_class": positive,
		"overall":        overallAny,
		"by_column":      byColumn,
		"min_max_ratio":  minRatio,
		"max_cramers_v":  maxV,
	}}

	var findings, notes []string
	for _, c := range cols {
		if c.byRatio {
			findings = append(findings, fmt.Sprintf("in %s the %q rate of %q (%.1f%%, 95%% CI %.1f–%.1f%%) is %.2f times that of %q (%.1f%%, %.1f–%.1f%%)",
				c.name, positive, c.lowest.value, 100*c.lowest.rate, 100*c.lowest.low, 100*c.lowest.high, c.ratio,
				c.highest.value, 100*c.highest.rate, 100*c.highest.low, 100*c.highest.high))
		}
		if c.byV {
			findings = append(findings, fmt.Sprintf("the class distribution depends on %s (Cramér's V %.2f, p %s)", c.name, c.test.VCorrected, pValue(c.test.P)))
		}
		if c.over {
			findings = append(findings, fmt.Sprintf("column %s has more than %d distinct values and could not be analysed: bucket or group it", c.name, maxTracked))
		}
		if c.folded > 0 {
			hint := "group rare values"
			if c.numeric {
				hint = "it looks numeric: bucket it into ranges"
			}
			notes = append(notes, fmt.Sprintf("column %s has %d values beyond the %d most frequent, folded into %s (%s)", c.name, c.folded, maxValues, OtherValue, hint))
		}
	}
	if positiveNote != "" {
		notes = append(notes, positiveNote)
	}
	if len(findings) > 0 {
		r.Status = audit.Warn
		r.Summary = sentence(strings.Join(append(findings, notes...), "; ")) + "."
	} else {
		r.Status = audit.Pass
		what := fmt.Sprintf("the lowest %q rate is %.2f of the highest (or the intervals overlap)", positive, minRatio)
		if positive == "" {
			what = "no positive class is compared (set positive_class for a label with more than two classes)"
		}
		r.Summary = fmt.Sprintf("No segment column shows a clear label disparity in %s: the largest Cramér's V is %.2f and %s", base, maxV, what)
		if len(notes) > 0 {
			r.Summary += "; " + strings.Join(notes, "; ")
		}
		r.Summary += "."
	}

	// Examples: for every column that warns, its lowest and highest rates
	// with their first rows, or the association.
	for d, c := range cols {
		sampled := !c.over && len(a.tables[d].m) <= maxSampledValues
		if c.byRatio {
			for _, x := range []struct {
				title string
				ro    *rateOf
			}{{"lowest positive rate", c.lowest}, {"highest positive rate", c.highest}} {
				ex := audit.Example{Title: x.title, Values: map[string]any{
					"column": c.name, "value": x.ro.value, "class": positive, "rows": x.ro.rows, "positives": x.ro.positives,
					"rate": x.ro.rate, "low": x.ro.low, "high": x.ro.high}}
				if sampled {
					ex.Rows = first(c.values[x.ro.value])
				}
				r.Examples = append(r.Examples, ex)
			}
		}
		if c.byV {
			r.Examples = append(r.Examples, audit.Example{Title: "class distribution depends on the segment", Values: map[string]any{
				"column": c.name, "chi_square": c.test.Stat, "dof": int64(c.test.DoF), "p_value": c.test.P, "cramers_v": c.test.VCorrected}})
		}
	}
	r.ExamplesTotal = int64(len(r.Examples))
	return r
}

func sum(m map[string]int64) int64 {
	var t int64
	for _, n := range m {
		t += n
	}
	return t
}

// pValue formats a p-value for a sentence.
func pValue(p float64) string {
	if p < 0.0001 {
		return "< 0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}
