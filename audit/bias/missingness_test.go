package bias_test

import (
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/bias"
)

func TestMissingness(t *testing.T) {
	// amount per region: nulls (several null spellings) and filled rows.
	amounts := func(region string, nulls, filled int, split string) []seg {
		var out []seg
		tokens := []string{"NA", "", " null ", "N/A"}
		for i := range nulls {
			out = append(out, seg{1, split, "x", region, "e", tokens[i%len(tokens)]})
		}
		return append(out, seg{filled, split, "x", region, "e", "0"})
	}
	flag := func(value string, rows, nulls int64, rate, rest float64) map[string]any {
		return map[string]any{"column": "amount", "segment": "region", "value": value, "rows": rows, "nulls": nulls, "rate": rate, "rest_rate": rest}
	}
	tests := []struct {
		name    string
		rows    []seg
		checks  map[string]any
		status  audit.Status
		flagged []any
		checked int64
	}{
		{
			// a: 20 of 40 null (.5), b: 4 of 40 (.1, in the holdout: every
			// split counts). Each is .4 away from the rest. Cells checked:
			// amount and channel × a and b.
			name:   "hand-counted",
			rows:   concat(amounts("a", 20, 20, "train"), amounts("b", 4, 36, "holdout")),
			status: audit.Warn, checked: 4,
			flagged: []any{flag("a", 40, 20, 0.5, 0.1), flag("b", 40, 4, 0.1, 0.5)},
		},
		{
			// .3 vs .1: exactly 20 points apart, which warns.
			name:   "exactly 20 points warns",
			rows:   concat(amounts("a", 9, 21, "train"), amounts("b", 3, 27, "train")),
			status: audit.Warn, checked: 4,
			flagged: []any{flag("a", 30, 9, 0.3, 0.1), flag("b", 30, 3, 0.1, 0.3)},
		},
		{
			// 8/30 = .267 vs .1: 16.7 points.
			name:   "under 20 points passes",
			rows:   concat(amounts("a", 8, 22, "train"), amounts("b", 3, 27, "train")),
			status: audit.Pass, checked: 4, flagged: []any{},
		},
		{
			name:   "warn from the config",
			rows:   concat(amounts("a", 8, 22, "train"), amounts("b", 3, 27, "train")),
			checks: map[string]any{"warn": 0.15},
			status: audit.Warn, checked: 4,
			flagged: []any{flag("a", 30, 8, 8.0/30, 0.1), flag("b", 30, 3, 0.1, 8.0/30)},
		},
		{
			// b has 29 rows, so a's rest has 29 too: nothing is compared.
			name:   "both sides need min_rows",
			rows:   concat(amounts("a", 15, 15, "train"), amounts("b", 0, 29, "train")),
			status: audit.Pass, checked: 0, flagged: []any{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var checks map[string]map[string]any
			if tc.checks != nil {
				checks = map[string]map[string]any{"bias.missingness": tc.checks}
			}
			rep := audittest.RunSpecs(t, segCSV(tc.rows...), segConfig([]string{"region"}, checks), bias.Missingness)
			c := audittest.Check(t, rep, "bias.missingness")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			if got := audittest.Metric(t, c, "flagged"); !reflect.DeepEqual(got, tc.flagged) {
				t.Errorf("flagged = %v, want %v", got, tc.flagged)
			}
			if got := audittest.Metric(t, c, "cells_checked"); got != tc.checked {
				t.Errorf("cells_checked = %v, want %d", got, tc.checked)
			}
			if len(audittest.Findings(rep, "bias.missingness")) != 0 {
				t.Errorf("missingness flags no rows")
			}
		})
	}
}

func TestMissingnessDetails(t *testing.T) {
	// Rows 0–3 of a are nulls spelled NA, "", " null ", N/A (lines 2–5).
	var rows []seg
	for _, tok := range []string{"NA", "", " null ", "N/A"} {
		rows = append(rows, seg{1, "train", "x", "a", "e", tok})
	}
	rows = append(rows, seg{26, "train", "x", "a", "e", "0"}, seg{30, "train", "x", "b", "", "1"})
	rep := audittest.RunSpecs(t, segCSV(rows...), segConfig([]string{"region"}, nil), bias.Missingness)
	c := audittest.Check(t, rep, "bias.missingness")
	// amount: 4 nulls, all in a (4/30 vs 0/30: 13 points, no warning).
	// channel: b's 30 empty values (30/30 vs 0/30: warns).
	if got := audittest.Metric(t, c, "nulls"); !reflect.DeepEqual(got, map[string]any{"amount": int64(4), "channel": int64(30), "region": int64(0)}) {
		t.Errorf("nulls = %v", got)
	}
	rates := audittest.Metric(t, c, "null_rates").(map[string]any)
	if got := rates["amount"]; !reflect.DeepEqual(got, map[string]any{"region": map[string]any{"a": 4.0 / 30, "b": 0.0}}) {
		t.Errorf("null_rates.amount = %v", got)
	}
	if c.Status != audit.Warn || len(c.Examples) != 2 {
		t.Fatalf("status %s examples %+v, want warn with two examples (channel in a and b)", c.Status, c.Examples)
	}
	// b's channel is null from row 30 on: lines 32, 33, 34.
	if ex := c.Examples[1]; ex.Values["value"] != "b" || len(ex.Rows) != 3 || ex.Rows[0].Line != 32 {
		t.Errorf("example = %+v, want b with rows from line 32", ex)
	}
}

func TestMissingnessSkips(t *testing.T) {
	rows := segCSV(seg{30, "train", "x", "a", "e", "1"})
	tests := []struct {
		name   string
		cfg    func(*audit.Config)
		reason string
	}{
		{"no segment columns", segConfig(nil, nil), "No segment columns"},
		{"no feature besides the segments", func(c *audit.Config) {
			segConfig([]string{"region"}, nil)(c)
			c.Exclude = []string{"channel", "amount"}
		}, "no feature column"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, rows, tc.cfg, bias.Missingness)
			c := audittest.Check(t, rep, "bias.missingness")
			if c.Status != audit.Skip || !strings.Contains(c.Summary, tc.reason) {
				t.Errorf("status %s summary %q, want skip saying %q", c.Status, c.Summary, tc.reason)
			}
		})
	}
}
