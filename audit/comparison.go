package audit

import "time"

// Comparison is report.json's comparison of this snapshot with an earlier
// one (audit run --baseline, audit diff). Package snapshot computes it from
// the two reports alone; this is its model. docs/report.md defines every
// field.
type Comparison struct {
	// Baseline is the earlier report, Current this one.
	Baseline ComparedReport `json:"baseline"`
	Current  ComparedReport `json:"current"`
	// Tolerance is the relative change past which a metric moving in its
	// worse direction is a regression (0.25 means 25%).
	Tolerance float64 `json:"tolerance"`
	// Verdict is the verdict then and now.
	Verdict VerdictChange `json:"verdict"`
	// Regressions counts checks whose status got worse plus metrics that
	// moved past the tolerance in their worse direction; Improvements counts
	// the same in the better direction.
	Regressions  int `json:"regressions"`
	Improvements int `json:"improvements"`
	// Checks has one entry per check id of either report, in the current
	// report's order, then checks only the baseline has.
	Checks []CheckChange `json:"checks"`
	// Classes is the drift of the class shares; nil when a report does not
	// record class counts.
	Classes *ClassDrift `json:"classes"`
	// Segments has one entry per segment column of either report, sorted.
	Segments []SegmentDrift `json:"segments"`
	// Volume is the change in usable examples and rows.
	Volume VolumeChange `json:"volume"`
}

// ComparedReport identifies one of the two compared reports.
type ComparedReport struct {
	// Path is the report.json file ("" for the report being written).
	Path          string    `json:"path"`
	SchemaVersion int       `json:"schema_version"`
	SnapshotTime  time.Time `json:"snapshot_time"`
	Verdict       Verdict   `json:"verdict"`
}

// Change kinds of a check, a metric or the verdict.
const (
	Same    = "same"
	Better  = "better"
	Worse   = "worse"
	Changed = "changed" // changed in no known direction
	Added   = "added"   // only in the current report
	Removed = "removed" // only in the baseline
)

// VerdictChange is the verdict then and now.
type VerdictChange struct {
	Old    Verdict `json:"old"`
	New    Verdict `json:"new"`
	Change string  `json:"change"`
}

// CheckChange compares one check.
type CheckChange struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// OldStatus and NewStatus are "" when the check is absent from a report.
	OldStatus Status `json:"old_status"`
	NewStatus Status `json:"new_status"`
	// Change is same, better, worse, changed (to or from skip, or between
	// fail and error), added or removed.
	Change string `json:"change"`
	// Regression is set when the status got worse (pass → warn, warn →
	// fail, pass → fail).
	Regression bool `json:"regression"`
	// Metrics compares every numeric metric of the check.
	Metrics []MetricChange `json:"metrics"`
}

// Metric directions.
const (
	HigherIsBetter = "higher_is_better"
	LowerIsBetter  = "lower_is_better"
	UnknownBetter  = "unknown"
)

// MetricChange compares one numeric metric. Nested metrics are named by
// their path, keys joined with ".": "by_split.train.missing_rate".
type MetricChange struct {
	Name string `json:"name"`
	// Old and New are nil when the metric is absent from a report.
	Old *float64 `json:"old"`
	New *float64 `json:"new"`
	// Delta is New − Old; nil when one is absent.
	Delta *float64 `json:"delta"`
	// RelativeChange is Delta / |Old|; nil when Old is 0 or absent.
	RelativeChange *float64 `json:"relative_change"`
	// Direction is higher_is_better, lower_is_better or unknown.
	Direction string `json:"direction"`
	// Change is same, better, worse, changed (unknown direction), added or
	// removed.
	Change string `json:"change"`
	// Regression (Improvement) is set when the metric moved in its worse
	// (better) direction by more than the tolerance relative to Old (from
	// Old = 0 any move is past it) and by more than the metric's noise
	// floor (package snapshot, directions.go).
	Regression  bool `json:"regression"`
	Improvement bool `json:"improvement"`
}

// ClassDrift compares the class shares of the labeled rows, all splits.
type ClassDrift struct {
	// JSDivergence is the Jensen–Shannon divergence (base 2) between the
	// two class distributions.
	JSDivergence float64 `json:"js_divergence"`
	// LargestChange is the class whose share moved most; nil with no class.
	LargestChange *ClassShare `json:"largest_change"`
	// Classes holds every class of either report, largest |change| first.
	Classes []ClassShare `json:"classes"`
	// Appeared and Vanished are classes with labeled rows now but not then,
	// and then but not now, sorted.
	Appeared []string `json:"appeared"`
	Vanished []string `json:"vanished"`
}

// ClassShare is one class's labeled rows and share then and now.
type ClassShare struct {
	Class    string  `json:"class"`
	OldRows  int64   `json:"old_rows"`
	NewRows  int64   `json:"new_rows"`
	OldShare float64 `json:"old_share"`
	NewShare float64 `json:"new_share"`
	// Change is NewShare − OldShare.
	Change float64 `json:"change"`
}

// SegmentDrift compares the values of one segment column.
type SegmentDrift struct {
	Column string `json:"column"`
	// Change is same, changed (values or shares differ), added or removed.
	Change string `json:"change"`
	// Appeared and Vanished are values with rows now but not then, and then
	// but not now, sorted; OtherValue is never listed.
	Appeared []string `json:"appeared"`
	Vanished []string `json:"vanished"`
	// JSDivergence is between the distributions of rows over values, all
	// splits (0 when the column is in one report only).
	JSDivergence float64 `json:"js_divergence"`
	// Incomplete is set when a report folded or overflowed the column, so
	// values outside the named ones cannot be compared.
	Incomplete bool `json:"incomplete"`
}

// VolumeChange compares how much data there is.
type VolumeChange struct {
	RowsAudited    CountChange `json:"rows_audited"`
	LabeledRows    CountChange `json:"labeled_rows"`
	UsableExamples CountChange `json:"usable_examples"`
	// Classes holds the usable examples per class, by class name; empty
	// when a report does not record them.
	Classes []ClassCountChange `json:"classes"`
}

// CountChange is a count then and now; Old or New is nil when a report
// does not record it.
type CountChange struct {
	Old   *int64 `json:"old"`
	New   *int64 `json:"new"`
	Delta *int64 `json:"delta"`
	// RelativeChange is Delta / Old; nil when Old is 0 or absent.
	RelativeChange *float64 `json:"relative_change"`
}

// ClassCountChange is the usable examples of one class then and now.
type ClassCountChange struct {
	Class string `json:"class"`
	CountChange
}
