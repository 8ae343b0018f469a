package host

import (
	"fmt"
	"testing"
	"time"
)

// bigHost is a 512-CPU host with about 1,500 IRQs: 8 physical NICs with 64
// combined queues each plus a misc vector, 4 mlx5 functions with 63 comp
// vectors each, 300 veths, and filler IRQs (NVMe and others), like the large
// hosts of the benchmark target.
func bigHost(shift uint64) *Snapshot {
	const ncpu = 512
	s := &Snapshot{Hostname: "big", BootTime: t0.Add(-time.Hour), Time: t0.Add(time.Duration(shift) * time.Second)}
	cpus := make([]int, ncpu)
	for i := range cpus {
		cpus[i] = i
		s.Topology.CPUs = append(s.Topology.CPUs, CPU{ID: i, Online: true, Package: i / 256, Core: i % 128, Node: i / 128,
			Siblings: []int{i % 256, i%256 + 256}})
	}
	s.Interrupts.CPUs = cpus
	s.Softirqs.CPUs = cpus
	s.Softirqs.Counts = map[string][]uint64{"NET_RX": make([]uint64, ncpu)}
	num := 24
	addIRQ := func(name string) {
		counts := make([]uint64, ncpu)
		for i := range counts {
			counts[i] = uint64(num*i) + shift*uint64(i%7)
		}
		s.Interrupts.IRQs = append(s.Interrupts.IRQs, IRQ{Num: num, Chip: "IR-PCI-MSI", Counts: counts, Actions: []string{name}, Node: -1})
		num++
	}
	for n := 0; n < 8; n++ {
		dev := fmt.Sprintf("ens%df0", n)
		s.NICs = append(s.NICs, NIC{Name: dev, Kind: "physical", PCI: fmt.Sprintf("0000:%02x:00.0", n+1), NUMANode: n / 2,
			Stats: map[string]uint64{"rx_missed_errors": shift, "rx_fifo_errors": 2 * shift}})
		addIRQ(dev)
		for q := 0; q < 64; q++ {
			addIRQ(fmt.Sprintf("%s-TxRx-%d", dev, q))
		}
	}
	for n := 0; n < 4; n++ {
		pci := fmt.Sprintf("0000:%02x:00.0", 0x40+n)
		s.NICs = append(s.NICs, NIC{Name: fmt.Sprintf("enp%ds0", 0x40+n), Kind: "physical", PCI: pci})
		addIRQ("mlx5_async_eq@pci:" + pci)
		for q := 0; q < 63; q++ {
			addIRQ(fmt.Sprintf("mlx5_comp%d@pci:%s", q, pci))
		}
	}
	for i := 0; i < 300; i++ {
		s.NICs = append(s.NICs, NIC{Name: fmt.Sprintf("veth%08x", i), Kind: "veth"})
	}
	for len(s.Interrupts.IRQs) < 1500 {
		addIRQ(fmt.Sprintf("nvme%dq%d", num%8, num))
	}
	for i := 0; i < ncpu; i++ {
		s.Softnet = append(s.Softnet, SoftnetRow{CPU: i, CPUFromIndex: true, Processed: uint32(i) + uint32(shift), Columns: 13})
		s.CPUTimes = append(s.CPUTimes, CPUTime{CPU: i, User: uint64(i) + shift, Idle: 1000 + shift})
	}
	return s
}

func BenchmarkMapQueues512CPU(b *testing.B) {
	s := bigHost(0)
	b.ReportAllocs()
	for b.Loop() {
		MapQueues(s)
	}
	if got := len(s.NICs[0].Queues); got != 64 {
		b.Fatalf("ens0f0 has %d queues", got)
	}
	if got := len(s.NICs[8].Queues); got != 63 {
		b.Fatalf("mlx5 function has %d queues", got)
	}
}

// BenchmarkIRQDeltaAll is what a check pays for the delta of every IRQ of a
// 512-CPU, 1,500-IRQ host, including the index built on first use.
func BenchmarkIRQDeltaAll(b *testing.B) {
	a, c := bigHost(0), bigHost(5)
	b.ReportAllocs()
	for b.Loop() {
		p, err := NewPair(a, c)
		if err != nil {
			b.Fatal(err)
		}
		for i := range c.Interrupts.IRQs {
			if _, ok := p.IRQDelta(c.Interrupts.IRQs[i].Num); !ok {
				b.Fatal("IRQDelta not ok")
			}
		}
	}
}

func BenchmarkSnapshotLookups(b *testing.B) {
	s := bigHost(0)
	b.ReportAllocs()
	for b.Loop() {
		for i := range 512 {
			if s.CPU(i) == nil || s.IRQ(24+i) == nil {
				b.Fatal("lookup failed")
			}
		}
	}
}

func TestBigHostMapping(t *testing.T) {
	s := bigHost(0)
	MapQueues(s)
	for _, n := range s.NICs {
		switch {
		case n.Kind == "veth":
			if len(n.Queues) != 0 || n.QueueMap != "" {
				t.Errorf("%s: %d queues", n.Name, len(n.Queues))
			}
		case n.Name[:3] == "ens":
			if len(n.Queues) != 64 || len(n.MiscIRQs) != 1 || n.Queues[63].Index != 63 {
				t.Errorf("%s: %d queues, %d misc", n.Name, len(n.Queues), len(n.MiscIRQs))
			}
		default:
			if len(n.Queues) != 63 || len(n.MiscIRQs) != 1 {
				t.Errorf("%s: %d queues, %d misc", n.Name, len(n.Queues), len(n.MiscIRQs))
			}
		}
	}
}
