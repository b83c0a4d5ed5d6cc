package leakage_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
)

// run audits csv (label column "label", split column "split" unless
// configure says otherwise) with one check and returns its result and the
// report.
func run(t *testing.T, spec audit.Spec, csv string, configure func(*audit.Config)) (audit.CheckResult, *audit.Report) {
	t.Helper()
	rep := audittest.RunSpecs(t, csv, func(c *audit.Config) {
		c.Split = "split"
		if configure != nil {
			configure(c)
		}
	}, spec)
	return audittest.Check(t, rep, spec.ID), rep
}

// num reads an integer metric (following nested maps).
func num(t *testing.T, c audit.CheckResult, path ...string) int64 {
	t.Helper()
	v := audittest.Metric(t, c, path...)
	n, ok := v.(int64)
	if !ok {
		t.Fatalf("%s %v = %v (%T), want an int64", c.ID, path, v, v)
	}
	return n
}

// rate reads a float metric (following nested maps).
func rate(t *testing.T, c audit.CheckResult, path ...string) float64 {
	t.Helper()
	v := audittest.Metric(t, c, path...)
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%s %v = %v (%T), want a float64", c.ID, path, v, v)
	}
	return f
}

// wantInts compares integer metrics with hand-counted values.
func wantInts(t *testing.T, c audit.CheckResult, want map[string]int64) {
	t.Helper()
	for path, w := range want {
		if got := num(t, c, strings.Split(path, "/")...); got != w {
			t.Errorf("%s = %d, want %d", path, got, w)
		}
	}
}

// wantRates compares float metrics with hand-computed values.
func wantRates(t *testing.T, c audit.CheckResult, want map[string]float64) {
	t.Helper()
	for path, w := range want {
		if got := rate(t, c, strings.Split(path, "/")...); got != w {
			t.Errorf("%s = %v, want %v", path, got, w)
		}
	}
}

// flagged lists a check's findings as "split:line reason".
func flagged(rep *audit.Report, id string) []string {
	var out []string
	for _, f := range audittest.Findings(rep, id) {
		out = append(out, fmt.Sprintf("%s:%d %s", f.Split, f.Line, f.Reason))
	}
	return out
}

func wantLines(t *testing.T, rep *audit.Report, id string, want []int64) {
	t.Helper()
	if got := audittest.FindingLines(rep, id); !reflect.DeepEqual(got, want) {
		t.Errorf("flagged lines = %v, want %v\n%s", got, want, strings.Join(flagged(rep, id), "\n"))
	}
}

// wantStatus compares a check's status.
func wantStatus(t *testing.T, c audit.CheckResult, want audit.Status) {
	t.Helper()
	if c.Status != want {
		t.Errorf("status = %s, want %s (%s)", c.Status, want, c.Summary)
	}
}

// splitFiles writes the data rows of csv (a header and rows) into n files
// dealt round-robin, so that several workers get rows of every split.
func splitFiles(t *testing.T, csv string, n int) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(csv, "\n"), "\n")
	header, rows := lines[0], lines[1:]
	parts := make([][]string, n)
	for i, r := range rows {
		parts[i%n] = append(parts[i%n], r)
	}
	dir := t.TempDir()
	var paths []string
	for i, p := range parts {
		path := filepath.Join(dir, fmt.Sprintf("part-%02d.csv", i))
		if err := os.WriteFile(path, []byte(header+"\n"+strings.Join(p, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// sameWhateverTheWorkers audits csv cut into several files with 1 and 4
// workers and expects the same check result and the same findings. It
// returns the result with 4 workers.
func sameWhateverTheWorkers(t *testing.T, spec audit.Spec, csv string, configure func(*audit.Config)) audit.CheckResult {
	t.Helper()
	paths := splitFiles(t, csv, 7)
	var first []byte
	var last audit.CheckResult
	for _, workers := range []int{1, 4} {
		rep := audittest.Files(t, func(c *audit.Config) {
			c.Inputs, c.Split, c.Workers, c.Examples = paths, "split", workers, 5
			if configure != nil {
				configure(c)
			}
		}, spec)
		last = audittest.Check(t, rep, spec.ID)
		got, err := json.Marshal(struct {
			Check    audit.CheckResult
			Findings []audit.Finding
		}{last, rep.Findings})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			continue
		}
		if !bytes.Equal(first, got) {
			t.Errorf("%d workers give another result than 1 worker:\n%s\n%s", workers, first, got)
		}
	}
	return last
}
