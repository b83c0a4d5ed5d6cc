package leakage

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	utc := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return tm.UnixNano()
	}
	tests := []struct {
		name string
		in   string
		want int64
		ok   bool
	}{
		{"RFC 3339 UTC", "2024-06-01T12:00:00Z", utc("2024-06-01T12:00:00Z"), true},
		{"RFC 3339 with offset", "2024-06-01T14:00:00+02:00", utc("2024-06-01T12:00:00Z"), true},
		{"RFC 3339 fraction", "2024-06-01T12:00:00.25Z", utc("2024-06-01T12:00:00.25Z"), true},
		{"surrounding space", "  2024-06-01T12:00:00Z ", utc("2024-06-01T12:00:00Z"), true},
		{"date", "2024-06-01", utc("2024-06-01T00:00:00Z"), true},
		{"date and time, UTC", "2024-06-01 12:00:00", utc("2024-06-01T12:00:00Z"), true},
		// 1717243200 = 2024-06-01T12:00:00Z (python: datetime(2024,6,1,12,tzinfo=utc).timestamp()).
		{"Unix seconds", "1717243200", utc("2024-06-01T12:00:00Z"), true},
		{"Unix seconds with fraction", "1717243200.5", utc("2024-06-01T12:00:00.5Z"), true},
		{"Unix seconds, digits past nanoseconds cut", "0.0000000019", 1, true},
		{"negative Unix seconds", "-86400", utc("1969-12-31T00:00:00Z"), true},
		{"Unix zero", "0", 0, true},
		{"not a time", "yesterday", 0, false},
		{"empty", "", 0, false},
		{"bad month", "2024-13-01", 0, false},
		{"date with slashes", "2024/06/01", 0, false},
		{"dot without fraction", "17.", 0, false},
		{"beyond int64 nanoseconds (year 2300)", "2300-01-01", 0, false},
		{"Unix milliseconds overflow", "1717243200000", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseTime(tc.in)
			if ok != tc.ok || got != tc.want {
				t.Errorf("parseTime(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}
