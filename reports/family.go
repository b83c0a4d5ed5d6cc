package reports

import (
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"dataready/audit"
)

// Family visuals: charts and tables drawn from the metrics and examples of
// particular checks, shown in their cards (and, for leakage, above the
// family's cards). Every builder tolerates a check that is absent, skipped
// or missing a metric: it then draws less, or nothing. Strings from the
// data reach the page only through htmlCell, chart labels and notes, which
// html/template escapes.

// visualView is one figure of a card or of a family overview. One of the
// drawing fields is set, or only Note.
type visualView struct {
	// Title says what the figure shows (fixed text); Heading names what
	// it is about (a segment column) and may come from the data.
	Title   string
	Heading string
	Caption string
	// Note is a sentence shown when there is nothing to draw.
	Note      string
	Bars      *barLayout
	Heat      *heatLayout
	Stack     *stackLayout
	Interval  *intervalLayout
	Multiples *multiplesLayout
	Variants  *variantsView
	Conflicts *conflictsView
	Pairs     *pairsView
}

// cardVisuals are the visuals of one card.
type cardVisuals struct {
	Items []visualView
	// ReplacesExamples is set when the visuals show every example of the
	// check, so the generic examples table is left out.
	ReplacesExamples bool
}

// checkVisuals draw the family-specific visuals of a check. Adding a
// visual to a check is adding one entry here. Builders are not called for
// skipped checks.
var checkVisuals = map[string]func(*reportData, *preparedCheck) cardVisuals{
	"labels.variants":         variantsVisuals,
	"labels.conflicts":        conflictsVisuals,
	"labels.agreement":        agreementVisuals,
	"bias.segment_coverage":   segmentCoverageVisuals,
	"bias.reference_coverage": referenceCoverageVisuals,
	"bias.label_disparity":    disparityVisuals,
	"leakage.exact_overlap":   leakPairsVisuals,
	"leakage.near_duplicates": leakPairsVisuals,
}

// familyOverviews draw the figures shown above a family's cards.
var familyOverviews = map[string]func(*reportData) []visualView{
	"leakage": leakageOverview,
}

// Caps of the family visuals, so the page stays small whatever the data.
const (
	maxHeatColumns  = 14 // classes of a segment × class heat map; the rest are folded
	maxAnnotators   = 12 // annotators of the kappa heat map
	maxVisualGroups = 20 // variant groups, conflict groups, leaked pairs
	maxSegmentCols  = 12 // segment columns drawn per check
	maxLocation     = 32 // runes of a file name in a row's location
)

// --- Shared helpers ---

// mapOf returns v as a map, or nil.
func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// listOf returns v as a list, or nil.
func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

// stringSet collects the strings of a list.
func stringSet(v any) map[string]bool {
	set := map[string]bool{}
	for _, x := range listOf(v) {
		if s, ok := x.(string); ok {
			set[s] = true
		}
	}
	return set
}

// usable reports whether a check is present and ran.
func usable(c *preparedCheck) bool {
	return c != nil && c.Status != audit.Skip && c.Status != audit.Error
}

