package similar

import (
	"errors"
	"reflect"
	"testing"

	"dataready/audit/norm"
	"dataready/audit/wire"
)

// encodingIndex builds an index of a corpus with repeated texts (so entries
// carry several rows, splits and classes) and texts longer than MaxRunes.
func encodingIndex(t *testing.T) *Index {
	t.Helper()
	ix := newIndex(t, Options{Dir: t.TempDir(), MaxRunes: 120})
	for i, rw := range corpus(600, 5) {
		s := norm.String(rw.raw)
		for rep := range 1 + i%3 {
			e := Entry{Key: norm.TextKey(s), Pos: uint64(i*10 + rep), Class: uint64((i + rep) % 3), Split: uint8((i + rep) % 2)}
			if err := ix.AddString(e, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ix
}

type indexResult struct {
	Pairs   []Pair
	Stats   Stats
	Matches []Match
	MStats  Stats
	Texts   map[norm.Key]string
}

func indexResults(t *testing.T, ix *Index) indexResult {
	t.Helper()
	pairs, st, err := ix.Pairs(DefaultThreshold, func(a, b *Entry) bool { return a.Class != b.Class || a.Mixed || b.Mixed })
	if err != nil {
		t.Fatal(err)
	}
	ms, mst, err := ix.First(DefaultThreshold, func(e Entry) bool { return e.Splits == 2 }, func(e Entry) bool { return e.Splits&1 != 0 })
	if err != nil {
		t.Fatal(err)
	}
	texts := map[norm.Key]string{}
	for i := range ix.Len() {
		k := ix.st.rec(i).Key
		if texts[k], _, err = ix.Text(k); err != nil {
			t.Fatal(err)
		}
	}
	return indexResult{pairs, st, ms, mst, texts}
}

// TestIndexEncoding decodes an encoded index into a fresh one: it must
// answer Pairs, First and Text the same, encode to the same bytes, and
// merge like the original.
func TestIndexEncoding(t *testing.T) {
	ix := encodingIndex(t)
	data, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	cp := newIndex(t, Options{Dir: t.TempDir(), MaxRunes: 120})
	if err := cp.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	again, err := cp.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Errorf("the decoded index encodes to %d other bytes (want %d)", len(again), len(data))
	}
	want := indexResults(t, ix)
	if len(want.Pairs) == 0 || len(want.Matches) == 0 || want.Stats.Truncated == 0 {
		t.Fatalf("pairs %d, matches %d, truncated %d: the test exercises nothing", len(want.Pairs), len(want.Matches), want.Stats.Truncated)
	}
	if got := indexResults(t, cp); !reflect.DeepEqual(got, want) {
		t.Errorf("decoded index: %d pairs, %d matches, stats %+v; want %d, %d, %+v",
			len(got.Pairs), len(got.Matches), got.Stats, len(want.Pairs), len(want.Matches), want.Stats)
	}
}

func TestIndexDecodeErrors(t *testing.T) {
	ix := encodingIndex(t)
	data, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int{0, 1, 5, 20, 60, len(data) / 2, len(data) - 1} {
			cp := newIndex(t, Options{Dir: t.TempDir(), MaxRunes: 120})
			if err := cp.UnmarshalBinary(data[:n]); !errors.Is(err, wire.ErrCorrupt) {
				t.Errorf("first %d bytes: err = %v, want wire.ErrCorrupt", n, err)
			}
		}
	})
	t.Run("other version", func(t *testing.T) {
		bad := append([]byte{indexVersion + 1}, data[1:]...)
		cp := newIndex(t, Options{Dir: t.TempDir()})
		if err := cp.UnmarshalBinary(bad); !errors.Is(err, wire.ErrVersion) {
			t.Errorf("err = %v, want wire.ErrVersion", err)
		}
	})
	t.Run("not empty", func(t *testing.T) {
		if err := ix.UnmarshalBinary(data); err == nil {
			t.Error("decoding into a non-empty index: no error")
		}
	})
}
