package labels

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"dataready/audit"
	"dataready/audit/norm"
)

// Variants is the spec of labels.variants.
var Variants = audit.Spec{
	ID:     "labels.variants",
	Family: "labels",
	Title:  "Label spelling variants",
	Explain: "The same class written in several ways (\"Refund\", \"refund \", \"top-up\" / \"top up\", \">50K\" / \">50K.\") " +
		"either splits one class in two, which corrupts every count, balance and metric computed per class, or " +
		"shows an export that is not clean. Two spellings are variants when their base forms are equal: norm(label) " +
		"(NFKC, lower case, white space collapsed) with white space, dashes, underscores and other connector " +
		"punctuation, quotation marks and . , ; : ! ? removed. Other symbols carry meaning and stay, so \"<=50K\" " +
		"and \">50K\" or \"C++\" and \"C#\" are different classes. Labels are strings: \"1\" and \"1.0\" are different " +
		"spellings. Fix: rewrite the labels at the source, or add the suggested label_map lines of each example to " +
		"audit.yaml (they map every less frequent spelling to the most frequent one), then re-run.",
	Metrics: []audit.MetricDoc{
		{Name: "variant_groups", Doc: "base forms written in two or more distinct spellings (after label_map)"},
		{Name: "variant_rows", Doc: "labeled rows whose spelling is not the most frequent spelling of its group"},
	},
	Params: []audit.Param{
		{Name: "fail", Default: 0, Doc: "fail when variant_groups is above this"},
	},
	New: func(env *audit.Env) audit.Accumulator {
		return &variants{env: env, raw: map[string]*rawLabel{}}
	},
}

// rawLabel is what the check knows of one raw label text.
type rawLabel struct {
	// rows counts labeled rows per split index.
	rows []int64
	// first is the label's first row; firstSplit its split, firstID its id.
	first      audit.RowPos
	firstSplit uint8
	firstID    string
}

// variants counts labeled rows per raw label text. Memory grows with the
// distinct raw labels, never with rows; spellings and base forms are worked
// out once per distinct label in Result.
type variants struct {
	env *audit.Env
	raw map[string]*rawLabel
	// flagged maps each raw label to flag to its reason; set by Result.
	flagged map[string]string
}

func (v *variants) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] >= 0 {
			continue
		}
		pos, split := b.Pos(i), b.Split[i]
		st := v.raw[b.Label[i]]
		if st == nil {
			st = &rawLabel{first: pos, firstSplit: split}
			if b.ID != nil {
				st.firstID = strings.Clone(b.ID[i])
			}
			v.raw[strings.Clone(b.Label[i])] = st
		} else if pos.Less(st.first) {
			st.first, st.firstSplit = pos, split
			if b.ID != nil {
				st.firstID = strings.Clone(b.ID[i])
			}
		}
		for int(split) >= len(st.rows) {
			st.rows = append(st.rows, 0)
		}
		st.rows[split]++
	}
}

func (v *variants) Merge(other audit.Accumulator) {
	o := other.(*variants)
	for raw, ost := range o.raw {
		st := v.raw[raw]
		if st == nil {
			v.raw[raw] = ost
			continue
		}
		st.rows = audit.AddCounts(st.rows, ost.rows)
		if ost.first.Less(st.first) {
			st.first, st.firstSplit, st.firstID = ost.first, ost.firstSplit, ost.firstID
		}
	}
}

