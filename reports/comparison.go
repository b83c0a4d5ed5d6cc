package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"dataready/audit"
)

// changeLine is one status or metric change of a comparison, formatted.
type changeLine struct {
	Check, Title string
	// What is "status" or the metric's name.
	What     string
	Old, New string
	// Delta is the change: "+12 (+4.1%)", "+1.1 points (+27.5%)"; "" for a status.
	Delta string
}

// comparisonView sorts a comparison for rendering: what got worse past the
// tolerance (statuses, then top-level metrics, then nested ones, each in
// check order), what got better past it, and how many other changes there
// were.
type comparisonView struct {
	Worse, Better []changeLine
	// Other counts the remaining changes: statuses to or from skip, checks
	// added or removed, metrics of unknown direction or within the tolerance.
	Other int
}

func viewComparison(c *audit.Comparison) comparisonView {
	var v comparisonView
	var worseM, betterM []changeLine
	for _, cc := range c.Checks {
		title := cc.Title
		if title == "" {
			title = cc.ID
		}
		status := changeLine{Check: cc.ID, Title: title, What: "status", Old: statusText(cc.OldStatus), New: statusText(cc.NewStatus)}
		switch {
		case cc.Regression:
			v.Worse = append(v.Worse, status)
		case cc.Change == audit.Better:
			v.Better = append(v.Better, status)
		case cc.Change != audit.Same:
			v.Other++
		}
		for _, m := range cc.Metrics {
			line := changeLine{Check: cc.ID, Title: title, What: m.Name, Old: metricText(m.Name, m.Old), New: metricText(m.Name, m.New), Delta: deltaText(m.Name, m.Delta, m.RelativeChange)}
			switch {
			case m.Regression:
				worseM = append(worseM, line)
			case m.Improvement:
				betterM = append(betterM, line)
			case m.Change != audit.Same:
				v.Other++
			}
		}
	}
	// Top-level metrics before nested ones (by_split.train.rate), each in
	// check order.
	depth := func(a, b changeLine) int { return strings.Count(a.What, ".") - strings.Count(b.What, ".") }
	slices.SortStableFunc(worseM, depth)
	slices.SortStableFunc(betterM, depth)
	v.Worse = append(v.Worse, worseM...)
	v.Better = append(v.Better, betterM...)
	return v
}

func statusText(s audit.Status) string {
	if s == "" {
		return "—"
	}
	return string(s)
}

// metricText formats a metric value: rates as percentages, other numbers
// as numText; "—" when absent.
func metricText(name string, v *float64) string {
	if v == nil {
		return "—"
	}
	if isRate(lastKey(name)) {
		return percentText(*v)
	}
	return numText(*v)
}

func lastKey(name string) string { return name[strings.LastIndex(name, ".")+1:] }

// deltaText formats a change: rates in percentage points, other numbers as
// they are, with the relative change in parentheses when there is one.
func deltaText(name string, delta, rel *float64) string {
	if delta == nil {
		return ""
	}
	var s string
	if isRate(lastKey(name)) {
		s = signed(*delta*100, floatText) + " points"
	} else {
		s = signed(*delta, numText)
	}
	if rel != nil {
		s += " (" + signed(*rel*100, func(x float64) string { return trimFraction(fmt.Sprintf("%.1f", x)) }) + "%)"
	} else if *delta != 0 {
		s += " (from 0)"
	}
	return s
}

// countWord writes n with the word for its number: "1 regression", "2 regressions".
func countWord(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, pluralWord(n, one, many))
}

func signed(x float64, format func(float64) string) string {
	if x > 0 {
		return "+" + format(x)
	}
	if x < 0 {
		return "-" + format(-x)
	}
	return "0"
}

// countText formats one side of a count change.
func countText(n *int64) string {
	if n == nil {
		return "—"
	}
	return intText(*n)
}

