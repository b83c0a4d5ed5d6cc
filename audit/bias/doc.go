// Package bias owns the checks of who and what the data covers: class
// balance per split now; segment coverage, label disparity and label shift
// later.
//
// Accumulators here follow the audit contract: one per worker, Add without
// locks, Merge order-independent. They keep no Arrow memory.
package bias
