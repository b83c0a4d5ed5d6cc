package pipeline

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/filter"
	urfave "github.com/urfave/cli/v2"

	"dataready/audit"
	"dataready/audit/norm"
	"dataready/audit/registry"
	"dataready/audit/similar"
	"dataready/beam/remote"
	"dataready/cli"
	"dataready/source"
)

func init() {
	// Inputs may be gs:// and s3:// URLs, in the launcher and in every
	// worker.
	remote.Register()
	register.DoFn4x1[context.Context, int, func([]byte), func(int, string), error](&unitsFn{})
	register.Emitter1[[]byte]()
	register.Emitter2[int, string]()
	register.DoFn3x1[context.Context, []byte, func(string), error](&splitNamesFn{})
	register.Emitter1[string]()
	register.DoFn6x1[context.Context, []byte, func(*string) bool, func(int, []byte), func([]byte), func([]byte, []byte), error](&consumeFn{})
	register.Emitter2[int, []byte]()
	register.Emitter2[[]byte, []byte]()
	register.Iter1[string]()
	register.Combiner1[[]byte](&foldTextFn{})
	register.DoFn5x1[context.Context, []byte, []byte, func(*string) bool, func(int, []byte), error](&memberFn{})
	register.DoFn6x1[context.Context, int, func(*[]byte) bool, func(*string) bool, func([]byte), func(int, []byte), error](&bucketFn{})
	register.Combiner3[*foundAccumulator, []byte, []byte](&foundFn{})
	beam.RegisterCoder(reflect.TypeOf((*foundAccumulator)(nil)), encodeFound, decodeFound)
	register.DoFn6x1[context.Context, []byte, func(*int, *[]byte) bool, func(*int, *string) bool, func(*[]byte) bool, func(*[]byte) bool, error](&finishFn{})
	register.Iter1[[]byte]()
	register.Iter2[int, []byte]()
	register.Iter2[int, string]()
	register.Combiner3[*accumulator, []byte, []byte](&combineFn{})
	beam.RegisterCoder(reflect.TypeOf((*accumulator)(nil)), encodeAccumulator, decodeAccumulator)
}

// Job is what every DoFn needs to make the audit's Plan in its worker:
// the arguments of audit run (flags and paths, no Beam flags) and the
// launcher's working directory, which relative paths are resolved
// against.
type Job struct {
	Args []string
	Dir  string
	// ConfigYAML is the content of the --config file as the launcher read
	// it: a worker parses it instead of reading the file, which need not
	// exist on the worker's machine.
	ConfigYAML []byte
	// ChunkBytes and BatchRows, when not zero, set the RunOptions fields
	// of the same names (smaller CSV units, for tests).
	ChunkBytes, BatchRows int
}

// Config parses the job's arguments as audit run does (cli.ConfigFrom),
// the --config file from ConfigYAML when set, with relative paths made
// absolute against Dir.
func (j Job) Config() (*audit.Config, error) {
	var cfg *audit.Config
	app := &urfave.App{
		Name:           "audit-beam",
		Flags:          cli.RunFlags(),
		HideHelp:       true,
		ExitErrHandler: func(*urfave.Context, error) {},
		Action: func(c *urfave.Context) error {
			var err error
			cfg, err = cli.ConfigFromLoader(c, func(path string) (*audit.Config, error) {
				if !filepath.IsAbs(path) {
					path = filepath.Join(j.Dir, path)
				}
				if j.ConfigYAML == nil {
					return audit.LoadConfig(path)
				}
				return audit.ParseConfig(j.ConfigYAML, path)
			})
			return err
		},
	}
	if err := app.Run(append([]string{"audit-beam"}, j.Args...)); err != nil {
		return nil, err
	}
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) && !source.IsURL(*p) {
			*p = filepath.Join(j.Dir, *p)
		}
	}
	if cfg.Dir == "" {
		cfg.Dir = j.Dir
	}
	abs(&cfg.Dir)
	abs(&cfg.Out)
	abs(&cfg.Baseline)
	return cfg, nil
}

