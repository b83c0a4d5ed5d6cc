package volume

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"unicode"

	"dataready/audit"
	"dataready/audit/norm"
)

var _ io.Closer = (*baseline)(nil)

// Baseline is the spec of volume.baseline.
var Baseline = audit.Spec{
	ID:     "volume.baseline",
	Family: "volume",
	Title:  "No-ML baseline to beat",
	Explain: "Before a model is worth a pilot it must beat what a trivial rule already scores. Three rules are fitted " +
		"on train and scored on the labeled holdout rows (or, without a holdout, on the rows whose row-key hash falls " +
		"in a fixed 20%): always predicting the majority class; the best single column (for each categorical feature " +
		"— at most 10,000 distinct values — predict the most frequent train class of its value, the majority class " +
		"for unseen values; columns that give the label away, predictive power ≥ 0.8, are left out); and, with a " +
		"text column, a keyword rule (per class the 10 tokens of norm(text) with the highest precision for it among " +
		"tokens seen at least 5 times in train; predict the class whose keywords occur most, the majority class on " +
		"ties or no hit). Scores are per row: duplicated rows count as often as they appear, as they would for a " +
		"model. The keyword lists show what the labels hinge on.",
	Metrics: []audit.MetricDoc{
		{Name: "majority", Doc: "{class, accuracy, macro_f1} of always predicting the majority train class"},
		{Name: "best_column", Doc: "{column, accuracy, macro_f1} of the best single-column rule (absent when no column qualifies)"},
		{Name: "columns", Doc: "accuracy of every single-column rule considered, by column"},
		{Name: "keywords", Doc: "{accuracy, macro_f1, by_class: class → tokens} of the keyword rule (absent without a text column)"},
		{Name: "eval_rows", Doc: "labeled rows the rules were scored on"},
		{Name: "eval_split", Doc: "\"holdout\" or \"hash 20%\""},
	},
	Params: []audit.Param{
		{Name: "keywords", Default: 10, Doc: "keywords per class"},
		{Name: "min_token_count", Default: 5, Doc: "a keyword must occur in at least this many train rows"},
	},
	New: newBaseline,
}

// maxColumnValues bounds the distinct values of a column the single-column
// rule considers; a column past it is not categorical.
const maxColumnValues = 10000

// maxTextRunes bounds the text tokenized per row.
const maxTextRunes = 5000

type classCounts map[uint64]int64

// baseline fits on train rows (class counts per column value, per token)
// and keeps the evaluation rows (their class and, per column, their value;
// their tokens) in a temporary file, scored after the merge.
type baseline struct {
	env     *audit.Env
	names   classNames
	cols    []int    // candidate feature columns (canonical index)
	colName []string // their names
	// fit[c] counts train classes per value of column c; nil once the
	// column passed maxColumnValues.
	fit    []map[string]classCounts
	tokens map[string]classCounts // train rows per token and class (a token counts once per row)
	train  classCounts
	spill  *os.File
	w      *bufio.Writer
	err    error
	buf    []byte
	// evalRows counts rows spilled for scoring; holdout is set when any
	// of them came from a holdout split (else from the hash 20%).
	evalRows int64
	holdout  bool
	// others are merged workers whose spilled rows are scored too.
	others []*baseline
}

func newBaseline(env *audit.Env) audit.Accumulator {
	b := &baseline{env: env, names: classNames{}, tokens: map[string]classCounts{}, train: classCounts{}}
	skip := map[string]bool{env.Roles.Text: true, env.Roles.Time: true}
	for _, id := range env.Roles.IDs {
		skip[id] = true
	}
	for _, f := range env.Roles.Features {
		if !skip[f] {
			b.cols = append(b.cols, env.Column(f))
			b.colName = append(b.colName, f)
			b.fit = append(b.fit, map[string]classCounts{})
		}
	}
	return b
}