// countChangeText formats a count change: "3,914 → 2,350 (-1,564, -40%)".
func countChangeText(c audit.CountChange) string {
	s := countText(c.Old) + " → " + countText(c.New)
	if c.Delta != nil {
		s += " (" + signed(float64(*c.Delta), numText)
		if c.RelativeChange != nil {
			s += ", " + signed(*c.RelativeChange*100, func(x float64) string { return trimFraction(fmt.Sprintf("%.1f", x)) }) + "%"
		}
		s += ")"
	}
	return s
}

// classDriftText is one line on the class shares.
func classDriftText(d *audit.ClassDrift) string {
	if d == nil {
		return "not recorded by one of the reports"
	}
	s := "JS divergence " + floatText(d.JSDivergence)
	if lc := d.LargestChange; lc != nil && lc.Change != 0 {
		s += fmt.Sprintf("; largest change %q %s → %s (%s points)", lc.Class, percentText(lc.OldShare), percentText(lc.NewShare), signed(lc.Change*100, floatText))
	}
	if len(d.Appeared) > 0 {
		s += "; appeared: " + quoteList(d.Appeared, 10)
	}
	if len(d.Vanished) > 0 {
		s += "; vanished: " + quoteList(d.Vanished, 10)
	}
	return s
}

// segmentTexts are one line per segment column that changed.
func segmentTexts(segs []audit.SegmentDrift) []string {
	var out []string
	for _, s := range segs {
		var parts []string
		switch s.Change {
		case audit.Same:
			continue
		case audit.Added:
			parts = append(parts, "new column")
		case audit.Removed:
			parts = append(parts, "no longer a segment column")
		default:
			parts = append(parts, "JS divergence "+floatText(s.JSDivergence))
		}
		if len(s.Appeared) > 0 {
			parts = append(parts, "appeared: "+quoteList(s.Appeared, 10))
		}
		if len(s.Vanished) > 0 {
			parts = append(parts, "vanished: "+quoteList(s.Vanished, 10))
		}
		if s.Incomplete {
			parts = append(parts, "values folded into (other) in a report, so these lists may be incomplete")
		}
		out = append(out, s.Column+": "+strings.Join(parts, "; "))
	}
	return out
}

func quoteList(list []string, limit int) string {
	var parts []string
	for i, s := range list {
		if i == limit {
			parts = append(parts, fmt.Sprintf("and %d more", len(list)-limit))
			break
		}
		parts = append(parts, fmt.Sprintf("%q", s))
	}
	return strings.Join(parts, ", ")
}

// reportLabel names a compared report: its path, or "this report".
func reportLabel(r audit.ComparedReport) string {
	if r.Path == "" {
		return "this report"
	}
	return slashPath(r.Path)
}

// ComparisonText renders a comparison for the terminal (audit diff): the
// two reports, the verdict then and now, what got worse past the tolerance
// and what got better, as aligned tables, then the class, segment and
// volume changes.
func ComparisonText(c *audit.Comparison) []byte {
	var b bytes.Buffer
	v := viewComparison(c)
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "baseline\t%s\tsnapshot %s\t%s\n", reportLabel(c.Baseline), timeText(c.Baseline.SnapshotTime), c.Baseline.Verdict)
	fmt.Fprintf(tw, "current\t%s\tsnapshot %s\t%s\n", reportLabel(c.Current), timeText(c.Current.SnapshotTime), c.Current.Verdict)
	tw.Flush()
	fmt.Fprintf(&b, "verdict: %s → %s (%s)\n", c.Verdict.Old, c.Verdict.New, c.Verdict.Change)
	fmt.Fprintf(&b, "%s, %s past the tolerance of %s; %s\n\n",
		countWord(c.Regressions, "regression", "regressions"), countWord(c.Improvements, "improvement", "improvements"),
		percentText(c.Tolerance), countWord(v.Other, "other change", "other changes"))
	table := func(title string, lines []changeLine) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s:\n", title)
		tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  CHECK\tWHAT\tOLD\tNEW\tCHANGE")
		for _, l := range lines {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", l.Check, l.What, l.Old, l.New, l.Delta)
		}
		tw.Flush()
		b.WriteString("\n")
	}
	table("Got worse (regressions)", v.Worse)
	table("Got better", v.Better)
	fmt.Fprintf(&b, "classes: %s\n", classDriftText(c.Classes))
	if segs := segmentTexts(c.Segments); len(segs) > 0 {
		b.WriteString("segments:\n")
		for _, s := range segs {
			fmt.Fprintf(&b, "  %s\n", s)
		}
	} else {
		b.WriteString("segments: no value appeared or vanished\n")
	}
	fmt.Fprintf(&b, "usable examples: %s\n", countChangeText(c.Volume.UsableExamples))
	fmt.Fprintf(&b, "labeled rows: %s\n", countChangeText(c.Volume.LabeledRows))
	fmt.Fprintf(&b, "rows audited: %s\n", countChangeText(c.Volume.RowsAudited))
	if len(c.Volume.Classes) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  CLASS\tUSABLE THEN\tNOW\tCHANGE")
		for _, cl := range c.Volume.Classes {
			change := ""
			if cl.Delta != nil {
				change = signed(float64(*cl.Delta), numText)
				if cl.RelativeChange != nil {
					change += fmt.Sprintf(" (%s%%)", signed(*cl.RelativeChange*100, func(x float64) string { return trimFraction(fmt.Sprintf("%.1f", x)) }))
				}
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", cl.Class, countText(cl.Old), countText(cl.New), change)
		}
		tw.Flush()
	}
	return b.Bytes()
}

