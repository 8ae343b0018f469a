package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/host"
)

// Hand-built inputs for the golden, hostile, determinism and benchmark
// tests. They look like what source and the checks produce for real hosts
// (the checks' classic examples), but are written out so a diff is readable.

var (
	t0       = time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC)
	bootTime = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	genTime  = time.Date(2024, 3, 5, 10, 12, 0, 0, time.UTC)
)

func meta(cmd string) Meta {
	return Meta{Tool: "netdoctor", Version: "0.1.0", Generated: genTime, Command: cmd, FailOn: "warning"}
}

// registry is a stand-in for checks.Registry: the report only reads ID,
// Title and Severity, and its golden files must not change when a check is
// added.
var registry = []*checks.Check{
	{ID: "irq-concentration", Title: "Queue IRQs of one NIC concentrated on one CPU", Severity: checks.Critical},
	{ID: "nic-numa-remote", Title: "NIC queues serviced on a remote NUMA node", Severity: checks.Warning},
	{ID: "softnet-backlog-drops", Title: "Softnet backlog drops or budget squeeze", Severity: checks.Warning},
	{ID: "nic-rx-fifo-missed", Title: "NIC receive FIFO overruns or missed packets", Severity: checks.Warning},
	{ID: "irq-ht-siblings", Title: "Hyperthread siblings both service queue IRQs", Severity: checks.Notice},
	{ID: "tcp-tw-recycle-nat", Title: "tcp_tw_recycle enabled behind NAT", Severity: checks.Critical},
	{ID: "app-on-irq-cpus", Title: "Busy application threads on IRQ-heavy CPUs", Severity: checks.Warning},
}

func check(id string) *checks.Check {
	for _, c := range registry {
		if c.ID == id {
			return c
		}
	}
	panic("no check " + id)
}

func boolp(b bool) *bool { return &b }

// snapshot is an 8-CPU, 2-node host with SMT (siblings n and n+4), eth0
// (ixgbe, node 0, 4 combined queues on IRQs 120-123) and lo.
func snapshot(name string, at time.Time, source string, effective [4][]int) *host.Snapshot {
	s := &host.Snapshot{
		Time: at, Source: source, Origin: "/var/tmp/" + name + ".tar.gz",
		Hostname: name, Kernel: "5.14.0-362.8.1.el9_3.x86_64", Arch: "x86_64",
		BootTime: bootTime,
	}
	s.Topology.Online = []int{0, 1, 2, 3, 4, 5, 6, 7}
	s.Topology.SMTActive = boolp(true)
	for c := 0; c < 8; c++ {
		s.Topology.CPUs = append(s.Topology.CPUs, host.CPU{
			ID: c, Online: true, Package: c / 4, Die: 0, Core: c % 2, Node: c / 4,
			Siblings: []int{c &^ 1, c | 1},
		})
	}
	s.Topology.Nodes = []host.Node{{ID: 1, CPUs: []int{4, 5, 6, 7}}, {ID: 0, CPUs: []int{0, 1, 2, 3}}}
	s.Interrupts.CPUs = s.Topology.Online
	eth0 := host.NIC{
		Name: "eth0", Kind: "physical", Device: "0000:3b:00.0", PCI: "0000:3b:00.0",
		Driver: "ixgbe", NUMANode: 0, Speed: 10000, QueueMap: "msi_irqs",
	}
	for q := 0; q < 4; q++ {
		irq := 120 + q
		eth0.Queues = append(eth0.Queues, host.Queue{Index: q, Dir: host.DirCombined, IRQ: irq, Name: fmt.Sprintf("eth0-TxRx-%d", q)})
		s.Interrupts.IRQs = append(s.Interrupts.IRQs, host.IRQ{
			Num: irq, Chip: "IR-PCI-MSI", Actions: []string{fmt.Sprintf("eth0-TxRx-%d", q)},
			Affinity: []int{0, 1, 2, 3}, Effective: effective[q], Node: 0,
		})
	}
	s.NICs = []host.NIC{{Name: "lo", Kind: "loopback", NUMANode: -1, Speed: -1}, eth0}
	for _, in := range []string{host.InputUname, host.InputHostname, host.InputStat, host.InputCPUTopology,
		host.InputNUMANodes, host.InputInterrupts, host.InputIRQAffinity, host.InputSoftirqs,
		host.InputSoftnet, host.InputNetDev, host.InputSysctl, host.InputNICs, host.InputProcesses} {
		s.Inputs = append(s.Inputs, host.Input{Name: in, Status: host.StatusOK, Path: "proc/" + in})
	}
	s.Inputs = append(s.Inputs,
		host.Input{Name: host.InputEthtoolStats, Subject: "eth0", Status: host.StatusOK, Path: "sos_commands/networking/ethtool_-S_eth0"},
		host.Input{Name: host.InputEthtoolRing, Subject: "eth0", Status: host.StatusOK, Path: "sos_commands/networking/ethtool_-g_eth0"})
	return s
}

