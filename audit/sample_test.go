package audit

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRowSampleKeepsFirstRowsWhateverTheOrder offers rows in random order,
// split over several samples merged in random order, and compares with the
// first n rows found by sorting everything.
func TestRowSampleKeepsFirstRowsWhateverTheOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 50 {
		n := 1 + rng.IntN(6)
		var all []RowPos
		for range 1 + rng.IntN(40) {
			all = append(all, RowPos{File: uint32(rng.IntN(3)), Line: int64(rng.IntN(1000))})
		}
		// Positions are unique in real data.
		slices.SortFunc(all, cmpPos)
		all = slices.Compact(all)
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })

		parts := make([]*RowSample, 1+rng.IntN(4))
		for i := range parts {
			parts[i] = NewRowSample(n)
		}
		for _, p := range all {
			parts[rng.IntN(len(parts))].Offer(p, RowRef{Line: p.Line, File: string(rune('a' + p.File))})
		}
		rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		for _, p := range parts[1:] {
			parts[0].Merge(p)
		}

		slices.SortFunc(all, cmpPos)
		want := all[:min(n, len(all))]
		got := parts[0].Rows()
		if len(got) != len(want) {
			t.Fatalf("trial %d: kept %d rows, want %d", trial, len(got), len(want))
		}
		for i := range want {
			if got[i].Line != want[i].Line || got[i].File != string(rune('a'+want[i].File)) {
				t.Fatalf("trial %d: row %d = %+v, want %+v", trial, i, got[i], want[i])
			}
		}
	}
}

func cmpPos(a, b RowPos) int {
	switch {
	case a.Less(b):
		return -1
	case b.Less(a):
		return 1
	}
	return 0
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name     string
		statuses []Status
		want     Verdict
	}{
		{"all pass", []Status{Pass, Pass, Skip}, Ready},
		{"a warning", []Status{Pass, Warn}, ReadyWithWarnings},
		{"a failure wins", []Status{Warn, Fail, Pass}, NotReady},
		{"an error is not ready", []Status{Pass, Error}, NotReady},
		{"nothing", nil, Ready},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var checks []CheckResult
			for i, s := range tc.statuses {
				checks = append(checks, CheckResult{ID: string(rune('a' + i)), Status: s})
			}
			if got, reason := Decide(checks); got != tc.want || reason == "" {
				t.Errorf("Decide = %s (%q), want %s", got, reason, tc.want)
			}
		})
	}
}
