package cli

import (
	"path/filepath"
	"reflect"
	"testing"

	"dataready/audit"
)

// TestSupportTicketsFixture runs the README's main job on the bundled
// fixture and checks the report against the counts documented in
// fixtures/README.md (which fixtures/gen's tests recount from the files
// with encoding/csv and parquet-go, independently of this tool).
func TestSupportTicketsFixture(t *testing.T) {
	out := t.TempDir()
	cfg := filepath.Join("..", "fixtures", "support-tickets", "audit.yaml")
	code, stdout, stderr := runCLI(t, t.Context(), "run", "--out", out, "--config", cfg)
	if code != ExitNotReady {
		t.Fatalf("exit %d, want %d (the fixture has planted problems)\n%s\n%s", code, ExitNotReady, stdout, stderr)
	}
	rep := readReport(t, out)

	// Train: 3,003 records of which 3 malformed (lines 685, 1211, 1387); holdout 800 rows.
	d := rep.Dataset
	if d.RowsRead != 3803 || d.RowsAudited != 3800 || d.RowsRejected != 3 {
		t.Errorf("rows read/audited/rejected = %d/%d/%d, want 3803/3800/3", d.RowsRead, d.RowsAudited, d.RowsRejected)
	}
	var rejected []int64
	for _, p := range rep.Problems {
		if p.Kind == "field_count" || p.Kind == "bad_quote" {
			rejected = append(rejected, p.Lines...)
		}
	}
	if want := []int64{685, 1387, 1211}; !sameSet(rejected, want) {
		t.Errorf("rejected lines = %v, want %v", rejected, want)
	}

	byID := map[string]audit.CheckResult{}
	for _, c := range rep.Checks {
		byID[c.ID] = c
	}
	num := func(id, name string) any { return byID[id].Metrics[name] }

	// Missing labels: 14 empty + 11 "NA" + 4 "null" in train, 17 Parquet nulls in the holdout.
	if got := num("labels.missing", "missing"); got != 46.0 {
		t.Errorf("missing = %v, want 46", got)
	}
	wantTokens := map[string]any{"(empty)": 14.0, "NA": 11.0, "null": 4.0, "(null)": 17.0}
	if got := num("labels.missing", "tokens"); !reflect.DeepEqual(got, wantTokens) {
		t.Errorf("tokens = %v, want %v", got, wantTokens)
	}

	// Class balance: gift_card only in the holdout; warranty and login-issue only in train;
	// refund 515 + 19 "Refund" + 13 "refund " = 547 train rows.
	if got := num("bias.class_balance", "holdout_only_labels"); !reflect.DeepEqual(got, []any{"gift_card"}) {
		t.Errorf("holdout_only_labels = %v, want [gift_card]", got)
	}
	if got := num("bias.class_balance", "train_only_labels"); !reflect.DeepEqual(got, []any{"login-issue", "warranty"}) {
		t.Errorf("train_only_labels = %v, want [login-issue warranty]", got)
	}
	counts := byID["bias.class_balance"].Metrics["by_split"].(map[string]any)["train"].(map[string]any)["counts"].(map[string]any)
	if counts["refund"] != 547.0 || counts["warranty"] != 9.0 || counts["login_issue"] != 342.0 {
		t.Errorf("train counts refund/warranty/login_issue = %v/%v/%v, want 547/9/342", counts["refund"], counts["warranty"], counts["login_issue"])
	}

	// Volume: labeled 2,971 train + 783 holdout = 3,754. Duplicates: 31 extra rows in
	// train + 21 holdout rows repeating a train text with its label = 52. Conflicts:
	// 15 train rows in 7 groups + 6 holdout rows with another label and their 6 train twins = 27.
	for name, want := range map[string]float64{"labeled_rows": 3754, "duplicate_rows": 52, "conflicting_rows": 27, "usable_examples": 3675} {
		if got := num("volume.pilot_minimum", name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
