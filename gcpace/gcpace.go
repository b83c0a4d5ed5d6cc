package gcpace

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Pacing is how the collector is paced: after each collection the heap may
// grow by Headroom bytes past the live heap, as a percentage of it (the
// GOGC value) clamped to [MinPercent, MaxPercent].
type Pacing struct {
	// Headroom is the growth allowed past the live heap, in bytes.
	Headroom uint64
	// MinPercent and MaxPercent bound the GOGC value set.
	MinPercent, MaxPercent int
}

// Default is the command's pacing: 256 MiB of growth, between GOGC=10 (a
// live heap of 2.5 GiB or more) and the runtime's default GOGC=100 (a live
// heap of 256 MiB or less).
var Default = Pacing{Headroom: 256 << 20, MinPercent: 10, MaxPercent: 100}

// Percent is the GOGC value for a live heap of live bytes.
func (p Pacing) Percent(live uint64) int {
	if live == 0 {
		return p.MaxPercent
	}
	pct := p.Headroom * 100 / live
	return int(max(uint64(p.MinPercent), min(uint64(p.MaxPercent), pct)))
}

// Pacer sets the GOGC value after each collection; see Start.
type Pacer struct {
	pacing Pacing
	sample []metrics.Sample

	mu      sync.Mutex
	stopped bool
	percent int // the value set last, 0 before the first collection
	cycles  int // collections seen
}

// Start sets the GOGC value from the live heap after every collection
// from now on, until Stop. The first value is set after the next
// collection; until then the collector keeps its current setting.
func Start(p Pacing) *Pacer {
	pc := &Pacer{pacing: p, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	pc.arm()
	return pc
}

// sentinel is allocated unreachable so that its cleanup runs after the
// next collection. It is larger than the tiny allocator's 16 bytes: a tiny
// object shares its block and may never be collected.
type sentinel struct{ _ [32]byte }

// arm makes cycle run after the next collection.
func (pc *Pacer) arm() {
	runtime.AddCleanup(new(sentinel), (*Pacer).cycle, pc)
}

// cycle runs after a collection: it sets the GOGC value and arms itself
// again.
func (pc *Pacer) cycle() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.stopped {
		return
	}
	metrics.Read(pc.sample)
	if pc.sample[0].Value.Kind() == metrics.KindUint64 {
		if pct := pc.pacing.Percent(pc.sample[0].Value.Uint64()); pct != pc.percent {
			debug.SetGCPercent(pct)
			pc.percent = pct
		}
	}
	pc.cycles++
	pc.arm()
}

// Stop stops pacing; the GOGC value stays as set last.
func (pc *Pacer) Stop() {
	pc.mu.Lock()
	pc.stopped = true
	pc.mu.Unlock()
}

// Last returns the GOGC value set last (0 before the first collection)
// and the number of collections seen.
func (pc *Pacer) Last() (percent, cycles int) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.percent, pc.cycles
}
