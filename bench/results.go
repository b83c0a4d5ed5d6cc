package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Results is everything RESULTS.md reports.
type Results struct {
	Date    time.Time
	Machine Machine
	Command string
	Audit   string // commit of the audited module, when known
	DuckDB  string // version; empty when DuckDB did not run
	Pandas  string // version; empty when pandas did not run
	Runs    int
	Scaling bool
	Sizes   []SizeResults
	Notes   []string
	// Redact maps paths of this machine (data, work and module folders) to
	// the placeholders Render writes instead, so RESULTS.md names none.
	Redact []string

	// Filled by finish.
	Targets    []Target
	Mismatches []string
	Failures   []string
}

// SizeResults are the measurements on the dataset of one size.
type SizeResults struct {
	Rows      int
	Formats   []string
	Bytes     map[string]int64 // format -> file size
	Engines   []string         // engines measured, in table order
	Queries   []string         // queries measured
	Variants  []AuditVariant   // audit variants measured
	Summaries map[TaskKey]Summary
	Failed    map[TaskKey]string
	Checks    []Check
	// Reference holds DuckDB's answer per query, from the first format measured.
	Reference map[string]Answer
}

// Check is one comparison of answers.
type Check struct {
	Query string
	// Column is the correctness table's column the check belongs to; empty
	// for checks listed only when they fail (DuckDB's runs agreeing).
	Column  string
	Subject string // what was compared, e.g. "audit, every check, csv, run 2"
	Against string // the reference, e.g. "DuckDB csv"
	Diff    []string
}

// Target is one ratio line of the targets.
type Target struct {
	Text   string
	Status string // met, not met, or a reason it was not measured
}

// formatName is a format as the tables write it.
func formatName(f string) string {
	if f == "csv" {
		return "CSV"
	}
	return "Parquet"
}

// taskTitle names a task in progress lines and check subjects.
func taskTitle(k TaskKey, version string) string {
	switch k.Engine {
	case "audit":
		for _, v := range []AuditVariant{auditFull, auditNoNear, auditOne} {
			if v.Key == k.Name {
				return fmt.Sprintf("%s, %s", v.Title, formatName(k.Format))
			}
		}
	case "duckdb":
		return fmt.Sprintf("DuckDB%s %s, %s", version, k.Name, formatName(k.Format))
	case "pandas":
		return fmt.Sprintf("pandas%s %s, %s", version, k.Name, formatName(k.Format))
	}
	return fmt.Sprintf("%s %s %s", k.Engine, k.Name, k.Format)
}

