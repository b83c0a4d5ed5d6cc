package volume

import (
	"math"
	"testing"
)

func TestRequiredHoldout(t *testing.T) {
	tests := []struct {
		name              string
		p0, delta, a, pwr float64
		want              int64
	}{
		// The worked value: p0 = 0.5, Δ = 0.03, α = 0.05, power 0.8:
		// ((1.959964·0.5 + 0.841621·√(0.53·0.47)) / 0.03)² = 46.668² = 2177.9 → 2178.
		{"issue example", 0.5, 0.03, 0.05, 0.8, 2178},
		// By hand: p0 = 0.8, Δ = 0.05: (1.959964·0.4 + 0.841621·√(0.85·0.15)) / 0.05
		// = (0.783986 + 0.300519) / 0.05 = 21.690 → 470.46 → 471.
		{"high baseline", 0.8, 0.05, 0.05, 0.8, 471},
		// Power 0.9 (z = 1.281552), p0 = 0.5, Δ = 0.1: (0.979982 + 1.281552·√0.24) / 0.1
		// = (0.979982 + 0.627832) / 0.1 = 16.078 → 258.5 → 259.
		{"power 0.9", 0.5, 0.1, 0.05, 0.9, 259},
		{"lift past 1", 0.99, 0.03, 0.05, 0.8, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := requiredHoldout(tc.p0, tc.delta, tc.a, tc.pwr); got != tc.want {
				t.Errorf("requiredHoldout = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestMinDetectableLiftInvertsRequired(t *testing.T) {
	for _, n := range []int64{100, 500, 2178, 10000} {
		d := minDetectableLift(0.5, n, 0.05, 0.8)
		if requiredHoldout(0.5, d, 0.05, 0.8) > n || requiredHoldout(0.5, d*0.99, 0.05, 0.8) <= n {
			t.Errorf("n=%d: min detectable lift %g is not the smallest lift that n examples detect", n, d)
		}
	}
	if d := minDetectableLift(0.5, 2178, 0.05, 0.8); math.Abs(d-0.03) > 0.0005 {
		t.Errorf("min detectable lift at 2178 = %g, want about 0.03", d)
	}
}

func TestWilsonHalfWidth(t *testing.T) {
	// Newcombe (1998), Table I: 81/263 → 0.2553–0.3662 (half-width 0.05545 around
	// the Wilson centre), 15/148 → 0.0624–0.1605.
	tests := []struct {
		x, n int64
		want float64
	}{
		{81, 263, (0.3662 - 0.2553) / 2},
		{15, 148, (0.1605 - 0.0624) / 2},
	}
	for _, tc := range tests {
		got := wilsonHalfWidth(float64(tc.x)/float64(tc.n), tc.n, 0.05)
		if math.Abs(got-tc.want) > 0.0001 {
			t.Errorf("Wilson half-width %d/%d = %.5f, want %.5f", tc.x, tc.n, got, tc.want)
		}
	}
	// At p = 0.5 the Wilson half-width passes 0.15 below 39 rows: n = 38 gives
	// 1.96·√(0.25/38 + 1.96²/(4·38²)) / (1 + 1.96²/38) = 0.1515, n = 39 gives 0.1497.
	// (The Wald interval, 1.96·√(0.25/n), crosses at 43: the "about 41".)
	if wilsonHalfWidth(0.5, 39, 0.05) > 0.15 || wilsonHalfWidth(0.5, 38, 0.05) <= 0.15 {
		t.Errorf("half-width at p=0.5: n=38 → %.4f, n=39 → %.4f; want the 0.15 line between them",
			wilsonHalfWidth(0.5, 38, 0.05), wilsonHalfWidth(0.5, 39, 0.05))
	}
}
