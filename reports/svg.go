package reports

import (
	"bytes"
	"fmt"
	"math"
	"slices"
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
	// Max is the least the axis reaches (1 for shares, so 40% looks like
	// 40%); 0 means the axis follows the data.
	Max float64
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
	step, axisMax := niceScale(max(maxValue, c.Max), 5)

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

// finite returns x, or 0 when it is NaN or infinite, so that no coordinate
// of a chart is.
func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// textWidth estimates the width of s in a 12px sans-serif font.
func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * chartCharWidth }

// labelColumn is the width of a column of category labels: room for the
// longest label (cut at chartMaxLabel runes), within [40, 220].
func labelColumn(labels []string) float64 {
	runes := 0
	for _, l := range labels {
		runes = max(runes, min(utf8.RuneCountInString(l), chartMaxLabel+1))
	}
	return round1(min(max(float64(runes)*chartCharWidth+18, 40), 226))
}

// noteColumn is the width of a column of notes right of a chart: room for
// the longest note, at most limit, 0 when there is none.
func noteColumn(notes []string, limit float64) float64 {
	w := 0.0
	for _, n := range notes {
		w = max(w, textWidth(n))
	}
	if w == 0 {
		return 0
	}
	return round1(min(w+10, limit))
}

// --- Heat map ---

// HeatMap is a table of shaded cells: rows top to bottom, columns left to
// right. The shade grows darker with the value on one blue ramp whose
// lightness changes monotonically, so it reads in greyscale; every cell
// also carries its number as text, and a legend gives the scale.
type HeatMap struct {
	// Title names the chart for screen readers.
	Title string
	// Columns head the columns (long ones are drawn slanted).
	Columns []string
	// Rows are the rows, top to bottom.
	Rows []HeatRow
	// Max is the value of the darkest shade; 0 means the largest value of a
	// cell. Values below 0 get the lightest shade.
	Max float64
	// Format writes the legend's values; nil means numText.
	Format func(float64) string
	// MarkLegend names what an outlined cell means (shown in the legend when
	// a cell is marked).
	MarkLegend string
}

// HeatRow is one row of a HeatMap. A Total row (such as "all values") has a
// bold label and a gap under it.
type HeatRow struct {
	Label string
	Total bool
	Cells []HeatCell
}

// HeatCell is one cell: Value picks the shade, Text is written in the cell,
// Title is its tooltip. A Missing cell has no value (drawn blank with a
// dash); a Marked cell is outlined.
type HeatCell struct {
	Value         float64
	Text, Title   string
	Missing, Mark bool
}

// Heat map geometry.
const (
	heatCellH     = 22
	heatMinCellW  = 34
	heatMaxCellW  = 76
	heatMaxHeader = 22 // runes of a column header before it is cut
	heatTotalGap  = 6
)

// heatRamp is ColorBrewer's 9-class Blues, light to dark.
var heatRamp = []string{"#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"}

// heatColor returns the shade of t in [0, 1] (clamped), and whether text
// on it should be white.
func heatColor(t float64) (string, bool) {
	if math.IsNaN(t) || t < 0 {
		t = 0
	}
	t = min(t, 1)
	i := int(math.Round(t * float64(len(heatRamp)-1)))
	return heatRamp[i], i >= 5
}

type heatLayout struct {
	Title         string
	Width, Height float64
	Headers       []heatHeader
	Rows          []heatRowLayout
	Legend        []heatSwatch
	// LegendY is the top of the legend's swatches.
	LegendY float64
}

type heatHeader struct {
	X, Y float64
	// Rotate is the transform of a slanted header ("" for a level one).
	Rotate, Anchor string
	Label, Full    string
}

type heatRowLayout struct {
	Label, Full string
	Bold        bool
	LabelX      float64
	LabelY      float64
	Cells       []heatCellLayout
}

type heatCellLayout struct {
	X, Y, W, H   float64
	Fill, Ink    string
	Text, Title  string
	TextX, TextY float64
	Mark         bool
}

type heatSwatch struct {
	X, TextX float64
	Fill     string
	Label    string
	Outlined bool
	SwatchW  float64
}