// newSizeResults summarises the outcomes of the tasks on ds and compares
// every answer with DuckDB's: the audit's and pandas' on the same format,
// DuckDB's Parquet answers with its CSV ones, and every repeated run with
// the first.
func newSizeResults(ds Dataset, formats []string, tasks []Task, out map[TaskKey]*Outcome) SizeResults {
	sr := SizeResults{
		Rows: ds.Rows, Formats: formats, Bytes: ds.Bytes,
		Summaries: map[TaskKey]Summary{}, Failed: map[TaskKey]string{}, Reference: map[string]Answer{},
	}
	for _, t := range tasks {
		o := out[t.TaskKey]
		if !slices.Contains(sr.Engines, t.Engine) {
			sr.Engines = append(sr.Engines, t.Engine)
		}
		if t.Engine == "audit" {
			for _, v := range []AuditVariant{auditFull, auditNoNear, auditOne} {
				if v.Key == t.Name && !slices.Contains(sr.Variants, v) {
					sr.Variants = append(sr.Variants, v)
				}
			}
		} else if !slices.Contains(sr.Queries, t.Name) {
			sr.Queries = append(sr.Queries, t.Name)
		}
		if len(o.Runs) > 0 {
			sr.Summaries[t.TaskKey] = Summarize(o.Runs)
		}
		if o.Err != nil {
			sr.Failed[t.TaskKey] = o.Err.Error()
		}
	}
	slices.SortStableFunc(sr.Queries, strings.Compare)

	// DuckDB's answers per format, from its first run.
	duck := map[string]map[string]Answer{}
	for _, f := range formats {
		duck[f] = map[string]Answer{}
		for _, q := range sr.Queries {
			o := out[TaskKey{ds.Rows, f, "duckdb", q}]
			if o == nil || len(o.Answers) == 0 {
				continue
			}
			duck[f][q] = o.Answers[0][q]
			if _, ok := sr.Reference[q]; !ok {
				sr.Reference[q] = o.Answers[0][q]
			}
		}
	}
	ref := func(f, q string) (Answer, string, bool) {
		if a, ok := duck[f][q]; ok {
			return a, "DuckDB " + formatName(f), true
		}
		for _, g := range formats {
			if a, ok := duck[g][q]; ok {
				return a, "DuckDB " + formatName(g), true
			}
		}
		return nil, "", false
	}
	add := func(q, column, subject string, got Answer, f string) {
		want, against, ok := ref(f, q)
		if !ok {
			return
		}
		sr.Checks = append(sr.Checks, Check{Query: q, Column: column, Subject: subject, Against: against, Diff: Diff(got, want)})
	}
	for _, t := range tasks {
		o := out[t.TaskKey]
		for i, ans := range o.Answers {
			subject := fmt.Sprintf("%s, run %d", taskTitle(t.TaskKey, ""), i+1)
			switch t.Engine {
			case "duckdb":
				q := t.Name
				if i > 0 {
					sr.Checks = append(sr.Checks, Check{Query: q, Subject: subject, Against: "its run 1", Diff: Diff(ans[q], o.Answers[0][q])})
				}
				if t.Format != formats[0] {
					if want, ok := duck[formats[0]][q]; ok {
						sr.Checks = append(sr.Checks, Check{Query: q, Column: "DuckDB " + formatName(t.Format), Subject: subject,
							Against: "DuckDB " + formatName(formats[0]), Diff: Diff(ans[q], want)})
					}
				}
			case "audit":
				for _, q := range slices.Sorted(maps.Keys(ans)) {
					if slices.Contains(sr.Queries, q) {
						add(q, "audit "+formatName(t.Format), subject, ans[q], t.Format)
					}
				}
			case "pandas":
				add(t.Name, "pandas "+formatName(t.Format), subject, ans[t.Name], t.Format)
			}
		}
	}
	return sr
}

// finish derives the target lines, mismatches and failures.
func (r *Results) finish() {
	r.Targets, r.Mismatches, r.Failures = nil, nil, nil
	for _, s := range r.Sizes {
		for _, c := range s.Checks {
			if len(c.Diff) > 0 {
				r.Mismatches = append(r.Mismatches, fmt.Sprintf("%s rows, %s: %s differs from %s: %s",
					thousands(int64(s.Rows)), c.Query, c.Subject, c.Against, strings.Join(c.Diff, "; ")))
			}
		}
		for _, k := range slices.SortedFunc(maps.Keys(s.Failed), compareKeys) {
			r.Failures = append(r.Failures, fmt.Sprintf("%s rows, %s: %s", thousands(int64(s.Rows)), taskTitle(k, ""), s.Failed[k]))
		}
	}
	r.Targets = targets(r.Sizes, r.Scaling)
}

