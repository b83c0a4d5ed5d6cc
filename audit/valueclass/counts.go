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
// counted as other (the group "(other)"). Values that parse as numbers (with the parse function
// given to NewCounts) are also counted in a log-scale histogram of
// 1% relative width (the bucketing of DDSketch), so a numeric column keeps
// its distribution when its values no longer fit.
//
// Rows are counted per cell id (cellIDs), shared with the Table the
// Counts belongs to; the encoding writes cells.
type Counts struct {
	parse  func(string) (float64, bool)
	format func(float64) string
	max    int
	// limit: values whose hash is larger are counted in other.
	limit  uint64
	ids    *cellIDs
	values map[uint64]*Value
	// other counts the values not kept (see above); missing the null
	// values and null tokens; notNumber the non-null values that do not
	// parse (with a parse function only).
	other, missing, notNumber cellCounts
	// hist counts the values that parse, per histogram bucket.
	hist map[int32]*cellCounts
	// NonNull counts non-null values; Numeric those that parse.
	NonNull, Numeric int64
	buf              []byte
	// recent caches what add computes from the raw values met last (see
	// resolve); nil until the first value, and for good once it misses
	// more than it hits.
	recent       *[recentSlots]recentValue
	hits, misses int
	noCache      bool
}

// The cache of recent values: recentSlots entries, direct-mapped by a
// cheap hash of the raw value; values longer than recentMax bytes are not
// cached. After recentProbe misses with fewer hits than misses (a column
// of many distinct values), the Counts stops caching.
const (
	recentSlots = 32
	recentMax   = 64
	recentProbe = 4096
)

// recentValue is what add computes from one raw value: its parse, its
// histogram bucket's counts and its Value (nil when counted as other).
// Entries are only valid while no value is folded: shrink and merge clear
// the cache.
type recentValue struct {
	raw   []byte // a copy of the raw value; nil for an empty slot
	val   *Value
	num   float64
	isNum bool
	hc    *cellCounts
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
	// cells counts the value's rows per cell id.
	cells cellCounts
}

// NewCounts returns an empty table keeping up to max values exactly.
// parse, when not nil, reads a value as a number (for numeric columns);
// format writes such a number back for group labels (nil: %g).
func NewCounts(max int, parse func(string) (float64, bool), format func(float64) string) *Counts {
	return newCounts(max, parse, format, newCellIDs())
}

// newCounts is NewCounts numbering cells with ids (a Table's).
func newCounts(max int, parse func(string) (float64, bool), format func(float64) string, ids *cellIDs) *Counts {
	if format == nil {
		format = func(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }
	}
	return &Counts{parse: parse, format: format, max: max, limit: math.MaxUint64, ids: ids,
		values: map[uint64]*Value{}, hist: map[int32]*cellCounts{}}
}

// maxText bounds Value.Text.
const maxText = 80

// Add counts one labeled row: its raw value v (null when the value is
// missing), its cell and its position.
func (vc *Counts) Add(v string, null bool, c Cell, pos audit.RowPos) {
	vc.add(v, null, vc.ids.id(c), pos)
}

// add is Add with the cell given by its id: Table.Add's path, which
// numbers each row's cell once for all its columns.
func (vc *Counts) add(v string, null bool, id uint32, pos audit.RowPos) {
	if null {
		vc.missing.add(id, 1)
		return
	}
	vc.NonNull++
	r := vc.resolve(v, id, pos)
	if vc.parse != nil {
		if r.isNum {
			vc.Numeric++
			r.hc.add(id, 1)
		} else {
			vc.notNumber.add(id, 1)
		}
	}
	val := r.val
	if val == nil {
		vc.other.add(id, 1)
		return
	}
	if pos.Less(val.First) {
		val.First, val.FirstSplit = pos, vc.ids.cells[id].Split
	}
	val.cells.add(id, 1)
	if len(vc.values) >= 2*vc.max {
		vc.shrink(vc.max) // after counting: the new value may be folded
	}
}

