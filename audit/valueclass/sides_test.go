package valueclass_test

import (
	"slices"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/valueclass"
)

// TestSides: a run with train and a holdout fits on train and scores on the
// holdout splits; any other run uses the hash split over every row.
func TestSides(t *testing.T) {
	tests := []struct {
		name     string
		splits   []string
		holdout  bool
		holdouts []string
		// fit and eval list, per split in order, whether a cell of the
		// 80% half (Eval false) and of the 20% half (Eval true) is on
		// the side: "80" fits / scores the 80% half only, and so on.
		fit, eval []string
	}{
		{"train and two holdouts", []string{"train", "val", "test", "(missing)"}, true, []string{"test", "val"},
			[]string{"80 20", "", "", ""}, []string{"", "80 20", "80 20", ""}},
		{"training counts as train", []string{"training", "test"}, true, []string{"test"},
			[]string{"80 20", ""}, []string{"", "80 20"}},
		{"no split", []string{"all"}, false, nil, []string{"80"}, []string{"20"}},
		{"train only", []string{"train", "(missing)"}, false, nil, []string{"80", "80"}, []string{"20", "20"}},
		{"holdouts only", []string{"test", "val"}, false, nil, []string{"80", "80"}, []string{"20", "20"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := audit.DefaultConfig()
			st := audit.NewSplitTable(cfg)
			for _, s := range tc.splits {
				if _, err := st.Index(s); err != nil {
					t.Fatal(err)
				}
			}
			sd := valueclass.SidesOf(&audit.Summary{Config: cfg, Splits: st})
			if sd.Holdout != tc.holdout || !slices.Equal(sd.Holdouts, tc.holdouts) {
				t.Errorf("holdout %v %v, want %v %v", sd.Holdout, sd.Holdouts, tc.holdout, tc.holdouts)
			}
			side := func(on func(valueclass.Cell) bool, split int) string {
				var got []string
				for _, half := range []bool{false, true} {
					if on(valueclass.Cell{Class: 1, Split: uint8(split), Eval: half}) {
						got = append(got, map[bool]string{false: "80", true: "20"}[half])
					}
				}
				return strings.Join(got, " ")
			}
			for i, s := range tc.splits {
				if got := side(sd.Fit, i); got != tc.fit[i] {
					t.Errorf("split %s: fit %q, want %q", s, got, tc.fit[i])
				}
				if got := side(sd.Eval, i); got != tc.eval[i] {
					t.Errorf("split %s: eval %q, want %q", s, got, tc.eval[i])
				}
				// What may be fitted or scored while counting covers what is.
				role := st.Role(s)
				for _, half := range []bool{false, true} {
					c := valueclass.Cell{Class: 1, Split: uint8(i), Eval: half}
					if sd.Fit(c) && !valueclass.MayFit(role, half) || sd.Eval(c) && !valueclass.MayEval(role, half) {
						t.Errorf("split %s, 20%% half %v: on a side MayFit/MayEval exclude", s, half)
					}
				}
			}
		})
	}
}

// TestSuspectPower: volume.baseline reads leakage.target's fail threshold
// however the config spells the number.
func TestSuspectPower(t *testing.T) {
	cfg := audit.DefaultConfig()
	if got := valueclass.SuspectPower(cfg); got != valueclass.DefaultSuspectPower {
		t.Errorf("default = %v, want %v", got, valueclass.DefaultSuspectPower)
	}
	for _, v := range []any{0.5, float32(0.5), 1, int64(1), uint64(1)} {
		cfg.Checks = map[string]map[string]any{valueclass.TargetCheck: {"fail": v}}
		want := 0.5
		if v == 1 || v == int64(1) || v == uint64(1) {
			want = 1
		}
		if got := valueclass.SuspectPower(cfg); got != want {
			t.Errorf("fail: %v (%T) → %v, want %v", v, v, got, want)
		}
	}
}
