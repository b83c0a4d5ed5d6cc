package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"dataready/audit"
)

// Limits of the Markdown summary. They keep report.md under about 60 lines
// and readable in a pull-request comment whatever the size of the report.
const (
	// mdMaxTableRows is how many checks the table lists; beyond it the
	// worst checks are listed and the rest are counted in one line.
	mdMaxTableRows = 20
	// mdMaxFindings is how many failing or warning checks "Top findings" details.
	mdMaxFindings = 5
	// mdMaxExamples is how many examples each finding shows.
	mdMaxExamples = 3
	// mdMaxRowsPerExample is how many row locations each example shows.
	mdMaxRowsPerExample = 2
	// mdMaxValues is how many named values each example shows.
	mdMaxValues = 4
	// mdMaxSplits is how many splits the dataset line names.
	mdMaxSplits = 6
)

// Rune limits of single values, past which they are cut with an ellipsis.
const (
	mdMaxSummary = 160
	mdMaxReason  = 120
	mdMaxTitle   = 60
	mdMaxValue   = 40
	mdMaxPath    = 60
)

// Markdown renders the report as GitHub-flavoured Markdown for CI job
// summaries and pull-request comments: the verdict and its reason, the row
// counts, a table of checks, the top findings with example locations, and
// links to htmlName (the HTML report, a relative file name such as
// "report.html"; empty for none) and report.json; with a comparison
// (--baseline), a short "since the last snapshot" part after the row
// counts. The output stays under 60 lines whatever the number of checks or
// examples, plus 7 with a comparison. An absolute htmlName, or
// one with a scheme or drive letter, is an error: the file is meant to be
// moved together with the HTML report, and must not name a path of the
// machine that wrote it.
//
// Every string that may come from the dataset (labels, ids, file and split
// names, summaries) is written as escaped text, never as raw Markdown or
// HTML: white space is collapsed to single spaces, control characters are
// dropped, long values are cut with an ellipsis, `<`, `>` and `&` become
// entities and other Markdown punctuation is backslash-escaped.
func Markdown(rep *audit.Report, htmlName string) ([]byte, error) {
	if rep == nil {
		return nil, errors.New("markdown: nil report")
	}
	if htmlName != "" && (path.IsAbs(htmlName) || strings.HasPrefix(htmlName, `\`) || strings.Contains(htmlName, ":")) {
		return nil, fmt.Errorf("markdown: HTML report name %q must be a relative file name", htmlName)
	}
	var b bytes.Buffer

	word, icon := mdVerdict(rep.Verdict)
	fmt.Fprintf(&b, "## %s %s", icon, word)
	if reason := mdTrimVerdict(rep.Reason, word); reason != "" {
		fmt.Fprintf(&b, ": %s", mdText(reason, mdMaxReason))
	}
	b.WriteString("\n\n")

	b.WriteString(mdDatasetLine(rep))
	b.WriteString("\n\n")

	if rep.Comparison != nil {
		mdComparisonBrief(&b, rep.Comparison)
	}

	mdChecksTable(&b, rep.Checks, htmlName)
	mdTopFindings(&b, rep.Checks, htmlName)

	if htmlName != "" {
		fmt.Fprintf(&b, "Full report: [%s](%s) · data: [report.json](report.json)\n", mdText(htmlName, mdMaxPath), mdLinkDest(htmlName))
	} else {
		b.WriteString("Data: [report.json](report.json)\n")
	}
	return b.Bytes(), nil
}

// mdVerdict returns the verdict as words and an icon, so it reads
// without colour.
func mdVerdict(v audit.Verdict) (word, icon string) {
	switch v {
	case audit.Ready:
		return "Ready", "✅"
	case audit.ReadyWithWarnings:
		return "Ready with warnings", "⚠️"
	case audit.NotReady:
		return "Not ready", "❌"
	}
	return mdText(string(v), mdMaxValue), "❔"
}

// mdStatus returns a status as an icon and its word.
func mdStatus(s audit.Status) string {
	switch s {
	case audit.Pass:
		return "✅ pass"
	case audit.Warn:
		return "⚠️ warn"
	case audit.Fail:
		return "❌ fail"
	case audit.Skip:
		return "⏭️ skip"
	case audit.Error:
		return "💥 error"
	}
	return "❔ " + mdText(string(s), mdMaxValue)
}

// mdSeverity orders statuses from most to least urgent.
func mdSeverity(s audit.Status) int {
	switch s {
	case audit.Fail, audit.Error:
		return 0
	case audit.Warn:
		return 1
	case audit.Skip:
		return 3
	case audit.Pass:
		return 4
	}
	return 2
}

// mdTrimVerdict drops the verdict words the reason starts with
// ("not ready: 1 check fails — x" under the heading "Not ready"), so the
// heading does not say them twice. Other reasons ("could not audit: ...")
// are kept whole.
func mdTrimVerdict(reason, word string) string {
	reason = strings.TrimSpace(reason)
	prefix := strings.ToLower(word) + ":"
	if strings.HasPrefix(strings.ToLower(reason), prefix) {
		return strings.TrimSpace(reason[len(prefix):])
	}
	return reason
}

// mdDatasetLine is the one line with row counts and splits.
func mdDatasetLine(rep *audit.Report) string {
	d := rep.Dataset
	var b strings.Builder
	b.WriteString("**dataready**")
	if v := rep.Tool.Version; v != "" {
		b.WriteString(" " + mdText(v, mdMaxValue))
	}
	fmt.Fprintf(&b, " · %d rows read · %d audited · %d rejected", d.RowsRead, d.RowsAudited, d.RowsRejected)
	if n := len(rep.Problems); n > 0 {
		fmt.Fprintf(&b, " (%d input %s, see report.json)", n, pluralWord(n, "problem", "problems"))
	}
	if len(d.Splits) > 0 {
		b.WriteString(" · splits: ")
		for i, s := range d.Splits {
			if i == mdMaxSplits {
				fmt.Fprintf(&b, ", +%d more", len(d.Splits)-mdMaxSplits)
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", mdText(s.Name, mdMaxValue), s.Rows)
		}
	}
	return b.String()
}

// mdChecksTable writes the table of checks: all of them in report order,
// or, past mdMaxTableRows, the most urgent ones and a line counting the rest.
func mdChecksTable(b *bytes.Buffer, checks []audit.CheckResult, htmlName string) {
	if len(checks) == 0 {
		b.WriteString("No checks ran.\n\n")
		return
	}
	shown, rest := checks, []audit.CheckResult(nil)
	if len(checks) > mdMaxTableRows {
		sorted := slices.Clone(checks)
		slices.SortStableFunc(sorted, func(x, y audit.CheckResult) int {
			return mdSeverity(x.Status) - mdSeverity(y.Status)
		})
		shown, rest = sorted[:mdMaxTableRows], sorted[mdMaxTableRows:]
	}
	b.WriteString("| Status | Check | Summary |\n|---|---|---|\n")
	for _, c := range shown {
		fmt.Fprintf(b, "| %s | %s | %s |\n", mdStatus(c.Status), mdID(c.ID), mdText(c.Summary, mdMaxSummary))
	}
	if len(rest) > 0 {
		var parts []string
		for i := 0; i < len(rest); {
			j := i
			for j < len(rest) && rest[j].Status == rest[i].Status {
				j++
			}
			parts = append(parts, fmt.Sprintf("%d %s", j-i, mdText(string(rest[i].Status), mdMaxValue)))
			i = j
		}
		fmt.Fprintf(b, "\n…and %d more %s (%s): see %s.\n",
			len(rest), pluralWord(len(rest), "check", "checks"), strings.Join(parts, ", "), mdSeeWhere(htmlName))
	}
	b.WriteString("\n")
}

// mdTopFindings writes the failing (and erroring) checks, then the warning
// ones, at most mdMaxFindings, each with a few examples.
func mdTopFindings(b *bytes.Buffer, checks []audit.CheckResult, htmlName string) {
	var top []audit.CheckResult
	for _, c := range checks {
		if c.Status == audit.Fail || c.Status == audit.Error {
			top = append(top, c)
		}
	}
	for _, c := range checks {
		if c.Status == audit.Warn {
			top = append(top, c)
		}
	}
	if len(top) == 0 {
		return
	}
	b.WriteString("### Top findings\n\n")
	for i, c := range top {
		if i == mdMaxFindings {
			n := len(top) - mdMaxFindings
			fmt.Fprintf(b, "\n…and %d more failing or warning %s: see %s.\n", n, pluralWord(n, "check", "checks"), mdSeeWhere(htmlName))
			break
		}
		icon, _, _ := strings.Cut(mdStatus(c.Status), " ")
		fmt.Fprintf(b, "- %s **%s**: %s", icon, mdID(c.ID), mdText(c.Summary, mdMaxSummary))
		if total := max(c.ExamplesTotal, int64(len(c.Examples))); total > int64(min(len(c.Examples), mdMaxExamples)) {
			fmt.Fprintf(b, " (%d %s, first %d below)", total, pluralWord(int(total), "example", "examples"), min(len(c.Examples), mdMaxExamples))
		}
		b.WriteString("\n")
		for _, ex := range c.Examples[:min(len(c.Examples), mdMaxExamples)] {
			b.WriteString("  - " + mdExample(ex) + "\n")
		}
	}
	b.WriteString("\n")
}

// mdExample renders one example on one line: its title, its values and
// where its first rows are.
func mdExample(ex audit.Example) string {
	var b strings.Builder
	title := ex.Title
	if strings.TrimSpace(title) == "" {
		title = "example"
	}
	b.WriteString(mdText(title, mdMaxTitle))
	if len(ex.Values) > 0 {
		keys := make([]string, 0, len(ex.Values))
		for k := range ex.Values {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var vals []string
		for i, k := range keys {
			if i == mdMaxValues {
				vals = append(vals, "…")
				break
			}
			vals = append(vals, mdText(k, mdMaxValue)+" "+mdText(exampleValue(ex.Values[k]), mdMaxValue))
		}
		b.WriteString(" (" + strings.Join(vals, ", ") + ")")
	}
	if len(ex.Rows) > 0 {
		var locs []string
		for i, r := range ex.Rows {
			if i == mdMaxRowsPerExample {
				n := len(ex.Rows) - mdMaxRowsPerExample
				locs = append(locs, fmt.Sprintf("+%d more %s", n, pluralWord(n, "row", "rows")))
				break
			}
			locs = append(locs, mdRowRef(r))
		}
		b.WriteString(": " + strings.Join(locs, "; "))
	}
	return b.String()
}

// mdRowRef renders a row location as "file:line (split, id X)".
func mdRowRef(r audit.RowRef) string {
	s := mdText(cutRunesLeft(cleanLine(r.File), mdMaxPath), mdMaxPath+1) + ":" + strconv.FormatInt(r.Line, 10)
	var extra []string
	if r.Split != "" {
		extra = append(extra, mdText(r.Split, mdMaxValue))
	}
	if r.ID != "" {
		extra = append(extra, "id "+mdText(r.ID, mdMaxValue))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

// exampleValue writes an example value in a few characters: strings as they
// are ("" as two quotes), whole numbers without a fraction, other numbers with
// 4 significant digits, lists and maps as JSON.
func exampleValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "(null)"
	case string:
		if x == "" {
			return `""`
		}
		return x
	case float64:
		return exampleFloat(x)
	case float32:
		return exampleFloat(float64(x))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, bool:
		return fmt.Sprint(x)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// exampleFloat writes whole numbers without a fraction, others with 4
// significant digits.
func exampleFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'g', 4, 64)
}

// mdSeeWhere names the report that has everything.
func mdSeeWhere(htmlName string) string {
	if htmlName != "" {
		return mdText(htmlName, mdMaxPath)
	}
	return "report.json"
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// mdSafeID matches check ids that can go into a code span as they are.
var mdSafeID = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,80}$`)

// mdID renders a check id as a code span when it is made of safe
// characters (every registered id is), as escaped text otherwise.
func mdID(id string) string {
	if mdSafeID.MatchString(id) {
		return "`" + id + "`"
	}
	return mdText(id, mdMaxValue)
}

// mdLinkDest writes a relative file name as a link destination: percent-
// encoded, parentheses included, so no file name can end the link early.
func mdLinkDest(name string) string {
	u := (&url.URL{Path: name}).EscapedPath()
	u = strings.ReplaceAll(u, "(", "%28")
	return strings.ReplaceAll(u, ")", "%29")
}

// mdText makes s safe as inline Markdown text, in a table cell too: it is
// cleaned (see cleanLine) and cut to limit runes with an ellipsis; then `&`,
// `<` and `>` become entities, Markdown punctuation (\ ` * _ [ ] | ~ # $ !)
// is backslash-escaped, and so are the ':' of "://" and the '.' of "www."
// so that GitHub does not turn a URL into a link. The result renders as s
// (cut) and never as markup, HTML, a link, a table cell break or GitHub
// math. (GitHub still links e-mail addresses and @mentions in plain text;
// no escape prevents that.)
func mdText(s string, limit int) string {
	s = cutRunes(cleanLine(s), limit)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '$', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case ':':
			if strings.HasPrefix(s[i+1:], "//") {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		case '.':
			if i >= 3 && strings.EqualFold(s[i-3:i], "www") {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cleanLine makes s one line of printable text: invalid UTF-8 becomes U+FFFD,
// every run of white space (newlines included) one space, control
// characters, bidirectional overrides and byte order marks are dropped, and
// the ends are trimmed.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), isBidiMark(r), r == '\uFEFF':
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isBidiMark reports the invisible characters that reorder text.
func isBidiMark(r rune) bool {
	return r == '\u061C' || r == '\u200E' || r == '\u200F' ||
		(r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// cutRunes cuts s to at most limit runes, the last being an ellipsis.
func cutRunes(s string, limit int) string {
	if limit <= 0 || utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:limit-1]), unicode.IsSpace) + "…"
}

// cutRunesLeft cuts s to at most limit runes from the left, keeping its
// end (the file name of a path).
func cutRunesLeft(s string, limit int) string {
	if limit <= 0 || utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return "…" + string(r[len(r)-(limit-1):])
}
