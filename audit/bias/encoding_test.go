package bias_test

import (
	"bytes"
	"fmt"
	"testing"

	"dataready/audit"
	"dataready/audit/bias"
	"dataready/audit/norm"
)

// coverageEnv is a run with two segment columns and their combination.
func coverageEnv() *audit.Env {
	cfg := audit.DefaultConfig()
	cfg.Label = "label"
	cfg.Segments = []string{"region", "channel"}
	cfg.SegmentCombinations = [][]string{{"region", "channel"}}
	return &audit.Env{Config: cfg, Columns: []string{"label", "region", "channel"}, Examples: 3,
		Roles: audit.Roles{Label: "label", Segments: cfg.Segments}, Params: map[string]float64{}}
}

// coverageBatch is a batch of train and holdout rows over a few regions,
// channels and classes, some unlabeled, one region only in the holdout.
func coverageBatch(t testing.TB, cfg *audit.Config) *audit.Batch {
	splits := audit.NewSplitTable(cfg)
	train, err := splits.Index("train")
	if err != nil {
		t.Fatal(err)
	}
	holdout, err := splits.Index("holdout")
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	b := &audit.Batch{File: &audit.FileRef{Path: "data.csv"}, Rows: n, Lines: make([]int64, n), Split: make([]uint8, n),
		Splits: splits, Label: make([]string, n), Missing: make([]int16, n), Class: make([]string, n),
		ClassHash: make([]uint64, n), Key: make([]norm.Key, n), Segments: [][]string{make([]string, n), make([]string, n)}}
	regions, channels, classes := []string{"eu", "us", "ap", "uk"}, []string{"web", "chat"}, []string{"refund", "billing", "bug"}
	for i := range n {
		b.Lines[i] = int64(i + 2)
		b.Split[i] = train
		if i%4 == 0 {
			b.Split[i] = holdout
		}
		region := regions[i%3]
		if i%9 == 0 {
			region, b.Split[i] = "uk", holdout
		}
		b.Segments[0][i], b.Segments[1][i] = region, channels[i%2]
		b.Missing[i] = -1
		if i%7 == 0 {
			b.Missing[i] = audit.MissingNull
		} else {
			c := classes[i%len(classes)]
			b.Label[i], b.Class[i], b.ClassHash[i] = c, c, norm.Hash64(c)
		}
		b.Key[i] = norm.TextKey(fmt.Sprint("row", i))
	}
	return b
}

// FuzzCoverageDecode decodes arbitrary bytes into a fresh
// bias.segment_coverage accumulator (tables per dimension, nested row
// samples, pending holdout rows): it must return an error or a state that
// encodes, and whose encoding decodes and encodes to the same bytes again;
// it must never panic.
func FuzzCoverageDecode(f *testing.F) {
	env := coverageEnv()
	acc := bias.SegmentCoverage.New(env)
	acc.Add(coverageBatch(f, env.Config))
	valid, err := acc.(audit.Encodable).MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	empty, _ := bias.SegmentCoverage.New(env).(audit.Encodable).MarshalBinary()
	f.Add(empty)
	f.Fuzz(func(t *testing.T, data []byte) {
		a := bias.SegmentCoverage.New(env).(audit.Encodable)
		if a.UnmarshalBinary(data) != nil {
			return
		}
		out, err := a.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded state does not encode: %v", err)
		}
		b := bias.SegmentCoverage.New(env).(audit.Encodable)
		if err := b.UnmarshalBinary(out); err != nil {
			t.Fatalf("the encoding of decoded state does not decode: %v", err)
		}
		again, err := b.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("encode(decode(encode(decode(x)))) differs from encode(decode(x))")
		}
	})
}

// TestOverflowEncoding lowers the tracked-value bound so that the segment
// tables overflow, and checks that an overflowed accumulator survives its
// encoding: decoded, it encodes to the same bytes and gives the same
// result.
func TestOverflowEncoding(t *testing.T) {
	defer bias.SetLimits(2, 2, 2)()
	env := coverageEnv()
	b := coverageBatch(t, env.Config)
	sum := &audit.Summary{Config: env.Config, Splits: b.Splits, Files: []audit.FileRef{*b.File}, Examples: env.Examples,
		SplitRows: map[string]int64{}, Keys: audit.NewKeyTable()}
	for _, spec := range []audit.Spec{bias.SegmentCoverage, bias.LabelDisparity, bias.Missingness, bias.ReferenceCoverage} {
		t.Run(spec.ID, func(t *testing.T) {
			acc := spec.New(env)
			acc.Add(b)
			data, err := acc.(audit.Encodable).MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			cp := spec.New(env)
			if err := cp.(audit.Encodable).UnmarshalBinary(data); err != nil {
				t.Fatal(err)
			}
			again, err := cp.(audit.Encodable).MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, data) {
				t.Error("the decoded accumulator encodes to other bytes")
			}
			got, want := cp.Result(sum), acc.Result(sum)
			if g, w := fmt.Sprint(got.Metrics), fmt.Sprint(want.Metrics); g != w {
				t.Errorf("decoded result %s, want %s", g, w)
			}
		})
	}
}
