package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"slices"
	"time"

	"dataready/audit/similar"
	"dataready/audit/wire"
	"dataready/source"
)

// Plan runs an audit in stages that may run in different processes, as a
// distributed backend (a Beam pipeline) runs them. Every process makes its
// own Plan from the same Config and RunOptions (NewPlan); the stages are:
//
//  1. Units, once per input file: cuts the file into work units and
//     returns the file's SHA-256.
//  2. When the rows are split by a column (NeedsSplits): SplitNames over
//     every unit, the union of the names given to FixSplits in every
//     process, so that every process numbers the splits alike. Without a
//     split column the names come from the inputs and are fixed by NewPlan.
//  3. Consume, once per unit, in any process, in any order: a Partial.
//  4. Partial.MarshalBinary, Plan.DecodePartial and Partial.Merge, in any
//     grouping and order, down to one Partial holding every unit. Or
//     Partial.MarshalPieces: the pieces of each index merge on their own
//     (a merge keyed by piece), then the merged pieces into one Partial.
//  5. Optionally, the near-duplicate search distributed: Partial.TakeTexts
//     on every unit's Partial before it is encoded, the texts searched
//     with the similar.BandSearch of TextSearch (TextBands rounds), and its
//     answer given to the merged Partial (UseTextAnswer).
//  6. Finish, in one process, with the files' digests: the report, as Run
//     makes it.
//
// Finish needs the rows again when a check revisits rows or findings are
// asked for: it reads every input a second time, in its own process, to
// rebuild the row records Run keeps in its spill files. FinishRecords
// takes them from ConsumeRecords instead. Every process must see the same
// input files at the same paths.
//
// A Plan is safe for concurrent use by Units, SplitNames, Consume,
// DecodePartial and NewPartial once its splits are fixed; FixSplits and
// Close are not.
type Plan struct {
	s       *runSetup
	started time.Time
	now     func() time.Time
}

// NewPlan validates cfg, opens the inputs (reading their headers or
// footers) and resolves the roles of the columns, as Run does; errors are
// Run's. RunOptions.Parts and Progress are not used. Close the plan when
// done.
func NewPlan(ctx context.Context, cfg *Config, opts RunOptions) (*Plan, error) {
	p := &Plan{now: opts.Now}
	if p.now == nil {
		p.now = time.Now
	}
	p.started = p.now()
	opts.Parts, opts.Progress = nil, nil
	s, err := setup(ctx, cfg, opts)
	p.s = s
	if err != nil {
		s.close()
		return nil, err
	}
	if !p.NeedsSplits() {
		names := make([]string, len(s.inputs))
		for i, in := range s.inputs {
			names[i] = fileSplit(in)
		}
		if s.splits, err = NewFixedSplitTable(cfg, names); err != nil {
			s.close()
			return nil, err
		}
	}
	return p, nil
}

// fileSplit is the split of every row of in when there is no split
// column (what the preparer names them).
func fileSplit(in *input) string {
	if in.ref.Split == "" {
		return RoleAll
	}
	return in.ref.Split
}

// Close closes the input files.
func (p *Plan) Close() error {
	p.s.close()
	return nil
}

// Files is the number of input files, after expanding folders and globs;
// they are numbered from 0 in the order of the report's inputs.
func (p *Plan) Files() int { return len(p.s.inputs) }

// FilePath returns the path of input file i.
func (p *Plan) FilePath(i int) string { return p.s.inputs[i].ref.Path }

// WorkUnit is one unit of one input file, in a form another process's
// Plan can consume: see source.MarshalUnit for what Data holds.
type WorkUnit struct {
	// File is the index of the input file (see Plan.Files).
	File int
	// Index is the unit's position in its file, from 0.
	Index int
	// Data is the unit's encoding.
	Data []byte
}

// Units reads input file i, calls emit with each of its units in order,
// and returns the file's SHA-256 (computed while reading), for Finish. CSV
// units carry their bytes (about source.Options.ChunkBytes each).
func (p *Plan) Units(ctx context.Context, file int, emit func(WorkUnit) error) (string, error) {
	if file < 0 || file >= len(p.s.inputs) {
		return "", fmt.Errorf("input file %d of %d", file, len(p.s.inputs))
	}
	in := p.s.inputs[file]
	// Another Plan's copy of the file: Units hashes as it reads, and the
	// plan's own file may be read concurrently for other work.
	src, err := source.Open(ctx, in.ref.Path, in.opts)
	if err != nil {
		return "", err
	}
	defer src.Close()
	n := 0
	err = src.Units(ctx, func(u source.Unit) error {
		data, err := source.MarshalUnit(u)
		if err != nil {
			return &source.Error{File: in.ref.Path, Err: err}
		}
		n++
		return emit(WorkUnit{File: file, Index: n - 1, Data: data})
	})
	if err != nil {
		return "", err
	}
	return src.SHA256(), nil
}

