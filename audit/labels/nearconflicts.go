package labels

import (
	"fmt"
	"sort"
	"strings"

	"dataready/audit"
	"dataready/audit/norm"
	"dataready/audit/similar"
)

// NearConflicts is the spec of labels.near_conflicts.
var NearConflicts = audit.Spec{
	ID:     "labels.near_conflicts",
	Family: "labels",
	Title:  "Near-duplicate texts with different labels",
	Explain: "Two texts that differ by a typo or a word but carry different labels are usually a labeling mistake " +
		"(or a class boundary nobody agreed on); a model cannot learn both. Texts are compared as sets of character " +
		"5-grams of norm(text): pairs with Jaccard similarity at or above the threshold (0.8) whose classes differ are " +
		"reported. Candidates come from MinHash/LSH and every reported pair is verified exactly (recall about 0.99 at " +
		"the threshold). Identical texts are exact conflicts (labels.conflicts), not pairs here. Fix: relabel one side, " +
		"or write down the rule that separates the classes.",
	Metrics: []audit.MetricDoc{
		{Name: "near_conflict_pairs", Doc: "pairs of distinct labeled texts with similarity ≥ threshold and different classes"},
		{Name: "near_conflict_rows", Doc: "labeled rows whose text is in such a pair"},
		{Name: "threshold", Doc: "the Jaccard threshold used"},
		{Name: "skipped_pairs", Doc: "upper bound on candidate pairs not formed in oversized LSH buckets (boilerplate); 0 normally"},
	},
	Params: []audit.Param{
		{Name: "threshold", Default: similar.DefaultThreshold, Doc: "Jaccard similarity of character 5-gram sets"},
		{Name: "warn", Default: 0, Doc: "warn when near_conflict_pairs is above this"},
	},
	UsesTextIndex: true,
	New:           func(env *audit.Env) audit.Accumulator { return &nearConflicts{env: env, names: map[uint64]string{}} },
}

type nearConflicts struct {
	env   *audit.Env
	names map[uint64]string // class hash → class
	keys  map[norm.Key]bool // keys in a near-conflict pair, after Result

	answered bool // TextAnswer was called
	answer   similar.Result
	err      error
}

func (n *nearConflicts) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] < 0 {
			if _, ok := n.names[b.ClassHash[i]]; !ok {
				n.names[b.ClassHash[i]] = strings.Clone(b.Class[i])
			}
		}
	}
}

func (n *nearConflicts) Merge(other audit.Accumulator) {
	for h, c := range other.(*nearConflicts).names {
		n.names[h] = c
	}
}

// TextQuery asks for the pairs of labeled texts at or above the threshold
// whose classes differ.
func (n *nearConflicts) TextQuery(*audit.Summary) (similar.Query, bool) {
	// Both texts labeled, with different classes; a key whose own rows
	// conflict (Mixed) is an exact conflict and differs from any class:
	// its value is its position with the top bit set, unique to it (a
	// class hash equals it with probability 2⁻⁶⁴).
	differ := func(e similar.Entry) uint64 {
		if e.Mixed {
			return e.Pos | 1<<63
		}
		return e.Class
	}
	return similar.Query{Threshold: n.env.Params["threshold"], Differ: differ}, true
}

func (n *nearConflicts) TextAnswer(r similar.Result, err error) {
	n.answered, n.answer, n.err = true, r, err
}

func (n *nearConflicts) Result(s *audit.Summary) audit.CheckResult {
	if n.env.Roles.Text == "" || s.TextIndex == nil {
		return audit.CheckResult{Status: audit.Skip, Summary: "No text column is configured (text), so texts cannot be compared."}
	}
	threshold := n.env.Params["threshold"]
	if !n.answered {
		return audit.CheckResult{Status: audit.Error, Summary: "labels.near_conflicts: the near-duplicate index was not searched."}
	}
	if n.err != nil {
		return audit.CheckResult{Status: audit.Error, Summary: "labels.near_conflicts: " + n.err.Error()}
	}
	pairs, stats := n.answer.Pairs, n.answer.Stats
	n.keys = map[norm.Key]bool{}
	var rows int64
	for _, p := range pairs {
		for _, e := range []similar.Entry{p.A, p.B} {
			if !n.keys[e.Key] {
				n.keys[e.Key] = true
				if k, ok := s.Keys.Get(e.Key); ok {
					rows += int64(k.Labeled)
				}
			}
		}
	}
	r := audit.CheckResult{Metrics: map[string]any{
		"near_conflict_pairs": int64(len(pairs)),
		"near_conflict_rows":  rows,
		"threshold":           threshold,
		"skipped_pairs":       stats.SkippedPairs,
	}, ExamplesTotal: int64(len(pairs))}
	if float64(len(pairs)) > n.env.Params["warn"] {
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("%d pairs of near-duplicate texts (similarity ≥ %g) carry different labels, over %d labeled rows.", len(pairs), threshold, rows)
	} else {
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("No two near-duplicate texts (similarity ≥ %g) carry different labels.", threshold)
	}
	// Examples: the most similar pairs first, then by position.
	sorted := append([]similar.Pair(nil), pairs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Similarity > sorted[j].Similarity })
	for i, p := range sorted {
		if i == s.Examples {
			break
		}
		r.Examples = append(r.Examples, n.example(s, p))
	}
	return r
}

// example shows both rows of a pair with their texts and labels.
func (n *nearConflicts) example(s *audit.Summary, p similar.Pair) audit.Example {
	ex := audit.Example{Title: "near-duplicate texts with different labels", Values: map[string]any{"similarity": p.Similarity}}
	for _, e := range []similar.Entry{p.A, p.B} {
		ref := s.RefAt(audit.UnpackPos(e.Pos), e.Split)
		ref.Label = n.names[e.Class]
		if e.Mixed {
			ref.Label += " (and others: exact conflict)"
		}
		if text, ok, err := s.TextIndex.Text(e.Key); err == nil && ok {
			ref.Text = audit.CutRunes(text, 200)
		}
		ex.Rows = append(ex.Rows, ref)
	}
	return ex
}

// Flag marks every labeled row whose text is in a near-conflict pair.
func (n *nearConflicts) Flag(s *audit.Summary) func(*audit.RowRecord) (string, bool) {
	return func(r *audit.RowRecord) (string, bool) {
		if r.Missing >= 0 || !n.keys[r.Key] {
			return "", false
		}
		return fmt.Sprintf("a near-duplicate text carries another label (similarity ≥ %g)", n.env.Params["threshold"]), true
	}
}