// concentration: two samples 5 s apart; eth0's four queues all on CPU0,
// CPU0 dropping; a redis thread on CPU0.
func concentration() (*host.Pair, []checks.Outcome, rates, Meta) {
	cpu0 := [4][]int{{0}, {0}, {0}, {0}}
	a := snapshot("web01", t0, "collect", cpu0)
	b := snapshot("web01", t0.Add(5*time.Second), "collect", cpu0)
	b.Inputs[len(b.Inputs)-1] = host.Input{Name: host.InputEthtoolRing, Subject: "eth0", Status: host.StatusInvalid,
		Path: "sos_commands/networking/ethtool_-g_eth0", Reason: `line 3: "Cannot get device ring settings: Operation not supported"`}
	for _, s := range []*host.Snapshot{a, b} {
		s.Inputs = append(s.Inputs, host.Input{Name: host.InputIrqbalance, Status: host.StatusMissing,
			Path: "etc/sysconfig/irqbalance", Reason: "no such file"})
	}
	p := &host.Pair{Before: a, After: b, Interval: 5 * time.Second}

	conc := checks.Finding{
		Check: "irq-concentration", Severity: checks.Critical, Confidence: checks.High, Score: 92,
		Subject: "eth0", NIC: "eth0", CPUs: []int{0},
		Title:   "Queue IRQs of one NIC concentrated on one CPU",
		Summary: "All 4 active queue IRQs of eth0 (120-123) are serviced by CPU0, which drops packets.",
		Evidence: []checks.Figure{
			{Name: "active queue IRQs on CPU0", Value: "4 of 4", Threshold: ">= 2 and >= half", Window: "5.0 s interval"},
			{Name: "interrupts/s on CPU0 (eth0)", Value: "84,210/s", Threshold: ">= 80,000/s", Window: "5.0 s interval"},
			{Name: "softnet dropped on CPU0", Value: "1,020/s", Threshold: "> 0", Window: "5.0 s interval"},
			{Name: "irqbalance", Value: "not running", Window: "configuration"},
		},
		Explanation: "CPU0 runs every hard IRQ, NAPI poll and backlog of eth0 while CPUs 1-3 on the same node service none.\n\n" +
			"Spreading the queues one per physical core on node 0 removes the bottleneck.",
		Commands: []checks.Command{
			{Run: "systemctl stop irqbalance", Kind: checks.Change, Why: "stop irqbalance so that it does not move the IRQs back", NeedsRoot: true,
				Caveats: []string{"On a general-purpose host, systemctl enable --now irqbalance alone may be the simpler fix."}},
			{Run: `for p in 120:2 121:1 122:3 123:0; do echo "${p#*:}" > "/proc/irq/${p%:*}/smp_affinity_list"; done`,
				Kind: checks.Change, Why: "pin each eth0 queue IRQ to its own core on node 0", NeedsRoot: true,
				Caveats: []string{
					`If the write fails with "Input/output error" the IRQ is managed by the kernel: change the queue count with ethtool -L.`,
					"Driver resets and ethtool -L re-request the vectors: re-apply afterwards.",
				}},
			{Run: "cat /proc/irq/120/effective_affinity_list; grep -F -- eth0 /proc/interrupts",
				Kind: checks.Verify, Why: "check that each IRQ now lands on its new CPU"},
			{Run: "set_irq_affinity local eth0", Kind: checks.Option, NeedsRoot: true,
				Why: "instead of the manual placement: Intel's script from the driver sources places the queues on the NIC's node"},
			{Run: "printf '%s\\n' 'IRQBALANCE_BANNED_CPULIST=0' >> /etc/sysconfig/irqbalance && systemctl restart irqbalance",
				Kind: checks.Change, Why: "keep irqbalance off CPU0 across reboots", NeedsRoot: true, Persistent: true,
				Caveats: []string{"Older irqbalance releases read IRQBALANCE_BANNED_CPUS (a hex mask) instead."}},
		},
	}
	drops := checks.Finding{
		Check: "softnet-backlog-drops", Severity: checks.Warning, Confidence: checks.Medium, Score: 60,
		Subject: "CPU0", CPUs: []int{0},
		Title:   "Softnet backlog drops or budget squeeze",
		Summary: "CPU0 dropped 5,100 packets from its backlog in 5.0 s; it is the CPU eth0 concentrates on.",
		Evidence: []checks.Figure{
			{Name: "softnet dropped (CPU0)", Value: "5,100", Threshold: "> 0", Window: "5.0 s interval"},
			{Name: "net.core.netdev_max_backlog", Value: "1000", Window: "configuration"},
		},
		Explanation: "Fix the concentration first: the drops are its symptom.",
		Commands: []checks.Command{
			{Run: "sysctl -w net.core.netdev_max_backlog=2000", Kind: checks.Change, Why: "double the backlog", NeedsRoot: true},
			{Run: "printf '%s\\n' 'net.core.netdev_max_backlog = 2000' > /etc/sysctl.d/90-netdoctor.conf && sysctl --system",
				Kind: checks.Change, Why: "keep the larger backlog across reboots", NeedsRoot: true, Persistent: true,
				Caveats: []string{"/etc/sysctl.conf is applied last: remove contradicting lines there."}},
		},
	}
	app := checks.Finding{
		Check: "app-on-irq-cpus", Severity: checks.Notice, Confidence: checks.Medium, Score: 30,
		Subject: "redis-server", CPUs: []int{0}, PIDs: []int{4972},
		Title:   "Busy application threads on IRQ-heavy CPUs",
		Summary: "redis-server (PID 4972) used 35 % of CPU0, which services eth0's queues.",
		Evidence: []checks.Figure{
			{Name: "CPU use of redis-server on CPU0", Value: "35 %", Threshold: ">= 10 %", Window: "5.0 s interval"},
		},
		Commands: []checks.Command{
			{Run: "taskset -acp 1-3 4972", Kind: checks.Change, Why: "move redis-server's threads off CPU0", NeedsRoot: true},
			{Run: "numactl --cpunodebind=0 --membind=0 <command>", Kind: checks.Option, Persistent: true,
				Why:     "start redis-server on node 0 with its memory there",
				Caveats: []string{"Replace <command> with the service's command line."}},
		},
	}
	outs := []checks.Outcome{
		{Check: check("irq-concentration"), Verdict: checks.Fail, Findings: []checks.Finding{conc}},
		{Check: check("nic-numa-remote"), Verdict: checks.Pass},
		{Check: check("softnet-backlog-drops"), Verdict: checks.Fail, Findings: []checks.Finding{drops}},
		{Check: check("nic-rx-fifo-missed"), Verdict: checks.Pass},
		{Check: check("irq-ht-siblings"), Verdict: checks.Pass},
		{Check: check("tcp-tw-recycle-nat"), Verdict: checks.NotApplicable, Reason: "net.ipv4.tcp_tw_recycle is absent (removed in Linux 4.12)"},
		{Check: check("app-on-irq-cpus"), Verdict: checks.Fail, Findings: []checks.Finding{app}},
	}
	loads := rates{
		Window: "5.0 s interval",
		CPUs: []CPULoad{
			{CPU: 0, IRQPerS: 86500.4, NetRXPerS: 61000, DropsPerS: 1020, SqueezePerS: 35.2, NICIRQPerS: 84210},
			{CPU: 1, IRQPerS: 1200, NetRXPerS: 15},
			{CPU: 4, IRQPerS: 950.06},
		},
		Queues: map[string][]queueRate{"eth0": {
			{Index: 0, Dir: "combined", IRQ: 120, RatePerS: 21100},
			{Index: 1, Dir: "combined", IRQ: 121, RatePerS: 20950.5},
			{Index: 2, Dir: "combined", IRQ: 122, RatePerS: 21080},
			{Index: 3, Dir: "combined", IRQ: 123, RatePerS: 21079.5},
		}},
	}
	return p, outs, loads, meta("netdoctor report --interval 5s --fail-on warning /var/tmp/web01.tar.gz")
}

