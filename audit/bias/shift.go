package bias

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"dataready/audit"
	"dataready/audit/stats"
)

// LabelShift is the spec of bias.label_shift.
var LabelShift = audit.Spec{
	ID:     "bias.label_shift",
	Family: "bias",
	Title:  "Label shift between train and holdout",
	Explain: "When the classes are distributed differently in the holdout than in train, the holdout measures a different " +
		"problem than the model learned: accuracy, precision and recall on it will not carry over to train's mix, or " +
		"the other way round. For every holdout split this check compares its labeled rows with train's: the " +
		"Jensen–Shannon divergence (base 2, 0 equal to 1 disjoint), the population stability index (PSI) and a " +
		"chi-square test of homogeneity. It warns only when the shift is both large (js_divergence above warn) and " +
		"not explained by chance (p below alpha), so that small pilots do not raise false alarms and huge datasets do " +
		"not flag trivial shifts. Fix: split at random (stratified by class) unless the split is by time on purpose; " +
		"if it is by time, the shift is real and the model must cope with it — report metrics per class.",
	Metrics: []audit.MetricDoc{
		{Name: "by_holdout", Doc: "per holdout split: train_rows, holdout_rows (labeled), classes (per class: train_rows, holdout_rows, train_share, holdout_share, difference = holdout_share − train_share), js_divergence, psi, chi_square, dof, p_value"},
		{Name: "max_js_divergence", Doc: "largest js_divergence over the holdout splits"},
		{Name: "min_p_value", Doc: "smallest p_value over the holdout splits"},
	},
	Params: []audit.Param{
		{Name: "warn", Default: 0.1, Doc: "warn when js_divergence is above this and p_value is below alpha"},
		{Name: "alpha", Default: 0.01, Doc: "significance level of the chi-square test"},
	},
	New: newShift,
}

// shift is the accumulator of bias.label_shift: labeled rows per split
// and class, with the first rows of each.
type shift struct {
	env *audit.Env
	classTally
}

func newShift(env *audit.Env) audit.Accumulator {
	return &shift{env: env, classTally: newClassTally()}
}

func (a *shift) Add(b *audit.Batch) { a.add(b) }

func (a *shift) Merge(other audit.Accumulator) { a.merge(&other.(*shift).classTally) }

// classShift is one class's share in train and in one holdout split.
type classShift struct {
	class                 string
	train, holdout        int64
	trainShare, holdShare float64
	difference            float64
}

func (a *shift) Result(s *audit.Summary) audit.CheckResult {
	sv := viewSplits(s)
	if why := sv.skipNoHoldout(s.Config); why != "" {
		return audit.CheckResult{Status: audit.Skip, Summary: why}
	}
	warn, alpha := a.env.Params["warn"], a.env.Params["alpha"]
	train := a.counts[sv.train]
	trainRows := sum(train)

	type holdoutShift struct {
		name    string
		js, psi float64
		test    stats.Independence
		classes []classShift
		shifted bool
	}
	var shifts []holdoutShift
	byHoldout := map[string]any{}
	maxJS, minP := 0.0, 1.0
	for _, h := range sv.holdouts {
		hi := sv.index[h]
		hold := a.counts[hi]
		holdRows := sum(hold)
		hs := holdoutShift{name: h}
		classes := keysOf(unionKeys(train, hold))
		table := [][]int64{make([]int64, len(classes)), make([]int64, len(classes))}
		perClass := map[string]any{}
		for j, c := range classes {
			cs := classShift{class: c, train: train[c], holdout: hold[c],
				trainShare: audit.Ratio(train[c], trainRows), holdShare: audit.Ratio(hold[c], holdRows)}
			cs.difference = cs.holdShare - cs.trainShare
			hs.classes = append(hs.classes, cs)
			table[0][j], table[1][j] = train[c], hold[c]
			perClass[c] = map[string]any{"train_rows": cs.train, "holdout_rows": cs.holdout,
				"train_share": cs.trainShare, "holdout_share": cs.holdShare, "difference": cs.difference}
		}
		hs.js = stats.JSDivergence(train, hold)
		hs.psi = stats.PSI(train, hold)
		hs.test = stats.ChiSquare(table)
		hs.shifted = hs.js > warn && hs.test.P < alpha
		byHoldout[h] = map[string]any{
			"train_rows": trainRows, "holdout_rows": holdRows, "classes": perClass,
			"js_divergence": hs.js, "psi": hs.psi, "chi_square": hs.test.Stat, "dof": int64(hs.test.DoF), "p_value": hs.test.P,
		}
		maxJS = max(maxJS, hs.js)
		minP = min(minP, hs.test.P)
		shifts = append(shifts, hs)
	}
	r := audit.CheckResult{Metrics: map[string]any{
		"by_holdout":        byHoldout,
		"max_js_divergence": maxJS,
		"min_p_value":       minP,
	}}
	var shifted []string
	for _, hs := range shifts {
		if hs.shifted {
			shifted = append(shifted, fmt.Sprintf("%s (JS divergence %.3f, PSI %.3f, p %s)", hs.name, hs.js, hs.psi, pValue(hs.test.P)))
		}
	}
	if len(shifted) > 0 {
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("The class distribution of %s differs from train's beyond chance and by more than JS divergence %g.", strings.Join(shifted, ", "), warn)
	} else {
		r.Status = audit.Pass
		worst := shifts[0]
		for _, hs := range shifts[1:] {
			if hs.js > worst.js {
				worst = hs
			}
		}
		r.Summary = fmt.Sprintf("The class distribution of the holdout matches train's: the largest JS divergence is %.3f (%s, p %s; warn above %g with p below %g).", worst.js, worst.name, pValue(worst.test.P), warn, alpha)
	}

	// Examples: per holdout split, the three classes whose share moved most,
	// with their first rows in that split (in train when it has none).
	for _, hs := range shifts {
		cls := append([]classShift(nil), hs.classes...)
		sort.SliceStable(cls, func(i, j int) bool { return math.Abs(cls[i].difference) > math.Abs(cls[j].difference) })
		for _, cs := range cls[:min(3, len(cls))] {
			if cs.difference == 0 {
				continue
			}
			ex := audit.Example{Title: "class share moved between train and " + hs.name, Values: map[string]any{
				"split": hs.name, "class": cs.class, "train_rows": cs.train, "holdout_rows": cs.holdout,
				"train_share": cs.trainShare, "holdout_share": cs.holdShare, "difference": cs.difference}}
			if len(a.first) <= maxSampled {
				split := uint8(sv.index[hs.name])
				if cs.holdout == 0 {
					split = uint8(sv.train)
				}
				if sample := a.first[classSplit{cs.class, split}]; sample != nil {
					ex.Rows = sample.Rows()
				}
			}
			r.Examples = append(r.Examples, ex)
		}
	}
	r.ExamplesTotal = int64(len(r.Examples))
	return r
}
