package fixturegen

import (
	"fmt"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Check IDs and verdicts as expect.json names them.
const (
	chkConcentration = "irq-concentration"
	chkNUMARemote    = "nic-numa-remote"
	chkSoftnet       = "softnet-backlog-drops"
	chkFifo          = "nic-rx-fifo-missed"
	chkHTSiblings    = "irq-ht-siblings"
	chkTwRecycle     = "tcp-tw-recycle-nat"
	chkAppOnIRQ      = "app-on-irq-cpus"

	vFail   = "fail"
	vPass   = "pass"
	vNotEv  = "not-evaluated"
	vNotApp = "not-applicable"

	sevCritical = "critical"
	sevWarning  = "warning"
	sevNotice   = "notice"

	// softnetSubject and twSubject are the subjects of the two checks whose
	// findings are not about a NIC.
	softnetSubject = "softnet"
	twSubject      = "net.ipv4.tcp_tw_recycle"
)

// Kernels and distributions the fixtures use.
type distro struct{ name, kernel, version string }

var (
	rhel7      = distro{"rhel7", "3.10.0-1160.108.1.el7.x86_64", "#1 SMP Thu Jan 25 16:17:31 UTC 2024"}
	rhel7old   = distro{"rhel7", "3.10.0-693.el7.x86_64", "#1 SMP Tue Aug 22 21:09:27 UTC 2017"}
	rhel84     = distro{"rhel8", "4.18.0-305.25.1.el8_4.x86_64", "#1 SMP Mon Oct 18 14:34:11 EDT 2021"}
	rhel89     = distro{"rhel8", "4.18.0-513.11.1.el8_9.x86_64", "#1 SMP Thu Dec 7 03:06:13 EST 2023"}
	rhel93     = distro{"rhel9", "5.14.0-362.24.1.el9_3.x86_64", "#1 SMP PREEMPT_DYNAMIC Wed Mar 13 17:33:16 EDT 2024"}
	rhel94     = distro{"rhel9", "5.14.0-427.13.1.el9_4.x86_64", "#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024"}
	rhel95     = distro{"rhel9", "5.14.0-503.11.1.el9_5.x86_64", "#1 SMP PREEMPT_DYNAMIC Mon Sep 30 11:54:45 EDT 2024"}
	ubuntu1804 = distro{"ubuntu1804", "4.15.0-213-generic", "#224-Ubuntu SMP Mon Jun 19 13:30:12 UTC 2023"}
	ubuntu2004 = distro{"ubuntu2004", "5.4.0-182-generic", "#202-Ubuntu SMP Fri Apr 26 12:29:36 UTC 2024"}
	ubuntu2204 = distro{"ubuntu2204", "5.15.0-107-generic", "#117-Ubuntu SMP Fri Apr 26 12:26:49 UTC 2024"}
	debian12   = distro{"debian12", "6.1.0-18-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)"}
	debian13   = distro{"debian13", "6.12.41+deb13-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.12.41-1 (2025-08-12)"}
)

// host fills a scenario's identity from a distribution.
func (d distro) host(sc Scenario) Scenario {
	sc.Distro, sc.Kernel, sc.KernelVersion = d.name, d.kernel, d.version
	return sc
}

// at is a fixed UTC time of 2024.
func at(month time.Month, day, h, m, s int) time.Time {
	return time.Date(2024, month, day, h, m, s, 0, time.UTC)
}

// pair is two sample times interval seconds apart.
func pair(t time.Time, interval int) []time.Time {
	return []time.Time{t, t.Add(time.Duration(interval) * time.Second)}
}

// lo is the loopback interface.
func lo() NIC {
	return NIC{Name: "lo", Driver: "loopback", Kind: KindLoopback, NUMANode: -1, Speed: -1}
}

// queuesOn lays one queue per CPU, each rate interrupts/s (jittered a little).
func queuesOn(name string, cpus []int, rate float64) []Queue {
	var q []Queue
	for i, c := range cpus {
		q = append(q, Queue{CPU: c, Rate: rate * jitter(fmt.Sprint(name, i), 0.06)})
	}
	return q
}

// repeat lists cpu n times.
func repeat(cpu, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = cpu
	}
	return out
}

// Verdicts are a fixture's expected verdicts by check ID; a check left out
// is not declared (any verdict passes, findings still must match).
type Verdicts = map[string]string

// threadsMissing is the input a sosreport without pidstat lacks.
var threadsMissing = []ExpectInput{{Name: "threads", Subject: "", Status: "missing"}}

// Fixtures returns the committed fixtures, in README order.
func Fixtures() []Scenario {
	return withConfigB(append([]Scenario{
		healthy2SocketHT(), irqCPU0(), irqCPU0SingleQueue(), irqSpreadLowPrio(), numaRemote(), numaUnknown(),
		softnetDrops(), softnetSqueezeOnly(), nicFifoMissed(), virtioVM(), htSiblings(), htQueuesExceedCores(),
		twRecycleNAT(), twRecycleOff(), redisOnIRQCPU(), offlineCPUs(), containerNoDevice(), singleSosreport(),
		twoSosreports(), sos412CPUCap(), sosVirtioMQCPU0(), sosPairAppOnIRQCPU(),
		sosNoNetworkingENA(),
		countersBackNoBtime(), driverReloadCPU0(), ethtoolCounterMax(), twoNICBans(),
		conntrackFull(), conntrackNearFull(), listenOverflow(), listenDropsOnly(), udpRcvbuf(), udpCsumOnly(),
		tcpBacklogDrop(), udpNoPorts(), sosListenFull(),
		squeezeRingOverflow(), ringOverflowNoSqueeze(), reasmFails(), fragFailsOnly(),
		tcpMemPressure(), tcpMemBelowPressure(), neighTableFull(), neighAboveThresh1(), podListenOverflow(), podUDP6Rcvbuf(),
		enaPPSAllowance(), enaAllowanceHistory(), gveNoBuffers(), bnxtDiscards(), i40ePortDiscards(), i40eNotLosses(), mlx5UnknownDiscards(), crcErrors(), crcErrorsHistory(),
		lroRouter(), bondLACPSplit(), rpFilterMultiHomed(), pcieX4Sosreport(),
		msixLegacy(), cpuPowersaveDrops(), cpuPstateEPPPerformance(),
	}, steeringFixtures()...))
}