// Options are the run options of the job: every registered check,
// findings when asked for, the tool version of the CLI.
func (j Job) Options(cfg *audit.Config) audit.RunOptions {
	return audit.RunOptions{Specs: registry.Checks(), Version: cli.Version, Findings: slices.Contains(cfg.Format, "findings"),
		ChunkBytes: j.ChunkBytes, BatchRows: j.BatchRows}
}

// plans caches a worker's plans by job and split names: making one opens
// every input file.
var plans = struct {
	sync.Mutex
	m map[string]*audit.Plan
}{m: map[string]*audit.Plan{}}

// plan returns the worker's plan of j with the split names fixed (names is
// ignored when the rows are not split by a column).
func (j Job) plan(ctx context.Context, names []string) (*audit.Plan, error) {
	sorted := slices.Sorted(slices.Values(names))
	key := strings.Join(j.Args, "\x00") + "\x01" + j.Dir + "\x01" + strings.Join(sorted, "\x00")
	plans.Lock()
	defer plans.Unlock()
	if p, ok := plans.m[key]; ok {
		return p, nil
	}
	cfg, err := j.Config()
	if err != nil {
		return nil, err
	}
	p, err := audit.NewPlan(ctx, cfg, j.Options(cfg))
	if err != nil {
		return nil, err
	}
	if p.NeedsSplits() && names != nil {
		if err := p.FixSplits(names); err != nil {
			p.Close()
			return nil, err
		}
	}
	// Says which process runs the DoFns (a worker's log line reaches the
	// runner's log).
	log.Infof(ctx, "audit-beam: process %d made a plan of the audit", os.Getpid())
	plans.m[key] = p
	return p, nil
}

// unitsFn lists the work units of one input file and its digest.
type unitsFn struct{ Job Job }

// ProcessElement emits the encoded units of input file i and (i, SHA-256).
func (f *unitsFn) ProcessElement(ctx context.Context, file int, emit func([]byte), digest func(int, string)) error {
	p, err := f.Job.plan(ctx, nil)
	if err != nil {
		return err
	}
	d, err := p.Units(ctx, file, func(u audit.WorkUnit) error {
		data, err := u.MarshalBinary()
		if err != nil {
			return err
		}
		emit(data)
		return nil
	})
	if err != nil {
		return err
	}
	digest(file, d)
	return nil
}

// decodeUnit decodes an encoded work unit.
func decodeUnit(data []byte) (audit.WorkUnit, error) {
	var u audit.WorkUnit
	if err := u.UnmarshalBinary(data); err != nil {
		return u, fmt.Errorf("decode work unit: %w", err)
	}
	return u, nil
}

// splitNamesFn emits the split names of a unit's rows.
type splitNamesFn struct{ Job Job }

// ProcessElement emits every split name of the unit's rows.
func (f *splitNamesFn) ProcessElement(ctx context.Context, data []byte, emit func(string)) error {
	p, err := f.Job.plan(ctx, nil)
	if err != nil {
		return err
	}
	u, err := decodeUnit(data)
	if err != nil {
		return err
	}
	names, err := p.SplitNames(ctx, u)
	if err != nil {
		return err
	}
	for _, n := range names {
		emit(n)
	}
	return nil
}

// consumeFn consumes a unit into encoded partial state, in pieces.
type consumeFn struct{ Job Job }

// splitNames reads the side input of the run's split names.
func splitNames(splits func(*string) bool) []string {
	var names []string
	var n string
	for splits(&n) {
		names = append(names, n)
	}
	return names
}

// ProcessElement consumes one unit with the run's split names (a side
// input) and emits its encoded partial state cut into pieces
// (audit.Partial.MarshalPieces), each keyed by its piece index, its row
// records (audit.Plan.ConsumeRecords) when the run records rows, and the
// distinct texts of its near-duplicate index keyed by text
// (audit.Partial.TakeTexts), for the band search.
func (f *consumeFn) ProcessElement(ctx context.Context, data []byte, splits func(*string) bool, emit func(int, []byte), records func([]byte), texts func([]byte, []byte)) error {
	p, err := f.Job.plan(ctx, splitNames(splits))
	if err != nil {
		return err
	}
	u, err := decodeUnit(data)
	if err != nil {
		return err
	}
	q, rec, err := p.ConsumeRecords(ctx, u)
	if err != nil {
		return err
	}
	defer q.Close()
	if rec != nil {
		records(rec)
	}
	err = q.TakeTexts(func(t similar.Text) error {
		data, err := t.MarshalBinary()
		if err != nil {
			return err
		}
		texts(textKey(t.Entry.Key), data)
		return nil
	})
	if err != nil {
		return err
	}
	pieces, err := q.MarshalPieces()
	if err != nil {
		return err
	}
	for i, piece := range pieces {
		emit(i, piece)
	}
	return nil
}

