package snapshot

import (
	"strings"

	"dataready/audit"
)

// rule gives the direction of the metrics whose path matches pattern: keys
// joined with ".", "*" matching any one key.
type rule struct {
	pattern   string
	direction string
}

const (
	higher = audit.HigherIsBetter
	lower  = audit.LowerIsBetter
)

// directions says, per check, which way each metric is better. Rates,
// ratios, divergences and counts of distinct problems have a direction;
// counts of rows that grow with the data (missing, duplicate_rows,
// holdout_rows_in_train, ...) do not, since a snapshot twice as large
// doubles them without being worse: their rates carry the direction. A
// metric no rule matches has direction unknown: its changes are reported,
// never counted as regressions. docs/report.md lists this table.
var directions = map[string][]rule{
	"labels.missing":   {{"missing_rate", lower}, {"by_split.*.missing_rate", lower}},
	"labels.variants":  {{"variant_groups", lower}},
	"labels.conflicts": {{"conflict_rate", lower}},
	"labels.agreement": {
		{"alpha", higher}, {"observed_agreement", higher}, {"fleiss_kappa", higher},
		{"cohen_kappa.*.*", higher}, {"label_majority_agreement", higher},
	},
	"bias.class_balance": {{"imbalance_ratio", lower}, {"minority_share", higher}},
	"bias.segment_coverage": {
		{"unseen_values", lower}, {"rare_values", lower}, {"empty_cells", lower}, {"max_js_divergence", lower},
		{"by_column.*.js_divergence", lower}, {"by_column.*.max_share_shift", lower},
	},
	"bias.reference_coverage": {
		{"missing_values", lower}, {"max_psi", lower},
		{"by_column.*.psi", lower}, {"by_column.*.js_divergence", lower},
	},
	"bias.label_disparity":    {{"min_max_ratio", higher}, {"max_cramers_v", lower}},
	"bias.label_shift":        {{"max_js_divergence", lower}, {"by_holdout.*.js_divergence", lower}},
	"leakage.exact_overlap":   {{"rate", lower}, {"by_split.*.rate", lower}},
	"leakage.near_duplicates": {{"rate", lower}, {"by_split.*.rate", lower}},
	"leakage.entity_overlap":  {{"rate", lower}, {"by_split.*.rate", lower}, {"columns.*.rate", lower}},
	"leakage.temporal":        {{"rate", lower}, {"by_split.*.rate", lower}},
	"leakage.duplicates":      {{"rate", lower}, {"by_split.*.rate", lower}},
	"volume.pilot_minimum":    {{"usable_examples", higher}, {"by_split.*.usable_examples", higher}},
	"volume.class_minimum":    {{"train.*", higher}, {"holdout.*", higher}},
	"volume.segment_minimum":  {{"short_segments", lower}},
	"volume.holdout_power":    {{"holdout_usable", higher}, {"margin_of_error", lower}, {"min_detectable_lift", lower}},
}

// Direction returns which way a metric of a check is better: higher, lower,
// or unknown. path is the metric's keys from the top of the check's
// metrics, e.g. ["by_split", "train", "missing_rate"].
func Direction(check string, path []string) string {
	for _, r := range directions[check] {
		if matches(r.pattern, path) {
			return r.direction
		}
	}
	return audit.UnknownBetter
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
