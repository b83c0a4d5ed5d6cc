package bias_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
)

// rows builds a CSV with a split column from "split:class:count" parts.
func rows(parts ...string) string {
	var b strings.Builder
	b.WriteString("text,label,split\n")
	n := 0
	for _, p := range parts {
		var split, class string
		var count int
		f := strings.Split(p, ":")
		split, class = f[0], f[1]
		fmt.Sscan(f[2], &count)
		for range count {
			fmt.Fprintf(&b, "text %d,%s,%s\n", n, class, split)
			n++
		}
	}
	return b.String()
}

func TestClassBalance(t *testing.T) {
	tests := []struct {
		name        string
		csv         string
		split       bool
		status      audit.Status
		ratio       float64
		minority    string
		holdoutOnly []string
		trainOnly   []string
	}{
		{"balanced", rows("train:a:10", "train:b:10", "test:a:3", "test:b:3"), true, audit.Pass, 1, "a", []string{}, []string{}},
		{"warn above 10", rows("train:a:110", "train:b:10", "test:a:3", "test:b:3"), true, audit.Warn, 11, "b", []string{}, []string{}},
		{"exactly 10 passes", rows("train:a:100", "train:b:10", "test:a:3", "test:b:3"), true, audit.Pass, 10, "b", []string{}, []string{}},
		{"fail above 100", rows("train:a:202", "train:b:2", "test:a:3", "test:b:3"), true, audit.Fail, 101, "b", []string{}, []string{}},
		{"holdout-only class fails", rows("train:a:5", "train:b:5", "test:a:1", "test:c:1"), true, audit.Fail, 1, "a", []string{"c"}, []string{"b"}},
		{"train-only class warns", rows("train:a:5", "train:b:5", "test:a:1"), true, audit.Warn, 1, "a", []string{}, []string{"b"}},
		{"single class fails", rows("train:a:5", "test:a:1"), true, audit.Fail, 1, "a", []string{}, []string{}},
		{"no split: the whole data is the base", rows("x:a:30", "x:b:2"), false, audit.Warn, 15, "b", []string{}, []string{}},
		{"minority ties break alphabetically", rows("train:c:3", "train:b:3", "train:a:9", "test:a:1", "test:b:1", "test:c:1"), true, audit.Pass, 3, "b", []string{}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.Run(t, tc.csv, func(c *audit.Config) {
				c.Text = "text"
				if tc.split {
					c.Split = "split"
				} else {
					c.Exclude = []string{"split"}
				}
			})
			c := audittest.Check(t, rep, "bias.class_balance")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			if got := audittest.Metric(t, c, "imbalance_ratio"); got != tc.ratio {
				t.Errorf("imbalance_ratio = %v, want %v", got, tc.ratio)
			}
			if got := audittest.Metric(t, c, "minority_class"); got != tc.minority {
				t.Errorf("minority_class = %v, want %v", got, tc.minority)
			}
			if got := audittest.Metric(t, c, "holdout_only_labels"); !reflect.DeepEqual(got, tc.holdoutOnly) {
				t.Errorf("holdout_only_labels = %v, want %v", got, tc.holdoutOnly)
			}
			if got := audittest.Metric(t, c, "train_only_labels"); !reflect.DeepEqual(got, tc.trainOnly) {
				t.Errorf("train_only_labels = %v, want %v", got, tc.trainOnly)
			}
		})
	}
}

func TestClassBalanceThresholdsFromConfig(t *testing.T) {
	rep := audittest.Run(t, rows("train:a:30", "train:b:10", "test:a:1", "test:b:1"), func(c *audit.Config) {
		c.Text, c.Split = "text", "split"
		c.Checks = map[string]map[string]any{"bias.class_balance": {"warn": 2.5, "fail": 2.9}}
	})
	c := audittest.Check(t, rep, "bias.class_balance")
	if c.Status != audit.Fail || c.Thresholds["fail"] != 2.9 || c.Thresholds["warn"] != 2.5 {
		t.Errorf("status %s thresholds %v, want fail with warn 2.5 fail 2.9 (ratio 3)", c.Status, c.Thresholds)
	}
}
