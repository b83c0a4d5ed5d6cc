//go:build unix

package app_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	fnpb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/fnexecution_v1"
	"google.golang.org/grpc"
)

// binDir is the folder of the binaries built for the tests (buildBinaries),
// removed by TestMain.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// The binaries the tests run as processes of their own: audit-beam, Beam's
// Go boot program (the entry point of the Beam Go SDK container: it fetches
// the staged worker binary and runs it with --worker) and Prism's job
// server.
const (
	auditBeamBin = "audit-beam"
	bootBin      = "boot"
	prismBin     = "prism"
)

var buildOnce = sync.OnceValue(func() error {
	dir, err := os.MkdirTemp("", "audit-beam-test-*")
	if err != nil {
		return err
	}
	binDir = dir
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// One go build, so that the three link in parallel; the boot
	// program's package is named container.
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", dir+string(filepath.Separator),
		"dataready/beam/cmd/audit-beam",
		"github.com/apache/beam/sdks/v2/go/container",
		"github.com/apache/beam/sdks/v2/go/cmd/prism")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	return os.Rename(filepath.Join(dir, "container"), filepath.Join(dir, bootBin))
})

// buildBinaries builds audit-beam, the boot program and prism once per test
// binary and returns their folder.
func buildBinaries(t *testing.T) string {
	t.Helper()
	start := time.Now()
	if err := buildOnce(); err != nil {
		t.Fatalf("build the test binaries: %v", err)
	}
	t.Logf("binaries built (or already there) in %v", time.Since(start).Round(time.Millisecond))
	return binDir
}

// syncBuffer is a bytes.Buffer for the output of several processes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startGroup starts cmd in a process group of its own and kills the group
// (the process and whatever it started) at the test's cleanup. It may be
// called from any goroutine.
func startGroup(t *testing.T, cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("%s (pid %d) not gone 10 s after SIGKILL", filepath.Base(cmd.Path), cmd.Process.Pid)
		}
	})
	return nil
}

// startPrism starts Prism's job server (its own process, on a port the OS
// picks, without its web UI) and returns its endpoint and its log (text
// lines: Prism's own and, prefixed "[SDK] ", those its workers send).
func startPrism(t *testing.T, dir string) (endpoint string, log *syncBuffer) {
	t.Helper()
	// The idle shutdown ends a job server the cleanup could not kill.
	cmd := exec.Command(filepath.Join(dir, prismBin), "--job_port=0", "--serve_http=false",
		"--log_kind=text", "--idle_shutdown_timeout=5m")
	cmd.Dir = t.TempDir()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := startGroup(t, cmd); err != nil {
		t.Fatal(err)
	}
	log = &syncBuffer{}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(log, line)
			if m := prismEndpoint.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		io.Copy(log, stderr)
	}()
	select {
	case endpoint = <-found:
		return endpoint, log
	case <-time.After(time.Minute):
		t.Fatalf("prism did not say its endpoint within a minute; its log:\n%s", log)
	}
	return "", nil
}

var prismEndpoint = regexp.MustCompile(`msg="Serving JobManagement" endpoint=(\S+)`)

// messages returns the msg of every line of a log of Go's slog text
// handler (Prism's with --log_kind=text, audit-beam's launcher's).
func messages(log string) []string {
	var msgs []string
	for line := range strings.Lines(log) {
		_, rest, ok := strings.Cut(line, " msg=")
		if !ok {
			continue
		}
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			if msg, err := strconv.Unquote(q); err == nil {
				msgs = append(msgs, msg)
				continue
			}
		}
		msg, _, _ := strings.Cut(rest, " ")
		msgs = append(msgs, strings.TrimSpace(msg))
	}
	return msgs
}

// workerPool is the worker pool of a Beam EXTERNAL environment (the
// BeamFnExternalWorkerPool service): for every worker the runner asks for,
// it starts Beam's Go boot program in a process group of its own, which
// fetches the staged worker binary from the runner and runs it with
// --worker. It is what `boot --worker_pool` does (Beam's
// sdks/go/container/pool), except that it listens on a port the OS picks
// (boot's is fixed at 50000), gives boot a semi-persistent folder of the
// test's own (its default, shared by every run on the machine, holds the
// staged binary) and a working folder (boot writes pipeline_options.json
// there), keeps the processes' output, and kills them at cleanup.
type workerPool struct {
	fnpb.UnimplementedBeamFnExternalWorkerPoolServer
	t    *testing.T
	boot string
	// Output is the stdout and stderr of every boot process and its worker.
	Output syncBuffer
}

// startWorkerPool serves a workerPool that runs boot and returns it and
// its address.
func startWorkerPool(t *testing.T, boot string) (*workerPool, string) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &workerPool{t: t, boot: boot}
	srv := grpc.NewServer()
	fnpb.RegisterBeamFnExternalWorkerPoolServer(srv, p)
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return p, lis.Addr().String()
}

// StartWorker starts boot for the worker of req.
func (p *workerPool) StartWorker(_ context.Context, req *fnpb.StartWorkerRequest) (*fnpb.StartWorkerResponse, error) {
	if req.GetControlEndpoint() == nil || req.GetLoggingEndpoint() == nil {
		return &fnpb.StartWorkerResponse{Error: "no control or logging endpoint for worker " + req.GetWorkerId()}, nil
	}
	cmd := exec.Command(p.boot,
		"--id="+req.GetWorkerId(),
		"--control_endpoint="+req.GetControlEndpoint().GetUrl(),
		"--artifact_endpoint="+req.GetArtifactEndpoint().GetUrl(),
		"--provision_endpoint="+req.GetProvisionEndpoint().GetUrl(),
		"--logging_endpoint="+req.GetLoggingEndpoint().GetUrl(),
		"--semi_persist_dir="+p.t.TempDir())
	cmd.Dir = p.t.TempDir()
	cmd.Stdout, cmd.Stderr = &p.Output, &p.Output
	if err := startGroup(p.t, cmd); err != nil {
		return &fnpb.StartWorkerResponse{Error: err.Error()}, nil
	}
	return &fnpb.StartWorkerResponse{}, nil
}

// StopWorker does nothing: the worker ends when the runner closes its
// control stream, and the test's cleanup kills what is left.
func (p *workerPool) StopWorker(context.Context, *fnpb.StopWorkerRequest) (*fnpb.StopWorkerResponse, error) {
	return &fnpb.StopWorkerResponse{}, nil
}

// removeWorkerCopies removes the copies of the worker binary that boot
// makes in a fresh folder "bin<digits>" of the system's temporary folder
// and never removes; the workers' "audit-beam worker: ... binary" lines in
// the output of the pool's processes say where they are.
func removeWorkerCopies(t *testing.T, output string) {
	for _, m := range workerLine.FindAllStringSubmatch(output, -1) {
		path, err := strconv.Unquote(m[2])
		if err != nil || filepath.Base(path) != "worker" || !bootCopy.MatchString(filepath.Base(filepath.Dir(path))) {
			t.Logf("not removing the worker binary %s: not a copy made by boot", m[2])
			continue
		}
		if err := os.RemoveAll(filepath.Dir(path)); err != nil {
			t.Errorf("remove boot's copy of the worker binary: %v", err)
		}
	}
}

// bootCopy matches the name of the folder of boot's copy of the worker.
var bootCopy = regexp.MustCompile(`^bin[0-9]+$`)
