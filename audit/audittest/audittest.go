// Package audittest helps check packages test themselves end to end: it
// writes a small CSV, runs the real pipeline over it with a checked Arrow
// allocator, and reads metrics out of the report. It also holds the
// brute-force references more than one package's tests compare with
// (RuleReference). It is imported by tests only.
package audittest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"dataready/audit"
	"dataready/audit/registry"
)

// Run writes csv to a temporary file, audits it with every registered
// check and the config that configure sets up (label defaults to "label"),
// and returns the report.
func Run(t testing.TB, csv string, configure func(*audit.Config)) *audit.Report {
	t.Helper()
	return RunSpecs(t, csv, configure, registry.Checks()...)
}

// RunSpecs is Run with the given checks only.
func RunSpecs(t testing.TB, csv string, configure func(*audit.Config), specs ...audit.Spec) *audit.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{path}
	cfg.Label = "label"
	if configure != nil {
		configure(cfg)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: specs, Allocator: mem, Findings: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// Files runs the pipeline on files already written (paths resolve as given)
// with the given checks; configure sets roles and inputs.
func Files(t testing.TB, configure func(*audit.Config), specs ...audit.Spec) *audit.Report {
	t.Helper()
	cfg := audit.DefaultConfig()
	cfg.Label = "label"
	configure(cfg)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: specs, Allocator: mem, Findings: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// Check returns one check's result.
func Check(t testing.TB, rep *audit.Report, id string) audit.CheckResult {
	t.Helper()
	for _, c := range rep.Checks {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no check %s in the report", id)
	return audit.CheckResult{}
}

// Metric reads a metric, following path through nested maps.
func Metric(t testing.TB, c audit.CheckResult, path ...string) any {
	t.Helper()
	var v any = c.Metrics
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: metric %v: %v is not a map", c.ID, path, v)
		}
		if v, ok = m[p]; !ok {
			t.Fatalf("%s: no metric %v", c.ID, path)
		}
	}
	return v
}

// Findings returns the report's findings of one check, in report order.
func Findings(rep *audit.Report, id string) []audit.Finding {
	var out []audit.Finding
	for _, f := range rep.Findings {
		if f.Check == id {
			out = append(out, f)
		}
	}
	return out
}

// FindingLines returns the lines of one check's findings, in report order
// (empty, not nil, when there are none).
func FindingLines(rep *audit.Report, id string) []int64 {
	out := []int64{}
	for _, f := range Findings(rep, id) {
		out = append(out, f.Line)
	}
	return out
}
