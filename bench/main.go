package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to the harness or, with the first argument "query", to the
// child that runs one DuckDB query, or with "launch" to the launcher that
// starts the measured children (see launcher.go). It returns the exit code: 0 done, 1 a
// failed run or a correctness mismatch, 2 bad command line, 130 interrupted.
func run(ctx context.Context, args []string) int {
	var err error
	switch {
	case len(args) > 0 && args[0] == "query":
		err = queryMain(ctx, args[1:], os.Stdout)
	case len(args) > 0 && args[0] == "launch":
		err = launchMain(ctx, os.Stdin, os.Stdout)
	default:
		err = harnessMain(ctx, args, os.Stdout, os.Stderr)
	}
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "bench: interrupted")
		return 130
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	fmt.Fprintln(os.Stderr, "bench:", err)
	return 1
}
