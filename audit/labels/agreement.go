package labels

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"dataready/audit"
	"dataready/audit/norm"
)

// Agreement is the spec of labels.agreement.
var Agreement = audit.Spec{
	ID:     "labels.agreement",
	Family: "labels",
	Title:  "Annotator agreement",
	Explain: "When several annotators label the same rows, their agreement bounds how good the labels, and so any " +
		"model and any measurement built on them, can be: if people disagree on a third of the rows, the ground " +
		"truth is a coin toss there. Krippendorff's alpha corrects the observed agreement for the agreement " +
		"expected by chance, handles any number of annotators and missing ratings, and is nominal for labels " +
		"(ordinal with labels.agreement_level: ordinal and labels.ordinal_order). Krippendorff's guidance: rely on " +
		"data with alpha ≥ 0.8, draw only tentative conclusions from 0.667 to 0.8, discard below. Annotator values " +
		"are read like labels: null tokens and empty values are missing, label_map applies, classes are " +
		"norm(value), and they are strings (\"1\" and \"1.0\" differ). Fix: look at the disagreeing items and the " +
		"classes with low agreement, sharpen the guideline for them, retrain or replace the annotators whose kappa " +
		"with the others is low, and adjudicate the disagreeing items before training.",
	Metrics: []audit.MetricDoc{
		{Name: "level", Doc: "measurement level of alpha: nominal or ordinal"},
		{Name: "annotators", Doc: "annotator columns"},
		{Name: "alpha", Doc: "Krippendorff's alpha over the items with two or more ratings"},
		{Name: "observed_agreement", Doc: "share of pairable values matched by a value of the same class (1 - nominal observed disagreement)"},
		{Name: "fleiss_kappa", Doc: "Fleiss' kappa over the items with fleiss_raters ratings"},
		{Name: "fleiss_items", Doc: "items Fleiss' kappa used (0 when it is undefined)"},
		{Name: "fleiss_raters", Doc: "ratings per item of the items Fleiss' kappa used: the most common count"},
		{Name: "cohen_kappa", Doc: "pairwise Cohen's kappa: annotator -> annotator -> kappa over the items both rated"},
		{Name: "cohen_items", Doc: "annotator -> annotator -> items both rated"},
		{Name: "per_class", Doc: "per class: values (pairable ratings of the class) and agreement (share of them matched by another rating of the class)"},
		{Name: "items", Doc: "rows with two or more ratings (the items alpha uses)"},
		{Name: "disagreeing_items", Doc: "items whose ratings are not all the same class"},
		{Name: "single_rating_items", Doc: "rows with exactly one rating: excluded from alpha"},
		{Name: "unrated_rows", Doc: "rows with no rating"},
		{Name: "unordered_ratings", Doc: "ordinal level only: ratings whose class is not in labels.ordinal_order (treated as missing)"},
		{Name: "label_majority_agreement", Doc: "share of label_majority_items whose label equals the annotators' majority class"},
		{Name: "label_majority_items", Doc: "labeled items whose ratings have a single most frequent class"},
		{Name: "majority_ties", Doc: "labeled items whose ratings tie for the most frequent class (not compared)"},
	},
	Params: []audit.Param{
		{Name: "fail", Default: 0.667, Doc: "fail when alpha is below this"},
		{Name: "warn", Default: 0.8, Doc: "warn when alpha is below this"},
	},
	New: newAgreement,
}

// Special rating indexes.
const (
	ratingMissing   = -1
	ratingUnordered = -2
)

// maxRatingCache bounds the per-worker cache of raw annotator values.
const maxRatingCache = 1 << 16

type (
	// coKey counts ordered pairs of values (c, k) in units with m values.
	coKey struct{ m, c, k int32 }
	// mClass counts ratings of class c in units with m values.
	mClass struct{ m, c int32 }
	// pairKey counts items annotator a rated c and annotator b rated k (a < b).
	pairKey struct {
		a, b int16
		c, k int32
	}
	annPair  struct{ a, b int16 }
	classNum struct {
		c int32
		n int64
	}
)

