package audit

import "time"

// SchemaVersion is the version of the report.json contract. Version 2
// added snapshot, dataset.labels, dataset.segments and comparison; version
// 1 reports are still read (package snapshot).
const SchemaVersion = 2

// Status is the outcome of one check.
type Status string

// Statuses, from best to worst; skip means the check could not apply (no
// holdout, disabled), error means it could not run.
const (
	Pass  Status = "pass"
	Warn  Status = "warn"
	Fail  Status = "fail"
	Skip  Status = "skip"
	Error Status = "error"
)

// Verdict is the answer to "is this data ready for a pilot?".
type Verdict string

// Verdicts.
const (
	Ready             Verdict = "ready"
	ReadyWithWarnings Verdict = "ready_with_warnings"
	NotReady          Verdict = "not_ready"
)

// Report is report.json. Everything but Run is deterministic: the same data
// and config give the same bytes whatever the worker count.
type Report struct {
	SchemaVersion int           `json:"schema_version"`
	Tool          Tool          `json:"tool"`
	Snapshot      Snapshot      `json:"snapshot"`
	Verdict       Verdict       `json:"verdict"`
	Reason        string        `json:"reason"`
	Inputs        []InputInfo   `json:"inputs"`
	Dataset       Dataset       `json:"dataset"`
	Problems      []Problem     `json:"problems"`
	Checks        []CheckResult `json:"checks"`
	Config        *Config       `json:"config"`
	// Comparison is the comparison with an earlier snapshot's report, when
	// the run had a baseline (Config.Baseline); nil otherwise.
	Comparison *Comparison `json:"comparison,omitempty"`
	Run        RunInfo     `json:"run"`
	// Findings are every flagged row, when RunOptions.Findings asked for
	// them; they go to findings.csv/.parquet, not to report.json.
	Findings []Finding `json:"-"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// InputInfo describes one input file.
type InputInfo struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	// Split is the split of a per-split input; empty when rows carry a split
	// column (or there is no split).
	Split        string `json:"split,omitempty"`
	Rows         int64  `json:"rows"`
	RowsRejected int64  `json:"rows_rejected"`
	Bytes        int64  `json:"bytes"`
	SHA256       string `json:"sha256"`
}

// Dataset summarizes the rows read.
type Dataset struct {
	// RowsRead = RowsAudited + RowsRejected.
	RowsRead     int64        `json:"rows_read"`
	RowsAudited  int64        `json:"rows_audited"`
	RowsRejected int64        `json:"rows_rejected"`
	Splits       []SplitInfo  `json:"splits"`
	Columns      []ColumnInfo `json:"columns"`
	Roles        Roles        `json:"roles"`
	// RowKey says what the row key is made of: "text" or "features".
	RowKey string `json:"row_key"`
	// Labels counts labeled rows and usable examples per class.
	Labels LabelCounts `json:"labels"`
	// Segments counts rows per value and split of each segment column.
	Segments map[string]SegmentCounts `json:"segments"`
}

// Snapshot says when the audited data was taken, so that reports of
// successive snapshots can be ordered.
type Snapshot struct {
	Time time.Time `json:"time"`
	// Source is "config" when snapshot_time (--snapshot-time) set Time,
	// "inputs" when it is the newest modification time of the input files.
	Source string `json:"source"`
}

// Snapshot time sources.
const (
	SnapshotFromConfig = "config"
	SnapshotFromInputs = "inputs"
)

// LabelCounts is the class profile of the dataset.
type LabelCounts struct {
	// LabeledRows counts the rows with a label, all splits.
	LabeledRows int64 `json:"labeled_rows"`
	// UsableExamples counts distinct row keys whose labeled rows all carry
	// one class (as volume.pilot_minimum does).
	UsableExamples int64 `json:"usable_examples"`
	// Classes holds the counts of each class.
	Classes map[string]ClassCounts `json:"classes"`
}

// ClassCounts are the counts of one class.
type ClassCounts struct {
	// Rows are labeled rows per split name (splits without one left out).
	Rows map[string]int64 `json:"rows"`
	// Usable are the usable examples of the class, all splits.
	Usable int64 `json:"usable"`
}

// SegmentCounts is the value profile of one segment column.
type SegmentCounts struct {
	// Values are rows per value and split name (splits without one left
	// out). Past MaxNamedValues the least frequent values are folded into
	// OtherValue.
	Values map[string]map[string]int64 `json:"values"`
	// DistinctValues counts the values before folding (MaxTrackedValues+1
	// for an overflowed column).
	DistinctValues int64 `json:"distinct_values"`
	// FoldedValues counts the values folded into OtherValue.
	FoldedValues int64 `json:"folded_values"`
	// Overflow is set when the column has more than MaxTrackedValues
	// distinct values; Values is then empty.
	Overflow bool `json:"overflow"`
}

// SplitInfo counts the audited rows of one split.
type SplitInfo struct {
	Name string `json:"name"`
	// Role is "train" or "holdout"; with no split information the one split
	// "all" has role "all"; rows with no split value are in split
	// "(missing)" with role "unassigned".
	Role string `json:"role"`
	Rows int64  `json:"rows"`
}

// Split roles.
const (
	RoleTrain   = "train"
	RoleHoldout = "holdout"
	RoleAll     = "all"
	// RoleUnassigned is the role of MissingSplit: rows whose split value is
	// missing belong to neither train nor the holdout.
	RoleUnassigned = "unassigned"
)

// MissingSplit names the split of rows whose split column is null or empty.
const MissingSplit = "(missing)"

// ColumnInfo describes one column across all inputs.
type ColumnInfo struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Role is label, text, split, id, time, segment, annotator, feature or excluded.
	Role string `json:"role"`
	// Nulls counts null values and null tokens.
	Nulls int64 `json:"nulls"`
	// TypeMismatches counts values that do not parse as Type (CSV only).
	TypeMismatches int64 `json:"type_mismatches"`
}

// Roles lists the columns by role, as resolved for this run.
type Roles struct {
	Label      string   `json:"label"`
	Split      string   `json:"split,omitempty"`
	Text       string   `json:"text,omitempty"`
	Segments   []string `json:"segments"`
	IDs        []string `json:"ids"`
	Time       string   `json:"time,omitempty"`
	Annotators []string `json:"annotators"`
	Excluded   []string `json:"excluded"`
	Features   []string `json:"features"`
}

// Problem is damage in the input that did not stop the audit, grouped by
// file, kind and column: how often it happened and where, first 20 places.
type Problem struct {
	Kind    string `json:"kind"`
	File    string `json:"file,omitempty"`
	Column  string `json:"column,omitempty"`
	Count   int64  `json:"count"`
	Message string `json:"message"`
	// Lines are the first (up to 20) 1-based lines (Parquet: row numbers) where it happened.
	Lines []int64 `json:"lines"`
}

// MaxProblemLines is how many locations a Problem keeps.
const MaxProblemLines = 20

// CheckResult is one entry of report.json's checks.
type CheckResult struct {
	ID     string `json:"id"`
	Family string `json:"family"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	// Summary is one plain sentence with the key number.
	Summary string `json:"summary"`
	// Metrics are named values: numbers, strings, lists and maps of them.
	// Their names are part of the report contract (docs/report.md).
	Metrics map[string]any `json:"metrics"`
	// Thresholds are the limits the status was decided with.
	Thresholds map[string]float64 `json:"thresholds"`
	// Examples are concrete rows or groups (at most Config.Examples).
	Examples []Example `json:"examples"`
	// ExamplesTotal is how many examples there were before the cap.
	ExamplesTotal int64 `json:"examples_total"`
	// Explain says why the check matters and how to fix what it finds.
	Explain string `json:"explain"`
}

