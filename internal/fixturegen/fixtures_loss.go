package fixturegen

import (
	"maps"
	"time"
)

// The stack-level loss fixtures: copies of healthy-2socket-ht with one
// fault injected each (a full conntrack table, accept-queue overflows,
// UDP receive-buffer errors), and the near misses that must stay silent.

// Check IDs of the stack-level loss checks.
const (
	chkConntrack  = "conntrack-table-full"
	chkListen     = "tcp-listen-overflow"
	chkUDPRcvbuf  = "udp-rcvbuf-errors"
	conntrackSubj = "nf_conntrack"
	listenSubject = "tcp-listen"
	udpSubject    = "udp"
	chkStack      = "stack-drops"
	stackSubject  = "stack"
)

// stackLossChecks are the IDs of the stack-level loss checks.
var stackLossChecks = []string{chkConntrack, chkListen, chkUDPRcvbuf, chkSqueeze, chkMTU, chkTCPMem, chkNeigh, chkStack}

// healthyWith is healthy-2socket-ht under another name, its verdicts
// extended by the loss checks' (pass unless set).
func healthyWith(name, description, nearMiss string, verdicts Verdicts) Scenario {
	sc := healthy2SocketHT()
	sc.Name, sc.Description, sc.NearMiss = name, description, nearMiss
	sc.Sysctl = maps.Clone(sc.Sysctl)
	v := maps.Clone(sc.Expect.Verdicts)
	for _, id := range stackLossChecks {
		v[id] = vPass
	}
	maps.Copy(v, verdicts)
	sc.Expect = Expect{Verdicts: v}
	return sc
}

func conntrackFull() Scenario {
	sc := healthyWith("conntrack-full",
		"healthy-2socket-ht with its connection-tracking table full: nf_conntrack_count = nf_conntrack_max = 262,144, and the per-CPU drop counters of /proc/net/stat/nf_conntrack growing by 300/s in total as new flows are refused; the kernel logs \"nf_conntrack: table full, dropping packet\".",
		"Only conntrack-table-full fires: every interface counter stays clean, which is why this loss passed silently before.",
		Verdicts{chkConntrack: vFail})
	sc.Sysctl["net.netfilter.nf_conntrack_count"] = "262144"
	sc.ConntrackStat = map[string]Counter{"drop": {Start: 880412, Rate: 300}, "early_drop": {Start: 12011, Rate: 4}}
	sc.KernelLog = []string{"[94210.512210] nf_conntrack: nf_conntrack: table full, dropping packet"}
	sc.Expect.Findings = []ExpectFinding{{Check: chkConntrack, Subject: conntrackSubj, Severity: sevCritical}}
	return sc
}

func conntrackNearFull() Scenario {
	sc := healthyWith("conntrack-near-full",
		"healthy-2socket-ht with its connection-tracking table 75 % full (196,608 of 262,144) and nothing dropped: busy, below the 80 % mark.",
		"conntrack-table-full passes: below the 80 % fill that warns, and drop, early_drop and insert_failed do not grow.",
		nil)
	sc.Sysctl["net.netfilter.nf_conntrack_count"] = "196608"
	return sc
}

func listenOverflow() Scenario {
	sc := healthyWith("listen-overflow",
		"healthy-2socket-ht whose nginx accept queues overflow: TcpExt ListenOverflows grows by 1,000/s and ListenDrops (which includes it) by 1,000/s, with somaxconn at the 4096 default of 5.14.",
		"Only tcp-listen-overflow fires, critical above 5/s; ListenDrops is not added to ListenOverflows.",
		Verdicts{chkListen: vFail})
	sc.NetStat = map[string]Counter{
		"TcpExt.ListenOverflows": {Start: 120344, Rate: 1000},
		"TcpExt.ListenDrops":     {Start: 120390, Rate: 1000},
	}
	sc.Sysctl["net.core.somaxconn"] = "4096"
	sc.Listeners = []Listener{
		{Port: 22, Comm: "sshd", PID: 1020, Backlog: 128},
		{Port: 80, Comm: "nginx", PID: 2210, Backlog: 511, Queue: [2]int{512, 512}},
		{Port: 443, Comm: "nginx", PID: 2210, Backlog: 511, Queue: [2]int{0, 4}},
	}
	sc.Expect.Findings = []ExpectFinding{{Check: chkListen, Subject: listenSubject, Severity: sevCritical}}
	return sc
}

