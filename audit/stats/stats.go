package stats

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Wilson returns the Wilson score interval (Wilson 1927; method 3 of
// Newcombe 1998) for successes out of trials at the given two-sided
// confidence level, e.g. 0.95. Unlike the Wald interval p ± z·√(p(1−p)/n)
// it stays inside [0, 1] and keeps its coverage near 0 and 1 and for small
// n. The bounds are exactly 0 when successes is 0 and exactly 1 when
// successes equals trials. With no trials it returns (0, 1): nothing is
// known. successes is clamped to [0, trials].
func Wilson(successes, trials int64, confidence float64) (low, high float64) {
	if trials <= 0 {
		return 0, 1
	}
	k := min(max(successes, 0), trials)
	n := float64(trials)
	p := float64(k) / n
	z := distuv.UnitNormal.Quantile(1 - (1-confidence)/2)
	z2 := z * z
	denom := 1 + z2/n
	center := (p + z2/(2*n)) / denom
	half := z / denom * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	low, high = max(0, center-half), min(1, center+half)
	if k == 0 {
		low = 0
	}
	if k == trials {
		high = 1
	}
	return low, high
}

// Number is a count or a weight.
type Number interface{ ~int64 | ~float64 }

// JSDivergence returns the Jensen–Shannon divergence, base 2, between two
// distributions given as counts or weights per category (each is divided
// by its own total): JS(P,Q) = ½·KL(P‖M) + ½·KL(Q‖M) with M = ½(P+Q). It is
// symmetric, 0 for equal distributions and 1 for distributions with no
// category in common. Categories missing from one map count as 0. When
// either distribution is empty (total 0) it returns 0: there is nothing to
// compare.
func JSDivergence[N Number](p, q map[string]N) float64 {
	keys, ps, qs, ok := align(p, q)
	if !ok {
		return 0
	}
	var js float64
	for i := range keys {
		m := (ps[i] + qs[i]) / 2
		if ps[i] > 0 {
			js += ps[i] / 2 * math.Log2(ps[i]/m)
		}
		if qs[i] > 0 {
			js += qs[i] / 2 * math.Log2(qs[i]/m)
		}
	}
	return clamp(js, 0, 1)
}

// PSIEpsilon replaces a share of 0 in PSI: the population stability index
// has ln(a/e), which is infinite when a category is empty on one side. A
// share of 0 counts as 0.0001 (0.01%), the usual choice in credit-risk
// practice; the other shares are left as they are. An empty category thus
// adds (s − 0.0001)·ln(s / 0.0001) for the share s on the other side: 0.31
// for s = 5%, 0.05 for s = 1%.
const PSIEpsilon = 1e-4

// PSI returns the population stability index of actual against expected,
// given as counts or weights per category (each divided by its own total):
// Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) over the union of categories, natural log, empty
// shares replaced by PSIEpsilon. It is symmetric in its arguments.
// Conventional reading: below 0.1 stable, 0.1–0.25 a moderate shift, 0.25
// or more a major shift. When either distribution is empty it returns 0.
func PSI[N Number](expected, actual map[string]N) float64 {
	keys, es, as, ok := align(expected, actual)
	if !ok {
		return 0
	}
	var psi float64
	for i := range keys {
		e, a := max(es[i], PSIEpsilon), max(as[i], PSIEpsilon)
		if es[i] == 0 && as[i] == 0 {
			continue
		}
		psi += (a - e) * math.Log(a/e)
	}
	return max(psi, 0)
}

// align returns the sorted union of categories with each distribution's
// shares; ok is false when either total is 0. Sorting makes the sums
// independent of map order, hence bit-for-bit deterministic.
func align[N Number](p, q map[string]N) ([]string, []float64, []float64, bool) {
	seen := make(map[string]bool, len(p)+len(q))
	keys := make([]string, 0, len(p)+len(q))
	for _, m := range []map[string]N{p, q} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	// The totals too are summed in key order: float addition is not
	// associative, and shares are rarely integers.
	var tp, tq float64
	for _, k := range keys {
		tp += max(float64(p[k]), 0)
		tq += max(float64(q[k]), 0)
	}
	if tp <= 0 || tq <= 0 {
		return nil, nil, nil, false
	}
	ps, qs := make([]float64, len(keys)), make([]float64, len(keys))
	for i, k := range keys {
		ps[i] = max(float64(p[k]), 0) / tp
		qs[i] = max(float64(q[k]), 0) / tq
	}
	return keys, ps, qs, true
}

// Independence is the outcome of a chi-square test of independence on a
// contingency table.
type Independence struct {
	// Stat is Pearson's χ² = Σ (O − E)²/E, without continuity correction.
	Stat float64
	// DoF is (rows − 1)·(columns − 1), counting only non-empty rows and
	// columns.
	DoF int
	// P is the p-value: the chi-square survival function at Stat with DoF
	// degrees of freedom (1 when DoF is 0).
	P float64
	// N is the table's total.
	N int64
	// V is Cramér's V, √(χ²/(N·(min(r,c)−1))), uncorrected.
	V float64
	// VCorrected is the bias-corrected Cramér's V of Bergsma (2013); see
	// CramersV.
	VCorrected float64
}

// ChiSquare tests the independence of a table's rows and columns
// (table[row][column] counts). Rows and columns whose total is 0 are left
// out, so a category seen nowhere does not add degrees of freedom. With
// fewer than two non-empty rows or columns there is nothing to test:
// Stat 0, DoF 0, P 1, V 0. Expected counts below 5 make the p-value
// approximate; callers keep small groups out of the table.
func ChiSquare(table [][]int64) Independence {
	var rowSum []int64
	var rowIdx []int
	cols := 0
	for _, row := range table {
		cols = max(cols, len(row))
	}
	colSum := make([]int64, cols)
	var n int64
	for i, row := range table {
		var s int64
		for j, v := range row {
			v = max(v, 0)
			s += v
			colSum[j] += v
		}
		if s > 0 {
			rowSum = append(rowSum, s)
			rowIdx = append(rowIdx, i)
		}
		n += s
	}
	var colIdx []int
	for j, s := range colSum {
		if s > 0 {
			colIdx = append(colIdx, j)
		}
	}
	r, c := len(rowIdx), len(colIdx)
	res := Independence{N: n, P: 1}
	if r < 2 || c < 2 {
		return res
	}
	var stat float64
	for a, i := range rowIdx {
		for _, j := range colIdx {
			var o int64
			if j < len(table[i]) {
				o = max(table[i][j], 0)
			}
			e := float64(rowSum[a]) * float64(colSum[j]) / float64(n)
			d := float64(o) - e
			stat += d * d / e
		}
	}
	res.Stat = stat
	res.DoF = (r - 1) * (c - 1)
	res.P = ChiSquareP(stat, res.DoF)
	res.V = clamp(math.Sqrt(stat/(float64(n)*float64(min(r, c)-1))), 0, 1)
	res.VCorrected = CramersV(stat, n, r, c)
	return res
}

// ChiSquareP returns the upper-tail probability P(χ²(dof) > stat): the
// p-value of a chi-square statistic. It is 1 when dof is below 1 or stat is
// not positive.
func ChiSquareP(stat float64, dof int) float64 {
	if dof < 1 || !(stat > 0) {
		return 1
	}
	return clamp(distuv.ChiSquared{K: float64(dof)}.Survival(stat), 0, 1)
}

// CramersV returns the bias-corrected Cramér's V of Bergsma (2013, "A bias
// correction for Cramér's V and Tschuprow's T", J. Korean Stat. Soc.
// 42(3)) for a χ² statistic from n observations in an r×c table:
//
//	φ² = χ²/n,  φ̃² = max(0, φ² − (r−1)(c−1)/(n−1)),
//	r̃ = r − (r−1)²/(n−1),  c̃ = c − (c−1)²/(n−1),
//	Ṽ = √(φ̃² / min(r̃−1, c̃−1)).
//
// Plain V overstates the association of small samples and large tables
// (under independence E[φ²] = (r−1)(c−1)/(n−1)); Ṽ removes that bias. It
// returns 0 when the table is degenerate (n ≤ 1, r or c below 2).
func CramersV(chi2 float64, n int64, r, c int) float64 {
	if n <= 1 || r < 2 || c < 2 {
		return 0
	}
	nm1 := float64(n - 1)
	phi2 := max(0, chi2/float64(n)-float64((r-1)*(c-1))/nm1)
	rt := float64(r) - float64((r-1)*(r-1))/nm1
	ct := float64(c) - float64((c-1)*(c-1))/nm1
	d := min(rt-1, ct-1)
	if d <= 0 {
		return 0
	}
	return clamp(math.Sqrt(phi2/d), 0, 1)
}

// CohenH returns Cohen's h, the effect size between two proportions:
// 2·asin(√p1) − 2·asin(√p2) (Cohen 1988, §6.2). Its sign follows p1 − p2;
// |h| of 0.2, 0.5 and 0.8 are Cohen's small, medium and large effects.
// Proportions are clamped to [0, 1].
func CohenH(p1, p2 float64) float64 {
	return 2*math.Asin(math.Sqrt(clamp(p1, 0, 1))) - 2*math.Asin(math.Sqrt(clamp(p2, 0, 1)))
}

func clamp(x, lo, hi float64) float64 {
	if math.IsNaN(x) {
		return lo
	}
	return min(max(x, lo), hi)
}
