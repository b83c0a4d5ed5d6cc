package reports

import (
	"bytes"
	"fmt"
	"math"
	"unicode/utf8"
)

// Charts are inline SVG, laid out here in Go and drawn by the templates
// "bar-chart" and "meter" in templates/svg.tmpl, so every label goes
// through html/template's escaping like the rest of the page. They are
// hand-written rather than taken from a charting library because the
// page must stay one self-contained file with no script: the Go charting
// libraries either draw raster images or emit SVG without escaping text.

// seriesColors are the fills of the series of a bar chart, in order: the
// Okabe–Ito palette, which colour-blind readers can tell apart and which
// keeps distinct lightness in greyscale. Series beyond its length reuse it.
var seriesColors = []string{"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"}

// BarChart is a horizontal bar chart: one group of bars per category and
// one bar per series within each group (with a single series, plain
// horizontal bars). Every bar is labelled with its value, and a legend
// names the series, so the chart reads without colour.
type BarChart struct {
	// Title names the chart for screen readers (the SVG's <title>).
	Title string
	// Series names the bars of each group, in drawing order.
	Series []string
	// Categories are the groups, top to bottom.
	Categories []BarCategory
	// Format formats a value for its label; nil means numText.
	Format func(float64) string
}

// BarCategory is one group of bars: its label and one value per series
// (missing values count as 0).
type BarCategory struct {
	Label  string
	Values []float64
}

// Bar chart geometry, in SVG user units (pixels at 100% zoom).
const (
	chartWidth     = 860
	chartBarHeight = 12
	chartBarGap    = 2
	chartGroupGap  = 9
	chartFontSize  = 12
	chartCharWidth = 6.6 // average advance of a 12px sans-serif character
	chartMaxLabel  = 28  // runes of a category label before it is truncated
	chartValueRoom = 64  // room right of the longest bar for its value label
)

// barLayout is a BarChart with every coordinate computed: what the
// "bar-chart" template draws.
type barLayout struct {
	Title         string
	Width, Height float64
	Legend        []legendItem
	Grid          []gridLine
	Groups        []barGroup
	// PlotX is where bars start; AxisY where the tick labels sit.
	PlotX, PlotTop, PlotBottom, AxisY float64
}

type legendItem struct {
	X, Y, TextX float64
	Color       string
	Name        string
}

type gridLine struct {
	X     float64
	Label string
}

type barGroup struct {
	// Label is shown (possibly truncated); Full is the whole label, for the
	// tooltip.
	Label, Full string
	LabelY      float64
	Bars        []barRect
}

type barRect struct {
	X, Y, W, H float64
	Color      string
	// Series and Value make the tooltip, e.g. "train: 661".
	Series, Value string
	// ValueX, ValueY place the value label just right of the bar.
	ValueX, ValueY float64
}

// layout computes the geometry of the chart.
func (c BarChart) layout() barLayout {
	format := c.Format
	if format == nil {
		format = numText
	}
	series := len(c.Series)
	if series == 0 {
		series = 1
	}
	maxValue := 0.0
	labelRunes := 0
	for _, cat := range c.Categories {
		for _, v := range cat.Values {
			maxValue = max(maxValue, v)
		}
		labelRunes = max(labelRunes, min(utf8.RuneCountInString(cat.Label), chartMaxLabel+1))
	}
	step, axisMax := niceScale(maxValue, 5)

	l := barLayout{Title: c.Title, Width: chartWidth}
	l.PlotX = round1(min(max(float64(labelRunes)*chartCharWidth+12, 40), 220))
	plotWidth := chartWidth - l.PlotX - chartValueRoom
	y := 0.0
	if len(c.Series) > 1 {
		x := l.PlotX
		for i, name := range c.Series {
			shown := shorten(name, 24)
			l.Legend = append(l.Legend, legendItem{X: round1(x), Y: 2, TextX: round1(x + 18), Color: seriesColor(i), Name: shown})
			x += 12 + 6 + float64(utf8.RuneCountInString(shown))*chartCharWidth + 18
		}
		y = 24
	}
	l.PlotTop = y
	groupHeight := float64(series*chartBarHeight + (series-1)*chartBarGap)
	for _, cat := range c.Categories {
		g := barGroup{Label: shorten(cat.Label, chartMaxLabel), Full: cat.Label, LabelY: round1(y + groupHeight/2)}
		for i := range series {
			v := 0.0
			if i < len(cat.Values) {
				v = cat.Values[i]
			}
			w := 0.0
			if axisMax > 0 {
				w = plotWidth * v / axisMax
			}
			if v > 0 && w < 1 {
				w = 1 // a non-zero value stays visible
			}
			name := ""
			if i < len(c.Series) {
				name = c.Series[i]
			}
			by := y + float64(i*(chartBarHeight+chartBarGap))
			g.Bars = append(g.Bars, barRect{
				X: l.PlotX, Y: round1(by), W: round1(w), H: chartBarHeight,
				Color: seriesColor(i), Series: name, Value: format(v),
				ValueX: round1(l.PlotX + w + 4), ValueY: round1(by + chartBarHeight/2),
			})
		}
		l.Groups = append(l.Groups, g)
		y += groupHeight + chartGroupGap
	}
	l.PlotBottom = round1(max(y-chartGroupGap, l.PlotTop))
	if step > 0 {
		for v := 0.0; v <= axisMax+step/2; v += step {
			l.Grid = append(l.Grid, gridLine{X: round1(l.PlotX + plotWidth*v/axisMax), Label: format(v)})
		}
	}
	l.AxisY = round1(l.PlotBottom + 16)
	l.Height = round1(l.AxisY + 6)
	return l
}

