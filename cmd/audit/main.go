// Command audit checks whether a labeled dataset is ready for a pilot.
// See the README for usage; everything but signal handling and the
// collector's default lives in package cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"dataready/cli"
)

// gcPercent is the collector's target when the GOGC environment variable
// is not set: the heap may grow by half what survived the last collection
// instead of doubling. Most of the audit's heap is pointer-free per-key
// state, so collections stay cheap: on the 10M-row benchmark the peak RSS
// fell from 8.8 to 7.3 GB with no loss of speed; on 1M rows from 0.97 to
// 0.84 GB, 4–6% slower (README, Performance).
const gcPercent = 50

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
