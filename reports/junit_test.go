package reports_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/reports"
)

// The structs below read junit.xml back strictly: every attribute and
// element the chosen structure allows has a field, and anything else lands
// in Unknown* and fails the test.

type xmlSuites struct {
	XMLName      xml.Name    `xml:"testsuites"`
	Name         *string     `xml:"name,attr"`
	Tests        *string     `xml:"tests,attr"`
	Failures     *string     `xml:"failures,attr"`
	Errors       *string     `xml:"errors,attr"`
	Skipped      *string     `xml:"skipped,attr"`
	Time         *string     `xml:"time,attr"`
	Suites       []xmlSuite  `xml:"testsuite"`
	UnknownAttrs []xml.Attr  `xml:",any,attr"`
	Unknown      []xmlAnyElt `xml:",any"`
	Text         string      `xml:",chardata"`
}

type xmlSuite struct {
	Name         *string     `xml:"name,attr"`
	Tests        *string     `xml:"tests,attr"`
	Failures     *string     `xml:"failures,attr"`
	Errors       *string     `xml:"errors,attr"`
	Skipped      *string     `xml:"skipped,attr"`
	Time         *string     `xml:"time,attr"`
	Cases        []xmlCase   `xml:"testcase"`
	UnknownAttrs []xml.Attr  `xml:",any,attr"`
	Unknown      []xmlAnyElt `xml:",any"`
	Text         string      `xml:",chardata"`
}

type xmlCase struct {
	Name         *string     `xml:"name,attr"`
	Classname    *string     `xml:"classname,attr"`
	Time         *string     `xml:"time,attr"`
	Failure      []xmlResult `xml:"failure"`
	Error        []xmlResult `xml:"error"`
	Skipped      []xmlResult `xml:"skipped"`
	SystemOut    []string    `xml:"system-out"`
	UnknownAttrs []xml.Attr  `xml:",any,attr"`
	Unknown      []xmlAnyElt `xml:",any"`
	Text         string      `xml:",chardata"`
}

type xmlResult struct {
	Message      *string     `xml:"message,attr"`
	Type         *string     `xml:"type,attr"`
	Text         string      `xml:",chardata"`
	UnknownAttrs []xml.Attr  `xml:",any,attr"`
	Unknown      []xmlAnyElt `xml:",any"`
}

type xmlAnyElt struct {
	XMLName xml.Name
}

// suiteCounts are the counts of one test suite.
type suiteCounts struct {
	name                             string
	tests, failures, errors, skipped int
}