// layout computes the geometry of the heat map.
func (h HeatMap) layout() heatLayout {
	format := h.Format
	if format == nil {
		format = numText
	}
	top := h.Max
	marked := false
	labels := make([]string, len(h.Rows))
	for i, r := range h.Rows {
		labels[i] = r.Label
		for _, c := range r.Cells {
			if !c.Missing && h.Max <= 0 {
				top = max(top, finite(c.Value))
			}
			marked = marked || c.Mark
		}
	}
	labelW := labelColumn(labels)
	cols := max(len(h.Columns), 1)
	headerRunes := 0
	for _, c := range h.Columns {
		headerRunes = max(headerRunes, min(utf8.RuneCountInString(c), heatMaxHeader))
	}
	headerW := float64(headerRunes) * chartCharWidth
	avail := chartWidth - labelW
	cellW := min(max(math.Floor(avail/float64(cols)), heatMinCellW), heatMaxCellW)
	rotate := headerW+8 > cellW
	overflow, headerH := 0.0, 22.0
	if rotate {
		overflow = math.Ceil(headerW * 0.71)
		cellW = min(max(math.Floor((avail-overflow)/float64(cols)), heatMinCellW), heatMaxCellW)
		headerH = overflow + 14
	}
	l := heatLayout{Title: h.Title}
	for i, c := range h.Columns {
		x := labelW + float64(i)*cellW + cellW/2
		hd := heatHeader{Label: shorten(c, heatMaxHeader), Full: c, X: round1(x), Y: round1(headerH - 6), Anchor: "middle"}
		if rotate {
			hd.X = round1(x - 3)
			hd.Anchor = "start"
			hd.Rotate = fmt.Sprintf("rotate(-45 %g %g)", hd.X, hd.Y)
		}
		l.Headers = append(l.Headers, hd)
	}
	y := headerH
	for _, r := range h.Rows {
		row := heatRowLayout{Label: shorten(r.Label, chartMaxLabel), Full: r.Label, Bold: r.Total, LabelX: round1(labelW - 8), LabelY: round1(y + heatCellH/2 + 4)}
		for i := range h.Columns {
			c := HeatCell{Missing: true}
			if i < len(r.Cells) {
				c = r.Cells[i]
			}
			cl := heatCellLayout{
				X: round1(labelW + float64(i)*cellW), Y: round1(y), W: round1(cellW - 2), H: heatCellH - 2,
				Text: c.Text, Title: c.Title, Mark: c.Mark,
			}
			cl.TextX, cl.TextY = round1(cl.X+cl.W/2), round1(y+heatCellH/2+3)
			switch {
			case c.Missing:
				cl.Fill, cl.Ink = "#f6f8fa", "#818b98"
				if cl.Text == "" {
					cl.Text = "—"
				}
			default:
				t := 0.0
				if top > 0 {
					t = finite(c.Value) / top
				}
				fill, dark := heatColor(t)
				cl.Fill, cl.Ink = fill, "#1f2328"
				if dark {
					cl.Ink = "#ffffff"
				}
			}
			if textWidth(cl.Text)*11/12 > cl.W-2 {
				cl.Text = "" // the tooltip still has it
			}
			row.Cells = append(row.Cells, cl)
		}
		l.Rows = append(l.Rows, row)
		y += heatCellH
		if r.Total {
			y += heatTotalGap
		}
	}
	// Legend: five shades with their values, and the outline when used.
	l.LegendY = round1(y + 10)
	x := labelW
	for i := range 5 {
		fill, _ := heatColor(float64(i) / 4)
		label := format(top * float64(i) / 4)
		l.Legend = append(l.Legend, heatSwatch{X: round1(x), TextX: round1(x + 20), Fill: fill, Label: label, SwatchW: 16})
		x += 20 + textWidth(label) + 14
	}
	if marked && h.MarkLegend != "" {
		l.Legend = append(l.Legend, heatSwatch{X: round1(x + 8), TextX: round1(x + 28), Fill: "#ffffff", Label: h.MarkLegend, Outlined: true, SwatchW: 16})
		x += 28 + textWidth(h.MarkLegend)
	}
	l.Width = round1(max(labelW+float64(cols)*cellW+overflow, x) + 4)
	l.Height = round1(l.LegendY + 22)
	return l
}

