package labels_test

import (
	"fmt"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/labels"
	"dataready/audit/similar"
)

// TestNearConflicts: three near copies of one text (one character changed
// each) labeled a, a, b; an exact copy labeled b (an exact conflict with the
// first, counted by labels.conflicts, and not a pair here since its text is
// the same key); an unrelated text. Pairs with different classes: (1,3) and
// (2,3) — row 1 and its exact copy (row 4) are one key, whose rows conflict.
func TestNearConflicts(t *testing.T) {
	base := "please cancel my subscription before the next billing date arrives"
	texts := []string{base, strings.Replace(base, "next", "nxt", 1), strings.Replace(base, "arrives", "arrive", 1)}
	var b strings.Builder
	b.WriteString("text,label\n")
	fmt.Fprintf(&b, "%s,a\n%s,a\n%s,b\n%s,b\n", texts[0], texts[1], texts[2], texts[0])
	b.WriteString("where is the tracking number for my order shipped monday,c\n")
	rep := audittest.RunSpecs(t, b.String(), func(c *audit.Config) { c.Text = "text" }, labels.NearConflicts)
	c := audittest.Check(t, rep, "labels.near_conflicts")
	// Brute force over the three distinct texts: which pairs reach 0.8?
	var want int64
	for i := range texts {
		for j := i + 1; j < len(texts); j++ {
			// Key 0 is mixed (a and b), so every pair with it counts; 1–2 is a vs b.
			if similar.Similarity(texts[i], texts[j], 20000) >= 0.8 {
				want++
			}
		}
	}
	if got := audittest.Metric(t, c, "near_conflict_pairs"); got != want || want == 0 {
		t.Errorf("near_conflict_pairs = %v, want %d (brute force)", got, want)
	}
	if c.Status != audit.Warn {
		t.Errorf("status = %s, want warn", c.Status)
	}
	// Every labeled row of those keys is flagged: rows on lines 2–5.
	if len(rep.Findings) != 4 {
		t.Errorf("%d findings, want 4: %+v", len(rep.Findings), rep.Findings)
	}
	rep = audittest.RunSpecs(t, "text,label\n"+texts[0]+",a\n"+texts[1]+",a\n", func(c *audit.Config) { c.Text = "text" }, labels.NearConflicts)
	if c := audittest.Check(t, rep, "labels.near_conflicts"); c.Status != audit.Pass {
		t.Errorf("near copies with one label: status %s, want pass", c.Status)
	}
	rep = audittest.RunSpecs(t, "a,label\nx,y\n", nil, labels.NearConflicts)
	if c := audittest.Check(t, rep, "labels.near_conflicts"); c.Status != audit.Skip {
		t.Errorf("no text column: status %s, want skip", c.Status)
	}
}