// clean: two samples of a tuned host; every check passes or does not apply.
func clean() (*host.Pair, []checks.Outcome, rates, Meta) {
	spread := [4][]int{{0}, {1}, {2}, {3}}
	a := snapshot("db02", t0, "live", spread)
	b := snapshot("db02", t0.Add(10*time.Second), "live", spread)
	a.Origin, b.Origin = "/", "/"
	outs := make([]checks.Outcome, 0, len(registry))
	for _, c := range registry {
		o := checks.Outcome{Check: c, Verdict: checks.Pass}
		if c.ID == "tcp-tw-recycle-nat" {
			o.Verdict, o.Reason = checks.NotApplicable, "net.ipv4.tcp_tw_recycle is absent (removed in Linux 4.12)"
		}
		outs = append(outs, o)
	}
	loads := rates{Window: "10.0 s interval", Queues: map[string][]queueRate{"eth0": {
		{Index: 0, IRQ: 120, RatePerS: 5000}, {Index: 1, IRQ: 121, RatePerS: 4800},
		{Index: 2, IRQ: 122, RatePerS: 5100}, {Index: 3, IRQ: 123, RatePerS: 4950},
	}}}
	for c := 0; c < 4; c++ {
		loads.CPUs = append(loads.CPUs, CPULoad{CPU: c, IRQPerS: 5200, NetRXPerS: 4900, NICIRQPerS: 5000})
	}
	return p2(a, b, 10*time.Second), outs, loads, meta("netdoctor report --interval 10s")
}

