package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"dataready/audit"
	"dataready/snapshot"
)

// historyPage is what templates/history.html.tmpl shows.
type historyPage struct {
	Title    string
	Meta     []string
	Band     bandLayout
	Charts   []historyChart
	Columns  []string
	Rows     []historyRow
	Snapshot int
}

// historyChart is one series: its chart and what to say about it.
type historyChart struct {
	ID, Title, Source string
	// Latest is the last recorded value, formatted; Points counts the
	// snapshots with a value.
	Latest string
	Points int
	// Missing counts the snapshots without a value.
	Missing int
	Layout  lineLayout
}

// historyRow is one snapshot in the table under the charts.
type historyRow struct {
	Time    string
	Verdict verdictView
	Path    htmlCell
	Values  []htmlCell
}

// seriesShort are the column headings of the snapshots table.
var seriesShort = map[string]string{
	"usable_examples":       "Usable examples",
	"conflict_rate":         "Conflicts",
	"exact_overlap_rate":    "Exact overlap",
	"near_overlap_rate":     "Near overlap",
	"entity_leakage_rate":   "Entity leakage",
	"imbalance_ratio":       "Imbalance",
	"largest_segment_shift": "Segment shift",
}

func shortTitle(s snapshot.Series) string {
	if t, ok := seriesShort[s.ID]; ok {
		return t
	}
	return s.Title
}

// seriesFormat formats the values of a series by its unit.
func seriesFormat(unit string) func(float64) string {
	if unit == "rate" {
		return percentText
	}
	return numText
}

// HistoryHTML renders a history as one self-contained HTML page
// (history.html): the verdict of every snapshot as a coloured band, one
// line chart per key metric over snapshot time (inline SVG, a point per
// snapshot that has the metric), and a table of the snapshots. Like
// report.html it needs no network and no script.
func HistoryHTML(h *snapshot.History) ([]byte, error) {
	if h == nil || len(h.Snapshots) == 0 {
		return nil, fmt.Errorf("render history: no snapshots")
	}
	times := make([]time.Time, len(h.Snapshots))
	verdicts := make([]audit.Verdict, len(h.Snapshots))
	for i, s := range h.Snapshots {
		times[i], verdicts[i] = s.SnapshotTime, s.Verdict
	}
	p := historyPage{Title: "Data readiness history", Snapshot: len(h.Snapshots)}
	p.Meta = append(p.Meta, countWord(len(h.Snapshots), "snapshot", "snapshots"),
		dateText(times[0])+" to "+dateText(times[len(times)-1]))
	p.Band = VerdictBand{Title: "Verdict of each snapshot", Times: times, Verdicts: verdicts}.layout()
	for i, s := range h.Series {
		format := seriesFormat(s.Unit)
		c := historyChart{ID: s.ID, Title: s.Title, Source: s.Source, Latest: "—"}
		for _, v := range s.Values {
			if v == nil {
				c.Missing++
				continue
			}
			c.Points++
			c.Latest = format(*v)
		}
		c.Layout = LineChart{Title: s.Title, Times: times, Values: s.Values, Format: format, Color: seriesColor(i)}.layout()
		p.Charts = append(p.Charts, c)
		p.Columns = append(p.Columns, shortTitle(s))
	}
	for i, s := range h.Snapshots {
		row := historyRow{Time: dateText(s.SnapshotTime), Verdict: verdictOf(s.Verdict), Path: pathCell(s.Path)}
		for _, se := range h.Series {
			if v := se.Values[i]; v != nil {
				row.Values = append(row.Values, htmlCell{Text: seriesFormat(se.Unit)(*v), Class: "num"})
			} else {
				row.Values = append(row.Values, missingCell())
			}
		}
		p.Rows = append(p.Rows, row)
	}
	var buf bytes.Buffer
	if err := pageTemplate.ExecuteTemplate(&buf, "history.html.tmpl", p); err != nil {
		return nil, fmt.Errorf("render history: %w", err)
	}
	return buf.Bytes(), nil
}

// HistoryJSON encodes a history as indented JSON (history.json).
func HistoryJSON(h *snapshot.History) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		return nil, fmt.Errorf("encode history: %w", err)
	}
	return buf.Bytes(), nil
}

// summaryMaxChanges is how many changes of each kind ComparisonSummary names.
const summaryMaxChanges = 10

// ComparisonSummary prints what audit run says about its comparison under
// the check lines: the baseline, the verdict then and now, and what got
// worse and better past the tolerance.
func ComparisonSummary(w io.Writer, c *audit.Comparison) error {
	var b strings.Builder
	v := viewComparison(c)
	fmt.Fprintf(&b, "since %s (snapshot %s): %s → %s; %s, %s\n", reportLabel(c.Baseline), timeText(c.Baseline.SnapshotTime),
		c.Verdict.Old, c.Verdict.New, countWord(c.Regressions, "regression", "regressions"), countWord(c.Improvements, "improvement", "improvements"))
	list := func(word string, lines []changeLine) {
		for i, l := range lines {
			if i == summaryMaxChanges {
				fmt.Fprintf(&b, "  %-6s  and %d more (see comparison in report.json)\n", word, len(lines)-summaryMaxChanges)
				break
			}
			fmt.Fprintf(&b, "  %-6s  %s %s %s → %s", word, l.Check, l.What, l.Old, l.New)
			if l.Delta != "" {
				fmt.Fprintf(&b, ", %s", l.Delta)
			}
			b.WriteString("\n")
		}
	}
	list("worse", v.Worse)
	list("better", v.Better)
	_, err := io.WriteString(w, b.String())
	return err
}