func sosListenFull() Scenario {
	sc := rhel94.host(Scenario{
		Name:        "sos-listen-full",
		Description: "One sos 4.7.2 sosreport of a RHEL 9.4 web server (4 cores x 2 threads, ixgbe eth0) whose nginx accept queue on port 80 is full: ss -peaonmi shows Recv-Q 129 at Send-Q 128 (nginx asked for listen(fd, 128) while net.core.somaxconn is 4096), and TcpExt ListenOverflows reads 48,210 since boot (ListenDrops 48,222).",
		NearMiss:    "From one sample the overflows are since boot: tcp-listen-overflow gives a notice that names the nginx listener on port 80 (its queue at its backlog) and blames the application's backlog, not somaxconn; sshd's empty queue is not named. stack-drops is not-evaluated: the 12 ListenDrops beyond the overflows are under 500 since boot.",
		Bundle:      BundleSosreport,
		Sos:         "4.7.2",
		SosPID:      88120,
		Hostname:    "web-7",
		Times:       []time.Time{at(time.May, 21, 16, 2, 40)},
		Uptime:      9*24*time.Hour + 3*time.Hour,
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Silver 4215R CPU @ 3.20GHz", MHz: 3200, Sockets: 1, CoresPerSocket: 4, ThreadsPerCore: 2},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", DriverVersion: "5.14.0-427.13.1.el9_4.x86_64", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 72, Queues: queuesOn("eth0", seq(0, 3), 3000)},
		},
		Irqbalance: Irqbalance{Installed: true, Running: true},
		Procs: []Proc{
			{PID: 2210, PPID: 1, Comm: "nginx", Args: []string{"nginx:", "master", "process", "/usr/sbin/nginx"}, VSZKB: 120300, RSSKB: 10200, Threads: []Thread{{CPU: 5, Busy: 0.3}}},
		},
		NetStat: map[string]Counter{
			"TcpExt.ListenOverflows": {Start: 48210},
			"TcpExt.ListenDrops":     {Start: 48222},
		},
		Sysctl: map[string]string{"net.core.somaxconn": "4096"},
		Listeners: []Listener{
			{Port: 22, Comm: "sshd", PID: 1020, Backlog: 128},
			{IPv6: true, Port: 22, Comm: "sshd", PID: 1020, Backlog: 128},
			{Port: 80, Comm: "nginx", PID: 2210, Backlog: 128, Queue: [2]int{129, 129}},
		},
	})
	sc.Expect = Expect{
		Findings:    []ExpectFinding{{Check: chkListen, Subject: listenSubject, Severity: sevNotice}},
		Verdicts:    Verdicts{chkListen: vFail, chkStack: vNotEv, chkUDPRcvbuf: vNotEv, chkConcentration: vPass},
		InputsNotOK: threadsMissing,
	}
	return sc
}

func listenDropsOnly() Scenario {
	sc := healthyWith("listen-drops-only",
		"healthy-2socket-ht where TcpExt ListenDrops grows by 2/s (SYNs to listeners dropped for other reasons, such as a full SYN queue or a missing route back) while ListenOverflows stays flat.",
		"tcp-listen-overflow passes: ListenDrops alone is not an accept-queue overflow. The drops are still lost connections: stack-drops warns (growth, under 10/s), so no loss passes silently.",
		Verdicts{chkStack: vFail})
	sc.NetStat = map[string]Counter{
		"TcpExt.ListenOverflows": {Start: 310, Rate: 0},
		"TcpExt.ListenDrops":     {Start: 912, Rate: 2},
	}
	sc.Expect.Findings = []ExpectFinding{{Check: chkStack, Subject: stackSubject, Severity: sevWarning}}
	return sc
}

func tcpBacklogDrop() Scenario {
	sc := healthyWith("tcp-backlog-drop",
		"healthy-2socket-ht whose busy TCP receivers drop segments at their socket backlogs: TcpExt TCPBacklogDrop grows by 400/s (the application holds its sockets while data arrives faster than the receive plus send buffer can queue), and TCPOFODrop by 20/s; every NIC and softnet counter stays clean.",
		"Only stack-drops fires, critical above 10/s: before it, this loss passed silently (no NIC, softnet or listen counter grows).",
		Verdicts{chkStack: vFail})
	sc.NetStat = map[string]Counter{
		"TcpExt.TCPBacklogDrop": {Start: 22041, Rate: 400},
		"TcpExt.TCPOFODrop":     {Start: 1180, Rate: 20},
	}
	sc.Expect.Findings = []ExpectFinding{{Check: chkStack, Subject: stackSubject, Severity: sevCritical}}
	return sc
}

