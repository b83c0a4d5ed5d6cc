package reports_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/registry"
	"dataready/reports"
)

// supportTicketsReport runs the real pipeline on the bundled fixture, with
// the run metadata cleared so that renderings of it are stable.
func supportTicketsReport(t *testing.T) *audit.Report {
	t.Helper()
	cfg, err := audit.LoadConfig(filepath.Join("..", "fixtures", "support-tickets", "audit.yaml"))
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: registry.Checks()})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	rep.Run = audit.RunInfo{}
	return rep
}

// compareGolden compares got with the golden file testdata/<name>; with
// -update it writes the file first, then compares what it reads back.
func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read golden file (run go test ./reports -update to create it): %v", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gotLines), len(wantLines)) {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Fatalf("%s differs from the golden file at line %d (go test ./reports -update rewrites it; review the diff):\ngot:  %q\nwant: %q", name, i+1, g, w)
		}
	}
	t.Fatalf("%s differs from the golden file", name)
}

// noMachinePaths fails when out holds the working directory or the
// temporary folder: generated files must not name paths of this machine.
func noMachinePaths(t *testing.T, out []byte) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{wd, filepath.Dir(wd), os.TempDir()} {
		if bytes.Contains(out, []byte(p)) {
			t.Errorf("output contains the local path %q", p)
		}
	}
}

// lineCount counts the lines of s (a last line without a newline counts).
func lineCount(s []byte) int {
	n := bytes.Count(s, []byte("\n"))
	if len(s) > 0 && s[len(s)-1] != '\n' {
		n++
	}
	return n
}

// unescapedPipes counts the | of a line that are not backslash-escaped.
func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

// checkMarkdownShape asserts what must hold for any report: at most 60
// lines, no raw < or > (no HTML can appear), table rows with exactly four
// cell separators, and no heading but the ones the renderer writes.
func checkMarkdownShape(t *testing.T, out []byte) {
	t.Helper()
	if n := lineCount(out); n > 60 {
		t.Errorf("%d lines, want at most 60", n)
	}
	if i := bytes.IndexAny(out, "<>"); i >= 0 {
		t.Errorf("raw %q at byte %d: %q", out[i], i, out[max(0, i-40):min(len(out), i+40)])
	}
	for i, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "|") && unescapedPipes(line) != 4 {
			t.Errorf("line %d: %d unescaped pipes, want 4 (3 cells): %q", i+1, unescapedPipes(line), line)
		}
		if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "## ") && line != "### Top findings" {
			t.Errorf("line %d: unexpected heading %q", i+1, line)
		}
		if strings.HasPrefix(line, "## ") && i != 0 {
			t.Errorf("line %d: second verdict heading %q", i+1, line)
		}
	}
}

func TestMarkdownFixture(t *testing.T) {
	rep := supportTicketsReport(t)
	got, err := reports.Markdown(rep, "report.html")
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "markdown/fixture.md", got)
	checkMarkdownShape(t, got)
	checkRenderedGFM(t, got)
	noMachinePaths(t, got)

	// Facts from fixtures/README.md (counted there independently of this tool).
	for _, want := range []string{
		"## ❌ Not ready: ",
		"3803 rows read · 3800 audited · 3 rejected (2 input problems, see report.json)",
		"splits: train 3000, holdout 800",
		"| ⚠️ warn | `labels.missing` |",
		"| ❌ fail | `bias.class_balance` |",
		"| ❌ fail | `volume.class_minimum` |",
		"- ❌ **`bias.class_balance`**",
		"class only in the holdout (class gift\\_card, rows\\_holdout 37, rows\\_train 0)",
		"| ⚠️ warn | `labels.missing` |",
		"[report.html](report.html)",
		"[report.json](report.json)",
	} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	// The passing check is in the table, not in the findings.
	if bytes.Contains(got, []byte("**`volume.pilot_minimum`**")) {
		t.Errorf("a passing check is listed among the top findings")
	}
}

