package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/sync/errgroup"

	"dataready/audit/similar"
	"dataready/source"
)

// RunOptions are the parts of a run that are not configuration.
type RunOptions struct {
	// Specs are the checks to run, in report order.
	Specs []Spec
	// Allocator for Arrow memory; nil means memory.DefaultAllocator.
	Allocator memory.Allocator
	// Progress, when set, hears how far the run has got.
	Progress Progress
	// Version is the tool version written in the report.
	Version string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Findings asks for every flagged row (Report.Findings), not only the
	// capped examples. It spills a small record per row to a temporary file.
	Findings bool
	// ChunkBytes and BatchRows tune the readers (see source.Options); zero
	// means their defaults. Tests shrink them to exercise concurrency.
	ChunkBytes, BatchRows int
	// Parts, when set, replaces the concurrent workers by a test of the
	// encode, decode and merge path (see Parts).
	Parts *Parts
}

// Progress receives the run's progress: Start once with the total input
// bytes, then Add after each unit with the bytes it covered and its rows.
// Add is called from several goroutines at once.
type Progress interface {
	Start(totalBytes int64)
	Add(bytes, rows int64)
}

// ErrTooManyBadRows is returned (with the report) when more rows were
// rejected than max_bad_rows allows.
var ErrTooManyBadRows = errors.New("too many malformed rows")

// work is one unit of one input for a worker.
type work struct {
	in   *input
	unit source.Unit
}

// worker is one worker's state: its preparer and one accumulator per check.
type worker struct {
	prep  *preparer
	accs  []Accumulator
	keys  *KeyTable
	stats *runStats
	prof  *profile
	spill *spill     // nil unless findings are asked for
	ids   [][]string // reused for the id values of the spill
}