func healthy2SocketHT() Scenario {
	sc := rhel93.host(Scenario{
		Name:        "healthy-2socket-ht",
		Description: "RHEL 9 web server, 2 sockets x 8 cores x 2 threads (siblings N and N+16, Skylake core_ids 0-4,8-10), two ixgbe NICs each on its own node with 8 queues laid one per physical core of the local node at ~5,000 IRQs/s, irqbalance running, nginx workers lightly busy. Collect bundle, 5 s.",
		NearMiss:    "Everything stays silent: one queue per core on the NIC's node, no drops, no FIFO errors, app threads only on lightly loaded CPUs, no tcp_tw_recycle on 5.14.",
		Hostname:    "web01",
		Times:       pair(at(time.March, 5, 10, 11, 12), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz", MHz: 2100, Sockets: 2, CoresPerSocket: 8, ThreadsPerCore: 2, CoreIDs: []int{0, 1, 2, 3, 4, 8, 9, 10}},
		Power:       &PowerSpec{Driver: "intel_pstate", Governor: "powersave", EPP: "balance_performance", CurMHz: 2100, MaxMHz: 3000},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", PCI: "0000:18:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 60, Queues: queuesOn("eth0", seq(0, 7), 5000)},
			{Name: "eth1", Driver: "ixgbe", PCI: "0000:86:00.0", NUMANode: 1, Speed: 10000, MaxCombined: 63, IRQBase: 90, Queues: queuesOn("eth1", seq(8, 15), 5000)},
		},
		Irqbalance: Irqbalance{Installed: true, Running: true},
		// firewalld's conntrack, far from full.
		Sysctl: map[string]string{
			"net.netfilter.nf_conntrack_max":     "262144",
			"net.netfilter.nf_conntrack_count":   "1834",
			"net.netfilter.nf_conntrack_buckets": "65536",
		},
		Procs: []Proc{
			{PID: 2210, PPID: 1, Comm: "nginx", Args: []string{"nginx: master process /usr/sbin/nginx"}, User: "root", VSZKB: 39444, RSSKB: 3012, Threads: []Thread{{CPU: 20}}},
			{PID: 2211, PPID: 2210, Comm: "nginx", Args: []string{"nginx: worker process"}, User: "nginx", UID: 991, VSZKB: 41232, RSSKB: 9120, Threads: []Thread{{CPU: 3, Busy: 0.2}}},
			{PID: 2212, PPID: 2210, Comm: "nginx", Args: []string{"nginx: worker process"}, User: "nginx", UID: 991, VSZKB: 41232, RSSKB: 9004, Threads: []Thread{{CPU: 11, Busy: 0.18}}},
			{PID: 2213, PPID: 2210, Comm: "nginx", Args: []string{"nginx: worker process"}, User: "nginx", UID: 991, VSZKB: 41232, RSSKB: 8876, Threads: []Thread{{CPU: 20, Busy: 0.21}}},
			{PID: 2214, PPID: 2210, Comm: "nginx", Args: []string{"nginx: worker process"}, User: "nginx", UID: 991, VSZKB: 41232, RSSKB: 9060, Threads: []Thread{{CPU: 27, Busy: 0.19}}},
		},
	})
	sc.Expect = Expect{Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vPass, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass}}
	return sc
}

func irqCPU0() Scenario {
	sc := ubuntu1804.host(Scenario{
		Name:        "irq-cpu0",
		Description: "Ubuntu 18.04 (4.15) host, 2 sockets x 4 cores x 2 threads, ixgbe eth0 on node 0 with 8 queues whose smp_affinity and effective affinity are all CPU 0: ~90,000 IRQs/s on CPU 0, softnet dropped (150/s) and time_squeeze growing on CPU 0, ksoftirqd/0 busy, irqbalance installed but not running. Java threads busy on CPUs 5 and 6 only.",
		NearMiss:    "nic-numa-remote passes (CPU 0 is on the NIC's node); irq-ht-siblings passes (all queues on one thread is concentration, not siblings); app-on-irq-cpus passes (no busy user thread on CPU 0; ksoftirqd/0 is a kernel thread); nic-rx-fifo-missed passes (NIC counters clean).",
		Hostname:    "db-cache-07",
		Times:       pair(at(time.March, 12, 14, 2, 40), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) CPU E5-2623 v4 @ 2.60GHz", MHz: 2600, Sockets: 2, CoresPerSocket: 4, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.1.0-k", PCI: "0000:03:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 48,
				Queues: queuesOn("eth0", repeat(0, 8), 11250)},
		},
		Softnet:    map[int]Softnet{0: {Dropped: Counter{Start: 52340, Rate: 150}, Squeeze: Counter{Start: 1204551, Rate: 400}}},
		Load:       map[int]Load{0: {SoftIRQ: 0.45}},
		Ksoftirqd:  map[int]float64{0: 0.35},
		Irqbalance: Irqbalance{Installed: true},
		Procs: []Proc{
			{PID: 2841, PPID: 1, Comm: "java", Args: []string{"/usr/bin/java", "-Xmx8g", "-jar", "/opt/cache/cache-server.jar"}, User: "cache", UID: 998, VSZKB: 12582912, RSSKB: 8388608,
				Threads: []Thread{{CPU: 5, Busy: 0.02}, {TID: 2860, Comm: "cache-io-1", CPU: 5, Busy: 0.3}, {TID: 2861, Comm: "cache-io-2", CPU: 6, Busy: 0.28}, {TID: 2862, Comm: "GC Thread#0", CPU: 13, Busy: 0.01}}},
		},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{
			{Check: chkConcentration, Subject: "eth0", CPUs: []int{0}, Severity: sevCritical},
			{Check: chkSoftnet, Subject: softnetSubject, CPUs: []int{0}, Severity: sevCritical},
		},
		Verdicts: Verdicts{chkConcentration: vFail, chkNUMARemote: vPass, chkSoftnet: vFail, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass},
	}
	return sc
}

func irqCPU0SingleQueue() Scenario {
	sc := rhel89.host(Scenario{
		Name:        "irq-cpu0-singlequeue",
		Description: "RHEL 8.9 host with 8 CPUs (4 cores x 2 adjacent threads) and two igb ports limited to one combined queue each (ethtool -L combined 1); both queue vectors sit on CPU 0 (20,000 and 5,000 IRQs/s), irqbalance not running.",
		NearMiss:    "irq-concentration does not fire: each NIC has a single queue, which always shows one CPU (irqbalance issue #93); CPU 0 stays below the IRQ-heavy marks (25,000 IRQs/s, under 10 % irq+softirq time), so app-on-irq-cpus passes.",
		Hostname:    "edge-fw-02",
		Times:       pair(at(time.April, 2, 8, 30, 0), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) E-2234 CPU @ 3.60GHz", MHz: 3600, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2, SiblingsAdjacent: true},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "igb", DriverVersion: "5.6.0-k", PCI: "0000:02:00.0", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 40, Queues: []Queue{{CPU: 0, Rate: 20000}}},
			{Name: "eth1", Driver: "igb", DriverVersion: "5.6.0-k", PCI: "0000:02:00.1", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 43, Queues: []Queue{{CPU: 0, Rate: 5000}}},
		},
		Irqbalance: Irqbalance{Installed: true},
	})
	sc.Expect = Expect{Verdicts: Verdicts{chkConcentration: vNotApp, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass}}
	return sc
}

func irqSpreadLowPrio() Scenario {
	var q []Queue
	for i := 0; i < 8; i++ {
		q = append(q, Queue{Spread: seq(0, 7), Rate: 8000 * jitter(fmt.Sprint("lp", i), 0.05)})
	}
	sc := rhel7.host(Scenario{
		Name:        "irq-spread-lowprio",
		Description: "CentOS 7 (3.10) on a 4-core/8-thread E3-1271 v3 (siblings N and N+4) in logical APIC mode: every ixgbe eth0 queue IRQ has smp_affinity ff and its interrupts spread evenly over all 8 CPUs (lowest-priority delivery), in history and in the window. No effective_affinity files (3.10), 10-column softnet, 3.10 interrupts layout.",
		NearMiss:    "irq-concentration stays silent: no CPU takes 80 % of any IRQ, so no IRQ has a dominant CPU (never call such IRQs \"on CPU0\"); irq-ht-siblings has no servicing CPU to judge; tcp_tw_recycle exists on 3.10 and is 0, so tcp-tw-recycle-nat passes.",
		Hostname:    "strange-cpu",
		Times:       pair(at(time.February, 20, 16, 45, 3), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) CPU E3-1271 v3 @ 3.60GHz", MHz: 3600, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "4.4.0-k-rh7.9", PCI: "0000:01:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 52, Queues: q},
		},
	})
	sc.Expect = Expect{Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vPass, chkAppOnIRQ: vPass}}
	return sc
}