// resolve returns what add needs of the raw value v: from the cache of
// recent values when v is there, else computed (a new value gets its
// Value, first seen at pos) and cached.
func (vc *Counts) resolve(v string, id uint32, pos audit.RowPos) recentValue {
	var slot *recentValue
	if !vc.noCache && len(v) <= recentMax {
		if vc.recent == nil {
			vc.recent = new([recentSlots]recentValue)
		}
		k := len(v)
		if k > 0 {
			k = k*31 + int(v[0])*7 + int(v[k-1])
		}
		slot = &vc.recent[k&(recentSlots-1)]
		if slot.raw != nil && string(slot.raw) == v {
			vc.hits++
			return *slot
		}
		if vc.misses++; vc.misses >= recentProbe && vc.hits < vc.misses {
			vc.noCache, vc.recent, slot = true, nil, nil
		}
	}
	var r recentValue
	if vc.parse != nil {
		if r.num, r.isNum = vc.parse(v); r.isNum {
			b := bucketOf(r.num)
			r.hc = vc.hist[b]
			if r.hc == nil {
				r.hc = &cellCounts{}
				vc.hist[b] = r.hc
			}
		}
	}
	var h uint64
	h, vc.buf = valueHash(vc.buf, v)
	if h <= vc.limit {
		r.val = vc.values[h]
		if r.val == nil {
			r.val = &Value{Text: cutText(string(vc.buf)), Num: r.num, IsNum: r.isNum, First: pos, FirstSplit: vc.ids.cells[id].Split}
			vc.values[h] = r.val
		}
	}
	if slot != nil {
		r.raw = append(slot.raw[:0], v...)
		*slot = r
	}
	return r
}

// forget empties the cache of recent values: values were folded.
func (vc *Counts) forget() {
	if vc.recent != nil {
		*vc.recent = [recentSlots]recentValue{}
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
// in other; later values with a larger hash go to other directly.
func (vc *Counts) shrink(n int) {
	if len(vc.values) <= n {
		return
	}
	hashes := make([]uint64, 0, len(vc.values))
	for h := range vc.values {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)
	vc.forget()
	vc.limit = hashes[n-1]
	for _, h := range hashes[n:] {
		vc.fold(h)
	}
}

func (vc *Counts) fold(h uint64) {
	vc.other.addAll(&vc.values[h].cells, nil)
	delete(vc.values, h)
}

// Merge folds o into vc; o is left unusable.
func (vc *Counts) Merge(o *Counts) { vc.merge(o, vc.ids.remap(o.ids)) }

// merge is Merge with o's cell ids mapped to vc's by remap (nil: the same
// ids); Table.Merge computes remap once for all its columns.
func (vc *Counts) merge(o *Counts, remap []uint32) {
	vc.NonNull += o.NonNull
	vc.Numeric += o.Numeric
	vc.other.addAll(&o.other, remap)
	vc.missing.addAll(&o.missing, remap)
	vc.notNumber.addAll(&o.notNumber, remap)
	for b, oc := range o.hist {
		hc := vc.hist[b]
		if hc == nil {
			hc = &cellCounts{}
			vc.hist[b] = hc
		}
		hc.addAll(oc, remap)
	}
	vc.forget()
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
			vc.other.addAll(&ov.cells, remap)
			continue
		}
		v := vc.values[h]
		if v == nil {
			if remap != nil {
				var cells cellCounts
				cells.addAll(&ov.cells, remap)
				ov.cells = cells
			}
			vc.values[h] = ov
			continue
		}
		v.cells.addAll(&ov.cells, remap)
		if ov.First.Less(v.First) {
			v.First, v.FirstSplit = ov.First, ov.FirstSplit
		}
	}
	vc.shrink(2*vc.max - 1)
	*o = Counts{}
}

// Finish cuts the table to its final max values. Call it once, after the
// last Merge and before Groups.
func (vc *Counts) Finish() { vc.shrink(vc.max) }

