package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/registry"
)

// htmlFixtureReport audits fixtures/support-tickets with every registered
// check.
func htmlFixtureReport(t *testing.T) *audit.Report {
	t.Helper()
	cfg, err := audit.LoadConfig("../fixtures/support-tickets/audit.yaml")
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: registry.Checks(), Version: "0.1.0-test"})
	if err != nil {
		t.Fatalf("audit.Run: %v", err)
	}
	return rep
}

// renderHTML renders rep and fails the test on error.
func renderHTML(t *testing.T, rep *audit.Report) string {
	t.Helper()
	out, err := HTML(rep)
	if err != nil {
		t.Fatalf("HTML: %v", err)
	}
	return string(out)
}

// cardOf returns the markup of one check's card.
func cardOf(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `<article id="check-`+id+`"`)
	if start < 0 {
		t.Fatalf("no card for check %s", id)
	}
	end := strings.Index(page[start:], "</article>")
	if end < 0 {
		t.Fatalf("card for check %s is not closed", id)
	}
	return page[start : start+end]
}

func TestHTMLFixture(t *testing.T) {
	rep := htmlFixtureReport(t)
	page := renderHTML(t, rep)

	if rep.Verdict != audit.NotReady {
		t.Fatalf("fixture verdict is %s, want not_ready (the fixture is built to fail)", rep.Verdict)
	}
	reason, ok := cutVerdictPrefix(rep.Reason, rep.Verdict)
	if !ok {
		t.Fatalf("reason %q does not start with the verdict", rep.Reason)
	}
	for _, want := range []string{
		`<h2 id="verdict-word">Not ready</h2>`,
		`<p class="verdict-reason">` + html.EscapeString(reason) + `</p>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	for _, c := range rep.Checks {
		if n := strings.Count(page, `id="check-`+c.ID+`"`); n != 1 {
			t.Errorf("check %s has %d cards, want 1", c.ID, n)
		}
		if !strings.Contains(page, `href="#check-`+c.ID+`"`) {
			t.Errorf("checks table does not link to the card of %s", c.ID)
		}
	}

	balance := cardOf(t, page, "bias.class_balance")
	if !strings.Contains(balance, `<svg class="bar-chart"`) {
		t.Errorf("the class balance card has no bar chart <svg>")
	}
	for _, class := range []string{"shipping_delay", "gift_card", "warranty"} {
		if !strings.Contains(balance, ">"+class+"</text>") {
			t.Errorf("the class chart has no label %q", class)
		}
	}

	// The readiness panel: usable examples against 200 and 1000, the
	// smallest class with its count, the rows.
	for _, want := range []string{"3,675", "200 minimum", "1,000 recommended", "warranty", "9 labeled rows in train", "3,800 audited"} {
		if !strings.Contains(page, want) {
			t.Errorf("readiness panel lacks %q", want)
		}
	}
	// Examples beyond the cap are counted.
	if missing := cardOf(t, page, "labels.missing"); !strings.Contains(missing, "26 more not shown") {
		t.Errorf("labels.missing card does not say that 26 examples are not shown")
	}
	// Dataset: inputs with sizes and short hashes, problems with lines.
	for _, want := range []string{"637.7 KiB", `title="205460c4394e54d0308a0fb49f687bafa9d35f73d673311c5b210c7bec74e1f8"`, "205460c4394e…", "685, 1387", "bad_quote"} {
		if !strings.Contains(page, want) {
			t.Errorf("dataset section lacks %q", want)
		}
	}
	if size := len(page); size >= 2<<20 {
		t.Errorf("page is %d bytes, want under 2 MB", size)
	}
	t.Logf("fixture report: %d bytes", len(page))
}

// TestHTMLSelfContained asserts that the page references nothing outside
// itself: no URL, no external stylesheet, script, font or image.
func TestHTMLSelfContained(t *testing.T) {
	page := renderHTML(t, htmlFixtureReport(t))
	for _, tc := range []struct {
		name    string
		pattern string
	}{
		{"http URL", `(?i)http://`},
		{"https URL", `(?i)https://`},
		{"protocol-relative URL", `(?i)(src|href)\s*=\s*["']?//`},
		{"link element", `(?i)<link\b`},
		{"external script", `(?i)<script[^>]*\bsrc\s*=`},
		{"any src attribute", `(?i)\bsrc\s*=`},
		{"CSS import", `(?i)@import`},
		{"CSS url()", `(?i)url\(`},
		{"image", `(?i)<img\b`},
		{"frame or object", `(?i)<(iframe|object|embed|base)\b`},
		{"font face", `(?i)@font-face`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if loc := regexp.MustCompile(tc.pattern).FindStringIndex(page); loc != nil {
				from, to := max(loc[0]-60, 0), min(loc[1]+60, len(page))
				t.Errorf("page matches %s: %q", tc.pattern, page[from:to])
			}
		})
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("page has %d <script> elements, want 1 (the inline one)", n)
	}
}

