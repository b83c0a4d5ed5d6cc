// Package cli is the command line of dataready: `audit run` (with
// --baseline, a comparison with an earlier snapshot's report), `audit diff`
// and `audit history` (comparisons and charts of existing reports),
// `audit init` and `audit checks`. Main returns the process exit code,
// mapping errors to codes in exactly one place (ExitCode), so cmd/audit
// stays a few lines and the whole CLI is testable in-process.
package cli
