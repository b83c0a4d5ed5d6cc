package volume

import (
	"fmt"
	"sort"
	"strings"

	"dataready/audit"
	"dataready/audit/keymap"
)

// SegmentMinimum is the spec of volume.segment_minimum.
var SegmentMinimum = audit.Spec{
	ID:     "volume.segment_minimum",
	Family: "volume",
	Title:  "Holdout examples per important segment",
	Explain: "A segment that matters (new users, a region, a channel) needs enough holdout examples to say how the " +
		"model does for it: with 23 examples the 95% interval of an accuracy is about ±0.2. For every segment value " +
		"that makes up at least 5% of the holdout rows, this counts its usable holdout examples (distinct row " +
		"keys without conflicting labels) and the 95% Wilson half-width of an accuracy estimate at p = 0.5 for " +
		"that many examples (the widest case). Fix: collect more holdout rows of the short segments.",
	Metrics: []audit.MetricDoc{
		{Name: "segments", Doc: "list of {column, value, holdout_rows, share, usable, half_width} for values with ≥ min_share of the holdout"},
		{Name: "short_segments", Doc: "how many of them have half_width above the warn threshold"},
	},
	Params: []audit.Param{
		{Name: "min_share", Default: 0.05, Doc: "values making up at least this share of holdout rows are judged"},
		{Name: "warn", Default: 0.15, Doc: "warn when a judged value's half-width is above this"},
	},
	New: func(env *audit.Env) audit.Accumulator {
		return &segmentMinimum{env: env, rows: map[segValue]int64{}, keys: map[segValue]*keySet{}}
	},
}

type segValue struct {
	col   int
	value string
}

// keySet is a set of row keys: 16 bytes a key in a keymap.Map, plus its
// table, where a Go map took 17 to 34.
type keySet = keymap.Map[struct{}]

// segmentMinimum keeps, per segment value, the holdout row count and the
// set of row keys of its labeled holdout rows: memory grows with holdout
// keys times segment columns.
type segmentMinimum struct {
	env     *audit.Env
	rows    map[segValue]int64
	keys    map[segValue]*keySet
	holdout int64
}

func (m *segmentMinimum) Add(b *audit.Batch) {
	if len(b.Segments) == 0 {
		return
	}
	holdout := make([]bool, b.Splits.Len())
	for i := range holdout {
		holdout[i] = b.Splits.Role(b.Splits.Name(uint8(i))) == audit.RoleHoldout
	}
	for i := 0; i < b.Rows; i++ {
		if int(b.Split[i]) >= len(holdout) || !holdout[b.Split[i]] {
			continue
		}
		m.holdout++
		for c, seg := range b.Segments {
			v := segValue{c, seg[i]}
			if _, ok := m.rows[v]; !ok {
				v.value = strings.Clone(v.value)
			}
			m.rows[v]++
			if b.Missing[i] >= 0 {
				continue
			}
			set := m.keys[v]
			if set == nil {
				set = &keySet{}
				m.keys[v] = set
			}
			set.Upsert(b.Key[i])
		}
	}
}

func (m *segmentMinimum) Merge(other audit.Accumulator) {
	o := other.(*segmentMinimum)
	m.holdout += o.holdout
	for v, n := range o.rows {
		m.rows[v] += n
	}
	for v, set := range o.keys {
		cur := m.keys[v]
		if cur == nil {
			m.keys[v] = set
			continue
		}
		if set.Len() > cur.Len() {
			cur, set = set, cur
			m.keys[v] = cur
		}
		for k := range set.Drain() {
			cur.Upsert(k)
		}
	}
	o.keys = nil
}

// CutKeys moves the key sets into n accumulators by row key (the row
// counts go to the first), leaving m empty: see audit.KeySharded.
func (m *segmentMinimum) CutKeys(n int) []audit.Accumulator {
	out := make([]audit.Accumulator, n)
	shards := make([]*segmentMinimum, n)
	for i := range out {
		shards[i] = &segmentMinimum{env: m.env, rows: map[segValue]int64{}, keys: map[segValue]*keySet{}}
		out[i] = shards[i]
	}
	shards[0].rows, shards[0].holdout = m.rows, m.holdout
	for v, set := range m.keys {
		for i, part := range keymap.Cut(set, n) {
			if part.Len() > 0 {
				shards[i].keys[v] = &part
			}
		}
	}
	m.rows, m.keys, m.holdout = map[segValue]int64{}, map[segValue]*keySet{}, 0
	return out
}

func (m *segmentMinimum) Result(s *audit.Summary) audit.CheckResult {
	if len(m.env.Roles.Segments) == 0 {
		return audit.CheckResult{Status: audit.Skip, Summary: "No segment columns are configured (segments)."}
	}
	if _, ok := s.Train(); !ok || len(s.Holdouts()) == 0 {
		return audit.CheckResult{Status: audit.Skip, Summary: "There is no holdout split to measure segments on."}
	}
	p := m.env.Params
	type judged struct {
		col, value   string
		rows, usable int64
		share, half  float64
	}
	var list []judged
	for v, rows := range m.rows {
		share := audit.Ratio(rows, m.holdout)
		if share < p["min_share"] {
			continue
		}
		var usable int64
		for k := range m.keys[v].All() {
			if ks, ok := s.Keys.Get(k); ok && !ks.Conflict {
				usable++
			}
		}
		list = append(list, judged{m.env.Roles.Segments[v.col], v.value, rows, usable, share, wilsonHalfWidth(0.5, usable, 0.05)})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].col != list[j].col {
			return list[i].col < list[j].col
		}
		return list[i].value < list[j].value
	})
	segments := []any{}
	var short []judged
	for _, j := range list {
		segments = append(segments, map[string]any{
			"column": j.col, "value": j.value, "holdout_rows": j.rows, "share": j.share, "usable": j.usable, "half_width": j.half,
		})
		if j.half > p["warn"] {
			short = append(short, j)
		}
	}
	r := audit.CheckResult{Metrics: map[string]any{"segments": segments, "short_segments": int64(len(short))}}
	sort.Slice(short, func(i, j int) bool { return short[i].usable < short[j].usable })
	switch {
	case len(short) > 0:
		w := short[0]
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("%d segment value(s) have too few usable holdout examples to measure: %s=%s has %d (±%.2f).",
			len(short), w.col, w.value, w.usable, w.half)
	default:
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("Each of the %d segment values with at least %.0f%% of the holdout has enough usable examples (±%.2f or better).",
			len(list), 100*p["min_share"], p["warn"])
	}
	for _, j := range short {
		r.Examples = append(r.Examples, audit.Example{
			Title:  "segment value with too few usable holdout examples",
			Values: map[string]any{"column": j.col, "value": j.value, "usable": j.usable, "half_width": j.half, "share": j.share},
		})
	}
	return r
}
