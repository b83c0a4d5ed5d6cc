// Package labels owns the label checks: can the labels be trusted as
// ground truth? labels.missing, labels.variants, labels.allowed,
// labels.conflicts and labels.agreement.
//
// Accumulators here follow the audit contract: one per worker, Add without
// locks, Merge order-independent. They keep no Arrow memory. Flag
// predicates only read and may run concurrently.
package labels