// parseJUnit decodes junit.xml strictly and checks what every file must
// satisfy: no unknown attribute or element, no stray text, all counts
// present and equal to the cases' outcomes, time "0", one outcome at most
// per case. It returns the counts per suite.
func parseJUnit(t *testing.T, data []byte) (xmlSuites, []suiteCounts) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(xml.Header)) {
		t.Errorf("no XML declaration: %q", data[:min(len(data), 60)])
	}
	var root xmlSuites
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("parse junit.xml: %v\n%s", err, data)
	}
	// Only white space may follow the root element.
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); !ok || len(bytes.TrimSpace(cd)) > 0 {
			t.Errorf("content after the root element: %#v", tok)
		}
	}

	attr := func(where, name string, p *string) string {
		t.Helper()
		if p == nil {
			t.Errorf("%s: no %s attribute", where, name)
			return ""
		}
		return *p
	}
	count := func(where, name string, p *string) int {
		t.Helper()
		n, err := strconv.Atoi(attr(where, name, p))
		if err != nil {
			t.Errorf("%s: %s: %v", where, name, err)
		}
		return n
	}
	strict := func(where string, attrs []xml.Attr, elts []xmlAnyElt, text string) {
		t.Helper()
		if len(attrs) > 0 {
			t.Errorf("%s: unknown attributes %v", where, attrs)
		}
		if len(elts) > 0 {
			t.Errorf("%s: unknown elements %v", where, elts)
		}
		if strings.TrimSpace(text) != "" {
			t.Errorf("%s: stray text %q", where, text)
		}
	}

	strict("testsuites", root.UnknownAttrs, root.Unknown, root.Text)
	if got := attr("testsuites", "name", root.Name); got != "dataready" {
		t.Errorf("testsuites name = %q, want dataready", got)
	}
	if got := attr("testsuites", "time", root.Time); got != "0" {
		t.Errorf("testsuites time = %q, want 0", got)
	}
	var total suiteCounts
	var counts []suiteCounts
	for _, s := range root.Suites {
		where := "testsuite " + attr("testsuite", "name", s.Name)
		strict(where, s.UnknownAttrs, s.Unknown, s.Text)
		if got := attr(where, "time", s.Time); got != "0" {
			t.Errorf("%s: time = %q, want 0", where, got)
		}
		c := suiteCounts{
			name:     attr(where, "name", s.Name),
			tests:    count(where, "tests", s.Tests),
			failures: count(where, "failures", s.Failures),
			errors:   count(where, "errors", s.Errors),
			skipped:  count(where, "skipped", s.Skipped),
		}
		var seen suiteCounts
		for _, tc := range s.Cases {
			cwhere := where + " testcase " + attr(where+" testcase", "name", tc.Name)
			strict(cwhere, tc.UnknownAttrs, tc.Unknown, tc.Text)
			if got := attr(cwhere, "classname", tc.Classname); got != c.name {
				t.Errorf("%s: classname = %q, want the suite name %q", cwhere, got, c.name)
			}
			if got := attr(cwhere, "time", tc.Time); got != "0" {
				t.Errorf("%s: time = %q, want 0", cwhere, got)
			}
			if n := len(tc.Failure) + len(tc.Error) + len(tc.Skipped); n > 1 {
				t.Errorf("%s: %d outcomes, want at most 1", cwhere, n)
			}
			for _, r := range append(append(append([]xmlResult{}, tc.Failure...), tc.Error...), tc.Skipped...) {
				strict(cwhere+" result", r.UnknownAttrs, r.Unknown, "")
				attr(cwhere+" result", "message", r.Message)
			}
			seen.tests++
			seen.failures += len(tc.Failure)
			seen.errors += len(tc.Error)
			seen.skipped += len(tc.Skipped)
		}
		if seen.tests != c.tests || seen.failures != c.failures || seen.errors != c.errors || seen.skipped != c.skipped {
			t.Errorf("%s: attributes say %+v, cases say %+v", where, c, seen)
		}
		total.tests += c.tests
		total.failures += c.failures
		total.errors += c.errors
		total.skipped += c.skipped
		counts = append(counts, c)
	}
	for _, f := range []struct {
		name string
		p    *string
		want int
	}{
		{"tests", root.Tests, total.tests},
		{"failures", root.Failures, total.failures},
		{"errors", root.Errors, total.errors},
		{"skipped", root.Skipped, total.skipped},
	} {
		if got := count("testsuites", f.name, f.p); got != f.want {
			t.Errorf("testsuites %s = %d, want the sum over suites %d", f.name, got, f.want)
		}
	}
	return root, counts
}

// countByFamily counts rep.Checks per family, families in order of first
// appearance: the expected suites, computed without the renderer.
func countByFamily(checks []audit.CheckResult) []suiteCounts {
	var out []suiteCounts
	index := map[string]int{}
	for _, c := range checks {
		name := "dataready." + c.Family
		i, ok := index[name]
		if !ok {
			i = len(out)
			index[name] = i
			out = append(out, suiteCounts{name: name})
		}
		out[i].tests++
		switch c.Status {
		case audit.Fail:
			out[i].failures++
		case audit.Error:
			out[i].errors++
		case audit.Skip:
			out[i].skipped++
		}
	}
	return out
}

