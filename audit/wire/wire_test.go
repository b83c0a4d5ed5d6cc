package wire

import (
	"errors"
	"math"
	"testing"
)

// sample writes one value of every kind.
func sample() []byte {
	w := NewWriter("test.sample", 1)
	w.Uvarint(300)
	w.Varint(-5)
	w.Int(7)
	w.Fixed64(math.MaxUint64)
	w.Float64(-0.25)
	w.Uint8(9)
	w.Bool(true)
	w.Str("héllo")
	w.Blob([]byte{0, 1, 2})
	return w.Bytes()
}

func TestRoundTrip(t *testing.T) {
	r := NewReader(sample(), "test.sample", 1)
	if got := r.Uvarint(); got != 300 {
		t.Errorf("Uvarint = %d, want 300", got)
	}
	if got := r.Varint(); got != -5 {
		t.Errorf("Varint = %d, want -5", got)
	}
	if got := r.Below(8); got != 7 {
		t.Errorf("Below = %d, want 7", got)
	}
	if got := r.Fixed64(); got != math.MaxUint64 {
		t.Errorf("Fixed64 = %d, want MaxUint64", got)
	}
	if got := r.Float64(); got != -0.25 {
		t.Errorf("Float64 = %v, want -0.25", got)
	}
	if got := r.Uint8Below(10); got != 9 {
		t.Errorf("Uint8 = %d, want 9", got)
	}
	if got := r.Bool(); !got {
		t.Errorf("Bool = false, want true")
	}
	if got := r.Str(); got != "héllo" {
		t.Errorf("Str = %q, want héllo", got)
	}
	if got := r.Blob(); string(got) != "\x00\x01\x02" {
		t.Errorf("Blob = %v, want [0 1 2]", got)
	}
	if err := r.Finish(); err != nil {
		t.Errorf("Finish: %v", err)
	}
}

// TestTruncated reads every proper prefix of a valid encoding: each must
// fail with ErrCorrupt (or a header error), never panic or succeed.
func TestTruncated(t *testing.T) {
	data := sample()
	for n := 0; n < len(data); n++ {
		r := NewReader(data[:n], "test.sample", 1)
		r.Uvarint()
		r.Varint()
		r.Int()
		r.Fixed64()
		r.Float64()
		r.Uint8()
		r.Bool()
		r.Str()
		r.Blob()
		if err := r.Finish(); !errors.Is(err, ErrCorrupt) {
			t.Errorf("prefix of %d bytes: err = %v, want ErrCorrupt", n, err)
		}
	}
}

func TestHeader(t *testing.T) {
	data := sample()
	tests := []struct {
		name    string
		data    []byte
		tag     string
		version uint8
		want    error
	}{
		{"other version", data, "test.sample", 2, ErrVersion},
		{"other tag", data, "test.other", 1, ErrCorrupt},
		{"empty", nil, "test.sample", 1, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(tt.data, tt.tag, tt.version)
			if err := r.Err(); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			// Reads after an error return zero values.
			if v := r.Uvarint(); v != 0 {
				t.Errorf("Uvarint after error = %d, want 0", v)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		read func(r *Reader)
	}{
		{"count beyond input", func(r *Reader) { r.Count(1) }},
		{"index not below limit", func(r *Reader) { r.Below(3) }},
		{"bool byte 2", func(r *Reader) { r.Bool() }},
		{"byte not below limit", func(r *Reader) { r.Uint8Below(2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWriter("t", 1)
			w.Uvarint(1000) // as a count: more than the bytes left
			w.Uint8(2)
			r := NewReader(w.Bytes(), "t", 1)
			if tt.name == "bool byte 2" || tt.name == "byte not below limit" {
				r.Uvarint()
			}
			tt.read(r)
			if err := r.Err(); !errors.Is(err, ErrCorrupt) {
				t.Errorf("err = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestLeftOver(t *testing.T) {
	r := NewReader(sample(), "test.sample", 1)
	r.Uvarint()
	if err := r.Finish(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Finish with bytes left = %v, want ErrCorrupt", err)
	}
}

func TestSortedKeys(t *testing.T) {
	m := map[string]int{"b": 1, "a": 2, "c": 3}
	got := SortedKeys(m)
	if len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Errorf("SortedKeys = %v, want [a b c]", got)
	}
	type pair struct{ x, y int }
	p := map[pair]bool{{2, 1}: true, {1, 2}: true, {1, 1}: true}
	gotP := SortedKeysFunc(p, func(a, b pair) int {
		if a.x != b.x {
			return a.x - b.x
		}
		return a.y - b.y
	})
	if gotP[0] != (pair{1, 1}) || gotP[1] != (pair{1, 2}) || gotP[2] != (pair{2, 1}) {
		t.Errorf("SortedKeysFunc = %v", gotP)
	}
}