func compareKeys(a, b TaskKey) int {
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// targetRows is the size the issue sets its targets at.
const targetRows = 10_000_000

// maxRSS is target 3's bound on the full audit's peak RSS: 1.5 GB.
const maxRSS = 1.5e9

// targets computes the ratios from the measured sizes.
func targets(sizes []SizeResults, scaling bool) []Target {
	var out []Target
	status := func(ok bool) string {
		if ok {
			return "met"
		}
		return "not met"
	}
	for _, s := range sizes {
		rows := thousands(int64(s.Rows)) + " rows"
		get := func(f, engine, name string) (Summary, bool) {
			sum, ok := s.Summaries[TaskKey{s.Rows, f, engine, name}]
			return sum, ok
		}
		// 1. full audit vs DuckDB Q5, per format.
		for _, f := range s.Formats {
			a, okA := get(f, "audit", auditFull.Key)
			d, okD := get(f, "duckdb", "Q5")
			text := fmt.Sprintf("(1) %s, %s: full audit ÷ DuckDB Q5 ≤ 1.0", rows, formatName(f))
			if !okA || !okD {
				out = append(out, Target{text, "not measured"})
				continue
			}
			ratio := a.Median.Seconds() / d.Median.Seconds()
			out = append(out, Target{fmt.Sprintf("%s: %s ÷ %s = %.2f×", text, formatSeconds(a.Median), formatSeconds(d.Median), ratio), status(ratio <= 1.0)})
		}
		// 2. audit without near-duplicates vs DuckDB Q1, CSV.
		if slices.Contains(s.Formats, "csv") {
			a, okA := get("csv", "audit", auditNoNear.Key)
			d, okD := get("csv", "duckdb", "Q1")
			text := fmt.Sprintf("(2) %s, CSV: audit without near-duplicates ÷ DuckDB Q1 ≤ 2.5", rows)
			if !okA || !okD {
				out = append(out, Target{text, "not measured"})
			} else {
				ratio := a.Median.Seconds() / d.Median.Seconds()
				out = append(out, Target{fmt.Sprintf("%s: %s ÷ %s = %.2f×", text, formatSeconds(a.Median), formatSeconds(d.Median), ratio), status(ratio <= 2.5)})
			}
		}
		// 3. peak RSS of the full audit.
		for _, f := range s.Formats {
			text := fmt.Sprintf("(3) %s, %s: peak RSS of the full audit ≤ 1.5 GB", rows, formatName(f))
			a, ok := get(f, "audit", auditFull.Key)
			if !ok {
				out = append(out, Target{text, "not measured"})
				continue
			}
			out = append(out, Target{fmt.Sprintf("%s: %s", text, formatBytes(a.PeakRSS)), status(float64(a.PeakRSS) <= maxRSS)})
		}
		// 4. workers 1 vs the default.
		if scaling {
			a1, ok1 := get("csv", "audit", auditOne.Key)
			a, ok := get("csv", "audit", auditFull.Key)
			text := fmt.Sprintf("(4) %s, CSV: full audit with --workers 1 ÷ default workers (GOMAXPROCS) ≥ 1.7 (whole run, not only the CPU-bound stages)", rows)
			if !ok1 || !ok {
				out = append(out, Target{text, "not measured"})
			} else {
				ratio := a1.Median.Seconds() / a.Median.Seconds()
				out = append(out, Target{fmt.Sprintf("%s: %s ÷ %s = %.2f×", text, formatSeconds(a1.Median), formatSeconds(a.Median), ratio), status(ratio >= 1.7)})
			}
			text = fmt.Sprintf("(4) %s, CSV: the CPU-bound stages (%s) with --workers 1 ÷ default workers ≥ 1.7", rows, strings.Join(cpuStages, " + "))
			c1, ok1 := stageSum(a1, cpuStages)
			c, ok := stageSum(a, cpuStages)
			if !ok1 || !ok || c <= 0 {
				out = append(out, Target{text, "not measured"})
			} else {
				ratio := c1.Seconds() / c.Seconds()
				out = append(out, Target{fmt.Sprintf("%s: %s ÷ %s = %.2f×", text, formatSeconds(c1), formatSeconds(c), ratio), status(ratio >= 1.7)})
			}
		}
	}
	if !slices.ContainsFunc(sizes, func(s SizeResults) bool { return s.Rows == targetRows }) {
		out = append(out, Target{fmt.Sprintf("%s rows (the size the targets are set at)", thousands(targetRows)), "not measured in this run"})
	}
	// RSS growth between sizes: with distinct keys, not rows.
	for i := 1; i < len(sizes); i++ {
		a, b := sizes[i-1], sizes[i]
		for _, f := range a.Formats {
			x, okX := a.Summaries[TaskKey{a.Rows, f, "audit", auditFull.Key}]
			y, okY := b.Summaries[TaskKey{b.Rows, f, "audit", auditFull.Key}]
			if okX && okY && x.PeakRSS > 0 {
				out = append(out, Target{fmt.Sprintf("RSS growth, %s, full audit: %s rows %s → %s rows %s (%.1f× for %.0f× the rows)",
					formatName(f), thousands(int64(a.Rows)), formatBytes(x.PeakRSS), thousands(int64(b.Rows)), formatBytes(y.PeakRSS),
					float64(y.PeakRSS)/float64(x.PeakRSS), float64(b.Rows)/float64(a.Rows)), "report only"})
			}
		}
	}
	return out
}

// Render writes RESULTS.md.
func (r *Results) Render(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# dataready benchmark results\n\n")
	fmt.Fprintf(&b, "Measured %s with `%s` (see [README.md](README.md) for what it runs).\n\n", r.Date.Format("2006-01-02 15:04 MST"), r.Command)
	m := r.Machine
	fmt.Fprintf(&b, "- Machine: %d cores, %s, %s memory, %s", m.Cores, orUnknown(m.CPU), formatBytes(m.MemBytes), m.Go)
	if m.Load != "" {
		fmt.Fprintf(&b, "; load average %s at the start", m.Load)
		if m.LoadEnd != "" {
			fmt.Fprintf(&b, ", %s at the end", m.LoadEnd)
		}
		b.WriteString(" (the machine is shared: compare ratios within one run, not across runs)")
	}
	b.WriteString(".\n")
	var eng []string
	if r.Audit != "" {
		eng = append(eng, "audit at commit "+r.Audit+" (`audit run --format json`, default workers)")
	}
	if r.DuckDB != "" {
		eng = append(eng, "DuckDB "+r.DuckDB+" (duckdb-go, default settings)")
	}
	if r.Pandas != "" {
		eng = append(eng, "pandas "+r.Pandas)
	}
	if len(eng) > 0 {
		fmt.Fprintf(&b, "- Engines: %s.\n", strings.Join(eng, ", "))
	}
	fmt.Fprintf(&b, "- Each cell: median wall time of %s (min–max) · peak RSS, the highest of the runs (GB = 10⁹ bytes). "+
		"Every run is its own process, timed from fork to wait4, RSS from its rusage; rounds alternate over all tasks; page cache warm.\n",
		plural(r.Runs, "run", "runs"))
	for _, s := range r.Sizes {
		r.renderSize(&b, s)
	}
	b.WriteString("\n## Targets\n\n")
	b.WriteString("The issue's targets are set at 10,000,000 rows; smaller sizes are shown for orientation.\n\n")
	for _, t := range r.Targets {
		switch t.Status {
		case "met", "not met":
			fmt.Fprintf(&b, "- %s — **%s**\n", t.Text, t.Status)
		default:
			fmt.Fprintf(&b, "- %s — %s\n", t.Text, t.Status)
		}
	}
	b.WriteString("\n## Correctness\n\n")
	if len(r.Mismatches) == 0 {
		b.WriteString("Every compared answer is equal.\n")
	} else {
		fmt.Fprintf(&b, "**%s:**\n\n", plural(len(r.Mismatches), "MISMATCH", "MISMATCHES"))
		for _, x := range r.Mismatches {
			fmt.Fprintf(&b, "- %s\n", x)
		}
	}
	if len(r.Failures) > 0 {
		fmt.Fprintf(&b, "\n**%s:**\n\n", plural(len(r.Failures), "failed task", "failed tasks"))
		for _, x := range r.Failures {
			fmt.Fprintf(&b, "- %s\n", firstLine(x))
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	_, err := io.WriteString(w, r.redact(b.String()))
	return err
}

// redact replaces the paths of r.Redact (pairs of path, placeholder), the
// longest first, in s.
func (r *Results) redact(s string) string {
	type pair struct{ from, to string }
	var pairs []pair
	for i := 0; i+1 < len(r.Redact); i += 2 {
		if r.Redact[i] != "" && r.Redact[i] != "/" {
			pairs = append(pairs, pair{r.Redact[i], r.Redact[i+1]})
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return len(b.from) - len(a.from) })
	var args []string
	for _, p := range pairs {
		args = append(args, p.from, p.to)
	}
	return strings.NewReplacer(args...).Replace(s)
}

func (r *Results) renderSize(b *strings.Builder, s SizeResults) {
	var files []string
	for _, f := range s.Formats {
		files = append(files, fmt.Sprintf("%s %s", formatName(f), formatBytes(s.Bytes[f])))
	}
	fmt.Fprintf(b, "\n## %s rows (%s)\n", thousands(int64(s.Rows)), strings.Join(files, ", "))
	cell := func(k TaskKey) string {
		if msg, ok := s.Failed[k]; ok && s.Summaries[k].Runs == 0 {
			return "failed: " + cut(firstLine(msg), 80)
		}
		sum, ok := s.Summaries[k]
		if !ok {
			return "—"
		}
		return formatSummary(sum)
	}
	if len(s.Variants) > 0 {
		b.WriteString("\n| audit |")
		for _, f := range s.Formats {
			fmt.Fprintf(b, " %s |", formatName(f))
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(s.Formats)) + "\n")
		for _, v := range s.Variants {
			fmt.Fprintf(b, "| %s |", v.Title)
			for _, f := range s.Formats {
				fmt.Fprintf(b, " %s |", cell(TaskKey{s.Rows, f, "audit", v.Key}))
			}
			b.WriteString("\n")
		}
		renderStages(b, s)
	}
	if len(s.Queries) > 0 {
		b.WriteString("\n| engine |")
		for _, q := range s.Queries {
			qq, _ := queryByID(q)
			fmt.Fprintf(b, " %s %s |", q, qq.Title)
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(s.Queries)) + "\n")
		for _, e := range []string{"duckdb", "pandas"} {
			if !slices.Contains(s.Engines, e) {
				continue
			}
			for _, f := range s.Formats {
				if !s.hasTasks(e, f) {
					continue
				}
				name := map[string]string{"duckdb": "DuckDB", "pandas": "pandas"}[e]
				fmt.Fprintf(b, "| %s, %s |", name, formatName(f))
				for _, q := range s.Queries {
					fmt.Fprintf(b, " %s |", cell(TaskKey{s.Rows, f, e, q}))
				}
				b.WriteString("\n")
			}
		}
	}
	// Correctness table.
	var cols []string
	for _, c := range []string{"DuckDB Parquet", "audit CSV", "audit Parquet", "pandas CSV", "pandas Parquet"} {
		if slices.ContainsFunc(s.Checks, func(ch Check) bool { return ch.Column == c }) {
			cols = append(cols, c)
		}
	}
	if len(s.Reference) == 0 {
		return
	}
	b.WriteString("\nAnswers (DuckDB's) and whether the other engines' equal them (`=`: every run equal):\n\n")
	b.WriteString("| query | DuckDB's answer |")
	for _, c := range cols {
		fmt.Fprintf(b, " %s |", c)
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(cols)) + "\n")
	for _, q := range s.Queries {
		a, ok := s.Reference[q]
		if !ok {
			continue
		}
		fmt.Fprintf(b, "| %s | %s |", q, formatAnswer(a))
		for _, c := range cols {
			n, bad := 0, 0
			for _, ch := range s.Checks {
				if ch.Query == q && ch.Column == c {
					n++
					if len(ch.Diff) > 0 {
						bad++
					}
				}
			}
			switch {
			case n == 0:
				b.WriteString(" — |")
			case bad > 0:
				fmt.Fprintf(b, " **MISMATCH** (%d of %d) |", bad, n)
			default:
				fmt.Fprintf(b, " = (%d) |", n)
			}
		}
		b.WriteString("\n")
	}
}

