package registry_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/registry"
	"dataready/audit/wire"
	"dataready/fixtures/gen"
)

// TestEveryCheckEncodes fails when a registered check's accumulator cannot
// be encoded: a distributed run (and RunOptions.Parts) needs every one.
func TestEveryCheckEncodes(t *testing.T) {
	cfg := audit.DefaultConfig()
	cfg.Label = "label"
	env := &audit.Env{Config: cfg, Columns: []string{"label"}, Roles: audit.Roles{Label: "label"}, Params: map[string]float64{}, Examples: cfg.Examples}
	// The checks with the largest per-key state cut it by key for a
	// distributed merge (audit.KeySharded; TestDistributed checks the cut).
	sharded := map[string]bool{"leakage.duplicates": true, "leakage.exact_overlap": true, "leakage.entity_overlap": true,
		"volume.segment_minimum": true}
	for _, spec := range registry.Checks() {
		acc := spec.New(env)
		if _, ok := acc.(audit.Encodable); !ok {
			t.Errorf("%s: %T does not implement audit.Encodable", spec.ID, acc)
		}
		if _, ok := acc.(audit.KeySharded); ok != sharded[spec.ID] {
			t.Errorf("%s: implements audit.KeySharded: %v, want %v", spec.ID, ok, sharded[spec.ID])
		}
		if c, ok := acc.(interface{ Close() error }); ok {
			_ = c.Close()
		}
	}
}

// fixture is a dataset and its configuration for the merge property test.
type fixture struct {
	name string
	cfg  func(t testing.TB) *audit.Config
	// chunkBytes and batchRows cut the input into many units, so that each
	// of the K parts gets several.
	chunkBytes, batchRows int
}

var fixtures = []fixture{
	{name: "support-tickets", cfg: supportTickets, chunkBytes: 16 << 10, batchRows: 128},
	{name: "generated", cfg: generated, chunkBytes: 8 << 10, batchRows: 64},
}

// supportTickets is the bundled fixture with its audit.yaml, plus an
// allowed label set (so labels.allowed runs).
func supportTickets(t testing.TB) *audit.Config {
	cfg, err := audit.LoadConfig("../../fixtures/support-tickets/audit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Labels.Allowed = []string{"shipping_delay", "refund", "billing", "login_issue", "cancel_subscription",
		"technical_bug", "account_update", "product_question", "payment_failed", "feedback", "gift_card", "returns"}
	return cfg
}

// generated writes a small dataset of fixtures/gen (split column, text,
// ids, time, segments, near and exact repeats, conflicts) with three
// annotator columns and a column that leaks the label added, and a
// reference file; its configuration turns on every check: annotators, a
// segment combination, an allowed set and a reference.
func generated(t testing.TB) *audit.Config {
	dir := t.TempDir()
	data, ref := filepath.Join(dir, "data.csv"), filepath.Join(dir, "reference.csv")
	if err := gen.LargeFile(t.Context(), ref, 600, gen.CSV, 11); err != nil {
		t.Fatal(err)
	}
	raw := filepath.Join(dir, "raw.csv")
	if err := gen.LargeFile(t.Context(), raw, 2500, gen.CSV, 7); err != nil {
		t.Fatal(err)
	}
	decorate(t, raw, data)
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{data}
	cfg.Reference = []string{ref}
	cfg.Label, cfg.Split, cfg.Text, cfg.Time = "label", "split", "text", "created_at"
	cfg.IDs = []string{"user_id"}
	cfg.Segments = []string{"region", "channel", "user_type"}
	cfg.SegmentCombinations = [][]string{{"region", "channel"}}
	cfg.Annotators = []string{"ann_a", "ann_b", "ann_c"}
	cfg.Exclude = []string{"ticket_id"}
	cfg.Labels.Allowed = []string{"shipping_delay", "refund", "billing", "login_issue", "cancel_subscription",
		"technical_bug", "account_update", "product_question", "payment_failed", "feedback"}
	cfg.Examples = 12 // below the default: more example samples overflow and must merge
	return cfg
}

