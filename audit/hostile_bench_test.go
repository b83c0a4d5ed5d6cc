package audit_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/registry"
)

var hostileRows = 1_000_000

// writeHostile writes the two hostile inputs of the performance issue: a
// CSV of hostileRows rows whose segment column has a distinct value on
// every row, and a small CSV one of whose text fields is 100 MB long.
func writeHostile(b *testing.B, dir string) (distinct, long string) {
	b.Helper()
	write := func(name string, body func(w *bufio.Writer)) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString("id,user_id,region,label,text,split\n")
		body(w)
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		return path
	}
	split := func(i int) string {
		if i%5 == 0 {
			return "holdout"
		}
		return "train"
	}
	distinct = write("distinct-segment.csv", func(w *bufio.Writer) {
		for i := range hostileRows {
			fmt.Fprintf(w, "%d,u%d,region-%d,c%d,ticket %d about order %d,%s\n", i, i%50000, i, i%7, i, i*7919%100003, split(i))
		}
	})
	long = write("long-field.csv", func(w *bufio.Writer) {
		for i := range 1000 {
			text := fmt.Sprintf("ticket %d", i)
			if i == 500 {
				text = strings.Repeat("refund please ", 100<<20/14)
			}
			fmt.Fprintf(w, "%d,u%d,r%d,c%d,%s,%s\n", i, i, i%3, i%4, text, split(i))
		}
	})
	return distinct, long
}

// BenchmarkHostile runs the whole audit on hostile input and reports its
// peak live heap: a segment column with 1M distinct values (one per row),
// and a 100 MB text field. Memory must stay bounded (the segment and value
// tables fold values past their caps; a record longer than 64 MB is
// skipped and counted):
//
//	go test -run '^$' -bench Hostile -benchtime 1x ./audit
func BenchmarkHostile(b *testing.B) {
	distinct, long := writeHostile(b, b.TempDir())
	for _, in := range []struct{ name, path string }{{"distinct-segment", distinct}, {"long-field", long}} {
		b.Run(in.name, func(b *testing.B) {
			cfg := audit.DefaultConfig()
			cfg.Inputs = []string{in.path}
			cfg.Label, cfg.Text, cfg.Split = "label", "text", "split"
			cfg.IDs, cfg.Segments = []string{"user_id"}, []string{"region"}
			cfg.MaxBadRows = "10"
			st, err := os.Stat(in.path)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			var rows, rejected int64
			stop := watchHeap(b, "")
			for b.Loop() {
				rep, err := audit.Run(b.Context(), cfg, audit.RunOptions{Specs: registry.Checks(), Findings: true})
				if err != nil {
					b.Fatal(err)
				}
				rows, rejected = rep.Dataset.RowsRead, 0
				for _, in := range rep.Inputs {
					rejected += in.RowsRejected
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(rejected), "rows-rejected")
			b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MB")
		})
	}
}