// accumulator is combineFn's accumulator: live partial state (q) while it
// stays in a worker, its encoding (data) once Beam has encoded it; neither
// for the empty state.
type accumulator struct {
	q    *audit.Partial
	data []byte
}

// encodeAccumulator is the accumulator's Beam coder: it encodes the live
// state and lets its files go (the accumulator decodes again if used).
func encodeAccumulator(a *accumulator) ([]byte, error) {
	if a.q == nil {
		return a.data, nil
	}
	data, err := a.q.MarshalBinary()
	if err != nil {
		return nil, err
	}
	a.q.Close()
	a.q, a.data = nil, data
	return data, nil
}

// decodeAccumulator keeps the encoding; combineFn decodes it when used.
func decodeAccumulator(data []byte) (*accumulator, error) {
	return &accumulator{data: data}, nil
}

// combineFn merges encoded partial state: the one CombineFn of the
// pipeline, generic over every check since audit.Partial holds them all.
type combineFn struct{ Job Job }

// CreateAccumulator returns the empty state.
func (f *combineFn) CreateAccumulator() *accumulator { return &accumulator{} }

// live decodes the accumulator's state when it is only encoded; it
// returns nil for the empty state.
func (f *combineFn) live(ctx context.Context, a *accumulator) (*audit.Partial, error) {
	if a.q != nil || len(a.data) == 0 {
		return a.q, nil
	}
	names, err := audit.SplitsOf(a.data)
	if err != nil {
		return nil, err
	}
	p, err := f.Job.plan(ctx, names)
	if err != nil {
		return nil, err
	}
	q, err := p.DecodePartial(a.data)
	if err != nil {
		return nil, err
	}
	a.q, a.data = q, nil
	return q, nil
}

// AddInput merges encoded partial state into the accumulator.
func (f *combineFn) AddInput(a *accumulator, in []byte) (*accumulator, error) {
	return f.MergeAccumulators(a, &accumulator{data: in})
}

// MergeAccumulators merges b into a.
func (f *combineFn) MergeAccumulators(a, b *accumulator) (*accumulator, error) {
	ctx := context.Background()
	qa, err := f.live(ctx, a)
	if err != nil {
		return nil, err
	}
	qb, err := f.live(ctx, b)
	if err != nil {
		return nil, err
	}
	switch {
	case qb == nil:
		return a, nil
	case qa == nil:
		return b, nil
	}
	if err := qa.Merge(qb); err != nil {
		return nil, err
	}
	b.q = nil
	return a, nil
}

// ExtractOutput encodes the merged state.
func (f *combineFn) ExtractOutput(a *accumulator) ([]byte, error) {
	return encodeAccumulator(a)
}

// textKey is the key of a text in the band search's first shuffle.
func textKey(k norm.Key) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, k.Hi), k.Lo)
}

// foldTextFn folds the encoded similar.Text of one key from many units
// into one (similar.Text.Absorb).
type foldTextFn struct{}

// MergeAccumulators folds b into a.
func (foldTextFn) MergeAccumulators(a, b []byte) ([]byte, error) {
	var x, y similar.Text
	if err := x.UnmarshalBinary(a); err != nil {
		return nil, err
	}
	if err := y.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	if err := x.Absorb(y); err != nil {
		return nil, err
	}
	return x.MarshalBinary()
}

