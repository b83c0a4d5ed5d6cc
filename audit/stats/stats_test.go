package stats

import (
	"math"
	"testing"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestWilsonNewcombe checks the 95% Wilson score interval ("method 3",
// score interval without continuity correction) against the worked
// examples of Newcombe (1998), "Two-sided confidence intervals for the
// single proportion: comparison of seven methods", Statistics in Medicine
// 17:857–872, Table I. The table gives four decimals, hence the tolerance.
func TestWilsonNewcombe(t *testing.T) {
	tests := []struct {
		name      string
		k, n      int64
		low, high float64
	}{
		{"81/263", 81, 263, 0.2553, 0.3662},
		{"15/148", 15, 148, 0.0624, 0.1605},
		{"0/20", 0, 20, 0, 0.1611},
		{"1/29", 1, 29, 0.0061, 0.1718},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			low, high := Wilson(tc.k, tc.n, 0.95)
			if !near(low, tc.low, 5e-5) || !near(high, tc.high, 5e-5) {
				t.Errorf("Wilson(%d, %d) = %.4f–%.4f, want %.4f–%.4f (Newcombe 1998, Table I)", tc.k, tc.n, low, high, tc.low, tc.high)
			}
		})
	}
}

func TestWilsonEdges(t *testing.T) {
	tests := []struct {
		name      string
		k, n      int64
		low, high float64
	}{
		{"no trials: nothing known", 0, 0, 0, 1},
		{"all successes: high is exactly 1", 20, 20, 1 - 0.1611, 1},
		{"none: low is exactly 0", 0, 5, 0, -1},
		{"more successes than trials are clamped", 7, 5, -1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			low, high := Wilson(tc.k, tc.n, 0.95)
			if low < 0 || high > 1 || low > high {
				t.Fatalf("Wilson(%d, %d) = %v–%v, not inside [0, 1]", tc.k, tc.n, low, high)
			}
			// 20/20 mirrors 0/20 of Newcombe's table: 0.8389–1.
			if tc.low >= 0 && !near(low, tc.low, 5e-5) {
				t.Errorf("low = %v, want %v", low, tc.low)
			}
			if tc.high >= 0 && !near(high, tc.high, 5e-5) {
				t.Errorf("high = %v, want %v", high, tc.high)
			}
		})
	}
}

// TestChiSquareTable checks the p-value (the chi-square survival function)
// at the critical values printed in the usual textbook table of the
// chi-square distribution (e.g. NIST/SEMATECH e-Handbook of Statistical
// Methods, §1.3.6.7.4): the tabulated value for df degrees of freedom and
// upper-tail probability α. The table rounds to three decimals, so p is
// compared to within 1e-4.
func TestChiSquareTable(t *testing.T) {
	tests := []struct {
		stat  float64
		dof   int
		alpha float64
	}{
		{3.841, 1, 0.05},
		{6.635, 1, 0.01},
		{5.991, 2, 0.05},
		{11.345, 3, 0.01},
		{9.488, 4, 0.05},
		{18.307, 10, 0.05},
	}
	for _, tc := range tests {
		p := ChiSquareP(tc.stat, tc.dof)
		if !near(p, tc.alpha, 1e-4) {
			t.Errorf("P(χ²(%d) > %g) = %.5f, want %g", tc.dof, tc.stat, p, tc.alpha)
		}
	}
	if p := ChiSquareP(0, 3); p != 1 {
		t.Errorf("ChiSquareP(0, 3) = %v, want 1", p)
	}
	if p := ChiSquareP(5, 0); p != 1 {
		t.Errorf("ChiSquareP(5, 0) = %v, want 1", p)
	}
}

