package valueclass

import (
	"fmt"

	"dataready/audit"
)

// Score is how well the no-ML rule "predict the most frequent fitting-side
// class of the row's group" does on the measuring side.
type Score struct {
	// Power is (RuleAccuracy - MajorityAccuracy) / (1 - MajorityAccuracy),
	// 0 when MajorityAccuracy is 1 or nothing is measured. Negative when the
	// rule does worse than always predicting the majority class.
	Power            float64
	RuleAccuracy     float64
	MajorityAccuracy float64
	FitRows          int64
	EvalRows         int64
	// Majority is the most frequent class of the fitting side (0: none).
	Majority uint64
}

// ScoreGroups fits the rule on the groups and measures it, setting each
// group's Predict. Ties between classes go to the class more frequent on
// the whole fitting side, then to the alphabetically first name; a group
// with no fitting rows predicts the majority class.
func ScoreGroups(groups []Group, names map[uint64]string) Score {
	totals := map[uint64]int64{}
	var s Score
	for _, g := range groups {
		for c, n := range g.Fit {
			totals[c] += n
			s.FitRows += n
		}
	}
	better := func(a uint64, na int64, b uint64, nb int64) bool {
		if na != nb {
			return na > nb
		}
		if totals[a] != totals[b] {
			return totals[a] > totals[b]
		}
		return names[a] < names[b] || names[a] == names[b] && a < b
	}
	best := func(counts map[uint64]int64) uint64 {
		var top uint64
		var n int64 = -1
		for c, k := range counts {
			if n < 0 || better(c, k, top, n) {
				top, n = c, k
			}
		}
		return top
	}
	s.Majority = best(totals)
	var right, majority int64
	for i := range groups {
		g := &groups[i]
		g.Predict = s.Majority
		if len(g.Fit) > 0 {
			g.Predict = best(g.Fit)
		}
		for c, n := range g.Eval {
			s.EvalRows += n
			if c == g.Predict {
				right += n
			}
			if c == s.Majority {
				majority += n
			}
		}
	}
	s.RuleAccuracy = audit.Ratio(right, s.EvalRows)
	s.MajorityAccuracy = audit.Ratio(majority, s.EvalRows)
	if s.EvalRows > majority {
		s.Power = float64(right-majority) / float64(s.EvalRows-majority)
	}
	return s
}

// String describes a score briefly (for test failures).
func (s Score) String() string {
	return fmt.Sprintf("power %.3f (rule %.3f, majority %.3f, fit %d, eval %d)", s.Power, s.RuleAccuracy, s.MajorityAccuracy, s.FitRows, s.EvalRows)
}