// SVG draws the heat map as an inline <svg> element. Labels are escaped.
func (h HeatMap) SVG() ([]byte, error) {
	return renderPagePart("heat-map", h.layout())
}

// --- Stacked bars ---

// Hatch is a pattern drawn over a fill, so parts of a chart differ in
// greyscale as well as in colour.
type Hatch int

// The hatches.
const (
	NoHatch      Hatch = iota
	HatchRising        // lines like /
	HatchFalling       // lines like \
	HatchCross         // both
)

// StackSegment is one kind of part of every bar of a StackedBarChart.
type StackSegment struct {
	Name string
	// Fill is the colour; Dark says it is dark enough for white text and
	// white hatching.
	Fill  string
	Dark  bool
	Hatch Hatch
}

// StackedBar is one bar: Values has one value per segment (missing ones
// count as 0) and the bar spans the full width at their sum. Group, when
// it changes from the bar before, is written as a heading above the bar;
// Note is written right of the bar.
type StackedBar struct {
	Group, Label, Note string
	Values             []float64
}

// StackedBarChart draws 100% stacked horizontal bars: each bar shows how
// its total divides into the segments. Parts wide enough carry their
// value; each has a tooltip; the legend shows each segment's fill and
// hatch, so the chart reads without colour.
type StackedBarChart struct {
	Title    string
	Segments []StackSegment
	Bars     []StackedBar
	// Format writes values; nil means numText.
	Format func(float64) string
}

// Stacked bar geometry.
const (
	stackBarH = 18
	stackGap  = 6
	hatchStep = 5
)

type stackLayout struct {
	Title         string
	Width, Height float64
	Legend        []stackSwatch
	Rows          []stackRow
	Grid          []gridLine
	PlotX         float64
	PlotTop       float64
	PlotBottom    float64
	AxisY         float64
}

type stackSwatch struct {
	X, Y, TextX float64
	Fill        string
	Hatch       string
	HatchInk    string
	Name        string
}

type stackRow struct {
	// Group is a heading drawn at GroupY ("" for none).
	Group        string
	GroupY       float64
	Label, Full  string
	LabelY       float64
	Parts        []stackPart
	Note         string
	NoteX, NoteY float64
	// Outline is the frame of the whole bar.
	Y, W float64
}

type stackPart struct {
	X, Y, W, H   float64
	Fill         string
	Hatch        string
	HatchInk     string
	Title        string
	Text         string
	TextX, TextY float64
	Ink          string
}

// hatchPath draws hatch lines of the given kind clipped to a rectangle, on
// a grid shared by every rectangle so that neighbours line up.
func hatchPath(h Hatch, x, y, w, hgt float64) string {
	if h == NoHatch || w <= 0 || hgt <= 0 {
		return ""
	}
	var b bytes.Buffer
	line := func(rising bool) {
		// Lines x − (y_bottom − y') = c for rising, x − (y' − y_top) = c for
		// falling, with c on a multiple of hatchStep.
		for c := math.Floor((x-hgt)/hatchStep) * hatchStep; c < x+w; c += hatchStep {
			t0, t1 := max(0, x-c), min(hgt, x+w-c)
			if t0 >= t1 {
				continue
			}
			var y0, y1 float64
			if rising {
				y0, y1 = y+hgt-t0, y+hgt-t1
			} else {
				y0, y1 = y+t0, y+t1
			}
			fmt.Fprintf(&b, "M%g %gL%g %g", round1(c+t0), round1(y0), round1(c+t1), round1(y1))
		}
	}
	switch h {
	case HatchRising:
		line(true)
	case HatchFalling:
		line(false)
	case HatchCross:
		line(true)
		line(false)
	}
	return b.String()
}

// hatchInk is the colour of hatch lines on a segment.
func hatchInk(s StackSegment) string {
	if s.Dark {
		return "#ffffff"
	}
	return "#1f2328"
}

