package labels_test

import (
	"reflect"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
)

func TestMissing(t *testing.T) {
	tests := []struct {
		name   string
		csv    string
		nulls  []string
		want   int64
		tokens map[string]any
		status audit.Status
	}{
		{"none", "text,label\na,x\nb,y\n", nil, 0, map[string]any{}, audit.Pass},
		{"tokens and blanks", "text,label\na,x\nb,NA\nc,\nd,  \ne,null\nf,y\ng,z\nh,x\ni,y\nj,x\nk,y\nl,x\nm,x\nn,y\no,x\np,y\nq,x\nr,y\ns,x\nt,y\nu,x\nv,x\n",
			nil, 4, map[string]any{"NA": int64(1), "(empty)": int64(2), "null": int64(1)}, audit.Warn},
		{"at 20% fails", "text,label\na,x\nb,NA\nc,y\nd,x\ne,y\n", nil, 1, map[string]any{"NA": int64(1)}, audit.Fail},
		{"custom null values", "text,label\na,?\nb,NA\nc,x\nd,y\ne,x\n", []string{"?"}, 1, map[string]any{"?": int64(1)}, audit.Fail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := audittest.Run(t, tc.csv, func(c *audit.Config) {
				c.Text = "text"
				if tc.nulls != nil {
					c.NullValues = tc.nulls
				}
			})
			c := audittest.Check(t, rep, "labels.missing")
			if got := audittest.Metric(t, c, "missing"); got != tc.want {
				t.Errorf("missing = %v, want %d", got, tc.want)
			}
			if got := audittest.Metric(t, c, "tokens"); !reflect.DeepEqual(got, tc.tokens) {
				t.Errorf("tokens = %v, want %v", got, tc.tokens)
			}
			if c.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", c.Status, tc.status, c.Summary)
			}
		})
	}
}

// TestLabelMap: a label_map key matches a raw label equal to it or with the
// same norm, and classes are norm of the mapped value.
func TestLabelMap(t *testing.T) {
	rep := audittest.Run(t, "text,label\na,>50K\nb,>50K.\nc, >50k. \nd,<=50K\ne,<=50K.\n", func(c *audit.Config) {
		c.Text = "text"
		c.LabelMap = map[string]string{">50K.": ">50K", "<=50K.": "<=50K"}
	})
	c := audittest.Check(t, rep, "bias.class_balance")
	want := map[string]any{">50k": int64(3), "<=50k": int64(2)}
	if got := audittest.Metric(t, c, "by_split", "all", "counts"); !reflect.DeepEqual(got, want) {
		t.Errorf("counts = %v, want %v", got, want)
	}
}
