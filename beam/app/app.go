package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	urfave "github.com/urfave/cli/v2"

	"dataready/audit"
	"dataready/beam/pipeline"
	"dataready/cli"
	"dataready/snapshot"
	"dataready/source"

	// Filesystems for the report folder (and Beam's own staging).
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3"
	// Runners, chosen with --runner.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"
)

// IsWorker reports whether args start the binary as a Beam worker (the
// runner's boot code passes --worker): it must then only call
// WorkerMain.
func IsWorker(args []string) bool {
	for _, a := range args[1:] {
		if a == "--worker" || a == "-worker" || strings.HasPrefix(a, "--worker=") || strings.HasPrefix(a, "-worker=") {
			return true
		}
	}
	return false
}

// WorkerMain runs the Beam worker harness with args (Beam's flags only).
// A worker id in quotes (--id='1-1' or --id="1-1") gets them taken off.
// Prism v2.77.0 puts single quotes around the id when it starts a PROCESS
// environment's command, but that command is Beam's boot program, which
// fails on the quoted id before it starts a worker (docs/scale-out.md).
func WorkerMain(args []string) {
	fixed := make([]string, len(args)-1)
	for i, a := range args[1:] {
		if name, v, ok := strings.Cut(a, "="); ok && (name == "--id" || name == "-id") && len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			a = name + "=" + v[1:len(v)-1]
		}
		fixed[i] = a
	}
	if err := flag.CommandLine.Parse(fixed); err != nil {
		fmt.Fprintln(os.Stderr, "audit-beam worker:", err)
		os.Exit(2)
	}
	// Tells the process's id and binary before the harness takes over the
	// logs (it sends them to the runner): a separate-worker test matches
	// the id with the DoFns' log lines, and removes the copy of the binary
	// that Beam's boot program leaves behind.
	exe, _ := os.Executable()
	fmt.Fprintf(os.Stderr, "audit-beam worker: process %d, binary %q\n", os.Getpid(), exe)
	beam.Init() // runs the harness and exits
}

// Main runs audit-beam with args (args[0] is the program name) and
// returns the exit code, as cli.Main does for audit: audit run's flags and
// paths, plus Beam's flags (--runner, --endpoint, --worker_binary,
// --environment_type, ... — every flag the linked Beam packages define).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	runFlags := cli.RunFlags()
	own := map[string]bool{}
	for _, f := range runFlags {
		for _, n := range f.Names() {
			own[n] = true
		}
	}
	flags := append(slices.Clone(runFlags),
		&urfave.IntFlag{Name: "chunk-bytes", Usage: "approximate bytes of one CSV work unit (default 4 MiB; tests make it small)", Hidden: true},
		&urfave.IntFlag{Name: "batch-rows", Usage: "rows of one record batch (default 8192)", Hidden: true})
	var beamFlags []string
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if own[f.Name] || f.Name == "help" || f.Name == "h" {
			return
		}
		beamFlags = append(beamFlags, f.Name)
		usage := "Beam: " + f.Usage
		if isBool(f) {
			flags = append(flags, &urfave.BoolFlag{Name: f.Name, Usage: usage, Category: "Beam"})
			return
		}
		flags = append(flags, &urfave.StringFlag{Name: f.Name, Usage: usage, Value: f.DefValue, Category: "Beam"})
	})
	app := &urfave.App{
		Name:      "audit-beam",
		Usage:     "audit run, as an Apache Beam pipeline (Flink, Spark, Dataflow, Prism)",
		ArgsUsage: "[PATH...] (flags first, then paths)",
		Version:   cli.Version,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags:     flags,
		// Errors are printed and mapped to exit codes below, not by urfave.
		ExitErrHandler: func(*urfave.Context, error) {},
		Action: func(c *urfave.Context) error {
			return run(c, args[1:], beamFlags)
		},
	}
	err := app.RunContext(ctx, args)
	code := cli.ExitCode(err)
	if err != nil && code != cli.ExitNotReady {
		fmt.Fprintln(stderr, "audit-beam:", err)
	}
	return code
}

// run hands Beam its flags, builds and runs the pipeline, then reads the
// report back to print its summary and give the exit code.
func run(c *urfave.Context, args, beamFlags []string) error {
	for _, name := range beamFlags {
		if c.IsSet(name) {
			if err := flag.CommandLine.Set(name, c.String(name)); err != nil {
				return fmt.Errorf("--%s: %w", name, err)
			}
		}
	}
	beam.Init()

	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	job := pipeline.Job{Args: auditArgs(args, append(beamFlags, "chunk-bytes", "batch-rows")), Dir: dir,
		ChunkBytes: c.Int("chunk-bytes"), BatchRows: c.Int("batch-rows")}
	if path := c.String("config"); path != "" {
		// The workers get the config with the job, not by its path.
		if job.ConfigYAML, err = os.ReadFile(path); err != nil {
			return &audit.ConfigError{Err: fmt.Errorf("read %s: %w", path, err)}
		}
	}
	cfg, err := job.Config()
	if err != nil {
		return err
	}
	// The launcher's plan checks the config and inputs before submitting.
	plan, err := audit.NewPlan(c.Context, cfg, job.Options(cfg))
	if err != nil {
		return err
	}
	defer plan.Close()

	p, s := beam.NewPipelineWithRoot()
	pipeline.Build(s, job, plan)
	if _, err := beamx.RunWithMetrics(c.Context, p); err != nil {
		return fmt.Errorf("beam pipeline: %w", err)
	}
	if f := c.String("dry_run"); f == "true" {
		return nil
	}
	rep, err := readReport(c.Context, cfg)
	if err != nil {
		return err
	}
	if !cfg.Quiet {
		cli.PrintSummary(c.App.Writer, rep, reportPath(cfg))
	}
	return cli.Outcome(cfg, rep)
}

// auditArgs drops Beam's flags (and their values) from args, leaving
// audit run's flags and paths for the workers.
func auditArgs(args, beamFlags []string) []string {
	isBeam := map[string]bool{}
	for _, n := range beamFlags {
		isBeam[n] = true
	}
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !isBeam[name] {
			out = append(out, a)
			continue
		}
		if hasValue {
			continue
		}
		if !isBool(flag.CommandLine.Lookup(name)) {
			i++ // the flag's value
		}
	}
	return out
}

func reportPath(cfg *audit.Config) string {
	return strings.TrimSuffix(cfg.Out, "/") + "/" + snapshot.ReportFile
}

// readReport reads the report.json the pipeline wrote, through Beam's
// filesystem when the out folder is remote.
func readReport(ctx context.Context, cfg *audit.Config) (*audit.Report, error) {
	path := reportPath(cfg)
	if source.IsURL(path) {
		fs, err := filesystem.New(ctx, path)
		if err != nil {
			return nil, err
		}
		defer fs.Close()
		data, err := filesystem.Read(ctx, fs, path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		tmp, err := os.MkdirTemp("", "audit-beam-*")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, snapshot.ReportFile)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
	}
	rep, _, err := snapshot.Read(path)
	return rep, err
}

// isBool reports whether f is a boolean flag (nil is not).
func isBool(f *flag.Flag) bool {
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
