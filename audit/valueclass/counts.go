package valueclass

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"dataready/audit"
)

// MaxValues is how many distinct values per column a Table counts
// exactly: the one cap of leakage.target and volume.baseline.
const MaxValues = 10000

// Counts is the value × class table of one column: labeled rows per
// distinct value (after norm) and Cell. It is mergeable like an
// accumulator and order-independent. Table keeps one per column; both
// leakage.target and volume.baseline read their rules from it.
//
// Memory is bounded: at most 2 × max distinct values are kept while
// counting and max after Finish. When a column has more, the values kept
// are those with the smallest 64-bit hash (a bottom-k sample: the same
// values whatever the order rows arrive in) and every other value is
// counted in Other. Values that parse as numbers (with the parse function
// given to NewCounts) are also counted in a log-scale histogram of
// 1% relative width (the bucketing of DDSketch), so a numeric column keeps
// its distribution when its values no longer fit.
type Counts struct {
	parse  func(string) (float64, bool)
	format func(float64) string
	max    int
	// limit: values whose hash is larger are counted in Other.
	limit  uint64
	values map[uint64]*Value
	// Other counts the values not kept (see above); Missing the null values
	// and null tokens; NotNumber the non-null values that do not parse
	// (with a parse function only).
	Other, Missing, NotNumber map[Cell]int64
	hist                      map[histCell]int64
	// NonNull counts non-null values; Numeric those that parse.
	NonNull, Numeric int64
	buf              []byte
}

// Value is one distinct value of a column.
type Value struct {
	// Text is norm(value), cut to 80 bytes, for display.
	Text string
	// Num is the parsed number when IsNum.
	Num   float64
	IsNum bool
	// First is the position of the value's first row, FirstSplit its split.
	First      audit.RowPos
	FirstSplit uint8
	Counts     map[Cell]int64
}

// NewCounts returns an empty table keeping up to max values exactly.
// parse, when not nil, reads a value as a number (for numeric columns);
// format writes such a number back for group labels (nil: %g).
func NewCounts(max int, parse func(string) (float64, bool), format func(float64) string) *Counts {
	if format == nil {
		format = func(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }
	}
	return &Counts{parse: parse, format: format, max: max, limit: math.MaxUint64, values: map[uint64]*Value{},
		Other: map[Cell]int64{}, Missing: map[Cell]int64{}, NotNumber: map[Cell]int64{}, hist: map[histCell]int64{}}
}

// maxText bounds Value.Text.
const maxText = 80

// Add counts one labeled row: its raw value v (null when the value is
// missing), its cell and its position.
func (vc *Counts) Add(v string, null bool, c Cell, pos audit.RowPos) {
	if null {
		vc.Missing[c]++
		return
	}
	vc.NonNull++
	var num float64
	var isNum bool
	if vc.parse != nil {
		if num, isNum = vc.parse(v); isNum {
			vc.Numeric++
			vc.hist[histCell{bucketOf(num), c}]++
		} else {
			vc.NotNumber[c]++
		}
	}
	var h uint64
	h, vc.buf = valueHash(vc.buf, v)
	if h > vc.limit {
		vc.Other[c]++
		return
	}
	val := vc.values[h]
	if val == nil {
		val = &Value{Text: cutText(string(vc.buf)), Num: num, IsNum: isNum, First: pos, FirstSplit: c.Split, Counts: map[Cell]int64{}}
		vc.values[h] = val
	}
	val.Counts[c]++
	if pos.Less(val.First) {
		val.First, val.FirstSplit = pos, c.Split
	}
	if len(vc.values) >= 2*vc.max {
		vc.shrink(vc.max) // after counting: the new value may be folded
	}
}

