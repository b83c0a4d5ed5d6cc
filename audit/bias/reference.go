package bias

import (
	"fmt"
	"math"
	"strings"

	"dataready/audit"
	"dataready/audit/norm"
	"dataready/audit/stats"
)

// ReferenceCoverage is the spec of bias.reference_coverage.
var ReferenceCoverage = audit.Spec{
	ID:     "bias.reference_coverage",
	Family: "bias",
	Title:  "Coverage of the production stream",
	Explain: "The labeled data should look like the traffic the model will meet. This check compares the share of each " +
		"segment value in train with its share in a sample of production rows (--reference: unlabeled rows, only " +
		"the segment columns are read) or with the shares you expect (segments.<column>.expected in audit.yaml). " +
		"A value that is common in production but absent from train is a blind spot; a large population stability " +
		"index (PSI) means train over- and under-represents groups, so its accuracy will not carry over. " +
		"Fix: sample or label more training data from the under-represented values, or reweight; check that the " +
		"reference really is recent production traffic.",
	Metrics: []audit.MetricDoc{
		{Name: "source", Doc: "what train is compared with: reference (--reference rows) or expected (configured shares)"},
		{Name: "reference_rows", Doc: "rows read from the reference inputs (0 with expected shares)"},
		{Name: "by_column", Doc: "per compared segment column: values (train_rows, train_share, reference_rows, reference_share), missing_from_train, missing_share, psi, js_divergence, folded_values, overflow"},
		{Name: "missing_values", Doc: "(column, value) pairs with at least min_reference_share of the reference and no train row"},
		{Name: "max_psi", Doc: "largest psi over the compared columns"},
	},
	Params: []audit.Param{
		{Name: "warn", Default: 0.1, Doc: "warn when a column's psi is at least this"},
		{Name: "fail", Default: 0.25, Doc: "fail when a column's psi is at least this"},
		{Name: "min_reference_share", Default: 0.01, Doc: "a value with at least this share of the reference and no train row is missing from train (and warns)"},
		{Name: "fail_missing_share", Default: 0.05, Doc: "fail when the values missing from train make up at least this share of the reference"},
	},
	New: newRefCoverage,
}

// refCoverage is the accumulator of bias.reference_coverage: rows per
// split for every value of every segment column.
type refCoverage struct {
	env    *audit.Env
	dims   []dimension
	tables []*table[splitCounts]
	totals []splitCounts
	buf    []byte
}

func newRefCoverage(env *audit.Env) audit.Accumulator {
	a := &refCoverage{env: env}
	a.dims, _ = dimensions(env, false)
	for range a.dims {
		a.tables = append(a.tables, newTable[splitCounts]())
		a.totals = append(a.totals, nil)
	}
	return a
}

func newSplitCounts() *splitCounts { return new(splitCounts) }

func (a *refCoverage) Add(b *audit.Batch) {
	for d, dim := range a.dims {
		t := a.tables[d]
		for i := 0; i < b.Rows; i++ {
			a.totals[d].add(b.Split[i], 1)
			if c := lookup(t, dim, b, i, &a.buf, newSplitCounts); c != nil {
				c.add(b.Split[i], 1)
			}
		}
	}
}

func (a *refCoverage) Merge(other audit.Accumulator) {
	o := other.(*refCoverage)
	for d := range a.dims {
		a.tables[d].merge(o.tables[d], func(dst, src *splitCounts) { dst.merge(*src) })
		a.totals[d].merge(o.totals[d])
	}
}

// refPair holds one value's counts (or shares) in train and the reference.
type refPair struct{ train, ref float64 }

func (p *refPair) merge(o *refPair) { p.train += o.train; p.ref += o.ref }

