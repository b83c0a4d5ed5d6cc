package bias

// SetLimits lowers the distinct-value bounds for a test and returns a
// function that restores them. Tests that call it must not run in parallel.
func SetLimits(values, tracked, sampled int) (restore func()) {
	v, t, s := maxValues, maxTracked, maxSampledValues
	maxValues, maxTracked, maxSampledValues = values, tracked, sampled
	return func() { maxValues, maxTracked, maxSampledValues = v, t, s }
}