// unit decodes a work unit for this plan's copy of its file.
func (p *Plan) unit(u WorkUnit) (*input, source.Unit, error) {
	if u.File < 0 || u.File >= len(p.s.inputs) {
		return nil, nil, fmt.Errorf("work unit %d of input file %d: the run has %d files", u.Index, u.File, len(p.s.inputs))
	}
	in := p.s.inputs[u.File]
	su, err := source.UnmarshalUnit(in.src, u.Data)
	if err != nil {
		return nil, nil, fmt.Errorf("work unit %d: %w", u.Index, err)
	}
	return in, su, nil
}

// NeedsSplits reports whether the split names must be found in the data
// (the rows are split by a column) and given to FixSplits before Consume.
func (p *Plan) NeedsSplits() bool { return p.s.cfg.Split != "" }

// SplitNames decodes a unit and returns, sorted, the split names its rows
// get (MissingSplit for a row without one), as Consume names them: it
// runs the same preparation.
func (p *Plan) SplitNames(ctx context.Context, u WorkUnit) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in, su, err := p.unit(u)
	if err != nil {
		return nil, err
	}
	table := NewSplitTable(p.s.cfg)
	prep := newPreparer(p.s.cfg, p.s.columns, p.s.lay, table)
	err = su.Decode(p.s.mem, func(sb *source.Batch) error {
		_, err := prep.prepare(in, sb.Record, sb.Lines)
		return err
	})
	if err != nil {
		return nil, err
	}
	names := table.Names()
	slices.Sort(names)
	return names, nil
}

// FixSplits fixes the split names of a run whose rows are split by a
// column: the union of SplitNames over every unit, in any order, the same
// in every process. Fixing the same names again is allowed; other names
// are an error, as is fixing names of a run without a split column that
// differ from its inputs'.
func (p *Plan) FixSplits(names []string) error {
	t, err := NewFixedSplitTable(p.s.cfg, names)
	if err != nil {
		return &ConfigError{Key: "split", Err: err}
	}
	if p.s.splits != nil {
		if !slices.Equal(p.s.splits.Names(), t.Names()) {
			return fmt.Errorf("split names %q fixed, not %q", p.s.splits.Names(), t.Names())
		}
		return nil
	}
	p.s.splits = t
	return nil
}

// Splits returns the fixed split names in index order, nil before
// FixSplits in a run with a split column.
func (p *Plan) Splits() []string {
	if p.s.splits == nil {
		return nil
	}
	return p.s.splits.Names()
}

// errNoSplits is returned by the stages that need fixed splits.
var errNoSplits = errors.New("the split names are not fixed: call FixSplits with the names SplitNames finds in every unit")

// Partial is the state of an audit over some of its units: every check's
// accumulator, the key table, run statistics, dataset profile and
// near-duplicate index. It belongs to the Plan that made it; Close it when done (accumulators
// may hold temporary files).
type Partial struct {
	plan    *Plan
	w       *worker
	closers []io.Closer
	units   int64
	started time.Time
	// textsTaken is set when TakeTexts moved texts of the index out, for a
	// band search whose answer the finish must be given (UseTextAnswer).
	textsTaken bool
	answer     *similar.Answer
}

// NewPartial returns the state of no unit, the identity of Merge.
func (p *Plan) NewPartial() (*Partial, error) {
	if p.s.splits == nil {
		return nil, errNoSplits
	}
	q := &Partial{plan: p, started: p.started}
	w, err := p.s.newWorker(runtime.GOMAXPROCS(0), &q.closers)
	if err != nil {
		q.Close()
		return nil, err
	}
	q.w = w
	return q, nil
}

// Close releases the files the partial state holds.
func (q *Partial) Close() error {
	var errs []error
	for _, c := range q.closers {
		errs = append(errs, c.Close())
	}
	q.closers = nil
	return errors.Join(errs...)
}

// Units is the number of work units the partial state covers.
func (q *Partial) Units() int64 { return q.units }

