package valueclass_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/zeebo/xxh3"

	"dataready/audit"
	"dataready/audit/norm"
	"dataready/audit/valueclass"
)

// benchColumns are the columns leakage.target counts on the large
// dataset (fixtures/gen): three categorical features, a numeric one, an
// id and a time (here epoch seconds, read by ParseNumber).
var benchColumns = []valueclass.Column{
	{Name: "region", Parse: valueclass.ParseNumber},
	{Name: "channel", Parse: valueclass.ParseNumber},
	{Name: "user_type", Parse: valueclass.ParseNumber},
	{Name: "amount", Parse: valueclass.ParseNumber},
	{Name: "user_id"},
	{Name: "created_at", Parse: valueclass.ParseNumber},
}

// benchEnv returns the environment of benchBatches.
func benchEnv() *audit.Env {
	env := &audit.Env{Config: audit.DefaultConfig()}
	for _, c := range benchColumns {
		env.Columns = append(env.Columns, c.Name)
	}
	return env
}

// benchBatches generates rows labeled rows in batches of 16,384, shaped
// like the large dataset: 12 classes, 80% train and 20% holdout, 10
// regions, 3 channels, 3 user types, an amount with two decimals (past
// the cap of distinct values), one user per 5 rows, a distinct time per
// row; 2% of the amounts are null tokens and 1% of the labels missing.
func benchBatches(b *testing.B, rows int) []*audit.Batch {
	b.Helper()
	env := benchEnv()
	splits := audit.NewSplitTable(env.Config)
	var splitIdx [2]uint8
	for i, name := range []string{"train", "holdout"} {
		idx, err := splits.Index(name)
		if err != nil {
			b.Fatal(err)
		}
		splitIdx[i] = idx
	}
	file := &audit.FileRef{Path: "bench.csv"}
	classes := make([]string, 12)
	for i := range classes {
		classes[i] = fmt.Sprint("class_", i)
	}
	regions := []string{"eu-west", "us-east", "eu-central", "us-west", "ap-south", "ap-northeast", "sa-east", "uk-south", "me-central", "af-south"}
	channels := []string{"email", "chat", "web"}
	userTypes := []string{"free", "pro", "business"}
	rng := rand.New(rand.NewPCG(1, 2))
	var out []*audit.Batch
	const size = 1 << 14
	for start := 0; start < rows; start += size {
		n := min(size, rows-start)
		bt := &audit.Batch{File: file, Rows: n, Lines: make([]int64, n), Split: make([]uint8, n), Splits: splits,
			Label: make([]string, n), Missing: make([]int16, n), Class: make([]string, n), ClassHash: make([]uint64, n),
			Key: make([]norm.Key, n)}
		builders := make([]*array.StringBuilder, len(benchColumns))
		for j := range builders {
			builders[j] = array.NewStringBuilder(memory.NewGoAllocator())
		}
		for i := range n {
			row := start + i
			c := rng.IntN(len(classes))
			h := xxh3.Hash128([]byte(fmt.Sprint(row)))
			bt.Lines[i], bt.Split[i], bt.Missing[i] = int64(row+2), splitIdx[min(rng.IntN(5), 1)], -1
			bt.Label[i], bt.Class[i], bt.ClassHash[i], bt.Key[i] = classes[c], classes[c], norm.Hash64(classes[c]), norm.Key{Hi: h.Hi, Lo: h.Lo}
			if rng.IntN(100) == 0 {
				bt.Label[i], bt.Class[i], bt.ClassHash[i], bt.Missing[i] = "", "", 0, audit.MissingNull
			}
			builders[0].Append(regions[(c+rng.IntN(4))%len(regions)])
			builders[1].Append(channels[rng.IntN(len(channels))])
			builders[2].Append(userTypes[rng.IntN(len(userTypes))])
			if rng.IntN(50) == 0 {
				builders[3].Append("NA")
			} else {
				builders[3].Append(fmt.Sprintf("%.2f", float64(10*c)+200*rng.Float64()))
			}
			builders[4].Append(fmt.Sprintf("U%07d", row/5))
			builders[5].Append(fmt.Sprint(1_700_000_000 + 60*row))
		}
		for _, bld := range builders {
			arr := bld.NewArray()
			bld.Release()
			b.Cleanup(arr.Release)
			bt.Columns = append(bt.Columns, arr)
		}
		out = append(out, bt)
	}
	return out
}

// BenchmarkTableAdd counts 200,000 generated rows (benchBatches) into one
// Table, the work leakage.target and volume.baseline each do per worker:
//
//	go test -run '^$' -bench TableAdd -count 5 ./audit/valueclass
func BenchmarkTableAdd(b *testing.B) {
	const rows = 200_000
	batches := benchBatches(b, rows)
	env := benchEnv()
	b.ReportAllocs()
	for b.Loop() {
		t := valueclass.NewTable(env, benchColumns)
		for _, bt := range batches {
			t.Add(bt)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