func (a *refCoverage) Result(s *audit.Summary) audit.CheckResult {
	ref := a.env.Reference
	expected := s.Config.SegmentExpected
	source := "reference"
	switch {
	case ref == nil && len(expected) == 0:
		return audit.CheckResult{Status: audit.Skip, Summary: "No reference is configured (--reference production rows, or segments.<column>.expected shares), so there is nothing to compare train with."}
	case ref == nil:
		source = "expected"
	}
	if len(a.dims) == 0 {
		return audit.CheckResult{Status: audit.Skip, Summary: "No segment columns are configured (segments), so there is nothing to compare."}
	}
	sv := viewSplits(s)
	noun := "the reference"
	if source == "expected" {
		noun = "the expected shares"
	}
	base := "train"
	inBase := func(i int) bool { return i == sv.train }
	if sv.train < 0 {
		base = "the data"
		inBase = func(int) bool { return true }
	}
	warn, fail := a.env.Params["warn"], a.env.Params["fail"]
	minShare, failMissing := a.env.Params["min_reference_share"], a.env.Params["fail_missing_share"]

	type colResult struct {
		name         string
		missing      []string
		missingShare float64
		psi, js      float64
		over         bool
		folded       int
		numeric      bool
		top          string // value with the largest share difference
		pairs        map[string]*refPair
	}
	var cols []colResult
	byColumn := map[string]any{}
	var missingN int64
	maxPSI := 0.0
	for d, dim := range a.dims {
		var exp map[string]float64
		if source == "expected" {
			var ok bool
			if exp, ok = expected[dim.Name]; !ok {
				continue
			}
		}
		c := colResult{name: dim.Name}
		col := map[string]any{}
		var baseRows int64
		for i := range a.totals[d] {
			if inBase(i) {
				baseRows += a.totals[d][i]
			}
		}
		t := a.tables[d]
		if t.overflow {
			c.over = true
			col["overflow"] = true
			col["folded_values"] = int64(0)
			col["values"] = map[string]any{}
			col["missing_from_train"] = []string{}
			col["missing_share"] = 0.0
			col["psi"] = 0.0
			col["js_divergence"] = 0.0
			byColumn[dim.Name] = col
			cols = append(cols, c)
			continue
		}
		trainRows := map[string]int64{}
		for v, counts := range t.m {
			var n int64
			for i, k := range *counts {
				if inBase(i) {
					n += k
				}
			}
			if n > 0 {
				trainRows[v] = n
			}
		}
		var refRows map[string]int64
		var refTotal int64
		pairs := &table[refPair]{m: map[string]*refPair{}}
		for v, n := range trainRows {
			pairs.m[v] = &refPair{train: float64(n)}
		}
		if source == "reference" {
			refRows = ref.Values[dim.Name]
			for _, n := range refRows {
				refTotal += n
			}
			for v, n := range refRows {
				if n <= 0 {
					continue
				}
				p := pairs.m[v]
				if p == nil {
					p = &refPair{}
					pairs.m[v] = p
				}
				p.ref = float64(n)
			}
			// Fold by the sum of the two shares, so that each side weighs alike.
			weight := func(p *refPair) float64 {
				return ratioF(p.train, float64(baseRows)) + ratioF(p.ref, float64(refTotal))
			}
			c.pairs, c.folded = pairs.folded(weight, (*refPair).merge, func() *refPair { return &refPair{} })
			c.numeric = c.folded > 0 && looksNumeric(c.pairs)
		} else {
			c.pairs = expectedPairs(exp, trainRows)
		}

		trainShare, refShare := map[string]float64{}, map[string]float64{}
		values := map[string]any{}
		refSum := sumRef(c.pairs)
		for v, p := range c.pairs {
			ts, rs := ratioF(p.train, float64(baseRows)), ratioF(p.ref, refSum)
			trainShare[v], refShare[v] = ts, rs
			refN := int64(0)
			if source == "reference" {
				refN = int64(p.ref)
			}
			values[v] = map[string]any{"train_rows": int64(p.train), "train_share": ts, "reference_rows": refN, "reference_share": rs}
		}
		diff := -1.0
		for _, v := range keysOf(c.pairs) {
			if c.pairs[v].train == 0 && refShare[v] >= minShare && refShare[v] > 0 {
				c.missing = append(c.missing, v)
				c.missingShare += refShare[v]
			}
			if dd := math.Abs(trainShare[v] - refShare[v]); dd > diff {
				diff, c.top = dd, v
			}
		}
		c.psi = stats.PSI(refShare, trainShare)
		c.js = stats.JSDivergence(refShare, trainShare)
		col["overflow"] = false
		col["folded_values"] = int64(c.folded)
		col["values"] = values
		col["missing_from_train"] = nonNilStrings(c.missing)
		col["missing_share"] = min(c.missingShare, 1)
		col["psi"] = c.psi
		col["js_divergence"] = c.js
		byColumn[dim.Name] = col
		missingN += int64(len(c.missing))
		maxPSI = max(maxPSI, c.psi)
		cols = append(cols, c)
	}
	refRows := int64(0)
	if ref != nil {
		refRows = ref.Rows
	}
	r := audit.CheckResult{Metrics: map[string]any{
		"source":         source,
		"reference_rows": refRows,
		"by_column":      byColumn,
		"missing_values": missingN,
		"max_psi":        maxPSI,
	}}
	if len(cols) == 0 {
		r.Status = audit.Skip
		r.Summary = "No segment column has expected shares (segments.<column>.expected), so there is nothing to compare."
		r.Metrics = nil
		return r
	}

	var failing, warning, notes []string
	for _, c := range cols {
		switch {
		case c.over:
			warning = append(warning, fmt.Sprintf("column %s has more than %d distinct values and could not be compared: bucket or group it", c.name, maxTracked))
			continue
		case c.missingShare >= failMissing:
			failing = append(failing, fmt.Sprintf("values making up %.1f%% of %s are missing from %s in %s (%s)", 100*c.missingShare, noun, base, c.name, list(c.missing)))
		case len(c.missing) > 0:
			warning = append(warning, fmt.Sprintf("values making up %.1f%% of %s are missing from %s in %s (%s)", 100*c.missingShare, noun, base, c.name, list(c.missing)))
		}
		switch {
		case c.psi >= fail:
			failing = append(failing, fmt.Sprintf("%s has PSI %.2f against %s (fail at %g)", c.name, c.psi, noun, fail))
		case c.psi >= warn:
			warning = append(warning, fmt.Sprintf("%s has PSI %.2f against %s (warn at %g)", c.name, c.psi, noun, warn))
		}
		if c.folded > 0 {
			hint := "group rare values"
			if c.numeric {
				hint = "it looks numeric: bucket it into ranges"
			}
			notes = append(notes, fmt.Sprintf("column %s has %d values beyond the %d most frequent, folded into %s (%s)", c.name, c.folded, maxValues, OtherValue, hint))
		}
	}
	switch {
	case len(failing) > 0:
		r.Status = audit.Fail
		r.Summary = sentence(strings.Join(append(append(failing, warning...), notes...), "; ")) + "."
	case len(warning) > 0:
		r.Status = audit.Warn
		r.Summary = sentence(strings.Join(append(warning, notes...), "; ")) + "."
	default:
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("The segment shares of %s match %s: the largest PSI is %.3f and no value with at least %g%% of it is missing.", base, noun, maxPSI, 100*minShare)
		if len(notes) > 0 {
			r.Summary = strings.TrimSuffix(r.Summary, ".") + "; " + strings.Join(notes, "; ") + "."
		}
	}

	// Examples: the missing values, then the columns that shifted most. The
	// reference rows are counts only, so examples carry no rows.
	for _, c := range cols {
		for _, v := range c.missing {
			p := c.pairs[v]
			ex := audit.Example{Title: "value of " + noun + " missing from " + base, Values: map[string]any{
				"column": c.name, "value": v, "reference_share": ratioF(p.ref, sumRef(c.pairs)), "train_rows": int64(0)}}
			if source == "reference" {
				ex.Values["reference_rows"] = int64(p.ref)
			}
			r.Examples = append(r.Examples, ex)
		}
	}
	for _, c := range cols {
		if c.over || c.psi < warn {
			continue
		}
		p := c.pairs[c.top]
		r.Examples = append(r.Examples, audit.Example{Title: "segment shares differ from " + noun, Values: map[string]any{
			"column": c.name, "psi": c.psi, "js_divergence": c.js, "value": c.top,
			"train_share": ratioF(p.train, sumTrain(c.pairs)), "reference_share": ratioF(p.ref, sumRef(c.pairs))}})
	}
	r.ExamplesTotal = int64(len(r.Examples))
	return r
}

