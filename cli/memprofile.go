package cli

import (
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// watchHeap samples the live heap (as of the last garbage collection)
// every 20 ms until stop is called. Each time it has grown 10% beyond the
// heap of the last profile written (and past 32 MB), it runs a collection
// and writes a heap profile to path, so the file left at the end shows
// what held the heap at its largest live size, to within those 10%. The
// forced collections (about twenty in a run whose heap reaches 400 MB)
// slow the run a little. stop returns the first error met writing the
// file.
func watchHeap(path string) (stop func() error) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	done, finished := make(chan struct{}), make(chan struct{})
	written := uint64(32 << 20)
	var werr error
	write := func() error {
		runtime.GC() // the profile shows the heap as of the last collection
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > written+written/10 && werr == nil {
				werr = write()
				metrics.Read(sample)
				written = max(v, sample[0].Value.Uint64())
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() error {
		close(done)
		<-finished
		return werr
	}
}
