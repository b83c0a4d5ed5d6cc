// Package bias owns the checks of who and what the data covers: class
// balance per split, segment coverage of train and holdout (and of the
// production stream), label disparity across segments, missing values by
// segment, and label shift between train and holdout.
//
// Segment values come ready in Batch.Segments (normalized, nulls as
// "(missing)"). Every segment check keeps exact counts per value up to 100,000
// distinct values per column (past that the column is reported as not
// analysed) and reports the 1,000 most frequent by name, folding the rest
// into "(other)" after the merge, so results do not depend on the worker
// count. The statistics come from package stats.
//
// Accumulators here follow the audit contract: one per worker, Add without
// locks, Merge order-independent. They keep no Arrow memory: strings taken
// from a batch are cloned before they are kept.
package bias