// Consume decodes one work unit into a new Partial.
func (p *Plan) Consume(ctx context.Context, u WorkUnit) (*Partial, error) {
	return p.consume(ctx, u, func(*worker) bool { return false })
}

// consume is Consume, recording the unit's rows in a spill in memory when
// record says so.
func (p *Plan) consume(ctx context.Context, u WorkUnit, record func(*worker) bool) (*Partial, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in, su, err := p.unit(u)
	if err != nil {
		return nil, err
	}
	q, err := p.NewPartial()
	if err != nil {
		return nil, err
	}
	if record(q.w) {
		q.w.spill = newMemSpill()
	}
	if _, err := q.w.consume(work{in: in, unit: su}, p.s.mem); err != nil {
		q.Close()
		return nil, err
	}
	q.units = 1
	return q, nil
}

// Merge folds o into q; o must not be used again, and q's Close now
// closes o's files (merged accumulators may still read them). Both must
// belong to the same Plan (made or decoded by it).
func (q *Partial) Merge(o *Partial) error {
	if q.plan != o.plan {
		return errors.New("merge: the partial states belong to two Plans: decode both with one Plan's DecodePartial")
	}
	q.closers = append(q.closers, o.closers...)
	o.closers = nil
	if err := q.w.merge(o.w); err != nil {
		return err
	}
	q.units += o.units
	q.textsTaken = q.textsTaken || o.textsTaken
	if o.started.Before(q.started) {
		q.started = o.started
	}
	return nil
}

// partialVersion is the format version of a Partial's encoding.
const partialVersion = 3

// How a part of a Partial is encoded (a byte before each part).
const (
	partDisabled = 0 // a check that is off in this run
	partEncoded  = 1 // the part's own encoding follows
	partEmpty    = 2 // the part holds nothing (a piece of another part)
)

// KeyShards is the number of pieces the key table is cut into by
// MarshalPieces, by key: the largest state of most runs merges in that
// many pieces at once.
const KeyShards = 8

// parts lists the parts of the partial state in their encoding order: the
// key table, run statistics, profile, every check's accumulator (nil for a
// disabled check), then the near-duplicate index when there is one.
func (q *Partial) parts() []Encodable {
	parts := []Encodable{q.w.keys, q.w.stats, q.w.prof}
	for _, acc := range q.w.accs {
		enc, _ := acc.(Encodable) // nil for a disabled check
		parts = append(parts, enc)
	}
	if q.w.prep.index != nil {
		parts = append(parts, q.w.prep.index)
	}
	return parts
}

// MarshalBinary encodes the partial state: the run's split names (checked
// on decoding), then each part's own encoding (see Encodable).
func (q *Partial) MarshalBinary() ([]byte, error) {
	return q.marshal(-1, nil, q.units)
}

// KeySharded is an accumulator whose state is mostly per key (row key,
// text, entity): MarshalPieces cuts it into KeyShards pieces by key, as it
// cuts the key table, so that its merge is spread too.
type KeySharded interface {
	Accumulator
	// CutKeys moves the state of the stream into n accumulators of the
	// same kind, by key (a key goes to shard Lo % n), whatever is not per
	// key to the first, and leaves the accumulator empty. Merging the n
	// gives the state back.
	CutKeys(n int) []Accumulator
}

// Pieces is the number of pieces MarshalPieces cuts a Partial of the run
// into (every Partial of a run gives as many).
func (q *Partial) Pieces() int {
	n := KeyShards + 2 // the key table, statistics and profile
	for _, acc := range q.w.accs {
		switch acc.(type) {
		case nil:
		case KeySharded:
			n += KeyShards
		default:
			n++
		}
	}
	if q.w.prep.index != nil {
		n++
	}
	return n
}