func numaRemote() Scenario {
	sc := ubuntu2004.host(Scenario{
		Name:        "numa-remote",
		Description: "Ubuntu 20.04 (5.4) host, 2 sockets x 4 cores x 2 threads with interleaved numbering (node 0 = even CPUs, node 1 = odd; siblings N and N+8). i40e eth2 sits on node 1 but its 4 queues were pinned by hand to CPUs 0, 2, 4, 6 of node 0 (10,000 IRQs/s each); the driver's affinity_hint still points at node 1. irqbalance not running; a management igb port eno1 is idle.",
		NearMiss:    "Only nic-numa-remote fires. Interleaved numbering is a trap for code that infers nodes from CPU numbers. Each queue has its own core, so irq-concentration and irq-ht-siblings pass; eno1's single idle queue is not active.",
		Hostname:    "ingest-03",
		Times:       pair(at(time.May, 7, 9, 0, 0), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 5222 CPU @ 3.80GHz", MHz: 3800, Sockets: 2, CoresPerSocket: 4, ThreadsPerCore: 2, NodeInterleave: true},
		NICs: []NIC{lo(),
			{Name: "eno1", Driver: "igb", DriverVersion: "5.6.0-k", PCI: "0000:02:00.0", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 40, Queues: []Queue{{CPU: 10, Rate: 40}}},
			{Name: "eth2", Driver: "i40e", DriverVersion: "2.8.20-k", PCI: "0000:af:00.0", NUMANode: 1, Speed: 25000, MaxCombined: 40, IRQBase: 120, Queues: queuesOn("eth2", []int{0, 2, 4, 6}, 10000)},
		},
		Irqbalance: Irqbalance{Installed: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkNUMARemote, Subject: "eth2", CPUs: []int{0, 2, 4, 6}, Severity: sevWarning}},
		Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vFail, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass},
	}
	return sc
}

func numaUnknown() Scenario {
	sc := rhel84.host(Scenario{
		Name:        "numa-unknown",
		Description: "RHEL 8.4 (4.18, 11-column softnet) host, 2 sockets x 4 cores x 2 adjacent threads (node 0 = CPUs 0-7), ixgbe eth0 whose device/numa_node is -1 (the BIOS reports no locality); irqbalance placed its 8 queues one per core across both nodes (CPUs 0,2,...,14).",
		NearMiss:    "nic-numa-remote is not-applicable: numa_node -1 means unknown, never node 0, so queues on node 1 are not \"remote\". Nothing else fires.",
		Hostname:    "app-node-11",
		Times:       pair(at(time.June, 18, 22, 5, 30), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Silver 4208 CPU @ 2.10GHz", MHz: 2100, Sockets: 2, CoresPerSocket: 4, ThreadsPerCore: 2, SiblingsAdjacent: true},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.1.0-k-rh8.4.0", PCI: "0000:5e:00.0", NUMANode: -1, Speed: 10000, MaxCombined: 63, IRQBase: 70,
				Queues: queuesOn("eth0", []int{0, 2, 4, 6, 8, 10, 12, 14}, 6000)},
		},
		Irqbalance: Irqbalance{Installed: true, Running: true},
	})
	sc.Expect = Expect{Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass}}
	return sc
}

func softnetDrops() Scenario {
	veth := func(name string, idx, peer int, rx, drop float64) NIC {
		n := NIC{Name: name, Driver: "veth", Kind: KindVeth, NUMANode: -1, Speed: 10000, IfIndex: idx, IfLink: peer, Master: "docker0",
			Stats: map[string]Counter{"rx_packets": {Start: rx * 50000, Rate: rx}}}
		if drop > 0 {
			n.Stats["rx_dropped"] = Counter{Start: 48120, Rate: drop}
		}
		return n
	}
	sc := ubuntu2204.host(Scenario{
		Name:        "softnet-drops",
		Description: "Ubuntu 22.04 (5.15) Docker host, 4 cores x 2 adjacent threads: container traffic over veth devices goes through the per-CPU backlog, which overflows on CPUs 2 (25/s) and 5 (40/s) with time_squeeze growing there too; the veths' rx_dropped grows by the same 65/s. igb eno1 has 4 queues one per core, clean.",
		NearMiss:    "nic-rx-fifo-missed passes: rx_dropped on veths is kernel-side (backlog), not NIC FIFO loss. app-on-irq-cpus passes: the busy container threads run on CPUs 1, 3 and 7, not on the softirq-heavy CPUs 2 and 5.",
		Hostname:    "docker-host-5",
		Times:       pair(at(time.July, 9, 13, 37, 21), 5),
		CPU:         CPUSpec{Model: "AMD EPYC 7232P 8-Core Processor", MHz: 3100, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2, SiblingsAdjacent: true},
		NICs: []NIC{lo(),
			{Name: "eno1", Driver: "igb", DriverVersion: "5.15.0-107-generic", PCI: "0000:03:00.0", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 40, Queues: queuesOn("eno1", []int{0, 2, 4, 6}, 3000)},
			{Name: "docker0", Driver: "bridge", Kind: KindBridge, NUMANode: -1, Speed: -1},
			veth("veth3f9a1c2", 5, 4, 12000, 25),
			veth("veth7b21d04", 7, 6, 3000, 0),
			veth("vethc0e4a91", 9, 8, 16000, 40),
		},
		NetRX: map[int]float64{2: 30000, 5: 30000},
		Softnet: map[int]Softnet{
			2: {Dropped: Counter{Start: 20410, Rate: 25}, Squeeze: Counter{Start: 88120, Rate: 30}},
			5: {Dropped: Counter{Start: 27710, Rate: 40}, Squeeze: Counter{Start: 120554, Rate: 55}},
		},
		Load: map[int]Load{2: {SoftIRQ: 0.15}, 5: {SoftIRQ: 0.15}},
		Procs: []Proc{
			{PID: 1022, PPID: 1, Comm: "containerd", Args: []string{"/usr/bin/containerd"}, VSZKB: 1975600, RSSKB: 52100, Threads: []Thread{{CPU: 4, Busy: 0.01}}},
			{PID: 1190, PPID: 1, Comm: "dockerd", Args: []string{"/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"}, VSZKB: 2552220, RSSKB: 98500, Threads: []Thread{{CPU: 6, Busy: 0.02}}},
			{PID: 4410, PPID: 4388, Comm: "node", Args: []string{"node", "/app/server.js"}, User: "app", UID: 1000, VSZKB: 1243520, RSSKB: 210300,
				Threads: []Thread{{CPU: 1, Busy: 0.25}, {TID: 4421, Comm: "node", CPU: 3, Busy: 0.12}}},
			{PID: 4702, PPID: 4680, Comm: "envoy", Args: []string{"envoy", "-c", "/etc/envoy/envoy.yaml"}, User: "app", UID: 1000, VSZKB: 2210040, RSSKB: 61200, Threads: []Thread{{CPU: 7, Busy: 0.2}}},
		},
	})
	sc.Expect = Expect{
		Findings: append([]ExpectFinding{{Check: chkSoftnet, Subject: softnetSubject, CPUs: []int{2, 5}, Severity: sevCritical}}, xpsNotices("eno1")...),
		Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vFail, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass},
	}
	return sc
}

