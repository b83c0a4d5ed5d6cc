// Package valueclass counts, per column, labeled rows per value × class,
// and scores the no-ML rule "predict the most frequent fitting-side class
// of the row's value" on them. It is the one definition, shared by
// leakage.target (predictive power) and volume.baseline (best single
// column), of:
//
//   - the fitting and scoring sides (Sides: train → holdout, else the
//     80/20 hash split by row key, EvalHalf);
//   - what a value is (norm of the raw value; null values and null tokens
//     form the group "(missing)");
//   - numeric bucketing (deciles of the fitting-side values, exact or on a
//     1% log histogram past the cap; ParseNumber);
//   - the caps (MaxValues distinct values per column, a bottom-k sample by
//     hash beyond; MaxClasses classes);
//   - tie-breaks and the power formula (ScoreGroups).
//
// so the two checks' numbers agree exactly: a column's baseline accuracy
// is the rule accuracy behind its leakage.target power, and the baseline
// leaves out the columns leakage.target calls suspects (SuspectPower).
//
// It is a helper, not a check: it imports only audit and audit/norm, and
// check packages import it.
//
// Arrow memory: Table.Add reads a batch only during the call and keeps
// copies of the strings it retains (class names, displayed values); it
// holds no Arrow memory.
//
// Concurrency: a Table or Counts belongs to one accumulator of one worker
// (Add takes no lock); Merge, Finish, Groups and ScoreGroups run on one
// goroutine after the workers finish.
package valueclass