// The payloads of the escaping tests, and how html/template writes them.
const (
	scriptLabel   = `<script>alert(1)</script>`
	scriptEscaped = `&lt;script&gt;alert(1)&lt;/script&gt;`
	imgColumn     = `"><img src=x onerror=alert(1)>`
	imgEscaped    = `&#34;&gt;&lt;img src=x onerror=alert(1)&gt;`
)

// payloadReport is a report with the payload in every string that comes
// from the data or the config: inputs, problems, columns, roles, metric
// keys and values, examples, thresholds, the config.
func payloadReport(p string) *audit.Report {
	return &audit.Report{
		SchemaVersion: audit.SchemaVersion,
		Tool:          audit.Tool{Name: "dataready", Version: p},
		Verdict:       audit.NotReady,
		Reason:        "not ready: 1 check fails — " + p,
		Inputs: []audit.InputInfo{{
			Path: "data/" + p + ".csv", Format: "csv", Split: p, Rows: 10, Bytes: 2048, SHA256: p,
		}},
		Dataset: audit.Dataset{
			RowsRead: 10, RowsAudited: 10,
			Splits:  []audit.SplitInfo{{Name: "train", Role: "train", Rows: 6}, {Name: p, Role: "holdout", Rows: 4}},
			Columns: []audit.ColumnInfo{{Name: p, Type: "string", Role: "feature"}, {Name: "label", Type: "string", Role: "label"}},
			Roles:   audit.Roles{Label: "label", Text: p, Segments: []string{p}, IDs: []string{p}, Features: []string{p}},
			RowKey:  "text",
		},
		Problems: []audit.Problem{{Kind: "type_mismatch", File: p, Column: p, Count: 3, Message: p, Lines: []int64{2, 5}}},
		Checks: []audit.CheckResult{
			{
				ID: "bias.class_balance", Family: "bias", Title: p, Status: audit.Fail, Summary: p, Explain: p,
				Metrics: map[string]any{
					"by_split": map[string]any{
						"train": map[string]any{"labeled": 6, "counts": map[string]any{p: 2, "ok": 4}},
						p:       map[string]any{"labeled": 4, "counts": map[string]any{p: 1, "ok": 3}},
					},
					"minority_class":      p,
					"majority_class":      "ok",
					"minority_share":      0.33,
					"imbalance_ratio":     2.0,
					"holdout_only_labels": []string{p},
					p:                     p,
				},
				Thresholds: map[string]float64{p: 1},
				Examples: []audit.Example{{
					Title:  p,
					Values: map[string]any{"class": p, p: p},
					Rows:   []audit.RowRef{{Split: p, File: p, Line: 3, ID: p, Label: p, Text: p}},
				}},
				ExamplesTotal: 1,
			},
			{
				ID: "volume.pilot_minimum", Family: "volume", Title: "Pilot minimum", Status: audit.Fail, Summary: p,
				Metrics:    map[string]any{"usable_examples": 10, "labeled_rows": 10, "duplicate_rows": 0, "conflicting_rows": 0},
				Thresholds: map[string]float64{"fail": 200, "warn": 1000},
			},
		},
		Config: &audit.Config{Label: "label", Text: p, LabelMap: map[string]string{p: p}, NullValues: []string{p}},
		Run:    audit.RunInfo{StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), DurationMS: 1234, Workers: 2},
	}
}

