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
	// Stages are the median wall time of each stage of the audit's runs,
	// in the order of the first run (a stage missing from some runs is
	// the median of the runs that have it).
	Stages []Stage
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
	sum := Summary{Runs: n, Median: median(walls), Min: walls[0], Max: walls[n-1], PeakRSS: peak}
	var names []string
	stages := map[string][]time.Duration{}
	for _, m := range runs {
		for _, st := range m.Stages {
			if _, ok := stages[st.Name]; !ok {
				names = append(names, st.Name)
			}
			stages[st.Name] = append(stages[st.Name], st.Wall)
		}
	}
	for _, name := range names {
		sum.Stages = append(sum.Stages, Stage{Name: name, Wall: median(stages[name])})
	}
	return sum
}

// median is the middle of ds (sorted in place), the mean of the middle
// two for an even count.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 0 {
		return (ds[n/2-1] + ds[n/2]) / 2
	}
	return ds[n/2]
}
