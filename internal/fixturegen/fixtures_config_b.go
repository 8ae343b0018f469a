package fixturegen

import "time"

// Fixtures of the configuration checks that read data netdoctor already
// loads: queue counts, RPS, queue balance, link utilization, isolated
// CPUs, irqbalance and application NUMA placement. Each fires in one
// scenario and stays silent (or a notice) in its near miss.

// Check IDs of the configuration checks.
const (
	chkFewQueues  = "few-queue-saturation"
	chkQueueCount = "queue-count-vs-cores"
	chkAppNUMA    = "app-numa-remote"
	chkNICUtil    = "nic-utilization"
	chkRSSImbal   = "rss-queue-imbalance"
	chkIsolated   = "irqs-on-isolated-cpus"
	chkIrqbalance = "irqbalance-conflict"
)

// configBFindings are the findings of the configuration checks in the
// fixtures of other files, by fixture name: each is a true statement
// about that host's configuration, a notice without a loss.
var configBFindings = map[string][]ExpectFinding{
	// Each igb port runs one of eight channels on a four-core host.
	"irq-cpu0-singlequeue": {
		{Check: chkFewQueues, Subject: "eth0", Severity: sevNotice},
		{Check: chkFewQueues, Subject: "eth1", Severity: sevNotice},
	},
	// Eight queues on four cores with softnet drops on CPU 0, which serves them all.
	// The java cache server runs on CPUs 5 and 6 of node 1, eth0 is on node 0.
	"irq-cpu0": {
		{Check: chkQueueCount, Subject: "eth0", Severity: sevWarning},
		{Check: chkAppNUMA, Subject: "java", PIDs: []int{2841}, Severity: sevNotice},
	},
	// Eight queues on four cores (E3-1271 with hyperthreads).
	"irq-spread-lowprio":     {{Check: chkQueueCount, Subject: "eth0", Severity: sevNotice}},
	"ht-queues-exceed-cores": {{Check: chkQueueCount, Subject: "eth0", Severity: sevNotice}},
	// Fifteen active queues per port for eight cores per node.
	"two-nic-bans": {
		{Check: chkQueueCount, Subject: "eth0", Severity: sevNotice},
		{Check: chkQueueCount, Subject: "eth1", Severity: sevNotice},
	},
}

// configBNearMisses are the configuration checks' verdicts in fixtures of
// other files where they must stay silent.
var configBNearMisses = map[string]Verdicts{
	// One queue per core on each NIC's node, no loss, 5,000 IRQs/s per
	// queue: nothing to say; NICs on both nodes leave an application's NIC
	// unknown.
	"healthy-2socket-ht": {chkFewQueues: vPass, chkQueueCount: vPass, chkNICUtil: vPass, chkRSSImbal: vPass, chkIsolated: vNotApp, chkIrqbalance: vPass, chkAppNUMA: vNotApp},
	// isolcpus=88-95 banned in irqbalance too, every queue on CPUs 0-15.
	"sos412-cpu-cap": {chkIsolated: vPass, chkIrqbalance: vPass, chkQueueCount: vPass},
	// sos itself (python3) runs busy on CPU 13 of node 1: a collector, not
	// an application.
	"two-sosreports": {chkAppNUMA: vPass},
	// One virtio queue on a 2-vCPU guest carrying a few packets: not
	// saturated, no channels to spare.
	"virtio-vm": {chkFewQueues: vPass, chkRSSImbal: vNotApp, chkNICUtil: vNotApp},
	// The driver's byte counters stay under half the 1 Gb/s link.
	"nic-fifo-missed": {chkNICUtil: vPass, chkRSSImbal: vPass},
}

// withConfigB adds the configuration checks' expected findings (and a
// fail verdict where they fire) to the fixtures of other files, then this
// file's own fixtures.
func withConfigB(scs []Scenario) []Scenario {
	for i := range scs {
		fs := configBFindings[scs[i].Name]
		scs[i].Expect.Findings = append(scs[i].Expect.Findings, fs...)
		if len(fs) > 0 && scs[i].Expect.Verdicts == nil {
			scs[i].Expect.Verdicts = Verdicts{}
		}
		for _, f := range fs {
			scs[i].Expect.Verdicts[f.Check] = vFail
		}
		for id, v := range configBNearMisses[scs[i].Name] {
			if scs[i].Expect.Verdicts == nil {
				scs[i].Expect.Verdicts = Verdicts{}
			}
			scs[i].Expect.Verdicts[id] = v
		}
	}
	return append(scs, configBScenarios()...)
}

