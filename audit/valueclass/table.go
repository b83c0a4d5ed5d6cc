package valueclass

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zeebo/xxh3"

	"dataready/audit"
	"dataready/audit/norm"
)

// MaxClasses bounds the class names a Table remembers; a label with more
// distinct classes is not a classification label, and a Table stops
// counting its columns (TooManyClasses).
const MaxClasses = 1000

// Column says how a Table counts one column.
type Column struct {
	Name string
	// Parse reads a value as a number; nil for a column that is never
	// numeric (ids). A column is numeric when at least 95% of its non-null
	// values parse (Counts.IsNumeric).
	Parse func(string) (float64, bool)
	// Format writes such a number back for group labels (nil: %g).
	Format func(float64) string
}

// Table counts, for a set of columns, labeled rows per value × Cell (one
// Counts per column), and labeled rows per Cell for the whole table. It is
// the counting behind leakage.target and volume.baseline: both build their
// single-column rules from a Table, fitted and scored on the same Sides,
// so their numbers agree. It is an accumulator's state: Add from one
// goroutine, Merge after the workers finish, Finish once before reading.
//
// The table numbers the cells it meets (cellIDs) and its Counts count per
// cell id: Add looks up each row's cell once, not once per column.
type Table struct {
	cols   []Column
	idx    []int
	counts []*Counts
	nulls  map[string]bool
	// nullStart marks the first bytes of the null tokens.
	nullStart [256]bool
	ids       *cellIDs
	// rows counts every labeled row per cell id, columns or not.
	rows    cellCounts
	classes map[uint64]string
	// cells and keep hold, per row of the batch being added, its cell id
	// and whether it is labeled.
	cells []uint32
	keep  []bool
}

// NewTable returns an empty table of the given columns, which must be
// columns of env (resolved roles are).
func NewTable(env *audit.Env, cols []Column) *Table {
	t := &Table{nulls: map[string]bool{}, ids: newCellIDs(), classes: map[uint64]string{}}
	for _, tok := range env.Config.NullValues {
		if tok = strings.TrimSpace(tok); tok != "" {
			t.nulls[tok] = true
			t.nullStart[tok[0]] = true
		}
	}
	t.cols = cols
	for _, c := range cols {
		t.idx = append(t.idx, env.Column(c.Name))
		t.counts = append(t.counts, newCounts(MaxValues, c.Parse, c.Format, t.ids))
	}
	return t
}

// Columns returns the columns counted, in the order given to NewTable.
func (t *Table) Columns() []Column { return t.cols }

// Counts returns the counts of the j-th column of Columns.
func (t *Table) Counts(j int) *Counts { return t.counts[j] }

// Classes maps class hashes to names (at most MaxClasses+1 of them).
func (t *Table) Classes() map[uint64]string { return t.classes }

// TooManyClasses reports whether the label has more than MaxClasses
// classes; the columns are then not counted (in full).
func (t *Table) TooManyClasses() bool { return len(t.classes) > MaxClasses }

// isNull tells a missing value the way the pipeline does: null, empty after
// trimming, or one of null_values (compared after trimming).
func (t *Table) isNull(s string) bool {
	if s != "" && plainEnd(s[0]) && plainEnd(s[len(s)-1]) {
		// Nothing to trim: most values start with no token's first byte.
		return t.nullStart[s[0]] && t.nulls[s]
	}
	v := strings.TrimSpace(s)
	return v == "" || t.nulls[v]
}

// plainEnd reports whether strings.TrimSpace keeps a string that starts
// or ends with byte c: an ASCII byte that is not white space.
func plainEnd(c byte) bool {
	return c < utf8.RuneSelf && c != ' ' && (c < '\t' || c > '\r')
}

// Add counts the labeled rows of a batch.
func (t *Table) Add(b *audit.Batch) {
	t.cells = t.cells[:0]
	t.keep = t.keep[:0]
	for i := 0; i < b.Rows; i++ {
		labeled := b.Missing[i] < 0
		t.keep = append(t.keep, labeled)
		if !labeled {
			t.cells = append(t.cells, 0)
			continue
		}
		h := b.ClassHash[i]
		id := t.ids.id(Cell{Class: h, Split: b.Split[i], Eval: EvalHalf(b.Key[i])})
		t.cells = append(t.cells, id)
		if t.rows.get(id) == 0 {
			// The cell's first row here: a class is new to the table only
			// in a new cell, and the table keeps every class it meets
			// until it is full (and full for good).
			if _, ok := t.classes[h]; !ok && len(t.classes) <= MaxClasses {
				t.classes[h] = strings.Clone(b.Class[i])
			}
		}
		t.rows.add(id, 1)
	}
	if t.TooManyClasses() {
		return
	}
	for j, counts := range t.counts {
		vals := audit.ValuesOf(b.Columns[t.idx[j]])
		for i, labeled := range t.keep {
			if !labeled {
				continue
			}
			v, ok := vals.Get(i)
			counts.add(v, !ok || t.isNull(v), t.cells[i], b.Pos(i))
		}
	}
}

// Merge folds o into t; o is left unusable.
func (t *Table) Merge(o *Table) {
	for h, n := range o.classes {
		if len(t.classes) > MaxClasses {
			break
		}
		t.classes[h] = n
	}
	remap := t.ids.remap(o.ids)
	t.rows.addAll(&o.rows, remap)
	for j, c := range t.counts {
		c.merge(o.counts[j], remap)
	}
}

// Finish cuts every column to its final MaxValues values. Call it once,
// after the last Merge.
func (t *Table) Finish() {
	for _, c := range t.counts {
		c.Finish()
	}
}

// Total returns every labeled row as one group, split into fitting and
// scoring sides: scored with ScoreGroups, it gives the majority class and
// its accuracy, the same as every column's Score does.
func (t *Table) Total(fit, eval func(Cell) bool) Group {
	g := newGroup("(all)")
	t.rows.each(func(id uint32, n int64) {
		switch c := t.ids.cells[id]; {
		case fit(c):
			g.Fit[c.Class] += n
		case eval(c):
			g.Eval[c.Class] += n
		}
	})
	return g
}

// valueHash is norm.Hash64(norm.String(v)) computed in buf, so that the hot
// path allocates nothing; it returns buf for reuse.
func valueHash(buf []byte, v string) (uint64, []byte) {
	buf = norm.Options{}.Append(buf[:0], v)
	return xxh3.Hash(buf), buf
}

// ParseNumber reads a finite float, after trimming: the numeric reading of
// feature values. Values that cannot start a finite number are rejected
// before strconv, whose error would allocate for every categorical value.
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || !strings.ContainsRune("+-.0123456789", rune(s[0])) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// TargetCheck is the check whose fail threshold makes a feature column a
// suspect (a leak); volume.baseline reads it from the config, so both
// checks call the same columns leaks.
const TargetCheck = "leakage.target"

// DefaultSuspectPower is the default of TargetCheck's fail threshold.
const DefaultSuspectPower = 0.8

// SuspectPower returns the power at or above which a feature column is a
// suspect: checks.leakage.target.fail from the config, else
// DefaultSuspectPower.
func SuspectPower(cfg *audit.Config) float64 {
	switch v := cfg.Checks[TargetCheck]["fail"].(type) {
	case float64:
		return v
	case float32:
		return float64(v)
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	}
	return DefaultSuspectPower
}
