package labels_test

import (
	"reflect"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
)

// TestFixture audits the bundled support-ticket fixture and checks the
// numbers fixtures/README.md documents:
//
//   - problem 2: 19 rows "Refund" and 13 rows "refund " beside "refund", and
//     23 rows "login-issue" beside "login_issue": 2 variant groups, 55 rows.
//   - problem 4: 7 conflict groups in train, 15 rows (one group with three
//     labels: T100361 account_update, T100382 cancel_subscription,
//     T100389 login_issue).
//   - problem 5: 6 holdout rows repeat a train text (seen once in train) with
//     another label: 6 more groups of 2 rows, each across the splits.
//     So 13 groups, 15 + 12 = 27 rows; train holds 15 + 6, holdout 6.
//   - labeled rows: 2,971 (train) + 783 (holdout) = 3,754.
//   - rows per class: with labels.allowed set to the ten classes of both
//     splits, login-issue (23), warranty (9) and gift_card (37) are outside:
//     69 rows.
//   - no annotator columns: labels.agreement skips.
func TestFixture(t *testing.T) {
	cfg, err := audit.LoadConfig("../../fixtures/support-tickets/audit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Labels.Allowed = []string{"shipping_delay", "refund", "billing", "login_issue", "cancel_subscription",
		"technical_bug", "account_update", "product_question", "payment_failed", "feedback"}
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: specs, Findings: true})
	if err != nil {
		t.Fatal(err)
	}

	c := audittest.Check(t, rep, "labels.variants")
	if c.Status != audit.Fail {
		t.Errorf("variants: status %s, want fail", c.Status)
	}
	for name, want := range map[string]int64{"variant_groups": 2, "variant_rows": 19 + 13 + 23} {
		if got := intMetric(t, c, name); got != want {
			t.Errorf("variants: %s = %d, want %d", name, got, want)
		}
	}
	minority := map[string]int64{}
	for _, ex := range c.Examples {
		for _, sp := range ex.Values["spellings"].([]any)[1:] {
			m := sp.(map[string]any)
			minority[m["spelling"].(string)] = m["rows"].(int64)
		}
	}
	if want := map[string]int64{"Refund": 19, "refund ": 13, "login-issue": 23}; !reflect.DeepEqual(minority, want) {
		t.Errorf("variants: minority spellings %v, want %v", minority, want)
	}
	if got := len(audittest.FindingLines(rep, "labels.variants")); got != 55 {
		t.Errorf("variants: %d findings, want 55", got)
	}

	c = audittest.Check(t, rep, "labels.allowed")
	if got := intMetric(t, c, "outside_rows"); got != 23+9+37 {
		t.Errorf("allowed: outside_rows = %d, want 69", got)
	}
	wantOutside := map[string]any{"login-issue": int64(23), "warranty": int64(9), "gift_card": int64(37)}
	if got := audittest.Metric(t, c, "outside_labels"); !reflect.DeepEqual(got, wantOutside) {
		t.Errorf("allowed: outside_labels = %v, want %v", got, wantOutside)
	}

	c = audittest.Check(t, rep, "labels.conflicts")
	if c.Status != audit.Warn { // 27 / 3754 = 0.0072: above 0, below 0.01
		t.Errorf("conflicts: status %s, want warn (%s)", c.Status, c.Summary)
	}
	for name, want := range map[string]int64{"conflicting_groups": 13, "conflicting_rows": 27, "cross_split_groups": 6} {
		if got := intMetric(t, c, name); got != want {
			t.Errorf("conflicts: %s = %d, want %d", name, got, want)
		}
	}
	if got := floatMetric(t, c, "conflict_rate"); !near(got, 27.0/3754, 1e-15) {
		t.Errorf("conflicts: conflict_rate = %v, want 27/3754", got)
	}
	wantSplits := map[string]any{
		"train":   map[string]any{"conflicting_rows": int64(21)},
		"holdout": map[string]any{"conflicting_rows": int64(6)},
	}
	if got := audittest.Metric(t, c, "by_split"); !reflect.DeepEqual(got, wantSplits) {
		t.Errorf("conflicts: by_split = %v, want %v", got, wantSplits)
	}
	wantClasses := map[string]any{"account_update": int64(1), "cancel_subscription": int64(1), "login_issue": int64(1)}
	if got := c.Examples[0].Values["classes"]; !reflect.DeepEqual(got, wantClasses) {
		t.Errorf("conflicts: largest group's classes = %v, want %v", got, wantClasses)
	}
	if got := len(audittest.FindingLines(rep, "labels.conflicts")); got != 27 {
		t.Errorf("conflicts: %d findings, want 27", got)
	}

	if c := audittest.Check(t, rep, "labels.agreement"); c.Status != audit.Skip {
		t.Errorf("agreement: status %s, want skip", c.Status)
	}
}