// agreeItem is an example item: the classes each annotator gave ("" when
// missing), the majority ("" on a tie) and the row.
type agreeItem struct {
	ratings  []string
	majority string
	disagree bool
	mismatch bool
	ref      audit.RowRef
}

// agreement accumulates counts only: coincidences, per-pair contingency
// tables and per-class totals, keyed by this worker's class indexes, which
// Merge maps by class name. Memory grows with classes and annotators, plus
// one bit per row that is flagged (see rowBits).
type agreement struct {
	env  *audit.Env
	skip string
	cols []int
	anns []string
	// rank orders the classes for the ordinal level; nil for nominal.
	rank   map[string]int
	reader *labelReader
	cache  map[string]int32

	classIdx   map[string]int32
	classNames []string

	coinc        map[coKey]int64
	values       map[int32]int64
	fleissItems  map[int32]int64
	fleissSq     map[int32]int64
	fleissTotals map[mClass]int64
	pairs        map[pairKey]int64
	pairItems    map[annPair]int64

	items, single, unrated, disagreeing, unordered int64
	majorityItems, majorityMatch, majorityTies     int64
	offending                                      int64

	sample     *audit.FirstRows[agreeItem]
	disagreeAt rowBits
	mismatchAt rowBits

	ratings []int32
	counts  []classNum
}

func newAgreement(env *audit.Env) audit.Accumulator {
	a := &agreement{
		env: env, cache: map[string]int32{}, classIdx: map[string]int32{},
		coinc: map[coKey]int64{}, values: map[int32]int64{}, fleissItems: map[int32]int64{}, fleissSq: map[int32]int64{},
		fleissTotals: map[mClass]int64{}, pairs: map[pairKey]int64{}, pairItems: map[annPair]int64{},
		sample: audit.NewFirstRows[agreeItem](env.Examples), disagreeAt: rowBits{}, mismatchAt: rowBits{},
	}
	cfg := env.Config
	for _, name := range env.Roles.Annotators {
		if slices.Contains(a.anns, name) {
			continue
		}
		a.anns = append(a.anns, name)
		a.cols = append(a.cols, env.Column(name))
	}
	switch {
	case len(a.anns) == 0:
		a.skip = "No annotator columns are configured (annotators in audit.yaml), so agreement cannot be measured."
	case len(a.anns) == 1:
		a.skip = fmt.Sprintf("Only one annotator column (%q) is configured: agreement needs at least two.", a.anns[0])
	case cfg.Labels.AgreementLevel == "ordinal" && len(cfg.Labels.OrdinalOrder) == 0:
		a.skip = "labels.agreement_level is ordinal but labels.ordinal_order is empty: the ordinal level needs the classes in order."
	}
	if cfg.Labels.AgreementLevel == "ordinal" {
		a.rank = map[string]int{}
		for _, c := range cfg.Labels.OrdinalOrder {
			c = norm.String(c)
			if _, dup := a.rank[c]; !dup && c != "" {
				a.rank[c] = len(a.rank)
			}
		}
	}
	a.reader = newLabelReader(cfg)
	a.ratings = make([]int32, len(a.cols))
	return a
}

func (a *agreement) level() string {
	if a.rank != nil {
		return "ordinal"
	}
	return "nominal"
}

// classIndex returns the worker-local index of a class, adding it.
func (a *agreement) classIndex(c string) int32 {
	if i, ok := a.classIdx[c]; ok {
		return i
	}
	i := int32(len(a.classNames))
	c = strings.Clone(c)
	a.classIdx[c] = i
	a.classNames = append(a.classNames, c)
	return i
}

// rate reads one annotator value: its class index, ratingMissing or
// ratingUnordered.
func (a *agreement) rate(raw string, valid bool) int32 {
	if !valid {
		return ratingMissing
	}
	if i, ok := a.cache[raw]; ok {
		return i
	}
	i := int32(ratingMissing)
	if c, ok := a.reader.class(raw); ok {
		if _, ranked := a.rank[c]; a.rank != nil && !ranked {
			i = ratingUnordered
		} else {
			i = a.classIndex(c)
		}
	}
	if len(a.cache) < maxRatingCache {
		a.cache[strings.Clone(raw)] = i
	}
	return i
}

