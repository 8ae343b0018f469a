package fixturegen

import (
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Fixtures of the steering checks (rss-queue-imbalance's indirection
// table, rfs-half-configured, ntuple-off-rfs, xps-unset, busy-poll-global,
// tuned-profile-drift) and their near misses.

// steeringFixtures are this file's scenarios.
func steeringFixtures() []Scenario {
	return []Scenario{rssTableSkewed(), busyPollTunedDrift(), tunedLatencyHost(), mlx5NtupleOff(), rfsHalfXPSUnset()}
}

// oneSocket8 is a one-socket host of 8 cores without SMT.
var oneSocket8 = CPUSpec{Model: "Intel(R) Xeon(R) E-2388G CPU @ 3.20GHz", MHz: 3200, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 1}

// rssTableSkewed: an indirection table left weighting queue 0 with half
// the entries: rss-queue-imbalance names the table as the cause.
func rssTableSkewed() Scenario {
	pps := []float64{300000, 30000, 30000, 30000, 30000, 30000, 30000, 30000}
	var q []Queue
	for i, p := range pps {
		q = append(q, Queue{CPU: i, Rate: 3000 + p/100, PPS: p})
	}
	table := make([]int, 0, 128)
	for i := 0; i < 65; i++ {
		table = append(table, 0)
	}
	for i := 0; i < 63; i++ {
		table = append(table, 1+i%7)
	}
	sc := ubuntu2204.host(Scenario{
		Name:        "rss-table-skewed",
		Description: "Ubuntu 22.04 API host, 8 cores, ixgbe eth0 with 8 queues one per core; its RSS indirection table (ethtool -x) was left weighted by an old ethtool -X weight command: ring 0 holds 65 of 128 entries, the others 9 each. Queue 0 receives 300,000 of 510,000 packets/s (59 %). No drops. Collect bundle, 5 s.",
		NearMiss:    "rss-queue-imbalance stays a notice (no loss grows) and names the table as the cause with ethtool -X eth0 equal 8 as a change; hot-queue-full-link is the near miss: an even table, where the traffic (PPPoE) is the cause and no ethtool -X is offered.",
		Hostname:    "api-7",
		Times:       pair(at(time.June, 3, 9, 20, 0), 5),
		CPU:         oneSocket8,
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.15.0-107-generic", PCI: "0000:01:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 120, Queues: q, RSS: table},
		},
		Irqbalance: Irqbalance{Installed: true, Running: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkRSSImbal, Subject: "eth0", CPUs: []int{0}, Severity: sevNotice}},
		Verdicts: Verdicts{chkRSSImbal: vFail, chkConcentration: vPass, chkXPS: vPass, chkRFSHalf: vPass, chkBusyPoll: vPass, chkTunedDrift: vNotApp},
	}
	return sc
}

// busyPollTunedDrift: a RHEL sosreport where busy polling was switched on
// by hand and a sysctl.d file overrides the tuned profile.
func busyPollTunedDrift() Scenario {
	sc := rhel93.host(Scenario{
		Name:        "busy-poll-tuned-drift",
		Description: "RHEL 9.3 database host (one sosreport, sos 4.5.6), 8 cores, ixgbe eth0 with 8 queues. Someone set net.core.busy_read = 50 and busy_poll = 50 in /etc/sysctl.conf, and net.ipv4.tcp_rmem there overrides the tuned profile throughput-performance (chosen by hand): tuned-adm verify fails and tuned.log names tcp_rmem.",
		NearMiss:    "Both are notices: a setting nobody chose hurts no packet by itself. The queue-steering checks are not evaluated: sos never collects sys/class/net/*/queues/.",
		Bundle:      BundleSosreport,
		Sos:         "4.5.6",
		Sysstat:     true,
		Hostname:    "pgdb-2",
		Times:       []time.Time{at(time.September, 17, 14, 5, 0)},
		CPU:         oneSocket8,
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.14.0-362.24.1.el9_3.x86_64", PCI: "0000:01:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 120, Queues: queuesOn("eth0", seq(0, 7), 2000)},
		},
		Sysctl: map[string]string{
			"net.core.busy_read": "50", "net.core.busy_poll": "50",
			"net.ipv4.tcp_rmem": "4096\t131072\t6291456", "net.ipv4.tcp_wmem": "4096\t16384\t16777216",
		},
		SysctlConf: "net.core.busy_read = 50\nnet.core.busy_poll = 50\nnet.ipv4.tcp_rmem = 4096 131072 6291456\n",
		Tuned:      &TunedSpec{Active: "throughput-performance", Mode: "manual", Drift: []string{"'net.ipv4.tcp_rmem' = '4096\t131072\t6291456', expected '4096 87380 16777216'"}},
		Irqbalance: Irqbalance{Installed: true, Running: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{
			{Check: chkBusyPoll, Subject: "net.core.busy_read", Severity: sevNotice},
			{Check: chkTunedDrift, Subject: "tuned throughput-performance", Severity: sevNotice},
		},
		Verdicts: Verdicts{chkBusyPoll: vFail, chkTunedDrift: vFail, chkXPS: vNotEv, chkRFSHalf: vNotEv, chkNtuple: vNotApp},
	}
	return sc
}

