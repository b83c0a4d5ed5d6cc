package labels

// Agreement coefficients, computed from counts only, so that the counts can
// be accumulated per worker and merged. Written by hand: gonum has no
// inter-rater statistics, and the few Go packages that do keep the whole
// rating matrix in memory. Formulas follow Krippendorff (2011), "Computing
// Krippendorff's Alpha-Reliability", Fleiss (1971), "Measuring nominal scale
// agreement among many raters", and Cohen (1960).

// coincidences returns Krippendorff's coincidence matrix o[c][k] from
// pairCounts, which holds, per number of values m in a unit (m ≥ 2), the
// number of ordered pairs of values (c, k) from different coders in units
// with m values: o[c][k] = Σ_m pairs_m[c][k] / (m − 1). ms lists the m in
// ascending order, so the sum is the same whatever order the counts were
// gathered in.
func coincidences(v int, ms []int, pairCounts func(m, c, k int) int64) [][]float64 {
	o := make([][]float64, v)
	for c := range o {
		o[c] = make([]float64, v)
	}
	for _, m := range ms {
		for c := 0; c < v; c++ {
			for k := 0; k < v; k++ {
				if n := pairCounts(m, c, k); n != 0 {
					o[c][k] += float64(n) / float64(m-1)
				}
			}
		}
	}
	return o
}

// nominalDelta is the nominal difference: δ²(c, k) = 0 when c = k, else 1.
func nominalDelta(v int) [][]float64 {
	d := make([][]float64, v)
	for c := range d {
		d[c] = make([]float64, v)
		for k := range d[c] {
			if c != k {
				d[c][k] = 1
			}
		}
	}
	return d
}

// ordinalDelta is the ordinal difference for classes indexed in rank order,
// with n[g] the pairable values of class g:
// δ²(c, k) = (Σ_{g=c..k} n_g − (n_c + n_k)/2)².
func ordinalDelta(n []float64) [][]float64 {
	v := len(n)
	d := make([][]float64, v)
	for c := range d {
		d[c] = make([]float64, v)
	}
	for c := 0; c < v; c++ {
		sum := 0.0
		for k := c; k < v; k++ {
			sum += n[k]
			x := sum - (n[c]+n[k])/2
			d[c][k] = x * x
			d[k][c] = x * x
		}
	}
	return d
}

// marginals returns n_c = Σ_k o[c][k].
func marginals(o [][]float64) []float64 {
	n := make([]float64, len(o))
	for c := range o {
		for _, x := range o[c] {
			n[c] += x
		}
	}
	return n
}

// krippendorffAlpha returns α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck,
// and false when it is undefined: fewer than two pairable values, or no
// expected disagreement (every value the same class).
func krippendorffAlpha(o, delta [][]float64) (float64, bool) {
	n := marginals(o)
	total := 0.0
	for _, x := range n {
		total += x
	}
	var observed, expected float64
	for c := range o {
		for k := range o[c] {
			observed += o[c][k] * delta[c][k]
			expected += n[c] * n[k] * delta[c][k]
		}
	}
	if total < 2 || expected == 0 {
		return 0, false
	}
	return 1 - (total-1)*observed/expected, true
}

// fleissKappa returns Fleiss' kappa for items rated by exactly n raters
// each: items of them, sumSquares = Σ_i Σ_j n_ij², totals[j] = Σ_i n_ij. It
// returns false when there are no items or the expected agreement is 1
// (every rating the same class).
func fleissKappa(items, n, sumSquares int64, totals []int64) (float64, bool) {
	if items == 0 || n < 2 {
		return 0, false
	}
	all := items * n
	var sq int64
	for _, t := range totals {
		sq += t * t
	}
	if sq == all*all {
		return 0, false
	}
	pBar := float64(sumSquares-all) / float64(all*(n-1))
	pe := float64(sq) / (float64(all) * float64(all))
	return (pBar - pe) / (1 - pe), true
}

// cohenKappa returns Cohen's kappa of a contingency table t[c][k] (rows:
// first rater, columns: second rater) and the observed agreement. It
// returns false when the table is empty or the expected agreement is 1.
func cohenKappa(t [][]int64) (kappa, observed float64, ok bool) {
	v := len(t)
	rows, cols := make([]int64, v), make([]int64, v)
	var total, diag int64
	for c := range t {
		for k, x := range t[c] {
			rows[c] += x
			cols[k] += x
			total += x
			if c == k {
				diag += x
			}
		}
	}
	if total == 0 {
		return 0, 0, false
	}
	var chance int64
	for c := range rows {
		chance += rows[c] * cols[c]
	}
	observed = float64(diag) / float64(total)
	if chance == total*total {
		return 0, observed, false
	}
	pe := float64(chance) / (float64(total) * float64(total))
	return (observed - pe) / (1 - pe), observed, true
}