// baseForm is norm(label) with white space, dash (Pd) and connector (Pc)
// punctuation, quotation marks (Pi, Pf, ' " `) and . , ; : ! ? removed. A
// label made only of those characters keeps its norm, so that such labels
// are not all merged into one empty base form.
func baseForm(label string) string {
	n := norm.String(label)
	var b strings.Builder
	for _, r := range n {
		if unicode.IsSpace(r) || unicode.In(r, unicode.Pd, unicode.Pc, unicode.Pi, unicode.Pf) || strings.ContainsRune("'\"`.,;:!?", r) {
			continue
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return n
	}
	return b.String()
}

// spellingGroup is one spelling (a label after label_map) with its rows.
type spellingGroup struct {
	spelling string
	rows     int64
	bySplit  []int64
	raws     []string
	first    audit.RowPos
	firstRaw string
	firstSpl uint8
	firstID  string
}

func (v *variants) Result(s *audit.Summary) audit.CheckResult {
	reader := newLabelReader(s.Config)
	spellings := map[string]*spellingGroup{}
	raws := make([]string, 0, len(v.raw))
	for raw := range v.raw {
		raws = append(raws, raw)
	}
	sort.Strings(raws)
	for _, raw := range raws {
		st := v.raw[raw]
		sp := reader.spelling(raw)
		g := spellings[sp]
		if g == nil {
			g = &spellingGroup{spelling: sp, first: st.first, firstRaw: raw, firstSpl: st.firstSplit, firstID: st.firstID}
			spellings[sp] = g
		}
		g.raws = append(g.raws, raw)
		g.bySplit = audit.AddCounts(g.bySplit, st.rows)
		for _, n := range st.rows {
			g.rows += n
		}
		if st.first.Less(g.first) {
			g.first, g.firstRaw, g.firstSpl, g.firstID = st.first, raw, st.firstSplit, st.firstID
		}
	}
	byBase := map[string][]*spellingGroup{}
	for _, g := range spellings {
		b := baseForm(g.spelling)
		byBase[b] = append(byBase[b], g)
	}

	type group struct {
		base      string
		spellings []*spellingGroup // most frequent first
		minority  int64
	}
	var groups []group
	var variantRows int64
	v.flagged = map[string]string{}
	for base, gs := range byBase {
		if len(gs) < 2 {
			continue
		}
		// Most rows first; ties by the spelling's bytes, so the choice of the
		// spelling to keep is deterministic.
		sort.Slice(gs, func(i, j int) bool {
			if gs[i].rows != gs[j].rows {
				return gs[i].rows > gs[j].rows
			}
			return gs[i].spelling < gs[j].spelling
		})
		g := group{base: base, spellings: gs}
		top := gs[0]
		for _, sp := range gs[1:] {
			g.minority += sp.rows
			for _, raw := range sp.raws {
				v.flagged[raw] = fmt.Sprintf("label %q is a variant of %q (%d rows); map it with label_map", raw, top.spelling, top.rows)
			}
		}
		variantRows += g.minority
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i].minority != groups[j].minority {
			return groups[i].minority > groups[j].minority
		}
		return groups[i].base < groups[j].base
	})

	r := audit.CheckResult{
		Metrics: map[string]any{
			"variant_groups": int64(len(groups)),
			"variant_rows":   variantRows,
		},
		ExamplesTotal: int64(len(groups)),
	}
	if fail := v.env.Params["fail"]; float64(len(groups)) > fail {
		r.Status = audit.Fail
	} else {
		r.Status = audit.Pass
	}
	switch {
	case len(groups) == 0:
		r.Summary = fmt.Sprintf("Each of the %d distinct labels is written one way.", len(spellings))
	default:
		var names []string
		for _, sp := range groups[0].spellings {
			names = append(names, sp.spelling)
		}
		r.Summary = fmt.Sprintf("%s only in case, spacing or punctuation; %s use a less frequent spelling (largest: %s).",
			audit.Plural(int64(len(groups)), "group of labels differs", "groups of labels differ"), audit.Plural(variantRows, "row", "rows"), quoteList(names))
	}

	for i, g := range groups {
		if i == s.Examples {
			break
		}
		r.Examples = append(r.Examples, variantExample(s, g.base, g.spellings, g.minority))
	}
	return r
}

// variantExample describes one group of spellings: each spelling with its
// rows and splits, the label_map lines that fix it, and the first row of
// each spelling.
func variantExample(s *audit.Summary, base string, gs []*spellingGroup, minority int64) audit.Example {
	top := gs[0]
	classSet := map[string]bool{}
	var list []any
	var lines strings.Builder
	for i, sp := range gs {
		class := norm.String(sp.spelling)
		classSet[class] = true
		list = append(list, map[string]any{
			"spelling": sp.spelling,
			"class":    class,
			"rows":     sp.rows,
			"splits":   splitRows(s, sp.bySplit),
		})
		if i == 0 {
			continue
		}
		for _, raw := range sp.raws {
			fmt.Fprintf(&lines, "%s: %s\n", yamlString(raw), yamlString(top.spelling))
		}
	}
	classes := make([]string, 0, len(classSet))
	for c := range classSet {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	title := fmt.Sprintf("class %q written %d ways", classes[0], len(gs))
	if len(classes) > 1 {
		title = fmt.Sprintf("%d classes that differ only in spacing or punctuation", len(classes))
	}
	// Rows: the first row of each spelling, in input order.
	firsts := append([]*spellingGroup(nil), gs...)
	sort.Slice(firsts, func(i, j int) bool { return firsts[i].first.Less(firsts[j].first) })
	var rows []audit.RowRef
	for _, sp := range firsts {
		ref := s.RefAt(sp.first, sp.firstSpl)
		ref.ID, ref.Label = sp.firstID, sp.firstRaw
		rows = append(rows, ref)
	}
	return audit.Example{
		Title: title,
		Values: map[string]any{
			"base_form":     base,
			"classes":       classes,
			"most_frequent": top.spelling,
			"spellings":     list,
			"variant_rows":  minority,
			"label_map":     lines.String(),
		},
		Rows: rows,
	}
}

// Flag marks every labeled row whose spelling is not the most frequent
// spelling of its group.
func (v *variants) Flag(*audit.Summary) func(*audit.RowRecord) (string, bool) {
	if len(v.flagged) == 0 {
		return nil
	}
	return func(r *audit.RowRecord) (string, bool) {
		if r.Missing >= 0 {
			return "", false
		}
		reason, ok := v.flagged[string(r.Label)]
		return reason, ok
	}
}
