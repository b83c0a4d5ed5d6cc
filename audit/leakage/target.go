package leakage

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"dataready/audit"
)

// Target is the spec of leakage.target.
var Target = audit.Spec{
	ID:     "leakage.target",
	Family: family,
	Title:  "Columns that give the label away",
	Explain: "A feature that predicts the label almost perfectly is usually not a discovery but a leak: a column " +
		"filled in after the outcome (a resolution code, a refund amount, a status), a copy or encoding of the " +
		"label, or an artefact of how each class was collected. The model learns the shortcut, scores well on " +
		"the holdout, and fails in production, where the column is not known yet or means something else. " +
		"Each column's predictive power is measured out of sample: the rule \"predict the most frequent train " +
		"class for this value\" (numeric columns cut into deciles of train) is fitted on train and scored on the " +
		"holdout (on a fixed 80/20 split by row key when there is no holdout), as (rule accuracy - majority " +
		"accuracy) / (1 - majority accuracy): 0 is no better than always predicting the majority class, 1 is " +
		"perfect. An id or time column that predicts the label (the sender that gives away the newsgroup) means " +
		"the model can learn who or when instead of what. Fix: drop or exclude (exclude:) columns that are not " +
		"available at prediction time, check how the suspects were filled, and split by entity or time.",
	Metrics: []audit.MetricDoc{
		{Name: "columns", Doc: "feature columns: {column, type, power, rule_accuracy, groups, approximate}, by power (highest first)"},
		{Name: "suspects", Doc: "feature columns with power at or above fail, by power"},
		{Name: "identifier_columns", Doc: "id and time columns, measured the same way, with their role"},
		{Name: "identifier_suspects", Doc: "id and time columns with power at or above warn, by power"},
		{Name: "measured_on", Doc: "holdout (fit on train, scored on the holdout splits) or hash_split (80/20 by row key)"},
		{Name: "fit_rows", Doc: "labeled rows the rule is fitted on"},
		{Name: "eval_rows", Doc: "labeled rows it is scored on"},
		{Name: "majority_class", Doc: "most frequent class of the fitting rows"},
		{Name: "majority_accuracy", Doc: "share of the scored rows in the majority class"},
		{Name: "by_split", Doc: "per holdout split: eval_rows and each column's power scored on that split alone"},
	},
	Params: []audit.Param{
		{Name: "fail", Default: 0.8, Doc: "a feature column with power at least this is a suspect; fail when there is one"},
		{Name: "warn", Default: 0.2, Doc: "an id or time column with power at least this is an identifier suspect; warn when there is one"},
	},
	New: newTarget,
}

// Column roles in leakage.target.
const (
	colFeature = "feature"
	colID      = "id"
	colTime    = "time"
)

type targetCol struct {
	name, role string
	idx        int
	counts     *ValueCounts
}

type target struct {
	env     *audit.Env
	nulls   nullTokens
	cols    []*targetCol
	classes classNames
}

// parseNumber reads a finite float. Values that cannot start a finite
// number are rejected before strconv, whose error would allocate for every
// categorical value.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || !strings.ContainsRune("+-.0123456789", rune(s[0])) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// parseSeconds reads a time value as Unix seconds.
func parseSeconds(s string) (float64, bool) {
	ns, ok := parseTime(s)
	return float64(ns) / 1e9, ok
}

func formatSeconds(f float64) string { return formatTime(int64(math.Round(f * 1e9))) }

func newTarget(env *audit.Env) audit.Accumulator {
	t := &target{env: env, nulls: newNullTokens(env.Config), classes: classNames{}}
	add := func(name, role string, parse func(string) (float64, bool), format func(float64) string) {
		t.cols = append(t.cols, &targetCol{name: name, role: role, idx: env.Column(name), counts: NewValueCounts(MaxValues, parse, format)})
	}
	for _, f := range env.Roles.Features {
		add(f, colFeature, parseNumber, nil)
	}
	for _, id := range env.Roles.IDs {
		add(id, colID, nil, nil) // an id is a name, even when it is a number
	}
	if env.Roles.Time != "" {
		add(env.Roles.Time, colTime, parseSeconds, formatSeconds)
	}
	return t
}

func (t *target) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] < 0 {
			t.classes.add(b, i)
		}
	}
	if len(t.classes) > maxClasses {
		return // Result skips: not a classification label
	}
	for _, c := range t.cols {
		vals := audit.ValuesOf(b.Columns[c.idx])
		for i := 0; i < b.Rows; i++ {
			if b.Missing[i] >= 0 {
				continue
			}
			v, ok := vals.Get(i)
			cell := Cell{Class: b.ClassHash[i], Split: b.Split[i], Eval: EvalHalf(b.Key[i])}
			c.counts.Add(v, !ok || t.nulls.isNull(v), cell, b.Pos(i))
		}
	}
}

func (t *target) Merge(other audit.Accumulator) {
	o := other.(*target)
	t.classes.merge(o.classes)
	for j, c := range t.cols {
		c.counts.Merge(o.cols[j].counts)
	}
}

// colScore is one column's outcome.
type colScore struct {
	col    *targetCol
	score  Score
	groups []Group
}

