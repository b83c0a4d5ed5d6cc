package reports_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dataready/reports"
)

// svgGolden compares got with testdata/name. With -update it writes the
// file first, then reads it back and compares, so an update run passes.
func svgGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./reports -run %s -update to create it): %v", t.Name(), err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file %s (review, then -update)\ngot:\n%s\nwant:\n%s", t.Name(), path, got, want)
	}
}

// TestSVGGolden draws small charts and compares them with reviewed SVG.
func TestSVGGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		draw   func() ([]byte, error)
	}{
		{"svg-grouped-bars.svg", reports.BarChart{
			Title:  "Labeled rows per class and split",
			Series: []string{"train", "holdout"},
			Categories: []reports.BarCategory{
				{Label: "refund", Values: []float64{547, 136}},
				{Label: `a<b & "c"`, Values: []float64{23, 0}},
				{Label: "a class name far too long to be shown whole", Values: []float64{0, 37}},
			},
		}.SVG},
		{"svg-single-bars.svg", reports.BarChart{
			Title:      "Rows per segment",
			Series:     []string{"rows"},
			Categories: []reports.BarCategory{{Label: "eu", Values: []float64{1.5}}, {Label: "us", Values: []float64{0.25}}},
		}.SVG},
		{"svg-meter.svg", reports.Meter{
			Title: "150 usable examples", Value: 150, Max: 1250, Color: "#cf222e",
			Marks: []reports.MeterMark{{Value: 200, Label: "200 minimum"}, {Value: 1000, Label: "1,000 recommended"}},
		}.SVG},
		{"svg-meter-overflow.svg", reports.Meter{
			Title: "9,000 usable examples", Value: 9000, Max: 4000, Color: "#1a7f37",
			Marks: []reports.MeterMark{{Value: 200, Label: "200 minimum"}, {Value: 1000, Label: "1,000 recommended"}},
		}.SVG},
	} {
		t.Run(strings.TrimSuffix(tc.golden, ".svg"), func(t *testing.T) {
			got, err := tc.draw()
			if err != nil {
				t.Fatalf("SVG: %v", err)
			}
			svgGolden(t, tc.golden, got)
		})
	}
}

// TestSVGEscapesLabels: a label with markup is text in the chart.
func TestSVGEscapesLabels(t *testing.T) {
	for _, tc := range []struct {
		name, label, raw, escaped string
	}{
		{"script", "<script>alert(1)</script>", "<script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"attribute breakout", `"><img src=x onerror=alert(1)>`, "<img", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := reports.BarChart{
				Title:      tc.label,
				Series:     []string{tc.label, "b"},
				Categories: []reports.BarCategory{{Label: tc.label, Values: []float64{1, 2}}},
			}.SVG()
			if err != nil {
				t.Fatalf("SVG: %v", err)
			}
			if bytes.Contains(got, []byte(tc.raw)) {
				t.Errorf("chart contains the raw %q:\n%s", tc.raw, got)
			}
			if !bytes.Contains(got, []byte(tc.escaped)) {
				t.Errorf("chart lacks the escaped %q:\n%s", tc.escaped, got)
			}
		})
	}
}

// TestSVGEmpty: a chart with no categories or only zeros still draws.
func TestSVGEmpty(t *testing.T) {
	for _, tc := range []struct {
		name  string
		chart reports.BarChart
	}{
		{"no categories", reports.BarChart{Title: "empty"}},
		{"zeros", reports.BarChart{Title: "zeros", Series: []string{"a"}, Categories: []reports.BarCategory{{Label: "x", Values: []float64{0}}}}},
		{"missing values", reports.BarChart{Title: "short", Series: []string{"a", "b"}, Categories: []reports.BarCategory{{Label: "x"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.chart.SVG()
			if err != nil {
				t.Fatalf("SVG: %v", err)
			}
			if !bytes.HasPrefix(got, []byte("<svg ")) || !bytes.HasSuffix(got, []byte("</svg>")) {
				t.Errorf("not an <svg> element:\n%s", got)
			}
			if bytes.Contains(got, []byte("NaN")) || bytes.Contains(got, []byte("Inf")) {
				t.Errorf("chart has a non-finite coordinate:\n%s", got)
			}
		})
	}
}
