package leakage

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"dataready/audit"
	"dataready/audit/valueclass"
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
		{Name: "fail", Default: valueclass.DefaultSuspectPower, Doc: "a feature column with power at least this is a suspect; fail when there is one"},
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

// target counts its columns in a valueclass.Table, the table volume.baseline
// counts its feature columns in too: one definition of sides, groups and
// caps, so the two checks agree.
type target struct {
	env   *audit.Env
	table *valueclass.Table
	roles []string // per table column: colFeature, colID or colTime
}

// parseSeconds reads a time value as Unix seconds.
func parseSeconds(s string) (float64, bool) {
	ns, ok := parseTime(s)
	return float64(ns) / 1e9, ok
}

func formatSeconds(f float64) string { return formatTime(int64(math.Round(f * 1e9))) }

// targetColumns returns the columns leakage.target measures and their roles.
func targetColumns(roles audit.Roles) ([]valueclass.Column, []string) {
	var cols []valueclass.Column
	var kinds []string
	for _, f := range roles.Features {
		cols, kinds = append(cols, valueclass.Column{Name: f, Parse: valueclass.ParseNumber}), append(kinds, colFeature)
	}
	for _, id := range roles.IDs {
		// An id is a name, even when it is a number.
		cols, kinds = append(cols, valueclass.Column{Name: id}), append(kinds, colID)
	}
	if roles.Time != "" {
		cols, kinds = append(cols, valueclass.Column{Name: roles.Time, Parse: parseSeconds, Format: formatSeconds}), append(kinds, colTime)
	}
	return cols, kinds
}

func newTarget(env *audit.Env) audit.Accumulator {
	cols, kinds := targetColumns(env.Roles)
	return &target{env: env, table: valueclass.NewTable(env, cols), roles: kinds}
}

func (t *target) Add(b *audit.Batch) { t.table.Add(b) }

func (t *target) Merge(other audit.Accumulator) { t.table.Merge(other.(*target).table) }

// colScore is one column's outcome.
type colScore struct {
	name, role string
	counts     *valueclass.Counts
	score      valueclass.Score
	groups     []valueclass.Group
}

func (t *target) Result(s *audit.Summary) audit.CheckResult {
	if t.table.TooManyClasses() {
		return skip(fmt.Sprintf("Skipped: the label has more than %d classes; target leakage is measured for classification labels.", valueclass.MaxClasses))
	}
	cols := t.table.Columns()
	if len(cols) == 0 {
		return skip("Skipped: there is no feature, id or time column to measure (every column has another role or is excluded).")
	}
	// The fitting and measuring sides: the same as volume.baseline's.
	sides := valueclass.SidesOf(s)
	measuredOn := sides.MeasuredOn()
	classes := t.table.Classes()
	t.table.Finish()
	total := valueclass.ScoreGroups([]valueclass.Group{t.table.Total(sides.Fit, sides.Eval)}, classes)
	if total.FitRows == 0 || total.EvalRows == 0 {
		side := "the holdout"
		if !sides.Holdout {
			side = "the 20% half of the 80/20 split"
		}
		if total.FitRows == 0 {
			side = "train"
			if !sides.Holdout {
				side = "the 80% half of the 80/20 split"
			}
		}
		return skip(fmt.Sprintf("Skipped: %s has no labeled row to measure the columns with.", side))
	}

	var scores []colScore
	for j, c := range cols {
		counts := t.table.Counts(j)
		groups := counts.Groups(sides.Fit, sides.Eval)
		scores = append(scores, colScore{c.Name, t.roles[j], counts, valueclass.ScoreGroups(groups, classes), groups})
	}
	slices.SortFunc(scores, func(a, b colScore) int {
		return cmp.Or(cmp.Compare(b.score.Power, a.score.Power), cmp.Compare(a.name, b.name))
	})

	failAt, warnAt := t.env.Params["fail"], t.env.Params["warn"]
	columns, idColumns := []any{}, []any{}
	suspects, idSuspects := []string{}, []string{}
	var flagged []colScore
	for _, cs := range scores {
		m := map[string]any{
			"column":        cs.name,
			"type":          "categorical",
			"power":         cs.score.Power,
			"rule_accuracy": cs.score.RuleAccuracy,
			"groups":        int64(len(cs.groups)),
			"approximate":   cs.counts.Approximate(),
		}
		if cs.counts.IsNumeric() {
			m["type"] = "numeric"
		}
		if cs.role == colFeature {
			columns = append(columns, m)
			if cs.score.Power >= failAt {
				suspects = append(suspects, cs.name)
				flagged = append(flagged, cs)
			}
			continue
		}
		m["role"] = cs.role
		idColumns = append(idColumns, m)
		if cs.score.Power >= warnAt {
			idSuspects = append(idSuspects, cs.name)
			flagged = append(flagged, cs)
		}
	}

	bySplit := map[string]any{}
	for _, h := range sides.Holdouts {
		only := sides.EvalSplit(h)
		powers := map[string]any{}
		var rows int64
		for j, c := range cols {
			sc := valueclass.ScoreGroups(t.table.Counts(j).Groups(sides.Fit, only), classes)
			powers[c.Name], rows = sc.Power, sc.EvalRows
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
			"fit_rows":            total.FitRows,
			"eval_rows":           total.EvalRows,
			"majority_class":      className(classes, total.Majority),
			"majority_accuracy":   total.MajorityAccuracy,
			"by_split":            bySplit,
		},
		ExamplesTotal: int64(len(flagged)),
	}
	on := "on the holdout"
	if !sides.Holdout {
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
		r.Summary = fmt.Sprintf("No column gives the label away %s; the most predictive is %s with power %.2f.", on, best.name, best.score.Power)
	}
	for _, cs := range flagged {
		r.Examples = append(r.Examples, example(s, cs, classes))
	}
	return r
}

// className returns a class's name, "" for no class.
func className(classes map[uint64]string, h uint64) string {
	if h == 0 {
		return ""
	}
	return classes[h]
}

// list names columns with their power.
func list(names []string, scores []colScore) string {
	parts := make([]string, len(names))
	for i, n := range names {
		for _, cs := range scores {
			if cs.name == n {
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
func example(s *audit.Summary, cs colScore, classes map[uint64]string) audit.Example {
	title := "column predicts the label"
	if cs.role != colFeature {
		title = cs.role + " column predicts the label"
	}
	groups := slices.Clone(cs.groups)
	fitRows := func(g valueclass.Group) (n int64) {
		for _, k := range g.Fit {
			n += k
		}
		return n
	}
	slices.SortStableFunc(groups, func(a, b valueclass.Group) int { return cmp.Compare(fitRows(b), fitRows(a)) })
	var shown []any
	ex := audit.Example{Title: title}
	for i, g := range groups {
		if i == topGroups {
			break
		}
		shown = append(shown, map[string]any{
			"value":    g.Label,
			"rows":     fitRows(g),
			"predicts": className(classes, g.Predict),
			"share":    audit.Ratio(g.Fit[g.Predict], fitRows(g)),
		})
		if g.HasFirst {
			ex.Rows = append(ex.Rows, s.RefAt(g.First, g.FirstSplit))
		}
	}
	ex.Values = map[string]any{
		"column":            cs.name,
		"power":             cs.score.Power,
		"rule_accuracy":     cs.score.RuleAccuracy,
		"majority_accuracy": cs.score.MajorityAccuracy,
		"groups":            shown,
	}
	return ex
}
