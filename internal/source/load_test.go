package source

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
)

func TestLoadRootSosreport(t *testing.T) {
	s := loadTree(t, sosTree())

	if s.Source != KindSosreport || s.Hostname != "web1" || s.Kernel != "4.18.0-477.10.1.el8_8.x86_64" || s.Arch != "x86_64" {
		t.Errorf("identity: source %q host %q kernel %q arch %q", s.Source, s.Hostname, s.Kernel, s.Arch)
	}
	if want := time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC); !s.Time.Equal(want) {
		t.Errorf("time %v, want %v", s.Time, want)
	}
	if want := time.Unix(1709600000, 0); !s.BootTime.Equal(want) {
		t.Errorf("boot time %v, want %v", s.BootTime, want)
	}
	if !strings.Contains(s.CmdLine, "isolcpus=3") {
		t.Errorf("cmdline %q", s.CmdLine)
	}

	// Topology.
	topo := s.Topology
	if diff := cmp.Diff([]int{0, 1, 2, 3}, topo.Online); diff != "" {
		t.Errorf("online (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3}, topo.Isolated); diff != "" {
		t.Errorf("isolated: %s", diff)
	}
	if topo.NohzFull != nil {
		t.Errorf("nohz_full (null) gave %v", topo.NohzFull)
	}
	if topo.SMTActive == nil || !*topo.SMTActive {
		t.Errorf("smt active %v", topo.SMTActive)
	}
	wantCPUs := []host.CPU{
		{ID: 0, Online: true, Package: 0, Die: -1, Core: 0, Node: 0, Siblings: []int{0, 2}},
		{ID: 1, Online: true, Package: 1, Die: -1, Core: 0, Node: 1, Siblings: []int{1, 3}},
		{ID: 2, Online: true, Package: 0, Die: -1, Core: 0, Node: 0, Siblings: []int{0, 2}},
		{ID: 3, Online: true, Package: 1, Die: -1, Core: 0, Node: 1, Siblings: []int{1, 3}},
	}
	if diff := cmp.Diff(wantCPUs, topo.CPUs); diff != "" {
		t.Errorf("cpus (-want +got):\n%s", diff)
	}
	wantNodes := []host.Node{{ID: 0, CPUs: []int{0, 2}, Distances: []int{10, 21}}, {ID: 1, CPUs: []int{1, 3}, Distances: []int{21, 10}}}
	if diff := cmp.Diff(wantNodes, topo.Nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}

	// Interrupts and /proc/irq.
	if got := len(s.Interrupts.IRQs); got != 6 {
		t.Fatalf("%d IRQs, want 6", got)
	}
	q := s.IRQ(45)
	if q == nil || q.Node != 1 || !slices.Equal(q.Affinity, []int{0}) || !slices.Equal(q.Effective, []int{0}) || q.Actions[0] != "eth0-TxRx-0" {
		t.Errorf("IRQ 45: %+v", q)
	}
	if q := s.IRQ(0); q == nil || q.Affinity != nil || q.Node != -1 {
		t.Errorf("IRQ 0 has no /proc/irq dir: %+v", q)
	}
	if diff := cmp.Diff([]int{0, 1, 2, 3}, s.Interrupts.DefaultAffinity); diff != "" {
		t.Errorf("default affinity: %s", diff)
	}

	// softnet through proc/net -> self/net -> 3255/net, rows by column 13.
	if len(s.Softnet) != 4 || s.Softnet[0].Dropped != 2 || s.Softnet[3].CPU != 3 || !s.Softnet[3].CPUFromIndex {
		t.Errorf("softnet %+v", s.Softnet)
	}
	if in := inputOf(t, s, host.InputSoftnet, ""); in.Status != host.StatusOK || in.Path != "proc/net/softnet_stat" {
		t.Errorf("softnet input %+v", in)
	}
	if s.NetStats["TcpExt"]["PAWSPassive"] != 12 || s.NetStats["Tcp"]["MaxConn"] != -1 || s.NetStats["Udp"]["RcvbufErrors"] != 3 {
		t.Errorf("netstats %v", s.NetStats)
	}
	if s.Softirqs.Counts["NET_RX"][0] != 500000 {
		t.Errorf("softirqs %v", s.Softirqs)
	}
	if s.Sysctls["net.ipv4.tcp_tw_recycle"] != "1" || s.Sysctls["net.ipv4.tcp_rmem"] != "4096\t87380\t6291456" {
		t.Errorf("sysctls %v", s.Sysctls)
	}

	// NICs.
	if got := len(s.NICs); got != 4 {
		t.Fatalf("%d NICs, want 4 (bonding_masters is no NIC)", got)
	}
	eth0 := nicOf(t, s, "eth0")
	if eth0.Kind != "physical" || eth0.Device != "0000:3b:00.0" || eth0.PCI != "0000:3b:00.0" || eth0.Driver != "ixgbe" ||
		eth0.NUMANode != 1 || eth0.Speed != 10000 || eth0.MTU != 9000 || eth0.OperState != "up" {
		t.Errorf("eth0 %+v", eth0)
	}
	if eth0.Ring == nil || eth0.Ring.RX != 512 || eth0.Ring.RXMax != 4096 || eth0.Channels == nil || eth0.Channels.Combined != 4 {
		t.Errorf("eth0 ring %+v channels %+v", eth0.Ring, eth0.Channels)
	}
	if eth0.EthtoolStats["rx_missed_errors"] != 17 || eth0.Stats["rx_fifo_errors"] != 17 || eth0.NetDev["rx_drop"] != 42 {
		t.Errorf("eth0 counters: ethtool %v sysfs %v netdev %v", eth0.EthtoolStats, eth0.Stats, eth0.NetDev)
	}
	if eth0.QueueMap != "names" || len(eth0.Queues) != 4 || !slices.Equal(eth0.MiscIRQs, []int{44}) {
		t.Errorf("eth0 queues %v misc %v map %q", eth0.Queues, eth0.MiscIRQs, eth0.QueueMap)
	}
	if eth0.RPS != nil {
		t.Errorf("sosreport has no queues/: RPS %v", eth0.RPS)
	}
	for name, kind := range map[string]string{"lo": "loopback", "bond0": "bond", "bond0.100": "vlan"} {
		if n := nicOf(t, s, name); n.Kind != kind {
			t.Errorf("%s kind %q, want %q", name, n.Kind, kind)
		}
	}
	if n := nicOf(t, s, "bond0"); !slices.Equal(n.Lower, []string{"eth0"}) {
		t.Errorf("bond0 lower %v", n.Lower)
	}
	if n := nicOf(t, s, "bond0.100"); !slices.Equal(n.Lower, []string{"bond0"}) {
		t.Errorf("vlan lower %v", n.Lower)
	}
	if in := inputOf(t, s, host.InputEthtoolStats, "lo"); in.Status != host.StatusMissing || !strings.Contains(in.Reason, "no stats available") {
		t.Errorf("ethtool -S lo: %+v", in)
	}
	if in := inputOf(t, s, host.InputEthtoolRing, "lo"); in.Status != host.StatusMissing || in.Path != "sos_commands/networking/ethtool_-g_lo" {
		t.Errorf("ethtool -g lo: %+v", in)
	}

	// Processes: ps with PSR, pidstat threads, status allowed CPUs.
	var app, ksoft *host.Proc
	for i := range s.Procs {
		switch s.Procs[i].PID {
		case 1234:
			app = &s.Procs[i]
		case 24:
			ksoft = &s.Procs[i]
		}
	}
	if app == nil || ksoft == nil {
		t.Fatalf("procs %+v", s.Procs)
	}
	if app.Kernel || app.User != "app" || app.Comm != "app" || len(app.Threads) != 2 {
		t.Errorf("app %+v", app)
	}
	if th := app.Threads[1]; th.TID != 1240 || th.CPU != 2 || th.CPUKnown {
		t.Errorf("app thread %+v", th)
	}
	if th := app.Threads[0]; !slices.Equal(th.Allowed, []int{0, 1}) {
		t.Errorf("app main thread allowed %v", th.Allowed)
	}
	// ps TIME 01:39:00: the whole process's CPU time, on the main thread.
	if th := app.Threads[0]; !th.CPUKnown || !th.CPUTimeCoarse || th.UTime != 5940*host.ClockTicks || th.STime != 0 {
		t.Errorf("app main thread CPU time %+v", th)
	}
	if !ksoft.Kernel || ksoft.Threads[0].CPU != 2 {
		t.Errorf("ksoftirqd %+v", ksoft)
	}
	if !s.ThreadsKnown {
		t.Error("pidstat -tl gives threads")
	}
	if in := inputOf(t, s, host.InputProcesses, ""); !strings.Contains(in.Path, "psr") || in.Status != host.StatusOK {
		t.Errorf("processes input %+v", in)
	}

	// irqbalance.
	ib := s.Irqbalance
	if !ib.Known || !ib.Running || !slices.Equal(ib.Banned, []int{3}) || !slices.Equal(ib.BannedIRQs, []int{45}) {
		t.Errorf("irqbalance %+v", ib)
	}

	// Every input has a status; the inputs are sorted.
	if !slices.IsSortedFunc(s.Inputs, func(a, b host.Input) int {
		return strings.Compare(a.Name+"\x00"+a.Subject, b.Name+"\x00"+b.Subject)
	}) {
		t.Error("inputs not sorted")
	}
	for _, name := range []string{host.InputUname, host.InputHostname, host.InputDate, host.InputStat, host.InputCmdline,
		host.InputCPUTopology, host.InputNUMANodes, host.InputInterrupts, host.InputIRQAffinity, host.InputSoftirqs,
		host.InputSoftnet, host.InputNetDev, host.InputNetstat, host.InputSNMP, host.InputSysctl, host.InputNICs,
		host.InputProcesses, host.InputThreads, host.InputIrqbalance} {
		if in := inputOf(t, s, name, ""); in.Status != host.StatusOK {
			t.Errorf("input %s: %+v", name, in)
		}
	}
}

