// Command audit-beam runs audit run's checks as an Apache Beam pipeline.
// See docs/scale-out.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"dataready/beam/app"
	"dataready/gcpace"
)

func main() {
	// Unless GOGC is set, the collector is paced by the live heap, as in
	// audit run (gcpace), until the process exits.
	if _, set := os.LookupEnv("GOGC"); !set {
		gcpace.Start(gcpace.Default)
	}
	if app.IsWorker(os.Args) {
		app.WorkerMain(os.Args)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
