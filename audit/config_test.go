package audit

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadConfig(t *testing.T) {
	path := writeConfig(t, `
label: intent
text: utterance
train: [train.csv]
holdout: [test.parquet]
segments: [region]
quote: ""
max_bad_rows: 500
label_map: {">50K.": ">50K"}
checks:
  labels.missing: {warn: 0.01, enabled: true}
`)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Label != "intent" || cfg.Text != "utterance" {
		t.Errorf("roles = %q, %q", cfg.Label, cfg.Text)
	}
	if off, _ := cfg.QuoteOff(); !off {
		t.Error(`quote: "" did not turn quoting off`)
	}
	if n, _, _ := cfg.BadRowLimit(); n != 500 {
		t.Errorf("max_bad_rows = %d, want 500", n)
	}
	if cfg.Dir != filepath.Dir(path) {
		t.Errorf("Dir = %q, want the config's folder", cfg.Dir)
	}
	if got := cfg.NullValues; len(got) != len(DefaultNullValues) {
		t.Errorf("null_values = %v, want the defaults", got)
	}
	if cfg.LabelMap[">50K."] != ">50K" {
		t.Errorf("label_map = %v", cfg.LabelMap)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"unknown key", "label: y\nlabels: x\n", "labels"},
		{"no label", "text: t\n", "label"},
		{"bad fail_on", "label: y\nfail_on: sometimes\n", "fail_on"},
		{"bad format", "label: y\nformat: [pdf]\n", "pdf"},
		{"bad quote", "label: y\nquote: \"'\"\n", "quote"},
		{"bad max_bad_rows", "label: y\nmax_bad_rows: lots\n", "max_bad_rows"},
		{"bad percentage", "label: y\nmax_bad_rows: 150%\n", "max_bad_rows"},
		{"inputs and train", "label: y\ninputs: [a.csv]\ntrain: [b.csv]\n", "inputs"},
		{"split and train", "label: y\nsplit: s\ntrain: [b.csv]\n", "split"},
		{"duplicate key", "label: y\nlabel: z\n", "label"},
		{"combination of non-segments", "label: y\nsegments: [region]\nsegment_combinations: [[region, channel]]\n", "channel"},
		{"combination of one", "label: y\nsegments: [region]\nsegment_combinations: [[region]]\n", "segment_combinations[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(writeConfig(t, tc.body))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to name %q", err, tc.want)
			}
		})
	}
}

func TestBadRowLimit(t *testing.T) {
	tests := []struct {
		in       string
		count    int64
		fraction float64
	}{
		{"1%", -1, 0.01},
		{"0", 0, 0},
		{"250", 250, 0},
		{" 2.5 % ", -1, 0.025},
	}
	for _, tc := range tests {
		c := DefaultConfig()
		c.MaxBadRows = RowLimit(tc.in)
		n, f, err := c.BadRowLimit()
		if err != nil || n != tc.count || f != tc.fraction {
			t.Errorf("BadRowLimit(%q) = %d, %g, %v; want %d, %g", tc.in, n, f, err, tc.count, tc.fraction)
		}
	}
}

func TestParamsFor(t *testing.T) {
	spec := Spec{ID: "x.y", Params: []Param{{Name: "warn", Default: 10}, {Name: "fail", Default: 100}}}
	params, on, err := paramsFor(spec, map[string]any{"warn": uint64(5), "enabled": false})
	if err != nil || on || params["warn"] != 5 || params["fail"] != 100 {
		t.Errorf("paramsFor = %v, %v, %v; want warn 5, fail 100, disabled", params, on, err)
	}
	if _, _, err := paramsFor(spec, map[string]any{"warm": 1}); err == nil || !strings.Contains(err.Error(), "warn") {
		t.Errorf("unknown param: err = %v, want one listing the accepted names", err)
	}
	if _, _, err := paramsFor(spec, map[string]any{"warn": "high"}); err == nil {
		t.Error("a string threshold was accepted")
	}
}

func TestSegmentsAsMap(t *testing.T) {
	cfg, err := LoadConfig(writeConfig(t, `
label: y
segments:
  region:
    expected: {eu-west: 0.4, us-east: 0.6}
  channel: {}
  user_type:
time_split: true
labels: {allowed: [a, b]}
`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"region", "channel", "user_type"}; !slices.Equal(cfg.Segments, want) {
		t.Errorf("segments = %v, want %v", cfg.Segments, want)
	}
	if got := cfg.SegmentExpected["region"]; got["eu-west"] != 0.4 || got["us-east"] != 0.6 || len(cfg.SegmentExpected) != 1 {
		t.Errorf("expected = %v", cfg.SegmentExpected)
	}
	if !cfg.TimeSplit || !slices.Equal(cfg.Labels.Allowed, []string{"a", "b"}) {
		t.Errorf("time_split %v, labels.allowed %v", cfg.TimeSplit, cfg.Labels.Allowed)
	}
	for _, bad := range []string{
		"label: y\nsegments:\n  region: {expectd: {a: 0.5}}\n",
		"label: y\nsegments:\n  region: {expected: {a: 1.5}}\n",
	} {
		if _, err := LoadConfig(writeConfig(t, bad)); err == nil || !strings.Contains(err.Error(), "segments.region") {
			t.Errorf("config %q: err = %v, want one naming segments.region", bad, err)
		}
	}
}

// TestIsNull checks the preparer's null test against its definition
// (empty after trimming, or a null token once trimmed) on values of every
// length around the tokens', a token of 70 bytes among them.
func TestIsNull(t *testing.T) {
	long := strings.Repeat("x", 70)
	cfg := &Config{NullValues: []string{"NA", " null ", "-", long, "n/a"}}
	p := newPreparer(cfg, nil, layout{}, nil)
	tokens := map[string]bool{"NA": true, "null": true, "-": true, long: true, "n/a": true}
	values := []string{"", " ", "\t", "NA", " NA ", "na", "NB", "null", "nul", "nulls", "-", "--", " - ",
		long, " " + long + " ", long + "x", long[:69], long[:63], long[:64], "n/a", "N/A", "12.5", "a", strings.Repeat("y", 200)}
	for _, v := range values {
		tr := strings.TrimSpace(v)
		want := tr == "" || tokens[tr]
		if got := p.isNull(v); got != want {
			t.Errorf("isNull(%q) = %v, want %v", v, got, want)
		}
	}
}
