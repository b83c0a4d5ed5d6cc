// Package app is the command line of audit-beam: audit run's flags and
// config (package cli), plus every flag of the Beam packages it links
// (--runner, --endpoint, --worker_binary, --environment_type, ...). It
// builds the pipeline of package pipeline, runs it on the chosen runner,
// then reads report.json back to print the summary and return audit run's
// exit codes. It also starts the binary as a Beam worker (IsWorker,
// WorkerMain) when a runner launches it with --worker.
package app
