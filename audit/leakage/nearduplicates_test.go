package leakage_test

import (
	"fmt"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/leakage"
	"dataready/audit/similar"
)

// TestNearDuplicatesFixture: fixtures/README.md plants 16 holdout rows that
// are a train text with one typo or one word changed (5-gram Jaccard 0.90–0.97).
func TestNearDuplicatesFixture(t *testing.T) {
	cfg, err := audit.LoadConfig("../../fixtures/support-tickets/audit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: []audit.Spec{leakage.NearDuplicates}, Findings: true})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Checks[0]
	if got := c.Metrics["holdout_rows_near_train"]; got != int64(16) {
		t.Errorf("holdout_rows_near_train = %v, want 16", got)
	}
	if len(rep.Findings) != 16 || c.Status != audit.Warn {
		t.Errorf("%d findings, status %s; want 16 and warn (2%% < 5%%)", len(rep.Findings), c.Status)
	}
	for _, ex := range c.Examples {
		sim := ex.Values["similarity"].(float64)
		if len(ex.Rows) != 2 || sim < 0.8 || sim >= 1 {
			t.Errorf("example %+v: want a holdout and a train row at similarity in [0.8, 1)", ex)
			continue
		}
		// The reported similarity is the exact Jaccard of the two stored texts.
		if got := similar.Similarity(strings.TrimSuffix(ex.Rows[0].Text, "…"), strings.TrimSuffix(ex.Rows[1].Text, "…"), 20000); len(ex.Rows[0].Text) < 190 && got != sim {
			t.Errorf("similarity %v, recomputed %v", sim, got)
		}
	}
}

// TestNearDuplicatesByHand: holdout rows 1–2 are a train text with one
// character changed; row 3 is an exact twin (counted by exact_overlap, not
// here); row 4 is unrelated.
func TestNearDuplicatesByHand(t *testing.T) {
	base := "my parcel from the warehouse in lyon has not arrived after three weeks of waiting"
	var b strings.Builder
	b.WriteString("text,label,split\n")
	fmt.Fprintf(&b, "%s,a,train\n", base)
	fmt.Fprintf(&b, "completely different words about an invoice and a refund request today,b,train\n")
	fmt.Fprintf(&b, "%s,a,test\n", strings.Replace(base, "lyon", "lyom", 1))
	fmt.Fprintf(&b, "%s,b,test\n", strings.Replace(base, "three", "thrée", 1))
	fmt.Fprintf(&b, "%s,a,test\n", base)
	fmt.Fprintf(&b, "the app crashes whenever i open the settings page on my phone,c,test\n")
	rep := audittest.RunSpecs(t, b.String(), func(c *audit.Config) { c.Text, c.Split = "text", "split" }, leakage.NearDuplicates)
	c := audittest.Check(t, rep, "leakage.near_duplicates")
	if got := audittest.Metric(t, c, "holdout_rows_near_train"); got != int64(2) {
		t.Errorf("holdout_rows_near_train = %v, want 2", got)
	}
	if got := audittest.Metric(t, c, "rate"); got != 0.5 {
		t.Errorf("rate = %v, want 2/4", got)
	}
	if c.Status != audit.Fail {
		t.Errorf("status = %s, want fail (0.5 ≥ 0.05)", c.Status)
	}
	var lines []int64
	for _, f := range rep.Findings {
		lines = append(lines, f.Line)
	}
	if fmt.Sprint(lines) != "[4 5]" {
		t.Errorf("flagged lines %v, want [4 5]", lines)
	}
}
