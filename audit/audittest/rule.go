package audittest

import "sort"

// RuleRow is one labeled row for RuleReference: the group its value falls
// in (the value itself, or its decile), its class, and whether the rule is
// fitted on it and scored on it.
type RuleRow struct {
	Group, Class string
	Fit, Eval    bool
}

// RuleReference scores the single-column no-ML rule of leakage.target and
// volume.baseline the obvious way, from the rows alone: fit the most
// frequent class per group on the fitting rows (ties to the class more
// frequent overall, then the alphabetically first), predict the majority
// class for unseen groups, score on the measuring rows. It returns the
// accuracy and the predictive power (the share of the majority rule's
// errors the rule avoids, 0 when the majority rule makes none). There must
// be at least one fitting and one measuring row.
func RuleReference(rows []RuleRow) (accuracy, power float64) {
	perGroup := map[string]map[string]int{}
	total := map[string]int{}
	for _, r := range rows {
		if !r.Fit {
			continue
		}
		if perGroup[r.Group] == nil {
			perGroup[r.Group] = map[string]int{}
		}
		perGroup[r.Group][r.Class]++
		total[r.Class]++
	}
	argmax := func(m map[string]int) string {
		var classes []string
		for c := range m {
			classes = append(classes, c)
		}
		sort.Slice(classes, func(i, j int) bool {
			a, b := classes[i], classes[j]
			if m[a] != m[b] {
				return m[a] > m[b]
			}
			if total[a] != total[b] {
				return total[a] > total[b]
			}
			return a < b
		})
		return classes[0]
	}
	majority := argmax(total)
	var n, right, majorityRight int
	for _, r := range rows {
		if !r.Eval {
			continue
		}
		n++
		predict := majority
		if m, ok := perGroup[r.Group]; ok {
			predict = argmax(m)
		}
		if predict == r.Class {
			right++
		}
		if r.Class == majority {
			majorityRight++
		}
	}
	accuracy = float64(right) / float64(n)
	if n == majorityRight {
		return accuracy, 0
	}
	return accuracy, float64(right-majorityRight) / float64(n-majorityRight)
}