func softnetSqueezeOnly() Scenario {
	sn := map[int]Softnet{}
	for c := 0; c < 8; c++ {
		sn[c] = Softnet{Squeeze: Counter{Start: float64(310000 + c*7713), Rate: 40 + float64(c)*2.5}}
	}
	sc := rhel94.host(Scenario{
		Name:        "softnet-squeeze-only",
		Description: "RHEL 9.4 (5.14, 13-column softnet with the CPU index) host, 8 cores x 2 threads, ixgbe eth0 with 8 queues one per core at 20,000 IRQs/s: time_squeeze grows 40-58/s on every queue CPU, dropped does not grow anywhere.",
		NearMiss:    "softnet-backlog-drops passes: time_squeeze alone means NAPI ran out of budget, not that packets were dropped (netdata's maintainers); softirq-budget-squeeze gives only a notice, since the NIC lost nothing.",
		Hostname:    "lb-edge-01",
		Times:       pair(at(time.August, 1, 4, 12, 9), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 6244 CPU @ 3.60GHz", MHz: 3600, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.14.0-427.13.1.el9_4.x86_64", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 64, Queues: queuesOn("eth0", seq(0, 7), 20000)},
		},
		Softnet:    sn,
		Irqbalance: Irqbalance{Installed: true, Running: true},
		Procs: []Proc{
			{PID: 1877, PPID: 1, Comm: "haproxy", Args: []string{"/usr/sbin/haproxy", "-Ws", "-f", "/etc/haproxy/haproxy.cfg"}, User: "haproxy", UID: 188, VSZKB: 92340, RSSKB: 20100,
				Threads: []Thread{{CPU: 9, Busy: 0.15}, {TID: 1879, Comm: "haproxy", CPU: 12, Busy: 0.14}}},
		},
	})
	sc.Expect = Expect{Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass}}
	squeezeNotice(&sc)
	return sc
}

func nicFifoMissed() Scenario {
	eth := map[string]Counter{
		"rx_no_buffer_count": {Start: 4102311, Rate: 5200},
	}
	for q := 0; q < 4; q++ {
		eth[fmt.Sprintf("rx_queue_%d_drops", q)] = Counter{Start: float64(25000 + 311*q), Rate: 50}
	}
	sc := debian12.host(Scenario{
		Name:        "nic-fifo-missed",
		Description: "Debian 12 (6.1) host, 4 cores x 2 threads, igb eth1 receiving ~200,000 packets/s over 4 queues (one per core) with a 256-descriptor RX ring (maximum 4096): rx_missed_errors grows 3,000/s and rx_fifo_errors 3,200/s (igb's fifo = missed + per-queue drops), about 1.6 % of packets; rx_no_buffer_count grows too. eth0 is an idle management port.",
		NearMiss:    "Only nic-rx-fifo-missed fires (largest hardware counter, not the sum: igb's fifo contains missed). The queue CPUs stay under the IRQ-heavy marks, the queues are spread one per core, so no concentration or sibling finding.",
		Hostname:    "collector-2",
		Times:       pair(at(time.September, 3, 11, 0, 30), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz", MHz: 3400, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "igb", DriverVersion: "6.1.0-18-amd64", PCI: "0000:05:00.0", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 124, Queues: []Queue{{CPU: 5, Rate: 30}}},
			{Name: "eth1", Driver: "igb", DriverVersion: "6.1.0-18-amd64", PCI: "0000:05:00.1", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 127,
				Ring: host.Ring{RX: 256, RXMax: 4096, TX: 256, TXMax: 4096}, Queues: []Queue{{CPU: 0, Rate: 8000, PPS: 50000}, {CPU: 1, Rate: 8000, PPS: 50000}, {CPU: 2, Rate: 8000, PPS: 50000}, {CPU: 3, Rate: 8000, PPS: 50000}},
				Stats:   map[string]Counter{"rx_missed_errors": {Start: 1804332, Rate: 3000}, "rx_fifo_errors": {Start: 1905576, Rate: 3200}},
				Ethtool: eth},
		},
		Load:       map[int]Load{0: {SoftIRQ: 0.07}, 1: {SoftIRQ: 0.07}, 2: {SoftIRQ: 0.07}, 3: {SoftIRQ: 0.07}},
		Irqbalance: Irqbalance{Installed: true, Running: true},
		Procs: []Proc{
			{PID: 912, PPID: 1, Comm: "vector", Args: []string{"/usr/bin/vector", "--config", "/etc/vector/vector.toml"}, User: "vector", UID: 995, VSZKB: 1580200, RSSKB: 301200,
				Threads: []Thread{{CPU: 6, Busy: 0.3}, {TID: 931, Comm: "vector-worker", CPU: 7, Busy: 0.35}}},
		},
	})
	sc.Expect = Expect{
		Findings: append([]ExpectFinding{{Check: chkFifo, Subject: "eth1", Severity: sevCritical}}, xpsNotices("eth1")...),
		Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vFail, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass},
	}
	return sc
}

func virtioVM() Scenario {
	sc := debian13.host(Scenario{
		Name:        "virtio-vm",
		Description: "A 2-vCPU KVM guest like the one netdoctor is developed on: Debian 13 (6.12) with one single-queue virtio_net eth0 (virtio2 at 0000:00:03.0: PCI-MSIX-0000:00:03.0 rows, virtio2-input.0 effective on CPU 1 and virtio2-output.0 on CPU 0, device link ../../../virtio2, numa_node -1), 15-column softnet, sshd idle, no irqbalance.",
		NearMiss:    "Nothing fires: a single-queue NIC is not concentration, numa_node -1 is unknown locality, virtio has no FIFO counters and its per-queue drop counters stay at zero (nic-rx-fifo-missed passes on them), no SMT, kernel without tcp_tw_recycle, and a few interrupts per second do not make a CPU IRQ-heavy.",
		Hostname:    "vm",
		Virt:        "kvm",
		Times:       pair(at(time.November, 22, 3, 0, 15), 5),
		Uptime:      13 * time.Minute,
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", MHz: 2900, Sockets: 1, CoresPerSocket: 2, ThreadsPerCore: 1},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "virtio_net", DriverVersion: "1.0.0", Kind: KindVirtio, PCI: "0000:00:03.0", Virtio: 2, NUMANode: -1, Speed: -1, IRQBase: 37, IfIndex: 2,
				Queues: []Queue{{CPU: 1, Affinity: []int{0, 1}, Hint: []int{0, 1}, Rate: 1.4, PPS: 1.6}, {CPU: 0, Affinity: []int{0, 1}, Hint: []int{0, 1}, Rate: 1.3, PPS: 1.3}}},
		},
	})
	sc.Expect = Expect{Verdicts: Verdicts{chkConcentration: vNotApp, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vNotApp, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass}}
	return sc
}

