// Package benchutil holds the measuring helpers of netdoctor's benchmarks
// (the speed targets of the issues): CPU time, which a busy machine
// disturbs far less than wall time, and the peak heap in use during a run.
// Only tests import it.
package benchutil

import (
	"runtime"
	"testing"
	"time"
)

// WatchHeap samples the heap in use every millisecond from now on; the
// returned function stops sampling and gives the peak above the starting
// heap, in MiB. Benchmarks call FreshHeap at the start of each iteration,
// so that the peak is one run's.
func WatchHeap() func() float64 {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}()
	return func() float64 {
		close(stop)
		<-done
		if peak < base.HeapInuse {
			return 0
		}
		return float64(peak-base.HeapInuse) / (1 << 20)
	}
}

// FreshHeap collects garbage with b's timer stopped, so that an iteration
// starts from the heap a new netdoctor process starts with: the peak
// WatchHeap reports is then one run's, not one run's plus the garbage the
// run before left for the collector.
func FreshHeap(b *testing.B) {
	b.StopTimer()
	runtime.GC()
	b.StartTimer()
}

// CountingWriter counts and discards what is written to it: the output of
// a benchmarked writer or command, whose size is worth reporting.
type CountingWriter int64

func (c *CountingWriter) Write(p []byte) (int, error) {
	*c += CountingWriter(len(p))
	return len(p), nil
}
