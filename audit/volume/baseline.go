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
	"unicode"
	"unicode/utf8"

	"dataready/audit"
	"dataready/audit/valueclass"
)

var _ io.Closer = (*baseline)(nil)

// Baseline is the spec of volume.baseline.
var Baseline = audit.Spec{
	ID:     "volume.baseline",
	Family: "volume",
	Title:  "No-ML baseline to beat",
	Explain: "Before a model is worth a pilot it must beat what a trivial rule already scores. Three rules are fitted " +
		"and scored on the same rows as leakage.target's: fitted on train and scored on the labeled holdout rows, or, " +
		"without a train and a holdout split, fitted on the rows whose row-key hash falls in a fixed 80% and scored on " +
		"the other 20%. The rules: always predicting the majority class; the best single column (for each feature " +
		"column, predict the most frequent train class of its value — numeric columns cut into deciles, values grouped " +
		"exactly as leakage.target groups them — and the majority class for unseen values; columns that give the label " +
		"away, leakage.target's suspects, are left out); and, with a text column, a keyword rule (per class the 10 " +
		"tokens of norm(text) with the highest precision for it among tokens seen at least 5 times in train; predict " +
		"the class whose keywords occur most, the majority class on ties or no hit). Scores are per row: duplicated " +
		"rows count as often as they appear, as they would for a model. The keyword lists show what the labels hinge on.",
	Metrics: []audit.MetricDoc{
		{Name: "majority", Doc: "{class, accuracy, macro_f1} of always predicting the majority train class"},
		{Name: "best_column", Doc: "{column, accuracy, macro_f1} of the best single-column rule (absent when no column qualifies)"},
		{Name: "columns", Doc: "every feature column's single-column rule: {accuracy, macro_f1, predictive_power, excluded_as_leak, type, approximate}"},
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

// maxTextRunes bounds the text tokenized per row.
const maxTextRunes = 5000

type classCounts map[uint64]int64

// baseline counts its feature columns in a valueclass.Table, as
// leakage.target does (same sides, groups, caps and tie-breaks, so a
// column's accuracy here is the rule accuracy behind its power there), and
// scores the single-column rules from those counts. For the keyword rule
// it counts rows per token and cell, and keeps the rows that may be scored
// (their cell and tokens) in a temporary file, scored after the merge once
// the run's sides are known.
type baseline struct {
	env   *audit.Env
	names classNames
	table *valueclass.Table
	// tokens counts, per token, the labeled rows that may be fitted on per
	// cell (a token counts once per row).
	tokens  *valueclass.Tallies
	textCol int
	spill   *os.File
	w       *bufio.Writer
	err     error
	buf     []byte
	toks    tokens // a row's tokens, reused
	// others are merged workers whose spilled rows are scored too.
	others []*baseline
}

func newBaseline(env *audit.Env) audit.Accumulator {
	// Features exclude the label, split, text, ids, time and annotator
	// columns: the same columns leakage.target lists under columns.
	var cols []valueclass.Column
	for _, f := range env.Roles.Features {
		cols = append(cols, valueclass.Column{Name: f, Parse: valueclass.ParseNumber})
	}
	return &baseline{env: env, names: classNames{}, table: valueclass.NewTable(env, cols),
		tokens: valueclass.NewTallies(), textCol: env.Column(env.Roles.Text)}
}

func (a *baseline) Add(b *audit.Batch) {
	if a.err != nil {
		return
	}
	a.names.add(b)
	a.table.Add(b)
	if a.textCol < 0 {
		return
	}
	roles := make([]string, b.Splits.Len())
	for i := range roles {
		roles[i] = b.Splits.Role(b.Splits.Name(uint8(i)))
	}
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] >= 0 {
			continue
		}
		text := ""
		if b.Text != nil {
			text = b.Text[i]
		}
		a.toks.tokenize(text)
		toks := a.toks.list
		cell := valueclass.Cell{Class: b.ClassHash[i], Split: b.Split[i], Eval: valueclass.EvalHalf(b.Key[i])}
		role := roles[cell.Split]
		if valueclass.MayEval(role, cell.Eval) {
			a.writeEval(cell, toks)
		}
		if !valueclass.MayFit(role, cell.Eval) || len(toks) == 0 {
			continue
		}
		id := a.tokens.Cell(cell)
		for j, t := range toks {
			a.tokens.AddHashed(t, a.toks.hashes[j], id)
		}
	}
	// The tokens slice the batch's texts: let them go with the batch.
	clear(a.toks.list[:cap(a.toks.list)])
}