// layout computes the geometry of the stacked bars.
func (c StackedBarChart) layout() stackLayout {
	format := c.Format
	if format == nil {
		format = numText
	}
	labels := make([]string, len(c.Bars))
	notes := make([]string, len(c.Bars))
	for i, b := range c.Bars {
		labels[i], notes[i] = b.Label, b.Note
	}
	l := stackLayout{Title: c.Title, Width: chartWidth}
	l.PlotX = labelColumn(labels)
	noteW := noteColumn(notes, 300)
	plotW := chartWidth - l.PlotX - noteW - 8
	// Legend: one swatch per segment, wrapping at the chart's width.
	x, y := l.PlotX, 2.0
	for _, s := range c.Segments {
		w := 14 + 6 + textWidth(s.Name) + 18
		if x+w > chartWidth && x > l.PlotX {
			x, y = l.PlotX, y+18
		}
		l.Legend = append(l.Legend, stackSwatch{X: round1(x), Y: y, TextX: round1(x + 20), Fill: s.Fill, Hatch: hatchPath(s.Hatch, round1(x), y, 14, 12), HatchInk: hatchInk(s), Name: s.Name})
		x += w
	}
	y += 26
	l.PlotTop = y
	prevGroup := ""
	for i, b := range c.Bars {
		row := stackRow{Label: shorten(b.Label, chartMaxLabel), Full: b.Label}
		if b.Group != "" && (i == 0 || b.Group != prevGroup) {
			row.Group, row.GroupY = shorten(b.Group, 60), round1(y+12)
			y += 20
		}
		prevGroup = b.Group
		total := 0.0
		for _, v := range b.Values {
			total += max(finite(v), 0)
		}
		row.Y, row.W, row.LabelY = round1(y), round1(plotW), round1(y+stackBarH/2+4)
		px := l.PlotX
		for j, s := range c.Segments {
			v := 0.0
			if j < len(b.Values) {
				v = max(finite(b.Values[j]), 0)
			}
			if v == 0 || total == 0 {
				continue
			}
			w := plotW * v / total
			part := stackPart{
				X: round1(px), Y: round1(y), W: round1(max(w, 1)), H: stackBarH, Fill: s.Fill,
				HatchInk: hatchInk(s),
				Title:    fmt.Sprintf("%s: %s (%s)", s.Name, format(v), percentText(v/total)),
			}
			part.Hatch = hatchPath(s.Hatch, part.X, part.Y, part.W, part.H)
			if text := format(v); textWidth(text)+8 <= w && s.Hatch == NoHatch {
				part.Text, part.TextX, part.TextY = text, round1(px+w/2), round1(y+stackBarH/2+4)
				part.Ink = "#1f2328"
				if s.Dark {
					part.Ink = "#ffffff"
				}
			}
			row.Parts = append(row.Parts, part)
			px += w
		}
		row.Note = b.Note
		row.NoteX, row.NoteY = round1(l.PlotX+plotW+8), row.LabelY
		l.Rows = append(l.Rows, row)
		y += stackBarH + stackGap
	}
	l.PlotBottom = round1(max(y-stackGap, l.PlotTop))
	for i := range 5 {
		f := float64(i) / 4
		l.Grid = append(l.Grid, gridLine{X: round1(l.PlotX + plotW*f), Label: percentText(f)})
	}
	l.AxisY = round1(l.PlotBottom + 16)
	l.Height = round1(l.AxisY + 6)
	return l
}

// SVG draws the stacked bars as an inline <svg> element.
func (c StackedBarChart) SVG() ([]byte, error) {
	return renderPagePart("stacked-bars", c.layout())
}

// --- Intervals ---

// IntervalChart draws one estimate per row as a dot with its interval as a
// whisker (such as a rate with its 95% Wilson interval), on one axis, with
// optional vertical reference lines. Each row carries its note as text.
type IntervalChart struct {
	Title  string
	Points []IntervalPoint
	Refs   []RefLine
	// Format writes the axis and reference values; nil means numText.
	Format func(float64) string
}

// IntervalPoint is one row of an IntervalChart. A Muted point (one not
// compared, say) is drawn hollow and grey.
type IntervalPoint struct {
	Label            string
	Value, Low, High float64
	Note             string
	Muted            bool
}

// RefLine is a dashed vertical line across an IntervalChart, labelled at
// the top.
type RefLine struct {
	Value float64
	Label string
}

// Interval chart geometry.
const intervalRowH = 20