// decorate copies the CSV at in to out with null amounts (more of them
// for new users), amounts that are not numbers, null regions, missing and
// unparseable times, a spelling variant of a label, three annotator
// columns (each agrees with a truth that is usually the label most of the
// time, picks another class or leaves the rating empty otherwise) and a
// column "queue" that gives the label away (leakage.target). A holdout row
// goes first, so that split index 0 is the holdout and train is 1: a
// decoder that loses a split index (read back as 0) shows.
func decorate(t testing.TB, in, out string) {
	t.Helper()
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	label, split := col["label"], col["split"]
	classes := map[string]bool{}
	for _, row := range rows[1:] {
		classes[row[label]] = true
	}
	list := make([]string, 0, len(classes))
	for c := range classes {
		list = append(list, c)
	}
	slices.Sort(list) // so that the file depends only on the seeds
	r := rand.New(rand.NewPCG(3, 4))
	rate := func(truth string, agree, empty float64) string {
		switch x := r.Float64(); {
		case x < empty:
			return ""
		case x < empty+agree:
			return truth
		}
		return list[r.IntN(len(list))]
	}
	rows[0] = append(rows[0], "ann_a", "ann_b", "ann_c", "queue")
	for i, row := range rows[1:] {
		// Nulls, more often for new users (bias.missingness), and
		// missing segment values.
		switch x := r.Float64(); {
		case x < 0.05 || row[col["user_type"]] == "new" && x < 0.3:
			row[col["amount"]] = ""
		case x > 0.98 && i > len(rows)/2:
			// Not a number, past the rows the column type is guessed
			// from: a type mismatch.
			row[col["amount"]] = "unknown"
		}
		if r.IntN(50) == 0 {
			row[col["region"]] = ""
		}
		switch r.IntN(100) {
		case 0:
			row[col["created_at"]] = ""
		case 1:
			row[col["created_at"]] = "last week" // unparseable
		}
		// The annotators rate a truth that is sometimes not the label, so
		// that their majority disagrees with it.
		truth := row[label]
		if r.IntN(5) == 0 {
			truth = list[r.IntN(len(list))]
		}
		rows[i+1] = append(row, rate(truth, 0.85, 0.02), rate(truth, 0.7, 0.15), rate(truth, 0.4, 0.5),
			"q-"+rate(row[label], 0.95, 0))
		// A spelling variant of one class (labels.variants).
		if row[label] == "refund" && r.IntN(10) == 0 {
			rows[i+1][label] = "Refund "
		}
	}
	for i, row := range rows[1:] {
		if row[split] == "holdout" {
			rows[1], rows[i+1] = rows[i+1], rows[1]
			break
		}
	}
	o, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(o)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
}

// run audits a fixture with every check: in one pass on one worker when
// parts is nil, otherwise split into parts.
func run(t *testing.T, fx fixture, cfg *audit.Config, parts *audit.Parts) *audit.Report {
	t.Helper()
	c := *cfg
	c.Workers = 1
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rep, err := audit.Run(t.Context(), &c, audit.RunOptions{Specs: registry.Checks(), Allocator: mem, Findings: true,
		ChunkBytes: fx.chunkBytes, BatchRows: fx.batchRows, Parts: parts})
	if err != nil {
		t.Fatalf("Run (parts %+v): %v", parts, err)
	}
	return rep
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMergeProperty is the merge path's property test: for every
// registered check, splitting the input into K parts (K = 2, 3, 7), each
// run into its own accumulators, encoding and decoding every part's state
// and merging the parts in a shuffled order (audit.Parts) gives the same
// result, and the same flagged rows, as one pass over the whole input.
func TestMergeProperty(t *testing.T) {
	ran := map[string]bool{} // checks that did not skip on some fixture
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			cfg := fx.cfg(t)
			want := run(t, fx, cfg, nil)
			for _, c := range want.Checks {
				if c.Status != audit.Skip {
					ran[c.ID] = true
				}
			}
			for _, k := range []int{2, 3, 7} {
				seed := uint64(len(fx.name)*100 + k)
				got := run(t, fx, cfg, &audit.Parts{K: k, Seed: seed})
				t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
					for i, w := range want.Checks {
						g := got.Checks[i]
						if a, b := jsonOf(t, g), jsonOf(t, w); a != b {
							t.Errorf("%s: split into %d parts (seed %d), the result differs from one pass:\n%s",
								w.ID, k, seed, diff(a, b))
						}
						if a, b := jsonOf(t, audittest.Findings(got, w.ID)), jsonOf(t, audittest.Findings(want, w.ID)); a != b {
							t.Errorf("%s: split into %d parts (seed %d), the findings differ from one pass:\n%s",
								w.ID, k, seed, diff(a, b))
						}
					}
					if a, b := jsonOf(t, got.Dataset), jsonOf(t, want.Dataset); a != b {
						t.Errorf("dataset differs:\n%s", diff(a, b))
					}
					if a, b := jsonOf(t, got.Problems), jsonOf(t, want.Problems); a != b {
						t.Errorf("problems differ:\n%s", diff(a, b))
					}
				})
			}
		})
	}
	// The property says nothing of a check that skipped everywhere.
	for _, spec := range registry.Checks() {
		if !ran[spec.ID] {
			t.Errorf("%s skipped on every fixture: the merge property is not tested for it", spec.ID)
		}
	}
}

