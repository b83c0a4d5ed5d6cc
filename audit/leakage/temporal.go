package leakage

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"dataready/audit"
)

// Temporal is the spec of leakage.temporal.
var Temporal = audit.Spec{
	ID:     "leakage.temporal",
	Family: family,
	Title:  "Holdout dated before the end of train",
	Explain: "A model is deployed on traffic that comes after its training data. When holdout rows are older than " +
		"the newest train rows (a random split over time), the model is tested on the past with knowledge of " +
		"the future: it has seen later rows of the same period, trends, campaigns, incidents and label " +
		"definitions, so the holdout score flatters it and hides drift; the score on next month's traffic will " +
		"be lower. Fix: split by time (train on rows before a cut-off date, hold out the rows after it) and set " +
		"time_split: true, which turns this warning into a failure; or drop the listed holdout rows. Times are " +
		"read as RFC 3339, YYYY-MM-DD, YYYY-MM-DD HH:MM:SS (UTC) or Unix seconds; other values count as " +
		"unparseable and are left out.",
	Metrics: []audit.MetricDoc{
		{Name: "train_min", Doc: "earliest train time (RFC 3339, UTC)"},
		{Name: "train_max", Doc: "latest train time: the end of train"},
		{Name: "holdout_min", Doc: "earliest holdout time"},
		{Name: "holdout_max", Doc: "latest holdout time"},
		{Name: "holdout_rows_before_train_end", Doc: "holdout rows whose time is before train_max"},
		{Name: "rate", Doc: "holdout_rows_before_train_end / holdout rows with a parseable time"},
		{Name: "unparseable", Doc: "non-null time values (any split) that parse as none of the formats"},
		{Name: "missing", Doc: "rows (any split) whose time is null or a null token"},
		{Name: "by_split", Doc: "per holdout split: rows_with_time, min, max, holdout_rows_before_train_end, rate"},
	},
	Params: []audit.Param{
		{Name: "warn", Default: 0, Doc: "warn when rate is above this; with time_split: true fail instead"},
	},
	New: newTemporal,
}

// parseTime reads a time value as Unix nanoseconds: RFC 3339 (with or
// without fractional seconds), YYYY-MM-DD, YYYY-MM-DD HH:MM:SS (UTC), or
// Unix seconds (an optionally signed integer with an optional fraction).
// Times outside what int64 nanoseconds hold (years 1678 to 2262) do not
// parse.
func parseTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if isUnixSeconds(s) {
		return unixSeconds(s)
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly, time.DateTime} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Before(minTime) || t.After(maxTime) {
				return 0, false
			}
			return t.UnixNano(), true
		}
	}
	return 0, false
}

var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

