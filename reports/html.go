package reports

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"dataready/audit"
)

// templateFS holds the page template, its stylesheet and script, and the
// SVG templates; all of them end up inline in the one HTML file.
//
//go:embed templates
var templateFS embed.FS

// pageTemplate is parsed once. Each file is a template named after its
// base name: report.html.tmpl (the page), svg.tmpl (charts and icons),
// report.css and report.js (included verbatim as template text, so they
// are trusted like the markup and never escaped).
var pageTemplate = template.Must(template.New("report.html.tmpl").
	Option("missingkey=error").
	ParseFS(templateFS, "templates/*.tmpl", "templates/*.css", "templates/*.js"))

// Truncation lengths, in runes, of values from the dataset. The full value
// is kept in a title attribute.
const (
	maxText  = 140 // example texts, messages
	maxValue = 60  // labels, ids, metric values, keys
	maxPath  = 56  // file paths, cut on the left so the file name stays
)

// Caps on repeated parts of the page, so the size stays bounded whatever
// the data: a label column with a million distinct values must not make a
// million-row table. What is left out is counted on the page.
const (
	maxTableRows  = 100 // rows of a metric table
	maxTableCols  = 16  // value columns of a metric table (besides the key column)
	maxListItems  = 50  // items of a metric list
	maxChartBars  = 40  // categories of a chart
	maxInputRows  = 200 // input files listed
	maxColumnRows = 500 // columns listed
	maxProblems   = 200 // problems listed
)

// HTML renders the report as one self-contained HTML page: the verdict,
// the pilot readiness panel, a table of every check, one card per check
// (grouped by family), the dataset and the run. CSS, script and charts are
// inline; the page makes no network request and works with scripts off.
// Every string from the data is escaped by html/template. The same report
// gives the same bytes.
func HTML(rep *audit.Report) ([]byte, error) {
	if rep == nil {
		return nil, fmt.Errorf("render html: no report")
	}
	p, err := newHTMLPage(rep)
	if err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	return buf.Bytes(), nil
}

// htmlPage is everything the page template shows, formatted: the template
// only lays it out.
type htmlPage struct {
	Title   string
	Heading string
	Subhead string
	Meta    []string
	Verdict verdictView
	// Comparison is the "since the last snapshot" section; nil without a baseline.
	Comparison *comparisonHTML
	Tally      []tallyItem
	Readiness  []readinessItem
	Checks     []checkView
	Families   []familyView
	Dataset    datasetView
	Footer     footerView
}

// verdictView is the banner at the top.
type verdictView struct {
	// Status picks colour and icon: pass, warn, fail or error.
	Status string
	Word   string
	Reason string
	// Deciding are the checks that decided the verdict.
	Deciding []checkView
}

// tallyItem counts the checks of one status.
type tallyItem struct {
	Status string
	Count  int
	Word   string
}

// htmlCell is one formatted value. Text is shown; Title (the full or exact
// value) goes in a tooltip; Sub is a secondary form (a rate as a
// percentage); Class is "num" for numbers, "empty" for missing values.
type htmlCell struct {
	Text, Title, Sub, Class string
}

// htmlStatuses is how a status is shown: a word next to its icon, and its
// rank when the checks table is sorted by status (worst first).
var htmlStatuses = map[audit.Status]struct {
	Word string
	Rank int
}{
	audit.Fail:  {"Fail", 0},
	audit.Error: {"Error", 1},
	audit.Warn:  {"Warn", 2},
	audit.Pass:  {"Pass", 3},
	audit.Skip:  {"Skipped", 4},
}

// htmlStatusWord returns the word for a status, or the status itself when it
// is unknown.
func htmlStatusWord(s audit.Status) string {
	if i, ok := htmlStatuses[s]; ok {
		return i.Word
	}
	return string(s)
}

// htmlStatusRank orders statuses worst first; unknown ones sort last.
func htmlStatusRank(s audit.Status) int {
	if i, ok := htmlStatuses[s]; ok {
		return i.Rank
	}
	return len(htmlStatuses)
}

// htmlStatusClass maps a status to one of the five styles, so an unknown
// status never produces a style the page does not have.
func htmlStatusClass(s audit.Status) string {
	if _, ok := htmlStatuses[s]; ok {
		return string(s)
	}
	return string(audit.Skip)
}

// newHTMLPage builds the page from the report.
func newHTMLPage(rep *audit.Report) (*htmlPage, error) {
	checks := make([]preparedCheck, len(rep.Checks))
	for i, c := range rep.Checks {
		pc, err := prepareCheck(c)
		if err != nil {
			return nil, err
		}
		checks[i] = pc
	}
	r := &reportData{rep: rep, checks: checks, splitOrder: map[string]int{}}
	for i, s := range rep.Dataset.Splits {
		r.splitOrder[s.Name] = i
	}

	p := &htmlPage{}
	p.Heading = datasetName(rep.Inputs)
	p.Title = "Data readiness: " + p.Heading
	p.Subhead = inputNames(rep.Inputs)
	if !rep.Run.StartedAt.IsZero() {
		p.Meta = append(p.Meta, "Audited "+timeText(rep.Run.StartedAt))
	}
	p.Meta = append(p.Meta, intText(rep.Dataset.RowsRead)+" rows read")
	if tool := toolName(rep.Tool); tool != "" {
		p.Meta = append(p.Meta, tool)
	}

	views := make([]checkView, len(checks))
	for i := range checks {
		views[i] = r.checkView(&checks[i])
	}
	p.Checks = views
	p.Verdict = verdictBanner(rep, views)
	p.Comparison = newComparisonHTML(rep.Comparison)
	p.Tally = tallyOf(views)
	p.Families = familyViews(views)
	for i, f := range p.Families {
		if draw, ok := familyOverviews[f.Name]; ok {
			p.Families[i].Overview = draw(r)
		}
	}
	for _, build := range readinessItems {
		if item, ok := build(r); ok {
			p.Readiness = append(p.Readiness, item)
		}
	}
	p.Dataset = r.datasetView()
	footer, err := footerOf(rep)
	if err != nil {
		return nil, err
	}
	p.Footer = footer
	return p, nil
}

// reportData is the report with its checks' metrics normalized, for the
// builders of the page.
type reportData struct {
	rep    *audit.Report
	checks []preparedCheck
	// splitOrder is the position of each split in rep.Dataset.Splits.
	splitOrder map[string]int
}

// preparedCheck is a check whose metrics and example values went through
// JSON, so every value is a json.Number, string, bool, nil, []any or
// map[string]any: the same shapes whether the report was built in this
// process (ints, typed maps) or read back from report.json.
type preparedCheck struct {
	audit.CheckResult
	metrics map[string]any
	values  []map[string]any
}

// prepareCheck normalizes the metrics and example values of a check.
func prepareCheck(c audit.CheckResult) (preparedCheck, error) {
	pc := preparedCheck{CheckResult: c}
	m, err := viaJSON(c.Metrics)
	if err != nil {
		return pc, fmt.Errorf("check %s metrics: %w", c.ID, err)
	}
	pc.metrics, _ = m.(map[string]any)
	for _, ex := range c.Examples {
		v, err := viaJSON(ex.Values)
		if err != nil {
			return pc, fmt.Errorf("check %s example values: %w", c.ID, err)
		}
		vm, _ := v.(map[string]any)
		pc.values = append(pc.values, vm)
	}
	return pc, nil
}