type intervalLayout struct {
	Title         string
	Width, Height float64
	PlotX         float64
	PlotTop       float64
	PlotBottom    float64
	AxisY         float64
	Grid          []gridLine
	Refs          []refLayout
	Rows          []intervalRow
}

type refLayout struct {
	X, LabelY float64
	Label     string
	Anchor    string
}

type intervalRow struct {
	Label, Full  string
	LabelY       float64
	Y            float64
	X, X1, X2    float64
	CapY1, CapY2 float64
	Muted        bool
	Note         string
	NoteX        float64
	Title        string
}

// layout computes the geometry of the interval chart.
func (c IntervalChart) layout() intervalLayout {
	format := c.Format
	if format == nil {
		format = numText
	}
	labels := make([]string, len(c.Points))
	notes := make([]string, len(c.Points))
	top := 0.0
	points := slices.Clone(c.Points)
	for i, p := range points {
		p.Value, p.Low, p.High = finite(p.Value), finite(p.Low), finite(p.High)
		points[i] = p
		labels[i], notes[i] = p.Label, p.Note
		top = max(top, p.High, p.Value)
	}
	for _, r := range c.Refs {
		top = max(top, finite(r.Value))
	}
	step, axisMax := niceScale(top, 5)
	l := intervalLayout{Title: c.Title, Width: chartWidth}
	l.PlotX = labelColumn(labels)
	noteW := noteColumn(notes, 300)
	plotW := chartWidth - l.PlotX - noteW - 16
	scale := func(v float64) float64 { return round1(l.PlotX + plotW*min(max(v, 0), axisMax)/axisMax) }
	// Reference labels go on the first line above the plot where they do
	// not overlap one already placed.
	var lineEnds []float64
	type placed struct {
		ref  refLayout
		line int
	}
	var refs []placed
	for _, r := range c.Refs {
		x := scale(finite(r.Value))
		w := textWidth(r.Label)
		anchor, start := "middle", x-w/2
		switch {
		case start < l.PlotX-20:
			anchor, start = "start", x-4
		case start+w > chartWidth:
			anchor, start = "end", x-w
		}
		line := 0
		for line < len(lineEnds) && start < lineEnds[line]+8 {
			line++
		}
		if line == len(lineEnds) {
			lineEnds = append(lineEnds, 0)
		}
		lineEnds[line] = start + w
		refs = append(refs, placed{refLayout{X: x, Label: r.Label, Anchor: anchor}, line})
	}
	l.PlotTop = float64(len(lineEnds))*14 + 6
	for _, p := range refs {
		p.ref.LabelY = float64(p.line)*14 + 11
		l.Refs = append(l.Refs, p.ref)
	}
	y := l.PlotTop
	for _, p := range points {
		mid := y + intervalRowH/2
		row := intervalRow{
			Label: shorten(p.Label, chartMaxLabel), Full: p.Label, LabelY: round1(mid + 4), Y: round1(mid),
			X: scale(p.Value), X1: scale(p.Low), X2: scale(p.High), CapY1: round1(mid - 5), CapY2: round1(mid + 5),
			Muted: p.Muted, Note: p.Note, NoteX: round1(l.PlotX + plotW + 14),
			Title: fmt.Sprintf("%s: %s (%s to %s)", p.Label, format(p.Value), format(p.Low), format(p.High)),
		}
		l.Rows = append(l.Rows, row)
		y += intervalRowH
	}
	l.PlotBottom = round1(y)
	for i := 0.0; i*step <= axisMax+step/2; i++ {
		v := i * step
		l.Grid = append(l.Grid, gridLine{X: scale(v), Label: format(v)})
	}
	l.AxisY = round1(l.PlotBottom + 16)
	l.Height = round1(l.AxisY + 6)
	return l
}

// SVG draws the interval chart as an inline <svg> element.
func (c IntervalChart) SVG() ([]byte, error) {
	return renderPagePart("interval-chart", c.layout())
}

// --- Small multiples ---