// TestHTMLEscapesDatasetStrings renders reports holding a label
// `<script>alert(1)</script>` and a column `"><img src=x onerror=...>`:
// from the real pipeline, and hand-made with the payload in every string.
// The raw markup must not appear, the escaped text must.
func TestHTMLEscapesDatasetStrings(t *testing.T) {
	csv := "id,text,label,split,\"\"\"><img src=x onerror=alert(1)>\"\n" +
		"1,hello there,ok,train,a\n" +
		"2,good morning,ok,train,b\n" +
		"3,see you,ok,train,a\n" +
		"4,alert me," + scriptLabel + ",train,b\n" +
		"5,thanks,ok,test,a\n" +
		"6,bye now," + scriptLabel + ",test,b\n"
	pipeline := audittest.Run(t, csv, func(cfg *audit.Config) {
		cfg.Text = "text"
		cfg.Split = "split"
		cfg.IDs = []string{"id"}
	})
	for _, tc := range []struct {
		name    string
		rep     *audit.Report
		raw     []string
		escaped []string
	}{
		{"pipeline", pipeline, []string{scriptLabel, imgColumn}, []string{scriptEscaped, imgEscaped}},
		{"script everywhere", payloadReport(scriptLabel), []string{scriptLabel}, []string{scriptEscaped}},
		{"img everywhere", payloadReport(imgColumn), []string{imgColumn}, []string{imgEscaped}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := renderHTML(t, tc.rep)
			for _, raw := range tc.raw {
				if strings.Contains(page, raw) {
					t.Errorf("page contains the raw payload %q", raw)
				}
			}
			for _, esc := range tc.escaped {
				if !strings.Contains(page, esc) {
					t.Errorf("page lacks the escaped payload %q", esc)
				}
			}
			if n := strings.Count(page, "<script"); n != 1 {
				t.Errorf("page has %d <script elements, want 1", n)
			}
			if regexp.MustCompile(`(?i)<img\b`).MatchString(page) {
				t.Errorf("page contains an <img element")
			}
		})
	}
}

// TestHTMLTruncatesLongValues: a long example text and a long label are
// cut with an ellipsis; the full value stays in a title attribute.
func TestHTMLTruncatesLongValues(t *testing.T) {
	long := strings.Repeat("very long text ", 40) + "END"
	rep := payloadReport("x")
	rep.Checks[0].Examples[0].Rows[0].Text = long
	rep.Checks[0].Examples[0].Rows[0].Label = strings.Repeat("L", 200)
	page := renderHTML(t, rep)
	if strings.Contains(page, ">"+long+"<") {
		t.Errorf("the long text is shown whole")
	}
	if !strings.Contains(page, `title="`+long+`"`) {
		t.Errorf("the long text is not in a title attribute")
	}
	if !strings.Contains(page, ">"+strings.Repeat("L", maxValue-1)+"…<") {
		t.Errorf("the long label is not cut to %d runes with an ellipsis", maxValue)
	}
}

// TestHTMLDeterministic: the same report gives the same bytes, and a
// report read back from report.json renders like the one in memory.
func TestHTMLDeterministic(t *testing.T) {
	rep := htmlFixtureReport(t)
	first := renderHTML(t, rep)
	if second := renderHTML(t, rep); first != second {
		t.Fatalf("two renderings of one report differ")
	}
	data, err := JSON(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back audit.Report
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("read report.json back: %v", err)
	}
	if fromJSON := renderHTML(t, &back); fromJSON != first {
		a, b := []byte(first), []byte(fromJSON)
		i := 0
		for i < min(len(a), len(b)) && a[i] == b[i] {
			i++
		}
		t.Errorf("report read from JSON renders differently at byte %d:\nin memory: %q\nfrom JSON: %q",
			i, a[max(i-80, 0):min(i+80, len(a))], b[max(i-80, 0):min(i+80, len(b))])
	}
}