// textSearch returns the band search of the job (audit.Plan.TextSearch)
// for the split names of a side input, made once per DoFn instance (one
// bundle at a time uses it).
func textSearch(ctx context.Context, job Job, cached **similar.BandSearch, splits func(*string) bool) (*similar.BandSearch, error) {
	if *cached != nil {
		return *cached, nil
	}
	p, err := job.plan(ctx, splitNames(splits))
	if err != nil {
		return nil, err
	}
	bs, err := p.TextSearch()
	if err != nil {
		return nil, err
	}
	if bs == nil {
		return nil, errors.New("band search: the run has no near-duplicate index")
	}
	*cached = bs
	return bs, nil
}

// memberFn makes the band search's member of each distinct text, keyed
// by its hash in band 0.
type memberFn struct {
	Job Job
	bs  *similar.BandSearch
}

// ProcessElement emits the member of one folded text.
func (f *memberFn) ProcessElement(ctx context.Context, _ []byte, data []byte, splits func(*string) bool, emit func(int, []byte)) error {
	bs, err := textSearch(ctx, f.Job, &f.bs, splits)
	if err != nil {
		return err
	}
	var t similar.Text
	if err := t.UnmarshalBinary(data); err != nil {
		return err
	}
	m := bs.Member(t)
	enc, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	emit(int(m.BandHash(0)), enc)
	return nil
}

// bucketFn runs one band's bucket of the band search
// (similar.BandSearch.Bucket) on the members that share its band hash.
type bucketFn struct {
	Job  Job
	Band int
	bs   *similar.BandSearch
}

// ProcessElement emits what the bucket found (when it found or counted
// anything) and its members, keyed by their hash in the next band (none
// after the last band). It holds only the bucket's first members
// (similar.BucketBuilder): members beyond the cap go on as they come.
func (f *bucketFn) ProcessElement(ctx context.Context, _ int, members func(*[]byte) bool, splits func(*string) bool, found func([]byte), next func(int, []byte)) error {
	bs, err := textSearch(ctx, f.Job, &f.bs, splits)
	if err != nil {
		return err
	}
	b, err := bs.NewBucket(f.Band)
	if err != nil {
		return err
	}
	last := f.Band+1 == bs.Bands()
	emit := func(m *similar.Member) error {
		if last {
			return nil
		}
		enc, err := m.MarshalBinary()
		if err != nil {
			return err
		}
		next(int(m.BandHash(f.Band+1)), enc)
		return nil
	}
	var data []byte
	for members(&data) {
		var m similar.Member
		if err := m.UnmarshalBinary(data); err != nil {
			return err
		}
		out, beyond, err := b.Add(m)
		if err != nil {
			return err
		}
		if beyond {
			if err := emit(&out); err != nil {
				return err
			}
		}
	}
	fd, first, err := b.Finish()
	if err != nil {
		return err
	}
	if !fd.Empty() {
		enc, err := fd.MarshalBinary()
		if err != nil {
			return err
		}
		found(enc)
	}
	for i := range first {
		if err := emit(&first[i]); err != nil {
			return err
		}
	}
	return nil
}

// foundAccumulator is foundFn's accumulator: the merge of what buckets
// found.
type foundAccumulator struct{ f similar.Found }

func encodeFound(a *foundAccumulator) ([]byte, error) { return a.f.MarshalBinary() }

func decodeFound(data []byte) (*foundAccumulator, error) {
	a := &foundAccumulator{}
	return a, a.f.UnmarshalBinary(data)
}

// foundFn merges what every bucket of every band found into one
// similar.Found.
type foundFn struct{}

// CreateAccumulator returns nothing found.
func (foundFn) CreateAccumulator() *foundAccumulator { return &foundAccumulator{} }

// AddInput merges an encoded similar.Found into the accumulator.
func (foundFn) AddInput(a *foundAccumulator, data []byte) (*foundAccumulator, error) {
	var f similar.Found
	if err := f.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return a, a.f.Merge(f)
}

// MergeAccumulators merges b into a.
func (foundFn) MergeAccumulators(a, b *foundAccumulator) (*foundAccumulator, error) {
	return a, a.f.Merge(b.f)
}

// ExtractOutput encodes the merge.
func (foundFn) ExtractOutput(a *foundAccumulator) ([]byte, error) { return a.f.MarshalBinary() }

