package main

import (
	"slices"
	"time"
)

// Summary condenses the measured runs of one task.
type Summary struct {
	Runs   int
	Median time.Duration
	Min    time.Duration
	Max    time.Duration
	// PeakRSS is the highest peak resident set size of any run, in bytes:
	// the conservative figure for a memory target.
	PeakRSS int64
}

// Summarize returns the median, minimum and maximum wall time and the highest
// peak RSS of runs. The median of an even count is the mean of the middle two.
// Zero runs give the zero Summary.
func Summarize(runs []Measurement) Summary {
	if len(runs) == 0 {
		return Summary{}
	}
	walls := make([]time.Duration, len(runs))
	var peak int64
	for i, m := range runs {
		walls[i] = m.Wall
		peak = max(peak, m.PeakRSS)
	}
	slices.Sort(walls)
	n := len(walls)
	med := walls[n/2]
	if n%2 == 0 {
		med = (walls[n/2-1] + walls[n/2]) / 2
	}
	return Summary{Runs: n, Median: med, Min: walls[0], Max: walls[n-1], PeakRSS: peak}
}
