package labels

import (
	"reflect"
	"testing"

	"dataready/audit"
	"dataready/audit/wire"
)

// TestRowBitsEncoding sends a set of rows spread over files and pages
// through writeBits and readBits.
func TestRowBitsEncoding(t *testing.T) {
	b := rowBits{}
	for _, p := range []audit.RowPos{{File: 0, Line: 2}, {File: 0, Line: 5000}, {File: 3, Line: 70}, {File: 3, Line: 1 << 33}} {
		b.set(p)
	}
	w := wire.NewWriter("test.bits", 1)
	writeBits(w, b)
	got := rowBits{}
	r := wire.NewReader(w.Bytes(), "test.bits", 1)
	readBits(r, got)
	if err := r.Finish(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, b) {
		t.Errorf("decoded %d pages, want the %d written", len(got), len(b))
	}
	if !got.has(audit.RowPos{File: 3, Line: 1 << 33}) || got.has(audit.RowPos{File: 3, Line: 71}) {
		t.Error("decoded set has the wrong rows")
	}
}
