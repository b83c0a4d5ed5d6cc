package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"dataready/audit"
	"dataready/audit/registry"
	"dataready/reports"
	"dataready/snapshot"
	"dataready/source"
)

// Version is the tool version; set at build time with -ldflags "-X dataready/cli.Version=...".
var Version = "0.1.0-dev"

// Exit codes.
const (
	ExitReady       = 0
	ExitNotReady    = 1
	ExitCannotAudit = 2
	ExitInterrupted = 130
)

// errNotReady carries a verdict that should exit 1; it is not a failure of the tool.
var errNotReady = errors.New("not ready")

// usageError is a bad command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// ExitCode maps the outcome of a command to the process exit code: the one
// place where that happens.
func ExitCode(err error) int {
	var cfgErr *audit.ConfigError
	var srcErr *source.Error
	var usage usageError
	var readErr *snapshot.ReadError
	var versionErr *snapshot.VersionError
	switch {
	case err == nil:
		return ExitReady
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.Is(err, errNotReady):
		return ExitNotReady
	case errors.As(err, &cfgErr), errors.As(err, &srcErr), errors.As(err, &usage), errors.Is(err, audit.ErrTooManyBadRows),
		errors.As(err, &readErr), errors.As(err, &versionErr):
		return ExitCannotAudit
	}
	return ExitCannotAudit
}

// Main runs the command line with args (args[0] is the program name) and
// returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, hoistFlags(app, args))
	code := ExitCode(err)
	if err != nil && code != ExitNotReady {
		if code == ExitInterrupted {
			fmt.Fprintln(stderr, "audit: interrupted; no report written")
		} else {
			fmt.Fprintln(stderr, "audit:", err)
		}
	}
	return code
}

// hoistFlags moves the flags of a subcommand that follow its first path
// argument in front of the paths ("audit run data.csv --label y"): urfave/cli
// stops parsing flags at the first argument that is not one. "--" ends the
// flags as usual.
func hoistFlags(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	var cmd *cli.Command
	for _, c := range app.Commands {
		if c.Name == args[1] {
			cmd = c
		}
	}
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			takesValue[name] = !isBool
		}
	}
	var flags, paths []string
	rest := args[2:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			paths = append(paths, rest[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			paths = append(paths, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if takesValue[name] && i+1 < len(rest) {
			i++
			flags = append(flags, rest[i])
		}
	}
	out := append([]string{args[0], args[1]}, flags...)
	return append(out, paths...)
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "audit",
		Usage:     "is this labeled dataset ready for a pilot?",
		Version:   Version,
		Writer:    stdout,
		ErrWriter: stderr,
		// Errors are printed and mapped to exit codes by Main, not by urfave.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
		Commands: []*cli.Command{runCommand(), diffCommand(), historyCommand(), initCommand(), checksCommand()},
	}
}

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "audit the data and write the reports",
		ArgsUsage: "[PATH...] (files, globs or folders; rows split by --split, or one split 'all')",
		Flags:     RunFlags(),
		Action:    runAction,
	}
}