func htSiblings() Scenario {
	sc := rhel89.host(Scenario{
		Name:        "ht-siblings",
		Description: "RHEL 8.9 host, 1 socket x 8 cores x 2 threads (siblings N and N+8), ixgbe eth0 with 4 active queues pinned by hand to CPUs 1, 9, 2 and 3: queues 0 and 1 share core 1 (threads 1 and 9) while cores 0 and 4-7 service nothing. 20,000 IRQs/s per queue, irqbalance not running.",
		NearMiss:    "Only irq-ht-siblings fires, at warning: no sibling shows squeeze or drops and NET_RX stays under 40,000/s. Each queue is on its own CPU, so no concentration.",
		Hostname:    "tick-feed-4",
		Times:       pair(at(time.October, 14, 7, 55, 2), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 6244 CPU @ 3.60GHz", MHz: 3600, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.1.0-k-rh8.9.0", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 80, Queues: queuesOn("eth0", []int{1, 9, 2, 3}, 20000)},
		},
		Irqbalance: Irqbalance{Installed: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkHTSiblings, Subject: "eth0", CPUs: []int{1, 9}, Severity: sevWarning}},
		Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vFail, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass},
	}
	return sc
}

func htQueuesExceedCores() Scenario {
	sc := rhel7.host(Scenario{
		Name:        "ht-queues-exceed-cores",
		Description: "CentOS 7 (3.10) on a 4-core/8-thread E3-1240 (siblings N and N+4) like corpus host 1xE31240: igb eth0 with 8 queues laddered one per logical CPU (rss-ladder style), 6,000 IRQs/s each, so both threads of every core service a queue. No effective_affinity files; 10-column softnet.",
		NearMiss:    "irq-ht-siblings does not fire: with 8 active queues on 4 local cores no core is free, so siblings are unavoidable (the advice would be ethtool -L, a further check). tcp_tw_recycle is present and 0.",
		Hostname:    "pbx-gw",
		Times:       pair(at(time.January, 30, 19, 20, 45), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) CPU E3-1240 V2 @ 3.40GHz", MHz: 3400, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "igb", DriverVersion: "5.6.0-k", PCI: "0000:01:00.0", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 35, Queues: queuesOn("eth0", seq(0, 7), 6000)},
		},
	})
	sc.Expect = Expect{Findings: xpsNotices("eth0"), Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vPass, chkAppOnIRQ: vPass}}
	return sc
}

func twRecycleNAT() Scenario {
	sc := rhel7.host(Scenario{
		Name:        "tw-recycle-nat",
		Description: "One sos 3.9 sosreport of a CentOS 7 (3.10) web server behind a NAT load balancer with net.ipv4.tcp_tw_recycle = 1 (set in /etc/sysctl.conf) and tcp_timestamps = 1; TcpExt PAWSPassive is 387,158 since boot. sos 3.x layout: proc/net -> self/net -> proc/3255/net, ps_auxwww without PSR, no lscpu -ae, no pidstat; 10-column softnet, 3.10 interrupts layout, no effective_affinity files.",
		NearMiss:    "A single sample: growth checks (softnet-backlog-drops, nic-rx-fifo-missed) are not-evaluated since their cumulative counters are zero; app-on-irq-cpus has no placement data. The queues are pinned one per core (smp_affinity_list), so the configuration checks pass.",
		Bundle:      BundleSosreport,
		Sos:         "3.9.1",
		Hostname:    "www3",
		Times:       []time.Time{at(time.March, 28, 15, 4, 11)},
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) CPU E3-1230 v6 @ 3.50GHz", MHz: 3500, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "igb", DriverVersion: "5.6.0-k", PCI: "0000:01:00.0", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 35, Queues: queuesOn("eth0", seq(0, 3), 3000)},
		},
		Sysctl:     map[string]string{"net.ipv4.tcp_tw_recycle": "1", "net.ipv4.tcp_tw_reuse": "1", "net.ipv4.tcp_timestamps": "1"},
		SysctlConf: "# System default settings live in /usr/lib/sysctl.d/00-system.conf.\n# To override those settings, enter new settings here, or in an /etc/sysctl.d/<name>.conf file\n#\n# For more information, see sysctl.conf(5) and sysctl.d(5).\nnet.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_fin_timeout = 15\n",
		NetStat:    map[string]Counter{"TcpExt.PAWSPassive": {Start: 387158, Rate: 4.1}, "TcpExt.TW": {Start: 91233120, Rate: 950}},
		Irqbalance: Irqbalance{Installed: true, Running: true, Banned: []int{7}},
		Procs: []Proc{
			{PID: 1530, PPID: 1, Comm: "nginx", Args: []string{"nginx: master process /usr/sbin/nginx"}, VSZKB: 125096, RSSKB: 2184, Threads: []Thread{{CPU: 5}}},
			{PID: 1531, PPID: 1530, Comm: "nginx", Args: []string{"nginx: worker process"}, User: "nginx", UID: 997, VSZKB: 126412, RSSKB: 5120, Threads: []Thread{{CPU: 4, Busy: 0.08}}},
			{PID: 1532, PPID: 1530, Comm: "nginx", Args: []string{"nginx: worker process"}, User: "nginx", UID: 997, VSZKB: 126412, RSSKB: 5060, Threads: []Thread{{CPU: 6, Busy: 0.07}}},
		},
	})
	sc.Expect = Expect{
		Findings:    []ExpectFinding{{Check: chkTwRecycle, Subject: twSubject, Severity: sevCritical}},
		Verdicts:    Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vNotEv, chkFifo: vNotEv, chkHTSiblings: vPass, chkTwRecycle: vFail, chkAppOnIRQ: vNotEv},
		InputsNotOK: threadsMissing,
	}
	return sc
}

func twRecycleOff() Scenario {
	sc := rhel7old.host(Scenario{
		Name:        "tw-recycle-off",
		Description: "One early sos 3.2 sosreport of a CentOS 7.4 (3.10.0-693) host where net.ipv4.tcp_tw_recycle exists and is 0 (timestamps on, PAWSPassive 0). Early 3.x paths: sos_commands/general/{date,hostname,uptime}, ps_axo_..._wchan_lstart_..., no device/numa_node (sos < 3.7), no manifest.",
		NearMiss:    "tcp-tw-recycle-nat passes: the option is present (kernel < 4.12) and off. Growth checks are not-evaluated (one sample, zero cumulative counters).",
		Bundle:      BundleSosreport,
		Sos:         "3.2",
		SosPID:      2871,
		Hostname:    "mail01",
		Times:       []time.Time{at(time.January, 9, 10, 20, 0)},
		Uptime:      71*time.Hour + 3*time.Minute,
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz", MHz: 2100, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2, SiblingsAdjacent: true},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "igb", DriverVersion: "5.4.0-k", PCI: "0000:02:00.0", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 36, Queues: queuesOn("eth0", []int{0, 2, 4, 6}, 2500)},
		},
		Irqbalance: Irqbalance{Installed: true, Running: true},
		Procs: []Proc{
			{PID: 1744, PPID: 1, Comm: "master", Args: []string{"/usr/libexec/postfix/master", "-w"}, VSZKB: 89872, RSSKB: 2220, Threads: []Thread{{CPU: 3}}},
		},
	})
	sc.Expect = Expect{
		Verdicts:    Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vNotEv, chkFifo: vNotEv, chkHTSiblings: vPass, chkTwRecycle: vPass, chkAppOnIRQ: vNotEv},
		InputsNotOK: threadsMissing,
	}
	return sc
}

