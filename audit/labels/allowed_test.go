package labels_test

import (
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/labels"
)

// allowedData, by hand against allowed [Refund, billing, shipping] (after
// norm: refund, billing, shipping): refnd (lines 5, 6) and warranty (7) are
// outside; Refund (3) is refund; NA (8) is missing; shipping has no row.
var allowedData = csvRows("text,label,split",
	"a,refund,train",
	"b,Refund,train",
	"c,billing,train",
	"d,refnd,train",
	"e,refnd,test",
	"f,warranty,test",
	"g,NA,train",
)

func TestAllowed(t *testing.T) {
	tests := []struct {
		name     string
		allowed  []string
		labelMap map[string]string
		fail     *float64
		status   audit.Status
		rows     int64
		labels   map[string]any
		unseen   []string
		lines    []int64
	}{
		{"hand-counted", []string{"Refund", "billing", "shipping"}, nil, nil, audit.Fail, 3,
			map[string]any{"refnd": int64(2), "warranty": int64(1)}, []string{"shipping"}, []int64{5, 6, 7}},
		{"label_map applies first", []string{"refund", "billing", " SHIPPING "}, map[string]string{"refnd": "refund"}, nil, audit.Fail, 1,
			map[string]any{"warranty": int64(1)}, []string{"shipping"}, []int64{7}},
		{"all allowed", []string{"refund", "billing", "refnd", "warranty"}, nil, nil, audit.Pass, 0,
			map[string]any{}, []string{}, []int64{}},
		{"3 outside at fail 3 passes", []string{"refund", "billing"}, nil, ptr(3), audit.Pass, 3,
			map[string]any{"refnd": int64(2), "warranty": int64(1)}, []string{}, []int64{5, 6, 7}},
		{"3 outside at fail 2 fails", []string{"refund", "billing"}, nil, ptr(2), audit.Fail, 3,
			map[string]any{"refnd": int64(2), "warranty": int64(1)}, []string{}, []int64{5, 6, 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, allowedData, func(c *audit.Config) {
				c.Text, c.Split = "text", "split"
				c.Labels.Allowed = tc.allowed
				c.LabelMap = tc.labelMap
				if tc.fail != nil {
					c.Checks = map[string]map[string]any{"labels.allowed": {"fail": *tc.fail}}
				}
			}, labels.Allowed)
			c := audittest.Check(t, rep, "labels.allowed")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			if got := intMetric(t, c, "outside_rows"); got != tc.rows {
				t.Errorf("outside_rows = %d, want %d", got, tc.rows)
			}
			if got := audittest.Metric(t, c, "outside_labels"); !reflect.DeepEqual(got, tc.labels) {
				t.Errorf("outside_labels = %v, want %v", got, tc.labels)
			}
			if got := audittest.Metric(t, c, "allowed_unseen"); !reflect.DeepEqual(got, tc.unseen) {
				t.Errorf("allowed_unseen = %v, want %v", got, tc.unseen)
			}
			if got := audittest.FindingLines(rep, "labels.allowed"); !reflect.DeepEqual(got, tc.lines) {
				t.Errorf("flagged lines = %v, want %v", got, tc.lines)
			}
		})
	}
}

func TestAllowedSkipsWithoutList(t *testing.T) {
	rep := audittest.RunSpecs(t, allowedData, func(c *audit.Config) { c.Text = "text" }, labels.Allowed)
	c := audittest.Check(t, rep, "labels.allowed")
	if c.Status != audit.Skip || !strings.Contains(c.Summary, "labels.allowed") {
		t.Errorf("status = %s (%s), want skip naming labels.allowed", c.Status, c.Summary)
	}
	if len(c.Metrics) != 0 || len(rep.Findings) != 0 {
		t.Errorf("metrics %v, %d findings; want none", c.Metrics, len(rep.Findings))
	}
}

// TestAllowedExamples: one example per outside class, most rows first, with
// rows per split and the first rows; findings carry the reason.
func TestAllowedExamples(t *testing.T) {
	rep := audittest.RunSpecs(t, allowedData, func(c *audit.Config) {
		c.Text, c.Split = "text", "split"
		c.Labels.Allowed = []string{"refund", "billing"}
	}, labels.Allowed)
	c := audittest.Check(t, rep, "labels.allowed")
	if len(c.Examples) != 2 {
		t.Fatalf("%d examples, want 2", len(c.Examples))
	}
	ex := c.Examples[0]
	wantValues := map[string]any{"class": "refnd", "rows": int64(2), "splits": map[string]any{"train": int64(1), "test": int64(1)}}
	if !reflect.DeepEqual(ex.Values, wantValues) {
		t.Errorf("values = %v, want %v", ex.Values, wantValues)
	}
	if len(ex.Rows) != 2 || ex.Rows[0].Line != 5 || ex.Rows[1].Line != 6 || ex.Rows[1].Split != "test" {
		t.Errorf("rows = %+v, want lines 5 (train) and 6 (test)", ex.Rows)
	}
	if got := c.Examples[1].Values["class"]; got != "warranty" {
		t.Errorf("second example = %v, want warranty", got)
	}
	want := []string{`5:class "refnd" is not in labels.allowed`, `6:class "refnd" is not in labels.allowed`, `7:class "warranty" is not in labels.allowed`}
	if got := flagged(rep, "labels.allowed", true); !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
}
