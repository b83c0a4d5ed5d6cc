package snapshot

import (
	"strings"

	"dataready/audit"
)

// rule gives the direction of the metrics whose path matches pattern: keys
// joined with ".", "*" matching any one key. floor is the noise floor: a
// change no larger (in absolute value) is never a regression or an
// improvement, whatever its relative size, so that a divergence going from
// 0.001 to 0.003 is not one.
type rule struct {
	pattern   string
	direction string
	floor     float64
}

const (
	higher = audit.HigherIsBetter
	lower  = audit.LowerIsBetter
)

// Noise floors of the kinds of metrics.
const (
	// divergenceFloor: Jensen–Shannon divergences and share shifts move by
	// a hundredth between two samples of one distribution (their warn
	// threshold is 0.1).
	divergenceFloor = 0.01
	// shareFloor: half a percentage point of a share.
	shareFloor = 0.005
	// effectFloor: Cramér's V and agreement coefficients (0.1 is a small effect).
	effectFloor = 0.05
)

// directions says, per check, which way each metric is better. Rates,
// ratios, divergences and counts of distinct problems have a direction;
// counts of rows that grow with the data (missing, duplicate_rows,
// holdout_rows_in_train, ...) do not, since a snapshot twice as large
// doubles them without being worse: their rates carry the direction. A
// metric no rule matches has direction unknown: its changes are reported,
// never counted as regressions. docs/report.md lists this table.
var directions = map[string][]rule{
	"labels.missing":   {{"missing_rate", lower, 0}, {"by_split.*.missing_rate", lower, 0}},
	"labels.variants":  {{"variant_groups", lower, 0}},
	"labels.conflicts": {{"conflict_rate", lower, 0}},
	"labels.agreement": {
		{"alpha", higher, effectFloor}, {"observed_agreement", higher, effectFloor}, {"fleiss_kappa", higher, effectFloor},
		{"cohen_kappa.*.*", higher, effectFloor}, {"label_majority_agreement", higher, effectFloor},
	},
	"bias.class_balance": {{"imbalance_ratio", lower, 0.5}, {"minority_share", higher, shareFloor}},
	"bias.segment_coverage": {
		{"unseen_values", lower, 0}, {"rare_values", lower, 0}, {"empty_cells", lower, 0}, {"max_js_divergence", lower, divergenceFloor},
		{"by_column.*.js_divergence", lower, divergenceFloor}, {"by_column.*.max_share_shift", lower, 2 * divergenceFloor},
	},
	"bias.reference_coverage": {
		{"missing_values", lower, 0}, {"max_psi", lower, divergenceFloor},
		{"by_column.*.psi", lower, divergenceFloor}, {"by_column.*.js_divergence", lower, divergenceFloor},
	},
	"bias.label_disparity":    {{"min_max_ratio", higher, effectFloor}, {"max_cramers_v", lower, effectFloor}},
	"bias.label_shift":        {{"max_js_divergence", lower, divergenceFloor}, {"by_holdout.*.js_divergence", lower, divergenceFloor}},
	"leakage.exact_overlap":   {{"rate", lower, 0}, {"by_split.*.rate", lower, 0}},
	"leakage.near_duplicates": {{"rate", lower, 0}, {"by_split.*.rate", lower, 0}},
	"leakage.entity_overlap":  {{"rate", lower, 0}, {"by_split.*.rate", lower, 0}, {"columns.*.rate", lower, 0}},
	"leakage.temporal":        {{"rate", lower, 0}, {"by_split.*.rate", lower, 0}},
	"leakage.duplicates":      {{"rate", lower, 0}, {"by_split.*.rate", lower, 0}},
	"volume.pilot_minimum":    {{"usable_examples", higher, 0}, {"by_split.*.usable_examples", higher, 0}},
	"volume.class_minimum":    {{"train.*", higher, 0}, {"holdout.*", higher, 0}},
	"volume.segment_minimum":  {{"short_segments", lower, 0}},
	"volume.holdout_power": {
		{"holdout_usable", higher, 0}, {"margin_of_error", lower, shareFloor}, {"min_detectable_lift", lower, shareFloor},
	},
}

// Direction returns which way a metric of a check is better (higher,
// lower, or unknown) and its noise floor. path is the metric's keys from
// the top of the check's metrics, e.g. ["by_split", "train", "missing_rate"].
func Direction(check string, path []string) (direction string, floor float64) {
	for _, r := range directions[check] {
		if matches(r.pattern, path) {
			return r.direction, r.floor
		}
	}
	return audit.UnknownBetter, 0
}

func matches(pattern string, path []string) bool {
	parts := strings.Split(pattern, ".")
	if len(parts) != len(path) {
		return false
	}
	for i, p := range parts {
		if p != "*" && p != path[i] {
			return false
		}
	}
	return true
}