func redisOnIRQCPU() Scenario {
	sc := ubuntu2204.host(Scenario{
		Name:        "redis-on-irq-cpu",
		Description: "Ubuntu 22.04 (5.15) cache host, 8 cores x 2 threads, mlx5 eth0 (mlx5_compN@pci:0000:5e:00.0 vectors, bus-info in ethtool -i) with 4 queues on CPUs 0-3 at ~60,000 IRQs/s each and NET_RX as heavy; redis-server's main thread uses 70 % of CPU 2, ksoftirqd/2 is busy, an idle sshd session sits on CPU 1, a busy java process runs on CPU 12.",
		NearMiss:    "app-on-irq-cpus names redis-server only: ksoftirqd/2 is a kernel thread (the IRQ work itself), sshd on CPU 1 is idle, java on CPU 12 is busy on a CPU without NIC load. Severity warning: CPU 2 stays below 80,000 IRQs/s and shows no squeeze or drops.",
		Hostname:    "redis-cache-2",
		Times:       pair(at(time.December, 2, 20, 40, 0), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 6334 CPU @ 3.60GHz", MHz: 3600, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "mlx5_core", DriverVersion: "5.15.0-107-generic", Firmware: "16.35.2000 (MT_0000000080)", PCI: "0000:5e:00.0", NUMANode: 0, Speed: 25000, MaxCombined: 16, IRQBase: 96,
				Queues: queuesOn("eth0", seq(0, 3), 60000)},
		},
		Load:      map[int]Load{0: {SoftIRQ: 0.25}, 1: {SoftIRQ: 0.25}, 2: {SoftIRQ: 0.25}, 3: {SoftIRQ: 0.25}},
		Ksoftirqd: map[int]float64{2: 0.3},
		Procs: []Proc{
			{PID: 4972, PPID: 1, Comm: "redis-server", Args: []string{"/usr/bin/redis-server", "0.0.0.0:6379"}, User: "redis", UID: 112, VSZKB: 8612400, RSSKB: 6210300,
				Threads: []Thread{{CPU: 2, Busy: 0.7, SysShare: 0.35}, {TID: 4973, Comm: "bio_close_file", CPU: 12}, {TID: 4974, Comm: "bio_aof_fsync", CPU: 13}, {TID: 4975, Comm: "bio_lazy_free", CPU: 14}}},
			{PID: 5210, PPID: 838, Comm: "sshd", Args: []string{"sshd: admin@pts/0"}, User: "admin", UID: 1000, VSZKB: 17312, RSSKB: 6940, Threads: []Thread{{CPU: 1, Busy: 0.001}}},
			{PID: 5388, PPID: 1, Comm: "java", Args: []string{"/usr/bin/java", "-jar", "/opt/metrics/agent.jar"}, User: "metrics", UID: 998, VSZKB: 4210300, RSSKB: 512000,
				Threads: []Thread{{CPU: 12, Busy: 0.05}, {TID: 5401, Comm: "worker-1", CPU: 12, Busy: 0.6}}},
		},
		Irqbalance: Irqbalance{Installed: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkAppOnIRQ, CPUs: []int{2}, PIDs: []int{4972}, Severity: sevWarning}},
		Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vFail},
	}
	return sc
}

func offlineCPUs() Scenario {
	sc := rhel84.host(Scenario{
		Name:        "offline-cpus",
		Description: "RHEL 8.4 (4.18, 11-column softnet without the CPU index) host with 16 cores, no SMT: CPUs 12-15 are offline in both samples and CPU 3 goes offline between them, so the /proc/interrupts header and the softnet rows change (sample 2's row 3 is CPU 4). CPU 5 drops 20 packets/s at the backlog (veth traffic); ixgbe eth0 has 4 queues on CPUs 4, 6, 8, 10.",
		NearMiss:    "softnet-backlog-drops must name CPU 5, not CPU 4 or 6: rows map to the online CPUs of the same sample, never to line numbers. CPU 3's series ends with sample 1. No SMT: irq-ht-siblings is not-applicable.",
		Hostname:    "batch-09",
		Times:       pair(at(time.April, 23, 2, 15, 0), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 6226R CPU @ 2.90GHz", MHz: 2900, Sockets: 1, CoresPerSocket: 16, ThreadsPerCore: 1, Offline: seq(12, 15), OfflineLater: []int{3}},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.1.0-k-rh8.4.0", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 60, Queues: queuesOn("eth0", []int{4, 6, 8, 10}, 7000)},
		},
		NetRX:      map[int]float64{5: 8000},
		Softnet:    map[int]Softnet{5: {Dropped: Counter{Start: 120, Rate: 20}, Squeeze: Counter{Start: 3302, Rate: 10}}},
		Irqbalance: Irqbalance{Installed: true, Running: true},
		Procs: []Proc{
			{PID: 3120, PPID: 1, Comm: "postgres", Args: []string{"/usr/bin/postgres", "-D", "/var/lib/pgsql/data"}, User: "postgres", UID: 26, VSZKB: 4401200, RSSKB: 210000,
				Threads: []Thread{{CPUs: []int{3, 2}, Busy: 0.05}}},
		},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkSoftnet, Subject: softnetSubject, CPUs: []int{5}, Severity: sevCritical}},
		Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vFail, chkFifo: vPass, chkHTSiblings: vNotApp, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass},
	}
	return sc
}

func containerNoDevice() Scenario {
	sc := ubuntu2204.host(Scenario{
		Name:        "container-no-device",
		Description: "netdoctor collect run inside a Docker container on an Ubuntu 22.04 host: only lo and eth0 (a veth, iflink 16, no device link, no msi_irqs), the container's own PID namespace (tini and a node app limited to CPUs 2-5), and the host's /proc/interrupts with its i40e ens1f0 queue vectors, which no interface here owns.",
		NearMiss:    "Nothing NIC-related fires: there is no physical NIC, and the host's i40e-ens1f0-TxRx-N vectors must not be pinned on the container's eth0. softnet and app-on-irq-cpus pass (light host load).",
		Hostname:    "3f2a9c1d7b4e",
		Container:   true,
		Times:       pair(at(time.May, 30, 17, 3, 44), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz", MHz: 2400, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2, SiblingsAdjacent: true},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "veth", Kind: KindVeth, NUMANode: -1, Speed: 10000, IfIndex: 15, IfLink: 16, MAC: "02:42:ac:11:00:02",
				Stats: map[string]Counter{"rx_packets": {Start: 1840221, Rate: 850}}},
			{Name: "ens1f0", Driver: "i40e", PCI: "0000:18:00.0", NUMANode: 0, Speed: 25000, Hidden: true, IRQBase: 88, Queues: queuesOn("ens1f0", []int{0, 2, 4, 6}, 4000)},
		},
		Procs: []Proc{
			{PID: 7, PPID: 1, Comm: "node", Args: []string{"node", "/srv/app/index.js"}, User: "node", UID: 1000, Allowed: seq(2, 5), VSZKB: 1101200, RSSKB: 150200,
				Threads: []Thread{{CPU: 3, Busy: 0.3}, {TID: 19, Comm: "node", CPU: 5, Busy: 0.05}}},
		},
	})
	sc.Expect = Expect{Verdicts: Verdicts{chkConcentration: vNotApp, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vNotApp, chkHTSiblings: vNotApp, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass}}
	return sc
}