func udpNoPorts() Scenario {
	sc := healthyWith("udp-noports",
		"healthy-2socket-ht receiving 40 UDP datagrams/s for a port nothing listens on (Udp NoPorts grows; a monitoring agent sends to a collector that is not running here), while RcvbufErrors and InErrors stay flat.",
		"Refused datagrams are not losses of wanted traffic: stack-drops gives only a notice, and udp-rcvbuf-errors passes; the loss ledger shows NoPorts as not added.",
		Verdicts{chkStack: vFail})
	sc.NetStat = map[string]Counter{
		"Udp.NoPorts": {Start: 88120, Rate: 40},
	}
	sc.Expect.Findings = []ExpectFinding{{Check: chkStack, Subject: stackSubject, Severity: sevNotice}}
	return sc
}

func udpRcvbuf() Scenario {
	sc := healthyWith("udp-rcvbuf",
		"healthy-2socket-ht receiving syslog over UDP faster than the reader drains it: Udp RcvbufErrors and InErrors grow by 50,000/s against 200,000 datagrams/s delivered, with net.core.rmem_max at the 212,992 default.",
		"Only udp-rcvbuf-errors fires, critical (above 100/s and 1 % of datagrams); InErrors is not added to RcvbufErrors.",
		Verdicts{chkUDPRcvbuf: vFail})
	sc.NetStat = map[string]Counter{
		"Udp.RcvbufErrors": {Start: 9120443, Rate: 50000},
		"Udp.InErrors":     {Start: 9120501, Rate: 50000},
		"Udp.InDatagrams":  {Start: 8812004112, Rate: 200000},
	}
	sc.Sysctl["net.core.rmem_max"] = "212992"
	sc.Expect.Findings = []ExpectFinding{{Check: chkUDPRcvbuf, Subject: udpSubject, Severity: sevCritical}}
	return sc
}

func udpCsumOnly() Scenario {
	sc := healthyWith("udp-csum-only",
		"healthy-2socket-ht where Udp InErrors grows by 3/s, all of it InCsumErrors (datagrams with bad checksums), while RcvbufErrors stays flat.",
		"udp-rcvbuf-errors passes: InErrors includes checksum errors, which are not a buffer problem. stack-drops gives a notice: damaged datagrams the kernel rightly refuses, whose cause is on the link or a peer.",
		Verdicts{chkStack: vFail})
	sc.NetStat = map[string]Counter{
		"Udp.InErrors":     {Start: 4410, Rate: 3},
		"Udp.InCsumErrors": {Start: 4410, Rate: 3},
	}
	sc.Expect.Findings = []ExpectFinding{{Check: chkStack, Subject: stackSubject, Severity: sevNotice}}
	return sc
}

// Check IDs of the budget and MTU checks.
const (
	chkSqueeze    = "softirq-budget-squeeze"
	chkMTU        = "mtu-mismatch"
	budgetSubject = "netdev_budget"
	mtuSubject    = "mtu"
)

// squeezeNotice declares softnet-squeeze-only's squeeze notice: time_squeeze
// grows on every queue CPU while the NIC loses nothing.
func squeezeNotice(sc *Scenario) {
	sc.Expect.Findings = append(sc.Expect.Findings, ExpectFinding{Check: chkSqueeze, Subject: budgetSubject, CPUs: seq(0, 7), Severity: sevNotice})
	sc.Expect.Verdicts[chkSqueeze] = vFail
}

// eth0Overflow makes healthy-2socket-ht's eth0 drop 500 frames/s at its
// ring (rx_missed_errors), about 0.2 % of its packets.
func eth0Overflow(sc *Scenario) {
	sc.NICs = append([]NIC(nil), sc.NICs...)
	eth0 := sc.NICs[1]
	eth0.Stats = map[string]Counter{"rx_missed_errors": {Start: 881204, Rate: 500}}
	sc.NICs[1] = eth0
	sc.Expect.Findings = append(sc.Expect.Findings, ExpectFinding{Check: chkFifo, Subject: "eth0", Severity: sevWarning})
	sc.Expect.Verdicts[chkFifo] = vFail
}

