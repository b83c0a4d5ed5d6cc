package volume

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// normalQuantile returns the standard normal quantile of p.
func normalQuantile(p float64) float64 { return distuv.UnitNormal.Quantile(p) }

// wilsonHalfWidth is the half-width of the Wilson score interval for a
// proportion p observed on n examples, at confidence 1-alpha:
// z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).
func wilsonHalfWidth(p float64, n int64, alpha float64) float64 {
	if n <= 0 {
		return 1
	}
	z := normalQuantile(1 - alpha/2)
	nf := float64(n)
	return z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / (1 + z*z/nf)
}

// requiredHoldout is the holdout size needed to tell accuracy p0 + delta
// from p0 with a two-sided test at level alpha and the given power, for
// independent examples (the normal approximation for one proportion):
// n = ⌈((z₁₋α/₂·√(p₀(1−p₀)) + z₁₋β·√(p₁(1−p₁))) / Δ)²⌉, p₁ = p₀ + Δ.
// This is the convention of the NIST/SEMATECH e-Handbook of Statistical
// Methods, §7.2.4.2 (after Fleiss, Levin and Paik), and of Montgomery and
// Runger's Eq. 9-37: the standard deviation under the null goes with the
// test's quantile, the one under the alternative with the power's. (Chow,
// Shao and Wang use √(p₁(1−p₁)) for both, which gives other numbers: see
// power_test.go.) It returns 0 when p1 would exceed 1.
func requiredHoldout(p0, delta, alpha, power float64) int64 {
	p1 := p0 + delta
	if delta <= 0 || p1 > 1 {
		return 0
	}
	return sampleSize(normalQuantile(1-alpha/2), normalQuantile(power), math.Sqrt(p0*(1-p0)), math.Sqrt(p1*(1-p1)), delta)
}

// sampleSize is ⌈((za·sd0 + zb·sd1) / delta)²⌉: the normal-approximation
// sample size with the quantiles za (test) and zb (power) and the standard
// deviations of one example under the null (sd0) and the alternative (sd1).
func sampleSize(za, zb, sd0, sd1, delta float64) int64 {
	n := (za*sd0 + zb*sd1) / delta
	return int64(math.Ceil(n*n - 1e-9))
}

// minDetectableLift is the smallest Δ for which requiredHoldout(p0, Δ) ≤ n,
// found by bisection (the required size falls as Δ grows); 0 when even
// the largest lift, 1 − p0, needs more than n examples.
func minDetectableLift(p0 float64, n int64, alpha, power float64) float64 {
	hi := 1 - p0
	if n <= 0 || hi <= 0 || requiredHoldout(p0, hi, alpha, power) > n {
		return 0
	}
	lo := 0.0
	for range 60 {
		mid := (lo + hi) / 2
		if requiredHoldout(p0, mid, alpha, power) <= n {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