func TestChiSquareWorkedExamples(t *testing.T) {
	tests := []struct {
		name   string
		ref    string
		table  [][]int64
		stat   float64
		statTo float64
		dof    int
		p      float64
		pTo    float64
		v      float64
		vTo    float64
	}{
		{
			// Agresti (2007), An Introduction to Categorical Data Analysis,
			// 2nd ed., Table 2.5 (gender × party identification), and R's
			// ?chisq.test example on the same table: "X-squared = 30.07,
			// df = 2, p-value = 2.954e-07".
			name: "Agresti gender × party", ref: "R ?chisq.test",
			table: [][]int64{{762, 327, 468}, {484, 239, 477}},
			stat:  30.07, statTo: 0.005, dof: 2, p: 2.954e-7, pTo: 0.0005e-7,
			// V = √(30.0701/(2757·1)) = 0.10444.
			v: 0.10444, vTo: 5e-6,
		},
		{
			// scipy.stats.contingency.association docstring: the 4×2 table
			// obs4x2 gives Cramér's V = 0.18617813077483678.
			name: "scipy obs4x2", ref: "scipy association",
			table: [][]int64{{100, 150}, {203, 322}, {420, 700}, {320, 210}},
			stat:  -1, dof: 3, p: -1,
			v: 0.18617813077483678, vTo: 1e-12,
		},
		{
			// By hand: rows (10, 0) and (0, 10); E = 5 in every cell, so
			// χ² = 4·(5²/5) = 20, df 1, V = √(20/20) = 1.
			name: "perfect 2×2", ref: "hand",
			table: [][]int64{{10, 0}, {0, 10}},
			stat:  20, statTo: 1e-9, dof: 1, p: -1, v: 1, vTo: 1e-12,
		},
		{
			// Proportional rows: O = E everywhere, χ² = 0, p = 1.
			name: "independent", ref: "hand",
			table: [][]int64{{10, 20}, {30, 60}},
			stat:  0, statTo: 1e-9, dof: 1, p: 1, pTo: 1e-12, v: 0, vTo: 1e-12,
		},
		{
			// An empty row and column are left out: the 3×3 table is the
			// 2×2 perfect table, df 1, not 4.
			name: "empty row and column dropped", ref: "hand",
			table: [][]int64{{10, 0, 0}, {0, 0, 0}, {0, 0, 10}},
			stat:  20, statTo: 1e-9, dof: 1, p: -1, v: 1, vTo: 1e-12,
		},
		{
			name: "one row: nothing to test", ref: "definition",
			table: [][]int64{{5, 7, 9}},
			stat:  0, statTo: 0, dof: 0, p: 1, pTo: 0, v: 0, vTo: 0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ChiSquare(tc.table)
			if tc.stat >= 0 && !near(got.Stat, tc.stat, tc.statTo) {
				t.Errorf("χ² = %v, want %v (%s)", got.Stat, tc.stat, tc.ref)
			}
			if got.DoF != tc.dof {
				t.Errorf("dof = %d, want %d", got.DoF, tc.dof)
			}
			if tc.p >= 0 && !near(got.P, tc.p, tc.pTo) {
				t.Errorf("p = %v, want %v (%s)", got.P, tc.p, tc.ref)
			}
			if !near(got.V, tc.v, tc.vTo) {
				t.Errorf("V = %v, want %v (%s)", got.V, tc.v, tc.ref)
			}
		})
	}
}

// TestCramersVCorrected works Bergsma's correction through by hand.
func TestCramersVCorrected(t *testing.T) {
	// Agresti's 2×3 table, n = 2757, χ² = 30.070149:
	//   φ² = 30.070149/2757            = 0.01090684
	//   bias (r−1)(c−1)/(n−1) = 2/2756 = 0.00072569
	//   φ̃² = 0.01090684 − 0.00072569  = 0.01018115
	//   r̃ = 2 − 1/2756 = 1.99963716,  c̃ = 3 − 4/2756 = 2.99854862
	//   min(r̃−1, c̃−1)                = 0.99963716
	//   Ṽ = √(0.01018115/0.99963716)  = 0.10092
	got := ChiSquare([][]int64{{762, 327, 468}, {484, 239, 477}}).VCorrected
	if !near(got, 0.10092, 5e-6) {
		t.Errorf("Agresti: corrected V = %v, want 0.10092", got)
	}
	// Perfect association on the diagonal of a k×k table with equal
	// margins: φ² = k−1, so φ̃² = (k−1) − (k−1)²/(n−1) = k̃ − 1 and Ṽ = 1.
	got = ChiSquare([][]int64{{7, 0, 0}, {0, 7, 0}, {0, 0, 7}}).VCorrected
	if !near(got, 1, 1e-12) {
		t.Errorf("perfect 3×3: corrected V = %v, want 1", got)
	}
	// Under independence the correction pulls V to 0 (φ² below its bias).
	if got := CramersV(0.5, 100, 2, 2); got != 0 {
		t.Errorf("CramersV(χ²=0.5 below the bias 1/99·100) = %v, want 0", got)
	}
	if got := CramersV(5, 1, 2, 2); got != 0 {
		t.Errorf("CramersV with n = 1 = %v, want 0", got)
	}
}

