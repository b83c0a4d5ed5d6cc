package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"dataready/audit"
)

// Limits of the failure text of a JUnit test case.
const (
	// junitMaxExamples is how many examples a failure, error or warning lists.
	junitMaxExamples = 5
	// junitMaxRowsPerExample is how many row locations each example lists.
	junitMaxRowsPerExample = 3
	// junitMaxValue is the rune limit of one value, cut with an ellipsis.
	junitMaxValue = 200
)

// JUnit renders the report as JUnit XML so that CI dashboards show each
// check as a test case.
//
// The structure is the one the Jenkins JUnit plugin and GitLab's unit test
// reports read (not the strict Ant-derived XSD, which has no skipped count
// and requires timestamp, hostname and properties, things that would vary
// from run to run):
//
//	testsuites[name="dataready", tests, failures, errors, skipped, time]
//	  testsuite[name="dataready.<family>", tests, failures, errors, skipped, time]   one per family, in check order
//	    testcase[name="<check id>", classname="dataready.<family>", time]             one per check, in check order
//	      failure[message, type="fail"]    status fail: the summary and the top examples with their locations
//	      error[message, type="error"]     status error: the same
//	      skipped[message]                 status skip
//	      system-out                       status warn ("WARN: " summary and examples) or pass (the summary); the case passes
//
// With a comparison (--baseline), one more suite "dataready.regressions"
// holds a test case per check of the current report: it fails (type
// "regression") when the check's status or a metric of it regressed since
// the baseline, and lists those changes; otherwise it passes.
//
// A failure's or error's message attribute is the one-line summary; the
// element's text repeats it and adds up to 5 examples with up to 3 row
// locations each (file:line, split, id).
//
// time is always "0" rather than left out: the checks run together in one
// streaming pass over the data, so a check has no duration of its own, and
// a fixed value keeps junit.xml byte-identical from run to run (the wall
// time is in report.json's run section); writing it keeps readers that
// expect the attribute happy, and both Jenkins and GitLab read a missing
// time as 0 anyway. No timestamp or hostname is written, for the same reason.
//
// Attributes are escaped by encoding/xml; the text of failure, error and
// system-out is written as CDATA so its line breaks stay readable, with any
// "]]>" in it split across two CDATA sections by encoding/xml, so it comes
// back as text. Characters XML 1.0 does not allow (control characters
// other than tab, newline and carriage return, U+FFFE, U+FFFF) are dropped
// and invalid UTF-8 becomes U+FFFD, so the file parses whatever the
// dataset holds.
func JUnit(rep *audit.Report) ([]byte, error) {
	if rep == nil {
		return nil, errors.New("junit: nil report")
	}
	root := junitSuites{Name: "dataready", Time: "0"}
	index := map[string]int{}
	for _, c := range rep.Checks {
		family := junitFamily(c)
		i, ok := index[family]
		if !ok {
			i = len(root.Suites)
			index[family] = i
			root.Suites = append(root.Suites, junitSuite{Name: junitLine("dataready." + family), Time: "0"})
		}
		suite := &root.Suites[i]
		tc := junitCase{Name: junitLine(c.ID), Classname: suite.Name, Time: "0"}
		summary := junitLine(c.Summary)
		suite.Tests++
		switch c.Status {
		case audit.Fail:
			suite.Failures++
			tc.Failure = &junitProblem{Message: summary, Type: "fail", Text: junitDetails(c, "")}
		case audit.Error:
			suite.Errors++
			tc.Error = &junitProblem{Message: summary, Type: "error", Text: junitDetails(c, "")}
		case audit.Skip:
			suite.Skipped++
			if summary == "" {
				summary = "skipped"
			}
			tc.Skipped = &junitSkipped{Message: summary}
		case audit.Warn:
			tc.SystemOut = &junitOutput{junitDetails(c, "WARN: ")}
		case audit.Pass:
			tc.SystemOut = &junitOutput{summary}
		default:
			// An unknown status is not a pass: report it as an error.
			suite.Errors++
			tc.Error = &junitProblem{
				Message: junitLine(fmt.Sprintf("unknown status %q: %s", c.Status, c.Summary)),
				Type:    "error",
				Text:    junitDetails(c, ""),
			}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	if rep.Comparison != nil {
		root.Suites = append(root.Suites, junitRegressions(rep.Comparison))
	}
	for _, s := range root.Suites {
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Errors += s.Errors
		root.Skipped += s.Skipped
	}

	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode junit: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode junit: %w", err)
	}
	b.WriteString("\n")
	return b.Bytes(), nil
}

// junitSuites is the root element.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

// junitSuite holds the checks of one family.
type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

// junitCase is one check.
type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitSkipped `xml:"skipped"`
	SystemOut *junitOutput  `xml:"system-out"`
}