func isUnixSeconds(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	return whole != "" && digits(whole) && (!dot || frac != "" && digits(frac))
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// unixSeconds converts a string isUnixSeconds accepted, exactly to the
// nanosecond (further digits are cut).
func unixSeconds(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || sec > math.MaxInt64/1_000_000_000-1 {
		return 0, false
	}
	frac = (frac + "000000000")[:9]
	ns, _ := strconv.ParseInt(frac, 10, 64)
	v := sec*1e9 + ns
	if neg {
		v = -v
	}
	return v, true
}

// formatTime writes Unix nanoseconds as RFC 3339 in UTC.
func formatTime(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }

// span is the range of times of one split.
type span struct{ n, min, max int64 }

func (s *span) add(t int64) {
	if s.n == 0 || t < s.min {
		s.min = t
	}
	if s.n == 0 || t > s.max {
		s.max = t
	}
	s.n++
}

func (s *span) merge(o span) {
	switch {
	case o.n == 0:
		return
	case s.n == 0:
		*s = o
		return
	}
	s.n += o.n
	s.min, s.max = min(s.min, o.min), max(s.max, o.max)
}

// stamp is one holdout row with a time: 16 bytes per row.
type stamp struct {
	pos uint64 // packed position
	t   int64
}

// badTime is an unparseable value with its row.
type badTime struct {
	ref   audit.RowRef
	value string
}

// maxBadShown bounds the unparseable values shown, like a problem's lines.
const maxBadShown = audit.MaxProblemLines

type temporal struct {
	env   *audit.Env
	col   int
	nulls nullTokens
	roles roleCache
	spans [audit.MaxSplits]span
	// times holds every holdout row with a time, per split: the end of train
	// is known only after the merge, and findings must list every early row.
	times       [audit.MaxSplits][]stamp
	unparseable int64
	missing     int64
	bad         *audit.FirstRows[badTime]

	// Filled by Revisit.
	early  [audit.MaxSplits]int64
	sample *audit.FirstRows[earlyRow]
	cut    int64 // train_max
}

// earlyRow is an example: a holdout row dated before the end of train.
type earlyRow struct {
	ref audit.RowRef
	t   int64
}

func newTemporal(env *audit.Env) audit.Accumulator {
	col := -1
	if env.Roles.Time != "" {
		col = env.Column(env.Roles.Time)
	}
	return &temporal{env: env, col: col, nulls: newNullTokens(env.Config),
		bad: audit.NewFirstRows[badTime](maxBadShown), sample: audit.NewFirstRows[earlyRow](env.Examples)}
}

func (t *temporal) Add(b *audit.Batch) {
	if t.col < 0 {
		return
	}
	vals := audit.ValuesOf(b.Columns[t.col])
	for i := 0; i < b.Rows; i++ {
		v, ok := vals.Get(i)
		if !ok || t.nulls.isNull(v) {
			t.missing++
			continue
		}
		ns, ok := parseTime(v)
		if !ok {
			t.unparseable++
			if pos := b.Pos(i); !t.bad.Full(pos) {
				t.bad.Offer(pos, badTime{b.Ref(i), strings.Clone(v)})
			}
			continue
		}
		split := b.Split[i]
		t.spans[split].add(ns)
		if t.roles.of(b.Splits, split) == roleHoldout {
			t.times[split] = append(t.times[split], stamp{pack(b.Pos(i)), ns})
		}
	}
}

func (t *temporal) Merge(other audit.Accumulator) {
	o := other.(*temporal)
	for i := range t.spans {
		t.spans[i].merge(o.spans[i])
		if len(o.times[i]) > len(t.times[i]) {
			t.times[i], o.times[i] = o.times[i], t.times[i]
		}
		t.times[i] = append(t.times[i], o.times[i]...)
		o.times[i] = nil
	}
	t.unparseable += o.unparseable
	t.missing += o.missing
	t.bad.Merge(o.bad)
}

// skipReason says why the check does not apply, "" when it does.
func (t *temporal) skipReason(s *audit.Summary) string {
	if t.col < 0 {
		return "Skipped: no time column is configured (time: names it)."
	}
	train, holdouts, why := needHoldout(s)
	if why != "" {
		return why
	}
	if i, _ := splitIndex(s.Splits, train); t.spans[i].n == 0 {
		return fmt.Sprintf("Skipped: no train row has a parseable time in %s (%d unparseable, %d missing values).", t.env.Roles.Time, t.unparseable, t.missing)
	}
	for _, h := range holdouts {
		if i, _ := splitIndex(s.Splits, h); t.spans[i].n > 0 {
			return ""
		}
	}
	return fmt.Sprintf("Skipped: no holdout row has a parseable time in %s (%d unparseable, %d missing values).", t.env.Roles.Time, t.unparseable, t.missing)
}

// stampAt finds a holdout row's time by position in a sorted slice.
func stampAt(times []stamp, pos uint64) (stamp, bool) {
	i, ok := slices.BinarySearchFunc(times, pos, func(s stamp, p uint64) int { return cmp.Compare(s.pos, p) })
	if !ok {
		return stamp{}, false
	}
	return times[i], true
}

// Revisit counts the holdout rows dated before the end of train, now that
// train is merged, and picks the first of them (by position) as examples.
func (t *temporal) Revisit(s *audit.Summary) func(*audit.RowRecord) {
	if t.skipReason(s) != "" {
		return func(*audit.RowRecord) {}
	}
	train, _ := s.Train()
	ti, _ := splitIndex(s.Splits, train)
	t.cut = t.spans[ti].max
	for i := range t.times {
		slices.SortFunc(t.times[i], func(a, b stamp) int { return cmp.Compare(a.pos, b.pos) })
		for _, st := range t.times[i] {
			if st.t < t.cut {
				t.early[i]++
			}
		}
	}
	roles := splitRoles(s.Splits)
	return func(r *audit.RowRecord) {
		if roles[r.Split] != roleHoldout || t.sample.Full(r.Pos) {
			return
		}
		if st, ok := stampAt(t.times[r.Split], pack(r.Pos)); ok && st.t < t.cut {
			t.sample.Offer(r.Pos, earlyRow{recordRef(s, r), st.t})
		}
	}
}

func (t *temporal) Result(s *audit.Summary) audit.CheckResult {
	if why := t.skipReason(s); why != "" {
		return skip(why)
	}
	metrics := map[string]any{"unparseable": t.unparseable, "missing": t.missing}
	train, holdouts, _ := needHoldout(s)
	ti, _ := splitIndex(s.Splits, train)
	var hold span
	var early int64
	bySplit := map[string]any{}
	for _, h := range holdouts {
		i, _ := splitIndex(s.Splits, h)
		sp := t.spans[i]
		hold.merge(sp)
		early += t.early[i]
		m := map[string]any{
			"rows_with_time":                sp.n,
			"min":                           "",
			"max":                           "",
			"holdout_rows_before_train_end": t.early[i],
			"rate":                          audit.Ratio(t.early[i], sp.n),
		}
		if sp.n > 0 {
			m["min"], m["max"] = formatTime(sp.min), formatTime(sp.max)
		}
		bySplit[h] = m
	}
	rate := audit.Ratio(early, hold.n)
	metrics["train_min"] = formatTime(t.spans[ti].min)
	metrics["train_max"] = formatTime(t.cut)
	metrics["holdout_min"] = formatTime(hold.min)
	metrics["holdout_max"] = formatTime(hold.max)
	metrics["holdout_rows_before_train_end"] = early
	metrics["rate"] = rate
	metrics["by_split"] = bySplit
	r := audit.CheckResult{Metrics: metrics, ExamplesTotal: early}
	switch {
	case rate > t.env.Params["warn"] && t.env.Config.TimeSplit:
		r.Status = audit.Fail
	case rate > t.env.Params["warn"]:
		r.Status = audit.Warn
	default:
		r.Status = audit.Pass
	}
	if early == 0 {
		r.Summary = fmt.Sprintf("Every one of the %d holdout rows with a time is at or after the end of train (%s).", hold.n, formatTime(t.cut))
	} else {
		r.Summary = fmt.Sprintf("%d of %d holdout rows with a time (%s) are dated before the end of train (%s).", early, hold.n, percent(rate), formatTime(t.cut))
	}
	if t.unparseable > 0 {
		r.Summary += fmt.Sprintf(" %d time values do not parse and are left out.", t.unparseable)
		ex := audit.Example{Title: "time values that do not parse", Values: map[string]any{"unparseable": t.unparseable}}
		var shown []string
		for _, it := range t.bad.Items() {
			ex.Rows = append(ex.Rows, it.ref)
			shown = append(shown, it.value)
		}
		ex.Values["values"] = shown
		r.Examples = append(r.Examples, ex)
		r.ExamplesTotal++
	}
	for _, it := range t.sample.Items() {
		r.Examples = append(r.Examples, audit.Example{
			Title:  "holdout row dated before the end of train",
			Values: map[string]any{"time": formatTime(it.t), "train_max": formatTime(t.cut)},
			Rows:   []audit.RowRef{it.ref},
		})
	}
	return r
}

// Flag marks every holdout row dated before the end of train.
func (t *temporal) Flag(s *audit.Summary) func(*audit.RowRecord) (string, bool) {
	if t.skipReason(s) != "" {
		return func(*audit.RowRecord) (string, bool) { return "", false }
	}
	roles := splitRoles(s.Splits)
	end := formatTime(t.cut)
	return func(r *audit.RowRecord) (string, bool) {
		if roles[r.Split] != roleHoldout {
			return "", false
		}
		st, ok := stampAt(t.times[r.Split], pack(r.Pos))
		if !ok || st.t >= t.cut {
			return "", false
		}
		return fmt.Sprintf("dated %s, before the end of train (%s)", formatTime(st.t), end), true
	}
}
