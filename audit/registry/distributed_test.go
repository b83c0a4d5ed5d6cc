package registry_test

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"dataready/audit"
	"dataready/audit/norm"
	"dataready/audit/registry"
	"dataready/audit/similar"
	"dataready/audit/wire"
	"dataready/source"
	"dataready/source/sourcetest"
)

// newPlan makes the Plan of one simulated process.
func newPlan(t testing.TB, fx fixture, cfg *audit.Config, mem memory.Allocator) *audit.Plan {
	t.Helper()
	c := *cfg
	c.Workers = 2
	p, err := audit.NewPlan(t.Context(), &c, audit.RunOptions{Specs: registry.Checks(), Allocator: mem, Findings: true,
		ChunkBytes: fx.chunkBytes, BatchRows: fx.batchRows})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// distributed audits a fixture as a distributed backend would, every
// stage in processes of its own (a fresh Plan each, only bytes crossing
// between them): units from a launcher, split names found by three
// processes, units dealt at random to k consumers that fold their units
// and encode their state, one merger decoding every part in a shuffled
// order, and a finisher. How says how state and rows travel.
func distributed(t *testing.T, fx fixture, cfg *audit.Config, k int, seed uint64, how shipping) *audit.Report {
	pieces := how.pieces
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(seed, 7))

	launcher := newPlan(t, fx, cfg, mem)
	var units []audit.WorkUnit
	digests := map[int]string{}
	for f := range launcher.Files() {
		d, err := launcher.Units(t.Context(), f, func(u audit.WorkUnit) error {
			data, err := u.MarshalBinary()
			if err != nil {
				return err
			}
			var got audit.WorkUnit
			if err := got.UnmarshalBinary(data); err != nil {
				return err
			}
			units = append(units, got)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		digests[f] = d
	}
	rng.Shuffle(len(units), func(i, j int) { units[i], units[j] = units[j], units[i] })

	var names []string
	if launcher.NeedsSplits() {
		finders := []*audit.Plan{newPlan(t, fx, cfg, mem), newPlan(t, fx, cfg, mem), newPlan(t, fx, cfg, mem)}
		seen := map[string]bool{}
		for i, u := range units {
			got, err := finders[i%len(finders)].SplitNames(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range got {
				seen[n] = true
			}
		}
		for n := range seen {
			names = append(names, n) // map order: every process gets another order
		}
	}

	var encoded, records, texts [][]byte
	for c := range k {
		p := newPlan(t, fx, cfg, mem)
		if p.NeedsSplits() {
			rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
			if err := p.FixSplits(names); err != nil {
				t.Fatal(err)
			}
		}
		acc, err := p.NewPartial()
		if err != nil {
			t.Fatal(err)
		}
		for i := c; i < len(units); i += k {
			var q *audit.Partial
			var err error
			if how.records {
				var rec []byte
				q, rec, err = p.ConsumeRecords(t.Context(), units[i])
				if rec == nil && err == nil {
					t.Fatal("ConsumeRecords returned no records: the fixtures' runs record rows")
				}
				records = append(records, rec)
			} else {
				q, err = p.Consume(t.Context(), units[i])
			}
			if err != nil {
				t.Fatal(err)
			}
			if how.bands {
				err := q.TakeTexts(func(x similar.Text) error {
					data, err := x.MarshalBinary()
					texts = append(texts, data)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if i%5 == 0 { // some units travel alone
				encoded = append(encoded, encode(t, q, pieces)...)
				q.Close()
				continue
			}
			if err := acc.Merge(q); err != nil {
				t.Fatal(err)
			}
		}
		encoded = append(encoded, encode(t, acc, pieces)...)
		acc.Close()
	}

	merger := newPlan(t, fx, cfg, mem)
	finisher := newPlan(t, fx, cfg, mem)
	if merger.NeedsSplits() {
		// As a combiner does: from the state it is given.
		last := encoded[len(encoded)-1]
		if pieces {
			last = last[1:]
		}
		names, err := audit.SplitsOf(last)
		if err != nil {
			t.Fatal(err)
		}
		if err := merger.FixSplits(names); err != nil {
			t.Fatal(err)
		}
		slices.Reverse(names)
		if err := finisher.FixSplits(names); err != nil {
			t.Fatal(err)
		}
	}
	rng.Shuffle(len(encoded), func(i, j int) { encoded[i], encoded[j] = encoded[j], encoded[i] })
	var data []byte
	if !pieces {
		data = mergeTree(t, merger, encoded)
	} else {
		// A merger per piece index (a combine keyed by it), then the
		// finisher's merge of the merged pieces.
		probe, err := merger.NewPartial()
		if err != nil {
			t.Fatal(err)
		}
		n := probe.Pieces()
		probe.Close()
		byPiece := make([][][]byte, n)
		for _, e := range encoded {
			byPiece[e[0]] = append(byPiece[e[0]], e[1:])
		}
		var merged [][]byte
		for i, group := range byPiece {
			if len(group) == 0 {
				t.Fatalf("no state for piece %d", i)
			}
			merged = append(merged, mergeTree(t, newPlanLike(t, fx, cfg, mem, merger), group))
		}
		rng.Shuffle(len(merged), func(i, j int) { merged[i], merged[j] = merged[j], merged[i] })
		data = mergeTree(t, merger, merged)
	}
	merged, err := finisher.DecodePartial(data)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Units() != int64(len(units)) {
		t.Errorf("merged state holds %d units, want %d", merged.Units(), len(units))
	}
	if how.bands {
		bs, err := newPlanLike(t, fx, cfg, mem, merger).TextSearch()
		if err != nil {
			t.Fatal(err)
		}
		if bs == nil {
			t.Fatal("the fixture's run has no near-duplicate index")
		}
		if bs.Bands() != launcher.TextBands() {
			t.Fatalf("the band search has %d bands, Plan.TextBands says %d", bs.Bands(), launcher.TextBands())
		}
		if err := merged.UseTextAnswer(bandSearch(t, rng, bs, texts)); err != nil {
			t.Fatal(err)
		}
	}
	var rep *audit.Report
	first := "reread"
	if how.records {
		rng.Shuffle(len(records), func(i, j int) { records[i], records[j] = records[j], records[i] })
		rep, err = finisher.FinishRecords(t.Context(), merged, digests, slices.Values(records))
		first = "records"
	} else {
		rep, err = finisher.Finish(t.Context(), merged, digests)
	}
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	for _, st := range rep.Run.Stages {
		stages = append(stages, st.Name)
	}
	if want := []string{first, "search", "revisit", "results"}; !slices.Equal(stages, want) {
		t.Errorf("the finish's stages are %q, want %q", stages, want)
	}
	return rep
}

// shipping is how a simulated distributed run moves its state and rows.
type shipping struct {
	// pieces cuts every encoded state into pieces (MarshalPieces): the
	// pieces of each index merge in a merger of their own (a keyed
	// combine), and the finisher merges the merged pieces.
	pieces bool
	// records ships every unit's row records from its consumer
	// (ConsumeRecords) to the finisher (FinishRecords), which then reads
	// no input row.
	records bool
	// bands takes the texts out of every unit's near-duplicate index
	// (TakeTexts) and searches them as a band search in simulated
	// processes (bandSearch); the finisher gets its answer.
	bands bool
}

// bandSearch runs a band search as a distributed pipeline does: texts
// (encoded similar.Text, in any order) folded by key, then band after
// band, members grouped by band hash and each group streamed through a
// similar.BucketBuilder, every value encoded between steps, groups and
// finds in shuffled order.
func bandSearch(t *testing.T, rng *rand.Rand, bs *similar.BandSearch, texts [][]byte) *similar.Answer {
	t.Helper()
	byKey := map[norm.Key]*similar.Text{}
	var keys []norm.Key
	for _, data := range texts {
		var x similar.Text
		if err := x.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		if old, ok := byKey[x.Entry.Key]; ok {
			if err := old.Absorb(x); err != nil {
				t.Fatal(err)
			}
			continue
		}
		byKey[x.Entry.Key] = &x
		keys = append(keys, x.Entry.Key)
	}
	ship := func(m *similar.Member) similar.Member {
		data, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var out similar.Member
		if err := out.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		return out
	}
	var members []similar.Member
	for _, k := range keys {
		m := bs.Member(*byKey[k])
		members = append(members, ship(&m))
	}
	var finds [][]byte
	for k := range bs.Bands() {
		groups := map[uint32][]similar.Member{}
		for _, m := range members {
			groups[m.BandHash(k)] = append(groups[m.BandHash(k)], m)
		}
		members = members[:0]
		for _, g := range groups { // map order
			rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
			// Streamed, as audit-beam does: members beyond the cap go on
			// as they come.
			b, err := bs.NewBucket(k)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range g {
				out, beyond, err := b.Add(m)
				if err != nil {
					t.Fatal(err)
				}
				if beyond {
					members = append(members, ship(&out))
				}
			}
			f, first, err := b.Finish()
			if err != nil {
				t.Fatal(err)
			}
			data, err := f.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			finds = append(finds, data)
			for i := range first {
				members = append(members, ship(&first[i]))
			}
		}
	}
	rng.Shuffle(len(finds), func(i, j int) { finds[i], finds[j] = finds[j], finds[i] })
	var all similar.Found
	for _, data := range finds {
		var f similar.Found
		if err := f.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		if err := all.Merge(f); err != nil {
			t.Fatal(err)
		}
	}
	a, err := bs.Answer(all)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// encode encodes q whole, or cut into pieces, each prefixed with its
// piece index (one byte).
func encode(t *testing.T, q *audit.Partial, pieces bool) [][]byte {
	t.Helper()
	if !pieces {
		data, err := q.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return [][]byte{data}
	}
	n := q.Pieces()
	cut, err := q.MarshalPieces()
	if err != nil {
		t.Fatal(err)
	}
	if len(cut) != n || n > 255 {
		t.Fatalf("MarshalPieces made %d pieces, Pieces says %d (at most 255 fit the test's one-byte index)", len(cut), n)
	}
	out := make([][]byte, len(cut))
	for i, data := range cut {
		out[i] = append([]byte{byte(i)}, data...)
	}
	return out
}

// mergeTree decodes encoded partial states with p, merges them in a tree
// and returns the encoding of the merge.
func mergeTree(t *testing.T, p *audit.Plan, encoded [][]byte) []byte {
	t.Helper()
	var parts []*audit.Partial
	for _, data := range encoded {
		q, err := p.DecodePartial(data)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, q)
	}
	for len(parts) > 1 {
		var next []*audit.Partial
		for i := 0; i < len(parts); i += 2 {
			if i+1 < len(parts) {
				if err := parts[i].Merge(parts[i+1]); err != nil {
					t.Fatal(err)
				}
			}
			next = append(next, parts[i])
		}
		parts = next
	}
	data, err := parts[0].MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	parts[0].Close()
	return data
}

// newPlanLike makes another process's Plan with the split names of p.
func newPlanLike(t *testing.T, fx fixture, cfg *audit.Config, mem memory.Allocator, p *audit.Plan) *audit.Plan {
	t.Helper()
	q := newPlan(t, fx, cfg, mem)
	if q.NeedsSplits() {
		if err := q.FixSplits(p.Splits()); err != nil {
			t.Fatal(err)
		}
	}
	return q
}

// TestDistributed checks that the stages of a distributed run (Plan) in
// separate simulated processes give Run's report, run metadata aside.
func TestDistributed(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			cfg := fx.cfg(t)
			want := run(t, fx, cfg, nil)
			want.Run = audit.RunInfo{}
			ks := []int{1, 3}
			modes := []shipping{{}, {pieces: true}, {pieces: true, records: true}, {pieces: true, records: true, bands: true}}
			if raceEnabled {
				// The simulation is sequential; the race detector looks at
				// the pipeline's goroutines, which the richest modes run.
				ks, modes = ks[1:], []shipping{{}, {pieces: true, records: true, bands: true}}
			}
			for _, k := range ks {
				for _, how := range modes {
					got := distributed(t, fx, cfg, k, uint64(k), how)
					got.Run = audit.RunInfo{}
					if a, b := jsonOf(t, got), jsonOf(t, want); a != b {
						t.Errorf("%d consumers, %+v: the report differs from Run's:\n%s", k, how, diff(a, b))
					}
				}
			}
		})
	}
}

// TestRemoteInputs checks that inputs named by URL, read through a
// registered source.FS, give the report of the same files read from the
// disk, in Run and in the distributed stages (whose Finish reads them
// again); only the paths (and run metadata) differ.
func TestRemoteInputs(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			cfg := fx.cfg(t)
			want := run(t, fx, cfg, nil)
			want.Run = audit.RunInfo{}
			// The files are served from the folder of the config, or of
			// the inputs when they are named by absolute paths (the
			// generated fixture); shown in the local report as joined
			// with the config's folder, or as they are.
			all := slices.Concat(cfg.Inputs, cfg.Train, cfg.Holdout, cfg.Reference)
			root, shown := cfg.Dir, filepath.Join(cfg.Dir)+string(filepath.Separator)
			if filepath.IsAbs(all[0]) {
				root = filepath.Dir(all[0])
				shown = root + string(filepath.Separator)
			}
			fsys := &sourcetest.DirFS{Prefix: "mem://" + fx.name + "/", Root: root}
			source.RegisterFS("mem", fsys)
			defer source.RegisterFS("mem", nil)
			remote := *cfg
			urls := func(paths []string) []string {
				var out []string
				for _, p := range paths {
					rel := p
					if filepath.IsAbs(p) {
						var err error
						if rel, err = filepath.Rel(root, p); err != nil || strings.HasPrefix(rel, "..") {
							t.Fatalf("%s is not in %s", p, root)
						}
					}
					out = append(out, fsys.Prefix+filepath.ToSlash(rel))
				}
				return out
			}
			remote.Inputs, remote.Train, remote.Holdout, remote.Reference = urls(cfg.Inputs), urls(cfg.Train), urls(cfg.Holdout), urls(cfg.Reference)
			// Run and the distributed stages must both read every input
			// through the FS: from another folder, the relative paths
			// would not find the files.
			remote.Dir = t.TempDir()
			// The local report names the files by path, this one by URL.
			want.Config = &remote
			local := strings.ReplaceAll(jsonOf(t, want), shown, fsys.Prefix)
			for _, k := range []int{0, 3} {
				var got *audit.Report
				if k == 0 {
					got = run(t, fx, &remote, nil)
				} else {
					got = distributed(t, fx, &remote, k, 5, shipping{pieces: true})
				}
				got.Run = audit.RunInfo{}
				if a := jsonOf(t, got); a != local {
					t.Errorf("consumers %d (0: Run): the report of the URLs differs from the local one:\n%s", k, diff(a, local))
				}
			}
			if fsys.Reads.Load() == 0 {
				t.Error("nothing was read through the FS")
			}
		})
	}
}