func sameCounts(a, b []suiteCounts) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// xmllint checks data with xmllint --noout when it is installed.
func xmllint(t *testing.T, data []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("xmllint not installed (Debian: libxml2-utils); skipping its check")
		return
	}
	file := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.CommandContext(t.Context(), bin, "--noout", file).CombinedOutput(); err != nil {
		t.Errorf("xmllint --noout: %v\n%s", err, out)
	}
}

func TestJUnitFixture(t *testing.T) {
	rep := supportTicketsReport(t)
	got, err := reports.JUnit(rep)
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "junit/fixture.xml", got)
	noMachinePaths(t, got)
	xmllint(t, got)

	root, counts := parseJUnit(t, got)
	if want := countByFamily(rep.Checks); !sameCounts(counts, want) {
		t.Errorf("suites = %+v, want (counted from the report) %+v", counts, want)
	}
	// Hand count from fixtures/README.md, for the checks whose outcome it
	// fixes: labels.missing warns (46 missing labels), bias.class_balance
	// fails (gift_card only in the holdout), volume.pilot_minimum passes
	// (3675 usable examples). Other checks may join the suites.
	outcome := map[string]string{}
	var biasCase *xmlCase
	for si := range root.Suites {
		for ci := range root.Suites[si].Cases {
			c := &root.Suites[si].Cases[ci]
			name := *c.Name
			switch {
			case len(c.Failure) > 0:
				outcome[name] = "failure"
			case len(c.Error) > 0:
				outcome[name] = "error"
			case len(c.Skipped) > 0:
				outcome[name] = "skipped"
			default:
				outcome[name] = "passed"
			}
			if name == "bias.class_balance" {
				biasCase = c
			}
		}
	}
	for id, want := range map[string]string{"labels.missing": "passed", "bias.class_balance": "failure", "volume.pilot_minimum": "passed"} {
		if outcome[id] != want {
			t.Errorf("test case %s: %s, want %s", id, outcome[id], want)
		}
	}
	if biasCase == nil {
		t.Fatal("no test case bias.class_balance")
	}
	bias := *biasCase
	if len(bias.Failure) != 1 || !strings.Contains(bias.Failure[0].Text, "../fixtures/support-tickets/holdout.parquet:7 (split holdout, id U70071)") {
		t.Errorf("bias.class_balance failure lacks the first gift_card row: %+v", bias.Failure)
	}
	labels := root.Suites[0].Cases[0]
	if len(labels.SystemOut) != 1 || !strings.HasPrefix(labels.SystemOut[0], "WARN: 46 of 3800 rows") {
		t.Errorf("labels.missing system-out = %q, want it to start with WARN: 46 of 3800 rows", labels.SystemOut)
	}
}

// statusReport has every status, in families whose checks interleave.
func statusReport() *audit.Report {
	return &audit.Report{
		Verdict: audit.NotReady,
		Checks: []audit.CheckResult{
			{ID: "labels.a", Family: "labels", Status: audit.Pass, Summary: "all good"},
			{ID: "bias.b", Family: "bias", Status: audit.Fail, Summary: "bad balance",
				Examples: []audit.Example{
					{Title: "class only in the holdout", Values: map[string]any{"class": "x", "rows_test": int64(4)},
						Rows: []audit.RowRef{{Split: "test", File: "test.csv", Line: 2, ID: "u1"}, {Split: "test", File: "test.csv", Line: 3}, {Split: "test", File: "t.csv", Line: 4}, {Split: "test", File: "t.csv", Line: 5}}},
				},
				ExamplesTotal: 9},
			{ID: "labels.c", Family: "labels", Status: audit.Warn, Summary: "some missing"},
			{ID: "leakage.d", Family: "leakage", Status: audit.Skip, Summary: "disabled in audit.yaml"},
			{ID: "bias.e", Family: "bias", Status: audit.Error, Summary: "could not run"},
			{ID: "labels.f", Family: "labels", Status: audit.Fail, Summary: "too many missing"},
			{ID: "leakage.g", Family: "leakage", Status: audit.Skip},
		},
	}
}