func cutText(s string) string {
	if len(s) <= maxText {
		return s
	}
	n := maxText
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// shrink keeps the n values with the smallest hashes, counting the others
// in Other; later values with a larger hash go to Other directly.
func (vc *Counts) shrink(n int) {
	if len(vc.values) <= n {
		return
	}
	hashes := make([]uint64, 0, len(vc.values))
	for h := range vc.values {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)
	vc.limit = hashes[n-1]
	for _, h := range hashes[n:] {
		vc.fold(h)
	}
}

func (vc *Counts) fold(h uint64) {
	for c, k := range vc.values[h].Counts {
		vc.Other[c] += k
	}
	delete(vc.values, h)
}

// Merge folds o into vc; o is left unusable.
func (vc *Counts) Merge(o *Counts) {
	vc.NonNull += o.NonNull
	vc.Numeric += o.Numeric
	addCells(vc.Other, o.Other)
	addCells(vc.Missing, o.Missing)
	addCells(vc.NotNumber, o.NotNumber)
	for k, n := range o.hist {
		vc.hist[k] += n
	}
	if o.limit < vc.limit {
		vc.limit = o.limit
		for h := range vc.values {
			if h > vc.limit {
				vc.fold(h)
			}
		}
	}
	for h, ov := range o.values {
		if h > vc.limit {
			addCells(vc.Other, ov.Counts)
			continue
		}
		v := vc.values[h]
		if v == nil {
			vc.values[h] = ov
			continue
		}
		addCells(v.Counts, ov.Counts)
		if ov.First.Less(v.First) {
			v.First, v.FirstSplit = ov.First, ov.FirstSplit
		}
	}
	vc.shrink(2*vc.max - 1)
	*o = Counts{}
}

func addCells(dst, src map[Cell]int64) {
	for c, n := range src {
		dst[c] += n
	}
}

// Finish cuts the table to its final max values. Call it once, after the
// last Merge and before Groups.
func (vc *Counts) Finish() { vc.shrink(vc.max) }

// Approximate reports whether some values were counted in Other.
func (vc *Counts) Approximate() bool { return len(vc.Other) > 0 }

// IsNumeric reports whether at least 95% of the non-null values parse as
// numbers (always false without a parse function).
func (vc *Counts) IsNumeric() bool {
	return vc.parse != nil && vc.NonNull > 0 && 100*vc.Numeric >= 95*vc.NonNull
}

// Distinct returns the number of distinct values kept (all of them unless
// Approximate).
func (vc *Counts) Distinct() int { return len(vc.values) }

// Group is a set of values the no-ML rule treats alike: one value of a
// categorical column, one decile of a numeric one, or one of the special
// groups "(missing)", "(other)", "(not a number)".
type Group struct {
	Label string
	// First is the position of the group's first row (HasFirst: known).
	First      audit.RowPos
	FirstSplit uint8
	HasFirst   bool
	// Fit and Eval count rows per class on the fitting and measuring sides.
	Fit, Eval map[uint64]int64
	// Predict is the class the rule predicts for the group (set by Score).
	Predict uint64
}

// Special group labels.
const (
	GroupMissing   = "(missing)"
	GroupOther     = "(other)"
	GroupNotNumber = "(not a number)"
)

// Groups returns the column's groups, with rows on the fitting side
// (fit(cell)) and on the measuring side (eval(cell)); rows on neither side
// are left out, and so are groups with no row on either side. A numeric
// column (IsNumeric) is cut into deciles of its fitting-side values:
// exactly when no value was folded into Other, otherwise on the 1%
// histogram buckets, so that two values within 1% of each other may share
// a decile boundary. Groups come in a fixed order.
func (vc *Counts) Groups(fit, eval func(Cell) bool) []Group {
	var groups []Group
	side := func(counts map[Cell]int64, g *Group) {
		for c, n := range counts {
			switch {
			case fit(c):
				g.Fit[c.Class] += n
			case eval(c):
				g.Eval[c.Class] += n
			}
		}
	}
	newGroup := func(label string) Group {
		return Group{Label: label, Fit: map[uint64]int64{}, Eval: map[uint64]int64{}}
	}
	special := func(label string, counts map[Cell]int64) {
		g := newGroup(label)
		side(counts, &g)
		if len(g.Fit)+len(g.Eval) > 0 {
			groups = append(groups, g)
		}
	}
	switch {
	case vc.IsNumeric() && !vc.Approximate():
		groups = vc.exactDeciles(fit, side, newGroup)
	case vc.IsNumeric():
		groups = vc.histDeciles(fit, side, newGroup)
	default:
		keys := make([]uint64, 0, len(vc.values))
		for h := range vc.values {
			keys = append(keys, h)
		}
		slices.SortFunc(keys, func(a, b uint64) int {
			return cmp.Or(cmp.Compare(vc.values[a].Text, vc.values[b].Text), cmp.Compare(a, b))
		})
		for _, h := range keys {
			v := vc.values[h]
			g := newGroup(v.Text)
			g.First, g.FirstSplit, g.HasFirst = v.First, v.FirstSplit, true
			side(v.Counts, &g)
			if len(g.Fit)+len(g.Eval) > 0 {
				groups = append(groups, g)
			}
		}
		special(GroupOther, vc.Other)
	}
	if vc.IsNumeric() {
		special(GroupNotNumber, vc.NotNumber)
	}
	special(GroupMissing, vc.Missing)
	return groups
}

// atom is an ordered unit of a numeric column: one exact value or one
// histogram bucket, with its counts.
type atom struct {
	lo, hi float64
	fit    int64
	first  audit.RowPos
	split  uint8
	has    bool
	counts []map[Cell]int64
}

// decileCuts returns, per atom (in order), its decile group: cuts fall
// after the atom where the cumulative fitting count first reaches k/10 of
// the total, k = 1..9.
func decileCuts(atoms []atom) []int {
	var total int64
	for _, a := range atoms {
		total += a.fit
	}
	group := make([]int, len(atoms))
	g, k, cum := 0, int64(1), int64(0)
	for i, a := range atoms {
		group[i] = g
		cum += a.fit
		cut := false
		for k <= 9 && total > 0 && 10*cum >= k*total {
			k++
			cut = true
		}
		if cut {
			g++
		}
	}
	return group
}

// groupAtoms turns sorted atoms into decile groups.
func (vc *Counts) groupAtoms(atoms []atom, approx bool, side func(map[Cell]int64, *Group), newGroup func(string) Group) []Group {
	var groups []Group
	cuts := decileCuts(atoms)
	for i := 0; i < len(atoms); {
		j := i
		for j < len(atoms) && cuts[j] == cuts[i] {
			j++
		}
		lo, hi := vc.format(atoms[i].lo), vc.format(atoms[j-1].hi)
		if approx {
			lo, hi = "≈"+lo, "≈"+hi
		}
		label := lo
		if lo != hi {
			label = lo + " to " + hi
		}
		g := newGroup(label)
		for _, a := range atoms[i:j] {
			for _, counts := range a.counts {
				side(counts, &g)
			}
			if a.has && (!g.HasFirst || a.first.Less(g.First)) {
				g.First, g.FirstSplit, g.HasFirst = a.first, a.split, true
			}
		}
		if len(g.Fit)+len(g.Eval) > 0 {
			groups = append(groups, g)
		}
		i = j
	}
	return groups
}

func (vc *Counts) exactDeciles(fit func(Cell) bool, side func(map[Cell]int64, *Group), newGroup func(string) Group) []Group {
	var atoms []atom
	for _, v := range vc.values {
		if !v.IsNum {
			continue
		}
		atoms = append(atoms, atom{lo: v.Num, hi: v.Num, first: v.First, split: v.FirstSplit, has: true, counts: []map[Cell]int64{v.Counts}})
	}
	slices.SortFunc(atoms, func(a, b atom) int { return cmp.Compare(a.lo, b.lo) })
	// Values equal as numbers ("12.5" and "12.50") are one atom.
	merged := atoms[:0]
	for _, a := range atoms {
		if n := len(merged); n > 0 && merged[n-1].lo == a.lo {
			m := &merged[n-1]
			m.counts = append(m.counts, a.counts...)
			if a.first.Less(m.first) {
				m.first, m.split = a.first, a.split
			}
			continue
		}
		merged = append(merged, a)
	}
	for i := range merged {
		for _, counts := range merged[i].counts {
			for c, n := range counts {
				if fit(c) {
					merged[i].fit += n
				}
			}
		}
	}
	return vc.groupAtoms(merged, false, side, newGroup)
}

func (vc *Counts) histDeciles(fit func(Cell) bool, side func(map[Cell]int64, *Group), newGroup func(string) Group) []Group {
	byBucket := map[int32]map[Cell]int64{}
	for hc, n := range vc.hist {
		m := byBucket[hc.bucket]
		if m == nil {
			m = map[Cell]int64{}
			byBucket[hc.bucket] = m
		}
		m[hc.cell] += n
	}
	atoms := make([]atom, 0, len(byBucket))
	for b, counts := range byBucket {
		lo, hi := bucketBounds(b)
		a := atom{lo: lo, hi: hi, counts: []map[Cell]int64{counts}}
		for c, n := range counts {
			if fit(c) {
				a.fit += n
			}
		}
		atoms = append(atoms, a)
	}
	slices.SortFunc(atoms, func(a, b atom) int { return cmp.Compare(a.lo, b.lo) })
	return vc.groupAtoms(atoms, true, side, newGroup)
}

// The histogram: bucket i > 0 holds values in (γ^(i-1-off), γ^(i-off)],
// γ = (1+α)/(1-α) with α = 1%; bucket 0 holds 0; negative buckets mirror
// the positive ones. Every value is within 1% of its bucket's midpoint.
const (
	histAlpha  = 0.01
	histOffset = 1 << 20
)

var logGamma = math.Log((1 + histAlpha) / (1 - histAlpha))

type histCell struct {
	bucket int32
	cell   Cell
}

func bucketOf(v float64) int32 {
	switch {
	case v == 0:
		return 0
	case v < 0:
		return -bucketOf(-v)
	}
	return int32(math.Ceil(math.Log(v)/logGamma)) + histOffset
}

func bucketBounds(b int32) (lo, hi float64) {
	switch {
	case b == 0:
		return 0, 0
	case b < 0:
		lo, hi = bucketBounds(-b)
		return -hi, -lo
	}
	i := float64(b - histOffset)
	return math.Exp((i - 1) * logGamma), math.Exp(i * logGamma)
}