// RunFlags returns the flags of audit run, new values on every call, for
// other commands that audit the same way (audit-beam).
func RunFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "audit.yaml to read (flags override it)"},
		&cli.StringFlag{Name: "label", Usage: "label column (config: label)"},
		&cli.StringFlag{Name: "text", Usage: "text column; the row key is its normalized text (config: text)"},
		&cli.StringFlag{Name: "split", Usage: "column naming each row's split (config: split)"},
		&cli.StringSliceFlag{Name: "train", Usage: "training split input, repeatable (config: train)"},
		&cli.StringSliceFlag{Name: "holdout", Usage: "holdout split input, repeatable (config: holdout)"},
		&cli.StringSliceFlag{Name: "input", Usage: "NAME=PATH: input of split NAME, repeatable (config: splits)"},
		&cli.StringFlag{Name: "train-split", Usage: "name of the training split (config: train_split)", Value: "train"},
		&cli.StringSliceFlag{Name: "segments", Usage: "segment columns (config: segments)"},
		&cli.StringSliceFlag{Name: "ids", Usage: "entity id columns such as user_id (config: ids)"},
		&cli.StringFlag{Name: "time", Usage: "time column (config: time)"},
		&cli.StringSliceFlag{Name: "annotators", Usage: "label columns of several annotators (config: annotators)"},
		&cli.StringSliceFlag{Name: "exclude", Usage: "columns to ignore entirely (config: exclude)"},
		&cli.StringSliceFlag{Name: "reference", Usage: "unlabeled production rows to compare segment shares with, repeatable (config: reference)"},
		&cli.BoolFlag{Name: "time-split", Usage: "the split is by time: holdout rows before the end of train fail (config: time_split)"},
		&cli.StringFlag{Name: "positive-class", Usage: "class whose rate bias.label_disparity compares (config: positive_class)"},
		&cli.StringSliceFlag{Name: "null-values", Usage: "tokens read as missing (config: null_values)"},
		&cli.StringFlag{Name: "delimiter", Usage: "CSV delimiter; default: detected (config: delimiter)"},
		&cli.StringFlag{Name: "quote", Usage: `CSV quote character; "" turns quoting off (config: quote)`},
		&cli.BoolFlag{Name: "trim-space", Usage: "trim spaces around CSV fields (config: trim_space)"},
		&cli.StringFlag{Name: "max-bad-rows", Usage: "malformed rows tolerated, a count or a percentage (config: max_bad_rows)", Value: "1%"},
		&cli.IntFlag{Name: "examples", Usage: "examples kept per check (config: examples)", Value: 20},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "report folder (config: out)", Value: "audit-report"},
		&cli.StringSliceFlag{Name: "format", Usage: "report formats: json,html,md,junit,findings (config: format)", Value: cli.NewStringSlice(audit.DefaultFormats...)},
		&cli.StringFlag{Name: "fail-on", Usage: "fail: exit 1 when not ready; warn: also on warnings; regression: also on regressions since --baseline; combine as warn,regression (config: fail_on)", Value: "fail"},
		&cli.StringFlag{Name: "baseline", Usage: "previous report.json (or its folder) to compare with; adds a comparison section (config: baseline)"},
		&cli.Float64Flag{Name: "tolerance", Usage: "relative change past which a metric moving its worse way is a regression (config: tolerance)", Value: audit.DefaultTolerance},
		&cli.StringFlag{Name: "snapshot-time", Usage: "when the data was taken, RFC 3339 or 2006-01-02; default: the newest input file's modification time (config: snapshot_time)"},
		&cli.IntFlag{Name: "workers", Usage: "worker goroutines (default: GOMAXPROCS) (config: workers)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing but errors (config: quiet)"},
		&cli.StringFlag{Name: "cpuprofile", Usage: "write a Go CPU profile of the run to this file (for go tool pprof)", Hidden: true},
		&cli.StringFlag{Name: "memprofile", Usage: "write a Go heap profile of the run near its largest live heap to this file (for go tool pprof)", Hidden: true},
	}
}

// ConfigFrom builds the run's config from a command with RunFlags:
// defaults, then audit.yaml, then flags. The config is validated.
func ConfigFrom(c *cli.Context) (*audit.Config, error) {
	return ConfigFromLoader(c, audit.LoadConfig)
}