func (a *agreement) Add(b *audit.Batch) {
	if a.skip != "" {
		return
	}
	vals := make([]audit.Values, len(a.cols))
	for j, c := range a.cols {
		vals[j] = audit.ValuesOf(b.Columns[c])
	}
	for i := 0; i < b.Rows; i++ {
		a.counts = a.counts[:0]
		var m int64
		for j := range vals {
			raw, ok := vals[j].Get(i)
			r := a.rate(raw, ok)
			a.ratings[j] = r
			if r < 0 {
				if r == ratingUnordered {
					a.unordered++
				}
				continue
			}
			m++
			found := false
			for x := range a.counts {
				if a.counts[x].c == r {
					a.counts[x].n++
					found = true
					break
				}
			}
			if !found {
				a.counts = append(a.counts, classNum{r, 1})
			}
		}
		switch m {
		case 0:
			a.unrated++
			continue
		case 1:
			a.single++
			continue
		}
		a.addItem(b, i, int32(m))
	}
}

// addItem counts one row with m ≥ 2 ratings (in a.ratings and a.counts).
func (a *agreement) addItem(b *audit.Batch, i int, m int32) {
	a.items++
	a.fleissItems[m]++
	var top int32 = -1
	var topN int64
	tie := false
	for _, x := range a.counts {
		a.values[x.c] += x.n
		a.fleissSq[m] += x.n * x.n
		a.fleissTotals[mClass{m, x.c}] += x.n
		for _, y := range a.counts {
			pairs := x.n * y.n
			if x.c == y.c {
				pairs = x.n * (x.n - 1)
			}
			if pairs > 0 {
				a.coinc[coKey{m, x.c, y.c}] += pairs
			}
		}
		switch {
		case x.n > topN:
			top, topN, tie = x.c, x.n, false
		case x.n == topN:
			tie = true
		}
	}
	for p := range a.ratings {
		if a.ratings[p] < 0 {
			continue
		}
		for q := p + 1; q < len(a.ratings); q++ {
			if a.ratings[q] < 0 {
				continue
			}
			a.pairs[pairKey{int16(p), int16(q), a.ratings[p], a.ratings[q]}]++
			a.pairItems[annPair{int16(p), int16(q)}]++
		}
	}
	disagree := len(a.counts) > 1
	mismatch := false
	if b.Missing[i] < 0 {
		if tie {
			a.majorityTies++
		} else {
			a.majorityItems++
			if a.classNames[top] == b.Class[i] {
				a.majorityMatch++
			} else {
				mismatch = true
			}
		}
	}
	if disagree {
		a.disagreeing++
	}
	if !disagree && !mismatch {
		return
	}
	a.offending++
	pos := b.Pos(i)
	if disagree {
		a.disagreeAt.set(pos)
	}
	if mismatch {
		a.mismatchAt.set(pos)
	}
	if a.sample.Full(pos) {
		return
	}
	item := agreeItem{ratings: make([]string, len(a.ratings)), disagree: disagree, mismatch: mismatch, ref: b.Ref(i)}
	for j, r := range a.ratings {
		if r >= 0 {
			item.ratings[j] = a.classNames[r]
		}
	}
	if !tie {
		item.majority = a.classNames[top]
	}
	a.sample.Offer(pos, item)
}

func (a *agreement) Merge(other audit.Accumulator) {
	o := other.(*agreement)
	if a.skip != "" {
		return
	}
	remap := make([]int32, len(o.classNames))
	for i, c := range o.classNames {
		remap[i] = a.classIndex(c)
	}
	for k, n := range o.coinc {
		a.coinc[coKey{k.m, remap[k.c], remap[k.k]}] += n
	}
	for c, n := range o.values {
		a.values[remap[c]] += n
	}
	for m, n := range o.fleissItems {
		a.fleissItems[m] += n
	}
	for m, n := range o.fleissSq {
		a.fleissSq[m] += n
	}
	for k, n := range o.fleissTotals {
		a.fleissTotals[mClass{k.m, remap[k.c]}] += n
	}
	for k, n := range o.pairs {
		a.pairs[pairKey{k.a, k.b, remap[k.c], remap[k.k]}] += n
	}
	for k, n := range o.pairItems {
		a.pairItems[k] += n
	}
	a.items += o.items
	a.single += o.single
	a.unrated += o.unrated
	a.disagreeing += o.disagreeing
	a.unordered += o.unordered
	a.majorityItems += o.majorityItems
	a.majorityMatch += o.majorityMatch
	a.majorityTies += o.majorityTies
	a.offending += o.offending
	a.sample.Merge(o.sample)
	a.disagreeAt.merge(o.disagreeAt)
	a.mismatchAt.merge(o.mismatchAt)
}