// Run audits the inputs of cfg and returns the report. An error means the
// audit could not run (bad config, unreadable input, cancellation), except
// ErrTooManyBadRows, which comes with a complete report.
func Run(ctx context.Context, cfg *Config, opts RunOptions) (*Report, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	started := now()
	clock := newStageClock(now, started)
	s, err := setup(ctx, cfg, opts)
	defer s.close()
	if err != nil {
		return nil, err
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opts.Parts != nil {
		workers = max(opts.Parts.K, 1)
	}
	s.splits = NewSplitTable(cfg)

	ws := make([]*worker, workers)
	for w := range ws {
		if ws[w], err = s.newWorker(workers, &s.closers); err != nil {
			return nil, err
		}
	}
	var spills []*spill
	defer func() {
		for _, sp := range spills {
			sp.close()
		}
	}()
	if s.needSpill(ws[0]) {
		for _, w := range ws {
			sp, err := newSpill()
			if err != nil {
				return nil, err
			}
			spills = append(spills, sp)
			w.spill = sp
		}
	}

	if opts.Progress != nil {
		opts.Progress.Start(s.bytes())
	}
	clock.lap("open")
	if opts.Parts != nil {
		if err := opts.Parts.stream(ctx, s.inputs, ws, s.mem, opts.Progress); err != nil {
			return nil, err
		}
		if ws, err = opts.Parts.exchange(ws, opts.Specs, s.envs, spills, &s.closers); err != nil {
			return nil, err
		}
	} else if err := stream(ctx, s.inputs, ws, s.mem, opts.Progress); err != nil {
		return nil, err
	}

	clock.lap("read")
	// Merge every worker into the first.
	all := ws[0]
	for _, w := range ws[1:] {
		if err := all.merge(w); err != nil {
			return nil, err
		}
	}
	clock.lap("merge")
	digests := make([]string, len(s.inputs))
	for i, in := range s.inputs {
		digests[i] = in.src.SHA256()
	}
	rep, err := s.report(ctx, all, spills, digests, indexSearcher(all.prep.index), clock)
	if rep != nil {
		rep.Run = RunInfo{StartedAt: started.UTC(), DurationMS: now().Sub(started).Milliseconds(), Workers: workers, Bytes: s.bytes(), Stages: clock.stages}
	}
	return rep, err
}

// runSetup is what every stage of a run shares: the validated config, the
// opened inputs, the columns' roles, each check's environment and the split
// table. Run makes one; a distributed run (Plan) makes one per process.
type runSetup struct {
	cfg     *Config
	opts    RunOptions
	mem     memory.Allocator
	inputs  []*input
	columns []string
	roles   Roles
	lay     layout
	envs    []*Env
	enabled []bool
	// splits is set by the caller before the first worker is made.
	splits *SplitTable
	// indexThreshold is the near-duplicate index's threshold, 0 when no
	// check uses the index.
	indexThreshold float64
	// closers are state that holds files (accumulators with spills of
	// their own, near-duplicate indexes), closed with the run.
	closers []io.Closer
}

// setup validates cfg, opens the inputs and resolves the roles. Close the
// returned setup whatever the error (it may hold opened files).
func setup(ctx context.Context, cfg *Config, opts RunOptions) (*runSetup, error) {
	s := &runSetup{cfg: cfg, opts: opts, mem: opts.Allocator}
	if err := cfg.Validate(); err != nil {
		return s, err
	}
	if err := ValidateChecks(cfg, opts.Specs); err != nil {
		return s, err
	}
	if s.mem == nil {
		s.mem = memory.DefaultAllocator
	}
	var err error
	s.inputs, err = openInputs(ctx, cfg, opts)
	if err != nil {
		return s, err
	}
	s.columns = s.inputs[0].columnNames()
	if err := alignColumns(s.inputs); err != nil {
		return s, err
	}
	if s.roles, s.lay, err = resolveRoles(cfg, s.columns); err != nil {
		return s, err
	}
	ref, err := readReference(ctx, cfg, s.mem, s.inputs[0].opts)
	if err != nil {
		return s, err
	}
	s.envs = make([]*Env, len(opts.Specs))
	s.enabled = make([]bool, len(opts.Specs))
	for i, spec := range opts.Specs {
		params, on, err := paramsFor(spec, cfg.Checks[spec.ID])
		if err != nil {
			return s, err
		}
		s.envs[i] = &Env{Config: cfg, Columns: s.columns, Roles: s.roles, Params: params, Examples: cfg.Examples, Reference: ref}
		s.enabled[i] = on
	}
	// The near-duplicate index, when a check uses it.
	if cfg.Text != "" {
		for i, spec := range opts.Specs {
			if spec.UsesTextIndex && s.enabled[i] {
				t := s.envs[i].Params["threshold"]
				if t == 0 {
					t = similar.DefaultThreshold
				}
				if s.indexThreshold == 0 || t < s.indexThreshold {
					s.indexThreshold = t
				}
			}
		}
	}
	if s.indexThreshold > 0 && (s.indexThreshold < 0.5 || s.indexThreshold >= 1) {
		return s, &ConfigError{Key: "checks.*.threshold", Err: fmt.Errorf("near-duplicate threshold %g is outside [0.5, 1)", s.indexThreshold)}
	}
	return s, nil
}

// close closes the inputs and whatever state holds files.
func (s *runSetup) close() {
	for _, c := range s.closers {
		_ = c.Close()
	}
	s.closers = nil
	for _, in := range s.inputs {
		_ = in.src.Close()
	}
}

// bytes is the total size of the inputs.
func (s *runSetup) bytes() int64 {
	var n int64
	for _, in := range s.inputs {
		n += in.src.Size()
	}
	return n
}

// newWorker makes one worker's state: a preparer, one accumulator per
// enabled check, a key table, statistics, a profile and, when a check uses
// it, a near-duplicate index whose merges use indexWorkers goroutines.
// State that holds files is appended to closers.
func (s *runSetup) newWorker(indexWorkers int, closers *[]io.Closer) (*worker, error) {
	w := &worker{
		prep:  newPreparer(s.cfg, s.columns, s.lay, s.splits),
		accs:  make([]Accumulator, len(s.opts.Specs)),
		keys:  NewKeyTable(),
		stats: newRunStats(len(s.inputs), len(s.columns)),
		prof:  newProfile(len(s.roles.Segments)),
	}
	for i, spec := range s.opts.Specs {
		if s.enabled[i] {
			w.accs[i] = spec.New(s.envs[i])
			if c, ok := w.accs[i].(io.Closer); ok {
				*closers = append(*closers, c)
			}
		}
	}
	if s.indexThreshold > 0 {
		ix, err := similar.New(similar.Options{Threshold: s.indexThreshold, Workers: indexWorkers})
		if err != nil {
			return nil, err
		}
		w.prep.index = ix
		*closers = append(*closers, ix)
	}
	return w, nil
}

// needSpill reports whether the run records its rows for a second look:
// when findings are asked for, or a check of w revisits rows.
func (s *runSetup) needSpill(w *worker) bool {
	if s.opts.Findings {
		return true
	}
	for _, acc := range w.accs {
		if _, ok := acc.(Revisitor); ok {
			return true
		}
	}
	return false
}

// indexSearcher returns ix as a TextSearcher, nil when ix is nil.
func indexSearcher(ix *similar.Index) TextSearcher {
	if ix == nil {
		return nil
	}
	return ix
}

// report makes the report from the merged state of every worker: it
// answers the checks' questions to the near-duplicate index with text,
// revisits the spilled rows, takes every check's result, describes the
// dataset and its inputs (digests[i] is the SHA-256 of input i) and
// decides the verdict. The caller fills in Report.Run.
func (s *runSetup) report(ctx context.Context, all *worker, spills []*spill, digests []string, text TextSearcher, clock *stageClock) (*Report, error) {
	cfg, inputs := s.cfg, s.inputs
	for _, in := range inputs {
		for _, p := range in.src.Problems() {
			all.stats.problem(p.Kind, in.ref.Path, p.Column, p.Line, p.Message)
		}
	}

	tokens, _ := missingTokens(cfg)
	sum := &Summary{
		Config:        cfg,
		Roles:         s.roles,
		Splits:        s.splits,
		SplitRows:     all.stats.splitRows,
		Keys:          all.keys,
		Examples:      cfg.Examples,
		MissingTokens: tokens,
		TextIndex:     text,
	}
	for _, in := range inputs {
		sum.Files = append(sum.Files, in.ref)
	}
	for _, n := range all.stats.fileRows {
		sum.RowsAudited += n
	}

	rep := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "dataready", Version: s.opts.Version},
		Config:        cfg,
		Checks:        []CheckResult{},
	}
	searchText(all.accs, sum)
	clock.lap("search")
	if err := revisit(spills, all.accs, sum); err != nil {
		return nil, err
	}
	clock.lap("revisit")
	// Each check's Result reads the Summary and its own state only: they
	// run side by side, their results kept in registry order.
	rep.Checks = make([]CheckResult, len(s.opts.Specs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, spec := range s.opts.Specs {
		g.Go(func() error {
			rep.Checks[i] = result(spec, s.envs[i], all.accs[i], sum)
			return nil
		})
	}
	_ = g.Wait() // result returns no error
	rep.Dataset = dataset(cfg, inputs, s.columns, s.roles, all.stats, sum)
	rep.Dataset.Labels = all.prof.labels(s.splits, all.keys)
	rep.Dataset.Segments = all.prof.segmentCounts(s.roles.Segments, s.splits)
	var err error
	if rep.Snapshot, err = snapshotOf(ctx, cfg, inputs); err != nil {
		return nil, err
	}
	rep.Problems = all.stats.sortedProblems()
	for _, in := range inputs {
		rep.Inputs = append(rep.Inputs, InputInfo{
			Path:         in.ref.Path,
			Format:       string(in.src.Format()),
			Split:        in.ref.Split,
			Rows:         all.stats.fileRows[in.ref.Index] + all.stats.fileRejected[in.ref.Index],
			RowsRejected: all.stats.fileRejected[in.ref.Index],
			Bytes:        in.src.Size(),
			SHA256:       digests[in.ref.Index],
		})
	}
	rep.Verdict, rep.Reason = Decide(rep.Checks)
	if s.opts.Findings {
		flags := make([]func(*RowRecord) (string, bool), len(s.opts.Specs))
		for i, acc := range all.accs {
			if f, ok := acc.(Flagger); ok {
				flags[i] = f.Flag(sum)
			}
		}
		if rep.Findings, err = collectFindings(spills, flags, rep.Checks, sum); err != nil {
			return nil, err
		}
	}
	clock.lap("results")
	if err := checkBadRows(cfg, rep.Dataset, rep.Problems); err != nil {
		rep.Verdict = NotReady
		rep.Reason = "could not audit: " + err.Error()
		return rep, err
	}
	return rep, nil
}

// snapshotOf returns when the data was taken: snapshot_time when set,
// otherwise the newest modification time of the input files, in UTC and
// to the second.
func snapshotOf(ctx context.Context, cfg *Config, inputs []*input) (Snapshot, error) {
	t, ok, err := cfg.Snapshot()
	if err != nil {
		return Snapshot{}, err
	}
	if ok {
		return Snapshot{Time: t, Source: SnapshotFromConfig}, nil
	}
	var newest time.Time
	for _, in := range inputs {
		fi, err := source.Stat(ctx, in.ref.Path)
		if err != nil {
			return Snapshot{}, err
		}
		if fi.ModTime.After(newest) {
			newest = fi.ModTime
		}
	}
	return Snapshot{Time: newest.UTC().Truncate(time.Second), Source: SnapshotFromInputs}, nil
}

// result runs one check's Result and fills in what the spec knows.
func result(spec Spec, env *Env, acc Accumulator, sum *Summary) CheckResult {
	var r CheckResult
	if acc == nil {
		r = CheckResult{Status: Skip, Summary: fmt.Sprintf("Disabled in the config (checks.%s.enabled: false).", spec.ID)}
	} else {
		r = acc.Result(sum)
	}
	r.ID, r.Family, r.Title, r.Explain = spec.ID, spec.Family, spec.Title, spec.Explain
	r.Thresholds = env.Params
	if r.Thresholds == nil {
		r.Thresholds = map[string]float64{}
	}
	if r.Metrics == nil {
		r.Metrics = map[string]any{}
	}
	if r.ExamplesTotal < int64(len(r.Examples)) {
		r.ExamplesTotal = int64(len(r.Examples))
	}
	if len(r.Examples) > env.Examples {
		r.Examples = r.Examples[:env.Examples]
	}
	if r.Examples == nil {
		r.Examples = []Example{}
	}
	return r
}

// checkBadRows applies max_bad_rows.
func checkBadRows(cfg *Config, d Dataset, problems []Problem) error {
	count, fraction, err := cfg.BadRowLimit()
	if err != nil {
		return err
	}
	limit := count
	if count < 0 {
		limit = int64(fraction * float64(d.RowsRead))
	}
	if d.RowsRejected <= limit {
		return nil
	}
	hint := "see problems in the report"
	var quoting int64
	for _, p := range problems {
		if p.Kind == source.KindQuote {
			quoting += p.Count
		}
	}
	if noQuote, _ := cfg.QuoteOff(); !noQuote && 2*quoting > d.RowsRejected {
		hint = `most are quoting errors: if the text holds stray quote characters (raw TSV exports), ` +
			`set quote: "" in audit.yaml (--quote '') to read quotes as data; see problems in the report`
	}
	return fmt.Errorf("%w: %d of %d rows rejected, more than max_bad_rows %s allows (%d); %s",
		ErrTooManyBadRows, d.RowsRejected, d.RowsRead, cfg.MaxBadRows, limit, hint)
}

// stream runs the reader and the workers until every unit is consumed.
func stream(ctx context.Context, inputs []*input, ws []*worker, mem memory.Allocator, progress Progress) error {
	g, ctx := errgroup.WithContext(ctx)
	units := make(chan work, len(ws))
	g.Go(func() error {
		defer close(units)
		for _, in := range inputs {
			err := in.src.Units(ctx, func(u source.Unit) error {
				select {
				case units <- work{in, u}:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	for _, w := range ws {
		g.Go(func() error {
			for item := range units {
				if err := ctx.Err(); err != nil {
					return err
				}
				rows, err := w.consume(item, mem)
				if err != nil {
					return err
				}
				if progress != nil {
					progress.Add(item.unit.Bytes(), rows)
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// merge folds o's state into w's and lets o's go; o keeps its spill,
// which is read after the merge.
func (w *worker) merge(o *worker) error {
	// Every piece of state merges on its own, so the pieces merge in
	// parallel: the key table, the index and the largest accumulators take
	// about as long as each other.
	// Each of o's accumulators is let go as soon as it is merged, not once
	// they all are: what a Merge leaves in o is garbage from then on.
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, acc := range o.accs {
		if acc != nil {
			g.Go(func() error { w.accs[i].Merge(acc); o.accs[i] = nil; return nil })
		}
	}
	g.Go(func() error { w.keys.Merge(o.keys); return nil })
	g.Go(func() error { w.stats.merge(o.stats); w.prof.merge(o.prof); return nil })
	if o.prep.index != nil {
		g.Go(func() error { return w.prep.index.Merge(o.prep.index) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	*o = worker{spill: o.spill}
	return nil
}

// consume decodes one unit into the worker's state and returns the rows it
// read, rejected ones included.
func (w *worker) consume(item work, mem memory.Allocator) (int64, error) {
	var rows int64
	err := item.unit.Decode(mem, func(sb *source.Batch) error {
		w.stats.reject(item.in, sb)
		b, err := w.prep.prepare(item.in, sb.Record, sb.Lines)
		if err != nil {
			return err
		}
		w.stats.add(b, item.in, w.prep)
		w.prof.add(b)
		w.keys.Add(b)
		if w.spill != nil {
			w.ids = w.prep.idValues(b, w.ids)
			if err := w.spill.add(b, w.ids, w.prep.lay.text); err != nil {
				return err
			}
		}
		for _, acc := range w.accs {
			if acc != nil {
				acc.Add(b)
			}
		}
		rows += int64(b.Rows) + int64(len(sb.Rejected))
		return nil
	})
	return rows, err
}

// inputPaths lists the per-split or plain inputs of cfg, relative paths
// resolved against cfg.Dir.
func inputPaths(cfg *Config) ([]string, []string) {
	var paths, splits []string
	add := func(split string, ps []string) {
		for _, p := range ps {
			if cfg.Dir != "" && !filepath.IsAbs(p) && !source.IsURL(p) {
				p = filepath.Join(cfg.Dir, p)
			}
			paths = append(paths, p)
			splits = append(splits, split)
		}
	}
	add("", cfg.Inputs)
	add(cfg.TrainSplit, cfg.Train)
	add("holdout", cfg.Holdout)
	names := make([]string, 0, len(cfg.Splits))
	for n := range cfg.Splits {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		add(n, cfg.Splits[n])
	}
	return paths, splits
}

// openInputs expands and opens every input file.
func openInputs(ctx context.Context, cfg *Config, ro RunOptions) ([]*input, error) {
	paths, splits := inputPaths(cfg)
	if len(paths) == 0 {
		return nil, &ConfigError{Key: "inputs", Err: errors.New("no input files: give PATH arguments, --train/--holdout, or inputs/train/holdout in audit.yaml")}
	}
	delim, _ := cfg.Delim()
	noQuote, _ := cfg.QuoteOff()
	opts := source.Options{Delimiter: delim, NoQuote: noQuote, TrimSpace: cfg.TrimSpace, NullValues: cfg.NullValues,
		ChunkBytes: ro.ChunkBytes, BatchRows: ro.BatchRows}
	var inputs []*input
	seen := map[string]string{}
	for i, p := range paths {
		files, err := source.Expand(ctx, []string{p})
		if err != nil {
			return inputs, err
		}
		for _, f := range files {
			if prev, dup := seen[f]; dup {
				return inputs, &ConfigError{Key: "inputs", Err: fmt.Errorf("%s is given twice (as %q and %q)", f, splitLabel(prev), splitLabel(splits[i]))}
			}
			seen[f] = splits[i]
			src, err := source.Open(ctx, f, opts)
			if err != nil {
				return inputs, err
			}
			inputs = append(inputs, &input{ref: FileRef{Index: len(inputs), Path: f, Split: splits[i]}, src: src, opts: opts})
		}
	}
	return inputs, nil
}

func splitLabel(s string) string {
	if s == "" {
		return "input"
	}
	return s
}

func (in *input) columnNames() []string {
	cols := in.src.Columns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}

// ErrColumnMismatch is returned when inputs do not have the same columns.
var ErrColumnMismatch = errors.New("inputs have different columns")

// alignColumns maps every input's columns to the first input's order.
func alignColumns(inputs []*input) error {
	canon := inputs[0].columnNames()
	for _, in := range inputs {
		cols := in.src.Columns()
		pos := make(map[string]int, len(cols))
		for i, c := range cols {
			pos[c.Name] = i
		}
		in.colMap = make([]int, len(canon))
		in.types = make([]string, len(canon))
		for i, name := range canon {
			j, ok := pos[name]
			if !ok {
				return &source.Error{File: in.ref.Path, Column: name,
					Err: fmt.Errorf("%w: column %q of %s is missing here", ErrColumnMismatch, name, inputs[0].ref.Path)}
			}
			in.colMap[i] = j
			in.types[i] = cols[j].Type
		}
		if len(cols) != len(canon) {
			for _, c := range cols {
				if !slicesContains(canon, c.Name) {
					return &source.Error{File: in.ref.Path, Column: c.Name,
						Err: fmt.Errorf("%w: column %q is not in %s", ErrColumnMismatch, c.Name, inputs[0].ref.Path)}
				}
			}
		}
	}
	return nil
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// resolveRoles checks every role's column exists and works out the features.
func resolveRoles(cfg *Config, columns []string) (Roles, layout, error) {
	idx := map[string]int{}
	for i, c := range columns {
		idx[c] = i
	}
	roleOf := map[string]string{}
	claim := func(key, col, role string) error {
		if _, ok := idx[col]; !ok {
			return &ConfigError{Key: key, Err: errColumn(col, columns)}
		}
		if prev, ok := roleOf[col]; ok && prev != role {
			return &ConfigError{Key: key, Err: fmt.Errorf("column %q already has the role %s", col, prev)}
		}
		roleOf[col] = role
		return nil
	}
	roles := Roles{Label: cfg.Label, Split: cfg.Split, Text: cfg.Text, Time: cfg.Time,
		Segments: nonNil(cfg.Segments), IDs: nonNil(cfg.IDs), Annotators: nonNil(cfg.Annotators), Excluded: nonNil(cfg.Exclude)}
	single := []struct{ key, col, role string }{
		{"label", cfg.Label, "label"}, {"split", cfg.Split, "split"}, {"text", cfg.Text, "text"}, {"time", cfg.Time, "time"},
	}
	for _, s := range single {
		if s.col == "" {
			continue
		}
		if err := claim(s.key, s.col, s.role); err != nil {
			return roles, layout{}, err
		}
	}
	lists := []struct {
		key, role string
		cols      []string
	}{{"ids", "id", cfg.IDs}, {"annotators", "annotator", cfg.Annotators}, {"exclude", "excluded", cfg.Exclude}, {"segments", "segment", cfg.Segments}}
	for _, l := range lists {
		for _, c := range l.cols {
			if err := claim(l.key, c, l.role); err != nil {
				return roles, layout{}, err
			}
		}
	}
	lay := layout{label: idx[cfg.Label], split: -1, text: -1, id: -1}
	if cfg.Split != "" {
		lay.split = idx[cfg.Split]
	}
	if cfg.Text != "" {
		lay.text = idx[cfg.Text]
	}
	if len(cfg.IDs) > 0 {
		lay.id = idx[cfg.IDs[0]]
	}
	for _, c := range cfg.IDs {
		lay.ids = append(lay.ids, idx[c])
	}
	for _, c := range cfg.Segments {
		lay.segments = append(lay.segments, idx[c])
	}
	roles.Features = []string{}
	for i, c := range columns {
		// Segments are features too: they describe the row.
		if r, ok := roleOf[c]; !ok || r == "segment" {
			roles.Features = append(roles.Features, c)
			lay.features = append(lay.features, i)
		}
	}
	if cfg.Text == "" && len(lay.features) == 0 {
		return roles, lay, &ConfigError{Key: "text", Err: errors.New("no text column and no feature column: every row would have the same row key; " +
			"set text, or leave some columns out of ids/exclude/annotators so they describe the rows")}
	}
	return roles, lay, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// dataset builds the report's dataset section.
func dataset(cfg *Config, inputs []*input, columns []string, roles Roles, st *runStats, sum *Summary) Dataset {
	d := Dataset{Roles: roles, RowKey: "features"}
	if cfg.Text != "" {
		d.RowKey = "text"
	}
	for i := range inputs {
		d.RowsAudited += st.fileRows[i]
		d.RowsRejected += st.fileRejected[i]
	}
	d.RowsRead = d.RowsAudited + d.RowsRejected
	for _, name := range sum.Splits.Sorted() {
		d.Splits = append(d.Splits, SplitInfo{Name: name, Role: sum.Splits.Role(name), Rows: st.splitRows[name]})
	}
	if d.Splits == nil {
		d.Splits = []SplitInfo{}
	}
	role := map[string]string{}
	for _, f := range roles.Features {
		role[f] = "feature"
	}
	for _, s := range roles.Segments {
		role[s] = "segment"
	}
	for _, s := range roles.IDs {
		role[s] = "id"
	}
	for _, s := range roles.Annotators {
		role[s] = "annotator"
	}
	for _, s := range roles.Excluded {
		role[s] = "excluded"
	}
	for k, v := range map[string]string{roles.Label: "label", roles.Split: "split", roles.Text: "text", roles.Time: "time"} {
		if k != "" {
			role[k] = v
		}
	}
	mismatches := map[string]int64{}
	for k, p := range st.problems {
		if k.kind == "type_mismatch" {
			mismatches[k.column] += p.Count
		}
	}
	for i, c := range columns {
		d.Columns = append(d.Columns, ColumnInfo{Name: c, Type: columnType(inputs, i), Role: role[c], Nulls: st.nulls[i], TypeMismatches: mismatches[c]})
	}
	return d
}

// columnType is the column's type across inputs: their common type, float
// when integer and float mix, string otherwise.
func columnType(inputs []*input, col int) string {
	t := inputs[0].types[col]
	for _, in := range inputs[1:] {
		u := in.types[col]
		switch {
		case u == t:
		case (t == source.TypeInteger && u == source.TypeFloat) || (t == source.TypeFloat && u == source.TypeInteger):
			t = source.TypeFloat
		default:
			return source.TypeString
		}
	}
	return t
}

// Decide turns check statuses into the verdict and its one-sentence
// reason, which names the checks by title: "not ready: 2 checks fail —
// class balance, missing labels".
func Decide(checks []CheckResult) (Verdict, string) {
	var fails, warns []string
	name := func(c CheckResult) string {
		if c.Title == "" {
			return c.ID
		}
		return strings.ToLower(c.Title[:1]) + c.Title[1:]
	}
	for _, c := range checks {
		switch c.Status {
		case Fail, Error:
			fails = append(fails, name(c))
		case Warn:
			warns = append(warns, name(c))
		}
	}
	switch {
	case len(fails) > 0:
		return NotReady, fmt.Sprintf("not ready: %s — %s", Plural(int64(len(fails)), "check fails", "checks fail"), strings.Join(fails, ", "))
	case len(warns) > 0:
		return ReadyWithWarnings, fmt.Sprintf("ready with warnings: %s — %s", Plural(int64(len(warns)), "check warns", "checks warn"), strings.Join(warns, ", "))
	}
	return Ready, "ready: every check passes"
}
