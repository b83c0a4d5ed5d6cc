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
// It is a helper, not a check: of this module it imports only audit,
// audit/norm and audit/wire (its encoding), and check packages import it.
//
// Counting is per cell (class × split × half): a Table numbers the cells
// it meets and its Counts count rows per cell id, in short lists or small
// slices rather than maps; Merge maps one table's ids onto the other's,
// and encodings write cells, never ids.
//
// Arrow memory: Table.Add reads a batch only during the call and keeps
// copies of the strings it retains (class names, displayed values); it
// holds no Arrow memory.
//
// Concurrency: a Table or Counts belongs to one accumulator of one worker
// (Add takes no lock; a Table's Counts share its cell numbering, so they
// belong with it); Merge, Finish, Groups and ScoreGroups run on one
// goroutine after the workers finish.
package valueclass
