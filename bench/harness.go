package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	errUsage = errors.New("usage")
	errHelp  = flag.ErrHelp
)

// Options are the harness's command line.
type Options struct {
	Rows     []int
	Runs     int
	Formats  []string
	Engines  []string
	Queries  []string
	Data     string
	Work     string
	Keep     bool
	Results  string
	Module   string
	Python   string
	Seed     uint64
	Scaling  bool
	Timeout  time.Duration
	Command  string // the command line, paths replaced by placeholders
	Warnings []string
}

// pathFlags hold paths of this machine: the command line quoted in
// RESULTS.md shows their names only.
var pathFlags = map[string]string{"data": "DIR", "work": "DIR", "results": "FILE", "module": "DIR", "python": "PYTHON"}

func parseOptions(args []string, stderr io.Writer) (Options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run . [-rows N[,N...]] [-runs R] [-data DIR] [flags]")
		fmt.Fprintln(stderr, "Measures the dataready audit against DuckDB (and pandas, when installed) on generated datasets.")
		fs.PrintDefaults()
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	rows := fs.String("rows", "1000000", "comma-separated `sizes` of the generated datasets, e.g. 1000000,10000000")
	runs := fs.Int("runs", 3, "measured runs of every task, in alternation")
	formats := fs.String("formats", "csv,parquet", "comma-separated `formats`: csv, parquet")
	engines := fs.String("engines", "audit,duckdb,pandas", "comma-separated `engines`: audit, duckdb, pandas (pandas is skipped when no python3 imports it)")
	queries := fs.String("queries", "Q1,Q2,Q3,Q4,Q5,Q6", "comma-separated `queries` DuckDB and pandas run")
	data := fs.String("data", filepath.Join(cache, "dataready-bench"), "`dir`ectory of the datasets tickets-N.csv/.parquet: reused when present, generated when not")
	work := fs.String("work", "", "`dir`ectory for the audit binary, configs and reports (default: a temporary one, removed at the end)")
	keep := fs.Bool("keep", false, "keep the work directory")
	results := fs.String("results", "RESULTS.md", "`file` the results are written to; empty writes none")
	module := fs.String("module", "..", "`dir`ectory of the dataready module whose audit is built")
	python := fs.String("python", "", "python interpreter for pandas (default: the first of python3, /usr/bin/python3 that imports pandas)")
	seed := fs.Uint64("seed", 1, "seed of generated datasets (as gendata -seed)")
	scaling := fs.Bool("scaling", false, "also run the full audit with --workers 1 on CSV, for the workers speed-up")
	timeout := fs.Duration("timeout", 0, "kill a measured run after this long (0: never)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Options{}, err
		}
		return Options{}, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return Options{}, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	o := Options{
		Runs: *runs, Data: *data, Work: *work, Keep: *keep, Results: *results, Module: *module,
		Python: *python, Seed: *seed, Scaling: *scaling, Timeout: *timeout,
	}
	for s := range strings.SplitSeq(*rows, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(s, "_", "")))
		if err != nil || n <= 0 {
			return o, fmt.Errorf("%w: -rows: %q is not a positive row count", errUsage, s)
		}
		o.Rows = append(o.Rows, n)
	}
	if o.Runs < 1 {
		return o, fmt.Errorf("%w: -runs must be at least 1", errUsage)
	}
	if o.Formats, err = list("formats", *formats, "csv", "parquet"); err != nil {
		return o, err
	}
	if o.Engines, err = list("engines", *engines, "audit", "duckdb", "pandas"); err != nil {
		return o, err
	}
	if o.Queries, err = list("queries", *queries, "Q1", "Q2", "Q3", "Q4", "Q5", "Q6"); err != nil {
		return o, err
	}
	cmd := []string{"go run ."}
	fs.Visit(func(f *flag.Flag) {
		v := f.Value.String()
		if p, ok := pathFlags[f.Name]; ok {
			v = p
		}
		cmd = append(cmd, "-"+f.Name+" "+v)
	})
	o.Command = strings.Join(cmd, " ")
	return o, nil
}

