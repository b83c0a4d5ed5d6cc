package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/registry"
)

func TestAuditConfig(t *testing.T) {
	var ids []string
	for _, s := range registry.Checks() {
		ids = append(ids, s.ID)
	}
	for _, id := range nearDupChecks {
		if !slices.Contains(ids, id) {
			t.Errorf("near-duplicate check %s is not in the registry (%s)", id, strings.Join(ids, ", "))
		}
	}
	for _, nearDups := range []bool{true, false} {
		dir := t.TempDir()
		data := filepath.Join(dir, "it's data", "tickets-10.csv")
		path := filepath.Join(dir, "audit.yaml")
		if err := os.WriteFile(path, []byte(auditConfig(data, nearDups)), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := audit.LoadConfig(path)
		if err != nil {
			t.Fatalf("near-dups %v: %v", nearDups, err)
		}
		if !reflect.DeepEqual(cfg.Inputs, []string{data}) {
			t.Errorf("inputs = %q, want %q", cfg.Inputs, data)
		}
		got := []string{cfg.Label, cfg.Text, cfg.Split, cfg.Time, strings.Join(cfg.IDs, ","), strings.Join(cfg.Segments, ","), strings.Join(cfg.Exclude, ",")}
		want := []string{"label", "text", "split", "created_at", "user_id", "region,channel,user_type", "ticket_id"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("roles = %q, want %q", got, want)
		}
		for _, id := range nearDupChecks {
			enabled, set := cfg.Checks[id]["enabled"]
			switch {
			case nearDups && set:
				t.Errorf("full audit: %s has enabled: %v, want it unset", id, enabled)
			case !nearDups && enabled != false:
				t.Errorf("without near-dups: %s enabled = %v, want false", id, enabled)
			}
		}
	}
}

func TestAuditAnswers(t *testing.T) {
	report := `{
  "dataset": {"rows_read": 12, "rows_audited": 12},
  "checks": [
    {"id": "labels.conflicts", "status": "warn", "metrics": {"conflicting_groups": 2, "conflicting_rows": 6, "conflict_rate": 0.5}},
    {"id": "labels.near_conflicts", "status": "skip", "metrics": {}},
    {"id": "bias.class_balance", "status": "fail", "metrics": {"by_split": {
      "train": {"labeled": 3, "counts": {"billing": 2, "refund": 1}},
      "holdout": {"labeled": 1, "counts": {"billing": 1}}}}},
    {"id": "leakage.exact_overlap", "status": "fail", "metrics": {"holdout_rows_in_train": 3, "rate": 0.5}},
    {"id": "leakage.entity_overlap", "status": "fail", "metrics": {"shared_entities": 2,
      "columns": {"user_id": {"shared_entities": 2, "holdout_rows": 2}}}}
  ]
}`
	got, err := auditAnswers([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Answer{
		"Q1": {"rows": 12},
		"Q2": {"train/billing": 2, "train/refund": 1, "holdout/billing": 1},
		"Q4": {"texts": 2, "rows": 6},
		"Q5": {"rows": 3},
		"Q6": {"user_ids": 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("auditAnswers = %v, want %v", got, want)
	}

	// A skipped check is an error, not a zero.
	skipped := strings.Replace(report, `"id": "leakage.exact_overlap", "status": "fail"`, `"id": "leakage.exact_overlap", "status": "skip"`, 1)
	if _, err := auditAnswers([]byte(skipped)); err == nil {
		t.Error("leakage.exact_overlap skipped: no error")
	}
	// So is a missing metric.
	missing := strings.Replace(report, `"holdout_rows_in_train": 3, `, ``, 1)
	if _, err := auditAnswers([]byte(missing)); err == nil {
		t.Error("holdout_rows_in_train missing: no error")
	}
}
