package valueclass_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"dataready/audit"
	"dataready/audit/norm"
	"dataready/audit/valueclass"
	"dataready/audit/wire"
)

// tableRow is one generated row of TestTableMergeMatchesRows.
type tableRow struct {
	class   string // "": label missing
	split   uint8
	key     norm.Key
	a, b    string
	aNull   bool
	line    int64
	batchOf int
}

// TestTableMergeMatchesRows counts generated rows in several Tables (each
// meeting the cells in its own order, some through their encoding),
// merges them in several orders, and compares every column's groups and
// the total with counts made row by row.
func TestTableMergeMatchesRows(t *testing.T) {
	env := &audit.Env{Config: audit.DefaultConfig(), Columns: []string{"a", "b"}}
	cols := []valueclass.Column{{Name: "a"}, {Name: "b"}}
	splits := audit.NewSplitTable(env.Config)
	for _, s := range []string{"train", "test", "other"} {
		if _, err := splits.Index(s); err != nil {
			t.Fatal(err)
		}
	}
	classes := []string{"x", "y", "z", "w", "v"}
	aValues := []string{"Red", "red ", "green", "NA", " null", "blue", "  ", "Blue\tsky"}
	rng := rand.New(rand.NewPCG(21, 22))
	const parts = 4
	var rows []tableRow
	for i := range 2000 {
		part := rng.IntN(parts)
		r := tableRow{
			// Each part meets the classes in another order.
			class: classes[(part+rng.IntN(3)+i%2)%len(classes)],
			split: uint8(rng.IntN(3)), key: norm.TextKey(fmt.Sprint("row ", i)),
			a: aValues[rng.IntN(len(aValues))], aNull: rng.IntN(15) == 0,
			b: fmt.Sprint("b", rng.IntN(40)), line: int64(i + 2), batchOf: part,
		}
		if rng.IntN(20) == 0 {
			r.class = ""
		}
		rows = append(rows, r)
	}

	// The reference: per column, group label → side → class → rows.
	type sides struct{ fit, eval map[uint64]int64 }
	fitSplit := func(c valueclass.Cell) bool { return c.Split == 0 || c.Split == 2 && !c.Eval }
	evalSplit := func(c valueclass.Cell) bool { return c.Split == 1 }
	want := []map[string]sides{{}, {}}
	total := sides{map[uint64]int64{}, map[uint64]int64{}}
	nulls := map[string]bool{}
	for _, tok := range env.Config.NullValues {
		nulls[strings.TrimSpace(tok)] = true
	}
	for _, r := range rows {
		if r.class == "" {
			continue
		}
		c := valueclass.Cell{Class: norm.Hash64(r.class), Split: r.split, Eval: valueclass.EvalHalf(r.key)}
		side := func(s sides) map[uint64]int64 {
			switch {
			case fitSplit(c):
				return s.fit
			case evalSplit(c):
				return s.eval
			}
			return nil
		}
		if m := side(total); m != nil {
			m[c.Class]++
		}
		for j, v := range []string{r.a, r.b} {
			label := norm.String(v)
			if j == 0 && (r.aNull || nulls[strings.TrimSpace(v)]) {
				label = valueclass.GroupMissing
			}
			s, ok := want[j][label]
			if !ok {
				s = sides{map[uint64]int64{}, map[uint64]int64{}}
				want[j][label] = s
			}
			if m := side(s); m != nil {
				m[c.Class]++
			}
		}
	}
	for j := range want {
		for label, s := range want[j] {
			if len(s.fit)+len(s.eval) == 0 {
				delete(want[j], label)
			}
		}
	}

	batch := func(rows []tableRow) *audit.Batch {
		n := len(rows)
		b := &audit.Batch{File: &audit.FileRef{Path: "t.csv"}, Rows: n, Lines: make([]int64, n), Split: make([]uint8, n),
			Splits: splits, Label: make([]string, n), Missing: make([]int16, n), Class: make([]string, n),
			ClassHash: make([]uint64, n), Key: make([]norm.Key, n)}
		a, bs := array.NewStringBuilder(memory.DefaultAllocator), array.NewStringBuilder(memory.DefaultAllocator)
		defer a.Release()
		defer bs.Release()
		for i, r := range rows {
			b.Lines[i], b.Split[i], b.Key[i], b.Missing[i] = r.line, r.split, r.key, -1
			b.Label[i], b.Class[i], b.ClassHash[i] = r.class, r.class, norm.Hash64(r.class)
			if r.class == "" {
				b.ClassHash[i], b.Missing[i] = 0, audit.MissingNull
			}
			if r.aNull {
				a.AppendNull()
			} else {
				a.Append(r.a)
			}
			bs.Append(r.b)
		}
		b.Columns = append(b.Columns, a.NewArray(), bs.NewArray())
		t.Cleanup(b.Columns[0].Release)
		t.Cleanup(b.Columns[1].Release)
		return b
	}
	tables := func() []*valueclass.Table {
		var out []*valueclass.Table
		for p := range parts {
			var mine []tableRow
			for _, r := range rows {
				if r.batchOf == p {
					mine = append(mine, r)
				}
			}
			tab := valueclass.NewTable(env, cols)
			for len(mine) > 0 {
				n := min(len(mine), 1+rng.IntN(100))
				tab.Add(batch(mine[:n]))
				mine = mine[n:]
			}
			if p%2 == 1 { // through the encoding
				w := wire.NewWriter("test.table", 1)
				tab.Encode(w)
				tab = valueclass.NewTable(env, cols)
				r := wire.NewReader(w.Bytes(), "test.table", 1)
				tab.Decode(r)
				if err := r.Finish(); err != nil {
					t.Fatal(err)
				}
			}
			out = append(out, tab)
		}
		return out
	}

	for _, order := range [][]int{{0, 1, 2, 3}, {3, 1, 0, 2}, {2, 3, 1, 0}} {
		t.Run(fmt.Sprint("merge order ", order), func(t *testing.T) {
			parts := tables()
			all := parts[order[0]]
			for _, i := range order[1:] {
				all.Merge(parts[i])
			}
			all.Finish()
			if got := all.Total(fitSplit, evalSplit); !reflect.DeepEqual(got.Fit, total.fit) || !reflect.DeepEqual(got.Eval, total.eval) {
				t.Errorf("total fit %v eval %v, want %v %v", got.Fit, got.Eval, total.fit, total.eval)
			}
			if got := len(all.Classes()); got != len(classes) {
				t.Errorf("%d class names, want %d", got, len(classes))
			}
			for j := range cols {
				got := map[string]sides{}
				for _, g := range all.Counts(j).Groups(fitSplit, evalSplit) {
					got[g.Label] = sides{g.Fit, g.Eval}
				}
				if !reflect.DeepEqual(got, want[j]) {
					t.Errorf("column %s:\n got %v\nwant %v", cols[j].Name, got, want[j])
				}
			}
		})
	}
}
