package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"dataready/fixtures/gen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := gen.Main(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}
