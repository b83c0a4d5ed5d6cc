// Package volume owns the checks of how much usable data there is: the
// pilot minimum now; per-class and per-segment minimums, holdout power and
// the no-ML baseline later.
//
// "Usable" means labeled, not a duplicate of another row, not in a label
// conflict. The counts come from the pipeline's shared key table
// (audit.Summary.Keys), so these accumulators hold no state of their own.
package volume