// finishFn makes the report from the merged pieces of state and writes
// its files.
type finishFn struct{ Job Job }

// ProcessElement (on the pipeline's one impulse) merges the merged pieces
// of state (a side input, keyed by piece index), finishes the audit with
// every unit's row records (a side input: audit.Plan.FinishRecords, which
// reads no input), compares with the baseline when there is one, and
// writes the report files of the config's formats into its out folder, as
// audit run does.
func (f *finishFn) ProcessElement(ctx context.Context, _ []byte, pieces func(*int, *[]byte) bool, digests func(*int, *string) bool, records func(*[]byte) bool, found func(*[]byte) bool) error {
	var index int
	var piece []byte
	var merged [][]byte
	seen := map[int]bool{}
	for pieces(&index, &piece) {
		if seen[index] {
			return fmt.Errorf("finish: piece %d of the state came twice", index)
		}
		seen[index] = true
		merged = append(merged, piece)
	}
	if len(merged) == 0 {
		return errors.New("finish: no partial state reached the last step")
	}
	names, err := audit.SplitsOf(merged[0])
	if err != nil {
		return err
	}
	log.Infof(ctx, "audit-beam: process %d finishes the audit", os.Getpid())
	// A plan of its own: Finish reads every input again.
	cfg, err := f.Job.Config()
	if err != nil {
		return err
	}
	p, err := audit.NewPlan(ctx, cfg, f.Job.Options(cfg))
	if err != nil {
		return err
	}
	defer p.Close()
	if p.NeedsSplits() {
		if err := p.FixSplits(names); err != nil {
			return err
		}
	}
	sha := map[int]string{}
	var i int
	var d string
	for digests(&i, &d) {
		sha[i] = d
	}
	q, err := p.DecodePartial(merged[0])
	if err != nil {
		return err
	}
	if len(merged) != q.Pieces() {
		q.Close()
		return fmt.Errorf("finish: %d pieces of state reached the last step, the run has %d", len(merged), q.Pieces())
	}
	for _, piece := range merged[1:] {
		o, err := p.DecodePartial(piece)
		if err != nil {
			q.Close()
			return err
		}
		if err := q.Merge(o); err != nil {
			q.Close()
			return err
		}
	}
	if p.TextBands() > 0 {
		if err := useTextAnswer(p, q, found); err != nil {
			q.Close()
			return err
		}
	}
	baseline, err := cli.ReadBaseline(cfg)
	if err != nil {
		return err
	}
	rep, runErr := p.FinishRecords(ctx, q, sha, func(yield func([]byte) bool) {
		var rec []byte
		for records(&rec) {
			if !yield(rec) {
				return
			}
		}
	})
	if rep == nil {
		return runErr
	}
	if err := cli.CompareBaseline(cfg, rep, baseline); err != nil {
		return err
	}
	if err := writeReports(ctx, cfg, rep); err != nil {
		return err
	}
	return runErr
}

// useTextAnswer gives the merged state q the answer of the band search,
// from what its buckets found (a side input of one element).
func useTextAnswer(p *audit.Plan, q *audit.Partial, found func(*[]byte) bool) error {
	bs, err := p.TextSearch()
	if err != nil {
		return err
	}
	var all similar.Found
	var data []byte
	for found(&data) {
		var f similar.Found
		if err := f.UnmarshalBinary(data); err != nil {
			return err
		}
		if err := all.Merge(f); err != nil {
			return err
		}
	}
	answer, err := bs.Answer(all)
	if err != nil {
		return err
	}
	return q.UseTextAnswer(answer)
}

// writeReports writes the report files with cli.WriteReports: into the
// out folder when it is local, else into a local folder first and then
// through Beam's filesystem (gs://, s3://).
func writeReports(ctx context.Context, cfg *audit.Config, rep *audit.Report) error {
	if !source.IsURL(cfg.Out) {
		return cli.WriteReports(cfg, rep)
	}
	tmp, err := os.MkdirTemp("", "audit-beam-report-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	local := *cfg
	local.Out = tmp
	if err := cli.WriteReports(&local, rep); err != nil {
		return err
	}
	fs, err := filesystem.New(ctx, cfg.Out)
	if err != nil {
		return fmt.Errorf("write reports to %s: %w", cfg.Out, err)
	}
	defer fs.Close()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(tmp, e.Name()))
		if err != nil {
			return err
		}
		dst := strings.TrimSuffix(cfg.Out, "/") + "/" + e.Name()
		if err := filesystem.Write(ctx, fs, dst, data); err != nil {
			return fmt.Errorf("write %s: %w", dst, err)
		}
	}
	return nil
}

