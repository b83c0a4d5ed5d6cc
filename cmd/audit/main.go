// Command audit checks whether a labeled dataset is ready for a pilot.
// See the README for usage; everything but signal handling and the
// collector's pacing lives in package cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"dataready/cli"
	"dataready/gcpace"
)

func main() {
	// Unless GOGC is set, the collector is paced by the live heap: the
	// heap may grow 256 MiB past it (README, Performance), until the
	// process exits.
	if _, set := os.LookupEnv("GOGC"); !set {
		gcpace.Start(gcpace.Default)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
