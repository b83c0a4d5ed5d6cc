package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Why a launcher: Go starts a child with clone(CLONE_VFORK|CLONE_VM), so the
// child runs in its parent's address space until it execs, and at exec Linux
// folds that address space's high-water RSS into the child's ru_maxrss. A
// child of the harness would thus report at least the harness's own peak
// RSS, which grows with dataset generation and the DuckDB library. The
// harness therefore starts, first thing, a small process of its own binary
// (bench launch) that does nothing but start the measured children one at a
// time and report their costs; their RSS floor is the launcher's (about
// 25 MB), which TestLauncherRSSFloor checks.

// launchRequest asks the launcher to run one child.
type launchRequest struct {
	Dir     string        `json:"dir"`
	Name    string        `json:"name"`
	Args    []string      `json:"args"`
	OK      []int         `json:"ok"`
	Timeout time.Duration `json:"timeout"`
}

// launchResponse is what the child did.
type launchResponse struct {
	Stdout      []byte      `json:"stdout"`
	Measurement Measurement `json:"measurement"`
	Err         string      `json:"err,omitempty"`
	Exit        *ExitError  `json:"exit,omitempty"`
	Timeout     bool        `json:"timeout,omitempty"`
}

// launchMain serves requests from in, one JSON object per line, until in
// ends: the launcher subcommand.
func launchMain(ctx context.Context, in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(bufio.NewReader(in))
	enc := json.NewEncoder(out)
	for {
		var req launchRequest
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("launcher: read request: %w", err)
		}
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if req.Timeout > 0 {
			cctx, cancel = context.WithTimeout(ctx, req.Timeout)
		}
		stdout, m, err := runChild(cctx, req.Dir, req.Name, req.Args, req.OK...)
		timedOut := cctx.Err() != nil && ctx.Err() == nil
		cancel()
		resp := launchResponse{Stdout: stdout, Measurement: m, Timeout: timedOut}
		var ee *ExitError
		switch {
		case errors.As(err, &ee):
			resp.Exit = ee
		case err != nil:
			resp.Err = err.Error()
		}
		if err := enc.Encode(resp); err != nil {
			return fmt.Errorf("launcher: write response: %w", err)
		}
	}
}

// Launcher is the harness's handle on its launcher process.
type Launcher struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	enc *json.Encoder
	dec *json.Decoder
}

// StartLauncher starts self launch. Call it before the harness grows.
func StartLauncher(self string) (*Launcher, error) {
	cmd := exec.Command(self, "launch")
	cmd.Stderr = os.Stderr
	// The launcher dies with the harness (and each child with the launcher:
	// runChild sets the same).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the launcher: %w", err)
	}
	return &Launcher{cmd: cmd, in: in, enc: json.NewEncoder(in), dec: json.NewDecoder(out)}, nil
}

// Run runs name with args in dir through the launcher, as runChild does;
// timeout 0 means none. Cancelling ctx kills the launcher and its child.
func (l *Launcher) Run(ctx context.Context, timeout time.Duration, dir, name string, args []string, ok ...int) ([]byte, Measurement, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.enc.Encode(launchRequest{Dir: dir, Name: name, Args: args, OK: ok, Timeout: timeout}); err != nil {
		return nil, Measurement{}, fmt.Errorf("launcher: %w", err)
	}
	type result struct {
		resp launchResponse
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		var r launchResponse
		err := l.dec.Decode(&r)
		ch <- result{r, err}
	}()
	var r result
	select {
	case r = <-ch:
	case <-ctx.Done():
		l.cmd.Process.Kill()
		<-ch
		return nil, Measurement{}, ctx.Err()
	}
	switch {
	case r.err != nil:
		return nil, Measurement{}, fmt.Errorf("launcher: %w", r.err)
	case r.resp.Timeout:
		return nil, r.resp.Measurement, fmt.Errorf("%s: killed after the timeout of %s", name, timeout)
	case r.resp.Exit != nil:
		return nil, r.resp.Measurement, r.resp.Exit
	case r.resp.Err != "":
		return nil, r.resp.Measurement, errors.New(r.resp.Err)
	}
	return r.resp.Stdout, r.resp.Measurement, nil
}

// Close ends the launcher.
func (l *Launcher) Close() error {
	l.in.Close()
	return l.cmd.Wait()
}
