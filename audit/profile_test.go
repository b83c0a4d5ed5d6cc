package audit_test

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"dataready/audit"
)

// profiled is small enough to count by hand; TestDatasetProfileByHand
// works the numbers out.
const profiled = `id,text,label,split,region
1,Refund please,refund,train,eu
2,refund  please,Refund,train,EU
3,Where is my order,shipping,train,us
4,where is my order,billing,train,us
5,Cancel my plan,cancel,train,
6,NA text,NA,train,eu
7,Reset password,login,test,uk
8,Refund please,refund,test,eu
9,Where is my order,shipping,test,us
`

func TestDatasetProfileByHand(t *testing.T) {
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			dir := t.TempDir()
			cfg := audit.DefaultConfig()
			cfg.Inputs = []string{write(t, dir, "data.csv", profiled)}
			cfg.Label, cfg.Text, cfg.Split, cfg.Segments, cfg.Workers = "label", "text", "split", []string{"region"}, workers
			rep := run(t, cfg, audit.RunOptions{BatchRows: 2, ChunkBytes: 64})
			got := rep.Dataset.Labels

			// Row 6's label is a null token: 8 labeled rows. Keys: "refund please"
			// (rows 1, 2, 8, all refund) counts once; "where is my order" (rows 3,
			// 4, 9: shipping, billing) conflicts and counts not at all; "cancel my
			// plan" and "reset password" count once each.
			want := audit.LabelCounts{
				LabeledRows:    8,
				UsableExamples: 3,
				Classes: map[string]audit.ClassCounts{
					"refund":   {Rows: map[string]int64{"train": 2, "test": 1}, Usable: 1},
					"shipping": {Rows: map[string]int64{"train": 1, "test": 1}, Usable: 0},
					"billing":  {Rows: map[string]int64{"train": 1}, Usable: 0},
					"cancel":   {Rows: map[string]int64{"train": 1}, Usable: 1},
					"login":    {Rows: map[string]int64{"test": 1}, Usable: 1},
				},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("dataset.labels = %+v\nwant %+v", got, want)
			}
			// Every row counts for segments, labeled or not; "EU" is "eu" after
			// norm; row 5's empty region is (missing).
			wantSeg := map[string]audit.SegmentCounts{"region": {
				Values: map[string]map[string]int64{
					"eu":               {"train": 3, "test": 1},
					"us":               {"train": 2, "test": 1},
					"uk":               {"test": 1},
					audit.MissingValue: {"train": 1},
				},
				DistinctValues: 4,
			}}
			if !reflect.DeepEqual(rep.Dataset.Segments, wantSeg) {
				t.Errorf("dataset.segments = %+v\nwant %+v", rep.Dataset.Segments, wantSeg)
			}
		})
	}
}

// TestDatasetProfileFoldsValues: past MaxNamedValues values, the least
// frequent (ties by name) are folded into (other).
func TestDatasetProfileFoldsValues(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,label,seg\n")
	// "hot" has 3 rows; v0000..v1000 (1001 values) one each. Kept: hot and
	// v0000..v0998 (1000 values); v0999 and v1000 are folded.
	for i := range 3 {
		fmt.Fprintf(&b, "hot %d,a,hot\n", i)
	}
	for i := range 1001 {
		fmt.Fprintf(&b, "text %d,a,v%04d\n", i, i)
	}
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{write(t, t.TempDir(), "data.csv", b.String())}
	cfg.Label, cfg.Text, cfg.Segments = "label", "text", []string{"seg"}
	rep := run(t, cfg, audit.RunOptions{})
	seg := rep.Dataset.Segments["seg"]
	if seg.DistinctValues != 1002 || seg.FoldedValues != 2 || seg.Overflow {
		t.Errorf("distinct/folded/overflow = %d/%d/%v, want 1002/2/false", seg.DistinctValues, seg.FoldedValues, seg.Overflow)
	}
	if len(seg.Values) != audit.MaxNamedValues+1 {
		t.Errorf("%d values reported, want %d and (other)", len(seg.Values), audit.MaxNamedValues)
	}
	for v, want := range map[string]int64{"hot": 3, "v0998": 1, audit.OtherValue: 2} {
		if got := seg.Values[v]["all"]; got != want {
			t.Errorf("rows of %q = %d, want %d", v, got, want)
		}
	}
	if _, ok := seg.Values["v0999"]; ok {
		t.Errorf("v0999 is reported by name, want it folded")
	}
}

func TestSnapshotTime(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.csv", "text,label\nx,1\n")
	b := write(t, dir, "b.csv", "text,label\ny,2\n")
	older := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	newer := time.Date(2025, 2, 3, 4, 5, 6, 700_000_000, time.UTC)
	if err := os.Chtimes(a, older, older); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(b, newer, newer); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, setting string
		want          audit.Snapshot
	}{
		{"newest input, to the second", "", audit.Snapshot{Time: newer.Truncate(time.Second), Source: "inputs"}},
		{"RFC 3339 in another zone", "2025-03-31T02:00:00+02:00", audit.Snapshot{Time: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), Source: "config"}},
		{"a date", "2025-03-31", audit.Snapshot{Time: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), Source: "config"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := audit.DefaultConfig()
			cfg.Inputs = []string{a, b}
			cfg.Label, cfg.Text, cfg.SnapshotTime = "label", "text", tc.setting
			rep := run(t, cfg, audit.RunOptions{})
			if !rep.Snapshot.Time.Equal(tc.want.Time) || rep.Snapshot.Source != tc.want.Source {
				t.Errorf("snapshot = %+v, want %+v", rep.Snapshot, tc.want)
			}
		})
	}
	cfg := audit.DefaultConfig()
	cfg.Label, cfg.SnapshotTime = "label", "last tuesday"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "snapshot_time") {
		t.Errorf("Validate(snapshot_time: last tuesday) = %v, want an error naming snapshot_time", err)
	}
}