// Build adds the audit of job to the pipeline's root scope s. plan is the
// launcher's plan of the job (it knows the files and, without a split
// column, the split names).
//
// The pipeline: file indexes → units (and digests) → reshuffle → [split
// names of every unit → distinct] → consume each unit (split names as a
// side input) → its row records, the distinct texts of its near-duplicate
// index keyed by text, and its encoded partial state in pieces, keyed by
// piece index (see audit.Partial.MarshalPieces: the key table in
// audit.KeyShards shards by key, the statistics, the profile, each check's
// accumulator, the emptied near-duplicate index) → CombinePerKey
// (combineFn): each piece merges on its own, the pieces in parallel; the
// texts → the band search (bandSearch) → finish (the merged pieces, the
// digests, the row records and what the band search found as side inputs),
// which merges the pieces, revisits the records and writes the report
// files.
func Build(s beam.Scope, job Job, plan *audit.Plan) {
	files := make([]int, plan.Files())
	for i := range files {
		files[i] = i
	}
	s = s.Scope("audit")
	units, digests := beam.ParDo2(s.Scope("units"), &unitsFn{Job: job}, beam.CreateList(s, files))
	units = beam.Reshuffle(s.Scope("spread"), units)
	var names beam.PCollection
	if plan.NeedsSplits() {
		found := beam.ParDo(s.Scope("split-names"), &splitNamesFn{Job: job}, units)
		names = filter.Distinct(s.Scope("distinct-splits"), found)
	} else {
		names = beam.CreateList(s.Scope("splits-from-inputs"), plan.Splits())
	}
	pieces, records, texts := beam.ParDo3(s.Scope("consume"), &consumeFn{Job: job}, units, beam.SideInput{Input: names})
	merged := beam.CombinePerKey(s.Scope("merge"), &combineFn{Job: job}, pieces)
	found := beam.CreateList(s.Scope("no-texts"), [][]byte{})
	if bands := plan.TextBands(); bands > 0 {
		found = bandSearch(s.Scope("near-duplicates"), job, bands, texts, names)
	}
	beam.ParDo0(s.Scope("finish"), &finishFn{Job: job}, beam.Impulse(s.Scope("finish")),
		beam.SideInput{Input: merged}, beam.SideInput{Input: digests}, beam.SideInput{Input: records},
		beam.SideInput{Input: found})
}

// bandSearch adds the band search of the near-duplicate index
// (similar.BandSearch) to the pipeline: the texts of every unit (keyed by
// text) fold by key (CombinePerKey), each becomes a member keyed by its
// band-0 hash; then for each band in order, a GroupByKey gathers each
// bucket's members, a DoFn runs the bucket and emits what it found and the
// members keyed by their next band's hash. What the buckets found merges
// into one element (Combine), the finish's side input.
func bandSearch(s beam.Scope, job Job, bands int, texts, names beam.PCollection) beam.PCollection {
	folded := beam.CombinePerKey(s.Scope("fold-texts"), &foldTextFn{}, texts)
	members := beam.ParDo(s.Scope("members"), &memberFn{Job: job}, folded, beam.SideInput{Input: names})
	var finds []beam.PCollection
	for k := range bands {
		band := s.Scope(fmt.Sprintf("band-%02d", k))
		buckets := beam.GroupByKey(band, members)
		var found beam.PCollection
		found, members = beam.ParDo2(band, &bucketFn{Job: job, Band: k}, buckets, beam.SideInput{Input: names})
		finds = append(finds, found)
	}
	return beam.Combine(s.Scope("found"), &foundFn{}, beam.Flatten(s, finds...))
}