// MarshalPieces encodes the partial state as Plan.Pieces() encodings, each
// a Partial (DecodePartial decodes it) that holds one piece of q's state
// and nothing else: pieces 0 to KeyShards-1 hold the keys of the key table
// whose hash falls in that shard, the next two the run statistics and the
// profile, then each enabled check's accumulator (KeyShards pieces, by
// key, for a KeySharded one), then the near-duplicate index.
// A distributed run merges the pieces of every unit by piece index — each
// merge holds one piece, so the pieces merge in parallel, on different
// machines — and then merges the merged pieces into the whole state.
// Merging every piece of q gives q back. q's key table is emptied.
func (q *Partial) MarshalPieces() ([][]byte, error) {
	var pieces [][]byte
	for i, t := range q.w.keys.cut(KeyShards) {
		units := int64(0)
		if i == 0 {
			units = q.units
		}
		data, err := q.marshal(0, t, units)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, data)
	}
	parts := q.parts()
	for i := 1; i < len(parts); i++ {
		shards := []Encodable{parts[i]}
		switch acc := parts[i].(type) {
		case nil:
			continue // a disabled check has no piece
		case KeySharded:
			shards = shards[:0]
			for _, s := range acc.CutKeys(KeyShards) {
				enc, ok := s.(Encodable)
				if !ok {
					return nil, fmt.Errorf("%T.CutKeys gave a %T, which does not implement audit.Encodable", acc, s)
				}
				shards = append(shards, enc)
			}
		}
		for _, part := range shards {
			data, err := q.marshal(i, part, 0)
			if err != nil {
				return nil, err
			}
			pieces = append(pieces, data)
		}
	}
	return pieces, nil
}

// marshal encodes the partial state: every part when only < 0, otherwise
// only part number only (the others encoded as empty), as part; units is
// the units consumed (a piece other than the first counts none, so that
// the merge of every piece counts each unit once).
func (q *Partial) marshal(only int, part Encodable, units int64) ([]byte, error) {
	w := wire.NewWriter("audit.Partial", partialVersion)
	names := q.plan.s.splits.Names()
	w.Int(len(names))
	for _, n := range names {
		w.Str(n)
	}
	w.Varint(units)
	w.Varint(q.started.UnixNano())
	w.Bool(q.textsTaken)
	parts := q.parts()
	if only >= 0 {
		parts[only] = part
	}
	w.Int(len(parts))
	for i, part := range parts {
		switch {
		case i >= 3 && part == nil:
			w.Uint8(partDisabled)
			continue
		case only >= 0 && i != only:
			w.Uint8(partEmpty)
			continue
		}
		data, err := part.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("encode %T: %w", part, err)
		}
		w.Uint8(partEncoded)
		w.Blob(data)
	}
	return w.Bytes(), nil
}

// DecodePartial decodes what Partial.MarshalBinary encoded in a process
// running the same audit. Data of another run (other split names, checks,
// files or columns) or damaged data is an error.
func (p *Plan) DecodePartial(data []byte) (*Partial, error) {
	q, err := p.NewPartial()
	if err != nil {
		return nil, err
	}
	if err := q.unmarshal(data); err != nil {
		q.Close()
		return nil, fmt.Errorf("decode partial state: %w", err)
	}
	return q, nil
}

func (q *Partial) unmarshal(data []byte) error {
	r := wire.NewReader(data, "audit.Partial", partialVersion)
	var names []string
	for range r.Count(1) {
		names = append(names, r.Str())
	}
	if want := q.plan.s.splits.Names(); r.Err() == nil && !slices.Equal(names, want) {
		return fmt.Errorf("encoded with the split names %q, this run has %q", names, want)
	}
	q.units = r.Varint()
	q.started = time.Unix(0, r.Varint())
	q.textsTaken = r.Bool()
	parts := q.parts()
	if n := r.Count(1); r.Err() == nil && n != len(parts) {
		return fmt.Errorf("%d parts encoded, this run has %d: another set of checks?", n, len(parts))
	}
	for i, part := range parts {
		how := r.Uint8()
		if r.Err() != nil {
			break
		}
		switch {
		case how > partEmpty:
			return fmt.Errorf("part %d: unknown encoding %d", i, how)
		case (how == partDisabled) != (part == nil):
			return errors.New("a check is enabled in one run and not in the other")
		case how != partEncoded:
			continue
		}
		if err := part.UnmarshalBinary(r.Blob()); err != nil {
			return err
		}
	}
	return r.Finish()
}