// Example is one concrete finding: a group of rows, or a value with counts.
type Example struct {
	// Title says in a few words what the example shows.
	Title string `json:"title"`
	// Values are named facts about the example (counts, labels, shares).
	Values map[string]any `json:"values,omitempty"`
	// Rows locate the rows involved.
	Rows []RowRef `json:"rows,omitempty"`
}

// RowRef locates one row so a person can find it.
type RowRef struct {
	Split string `json:"split"`
	File  string `json:"file"`
	// Line is the 1-based line where the CSV record starts, or the 1-based
	// row number in a Parquet file.
	Line int64 `json:"line"`
	// ID is the value of the first id column, when ids are configured.
	ID    string `json:"id,omitempty"`
	Label string `json:"label,omitempty"`
	Text  string `json:"text,omitempty"`
}

// RunInfo holds what varies from run to run; everything else in the
// report is deterministic.
type RunInfo struct {
	StartedAt  time.Time `json:"started_at"`
	DurationMS int64     `json:"duration_ms"`
	Workers    int       `json:"workers"`
	Bytes      int64     `json:"bytes"`
	// Stages is the wall time of each stage of the run, in order; they
	// add up to DurationMS, give or take a millisecond per stage.
	Stages []Stage `json:"stages,omitempty"`
}

// Stage is the wall time of one stage of a run. The stages of audit run:
// "open" (config, inputs' headers and footers, column roles), "read" (one
// pass over every row: parsing, preparing, every check's accumulators;
// parallel), "merge" (the workers' state into one), "search" (the
// near-duplicate index's search, parallel), "revisit" (the recorded rows
// again, for the checks that revisit rows and for findings) and "results"
// (each check's result, the dataset's description, the verdict). A
// distributed run's finish has "reread" (Plan.Finish: the inputs read
// again to record their rows) or "records" (Plan.FinishRecords: the
// records sent by the consumers written down) in place of "open", "read"
// and "merge".
type Stage struct {
	Name string `json:"name"`
	MS   int64  `json:"ms"`
}

// stageClock times the stages of a run.
type stageClock struct {
	now    func() time.Time
	last   time.Time
	stages []Stage
}

func newStageClock(now func() time.Time, start time.Time) *stageClock {
	return &stageClock{now: now, last: start}
}

// lap ends the stage name at the current time.
func (c *stageClock) lap(name string) {
	if c == nil {
		return
	}
	t := c.now()
	c.stages = append(c.stages, Stage{Name: name, MS: t.Sub(c.last).Milliseconds()})
	c.last = t
}
