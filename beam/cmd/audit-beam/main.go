// Command audit-beam runs audit run's checks as an Apache Beam pipeline.
// See docs/scale-out.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"dataready/beam/app"
)

func main() {
	if app.IsWorker(os.Args) {
		app.WorkerMain(os.Args)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