// viaJSON round-trips v through JSON, keeping numbers as json.Number.
func viaJSON(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// check returns the check with this id, or nil.
func (r *reportData) check(id string) *preparedCheck {
	for i := range r.checks {
		if r.checks[i].ID == id {
			return &r.checks[i]
		}
	}
	return nil
}

// orderKeys sorts map keys: split names in the dataset's split order
// (train first), then everything else alphabetically.
func (r *reportData) orderKeys(keys []string) []string {
	slices.SortFunc(keys, func(a, b string) int {
		ia, aok := r.splitOrder[a]
		ib, bok := r.splitOrder[b]
		switch {
		case aok && bok:
			return ia - ib
		case aok:
			return -1
		case bok:
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys
}

// --- Verdict ---

// verdictBanner builds the banner: the verdict in words, the reason and
// the checks that decided it.
func verdictBanner(rep *audit.Report, checks []checkView) verdictView {
	v := verdictView{Reason: rep.Reason}
	var deciding []audit.Status
	switch rep.Verdict {
	case audit.Ready:
		v.Status, v.Word = "pass", "Ready"
	case audit.ReadyWithWarnings:
		v.Status, v.Word = "warn", "Ready with warnings"
		deciding = []audit.Status{audit.Warn}
	case audit.NotReady:
		v.Status, v.Word = "fail", "Not ready"
		deciding = []audit.Status{audit.Fail, audit.Error}
	default:
		v.Status, v.Word = "error", string(rep.Verdict)
	}
	// The pipeline marks an audit stopped by too many malformed rows only in
	// the reason; say it in the banner's word too.
	if rest, ok := strings.CutPrefix(rep.Reason, "could not audit:"); ok {
		v.Status, v.Word, v.Reason = "error", "Could not audit", strings.TrimSpace(rest)
	} else if rest, ok := cutVerdictPrefix(rep.Reason, rep.Verdict); ok {
		v.Reason = rest
	}
	for _, c := range checks {
		if slices.Contains(deciding, c.status) {
			v.Deciding = append(v.Deciding, c)
		}
	}
	return v
}

// cutVerdictPrefix removes the verdict words the reason starts with ("not
// ready: ..."), which the banner already shows, and capitalizes the rest.
func cutVerdictPrefix(reason string, verdict audit.Verdict) (string, bool) {
	prefix := strings.ReplaceAll(string(verdict), "_", " ") + ":"
	rest, ok := strings.CutPrefix(reason, prefix)
	rest = strings.TrimSpace(rest)
	if !ok || rest == "" {
		return reason, false
	}
	r, n := utf8.DecodeRuneInString(rest)
	return strings.ToUpper(string(r)) + rest[n:], true
}

// tallyOf counts the checks per status, worst first.
func tallyOf(checks []checkView) []tallyItem {
	counts := map[string]int{}
	for _, c := range checks {
		counts[c.Status]++
	}
	var out []tallyItem
	for _, s := range []audit.Status{audit.Fail, audit.Error, audit.Warn, audit.Pass, audit.Skip} {
		if n := counts[string(s)]; n > 0 {
			word := strings.ToLower(htmlStatusWord(s))
			if s == audit.Skip {
				word = "skipped"
			}
			out = append(out, tallyItem{Status: string(s), Count: n, Word: word})
		}
	}
	return out
}

// --- Pilot readiness ---

// readinessItem is one entry of the pilot readiness panel.
type readinessItem struct {
	Label string
	// Value is the headline number, Detail the sentence under it.
	Value, Detail string
	// Status is the check's status, or "" when the item has none.
	Status string
	// StatusWord names Status.
	StatusWord string
	// Meter is drawn under the value when set.
	Meter *meterLayout
	// Check is the id of the check the item comes from, for a link.
	Check string
}

// readinessItems build the pilot readiness panel, in order. Each returns
// false when it has nothing to show (its check is absent). Adding an item
// to the panel is adding one function here.
var readinessItems = []func(*reportData) (readinessItem, bool){
	usableExamplesItem,
	smallestClassItem,
	smallestSegmentItem,
	holdoutPowerItem,
	baselineItem,
	rowsItem,
}

// smallestSegmentItem shows the important segment value (≥ 5% of the
// holdout) with the fewest usable holdout examples (volume.segment_minimum).
func smallestSegmentItem(r *reportData) (readinessItem, bool) {
	const id = "volume.segment_minimum"
	c := r.check(id)
	if c == nil || c.Status == audit.Skip || c.Status == audit.Error {
		return readinessItem{}, false
	}
	list, _ := c.metrics["segments"].([]any)
	var best map[string]any
	var bestN int64
	for _, v := range list {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		n, ok := numInt(m["usable"])
		if ok && (best == nil || n < bestN) {
			best, bestN = m, n
		}
	}
	if best == nil {
		return readinessItem{}, false
	}
	col, _ := best["column"].(string)
	val, _ := best["value"].(string)
	half, _ := metricFloat(best, "half_width")
	share, _ := metricFloat(best, "share")
	return readinessItem{
		Label:      "Smallest important segment",
		Check:      id,
		Status:     htmlStatusClass(c.Status),
		StatusWord: htmlStatusWord(c.Status),
		Value:      shorten(col, maxValue) + " = " + shorten(val, maxValue),
		Detail: fmt.Sprintf("%s usable holdout examples (%s of the holdout): an accuracy measured on it is ±%s",
			intText(bestN), percentText(share), percentText(half)),
	}, true
}

// holdoutPowerItem shows the holdout's margin of error and the smallest
// lift it can detect against the promised one (volume.holdout_power).
func holdoutPowerItem(r *reportData) (readinessItem, bool) {
	const id = "volume.holdout_power"
	c := r.check(id)
	if c == nil || c.Status == audit.Skip {
		return readinessItem{}, false
	}
	item := readinessItem{Label: "Holdout power", Check: id, Status: htmlStatusClass(c.Status), StatusWord: htmlStatusWord(c.Status)}
	n, ok := metricInt(c.metrics, "holdout_usable")
	if !ok {
		return readinessItem{}, false
	}
	moe, _ := metricFloat(c.metrics, "margin_of_error")
	mdl, _ := metricFloat(c.metrics, "min_detectable_lift")
	lift, _ := metricFloat(c.metrics, "target_lift")
	required, _ := metricInt(c.metrics, "required_holdout")
	item.Value = "±" + percentText(moe)
	item.Detail = fmt.Sprintf("%s usable holdout examples; the smallest detectable lift is %s against the promised %s",
		intText(n), percentText(mdl), percentText(lift))
	if required > 0 {
		item.Detail += fmt.Sprintf(", which needs %s", intText(required))
	}
	return item, true
}

// baselineItem shows the no-ML bar a model must clear (volume.baseline).
func baselineItem(r *reportData) (readinessItem, bool) {
	const id = "volume.baseline"
	c := r.check(id)
	if c == nil || c.Status == audit.Skip || c.Status == audit.Error {
		return readinessItem{}, false
	}
	best, bestF1, by := -1.0, 0.0, ""
	for _, rule := range []struct{ metric, name string }{{"majority", "majority class"}, {"best_column", "best single column"}, {"keywords", "keyword rule"}} {
		m, ok := c.metrics[rule.metric].(map[string]any)
		if !ok {
			continue
		}
		acc, _ := metricFloat(m, "accuracy")
		f1, _ := metricFloat(m, "macro_f1")
		if acc > best {
			best, bestF1, by = acc, f1, rule.name
			if col, ok := m["column"].(string); ok {
				by += " (" + shorten(col, maxValue) + ")"
			}
		}
	}
	if best < 0 {
		return readinessItem{}, false
	}
	return readinessItem{
		Label:  "Baseline to beat",
		Check:  id,
		Value:  floatText(best) + " accuracy",
		Detail: fmt.Sprintf("%s macro-F1, by the %s, without any ML", floatText(bestF1), by),
	}, true
}

// usableExamplesItem shows usable examples against the pilot minimum and
// the recommended amount (volume.pilot_minimum).
func usableExamplesItem(r *reportData) (readinessItem, bool) {
	const id = "volume.pilot_minimum"
	c := r.check(id)
	if c == nil {
		return readinessItem{}, false
	}
	item := readinessItem{Label: "Usable examples", Check: id, Status: htmlStatusClass(c.Status), StatusWord: htmlStatusWord(c.Status)}
	usable, ok := metricInt(c.metrics, "usable_examples")
	if !ok {
		item.Value = "not measured"
		item.Detail = fmt.Sprintf("The check %s did not report usable_examples (status %s).", id, c.Status)
		return item, true
	}
	minimum, hasMin := c.Thresholds["fail"]
	recommended, hasRec := c.Thresholds["warn"]
	item.Value = intText(usable)
	var parts []string
	if labeled, ok := metricInt(c.metrics, "labeled_rows"); ok {
		part := "of " + intText(labeled) + " labeled rows"
		var not []string
		if d, ok := metricInt(c.metrics, "duplicate_rows"); ok {
			not = append(not, intText(d)+" duplicates")
		}
		if d, ok := metricInt(c.metrics, "conflicting_rows"); ok {
			not = append(not, intText(d)+" in label conflicts")
		}
		if len(not) > 0 {
			part += " (" + strings.Join(not, ", ") + " do not count)"
		}
		parts = append(parts, part)
	}
	var marks []MeterMark
	if hasMin {
		marks = append(marks, MeterMark{Value: minimum, Label: numText(minimum) + " minimum"})
		parts = append(parts, "minimum "+numText(minimum))
	}
	if hasRec {
		marks = append(marks, MeterMark{Value: recommended, Label: numText(recommended) + " recommended"})
		parts = append(parts, "recommended "+numText(recommended))
	}
	item.Detail = strings.Join(parts, "; ")
	// The scale shows both marks and the value, but stops at four times the
	// recommended amount so the marks stay readable; a larger value fills
	// the bar and shows an arrow.
	top := max(minimum, recommended)
	scale := min(max(float64(usable)*1.1, top*1.25), top*4)
	if top <= 0 {
		scale = float64(usable) * 1.1
	}
	m := Meter{
		Title: fmt.Sprintf("%s usable examples; %s", intText(usable), item.Detail),
		Value: float64(usable), Max: scale, Marks: marks, Color: htmlStatusColor(c.Status),
	}.layout()
	item.Meter = &m
	return item, true
}

// htmlStatusColor is the fill of a chart that shows a status.
func htmlStatusColor(s audit.Status) string {
	switch s {
	case audit.Pass:
		return "#1a7f37"
	case audit.Warn:
		return "#bf8700"
	case audit.Fail:
		return "#cf222e"
	case audit.Error:
		return "#8250df"
	}
	return "#8c959f"
}

// smallestClassItem shows the minority class of the reference split and
// how often it occurs (bias.class_balance).
func smallestClassItem(r *reportData) (readinessItem, bool) {
	const id = "bias.class_balance"
	c := r.check(id)
	if c == nil {
		return readinessItem{}, false
	}
	item := readinessItem{Label: "Smallest class", Check: id}
	class, ok := metricString(c.metrics, "minority_class")
	if !ok || class == "" {
		item.Value = "none"
		item.Detail = fmt.Sprintf("No class to measure (%s: %s).", id, htmlStatusWord(c.Status))
		return item, true
	}
	item.Value = shorten(class, maxValue)
	ref, count, found := r.referenceCount(c, class)
	if n, ok := numInt(c.metrics["minority_count"]); ok {
		count, found = n, true
	}
	var parts []string
	if found {
		part := intText(count) + " labeled rows in " + ref
		if share, ok := metricFloat(c.metrics, "minority_share"); ok {
			part += " (" + percentText(share) + ")"
		}
		parts = append(parts, part)
	} else if share, ok := metricFloat(c.metrics, "minority_share"); ok {
		parts = append(parts, percentText(share)+" of labeled rows")
	}
	if major, ok := metricString(c.metrics, "majority_class"); ok && major != "" {
		part := "the largest class, " + shorten(major, maxValue) + ","
		if ratio, ok := metricFloat(c.metrics, "imbalance_ratio"); ok {
			part += fmt.Sprintf(" has %s× as many", floatText(ratio))
		} else {
			part += " has more"
		}
		parts = append(parts, part)
	}
	item.Detail = strings.Join(parts, "; ")
	return item, true
}

// referenceCount returns the rows of class in the reference of
// bias.class_balance: the train split, or every split together when no
// split has role train.
func (r *reportData) referenceCount(c *preparedCheck, class string) (ref string, count int64, found bool) {
	bySplit, _ := c.metrics["by_split"].(map[string]any)
	train := ""
	for _, s := range r.rep.Dataset.Splits {
		if s.Role == audit.RoleTrain {
			train = s.Name
		}
	}
	for name, v := range bySplit {
		if train != "" && name != train {
			continue
		}
		split, _ := v.(map[string]any)
		counts, _ := split["counts"].(map[string]any)
		if n, ok := numInt(counts[class]); ok {
			count += n
			found = true
		}
	}
	ref = train
	if train == "" {
		ref = "all splits"
	}
	return ref, count, found
}

// rowsItem shows rows read, audited and rejected, and the rows per split.
func rowsItem(r *reportData) (readinessItem, bool) {
	d := r.rep.Dataset
	item := readinessItem{Label: "Rows", Value: intText(d.RowsAudited) + " audited"}
	parts := []string{intText(d.RowsRead) + " read", intText(d.RowsRejected) + " rejected as malformed"}
	for _, s := range d.Splits {
		parts = append(parts, shorten(s.Name, maxValue)+" "+intText(s.Rows))
	}
	item.Detail = strings.Join(parts, " · ")
	return item, true
}

// --- Checks ---

// checkView is one check: a row of the checks table and a card.
type checkView struct {
	ID, Family, Title, Summary, Explain string
	// Status is the style (pass, warn, fail, skip, error), StatusWord its
	// word, Rank its sort order in the table.
	Status, StatusWord string
	Rank               int
	status             audit.Status
	Metrics            metricsView
	Thresholds         []htmlCell
	Chart              *chartView
	// Visuals are the family-specific figures; when they show the
	// examples, HideExamples leaves the generic examples table out.
	Visuals      []visualView
	HideExamples bool
	// FoldTables puts the metric tables under a summary: the visuals show
	// them, or they are many.
	FoldTables bool
	Examples   examplesView
}

// chartView is a chart of a card with its caption.
type chartView struct {
	Layout  barLayout
	Caption string
}

// metricsView is the metrics of a check: single values as tiles, lists and
// maps as tables.
type metricsView struct {
	Tiles  []metricTile
	Tables []tableView
	// Notes count tables left out.
	Notes []string
}

// metricTile is one named value.
type metricTile struct {
	Name string
	htmlCell
	// Wide tiles (long lists) span the row.
	Wide bool
}

// tableView is a small table. Columns[0] heads the key column; with no
// Columns the table has no header row.
type tableView struct {
	Caption string
	Columns []htmlColumn
	Rows    [][]htmlCell
	// Omitted counts rows left out by the cap ("" when none), OmittedCols
	// columns.
	Omitted, OmittedCols string
}

// htmlColumn is a table header; Num aligns it right.
type htmlColumn struct {
	Name string
	Num  bool
}

// examplesView is the examples of a check.
type examplesView struct {
	Items []exampleView
	// Shown and Total count examples; More is Total - Shown ("" when none).
	Shown, More, Total string
	// Open is true when the examples are shown unfolded (failing checks).
	Open bool
	// Columns say which row fields any example has.
	HasRows, HasID, HasLabel, HasText bool
}

// exampleView is one example: its title and values, and the rows it
// points at (at least one, possibly empty, so it takes a table row).
type exampleView struct {
	N      int
	Title  htmlCell
	Values []metricTile
	Rows   []rowView
	Span   int
}

// rowView is one row reference.
type rowView struct {
	Split, File, Line, ID, Label, Text htmlCell
}

// checkCharts draw a chart for a check when one helps. Adding a chart to a
// check is adding one entry here.
var checkCharts = map[string]func(*reportData, *preparedCheck) (*chartView, bool){
	"bias.class_balance": classBalanceChart,
}

// checkView builds the row and the card of one check.
func (r *reportData) checkView(c *preparedCheck) checkView {
	v := checkView{
		ID: c.ID, Family: c.Family, Title: c.Title, Summary: c.Summary, Explain: c.Explain,
		Status: htmlStatusClass(c.Status), StatusWord: htmlStatusWord(c.Status), Rank: htmlStatusRank(c.Status),
		status: c.Status,
	}
	if v.Title == "" {
		v.Title = c.ID
	}
	v.Metrics = r.metricsView(c.metrics)
	for _, k := range keysInOrder(c.Thresholds) {
		x := c.Thresholds[k]
		v.Thresholds = append(v.Thresholds, htmlCell{Text: k, Sub: numText(x), Title: strconv.FormatFloat(x, 'g', -1, 64)})
	}
	if draw, ok := checkCharts[c.ID]; ok {
		if ch, ok := draw(r, c); ok {
			v.Chart = ch
		}
	}
	if draw, ok := checkVisuals[c.ID]; ok && usable(c) {
		cv := draw(r, c)
		v.Visuals, v.HideExamples = cv.Items, cv.ReplacesExamples && len(cv.Items) > 0
	}
	v.Examples = r.examplesView(c)
	v.FoldTables = len(v.Visuals) > 0 || len(v.Metrics.Tables) > maxOpenTables
	return v
}

// maxOpenTables is how many metric tables a card without visuals shows
// unfolded; more fold under one summary (print shows them all).
const maxOpenTables = 4

// familyViews groups the checks by family, in the order they come.
func familyViews(checks []checkView) []familyView {
	var out []familyView
	index := map[string]int{}
	for _, c := range checks {
		i, ok := index[c.Family]
		if !ok {
			i = len(out)
			index[c.Family] = i
			out = append(out, familyView{Name: c.Family, Title: familyTitle(c.Family), Question: familyQuestions[c.Family]})
		}
		out[i].Checks = append(out[i].Checks, c)
	}
	for i := range out {
		out[i].Tally = tallyOf(out[i].Checks)
	}
	return out
}

// familyView is one family section.
type familyView struct {
	Name, Title, Question string
	Tally                 []tallyItem
	// Overview holds figures drawn from several checks of the family.
	Overview []visualView
	Checks   []checkView
}

// familyQuestions say what each family answers, under its heading.
var familyQuestions = map[string]string{
	"labels":  "Are labels present, spelled one way and from the allowed set? Do identical inputs carry different labels? Do annotators agree?",
	"bias":    "How imbalanced are the classes, per split? Is every segment covered in train and holdout? Does the data resemble production?",
	"leakage": "Do holdout rows repeat train rows? Do the same entities sit in both splits? Does a column give the label away?",
	"volume":  "Are there enough usable labeled examples for a pilot, per class and per segment? Is the holdout big enough?",
}

// familyTitle capitalizes a family name for its heading.
func familyTitle(name string) string {
	if name == "" {
		return "Other checks"
	}
	r, n := utf8.DecodeRuneInString(name)
	return strings.ToUpper(string(r)) + name[n:]
}

// metricsView lays out metrics: scalars and lists of scalars as tiles, in
// name order; maps as tables after them.
func (r *reportData) metricsView(metrics map[string]any) metricsView {
	var mv metricsView
	for _, name := range keysInOrder(metrics) {
		switch v := metrics[name].(type) {
		case map[string]any:
			if len(v) == 0 {
				mv.Tiles = append(mv.Tiles, metricTile{Name: name, htmlCell: htmlCell{Text: "none", Class: "empty"}})
				continue
			}
			tables, note := r.mapTables(name, v)
			mv.Tables = append(mv.Tables, tables...)
			if note != "" {
				mv.Notes = append(mv.Notes, note)
			}
		case []any:
			if t, ok := listTable(name, v); ok {
				mv.Tables = append(mv.Tables, t)
				continue
			}
			c := listCell(v)
			mv.Tiles = append(mv.Tiles, metricTile{Name: name, htmlCell: c, Wide: utf8.RuneCountInString(c.Text) > 40})
		default:
			mv.Tiles = append(mv.Tiles, metricTile{Name: name, htmlCell: valueCell(name, v, maxValue)})
		}
	}
	return mv
}

// maxTableColumns is how many fields a by-key table shows as columns before
// it is turned on its side.
const maxTableColumns = 6

// Limits of the tables drawn from one nested metric.
const (
	maxMetricTables = 24 // tables per metric; the rest are counted
	maxNesting      = 5  // levels of maps followed before showing JSON
	maxSpreadCols   = 10 // columns of a table whose small inner maps are spread out
)

// tableSet collects the tables of one metric, at most maxMetricTables.
type tableSet struct {
	r       *reportData
	tables  []tableView
	dropped int
}

// add finishes t and keeps it when the budget allows; it counts it
// otherwise.
func (s *tableSet) add(t tableView) { s.addFinished(finishTable(t)) }

// addFinished keeps a finished table when the budget allows.
func (s *tableSet) addFinished(t tableView) {
	if len(s.tables) >= maxMetricTables {
		s.dropped++
		return
	}
	s.tables = append(s.tables, t)
}

// mapTables renders a map metric as tables, and says how many tables were
// left out ("" when none). See tableSet.mapTables for the shapes.
func (r *reportData) mapTables(name string, m map[string]any) ([]tableView, string) {
	s := &tableSet{r: r}
	s.mapTables(name, name, m, 0)
	note := ""
	if s.dropped > 0 {
		note = fmt.Sprintf("%s: %s more tables not shown (see report.json).", name, intText(int64(s.dropped)))
	}
	return s.tables, note
}

// isLeaf reports whether a value fits one cell: a scalar or a list of
// scalars.
func isLeaf(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return false
	case []any:
		for _, x := range v {
			switch x.(type) {
			case map[string]any, []any:
				return false
			}
		}
	}
	return true
}

// isFlatMap reports whether v is a map of leaves.
func isFlatMap(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for _, x := range m {
		if !isLeaf(x) {
			return false
		}
	}
	return true
}

// captionPath joins the names of nested maps: by_column › region › values.
func captionPath(parts ...string) string {
	for i, p := range parts {
		parts[i] = shorten(p, maxValue)
	}
	return strings.Join(parts, " › ")
}

// mapTables renders map m, named name, under caption, depth maps deep:
//
//   - a map of leaves is a two-column table;
//   - a map of maps (by_split, by_column) is one table with a row per key
//     and a column per leaf field; each field that is a map of leaves
//     (counts) is either spread into columns of that table (rows · train)
//     when it has few keys and the table many rows, or pivoted into a table
//     of its own with a column per outer key; when a field goes deeper
//     still, every outer key gets tables of its own for its nested fields;
//   - a map mixing leaves and maps is a table of its leaves followed by the
//     tables of each nested value.
//
// Compact JSON remains only for what is deeper than maxNesting, or lists
// of lists.
func (s *tableSet) mapTables(caption, name string, m map[string]any, depth int) {
	r := s.r
	keys := r.orderKeys(keysOf(m))
	allMaps := len(m) > 0
	for _, k := range keys {
		if _, ok := m[k].(map[string]any); !ok {
			allMaps = false
		}
	}
	if !allMaps || depth >= maxNesting {
		t := tableView{Caption: caption}
		var nested []string
		for _, k := range keys {
			if depth < maxNesting && !isLeaf(m[k]) {
				nested = append(nested, k)
				continue
			}
			t.Rows = append(t.Rows, []htmlCell{keyCell(k), valueCell(k, m[k], maxValue)})
		}
		if len(t.Rows) > 0 || len(nested) == 0 {
			s.add(t)
		}
		for _, k := range nested {
			s.nested(captionPath(caption, k), k, m[k], depth+1)
		}
		return
	}

	// Fields of the inner maps: leaves become columns of the main table;
	// nested fields are spread, pivoted or given tables per key.
	leafFields, nestedFields := map[string]bool{}, map[string]bool{}
	for _, k := range keys {
		for f, fv := range m[k].(map[string]any) {
			if isLeaf(fv) {
				leafFields[f] = true
			} else {
				nestedFields[f] = true
			}
		}
	}
	simple := true // every nested field is a map of leaves, in every key
	for f := range nestedFields {
		delete(leafFields, f)
		for _, k := range keys {
			if fv, ok := m[k].(map[string]any)[f]; ok && !isFlatMap(fv) {
				simple = false
			}
		}
	}
	innerKeys := map[string][]string{}
	widest, spreadCols := 0, 0
	if simple {
		for f := range nestedFields {
			set := map[string]bool{}
			for _, k := range keys {
				for ik := range mapOf(m[k].(map[string]any)[f]) {
					set[ik] = true
				}
			}
			innerKeys[f] = r.orderKeys(keysInOrder(set))
			widest = max(widest, len(set))
			spreadCols += len(set)
		}
	}
	// Spread when the inner maps are narrow and the outer keys many, or
	// when the inner keys are splits (rows per split) and the outer ones
	// are not: splits then read across, as everywhere else.
	allSplits := func(list []string) bool {
		for _, k := range list {
			if _, ok := r.splitOrder[k]; !ok {
				return false
			}
		}
		return len(list) > 0
	}
	innerSplits := len(nestedFields) > 0
	for _, ks := range innerKeys {
		innerSplits = innerSplits && allSplits(ks)
	}
	spread := simple && len(nestedFields) > 0 && len(leafFields)+spreadCols <= maxSpreadCols &&
		(len(keys) > widest || innerSplits && !allSplits(keys))

	// The main table: a column per leaf field (and spread inner key).
	type column struct{ field, inner string }
	var cols []column
	for _, f := range keysInOrder(leafFields) {
		cols = append(cols, column{field: f})
	}
	if spread {
		for _, f := range keysInOrder(nestedFields) {
			for _, ik := range innerKeys[f] {
				cols = append(cols, column{field: f, inner: ik})
			}
		}
	}
	cellOf := func(k string, c column) htmlCell {
		fv, ok := m[k].(map[string]any)[c.field]
		if ok && c.inner != "" {
			fv, ok = mapOf(fv)[c.inner]
		}
		if !ok {
			return missingCell()
		}
		return valueCell(c.field, fv, maxValue)
	}
	header := func(c column) string {
		if c.inner == "" {
			return c.field
		}
		return c.field + " · " + c.inner
	}
	keyHeader := strings.TrimPrefix(name, "by_")
	if len(cols) > maxTableColumns && len(cols) > len(keys) {
		// Many fields and few keys (classes per split): a row per field
		// and a column per key, so the table grows down, not off the page.
		t := tableView{Caption: caption, Columns: []htmlColumn{{Name: ""}}}
		for _, k := range keys {
			t.Columns = append(t.Columns, htmlColumn{Name: k})
		}
		for _, c := range cols {
			row := []htmlCell{keyCell(header(c))}
			if c.inner == "" && depth == 0 {
				// Field names of top-level metrics sort like split names.
				row[0] = keyCell(c.field)
			}
			for _, k := range keys {
				row = append(row, cellOf(k, c))
			}
			t.Rows = append(t.Rows, row)
		}
		if len(cols) > 0 {
			s.add(t)
		}
	} else if len(cols) > 0 {
		t := tableView{Caption: caption, Columns: []htmlColumn{{Name: keyHeader}}}
		for _, c := range cols {
			t.Columns = append(t.Columns, htmlColumn{Name: header(c)})
		}
		for _, k := range keys {
			row := []htmlCell{keyCell(k)}
			for _, c := range cols {
				row = append(row, cellOf(k, c))
			}
			t.Rows = append(t.Rows, row)
		}
		s.add(t)
	}
	if spread {
		return
	}
	if simple {
		// Pivot each map field: a row per inner key, a column per outer key.
		for _, f := range keysInOrder(nestedFields) {
			pc := f + " " + strings.ReplaceAll(name, "_", " ")
			if depth > 0 {
				pc = captionPath(caption, f)
			}
			t := tableView{Caption: pc, Columns: []htmlColumn{{Name: ""}}}
			for _, k := range keys {
				t.Columns = append(t.Columns, htmlColumn{Name: k})
			}
			for _, ik := range innerKeys[f] {
				row := []htmlCell{keyCell(ik)}
				for _, k := range keys {
					sub := mapOf(m[k].(map[string]any)[f])
					c := missingCell()
					if v, ok := sub[ik]; ok {
						c = valueCell(f, v, maxValue)
					}
					row = append(row, c)
				}
				t.Rows = append(t.Rows, row)
			}
			s.add(t)
		}
		return
	}
	// Deeper: each outer key gets the tables of its nested fields.
	for _, k := range keys {
		inner := m[k].(map[string]any)
		for _, f := range keysInOrder(nestedFields) {
			if fv, ok := inner[f]; ok && !isEmpty(fv) {
				s.nested(captionPath(caption, k, f), f, fv, depth+2)
			}
		}
	}
}

// isEmpty reports whether v is an empty map or list.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

// nested renders a value that does not fit a cell: a map as tables, a list
// of objects as a table, anything else as one row of JSON.
func (s *tableSet) nested(caption, name string, v any, depth int) {
	switch v := v.(type) {
	case map[string]any:
		s.mapTables(caption, name, v, depth)
		return
	case []any:
		if t, ok := listTable(caption, v); ok {
			s.addFinished(t)
			return
		}
	}
	s.add(tableView{Caption: caption, Rows: [][]htmlCell{{keyCell(name), valueCell(name, v, maxValue)}}})
}

// listTable renders a list of objects as a table with a column per key;
// it returns false for a list that holds anything else.
func listTable(name string, list []any) (tableView, bool) {
	if len(list) == 0 {
		return tableView{}, false
	}
	fields := map[string]bool{}
	for _, v := range list {
		m, ok := v.(map[string]any)
		if !ok {
			return tableView{}, false
		}
		for k := range m {
			fields[k] = true
		}
	}
	t := tableView{Caption: name}
	keys := keysInOrder(fields)
	for _, k := range keys {
		t.Columns = append(t.Columns, htmlColumn{Name: k})
	}
	for _, v := range list {
		var row []htmlCell
		for _, k := range keys {
			fv, ok := v.(map[string]any)[k]
			c := missingCell()
			if ok {
				c = valueCell(k, fv, maxValue)
			}
			row = append(row, c)
		}
		t.Rows = append(t.Rows, row)
	}
	return finishTable(t), true
}

// finishTable right-aligns the columns that hold numbers (missing values
// aside), keeps the first maxTableRows rows and counts the others.
func finishTable(t tableView) tableView {
	width := len(t.Columns)
	for _, row := range t.Rows {
		width = max(width, len(row))
	}
	for i := 1; i < width; i++ { // column 0 holds the keys
		nums, others := 0, 0
		for _, row := range t.Rows {
			if i >= len(row) {
				continue
			}
			switch row[i].Class {
			case "num":
				nums++
			case "empty":
			default:
				others++
			}
		}
		if nums == 0 || others > 0 {
			continue
		}
		if i < len(t.Columns) {
			t.Columns[i].Num = true
		}
		for _, row := range t.Rows {
			if i < len(row) && row[i].Class == "empty" {
				row[i].Class = "empty num"
			}
		}
	}
	if len(t.Rows) > maxTableRows {
		t.Omitted = intText(int64(len(t.Rows) - maxTableRows))
		t.Rows = t.Rows[:maxTableRows]
	}
	if width > maxTableCols+1 {
		t.OmittedCols = intText(int64(width - maxTableCols - 1))
		if len(t.Columns) > maxTableCols+1 {
			t.Columns = t.Columns[:maxTableCols+1]
		}
		for i, row := range t.Rows {
			if len(row) > maxTableCols+1 {
				t.Rows[i] = row[:maxTableCols+1]
			}
		}
	}
	return t
}

// keyCell shows a map key, which often comes from the data (a class, a
// split, a null token).
func keyCell(k string) htmlCell {
	if k == "" {
		return htmlCell{Text: "(empty)", Class: "empty"}
	}
	return textCell(k, maxValue)
}

// missingCell marks a value a row does not have.
func missingCell() htmlCell { return htmlCell{Text: "—", Title: "not present", Class: "empty"} }

// listCell shows a list of values separated by commas, "none" when empty.
func listCell(list []any) htmlCell {
	if len(list) == 0 {
		return htmlCell{Text: "none", Class: "empty"}
	}
	items := make([]string, 0, min(len(list), maxListItems))
	full := make([]string, 0, len(list))
	for i, v := range list {
		c := valueCell("", v, maxValue)
		full = append(full, plainText(v))
		if i < maxListItems {
			items = append(items, c.Text)
		}
	}
	// Items that are maps ("rows: 3, value: eu") are told apart by
	// semicolons.
	sep := ", "
	for _, v := range list {
		if _, ok := v.(map[string]any); ok {
			sep = "; "
		}
	}
	text := strings.Join(items, sep)
	if n := len(list) - maxListItems; n > 0 {
		text += fmt.Sprintf("%sand %s more", sep, intText(int64(n)))
	}
	c := htmlCell{Text: text}
	if joined := strings.Join(full, sep); joined != text {
		c.Title = shorten(joined, 2000)
	}
	return c
}

// plainText is a value as plain text, untruncated.
func plainText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return "null"
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	data, _ := json.Marshal(v)
	return string(data)
}

// valueCell formats one metric value. Numbers get thousands separators
// and sensible rounding; a rate (the name ends in _rate, _share or
// _fraction) also shows as a percentage; strings are truncated to limit
// runes; nested values show as compact JSON.
func valueCell(name string, v any, limit int) htmlCell {
	switch v := v.(type) {
	case json.Number:
		c := htmlCell{Class: "num"}
		if n, err := v.Int64(); err == nil {
			c.Text = intText(n)
			if isRate(name) {
				c.Text, c.Sub = percentText(float64(n)), v.String()
			}
			return c
		}
		f, err := v.Float64()
		if err != nil {
			return htmlCell{Text: v.String(), Class: "num"}
		}
		c.Text = floatText(f)
		if isRate(name) {
			c.Text, c.Sub = percentText(f), floatText(f)
		}
		if floatText(f) != v.String() {
			c.Title = v.String() // the exact value behind the rounding
		}
		return c
	case string:
		if v == "" {
			return htmlCell{Text: "(empty)", Class: "empty"}
		}
		return textCell(v, limit)
	case bool:
		if v {
			return htmlCell{Text: "yes"}
		}
		return htmlCell{Text: "no"}
	case nil:
		return htmlCell{Text: "null", Class: "empty"}
	case []any:
		return listCell(v)
	case map[string]any:
		if isFlatMap(v) {
			return pairsCell(v, limit)
		}
	}
	c := textCell(plainText(v), limit)
	c.Class = "json" // compact JSON has no spaces to wrap at
	return c
}

// pairsCell shows a map of scalars (an example's ratings, a group's
// classes) as "key: value" pairs in key order, "none" when empty.
func pairsCell(m map[string]any, limit int) htmlCell {
	if len(m) == 0 {
		return htmlCell{Text: "none", Class: "empty"}
	}
	var parts []string
	for _, k := range keysInOrder(m) {
		key := k
		if key == "" {
			key = "(empty)"
		}
		parts = append(parts, key+": "+valueCell(k, m[k], maxValue).Text)
	}
	return textCell(strings.Join(parts, ", "), max(limit, maxText))
}

// textCell truncates s to limit runes, keeping the whole in the title.
func textCell(s string, limit int) htmlCell {
	t := shorten(s, limit)
	if t != s {
		return htmlCell{Text: t, Title: shorten(s, 2000)}
	}
	return htmlCell{Text: s}
}

// isRate reports whether a metric name denotes a ratio in [0, 1].
func isRate(name string) bool {
	for _, suffix := range []string{"rate", "share", "fraction", "shares"} {
		if name == suffix || strings.HasSuffix(name, "_"+suffix) {
			return true
		}
	}
	return false
}

// classBalanceChart draws labeled rows per class, one bar per split, the
// classes sorted by rows in train (then in all splits).
func classBalanceChart(r *reportData, c *preparedCheck) (*chartView, bool) {
	bySplit, ok := c.metrics["by_split"].(map[string]any)
	if !ok || len(bySplit) == 0 {
		return nil, false
	}
	splits := r.orderKeys(keysOf(bySplit))
	counts := map[string][]float64{}
	for i, s := range splits {
		sm, _ := bySplit[s].(map[string]any)
		cm, _ := sm["counts"].(map[string]any)
		for class, v := range cm {
			n, _ := numFloat(v)
			if counts[class] == nil {
				counts[class] = make([]float64, len(splits))
			}
			counts[class][i] = n
		}
	}
	if len(counts) == 0 {
		return nil, false
	}
	ref := 0 // the train split comes first when there is one
	classes := keysOf(counts)
	total := func(v []float64) (t float64) {
		for _, x := range v {
			t += x
		}
		return t
	}
	slices.SortFunc(classes, func(a, b string) int {
		va, vb := counts[a], counts[b]
		if va[ref] != vb[ref] {
			return descending(va[ref], vb[ref])
		}
		if ta, tb := total(va), total(vb); ta != tb {
			return descending(ta, tb)
		}
		return strings.Compare(a, b)
	})
	chart := BarChart{Title: "Labeled rows per class and split", Series: splits}
	caption := "Labeled rows per class, one bar per split; classes ordered by rows in " + splits[ref] + "."
	if n := len(classes) - maxChartBars; n > 0 {
		classes = classes[:maxChartBars]
		caption += fmt.Sprintf(" %s smaller classes not shown (see the table below).", intText(int64(n)))
	}
	for _, class := range classes {
		chart.Categories = append(chart.Categories, BarCategory{Label: class, Values: counts[class]})
	}
	return &chartView{Layout: chart.layout(), Caption: caption}, true
}

// descending orders larger values first.
func descending(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// examplesView lays out the examples of a check, and which row fields
// they have.
func (r *reportData) examplesView(c *preparedCheck) examplesView {
	shown := int64(len(c.Examples))
	total := max(c.ExamplesTotal, shown)
	ev := examplesView{Shown: intText(shown), Total: intText(total)}
	if total > shown {
		ev.More = intText(total - shown)
	}
	ev.Open = c.Status == audit.Fail || c.Status == audit.Error
	for i, ex := range c.Examples {
		x := exampleView{N: i + 1, Title: textCell(ex.Title, maxValue)}
		if x.Title.Text == "" {
			x.Title = htmlCell{Text: "example", Class: "empty"}
		}
		var values map[string]any
		if i < len(c.values) {
			values = c.values[i]
		}
		for _, k := range keysInOrder(values) {
			x.Values = append(x.Values, metricTile{Name: k, htmlCell: valueCell(k, values[k], maxValue)})
		}
		for _, row := range ex.Rows {
			ev.HasRows = true
			ev.HasID = ev.HasID || row.ID != ""
			ev.HasLabel = ev.HasLabel || row.Label != ""
			ev.HasText = ev.HasText || row.Text != ""
			x.Rows = append(x.Rows, rowView{
				Split: textCell(row.Split, maxValue),
				File:  pathCell(row.File),
				Line:  htmlCell{Text: strconv.FormatInt(row.Line, 10), Class: "num"},
				ID:    textCell(row.ID, maxValue),
				Label: textCell(row.Label, maxValue),
				Text:  textCell(oneLine(row.Text), maxText),
			})
		}
		if len(x.Rows) == 0 {
			x.Rows = []rowView{{}}
		}
		x.Span = len(x.Rows)
		ev.Items = append(ev.Items, x)
	}
	return ev
}

// oneLine collapses white space (newlines, tabs) so a text fits a cell.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// pathCell shows a file path cut on the left, so the file name stays.
func pathCell(p string) htmlCell {
	if utf8.RuneCountInString(p) <= maxPath {
		return htmlCell{Text: p}
	}
	r := []rune(p)
	return htmlCell{Text: "…" + string(r[len(r)-maxPath+1:]), Title: p}
}

// --- Dataset ---

// datasetView is the dataset section.
type datasetView struct {
	Inputs          [][]htmlCell
	InputsOmitted   string
	RowsRead        string
	RowsAudited     string
	RowsRejected    string
	RowKey          string
	Splits          [][]htmlCell
	Problems        []problemView
	ProblemsOmitted string
	Columns         [][]htmlCell
	ColumnsOmitted  string
	Roles           []metricTile
}

// problemView is one input problem.
type problemView struct {
	Kind, File, Column, Count, Message, Lines htmlCell
}

// datasetView builds the dataset section.
func (r *reportData) datasetView() datasetView {
	d := r.rep.Dataset
	v := datasetView{
		RowsRead:     intText(d.RowsRead),
		RowsAudited:  intText(d.RowsAudited),
		RowsRejected: intText(d.RowsRejected),
		RowKey:       d.RowKey,
	}
	for i, in := range r.rep.Inputs {
		if i == maxInputRows {
			v.InputsOmitted = intText(int64(len(r.rep.Inputs) - i))
			break
		}
		split := textCell(in.Split, maxValue)
		if in.Split == "" {
			split = htmlCell{Text: "from column", Class: "empty"}
			if d.Roles.Split == "" {
				split.Text = "—"
			}
		}
		sha := htmlCell{Text: in.SHA256, Title: in.SHA256, Class: "mono"}
		if len(in.SHA256) > 12 {
			sha.Text = in.SHA256[:12] + "…"
		}
		v.Inputs = append(v.Inputs, []htmlCell{
			pathCell(in.Path), textCell(in.Format, maxValue), split,
			{Text: intText(in.Rows), Class: "num"},
			{Text: intText(in.RowsRejected), Class: "num"},
			{Text: sizeText(in.Bytes), Title: intText(in.Bytes) + " bytes", Class: "num"},
			sha,
		})
	}
	for _, s := range d.Splits {
		share := ""
		if d.RowsAudited > 0 {
			share = percentText(float64(s.Rows) / float64(d.RowsAudited))
		}
		v.Splits = append(v.Splits, []htmlCell{
			textCell(s.Name, maxValue), {Text: s.Role},
			{Text: intText(s.Rows), Class: "num"}, {Text: share, Class: "num"},
		})
	}
	for i, p := range r.rep.Problems {
		if i == maxProblems {
			v.ProblemsOmitted = intText(int64(len(r.rep.Problems) - i))
			break
		}
		lines := make([]string, len(p.Lines))
		for j, l := range p.Lines {
			lines[j] = strconv.FormatInt(l, 10)
		}
		linesText := strings.Join(lines, ", ")
		if int64(len(p.Lines)) < p.Count && len(p.Lines) > 0 {
			linesText += ", …"
		}
		pv := problemView{
			Kind: htmlCell{Text: p.Kind}, File: pathCell(p.File), Column: textCell(p.Column, maxValue),
			Count: htmlCell{Text: intText(p.Count), Class: "num"}, Message: textCell(p.Message, maxText),
			Lines: htmlCell{Text: linesText},
		}
		if p.File == "" {
			pv.File = htmlCell{Text: "—", Class: "empty"}
		}
		if p.Column == "" {
			pv.Column = htmlCell{Text: "—", Class: "empty"}
		}
		if linesText == "" {
			pv.Lines = htmlCell{Text: "—", Class: "empty"}
		}
		v.Problems = append(v.Problems, pv)
	}
	for i, c := range d.Columns {
		if i == maxColumnRows {
			v.ColumnsOmitted = intText(int64(len(d.Columns) - i))
			break
		}
		v.Columns = append(v.Columns, []htmlCell{
			textCell(c.Name, maxValue), {Text: c.Type}, {Text: c.Role, Class: "role-" + roleClass(c.Role)},
			{Text: intText(c.Nulls), Class: "num"}, {Text: intText(c.TypeMismatches), Class: "num"},
		})
	}
	roles := d.Roles
	role := func(name string, cols ...string) {
		var list []any
		for _, c := range cols {
			if c != "" {
				list = append(list, c)
			}
		}
		c := listCell(list)
		if len(list) == 0 {
			c = htmlCell{Text: "—", Class: "empty"}
		}
		v.Roles = append(v.Roles, metricTile{Name: name, htmlCell: c})
	}
	role("label", roles.Label)
	role("split", roles.Split)
	role("text", roles.Text)
	role("time", roles.Time)
	role("ids", roles.IDs...)
	role("segments", roles.Segments...)
	role("annotators", roles.Annotators...)
	role("features", roles.Features...)
	role("excluded", roles.Excluded...)
	return v
}

// roleClass maps a column role to a style; unknown roles get none.
func roleClass(role string) string {
	switch role {
	case "label", "text", "split", "id", "time", "segment", "annotator", "excluded", "feature":
		return role
	}
	return "other"
}

// --- Footer ---

// footerView is the run and the configuration.
type footerView struct {
	Tool, Started, Duration, Workers, Bytes string
	Config                                  string
}

// footerOf builds the footer; the config is shown as YAML, as in audit.yaml,
// with the keys report.json has.
func footerOf(rep *audit.Report) (footerView, error) {
	f := footerView{
		Tool:     toolName(rep.Tool),
		Started:  "—",
		Duration: durationText(rep.Run.DurationMS),
		Workers:  strconv.Itoa(rep.Run.Workers),
		Bytes:    sizeText(rep.Run.Bytes),
	}
	if f.Tool == "" {
		f.Tool = "dataready"
	}
	if !rep.Run.StartedAt.IsZero() {
		f.Started = timeText(rep.Run.StartedAt)
	}
	if rep.Config == nil {
		f.Config = "(not recorded)"
		return f, nil
	}
	data, err := json.Marshal(rep.Config)
	if err != nil {
		return f, fmt.Errorf("config: %w", err)
	}
	y, err := yaml.JSONToYAML(data)
	if err != nil {
		// JSON is a fine fallback: the page still shows what ran.
		var buf bytes.Buffer
		_ = json.Indent(&buf, data, "", "  ")
		f.Config = buf.String()
		return f, nil
	}
	f.Config = strings.TrimRight(string(y), "\n")
	return f, nil
}

// toolName is "name version".
func toolName(t audit.Tool) string {
	return strings.TrimSpace(t.Name + " " + t.Version)
}

// datasetName names the dataset for the page heading: the folder the
// inputs share (support-tickets), or the input file names.
func datasetName(inputs []audit.InputInfo) string {
	if len(inputs) == 0 {
		return "no inputs"
	}
	dir := path.Dir(slashPath(inputs[0].Path))
	for _, in := range inputs[1:] {
		for dir != "." && dir != "/" && !strings.HasPrefix(path.Dir(slashPath(in.Path))+"/", dir+"/") {
			dir = path.Dir(dir)
		}
	}
	if base := path.Base(dir); dir != "." && dir != "/" && base != "" {
		return shorten(base, maxValue)
	}
	return inputNames(inputs)
}

// inputNames lists the input files by name, the first three and a count.
func inputNames(inputs []audit.InputInfo) string {
	var names []string
	for i, in := range inputs {
		if i == 3 {
			names = append(names, fmt.Sprintf("%d more", len(inputs)-3))
			break
		}
		names = append(names, shorten(path.Base(slashPath(in.Path)), maxValue))
	}
	return strings.Join(names, ", ")
}

// slashPath turns Windows separators into slashes, for package path.
func slashPath(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// --- Formatting ---

// intText writes n with thousands separators: 3,675.
func intText(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// numText writes whole numbers as integers, others as floatText.
func numText(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return intText(int64(x))
	}
	return floatText(x)
}

// floatText rounds sensibly: three significant digits below 100, one
// decimal below 1,000, whole numbers above; never an exponent in the
// usual ranges.
func floatText(x float64) string {
	a := math.Abs(x)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return strconv.FormatFloat(x, 'g', -1, 64)
	case x == math.Trunc(x) && a < 1e15:
		return intText(int64(x))
	case a >= 1000 && a < 1e15:
		return intText(int64(math.Round(x)))
	case a >= 100:
		return trimFraction(strconv.FormatFloat(x, 'f', 1, 64))
	case a >= 1e-6:
		s := strconv.FormatFloat(x, 'g', 3, 64)
		if strings.ContainsRune(s, 'e') {
			f, _ := strconv.ParseFloat(s, 64)
			s = strconv.FormatFloat(f, 'f', -1, 64)
		}
		return s
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// percentText writes a ratio as a percentage: 22.2%, 1.2%, 0.3%, <0.01%.
func percentText(r float64) string {
	p := r * 100
	a := math.Abs(p)
	switch {
	case p == 0:
		return "0%"
	case a >= 1:
		return trimFraction(strconv.FormatFloat(p, 'f', 1, 64)) + "%"
	case a >= 0.01:
		return trimFraction(strconv.FormatFloat(p, 'f', 2, 64)) + "%"
	case p > 0:
		return "<0.01%"
	}
	return ">-0.01%"
}

// trimFraction drops trailing zeros after a decimal point: 1.50 → 1.5, 2.0 → 2.
func trimFraction(s string) string {
	if !strings.ContainsRune(s, '.') {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// sizeText writes a size in binary units: 637.7 KiB.
func sizeText(n int64) string {
	if n < 1024 {
		return intText(n) + " B"
	}
	x := float64(n)
	for _, unit := range []string{"KiB", "MiB", "GiB", "TiB"} {
		x /= 1024
		if x < 1024 || unit == "TiB" {
			return trimFraction(strconv.FormatFloat(x, 'f', 1, 64)) + " " + unit
		}
	}
	return intText(n) + " B"
}

// durationText writes milliseconds as 18 ms, 1.5 s, 2 min 5 s or 1 h 2 min.
func durationText(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d < time.Second:
		return strconv.FormatInt(ms, 10) + " ms"
	case d < 10*time.Second:
		return trimFraction(strconv.FormatFloat(d.Seconds(), 'f', 1, 64)) + " s"
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + " s"
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
}

// timeText writes a time in UTC to the second.
func timeText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// shorten cuts s to at most limit runes, ending with an ellipsis when cut.
func shorten(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:limit-1]), " ") + "…"
}

// --- Metric access ---

// metricInt returns an integer metric.
func metricInt(m map[string]any, name string) (int64, bool) { return numInt(m[name]) }

// metricFloat returns a numeric metric.
func metricFloat(m map[string]any, name string) (float64, bool) { return numFloat(m[name]) }

// metricString returns a string metric.
func metricString(m map[string]any, name string) (string, bool) {
	s, ok := m[name].(string)
	return s, ok
}

// numInt reads a normalized whole number.
func numInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) {
		return 0, false
	}
	return int64(f), true
}

// numFloat reads a normalized number.
func numFloat(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// keysInOrder returns the keys of m in order.
func keysInOrder[V any](m map[string]V) []string {
	keys := keysOf(m)
	slices.Sort(keys)
	return keys
}

// keysOf returns the keys of m, unordered.
func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