// ComparisonJSON encodes a comparison as indented JSON (audit diff --format json).
func ComparisonJSON(c *audit.Comparison) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("encode comparison: %w", err)
	}
	return buf.Bytes(), nil
}

// mdMaxChanges is how many changes of each kind audit diff --format md
// lists; mdMaxBrief how many report.md names on one line.
const (
	mdMaxChanges = 50
	mdMaxBrief   = 5
)

// ComparisonMarkdown renders a comparison as Markdown (audit diff --format
// md): the verdict then and now, a table of what got worse, then of what
// got better (at most mdMaxChanges rows each), and the class, segment and
// volume lines.
func ComparisonMarkdown(c *audit.Comparison) []byte {
	var b bytes.Buffer
	v := viewComparison(c)
	b.WriteString("## Since the last snapshot\n\n")
	mdComparisonHead(&b, c)
	table := func(title string, lines []changeLine) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "**%s**\n\n| check | what | then | now | change |\n|---|---|---|---|---|\n", title)
		for i, l := range lines {
			if i == mdMaxChanges {
				fmt.Fprintf(&b, "| … | %d more | | | |\n", len(lines)-mdMaxChanges)
				break
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdID(l.Check), mdText(l.What, mdMaxTitle), mdText(l.Old, mdMaxValue), mdText(l.New, mdMaxValue), mdText(l.Delta, mdMaxValue))
		}
		b.WriteString("\n")
	}
	table("Got worse", v.Worse)
	table("Got better", v.Better)
	fmt.Fprintf(&b, "- Usable examples: %s\n", mdText(countChangeText(c.Volume.UsableExamples), mdMaxSummary))
	fmt.Fprintf(&b, "- Labeled rows: %s\n", mdText(countChangeText(c.Volume.LabeledRows), mdMaxSummary))
	fmt.Fprintf(&b, "- Classes: %s\n", mdText(classDriftText(c.Classes), mdMaxSummary))
	for _, s := range segmentTexts(c.Segments) {
		fmt.Fprintf(&b, "- Segment %s\n", mdText(s, mdMaxSummary))
	}
	return b.Bytes()
}

// mdComparisonHead is the sentence that opens a comparison in Markdown.
func mdComparisonHead(b *bytes.Buffer, c *audit.Comparison) {
	fmt.Fprintf(b, "Baseline %s (snapshot %s): verdict %s → %s (%s); %s and %s past the tolerance of %s.\n\n",
		mdText(reportLabel(c.Baseline), mdMaxPath), timeText(c.Baseline.SnapshotTime),
		mdText(string(c.Verdict.Old), mdMaxValue), mdText(string(c.Verdict.New), mdMaxValue), c.Verdict.Change,
		countWord(c.Regressions, "regression", "regressions"), countWord(c.Improvements, "improvement", "improvements"), percentText(c.Tolerance))
}

