package labels

import (
	"fmt"
	"sort"

	"dataready/audit"
)

// Missing is the spec of labels.missing.
var Missing = audit.Spec{
	ID:     "labels.missing",
	Family: "labels",
	Title:  "Missing labels",
	Explain: "A row without a label cannot be used to train or to measure a model; many of them usually mean an export " +
		"or join went wrong, or that part of the data was never annotated. A label is missing when it is null, " +
		"empty after trimming white space, or one of the null tokens (null_values). Fix: label those rows, " +
		"or drop them on purpose and say so; if a token such as \"NA\" is a real class, remove it from null_values.",
	Metrics: []audit.MetricDoc{
		{Name: "missing", Doc: "rows whose label is missing"},
		{Name: "missing_rate", Doc: "missing / audited rows"},
		{Name: "by_split", Doc: "per split: rows, missing, missing_rate"},
		{Name: "tokens", Doc: "rows per reason: (null), (empty), or the null token found"},
	},
	Params: []audit.Param{
		{Name: "warn", Default: 0, Doc: "warn when missing_rate is above this"},
		{Name: "fail", Default: 0.2, Doc: "fail when missing_rate is at least this"},
	},
	New: newMissing,
}

type missing struct {
	env     *audit.Env
	rows    [audit.MaxSplits]int64
	missing [audit.MaxSplits]int64
	tokens  map[int16]int64
	sample  *audit.RowSample
}

func newMissing(env *audit.Env) audit.Accumulator {
	return &missing{env: env, tokens: map[int16]int64{}, sample: audit.NewRowSample(env.Examples)}
}

func (m *missing) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		s := b.Split[i]
		m.rows[s]++
		if t := b.Missing[i]; t >= 0 {
			m.missing[s]++
			m.tokens[t]++
			if pos := b.Pos(i); !m.sample.Full(pos) {
				m.sample.Offer(pos, b.Ref(i))
			}
		}
	}
}

func (m *missing) Merge(other audit.Accumulator) {
	o := other.(*missing)
	for i := range m.rows {
		m.rows[i] += o.rows[i]
		m.missing[i] += o.missing[i]
	}
	for t, n := range o.tokens {
		m.tokens[t] += n
	}
	m.sample.Merge(o.sample)
}

func (m *missing) Result(s *audit.Summary) audit.CheckResult {
	var rows, total int64
	bySplit := map[string]any{}
	for i := 0; i < s.Splits.Len(); i++ {
		name := s.Splits.Name(uint8(i))
		rows += m.rows[i]
		total += m.missing[i]
		bySplit[name] = map[string]any{
			"rows":         m.rows[i],
			"missing":      m.missing[i],
			"missing_rate": audit.Ratio(m.missing[i], m.rows[i]),
		}
	}
	tokens := map[string]any{}
	for t, n := range m.tokens {
		tokens[s.MissingTokens[t]] = n
	}
	rate := audit.Ratio(total, rows)
	r := audit.CheckResult{
		Metrics: map[string]any{
			"missing":      total,
			"missing_rate": rate,
			"by_split":     bySplit,
			"tokens":       tokens,
		},
		ExamplesTotal: total,
	}
	warn, fail := m.env.Params["warn"], m.env.Params["fail"]
	switch {
	case rows > 0 && rate >= fail:
		r.Status = audit.Fail
	case rate > warn:
		r.Status = audit.Warn
	default:
		r.Status = audit.Pass
	}
	if total == 0 {
		r.Summary = fmt.Sprintf("Every one of the %d rows has a label.", rows)
	} else {
		r.Summary = fmt.Sprintf("%d of %d rows (%.1f%%) have no label%s.", total, rows, 100*rate, tokenNote(tokens))
	}
	for _, ref := range m.sample.Rows() {
		r.Examples = append(r.Examples, audit.Example{
			Title:  "row without a label",
			Values: map[string]any{"label": ref.Label},
			Rows:   []audit.RowRef{ref},
		})
	}
	return r
}

// tokenNote describes the most frequent reasons, e.g. ` (12 "NA", 3 (null))`.
func tokenNote(tokens map[string]any) string {
	type tc struct {
		t string
		n int64
	}
	var list []tc
	for t, n := range tokens {
		list = append(list, tc{t, n.(int64)})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].t < list[j].t
	})
	note := " ("
	for i, x := range list {
		if i == 3 {
			note += ", ..."
			break
		}
		if i > 0 {
			note += ", "
		}
		if x.t == "(null)" || x.t == "(empty)" {
			note += fmt.Sprintf("%d %s", x.n, x.t)
		} else {
			note += fmt.Sprintf("%d %q", x.n, x.t)
		}
	}
	return note + ")"
}

// Flag marks every row whose label is missing.
func (m *missing) Flag(s *audit.Summary) func(*audit.RowRecord) (string, bool) {
	return func(r *audit.RowRecord) (string, bool) {
		if r.Missing < 0 {
			return "", false
		}
		return "label missing: " + s.MissingTokens[r.Missing], true
	}
}