// list parses a comma-separated flag value whose items must be among allowed;
// the result keeps the order of allowed.
func list(name, value string, allowed ...string) ([]string, error) {
	var got []string
	for s := range strings.SplitSeq(value, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(allowed, s) {
			return nil, fmt.Errorf("%w: -%s: unknown %q (want %s)", errUsage, name, s, strings.Join(allowed, ", "))
		}
		got = append(got, s)
	}
	var out []string
	for _, a := range allowed {
		if slices.Contains(got, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// queryMain is the child process of one DuckDB query:
// bench query -query Q5 -format csv -file PATH. It prints the Answer as JSON.
func queryMain(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	id := fs.String("query", "", "query id, Q1..Q6")
	format := fs.String("format", "", "csv or parquet")
	file := fs.String("file", "", "data file")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	q, ok := queryByID(*id)
	if !ok {
		return fmt.Errorf("%w: unknown query %q", errUsage, *id)
	}
	a, err := runDuckDB(ctx, q, *format, *file)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(a)
}

// TaskKey names one measured task.
type TaskKey struct {
	Rows   int
	Format string // csv or parquet
	Engine string // audit, duckdb or pandas
	Name   string // the audit variant's Key, or the query id
}

// Task is one measured child process, run once per round.
type Task struct {
	TaskKey
	// Run runs the task once and returns its answers by query id.
	Run func(ctx context.Context, round int) (map[string]Answer, Measurement, error)
}

// Outcome is what the rounds of one task produced.
type Outcome struct {
	Runs    []Measurement
	Answers []map[string]Answer // per successful run
	Err     error               // the first failure; the task is not run again
}

// harness is the state of one harness run.
type harness struct {
	opt    Options
	self   string
	launch *Launcher
	audit  string
	work   string
	pandas *Pandas
	log    io.Writer
}

func harnessMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opt, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	h := &harness{opt: opt, log: stderr}
	res := &Results{Date: time.Now().UTC(), Machine: thisMachine(), Command: opt.Command, Runs: opt.Runs, Scaling: opt.Scaling}
	if h.self, err = selfPath(); err != nil {
		return err
	}
	// First, while the harness is small: see launcher.go.
	if h.launch, err = StartLauncher(h.self); err != nil {
		return err
	}
	defer h.launch.Close()
	h.work = opt.Work
	if h.work == "" {
		if h.work, err = os.MkdirTemp("", "dataready-bench-"); err != nil {
			return err
		}
		if !opt.Keep {
			defer os.RemoveAll(h.work)
		}
	} else if err := os.MkdirAll(h.work, 0o755); err != nil {
		return err
	}
	if h.work, err = filepath.Abs(h.work); err != nil {
		return err
	}

	if slices.Contains(opt.Engines, "audit") {
		h.audit = filepath.Join(h.work, "audit")
		fmt.Fprintln(stderr, "building the audit ...")
		if err := buildAudit(ctx, opt.Module, h.audit); err != nil {
			return err
		}
		res.Audit = moduleCommit(ctx, opt.Module)
	}
	if slices.Contains(opt.Engines, "duckdb") {
		if res.DuckDB, err = duckDBVersion(ctx); err != nil {
			return fmt.Errorf("duckdb: %w", err)
		}
	}
	if slices.Contains(opt.Engines, "pandas") {
		candidates := pythonCandidates
		if opt.Python != "" {
			candidates = []string{opt.Python}
		}
		if p, ok := findPandas(ctx, candidates); ok {
			h.pandas = &p
			res.Pandas = p.Version
			if !p.Parquet && slices.Contains(opt.Formats, "parquet") {
				res.Notes = append(res.Notes, "pandas has no Parquet engine here (neither pyarrow nor fastparquet imports): pandas runs on CSV only.")
			}
		} else {
			res.Notes = append(res.Notes, "pandas not measured: no python3 here imports pandas (Debian: apt-get install python3-pandas).")
		}
	}

	home, _ := os.UserHomeDir()
	dataAbs, _ := filepath.Abs(opt.Data)
	moduleAbs, _ := filepath.Abs(opt.Module)
	res.Redact = []string{dataAbs, "DATA", h.work, "WORK", moduleAbs, "MODULE", os.TempDir(), "TMP", home, "~"}

	for _, rows := range opt.Rows {
		sr, err := h.size(ctx, rows)
		if err != nil {
			return err
		}
		res.Sizes = append(res.Sizes, sr)
	}
	res.Machine.LoadEnd = loadAverage()
	res.finish()

	var md strings.Builder
	if err := res.Render(&md); err != nil {
		return err
	}
	fmt.Fprint(stdout, md.String())
	if opt.Results != "" {
		if err := writeFileAtomic(opt.Results, []byte(md.String())); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", opt.Results)
	}
	if opt.Keep {
		fmt.Fprintf(stderr, "kept %s\n", h.work)
	}
	var problems []string
	for _, m := range res.Mismatches {
		fmt.Fprintln(stderr, "MISMATCH:", m)
		problems = append(problems, "mismatch")
	}
	for _, f := range res.Failures {
		fmt.Fprintln(stderr, "FAILED:", f)
		problems = append(problems, "failure")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d correctness mismatch(es), %d failed task(s): see above", len(res.Mismatches), len(res.Failures))
	}
	return nil
}

// size measures every task on the dataset of rows.
func (h *harness) size(ctx context.Context, rows int) (SizeResults, error) {
	ds, err := ensureDataset(ctx, h.opt.Data, rows, h.opt.Formats, h.opt.Seed, h.log)
	if err != nil {
		return SizeResults{}, err
	}
	tasks, err := h.tasks(ds)
	if err != nil {
		return SizeResults{}, err
	}
	var files []string
	for _, f := range h.opt.Formats {
		files = append(files, ds.Files[f])
	}
	if err := warm(files...); err != nil {
		return SizeResults{}, err
	}
	out := make(map[TaskKey]*Outcome, len(tasks))
	for _, t := range tasks {
		out[t.TaskKey] = &Outcome{}
	}
	for round := 1; round <= h.opt.Runs; round++ {
		for _, t := range tasks {
			o := out[t.TaskKey]
			if o.Err != nil {
				continue
			}
			ans, m, err := t.Run(ctx, round)
			if ctx.Err() != nil {
				return SizeResults{}, ctx.Err()
			}
			if err != nil {
				o.Err = err
				fmt.Fprintf(h.log, "[%d rows, round %d/%d] %s: FAILED: %v\n", rows, round, h.opt.Runs, taskTitle(t.TaskKey, ""), err)
				continue
			}
			o.Runs = append(o.Runs, m)
			o.Answers = append(o.Answers, ans)
			fmt.Fprintf(h.log, "[%d rows, round %d/%d] %-44s %8.2f s %9s\n", rows, round, h.opt.Runs,
				taskTitle(t.TaskKey, ""), m.Wall.Seconds(), formatBytes(m.PeakRSS))
		}
	}
	return newSizeResults(ds, h.opt.Formats, tasks, out), nil
}

// tasks lists the tasks on ds in the order each round runs them: per format,
// the audit variants, then DuckDB's and pandas' queries.
func (h *harness) tasks(ds Dataset) ([]Task, error) {
	var tasks []Task
	for _, f := range h.opt.Formats {
		path := ds.Files[f]
		if slices.Contains(h.opt.Engines, "audit") {
			variants := []AuditVariant{auditFull, auditNoNear}
			if h.opt.Scaling && f == "csv" {
				variants = append(variants, auditOne)
			}
			for _, v := range variants {
				cfg := filepath.Join(h.work, fmt.Sprintf("audit-%d-%s-%s.yaml", ds.Rows, f, v.Key))
				if err := os.WriteFile(cfg, []byte(auditConfig(path, v.NearDups)), 0o644); err != nil {
					return nil, err
				}
				key := TaskKey{Rows: ds.Rows, Format: f, Engine: "audit", Name: v.Key}
				tasks = append(tasks, Task{TaskKey: key, Run: h.auditRun(key, cfg, v)})
			}
		}
		for _, q := range h.opt.Queries {
			if slices.Contains(h.opt.Engines, "duckdb") {
				args := []string{"query", "-query", q, "-format", f, "-file", path}
				tasks = append(tasks, Task{
					TaskKey: TaskKey{Rows: ds.Rows, Format: f, Engine: "duckdb", Name: q},
					Run:     h.queryRun(q, h.self, args),
				})
			}
			if h.pandas != nil && (f == "csv" || h.pandas.Parquet) {
				tasks = append(tasks, Task{
					TaskKey: TaskKey{Rows: ds.Rows, Format: f, Engine: "pandas", Name: q},
					Run:     h.queryRun(q, h.pandas.Python, h.pandas.args(q, f, path)),
				})
			}
		}
	}
	return tasks, nil
}

// auditRun runs the audit once into its own report folder and reads the
// answers from its report.json.
func (h *harness) auditRun(key TaskKey, cfg string, v AuditVariant) func(context.Context, int) (map[string]Answer, Measurement, error) {
	return func(ctx context.Context, round int) (map[string]Answer, Measurement, error) {
		out := filepath.Join(h.work, fmt.Sprintf("report-%d-%s-%s-%d", key.Rows, key.Format, v.Key, round))
		_, m, err := h.launch.Run(ctx, h.opt.Timeout, h.work, h.audit, auditArgs(cfg, out, v), auditOK...)
		if err != nil {
			return nil, m, err
		}
		rep, err := os.ReadFile(filepath.Join(out, "report.json"))
		if err != nil {
			return nil, m, err
		}
		ans, err := auditAnswers(rep)
		if err != nil {
			return nil, m, err
		}
		if m.Stages, err = auditStages(rep); err != nil {
			return nil, m, err
		}
		if !h.opt.Keep {
			os.RemoveAll(out)
		}
		return ans, m, nil
	}
}

// queryRun runs one query child (the harness itself for DuckDB, python for
// pandas) and decodes the Answer it prints.
func (h *harness) queryRun(q, name string, args []string) func(context.Context, int) (map[string]Answer, Measurement, error) {
	return func(ctx context.Context, _ int) (map[string]Answer, Measurement, error) {
		stdout, m, err := h.launch.Run(ctx, h.opt.Timeout, h.work, name, args)
		if err != nil {
			return nil, m, err
		}
		var a Answer
		if err := json.Unmarshal(stdout, &a); err != nil {
			return nil, m, fmt.Errorf("%s: read the answer %q: %w", q, stdout, err)
		}
		return map[string]Answer{q: a}, m, nil
	}
}

// writeFileAtomic writes data to a temporary file beside path, then renames
// it into place.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
