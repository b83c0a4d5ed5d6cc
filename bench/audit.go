package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// AuditVariant is one way of running the audit.
type AuditVariant struct {
	Key   string // short name in task keys
	Title string // name in the results
	// NearDups keeps labels.near_conflicts and leakage.near_duplicates on.
	NearDups bool
	// Workers is passed as --workers when above 0; 0 leaves the audit's
	// default (GOMAXPROCS).
	Workers int
}

var (
	auditFull   = AuditVariant{Key: "full", Title: "audit, every check", NearDups: true}
	auditNoNear = AuditVariant{Key: "nonear", Title: "audit, near-duplicates off"}
	auditOne    = AuditVariant{Key: "full-w1", Title: "audit, every check, --workers 1", NearDups: true, Workers: 1}
)

// nearDupChecks are the check ids that use the near-duplicate index.
var nearDupChecks = []string{"labels.near_conflicts", "leakage.near_duplicates"}

// auditConfig is the audit.yaml for the generated dataset at data: the
// roles of the generator's columns (gen.LargeColumns), the ticket id left
// out. Without nearDups the near-duplicate checks are disabled.
func auditConfig(data string, nearDups bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "inputs: [%s]\n", yamlQuote(data))
	b.WriteString(`label: label
text: text
split: split
ids: [user_id]
time: created_at
segments: [region, channel, user_type]
exclude: [ticket_id]
`)
	if !nearDups {
		b.WriteString("checks:\n")
		for _, id := range nearDupChecks {
			fmt.Fprintf(&b, "  %s: {enabled: false}\n", id)
		}
	}
	return b.String()
}

// yamlQuote quotes s as a YAML double-quoted scalar (JSON strings are valid
// YAML).
func yamlQuote(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// buildAudit builds the audit command of the module at moduleDir into dst.
func buildAudit(ctx context.Context, moduleDir, dst string) error {
	mod, err := os.ReadFile(filepath.Join(moduleDir, "go.mod"))
	if err != nil {
		return fmt.Errorf("find the dataready module: %w", err)
	}
	if !strings.HasPrefix(strings.TrimSpace(string(mod)), "module dataready\n") {
		return fmt.Errorf("%s is not the dataready module", moduleDir)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", dst, "./cmd/audit")
	cmd.Dir = moduleDir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build the audit: %w", err)
	}
	return nil
}

// moduleCommit is the short commit of the module's checkout, with "+dirty"
// when files outside bench/ are changed; empty when git cannot tell.
func moduleCommit(ctx context.Context, moduleDir string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", moduleDir, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	commit := strings.TrimSpace(string(out))
	status, err := exec.CommandContext(ctx, "git", "-C", moduleDir, "status", "--porcelain", "--", ".", ":(exclude)bench").Output()
	if err == nil && len(bytes.TrimSpace(status)) > 0 {
		commit += "+dirty"
	}
	return commit
}

// auditArgs is the command line of one audit run writing report.json into
// out.
func auditArgs(config, out string, v AuditVariant) []string {
	args := []string{"run", "--quiet", "--config", config, "--out", out, "--format", "json"}
	if v.Workers > 0 {
		args = append(args, "--workers", fmt.Sprint(v.Workers))
	}
	return args
}

// auditOK are the exit codes of a completed audit: ready, not ready.
var auditOK = []int{0, 1}

// reportJSON is the part of report.json the harness compares.
type reportJSON struct {
	Run struct {
		Stages []struct {
			Name string `json:"name"`
			MS   int64  `json:"ms"`
		} `json:"stages"`
	} `json:"run"`
	Dataset struct {
		RowsRead *int64 `json:"rows_read"`
	} `json:"dataset"`
	Checks []struct {
		ID      string          `json:"id"`
		Status  string          `json:"status"`
		Metrics json.RawMessage `json:"metrics"`
	} `json:"checks"`
}

// auditStages reads the stages of the run from report.json.
func auditStages(report []byte) ([]Stage, error) {
	var r reportJSON
	if err := json.Unmarshal(report, &r); err != nil {
		return nil, fmt.Errorf("read report.json: %w", err)
	}
	var out []Stage
	for _, st := range r.Run.Stages {
		out = append(out, Stage{Name: st.Name, Wall: time.Duration(st.MS) * time.Millisecond})
	}
	return out, nil
}

// auditAnswers reads from report.json the audit's answers to the queries
// it computes (docs/report.md names the metrics):
//
//	Q1 rows      dataset.rows_read
//	Q2 split/cls bias.class_balance by_split.<split>.counts.<class>
//	Q4 texts     labels.conflicts conflicting_groups
//	Q4 rows      labels.conflicts conflicting_rows
//	Q5 rows      leakage.exact_overlap holdout_rows_in_train
//	Q6 user_ids  leakage.entity_overlap columns.user_id.shared_entities
func auditAnswers(report []byte) (map[string]Answer, error) {
	var r reportJSON
	if err := json.Unmarshal(report, &r); err != nil {
		return nil, fmt.Errorf("read report.json: %w", err)
	}
	if r.Dataset.RowsRead == nil {
		return nil, errors.New("report.json: no dataset.rows_read")
	}
	metrics := map[string]json.RawMessage{}
	for _, c := range r.Checks {
		if c.Status == "skip" || c.Status == "error" {
			continue
		}
		metrics[c.ID] = c.Metrics
	}
	get := func(id string, v any) error {
		m, ok := metrics[id]
		if !ok {
			return fmt.Errorf("report.json: check %s did not run", id)
		}
		if err := json.Unmarshal(m, v); err != nil {
			return fmt.Errorf("report.json: metrics of %s: %w", id, err)
		}
		return nil
	}
	out := map[string]Answer{"Q1": {"rows": *r.Dataset.RowsRead}}

	var balance struct {
		BySplit map[string]struct {
			Counts map[string]int64 `json:"counts"`
		} `json:"by_split"`
	}
	if err := get("bias.class_balance", &balance); err != nil {
		return nil, err
	}
	q2 := Answer{}
	for split, s := range balance.BySplit {
		for class, n := range s.Counts {
			q2[split+"/"+class] = n
		}
	}
	out["Q2"] = q2

	var conflicts struct {
		Groups *int64 `json:"conflicting_groups"`
		Rows   *int64 `json:"conflicting_rows"`
	}
	if err := get("labels.conflicts", &conflicts); err != nil {
		return nil, err
	}
	if conflicts.Groups == nil || conflicts.Rows == nil {
		return nil, errors.New("report.json: labels.conflicts lacks conflicting_groups or conflicting_rows")
	}
	out["Q4"] = Answer{"texts": *conflicts.Groups, "rows": *conflicts.Rows}

	var overlap struct {
		Rows *int64 `json:"holdout_rows_in_train"`
	}
	if err := get("leakage.exact_overlap", &overlap); err != nil {
		return nil, err
	}
	if overlap.Rows == nil {
		return nil, errors.New("report.json: leakage.exact_overlap lacks holdout_rows_in_train")
	}
	out["Q5"] = Answer{"rows": *overlap.Rows}

	var entity struct {
		Columns map[string]struct {
			Shared *int64 `json:"shared_entities"`
		} `json:"columns"`
	}
	if err := get("leakage.entity_overlap", &entity); err != nil {
		return nil, err
	}
	uid, ok := entity.Columns["user_id"]
	if !ok || uid.Shared == nil {
		return nil, errors.New("report.json: leakage.entity_overlap lacks columns.user_id.shared_entities")
	}
	out["Q6"] = Answer{"user_ids": *uid.Shared}
	return out, nil
}