func TestJSDivergence(t *testing.T) {
	tests := []struct {
		name string
		p, q map[string]int64
		want float64
	}{
		// P = (½, ½), Q = (1, 0), M = (¾, ¼):
		//   KL(P‖M) = ½·log2(½/¾) + ½·log2(½/¼) = ½·(−0.5849625) + ½·1 = 0.2075187
		//   KL(Q‖M) = 1·log2(1/¾)                                   = 0.4150375
		//   JS = ½·(0.2075187 + 0.4150375)                            = 0.3112781
		{"half vs one", map[string]int64{"a": 5, "b": 5}, map[string]int64{"a": 2}, 0.3112781},
		// P = (¼, ¾), Q = (¾, ¼), M = (½, ½):
		//   KL(P‖M) = ¼·log2(½) + ¾·log2(1.5) = −0.25 + 0.4387219 = 0.1887219 = KL(Q‖M)
		{"mirrored", map[string]int64{"a": 1, "b": 3}, map[string]int64{"a": 3, "b": 1}, 0.1887219},
		{"equal shares, different totals", map[string]int64{"a": 1, "b": 2}, map[string]int64{"a": 10, "b": 20}, 0},
		{"disjoint", map[string]int64{"a": 4}, map[string]int64{"b": 9}, 1},
		{"empty side", map[string]int64{}, map[string]int64{"b": 9}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := JSDivergence(tc.p, tc.q); !near(got, tc.want, 5e-8) {
				t.Errorf("JS = %.7f, want %.7f", got, tc.want)
			}
			if got := JSDivergence(tc.q, tc.p); !near(got, tc.want, 5e-8) {
				t.Errorf("JS reversed = %.7f, want %.7f (symmetric)", got, tc.want)
			}
		})
	}
}

func TestPSI(t *testing.T) {
	tests := []struct {
		name             string
		expected, actual map[string]float64
		want             float64
	}{
		// (0.25−0.5)·ln(0.25/0.5) + (0.75−0.5)·ln(0.75/0.5)
		//   = 0.25·0.6931472 + 0.25·0.4054651 = 0.2746531
		{"quarter shift", map[string]float64{"a": 0.5, "b": 0.5}, map[string]float64{"a": 1, "b": 3}, 0.2746531},
		// b is empty in actual: its share 0 becomes 0.0001.
		//   a: (1 − 0.5)·ln(1/0.5)               = 0.3465736
		//   b: (0.0001 − 0.5)·ln(0.0001/0.5)     = −0.4999·−8.5171932 = 4.2577449
		//   PSI                                   = 4.6043185
		{"empty bin uses epsilon", map[string]float64{"a": 1, "b": 1}, map[string]float64{"a": 7}, 4.6043185},
		{"same shares", map[string]float64{"a": 2, "b": 6}, map[string]float64{"a": 1, "b": 3}, 0},
		{"empty side", map[string]float64{}, map[string]float64{"a": 1}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PSI(tc.expected, tc.actual); !near(got, tc.want, 5e-7) {
				t.Errorf("PSI = %.7f, want %.7f", got, tc.want)
			}
			if got := PSI(tc.actual, tc.expected); !near(got, tc.want, 5e-7) {
				t.Errorf("PSI reversed = %.7f, want %.7f (symmetric)", got, tc.want)
			}
		})
	}
}

// TestCohenH: Cohen (1988), Statistical Power Analysis, Table 6.2.1 gives
// φ = 2·arcsin √P: φ(.50) = 1.5708, φ(.25) = 1.0472, φ(.10) = 0.6435, so
// h(.50, .25) = 0.5236 and h(.10, .25) = −0.4037.
func TestCohenH(t *testing.T) {
	tests := []struct{ p1, p2, want float64 }{
		{0.5, 0.25, 0.5236},
		{0.10, 0.25, -0.4037},
		{0.3, 0.3, 0},
	}
	for _, tc := range tests {
		if got := CohenH(tc.p1, tc.p2); !near(got, tc.want, 5e-5) {
			t.Errorf("CohenH(%v, %v) = %.4f, want %.4f", tc.p1, tc.p2, got, tc.want)
		}
	}
}