func p2(a, b *host.Snapshot, d time.Duration) *host.Pair {
	return &host.Pair{Before: a, After: b, Interval: d}
}

// single: one sosreport; growth checks are not evaluated, the affinity
// files show the concentration, since-boot drops give a notice.
func single() (*host.Pair, []checks.Outcome, rates, Meta) {
	s := snapshot("app03.example.com", t0, "sosreport", [4][]int{{0}, {0}, {0}, {0}})
	s.Origin = "/tmp/sosreport-app03-2024-03-05-abcdef.tar.xz"
	s.Topology.SMTActive = nil
	s.Inputs = append(s.Inputs,
		host.Input{Name: host.InputThreads, Status: host.StatusMissing, Reason: "a sosreport has no per-thread placement"},
		host.Input{Name: host.InputEthtoolChan, Subject: "eth0", Status: host.StatusUnreadable,
			Path: "sos_commands/networking/ethtool_-l_eth0", Reason: "permission denied"})
	conc := checks.Finding{
		Check: "irq-concentration", Severity: checks.Warning, Confidence: checks.Medium, Score: 70,
		Subject: "eth0", NIC: "eth0", CPUs: []int{0},
		Summary: "The effective affinity of all 4 queue IRQs of eth0 (120-123) is CPU0.",
		Evidence: []checks.Figure{
			{Name: "queue IRQs with effective_affinity_list = 0", Value: "4 of 4", Threshold: ">= 2", Window: "configuration"},
			{Name: "interrupts on CPU0 (eth0)", Value: "99.8 %", Threshold: ">= 95 %", Window: "since boot (4d 2h)"},
		},
		Explanation: "A single sample cannot show the current rate; the affinity files show where the IRQs go now.",
		Commands: []checks.Command{
			{Run: `for p in 120:1 121:2 122:3 123:1; do echo "${p#*:}" > "/proc/irq/${p%:*}/smp_affinity_list"; done`,
				Kind: checks.Change, Why: "pin each eth0 queue IRQ to its own core on node 0", NeedsRoot: true},
		},
	}
	drops := checks.Finding{
		Check: "softnet-backlog-drops", Severity: checks.Notice, Confidence: checks.Low, Score: 20,
		Subject: "CPU0", CPUs: []int{0},
		Summary:  "CPU0 dropped 48,112 packets since boot; one sample cannot tell whether it still does.",
		Evidence: []checks.Figure{{Name: "softnet dropped (CPU0)", Value: "48,112", Threshold: "> 0", Window: "since boot (4d 2h)"}},
	}
	outs := []checks.Outcome{
		{Check: check("irq-concentration"), Verdict: checks.Fail, Findings: []checks.Finding{conc}},
		{Check: check("nic-numa-remote"), Verdict: checks.Pass},
		{Check: check("softnet-backlog-drops"), Verdict: checks.Fail, Findings: []checks.Finding{drops}},
		{Check: check("nic-rx-fifo-missed"), Verdict: checks.NotEvaluated, Reason: "single sample: FIFO growth needs two samples"},
		{Check: check("irq-ht-siblings"), Verdict: checks.NotEvaluated, Reason: "SMT state unknown"},
		{Check: check("tcp-tw-recycle-nat"), Verdict: checks.Pass},
		{Check: check("app-on-irq-cpus"), Verdict: checks.NotEvaluated, Reason: "single sample and no per-thread data"},
	}
	loads := rates{Window: "since boot", CPUs: []CPULoad{{CPU: 0, IRQPerS: 310.5, NetRXPerS: 280, DropsPerS: 0.1, NICIRQPerS: 300}}}
	return &host.Pair{After: s}, outs, loads, meta("netdoctor report /tmp/sosreport-app03-2024-03-05-abcdef.tar.xz")
}

