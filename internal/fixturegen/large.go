package fixturegen

import (
	"fmt"
	"time"
)

// Large builds a big healthy host for benchmarks: cpus CPUs on two sockets
// with hyperthreads (when cpus divides by 4), nics NICs (ixgbe and
// mlx5_core, alternating nodes) with queuesPerNIC queues each laid one per
// local CPU, NVMe controllers bringing the IRQ count to about 3 per CPU,
// and procs user processes. Large(512, 8, 64, 2000) has about 1,500 IRQs
// and writes a collect bundle of two samples. Nothing in it should fire.
func Large(cpus, nics, queuesPerNIC, procs int) Scenario {
	if cpus < 1 {
		cpus = 1
	}
	spec := CPUSpec{Model: "Intel(R) Xeon(R) Platinum 8480+", MHz: 2000, Sockets: 1, CoresPerSocket: cpus, ThreadsPerCore: 1}
	if cpus >= 4 && cpus%4 == 0 {
		spec.Sockets, spec.CoresPerSocket, spec.ThreadsPerCore = 2, cpus/4, 2
	}
	t0 := time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC)
	sc := Scenario{
		Name:          "large",
		Description:   fmt.Sprintf("benchmark host: %d CPUs, %d NICs x %d queues, %d processes", cpus, nics, queuesPerNIC, procs),
		Hostname:      fmt.Sprintf("big%d", cpus),
		Distro:        "rhel9",
		Kernel:        "5.14.0-427.13.1.el9_4.x86_64",
		KernelVersion: "#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024",
		Times:         []time.Time{t0, t0.Add(5 * time.Second)},
		CPU:           spec,
		Irqbalance:    Irqbalance{Installed: true, Running: true},
	}
	sc.NICs = append(sc.NICs, NIC{Name: "lo", Driver: "loopback", Kind: KindLoopback, NUMANode: -1})
	nodes := spec.Sockets
	perNode := map[int]int{}
	nodeCPUs := func(node int) []int {
		var out []int
		m := &model{sc: &sc}
		m.buildTopology()
		for _, c := range m.cpus {
			if c.node == node {
				out = append(out, c.id)
			}
		}
		return out
	}
	local := map[int][]int{}
	for n := 0; n < nodes; n++ {
		local[n] = nodeCPUs(n)
	}
	irq := 100
	for i := 0; i < nics; i++ {
		node := i % nodes
		drv, name := "ixgbe", fmt.Sprintf("ens%df0", i+1)
		if i%2 == 1 {
			drv = "mlx5_core"
		}
		nic := NIC{Name: name, Driver: drv, PCI: fmt.Sprintf("0000:%02x:00.0", 0x17+i*0x10), NUMANode: node,
			Speed: 25000, IRQBase: irq, MaxCombined: 63, IfIndex: i + 2}
		for q := 0; q < queuesPerNIC; q++ {
			cpus := local[node]
			cpu := cpus[(perNode[node]+q)%len(cpus)]
			nic.Queues = append(nic.Queues, Queue{CPU: cpu, Rate: 2000 * jitter(fmt.Sprint(name, q), 0.2)})
		}
		perNode[node] += queuesPerNIC
		irq += queuesPerNIC + 8
		sc.NICs = append(sc.NICs, nic)
	}
	nq := min(cpus, 128)
	if rest := 3*cpus - nics*(queuesPerNIC+1) - 20; rest > 0 {
		sc.NVMe = rest / (nq + 1)
	}
	comms := []string{"java", "postgres", "nginx", "python3", "node", "sshd", "bash", "envoy"}
	pid := 10000
	for p := 0; p < procs; p++ {
		comm := comms[p%len(comms)]
		pr := Proc{PID: pid, PPID: 1, Comm: comm, Args: []string{"/usr/bin/" + comm, fmt.Sprintf("--instance=%d", p)},
			User: "app", UID: 1001, VSZKB: 812344, RSSKB: 92112}
		th := Thread{CPU: (p * 7) % cpus, Busy: 0.002}
		pr.Threads = []Thread{th}
		pid++
		if p%10 == 0 {
			for k := 1; k < 4; k++ {
				pr.Threads = append(pr.Threads, Thread{TID: pid, CPU: (p*7 + k) % cpus, Busy: 0.001})
				pid++
			}
		}
		pid += 3
		sc.Procs = append(sc.Procs, pr)
	}
	return sc
}
