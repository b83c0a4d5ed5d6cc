package source

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

const benchRows = 100_000

// benchRecord is one row of the benchmark dataset.
type benchRecord struct {
	ID      int64   `parquet:"id"`
	UserID  int64   `parquet:"user_id"`
	Region  string  `parquet:"region,dict"`
	Channel string  `parquet:"channel,dict"`
	Text    string  `parquet:"text"`
	Amount  float64 `parquet:"amount"`
	Label   string  `parquet:"label,dict"`
}

// benchRecords generates the dataset: texts of 10 to 40 words, some with
// commas and quotes so that the CSV needs quoting.
func benchRecords() []benchRecord {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the a order refund late delivery package missing great service " +
		"app crash login payment card declined thanks, please \"urgent\" help account " +
		"password reset shipping address wrong item broken size color return exchange")
	regions := []string{"north", "south", "east", "west", "central"}
	channels := []string{"email", "chat", "phone", "web"}
	labels := []string{"billing", "shipping", "technical", "account", "other"}
	out := make([]benchRecord, benchRows)
	var sb strings.Builder
	for i := range out {
		sb.Reset()
		for w := range 10 + rng.IntN(31) {
			if w > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(words[rng.IntN(len(words))])
		}
		out[i] = benchRecord{
			ID:      int64(i + 1),
			UserID:  rng.Int64N(20000),
			Region:  regions[rng.IntN(len(regions))],
			Channel: channels[rng.IntN(len(channels))],
			Text:    sb.String(),
			Amount:  float64(rng.IntN(100000)) / 100,
			Label:   labels[rng.IntN(len(labels))],
		}
	}
	return out
}

func writeBenchCSV(b *testing.B, recs []benchRecord) string {
	path := filepath.Join(b.TempDir(), "bench.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"id", "user_id", "region", "channel", "text", "amount", "label"})
	for _, r := range recs {
		w.Write([]string{fmt.Sprint(r.ID), fmt.Sprint(r.UserID), r.Region, r.Channel, r.Text,
			fmt.Sprint(r.Amount), r.Label})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

func writeBenchParquet(b *testing.B, recs []benchRecord) string {
	path := filepath.Join(b.TempDir(), "bench.parquet")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := parquet.NewGenericWriter[benchRecord](f, parquet.MaxRowsPerRowGroup(benchRows/8))
	if _, err := w.Write(recs); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// decodeParallel reads path the way the audit pipeline does: Units feeds a
// channel, workers decode; it returns the number of rows.
func decodeParallel(ctx context.Context, path string, opts Options, workers int) (int64, error) {
	f, err := Open(ctx, path, opts)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	units := make(chan Unit, workers)
	var rows atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range workers {
		wg.Go(func() {
			for u := range units {
				err := u.Decode(memory.DefaultAllocator, func(b *Batch) error {
					rows.Add(b.Record.NumRows())
					return nil
				})
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		})
	}
	err = f.Units(ctx, func(u Unit) error {
		select {
		case units <- u:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(units)
	wg.Wait()
	if err != nil {
		return 0, err
	}
	return rows.Load(), firstErr
}

func benchDecode(b *testing.B, path string) {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(fi.Size())
			var rows int64
			for b.Loop() {
				n, err := decodeParallel(b.Context(), path, Options{}, workers)
				if err != nil {
					b.Fatal(err)
				}
				if n != benchRows {
					b.Fatalf("rows = %d, want %d", n, benchRows)
				}
				rows += n
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkCSVDecode reads a 100k-row CSV (about 20 MB) with 1 and
// GOMAXPROCS decoding workers.
func BenchmarkCSVDecode(b *testing.B) {
	benchDecode(b, writeBenchCSV(b, benchRecords()))
}

// BenchmarkParquetDecode reads the same rows from a Parquet file of 8 row
// groups with 1 and GOMAXPROCS decoding workers.
func BenchmarkParquetDecode(b *testing.B) {
	benchDecode(b, writeBenchParquet(b, benchRecords()))
}
