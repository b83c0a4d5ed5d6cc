package leakage_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/zeebo/xxh3"

	"dataready/audit"
	"dataready/audit/leakage"
	"dataready/audit/norm"
	"dataready/fixtures/gen"
)

// benchBatches builds rows prepared rows of one split, in batches of
// 65,536: every row has its own row key, its own user_id and its own time
// (the worst case for memory), and one of ten classes.
func benchBatches(b *testing.B, rows int, split string, cfg *audit.Config) []*audit.Batch {
	b.Helper()
	splits := audit.NewSplitTable(cfg)
	idx, err := splits.Index(split)
	if err != nil {
		b.Fatal(err)
	}
	file := &audit.FileRef{Path: "bench.csv", Split: split}
	classes := make([]string, 10)
	for i := range classes {
		classes[i] = fmt.Sprintf("class%d", i)
	}
	var out []*audit.Batch
	const size = 1 << 16
	for start := 0; start < rows; start += size {
		n := min(size, rows-start)
		bld := array.NewStringBuilder(memory.NewGoAllocator())
		times := array.NewStringBuilder(memory.NewGoAllocator())
		bt := &audit.Batch{File: file, Rows: n, Lines: make([]int64, n), Split: make([]uint8, n), Splits: splits,
			Label: make([]string, n), Missing: make([]int16, n), Class: make([]string, n), ClassHash: make([]uint64, n),
			Key: make([]norm.Key, n)}
		for i := range n {
			row := start + i
			bld.Append(fmt.Sprintf("U%08d", row))
			times.Append(fmt.Sprint(1_700_000_000 + row))
			c := classes[row%10]
			h := xxh3.Hash128([]byte(fmt.Sprint(row)))
			bt.Lines[i], bt.Split[i], bt.Label[i], bt.Missing[i] = int64(row+2), idx, c, -1
			bt.Class[i], bt.ClassHash[i], bt.Key[i] = c, norm.Hash64(c), norm.Key{Hi: h.Hi, Lo: h.Lo}
		}
		ids, ts := bld.NewArray(), times.NewArray()
		bld.Release()
		times.Release()
		b.Cleanup(ids.Release)
		b.Cleanup(ts.Release)
		bt.Columns = []arrow.Array{ids, ts}
		out = append(out, bt)
	}
	return out
}

// heap returns the live heap after a full collection.
func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkMemory measures the bytes each check keeps per row, on 1M
// generated rows with distinct keys and entities (the worst case):
//
//	go test -run '^$' -bench Memory -benchtime 1x ./audit/leakage
//
// exact_overlap, entity_overlap and duplicates are measured on train rows,
// temporal on holdout rows (it keeps every holdout row with a time). The figure is the growth
// of the live heap (runtime.MemStats.HeapAlloc after a GC) divided by the
// rows added; it includes Go's map overhead (load factor, growth).
func BenchmarkMemory(b *testing.B) {
	const rows = 1_000_000
	cfg := audit.DefaultConfig()
	cfg.Label, cfg.Time, cfg.IDs = "label", "ts", []string{"user_id"}
	for _, tc := range []struct {
		spec  audit.Spec
		split string
	}{
		{leakage.ExactOverlap, "train"},
		{leakage.EntityOverlap, "train"},
		{leakage.Duplicates, "train"},
		{leakage.Temporal, "holdout"},
	} {
		b.Run(tc.spec.ID, func(b *testing.B) {
			batches := benchBatches(b, rows, tc.split, cfg)
			env := &audit.Env{Config: cfg, Columns: []string{"user_id", "ts"}, Roles: audit.Roles{Label: "label", IDs: []string{"user_id"}, Time: "ts"},
				Params: map[string]float64{}, Examples: 20}
			var perRow float64
			for b.Loop() {
				before := heap()
				acc := tc.spec.New(env)
				for _, bt := range batches {
					acc.Add(bt)
				}
				after := heap()
				runtime.KeepAlive(acc)
				perRow = float64(after-before) / rows
			}
			b.ReportMetric(perRow, "bytes/row")
		})
	}
}

// BenchmarkChecks runs the whole pipeline on 200,000 generated rows (CSV,
// one worker) with no check, then with each check alone, so that the
// difference is the check's cost:
//
//	go test -run '^$' -bench Checks -benchtime 3x ./audit/leakage
func BenchmarkChecks(b *testing.B) {
	const rows = 200_000
	path := filepath.Join(b.TempDir(), "tickets.csv")
	if err := gen.LargeFile(b.Context(), path, rows, gen.CSV, 1); err != nil {
		b.Fatal(err)
	}
	cases := []audit.Spec{{ID: "none"}}
	cases = append(cases, specs...)
	for _, spec := range cases {
		b.Run(spec.ID, func(b *testing.B) {
			cfg := audit.DefaultConfig()
			cfg.Inputs = []string{path}
			cfg.Label, cfg.Text, cfg.Split = "label", "text", "split"
			cfg.IDs, cfg.Time = []string{"user_id"}, "created_at"
			cfg.Segments, cfg.Exclude = []string{"region", "channel", "user_type"}, []string{"ticket_id"}
			cfg.Workers = 1
			run := []audit.Spec{}
			if spec.New != nil {
				run = append(run, spec)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := audit.Run(b.Context(), cfg, audit.RunOptions{Specs: run}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
