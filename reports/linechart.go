package reports

import (
	"fmt"
	"strings"
	"time"

	"dataready/audit"
)

// LineChart is a metric over time: one point per value, joined by a line
// that breaks where a value is missing. Every point carries a tooltip
// with its date and value, and the y axis starts at 0, so that a doubling
// looks like one.
type LineChart struct {
	// Title names the chart for screen readers (the SVG's <title>).
	Title string
	// Times are the x positions, ascending; Values has one value per time
	// (nil for none).
	Times  []time.Time
	Values []*float64
	// Format formats a value for the axis and tooltips; nil means numText.
	Format func(float64) string
	// Color is the line's colour; "" means the first series colour.
	Color string
}

// Line chart geometry, in SVG user units.
const (
	lineHeight   = 170
	linePlotLeft = 70
	linePlotTop  = 12
	linePlotH    = 120
	lineRight    = 24
	lineTicks    = 4
)

// lineLayout is a LineChart with every coordinate computed.
type lineLayout struct {
	Title         string
	Width, Height float64
	PlotX, PlotY  float64
	PlotW, PlotH  float64
	PlotRight     float64
	Grid          []lineGrid
	XTicks        []lineTick
	// Paths are the "d" of the line segments between gaps.
	Paths  []string
	Points []linePoint
	Color  string
}

type lineGrid struct {
	Y     float64
	Label string
}

type lineTick struct {
	X      float64
	Label  string
	Anchor string
}

type linePoint struct {
	X, Y  float64
	Title string
}

// xPositions places the times on [0, w]: by time when they span a
// duration, evenly when they do not, one time in the middle.
func xPositions(times []time.Time, w float64) []float64 {
	xs := make([]float64, len(times))
	if len(times) == 0 {
		return xs
	}
	span := times[len(times)-1].Sub(times[0])
	for i, t := range times {
		switch {
		case len(times) == 1:
			xs[i] = w / 2
		case span <= 0:
			xs[i] = w * float64(i) / float64(len(times)-1)
		default:
			xs[i] = w * float64(t.Sub(times[0])) / float64(span)
		}
	}
	return xs
}

// dateText writes a snapshot time: the date, with the time of day when it
// is not midnight.
func dateText(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
}

// xTicks labels at most about one time per 110 units, first and last always.
func xTicks(times []time.Time, xs []float64, plotX float64) []lineTick {
	var ticks []lineTick
	last := -1e9
	for i, t := range times {
		x := plotX + xs[i]
		if i != len(times)-1 && x-last < 110 {
			continue
		}
		if i == len(times)-1 && len(ticks) > 0 && x-last < 110 {
			ticks = ticks[:len(ticks)-1]
		}
		ticks = append(ticks, lineTick{X: round1(x), Label: t.UTC().Format("2006-01-02"), Anchor: "middle"})
		last = x
	}
	// The last label ends at its point, so that it stays inside the chart.
	if n := len(ticks); n > 0 && len(times) > 1 {
		ticks[n-1].Anchor = "end"
	}
	return ticks
}

func (c LineChart) layout() lineLayout {
	format := c.Format
	if format == nil {
		format = numText
	}
	l := lineLayout{Title: c.Title, Width: chartWidth, Height: lineHeight, PlotX: linePlotLeft, PlotY: linePlotTop,
		PlotW: chartWidth - linePlotLeft - lineRight, PlotH: linePlotH, Color: c.Color}
	l.PlotRight = l.PlotX + l.PlotW
	if l.Color == "" {
		l.Color = seriesColor(0)
	}
	var top float64
	for _, v := range c.Values {
		if v != nil {
			top = max(top, finite(*v))
		}
	}
	step, end := niceScale(top, lineTicks)
	for y := 0.0; y <= end+step/2; y += step {
		l.Grid = append(l.Grid, lineGrid{Y: round1(l.PlotY + l.PlotH - y/end*l.PlotH), Label: format(y)})
	}
	xs := xPositions(c.Times, l.PlotW)
	l.XTicks = xTicks(c.Times, xs, l.PlotX)
	var path strings.Builder
	flush := func() {
		if path.Len() > 0 {
			l.Paths = append(l.Paths, path.String())
			path.Reset()
		}
	}
	for i, v := range c.Values {
		if v == nil || i >= len(xs) {
			flush()
			continue
		}
		x, y := round1(l.PlotX+xs[i]), round1(l.PlotY+l.PlotH-finite(*v)/end*l.PlotH)
		if path.Len() == 0 {
			fmt.Fprintf(&path, "M%g %g", x, y)
		} else {
			fmt.Fprintf(&path, " L%g %g", x, y)
		}
		l.Points = append(l.Points, linePoint{X: x, Y: y, Title: dateText(c.Times[i]) + ": " + format(*v)})
	}
	flush()
	return l
}

