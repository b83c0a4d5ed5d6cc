// Package audit owns the domain of dataready: the configuration (Config),
// the report model (Report, CheckResult, Example, Problem), the contract
// every check implements (Spec, Accumulator), the prepared batch every check
// reads (Batch), and the concurrent pipeline (Run) that streams the inputs
// through N workers and merges their accumulators.
//
// Arrow memory: the pipeline owns every record batch. A batch is valid only
// during Accumulator.Add; an accumulator that keeps a value copies it.
//
// Concurrency: Run starts one reader goroutine per input file in turn and N
// workers; each worker owns one accumulator per check, so Add never needs a
// lock. Merge and Result run on one goroutine after the workers finish.
package audit