// Finish makes the report from the merge of every unit's Partial, as Run
// does after its workers' merge; digests maps each input file to the
// SHA-256 its Units returned. When a check revisits rows or findings are
// asked for, it first reads every input again, in this process, to record
// its rows (see Plan), and checks every file still has its digest. merged
// is closed. Report.Run.Workers is the number of units consumed;
// Report.Run.Stages times the finish's stages only.
func (p *Plan) Finish(ctx context.Context, merged *Partial, digests map[int]string) (*Report, error) {
	return p.finish(ctx, merged, digests, func(spills []*spill) error {
		// Workers that only prepare rows and record them: no accumulator,
		// no near-duplicate index.
		ws := make([]*worker, len(spills))
		for i := range ws {
			ws[i] = &worker{
				prep:  newPreparer(p.s.cfg, p.s.columns, p.s.lay, p.s.splits),
				keys:  NewKeyTable(),
				stats: newRunStats(len(p.s.inputs), len(p.s.columns)),
				prof:  newProfile(len(p.s.roles.Segments)),
				spill: spills[i],
			}
		}
		if err := stream(ctx, p.s.inputs, ws, p.s.mem, nil); err != nil {
			return err
		}
		for i, in := range p.s.inputs {
			if d := in.src.SHA256(); d != digests[i] {
				return &source.Error{File: in.ref.Path, Err: fmt.Errorf("SHA-256 %s on the second read, %s on the first: the file changed during the run", d, digests[i])}
			}
		}
		return nil
	}, "reread")
}

// FinishRecords is Finish with the row records of every unit, as
// ConsumeRecords returned them (in any order), instead of a second read of
// the inputs: a finishing process that gets the records reads no input
// row. records must hold the records of every unit merged, once each (a
// count that differs from the units merged is an error);
// Report.Run.Stages has "records" (writing them down) in place of
// "reread".
func (p *Plan) FinishRecords(ctx context.Context, merged *Partial, digests map[int]string, records iter.Seq[[]byte]) (*Report, error) {
	return p.finish(ctx, merged, digests, func(spills []*spill) error {
		i := 0
		for data := range records {
			if err := ctx.Err(); err != nil {
				return err
			}
			r := wire.NewReader(data, "audit.Records", recordsVersion)
			raw := r.Blob()
			if err := r.Finish(); err != nil {
				return fmt.Errorf("decode row records: %w", err)
			}
			if err := spills[i%len(spills)].write(raw); err != nil {
				return err
			}
			i++
		}
		if int64(i) != merged.units {
			return fmt.Errorf("finish: the row records of %d units, the state holds %d", i, merged.units)
		}
		return nil
	}, "records")
}

// finish is Finish and FinishRecords: record fills the spills with the
// rows' records when the run needs them; its stage is named stage.
func (p *Plan) finish(ctx context.Context, merged *Partial, digests map[int]string, record func([]*spill) error, stage string) (*Report, error) {
	defer merged.Close()
	if merged.plan != p {
		return nil, errors.New("finish: the partial state belongs to another Plan: decode it with this one's DecodePartial")
	}
	sha := make([]string, len(p.s.inputs))
	for i, in := range p.s.inputs {
		d, ok := digests[i]
		if !ok {
			return nil, fmt.Errorf("input %s: no SHA-256 digest given: it comes from Plan.Units", in.ref.Path)
		}
		sha[i] = d
	}
	if n := merged.units; n == 0 {
		return nil, errors.New("finish: the merged state holds no unit")
	}
	text, err := merged.textSearcher()
	if err != nil {
		return nil, err
	}
	clock := newStageClock(p.now, p.now())
	var spills []*spill
	defer func() {
		for _, sp := range spills {
			sp.close()
		}
	}()
	if p.s.needSpill(merged.w) {
		workers := p.s.cfg.Workers
		if workers <= 0 {
			workers = runtime.GOMAXPROCS(0)
		}
		for range workers {
			sp, err := newSpill()
			if err != nil {
				return nil, err
			}
			spills = append(spills, sp)
		}
		if err := record(spills); err != nil {
			return nil, err
		}
		clock.lap(stage)
	}
	rep, err := p.s.report(ctx, merged.w, spills, sha, text, clock)
	if rep != nil {
		started := merged.started
		rep.Run = RunInfo{StartedAt: started.UTC(), DurationMS: p.now().Sub(started).Milliseconds(), Workers: int(merged.units), Bytes: p.s.bytes(),
			Stages: clock.stages}
	}
	return rep, err
}

// TextBands is the number of bands of the run's near-duplicate index
// (similar.BandsFor): the rounds of its band search (Plan.TextSearch). It
// is 0 when the run fills no index (no check that compares texts is on,
// or no text column is named).
func (p *Plan) TextBands() int {
	if p.s.indexThreshold == 0 {
		return 0
	}
	bands, _ := similar.BandsFor(p.s.indexThreshold)
	return bands
}

