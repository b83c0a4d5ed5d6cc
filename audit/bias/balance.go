package bias

import (
	"fmt"
	"slices"
	"sort"

	"dataready/audit"
	"dataready/audit/norm"
)

// ClassBalance is the spec of bias.class_balance.
var ClassBalance = audit.Spec{
	ID:     "bias.class_balance",
	Family: "bias",
	Title:  "Class balance",
	Explain: "A model trained on very imbalanced classes learns to predict the majority and still scores a high " +
		"accuracy; the rare classes are the ones it gets wrong. A class that appears in a holdout split but never " +
		"in train cannot be predicted at all; a class only in train is never measured. Fix: collect or label more " +
		"examples of the minority classes, merge classes that are too rare to learn, and make every class appear " +
		"in train and in the holdout. Classes are norm(label) after label_map.",
	Metrics: []audit.MetricDoc{
		{Name: "by_split", Doc: "per split: labeled rows and counts per class"},
		{Name: "classes", Doc: "distinct classes in train (in all rows when there is no train split)"},
		{Name: "imbalance_ratio", Doc: "largest / smallest train class count"},
		{Name: "majority_class", Doc: "the largest train class"},
		{Name: "minority_class", Doc: "the smallest train class (the alphabetically first on ties)"},
		{Name: "minority_count", Doc: "labeled train rows of the minority class"},
		{Name: "minority_share", Doc: "minority class rows / labeled train rows"},
		{Name: "holdout_only_labels", Doc: "classes in a holdout split but not in train"},
		{Name: "train_only_labels", Doc: "classes in train but in no holdout split (empty without a holdout)"},
	},
	Params: []audit.Param{
		{Name: "warn", Default: 10, Doc: "warn when imbalance_ratio is above this"},
		{Name: "fail", Default: 100, Doc: "fail when imbalance_ratio is above this"},
	},
	New: newBalance,
}

// examplesPerClass is how many rows an example of one class shows.
const examplesPerClass = 3

// maxSampled bounds the (class, split) pairs that keep example rows. Past
// it (a label column that is really a numeric target), examples carry no
// rows; the rule depends only on the merged data, so it is deterministic.
const maxSampled = 10000

type balance struct {
	env *audit.Env
	// holdoutOnly holds the hashes of the classes Result found only in the
	// holdout, for Flag.
	holdoutOnly map[uint64]string
	classTally
}

func newBalance(env *audit.Env) audit.Accumulator {
	return &balance{env: env, classTally: newClassTally()}
}

func (a *balance) Add(b *audit.Batch) { a.add(b) }

func (a *balance) Merge(other audit.Accumulator) { a.merge(&other.(*balance).classTally) }