// configBScenarios are the fixtures of the configuration checks.
func configBScenarios() []Scenario {
	return []Scenario{vmSingleQueueSaturated(), hotQueueFullLink(), isolatedIrqbalanceRemoteApp()}
}

// vmSingleQueueSaturated: few-queue-saturation fires as a warning (a loss
// on the queue CPU); irq-concentration is not applicable to it.
func vmSingleQueueSaturated() Scenario {
	sc := rhel93.host(Scenario{
		Name:        "vm-single-queue-saturated",
		Description: "RHEL 9.3 KVM guest with 4 vCPUs and one virtio_net eth0 running 1 of 4 possible queue pairs (ethtool -l: combined 1, maximum 4): the input queue's interrupts (30,000/s) and NET_RX run on CPU 0, which spends 60 % of its time in softirq work and drops 20 packets/s at its backlog; rps_cpus is 0. Collect bundle, 5 s.",
		NearMiss:    "irq-concentration is not applicable (one queue); queue-count-vs-cores passes (1 queue for 4 cores). Without the backlog drops few-queue-saturation would be a notice: the warning comes from the loss on the same CPU, which softnet-backlog-drops reports as critical.",
		Hostname:    "api-vm-3",
		Virt:        "kvm",
		Times:       pair(at(time.October, 7, 9, 15, 0), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", MHz: 2900, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 1},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "virtio_net", DriverVersion: "1.0.0", Kind: KindVirtio, PCI: "0000:00:03.0", Virtio: 1, NUMANode: -1, Speed: -1, MaxCombined: 4, IRQBase: 25, IfIndex: 2,
				Queues: []Queue{{CPU: 0, Rate: 30000, PPS: 180000}, {CPU: 1, Rate: 900}}},
		},
		Softnet:    map[int]Softnet{0: {Dropped: Counter{Start: 8100, Rate: 20}, Squeeze: Counter{Start: 40210, Rate: 90}}},
		NetRX:      map[int]float64{0: 25000},
		Load:       map[int]Load{0: {SoftIRQ: 0.6}},
		Irqbalance: Irqbalance{Installed: true, Running: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{
			{Check: chkFewQueues, Subject: "eth0", CPUs: []int{0}, Severity: sevWarning},
			{Check: chkSoftnet, Subject: softnetSubject, CPUs: []int{0}, Severity: sevCritical},
		},
		Verdicts: Verdicts{chkConcentration: vNotApp, chkFewQueues: vFail, chkSoftnet: vFail, chkQueueCount: vPass, chkNICUtil: vNotApp, chkIsolated: vNotApp},
	}
	return sc
}

// hotQueueFullLink: rss-queue-imbalance and nic-utilization fire as
// notices (no loss anywhere).
func hotQueueFullLink() Scenario {
	pps := []float64{620000, 30000, 30000, 30000, 30000, 30000, 30000, 30000}
	var q []Queue
	for i, p := range pps {
		q = append(q, Queue{CPU: i, Rate: 4000 + p/100, PPS: p})
	}
	sc := ubuntu2204.host(Scenario{
		Name:        "hot-queue-full-link",
		Description: "Ubuntu 22.04 PPPoE concentrator, 8 cores x 2 threads, ixgbe eth0 (10 Gb/s) with 8 queues one per core: RSS cannot hash inside the PPPoE sessions, so queue 0 receives 620,000 of 830,000 packets/s (75 %, ethtool -S rx_queue_N_packets) and the link carries 9.3 Gb/s in (93 %). No drops anywhere. Collect bundle, 5 s.",
		NearMiss:    "Both findings stay notices: no NIC or softnet loss grows, so neither configuration finding outranks a loss. irq-concentration passes (one queue per core), queue-count-vs-cores passes (8 queues, 8 cores).",
		Hostname:    "bras-1",
		Times:       pair(at(time.May, 14, 21, 0, 0), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) E-2388G CPU @ 3.20GHz", MHz: 3200, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.15.0-107-generic", PCI: "0000:01:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 120, Queues: q,
				Stats: map[string]Counter{"rx_bytes": {Start: 4.1e13, Rate: 1.1625e9}, "tx_bytes": {Start: 1.2e13, Rate: 2.1e8}}},
		},
		Irqbalance: Irqbalance{Installed: true, Running: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{
			{Check: chkRSSImbal, Subject: "eth0", CPUs: []int{0}, Severity: sevNotice},
			{Check: chkNICUtil, Subject: "eth0", Severity: sevNotice},
		},
		Verdicts: Verdicts{chkConcentration: vPass, chkRSSImbal: vFail, chkNICUtil: vFail, chkQueueCount: vPass, chkFewQueues: vPass, chkSoftnet: vPass, chkFifo: vPass},
	}
	return sc
}

// isolatedIrqbalanceRemoteApp: irqs-on-isolated-cpus, irqbalance-conflict
// and app-numa-remote fire as notices from one sample's configuration.
func isolatedIrqbalanceRemoteApp() Scenario {
	sc := rhel89.host(Scenario{
		Name:         "isolated-irqbalance-remote-app",
		Description:  "RHEL 8.9 trading host (one sosreport), 2 sockets x 4 cores x 2 threads, isolcpus=3,11 (core 3 of node 0) with irqbalance running and IRQBALANCE_BANNED_CPUS for CPUs 3 and 11; ixgbe eth0 on node 0 has 4 queues pinned to CPUs 0-3, so queue 3's IRQ sits on isolated, banned CPU 3 without --banirq. The order gateway runs busy on CPUs 5 and 6 of node 1. sos 4.5.6.",
		NearMiss:     "All three are notices: one sample shows no loss growth. irq-ht-siblings passes (one queue per core), nic-numa-remote passes (the queues are on node 0), app-on-irq-cpus passes (the gateway's CPUs take no NIC interrupts).",
		Bundle:       BundleSosreport,
		Sos:          "4.5.6",
		Sysstat:      true,
		NUMAPlugin:   true,
		Hostname:     "oms-gw-1",
		Times:        []time.Time{at(time.February, 20, 13, 30, 0)},
		CPU:          CPUSpec{Model: "Intel(R) Xeon(R) Gold 5222 CPU @ 3.80GHz", MHz: 3800, Sockets: 2, CoresPerSocket: 4, ThreadsPerCore: 2, Isolated: []int{3, 11}},
		CmdlineExtra: "isolcpus=3,11",
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "4.18.0-513.11.1.el8_9.x86_64", PCI: "0000:18:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 70, Queues: queuesOn("eth0", seq(0, 3), 3000)},
		},
		Irqbalance: Irqbalance{Installed: true, Running: true, Banned: []int{3, 11}},
		Procs: []Proc{
			{PID: 3120, PPID: 1, Comm: "oms-gateway", Args: []string{"/opt/oms/bin/oms-gateway", "--config", "/etc/oms/gw.toml"}, User: "oms", UID: 990, VSZKB: 2210300, RSSKB: 812000,
				Threads: []Thread{{CPU: 5, Busy: 0.55}, {TID: 3131, Comm: "gw-io", CPU: 6, Busy: 0.6}}},
		},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{
			{Check: chkIsolated, Subject: "eth0", CPUs: []int{3}, Severity: sevNotice},
			{Check: chkIrqbalance, Subject: "irqbalance", CPUs: []int{3}, Severity: sevNotice},
			{Check: chkAppNUMA, Subject: "oms-gateway", PIDs: []int{3120}, Severity: sevNotice},
			{Check: chkQueueCount, Subject: "eth0", Severity: sevNotice},
		},
		Verdicts: Verdicts{chkIsolated: vFail, chkIrqbalance: vFail, chkAppNUMA: vFail, chkQueueCount: vFail, chkHTSiblings: vPass, chkNUMARemote: vPass, chkAppOnIRQ: vNotEv},
	}
	return sc
}

// configBChecks are the check IDs this file's fixtures declare.
var configBChecks = []string{chkFewQueues, chkQueueCount, chkNICUtil, chkRSSImbal, chkIsolated, chkIrqbalance, chkAppNUMA}