// manyChecks is a report with n checks of the given status, each with
// examples many rows long and a summary with newlines.
func manyChecks(n int, status audit.Status) *audit.Report {
	rep := &audit.Report{Verdict: audit.NotReady, Reason: fmt.Sprintf("not ready: %d checks fail — ...", n)}
	rep.Dataset.Splits = make([]audit.SplitInfo, 30)
	for i := range rep.Dataset.Splits {
		rep.Dataset.Splits[i] = audit.SplitInfo{Name: fmt.Sprintf("split%02d", i), Rows: 10}
	}
	for i := range n {
		c := audit.CheckResult{
			ID: fmt.Sprintf("fam%d.check_%d", i%4, i), Family: fmt.Sprintf("fam%d", i%4), Status: status,
			Summary:       "first line\nsecond line\n" + strings.Repeat("long ", 100),
			ExamplesTotal: 500,
		}
		for j := range 20 {
			ex := audit.Example{Title: "example\nwith newline", Values: map[string]any{"a": j, "b": "x", "c": 1.5, "d": []string{"p"}, "e": 2}}
			for k := range 10 {
				ex.Rows = append(ex.Rows, audit.RowRef{Split: "train", File: "data/train.csv", Line: int64(k + 2), ID: fmt.Sprint(k)})
			}
			c.Examples = append(c.Examples, ex)
		}
		rep.Checks = append(rep.Checks, c)
	}
	return rep
}

func TestMarkdownLineLimit(t *testing.T) {
	mixed := manyChecks(45, audit.Pass)
	for i := range mixed.Checks {
		mixed.Checks[i].Status = []audit.Status{audit.Pass, audit.Warn, audit.Fail, audit.Skip, audit.Error}[i%5]
	}
	tests := []struct {
		name string
		rep  *audit.Report
		// tableRows is how many checks the table should list.
		tableRows int
		// findings is how many checks "Top findings" should detail.
		findings int
	}{
		{"40 failing checks", manyChecks(40, audit.Fail), 20, 5},
		{"40 passing checks", manyChecks(40, audit.Pass), 20, 0},
		{"45 mixed checks", mixed, 20, 5},
		{"3 warning checks", manyChecks(3, audit.Warn), 3, 3},
		{"no checks", &audit.Report{Verdict: audit.Ready, Reason: "ready: every check passes"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := reports.Markdown(tt.rep, "report.html")
			if err != nil {
				t.Fatal(err)
			}
			checkMarkdownShape(t, got)
			var rows, findings int
			for _, line := range strings.Split(string(got), "\n") {
				if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| Status") {
					rows++
				}
				if strings.HasPrefix(line, "- ") {
					findings++
				}
			}
			if rows != tt.tableRows {
				t.Errorf("table rows = %d, want %d", rows, tt.tableRows)
			}
			if findings != tt.findings {
				t.Errorf("top findings = %d, want %d", findings, tt.findings)
			}
			if len(tt.rep.Checks) > 20 && !bytes.Contains(got, []byte(fmt.Sprintf("…and %d more checks", len(tt.rep.Checks)-20))) {
				t.Errorf("no line counting the checks left out of the table:\n%s", got)
			}
		})
	}

	// Of 45 mixed checks (9 of each status) the table keeps the 18 failing
	// or erroring ones and 2 warning ones, and counts the rest.
	got, err := reports.Markdown(mixed, "report.html")
	if err != nil {
		t.Fatal(err)
	}
	if want := "…and 25 more checks (7 warn, 9 skip, 9 pass): see report.html."; !bytes.Contains(got, []byte(want)) {
		t.Errorf("report.md lacks %q:\n%s", want, got)
	}
}