// Approximate reports whether some values were counted as other (not
// kept).
func (vc *Counts) Approximate() bool { return vc.other.len() > 0 }

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
// exactly when no value was folded into other, otherwise on the 1%
// histogram buckets, so that two values within 1% of each other may share
// a decile boundary. Groups come in a fixed order.
func (vc *Counts) Groups(fit, eval func(Cell) bool) []Group {
	var groups []Group
	sides := vc.ids.sides(fit, eval)
	count := func(cells *cellCounts, g *Group) {
		cells.each(func(id uint32, n int64) {
			switch sides[id] {
			case sideFit:
				g.Fit[vc.ids.cells[id].Class] += n
			case sideEval:
				g.Eval[vc.ids.cells[id].Class] += n
			}
		})
	}
	special := func(label string, cells *cellCounts) {
		g := newGroup(label)
		count(cells, &g)
		if len(g.Fit)+len(g.Eval) > 0 {
			groups = append(groups, g)
		}
	}
	switch {
	case vc.IsNumeric() && !vc.Approximate():
		groups = vc.exactDeciles(sides, count)
	case vc.IsNumeric():
		groups = vc.histDeciles(sides, count)
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
			count(&v.cells, &g)
			if len(g.Fit)+len(g.Eval) > 0 {
				groups = append(groups, g)
			}
		}
		special(GroupOther, &vc.other)
	}
	if vc.IsNumeric() {
		special(GroupNotNumber, &vc.notNumber)
	}
	special(GroupMissing, &vc.missing)
	return groups
}

func newGroup(label string) Group {
	return Group{Label: label, Fit: map[uint64]int64{}, Eval: map[uint64]int64{}}
}

// atom is an ordered unit of a numeric column: one exact value or one
// histogram bucket, with its counts.
type atom struct {
	lo, hi float64
	fit    int64
	first  audit.RowPos
	split  uint8
	has    bool
	counts []*cellCounts
}

// fitRows sums the atom's counts on the fitting side.
func (a *atom) fitRows(sides []uint8) {
	for _, cells := range a.counts {
		cells.each(func(id uint32, n int64) {
			if sides[id] == sideFit {
				a.fit += n
			}
		})
	}
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
func (vc *Counts) groupAtoms(atoms []atom, approx bool, count func(*cellCounts, *Group)) []Group {
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
			for _, cells := range a.counts {
				count(cells, &g)
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

func (vc *Counts) exactDeciles(sides []uint8, count func(*cellCounts, *Group)) []Group {
	var atoms []atom
	for _, v := range vc.values {
		if !v.IsNum {
			continue
		}
		atoms = append(atoms, atom{lo: v.Num, hi: v.Num, first: v.First, split: v.FirstSplit, has: true, counts: []*cellCounts{&v.cells}})
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
		merged[i].fitRows(sides)
	}
	return vc.groupAtoms(merged, false, count)
}

func (vc *Counts) histDeciles(sides []uint8, count func(*cellCounts, *Group)) []Group {
	atoms := make([]atom, 0, len(vc.hist))
	for b, cells := range vc.hist {
		lo, hi := bucketBounds(b)
		a := atom{lo: lo, hi: hi, counts: []*cellCounts{cells}}
		a.fitRows(sides)
		atoms = append(atoms, a)
	}
	slices.SortFunc(atoms, func(a, b atom) int { return cmp.Compare(a.lo, b.lo) })
	return vc.groupAtoms(atoms, true, count)
}

// The histogram: bucket i > 0 holds values in (γ^(i-1-off), γ^(i-off)],
// γ = (1+α)/(1-α) with α = 1%; bucket 0 holds 0; negative buckets mirror
// the positive ones. Every value is within 1% of its bucket's midpoint.
const (
	histAlpha  = 0.01
	histOffset = 1 << 20
)

var logGamma = math.Log((1 + histAlpha) / (1 - histAlpha))

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
