package audit_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"dataready/audit"
	"dataready/audit/registry"
	"dataready/fixtures/gen"
)

var (
	benchRows = flag.Int("benchrows", 1_000_000, "rows of the generated dataset BenchmarkPipeline audits")
	peakHeap  = flag.String("peakheap", "", "write a heap profile to this file whenever BenchmarkPipeline's heap reaches a new peak")
)

// watchHeap samples the live heap every 20 ms until stop is called, which
// returns the largest value seen. With a file name, it also writes a heap
// profile (as of the last garbage collection) each time the heap grows 5%
// beyond its previous peak, so the last one written shows the peak's
// allocation sites.
func watchHeap(b *testing.B, profile string) (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done, finished := make(chan struct{}), make(chan struct{})
	var peak, written uint64
	go func() {
		defer close(finished)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			if profile != "" && peak > written+written/20 {
				written = peak
				if f, err := os.Create(profile); err == nil {
					if err := pprof.WriteHeapProfile(f); err != nil {
						b.Error(err)
					}
					f.Close()
				}
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak
	}
}

var (
	benchOnce  sync.Once
	benchDir   string
	benchFiles = map[gen.Format]string{}
	benchErr   error
)

// benchData generates the benchmark dataset once per process, both formats.
func benchData(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "dataready-bench-")
		if benchErr != nil {
			return
		}
		for _, f := range []gen.Format{gen.CSV, gen.Parquet} {
			path := filepath.Join(benchDir, fmt.Sprintf("tickets-%d.%s", *benchRows, f))
			if benchErr = gen.LargeFile(b.Context(), path, *benchRows, f, 1); benchErr != nil {
				return
			}
			benchFiles[f] = path
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

// BenchmarkPipeline runs the whole audit (read, prepare, every check,
// merge) on a generated dataset: go test -bench Pipeline -benchtime 3x ./audit
func BenchmarkPipeline(b *testing.B) {
	benchData(b)
	for _, f := range []gen.Format{gen.CSV, gen.Parquet} {
		path := benchFiles[f]
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []struct {
			workers  int
			findings bool
		}{{1, false}, {2, false}, {2, true}} {
			workers := mode.workers
			name := fmt.Sprintf("%s/workers=%d", f, workers)
			if mode.findings {
				name += "/findings"
			}
			b.Run(name, func(b *testing.B) {
				cfg := audit.DefaultConfig()
				cfg.Inputs = []string{path}
				cfg.Label, cfg.Text, cfg.Split = "label", "text", "split"
				cfg.IDs, cfg.Time = []string{"user_id"}, "created_at"
				cfg.Segments, cfg.Exclude = []string{"region", "channel", "user_type"}, []string{"ticket_id"}
				cfg.Workers = workers
				b.SetBytes(st.Size())
				b.ReportAllocs()
				var rows int64
				stop := watchHeap(b, *peakHeap)
				for b.Loop() {
					rep, err := audit.Run(b.Context(), cfg, audit.RunOptions{Specs: registry.Checks(), Findings: mode.findings})
					if err != nil {
						b.Fatal(err)
					}
					rows = rep.Dataset.RowsRead
				}
				b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MB")
			})
		}
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}