// tunedLatencyHost: the network-latency profile sets busy polling on
// purpose, and its settings hold.
func tunedLatencyHost() Scenario {
	sc := rhel94.host(Scenario{
		Name:        "tuned-latency-host",
		Description: "RHEL 9.4 trading gateway, 8 cores, ixgbe eth0 with 8 queues one per core; tuned's network-latency profile (including latency-performance) is active, chosen by hand, and sets net.core.busy_read = busy_poll = 50 and tcp_fastopen = 3, all still in place. Collect bundle, 5 s.",
		NearMiss:    "busy-poll-global passes: the active tuned profile sets the values on purpose; tuned-profile-drift passes: the profile's sysctls match the running ones (a collect bundle has no tuned-adm verify).",
		Hostname:    "gw-lat-1",
		Times:       pair(at(time.October, 8, 7, 45, 0), 5),
		CPU:         oneSocket8,
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.14.0-427.13.1.el9_4.x86_64", PCI: "0000:01:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 120, Queues: queuesOn("eth0", seq(0, 7), 2000)},
		},
		Sysctl: map[string]string{"net.core.busy_read": "50", "net.core.busy_poll": "50", "net.ipv4.tcp_fastopen": "3"},
		Tuned:  &TunedSpec{Active: "network-latency", Mode: "manual"},
	})
	sc.Expect = Expect{Verdicts: Verdicts{chkBusyPoll: vPass, chkTunedDrift: vPass, chkXPS: vPass, chkRFSHalf: vPass}}
	return sc
}

// mlx5NtupleOff: RFS configured on two mlx5 ports; one has ntuple off.
func mlx5NtupleOff() Scenario {
	sc := rhel94.host(Scenario{
		Name:        "mlx5-ntuple-off",
		Description: "RHEL 9.4 cache server, 8 cores, two mlx5_core ports with 8 queues each; RFS is configured (net.core.rps_sock_flow_entries = 32768, rps_flow_cnt 4096 on every receive queue). eth0 has ntuple-filters off, eth1 on. Collect bundle, 5 s.",
		NearMiss:    "ntuple-off-rfs fires for eth0 only, a notice: eth1 already steers in hardware. rfs-half-configured passes (both halves set); xps-unset passes (mlx5 sets XPS itself).",
		Hostname:    "cache-3",
		Times:       pair(at(time.November, 2, 16, 0, 0), 5),
		CPU:         oneSocket8,
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "mlx5_core", DriverVersion: "5.14.0-427.13.1.el9_4.x86_64", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 25000, MaxCombined: 8, IRQBase: 80,
				Queues: queuesOn("eth0", seq(0, 7), 1500), RPSFlowCnt: 4096},
			{Name: "eth1", Driver: "mlx5_core", DriverVersion: "5.14.0-427.13.1.el9_4.x86_64", PCI: "0000:3b:00.1", NUMANode: 0, Speed: 25000, MaxCombined: 8, IRQBase: 100,
				Queues: queuesOn("eth1", seq(0, 7), 1500), RPSFlowCnt: 4096, Features: map[string]host.Feature{host.FeatureNtuple: {On: true}}},
		},
		Sysctl:     map[string]string{"net.core.rps_sock_flow_entries": "32768"},
		Irqbalance: Irqbalance{Installed: true, Running: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkNtuple, Subject: "eth0", Severity: sevNotice}},
		Verdicts: Verdicts{chkNtuple: vFail, chkRFSHalf: vPass, chkXPS: vPass},
	}
	return sc
}

// rfsHalfXPSUnset: the RFS table set without flow counts, and bnxt_en
// ports without XPS.
func rfsHalfXPSUnset() Scenario {
	sc := ubuntu2204.host(Scenario{
		Name:        "rfs-half-xps-unset",
		Description: "Ubuntu 22.04 web host, 8 cores; bnxt_en eth0 with 8 queues (bnxt_en leaves XPS unset) and ixgbe eth1 with 8 queues (ixgbe sets XPS). A tuning script set net.core.rps_sock_flow_entries = 32768 but never wrote rps_flow_cnt. Collect bundle, 5 s.",
		NearMiss:    "Both notices: rfs-half-configured once for the host (no receive queue has a flow count), xps-unset for eth0 only (eth1's driver set XPS). ntuple-off-rfs does not apply: RFS is not active on any queue.",
		Hostname:    "web-12",
		Times:       pair(at(time.August, 11, 12, 30, 0), 5),
		CPU:         oneSocket8,
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "bnxt_en", DriverVersion: "5.15.0-107-generic", PCI: "0000:01:00.0", NUMANode: 0, Speed: 25000, MaxCombined: 74, IRQBase: 80, Queues: queuesOn("eth0", seq(0, 7), 1500)},
			{Name: "eth1", Driver: "ixgbe", DriverVersion: "5.15.0-107-generic", PCI: "0000:02:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 100, Queues: queuesOn("eth1", seq(0, 7), 1500)},
		},
		Sysctl:     map[string]string{"net.core.rps_sock_flow_entries": "32768"},
		Irqbalance: Irqbalance{Installed: true, Running: true},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{
			{Check: chkRFSHalf, Subject: "net.core.rps_sock_flow_entries", Severity: sevNotice},
			{Check: chkXPS, Subject: "eth0", Severity: sevNotice},
		},
		Verdicts: Verdicts{chkRFSHalf: vFail, chkXPS: vFail, chkNtuple: vNotApp},
	}
	return sc
}