// SVG draws the chart as an <svg> element to put inline in an HTML page.
func (c LineChart) SVG() ([]byte, error) {
	return renderPagePart("line-chart", c.layout())
}

// VerdictBand draws the verdict of each snapshot as a coloured band over
// time, on the x scale of the LineCharts of the same times: each snapshot
// fills the span from halfway to its neighbours. The cells carry the
// verdict's word and a pattern for greyscale (none for ready, stripes for
// warnings, crosses for not ready).
type VerdictBand struct {
	Title    string
	Times    []time.Time
	Verdicts []audit.Verdict
}

const bandHeight = 58

type bandLayout struct {
	Title         string
	Width, Height float64
	PlotX, PlotW  float64
	Cells         []bandCell
	XTicks        []lineTick
	Legend        []bandSwatch
}

type bandCell struct {
	X, W  float64
	Fill  string
	Hatch string
	Title string
}

type bandSwatch struct {
	X, TextX float64
	Fill     string
	Hatch    string
	Label    string
}

// verdictStyle is the fill and greyscale pattern of a verdict.
func verdictStyle(v audit.Verdict) (fill string, hatch Hatch, word string) {
	switch v {
	case audit.Ready:
		return htmlStatusColor(audit.Pass), NoHatch, "ready"
	case audit.ReadyWithWarnings:
		return htmlStatusColor(audit.Warn), HatchRising, "ready with warnings"
	case audit.NotReady:
		return htmlStatusColor(audit.Fail), HatchCross, "not ready"
	}
	return htmlStatusColor(audit.Skip), NoHatch, string(v)
}

func (b VerdictBand) layout() bandLayout {
	l := bandLayout{Title: b.Title, Width: chartWidth, Height: bandHeight, PlotX: linePlotLeft, PlotW: chartWidth - linePlotLeft - lineRight}
	xs := xPositions(b.Times, l.PlotW)
	for i, v := range b.Verdicts {
		if i >= len(xs) {
			break
		}
		left, right := 0.0, l.PlotW
		if i > 0 {
			left = (xs[i-1] + xs[i]) / 2
		}
		if i < len(xs)-1 {
			right = (xs[i] + xs[i+1]) / 2
		}
		fill, hatch, word := verdictStyle(v)
		x, w := round1(l.PlotX+left), round1(max(right-left, 1))
		l.Cells = append(l.Cells, bandCell{X: x, W: w, Fill: fill, Hatch: hatchPath(hatch, x, 0, w, 22), Title: dateText(b.Times[i]) + ": " + word})
	}
	l.XTicks = xTicks(b.Times, xs, l.PlotX)
	x := l.PlotX
	for _, v := range []audit.Verdict{audit.Ready, audit.ReadyWithWarnings, audit.NotReady} {
		fill, hatch, word := verdictStyle(v)
		l.Legend = append(l.Legend, bandSwatch{X: round1(x), TextX: round1(x + 18), Fill: fill, Hatch: hatchPath(hatch, x, 42, 14, 12), Label: word})
		x += 18 + textWidth(word) + 20
	}
	return l
}

// SVG draws the band as an <svg> element to put inline in an HTML page.
func (b VerdictBand) SVG() ([]byte, error) {
	return renderPagePart("verdict-band", b.layout())
}
