package volume_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/zeebo/xxh3"

	"dataready/audit"
	"dataready/audit/norm"
	"dataready/audit/volume"
	"dataready/fixtures/gen"
)

// benchRows is the number of generated rows BenchmarkBaselineAdd adds.
const benchRows = 100_000

var (
	benchOnce    sync.Once
	benchErr     error
	benchTexts   []string // normalized texts of the generated rows
	benchLabels  []string
	benchHoldout []bool
)

// loadBench generates the large dataset's rows (fixtures/gen) once and
// keeps their normalized texts, labels and splits.
func loadBench(b *testing.B) {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "baseline-bench")
		if err != nil {
			benchErr = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "tickets.csv")
		if benchErr = gen.LargeFile(b.Context(), path, benchRows, gen.CSV, 1); benchErr != nil {
			return
		}
		f, err := os.Open(path)
		if err != nil {
			benchErr = err
			return
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			benchErr = err
			return
		}
		col := map[string]int{}
		for i, name := range recs[0] {
			col[name] = i
		}
		for _, r := range recs[1:] {
			benchTexts = append(benchTexts, norm.String(r[col["text"]]))
			benchLabels = append(benchLabels, norm.String(r[col["label"]]))
			benchHoldout = append(benchHoldout, r[col["split"]] != "train")
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
}

// BenchmarkBaselineAdd adds the texts of 100,000 generated rows (80%
// train, 20% holdout, no feature column) to volume.baseline in batches of
// 8,192: the keyword rule's read stage (tokenizing, counting tokens per
// cell, spilling the rows that may be scored).
//
//	go test -run '^$' -bench BaselineAdd -benchtime 5x ./audit/volume
func BenchmarkBaselineAdd(b *testing.B) {
	loadBench(b)
	cfg := audit.DefaultConfig()
	cfg.Label, cfg.Text, cfg.Split = "label", "text", "split"
	env := &audit.Env{Config: cfg, Columns: []string{"text"}, Roles: audit.Roles{Label: "label", Text: "text", Split: "split"},
		Params: map[string]float64{"keywords": 10, "min_token_count": 5}, Examples: 20}
	splits := audit.NewSplitTable(cfg)
	var idx [2]uint8
	for i, name := range []string{"train", "holdout"} {
		var err error
		if idx[i], err = splits.Index(name); err != nil {
			b.Fatal(err)
		}
	}
	file := &audit.FileRef{Path: "bench.csv"}
	const size = 8192
	var batches []*audit.Batch
	for start := 0; start < len(benchTexts); start += size {
		n := min(size, len(benchTexts)-start)
		bt := &audit.Batch{File: file, Rows: n, Lines: make([]int64, n), Split: make([]uint8, n), Splits: splits,
			Label: make([]string, n), Missing: make([]int16, n), Class: make([]string, n), ClassHash: make([]uint64, n),
			Key: make([]norm.Key, n), Text: benchTexts[start : start+n]}
		for i := range n {
			row := start + i
			h := xxh3.HashString128(benchTexts[row])
			bt.Lines[i], bt.Label[i], bt.Missing[i] = int64(row+2), benchLabels[row], -1
			if benchHoldout[row] {
				bt.Split[i] = idx[1]
			} else {
				bt.Split[i] = idx[0]
			}
			bt.Class[i], bt.ClassHash[i], bt.Key[i] = benchLabels[row], norm.Hash64(benchLabels[row]), norm.Key{Hi: h.Hi, Lo: h.Lo}
		}
		batches = append(batches, bt)
	}
	b.ReportAllocs()
	for b.Loop() {
		acc := volume.Baseline.New(env)
		for _, bt := range batches {
			acc.Add(bt)
		}
		if c, ok := acc.(interface{ Close() error }); ok {
			c.Close()
		}
	}
	b.ReportMetric(float64(len(benchTexts))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
