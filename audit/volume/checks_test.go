package volume_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/volume"
)

// table builds a CSV (text,label,split,region) from "split:class:region:count"
// parts; every row has a distinct text unless the part ends in ":dup".
func table(parts ...string) string {
	var b strings.Builder
	b.WriteString("text,label,split,region\n")
	n := 0
	for _, p := range parts {
		f := strings.Split(p, ":")
		var count int
		fmt.Sscan(f[3], &count)
		for range count {
			fmt.Fprintf(&b, "text %d,%s,%s,%s\n", n, f[1], f[0], f[2])
			n++
		}
	}
	return b.String()
}

func withSplit(c *audit.Config) { c.Text, c.Split, c.Segments = "text", "split", []string{"region"} }

func TestClassMinimum(t *testing.T) {
	csv := table("train:a:eu:40", "train:b:eu:12", "train:c:eu:9", "test:a:eu:25", "test:b:eu:6", "test:c:eu:4")
	// Two train rows of class b share a text with a holdout row: "text 40" is
	// train b; a conflicting copy in the holdout (class a) removes the key.
	csv += "text 40,a,test,eu\n"
	rep := audittest.RunSpecs(t, csv, withSplit, volume.ClassMinimum)
	c := audittest.Check(t, rep, "volume.class_minimum")
	// Train usable: a 40, b 12 - 1 (conflict) = 11, c 9. Holdout: a 25, b 6, c 4.
	wantTrain := map[string]any{"a": int64(40), "b": int64(11), "c": int64(9)}
	if got := audittest.Metric(t, c, "train"); !reflect.DeepEqual(got, wantTrain) {
		t.Errorf("train = %v, want %v", got, wantTrain)
	}
	wantHoldout := map[string]any{"a": int64(25), "b": int64(6), "c": int64(4)}
	if got := audittest.Metric(t, c, "holdout"); !reflect.DeepEqual(got, wantHoldout) {
		t.Errorf("holdout = %v, want %v", got, wantHoldout)
	}
	// Below fail: train c 9 < 10, holdout c 4 < 5. Below warn: train b 11 < 30,
	// holdout b 6 < 20 (a 40 ≥ 30 and a 25 ≥ 20 pass).
	wantFail := []any{
		map[string]any{"split": "train", "class": "c", "usable": int64(9)},
		map[string]any{"split": "holdout", "class": "c", "usable": int64(4)},
	}
	if got := audittest.Metric(t, c, "classes_below_fail"); !reflect.DeepEqual(got, wantFail) {
		t.Errorf("below fail = %v, want %v", got, wantFail)
	}
	wantWarn := []any{
		map[string]any{"split": "train", "class": "b", "usable": int64(11)},
		map[string]any{"split": "holdout", "class": "b", "usable": int64(6)},
	}
	if got := audittest.Metric(t, c, "classes_below_warn"); !reflect.DeepEqual(got, wantWarn) {
		t.Errorf("below warn = %v, want %v", got, wantWarn)
	}
	if c.Status != audit.Fail {
		t.Errorf("status = %s, want fail", c.Status)
	}

	// Thresholds at the boundary: exactly 10 train and 5 holdout pass the fail minimum.
	rep = audittest.RunSpecs(t, table("train:a:eu:30", "train:b:eu:10", "test:a:eu:20", "test:b:eu:5"), withSplit, volume.ClassMinimum)
	if c := audittest.Check(t, rep, "volume.class_minimum"); c.Status != audit.Warn {
		t.Errorf("at the fail minimum: status = %s, want warn (%s)", c.Status, c.Summary)
	}
	rep = audittest.RunSpecs(t, table("train:a:eu:30", "train:b:eu:30", "test:a:eu:20", "test:b:eu:20"), withSplit, volume.ClassMinimum)
	if c := audittest.Check(t, rep, "volume.class_minimum"); c.Status != audit.Pass {
		t.Errorf("at the warn minimum: status = %s, want pass (%s)", c.Status, c.Summary)
	}
}

func TestHoldoutPower(t *testing.T) {
	// Holdout: 60 a + 40 b = 100 usable; majority train class a → p0 = 0.6.
	rep := audittest.RunSpecs(t, table("train:a:eu:50", "train:b:eu:30", "test:a:eu:60", "test:b:eu:40"), withSplit, volume.HoldoutPower)
	c := audittest.Check(t, rep, "volume.holdout_power")
	if got := audittest.Metric(t, c, "holdout_usable"); got != int64(100) {
		t.Errorf("holdout_usable = %v, want 100", got)
	}
	if got := audittest.Metric(t, c, "baseline_accuracy"); got != 0.6 {
		t.Errorf("baseline_accuracy = %v, want 0.6", got)
	}
	// p0 = 0.6, Δ = 0.03: (1.959964·√0.24 + 0.841621·√(0.63·0.37)) / 0.03
	// = (0.960196 + 0.406345) / 0.03 = 45.551 → 2074.9 → 2075.
	if got := audittest.Metric(t, c, "required_holdout"); got != int64(2075) {
		t.Errorf("required_holdout = %v, want 2075", got)
	}
	if c.Status != audit.Warn {
		t.Errorf("status = %s, want warn (100 < 2075)", c.Status)
	}
	rep = audittest.RunSpecs(t, table("train:a:eu:50", "train:b:eu:30", "test:a:eu:60", "test:b:eu:39"), withSplit, volume.HoldoutPower)
	if c := audittest.Check(t, rep, "volume.holdout_power"); c.Status != audit.Fail {
		t.Errorf("99 usable: status = %s, want fail", c.Status)
	}
	rep = audittest.RunSpecs(t, table("x:a:eu:50", "x:b:eu:30"), func(c *audit.Config) { c.Text = "text"; c.Exclude = []string{"split"} }, volume.HoldoutPower)
	if c := audittest.Check(t, rep, "volume.holdout_power"); c.Status != audit.Skip {
		t.Errorf("no holdout: status = %s, want skip", c.Status)
	}
}

func TestSegmentMinimum(t *testing.T) {
	// Holdout 200 rows: eu 150, us 42, ap 8 (4% < 5%: not judged).
	// us: 42 usable → half-width 0.1447 (≤ 0.15); then 38 usable → 0.1515 (> 0.15).
	csv := table("train:a:eu:50", "train:b:eu:50", "test:a:eu:100", "test:b:eu:50", "test:a:us:42", "test:a:ap:8")
	rep := audittest.RunSpecs(t, csv, withSplit, volume.SegmentMinimum)
	c := audittest.Check(t, rep, "volume.segment_minimum")
	if c.Status != audit.Pass {
		t.Errorf("status = %s, want pass (%s)", c.Status, c.Summary)
	}
	segs := audittest.Metric(t, c, "segments").([]any)
	if len(segs) != 2 {
		t.Fatalf("judged %d values, want 2 (eu, us; ap is 4%%): %v", len(segs), segs)
	}
	csv = table("train:a:eu:50", "train:b:eu:50", "test:a:eu:100", "test:b:eu:50", "test:a:us:38", "test:a:ap:8")
	rep = audittest.RunSpecs(t, csv, withSplit, volume.SegmentMinimum)
	c = audittest.Check(t, rep, "volume.segment_minimum")
	if c.Status != audit.Warn || audittest.Metric(t, c, "short_segments") != int64(1) {
		t.Errorf("38 usable us rows: status %s, short %v; want warn with 1", c.Status, audittest.Metric(t, c, "short_segments"))
	}
}