// expectedPairs turns configured shares into reference weights beside the
// train rows. Keys are compared after norm. Shares summing to more than 1
// are divided by their sum; when they sum to less, the remainder is the
// expected share of every value not listed, pooled with the train rows of
// unlisted values under OtherValue.
func expectedPairs(exp map[string]float64, trainRows map[string]int64) map[string]*refPair {
	pairs := map[string]*refPair{}
	var sum float64
	for _, k := range keysOf(exp) { // sorted: float sums must not depend on map order
		v := exp[k]
		name := norm.String(k)
		if name == "" {
			name = audit.MissingValue
		}
		p := pairs[name]
		if p == nil {
			p = &refPair{}
			pairs[name] = p
		}
		p.ref += v
		sum += v
	}
	if sum > 1 {
		for _, p := range pairs {
			p.ref /= sum
		}
		sum = 1
	}
	var other *refPair
	if rest := 1 - sum; rest > 1e-9 {
		other = &refPair{ref: rest}
	}
	for v, n := range trainRows {
		if p, ok := pairs[v]; ok {
			p.train += float64(n)
			continue
		}
		if other == nil {
			other = &refPair{}
		}
		other.train += float64(n)
	}
	if other != nil {
		if p, ok := pairs[OtherValue]; ok {
			p.merge(other)
		} else {
			pairs[OtherValue] = other
		}
	}
	return pairs
}

// sumRef and sumTrain add in key order, so that float sums do not depend
// on map order.
func sumRef(pairs map[string]*refPair) float64 {
	var s float64
	for _, k := range keysOf(pairs) {
		s += pairs[k].ref
	}
	return s
}

func sumTrain(pairs map[string]*refPair) float64 {
	var s float64
	for _, k := range keysOf(pairs) {
		s += pairs[k].train
	}
	return s
}

func ratioF(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}
