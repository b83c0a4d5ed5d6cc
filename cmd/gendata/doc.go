// Command gendata writes dataready's data: with no flags, the bundled
// support-ticket fixture in fixtures/support-tickets (run it from the module
// root); with -rows N, a large benchmark dataset tickets-N.csv and/or
// tickets-N.parquet. The work is done by package dataready/fixtures/gen.
//
// Usage:
//
//	go run ./cmd/gendata                                 # the bundled fixture
//	go run ./cmd/gendata -rows 1000000 -out bench        # a large dataset
//	go run ./cmd/gendata -rows 1000000 -format csv -seed 7
package main