// ConfigFromLoader is ConfigFrom with the --config file read by load
// instead of audit.LoadConfig (a worker parses the launcher's copy of it).
func ConfigFromLoader(c *cli.Context, load func(path string) (*audit.Config, error)) (*audit.Config, error) {
	if c.NArg() == 0 && !c.IsSet("config") && !c.IsSet("train") && !c.IsSet("holdout") && !c.IsSet("input") {
		name := c.App.Name
		if c.Command != nil && c.Command.Name != "" {
			name += " " + c.Command.Name
		}
		return nil, usageError{fmt.Errorf("nothing to audit: give PATH..., --train/--holdout, or --config audit.yaml (see %s --help)", name)}
	}
	cfg := audit.DefaultConfig()
	if path := c.String("config"); path != "" {
		loaded, err := load(path)
		if err != nil && loaded == nil {
			return nil, err
		}
		cfg = loaded
	}
	str := func(flag string, dst *string) {
		if c.IsSet(flag) {
			*dst = c.String(flag)
		}
	}
	list := func(flag string, dst *[]string) {
		if c.IsSet(flag) {
			*dst = c.StringSlice(flag)
		}
	}
	str("label", &cfg.Label)
	str("text", &cfg.Text)
	str("split", &cfg.Split)
	str("train-split", &cfg.TrainSplit)
	str("time", &cfg.Time)
	str("delimiter", &cfg.Delimiter)
	str("out", &cfg.Out)
	str("fail-on", &cfg.FailOn)
	str("snapshot-time", &cfg.SnapshotTime)
	if c.IsSet("tolerance") {
		t := c.Float64("tolerance")
		cfg.Tolerance = &t
	}
	// A baseline from the config resolves against the config's folder, one
	// from the command line against the working directory.
	if c.IsSet("baseline") {
		cfg.Baseline = c.String("baseline")
	} else if cfg.Baseline != "" && cfg.Dir != "" && !filepath.IsAbs(cfg.Baseline) {
		cfg.Baseline = filepath.Join(cfg.Dir, cfg.Baseline)
	}
	list("segments", &cfg.Segments)
	list("ids", &cfg.IDs)
	list("annotators", &cfg.Annotators)
	list("exclude", &cfg.Exclude)
	list("reference", &cfg.Reference)
	str("positive-class", &cfg.PositiveClass)
	if c.IsSet("time-split") {
		cfg.TimeSplit = c.Bool("time-split")
	}
	list("null-values", &cfg.NullValues)
	list("format", &cfg.Format)
	if c.IsSet("quote") {
		q := c.String("quote")
		cfg.Quote = &q
	}
	if c.IsSet("trim-space") {
		cfg.TrimSpace = c.Bool("trim-space")
	}
	if c.IsSet("max-bad-rows") {
		cfg.MaxBadRows = audit.RowLimit(c.String("max-bad-rows"))
	}
	if c.IsSet("examples") {
		cfg.Examples = c.Int("examples")
	}
	if c.IsSet("workers") {
		cfg.Workers = c.Int("workers")
	}
	if c.IsSet("quiet") {
		cfg.Quiet = c.Bool("quiet")
	}
	// Inputs given on the command line replace those of the config, and
	// resolve against the working directory, not the config's folder.
	if c.NArg() > 0 || c.IsSet("train") || c.IsSet("holdout") || c.IsSet("input") {
		cfg.Inputs, cfg.Train, cfg.Holdout, cfg.Splits = nil, nil, nil, nil
		cfg.Dir = ""
		cfg.Inputs = c.Args().Slice()
		cfg.Train = c.StringSlice("train")
		cfg.Holdout = c.StringSlice("holdout")
		for _, kv := range c.StringSlice("input") {
			name, path, ok := strings.Cut(kv, "=")
			if !ok || name == "" || path == "" {
				return nil, usageError{fmt.Errorf("--input %q: want NAME=PATH", kv)}
			}
			if cfg.Splits == nil {
				cfg.Splits = map[string][]string{}
			}
			cfg.Splits[name] = append(cfg.Splits[name], path)
		}
	}
	return cfg, cfg.Validate()
}

