package labels_test

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
)

// csvRows joins a header and rows into a CSV file body.
func csvRows(header string, rows ...string) string {
	return header + "\n" + strings.Join(rows, "\n") + "\n"
}

// intMetric reads an integer metric.
func intMetric(t *testing.T, c audit.CheckResult, path ...string) int64 {
	t.Helper()
	v, ok := audittest.Metric(t, c, path...).(int64)
	if !ok {
		t.Fatalf("%s: metric %v = %#v, not an int64", c.ID, path, audittest.Metric(t, c, path...))
	}
	return v
}

// floatMetric reads a float metric.
func floatMetric(t *testing.T, c audit.CheckResult, path ...string) float64 {
	t.Helper()
	v, ok := audittest.Metric(t, c, path...).(float64)
	if !ok {
		t.Fatalf("%s: metric %v = %#v, not a float64", c.ID, path, audittest.Metric(t, c, path...))
	}
	return v
}

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// flagged returns "line:reason" (or "line" when reason is false) of the
// findings of one check, in report order.
func flagged(rep *audit.Report, check string, reason bool) []string {
	out := []string{}
	for _, f := range rep.Findings {
		if f.Check != check {
			continue
		}
		if reason {
			out = append(out, fmt.Sprintf("%d:%s", f.Line, f.Reason))
		} else {
			out = append(out, fmt.Sprint(f.Line))
		}
	}
	return out
}

func writeFile(path, data string) error { return os.WriteFile(path, []byte(data), 0o644) }