// oneCheck is a report with one failing check carrying s everywhere a
// dataset string can appear.
func oneCheck(summary, s string) *audit.Report {
	return &audit.Report{
		Verdict: audit.NotReady,
		Reason:  "not ready: 1 check fails — " + s,
		Dataset: audit.Dataset{RowsRead: 3, RowsAudited: 3, Splits: []audit.SplitInfo{{Name: s, Rows: 3}}},
		Checks: []audit.CheckResult{{
			ID: "bias.class_balance", Family: "bias", Status: audit.Fail, Summary: summary,
			Examples: []audit.Example{{
				Title:  s,
				Values: map[string]any{"class": s},
				Rows:   []audit.RowRef{{Split: s, File: s, Line: 7, ID: s, Label: s}},
			}},
			ExamplesTotal: 1,
		}},
	}
}

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct {
		name    string
		summary string
		value   string // a label, id, split and file name
		want    []string
		notWant []string
	}{
		{
			name:    "script label",
			summary: `class "<script>alert(1)</script>" only in the holdout`,
			value:   "<script>alert(1)</script>",
			want: []string{
				"| ❌ fail | `bias.class_balance` | class \"&lt;script&gt;alert(1)&lt;/script&gt;\" only in the holdout |",
				"class &lt;script&gt;alert(1)&lt;/script&gt;",
				"id &lt;script&gt;alert(1)&lt;/script&gt;",
			},
		},
		{
			name:    "pipe and backtick in summary",
			summary: "labels a | b and `code` differ",
			value:   "a|b",
			want: []string{
				"| ❌ fail | `bias.class_balance` | labels a \\| b and \\`code\\` differ |",
				"class a\\|b",
			},
		},
		{
			name:    "newlines collapsed",
			summary: "line one\nline two\r\n\t| line three",
			value:   "x\n## injected heading\n- injected item",
			want: []string{
				"| line one line two \\| line three |",
				"x \\#\\# injected heading - injected item",
			},
		},
		{
			name:    "attribute breakout",
			summary: `column "><img src=x onerror=alert(1)>`,
			value:   `"><img src=x onerror=alert(1)>`,
			want:    []string{`column "&gt;&lt;img src=x onerror=alert(1)&gt;`},
		},
		{
			name:    "markdown syntax",
			summary: "*bold* _it_ [link](http://example.com) ![img](x.png) ~~del~~ $x$ \\",
			value:   "[x](javascript:alert(1))",
			want: []string{
				"\\*bold\\* \\_it\\_ \\[link\\](http\\://example.com) \\!\\[img\\](x.png) \\~\\~del\\~\\~ \\$x\\$ \\\\ |",
				"class \\[x\\](javascript:alert(1))",
			},
		},
		{
			name:    "no links",
			summary: "see https://example.com/x and WWW.example.org",
			value:   "ftp://a.b",
			want: []string{
				"| see https\\://example.com/x and WWW\\.example.org |",
				"class ftp\\://a.b",
			},
		},
		{
			name:    "entities stay text",
			summary: "&lt;b&gt; &amp;",
			value:   "&#60;",
			want:    []string{"&amp;lt;b&amp;gt; &amp;amp;", "class &amp;\\#60;"},
		},
		{
			name:    "control and bidi characters dropped",
			summary: "a\x00b\x1bc\u202Ed\u2066e",
			value:   "v\x07w",
			want:    []string{"| abcde |", "class vw"},
		},
		{
			name:    "long values cut",
			summary: strings.Repeat("é", 500),
			value:   strings.Repeat("x", 500),
			want:    []string{"| " + strings.Repeat("é", 159) + "… |", "class " + strings.Repeat("x", 39) + "…"},
			// The reason in the heading keeps the most: 119 runes and the ellipsis.
			notWant: []string{strings.Repeat("é", 160), strings.Repeat("x", 120)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := reports.Markdown(oneCheck(tt.summary, tt.value), "report.html")
			if err != nil {
				t.Fatal(err)
			}
			checkMarkdownShape(t, got)
			for _, w := range tt.want {
				if !bytes.Contains(got, []byte(w)) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			checkRenderedGFM(t, got)
			for _, w := range tt.notWant {
				if bytes.Contains(got, []byte(w)) {
					t.Errorf("output contains %q:\n%s", w, got)
				}
			}
		})
	}
}

