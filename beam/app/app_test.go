package app_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"dataready/beam/app"
	"dataready/beam/remote/remotetest"
	"dataready/cli"
	"dataready/fixtures/gen"
)

// reportOf reads a report.json as generic JSON with the run metadata (the
// "run" object: started_at, duration_ms, workers, bytes) taken out: the
// only part a Beam run may tell apart from a local one.
func reportOf(t *testing.T, dir string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["run"]; !ok {
		t.Fatalf("%s/report.json has no run object", dir)
	}
	delete(m, "run")
	return m
}

// unitsOf reads run.workers of a report.json, the number of work units
// for audit-beam.
func unitsOf(t *testing.T, dir string) float64 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Run struct {
			Workers float64 `json:"workers"`
		} `json:"run"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return rep.Run.Workers
}

// fixtureConfig returns the absolute path of the bundled fixture's config.
func fixtureConfig(t *testing.T) string {
	t.Helper()
	config, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "support-tickets", "audit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return config
}

// runLocal audits config with audit run (cli.Main, the local pipeline)
// into out, then moves its files into a new folder, which it returns: out
// is free for audit-beam, and both reports record the same out folder.
func runLocal(t *testing.T, config, out string, formats []string) (localOut string) {
	t.Helper()
	localOut, code := runLocalCode(t, config, out, formats)
	if code != cli.ExitNotReady {
		t.Fatalf("audit run: exit %d, want %d (the fixture has planted problems)", code, cli.ExitNotReady)
	}
	return localOut
}

// runLocalCode is runLocal for exit code 0 or 1 (ready or not),
// which it returns.
func runLocalCode(t *testing.T, config, out string, formats []string) (localOut string, code int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code = cli.Main(t.Context(), slices.Concat([]string{"audit", "run", "--quiet", "--config", config, "--out", out}, formats), &stdout, &stderr)
	if code != cli.ExitReady && code != cli.ExitNotReady {
		t.Fatalf("audit run: exit %d; stderr:\n%s", code, stderr.String())
	}
	localOut = t.TempDir()
	files, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.Rename(filepath.Join(out, f.Name()), filepath.Join(localOut, f.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return localOut, code
}

// compareReports compares the report.json files of audit-beam (beamOut)
// and audit run (localOut) field by field, run metadata aside, and their
// findings.csv files byte for byte; audit-beam must have consumed many
// work units.
func compareReports(t *testing.T, beamOut, localOut string) {
	t.Helper()
	t.Logf("units: %v", unitsOf(t, beamOut))
	if units := unitsOf(t, beamOut); units < 10 {
		t.Errorf("audit-beam consumed %v work units: the test should cut the input into many", units)
	}
	got, want := reportOf(t, beamOut), reportOf(t, localOut)
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if !reflect.DeepEqual(got[k], want[k]) {
			g, _ := json.MarshalIndent(got[k], "", " ")
			w, _ := json.MarshalIndent(want[k], "", " ")
			t.Errorf("report.json %q differs:\naudit-beam: %.2000s\naudit run:  %.2000s", k, g, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("report.json of audit-beam has %q, audit run's has not", k)
		}
	}
	for _, name := range []string{"findings.csv"} {
		a, err := os.ReadFile(filepath.Join(beamOut, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(localOut, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs (%d bytes, audit run's %d)", name, len(a), len(b))
		}
	}
}

// testArgs are audit-beam's arguments after the Beam flags in every test:
// small CSV units and batches, so that the fixture is cut into ~40 work
// units, and the formats compared with audit run.
func testArgs(config, out string) []string {
	return slices.Concat([]string{"--chunk-bytes", "16384", "--batch-rows", "128", "--quiet", "--config", config, "--out", out}, testFormats)
}

// testFormats are the report formats of every test's runs.
var testFormats = []string{"--format", "json,html,findings"}

// TestPrismMatchesLocalRun audits the bundled fixture twice into the same
// out folder (the report records it): with audit run (cli.Main, the local
// pipeline), whose files are then moved aside, and with audit-beam on the
// Prism runner (in-process, loopback workers); it compares the two
// report.json files field by field, run metadata aside, and the two
// findings.csv files byte for byte.
func TestPrismMatchesLocalRun(t *testing.T) {
	config := fixtureConfig(t)
	out := filepath.Join(t.TempDir(), "report")
	localOut := runLocal(t, config, out, testFormats)

	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := app.Main(t.Context(), slices.Concat([]string{"audit-beam", "--runner", "prism"}, testArgs(config, out)), &stdout, &stderr)
	t.Logf("audit-beam on Prism: %v", time.Since(start))
	if code != cli.ExitNotReady {
		t.Fatalf("audit-beam: exit %d, audit run %d; stderr:\n%s", code, cli.ExitNotReady, stderr.String())
	}
	compareReports(t, out, localOut)
}

// TestPrismSplitColumn is TestPrismMatchesLocalRun on one generated file
// whose rows are split by a column (the split names found by the pipeline
// and fixed in every worker), with planted near duplicates, so that the
// band search answers questions that depend on the split table.
func TestPrismSplitColumn(t *testing.T) {
	dir := t.TempDir()
	if err := gen.LargeFile(t.Context(), filepath.Join(dir, "data.csv"), 3000, gen.CSV, 5); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "audit.yaml")
	yaml := `inputs: [data.csv]