func TestJUnitStatuses(t *testing.T) {
	rep := statusReport()
	got, err := reports.JUnit(rep)
	if err != nil {
		t.Fatal(err)
	}
	xmllint(t, got)
	root, counts := parseJUnit(t, got)
	// By hand: labels a(pass) c(warn) f(fail); bias b(fail) e(error); leakage d, g (skip).
	want := []suiteCounts{
		{name: "dataready.labels", tests: 3, failures: 1},
		{name: "dataready.bias", tests: 2, failures: 1, errors: 1},
		{name: "dataready.leakage", tests: 2, skipped: 2},
	}
	if !sameCounts(counts, want) {
		t.Errorf("suites = %+v, want %+v", counts, want)
	}
	if byReport := countByFamily(rep.Checks); !sameCounts(counts, byReport) {
		t.Errorf("suites = %+v, want (counted from the report) %+v", counts, byReport)
	}
	if *root.Tests != "7" || *root.Failures != "2" || *root.Errors != "1" || *root.Skipped != "2" {
		t.Errorf("testsuites tests/failures/errors/skipped = %s/%s/%s/%s, want 7/2/1/2", *root.Tests, *root.Failures, *root.Errors, *root.Skipped)
	}

	cases := map[string]xmlCase{}
	var order []string
	for _, s := range root.Suites {
		for _, c := range s.Cases {
			cases[*c.Name] = c
			order = append(order, *c.Name)
		}
	}
	if got, want := strings.Join(order, " "), "labels.a labels.c labels.f bias.b bias.e leakage.d leakage.g"; got != want {
		t.Errorf("case order = %s, want %s", got, want)
	}
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	tests := []struct {
		id                               string
		failure, errorMsg, skip, sysOut  string // message or text; "" = absent
		failureType, errorType, textHave string
	}{
		{id: "labels.a", sysOut: "all good"},
		{id: "labels.c", sysOut: "WARN: some missing"},
		{id: "labels.f", failure: "too many missing", failureType: "fail", textHave: "too many missing"},
		{id: "bias.b", failure: "bad balance", failureType: "fail",
			textHave: "bad balance\n\nExamples (1 of 9):\n- class only in the holdout (class=x, rows_test=4)\n    test.csv:2 (split test, id u1)\n    test.csv:3 (split test)\n    t.csv:4 (split test)\n    +1 more row"},
		{id: "bias.e", errorMsg: "could not run", errorType: "error", textHave: "could not run"},
		{id: "leakage.d", skip: "disabled in audit.yaml"},
		{id: "leakage.g", skip: "skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c := cases[tt.id]
			if tt.failure != "" {
				if len(c.Failure) != 1 || str(c.Failure[0].Message) != tt.failure || str(c.Failure[0].Type) != tt.failureType || c.Failure[0].Text != tt.textHave {
					t.Errorf("failure = %+v, want message %q type %q text %q", c.Failure, tt.failure, tt.failureType, tt.textHave)
				}
			} else if len(c.Failure) > 0 {
				t.Errorf("unexpected failure %+v", c.Failure)
			}
			if tt.errorMsg != "" {
				if len(c.Error) != 1 || str(c.Error[0].Message) != tt.errorMsg || str(c.Error[0].Type) != tt.errorType || c.Error[0].Text != tt.textHave {
					t.Errorf("error = %+v, want message %q type %q", c.Error, tt.errorMsg, tt.errorType)
				}
			} else if len(c.Error) > 0 {
				t.Errorf("unexpected error %+v", c.Error)
			}
			if tt.skip != "" {
				if len(c.Skipped) != 1 || str(c.Skipped[0].Message) != tt.skip {
					t.Errorf("skipped = %+v, want message %q", c.Skipped, tt.skip)
				}
			} else if len(c.Skipped) > 0 {
				t.Errorf("unexpected skipped %+v", c.Skipped)
			}
			if tt.sysOut != "" {
				if len(c.SystemOut) != 1 || c.SystemOut[0] != tt.sysOut {
					t.Errorf("system-out = %q, want %q", c.SystemOut, tt.sysOut)
				}
			} else if len(c.SystemOut) > 0 {
				t.Errorf("unexpected system-out %q", c.SystemOut)
			}
		})
	}
}