func squeezeRingOverflow() Scenario {
	sc := healthyWith("squeeze-ring-overflow",
		"healthy-2socket-ht where eth0 drops 500 frames/s at its ring (rx_missed_errors, about 0.2 % of its packets) while time_squeeze grows 30-37/s on CPUs 0-7, the CPUs that service its queues: the NET_RX budget runs out while the ring overflows.",
		"softirq-budget-squeeze warns (squeeze with the polled NIC losing frames), next to nic-rx-fifo-missed's warning; eth1's CPUs do not squeeze.",
		Verdicts{chkSqueeze: vFail})
	sc.Softnet = map[int]Softnet{}
	for c := 0; c < 8; c++ {
		sc.Softnet[c] = Softnet{Squeeze: Counter{Start: float64(41200 + 311*c), Rate: 30 + float64(c)}}
	}
	eth0Overflow(&sc)
	sc.Expect.Findings = append(sc.Expect.Findings, ExpectFinding{Check: chkSqueeze, Subject: budgetSubject, CPUs: seq(0, 7), Severity: sevWarning})
	return sc
}

func ringOverflowNoSqueeze() Scenario {
	sc := healthyWith("ring-overflow-no-squeeze",
		"healthy-2socket-ht where eth0 drops 500 frames/s at its ring (rx_missed_errors) but time_squeeze does not grow on any CPU.",
		"softirq-budget-squeeze passes: the ring overflows for another reason (its size, the CPU's speed), not the budget; nic-rx-fifo-missed warns.",
		Verdicts{chkSqueeze: vPass})
	eth0Overflow(&sc)
	return sc
}

func reasmFails() Scenario {
	sc := healthyWith("reasm-fails",
		"healthy-2socket-ht receiving fragmented UDP over a path with a smaller MTU: Ip ReasmReqds grows 4,000/s and ReasmFails 40/s as fragments go missing.",
		"Only mtu-mismatch fires (a warning on the reassembly failures).",
		Verdicts{chkMTU: vFail})
	sc.NetStat = map[string]Counter{
		"Ip.ReasmReqds": {Start: 9120443, Rate: 4000},
		"Ip.ReasmOKs":   {Start: 4540112, Rate: 1980},
		"Ip.ReasmFails": {Start: 40113, Rate: 40},
	}
	sc.Expect.Findings = []ExpectFinding{{Check: chkMTU, Subject: mtuSubject, Severity: sevWarning}}
	return sc
}

func fragFailsOnly() Scenario {
	sc := healthyWith("frag-fails-only",
		"healthy-2socket-ht sending datagrams larger than the MTU with DF set: Ip FragFails grows 5/s, while nothing received fails reassembly.",
		"mtu-mismatch passes: FragFails counts packets this host could not send, not receive-path loss.",
		Verdicts{chkMTU: vPass})
	sc.NetStat = map[string]Counter{"Ip.FragFails": {Start: 1204, Rate: 5}}
	return sc
}

// Check IDs of the memory and neighbour-table checks.
const (
	chkTCPMem     = "tcp-memory-pressure"
	chkNeigh      = "neighbour-table-overflow"
	tcpMemSubject = "tcp_mem"
	neighSubject  = "neighbour"
)

func tcpMemPressure() Scenario {
	sc := healthyWith("tcp-mem-pressure",
		"healthy-2socket-ht whose TCP buffers hold 260,000 pages, above net.ipv4.tcp_mem's pressure value (190000 253000 380000): TcpExt RcvPruned grows 150/s and TCPMemoryPressures 0.4/s as the kernel prunes receive queues.",
		"Only tcp-memory-pressure fires, a warning (above pressure, below 85 % of the limit).",
		Verdicts{chkTCPMem: vFail})
	sc.Sysctl["net.ipv4.tcp_mem"] = "190000\t253000\t380000"
	sc.SockstatTCPMem = 260000
	sc.NetStat = map[string]Counter{
		"TcpExt.RcvPruned":          {Start: 882011, Rate: 150},
		"TcpExt.PruneCalled":        {Start: 990120, Rate: 160},
		"TcpExt.TCPMemoryPressures": {Start: 3120, Rate: 0.4},
	}
	sc.Expect.Findings = []ExpectFinding{{Check: chkTCPMem, Subject: tcpMemSubject, Severity: sevWarning}}
	return sc
}

func tcpMemBelowPressure() Scenario {
	sc := healthyWith("tcp-mem-below-pressure",
		"healthy-2socket-ht whose TCP buffers hold 200,000 pages: above tcp_mem's low value (190000 253000 380000) but below its pressure value, nothing pruned.",
		"tcp-memory-pressure passes: the kernel only starts pruning at the pressure value.",
		nil)
	sc.Sysctl["net.ipv4.tcp_mem"] = "190000\t253000\t380000"
	sc.SockstatTCPMem = 200000
	return sc
}