func (a *baseline) Add(b *audit.Batch) {
	if a.err != nil {
		return
	}
	roles := make([]string, b.Splits.Len())
	for i := range roles {
		roles[i] = b.Splits.Role(b.Splits.Name(uint8(i)))
	}
	a.names.add(b)
	vals := make([]audit.Values, len(a.cols))
	for j, c := range a.cols {
		vals[j] = audit.ValuesOf(b.Columns[c])
	}
	var text audit.Values
	textCol := a.env.Column(a.env.Roles.Text)
	if textCol >= 0 {
		text = audit.ValuesOf(b.Columns[textCol])
	}
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] >= 0 {
			continue
		}
		class := b.ClassHash[i]
		var toks []string
		if textCol >= 0 {
			if s, ok := text.Get(i); ok {
				toks = tokenize(s)
			}
		}
		switch role := roles[b.Split[i]]; {
		case role == audit.RoleHoldout:
			a.holdout = true
			a.writeEval(class, vals, i, toks)
			continue
		case role == audit.RoleAll && b.Key[i].Lo%5 == 0:
			a.writeEval(class, vals, i, toks)
			continue
		case role == audit.RoleUnassigned:
			continue
		}
		a.train[class]++
		for j := range a.cols {
			if a.fit[j] == nil {
				continue
			}
			v, _ := vals[j].Get(i)
			cc, ok := a.fit[j][v]
			if !ok {
				if len(a.fit[j]) >= maxColumnValues {
					a.fit[j] = nil
					continue
				}
				cc = classCounts{}
				a.fit[j][strings.Clone(v)] = cc
			}
			cc[class]++
		}
		for _, t := range toks {
			cc, ok := a.tokens[t]
			if !ok {
				cc = classCounts{}
				a.tokens[strings.Clone(t)] = cc
			}
			cc[class]++
		}
	}
}

