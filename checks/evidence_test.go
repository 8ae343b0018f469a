package checks

import (
	"github.com/netdoctor/netdoctor/internal/hostview"
	"slices"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// twoSocketHT is the classic example host: 2 × 8 cores with HT, node 0 =
// CPUs 0-7,16-23, node 1 = 8-15,24-31, siblings N and N+16.
func twoSocketHT() *host.Snapshot {
	s := newHost(32)
	var n0, n1 []int
	for c := 0; c < 8; c++ {
		n0 = append(n0, c, c+16)
		n1 = append(n1, c+8, c+24)
	}
	slices.Sort(n0)
	slices.Sort(n1)
	withNodes(s, n0, n1)
	var cores [][]int
	for c := 0; c < 16; c++ {
		cores = append(cores, []int{c, c + 16})
	}
	withCores(s, cores...)
	// core_id repeats across sockets, as on real hosts.
	for i := range s.Topology.CPUs {
		s.Topology.CPUs[i].Core = s.Topology.CPUs[i].ID % 16 % 8
	}
	return s
}

func TestWindow(t *testing.T) {
	s := newHost(2)
	tests := []struct {
		name    string
		pair    *host.Pair
		kind    hostview.WindowKind
		label   string
		seconds float64
	}{
		{"two samples", later(t, s, nil), hostview.WindowInterval, "5.0 s interval", 5},
		{"one sample with btime", host.Single(s), hostview.WindowSinceBoot, "since boot (3d 4h)", (76 * time.Hour).Seconds()},
		{"one sample without btime", host.Single(func() *host.Snapshot { c := clone(t, s); c.BootTime = time.Time{}; return c }()), hostview.WindowNone, "single sample, boot time unknown", 0},
		{"nil pair", nil, hostview.WindowNone, "single sample, boot time unknown", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := NewEvidence(tc.pair)
			if ev.Window != tc.kind || ev.WindowLabel != tc.label || ev.Seconds != tc.seconds {
				t.Errorf("window %s %q %v, want %s %q %v", ev.Window, ev.WindowLabel, ev.Seconds, tc.kind, tc.label, tc.seconds)
			}
		})
	}
}

func TestCoresKeyedAcrossSockets(t *testing.T) {
	ev := NewEvidence(host.Single(twoSocketHT()))
	if len(ev.Cores) != 16 || !ev.SMT {
		t.Fatalf("%d cores, SMT %v; want 16 cores with SMT", len(ev.Cores), ev.SMT)
	}
	if got := ev.CoreOf(24).CPUs; !slices.Equal(got, []int{8, 24}) {
		t.Errorf("core of CPU 24 = %v, want [8 24] (core_id 0 repeats on socket 1)", got)
	}
	// Without sibling lists, (package, die, core_id) still keeps sockets apart.
	s := twoSocketHT()
	for i := range s.Topology.CPUs {
		s.Topology.CPUs[i].Siblings = nil
	}
	ev = NewEvidence(host.Single(s))
	if got := ev.CoreOf(24).CPUs; !slices.Equal(got, []int{8, 24}) || len(ev.Cores) != 16 {
		t.Errorf("by core_id: core of CPU 24 = %v, %d cores", got, len(ev.Cores))
	}
	// Nothing known: one core per CPU, not known.
	for i := range s.Topology.CPUs {
		s.Topology.CPUs[i].Package, s.Topology.CPUs[i].Core = -1, -1
	}
	ev = NewEvidence(host.Single(s))
	if len(ev.Cores) != 32 || ev.Cores[0].Known || ev.SMT {
		t.Errorf("unknown topology: %d cores, known %v, SMT %v", len(ev.Cores), ev.Cores[0].Known, ev.SMT)
	}
}

func TestChooseIRQCPUs(t *testing.T) {
	tests := []struct {
		name   string
		host   func() *host.Snapshot
		node   int
		queues int
		busy   []int // CPUs with a busy application thread (one sample: state R)
		want   []int
		rr     bool
	}{
		// eth2 on node 1, 8 queues → CPUs 8-15.
		{"node 1, as many cores as queues", twoSocketHT, 1, 8, nil, []int{8, 9, 10, 11, 12, 13, 14, 15}, false},
		{"node 0, cores outnumber queues: core 0 skipped", twoSocketHT, 0, 4, nil, []int{1, 2, 3, 4}, false},
		{"queues outnumber cores: round robin", twoSocketHT, 1, 10, nil, []int{8, 9, 10, 11, 12, 13, 14, 15, 8, 9}, true},
		{"busy application CPUs last", twoSocketHT, 0, 4, []int{1, 2}, []int{3, 4, 5, 6}, false},
		{"numa_node -1 uses every CPU", twoSocketHT, -1, 2, nil, []int{1, 2}, false},
		{"isolated CPUs are never chosen", func() *host.Snapshot {
			s := twoSocketHT()
			s.Topology.Isolated = []int{1, 2, 17, 18}
			return s
		}, 0, 2, nil, []int{3, 4}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.host()
			addNIC(s, "eth2", "ixgbe", tc.node, 140, tc.queues, nil)
			for i, c := range tc.busy {
				s.Procs = append(s.Procs, host.Proc{PID: 1000 + i, PPID: 1, Comm: "app",
					Threads: []host.Thread{{TID: 1000 + i, Comm: "app", State: "R", CPU: c}}})
			}
			ev := NewEvidence(host.Single(s))
			plan := ev.ChooseIRQCPUs(ev.NIC("eth2"), tc.queues, nil)
			if !slices.Equal(plan.CPUs, tc.want) || plan.RoundRobin != tc.rr {
				t.Errorf("plan %v rr=%v, want %v rr=%v", plan.CPUs, plan.RoundRobin, tc.want, tc.rr)
			}
		})
	}
}

