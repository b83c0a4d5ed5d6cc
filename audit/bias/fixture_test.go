package bias_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/bias"
)

// TestBundledFixture runs the bias checks on fixtures/support-tickets and
// checks the numbers fixtures/README.md documents: rows per segment value
// and split, the region only in the holdout (uk-south, 24 rows), the region
// rare in train (me-central, 12 rows), and the labeled rows per class.
func TestBundledFixture(t *testing.T) {
	cfg, err := audit.LoadConfig("../../fixtures/support-tickets/audit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	specs := []audit.Spec{bias.SegmentCoverage, bias.ReferenceCoverage, bias.LabelDisparity, bias.Missingness, bias.LabelShift}
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: specs, Findings: true})
	if err != nil {
		t.Fatal(err)
	}

	// "Rows per segment value" in fixtures/README.md.
	segments := map[string]map[string][2]int64{
		"region": {"eu-west": {768, 224}, "eu-central": {571, 133}, "us-east": {565, 152}, "us-west": {370, 117},
			"ap-south": {299, 45}, "ap-northeast": {244, 31}, "sa-east": {171, 64}, "me-central": {12, 10}, "uk-south": {0, 24}},
		"channel":   {"email": {1198, 329}, "chat": {937, 250}, "web": {583, 159}, "phone": {282, 62}},
		"user_type": {"returning": {1938, 490}, "new": {1062, 310}},
	}
	cov := audittest.Check(t, rep, "bias.segment_coverage")
	if cov.Status != audit.Fail {
		t.Errorf("segment_coverage status = %s, want fail (uk-south)", cov.Status)
	}
	for col, want := range segments {
		values := column(t, cov, col)["values"].(map[string]any)
		if len(values) != len(want) {
			t.Errorf("%s: %d values, want %d", col, len(values), len(want))
		}
		var train, hold []float64
		for v, w := range want {
			rows := values[v].(map[string]any)["rows"].(map[string]any)
			if rows["train"] != w[0] || rows["holdout"] != w[1] {
				t.Errorf("%s=%s rows = %v, want train %d holdout %d", col, v, rows, w[0], w[1])
			}
			train, hold = append(train, float64(w[0])), append(hold, float64(w[1]))
		}
		if got, js := column(t, cov, col)["js_divergence"].(float64), jsRef(train, hold); math.Abs(got-js) > 1e-12 {
			t.Errorf("%s js_divergence = %v, want %v", col, got, js)
		}
	}
	wantUnseen := map[string][]string{"region": {"uk-south"}, "channel": {}, "user_type": {}}
	wantRare := map[string][]string{"region": {"me-central"}, "channel": {}, "user_type": {}}
	for col := range segments {
		if got := column(t, cov, col)["unseen_in_train"]; !reflect.DeepEqual(got, wantUnseen[col]) {
			t.Errorf("%s unseen_in_train = %v, want %v", col, got, wantUnseen[col])
		}
		if got := column(t, cov, col)["rare_in_train"]; !reflect.DeepEqual(got, wantRare[col]) {
			t.Errorf("%s rare_in_train = %v, want %v", col, got, wantRare[col])
		}
	}
	// Flag: the 24 holdout rows of uk-south.
	fs := audittest.Findings(rep, "bias.segment_coverage")
	if len(fs) != 24 {
		t.Errorf("segment_coverage flags %d rows, want the 24 uk-south holdout rows", len(fs))
	}
	for _, f := range fs {
		if f.Split != "holdout" || !strings.HasSuffix(f.File, "holdout.parquet") || f.Reason != `region "uk-south" has no train rows` {
			t.Errorf("finding %+v, want a uk-south holdout row", f)
		}
	}

	// No reference and no expected shares in the fixture's config.
	if c := audittest.Check(t, rep, "bias.reference_coverage"); c.Status != audit.Skip {
		t.Errorf("reference_coverage status = %s, want skip", c.Status)
	}

	// "Rows per class after label norm": labeled rows per split.
	classTable := map[string][2]int64{
		"shipping_delay": {661, 164}, "refund": {547, 136}, "billing": {434, 110}, "login_issue": {342, 84},
		"cancel_subscription": {275, 70}, "technical_bug": {230, 60}, "account_update": {182, 49}, "product_question": {140, 38},
		"payment_failed": {81, 22}, "feedback": {47, 13}, "login-issue": {23, 0}, "warranty": {9, 0}, "gift_card": {0, 37},
	}
	shift := audittest.Check(t, rep, "bias.label_shift")
	h := audittest.Metric(t, shift, "by_holdout", "holdout").(map[string]any)
	if h["train_rows"] != int64(2971) || h["holdout_rows"] != int64(783) {
		t.Errorf("labeled rows train %v holdout %v, want 2971 and 783", h["train_rows"], h["holdout_rows"])
	}
	var train, hold []float64
	for class, w := range classTable {
		got := h["classes"].(map[string]any)[class].(map[string]any)
		if got["train_rows"] != w[0] || got["holdout_rows"] != w[1] {
			t.Errorf("class %s: train %v holdout %v, want %d and %d", class, got["train_rows"], got["holdout_rows"], w[0], w[1])
		}
		train, hold = append(train, float64(w[0])), append(hold, float64(w[1]))
	}
	if got, js := h["js_divergence"].(float64), jsRef(train, hold); math.Abs(got-js) > 1e-12 {
		t.Errorf("label_shift js_divergence = %v, want %v", got, js)
	}

	// Twelve train classes and no positive_class: disparity compares no rates.
	disp := audittest.Check(t, rep, "bias.label_disparity")
	if got := audittest.Metric(t, disp, "positive_class"); got != "" {
		t.Errorf("label_disparity positive_class = %v, want none", got)
	}
	for _, id := range []string{"bias.label_disparity", "bias.missingness", "bias.label_shift", "bias.reference_coverage"} {
		if n := len(audittest.Findings(rep, id)); n != 0 {
			t.Errorf("%s flags %d rows, want none", id, n)
		}
	}
}