func singleSosreport() Scenario {
	sc := rhel89.host(Scenario{
		Name:        "single-sosreport",
		Description: "One sos 4.5 sosreport (4.0-4.6 layout: ps_auxwwwm, ps_axo without PSR, lscpu -ae, proc/PID/status, manifest; numa plugin not run, sysstat not installed) of a RHEL 8.9 host, 8 cores x 2 threads, whose ixgbe eth0 queue IRQs all have effective_affinity_list 0 (2,000 IRQs/s each since boot, 5 days up). softnet shows 48,211 drops on CPU 0 since boot.",
		NearMiss:    "irq-concentration fires from the configuration (warning: no rate or growth can be measured from one sample). softnet-backlog-drops can only say \"drops since boot\" (notice). nic-rx-fifo-missed is not-evaluated (one sample, zero cumulative counters).",
		Bundle:      BundleSosreport,
		Sos:         "4.5.6",
		SosPID:      412903,
		Hostname:    "erp-db-1",
		Times:       []time.Time{at(time.February, 14, 9, 31, 7)},
		Uptime:      5*24*time.Hour + 2*time.Hour,
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 5217 CPU @ 3.00GHz", MHz: 3000, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.1.0-k-rh8.9.0", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 72, Queues: queuesOn("eth0", repeat(0, 8), 2000)},
		},
		Softnet:    map[int]Softnet{0: {Dropped: Counter{Start: 48211}, Squeeze: Counter{Start: 90211}}},
		Irqbalance: Irqbalance{Installed: true},
		Procs: []Proc{
			{PID: 2004, PPID: 1, Comm: "postgres", Args: []string{"/usr/pgsql-15/bin/postmaster", "-D", "/var/lib/pgsql/15/data/"}, User: "postgres", UID: 26, VSZKB: 4410300, RSSKB: 310200, Threads: []Thread{{CPU: 6, Busy: 0.04}}},
		},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{
			{Check: chkConcentration, Subject: "eth0", CPUs: []int{0}, Severity: sevWarning},
			{Check: chkSoftnet, Subject: softnetSubject, CPUs: []int{0}, Severity: sevNotice},
		},
		Verdicts:    Verdicts{chkConcentration: vFail, chkNUMARemote: vNotApp, chkSoftnet: vFail, chkFifo: vNotEv, chkHTSiblings: vPass, chkTwRecycle: vNotApp},
		InputsNotOK: threadsMissing,
	}
	return sc
}

func twoSosreports() Scenario {
	sc := rhel94.host(Scenario{
		Name:        "two-sosreports",
		Description: "Two sos 4.7.2 sosreports (4.7+ layout: ps_axo with PSR, pidstat -tl, numa plugin run) of one RHEL 9.4 host taken 60 s apart: 2 sockets x 4 cores x 2 threads, i40e ens1f0 on node 0 with 4 queues one per local core; the backlog on CPU 3 drops 4 packets/s.",
		NearMiss:    "Two sosreports of one host pair into two samples: softnet-backlog-drops measures growth (warning, under 10/s), not since-boot totals.",
		Bundle:      BundleSosreports,
		Sos:         "4.7.2",
		SosPID:      201877,
		Sysstat:     true,
		NUMAPlugin:  true,
		Hostname:    "k8s-worker-12",
		Times:       pair(at(time.June, 3, 12, 0, 5), 60),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Silver 4215R CPU @ 3.20GHz", MHz: 3200, Sockets: 2, CoresPerSocket: 4, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "ens1f0", Driver: "i40e", DriverVersion: "5.14.0-427.13.1.el9_4.x86_64", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 25000, MaxCombined: 16, IRQBase: 100, Queues: queuesOn("ens1f0", seq(0, 3), 9000)},
		},
		Softnet:    map[int]Softnet{3: {Dropped: Counter{Start: 3100, Rate: 4}, Squeeze: Counter{Start: 5120, Rate: 2}}},
		Irqbalance: Irqbalance{Installed: true, Running: true},
		Procs: []Proc{
			{PID: 1650, PPID: 1, Comm: "kubelet", Args: []string{"/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml"}, VSZKB: 2301200, RSSKB: 120300, Threads: []Thread{{CPU: 12, Busy: 0.04}, {TID: 1671, Comm: "kubelet", CPU: 13, Busy: 0.02}}},
			{PID: 1702, PPID: 1, Comm: "containerd", Args: []string{"/usr/bin/containerd"}, VSZKB: 1975600, RSSKB: 61200, Threads: []Thread{{CPU: 6, Busy: 0.02}}},
		},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkSoftnet, Subject: softnetSubject, CPUs: []int{3}, Severity: sevWarning}},
		Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vPass, chkSoftnet: vFail, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass},
	}
	return sc
}

func sos412CPUCap() Scenario {
	sc := rhel95.host(Scenario{
		Name:        "sos412-cpu-cap",
		Description: "One sos 4.12 sosreport of a 96-CPU RHEL 9.5 host (2 sockets x 24 cores x 2 threads, siblings N and N+48): sos copied only 64 cpuN directories in string order (cpu0-cpu6, cpu10-cpu66), so CPUs 7-9 and 67-95 have topology only in lscpu -ae. ixgbe eth0 on node 0 has 16 queues on CPUs 0-15 (one per core), irqbalance running with IRQBALANCE_BANNED_CPULIST=88-95 (isolcpus=88-95), numa plugin not run.",
		NearMiss:    "Configuration checks pass once the missing cpuN directories are filled from lscpu -ae (CPUs 7, 8, 9 service queues); growth checks are not-evaluated (one sample, zero cumulative counters).",
		Bundle:      BundleSosreport,
		Sos:         "4.12.0",
		SosPID:      88412,
		Sysstat:     true,
		Hostname:    "hpc-login-1",
		Times:       []time.Time{at(time.October, 1, 6, 30, 0)},
		Uptime:      40 * time.Hour,
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 6342 CPU @ 2.80GHz", MHz: 2800, Sockets: 2, CoresPerSocket: 24, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.14.0-503.11.1.el9_5.x86_64", PCI: "0000:18:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 200, Queues: queuesOn("eth0", seq(0, 15), 3000)},
		},
		Irqbalance:   Irqbalance{Installed: true, Running: true, Banned: seq(88, 95)},
		CmdlineExtra: "isolcpus=88-95 nohz_full=88-95",
	})
	sc.CPU.Isolated = seq(88, 95)
	sc.Expect = Expect{Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vPass, chkSoftnet: vNotEv, chkFifo: vNotEv, chkHTSiblings: vPass, chkTwRecycle: vNotApp}}
	return sc
}