func (a *agreement) Result(*audit.Summary) audit.CheckResult {
	if a.skip != "" {
		return audit.CheckResult{Status: audit.Skip, Summary: a.skip}
	}
	if a.items == 0 {
		return audit.CheckResult{Status: audit.Skip, Summary: fmt.Sprintf(
			"No row has ratings from two or more of the %d annotators (%d rows have one rating, %d none), so agreement cannot be measured.",
			len(a.anns), a.single, a.unrated)}
	}

	// Dense class indexes: sorted names (nominal) or rank order (ordinal).
	var classes []string
	if a.rank != nil {
		classes = make([]string, len(a.rank))
		for c, r := range a.rank {
			classes[r] = c
		}
	} else {
		classes = slices.Clone(a.classNames)
		sort.Strings(classes)
	}
	dense := map[string]int{}
	for i, c := range classes {
		dense[c] = i
	}
	local := make([]int, len(a.classNames))
	for i, c := range a.classNames {
		local[i] = dense[c]
	}
	v := len(classes)

	var ms []int
	for m := range a.fleissItems {
		ms = append(ms, int(m))
	}
	sort.Ints(ms)
	byM := map[int][][]int64{}
	for _, m := range ms {
		byM[m] = newMatrix(v)
	}
	for k, n := range a.coinc {
		byM[int(k.m)][local[k.c]][local[k.k]] += n
	}
	o := coincidences(v, ms, func(m, c, k int) int64 { return byM[m][c][k] })
	delta := nominalDelta(v)
	if a.rank != nil {
		delta = ordinalDelta(marginals(o))
	}
	alpha, ok := krippendorffAlpha(o, delta)
	if !ok {
		var only string
		for c, n := range a.values {
			if n > 0 {
				only = a.classNames[c]
			}
		}
		return audit.CheckResult{Status: audit.Skip, Summary: fmt.Sprintf(
			"Every rating of the %d items rated twice or more is %q: with a single class, agreement beyond chance is undefined.", a.items, only)}
	}
	// Observed agreement: Σ o(c, c) / n, n (the pairable values) counted
	// exactly; Σ o(c, c) = n exactly when every item is unanimous (each term
	// is then an integer), so the share never exceeds 1.
	var pairable int64
	for _, n := range a.values {
		pairable += n
	}
	var matched float64
	for c := range o {
		matched += o[c][c]
	}

	// Fleiss: the most common number of ratings per item (the larger on ties).
	var raters int
	for _, m := range ms {
		if raters == 0 || a.fleissItems[int32(m)] >= a.fleissItems[int32(raters)] {
			raters = m
		}
	}
	totals := make([]int64, v)
	for k, n := range a.fleissTotals {
		if int(k.m) == raters {
			totals[local[k.c]] += n
		}
	}
	fleissItems := a.fleissItems[int32(raters)]
	fleiss, ok := fleissKappa(fleissItems, int64(raters), a.fleissSq[int32(raters)], totals)
	if !ok {
		fleiss, fleissItems = 0, 0
	}

	// Pairwise Cohen's kappa.
	tables := map[annPair][][]int64{}
	for k, n := range a.pairs {
		p := annPair{k.a, k.b}
		if tables[p] == nil {
			tables[p] = newMatrix(v)
		}
		tables[p][local[k.c]][local[k.k]] += n
	}
	cohen, cohenItems := map[string]any{}, map[string]any{}
	for _, name := range a.anns {
		cohen[name] = map[string]any{}
		cohenItems[name] = map[string]any{}
	}
	for p := range a.anns {
		for q := p + 1; q < len(a.anns); q++ {
			x, y := a.anns[p], a.anns[q]
			n := a.pairItems[annPair{int16(p), int16(q)}]
			cohenItems[x].(map[string]any)[y] = n
			cohenItems[y].(map[string]any)[x] = n
			if t := tables[annPair{int16(p), int16(q)}]; t != nil {
				if k, _, ok := cohenKappa(t); ok {
					cohen[x].(map[string]any)[y] = k
					cohen[y].(map[string]any)[x] = k
				}
			}
		}
	}

	perClass := map[string]any{}
	for c, n := range a.values {
		if n == 0 {
			continue
		}
		d := local[c]
		perClass[a.classNames[c]] = map[string]any{"values": n, "agreement": o[d][d] / float64(n)}
	}

	r := audit.CheckResult{
		Metrics: map[string]any{
			"level":                    a.level(),
			"annotators":               int64(len(a.anns)),
			"alpha":                    alpha,
			"observed_agreement":       matched / float64(pairable),
			"fleiss_kappa":             fleiss,
			"fleiss_items":             fleissItems,
			"fleiss_raters":            int64(raters),
			"cohen_kappa":              cohen,
			"cohen_items":              cohenItems,
			"per_class":                perClass,
			"items":                    a.items,
			"disagreeing_items":        a.disagreeing,
			"single_rating_items":      a.single,
			"unrated_rows":             a.unrated,
			"unordered_ratings":        a.unordered,
			"label_majority_agreement": audit.Ratio(a.majorityMatch, a.majorityItems),
			"label_majority_items":     a.majorityItems,
			"majority_ties":            a.majorityTies,
		},
		ExamplesTotal: a.offending,
	}
	fail, warn := a.env.Params["fail"], a.env.Params["warn"]
	left := ""
	if a.single > 0 {
		left = fmt.Sprintf("; %s with a single rating left out", audit.Plural(a.single, "row", "rows"))
	}
	detail := fmt.Sprintf("Krippendorff's alpha (%s) is %.3f over %d items rated by two or more of the %d annotators (%d disagree%s)",
		a.level(), alpha, a.items, len(a.anns), a.disagreeing, left)
	switch {
	case alpha < fail:
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("%s: below %g, the labels are not reliable.", detail, fail)
	case alpha < warn:
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("%s: below %g, conclusions from these labels are tentative.", detail, warn)
	case a.unordered > 0:
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("%s, but %s left out.", detail,
			audit.Plural(a.unordered, "rating outside labels.ordinal_order was", "ratings outside labels.ordinal_order were"))
	default:
		r.Status = audit.Pass
		r.Summary = detail + "."
	}

	for _, it := range a.sample.Items() {
		ratings := map[string]any{}
		for j, c := range it.ratings {
			if c != "" {
				ratings[a.anns[j]] = c
			}
		}
		title := "annotators disagree"
		switch {
		case it.disagree && it.mismatch:
			title = "annotators disagree and the label is not their majority"
		case it.mismatch:
			title = "label differs from the annotators' majority"
		}
		r.Examples = append(r.Examples, audit.Example{
			Title:  title,
			Values: map[string]any{"ratings": ratings, "majority": it.majority},
			Rows:   []audit.RowRef{it.ref},
		})
	}
	return r
}

func newMatrix(v int) [][]int64 {
	t := make([][]int64, v)
	for i := range t {
		t[i] = make([]int64, v)
	}
	return t
}

// Flag marks the items whose annotators disagree and the labeled items whose
// label is not the annotators' majority class.
func (a *agreement) Flag(*audit.Summary) func(*audit.RowRecord) (string, bool) {
	if a.skip != "" || a.offending == 0 {
		return nil
	}
	return func(r *audit.RowRecord) (string, bool) {
		d, m := a.disagreeAt.has(r.Pos), a.mismatchAt.has(r.Pos)
		switch {
		case d && m:
			return "annotators disagree, and the label is not their majority class", true
		case d:
			return "annotators disagree", true
		case m:
			return "label is not the annotators' majority class", true
		}
		return "", false
	}
}