label: label
split: split
text: text
ids: [user_id]
time: created_at
segments: [region, channel, user_type]
exclude: [ticket_id]
`
	if err := os.WriteFile(config, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report")
	localOut, want := runLocalCode(t, config, out, testFormats)
	var stdout, stderr bytes.Buffer
	code := app.Main(t.Context(), slices.Concat([]string{"audit-beam", "--runner", "prism"}, testArgs(config, out)), &stdout, &stderr)
	if code != want {
		t.Fatalf("audit-beam: exit %d, audit run %d; stderr:\n%s", code, want, stderr.String())
	}
	compareReports(t, out, localOut)
	// The question that depends on the split table (a holdout text near a
	// train text) must have found something, or the test proves little.
	found := false
	for _, c := range reportOf(t, localOut)["checks"].([]any) {
		check := c.(map[string]any)
		if check["id"] == "leakage.near_duplicates" {
			found = check["examples_total"].(float64) > 0
		}
	}
	if !found {
		t.Error("leakage.near_duplicates found nothing on the generated data")
	}
}

// TestPrismReadsBucket audits the bundled fixture on Prism with its files
// in a bucket (a fake Cloud Storage service, through the storage client
// and STORAGE_EMULATOR_HOST): every unit is read from the bucket by the
// pipeline's DoFns, and the report and findings equal audit run's on the
// local files, but for the files' names.
func TestPrismReadsBucket(t *testing.T) {
	config := fixtureConfig(t)
	dir := filepath.Dir(config)
	out := filepath.Join(t.TempDir(), "report")
	localOut := runLocal(t, config, out, testFormats)

	objects := map[string][]byte{}
	for _, name := range []string{"train.csv", "holdout.parquet"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		objects["data/tickets/"+name] = data
	}
	fi, err := os.Stat(filepath.Join(dir, "train.csv"))
	if err != nil {
		t.Fatal(err)
	}
	srv := remotetest.NewGCS(t, objects, fi.ModTime())
	t.Setenv("STORAGE_EMULATOR_HOST", srv.Addr)
	yaml, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	bucketConfig := strings.NewReplacer("train: [train.csv]", "train: [gs://data/tickets/train.csv]",
		"holdout: [holdout.parquet]", "holdout: [gs://data/tickets/holdout.parquet]").Replace(string(yaml))
	if bucketConfig == string(yaml) || strings.Count(bucketConfig, "gs://") != 2 {
		t.Fatalf("the fixture's config no longer names its files as this test expects:\n%s", yaml)
	}
	remoteConfig := filepath.Join(t.TempDir(), "audit.yaml")
	if err := os.WriteFile(remoteConfig, []byte(bucketConfig), 0o644); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	code := app.Main(t.Context(), slices.Concat([]string{"audit-beam", "--runner", "prism"}, testArgs(remoteConfig, out)), &stdout, &stderr)
	if code != cli.ExitNotReady {
		t.Fatalf("audit-beam: exit %d, audit run %d; stderr:\n%s", code, cli.ExitNotReady, stderr.String())
	}
	if srv.Reads.Load() == 0 {
		t.Fatal("nothing was downloaded from the bucket")
	}
	// Name the local files as the bucket run does, then compare as
	// TestPrismMatchesLocalRun does; the configs differ in the two paths
	// only.
	for _, name := range []string{"report.json", "findings.csv"} {
		p := filepath.Join(localOut, name)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		renamed := strings.ReplaceAll(string(data), dir+string(filepath.Separator), "gs://data/tickets/")
		if renamed == string(data) {
			t.Fatalf("%s does not name the fixture's folder %s", name, dir)
		}
		if err := os.WriteFile(p, []byte(renamed), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{out, localOut} {
		p := filepath.Join(d, "report.json")
		m := reportOf(t, d)
		cfg := m["config"].(map[string]any)
		if d == out && (!reflect.DeepEqual(cfg["train"], []any{"gs://data/tickets/train.csv"}) || !reflect.DeepEqual(cfg["holdout"], []any{"gs://data/tickets/holdout.parquet"})) {
			t.Errorf("audit-beam's config names train %v and holdout %v", cfg["train"], cfg["holdout"])
		}
		delete(cfg, "train")
		delete(cfg, "holdout")
		m["run"] = map[string]any{"workers": unitsOf(t, d)}
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	compareReports(t, out, localOut)
}
