package leakage_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/leakage"
)

// temporalCSV mixes every time format. Lines: header 1, rows from 2.
// 1709287200 is 2024-03-01T10:00:00Z and 1717243199 is
// 2024-06-01T11:59:59Z (python: datetime(..., tzinfo=utc).timestamp()).
const temporalCSV = `text,label,split,ts
a,x,train,2024-01-01
b,x,train,2024-03-01T10:00:00Z
c,y,train,1709287200
d,y,train,yesterday
e,x,train,NA
f,x,train,2024-06-01 12:00:00
g,x,test,2024-05-31
h,y,test,2024-06-01T12:00:00Z
i,x,test,2024-06-01T12:00:01Z
j,y,test,1717243199
k,x,test,not a date
l,x,test,
m,y,val,2024-07-01
`

// TestTemporalByHand: train ends at 2024-06-01 12:00:00 (line 7). Of the
// five holdout rows with a time, lines 8 (2024-05-31) and 11 (one second
// before the end) are earlier; line 9 is exactly at the end, so not
// before it. Lines 5 and 12 do not parse; lines 6 and 13 are missing.
func TestTemporalByHand(t *testing.T) {
	c, rep := run(t, leakage.Temporal, temporalCSV, func(c *audit.Config) { c.Text, c.Time = "text", "ts" })
	wantStatus(t, c, audit.Warn)
	wantInts(t, c, map[string]int64{
		"holdout_rows_before_train_end":               2,
		"unparseable":                                 2,
		"missing":                                     2,
		"by_split/test/rows_with_time":                4,
		"by_split/test/holdout_rows_before_train_end": 2,
		"by_split/val/rows_with_time":                 1,
		"by_split/val/holdout_rows_before_train_end":  0,
	})
	wantRates(t, c, map[string]float64{"rate": 2.0 / 5, "by_split/test/rate": 2.0 / 4, "by_split/val/rate": 0})
	for name, want := range map[string]string{
		"train_min":         "2024-01-01T00:00:00Z",
		"train_max":         "2024-06-01T12:00:00Z",
		"holdout_min":       "2024-05-31T00:00:00Z",
		"holdout_max":       "2024-07-01T00:00:00Z",
		"by_split/test/min": "2024-05-31T00:00:00Z",
		"by_split/test/max": "2024-06-01T12:00:01Z",
	} {
		if v := audittest.Metric(t, c, strings.Split(name, "/")...); v != want {
			t.Errorf("%s = %v, want %s", name, v, want)
		}
	}

	want := []string{
		"test:8 dated 2024-05-31T00:00:00Z, before the end of train (2024-06-01T12:00:00Z)",
		"test:11 dated 2024-06-01T11:59:59Z, before the end of train (2024-06-01T12:00:00Z)",
	}
	if got := flagged(rep, leakage.Temporal.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}

	// Examples: the unparseable values first, then the early rows.
	if len(c.Examples) != 3 {
		t.Fatalf("%d examples, want 3: %+v", len(c.Examples), c.Examples)
	}
	bad := c.Examples[0]
	if !reflect.DeepEqual(bad.Values["values"], []string{"yesterday", "not a date"}) || len(bad.Rows) != 2 || bad.Rows[0].Line != 5 || bad.Rows[1].Line != 12 {
		t.Errorf("unparseable example = %+v, want lines 5 and 12 with their values", bad)
	}
	if e := c.Examples[2]; e.Rows[0].Line != 11 || e.Values["time"] != "2024-06-01T11:59:59Z" || e.Rows[0].Label != "y" {
		t.Errorf("second early example = %+v, want line 11 at 2024-06-01T11:59:59Z", e)
	}
}

func TestTemporalThresholds(t *testing.T) {
	tests := []struct {
		name      string
		warn      any
		timeSplit bool
		want      audit.Status
	}{
		{"rate 0.4 warns by default", nil, false, audit.Warn},
		{"rate 0.4 at warn 0.4 passes", 0.4, false, audit.Pass},
		{"rate 0.4 above warn 0.39 warns", 0.39, false, audit.Warn},
		{"time_split turns the warning into a failure", nil, true, audit.Fail},
		{"time_split within warn passes", 0.5, true, audit.Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := run(t, leakage.Temporal, temporalCSV, func(c *audit.Config) {
				c.Text, c.Time, c.TimeSplit = "text", "ts", tc.timeSplit
				if tc.warn != nil {
					c.Checks = map[string]map[string]any{leakage.Temporal.ID: {"warn": tc.warn}}
				}
			})
			wantStatus(t, c, tc.want)
		})
	}
}

func TestTemporalPassesWhenHoldoutIsLater(t *testing.T) {
	csv := "text,label,split,ts\na,x,train,2024-01-01\nb,y,test,2024-01-01\nc,x,test,2024-02-01\n"
	c, rep := run(t, leakage.Temporal, csv, func(c *audit.Config) { c.Text, c.Time = "text", "ts" })
	wantStatus(t, c, audit.Pass) // equal to the end of train is not before it
	wantInts(t, c, map[string]int64{"holdout_rows_before_train_end": 0})
	wantLines(t, rep, leakage.Temporal.ID, []int64{})
}

func TestTemporalSkips(t *testing.T) {
	tests := []struct {
		name, csv, time, why string
	}{
		{"no time column", temporalCSV, "", "no time column"},
		{"no holdout", "text,label,split,ts\na,x,train,2024-01-01\n", "ts", "no holdout split"},
		{"no train time parses", "text,label,split,ts\na,x,train,soon\nb,x,test,2024-01-01\n", "ts", "no train row has a parseable time"},
		{"no holdout time parses", "text,label,split,ts\na,x,train,2024-01-01\nb,x,test,NA\n", "ts", "no holdout row has a parseable time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := run(t, leakage.Temporal, tc.csv, func(c *audit.Config) { c.Text, c.Time = "text", tc.time })
			wantStatus(t, c, audit.Skip)
			if !strings.Contains(c.Summary, tc.why) {
				t.Errorf("summary = %q, want it to say %q", c.Summary, tc.why)
			}
		})
	}
}

func TestTemporalSameWhateverTheWorkers(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	b.WriteString("text,label,split,ts\n")
	for i := range 800 {
		split := []string{"train", "train", "train", "test", "val"}[i%5]
		ts := start.Add(time.Duration((i*37)%800) * time.Hour).Format(time.RFC3339)
		if i%97 == 0 {
			ts = "bad"
		}
		fmt.Fprintf(&b, "text %d,x,%s,%s\n", i, split, ts)
	}
	c := sameWhateverTheWorkers(t, leakage.Temporal, b.String(), func(c *audit.Config) { c.Text, c.Time = "text", "ts" })
	if num(t, c, "holdout_rows_before_train_end") == 0 || num(t, c, "unparseable") == 0 {
		t.Errorf("the data should have early and unparseable rows: %v", c.Metrics)
	}
}