func TestJUnitEscaping(t *testing.T) {
	tests := []struct {
		name    string
		summary string
		// want is the message attribute as parsed back.
		want string
	}{
		{"CDATA end", "labels ]]> and ]]]]>>", "labels ]]> and ]]]]>>"},
		{"markup characters", `a & b < c > d "e" 'f'`, `a & b < c > d "e" 'f'`},
		{"control characters", "nul\x00 bel\x07 esc\x1b del\x7f c1\u0085x vt\v ff\f", "nul bel esc del c1 x vt ff"},
		{"non-characters", "a\uFFFEb\uFFFFc", "abc"},
		{"invalid UTF-8", "bad \xff\xfe byte", "bad \uFFFD byte"},
		{"newlines collapsed", "one\ntwo\r\nthree\tfour", "one two three four"},
		{"markup as text", "<failure message='x'/><!-- c --><![CDATA[y]]>", "<failure message='x'/><!-- c --><![CDATA[y]]>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &audit.Report{Checks: []audit.CheckResult{
				{ID: "bias.b", Family: "bias", Status: audit.Fail, Summary: tt.summary,
					Examples: []audit.Example{{Title: tt.summary, Values: map[string]any{"class": tt.summary},
						Rows: []audit.RowRef{{Split: tt.summary, File: tt.summary, Line: 3, ID: tt.summary}}}}},
				{ID: "labels.w", Family: "labels", Status: audit.Warn, Summary: tt.summary},
				{ID: "labels.s", Family: "labels", Status: audit.Skip, Summary: tt.summary},
				{ID: "labels.p", Family: "labels", Status: audit.Pass, Summary: tt.summary},
			}}
			got, err := reports.JUnit(rep)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range got {
				if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
					t.Fatalf("output holds control byte %#x", b)
				}
			}
			xmllint(t, got)
			root, _ := parseJUnit(t, got)
			f := root.Suites[0].Cases[0].Failure
			if len(f) != 1 || *f[0].Message != tt.want {
				t.Fatalf("failure message = %+v, want %q", f, tt.want)
			}
			if wantText := tt.want + "\n\nExamples (1 of 1):\n- " + tt.want + " (class=" + tt.want + ")\n    " + tt.want + ":3 (split " + tt.want + ", id " + tt.want + ")"; f[0].Text != wantText {
				t.Errorf("failure text = %q, want %q", f[0].Text, wantText)
			}
			labels := root.Suites[1].Cases
			if got := labels[0].SystemOut; len(got) != 1 || got[0] != "WARN: "+tt.want {
				t.Errorf("warn system-out = %q, want %q", got, "WARN: "+tt.want)
			}
			if got := labels[1].Skipped; len(got) != 1 || *got[0].Message != tt.want {
				t.Errorf("skipped = %+v, want message %q", got, tt.want)
			}
			if got := labels[2].SystemOut; len(got) != 1 || got[0] != tt.want {
				t.Errorf("pass system-out = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJUnitDeterministic(t *testing.T) {
	a, err := reports.JUnit(statusReport())
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, err := reports.JUnit(statusReport())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("two renderings differ:\n%s\n%s", a, b)
		}
	}
}

func TestJUnitNil(t *testing.T) {
	if _, err := reports.JUnit(nil); err == nil {
		t.Error("JUnit(nil) gave no error")
	}
}
