package gcpace

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	p := Pacing{Headroom: 256 << 20, MinPercent: 10, MaxPercent: 100}
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{100 << 20, 100},  // 256/100 = 256%: capped at the maximum
		{256 << 20, 100},  // exactly the headroom
		{257 << 20, 99},   // 25600/257 = 99.6, rounded down
		{512 << 20, 50},   // 256/512
		{512<<20 + 1, 49}, // a byte past half: just under 50%
		{1 << 30, 25},     // 256/1024
		{1000 << 20, 25},  // 25600/1000 = 25.6
		{2047 << 20, 12},  // 25600/2047 = 12.5
		{2560 << 20, 10},  // 256/2560 = 10% exactly
		{2600 << 20, 10},  // 9.8%: raised to the minimum
		{1 << 40, 10},     // a terabyte
	} {
		if got := p.Percent(c.live); got != c.want {
			t.Errorf("Percent(%d MiB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}

// TestPacerSetsPercent holds a known live heap, collects, and checks the
// GOGC value the pacer set: 16 MiB of headroom over 64 MiB of live heap
// (plus the test binary's own, under a few MiB) is 23 to 25%.
func TestPacerSetsPercent(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)

	live := make([]byte, 64<<20)
	for i := range live {
		live[i] = byte(i)
	}
	pc := Start(Pacing{Headroom: 16 << 20, MinPercent: 5, MaxPercent: 100})
	defer pc.Stop()
	pct := waitFor(t, pc, func(int) bool { return true })
	if pct < 23 || pct > 25 {
		t.Errorf("with 64 MiB live and 16 MiB of headroom, the pacer set GOGC=%d, want 23 to 25", pct)
	}
	if got := debug.SetGCPercent(pct); got != pct {
		t.Errorf("the runtime's GOGC is %d, the pacer says it set %d", got, pct)
	}
	runtime.KeepAlive(live)

	// Once the live heap is gone, the next collection raises the value to
	// the maximum.
	live = nil
	waitFor(t, pc, func(pct int) bool { return pct == 100 })

	// After Stop, collections change nothing.
	pc.Stop()
	debug.SetGCPercent(77)
	runtime.GC()
	runtime.GC()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("after Stop the GOGC value changed to %d", got)
	}
}

// waitFor collects until the pacer has set a value that ok accepts after
// a collection that began after the call, and returns it; it fails the
// test after 10 s.
func waitFor(t *testing.T, pc *Pacer, ok func(pct int) bool) int {
	t.Helper()
	_, seen := pc.Last()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		if pct, cycles := pc.Last(); cycles > seen+1 && ok(pct) {
			return pct
		}
		time.Sleep(10 * time.Millisecond)
	}
	pct, cycles := pc.Last()
	t.Fatalf("after %d collections in 10 s the pacer's GOGC value is %d, not the one wanted", cycles-seen, pct)
	return 0
}
