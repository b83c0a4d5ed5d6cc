package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dataready/fixtures/gen"
)

// nightlyConfig audits the generated tickets by their split column. Two
// thresholds are relaxed so that a clean night is ready (with warnings):
// the generator repeats texts across splits on purpose (about 4% of the
// holdout), and its rarest classes have only a few holdout rows.
const nightlyConfig = `inputs: [data.csv]
label: label
text: text
split: split
segments: [region, channel]
checks:
  leakage.exact_overlap: {fail: 0.5}
  volume.class_minimum: {train_fail: 0, holdout_fail: 0}
`

// TestNightlyRecipe runs docs/ci/nightly.sh, the shell recipe of
// docs/ci.md, end to end with a freshly built audit binary on generated
// snapshots: a first night (no baseline), an unchanged second night, a
// third night with a planted regression (40% of the rows missing, still
// ready on its own), and a night whose data is missing.
func TestNightlyRecipe(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build audit with")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "audit")
	build := exec.CommandContext(t.Context(), goCmd, "build", "-o", bin, "./cmd/audit")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/audit: %v\n%s", err, out)
	}
	script, err := filepath.Abs(filepath.Join("..", "docs", "ci", "nightly.sh"))
	if err != nil {
		t.Fatal(err)
	}

	snapshotDir := filepath.Join(tmp, "snapshot")
	if err := os.MkdirAll(snapshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	config := writeFile(t, snapshotDir, "audit.yaml", []byte(nightlyConfig))
	full := filepath.Join(tmp, "full.csv")
	if err := gen.LargeFile(t.Context(), full, 4000, gen.CSV, 1); err != nil {
		t.Fatal(err)
	}
	fullData, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	// The generated texts hold no line breaks: one line per row. The
	// planted regression keeps the header and the first 2,400 rows.
	lines := strings.SplitAfter(string(fullData), "\n")
	if len(lines) != 4002 || lines[4001] != "" {
		t.Fatalf("generated %d lines, want 4001 and a final newline", len(lines)-1)
	}
	partial := []byte(strings.Join(lines[:2401], ""))
	reports := filepath.Join(tmp, "audits")

	night := func(name, time string) (int, string) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), sh, script, config, reports)
		cmd.Env = append(os.Environ(), "AUDIT="+bin, "SNAPSHOT="+name, "SNAPSHOT_TIME="+time)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0, out.String()
		case errors.As(err, &exit):
			return exit.ExitCode(), out.String()
		}
		t.Fatalf("run nightly.sh: %v", err)
		return -1, ""
	}
	latest := func() string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(reports, "latest"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(data))
	}
	historySnapshots := func() int {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(reports, "history", "history.json"))
		if err != nil {
			t.Fatal(err)
		}
		var h struct{ Snapshots []any }
		if err := json.Unmarshal(data, &h); err != nil {
			t.Fatal(err)
		}
		return len(h.Snapshots)
	}

	writeFile(t, snapshotDir, "data.csv", fullData)
	if code, out := night("n1", "2025-03-01"); code != 0 {
		t.Fatalf("night 1 (clean, no baseline): exit %d, want 0\n%s", code, out)
	}
	if got := latest(); got != "n1" {
		t.Errorf("after night 1 latest = %q, want n1", got)
	}

	if code, out := night("n2", "2025-03-02"); code != 0 || !strings.Contains(out, "0 regressions") {
		t.Fatalf("night 2 (unchanged): exit %d, want 0 and no regression\n%s", code, out)
	}

	writeFile(t, snapshotDir, "data.csv", partial)
	code, out := night("n3", "2025-03-03")
	if code != 1 {
		t.Fatalf("night 3 (planted regression): exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(out, "volume.pilot_minimum usable_examples") {
		t.Errorf("night 3 does not name the usable examples as worse:\n%s", out)
	}
	if got := latest(); got != "n3" {
		t.Errorf("after night 3 latest = %q, want n3 (a regressed night is the next baseline)", got)
	}
	// Alone, or compared without --fail-on regression, night 3 passes.
	for _, args := range [][]string{
		{"run", "-q", "--config", config, "--out", filepath.Join(tmp, "alone")},
		{"run", "-q", "--config", config, "--out", filepath.Join(tmp, "compared"), "--baseline", filepath.Join(reports, "runs", "n2")},
	} {
		if err := exec.CommandContext(t.Context(), bin, args...).Run(); err != nil {
			t.Errorf("audit %s: %v, want exit 0", strings.Join(args[:2], " "), err)
		}
	}
	if n := historySnapshots(); n != 3 {
		t.Errorf("history.json has %d snapshots after 3 nights, want 3", n)
	}

	if err := os.Remove(filepath.Join(snapshotDir, "data.csv")); err != nil {
		t.Fatal(err)
	}
	if code, out := night("n4", "2025-03-04"); code != 2 {
		t.Errorf("night 4 (no data): exit %d, want 2\n%s", code, out)
	}
	if got := latest(); got != "n3" {
		t.Errorf("after a night that could not audit latest = %q, want n3 kept", got)
	}
	if n := historySnapshots(); n != 3 {
		t.Errorf("history.json has %d snapshots after a failed night, want 3", n)
	}
}