// TestDistributedSplits checks that a split value not fixed up front is an
// error naming the row, and that the stages refuse to run without fixed
// splits or with state of another run.
func TestDistributedSplits(t *testing.T) {
	fx := fixtures[1] // generated: rows split by a column
	cfg := fx.cfg(t)
	mem := memory.NewGoAllocator()
	p := newPlan(t, fx, cfg, mem)
	if !p.NeedsSplits() {
		t.Fatal("the generated fixture should split its rows by a column")
	}
	var units []audit.WorkUnit
	if _, err := p.Units(t.Context(), 0, func(u audit.WorkUnit) error {
		units = append(units, u)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Consume(t.Context(), units[0]); err == nil {
		t.Error("Consume before FixSplits: no error")
	}
	names, err := p.SplitNames(t.Context(), units[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 2 {
		t.Fatalf("first unit has splits %q: want several for this test", names)
	}
	if err := p.FixSplits(names[:1]); err != nil {
		t.Fatal(err)
	}
	if err := p.FixSplits(names); err == nil {
		t.Error("FixSplits with other names after the first: no error")
	}
	_, err = p.Consume(t.Context(), units[0])
	var se *source.Error
	if !errors.Is(err, audit.ErrUnknownSplit) || !errors.As(err, &se) || se.Line == 0 || se.File != p.FilePath(0) || se.Column != cfg.Split {
		t.Errorf("Consume of a unit with a split not fixed: err = %v, want ErrUnknownSplit at a line of %s, column %s", err, p.FilePath(0), cfg.Split)
	}

	other := newPlan(t, fx, cfg, mem)
	if err := other.FixSplits(names); err != nil {
		t.Fatal(err)
	}
	q, err := other.Consume(t.Context(), units[0])
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	data, err := q.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DecodePartial(data); err == nil {
		t.Error("DecodePartial of state made with other split names: no error")
	}
	if _, err := other.Finish(t.Context(), q, map[int]string{}); err == nil {
		t.Error("Finish without digests: no error")
	}
}

// planUnits returns the work units of every input of p and the inputs'
// digests.
func planUnits(t *testing.T, p *audit.Plan) ([]audit.WorkUnit, map[int]string) {
	t.Helper()
	var units []audit.WorkUnit
	digests := map[int]string{}
	for f := range p.Files() {
		d, err := p.Units(t.Context(), f, func(u audit.WorkUnit) error { units = append(units, u); return nil })
		if err != nil {
			t.Fatal(err)
		}
		digests[f] = d
	}
	return units, digests
}

// TestFinishRecordsDamaged checks that damaged row records (from another
// process) are an error, never a panic or a report.
func TestFinishRecordsDamaged(t *testing.T) {
	fx := fixtures[0]
	cfg := fx.cfg(t)
	mem := memory.NewGoAllocator()
	p := newPlan(t, fx, cfg, mem)
	units, digests := planUnits(t, p)
	var state []byte
	var records [][]byte
	{
		acc, err := p.NewPartial()
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range units {
			q, rec, err := p.ConsumeRecords(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			records = append(records, rec)
			if err := acc.Merge(q); err != nil {
				t.Fatal(err)
			}
		}
		if state, err = acc.MarshalBinary(); err != nil {
			t.Fatal(err)
		}
		acc.Close()
	}
	finish := func(recs [][]byte) error {
		merged, err := p.DecodePartial(state)
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.FinishRecords(t.Context(), merged, digests, slices.Values(recs))
		return err
	}
	if err := finish(records); err != nil {
		t.Fatalf("the records as made: %v", err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 40 {
		damaged := slices.Clone(records)
		j := rng.IntN(len(damaged))
		rec := slices.Clone(damaged[j])
		switch i % 3 {
		case 0: // cut short
			rec = rec[:rng.IntN(len(rec))]
		case 1: // a byte changed past the header
			k := 16 + rng.IntN(len(rec)-16)
			rec[k] ^= byte(1 + rng.IntN(255))
		case 2: // a record whose label claims a terabyte
			raw := make([]byte, 16)               // key
			raw = binary.AppendUvarint(raw, 0)    // file
			raw = binary.AppendUvarint(raw, 2)    // line
			raw = append(raw, 0)                  // split
			raw = binary.AppendVarint(raw, 0)     // missing
			raw = append(raw, make([]byte, 8)...) // class hash
			raw = binary.AppendUvarint(raw, 1<<40)
			w := wire.NewWriter("audit.Records", 1)
			w.Blob(raw)
			rec = w.Bytes()
		}
		damaged[j] = rec
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("damage %d: panic %v", i, r)
				}
			}()
			return finish(damaged)
		}()
		// A changed byte inside a label or a text may still decode: then
		// the report is made from other records, which is what the
		// sender's bytes say. Cut or overlong records must fail.
		if err == nil && i%3 != 1 {
			t.Errorf("damage %d (kind %d): no error", i, i%3)
		}
	}
}

// TestTakeTextsGuards checks that a finish cannot silently search an
// index whose texts went elsewhere: texts taken and no answer given, the
// texts of some units taken and others not, or an answer for texts never
// taken are errors.
func TestTakeTextsGuards(t *testing.T) {
	fx := fixtures[0]
	cfg := fx.cfg(t)
	mem := memory.NewGoAllocator()
	p := newPlan(t, fx, cfg, mem)
	units, digests := planUnits(t, p)
	if len(units) < 2 {
		t.Fatalf("%d units, the test needs 2", len(units))
	}
	bs, err := p.TextSearch()
	if err != nil || bs == nil {
		t.Fatalf("TextSearch: %v, %v", bs, err)
	}
	answer, err := bs.Answer(similar.Found{})
	if err != nil {
		t.Fatal(err)
	}
	// state merges every unit, taking the texts of those take says.
	state := func(take func(i int) bool) *audit.Partial {
		acc, err := p.NewPartial()
		if err != nil {
			t.Fatal(err)
		}
		for i, u := range units {
			q, err := p.Consume(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			if take(i) {
				if err := q.TakeTexts(func(similar.Text) error { return nil }); err != nil {
					t.Fatal(err)
				}
			}
			if err := acc.Merge(q); err != nil {
				t.Fatal(err)
			}
		}
		data, err := acc.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		acc.Close()
		merged, err := p.DecodePartial(data) // the mark travels in the encoding
		if err != nil {
			t.Fatal(err)
		}
		return merged
	}
	if _, err := p.Finish(t.Context(), state(func(int) bool { return true }), digests); err == nil || !strings.Contains(err.Error(), "UseTextAnswer") {
		t.Errorf("texts taken, no answer: %v", err)
	}
	some := state(func(i int) bool { return i == 0 })
	if err := some.UseTextAnswer(answer); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Finish(t.Context(), some, digests); err == nil || !strings.Contains(err.Error(), "did not") {
		t.Errorf("texts of one unit taken: %v", err)
	}
	none := state(func(int) bool { return false })
	if err := none.UseTextAnswer(answer); err == nil {
		t.Error("an answer for texts never taken: no error")
	}
	none.Close()
}
