// Package volume owns the checks of how much usable data there is:
// volume.pilot_minimum (200 / 1000 usable examples), class_minimum,
// segment_minimum, holdout_power (is the holdout big enough to measure the
// promised lift?) and baseline (what a no-ML rule already scores).
//
// "Usable" means labeled, not a duplicate of another row, not in a label
// conflict; those counts come from the pipeline's shared key table
// (audit.Summary.Keys). The baseline's single-column rules read the value ×
// class table of package valueclass, the same one leakage.target uses, and
// its keyword rule keeps the scored rows in a temporary file that Close
// removes. Accumulators keep no Arrow memory.
package volume