// tokens holds one text's distinct tokens (tokenize) with their hashes
// (valueclass.KeyHash), reused from text to text.
type tokens struct {
	list   []string
	hashes []uint64
	// set finds a token among list by its hash: open addressing over a
	// power-of-two length, 0 for an empty slot, else the token's index + 1;
	// at most half full.
	set []uint32
}

// Classes of bytes and runes for tokenize: separators, digits, letters,
// and the first bytes of non-ASCII runes (classed once decoded). A run of
// letters and digits has a letter when the OR of its classes has
// classLetter.
const (
	classSep    = 0
	classDigit  = 1
	classLetter = 2
	classRune   = 4
)

// byteClass classes every byte: ASCII ones for good.
var byteClass = func() (c [256]uint8) {
	for b := range c {
		switch {
		case 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z':
			c[b] = classLetter
		case '0' <= b && b <= '9':
			c[b] = classDigit
		case b >= 0x80:
			c[b] = classRune
		}
	}
	return c
}()

// classAt returns the class of the rune at the start of s (not empty) and
// its length in bytes: an invalid byte is a separator of one byte.
func classAt(s string) (uint8, int) {
	if c := byteClass[s[0]]; c != classRune {
		return c, 1
	}
	r, w := utf8.DecodeRuneInString(s)
	switch {
	case unicode.IsLetter(r):
		return classLetter, w
	case unicode.IsNumber(r):
		return classDigit, w
	}
	return classSep, w
}

// tokenize sets t to the distinct tokens of the normalized text s, in
// order of first appearance: runs of letters and digits (unicode.IsLetter,
// unicode.IsNumber) of 2 to 30 bytes with a letter, from the first
// maxTextRunes runes.
func (t *tokens) tokenize(s string) {
	// The set keeps its size while texts need it, else goes back to 64
	// slots (keeping its memory): one long text does not make every later
	// text clear a large set.
	switch n := len(t.set); {
	case n == 0:
		t.set = make([]uint32, 64)
	case n > 64 && 8*len(t.list) < n:
		t.set = t.set[:64]
	}
	clear(t.set)
	t.list, t.hashes = t.list[:0], t.hashes[:0]
	if len(s) > maxTextRunes { // else it has at most maxTextRunes runes
		n := 0
		for i := range s {
			if n == maxTextRunes {
				s = s[:i]
				break
			}
			n++
		}
	}
	for i := 0; i < len(s); {
		c, w := byteClass[s[i]], 1
		if c == classRune {
			c, w = classAt(s[i:])
		}
		i += w
		if c == classSep {
			continue
		}
		// A run from its first rune to the next separator, which is
		// skipped too.
		from, has := i-w, c
		for i < len(s) {
			c = byteClass[s[i]]
			if c == classRune {
				c, w = classAt(s[i:])
			} else {
				w = 1
			}
			if c == classSep {
				break
			}
			has |= c
			i += w
		}
		if has&classLetter != 0 {
			t.add(s[from:i])
		}
		i += w
	}
}

