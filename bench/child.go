package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Measurement is what one child process cost.
type Measurement struct {
	// Wall is the wall-clock time from start to exit.
	Wall time.Duration
	// PeakRSS is the child's peak resident set size in bytes (ru_maxrss).
	PeakRSS int64
	// User and Sys are the CPU times the child used.
	User, Sys time.Duration
	// Stages are the wall times of the audit's stages, from its report
	// (run.stages); none for other children.
	Stages []Stage
}

// Stage is the wall time of one stage of an audit run.
type Stage struct {
	Name string
	Wall time.Duration
}

// fromRusage reads a Measurement's resource figures from a rusage filled by
// wait4: on Linux Maxrss is in kilobytes.
func fromRusage(ru *syscall.Rusage, wall time.Duration) Measurement {
	return Measurement{
		Wall:    wall,
		PeakRSS: ru.Maxrss * 1024,
		User:    time.Duration(ru.Utime.Nano()),
		Sys:     time.Duration(ru.Stime.Nano()),
	}
}

// ExitError is a child that ran but exited with a status its caller does not
// accept.
type ExitError struct {
	Cmd string // the program's base name

	Code   int
	Stderr string
}

func (e *ExitError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	return fmt.Sprintf("%s: exit status %d: %s", e.Cmd, e.Code, msg)
}

// runChild runs name with args in dir as its own process, waits for it and
// returns its standard output and what it cost. Wall time runs from just
// before the fork to the return of the wait; peak RSS and CPU times come from
// the rusage the kernel reports when the child is reaped. Exit codes listed in
// ok (0 when ok is empty) are successes; any other is an *ExitError carrying
// the end of the child's standard error.
func runChild(ctx context.Context, dir, name string, args []string, ok ...int) ([]byte, Measurement, error) {
	if len(ok) == 0 {
		ok = []int{0}
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		return nil, Measurement{}, fmt.Errorf("start %s: %w", name, err)
	}
	ru, isRusage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !isRusage || ru == nil {
		return nil, Measurement{}, errors.New("no rusage for the child: this harness needs Linux")
	}
	m := fromRusage(ru, wall)
	code := cmd.ProcessState.ExitCode()
	for _, c := range ok {
		if code == c {
			return stdout.Bytes(), m, nil
		}
	}
	if ctx.Err() != nil {
		return nil, m, ctx.Err()
	}
	tail := stderr.Bytes()
	if len(tail) > 4000 {
		tail = tail[len(tail)-4000:]
	}
	return nil, m, &ExitError{Cmd: filepath.Base(name), Code: code, Stderr: string(tail)}
}

// selfPath is the harness binary, re-invoked for each measured query.
func selfPath() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the harness binary: %w", err)
	}
	return p, nil
}
