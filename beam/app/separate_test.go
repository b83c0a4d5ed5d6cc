//go:build unix

package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	pipepb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/pipeline_v1"
	"google.golang.org/protobuf/encoding/prototext"

	"dataready/cli"
)

var (
	// workerLine is what audit-beam prints when started with --worker.
	workerLine = regexp.MustCompile(`audit-beam worker: process (\d+), binary (".*")`)
	// doFnLine is what the DoFns log (Prism's log prefixes "[SDK] ").
	doFnLine = regexp.MustCompile(`^\[SDK\] audit-beam: process (\d+) (made a plan of the audit|finishes the audit)$`)
)

// TestSeparateWorkersMatchLocalRun runs the audit of the bundled fixture
// with every component in a process of its own, as on a cluster: Prism's
// job server (the prism binary); audit-beam as the launcher, which submits
// the job to it with the universal runner and stages its own binary as the
// worker binary; and workers started by Beam's Go boot program, which
// fetches that binary from Prism and runs it with --worker. The report must
// equal audit run's, run metadata aside (as in TestPrismMatchesLocalRun),
// and every DoFn that logs its process (those that make a plan, and
// finish) must have run in a worker process that printed its id: not in
// the launcher or the test.
//
// Two environments start boot:
//   - EXTERNAL: a worker pool in the test process starts boot for the
//     worker Prism asks for (workerPool).
//   - PROCESS: Prism starts the command itself, with --id='<id>': v2.77.0
//     puts the quotes into the argument (there is no shell), boot sends
//     them on, Prism then rejects the quoted id (boot: "failed to get
//     manifest: ... worker_id: ... read from context metadata but not
//     registered in worker pool") and the job hangs. The command is
//     therefore a shell script that takes the quotes off and runs boot:
//     with boot itself as the command, this test would time out.
func TestSeparateWorkersMatchLocalRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three binaries and runs a job server")
	}
	dir := buildBinaries(t)
	for _, env := range []string{"EXTERNAL", "PROCESS"} {
		t.Run(env, func(t *testing.T) { testSeparateWorkers(t, dir, env) })
	}
}

// testSeparateWorkers is TestSeparateWorkersMatchLocalRun in environment
// env, with the binaries in dir.
func testSeparateWorkers(t *testing.T, dir, env string) {
	config := fixtureConfig(t)
	out := filepath.Join(t.TempDir(), "report")
	localOut := runLocal(t, config, out, testFormats)

	endpoint, prismLog := startPrism(t, dir)
	// workerOutput is where the workers' stdout and stderr go.
	workerOutput := prismLog
	envFlags := []string{"--environment_type=" + env}
	switch env {
	case "EXTERNAL":
		pool, addr := startWorkerPool(t, filepath.Join(dir, bootBin))
		workerOutput = &pool.Output
		envFlags = append(envFlags, "--environment_config="+addr)
	case "PROCESS":
		envFlags = append(envFlags, `--environment_config={"command":`+strconv.Quote(unquotingBoot(t, filepath.Join(dir, bootBin)))+`}`)
	}
	t.Cleanup(func() { removeWorkerCopies(t, workerOutput.String()) })

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	launcher := exec.CommandContext(ctx, filepath.Join(dir, auditBeamBin), slices.Concat([]string{
		"--runner=universal", "--endpoint=" + endpoint, "--worker_binary=" + filepath.Join(dir, auditBeamBin),
	}, envFlags, testArgs(config, out))...)
	launcher.Dir = t.TempDir()
	launcher.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	launcher.Stdout, launcher.Stderr = &stdout, &stderr
	start := time.Now()
	err := launcher.Run()
	t.Logf("audit-beam, universal runner, Prism job server, %s environment: %v", env, time.Since(start).Round(time.Millisecond))
	diagnose := func() string {
		s := "\n--- launcher's stderr:\n" + stderr.String() + "\n--- Prism's log:\n" + prismLog.String()
		if workerOutput != prismLog {
			s += "\n--- worker pool's processes:\n" + workerOutput.String()
		}
		return s
	}
	if ctx.Err() != nil {
		t.Fatalf("audit-beam did not finish within 3 minutes (Prism may wait for a worker that never connected)%s", diagnose())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != cli.ExitNotReady {
		t.Fatalf("audit-beam: %v, want exit %d as audit run%s", err, cli.ExitNotReady, diagnose())
	}
	compareReports(t, out, localOut)

	// Which process ran the DoFns.
	workers := map[int]bool{}
	for _, m := range workerLine.FindAllStringSubmatch(workerOutput.String(), -1) {
		pid, _ := strconv.Atoi(m[1])
		workers[pid] = true
	}
	if len(workers) == 0 {
		t.Fatalf("no audit-beam worker process was started%s", diagnose())
	}
	t.Logf("audit-beam worker processes: %v", slices.Sorted(maps.Keys(workers)))
	not := map[int]string{os.Getpid(): "the test", launcher.Process.Pid: "the launcher"}
	// The DoFns' lines reach Prism's log through the worker's logging
	// stream, which may lag behind the end of the job.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if strings.Contains(prismLog.String(), "finishes the audit") {
			break
		}
	}
	var plans, finishes int
	for _, msg := range messages(prismLog.String()) {
		m := doFnLine.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		pid, _ := strconv.Atoi(m[1])
		if who, ok := not[pid]; ok {
			t.Errorf("a DoFn ran in %s (process %d): %q", who, pid, msg)
		} else if !workers[pid] {
			t.Errorf("a DoFn ran in process %d, not a worker started by boot: %q", pid, msg)
		}
		if m[2] == "finishes the audit" {
			finishes++
		} else {
			plans++
		}
	}
	t.Logf("DoFn log lines: %d of a plan made, %d of the finish", plans, finishes)
	if plans == 0 || finishes != 1 {
		t.Errorf("Prism's log has %d lines of a worker making a plan and %d of one finishing the audit, want > 0 and 1%s", plans, finishes, diagnose())
	}
	if strings.Contains(stderr.String(), "audit-beam: process") {
		t.Errorf("the launcher's log has a DoFn's line: a DoFn ran in the launcher%s", diagnose())
	}
}

