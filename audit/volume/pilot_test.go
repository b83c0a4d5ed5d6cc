package volume_test

import (
	"fmt"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
)

// dataset has n distinct texts, dup extra copies of text 0 and one
// conflicting pair.
func dataset(n, dup int) string {
	var b strings.Builder
	b.WriteString("text,label\n")
	for i := range n {
		fmt.Fprintf(&b, "text %d,%s\n", i, []string{"a", "b"}[i%2])
	}
	for range dup {
		b.WriteString("TEXT 0,a\n") // same key as "text 0" after norm
	}
	b.WriteString("conflict,a\nconflict,b\n")
	return b.String()
}

func TestPilotMinimum(t *testing.T) {
	tests := []struct {
		name   string
		n, dup int
		status audit.Status
	}{
		{"below 200 fails", 199, 5, audit.Fail},
		{"duplicates do not lift it over 200", 199, 50, audit.Fail},
		{"200 warns", 200, 0, audit.Warn},
		{"999 warns", 999, 3, audit.Warn},
		{"1000 passes", 1000, 3, audit.Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.Run(t, dataset(tc.n, tc.dup), func(c *audit.Config) { c.Text = "text" })
			c := audittest.Check(t, rep, "volume.pilot_minimum")
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
			want := map[string]int64{
				"labeled_rows":     int64(tc.n + tc.dup + 2),
				"usable_examples":  int64(tc.n),
				"duplicate_rows":   int64(tc.dup),
				"conflicting_rows": 2,
				"conflicting_keys": 1,
			}
			for name, w := range want {
				if got := audittest.Metric(t, c, name); got != w {
					t.Errorf("%s = %v, want %d", name, got, w)
				}
			}
		})
	}
}
