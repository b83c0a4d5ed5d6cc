package leakage

import (
	"fmt"
	"sort"

	"dataready/audit"
	"dataready/audit/norm"
	"dataready/audit/similar"
)

// NearDuplicates is the spec of leakage.near_duplicates.
var NearDuplicates = audit.Spec{
	ID:     "leakage.near_duplicates",
	Family: "leakage",
	Title:  "Holdout texts nearly repeated in train",
	Explain: "A holdout text that is a train text with a typo or one word changed is not new traffic: the model has " +
		"practically seen it, and the holdout score flatters it. Counted: holdout rows with no exact twin in train " +
		"but at least one train text whose Jaccard similarity (sets of character 5-grams of norm(text)) is at or " +
		"above the threshold (0.8). Candidates come from MinHash/LSH, shared with labels.near_conflicts, and every " +
		"match is verified exactly (recall about 0.99 at the threshold). Fix: deduplicate across the split by " +
		"similarity, not only by identity, or split by entity or time.",
	Metrics: []audit.MetricDoc{
		{Name: "holdout_rows_near_train", Doc: "holdout rows without an exact train twin but with a train text at similarity ≥ threshold"},
		{Name: "rate", Doc: "holdout_rows_near_train / holdout rows"},
		{Name: "threshold", Doc: "the Jaccard threshold used"},
		{Name: "by_split", Doc: "per holdout split: rows, holdout_rows_near_train, rate"},
		{Name: "skipped_pairs", Doc: "upper bound on candidate pairs not formed in oversized LSH buckets (boilerplate); 0 normally"},
	},
	Params: []audit.Param{
		{Name: "threshold", Default: similar.DefaultThreshold, Doc: "Jaccard similarity of character 5-gram sets"},
		{Name: "warn", Default: 0, Doc: "warn when rate is above this"},
		{Name: "fail", Default: 0.05, Doc: "fail when rate is at least this"},
	},
	UsesTextIndex: true,
	New:           func(env *audit.Env) audit.Accumulator { return &nearDuplicates{env: env} },
}

// nearDuplicates finds the matches after the merge (Revisit), then counts
// and flags the holdout rows of matched texts from the row records. Its
// query to the index (TextQuery) is answered before Revisit.
type nearDuplicates struct {
	env      *audit.Env
	skip     string
	answered bool // TextAnswer was called
	matches  map[norm.Key]similar.Match
	skipped  int64
	rows     [audit.MaxSplits]int64 // holdout rows per split index
	near     [audit.MaxSplits]int64 // of them near a train text
}

func (n *nearDuplicates) Add(*audit.Batch)        {}
func (n *nearDuplicates) Merge(audit.Accumulator) {}

// skipReason says why the check cannot run on this data, or "".
func (n *nearDuplicates) skipReason(s *audit.Summary) string {
	_, hasTrain := s.Train()
	switch {
	case n.env.Roles.Text == "" || s.TextIndex == nil:
		return "No text column is configured (text), so texts cannot be compared."
	case !hasTrain || len(s.Holdouts()) == 0:
		return "There is no train and holdout split to compare."
	}
	return ""
}

// TextQuery asks, for each text seen only in holdout splits, a train text
// at or above the threshold.
func (n *nearDuplicates) TextQuery(s *audit.Summary) (similar.Query, bool) {
	if n.skipReason(s) != "" {
		return similar.Query{}, false
	}
	trainMask := s.SplitMask(mustTrain(s))
	var holdoutMask uint64
	for _, h := range s.Holdouts() {
		holdoutMask |= s.SplitMask(h)
	}
	return similar.Query{
		Threshold: n.env.Params["threshold"],
		IsQuery:   func(e similar.Entry) bool { return e.Splits&holdoutMask != 0 && e.Splits&trainMask == 0 },
		IsTarget:  func(e similar.Entry) bool { return e.Splits&trainMask != 0 },
	}, true
}

func (n *nearDuplicates) TextAnswer(r similar.Result, err error) {
	n.answered = true
	if err != nil {
		n.skip = "leakage.near_duplicates: " + err.Error()
		return
	}
	n.skipped = r.Stats.SkippedPairs
	n.matches = make(map[norm.Key]similar.Match, len(r.Matches))
	for _, m := range r.Matches {
		n.matches[m.Query.Key] = m
	}
}

