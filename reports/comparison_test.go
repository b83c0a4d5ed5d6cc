package reports

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"dataready/audit"
)

func fp(x float64) *float64 { return &x }
func ip(x int64) *int64     { return &x }

// handComparison is a comparison written by hand: a status regression, a
// top-level and a nested metric regression (the nested one listed first in
// the checks), an improvement from 0, a change within the tolerance and a
// class whose name is markup.
func handComparison() *audit.Comparison {
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
	return &audit.Comparison{
		Baseline:     audit.ComparedReport{Path: "runs/n1/report.json", SchemaVersion: 2, SnapshotTime: day(1), Verdict: audit.ReadyWithWarnings},
		Current:      audit.ComparedReport{Path: "runs/n2/report.json", SchemaVersion: 2, SnapshotTime: day(2), Verdict: audit.NotReady},
		Tolerance:    0.25,
		Verdict:      audit.VerdictChange{Old: audit.ReadyWithWarnings, New: audit.NotReady, Change: "worse"},
		Regressions:  3,
		Improvements: 1,
		Checks: []audit.CheckChange{
			{ID: "labels.conflicts", Title: "Conflicting labels", OldStatus: "warn", NewStatus: "fail", Change: "worse", Regression: true, Metrics: []audit.MetricChange{
				{Name: "conflict_rate", Old: fp(0.004), New: fp(0.0051), Delta: fp(0.0011), RelativeChange: fp(0.275), Direction: "lower_is_better", Change: "worse", Regression: true},
			}},
			{ID: "volume.class_minimum", Title: "Usable examples per class", OldStatus: "pass", NewStatus: "pass", Change: "same", Metrics: []audit.MetricChange{
				{Name: "train.<b>gift</b>", Old: fp(40), New: fp(20), Delta: fp(-20), RelativeChange: fp(-0.5), Direction: "higher_is_better", Change: "worse", Regression: true},
			}},
			{ID: "leakage.exact_overlap", Title: "Holdout rows repeated in train", OldStatus: "pass", NewStatus: "pass", Change: "same", Metrics: []audit.MetricChange{
				{Name: "rate", Old: fp(0), New: fp(0), Delta: fp(0), Direction: "lower_is_better", Change: "same"},
			}},
			{ID: "bias.class_balance", Title: "Class balance", OldStatus: "pass", NewStatus: "pass", Change: "same", Metrics: []audit.MetricChange{
				{Name: "minority_share", Old: fp(0), New: fp(0.1), Delta: fp(0.1), Direction: "higher_is_better", Change: "better", Improvement: true},
				{Name: "classes", Old: fp(3), New: fp(4), Delta: fp(1), RelativeChange: fp(1.0 / 3), Direction: "unknown", Change: "changed"},
				{Name: "imbalance_ratio", Old: fp(10), New: fp(11), Delta: fp(1), RelativeChange: fp(0.1), Direction: "lower_is_better", Change: "worse"},
			}},
		},
		Classes: &audit.ClassDrift{JSDivergence: 0.14, LargestChange: &audit.ClassShare{Class: "a", OldRows: 60, NewRows: 30, OldShare: 0.6, NewShare: 0.3, Change: -0.3},
			Appeared: []string{"c"}, Vanished: []string{}},
		Segments: []audit.SegmentDrift{{Column: "region", Change: "changed", Appeared: []string{"uk"}, Vanished: []string{"us"}, JSDivergence: 0.3}},
		Volume: audit.VolumeChange{
			RowsAudited:    audit.CountChange{Old: ip(1000), New: ip(700), Delta: ip(-300), RelativeChange: fp(-0.3)},
			LabeledRows:    audit.CountChange{Old: ip(1000), New: ip(700), Delta: ip(-300), RelativeChange: fp(-0.3)},
			UsableExamples: audit.CountChange{Old: ip(3914), New: ip(2350), Delta: ip(-1564), RelativeChange: fp(-1564.0 / 3914)},
		},
	}
}

