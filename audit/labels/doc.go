// Package labels owns the label checks: can the labels be trusted as
// ground truth? This check is labels.missing; spelling variants,
// the allowed set, conflicts and annotator agreement join it later.
//
// Accumulators here follow the audit contract: one per worker, Add without
// locks, Merge order-independent. They keep no Arrow memory.
package labels