// mdComparisonBrief is report.md's part on the comparison: a heading, the
// opening sentence, one line naming what got worse and one naming what got
// better (at most mdMaxBrief each) with the usable examples: six lines.
func mdComparisonBrief(b *bytes.Buffer, c *audit.Comparison) {
	v := viewComparison(c)
	b.WriteString("### Since the last snapshot\n\n")
	mdComparisonHead(b, c)
	brief := func(lines []changeLine) string {
		if len(lines) == 0 {
			return "nothing"
		}
		var parts []string
		for i, l := range lines {
			if i == mdMaxBrief {
				parts = append(parts, fmt.Sprintf("and %d more", len(lines)-mdMaxBrief))
				break
			}
			parts = append(parts, fmt.Sprintf("%s %s %s → %s", mdID(l.Check), mdText(l.What, mdMaxTitle), mdText(l.Old, mdMaxValue), mdText(l.New, mdMaxValue)))
		}
		return strings.Join(parts, "; ")
	}
	fmt.Fprintf(b, "Worse: %s.  \nBetter: %s. Usable examples %s.\n\n", brief(v.Worse), brief(v.Better), mdText(countChangeText(c.Volume.UsableExamples), mdMaxSummary))
}

// comparisonHTML is the "since the last snapshot" section of report.html.
type comparisonHTML struct {
	Baseline, BaselineTime string
	Old, New               verdictView
	VerdictChange          string
	Counts                 string
	Worse, Better          []changeLine
	// WorseMore and BetterMore count the lines left out past maxTableRows.
	WorseMore, BetterMore int
	// Facts are one-line statements: usable examples, classes, segments.
	Facts []string
	Other string
}

// capLines keeps the first limit lines and counts the rest.
func capLines(lines []changeLine, limit int) ([]changeLine, int) {
	if len(lines) <= limit {
		return lines, 0
	}
	return lines[:limit], len(lines) - limit
}

func verdictOf(v audit.Verdict) verdictView {
	switch v {
	case audit.Ready:
		return verdictView{Status: "pass", Word: "Ready"}
	case audit.ReadyWithWarnings:
		return verdictView{Status: "warn", Word: "Ready with warnings"}
	case audit.NotReady:
		return verdictView{Status: "fail", Word: "Not ready"}
	}
	return verdictView{Status: "error", Word: string(v)}
}

func newComparisonHTML(c *audit.Comparison) *comparisonHTML {
	if c == nil {
		return nil
	}
	v := viewComparison(c)
	h := &comparisonHTML{
		Baseline:      reportLabel(c.Baseline),
		BaselineTime:  timeText(c.Baseline.SnapshotTime),
		Old:           verdictOf(c.Verdict.Old),
		New:           verdictOf(c.Verdict.New),
		VerdictChange: c.Verdict.Change,
		Counts: fmt.Sprintf("%s and %s past the tolerance of %s.", countWord(c.Regressions, "regression", "regressions"),
			countWord(c.Improvements, "improvement", "improvements"), percentText(c.Tolerance)),
	}
	h.Worse, h.WorseMore = capLines(v.Worse, maxTableRows)
	h.Better, h.BetterMore = capLines(v.Better, maxTableRows)
	h.Facts = append(h.Facts, "Usable examples: "+countChangeText(c.Volume.UsableExamples),
		"Labeled rows: "+countChangeText(c.Volume.LabeledRows), "Classes: "+classDriftText(c.Classes))
	for _, s := range segmentTexts(c.Segments) {
		h.Facts = append(h.Facts, "Segment "+s)
	}
	if v.Other > 0 {
		h.Other = countWord(v.Other, "other change", "other changes") + " (statuses to or from skipped, metrics within the tolerance or of no known direction) are listed in report.json under comparison."
	}
	return h
}