// SmallMultiples draws one small bar chart per panel, side by side, over
// the same rows and on the same scale, such as the share of each segment
// value in train, in the holdout and in production. A row with a note is
// highlighted and the note written right of the panels, so a flagged
// value reads without colour.
type SmallMultiples struct {
	Title  string
	Rows   []string
	Panels []Panel
	// Notes has one note per row ("" for none).
	Notes []string
	// Format writes values; nil means numText.
	Format func(float64) string
}

// Panel is one chart of a SmallMultiples: a value per row. math.NaN()
// marks a row the panel has no value for (drawn as a dash, not as 0).
type Panel struct {
	Name   string
	Values []float64
}

// Small multiples geometry.
const (
	multRowH      = 17
	multBarH      = 11
	multPanelGap  = 16
	multValueRoom = 44
)

type multiplesLayout struct {
	Title         string
	Width, Height float64
	LabelX        float64
	Panels        []multPanel
	Rows          []multRow
	NoteX         float64
	PlotTop       float64
	PlotBottom    float64
}

type multPanel struct {
	X, HeaderX float64
	Name, Full string
	Color      string
}

type multRow struct {
	Label, Full  string
	Y, LabelY    float64
	Flagged      bool
	Note         string
	Bars         []multBar
	BandW, BandY float64
}

type multBar struct {
	Color       string
	X, Y, W     float64
	Text, Title string
	TextX       float64
	Absent      bool
	BarH        float64
}

// layout computes the geometry of the small multiples.
func (m SmallMultiples) layout() multiplesLayout {
	format := m.Format
	if format == nil {
		format = numText
	}
	// Flagged rows and notes are bold, about an eighth wider.
	labelW := labelColumn(m.Rows)*1.125 + 4
	noteW := noteColumn(m.Notes, 220) * 1.125
	n := max(len(m.Panels), 1)
	panelW := math.Floor((chartWidth - labelW - noteW - float64(n-1)*multPanelGap) / float64(n))
	barMax := max(panelW-multValueRoom, 10)
	top := 0.0
	for _, p := range m.Panels {
		for _, v := range p.Values {
			top = max(top, finite(v))
		}
	}
	l := multiplesLayout{Title: m.Title, Width: chartWidth, LabelX: round1(labelW - 8), PlotTop: 22}
	for i, p := range m.Panels {
		x := round1(labelW + float64(i)*(panelW+multPanelGap))
		l.Panels = append(l.Panels, multPanel{X: x, HeaderX: x, Name: shorten(p.Name, int(max(panelW/chartCharWidth, 4))), Full: p.Name, Color: seriesColor(i)})
	}
	l.NoteX = round1(labelW + float64(n)*panelW + float64(n-1)*multPanelGap + 4)
	y := l.PlotTop
	for i, label := range m.Rows {
		row := multRow{Label: shorten(label, chartMaxLabel), Full: label, Y: round1(y), LabelY: round1(y + multRowH/2 + 4), BandY: round1(y), BandW: chartWidth}
		if i < len(m.Notes) && m.Notes[i] != "" {
			row.Flagged, row.Note = true, m.Notes[i]
		}
		for j, p := range m.Panels {
			v := math.NaN()
			if i < len(p.Values) {
				v = p.Values[i]
			}
			x := l.Panels[j].X
			bar := multBar{X: x, Y: round1(y + (multRowH-multBarH)/2), BarH: multBarH, Color: l.Panels[j].Color}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bar.Absent, bar.Text, bar.TextX = true, "—", round1(x+2)
				bar.Title = fmt.Sprintf("%s, %s: not present", label, p.Name)
			} else {
				w := 0.0
				if top > 0 {
					w = barMax * max(v, 0) / top
				}
				if v > 0 && w < 1 {
					w = 1
				}
				bar.W, bar.Text, bar.TextX = round1(w), format(v), round1(x+w+4)
				bar.Title = fmt.Sprintf("%s, %s: %s", label, p.Name, format(v))
			}
			row.Bars = append(row.Bars, bar)
		}
		l.Rows = append(l.Rows, row)
		y += multRowH
	}
	l.PlotBottom = round1(max(y, l.PlotTop))
	l.Height = round1(l.PlotBottom + 4)
	return l
}

// SVG draws the small multiples as an inline <svg> element.
func (m SmallMultiples) SVG() ([]byte, error) {
	return renderPagePart("small-multiples", m.layout())
}
