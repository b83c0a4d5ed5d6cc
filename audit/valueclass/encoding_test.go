package valueclass_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"dataready/audit"
	"dataready/audit/valueclass"
	"dataready/audit/wire"
)

// TestCountsEncoding runs numeric and text values past a small cap (so
// that values are sampled by hash, the rest counted as other, and numeric
// groups come from the histogram) into three Counts, sends each through
// its encoding, merges them, and compares the groups with one Counts that
// saw every value.
func TestCountsEncoding(t *testing.T) {
	const max = 20
	r := rand.New(rand.NewPCG(1, 2))
	type add struct {
		v    string
		null bool
		c    valueclass.Cell
		pos  audit.RowPos
	}
	var adds []add
	for i := range 3000 {
		c := valueclass.Cell{Class: uint64(1 + r.IntN(3)), Split: uint8(r.IntN(2)), Eval: r.IntN(5) == 0}
		v := fmt.Sprintf("%.2f", r.ExpFloat64()*100)
		switch r.IntN(50) {
		case 0:
			v = "n/a" // not a number
		case 1, 2:
			v = ""
		}
		adds = append(adds, add{v, v == "", c, audit.RowPos{File: uint32(i % 2), Line: int64(i + 2)}})
	}
	mk := func() *valueclass.Counts { return valueclass.NewCounts(max, valueclass.ParseNumber, nil) }
	one := mk()
	parts := []*valueclass.Counts{mk(), mk(), mk()}
	for i, a := range adds {
		one.Add(a.v, a.null, a.c, a.pos)
		parts[i%len(parts)].Add(a.v, a.null, a.c, a.pos)
	}
	var merged *valueclass.Counts
	for _, p := range parts {
		w := wire.NewWriter("test.counts", 1)
		p.Encode(w)
		cp := mk()
		rd := wire.NewReader(w.Bytes(), "test.counts", 1)
		cp.Decode(rd)
		if err := rd.Finish(); err != nil {
			t.Fatal(err)
		}
		again := wire.NewWriter("test.counts", 1)
		cp.Encode(again)
		if string(again.Bytes()) != string(w.Bytes()) {
			t.Fatal("the decoded counts encode to other bytes")
		}
		if merged == nil {
			merged = cp
		} else {
			merged.Merge(cp)
		}
	}
	one.Finish()
	merged.Finish()
	if !one.Approximate() || !one.IsNumeric() {
		t.Fatalf("approximate %v, numeric %v: the test does not reach the cap's sampling and histogram", one.Approximate(), one.IsNumeric())
	}
	fit := func(c valueclass.Cell) bool { return !c.Eval }
	eval := func(c valueclass.Cell) bool { return c.Eval }
	if got, want := merged.Groups(fit, eval), one.Groups(fit, eval); !reflect.DeepEqual(got, want) {
		t.Errorf("groups after encoding and merging differ from one pass:\n got %+v\nwant %+v", got, want)
	}
}
