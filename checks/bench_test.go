package checks

import (
	"fmt"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Speed targets (README): the whole report of a 512-CPU host under 500 ms
// and 150 MB including loading; a 64-CPU host under 50 ms. These
// benchmarks measure the engine's share: building the evidence and running
// every check over two samples already in memory.

// bigHost builds a two-socket SMT host of ncpu CPUs (siblings N and
// N+ncpu/2, node = socket), nics physical NICs of queues combined queues
// each (half of them concentrated on CPU 0, the rest one per core),
// extra non-NIC IRQs, and threads application threads.
func bigHost(ncpu, nics, queues, extraIRQs, threads int) *host.Snapshot {
	s := newHost(ncpu)
	half := ncpu / 2
	var n0, n1 []int
	for c := 0; c < ncpu; c++ {
		if c%half < half/2 {
			n0 = append(n0, c)
		} else {
			n1 = append(n1, c)
		}
	}
	withNodes(s, n0, n1)
	var cores [][]int
	for c := 0; c < half; c++ {
		cores = append(cores, []int{c, c + half})
	}
	withCores(s, cores...)
	irq := 100
	for n := 0; n < nics; n++ {
		aff := make([]int, queues)
		for q := range aff {
			if n%2 == 0 {
				aff[q] = 0
			} else {
				aff[q] = (q * 2) % half
			}
		}
		nic := addNIC(s, fmt.Sprintf("ens%df0", n+1), "mlx5_core", n%2, irq, queues, aff)
		nic.Ring = &host.Ring{RX: 1024, RXMax: 8192, TX: 1024, TXMax: 8192}
		nic.EthtoolStats = map[string]uint64{"rx_packets": 0, "rx_out_of_buffer": 0, "rx_discards_phy": 0}
		for q := 0; q < queues; q++ {
			nic.EthtoolStats[fmt.Sprintf("rx_queue_%d_drops", q)] = 0
		}
		irq += queues + 1
	}
	for i := 0; i < extraIRQs; i++ {
		s.Interrupts.IRQs = append(s.Interrupts.IRQs, host.IRQ{Num: irq + i, Chip: "IR-PCI-MSI",
			Actions: []string{fmt.Sprintf("nvme0q%d", i)}, Counts: make([]uint64, ncpu), Node: -1})
	}
	for i := 0; i < threads; i++ {
		pid := 3000 + i/8
		if i%8 == 0 {
			s.Procs = append(s.Procs, host.Proc{PID: pid, PPID: 1, Comm: fmt.Sprintf("app%d", pid)})
		}
		p := &s.Procs[len(s.Procs)-1]
		p.Threads = append(p.Threads, host.Thread{TID: pid*10 + i%8, Comm: p.Comm, State: "S", CPU: i % ncpu, CPUKnown: true})
	}
	s.ThreadsKnown = true
	s.Sysctls["net.core.netdev_max_backlog"] = "1000"
	return s
}

// bigPair is bigHost's two samples with load on every queue and thread.
func bigPair(b testing.TB, ncpu, nics, queues, extraIRQs, threads int) (*host.Snapshot, *host.Snapshot) {
	s := bigHost(ncpu, nics, queues, extraIRQs, threads)
	p := later(b, s, func(a *host.Snapshot) {
		for i := range a.Interrupts.IRQs {
			q := &a.Interrupts.IRQs[i]
			for j := range q.Counts {
				q.Counts[j] += uint64(j % 7)
			}
		}
		for _, n := range a.NICs {
			for _, q := range n.Queues {
				if e := s.IRQ(q.IRQ).Effective; len(e) == 1 {
					irqRate(a, q.IRQ, e[0], 2000)
				}
			}
		}
		for i := range a.Softnet {
			a.Softnet[i].Processed += 100000
			a.Softnet[i].Dropped += uint32(i % 3)
		}
		for i := range a.Procs {
			for j := range a.Procs[i].Threads {
				a.Procs[i].Threads[j].UTime += uint64(j * 20)
			}
		}
	})
	return p.Before, p.After
}

// runEngine builds a fresh Pair (it caches its indexes), the evidence, and
// runs every check.
func runEngine(b testing.TB, before, after *host.Snapshot) []Outcome {
	p, err := host.NewPair(before, after)
	if err != nil {
		b.Fatal(err)
	}
	out := Run(NewEvidence(p), Registry())
	if len(out) != len(Registry()) {
		b.Fatalf("%d outcomes for %d checks", len(out), len(Registry()))
	}
	return out
}

// BenchmarkEvidenceAndChecksSynthetic512: a hand-built 512-CPU host whose
// NICs half fire (concentrated on CPU 0), so the finding paths run too:
// 8 NICs × 64 queues, 2000 other IRQs, 2000 threads.
func BenchmarkEvidenceAndChecksSynthetic512(b *testing.B) {
	before, after := bigPair(b, 512, 8, 64, 2000, 2000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		runEngine(b, before, after)
	}
}

// The large host's verdicts are plausible: concentrated NICs are found.
func TestBigHostFindings(t *testing.T) {
	before, after := bigPair(t, 64, 2, 16, 10, 100)
	p, err := host.NewPair(before, after)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range Run(NewEvidence(p), Registry()) {
		if o.Verdict == Error {
			t.Errorf("%s: %s", o.Check.ID, o.Reason)
		}
		if o.Check == IRQConcentration && (o.Verdict != Fail || o.Findings[0].Subject != "ens1f0") {
			t.Errorf("irq-concentration: %s %s", o.Verdict, keys(o.Findings))
		}
	}
}
