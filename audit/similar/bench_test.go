package similar

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"dataready/audit/norm"
	"dataready/fixtures/gen"
)

var benchTexts = flag.Int("benchtexts", 100_000, "texts of the generated dataset BenchmarkIndex indexes")

// benchRow is one row of the benchmark dataset, as the pipeline would add
// it: normalized text, key and entry.
type benchRow struct {
	text  string
	entry Entry
}

var (
	benchOnce sync.Once
	benchData []benchRow
	benchErr  error
)

// benchRows generates the texts of the pipeline's benchmark dataset
// (fixtures/gen.Large: templated support tickets of 10 to 40 words, 2%
// repeated texts, 0.5% near copies, 20% holdout) once per process.
func benchRows(b *testing.B) []benchRow {
	b.Helper()
	benchOnce.Do(func() {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(gen.Large(b.Context(), pw, *benchTexts, gen.CSV, 1)) }()
		r := csv.NewReader(pr)
		r.ReuseRecord = true
		text, label, split := slices.Index(gen.LargeColumns, "text"), slices.Index(gen.LargeColumns, "label"),
			slices.Index(gen.LargeColumns, "split")
		if _, benchErr = r.Read(); benchErr != nil {
			return
		}
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				benchErr = err
				return
			}
			s := norm.String(rec[text])
			e := Entry{Key: norm.TextKey(s), Pos: uint64(len(benchData)), Class: norm.Hash64(norm.String(rec[label]))}
			if rec[split] != "train" {
				e.Split = 1
			}
			benchData = append(benchData, benchRow{s, e})
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchData
}

// buildIndex adds rows to workers indexes concurrently, each its share, and
// merges them, the way the pipeline does.
func buildIndex(b *testing.B, rows []benchRow, workers int) *Index {
	ixs := make([]*Index, workers)
	var g errgroup.Group
	for w := range ixs {
		ix, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		ixs[w] = ix
		g.Go(func() error {
			for i := w; i < len(rows); i += workers {
				if err := ix.AddString(rows[i].entry, rows[i].text); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	for _, ix := range ixs[1:] {
		if err := ixs[0].Merge(ix); err != nil {
			b.Fatal(err)
		}
	}
	return ixs[0]
}

// BenchmarkIndex measures the near-duplicate index on the texts of the
// pipeline's benchmark dataset (-benchtexts, default 100,000):
//
//	go test -run '^$' -bench Index -benchtime 1x ./audit/similar -benchtexts 1000000
//
// add: one worker adding every row (texts/s) and the heap it keeps
// (bytes/text, per distinct text: B/distinct); add-merge: GOMAXPROCS
// workers and the merge; pairs: labels.near_conflicts' query (pairs whose
// rows carry different classes); first: leakage.near_duplicates' query
// (a train text near each holdout-only text); search: both in one Search,
// as the pipeline asks them.
func BenchmarkIndex(b *testing.B) {
	rows := benchRows(b)
	var textBytes int64
	for _, r := range rows {
		textBytes += int64(len(r.text))
	}
	for _, bc := range []struct {
		name    string
		workers int
	}{{"add", 1}, {"add-merge", runtime.GOMAXPROCS(0)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(textBytes)
			var elapsed time.Duration
			var heap, distinct float64
			for b.Loop() {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				start := time.Now()
				ix := buildIndex(b, rows, bc.workers)
				elapsed += time.Since(start)
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap = float64(after.HeapAlloc) - float64(before.HeapAlloc)
				distinct = float64(ix.Len())
				if err := ix.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(rows))/elapsed.Seconds(), "texts/s")
			b.ReportMetric(heap/float64(len(rows)), "bytes/text")
			b.ReportMetric(heap/distinct, "B/distinct")
		})
	}
	ix := buildIndex(b, rows, runtime.GOMAXPROCS(0))
	defer ix.Close()
	const holdout, train = 1 << 1, 1 << 0
	queries := []struct {
		name string
		run  func() (int, Stats, error)
	}{
		{"pairs", func() (int, Stats, error) {
			ps, st, err := ix.Pairs(DefaultThreshold, func(a, b *Entry) bool { return a.Class != b.Class || a.Mixed || b.Mixed })
			return len(ps), st, err
		}},
		{"first", func() (int, Stats, error) {
			ms, st, err := ix.First(DefaultThreshold,
				func(e Entry) bool { return e.Splits == holdout },
				func(e Entry) bool { return e.Splits&train != 0 })
			return len(ms), st, err
		}},
	}
	queries = append(queries, struct {
		name string
		run  func() (int, Stats, error)
	}{"search", func() (int, Stats, error) {
		// Both queries in one Search, as the pipeline asks them: found and
		// the counts are the sums of both answers.
		rs, err := ix.Search([]Query{
			{Threshold: DefaultThreshold, Differ: func(e Entry) uint64 {
				if e.Mixed {
					return e.Pos | 1<<63
				}
				return e.Class
			}},
			{Threshold: DefaultThreshold, IsQuery: func(e Entry) bool { return e.Splits == holdout }, IsTarget: func(e Entry) bool { return e.Splits&train != 0 }},
		})
		st := rs[0].Stats
		st.add(rs[1].Stats)
		return len(rs[0].Pairs) + len(rs[1].Matches), st, err
	}})
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			var found int
			var st Stats
			var err error
			for b.Loop() {
				if found, st, err = q.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(found), "found")
			b.ReportMetric(float64(st.Kept), "kept")
			b.ReportMetric(float64(st.Verified), "verified")
			b.ReportMetric(float64(st.Pairs), "pairs")
			b.ReportMetric(float64(st.CappedBuckets), "capped")
		})
	}
}

// BenchmarkSketch measures the signature of one text (shingles, one
// permutation hashing, densification, band hashes) for texts of a given
// number of shingles: short texts leave most of the 140 bins empty and
// spend their time densifying.
//
//	go test -run '^$' -bench Sketch ./audit/similar
func BenchmarkSketch(b *testing.B) {
	for _, runes := range []int{16, 30, 60, 150, 400} {
		b.Run(fmt.Sprintf("runes=%d", runes), func(b *testing.B) {
			bands, rows := BandsFor(DefaultThreshold)
			s := newSketcher(bands, rows)
			dst := make([]uint32, bands)
			r := rand.New(rand.NewPCG(uint64(runes), 1))
			texts := make([][]byte, 256)
			for i := range texts {
				t := make([]byte, runes)
				for j := range t {
					t[j] = byte('a' + r.IntN(26))
				}
				texts[i] = t
			}
			b.SetBytes(int64(runes))
			i := 0
			for b.Loop() {
				s.sketch(dst, texts[i%len(texts)])
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
		})
	}
}