func (s SizeResults) hasTasks(engine, format string) bool {
	for _, q := range s.Queries {
		k := TaskKey{s.Rows, format, engine, q}
		if _, ok := s.Summaries[k]; ok {
			return true
		}
		if _, ok := s.Failed[k]; ok {
			return true
		}
	}
	return false
}

// formatSummary is a table cell: median (min–max) · peak RSS.
func formatSummary(s Summary) string {
	if s.Runs <= 1 {
		return fmt.Sprintf("%s · %s", formatSeconds(s.Median), formatBytes(s.PeakRSS))
	}
	return fmt.Sprintf("%s (%s–%s) · %s", formatSeconds(s.Median), trimUnit(formatSeconds(s.Min)), formatSeconds(s.Max), formatBytes(s.PeakRSS))
}

// formatSeconds writes d in seconds with three significant digits (at
// least two decimals below 10 s, none from 100 s).
func formatSeconds(d time.Duration) string {
	s := d.Seconds()
	switch {
	case s < 10:
		return fmt.Sprintf("%.2f s", s)
	case s < 100:
		return fmt.Sprintf("%.1f s", s)
	}
	return fmt.Sprintf("%.0f s", s)
}

func trimUnit(s string) string { return strings.TrimSuffix(s, " s") }

// formatBytes writes n in decimal MB below 1 GB, else GB with two decimals.
func formatBytes(n int64) string {
	if n < 1e9 {
		return fmt.Sprintf("%.0f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// formatAnswer writes a short answer in full and a long one as its size
// and sum.
func formatAnswer(a Answer) string {
	keys := slices.Sorted(maps.Keys(a))
	if len(keys) > 3 {
		var sum int64
		for _, k := range keys {
			sum += a[k]
		}
		return fmt.Sprintf("%d counts, sum %s", len(keys), thousands(sum))
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %s", k, thousands(a[k]))
	}
	return strings.Join(parts, ", ")
}

// thousands writes n with comma separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// renderStages writes the median wall time of each stage of every audit
// task of s (from the reports' run.stages), when the audit reported them.
func renderStages(b *strings.Builder, s SizeResults) {
	var names []string
	type row struct {
		title  string
		stages map[string]time.Duration
	}
	var rows []row
	for _, v := range s.Variants {
		for _, f := range s.Formats {
			sum, ok := s.Summaries[TaskKey{s.Rows, f, "audit", v.Key}]
			if !ok || len(sum.Stages) == 0 {
				continue
			}
			r := row{title: fmt.Sprintf("%s, %s", v.Title, formatName(f)), stages: map[string]time.Duration{}}
			for _, st := range sum.Stages {
				if !slices.Contains(names, st.Name) {
					names = append(names, st.Name)
				}
				r.stages[st.Name] = st.Wall
			}
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\nWhere the audit's time goes: the median of each stage (`run.stages` of report.json; docs/report.md says what each does).\n")
	b.WriteString("\n| audit stages |")
	for _, n := range names {
		fmt.Fprintf(b, " %s |", n)
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(names)) + "\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s |", r.title)
		for _, n := range names {
			if d, ok := r.stages[n]; ok {
				fmt.Fprintf(b, " %s |", formatSeconds(d))
			} else {
				b.WriteString(" — |")
			}
		}
		b.WriteString("\n")
	}
}

// cpuStages are the stages of an audit run that run on every worker: the
// ones target 4 is about.
var cpuStages = []string{"read", "search"}

// stageSum is the total median wall time of the named stages of sum, and
// whether it has them all.
func stageSum(sum Summary, names []string) (time.Duration, bool) {
	var total time.Duration
	for _, n := range names {
		i := slices.IndexFunc(sum.Stages, func(st Stage) bool { return st.Name == n })
		if i < 0 {
			return 0, false
		}
		total += sum.Stages[i].Wall
	}
	return total, true
}