func neighTableFull() Scenario {
	sc := healthyWith("neigh-table-full",
		"healthy-2socket-ht on a flat network with about a thousand peers: the ARP table holds 1,000 entries against gc_thresh3 1,024 (the kernel default), table_fulls grows 12/s and the kernel logs \"neighbor table overflow!\".",
		"Only neighbour-table-overflow fires, critical.",
		Verdicts{chkNeigh: vFail})
	sc.ARPStat = map[string]Counter{
		"entries":        {Start: 1000},
		"forced_gc_runs": {Start: 88120, Rate: 40},
		"table_fulls":    {Start: 20112, Rate: 12},
	}
	sc.KernelLog = []string{"[94190.112004] neighbour: arp_cache: neighbor table overflow!"}
	sc.Expect.Findings = []ExpectFinding{{Check: chkNeigh, Subject: neighSubject, Severity: sevCritical}}
	return sc
}

func neighAboveThresh1() Scenario {
	sc := healthyWith("neigh-above-thresh1",
		"healthy-2socket-ht whose ARP table holds 400 entries: above gc_thresh1 (128), where periodic garbage collection starts, below gc_thresh2 (512); nothing overflowed.",
		"neighbour-table-overflow passes: below gc_thresh2 the table is managed normally.",
		nil)
	sc.ARPStat = map[string]Counter{"entries": {Start: 400}}
	return sc
}

func podListenOverflow() Scenario {
	sc := softnetDrops()
	sc.Name = "pod-listen-overflow"
	sc.Description = "softnet-drops' Docker host where the node.js container (PID 4410, its own network namespace net:[4026532512]) overflows its accept queue: the namespace's TcpExt ListenOverflows grows 200/s while the host's own counters stay flat."
	sc.NearMiss = "tcp-listen-overflow fires for the container's namespace and names it, with its listener on port 3000 (its /proc/4410/net/tcp queue at 512 in both samples); the host's namespace passes, and the backlog drops stay softnet-backlog-drops' finding."
	sc.PodNetNS = &PodNetNS{Inode: 4026532512, PIDs: []int{4410}, NetStat: map[string]Counter{
		"TcpExt.ListenOverflows": {Start: 88120, Rate: 200},
		"TcpExt.ListenDrops":     {Start: 88120, Rate: 200},
	}, Listeners: []Listener{{Port: 3000, Comm: "node", PID: 4410, Backlog: 511, Queue: [2]int{512, 512}}}}
	sc.Expect.Findings = append(sc.Expect.Findings, ExpectFinding{Check: chkListen, Subject: "netns net:[4026532512]", Severity: sevCritical})
	sc.Expect.Verdicts = maps.Clone(sc.Expect.Verdicts)
	sc.Expect.Verdicts[chkListen] = vFail
	return sc
}

func podUDP6Rcvbuf() Scenario {
	sc := softnetDrops()
	sc.Name = "pod-udp6-rcvbuf"
	sc.Description = "softnet-drops' Docker host where the envoy container (PID 4702, its own network namespace net:[4026532513]) proxies UDP over IPv6 and falls behind: the namespace's Udp6RcvbufErrors and Udp6InErrors grow 300/s of 5,000 datagrams/s while its IPv4 counters and the host's own stay flat."
	sc.NearMiss = "udp-rcvbuf-errors fires for the container's namespace and names it, from its /proc/4702/net/snmp6 alone; stack-drops passes the namespace (its Udp6InErrors are all receive-buffer errors, udp-rcvbuf-errors' to judge), and the backlog drops stay softnet-backlog-drops' finding."
	sc.PodNetNS = &PodNetNS{Inode: 4026532513, PIDs: []int{4702}, SNMP6: map[string]Counter{
		"Udp6InDatagrams":  {Start: 2.5e8, Rate: 5000},
		"Udp6InErrors":     {Start: 61200, Rate: 300},
		"Udp6RcvbufErrors": {Start: 61200, Rate: 300},
	}}
	sc.Expect.Findings = append(sc.Expect.Findings, ExpectFinding{Check: chkUDPRcvbuf, Subject: "netns net:[4026532513]", Severity: sevCritical})
	sc.Expect.Verdicts = maps.Clone(sc.Expect.Verdicts)
	sc.Expect.Verdicts[chkUDPRcvbuf] = vFail
	return sc
}