// htmlTag matches the start of an HTML tag in rendered output.
var htmlTag = regexp.MustCompile(`<([a-zA-Z0-9]+)`)

// checkRenderedGFM renders md with cmark-gfm (GitHub's Markdown library,
// Debian package cmark-gfm) with raw HTML allowed, when it is installed,
// and asserts that only the renderer's own elements come out: no element
// from the data, and no link but the two of the footer.
func checkRenderedGFM(t *testing.T, md []byte) {
	t.Helper()
	bin, err := exec.LookPath("cmark-gfm")
	if err != nil {
		t.Log("cmark-gfm not installed; skipping the rendering check")
		return
	}
	cmd := exec.CommandContext(t.Context(), bin, "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough")
	cmd.Stdin = bytes.NewReader(md)
	html, err := cmd.Output()
	if err != nil {
		t.Fatalf("cmark-gfm: %v", err)
	}
	allowed := map[string]bool{"h2": true, "h3": true, "p": true, "strong": true, "code": true, "ul": true, "li": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "a": true}
	for _, m := range htmlTag.FindAllSubmatch(html, -1) {
		if !allowed[string(m[1])] {
			t.Errorf("rendered HTML has a <%s> element:\n%s", m[1], html)
		}
	}
	if n := bytes.Count(html, []byte("<a ")); n != 2 {
		t.Errorf("rendered HTML has %d links, want 2 (report.html, report.json):\n%s", n, html)
	}
}

func TestMarkdownHTMLName(t *testing.T) {
	rep := oneCheck("s", "v")
	tests := []struct {
		name     string
		htmlName string
		want     string
		wantErr  bool
	}{
		{"default", "report.html", "Full report: [report.html](report.html) · data: [report.json](report.json)\n", false},
		{"none", "", "Data: [report.json](report.json)\n", false},
		{"spaces and parentheses", "my report (1).html", "Full report: [my report (1).html](my%20report%20%281%29.html)", false},
		{"subfolder", "html/report.html", "[html/report.html](html/report.html)", false},
		{"absolute", "/reports/report.html", "", true},
		{"url", "https://example.com/report.html", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := reports.Markdown(rep, tt.htmlName)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if !bytes.Contains(got, []byte(tt.want)) {
				t.Errorf("output lacks %q:\n%s", tt.want, got)
			}
		})
	}
}

func TestMarkdownVerdicts(t *testing.T) {
	tests := []struct {
		verdict audit.Verdict
		reason  string
		want    string
	}{
		{audit.Ready, "ready: every check passes", "## ✅ Ready: every check passes\n"},
		{audit.ReadyWithWarnings, "ready with warnings: 2 checks warn — a, b", "## ⚠️ Ready with warnings: 2 checks warn — a, b\n"},
		{audit.NotReady, "not ready: 1 check fails — c", "## ❌ Not ready: 1 check fails — c\n"},
		{audit.NotReady, "could not audit: 40 of 100 rows are malformed", "## ❌ Not ready: could not audit: 40 of 100 rows are malformed\n"},
		{audit.Ready, "", "## ✅ Ready\n"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			got, err := reports.Markdown(&audit.Report{Verdict: tt.verdict, Reason: tt.reason}, "")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(got, []byte(tt.want)) {
				t.Errorf("heading = %q, want %q", bytes.SplitAfter(got, []byte("\n"))[0], tt.want)
			}
		})
	}
}

func TestMarkdownNil(t *testing.T) {
	if _, err := reports.Markdown(nil, "report.html"); err == nil {
		t.Error("Markdown(nil) gave no error")
	}
}