// seriesColor returns the fill of series i.
func seriesColor(i int) string { return seriesColors[i%len(seriesColors)] }

// niceScale returns a tick step of 1, 2 or 5 times a power of ten that
// cuts [0, maxValue] into about ticks intervals, and the axis end: the
// first multiple of the step at or above maxValue. A zero maximum gives
// step 1 and end 1, so an empty chart still has an axis.
func niceScale(maxValue float64, ticks int) (step, end float64) {
	if maxValue <= 0 || math.IsNaN(maxValue) || math.IsInf(maxValue, 0) {
		return 1, 1
	}
	raw := maxValue / float64(ticks)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / mag; {
	case f <= 1:
		step = mag
	case f <= 2:
		step = 2 * mag
	case f <= 5:
		step = 5 * mag
	default:
		step = 10 * mag
	}
	return step, math.Ceil(maxValue/step) * step
}

// round1 rounds to one decimal, which keeps the SVG short and stable.
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// Meter is a horizontal bar showing one value against marks, such as usable
// examples against the pilot minimum and the recommended amount.
type Meter struct {
	// Title names the meter for screen readers.
	Title string
	// Value is drawn from 0; a value beyond Max fills the bar and shows an
	// arrow.
	Value float64
	// Max is the end of the scale.
	Max float64
	// Marks are drawn as ticks with their labels below the bar.
	Marks []MeterMark
	// Color fills the bar.
	Color string
}

// MeterMark is one labelled tick of a Meter.
type MeterMark struct {
	Value float64
	Label string
}

// Meter geometry.
const (
	meterWidth  = 480
	meterHeight = 14
)

// meterLayout is a Meter with every coordinate computed: what the "meter"
// template draws.
type meterLayout struct {
	Title         string
	Width, Height float64
	BarY, BarH    float64
	FillW         float64
	Color         string
	Overflow      bool
	// Arrow is the path of the chevrons drawn at the end of an overflowing bar.
	Arrow string
	Marks []meterMarkLayout
}

type meterMarkLayout struct {
	X, LabelY float64
	// Y1, Y2 are the ends of the tick line.
	Y1, Y2 float64
	Label  string
	// Anchor is the text-anchor of the label: labels near an edge are
	// aligned to stay inside the chart.
	Anchor string
}

// layout computes the geometry of the meter.
func (m Meter) layout() meterLayout {
	l := meterLayout{Title: m.Title, Width: meterWidth, BarY: 4, BarH: meterHeight, Color: m.Color}
	if m.Max > 0 {
		f := m.Value / m.Max
		if f > 1 {
			f, l.Overflow = 1, true
		}
		l.FillW = round1(meterWidth * max(f, 0))
		if l.Overflow {
			y0, y1, y2 := l.BarY+3, l.BarY+meterHeight/2, l.BarY+meterHeight-3
			l.Arrow = fmt.Sprintf("M%g %gL%g %gL%g %gM%g %gL%g %gL%g %g",
				meterWidth-16.0, y0, meterWidth-11.0, y1, meterWidth-16.0, y2,
				meterWidth-10.0, y0, meterWidth-5.0, y1, meterWidth-10.0, y2)
		}
	}
	// Labels go on the first line below the bar where they do not overlap
	// a label already placed (marks are drawn in the order given).
	var lineEnds []float64
	for _, mk := range m.Marks {
		x := 0.0
		if m.Max > 0 {
			x = round1(meterWidth * min(mk.Value/m.Max, 1))
		}
		width := float64(utf8.RuneCountInString(mk.Label)) * chartCharWidth
		anchor, start := "middle", x-width/2
		switch {
		case start < 0:
			anchor, start = "start", x
		case start+width > meterWidth:
			anchor, start = "end", x-width
		}
		line := 0
		for line < len(lineEnds) && start < lineEnds[line]+8 {
			line++
		}
		if line == len(lineEnds) {
			lineEnds = append(lineEnds, 0)
		}
		lineEnds[line] = start + width
		l.Marks = append(l.Marks, meterMarkLayout{X: x, Y1: l.BarY - 3, Y2: l.BarY + meterHeight + 3, LabelY: l.BarY + meterHeight + 14 + float64(line)*14, Label: mk.Label, Anchor: anchor})
	}
	l.Height = l.BarY + meterHeight + 6 + float64(max(len(lineEnds), 1))*14
	return l
}

// SVG draws the chart as an <svg> element to put inline in an HTML page
// (it has no xmlns, which inline SVG does not need). Labels are escaped.
func (c BarChart) SVG() ([]byte, error) {
	return renderPagePart("bar-chart", c.layout())
}

// SVG draws the meter as an <svg> element to put inline in an HTML page.
func (m Meter) SVG() ([]byte, error) {
	return renderPagePart("meter", m.layout())
}

// renderPagePart executes one named template of the page into a buffer.
func renderPagePart(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := pageTemplate.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