func runAction(c *cli.Context) (err error) {
	cfg, err := ConfigFrom(c)
	if err != nil {
		return err
	}
	// Read the baseline first: an unreadable one stops the run before the audit.
	baseline, err := ReadBaseline(cfg)
	if err != nil {
		return err
	}
	stderr := c.App.ErrWriter
	if path := c.String("cpuprofile"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if path := c.String("memprofile"); path != "" {
		stop := watchHeap(path)
		defer func() {
			if werr := stop(); werr != nil && err == nil {
				err = werr
			}
		}()
	}
	opts := audit.RunOptions{Specs: registry.Checks(), Version: Version, Findings: slices.Contains(cfg.Format, "findings")}
	var bar *progressBar
	if !cfg.Quiet && isTerminal(stderr) {
		bar = &progressBar{w: stderr}
		opts.Progress = bar
	}
	rep, err := audit.Run(c.Context, cfg, opts)
	if bar != nil {
		bar.finish()
	}
	return Deliver(c, cfg, rep, err, baseline)
}

// Baseline is a previous report read before an audit, to compare with.
type Baseline struct {
	// Report is the previous report.
	Report *audit.Report
	// File is the report.json it was read from.
	File string
}

// ReadBaseline reads cfg's baseline report; nil when none is configured.
func ReadBaseline(cfg *audit.Config) (*Baseline, error) {
	if cfg.Baseline == "" {
		return nil, nil
	}
	rep, file, err := snapshot.Read(cfg.Baseline)
	if err != nil {
		return nil, err
	}
	return &Baseline{Report: rep, File: file}, nil
}

// Deliver does what audit run does with an audit's outcome: compares the
// report with the baseline (when not nil), writes the report files of
// cfg.Format into cfg.Out, prints the summary (unless quiet) and returns
// the error that gives the exit code (ExitCode): runErr, or Outcome's.
// rep may be nil when runErr is set.
func Deliver(c *cli.Context, cfg *audit.Config, rep *audit.Report, runErr error, baseline *Baseline) error {
	if rep == nil {
		return runErr
	}
	if err := CompareBaseline(cfg, rep, baseline); err != nil {
		return err
	}
	if err := WriteReports(cfg, rep); err != nil {
		return err
	}
	if !cfg.Quiet {
		PrintSummary(c.App.Writer, rep, filepath.Join(cfg.Out, "report.json"))
	}
	if runErr != nil {
		return runErr
	}
	return Outcome(cfg, rep)
}

// CompareBaseline sets rep.Comparison from the baseline; nothing when
// baseline is nil.
func CompareBaseline(cfg *audit.Config, rep *audit.Report, baseline *Baseline) error {
	if baseline == nil {
		return nil
	}
	cmp, err := snapshot.Compare(baseline.Report, rep, snapshot.Options{
		Tolerance:    cfg.RegressionTolerance(),
		BaselinePath: baseline.File,
		CurrentPath:  filepath.Join(cfg.Out, snapshot.ReportFile),
	})
	if err != nil {
		return err
	}
	rep.Comparison = cmp
	return nil
}

// PrintSummary prints the report's summary, its comparison's when there
// is one, and where report.json is.
func PrintSummary(w io.Writer, rep *audit.Report, reportJSON string) {
	_ = reports.Summary(w, rep)
	if rep.Comparison != nil {
		_ = reports.ComparisonSummary(w, rep.Comparison)
	}
	fmt.Fprintf(w, "report: %s\n", reportJSON)
}

// Outcome returns the error that makes a complete report exit 1 under
// cfg.FailOn (see ExitCode), nil when it exits 0.
func Outcome(cfg *audit.Config, rep *audit.Report) error {
	failOn, _ := cfg.FailOnSet() // validated with the config
	switch {
	case rep.Verdict == audit.NotReady:
		return errNotReady
	case rep.Verdict == audit.ReadyWithWarnings && failOn.Warn:
		return errNotReady
	case failOn.Regression && rep.Comparison != nil && rep.Comparison.Regressions > 0:
		return errNotReady
	}
	return nil
}

// reportFiles maps each format to the files it writes and their renderers.
var reportFiles = map[string][]struct {
	name   string
	render func(*audit.Report) ([]byte, error)
}{
	"json":     {{"report.json", reports.JSON}},
	"html":     {{"report.html", reports.HTML}},
	"md":       {{"report.md", func(r *audit.Report) ([]byte, error) { return reports.Markdown(r, "report.html") }}},
	"junit":    {{"junit.xml", reports.JUnit}},
	"findings": {{"findings.csv", reports.FindingsCSV}, {"findings.parquet", reports.FindingsParquet}},
}

// WriteReports writes every requested format into cfg.Out. Each file is
// rendered in memory and renamed into place, so an interrupted run leaves
// no partial file.
func WriteReports(cfg *audit.Config, rep *audit.Report) error {
	for _, f := range cfg.Format {
		for _, file := range reportFiles[f] {
			data, err := file.render(rep)
			if err != nil {
				return err
			}
			if err := reports.WriteFile(filepath.Join(cfg.Out, file.name), data); err != nil {
				return err
			}
		}
	}
	return nil
}

// progressBar shows bytes read (with percent and MB/s) and rows on a terminal.
type progressBar struct {
	w    io.Writer
	bar  *progressbar.ProgressBar
	rows atomic.Int64
}

func (p *progressBar) Start(total int64) {
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription("auditing"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish())
}

func (p *progressBar) Add(bytes, rows int64) {
	n := p.rows.Add(rows)
	p.bar.Describe(fmt.Sprintf("auditing %d rows", n))
	_ = p.bar.Add64(bytes)
}

func (p *progressBar) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func checksCommand() *cli.Command {
	return &cli.Command{
		Name:  "checks",
		Usage: "list every check with its metrics and default thresholds",
		Action: func(c *cli.Context) error {
			w := c.App.Writer
			for _, s := range registry.Checks() {
				fmt.Fprintf(w, "%s — %s\n", s.ID, s.Title)
				for _, m := range s.Metrics {
					fmt.Fprintf(w, "  metric %-22s %s\n", m.Name, m.Doc)
				}
				for _, p := range s.Params {
					fmt.Fprintf(w, "  param  %-22s %s (default %g)\n", p.Name, p.Doc, p.Default)
				}
				fmt.Fprintln(w)
			}
			return nil
		},
	}
}
