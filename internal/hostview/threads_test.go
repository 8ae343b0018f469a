package hostview

import (
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// TestThreadPairingLinear counts the earlier-sample lookups that pair the
// threads of two samples: one per thread, however many threads a process
// has (a scan of the earlier thread list per thread would be quadratic).
func TestThreadPairingLinear(t *testing.T) {
	for _, n := range []int{1, 10, 1000, 4000} {
		mk := func(ticks uint64, cpu int) *host.Snapshot {
			p := host.Proc{PID: 100, PPID: 1, Comm: "worker"}
			for i := range n {
				p.Threads = append(p.Threads, host.Thread{
					TID: 100 + i, Comm: "w", CPU: (i + cpu) % 4, UTime: ticks, CPUKnown: true,
				})
			}
			return &host.Snapshot{Procs: []host.Proc{p}}
		}
		a, b := mk(0, 0), mk(50, 1)
		a.Time = time.Unix(1000, 0)
		b.Time = a.Time.Add(time.Second)
		p, err := host.NewPair(a, b)
		if err != nil {
			t.Fatal(err)
		}
		v := New(p)
		if len(v.Threads) != n {
			t.Fatalf("%d threads: view has %d", n, len(v.Threads))
		}
		if v.threadLookups != n {
			t.Errorf("%d threads: %d lookups, want %d (one per thread)", n, v.threadLookups, n)
		}
		for i, tu := range v.Threads {
			if want := i % 4; tu.PrevCPU != want {
				t.Fatalf("%d threads: thread %d PrevCPU %d, want %d", n, tu.TID, tu.PrevCPU, want)
			}
			if !tu.UsageKnown || tu.Usage < 0.49 || tu.Usage > 0.51 {
				t.Fatalf("%d threads: thread %d usage %v (known %v), want 0.5", n, tu.TID, tu.Usage, tu.UsageKnown)
			}
		}
	}
}