// add appends f unless it is too short, too long or already there.
func (t *tokens) add(f string) {
	if len(f) < 2 || len(f) > 30 {
		return
	}
	h := valueclass.KeyHash(f)
	mask := len(t.set) - 1
	s := int(h) & mask
	for ; t.set[s] != 0; s = (s + 1) & mask {
		if i := t.set[s] - 1; t.hashes[i] == h && t.list[i] == f {
			return
		}
	}
	t.set[s] = uint32(len(t.list) + 1)
	t.list = append(t.list, f)
	t.hashes = append(t.hashes, h)
	if 2*len(t.list) > len(t.set) {
		if n := 2 * len(t.set); n <= cap(t.set) {
			t.set = t.set[:n]
			clear(t.set)
		} else {
			t.set = make([]uint32, n)
		}
		mask = len(t.set) - 1
		for i, h := range t.hashes {
			s := int(h) & mask
			for t.set[s] != 0 {
				s = (s + 1) & mask
			}
			t.set[s] = uint32(i + 1)
		}
	}
}

// writeEval spills one row that may be scored: its cell and tokens.
func (a *baseline) writeEval(c valueclass.Cell, toks []string) {
	if a.spill == nil {
		f, err := os.CreateTemp("", "dataready-baseline-*.spill")
		if err != nil {
			a.err = fmt.Errorf("volume.baseline: %w", err)
			return
		}
		a.spill, a.w = f, bufio.NewWriterSize(f, 1<<20)
	}
	buf := binary.LittleEndian.AppendUint64(a.buf[:0], c.Class)
	buf = append(buf, c.Split, boolByte(c.Eval))
	buf = binary.AppendUvarint(buf, uint64(len(toks)))
	for _, t := range toks {
		buf = binary.AppendUvarint(buf, uint64(len(t)))
		buf = append(buf, t...)
	}
	a.buf = buf
	if _, err := a.w.Write(buf); err != nil {
		a.err = fmt.Errorf("volume.baseline: %w", err)
	}
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func (a *baseline) Merge(other audit.Accumulator) {
	o := other.(*baseline)
	if a.err == nil {
		a.err = o.err
	}
	a.names.merge(o.names)
	a.table.Merge(o.table)
	a.tokens.Merge(o.tokens)
	// Evaluation rows stay in each worker's file; keep them all, but
	// nothing else of o: its counts are folded in.
	o.names, o.table, o.tokens = nil, nil, nil
	a.others = append(a.others, o)
	a.others = append(a.others, o.others...)
	o.others = nil
}

// scorer tallies predictions against truth for accuracy and macro-F1.
type scorer struct {
	rows, right int64
	tp, fp, fn  classCounts
}

func newScorer() *scorer { return &scorer{tp: classCounts{}, fp: classCounts{}, fn: classCounts{}} }

func (s *scorer) add(truth, pred uint64) { s.addN(truth, pred, 1) }

// addN counts n rows of class truth predicted as pred.
func (s *scorer) addN(truth, pred uint64, n int64) {
	s.rows += n
	if truth == pred {
		s.right += n
		s.tp[truth] += n
		return
	}
	s.fp[pred] += n
	s.fn[truth] += n
}

// addGroups counts the scored rows of groups fitted by
// valueclass.ScoreGroups: each predicted as its group's class.
func (s *scorer) addGroups(groups []valueclass.Group) {
	for _, g := range groups {
		for c, n := range g.Eval {
			s.addN(c, g.Predict, n)
		}
	}
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

// evalRecord is one spilled row that may be scored. Its tokens are reused
// from row to row: valid only during the callback.
type evalRecord struct {
	cell   valueclass.Cell
	tokens [][]byte
}

// eachEval reads back every spilled row of a and the merged workers and
// calls fn with those whose cell keep accepts (the others are skipped
// without decoding their tokens).
func (a *baseline) eachEval(keep func(valueclass.Cell) bool, fn func(*evalRecord)) error {
	rec := &evalRecord{}
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
		var head [10]byte
		for {
			if _, err := io.ReadFull(r, head[:]); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return err
			}
			rec.cell = valueclass.Cell{Class: binary.LittleEndian.Uint64(head[:8]), Split: head[8], Eval: head[9] == 1}
			kept := keep(rec.cell)
			n, err := binary.ReadUvarint(r)
			if err != nil {
				return err
			}
			rec.tokens = rec.tokens[:0]
			for range n {
				k, err := binary.ReadUvarint(r)
				if err != nil {
					return err
				}
				if !kept {
					if _, err := r.Discard(int(k)); err != nil {
						return err
					}
					continue
				}
				var buf []byte
				if i := len(rec.tokens); i < cap(rec.tokens) {
					buf = rec.tokens[:i+1][i]
				}
				buf = slices.Grow(buf[:0], int(k))[:k]
				if _, err := io.ReadFull(r, buf); err != nil {
					return err
				}
				rec.tokens = append(rec.tokens, buf)
			}
			if kept {
				fn(rec)
			}
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
	// The same sides, counts and tie-breaks as leakage.target.
	sides := valueclass.SidesOf(s)
	a.table.Finish()
	all := []valueclass.Group{a.table.Total(sides.Fit, sides.Eval)}
	overall := valueclass.ScoreGroups(all, a.names)
	if overall.FitRows == 0 || overall.EvalRows == 0 {
		return audit.CheckResult{Status: audit.Skip, Summary: "There are no labeled train rows and held-out rows to fit and score a baseline on."}
	}
	majority := overall.Majority
	major := newScorer()
	major.addGroups(all)
	p := a.env.Params

	// Single-column rules, from the counts leakage.target scores too.
	type colRule struct {
		name  string
		score valueclass.Score
		sc    *scorer
	}
	var rules []colRule
	columns := map[string]any{}
	leakAt := valueclass.SuspectPower(a.env.Config)
	if !a.table.TooManyClasses() {
		for j, c := range a.table.Columns() {
			counts := a.table.Counts(j)
			groups := counts.Groups(sides.Fit, sides.Eval)
			rule := colRule{c.Name, valueclass.ScoreGroups(groups, a.names), newScorer()}
			rule.sc.addGroups(groups)
			typ := "categorical"
			if counts.IsNumeric() {
				typ = "numeric"
			}
			excluded := rule.score.Power >= leakAt
			columns[c.Name] = map[string]any{
				"accuracy":         rule.score.RuleAccuracy,
				"macro_f1":         rule.sc.macroF1(),
				"predictive_power": rule.score.Power,
				"excluded_as_leak": excluded,
				"type":             typ,
				"approximate":      counts.Approximate(),
			}
			if !excluded {
				rules = append(rules, rule)
			}
		}
	}
	best := -1
	for j, rule := range rules {
		if best < 0 || rule.score.RuleAccuracy > rules[best].score.RuleAccuracy {
			best = j
		}
	}

	// Keywords: per class, the tokens with the highest precision for it
	// among the fitting rows.
	byClass := map[uint64][]keyword{}
	for t, cells := range a.tokens.All() {
		cc := classCounts{}
		var total int64
		for c, n := range cells {
			if sides.Fit(c) {
				cc[c.Class] += n
				total += n
			}
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

	kw := newScorer()
	hits := classCounts{}
	err := a.eachEval(sides.Eval, func(r *evalRecord) {
		clear(hits)
		for _, t := range r.tokens {
			for c := range keywords[string(t)] {
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
		kw.add(r.cell.Class, pred)
	})
	if err != nil {
		return audit.CheckResult{Status: audit.Error, Summary: "volume.baseline: " + err.Error()}
	}

	split := "hash 20%"
	if sides.Holdout {
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
		bm := rules[best].sc.metrics()
		bm["column"] = rules[best].name
		r.Metrics["best_column"] = bm
		if acc := bm["accuracy"].(float64); acc > bar {
			bar, barF1, by = acc, bm["macro_f1"].(float64), "the best single column, "+rules[best].name
		}
	}
	if a.textCol >= 0 {
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