// segmentOrder orders the columns of a by_column map: the configured
// segment columns first, in config order, then the others (combinations)
// by name.
func (r *reportData) segmentOrder(byColumn map[string]any) []string {
	var out []string
	for _, s := range r.rep.Dataset.Roles.Segments {
		if _, ok := byColumn[s]; ok && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, k := range keysInOrder(byColumn) {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// rowLocation shows where a row is: file name and line, with the split;
// the whole path is in the title.
func rowLocation(row audit.RowRef) htmlCell {
	name := path.Base(slashPath(row.File))
	text := shorten(name, maxLocation) + ":" + strconv.FormatInt(row.Line, 10)
	title := row.File + ":" + strconv.FormatInt(row.Line, 10)
	if row.Split != "" {
		title = row.Split + " · " + title
	}
	return htmlCell{Text: text, Title: title, Class: "mono"}
}

// fixedText writes a number with two decimals (kappa, alpha).
func fixedText(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	if s == "-0.00" {
		s = "0.00"
	}
	return s
}

// pointsText writes a difference of shares in percentage points.
func pointsText(x float64) string {
	return trimFraction(strconv.FormatFloat(x*100, 'f', 1, 64)) + " points"
}

// --- labels.variants ---

// variantsView is the table of variant groups with their spellings and the
// label_map lines that fix them.
type variantsView struct {
	Splits []htmlCell
	Groups []variantGroup
	// Snippet is every group's label_map lines under a label_map: key.
	Snippet string
	Omitted string
}

type variantGroup struct {
	N           int
	Base, Title htmlCell
	VariantRows string
	Fix         string
	Spellings   []variantSpelling
	Span        int
}

type variantSpelling struct {
	Spelling, Class, Rows, First htmlCell
	Splits                       []htmlCell
	Keep                         bool
}

// variantsVisuals lays out the examples of labels.variants as one table.
func variantsVisuals(r *reportData, c *preparedCheck) cardVisuals {
	if len(c.Examples) == 0 {
		return cardVisuals{}
	}
	v := &variantsView{}
	splitSet := map[string]bool{}
	for _, values := range c.values {
		for _, s := range listOf(values["spellings"]) {
			for split := range mapOf(mapOf(s)["splits"]) {
				splitSet[split] = true
			}
		}
	}
	splits := r.orderKeys(keysOf(splitSet))
	for _, s := range splits {
		v.Splits = append(v.Splits, textCell(s, maxValue))
	}
	var fixes []string
	for i, ex := range c.Examples {
		if i == maxVisualGroups {
			v.Omitted = intText(int64(len(c.Examples) - i))
			break
		}
		values := map[string]any{}
		if i < len(c.values) && c.values[i] != nil {
			values = c.values[i]
		}
		g := variantGroup{N: i + 1, Title: textCell(ex.Title, maxText)}
		base, _ := values["base_form"].(string)
		g.Base = textCell(base, maxValue)
		if n, ok := numInt(values["variant_rows"]); ok {
			g.VariantRows = intText(n)
		}
		fix, _ := values["label_map"].(string)
		g.Fix = strings.TrimRight(fix, "\n")
		if g.Fix != "" {
			fixes = append(fixes, g.Fix)
		}
		keep, _ := values["most_frequent"].(string)
		for _, sv := range listOf(values["spellings"]) {
			s := mapOf(sv)
			spelling, _ := s["spelling"].(string)
			class, _ := s["class"].(string)
			sp := variantSpelling{Spelling: textCell(spelling, maxValue), Class: textCell(class, maxValue), Keep: spelling == keep}
			sp.Rows = valueCell("rows", s["rows"], maxValue)
			for _, split := range splits {
				n, ok := mapOf(s["splits"])[split]
				if !ok {
					sp.Splits = append(sp.Splits, htmlCell{Text: "—", Class: "empty num"})
					continue
				}
				sp.Splits = append(sp.Splits, valueCell("rows", n, maxValue))
			}
			sp.First = htmlCell{Text: "—", Class: "empty"}
			for _, row := range ex.Rows {
				if row.Label == spelling {
					sp.First = rowLocation(row)
					break
				}
			}
			g.Spellings = append(g.Spellings, sp)
		}
		if len(g.Spellings) == 0 {
			g.Spellings = []variantSpelling{{Spelling: htmlCell{Text: "(not reported)", Class: "empty"}}}
			for range splits {
				g.Spellings[0].Splits = append(g.Spellings[0].Splits, htmlCell{})
			}
		}
		g.Span = len(g.Spellings)
		v.Groups = append(v.Groups, g)
	}
	if len(fixes) > 0 {
		var b strings.Builder
		b.WriteString("label_map:\n")
		for _, f := range fixes {
			for _, line := range strings.Split(f, "\n") {
				b.WriteString("  " + line + "\n")
			}
		}
		v.Snippet = strings.TrimRight(b.String(), "\n")
	}
	caption := "Each group is one label written several ways; the spelling marked keep has the most rows. "
	if v.Snippet != "" {
		caption += "The label_map lines map the others onto it: add them to audit.yaml (change an entry that already exists for a raw label)."
	}
	if v.Omitted != "" {
		caption += fmt.Sprintf(" %s more groups not shown (see report.json).", v.Omitted)
	}
	return cardVisuals{Items: []visualView{{Variants: v, Caption: caption}}, ReplacesExamples: true}
}

// --- labels.conflicts ---

// conflictsView is the conflict groups, largest first, with their rows.
type conflictsView struct {
	Groups             []conflictGroup
	HasID              bool
	Shown, More, Total string
}

type conflictGroup struct {
	N       int
	Title   htmlCell
	Text    htmlCell
	Classes []classChip
	Rows    []conflictRow
	Span    int
}

type classChip struct {
	Name  htmlCell
	Count string
}

type conflictRow struct {
	Split, Where, ID, Label htmlCell
}

// conflictsVisuals lays out the examples of labels.conflicts: each group's
// text and classes next to the location of its rows.
func conflictsVisuals(r *reportData, c *preparedCheck) cardVisuals {
	if len(c.Examples) == 0 {
		return cardVisuals{}
	}
	v := &conflictsView{}
	shown := min(len(c.Examples), maxVisualGroups)
	total := max(c.ExamplesTotal, int64(len(c.Examples)))
	v.Shown, v.Total = intText(int64(shown)), intText(total)
	if total > int64(shown) {
		v.More = intText(total - int64(shown))
	}
	for i, ex := range c.Examples[:shown] {
		values := map[string]any{}
		if i < len(c.values) && c.values[i] != nil {
			values = c.values[i]
		}
		g := conflictGroup{N: i + 1, Title: textCell(ex.Title, maxValue)}
		text, _ := values["text"].(string)
		g.Text = textCell(oneLine(text), maxText)
		if text == "" {
			g.Text = htmlCell{Text: "no text column: the row key is the tuple of feature values", Class: "empty"}
		}
		classes := mapOf(values["classes"])
		names := keysInOrder(classes)
		slices.SortStableFunc(names, func(a, b string) int {
			na, _ := numInt(classes[a])
			nb, _ := numInt(classes[b])
			return descending(float64(na), float64(nb))
		})
		for _, name := range names {
			n, _ := numInt(classes[name])
			g.Classes = append(g.Classes, classChip{Name: textCell(name, maxValue), Count: intText(n)})
		}
		for _, row := range ex.Rows {
			v.HasID = v.HasID || row.ID != ""
			g.Rows = append(g.Rows, conflictRow{
				Split: textCell(row.Split, maxValue), Where: rowLocation(row),
				ID: textCell(row.ID, maxValue), Label: textCell(row.Label, maxValue),
			})
		}
		if len(g.Rows) == 0 {
			g.Rows = []conflictRow{{}}
		}
		g.Span = len(g.Rows)
		v.Groups = append(v.Groups, g)
	}
	caption := "Rows that share a row key but carry different classes, the largest groups first, with the location of each row (the first 3 rows of each class)."
	return cardVisuals{Items: []visualView{{Conflicts: v, Caption: caption}}, ReplacesExamples: true}
}

// --- labels.agreement ---

// agreementVisuals draws the Cohen's kappa of every pair of annotators as a
// heat map, and the agreement of each class as bars.
func agreementVisuals(r *reportData, c *preparedCheck) cardVisuals {
	var out cardVisuals
	kappa, items := mapOf(c.metrics["cohen_kappa"]), mapOf(c.metrics["cohen_items"])
	present := map[string]bool{}
	for _, m := range []map[string]any{kappa, items} {
		for a, row := range m {
			present[a] = true
			for b := range mapOf(row) {
				present[b] = true
			}
		}
	}
	var names []string
	for _, a := range r.rep.Dataset.Roles.Annotators {
		if present[a] && !slices.Contains(names, a) {
			names = append(names, a)
		}
	}
	for _, a := range keysInOrder(present) {
		if !slices.Contains(names, a) {
			names = append(names, a)
		}
	}
	if len(names) >= 2 {
		caption := "Cohen's kappa of each pair of annotators over the items both rated (the cell's tooltip gives their number): 1 is perfect agreement, 0 what chance gives, and a negative kappa gets the lightest shade. A dash: the pair shares no item, or kappa is undefined."
		if n := len(names) - maxAnnotators; n > 0 {
			names = names[:maxAnnotators]
			caption += fmt.Sprintf(" %s more annotators not shown (see report.json).", intText(int64(n)))
		}
		h := HeatMap{Title: "Cohen's kappa per pair of annotators", Columns: names, Max: 1, Format: fixedText}
		for _, a := range names {
			row := HeatRow{Label: a}
			for _, b := range names {
				shared, hasShared := numInt(mapOf(items[a])[b])
				sharedText := ""
				if hasShared {
					sharedText = fmt.Sprintf(" over %s items both rated", intText(shared))
				}
				k, ok := numFloat(mapOf(kappa[a])[b])
				switch {
				case a == b:
					row.Cells = append(row.Cells, HeatCell{Missing: true, Text: " ", Title: a + ": the same annotator"})
				case ok:
					row.Cells = append(row.Cells, HeatCell{Value: k, Text: fixedText(k), Title: fmt.Sprintf("%s × %s: kappa %s%s", a, b, floatText(k), sharedText)})
				default:
					row.Cells = append(row.Cells, HeatCell{Missing: true, Title: fmt.Sprintf("%s × %s: no kappa%s", a, b, sharedText)})
				}
			}
			h.Rows = append(h.Rows, row)
		}
		l := h.layout()
		out.Items = append(out.Items, visualView{Title: "Cohen's kappa per pair of annotators", Heat: &l, Caption: caption})
	}

	perClass := mapOf(c.metrics["per_class"])
	type classAgreement struct {
		name   string
		value  float64
		values int64
	}
	var classes []classAgreement
	for name, v := range perClass {
		a, ok := numFloat(mapOf(v)["agreement"])
		if !ok {
			continue
		}
		n, _ := numInt(mapOf(v)["values"])
		classes = append(classes, classAgreement{name, a, n})
	}
	if len(classes) > 0 {
		slices.SortFunc(classes, func(a, b classAgreement) int {
			if a.value != b.value {
				return descending(b.value, a.value) // lowest first
			}
			return strings.Compare(a.name, b.name)
		})
		caption := "Per class: the share of its ratings matched by another annotator's rating of the same class, lowest first."
		if n := len(classes) - maxChartBars; n > 0 {
			classes = classes[:maxChartBars]
			caption += fmt.Sprintf(" %s more classes not shown (see the table below).", intText(int64(n)))
		}
		chart := BarChart{Title: "Agreement per class", Series: []string{"agreement"}, Format: percentText, Max: 1}
		for _, cl := range classes {
			chart.Categories = append(chart.Categories, BarCategory{Label: cl.name, Values: []float64{cl.value}})
		}
		l := chart.layout()
		out.Items = append(out.Items, visualView{Title: "Agreement per class", Bars: &l, Caption: caption})
	}
	return out
}

// --- bias.segment_coverage, bias.reference_coverage ---

// shareRows picks and orders the rows of a shares chart: by the first
// panel's value (most first), then the largest of the others, then name,
// with "(other)" last; at most maxChartBars, keeping flagged rows. It
// returns the rows and how many were left out.
func shareRows(values []string, panels []map[string]float64, flagged map[string]bool) ([]string, int) {
	first := func(v string) float64 {
		if len(panels) == 0 {
			return 0
		}
		return panels[0][v]
	}
	rest := func(v string) float64 {
		m := 0.0
		for _, p := range panels[min(1, len(panels)):] {
			m = max(m, p[v])
		}
		return m
	}
	rows := slices.Clone(values)
	slices.SortFunc(rows, func(a, b string) int {
		if oa, ob := a == "(other)", b == "(other)"; oa != ob {
			if oa {
				return 1
			}
			return -1
		}
		if d := descending(first(a), first(b)); d != 0 {
			return d
		}
		if d := descending(rest(a), rest(b)); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	if len(rows) <= maxChartBars {
		return rows, 0
	}
	// Keep the first rows, making room for flagged rows further down.
	var kept []string
	var flaggedLater int
	for _, v := range rows[maxChartBars:] {
		if flagged[v] {
			flaggedLater++
		}
	}
	room := max(maxChartBars-flaggedLater, 0)
	for i, v := range rows {
		if i < room || (i >= maxChartBars && flagged[v]) || (i < maxChartBars && flagged[v]) {
			kept = append(kept, v)
		}
		if len(kept) == maxChartBars {
			break
		}
	}
	return kept, len(rows) - len(kept)
}

// sharesPanel is one panel of a shares chart: a name and a share per value.
type sharesPanel struct {
	name   string
	shares map[string]float64
}

// sharesChart draws the shares of a column's values in each panel, with
// the flagged values highlighted.
func sharesChart(column string, panels []sharesPanel, notes map[string]string) (*multiplesLayout, int) {
	valueSet := map[string]bool{}
	maps := make([]map[string]float64, len(panels))
	for i, p := range panels {
		maps[i] = p.shares
		for v := range p.shares {
			valueSet[v] = true
		}
	}
	flagged := map[string]bool{}
	for v := range notes {
		flagged[v] = true
	}
	rows, hidden := shareRows(keysOf(valueSet), maps, flagged)
	m := SmallMultiples{Title: "Share of rows per value of " + column, Rows: rows, Format: percentText}
	for _, p := range panels {
		panel := Panel{Name: p.name}
		for _, v := range rows {
			s, ok := p.shares[v]
			if !ok {
				s = math.NaN()
			}
			panel.Values = append(panel.Values, s)
		}
		m.Panels = append(m.Panels, panel)
	}
	for _, v := range rows {
		m.Notes = append(m.Notes, notes[v])
	}
	l := m.layout()
	return &l, hidden
}

// referencePanel returns the reference shares of a column from
// bias.reference_coverage, and the panel's name.
func (r *reportData) referencePanel(column string) (sharesPanel, bool) {
	c := r.check("bias.reference_coverage")
	if !usable(c) {
		return sharesPanel{}, false
	}
	col := mapOf(mapOf(c.metrics["by_column"])[column])
	values := mapOf(col["values"])
	if len(values) == 0 {
		return sharesPanel{}, false
	}
	p := sharesPanel{name: "reference", shares: map[string]float64{}}
	if source, _ := c.metrics["source"].(string); source == "expected" {
		p.name = "expected"
	}
	for v, x := range values {
		if s, ok := numFloat(mapOf(x)["reference_share"]); ok {
			p.shares[v] = s
		}
	}
	return p, true
}

// segmentCoverageVisuals draws, per segment column, the shares of its
// values in every split (and the reference), and the segment × class heat
// map of train.
func segmentCoverageVisuals(r *reportData, c *preparedCheck) cardVisuals {
	var out cardVisuals
	heatDrawn := false
	byColumn := mapOf(c.metrics["by_column"])
	columns := r.segmentOrder(byColumn)
	hiddenCols := 0
	if len(columns) > maxSegmentCols {
		hiddenCols = len(columns) - maxSegmentCols
		columns = columns[:maxSegmentCols]
	}
	for _, column := range columns {
		col := mapOf(byColumn[column])
		if overflow, _ := col["overflow"].(bool); overflow {
			out.Items = append(out.Items, visualView{Heading: column, Note: "Too many distinct values (over 100,000) to analyse this column."})
			continue
		}
		values := mapOf(col["values"])
		splitSet := map[string]bool{}
		for _, v := range values {
			for s := range mapOf(mapOf(v)["shares"]) {
				splitSet[s] = true
			}
		}
		var panels []sharesPanel
		for _, s := range r.orderKeys(keysOf(splitSet)) {
			p := sharesPanel{name: s, shares: map[string]float64{}}
			for v, x := range values {
				if share, ok := numFloat(mapOf(mapOf(x)["shares"])[s]); ok {
					p.shares[v] = share
				}
			}
			panels = append(panels, p)
		}
		notes := map[string]string{}
		for v := range stringSet(col["unseen_in_train"]) {
			notes[v] = "unseen in train"
		}
		for v := range stringSet(col["rare_in_train"]) {
			n, _ := numInt(mapOf(values[v])["labeled_train"])
			notes[v] = fmt.Sprintf("rare in train: %s labeled", intText(n))
		}
		if ref, ok := r.referencePanel(column); ok {
			panels = append(panels, ref)
			rc := r.check("bias.reference_coverage")
			for v := range stringSet(mapOf(mapOf(rc.metrics["by_column"])[column])["missing_from_train"]) {
				if notes[v] == "" {
					notes[v] = "missing from train"
				}
			}
		}
		heading := column
		if len(panels) > 0 {
			chart, hidden := sharesChart(column, panels, notes)
			caption := fmt.Sprintf("Share of each split's rows per value, on one scale for every panel; highlighted values are flagged (%s).", flaggedSummary(notes))
			if len(notes) == 0 {
				caption = "Share of each split's rows per value, on one scale for every panel; no value is flagged."
			}
			if js, ok := numFloat(col["js_divergence"]); ok {
				caption += " JS divergence between train and holdout " + floatText(js)
				if shift, ok := numFloat(col["max_share_shift"]); ok {
					caption += ", largest share shift " + pointsText(shift)
				}
				caption += "."
			}
			if n, ok := numInt(col["folded_values"]); ok && n > 0 {
				caption += fmt.Sprintf(" %s rare values are folded into (other).", intText(n))
			}
			if ref := panels[len(panels)-1]; ref.name == "expected" {
				if _, ok := ref.shares["(other)"]; ok {
					if _, inSplits := values["(other)"]; !inSplits {
						caption += " In the expected panel, (other) stands for every value the expected shares do not list."
					}
				}
			}
			if hidden > 0 {
				caption += fmt.Sprintf(" %s smaller values not shown (see the tables below).", intText(int64(hidden)))
			}
			out.Items = append(out.Items, visualView{Heading: heading, Multiples: chart, Caption: caption})
			heading = ""
		}
		if heat, caption, ok := segmentClassHeat(column, mapOf(col["train_classes"]), listOf(col["empty_cells"]), !heatDrawn); ok {
			out.Items = append(out.Items, visualView{Heading: heading, Heat: heat, Caption: caption})
			heatDrawn = true
		}
	}
	if hiddenCols > 0 {
		out.Items = append(out.Items, visualView{Note: fmt.Sprintf("%s more columns not drawn (see the tables below).", intText(int64(hiddenCols)))})
	}
	return out
}

// flaggedSummary names the kinds of flags in notes, e.g. "1 unseen in
// train, 1 rare in train".
func flaggedSummary(notes map[string]string) string {
	counts := map[string]int{}
	for _, n := range notes {
		kind, _, _ := strings.Cut(n, ":")
		counts[kind]++
	}
	var parts []string
	for _, k := range keysInOrder(counts) {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	return strings.Join(parts, ", ")
}

// segmentClassHeat draws the segment × class table of labeled train rows:
// a row per value (most rows first) under an "all values" row, a column
// per class (most rows first, the smallest folded into one column). The
// shade is the class's share of the value's rows; empty cells are
// outlined.
func segmentClassHeat(column string, table map[string]any, emptyCells []any, first bool) (*heatLayout, string, bool) {
	classTotals := map[string]int64{}
	valueTotals := map[string]int64{}
	var empty []string
	for v, row := range table {
		for class, n := range mapOf(row) {
			k, _ := numInt(n)
			classTotals[class] += k
			valueTotals[v] += k
		}
	}
	var values []string
	for _, v := range keysInOrder(table) {
		if valueTotals[v] > 0 {
			values = append(values, v)
		} else {
			empty = append(empty, v)
		}
	}
	if len(values) == 0 {
		return nil, "", false
	}
	byTotal := func(totals map[string]int64) func(a, b string) int {
		return func(a, b string) int {
			if d := descending(float64(totals[a]), float64(totals[b])); d != 0 {
				return d
			}
			return strings.Compare(a, b)
		}
	}
	slices.SortFunc(values, byTotal(valueTotals))
	classes := keysOf(classTotals)
	slices.SortFunc(classes, byTotal(classTotals))
	folded := 0
	if len(classes) > maxHeatColumns {
		folded = len(classes) - (maxHeatColumns - 1)
		classes = classes[:maxHeatColumns-1]
	}
	hiddenValues := 0
	if len(values) > maxChartBars {
		hiddenValues = len(values) - maxChartBars
		values = values[:maxChartBars]
	}
	marks := map[[2]string]bool{}
	for _, e := range emptyCells {
		m := mapOf(e)
		v, _ := m["value"].(string)
		class, _ := m["class"].(string)
		marks[[2]string{v, class}] = true
	}
	columns := slices.Clone(classes)
	if folded > 0 {
		columns = append(columns, fmt.Sprintf("%d other classes", folded))
	}
	h := HeatMap{Title: "Labeled train rows per value of " + column + " and class", Columns: columns, Format: percentText, MarkLegend: "class missing (empty cell)"}
	var all int64
	for _, n := range valueTotals {
		all += n
	}
	cell := func(label string, n, total int64, class string, mark bool) HeatCell {
		share := 0.0
		if total > 0 {
			share = float64(n) / float64(total)
		}
		return HeatCell{Value: share, Text: intText(n), Mark: mark,
			Title: fmt.Sprintf("%s × %s: %s labeled train rows, %s of %s", label, class, intText(n), percentText(share), label)}
	}
	addRow := func(label string, counts func(class string) int64, total int64, isTotal bool, value string) {
		row := HeatRow{Label: label, Total: isTotal}
		var rest int64
		for _, class := range classes {
			row.Cells = append(row.Cells, cell(label, counts(class), total, class, !isTotal && marks[[2]string{value, class}]))
		}
		if folded > 0 {
			rest = total
			for _, class := range classes {
				rest -= counts(class)
			}
			row.Cells = append(row.Cells, cell(label, rest, total, columns[len(columns)-1], false))
		}
		h.Rows = append(h.Rows, row)
	}
	addRow("all values", func(class string) int64 { return classTotals[class] }, all, true, "")
	for _, v := range values {
		counts := mapOf(table[v])
		addRow(v, func(class string) int64 { n, _ := numInt(counts[class]); return n }, valueTotals[v], false, v)
	}
	l := h.layout()
	caption := "Labeled train rows per value and class; the shade is the class's share of the value's rows."
	if first {
		caption = "Labeled train rows per value (rows) and class (columns). The shade is the class's share of the value's rows, so a cell lighter or darker than the rest of its column shows a class under- or over-represented in that value; the first row is the whole of train."
	}
	if len(marks) > 0 {
		caption += " Outlined: a value with enough rows that has none of a common class (empty_cells)."
	}
	if len(empty) > 0 {
		caption += fmt.Sprintf(" Values without labeled train rows are left out: %s.", strings.Join(quoteAll(empty, 5), ", "))
	}
	if hiddenValues > 0 {
		caption += fmt.Sprintf(" %s smaller values not shown.", intText(int64(hiddenValues)))
	}
	return &l, caption, true
}

// quoteAll lists at most limit strings, shortened, and says how many more.
func quoteAll(list []string, limit int) []string {
	var out []string
	for i, s := range list {
		if i == limit {
			out = append(out, fmt.Sprintf("%d more", len(list)-limit))
			break
		}
		out = append(out, shorten(s, maxValue))
	}
	return out
}

// referenceCoverageVisuals draws, per compared column, the train shares
// against the reference (or expected) shares.
func referenceCoverageVisuals(r *reportData, c *preparedCheck) cardVisuals {
	var out cardVisuals
	byColumn := mapOf(c.metrics["by_column"])
	refName := "reference"
	if source, _ := c.metrics["source"].(string); source == "expected" {
		refName = "expected"
	}
	columns := r.segmentOrder(byColumn)
	if len(columns) > maxSegmentCols {
		columns = columns[:maxSegmentCols]
	}
	for _, column := range columns {
		col := mapOf(byColumn[column])
		if overflow, _ := col["overflow"].(bool); overflow {
			out.Items = append(out.Items, visualView{Heading: column, Note: "Too many distinct train values (over 100,000) to compare this column."})
			continue
		}
		train := sharesPanel{name: "train", shares: map[string]float64{}}
		ref := sharesPanel{name: refName, shares: map[string]float64{}}
		for v, x := range mapOf(col["values"]) {
			if s, ok := numFloat(mapOf(x)["train_share"]); ok {
				train.shares[v] = s
			}
			if s, ok := numFloat(mapOf(x)["reference_share"]); ok {
				ref.shares[v] = s
			}
		}
		if len(train.shares) == 0 && len(ref.shares) == 0 {
			continue
		}
		notes := map[string]string{}
		for v := range stringSet(col["missing_from_train"]) {
			notes[v] = "missing from train"
		}
		chart, hidden := sharesChart(column, []sharesPanel{train, ref}, notes)
		caption := fmt.Sprintf("Share of rows per value in train and in the %s, on one scale.", refName)
		if len(notes) > 0 {
			caption += " Highlighted values are missing from train."
		}
		if psi, ok := numFloat(col["psi"]); ok {
			caption += " PSI " + floatText(psi)
			if js, ok := numFloat(col["js_divergence"]); ok {
				caption += ", JS divergence " + floatText(js)
			}
			caption += "."
		}
		if hidden > 0 {
			caption += fmt.Sprintf(" %s smaller values not shown (see the tables below).", intText(int64(hidden)))
		}
		out.Items = append(out.Items, visualView{Heading: column, Multiples: chart, Caption: caption})
	}
	return out
}

// --- bias.label_disparity ---

// disparityVisuals draws, per segment column, the positive rate of each
// value with its Wilson interval, and the segment × class heat map when
// bias.segment_coverage does not draw it.
func disparityVisuals(r *reportData, c *preparedCheck) cardVisuals {
	var out cardVisuals
	byColumn := mapOf(c.metrics["by_column"])
	positive, _ := c.metrics["positive_class"].(string)
	minRows, hasMin := c.Thresholds["min_rows"]
	coverage := r.check("bias.segment_coverage")
	var coverageColumns map[string]any
	if usable(coverage) {
		coverageColumns = mapOf(coverage.metrics["by_column"])
	}
	overall := mapOf(c.metrics["overall"])
	var overallRate float64
	hasOverall := false
	if positive != "" {
		var all, pos int64
		for class, n := range overall {
			k, _ := numInt(n)
			all += k
			if class == positive {
				pos += k
			}
		}
		if all > 0 {
			overallRate, hasOverall = float64(pos)/float64(all), true
		}
	}
	columns := r.segmentOrder(byColumn)
	if len(columns) > maxSegmentCols {
		columns = columns[:maxSegmentCols]
	}
	heatDrawn := false
	for _, column := range columns {
		col := mapOf(byColumn[column])
		heading := column
		if overflow, _ := col["overflow"].(bool); overflow {
			out.Items = append(out.Items, visualView{Heading: column, Note: "Too many distinct values (over 100,000) to analyse this column."})
			continue
		}
		if rates := mapOf(col["rates"]); len(rates) > 0 && positive != "" {
			chart, caption := disparityChart(column, positive, col, rates, minRows, hasMin, c.Thresholds, overallRate, hasOverall)
			out.Items = append(out.Items, visualView{Heading: heading, Interval: chart, Caption: caption})
			heading = ""
		}
		if len(mapOf(mapOf(coverageColumns[column])["train_classes"])) > 0 {
			continue // the segment coverage card draws this heat map
		}
		if heat, caption, ok := segmentClassHeat(column, mapOf(col["counts"]), nil, !heatDrawn); ok {
			out.Items = append(out.Items, visualView{Heading: heading, Heat: heat, Caption: caption})
			heatDrawn = true
		}
	}
	if len(out.Items) == 0 && len(columns) > 0 {
		note := "No positive class, so there are no rates to compare (set positive_class for a label with more than two classes)."
		if positive != "" {
			note = "No value has a rate to compare."
		}
		if len(coverageColumns) > 0 {
			note += " The class distribution of each segment value is drawn under Segment coverage."
		}
		out.Items = append(out.Items, visualView{Note: note})
	}
	return out
}

// disparityChart draws the positive rate per value of one column.
func disparityChart(column, positive string, col, rates map[string]any, minRows float64, hasMin bool, thresholds map[string]float64, overallRate float64, hasOverall bool) (*intervalLayout, string) {
	type point struct {
		value                     string
		rows, positives           int64
		rate, low, high           float64
		compared, lowest, highest bool
	}
	lowest, _ := col["lowest_value"].(string)
	highest, _ := col["highest_value"].(string)
	var points []point
	for v, x := range rates {
		m := mapOf(x)
		p := point{value: v}
		p.rows, _ = numInt(m["rows"])
		p.positives, _ = numInt(m["positives"])
		p.rate, _ = numFloat(m["rate"])
		p.low, _ = numFloat(m["low"])
		p.high, _ = numFloat(m["high"])
		p.compared = !hasMin || float64(p.rows) >= minRows
		p.lowest = lowest != "" && v == lowest
		p.highest = highest != "" && v == highest
		points = append(points, p)
	}
	hidden := 0
	if len(points) > maxChartBars {
		// Keep the values with the most rows.
		slices.SortFunc(points, func(a, b point) int {
			if d := descending(float64(a.rows), float64(b.rows)); d != 0 {
				return d
			}
			return strings.Compare(a.value, b.value)
		})
		hidden = len(points) - maxChartBars
		points = points[:maxChartBars]
	}
	slices.SortFunc(points, func(a, b point) int {
		if d := descending(a.rate, b.rate); d != 0 {
			return d
		}
		if d := descending(float64(a.rows), float64(b.rows)); d != 0 {
			return d
		}
		return strings.Compare(a.value, b.value)
	})
	chart := IntervalChart{Title: fmt.Sprintf("Rate of %s per value of %s, with 95%% Wilson intervals", positive, column), Format: percentText}
	highestRate := -1.0
	for _, p := range points {
		note := fmt.Sprintf("%s · %s of %s", percentText(p.rate), intText(p.positives), intText(p.rows))
		switch {
		case p.lowest:
			note += " · lowest"
		case p.highest:
			note += " · highest"
		}
		if p.highest {
			highestRate = p.rate
		}
		if !p.compared {
			note += fmt.Sprintf(" · under %s rows", numText(minRows))
		}
		chart.Points = append(chart.Points, IntervalPoint{Label: p.value, Value: p.rate, Low: p.low, High: p.high, Note: note, Muted: !p.compared})
	}
	if hasOverall {
		chart.Refs = append(chart.Refs, RefLine{Value: overallRate, Label: "all train " + percentText(overallRate)})
	}
	ratio, hasRatio := thresholds["warn"]
	if hasRatio && highestRate > 0 {
		chart.Refs = append(chart.Refs, RefLine{Value: ratio * highestRate, Label: numText(ratio) + " × highest rate"})
	}
	l := chart.layout()
	caption := fmt.Sprintf("Share of %q among the labeled train rows of each value, with its 95%% Wilson interval.", positive)
	if hasMin {
		caption += fmt.Sprintf(" Hollow dots: values with fewer than %s rows, not compared.", numText(minRows))
	}
	if mm, ok := numFloat(col["min_max_ratio"]); ok && lowest != "" {
		caption += fmt.Sprintf(" Lowest to highest rate: %s", floatText(mm))
		if hasRatio {
			caption += fmt.Sprintf(" (the four-fifths rule compares it with %s)", numText(ratio))
		}
		if overlap, ok := col["intervals_overlap"].(bool); ok {
			if overlap {
				caption += "; their intervals overlap"
			} else {
				caption += "; their intervals do not overlap"
			}
		}
		caption += "."
	}
	if hidden > 0 {
		caption += fmt.Sprintf(" %s values with fewer rows not shown.", intText(int64(hidden)))
	}
	return &l, caption
}

// --- leakage ---

// Segments of the leakage overview, in drawing order.
var leakSegments = []StackSegment{
	{Name: "exact twin in train, same label", Fill: "#d55e00", Dark: true},
	{Name: "exact twin, another label", Fill: "#8f2d00", Dark: true, Hatch: HatchRising},
	{Name: "exact twin, labels not compared", Fill: "#e69f00", Hatch: HatchFalling},
	{Name: "near duplicate of a train row", Fill: "#cc79a7", Hatch: HatchCross},
	{Name: "shares an entity with train", Fill: "#0072b2", Dark: true},
	{Name: "no leak found", Fill: "#eef1f4"},
}

// Indexes of leakSegments.
const (
	leakSame = iota
	leakDifferent
	leakNotCompared
	leakNear
	leakEntity
	leakClean
)

// leakageOverview draws, per holdout split, how its rows leak: exact twins
// by label relation, near duplicates, rows that only a shared entity leaks
// (leakage.entity_overlap's entity_only_rows) and clean rows, in one bar
// whose parts exclude each other. Reports without entity_only_rows, or
// without leakage.exact_overlap, get two bars instead, one for the row
// content and one for shared entities, since a row can leak both ways.
func leakageOverview(r *reportData) []visualView {
	exact, near, entity := r.check("leakage.exact_overlap"), r.check("leakage.near_duplicates"), r.check("leakage.entity_overlap")
	var exactBy, nearBy, entityBy map[string]any
	if usable(exact) {
		exactBy = mapOf(exact.metrics["by_split"])
	}
	if usable(near) {
		nearBy = mapOf(near.metrics["by_split"])
	}
	if usable(entity) {
		entityBy = mapOf(entity.metrics["by_split"])
	}
	if exactBy == nil && nearBy == nil && entityBy == nil {
		return nil
	}
	var splits []string
	for _, s := range r.rep.Dataset.Splits {
		if s.Role == audit.RoleHoldout {
			splits = append(splits, s.Name)
		}
	}
	for _, m := range []map[string]any{exactBy, nearBy, entityBy} {
		for s := range m {
			if !slices.Contains(splits, s) {
				splits = append(splits, s)
			}
		}
	}
	splits = r.orderKeys(splits)
	splitRows := map[string]int64{}
	for _, s := range r.rep.Dataset.Splits {
		splitRows[s.Name] = s.Rows
	}
	var entityCols []string
	if usable(entity) {
		entityCols = keysInOrder(mapOf(entity.metrics["columns"]))
	}
	chart := StackedBarChart{Title: "Holdout rows by kind of leak, per holdout split", Segments: leakSegments}
	used := map[int]bool{leakClean: true}
	// One bar per split when every split counts its entity-only rows.
	combined := exactBy != nil && entityBy != nil
	var sharing []string // per split, rows sharing an entity, for the caption
	for _, split := range splits {
		if _, ok := numInt(mapOf(entityBy[split])["entity_only_rows"]); !ok {
			combined = false
		}
	}
	if combined {
		chart.Segments = slices.Clone(leakSegments)
		chart.Segments[leakEntity].Name = "only an entity shared with train"
	}
	for _, split := range splits {
		e, n, en := mapOf(exactBy[split]), mapOf(nearBy[split]), mapOf(entityBy[split])
		rows := splitRows[split]
		for _, m := range []map[string]any{e, en, n} {
			if k, ok := numInt(m["rows"]); ok {
				rows = k
				break
			}
		}
		if rows <= 0 {
			continue
		}
		if e != nil || n != nil {
			in, _ := numInt(e["holdout_rows_in_train"])
			same, _ := numInt(e["same_label"])
			diff, _ := numInt(e["different_label"])
			nearRows, _ := numInt(n["holdout_rows_near_train"])
			var entityOnly int64
			if combined {
				entityOnly, _ = numInt(en["entity_only_rows"])
			}
			other := max(in-same-diff, 0)
			clean := max(rows-in-nearRows-entityOnly, 0)
			values := make([]float64, len(leakSegments))
			values[leakSame], values[leakDifferent], values[leakNotCompared] = float64(same), float64(diff), float64(other)
			values[leakNear], values[leakEntity], values[leakClean] = float64(nearRows), float64(entityOnly), float64(clean)
			for i, v := range values {
				if v > 0 {
					used[i] = true
				}
			}
			var parts []string
			if e != nil {
				part := fmt.Sprintf("%s repeat train (%s)", intText(in), percentText(float64(in)/float64(rows)))
				var how []string
				if same > 0 {
					how = append(how, intText(same)+" same label")
				}
				if diff > 0 {
					how = append(how, intText(diff)+" another")
				}
				if other > 0 {
					how = append(how, intText(other)+" not compared")
				}
				if len(how) > 0 && in > 0 {
					part += ": " + strings.Join(how, ", ")
				}
				parts = append(parts, part)
			}
			if n != nil {
				parts = append(parts, fmt.Sprintf("%s near (%s)", intText(nearRows), percentText(float64(nearRows)/float64(rows))))
			}
			label := "row content"
			if n == nil {
				label = "row key"
			}
			if combined {
				// Short: the bar's titles give each part's share.
				parts = []string{fmt.Sprintf("%s exact", intText(in))}
				if n != nil {
					parts = append(parts, intText(nearRows)+" near")
				}
				parts = append(parts, intText(entityOnly)+" entity only")
				shared, _ := numInt(en["holdout_rows"])
				sharing = append(sharing, fmt.Sprintf("%s %s of %s", split, intText(shared), intText(rows)))
				label = "all leaks"
			}
			sep := ", "
			if combined {
				sep = " · "
			}
			chart.Bars = append(chart.Bars, StackedBar{Group: fmt.Sprintf("%s · %s rows", split, intText(rows)), Label: label, Values: values, Note: strings.Join(parts, sep)})
		}
		if en != nil && !combined {
			shared, _ := numInt(en["holdout_rows"])
			if shared > 0 {
				used[leakEntity] = true
			}
			label := "entity"
			if len(entityCols) == 1 {
				label = entityCols[0]
			}
			chart.Bars = append(chart.Bars, StackedBar{
				Group: fmt.Sprintf("%s · %s rows", split, intText(rows)), Label: label,
				Values: func() []float64 {
					v := make([]float64, len(leakSegments))
					v[leakEntity], v[leakClean] = float64(shared), float64(rows-min(shared, rows))
					return v
				}(),
				Note: fmt.Sprintf("%s share an entity (%s)", intText(shared), percentText(float64(shared)/float64(rows))),
			})
		}
	}
	if len(chart.Bars) == 0 {
		return nil
	}
	// The legend lists the kinds that occur, in the bars' order.
	var segments []StackSegment
	var keep []int
	for i, s := range chart.Segments {
		if used[i] {
			segments = append(segments, s)
			keep = append(keep, i)
		}
	}
	for b := range chart.Bars {
		var values []float64
		for _, i := range keep {
			values = append(values, chart.Bars[b].Values[i])
		}
		chart.Bars[b].Values = values
	}
	chart.Segments = segments
	hiddenSplits := 0
	if len(chart.Bars) > maxChartBars {
		hiddenSplits = len(chart.Bars) - maxChartBars
		chart.Bars = chart.Bars[:maxChartBars]
	}
	l := chart.layout()
	caption := "Each bar is a holdout split's rows. The first splits them by their content: an exact twin in train (same row key), by how its label compares"
	if combined {
		caption = "Each bar is a holdout split's rows, each row counted once, by its first kind of leak: an exact twin in train (same row key), by how its label compares"
	}
	if usable(near) {
		caption += ", or a near duplicate (which has no exact twin)"
	}
	if combined {
		caption += ", or else an id (" + strings.Join(quoteAll(entityCols, 3), ", ") + ") that also occurs in train."
		caption += " Rows sharing an entity, whatever else they leak: " + strings.Join(sharing, "; ") + "."
	} else {
		caption += "."
	}
	if usable(entity) && !combined {
		caption += " The second marks rows whose id (" + strings.Join(quoteAll(entityCols, 3), ", ") + ") also occurs in train. A row can leak both ways; report.json does not count those rows, so the bars are drawn apart rather than stacked into one."
	}
	if !usable(near) {
		caption += " Near duplicates are not measured in this report."
	}
	if hiddenSplits > 0 {
		caption += fmt.Sprintf(" %s more bars not shown.", intText(int64(hiddenSplits)))
	}
	return []visualView{{Title: "Holdout rows by kind of leak", Stack: &l, Caption: caption}}
}

// pairsView shows leaked holdout rows next to their train twins.
type pairsView struct {
	Pairs              []leakPair
	Shown, More, Total string
}

type leakPair struct {
	N              int
	Title          htmlCell
	Relation       string
	RelationClass  string
	Holdout, Train pairSide
	Extra          []metricTile
}

type pairSide struct {
	Where, Split, ID, Class, Text htmlCell
	Present                       bool
}

// leakPairsVisuals lays out examples whose rows are a holdout row and its
// train twin (leakage.exact_overlap, leakage.near_duplicates) side by
// side.
func leakPairsVisuals(r *reportData, c *preparedCheck) cardVisuals {
	if len(c.Examples) == 0 {
		return cardVisuals{}
	}
	roles := map[string]string{}
	for _, s := range r.rep.Dataset.Splits {
		roles[s.Name] = s.Role
	}
	v := &pairsView{}
	shown := min(len(c.Examples), maxVisualGroups)
	total := max(c.ExamplesTotal, int64(len(c.Examples)))
	v.Shown, v.Total = intText(int64(shown)), intText(total)
	if total > int64(shown) {
		v.More = intText(total - int64(shown))
	}
	for i, ex := range c.Examples[:shown] {
		values := map[string]any{}
		if i < len(c.values) && c.values[i] != nil {
			values = c.values[i]
		}
		p := leakPair{N: i + 1, Title: textCell(ex.Title, maxValue)}
		holdout, train := -1, -1
		for j, row := range ex.Rows {
			switch {
			case roles[row.Split] == audit.RoleTrain && train < 0:
				train = j
			case roles[row.Split] != audit.RoleTrain && holdout < 0:
				holdout = j
			}
		}
		side := func(j int, classKey string) pairSide {
			s := pairSide{Class: htmlCell{Text: "—", Class: "empty"}}
			if cl, ok := values[classKey].(string); ok {
				s.Class = textCell(cl, maxValue)
				if cl == "" {
					s.Class = htmlCell{Text: "no label", Class: "empty"}
				}
			}
			if j < 0 {
				s.Where = htmlCell{Text: "not reported", Class: "empty"}
				return s
			}
			row := ex.Rows[j]
			s.Present = true
			s.Where, s.Split = rowLocation(row), textCell(row.Split, maxValue)
			s.ID = textCell(row.ID, maxValue)
			if row.Text != "" {
				s.Text = textCell(oneLine(row.Text), maxText)
			}
			if _, ok := values[classKey]; !ok && row.Label != "" {
				s.Class = textCell(row.Label, maxValue)
			}
			return s
		}
		p.Holdout, p.Train = side(holdout, "holdout_class"), side(train, "train_class")
		hc, _ := values["holdout_class"].(string)
		tc, _ := values["train_class"].(string)
		switch {
		case hc == "" || tc == "":
			p.Relation, p.RelationClass = "? labels not compared", "rel-none"
		case hc == tc:
			p.Relation, p.RelationClass = "= same label", "rel-same"
		default:
			p.Relation, p.RelationClass = "≠ another label", "rel-diff"
		}
		for _, k := range keysInOrder(values) {
			if k == "holdout_class" || k == "train_class" {
				continue
			}
			p.Extra = append(p.Extra, metricTile{Name: k, htmlCell: valueCell(k, values[k], maxValue)})
		}
		v.Pairs = append(v.Pairs, p)
	}
	caption := "Each holdout row next to the first train row with the same content, and how their labels compare."
	return cardVisuals{Items: []visualView{{Pairs: v, Caption: caption}}, ReplacesExamples: true}
}