func (t *target) Result(s *audit.Summary) audit.CheckResult {
	if len(t.classes) > maxClasses {
		return skip(fmt.Sprintf("Skipped: the label has more than %d classes; target leakage is measured for classification labels.", maxClasses))
	}
	if len(t.cols) == 0 {
		return skip("Skipped: there is no feature, id or time column to measure (every column has another role or is excluded).")
	}
	// The fitting and measuring sides.
	roles := splitRoles(s.Splits)
	train, holdouts, why := needHoldout(s)
	measuredOn := "holdout"
	trainIdx, _ := splitIndex(s.Splits, train)
	fit := func(c Cell) bool { return c.Split == trainIdx }
	eval := func(c Cell) bool { return roles[c.Split] == roleHoldout }
	if why != "" {
		measuredOn, holdouts = "hash_split", nil
		fit = func(c Cell) bool { return !c.Eval }
		eval = func(c Cell) bool { return c.Eval }
	}

	var scores []colScore
	for _, c := range t.cols {
		c.counts.Finish()
		groups := c.counts.Groups(fit, eval)
		scores = append(scores, colScore{c, ScoreGroups(groups, t.classes), groups})
	}
	first := scores[0].score
	if first.FitRows == 0 || first.EvalRows == 0 {
		side := "the holdout"
		if measuredOn == "hash_split" {
			side = "the 20% half of the 80/20 split"
		}
		if first.FitRows == 0 {
			side = "train"
			if measuredOn == "hash_split" {
				side = "the 80% half of the 80/20 split"
			}
		}
		return skip(fmt.Sprintf("Skipped: %s has no labeled row to measure the columns with.", side))
	}
	slices.SortFunc(scores, func(a, b colScore) int {
		return cmp.Or(cmp.Compare(b.score.Power, a.score.Power), cmp.Compare(a.col.name, b.col.name))
	})

	failAt, warnAt := t.env.Params["fail"], t.env.Params["warn"]
	columns, idColumns := []any{}, []any{}
	suspects, idSuspects := []string{}, []string{}
	var flagged []colScore
	for _, cs := range scores {
		m := map[string]any{
			"column":        cs.col.name,
			"type":          "categorical",
			"power":         cs.score.Power,
			"rule_accuracy": cs.score.RuleAccuracy,
			"groups":        int64(len(cs.groups)),
			"approximate":   cs.col.counts.Approximate(),
		}
		if cs.col.counts.IsNumeric() {
			m["type"] = "numeric"
		}
		if cs.col.role == colFeature {
			columns = append(columns, m)
			if cs.score.Power >= failAt {
				suspects = append(suspects, cs.col.name)
				flagged = append(flagged, cs)
			}
			continue
		}
		m["role"] = cs.col.role
		idColumns = append(idColumns, m)
		if cs.score.Power >= warnAt {
			idSuspects = append(idSuspects, cs.col.name)
			flagged = append(flagged, cs)
		}
	}

	bySplit := map[string]any{}
	for _, h := range holdouts {
		hi, _ := splitIndex(s.Splits, h)
		only := func(c Cell) bool { return c.Split == hi }
		powers := map[string]any{}
		var rows int64
		for _, c := range t.cols {
			sc := ScoreGroups(c.counts.Groups(fit, only), t.classes)
			powers[c.name], rows = sc.Power, sc.EvalRows
		}
		bySplit[h] = map[string]any{"eval_rows": rows, "powers": powers}
	}

	r := audit.CheckResult{
		Metrics: map[string]any{
			"columns":             columns,
			"suspects":            suspects,
			"identifier_columns":  idColumns,
			"identifier_suspects": idSuspects,
			"measured_on":         measuredOn,
			"fit_rows":            first.FitRows,
			"eval_rows":           first.EvalRows,
			"majority_class":      t.classes.name(first.Majority),
			"majority_accuracy":   first.MajorityAccuracy,
			"by_split":            bySplit,
		},
		ExamplesTotal: int64(len(flagged)),
	}
	on := "on the holdout"
	if measuredOn == "hash_split" {
		on = "on a 20% hash split"
	}
	best := scores[0]
	switch {
	case len(suspects) > 0:
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("%d column(s) predict the label %s with power ≥ %g: %s.", len(suspects), on, failAt, list(suspects, scores))
	case len(idSuspects) > 0:
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("%d id or time column(s) predict the label %s with power ≥ %g: %s.", len(idSuspects), on, warnAt, list(idSuspects, scores))
	default:
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("No column gives the label away %s; the most predictive is %s with power %.2f.", on, best.col.name, best.score.Power)
	}
	for _, cs := range flagged {
		r.Examples = append(r.Examples, t.example(s, cs))
	}
	return r
}

// list names columns with their power.
func list(names []string, scores []colScore) string {
	parts := make([]string, len(names))
	for i, n := range names {
		for _, cs := range scores {
			if cs.col.name == n {
				parts[i] = fmt.Sprintf("%s (%.2f)", n, cs.score.Power)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// topGroups is how many groups an example shows.
const topGroups = 5

// example shows a suspect column: its largest groups with the class each
// predicts, and the first row of each.
func (t *target) example(s *audit.Summary, cs colScore) audit.Example {
	title := "column predicts the label"
	if cs.col.role != colFeature {
		title = cs.col.role + " column predicts the label"
	}
	groups := slices.Clone(cs.groups)
	fitRows := func(g Group) (n int64) {
		for _, k := range g.Fit {
			n += k
		}
		return n
	}
	slices.SortStableFunc(groups, func(a, b Group) int { return cmp.Compare(fitRows(b), fitRows(a)) })
	var shown []any
	ex := audit.Example{Title: title}
	for i, g := range groups {
		if i == topGroups {
			break
		}
		shown = append(shown, map[string]any{
			"value":    g.Label,
			"rows":     fitRows(g),
			"predicts": t.classes.name(g.Predict),
			"share":    audit.Ratio(g.Fit[g.Predict], fitRows(g)),
		})
		if g.HasFirst {
			ex.Rows = append(ex.Rows, s.RefAt(g.First, g.FirstSplit))
		}
	}
	ex.Values = map[string]any{
		"column":            cs.col.name,
		"power":             cs.score.Power,
		"rule_accuracy":     cs.score.RuleAccuracy,
		"majority_accuracy": cs.score.MajorityAccuracy,
		"groups":            shown,
	}
	return ex
}