func (a *balance) Result(s *audit.Summary) audit.CheckResult {
	bySplit := map[string]any{}
	splitIndex := map[string]uint8{}
	for i := 0; i < s.Splits.Len(); i++ {
		name := s.Splits.Name(uint8(i))
		splitIndex[name] = uint8(i)
		counts := map[string]any{}
		var labeled int64
		for c, n := range a.counts[i] {
			counts[c] = n
			labeled += n
		}
		bySplit[name] = map[string]any{"labeled": labeled, "counts": counts}
	}

	// The reference distribution: train, or every split when there is none.
	train := map[string]int64{}
	trainName, hasTrain := s.Train()
	for i := 0; i < s.Splits.Len(); i++ {
		if !hasTrain || s.Splits.Name(uint8(i)) == trainName {
			for c, n := range a.counts[i] {
				train[c] += n
			}
		}
	}
	holdout := map[string]int64{}
	holdouts := s.Holdouts()
	if hasTrain {
		for _, h := range holdouts {
			for c, n := range a.counts[splitIndex[h]] {
				holdout[c] += n
			}
		}
	}

	classes := sortedKeys(train)
	var trainRows int64
	for _, n := range train {
		trainRows += n
	}
	var minority, majority string
	for _, c := range classes {
		if minority == "" || train[c] < train[minority] {
			minority = c
		}
		if majority == "" || train[c] > train[majority] {
			majority = c
		}
	}
	ratio := 0.0
	if minority != "" {
		ratio = float64(train[majority]) / float64(train[minority])
	}
	holdoutOnly, trainOnly := []string{}, []string{}
	if hasTrain {
		for _, c := range sortedKeys(holdout) {
			if train[c] == 0 {
				holdoutOnly = append(holdoutOnly, c)
			}
		}
		if len(holdouts) > 0 {
			for _, c := range classes {
				if holdout[c] == 0 {
					trainOnly = append(trainOnly, c)
				}
			}
		}
	}

	a.holdoutOnly = map[uint64]string{}
	for _, c := range holdoutOnly {
		a.holdoutOnly[norm.Hash64(c)] = c
	}
	r := audit.CheckResult{Metrics: map[string]any{
		"by_split":            bySplit,
		"classes":             len(classes),
		"imbalance_ratio":     ratio,
		"majority_class":      majority,
		"minority_class":      minority,
		"minority_count":      train[minority],
		"minority_share":      audit.Ratio(train[minority], trainRows),
		"holdout_only_labels": holdoutOnly,
		"train_only_labels":   trainOnly,
	}}
	base := "train"
	if !hasTrain {
		base = "the data"
	}
	warn, fail := a.env.Params["warn"], a.env.Params["fail"]
	switch {
	case len(classes) == 0:
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("There are no labeled rows in %s.", base)
	case len(classes) == 1:
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("%s has a single class %q: there is nothing to classify.", audit.Capitalize(base), majority)
	case len(holdoutOnly) > 0:
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("%d class(es) appear in the holdout but never in train (%s); imbalance ratio %.1f.", len(holdoutOnly), list(holdoutOnly), ratio)
	case ratio > fail:
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("The largest class %q has %.1f times the rows of the smallest %q in %s (fail above %g).", majority, ratio, minority, base, fail)
	case ratio > warn:
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("The largest class %q has %.1f times the rows of the smallest %q in %s (warn above %g).", majority, ratio, minority, base, warn)
	case len(trainOnly) > 0:
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("%d class(es) in train never appear in the holdout (%s), so they are never measured.", len(trainOnly), list(trainOnly))
	default:
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("%d classes in %s; the largest has %.1f times the rows of the smallest.", len(classes), base, ratio)
	}

	// Examples: the classes that drive the status, with their first rows.
	show := func(title, class string, splits []string) {
		ex := audit.Example{Title: title, Values: map[string]any{"class": class}}
		for _, sp := range splits {
			ex.Values["rows_"+sp] = a.counts[splitIndex[sp]][class]
			if sample := a.first[classSplit{class, splitIndex[sp]}]; sample != nil {
				ex.Rows = append(ex.Rows, sample.Rows()...)
			}
		}
		r.Examples = append(r.Examples, ex)
	}
	if len(a.first) > maxSampled {
		a.first = map[classSplit]*audit.RowSample{}
	}
	all := s.Splits.Sorted()
	for _, c := range holdoutOnly {
		show("class only in the holdout", c, all)
	}
	if minority != "" && len(classes) > 1 && !slices.Contains(trainOnly, minority) {
		show("smallest class", minority, all)
	}
	for _, c := range trainOnly {
		show("class only in train", c, all)
	}
	return r
}

// Flag marks the holdout rows of classes that never appear in train.
func (a *balance) Flag(s *audit.Summary) func(*audit.RowRecord) (string, bool) {
	return func(r *audit.RowRecord) (string, bool) {
		if r.Missing >= 0 || s.Splits.Role(s.Splits.Name(r.Split)) != audit.RoleHoldout {
			return "", false
		}
		if c, ok := a.holdoutOnly[r.ClassHash]; ok {
			return fmt.Sprintf("class %q never appears in train", c), true
		}
		return "", false
	}
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// list quotes up to five names.
func list(names []string) string {
	out := ""
	for i, n := range names {
		if i == 5 {
			return out + fmt.Sprintf(", and %d more", len(names)-5)
		}
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%q", n)
	}
	return out
}