// TestHTMLPartialReports renders reports that lack checks, skip them or
// could not audit: the page still renders and says what happened.
func TestHTMLPartialReports(t *testing.T) {
	fixture := htmlFixtureReport(t)
	without := func(ids ...string) *audit.Report {
		rep := *fixture
		rep.Checks = nil
		for _, c := range fixture.Checks {
			if !strings.Contains(strings.Join(ids, " "), c.ID) {
				rep.Checks = append(rep.Checks, c)
			}
		}
		return &rep
	}
	skipped := func(id string) *audit.Report {
		rep := *fixture
		rep.Checks = append([]audit.CheckResult(nil), fixture.Checks...)
		for i, c := range rep.Checks {
			if c.ID == id {
				rep.Checks[i] = audit.CheckResult{ID: c.ID, Family: c.Family, Title: c.Title, Status: audit.Skip,
					Summary: "disabled", Metrics: map[string]any{}, Thresholds: c.Thresholds, Examples: []audit.Example{}}
			}
		}
		return &rep
	}
	couldNot := *fixture
	couldNot.Reason = "could not audit: 40 of 100 rows are malformed (more than max_bad_rows 1%)"
	ready := *without("bias.class_balance", "labels.missing")
	ready.Verdict, ready.Reason = audit.Ready, "ready: every check passes"

	for _, tc := range []struct {
		name string
		rep  *audit.Report
		want []string
		not  []string
	}{
		{"no checks", without("labels.missing", "bias.class_balance", "volume.pilot_minimum"),
			[]string{"3,800 audited"}, []string{`ready-label">Usable examples<`, `ready-label">Smallest class<`}},
		{"no volume check", without("volume.pilot_minimum"),
			[]string{`ready-label">Smallest class<`}, []string{`ready-label">Usable examples<`}},
		{"volume skipped", skipped("volume.pilot_minimum"),
			[]string{`ready-label">Usable examples<`, "not measured", "Skipped"}, nil},
		{"class balance skipped", skipped("bias.class_balance"),
			[]string{"Smallest class", `<span class="num">none</span>`}, []string{`<svg class="bar-chart"`}},
		{"could not audit", &couldNot,
			[]string{">Could not audit</h2>", "40 of 100 rows are malformed"}, nil},
		{"ready", &ready,
			[]string{">Ready</h2>", "Every check passes"}, []string{`class="deciding"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := renderHTML(t, tc.rep)
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(page, n) {
					t.Errorf("page contains %q", n)
				}
			}
		})
	}
}

// TestHTMLSizeBounded: a label column with 100,000 distinct values and
// 5,000 input files still make a page under 2 MB; tables and the chart
// say how much they leave out.
func TestHTMLSizeBounded(t *testing.T) {
	rep := payloadReport("x")
	counts := map[string]any{}
	for i := range 100_000 {
		counts[fmt.Sprintf("class-%06d", i)] = i%7 + 1
	}
	rep.Checks[0].Metrics["by_split"] = map[string]any{"train": map[string]any{"labeled": 400_000, "counts": counts}}
	for i := range 5000 {
		rep.Inputs = append(rep.Inputs, audit.InputInfo{Path: fmt.Sprintf("part-%05d.parquet", i), Format: "parquet", Rows: 2000})
	}
	page := renderHTML(t, rep)
	if len(page) >= 2<<20 {
		t.Errorf("page is %d bytes, want under 2 MB", len(page))
	}
	for _, want := range []string{"99,900 more rows not shown", "99,960 smaller classes not shown", "4,801 more inputs not shown"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, "<rect "); n > 2*maxChartBars+10 {
		t.Errorf("the chart has %d bars, want at most %d", n, maxChartBars)
	}
}

func TestHTMLNil(t *testing.T) {
	if _, err := HTML(nil); err == nil {
		t.Errorf("HTML(nil) returned no error")
	}
}

func TestHTMLFormatting(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"int small", intText(7), "7"},
		{"int thousands", intText(3675), "3,675"},
		{"int millions", intText(-12345678), "-12,345,678"},
		{"float ratio", floatText(73.44444444444444), "73.4"},
		{"float small", floatText(0.0030292830696735107), "0.00303"},
		{"float hundreds", floatText(123.456), "123.5"},
		{"float large", floatText(12345.6), "12,346"},
		{"float whole", floatText(2), "2"},
		{"percent", percentText(0.012105263157894737), "1.2%"},
		{"percent large", percentText(0.789), "78.9%"},
		{"percent small", percentText(0.0030292830696735107), "0.3%"},
		{"percent tiny", percentText(0.00001), "<0.01%"},
		{"percent zero", percentText(0), "0%"},
		{"percent whole", percentText(1), "100%"},
		{"bytes", sizeText(512), "512 B"},
		{"kibibytes", sizeText(653028), "637.7 KiB"},
		{"mebibytes", sizeText(5 << 20), "5 MiB"},
		{"duration ms", durationText(18), "18 ms"},
		{"duration s", durationText(1500), "1.5 s"},
		{"duration min", durationText(125_000), "2 min 5 s"},
		{"duration h", durationText(3_720_000), "1 h 2 min"},
		{"shorten keeps", shorten("short", 10), "short"},
		{"shorten cuts", shorten("abcdefghij", 5), "abcd…"},
		{"shorten runes", shorten("ééééééé", 4), "ééé…"},
		{"path kept", pathCell("data/train.csv").Text, "data/train.csv"},
		{"path cut on the left", pathCell(strings.Repeat("d/", 40) + "file.csv").Text, "…" + strings.Repeat("/d", 23) + "/file.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

// TestHTMLMetricTables: a by_split map of maps becomes a table with a row
// per split, and its nested counts a table with a column per split, in the
// dataset's split order; rates show as percentages.
func TestHTMLMetricTables(t *testing.T) {
	rep := payloadReport("x")
	rep.Dataset.Splits = []audit.SplitInfo{{Name: "train", Role: "train"}, {Name: "b-holdout", Role: "holdout"}}
	rep.Checks = []audit.CheckResult{{
		ID: "labels.missing", Family: "labels", Title: "Missing labels", Status: audit.Warn,
		Metrics: map[string]any{
			"by_split": map[string]any{
				"b-holdout": map[string]any{"rows": 10, "missing_rate": 0.5, "counts": map[string]any{"a": 1}},
				"train":     map[string]any{"rows": 30, "missing_rate": 0.1, "counts": map[string]any{"a": 2, "b": 3}},
			},
			"missing_rate": 0.25,
			"tokens":       map[string]any{"NA": 3, "": 1},
			"classes":      []string{"a", "b"},
		},
	}}
	card := cardOf(t, renderHTML(t, rep), "labels.missing")
	squash := regexp.MustCompile(`\s*\n\s*`)
	card = squash.ReplaceAllString(card, "")
	for _, want := range []string{
		// by_split: splits in dataset order, scalar fields as columns.
		`<caption>by_split</caption><thead><tr><th scope="col">split</th><th scope="col" class="num">missing_rate</th><th scope="col" class="num">rows</th></tr></thead>`,
		`<th scope="row"><span class="v">train</span></th><td class="num"><span class="v num">10%</span> <span class="sub">0.1</span></td><td class="num"><span class="v num">30</span></td>`,
		// counts: a row per class, a column per split; a missing count is a dash.
		`<caption>counts by split</caption><thead><tr><th scope="col"></th><th scope="col" class="num">train</th><th scope="col" class="num">b-holdout</th></tr></thead>`,
		`<th scope="row"><span class="v">b</span></th><td class="num"><span class="v num">3</span></td><td class="empty num"><span class="v empty num" title="not present">—</span></td>`,
		// tokens: a map of scalars; the empty key is named.
		`<th scope="row"><span class="v empty">(empty)</span></th>`,
		// scalars and lists as tiles.
		`<dt>missing_rate</dt><dd><span class="v num">25%</span> <span class="sub">0.25</span></dd>`,
		`<dt>classes</dt><dd><span class="v">a, b</span></dd>`,
	} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks\n%s\ncard:\n%s", want, card)
		}
	}
	if bytes.Contains([]byte(card), []byte("ZgotmplZ")) {
		t.Errorf("the template rejected a value (ZgotmplZ)")
	}
}

// TestNiceScale: axis steps are 1, 2 or 5 times a power of ten, and the
// axis ends at the first step at or above the maximum.
func TestNiceScale(t *testing.T) {
	for _, tc := range []struct {
		max, step, end float64
	}{
		{661, 200, 800},
		{547, 200, 600},
		{1.5, 0.5, 1.5},
		{9, 2, 10},
		{100, 20, 100},
		{0, 1, 1},
		{-3, 1, 1},
	} {
		step, end := niceScale(tc.max, 5)
		if step != tc.step || end != tc.end {
			t.Errorf("niceScale(%g) = %g, %g; want %g, %g", tc.max, step, end, tc.step, tc.end)
		}
	}
}

// TestReadinessSmallestSegment: the panel names the important segment value
// with the fewest usable holdout examples (counted from the metrics by hand).
func TestReadinessSmallestSegment(t *testing.T) {
	rep := &audit.Report{Verdict: audit.ReadyWithWarnings, Reason: "ready with warnings", Checks: []audit.CheckResult{{
		ID: "volume.segment_minimum", Family: "volume", Title: "Holdout examples per important segment", Status: audit.Warn,
		Metrics: map[string]any{"segments": []any{
			map[string]any{"column": "region", "value": "eu", "holdout_rows": 150, "share": 0.75, "usable": 140, "half_width": 0.08},
			map[string]any{"column": "user_type", "value": "new", "holdout_rows": 24, "share": 0.12, "usable": 23, "half_width": 0.19},
		}},
	}}}
	page := renderHTML(t, rep)
	for _, want := range []string{`ready-label">Smallest important segment<`, "user_type = new", "23 usable holdout examples"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