func TestActiveQueues(t *testing.T) {
	s := newHost(4)
	addNIC(s, "eth0", "igb", -1, 100, 3, []int{0, 1, 2})
	tests := []struct {
		name string
		pair func() *host.Pair
		want []int
	}{
		{"two samples: > 80/s", func() *host.Pair {
			return later(t, s, func(a *host.Snapshot) {
				irqRate(a, 100, 0, 81)
				irqRate(a, 101, 1, 80) // not above
				irqRate(a, 102, 2, 5000)
			})
		}, []int{100, 102}},
		{"one sample: since-boot average > 80/s", func() *host.Pair {
			c := clone(t, s)
			up := c.Uptime().Seconds()
			irqCount(c, 100, 0, uint64(100*up))
			irqCount(c, 101, 1, uint64(50*up))
			return host.Single(c)
		}, []int{100}},
		{"no boot time: ≥ 1 % of the busiest queue", func() *host.Pair {
			c := clone(t, s)
			c.BootTime = time.Time{}
			irqCount(c, 100, 0, 1_000_000)
			irqCount(c, 101, 1, 10_000)
			irqCount(c, 102, 2, 9_999)
			return host.Single(c)
		}, []int{100, 101}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := NewEvidence(tc.pair())
			if got := irqNums(ev.NIC("eth0").ActiveIRQs); !slices.Equal(got, tc.want) {
				t.Errorf("active %v, want %v", got, tc.want)
			}
		})
	}
}

func TestServicingCPU(t *testing.T) {
	s := newHost(4)
	addNIC(s, "eth0", "igb", -1, 100, 4, nil)
	s.IRQ(100).Effective = []int{2}
	s.IRQ(101).Effective, s.IRQ(101).Affinity = nil, []int{3}
	s.IRQ(102).Effective = []int{0, 1} // multi-CPU: unknown from configuration
	ev := NewEvidence(host.Single(s))
	for _, tc := range []struct{ irq, cpu int }{{100, 2}, {101, 3}, {102, -1}, {103, -1}} {
		if got := ev.IRQ(tc.irq).Servicing; got != tc.cpu {
			t.Errorf("one sample: IRQ %d serviced by %d, want %d", tc.irq, got, tc.cpu)
		}
	}
	// Two samples: the dominant CPU wins over the configuration.
	ev = NewEvidence(later(t, s, func(a *host.Snapshot) {
		irqCount(a, 100, 1, 900)
		irqCount(a, 100, 2, 100)
		irqCount(a, 101, 1, 700)
		irqCount(a, 101, 3, 300)
	}))
	if il := ev.IRQ(100); il.Servicing != 1 || il.ServicingFrom != hostview.FromInterval {
		t.Errorf("IRQ 100: %d from %q, want 1 from the interval", il.Servicing, il.ServicingFrom)
	}
	if il := ev.IRQ(101); il.Servicing != -1 {
		t.Errorf("IRQ 101 (70 %%) is spread, got servicing CPU %d", il.Servicing)
	}
	if il := ev.IRQ(102); il.Servicing != -1 || il.Active {
		t.Errorf("idle IRQ 102 falls back to its configuration (multi-CPU): %d active=%v", il.Servicing, il.Active)
	}
}

func TestPerCPULoad(t *testing.T) {
	s := newHost(4)
	addNIC(s, "eth0", "igb", -1, 100, 2, []int{1, 1})
	s.Interrupts.IRQs = append(s.Interrupts.IRQs, host.IRQ{Num: 200, Chip: "IR-PCI-MSI", Actions: []string{"nvme0q1"}, Counts: []uint64{0, 4294967000, 0, 0}})
	p := later(t, s, func(a *host.Snapshot) {
		irqRate(a, 200, 1, 1000) // wraps 2^32 within the interval
		irqRate(a, 100, 1, 30000)
		irqRate(a, 101, 1, 20000)
		a.Softirqs.Counts["NET_RX"][1] += 5 * 45000
		a.CPUTimes[1].SoftIRQ += 100
		a.CPUTimes[1].Idle += 400
		a.Softnet[1].Dropped += 50
		a.Softnet[1].Processed = 10 // wraps from 0: fine, a delta of 10
	})
	ev := NewEvidence(p)
	row := ev.CPU(1)
	if row.NICIRQRate != 50000 || row.IRQRate != 51000 || row.NetRXRate != 45000 || row.IRQTime != 0.2 || row.DropRate != 10 || row.ActiveQueues != 2 {
		t.Errorf("CPU 1 load %+v", *row)
	}
	if r := ev.CPU(0); r.NICIRQRate != 0 || r.ActiveQueues != 0 {
		t.Errorf("CPU 0 load %+v", *r)
	}
}

func TestSoftnetRowsWithoutCPU(t *testing.T) {
	s := newHost(2)
	for i := range s.Softnet {
		s.Softnet[i].CPU, s.Softnet[i].CPUFromIndex = -1, false
	}
	ev := NewEvidence(later(t, s, func(a *host.Snapshot) {
		a.Softnet[1].Dropped += 7
	}))
	if len(ev.SoftnetRows) != 2 || ev.SoftnetRows[1].Counts.Dropped != 7 || ev.SoftnetRows[1].CPU != -1 {
		t.Errorf("rows %+v", ev.SoftnetRows)
	}
}