// Version drift: each input resolved through its candidates.
func TestCandidates(t *testing.T) {
	base := sosTree()
	tests := []struct {
		name    string
		files   tree
		input   string
		path    string
		status  host.Status
		inspect func(t *testing.T, s *host.Snapshot)
	}{
		{"softnet through proc/self when proc/net is absent",
			base.without("proc/net").with(tree{"proc/self/net/softnet_stat": "", "proc/net": ""}),
			host.InputSoftnet, "proc/self/net/softnet_stat", host.StatusOK, nil},
		{"softnet from the single proc/<pid>/net copy",
			base.without("proc/net", "proc/self"),
			host.InputSoftnet, "proc/3255/net/softnet_stat", host.StatusOK, nil},
		{"softnet: two pid copies are ambiguous",
			base.without("proc/net", "proc/self").with(tree{"proc/4000/net/softnet_stat": "00000001 00000000 00000000\n"}),
			host.InputSoftnet, "proc/[0-9]*/net/softnet_stat", host.StatusInvalid, nil},
		{"date: sos 3.x general/date",
			base.without("sos_commands/date").with(tree{"sos_commands/general/date": "Tue Mar  5 10:11:12 UTC 2024\n"}),
			host.InputDate, "sos_commands/general/date", host.StatusOK, nil},
		{"date: manifest start_time",
			base.without("sos_commands/date").with(tree{"sos_reports/manifest.json": `{"version": "4.5.6", "start_time": "2024-03-05 10:11:12.123456", "components": {"report": {"plugins": {}}}}`}),
			host.InputDate, "sos_reports/manifest.json", host.StatusOK,
			func(t *testing.T, s *host.Snapshot) {
				if s.Time.IsZero() {
					t.Error("no time from the manifest")
				}
			}},
		{"date unknown: no mtime guess",
			base.without("sos_commands/date"),
			host.InputDate, "sos_commands/date/date_--utc", host.StatusMissing,
			func(t *testing.T, s *host.Snapshot) {
				if !s.Time.IsZero() {
					t.Errorf("time %v from nowhere", s.Time)
				}
			}},
		{"hostname: sos 3.x general/hostname",
			base.without("sos_commands/host").with(tree{"sos_commands/general/hostname": "db2.example.com\n"}),
			host.InputHostname, "sos_commands/general/hostname", host.StatusOK,
			func(t *testing.T, s *host.Snapshot) {
				if s.Hostname != "db2.example.com" {
					t.Errorf("hostname %q", s.Hostname)
				}
			}},
		{"hostname from uname -a",
			base.without("sos_commands/host"),
			host.InputHostname, "sos_commands/kernel/uname_-a", host.StatusOK,
			func(t *testing.T, s *host.Snapshot) {
				if s.Hostname != "web1" {
					t.Errorf("hostname %q", s.Hostname)
				}
			}},
		{"ps before sos 4.7.1: no PSR",
			base.without("sos_commands/process/ps_axo"),
			host.InputProcesses, "sos_commands/process/ps_auxwwwm", host.StatusOK,
			func(t *testing.T, s *host.Snapshot) {
				if in := inputOf(t, s, host.InputProcesses, ""); !strings.Contains(in.Reason, "PSR") {
					t.Errorf("reason %q does not say PSR is missing", in.Reason)
				}
			}},
		{"ps auxwww (sos <= 4.0)",
			base.without("sos_commands/process/ps_").with(tree{"sos_commands/process/ps_auxwww": base["sos_commands/process/ps_auxwwwm"]}),
			host.InputProcesses, "sos_commands/process/ps_auxwww", host.StatusOK, nil},
		{"no pidstat: threads missing, with advice",
			base.without("sos_commands/process/pidstat"),
			host.InputThreads, "sos_commands/process/pidstat_-tl", host.StatusMissing,
			func(t *testing.T, s *host.Snapshot) {
				if s.ThreadsKnown {
					t.Error("ThreadsKnown without pidstat")
				}
				if in := inputOf(t, s, host.InputThreads, ""); !strings.Contains(in.Reason, "sysstat") {
					t.Errorf("reason %q", in.Reason)
				}
			}},
		{"sysctl from proc/sys when sysctl -a is absent",
			base.without("sos_commands/kernel/sysctl").with(tree{"proc/sys/net/ipv4/tcp_tw_recycle": "0\n", "proc/sys/net/core/somaxconn": "4096\n"}),
			host.InputSysctl, "proc/sys/net", host.StatusOK,
			func(t *testing.T, s *host.Snapshot) {
				if s.Sysctls["net.ipv4.tcp_tw_recycle"] != "0" || s.Sysctls["net.core.somaxconn"] != "4096" {
					t.Errorf("sysctls %v", s.Sysctls)
				}
			}},
		{"irqbalance from systemctl without ps",
			base.without("sos_commands/process/ps_"),
			host.InputIrqbalance, "sos_commands/systemd/systemctl_list-units", host.StatusOK,
			func(t *testing.T, s *host.Snapshot) {
				if !s.Irqbalance.Running || s.Irqbalance.Evidence != "systemctl list-units" {
					t.Errorf("irqbalance %+v", s.Irqbalance)
				}
			}},
		{"irqbalance unknown",
			base.without("sos_commands/process/ps_", "sos_commands/systemd", "proc/1234", "etc/"),
			host.InputIrqbalance, "sos_commands/systemd/systemctl_list-units_--all", host.StatusMissing,
			func(t *testing.T, s *host.Snapshot) {
				if in := inputOf(t, s, host.InputIrqbalance, ""); in.Reason == "" {
					t.Error("no reason")
				}
				if s.Irqbalance.Known {
					t.Errorf("irqbalance %+v", s.Irqbalance)
				}
			}},
		{"sos truncated output is noted",
			base.with(tree{"sos_reports/manifest.json": `{"version": "4.5.6", "components": {"report": {"plugins": {"networking": {"timeout_hit": true, "commands": [{"exec": "ethtool -S eth0", "filepath": "sos_commands/networking/ethtool_-S_eth0", "return_code": 0, "truncated": true}]}}}}}`}),
			host.InputEthtoolStats, "sos_commands/networking/ethtool_-S_eth0", host.StatusOK,
			func(t *testing.T, s *host.Snapshot) {
				if in := inputOf(t, s, host.InputEthtoolStats, "eth0"); !strings.Contains(in.Reason, "truncated") {
					t.Errorf("reason %q", in.Reason)
				}
			}},
		{"sos_strings tail is noted",
			base.with(tree{
				"sos_strings/networking/ethtool_-S_eth0.tailed": base["sos_commands/networking/ethtool_-S_eth0"],
				"sos_commands/networking/ethtool_-S_eth0":       "->../../sos_strings/networking/ethtool_-S_eth0.tailed",
			}),
			host.InputEthtoolStats, "sos_commands/networking/ethtool_-S_eth0", host.StatusOK,
			func(t *testing.T, s *host.Snapshot) {
				if in := inputOf(t, s, host.InputEthtoolStats, "eth0"); !strings.Contains(in.Reason, "tail") {
					t.Errorf("reason %q", in.Reason)
				}
			}},
		{"link escaping the root is refused",
			base.without("proc/3255/net/softnet_stat").with(tree{"proc/3255/net/softnet_stat": "->../../../../etc/hostname"}),
			host.InputSoftnet, "proc/net/softnet_stat", host.StatusInvalid, nil},
		{"malformed interrupts: partial value, invalid",
			base.with(tree{"proc/interrupts": "           CPU0       CPU1       CPU2       CPU3\n 45:    9000000          0\n 46:    8000000          0          0          0   PCI-MSI 1572866-edge      eth0-TxRx-1\n"}),
			host.InputInterrupts, "proc/interrupts", host.StatusInvalid,
			func(t *testing.T, s *host.Snapshot) {
				if s.IRQ(46) == nil {
					t.Error("the good row was dropped")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadTree(t, tt.files)
			subject := ""
			if strings.HasPrefix(tt.input, "ethtool") {
				subject = "eth0"
			}
			in := inputOf(t, s, tt.input, subject)
			if in.Status != tt.status || in.Path != tt.path {
				t.Errorf("input %+v, want status %s path %s", in, tt.status, tt.path)
			}
			if tt.status != host.StatusOK && tt.status != host.StatusMissing && in.Reason == "" {
				t.Errorf("%s without a reason", in.Status)
			}
			if tt.inspect != nil {
				tt.inspect(t, s)
			}
		})
	}
}

// Read errors map to statuses, and never stop the other inputs.
func TestStatusMapping(t *testing.T) {
	fsys := openTree(t, sosTree())
	efs := errFS{FS: fsys, errs: map[string]error{
		"proc/interrupts": fs.ErrPermission,
		"proc/softirqs":   bundle.ErrRefused,
		"proc/stat":       errBoom,
		"sos_commands/networking/ethtool_-g_eth0": fs.ErrPermission,
		"sys/devices/system/node":                 fs.ErrPermission,
	}}
	s, err := LoadRoot(efs, KindSosreport, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, subject string
		status        host.Status
		reason        string
	}{
		{host.InputInterrupts, "", host.StatusUnreadable, "not root?"},
		{host.InputSoftirqs, "", host.StatusInvalid, "refused"},
		{host.InputStat, "", host.StatusInvalid, "boom"},
		{host.InputEthtoolRing, "eth0", host.StatusUnreadable, "permission"},
		{host.InputNUMANodes, "", host.StatusOK, "numa"},
		{host.InputSoftnet, "", host.StatusOK, ""},
	} {
		in := inputOf(t, s, tt.name, tt.subject)
		if in.Status != tt.status || !strings.Contains(in.Reason, tt.reason) {
			t.Errorf("%s/%s: %+v, want %s with %q", tt.name, tt.subject, in, tt.status, tt.reason)
		}
	}
	// NUMA fell back to numactl/lscpu; the CPUs still know their nodes.
	if s.NodeOf(3) != 1 {
		t.Errorf("node of CPU 3 = %d", s.NodeOf(3))
	}
}

func TestLoadRootRefusesNothing(t *testing.T) {
	if _, err := LoadRoot(openTree(t, tree{"unrelated/file": "x"}), KindSosreport, Options{}); err == nil {
		t.Error("a root without any input loaded")
	}
	if _, err := LoadRoot(openTree(t, sosTree()), "live", Options{}); err == nil {
		t.Error("LoadRoot accepted kind live")
	}
	if _, err := LoadRoot(nil, KindSosreport, Options{}); err == nil {
		t.Error("LoadRoot accepted a nil FS")
	}
}

func TestSafeRecoversPanics(t *testing.T) {
	v, err := safe(func() (int, error) {
		var m map[string]int
		//lint:ignore SA5000 the test panics on purpose
		m["x"] = 1
		return 1, nil
	})
	if err == nil || v != 0 || !strings.Contains(err.Error(), "parser failed") {
		t.Errorf("safe: %v %v", v, err)
	}
	if s, st := statusOf(err); s != host.StatusInvalid || st == "" {
		t.Errorf("panic maps to %s %q", s, st)
	}
}
