// Package audit owns the domain of dataready: the configuration (Config),
// the report model (Report, CheckResult, Example, Problem, Finding), the
// contract every check implements (Spec, Accumulator, and the optional
// Flagger and Revisitor), the prepared batch every check reads (Batch), and
// the concurrent pipeline (Run) that streams the inputs through N workers
// and merges their accumulators.
//
// Besides the checks' accumulators, the pipeline owns shared state: the key
// table (one entry per row key), the near-duplicate index of the text column
// when a check uses it, and a per-worker spill of compact row records that
// is read back after the merge for findings and for checks that revisit
// rows (so that memory grows with distinct keys, never with rows).
//
// Arrow memory: the pipeline owns every record batch. A batch is valid only
// during Accumulator.Add; an accumulator that keeps a value copies it.
//
// Concurrency: Run reads the input files in turn on one goroutine and
// decodes their units on N workers; each worker owns one accumulator per
// check, so Add never needs a lock. Merge, Revisit and Result run on one
// goroutine after the workers finish; Flag predicates may run concurrently.
//
// Encoding: every check's accumulator, the key table, the run statistics,
// the dataset profile and the near-duplicate index encode the state they
// accumulate (Encodable, in the format of package wire), so that partial
// state can cross process boundaries and be merged elsewhere. RunOptions.Parts runs
// the input through that path in-process, and the property test in package
// registry checks that it gives the one-pass result for every check.
//
// Distributed runs: Plan cuts Run into stages that may run in different
// processes (units of a file, split names, consume a unit, merge encoded
// partial state, finish), sharing Run's setup, workers and report code;
// its split table is fixed up front (NewFixedSplitTable) so that every
// process numbers the splits alike. TestDistributed in package registry
// checks that the stages give Run's report. The Beam pipeline that drives
// them is a module of its own (beam/), so this module does not depend on
// Beam.
package audit