// hostile: every untrusted text holds markup, links, fences or line breaks.
const (
	hostileProc     = "<img src=x onerror=alert(1)>"
	hostileIface    = "a|b`c"
	hostileHost     = "[x](javascript:alert(1))"
	hostileCmdline  = "/usr/bin/app --x\n## injected heading\n```\n<script>alert(2)</script>"
	hostileURL      = "see http://evil.example/x and www.evil.example @admins #1"
	hostileControls = "bell\a esc\x1b[31m rlo\u202egnp.exe nul\x00 sep\u2028end bad\xff"
)

func hostile() (*host.Pair, []checks.Outcome, rates, Meta) {
	s := snapshot(hostileHost, t0, "sosreport", [4][]int{{0}, {0}, {0}, {0}})
	s.Kernel = "5.14 *bold* _it_ ~~s~~"
	s.Virtualization = "<b>kvm</b>"
	s.NICs[1].Name = hostileIface
	s.NICs[1].Driver = "<i>drv</i>"
	s.NICs[1].PCI = "0000:3b:00.0|x"
	// Loss rows whose subjects are hostile: a NIC and a namespace.
	s.NICs[1].Stats = map[string]uint64{"rx_missed_errors": 12, "rx_packets": 1000}
	s.Namespaces = []host.NetNamespace{{Name: hostileCmdline, NetStats: map[string]map[string]int64{"TcpExt": {"ListenOverflows": 5, "ListenDrops": 5}}}}
	s.Origin = "/tmp/" + hostileCmdline
	s.Inputs = append(s.Inputs, host.Input{Name: host.InputEthtoolStats, Subject: hostileIface, Status: host.StatusInvalid,
		Path: "sos_commands/networking/ethtool_-S_" + hostileIface, Reason: hostileProc + " | " + hostileURL})
	f := checks.Finding{
		Check: "app-on-irq-cpus", Severity: checks.Warning, Confidence: checks.Medium, Score: 50,
		Subject: hostileProc, NIC: hostileIface, CPUs: []int{0}, PIDs: []int{666},
		Title:   "- list? " + hostileProc,
		Summary: "# " + hostileProc + " ran on CPU0; cmdline " + hostileCmdline,
		Evidence: []checks.Figure{
			{Name: hostileIface, Value: hostileProc, Threshold: hostileHost, Window: hostileCmdline},
			{Name: "controls", Value: hostileControls, Threshold: hostileURL, Window: "1. not a list"},
		},
		Explanation: "1. " + hostileCmdline + "\n\n> quote " + hostileHost + "\n\n    indented " + hostileURL,
		Commands: []checks.Command{
			{Run: "taskset -acp 1-3 666 # was run as: ```", Kind: checks.Change, Why: "move " + hostileProc + "\nrm -rf / " + hostileCmdline, NeedsRoot: true,
				Caveats: []string{"- " + hostileProc, hostileHost + "\n```\n## caveat heading"}},
			{Run: "ethtool -L '" + hostileIface + "' combined 4", Kind: checks.Change, Why: "``````` fence " + hostileIface, Persistent: true,
				Caveats: []string{hostileControls}},
			{Run: "echo hidden\x1b[2K\rrm -rf /", Kind: checks.Change, Why: "a command with control characters", NeedsRoot: true},
			{Run: "cat <<'EOF'\n```\n## not a heading\n````\nEOF", Kind: checks.Change, Why: "a command whose lines are fences"},
		},
	}
	outs := []checks.Outcome{
		{Check: check("app-on-irq-cpus"), Verdict: checks.Fail, Findings: []checks.Finding{f}},
		{Check: check("irq-concentration"), Verdict: checks.NotEvaluated, Reason: hostileHost + " | " + hostileCmdline},
		{Check: &checks.Check{ID: hostileIface, Title: hostileProc, Severity: checks.Notice}, Verdict: checks.Error, Reason: hostileControls},
	}
	m := meta("netdoctor report " + hostileCmdline)
	m.Tool = hostileProc
	m.Version = hostileURL
	return &host.Pair{After: s}, outs, rates{Window: hostileURL}, m
}

