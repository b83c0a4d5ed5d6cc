package reports_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
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
		{"svg-bars-max.svg", reports.BarChart{
			Title:  "Agreement per class",
			Series: []string{"agreement"},
			Format: func(v float64) string { return strconv.FormatFloat(v*100, 'f', 0, 64) + "%" },
			Max:    1,
			Categories: []reports.BarCategory{
				{Label: "bug", Values: []float64{0.42}},
				{Label: "refund", Values: []float64{0.75}},
			},
		}.SVG},
		{"svg-heat-map.svg", reports.HeatMap{
			Title:      "Labeled train rows per value of region and class",
			Columns:    []string{"refund", "billing", "a class name far too long for a header"},
			MarkLegend: "class missing (empty cell)",
			Rows: []reports.HeatRow{
				{Label: "all values", Total: true, Cells: []reports.HeatCell{{Value: 0.5, Text: "50"}, {Value: 0.3, Text: "30"}, {Value: 0.2, Text: "20"}}},
				{Label: "eu-west", Cells: []reports.HeatCell{{Value: 0.8, Text: "40", Title: "eu-west × refund: 40"}, {Value: 0, Text: "0", Mark: true}, {Value: 0.2, Text: "10"}}},
				{Label: `a<b & "c"`, Cells: []reports.HeatCell{{Value: 0.1, Text: "1"}, {Missing: true}}},
			},
		}.SVG},
		{"svg-heat-map-kappa.svg", reports.HeatMap{
			Title:   "Cohen's kappa per pair of annotators",
			Columns: []string{"ann_1", "ann_2", "ann_3"},
			Max:     1,
			Rows: []reports.HeatRow{
				{Label: "ann_1", Cells: []reports.HeatCell{{Missing: true, Text: " "}, {Value: 0.81, Text: "0.81"}, {Value: -0.2, Text: "-0.20"}}},
				{Label: "ann_2", Cells: []reports.HeatCell{{Value: 0.81, Text: "0.81"}, {Missing: true, Text: " "}, {Missing: true, Title: "no kappa"}}},
				{Label: "ann_3", Cells: []reports.HeatCell{{Value: -0.2, Text: "-0.20"}, {Missing: true, Title: "no kappa"}, {Missing: true, Text: " "}}},
			},
		}.SVG},
		{"svg-stacked-bars.svg", reports.StackedBarChart{
			Title: "Holdout rows by kind of leak",
			Segments: []reports.StackSegment{
				{Name: "same label", Fill: "#d55e00", Dark: true},
				{Name: "another label", Fill: "#8f2d00", Dark: true, Hatch: reports.HatchRising},
				{Name: "not compared", Fill: "#e69f00", Hatch: reports.HatchFalling},
				{Name: "near", Fill: "#cc79a7", Hatch: reports.HatchCross},
				{Name: "no leak found", Fill: "#eef1f4"},
			},
			Bars: []reports.StackedBar{
				{Group: "holdout · 800 rows", Label: "row content", Values: []float64{100, 60, 20, 40, 580}, Note: "220 leak"},
				{Group: "holdout · 800 rows", Label: "entity", Values: []float64{0, 0, 0, 0, 800}},
				{Group: `test <b>`, Label: "row content", Values: []float64{1, 0, 0, 0, 999}, Note: "1 leaks"},
				{Group: "empty", Label: "nothing", Values: nil},
			},
		}.SVG},
		{"svg-interval-chart.svg", reports.IntervalChart{
			Title:  "Rate of refund per value of region",
			Format: func(v float64) string { return strconv.FormatFloat(v*100, 'f', 0, 64) + "%" },
			Points: []reports.IntervalPoint{
				{Label: "eu-west", Value: 0.2, Low: 0.15, High: 0.26, Note: "20% · 49 of 243 · highest"},
				{Label: "us-east", Value: 0.145, Low: 0.11, High: 0.19, Note: "14.5% · 43 of 296 · lowest"},
				{Label: "me-central", Value: 0.083, Low: 0.015, High: 0.354, Note: "8.3% · 1 of 12 · under 30 rows", Muted: true},
			},
			Refs: []reports.RefLine{{Value: 0.184, Label: "all train 18.4%"}, {Value: 0.16, Label: "0.8 × highest rate"}},
		}.SVG},
		{"svg-small-multiples.svg", reports.SmallMultiples{
			Title:  "Share of rows per value of region",
			Format: func(v float64) string { return strconv.FormatFloat(v*100, 'f', -1, 64) + "%" },
			Rows:   []string{"eu-west", "us-east", "uk-south", "(other)"},
			Panels: []reports.Panel{
				{Name: "train", Values: []float64{0.6, 0.4, 0, math.NaN()}},
				{Name: "holdout", Values: []float64{0.5, 0.3, 0.2, math.NaN()}},
				{Name: "expected", Values: []float64{0.3, 0.2, 0.1, 0.4}},
			},
			Notes: []string{"", "", "unseen in train", ""},
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
		l := tc.label
		for _, chart := range []struct {
			name string
			draw func() ([]byte, error)
		}{
			{"bars", reports.BarChart{
				Title:      l,
				Series:     []string{l, "b"},
				Categories: []reports.BarCategory{{Label: l, Values: []float64{1, 2}}},
			}.SVG},
			{"heat map", reports.HeatMap{
				Title: l, Columns: []string{l, "b"}, MarkLegend: l,
				Rows: []reports.HeatRow{{Label: l, Cells: []reports.HeatCell{{Value: 1, Text: l, Title: l, Mark: true}, {Missing: true, Title: l}}}},
			}.SVG},
			{"stacked bars", reports.StackedBarChart{
				Title: l, Segments: []reports.StackSegment{{Name: l, Fill: "#000"}},
				Bars:   []reports.StackedBar{{Group: l, Label: l, Note: l, Values: []float64{1}}},
				Format: func(float64) string { return l },
			}.SVG},
			{"intervals", reports.IntervalChart{
				Title: l, Points: []reports.IntervalPoint{{Label: l, Value: 0.5, Low: 0.2, High: 0.7, Note: l}},
				Refs: []reports.RefLine{{Value: 0.4, Label: l}},
			}.SVG},
			{"small multiples", reports.SmallMultiples{
				Title: l, Rows: []string{l}, Notes: []string{l},
				Panels: []reports.Panel{{Name: l, Values: []float64{0.5}}, {Name: "b", Values: []float64{math.NaN()}}},
			}.SVG},
		} {
			t.Run(tc.name+"/"+chart.name, func(t *testing.T) {
				got, err := chart.draw()
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
}

// TestSVGEmpty: a chart with no categories or only zeros still draws.
func TestSVGEmpty(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name  string
		chart interface{ SVG() ([]byte, error) }
	}{
		{"no categories", reports.BarChart{Title: "empty"}},
		{"zeros", reports.BarChart{Title: "zeros", Series: []string{"a"}, Categories: []reports.BarCategory{{Label: "x", Values: []float64{0}}}}},
		{"missing values", reports.BarChart{Title: "short", Series: []string{"a", "b"}, Categories: []reports.BarCategory{{Label: "x"}}}},
		{"heat map empty", reports.HeatMap{Title: "empty"}},
		{"heat map zeros", reports.HeatMap{Title: "zeros", Columns: []string{"a"}, Rows: []reports.HeatRow{{Label: "x", Cells: []reports.HeatCell{{Value: 0}}}, {Label: "y"}}}},
		{"heat map NaN", reports.HeatMap{Title: "nan", Columns: []string{"a"}, Rows: []reports.HeatRow{{Label: "x", Cells: []reports.HeatCell{{Value: nan}}}}}},
		{"stacked empty", reports.StackedBarChart{Title: "empty"}},
		{"stacked zeros", reports.StackedBarChart{Title: "zeros", Segments: []reports.StackSegment{{Name: "a", Hatch: reports.HatchCross}}, Bars: []reports.StackedBar{{Label: "x", Values: []float64{0}}, {Label: "y", Values: []float64{-3}}}}},
		{"stacked NaN", reports.StackedBarChart{Title: "nan", Segments: []reports.StackSegment{{Name: "a"}, {Name: "b"}}, Bars: []reports.StackedBar{{Label: "x", Values: []float64{nan, 1}}, {Label: "y", Values: []float64{math.Inf(1), nan}}}}},
		{"intervals empty", reports.IntervalChart{Title: "empty"}},
		{"intervals NaN", reports.IntervalChart{Title: "nan", Points: []reports.IntervalPoint{{Label: "x", Value: nan, Low: nan, High: math.Inf(1)}}, Refs: []reports.RefLine{{Value: nan, Label: "r"}}}},
		{"intervals zeros", reports.IntervalChart{Title: "zeros", Points: []reports.IntervalPoint{{Label: "x"}}, Refs: []reports.RefLine{{Label: "r"}}}},
		{"multiples empty", reports.SmallMultiples{Title: "empty"}},
		{"multiples no values", reports.SmallMultiples{Title: "none", Rows: []string{"x", "y"}, Panels: []reports.Panel{{Name: "a", Values: []float64{nan, math.Inf(1)}}, {Name: "b"}}}},
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
