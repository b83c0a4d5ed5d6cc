package keymap

import (
	"fmt"
	"testing"

	"dataready/audit/norm"
)

// BenchmarkUpsert adds n hashed keys, each twice, to a Map and to a Go
// map of the key table's entry size: go test -bench Upsert ./audit/keymap
func BenchmarkUpsert(b *testing.B) {
	type stats [5]uint64 // 40 bytes, as audit.KeyStats
	for _, n := range []int{10_000, 1_000_000} {
		keys := make([]norm.Key, n)
		for i := range keys {
			keys[i] = norm.TextKey(fmt.Sprint(i))
		}
		b.Run(fmt.Sprintf("keymap/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var m Map[stats]
				for range 2 {
					for _, k := range keys {
						s, _ := m.Upsert(k)
						s[4]++
					}
				}
			}
			b.ReportMetric(float64(2*n*b.N)/b.Elapsed().Seconds(), "upserts/s")
		})
		b.Run(fmt.Sprintf("gomap/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := map[norm.Key]stats{}
				for range 2 {
					for _, k := range keys {
						s := m[k]
						s[4]++
						m[k] = s
					}
				}
			}
			b.ReportMetric(float64(2*n*b.N)/b.Elapsed().Seconds(), "upserts/s")
		})
	}
}