// TestDataflowDryRun runs audit-beam with --runner=dataflow --dry_run and
// made-up project and bucket: without credentials or network it must exit
// 0 and print the job definition, that is the pipeline proto (whose
// transforms must be the audit's steps) and the Dataflow job JSON (whose
// workers must get the worker binary).
func TestDataflowDryRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	dir := buildBinaries(t)
	worker := filepath.Join(dir, auditBeamBin)
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, worker, slices.Concat([]string{
		"--runner=dataflow", "--dry_run", "--project=test-project", "--region=us-central1",
		"--staging_location=gs://bucket/staging", "--worker_binary=" + worker,
	}, testArgs(fixtureConfig(t), out))...)
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("audit-beam --runner=dataflow --dry_run: %v, want exit 0; stderr:\n%s", err, stderr.String())
	}

	var model *pipepb.Pipeline
	var job *dataflowJob
	for _, msg := range messages(stderr.String()) {
		switch {
		case strings.HasPrefix(msg, "components:"):
			model = &pipepb.Pipeline{}
			if err := prototext.Unmarshal([]byte(msg), model); err != nil {
				t.Fatalf("the printed pipeline does not parse: %v", err)
			}
		case strings.HasPrefix(msg, "{"):
			job = &dataflowJob{}
			if err := json.Unmarshal([]byte(msg), job); err != nil {
				t.Fatalf("the printed Dataflow job does not parse: %v", err)
			}
		}
	}
	if model == nil || job == nil {
		t.Fatalf("the dry run printed no pipeline or no job (pipeline %v, job %v); stderr:\n%s", model != nil, job != nil, stderr.String())
	}

	var names []string
	for _, tr := range model.GetComponents().GetTransforms() {
		names = append(names, tr.GetUniqueName())
	}
	for _, want := range []string{
		"audit/units/pipeline.unitsFn",
		"audit/spread/Reshuffle",
		"audit/consume/pipeline.consumeFn",
		"audit/merge/CombinePerKey/pipeline.combineFn",
		"audit/finish/pipeline.finishFn",
		// The band search of the near-duplicate index: a GroupByKey and
		// a bucket DoFn per band, 20 at the default threshold 0.8.
		"audit/near-duplicates/fold-texts/CombinePerKey/pipeline.foldTextFn",
		"audit/near-duplicates/members/pipeline.memberFn",
		"audit/near-duplicates/band-00/CoGBK",
		"audit/near-duplicates/band-00/pipeline.bucketFn",
		"audit/near-duplicates/band-19/CoGBK",
		"audit/near-duplicates/band-19/pipeline.bucketFn",
		"audit/near-duplicates/found/CombinePerKey/pipeline.foundFn",
	} {
		if !slices.Contains(names, want) {
			t.Errorf("the pipeline has no transform %q; it has %q", want, slices.Sorted(slices.Values(names)))
		}
	}
	if slices.Contains(names, "audit/near-duplicates/band-20/CoGBK") {
		t.Error("the pipeline has a 21st band; the default threshold has 20")
	}
	if got := job.Environment.SDKPipelineOptions.GoOptions.Options.WorkerBinary; got != worker {
		t.Errorf("the job's go_options worker_binary is %q, want %q", got, worker)
	}
	var staged bool
	for _, pool := range job.Environment.WorkerPools {
		for _, p := range pool.Packages {
			if p.Name == "worker" && strings.HasPrefix(p.Location, "gs://bucket/staging/") {
				staged = true
			}
		}
	}
	if !staged {
		t.Errorf("no worker pool of the job gets the package \"worker\" from gs://bucket/staging/: %+v", job.Environment.WorkerPools)
	}
	if files, _ := os.ReadDir(out); len(files) > 0 {
		t.Errorf("the dry run wrote %d files into --out", len(files))
	}
}

// dataflowJob is the part of the Dataflow job JSON the dry run test reads.
type dataflowJob struct {
	Environment struct {
		SDKPipelineOptions struct {
			GoOptions struct {
				Options struct {
					WorkerBinary string `json:"worker_binary"`
				} `json:"options"`
			} `json:"beam:option:go_options:v1"`
		} `json:"sdkPipelineOptions"`
		WorkerPools []struct {
			Packages []struct {
				Name     string `json:"name"`
				Location string `json:"location"`
			} `json:"packages"`
		} `json:"workerPools"`
	} `json:"environment"`
}

// unquotingBoot writes a shell script that runs boot, as Prism's PROCESS
// environment command, with the quotes Prism v2.77.0 puts around the
// worker id taken off, and a semi-persistent folder of the test's own; it
// returns the script's path.
func unquotingBoot(t *testing.T, boot string) string {
	t.Helper()
	script := filepath.Join(t.TempDir(), "boot.sh")
	text := "#!/bin/sh\n" +
		"# Prism starts: boot.sh --id='<id>' --provision_endpoint=<endpoint>\n" +
		"id=$(printf '%s' \"$1\" | tr -d \"'\")\n" +
		"shift\n" +
		"exec " + shellQuote(boot) + " \"$id\" --semi_persist_dir=" + shellQuote(t.TempDir()) + " \"$@\"\n"
	if err := os.WriteFile(script, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
	return script
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