// big is a 512-CPU, 8-node host with 8 NICs of 64 queues and 50 findings,
// for the benchmarks.
func big() (*host.Pair, []checks.Outcome, rates, Meta) {
	mk := func(at time.Time) *host.Snapshot {
		s := &host.Snapshot{Time: at, Source: "live", Origin: "/", Hostname: "big01", Kernel: "6.8.0-45-generic", Arch: "x86_64", BootTime: bootTime}
		for c := 0; c < 512; c++ {
			s.Topology.Online = append(s.Topology.Online, c)
			s.Topology.CPUs = append(s.Topology.CPUs, host.CPU{ID: c, Online: true, Node: c / 64, Siblings: []int{c % 256, c%256 + 256}})
		}
		for n := 0; n < 8; n++ {
			var cpus []int
			for c := n * 64; c < n*64+64; c++ {
				cpus = append(cpus, c)
			}
			s.Topology.Nodes = append(s.Topology.Nodes, host.Node{ID: n, CPUs: cpus})
		}
		irq := 200
		for n := 0; n < 8; n++ {
			nic := host.NIC{Name: fmt.Sprintf("ens%df0", n+1), Kind: "physical", PCI: fmt.Sprintf("0000:%02x:00.0", 0x10+n), Driver: "mlx5_core", NUMANode: n, Speed: 100000}
			for q := 0; q < 64; q++ {
				nic.Queues = append(nic.Queues, host.Queue{Index: q, Dir: host.DirCombined, IRQ: irq})
				s.Interrupts.IRQs = append(s.Interrupts.IRQs, host.IRQ{Num: irq, Effective: []int{n*64 + q}, Affinity: []int{n*64 + q}})
				irq++
			}
			s.NICs = append(s.NICs, nic)
		}
		for _, in := range []string{host.InputInterrupts, host.InputSoftnet, host.InputSoftirqs, host.InputStat} {
			s.Inputs = append(s.Inputs, host.Input{Name: in, Status: host.StatusOK, Path: "/proc/" + in})
		}
		return s
	}
	p := &host.Pair{Before: mk(t0), After: mk(t0.Add(5 * time.Second)), Interval: 5 * time.Second}
	var outs []checks.Outcome
	for i, c := range registry {
		o := checks.Outcome{Check: c, Verdict: checks.Fail}
		for j := 0; j < 7+i%2; j++ {
			nic := fmt.Sprintf("ens%df0", j+1)
			o.Findings = append(o.Findings, checks.Finding{
				Check: c.ID, Severity: checks.Severity(1 + (i+j)%3), Confidence: checks.High, Score: (i*13 + j*7) % 100,
				Subject: nic, NIC: nic, CPUs: []int{j * 64, j*64 + 1}, Title: c.Title,
				Summary: fmt.Sprintf("%d of 64 queue IRQs of %s are serviced by CPU%d.", 40+j, nic, j*64),
				Evidence: []checks.Figure{
					{Name: "active queue IRQs", Value: "64 of 64", Threshold: ">= 2", Window: "5.0 s interval"},
					{Name: "interrupts/s", Value: "184,210/s", Threshold: ">= 80,000/s", Window: "5.0 s interval"},
					{Name: "drops/s", Value: "1,020/s", Threshold: "> 0", Window: "5.0 s interval"},
				},
				Explanation: strings.Repeat("The CPU runs every hard IRQ and NAPI poll of the NIC. ", 4),
				Commands: []checks.Command{
					{Run: "systemctl stop irqbalance", Kind: checks.Change, Why: "stop irqbalance", NeedsRoot: true, Caveats: []string{"it moves IRQs back"}},
					{Run: "for p in " + strings.Repeat("200:1 ", 64) + `; do echo "${p#*:}" > "/proc/irq/${p%:*}/smp_affinity_list"; done`, Kind: checks.Change, Why: "spread", NeedsRoot: true},
					{Run: "echo IRQBALANCE_BANNED_CPULIST=0 >> /etc/sysconfig/irqbalance", Kind: checks.Change, Why: "persist", NeedsRoot: true, Persistent: true},
					{Run: "cat /proc/irq/200/effective_affinity_list; watch -d -n1 'grep -F -- ens1f0 /proc/interrupts'", Kind: checks.Verify, Why: "check"},
				},
			})
		}
		outs = append(outs, o)
	}
	loads := rates{Window: "5.0 s interval", Queues: map[string][]queueRate{}}
	for c := 0; c < 512; c++ {
		loads.CPUs = append(loads.CPUs, CPULoad{CPU: c, IRQPerS: float64(c * 100), NetRXPerS: float64(c * 90), NICIRQPerS: float64(c * 80)})
	}
	for _, n := range p.After.NICs {
		for _, q := range n.Queues {
			loads.Queues[n.Name] = append(loads.Queues[n.Name], queueRate{Index: q.Index, IRQ: q.IRQ, RatePerS: 1234.5})
		}
	}
	return p, outs, loads, meta("netdoctor report")
}