func sosVirtioMQCPU0() Scenario {
	sc := ubuntu2004.host(Scenario{
		Name:        "sos-virtio-mq-cpu0",
		Description: "One sos 4.5.6 sosreport of an 8-vCPU KVM guest (Ubuntu 20.04, 5.4) as sos really writes it: sys/class/net/eth0 links to ../../devices/pci0000:00/0000:00:03.0/virtio1/net/eth0, which holds only flags and statistics/ (no device link: virtio has no numa_node; no msi_irqs, no queues/), lo's ethtool -g/-l/-i outputs say \"Operation not supported\". virtio_net eth0 has 4 queue pairs; every virtio1-input.N has effective_affinity_list 0 (3,000 IRQs/s each since boot, 2 days up). irqbalance not installed.",
		NearMiss:    "The NIC is known from the class link's target and ethtool -i alone, its queues from the virtioN-input.M names: irq-concentration fires from the configuration (warning, one sample), with the VM caveat. Not a container (no container evidence); virtio has no NIC FIFO, only its per-queue drop counters, whose since-boot zero says nothing of growth (nic-rx-fifo-missed not-evaluated); numa_node unknown.",
		Bundle:      BundleSosreport,
		Sos:         "4.5.6",
		SosPID:      30411,
		Hostname:    "api-vm-3",
		Virt:        "kvm",
		Times:       []time.Time{at(time.August, 19, 14, 2, 33)},
		Uptime:      2*24*time.Hour + 3*time.Hour,
		CPU:         CPUSpec{Model: "Intel Xeon Processor (Cascadelake)", MHz: 2600, Sockets: 8, CoresPerSocket: 1, ThreadsPerCore: 1},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "virtio_net", DriverVersion: "1.0.0", Kind: KindVirtio, PCI: "0000:00:03.0", Virtio: 1, NUMANode: -1, Speed: -1, IRQBase: 25, IfIndex: 2,
				Queues: []Queue{
					{CPU: 0, Rate: 3000}, {CPU: 1, Rate: 900}, {CPU: 0, Rate: 3000}, {CPU: 2, Rate: 900},
					{CPU: 0, Rate: 3000}, {CPU: 3, Rate: 900}, {CPU: 0, Rate: 3000}, {CPU: 4, Rate: 900},
				}},
		},
		Procs: []Proc{
			{PID: 1204, PPID: 1, Comm: "gunicorn", Args: []string{"/usr/bin/python3", "/usr/bin/gunicorn", "app:app"}, User: "www-data", UID: 33, VSZKB: 301200, RSSKB: 90100, Threads: []Thread{{CPU: 6, Busy: 0.1}}},
		},
	})
	sc.Expect = Expect{
		Findings:    []ExpectFinding{{Check: chkConcentration, Subject: "eth0", CPUs: []int{0}, Severity: sevWarning}},
		Verdicts:    Verdicts{chkConcentration: vFail, chkNUMARemote: vNotApp, chkSoftnet: vNotEv, chkFifo: vNotEv, chkHTSiblings: vNotApp, chkTwRecycle: vNotApp},
		InputsNotOK: threadsMissing,
	}
	return sc
}

func sosPairAppOnIRQCPU() Scenario {
	sc := rhel94.host(Scenario{
		Name:        "sos-pair-app-on-irq-cpu",
		Description: "Two sos 4.7.2 sosreports of one RHEL 9.4 host taken 120 s apart, sysstat not installed (no pidstat -tl): per-process CPU TIME and PSR only, from ps axo. 8 cores x 2 threads, ixgbe eth0 on CPUs 0-3 at ~60,000 IRQs/s each with heavy NET_RX; haproxy's main thread runs on CPU 2 and uses 70 % of a CPU; a busy java process runs on CPU 12.",
		NearMiss:    "With two sosreports the ps TIME columns give CPU use over the window: app-on-irq-cpus names haproxy at warning, medium confidence (whole seconds, the whole process on its main thread's PSR), and not java (busy on a CPU without NIC load).",
		Bundle:      BundleSosreports,
		Sos:         "4.7.2",
		SosPID:      77120,
		Hostname:    "lb-7",
		Times:       pair(at(time.July, 9, 16, 20, 0), 120),
		Uptime:      9 * 24 * time.Hour,
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 6334 CPU @ 3.60GHz", MHz: 3600, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.14.0-427.13.1.el9_4.x86_64", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 90,
				Queues: queuesOn("eth0", seq(0, 3), 60000)},
		},
		Load:       map[int]Load{0: {SoftIRQ: 0.25}, 1: {SoftIRQ: 0.25}, 2: {SoftIRQ: 0.25}, 3: {SoftIRQ: 0.25}},
		Irqbalance: Irqbalance{Installed: true},
		Procs: []Proc{
			{PID: 3301, PPID: 1, Comm: "haproxy", Args: []string{"/usr/sbin/haproxy", "-Ws", "-f", "/etc/haproxy/haproxy.cfg"}, User: "haproxy", UID: 188, VSZKB: 412300, RSSKB: 90200,
				Threads: []Thread{{CPU: 2, Busy: 0.7, SysShare: 0.4}}},
			{PID: 5388, PPID: 1, Comm: "java", Args: []string{"/usr/bin/java", "-jar", "/opt/metrics/agent.jar"}, User: "metrics", UID: 998, VSZKB: 4210300, RSSKB: 512000,
				Threads: []Thread{{CPU: 12, Busy: 0.6}}},
		},
	})
	sc.Expect = Expect{
		Findings:    []ExpectFinding{{Check: chkAppOnIRQ, CPUs: []int{2}, PIDs: []int{3301}, Severity: sevWarning}},
		Verdicts:    Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vFail},
		InputsNotOK: threadsMissing,
	}
	return sc
}

func sosNoNetworkingENA() Scenario {
	sc := ubuntu2204.host(Scenario{
		Name:         "sos-no-networking-ena",
		Description:  "One sos 4.5.6 sosreport taken with -n networking (to avoid ethtool hangs) of a 16-vCPU AWS-style KVM guest (Ubuntu 22.04, 5.15): no sys/class/net, no ethtool outputs, no proc/net files. The hardware plugin's /proc/interrupts still shows the ENA eth0's 8 queue vectors (eth0-Tx-Rx-0..7, ena-mgmnt@pci:0000:00:05.0), every one on CPU 0.",
		NearMiss:     "Without an interface list netdoctor cannot say which NIC the vectors serve, so the NIC checks must say not-evaluated and name the 8 unowned queue interrupts, never not-applicable: a sign-off with --strict refuses this bundle.",
		Bundle:       BundleSosreport,
		Sos:          "4.5.6",
		SosPID:       5120,
		NoNetworking: true,
		Hostname:     "ip-10-0-3-17",
		Virt:         "kvm",
		Times:        []time.Time{at(time.September, 2, 8, 45, 10)},
		Uptime:       6 * 24 * time.Hour,
		CPU:          CPUSpec{Model: "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz", MHz: 2500, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 2, SiblingsAdjacent: true},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ena", DriverVersion: "2.8.3g", PCI: "0000:00:05.0", NUMANode: 0, Speed: -1, IRQBase: 27, MaxCombined: 8,
				Queues: queuesOn("eth0", repeat(0, 8), 4000)},
		},
	})
	sc.Expect = Expect{
		Verdicts: Verdicts{chkConcentration: vNotEv, chkNUMARemote: vNotEv, chkSoftnet: vNotEv, chkFifo: vNotEv, chkHTSiblings: vNotEv, chkTwRecycle: vNotApp},
		InputsNotOK: []ExpectInput{
			{Name: "net_dev", Status: "missing"}, {Name: "netstat", Status: "missing"}, {Name: "nics", Status: "missing"},
			{Name: "snmp", Status: "missing"}, {Name: "softnet_stat", Status: "missing"}, {Name: "threads", Status: "missing"},
			{Name: "arp_cache", Status: "missing"}, {Name: "ndisc_cache", Status: "missing"}, {Name: "snmp6", Status: "missing"},
			{Name: "sockstat", Status: "missing"}, {Name: "sockstat6", Status: "missing"}, {Name: "udp", Status: "missing"},
			{Name: "udp6", Status: "missing"}, {Name: "tcp", Status: "missing"}, {Name: "tcp6", Status: "missing"},
			{Name: "ss_listen", Status: "missing"},
		},
	}
	return sc
}