// junitOutput is the text of system-out.
type junitOutput struct {
	Text string `xml:",cdata"`
}

// junitProblem is a failure or an error.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// junitSkipped marks a skipped check.
type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// junitFamily is the family of a check: its Family, else the part of its id
// before the first dot, else "checks".
func junitFamily(c audit.CheckResult) string {
	if f := cleanLine(c.Family); f != "" {
		return f
	}
	if f, _, ok := strings.Cut(cleanLine(c.ID), "."); ok && f != "" {
		return f
	}
	return "checks"
}

// junitDetails is the text of a failure, error or warning: prefix and the
// summary, then the first examples with their row locations.
func junitDetails(c audit.CheckResult, prefix string) string {
	var b strings.Builder
	b.WriteString(prefix + junitLine(c.Summary))
	if len(c.Examples) == 0 {
		return b.String()
	}
	shown := c.Examples[:min(len(c.Examples), junitMaxExamples)]
	total := max(c.ExamplesTotal, int64(len(c.Examples)))
	fmt.Fprintf(&b, "\n\nExamples (%d of %d):", len(shown), total)
	for _, ex := range shown {
		b.WriteString("\n- " + junitExample(ex))
		for i, r := range ex.Rows {
			if i == junitMaxRowsPerExample {
				n := len(ex.Rows) - junitMaxRowsPerExample
				fmt.Fprintf(&b, "\n    +%d more %s", n, pluralWord(n, "row", "rows"))
				break
			}
			b.WriteString("\n    " + junitRowRef(r))
		}
	}
	return b.String()
}

// junitExample is an example's title and values on one line.
func junitExample(ex audit.Example) string {
	title := junitLine(ex.Title)
	if title == "" {
		title = "example"
	}
	if len(ex.Values) == 0 {
		return title
	}
	keys := make([]string, 0, len(ex.Values))
	for k := range ex.Values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = junitLine(k) + "=" + junitLine(exampleValue(ex.Values[k]))
	}
	return title + " (" + strings.Join(vals, ", ") + ")"
}

// junitRowRef is a row location: "file:line (split S, id X)".
func junitRowRef(r audit.RowRef) string {
	s := junitLine(r.File) + ":" + strconv.FormatInt(r.Line, 10)
	var extra []string
	if r.Split != "" {
		extra = append(extra, "split "+junitLine(r.Split))
	}
	if r.ID != "" {
		extra = append(extra, "id "+junitLine(r.ID))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

// junitLine is s as one line of XML-safe text cut to junitMaxValue runes:
// white space collapsed, control characters and others XML 1.0 does not
// allow dropped.
func junitLine(s string) string {
	return cutRunes(junitText(cleanLine(s)), junitMaxValue)
}

// junitText drops what XML 1.0 does not allow from s (see isXMLChar10) and
// replaces invalid UTF-8 by U+FFFD, keeping tabs and newlines.
func junitText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, func(r rune) bool { return !isXMLChar10(r) }) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if isXMLChar10(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isXMLChar10 reports whether r is a Char of XML 1.0:
// #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
func isXMLChar10(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= utf8.MaxRune)
}

// junitRegressions is the suite of the comparison: a case per check of the
// current report, failing when it regressed.
func junitRegressions(c *audit.Comparison) junitSuite {
	suite := junitSuite{Name: "dataready.regressions", Time: "0"}
	worse := map[string][]changeLine{}
	for _, l := range viewComparison(c).Worse {
		worse[l.Check] = append(worse[l.Check], l)
	}
	for _, cc := range c.Checks {
		if cc.Change == audit.Removed {
			continue
		}
		tc := junitCase{Name: junitLine(cc.ID), Classname: suite.Name, Time: "0"}
		suite.Tests++
		if lines := worse[cc.ID]; len(lines) > 0 {
			suite.Failures++
			var parts []string
			var text strings.Builder
			fmt.Fprintf(&text, "worse since %s (snapshot %s):\n", reportLabel(c.Baseline), timeText(c.Baseline.SnapshotTime))
			for _, l := range lines {
				part := fmt.Sprintf("%s %s → %s", l.What, l.Old, l.New)
				parts = append(parts, part)
				if l.Delta != "" {
					part += ", " + l.Delta
				}
				fmt.Fprintf(&text, "  %s\n", part)
			}
			tc.Failure = &junitProblem{Message: junitLine("worse since the baseline: " + strings.Join(parts, "; ")), Type: "regression", Text: junitText(text.String())}
		} else {
			tc.SystemOut = &junitOutput{"no regression since the baseline"}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	return suite
}