// tokenize returns the distinct tokens of norm(s): runs of letters and
// digits of at least two runes, not purely digits, at most 30 bytes, from
// the first maxTextRunes runes.
func tokenize(s string) []string {
	s = norm.String(s)
	if r := []rune(s); len(r) > maxTextRunes {
		s = string(r[:maxTextRunes])
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	seen := make(map[string]bool, len(fields))
	out := fields[:0]
	for _, f := range fields {
		if len(f) < 2 || len(f) > 30 || seen[f] || strings.IndexFunc(f, unicode.IsLetter) < 0 {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	return out
}

// writeEval spills one evaluation row: class, column values, tokens.
func (a *baseline) writeEval(class uint64, vals []audit.Values, i int, toks []string) {
	if a.spill == nil {
		f, err := os.CreateTemp("", "dataready-baseline-*.spill")
		if err != nil {
			a.err = fmt.Errorf("volume.baseline: %w", err)
			return
		}
		a.spill, a.w = f, bufio.NewWriterSize(f, 1<<20)
	}
	buf := binary.LittleEndian.AppendUint64(a.buf[:0], class)
	for j := range vals {
		v, _ := vals[j].Get(i)
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	buf = binary.AppendUvarint(buf, uint64(len(toks)))
	for _, t := range toks {
		buf = binary.AppendUvarint(buf, uint64(len(t)))
		buf = append(buf, t...)
	}
	a.buf = buf
	a.evalRows++
	if _, err := a.w.Write(buf); err != nil {
		a.err = fmt.Errorf("volume.baseline: %w", err)
	}
}

func (a *baseline) Merge(other audit.Accumulator) {
	o := other.(*baseline)
	if a.err == nil {
		a.err = o.err
	}
	a.names.merge(o.names)
	a.evalRows += o.evalRows
	a.holdout = a.holdout || o.holdout
	for c, n := range o.train {
		a.train[c] += n
	}
	for j := range a.fit {
		if a.fit[j] == nil || o.fit[j] == nil {
			a.fit[j] = nil
			continue
		}
		for v, cc := range o.fit[j] {
			mergeCounts(a.fit[j], v, cc)
		}
		if len(a.fit[j]) > maxColumnValues {
			a.fit[j] = nil
		}
	}
	for t, cc := range o.tokens {
		mergeCounts(a.tokens, t, cc)
	}
	// Evaluation rows stay in each worker's file; keep them all.
	a.others = append(a.others, o)
	a.others = append(a.others, o.others...)
	o.others = nil
}

func mergeCounts(m map[string]classCounts, k string, cc classCounts) {
	cur, ok := m[k]
	if !ok {
		m[k] = cc
		return
	}
	for c, n := range cc {
		cur[c] += n
	}
}

// scorer tallies predictions against truth for accuracy and macro-F1.
type scorer struct {
	rows, right int64
	tp, fp, fn  classCounts
}

func newScorer() *scorer { return &scorer{tp: classCounts{}, fp: classCounts{}, fn: classCounts{}} }

func (s *scorer) add(truth, pred uint64) {
	s.rows++
	if truth == pred {
		s.right++
		s.tp[truth]++
		return
	}
	s.fp[pred]++
	s.fn[truth]++
}

// macroF1 averages F1 over the classes that occur in truth or predictions.
func (s *scorer) macroF1() float64 {
	classes := map[uint64]bool{}
	for _, m := range []classCounts{s.tp, s.fp, s.fn} {
		for c := range m {
			classes[c] = true
		}
	}
	if len(classes) == 0 {
		return 0
	}
	// Sum in a fixed order: float addition is not associative, and the
	// report must not depend on map order.
	order := make([]uint64, 0, len(classes))
	for c := range classes {
		order = append(order, c)
	}
	slices.Sort(order)
	var sum float64
	for _, c := range order {
		tp, fp, fn := float64(s.tp[c]), float64(s.fp[c]), float64(s.fn[c])
		if tp > 0 {
			sum += 2 * tp / (2*tp + fp + fn)
		}
	}
	return sum / float64(len(classes))
}

func (s *scorer) metrics() map[string]any {
	return map[string]any{"accuracy": audit.Ratio(s.right, s.rows), "macro_f1": s.macroF1()}
}

// Close removes the evaluation spill files.
func (a *baseline) Close() error {
	for _, b := range append([]*baseline{a}, a.others...) {
		if b.spill != nil {
			b.spill.Close()
			os.Remove(b.spill.Name())
			b.spill = nil
		}
	}
	return nil
}

// evalRecord is one spilled evaluation row.
type evalRecord struct {
	class  uint64
	values []string
	tokens []string
}

// eachEval reads back every spilled evaluation row of a and the merged workers.
func (a *baseline) eachEval(fn func(*evalRecord)) error {
	rec := &evalRecord{values: make([]string, len(a.cols))}
	for _, b := range append([]*baseline{a}, a.others...) {
		if b.spill == nil {
			continue
		}
		if err := b.w.Flush(); err != nil {
			return err
		}
		if _, err := b.spill.Seek(0, io.SeekStart); err != nil {
			return err
		}
		r := bufio.NewReaderSize(b.spill, 1<<20)
		str := func() (string, error) {
			n, err := binary.ReadUvarint(r)
			if err != nil {
				return "", err
			}
			buf := make([]byte, n)
			_, err = io.ReadFull(r, buf)
			return string(buf), err
		}
		var head [8]byte
		for {
			if _, err := io.ReadFull(r, head[:]); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return err
			}
			rec.class = binary.LittleEndian.Uint64(head[:])
			var err error
			for j := range rec.values {
				if rec.values[j], err = str(); err != nil {
					return err
				}
			}
			n, err := binary.ReadUvarint(r)
			if err != nil {
				return err
			}
			rec.tokens = rec.tokens[:0]
			for range n {
				t, err := str()
				if err != nil {
					return err
				}
				rec.tokens = append(rec.tokens, t)
			}
			fn(rec)
		}
	}
	return nil
}

// argmax returns the class with the largest count, the smallest class name
// on ties (names decide, not hashes, so that ties read naturally).
func argmax(cc classCounts, names classNames) (uint64, bool) {
	var best uint64
	found := false
	for c, n := range cc {
		if !found || n > cc[best] || n == cc[best] && names[c] < names[best] {
			best, found = c, true
		}
	}
	return best, found
}

type keyword struct {
	token     string
	precision float64
	count     int64
}

func (a *baseline) Result(s *audit.Summary) audit.CheckResult {
	defer a.Close()
	if a.err != nil {
		return audit.CheckResult{Status: audit.Error, Summary: a.err.Error()}
	}
	majority, ok := argmax(a.train, a.names)
	if !ok || a.evalRows == 0 {
		return audit.CheckResult{Status: audit.Skip, Summary: "There are no labeled train rows and held-out rows to fit and score a baseline on."}
	}
	p := a.env.Params

	// Single-column rules: the majority train class of each value.
	rules := make([]map[string]uint64, len(a.cols))
	for j, fit := range a.fit {
		if fit == nil {
			continue
		}
		rules[j] = make(map[string]uint64, len(fit))
		for v, cc := range fit {
			rules[j][v], _ = argmax(cc, a.names)
		}
	}

	// Keywords: per class, the tokens with the highest precision for it.
	byClass := map[uint64][]keyword{}
	for t, cc := range a.tokens {
		var total int64
		for _, n := range cc {
			total += n
		}
		if float64(total) < p["min_token_count"] {
			continue
		}
		for c, n := range cc {
			byClass[c] = append(byClass[c], keyword{t, float64(n) / float64(total), total})
		}
	}
	keywords := map[string]map[string]bool{} // token -> classes it is a keyword of
	kwLists := map[string]any{}
	for c, list := range byClass {
		sort.Slice(list, func(i, j int) bool {
			if list[i].precision != list[j].precision {
				return list[i].precision > list[j].precision
			}
			if list[i].count != list[j].count {
				return list[i].count > list[j].count
			}
			return list[i].token < list[j].token
		})
		if len(list) > int(p["keywords"]) {
			list = list[:int(p["keywords"])]
		}
		toks := []string{}
		for _, k := range list {
			toks = append(toks, k.token)
			if keywords[k.token] == nil {
				keywords[k.token] = map[string]bool{}
			}
			keywords[k.token][a.names[c]] = true
		}
		kwLists[a.names[c]] = toks
	}
	hashOf := map[string]uint64{}
	for h, n := range a.names {
		hashOf[n] = h
	}

	major := newScorer()
	cols := make([]*scorer, len(a.cols))
	for j := range cols {
		cols[j] = newScorer()
	}
	kw := newScorer()
	err := a.eachEval(func(r *evalRecord) {
		major.add(r.class, majority)
		for j, rule := range rules {
			if rule == nil {
				continue
			}
			pred, ok := rule[r.values[j]]
			if !ok {
				pred = majority
			}
			cols[j].add(r.class, pred)
		}
		hits := classCounts{}
		for _, t := range r.tokens {
			for c := range keywords[t] {
				hits[hashOf[c]]++
			}
		}
		pred, ok := argmax(hits, a.names)
		if ok {
			// A tie for the most hits predicts the majority class.
			for c, n := range hits {
				if c != pred && n == hits[pred] {
					ok = false
				}
			}
		}
		if !ok {
			pred = majority
		}
		kw.add(r.class, pred)
	})
	if err != nil {
		return audit.CheckResult{Status: audit.Error, Summary: "volume.baseline: " + err.Error()}
	}

	accMajor := audit.Ratio(major.right, major.rows)
	columns := map[string]any{}
	best := -1
	for j, sc := range cols {
		if rules[j] == nil {
			continue
		}
		acc := audit.Ratio(sc.right, sc.rows)
		power := 0.0
		if accMajor < 1 {
			power = (acc - accMajor) / (1 - accMajor)
		}
		excluded := power >= 0.8
		columns[a.colName[j]] = map[string]any{"accuracy": acc, "macro_f1": sc.macroF1(), "predictive_power": power, "excluded_as_leak": excluded}
		if excluded {
			continue
		}
		if best < 0 || acc > audit.Ratio(cols[best].right, cols[best].rows) {
			best = j
		}
	}
	split := "hash 20%"
	if a.holdout {
		split = "holdout"
	}
	m := major.metrics()
	m["class"] = a.names[majority]
	r := audit.CheckResult{Status: audit.Pass, Metrics: map[string]any{
		"majority":   m,
		"columns":    columns,
		"eval_rows":  major.rows,
		"eval_split": split,
	}}
	bar, barF1, by := m["accuracy"].(float64), m["macro_f1"].(float64), "always predicting "+fmt.Sprintf("%q", a.names[majority])
	if best >= 0 {
		bm := cols[best].metrics()
		bm["column"] = a.colName[best]
		r.Metrics["best_column"] = bm
		if acc := bm["accuracy"].(float64); acc > bar {
			bar, barF1, by = acc, bm["macro_f1"].(float64), "the best single column, "+a.colName[best]
		}
	}
	if textCol := a.env.Roles.Text; textCol != "" {
		km := kw.metrics()
		km["by_class"] = kwLists
		r.Metrics["keywords"] = km
		if acc := km["accuracy"].(float64); acc > bar {
			bar, barF1, by = acc, km["macro_f1"].(float64), "a keyword rule"
		}
	}
	r.Summary = fmt.Sprintf("A model must beat %.2f accuracy / %.2f macro-F1 (%s, on %d %s rows) to be worth it.",
		bar, barF1, by, major.rows, split)
	return r
}