// inOrder reports whether the parts occur in s in this order.
func inOrder(s string, parts ...string) bool {
	for _, p := range parts {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

func TestComparisonText(t *testing.T) {
	out := string(ComparisonText(handComparison()))
	for _, want := range []string{
		"verdict: ready_with_warnings → not_ready (worse)",
		"3 regressions, 1 improvement past the tolerance of 25%; 2 other changes",
		// 0.004 → 0.0051: +0.11 percentage points, +27.5%.
		"conflict_rate", "0.4%", "0.51%", "+0.11 points (+27.5%)",
		"-20 (-50%)",
		"+10 points (from 0)",
		`largest change "a" 60% → 30% (-30 points)`, `appeared: "c"`,
		`region: JS divergence 0.3; appeared: "uk"; vanished: "us"`,
		// 3,914 → 2,350: −1,564 is −39.96%.
		"usable examples: 3,914 → 2,350 (-1,564, -40%)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the table does not contain %q:\n%s", want, out)
		}
	}
	// Worse before better; the status first, then top-level metrics, then nested ones.
	if !inOrder(out, "Got worse", "labels.conflicts      status", "conflict_rate", "train.<b>gift</b>", "Got better", "minority_share") {
		t.Errorf("the table is not in the order worse (status, top-level, nested), then better:\n%s", out)
	}
	if strings.Contains(out, "imbalance_ratio") || strings.Contains(out, "classes  ") {
		t.Errorf("changes within the tolerance or of unknown direction are listed:\n%s", out)
	}
}

func TestComparisonInHTML(t *testing.T) {
	rep := payloadReport("x")
	rep.Comparison = handComparison()
	page := renderHTML(t, rep)
	section := page[strings.Index(page, `<section id="since"`):]
	section = section[:strings.Index(section, "</section>")]
	if !inOrder(section, "Since the last snapshot", "runs/n1/report.json", "Ready with warnings", "Not ready",
		"What got worse", "labels.conflicts", "conflict_rate", "train.&lt;b&gt;gift&lt;/b&gt;", "What got better", "minority_share", "Usable examples: 3,914 → 2,350") {
		t.Errorf("the comparison section is not in the order worse, then better:\n%s", section)
	}
	if strings.Contains(section, "<b>gift") {
		t.Errorf("a class name reached the page as markup")
	}
	if !strings.Contains(page, `<a href="#since">Since the last snapshot</a>`) {
		t.Errorf("no link to the comparison in the table of contents")
	}
	if strings.Contains(renderHTML(t, payloadReport("x")), `id="since"`) {
		t.Errorf("a report without a comparison has a comparison section")
	}
}

// TestComparisonInMarkdown: report.md of the fixture with a comparison
// stays within 60 + 7 lines, names what got worse before what got better,
// and lets no markup through.
func TestComparisonInMarkdown(t *testing.T) {
	rep := htmlFixtureReport(t)
	rep.Comparison = handComparison()
	out, err := Markdown(rep, "report.html")
	if err != nil {
		t.Fatal(err)
	}
	md := string(out)
	if n := strings.Count(md, "\n"); n > 67 {
		t.Errorf("%d lines, want at most 67", n)
	}
	if !inOrder(md, "## ", "### Since the last snapshot", "verdict ready\\_with\\_warnings → not\\_ready (worse); 3 regressions and 1 improvement",
		"Worse: `labels.conflicts` status warn → fail; `labels.conflicts` conflict\\_rate 0.4% → 0.51%", "Better: `bias.class_balance` minority\\_share 0% → 10%",
		"| Status | Check | Summary |") {
		t.Errorf("report.md does not open with the comparison, worse before better:\n%s", md)
	}
	if strings.ContainsAny(md, "<>") {
		t.Errorf("raw < or > in report.md:\n%s", md)
	}
	full := string(ComparisonMarkdown(handComparison()))
	if !inOrder(full, "## Since the last snapshot", "**Got worse**", "| `labels.conflicts` | status | warn | fail |", "**Got better**", "- Usable examples: 3,914 → 2,350") {
		t.Errorf("diff --format md:\n%s", full)
	}
}

// TestComparisonInJUnit: with a comparison, junit.xml has a suite of
// regressions: one case per check, failing for the two that regressed.
func TestComparisonInJUnit(t *testing.T) {
	rep := payloadReport("x")
	rep.Comparison = handComparison()
	out, err := JUnit(rep)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	last := doc.Suites[len(doc.Suites)-1]
	if last.Name != "dataready.regressions" || last.Tests != 4 || last.Failures != 2 {
		t.Fatalf("last suite %s: %d tests, %d failures; want dataready.regressions, 4, 2", last.Name, last.Tests, last.Failures)
	}
	failed := map[string]string{}
	for _, c := range last.Cases {
		if c.Failure != nil {
			failed[c.Name] = c.Failure.Type + ": " + c.Failure.Message
		}
	}
	if got := failed["labels.conflicts"]; got != "regression: worse since the baseline: status warn → fail; conflict_rate 0.4% → 0.51%" {
		t.Errorf("labels.conflicts failure = %q", got)
	}
	if _, ok := failed["volume.class_minimum"]; !ok || len(failed) != 2 {
		t.Errorf("failing cases %v, want labels.conflicts and volume.class_minimum", failed)
	}
}
