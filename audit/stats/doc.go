// Package stats holds the statistics the check families share: the Wilson
// score interval for a proportion, the Jensen–Shannon divergence and the
// population stability index of two distributions, Pearson's chi-square
// test of independence with the bias-corrected Cramér's V, and Cohen's h.
//
// Distribution functions (the chi-square survival function, normal
// quantiles) come from gonum's stat/distuv; only the closed-form formulas
// are written here. Every function is pure: it keeps no state, touches no
// Arrow memory and may be called from any number of goroutines at once.
// No function returns NaN or ±Inf, so every result fits in report.json.
package stats
