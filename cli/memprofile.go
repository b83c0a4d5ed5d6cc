package cli

import (
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// watchHeap samples the live heap every 20 ms until stop is called. Each
// time the heap grows 5% beyond the peak of the last profile written, it
// writes a heap profile (as of the last garbage collection) to path, so
// the file left at the end shows what held the heap at its peak. stop
// returns the first error met writing the file.
func watchHeap(path string) (stop func() error) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done, finished := make(chan struct{}), make(chan struct{})
	var written uint64
	var werr error
	write := func() error {
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
			if v := sample[0].Value.Uint64(); v > written+written/20 && werr == nil {
				written = v
				werr = write()
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
