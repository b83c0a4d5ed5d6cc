// Command audit checks whether a labeled dataset is ready for a pilot.
// See the README for usage; everything but signal handling lives in
// package cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"dataready/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
