// Package pipeline builds the Apache Beam pipeline of an audit: the same
// checks as the local run (package audit's Plan), as Beam transforms, so
// that an audit runs on Flink, Spark or Dataflow.
//
// # What it owns
//
// The DoFns that drive audit.Plan's stages — list each input file's units,
// find the split values (when a column splits the rows), consume a unit
// into encoded partial state, finish — and the one generic CombineFn that
// merges encoded partial state (decode, audit.Partial.Merge, encode), with
// a Beam coder for its accumulator so that partial state is encoded only
// when it leaves a worker; and the band search of near-duplicates
// (similar.BandSearch): the texts folded by key, one GroupByKey and
// bucket DoFn per band, what the buckets found combined for the finish.
//
// Every DoFn carries the audit's command-line arguments (Job), not a Plan:
// each worker process makes its own Plan from them, once per set of split
// names, and keeps it for its lifetime (plans opens the input files). Every
// worker must therefore see the inputs at the same paths as the launcher.
//
// # Concurrency
//
// DoFn methods may run concurrently on one worker; the plan cache is
// locked, and audit.Plan is safe for concurrent use once its splits are
// fixed. Arrow memory is allocated and released inside audit.Plan.
package pipeline
