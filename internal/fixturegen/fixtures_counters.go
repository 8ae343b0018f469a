package fixturegen

import (
	"math"
	"time"
)

// Fixtures of counters that cannot be taken at face value between two
// samples: restarted interrupt counts with no boot time, a driver reload
// that renumbers a NIC's vectors, a driver printing 2^64-1, and a two-NIC
// host whose fix script must keep every IRQ ban.

func countersBackNoBtime() Scenario {
	sc := rhel89.host(Scenario{
		Name:        "counters-back-no-btime",
		Description: "RHEL 8.9 (4.18) host, 1 socket x 8 cores x 2 threads, ixgbe eth0 with 8 queues spread one per core at ~6,000 IRQs/s each. Every interrupt counter restarted from zero between the samples (the host rebooted) and /proc/stat has no btime line, so nothing but the counters going back says the boot changed.",
		NearMiss:    "Taking each decrease as a 32-bit wrap would give about 860 million interrupts/s per queue and critical findings. The interrupt series have no interval value: the IRQ checks are not evaluated, never passed, and the report lists the discontinuities and warns of a likely reboot.",
		Hostname:    "edge-lb-03",
		Times:       pair(at(time.May, 14, 9, 12, 5), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz", MHz: 2100, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.1.0-k-rh8.9.0", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 60,
				Queues: queuesOn("eth0", seq(0, 7), 6000)},
		},
		Irqbalance:  Irqbalance{Installed: true, Running: true},
		RestartIRQs: true,
		NoBtime:     true,
	})
	sc.Expect = Expect{
		Verdicts:    Verdicts{chkConcentration: vNotEv, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vNotEv, chkTwRecycle: vNotApp, chkAppOnIRQ: vNotEv},
		InputsNotOK: []ExpectInput{{Name: "stat", Status: "invalid"}},
	}
	return sc
}

func driverReloadCPU0() Scenario {
	sc := ubuntu2204.host(Scenario{
		Name:        "driver-reload-cpu0",
		Description: "Ubuntu 22.04 (5.15) host, 1 socket x 8 cores x 2 threads, ixgbe eth0 with 8 queues. In the first sample each queue is on its own core (CPUs 0-7); between the samples the driver was reloaded: the vectors came back as IRQs 120-128 with fresh counts, every queue on CPU 0 at ~11,000 IRQs/s, and CPU 0's softnet backlog drops.",
		NearMiss:    "No queue IRQ of the second sample has an interval value (renumbered and re-created, matched to the first sample by name): irq-concentration must say not-evaluated, never pass; the CPU 0 fault still shows through softnet-backlog-drops.",
		Hostname:    "ingest-11",
		Times:       pair(at(time.June, 3, 16, 40, 0), 10),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz", MHz: 3700, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.15.0-107-generic", PCI: "0000:01:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 40,
				Queues: queuesOn("eth0", seq(0, 7), 11000)},
		},
		Reload:     &Reload{NIC: "eth0", IRQBase: 120, CPU: 0},
		Softnet:    map[int]Softnet{0: {Dropped: Counter{Start: 1200, Rate: 90}, Squeeze: Counter{Start: 30411, Rate: 300}}},
		Irqbalance: Irqbalance{Installed: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkSoftnet, Subject: softnetSubject, CPUs: []int{0}, Severity: sevCritical}},
		Verdicts: Verdicts{chkConcentration: vNotEv, chkNUMARemote: vNotApp, chkSoftnet: vFail, chkFifo: vPass, chkHTSiblings: vNotEv, chkTwRecycle: vNotApp, chkAppOnIRQ: vNotEv},
	}
	return sc
}

func ethtoolCounterMax() Scenario {
	sc := debian12.host(Scenario{
		Name:        "ethtool-counter-max",
		Description: "Debian 12 (6.1) host, 4 cores x 2 threads, igb eth1 receiving ~40,000 packets/s over 4 queues, one per core. In the second sample the driver prints rx_missed_errors as 18446744073709551615 (2^64-1, a counter it could not read).",
		NearMiss:    "Taken at face value the counter grew by 1.8 x 10^19 in 5 s, 3.7 x 10^18 drops/s on a 1 Gb/s link that carries at most 1.49 million frames/s: the delta is refused as implausible and nic-rx-fifo-missed is not evaluated, never critical.",
		Hostname:    "metrics-4",
		Times:       pair(at(time.July, 22, 8, 15, 30), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz", MHz: 3400, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth1", Driver: "igb", DriverVersion: "6.1.0-18-amd64", PCI: "0000:05:00.1", NUMANode: 0, Speed: 1000, MaxCombined: 8, IRQBase: 127,
				Queues:      queuesOn("eth1", seq(0, 3), 1700),
				Ethtool:     map[string]Counter{"rx_missed_errors": {Start: 120}},
				EthtoolLast: map[string]uint64{"rx_missed_errors": math.MaxUint64}},
		},
		Irqbalance: Irqbalance{Installed: true, Running: true},
	})
	sc.Expect = Expect{
		Findings: xpsNotices("eth1"),
		Verdicts: Verdicts{chkConcentration: vPass, chkNUMARemote: vNotApp, chkSoftnet: vPass, chkFifo: vNotEv, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass},
	}
	return sc
}

func twoNICBans() Scenario {
	sc := rhel94.host(Scenario{
		Name:        "two-nic-bans",
		Description: "RHEL 9.4 (5.14) host, 2 sockets x 8 cores x 2 threads, two ixgbe NICs with 15 queues each: eth0 (node 0) all on CPU 0, eth1 (node 1) all on CPU 8, ~90,000 IRQs/s on each; irqbalance running.",
		NearMiss:    "Both concentrations are critical and each asks irqbalance to leave its 15 IRQs and their new CPUs alone: the fix script must write one IRQBALANCE_BANNED_CPULIST and one IRQBALANCE_ARGS holding all 30 bans (appended per finding, the last line would win and drop the other NIC's bans).",
		Hostname:    "gw-pair-1",
		Times:       pair(at(time.August, 19, 22, 5, 10), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 6244 CPU @ 3.60GHz", MHz: 3600, Sockets: 2, CoresPerSocket: 8, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.14.0-427.13.1.el9_4.x86_64", PCI: "0000:18:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 100,
				Queues: queuesOn("eth0", repeat(0, 15), 6000)},
			{Name: "eth1", Driver: "ixgbe", DriverVersion: "5.14.0-427.13.1.el9_4.x86_64", PCI: "0000:86:00.0", NUMANode: 1, Speed: 10000, MaxCombined: 63, IRQBase: 140,
				Queues: queuesOn("eth1", repeat(8, 15), 6000)},
		},
		Load:       map[int]Load{0: {SoftIRQ: 0.3}, 8: {SoftIRQ: 0.3}},
		Irqbalance: Irqbalance{Installed: true, Running: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{
			{Check: chkConcentration, Subject: "eth0", CPUs: []int{0}, Severity: sevCritical},
			{Check: chkConcentration, Subject: "eth1", CPUs: []int{8}, Severity: sevCritical},
		},
		Verdicts: Verdicts{chkConcentration: vFail, chkNUMARemote: vPass, chkSoftnet: vPass, chkFifo: vPass, chkHTSiblings: vPass, chkTwRecycle: vNotApp, chkAppOnIRQ: vPass},
	}
	return sc
}