// diff shows the first differing line of two JSON texts, with context.
func diff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			from := max(i-3, 0)
			return fmt.Sprintf("line %d:\n  parts:    %s\n  one pass: %s\ncontext (one pass):\n%s", i+1, a, b,
				strings.Join(w[from:min(i+3, len(w))], "\n"))
		}
	}
	return "(no difference)"
}

// TestDecodeDamaged feeds every decoder (each check's, the key table's,
// the run statistics', the dataset profile's and the near-duplicate
// index's) damaged copies of
// the largest real encoding of both fixtures: every truncation must be an
// error, a newer version must be refused, and random byte changes must
// give an error or a decoded state that encodes again, never a panic.
func TestDecodeDamaged(t *testing.T) {
	type sample struct {
		data  []byte
		fresh func() (audit.Encodable, error)
	}
	largest := map[string]sample{}
	parts := &audit.Parts{K: 3, Seed: 1, Encoded: func(name string, data []byte, fresh func() (audit.Encodable, error)) {
		if len(data) >= len(largest[name].data) {
			largest[name] = sample{bytes.Clone(data), fresh}
		}
	}}
	for _, fx := range fixtures {
		run(t, fx, fx.cfg(t), parts)
	}
	for name, s := range largest {
		t.Logf("%s: %d bytes", name, len(s.data))
	}
	if len(largest) != len(registry.Checks())+4 {
		t.Errorf("%d encodings seen, want one per check and 4 of shared state", len(largest))
	}
	for _, name := range slices.Sorted(maps.Keys(largest)) {
		s := largest[name]
		t.Run(name, func(t *testing.T) {
			decode := func(data []byte, what string) {
				e, ferr := s.fresh()
				if ferr != nil {
					t.Fatal(ferr)
				}
				defer func() {
					if c, ok := e.(io.Closer); ok {
						_ = c.Close()
					}
					if p := recover(); p != nil {
						t.Fatalf("%s: decoding panics: %v", what, p)
					}
				}()
				if e.UnmarshalBinary(data) == nil {
					if _, err := e.MarshalBinary(); err != nil {
						t.Errorf("%s: decoded state does not encode: %v", what, err)
					}
				}
			}
			// Every truncation of a small encoding, about 100 of a large
			// one, 30 of the largest (the index hashes every text again).
			cases := 100
			if len(s.data) > 100_000 {
				cases = 30
			}
			step := max(1, len(s.data)/cases)
			for n := 0; n < len(s.data); n += step {
				e, _ := s.fresh()
				err := e.UnmarshalBinary(s.data[:n])
				if c, ok := e.(io.Closer); ok {
					_ = c.Close()
				}
				if err == nil {
					t.Errorf("the first %d of %d bytes decode without error", n, len(s.data))
				}
			}
			newer := append([]byte{s.data[0] + 1}, s.data[1:]...)
			e, _ := s.fresh()
			if err := e.UnmarshalBinary(newer); !errors.Is(err, wire.ErrVersion) {
				t.Errorf("version %d: err = %v, want wire.ErrVersion", newer[0], err)
			}
			if c, ok := e.(io.Closer); ok {
				_ = c.Close()
			}
			r := rand.New(rand.NewPCG(uint64(len(name)), 5))
			for range cases {
				bad := bytes.Clone(s.data)
				i := r.IntN(len(bad))
				bad[i] = byte(r.IntN(256))
				decode(bad, fmt.Sprintf("byte %d set to %d", i, bad[i]))
			}
		})
	}
}
