// Command bench is dataready's measurement harness (issue 9): it generates
// the benchmark datasets with the project's generator, runs the audit, DuckDB
// and pandas on them side by side, each run its own process, checks that the
// audit's numbers equal DuckDB's answers, and writes RESULTS.md. README.md
// says what it runs and what it assumes.
//
//	cd bench && go run . -rows 1000000 -runs 3
//
// It is its own module so that DuckDB's cgo bindings stay out of the
// product's build. Subcommands used by the harness itself: "launch" starts
// the measured children (launcher.go explains why), "query" runs one DuckDB
// query.
//
// Concurrency: the harness runs one measured child at a time; nothing here
// holds Arrow memory.
package main