func (n *nearDuplicates) Revisit(s *audit.Summary) func(*audit.RowRecord) {
	if reason := n.skipReason(s); reason != "" {
		n.skip = reason
	} else if !n.answered {
		n.skip = "leakage.near_duplicates: the near-duplicate index was not searched."
	}
	if n.skip != "" {
		return func(*audit.RowRecord) {}
	}
	holdout := make([]bool, audit.MaxSplits)
	for _, h := range s.Holdouts() {
		m := s.SplitMask(h)
		for i := 0; i < audit.MaxSplits; i++ {
			if m == 1<<i {
				holdout[i] = true
			}
		}
	}
	s.NearTrain = n.matches
	return func(r *audit.RowRecord) {
		if !holdout[r.Split] {
			return
		}
		n.rows[r.Split]++
		if _, ok := n.matches[r.Key]; ok {
			n.near[r.Split]++
		}
	}
}

func mustTrain(s *audit.Summary) string {
	t, _ := s.Train()
	return t
}

func (n *nearDuplicates) Result(s *audit.Summary) audit.CheckResult {
	if n.skip != "" {
		return audit.CheckResult{Status: audit.Skip, Summary: n.skip}
	}
	p := n.env.Params
	var rows, near int64
	bySplit := map[string]any{}
	for _, h := range s.Holdouts() {
		for i := 0; i < audit.MaxSplits; i++ {
			if s.SplitMask(h) == 1<<i {
				rows += n.rows[i]
				near += n.near[i]
				bySplit[h] = map[string]any{"rows": n.rows[i], "holdout_rows_near_train": n.near[i], "rate": audit.Ratio(n.near[i], n.rows[i])}
			}
		}
	}
	rate := audit.Ratio(near, rows)
	r := audit.CheckResult{Metrics: map[string]any{
		"holdout_rows_near_train": near,
		"rate":                    rate,
		"threshold":               p["threshold"],
		"by_split":                bySplit,
		"skipped_pairs":           n.skipped,
	}, ExamplesTotal: int64(len(n.matches))}
	switch {
	case rows > 0 && rate >= p["fail"]:
		r.Status = audit.Fail
	case rate > p["warn"]:
		r.Status = audit.Warn
	default:
		r.Status = audit.Pass
	}
	if near == 0 {
		r.Summary = fmt.Sprintf("No holdout text is a near duplicate (similarity ≥ %g) of a train text.", p["threshold"])
	} else {
		r.Summary = fmt.Sprintf("%d of %d holdout rows (%.1f%%) nearly repeat a train text (similarity ≥ %g) without being exact twins.",
			near, rows, 100*rate, p["threshold"])
	}
	// Examples: matches in holdout order (First orders them by query position).
	ordered := make([]similar.Match, 0, len(n.matches))
	for _, m := range n.matches {
		ordered = append(ordered, m)
	}
	sortMatches(ordered)
	for i, m := range ordered {
		if i == s.Examples {
			break
		}
		ex := audit.Example{Title: "holdout text close to a train text", Values: map[string]any{"similarity": m.Similarity}}
		for _, e := range []similar.Entry{m.Query, m.Target} {
			ref := s.RefAt(audit.UnpackPos(e.Pos), e.Split)
			if text, ok, err := s.TextIndex.Text(e.Key); err == nil && ok {
				ref.Text = audit.CutRunes(text, 200)
			}
			ex.Rows = append(ex.Rows, ref)
		}
		r.Examples = append(r.Examples, ex)
	}
	return r
}

// Flag marks every holdout row whose text nearly repeats a train text.
func (n *nearDuplicates) Flag(s *audit.Summary) func(*audit.RowRecord) (string, bool) {
	return func(r *audit.RowRecord) (string, bool) {
		m, ok := n.matches[r.Key]
		if !ok || s.Splits.Role(s.Splits.Name(r.Split)) != audit.RoleHoldout {
			return "", false
		}
		t := s.RefAt(audit.UnpackPos(m.Target.Pos), m.Target.Split)
		return fmt.Sprintf("near duplicate (similarity %.3f) of train text at %s:%d", m.Similarity, t.File, t.Line), true
	}
}

func sortMatches(ms []similar.Match) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].Query.Pos < ms[j].Query.Pos })
}