// TakeTexts calls fn with every distinct text of q's near-duplicate index
// (with its entry) and leaves the index empty: a distributed run sends the
// texts of every unit to a band search (Plan.TextSearch), keyed by text,
// instead of merging the index whole, and gives the finish its answer
// (UseTextAnswer). The state remembers it, in its encoding too: a finish
// without the answer, or with texts of some units left in the index, is
// an error. It does nothing when the run has no index.
func (q *Partial) TakeTexts(fn func(similar.Text) error) error {
	ix := q.w.prep.index
	if ix == nil {
		return nil
	}
	q.textsTaken = true
	if err := ix.Texts(fn); err != nil {
		return err
	}
	fresh, err := similar.New(ix.Options())
	if err != nil {
		return err
	}
	q.w.prep.index = fresh
	q.closers = append(q.closers, fresh)
	return ix.Close()
}

// TextSearch returns the band search of the run's near-duplicate index:
// the questions every check that compares texts asks the finish's
// search, with the index's options. nil when the run has no index. The
// split names must be fixed.
func (p *Plan) TextSearch() (*similar.BandSearch, error) {
	if p.TextBands() == 0 {
		return nil, nil
	}
	q, err := p.NewPartial()
	if err != nil {
		return nil, err
	}
	defer q.Close()
	ix := q.w.prep.index
	sum := &Summary{Config: p.s.cfg, Roles: p.s.roles, Splits: p.s.splits, Examples: p.s.cfg.Examples, TextIndex: ix}
	_, qs := textQueries(q.w.accs, sum)
	return similar.NewBandSearch(ix.Options(), qs)
}

// UseTextAnswer gives the merged state the answer of the band search of
// the texts TakeTexts took from every unit; the finish then answers the
// checks' questions with it.
func (q *Partial) UseTextAnswer(a *similar.Answer) error {
	if !q.textsTaken {
		return errors.New("an answer to a band search, but no unit's texts were taken for one (TakeTexts)")
	}
	q.answer = a
	return nil
}

// textSearcher is what answers the checks' questions to the
// near-duplicate index in the finish: the merged index, or the answer of
// the band search its texts went to.
func (q *Partial) textSearcher() (TextSearcher, error) {
	ix := q.w.prep.index
	switch {
	case ix == nil:
		return nil, nil
	case q.textsTaken && q.answer == nil:
		return nil, errors.New("finish: the texts of the near-duplicate index went to a band search (TakeTexts), and its answer was not given (UseTextAnswer)")
	case q.textsTaken && ix.Len() > 0:
		return nil, fmt.Errorf("finish: the texts of some units went to a band search (TakeTexts), %d texts of others did not", ix.Len())
	case q.answer != nil:
		return q.answer, nil
	}
	return ix, nil
}

// recordsVersion is the format version of the row records ConsumeRecords
// returns.
const recordsVersion = 1

// ConsumeRecords is Consume that also returns the unit's row records, for
// FinishRecords: nil when the run records no rows (no check revisits rows
// and no findings are asked for).
func (p *Plan) ConsumeRecords(ctx context.Context, u WorkUnit) (*Partial, []byte, error) {
	q, err := p.consume(ctx, u, p.s.needSpill)
	if err != nil {
		return nil, nil, err
	}
	if q.w.spill == nil {
		return q, nil, nil
	}
	raw, err := q.w.spill.contents()
	q.w.spill = nil
	if err != nil {
		q.Close()
		return nil, nil, err
	}
	w := wire.NewWriter("audit.Records", recordsVersion)
	w.Blob(raw)
	return q, w.Bytes(), nil
}

// check that the index stays Encodable: Partial encodes it.
var _ Encodable = (*similar.Index)(nil)

// workUnitVersion is the format version of a WorkUnit's encoding.
const workUnitVersion = 1

// MarshalBinary encodes the work unit.
func (u WorkUnit) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter("audit.WorkUnit", workUnitVersion)
	w.Int(u.File)
	w.Int(u.Index)
	w.Blob(u.Data)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded; Data shares data.
func (u *WorkUnit) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, "audit.WorkUnit", workUnitVersion)
	u.File = r.Int()
	u.Index = r.Int()
	u.Data = r.Blob()
	return r.Finish()
}

// SplitsOf returns the split names a Partial's encoding was made with, so
// that a process that has no other way to learn them (a combiner) can
// FixSplits before DecodePartial.
func SplitsOf(data []byte) ([]string, error) {
	r := wire.NewReader(data, "audit.Partial", partialVersion)
	var names []string
	for range r.Count(1) {
		names = append(names, r.Str())
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("decode partial state: %w", err)
	}
	return names, nil
}
