package main

import (
	"reflect"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	s := time.Second
	m := func(wall time.Duration, rss int64) Measurement { return Measurement{Wall: wall, PeakRSS: rss} }
	tests := []struct {
		name string
		runs []Measurement
		want Summary
	}{
		{"none", nil, Summary{}},
		{"one", []Measurement{m(3*s, 10)}, Summary{Runs: 1, Median: 3 * s, Min: 3 * s, Max: 3 * s, PeakRSS: 10}},
		{"odd count, unsorted", []Measurement{m(5*s, 10), m(1*s, 30), m(2*s, 20)},
			Summary{Runs: 3, Median: 2 * s, Min: 1 * s, Max: 5 * s, PeakRSS: 30}},
		{"even count: mean of the middle two", []Measurement{m(4*s, 1), m(1*s, 1), m(2*s, 7), m(10*s, 1)},
			Summary{Runs: 4, Median: 3 * s, Min: 1 * s, Max: 10 * s, PeakRSS: 7}},
		{"stages: median of each, in the first run's order", []Measurement{
			staged(m(5*s, 1), "open", 1*s, "read", 9*s),
			staged(m(6*s, 1), "open", 3*s, "read", 5*s, "search", 4*s),
			staged(m(7*s, 1), "open", 2*s, "read", 7*s, "search", 2*s)},
			Summary{Runs: 3, Median: 6 * s, Min: 5 * s, Max: 7 * s, PeakRSS: 1,
				Stages: []Stage{{"open", 2 * s}, {"read", 7 * s}, {"search", 3 * s}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summarize(tt.runs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Summarize = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// staged adds stages (name, wall, name, wall, ...) to m.
func staged(m Measurement, stages ...any) Measurement {
	for i := 0; i < len(stages); i += 2 {
		m.Stages = append(m.Stages, Stage{Name: stages[i].(string), Wall: stages[i+1].(time.Duration)})
	}
	return m
}
