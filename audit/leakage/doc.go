// Package leakage owns the checks that ask whether the holdout score will
// tell the truth about new traffic, or whether the model is being tested on
// what it has already seen:
//
//   - leakage.exact_overlap: holdout rows whose row key occurs in train;
//   - leakage.entity_overlap: entities (ids columns) present on both sides;
//   - leakage.temporal: holdout rows dated before the end of train;
//   - leakage.target: columns that give the label away;
//   - leakage.duplicates: duplicate rows within each split.
//
// (leakage.near_duplicates is built on the shared near-duplicate index and
// lives elsewhere.) leakage.target counts and scores its columns with
// package audit/valueclass, which volume.baseline uses too, so that the
// two checks measure single-column rules the same way.
//
// Arrow memory: the pipeline owns every record batch; accumulators here
// read a batch only during Add and keep copies of the few strings they
// retain (class names, displayed values, example rows). They keep no Arrow
// memory.
//
// Concurrency: each worker owns one accumulator per check, so Add takes no
// lock; Merge, Revisit and Result run on one goroutine after the workers
// finish; the predicates returned by Flag only read and may run on several
// goroutines at once.
//
// Memory grows with distinct keys, entity values and (for temporal) holdout
// rows with a time, never with raw rows; docs/checks-leakage.md gives the
// bytes per row and how they were measured (BenchmarkMemory).
package leakage
