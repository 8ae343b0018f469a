package source

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
)

// tree describes files for writeTree: a value starting with "->" is a
// symbolic link to the rest; a key ending in "/" is an (empty) directory.
type tree map[string]string

// with returns a copy of t with the changes applied; an empty value deletes.
func (t tree) with(changes tree) tree {
	out := maps.Clone(t)
	for k, v := range changes {
		if v == "" && !strings.HasSuffix(k, "/") {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// without deletes every key with one of the prefixes.
func (t tree) without(prefixes ...string) tree {
	out := maps.Clone(t)
	for k := range out {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				delete(out, k)
			}
		}
	}
	return out
}

func writeTree(t testing.TB, dir string, files tree) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "->"); ok {
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// openTree writes files into a temporary directory and opens it as a bundle.
func openTree(t testing.TB, files tree) bundle.FS {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	b, err := bundle.Open(dir, bundle.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b.FS
}

// loadTree loads files as one sosreport root.
func loadTree(t testing.TB, files tree) *host.Snapshot {
	t.Helper()
	s, err := LoadRoot(openTree(t, files), KindSosreport, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// inputOf finds an input of a snapshot.
func inputOf(t testing.TB, s *host.Snapshot, name, subject string) host.Input {
	t.Helper()
	for _, in := range s.Inputs {
		if in.Name == name && in.Subject == subject {
			return in
		}
	}
	t.Fatalf("input %s/%s not recorded; have %v", name, subject, s.Inputs)
	return host.Input{}
}

func nicOf(t testing.TB, s *host.Snapshot, name string) *host.NIC {
	t.Helper()
	for i := range s.NICs {
		if s.NICs[i].Name == name {
			return &s.NICs[i]
		}
	}
	t.Fatalf("no NIC %s; have %d NICs", name, len(s.NICs))
	return nil
}

// errFS wraps a bundle.FS and fails chosen paths with chosen errors.
type errFS struct {
	bundle.FS
	errs map[string]error
}

func (e errFS) fail(name string) error { return e.errs[name] }

func (e errFS) ReadFile(name string) ([]byte, error) {
	if err := e.fail(name); err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return e.FS.ReadFile(name)
}

func (e errFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := e.fail(name); err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	return e.FS.ReadDir(name)
}

var errBoom = errors.New("boom")

// sosTree is a sos 4.5 report of a 2-socket host with 4 CPUs (SMT: 0/2 and
// 1/3 are siblings; node 0 = 0,2; node 1 = 1,3), an ixgbe NIC eth0 on node 1
// with four TxRx queues, a bond0 over it, a VLAN, lo, irqbalance running and
// configured to ban CPU 3 and IRQ 45. The links are laid out as sos stores
// them: proc/net -> self/net -> 3255/net, sys/class/net/* -> devices.
func sosTree() tree {
	pci := "sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/"
	eth0 := pci + "net/eth0/"
	t := tree{
		"version.txt":                  "sos report: 4.5.6\n",
		"sos_commands/date/date_--utc": "Tue Mar  5 10:11:12 UTC 2024\n",
		"sos_commands/host/hostname":   "web1\n",
		"sos_commands/kernel/uname_-a": "Linux web1 4.18.0-477.10.1.el8_8.x86_64 #1 SMP Wed Apr 5 13:35:01 EDT 2023 x86_64 x86_64 x86_64 GNU/Linux\n",
		"proc/cmdline":                 "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-4.18.0 root=/dev/mapper/rhel-root ro isolcpus=3\n",
		"proc/stat":                    "cpu  1000 0 500 90000 10 20 30 0 0 0\ncpu0 250 0 125 22500 2 5 7 0 0 0\ncpu1 250 0 125 22500 3 5 8 0 0 0\ncpu2 250 0 125 22500 2 5 7 0 0 0\ncpu3 250 0 125 22500 3 5 8 0 0 0\nintr 0\nctxt 12345\nbtime 1709600000\nprocesses 4000\nprocs_running 2\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		"proc/interrupts": "           CPU0       CPU1       CPU2       CPU3       \n" +
			"  0:         10          0          0          0   IO-APIC   2-edge      timer\n" +
			" 44:          5          0          0          0   PCI-MSI 1572864-edge      eth0\n" +
			" 45:    9000000          0          0          0   PCI-MSI 1572865-edge      eth0-TxRx-0\n" +
			" 46:    8000000          0          0          0   PCI-MSI 1572866-edge      eth0-TxRx-1\n" +
			" 47:    7000000          0          0          0   PCI-MSI 1572867-edge      eth0-TxRx-2\n" +
			" 48:    6000000          0          0          0   PCI-MSI 1572868-edge      eth0-TxRx-3\n" +
			"NMI:          0          0          0          0   Non-maskable interrupts\n" +
			"LOC:       1000       1000       1000       1000   Local timer interrupts\n" +
			"ERR:          0\nMIS:          0\n",
		"proc/irq/default_smp_affinity": "f\n",
		"proc/softirqs": "                    CPU0       CPU1       CPU2       CPU3       \n" +
			"          HI:          0          0          0          0\n" +
			"      NET_RX:     500000         10         10         10\n",
		"proc/net":                               "->self/net",
		"proc/self":                              "->3255",
		"proc/3255/net/softnet_stat":             "00001000 00000002 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n00000010 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001\n00000010 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000002\n00000010 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000003\n",
		"proc/3255/net/dev":                      "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n  eth0: 90000000  900000    0   42   17     0          0         0  1000000   10000    0    0    0     0       0          0\n bond0: 90000000  900000    0   42   17     0          0         0  1000000   10000    0    0    0     0       0          0\n",
		"proc/3255/net/netstat":                  "TcpExt: SyncookiesSent PAWSPassive PAWSActive\nTcpExt: 0 12 0\nIpExt: InNoRoutes\nIpExt: 0\n",
		"proc/3255/net/snmp":                     "Tcp: RtoAlgorithm MaxConn ActiveOpens\nTcp: 1 -1 100\nUdp: InDatagrams RcvbufErrors\nUdp: 5 3\n",
		"proc/1234/status":                       "Name:\tapp\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t1234\nNgid:\t0\nPid:\t1234\nPPid:\t1\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nCpus_allowed:\tf\nCpus_allowed_list:\t0-1\n",
		"sys/devices/system/cpu/online":          "0-3\n",
		"sys/devices/system/cpu/possible":        "0-3\n",
		"sys/devices/system/cpu/present":         "0-3\n",
		"sys/devices/system/cpu/isolated":        "3\n",
		"sys/devices/system/cpu/nohz_full":       "(null)\n",
		"sys/devices/system/cpu/smt/active":      "1\n",
		"sys/devices/system/node/node0/cpulist":  "0,2\n",
		"sys/devices/system/node/node0/distance": "10 21\n",
		"sys/devices/system/node/node1/cpulist":  "1,3\n",
		"sys/devices/system/node/node1/distance": "21 10\n",

		"sys/class/net/eth0":                               "->../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/net/eth0",
		eth0 + "device":                                    "->../../../0000:3b:00.0",
		pci + "numa_node":                                  "1\n",
		eth0 + "mtu":                                       "9000\n",
		eth0 + "speed":                                     "10000\n",
		eth0 + "operstate":                                 "up\n",
		eth0 + "type":                                      "1\n",
		eth0 + "statistics/rx_missed_errors":               "17\n",
		eth0 + "statistics/rx_fifo_errors":                 "17\n",
		eth0 + "statistics/rx_packets":                     "900000\n",
		"sys/class/net/lo":                                 "->../../devices/virtual/net/lo",
		"sys/devices/virtual/net/lo/type":                  "772\n",
		"sys/devices/virtual/net/lo/mtu":                   "65536\n",
		"sys/devices/virtual/net/lo/statistics/rx_packets": "10\n",
		"sys/class/net/bond0":                              "->../../devices/virtual/net/bond0",
		"sys/devices/virtual/net/bond0/bonding/slaves":     "eth0\n",
		"sys/devices/virtual/net/bond0/mtu":                "9000\n",
		"sys/class/net/bond0.100":                          "->../../devices/virtual/net/bond0.100",
		"sys/devices/virtual/net/bond0.100/lower_bond0":    "->../bond0",
		"sys/devices/virtual/net/bond0.100/mtu":            "9000\n",
		"sys/class/net/bonding_masters":                    "bond0\n",

		"sos_commands/networking/ethtool_-i_eth0":      "driver: ixgbe\nversion: 5.1.0-k-rh8.6.0\nfirmware-version: 0x800008ca, 1.2074.0\nexpansion-rom-version: \nbus-info: 0000:3b:00.0\nsupports-statistics: yes\n",
		"sos_commands/networking/ethtool_-S_eth0":      "NIC statistics:\n     rx_packets: 900000\n     rx_missed_errors: 17\n     rx_no_dma_resources: 0\n",
		"sos_commands/networking/ethtool_-g_eth0":      "Ring parameters for eth0:\nPre-set maximums:\nRX:\t\t4096\nRX Mini:\t0\nRX Jumbo:\t0\nTX:\t\t4096\nCurrent hardware settings:\nRX:\t\t512\nRX Mini:\t0\nRX Jumbo:\t0\nTX:\t\t512\n\n",
		"sos_commands/networking/ethtool_-l_eth0":      "Channel parameters for eth0:\nPre-set maximums:\nRX:\t\t0\nTX:\t\t0\nOther:\t\t1\nCombined:\t63\nCurrent hardware settings:\nRX:\t\t0\nTX:\t\t0\nOther:\t\t1\nCombined:\t4\n\n",
		"sos_commands/networking/ethtool_eth0":         "Settings for eth0:\n\tSpeed: 10000Mb/s\n\tDuplex: Full\n\tLink detected: yes\n",
		"sos_commands/networking/ethtool_-i_lo":        "Cannot get driver information: Operation not supported\n",
		"sos_commands/networking/ethtool_-S_lo":        "no stats available\n",
		"sos_commands/networking/ethtool_-i_bond0":     "driver: bonding\nversion: 3.7.1\nfirmware-version: 2\nexpansion-rom-version: \nbus-info: \n",
		"sos_commands/networking/ethtool_-i_bond0.100": "driver: 802.1Q VLAN Support\nversion: 1.8\nfirmware-version: N/A\nbus-info: \n",

		"sos_commands/kernel/sysctl_-a": "net.core.netdev_max_backlog = 1000\nnet.core.netdev_budget = 300\nnet.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 1\nnet.ipv4.tcp_rmem = 4096\t87380\t6291456\n",
		"sos_commands/processor/lscpu":  "Architecture:          x86_64\nCPU(s):                4\nOn-line CPU(s) list:   0-3\nThread(s) per core:    2\nCore(s) per socket:    1\nSocket(s):             2\nNUMA node(s):          2\nModel name:            Intel(R) Xeon(R) CPU\nNUMA node0 CPU(s):     0,2\nNUMA node1 CPU(s):     1,3\n",
		"sos_commands/process/ps_auxwwwm": "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n" +
			"root           1  0.0  0.1 171376 13160 ?        Ss   Mar04   0:12 /usr/lib/systemd/systemd --switched-root --system\n" +
			"root           2  0.0  0.0      0     0 ?        S    Mar04   0:00 [kthreadd]\n" +
			"root          24  0.0  0.0      0     0 ?        S    Mar04   1:40 [ksoftirqd/2]\n" +
			"root         900  0.0  0.0  20000  3000 ?        Ss   Mar04   0:07 /usr/sbin/irqbalance --foreground\n" +
			"app         1234 50.0  1.0 900000 90000 ?        Sl   Mar04  99:00 /opt/app/bin/app --threads 2\n",
		"sos_commands/process/ps_axo_flags_state_uid_pid_ppid_pgid_sid_cls_pri_psr_addr_sz_wchan_20_lstart_tty_time_cmd": "F S   UID     PID    PPID    PGID     SID CLS PRI PSR ADDR    SZ WCHAN                             STARTED TT           TIME CMD\n" +
			"4 S     0       1       0       1       1  TS  19   3 -     42850 ep_poll              Mon Mar  4 09:00:01 2024 ?        00:00:12 /usr/lib/systemd/systemd --switched-root --system\n" +
			"1 S     0       2       0       0       0  TS  19   2 -         0 kthreadd             Mon Mar  4 09:00:01 2024 ?        00:00:00 [kthreadd]\n" +
			"1 S     0      24       2       0       0  TS  19   2 -         0 smpboot_thread_fn    Mon Mar  4 09:00:01 2024 ?        00:01:40 [ksoftirqd/2]\n" +
			"4 S     0     900       1     900     900  TS  19   1 -      5000 -                    Mon Mar  4 09:00:03 2024 ?        00:00:07 /usr/sbin/irqbalance --foreground\n" +
			"0 R  1000    1234       1    1234    1234  TS  19   0 -      5000 -                    Mon Mar  4 10:11:12 2024 ?        01:39:00 /opt/app/bin/app --threads 2\n",
		"sos_commands/process/pidstat_-tl": "Linux 4.18.0-477.10.1.el8_8.x86_64 (web1) \t03/05/2024 \t_x86_64_\t(4 CPU)\n\n" +
			"10:11:12 AM   UID      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command\n" +
			"10:11:12 AM  1000      1234         -   40.00   10.00    0.00    0.00   50.00     0  /opt/app/bin/app --threads 2\n" +
			"10:11:12 AM  1000         -      1234    1.00    1.00    0.00    0.00    2.00     0  |__/opt/app/bin/app --threads 2\n" +
			"10:11:12 AM  1000         -      1240   39.00    9.00    0.00    0.00   48.00     2  |__/opt/app/bin/app --threads 2\n",
		"sos_commands/systemd/systemctl_list-units": "  UNIT                                   LOAD      ACTIVE   SUB       DESCRIPTION\n  irqbalance.service                     loaded    active   running   irqbalance daemon\n",
		"etc/sysconfig/irqbalance":                  "# irqbalance configuration\nIRQBALANCE_BANNED_CPULIST=3\nIRQBALANCE_ARGS=\"--banirq=45\"\n",
	}
	// CPU topology, as sos copies it, with the cpuN/nodeM links.
	for cpu, v := range []struct{ sib, core, pkg, node string }{
		{"0,2", "0", "0", "0"}, {"1,3", "0", "1", "1"}, {"0,2", "0", "0", "0"}, {"1,3", "0", "1", "1"},
	} {
		d := "sys/devices/system/cpu/cpu" + string(rune('0'+cpu)) + "/"
		t[d+"topology/thread_siblings_list"] = v.sib + "\n"
		t[d+"topology/core_id"] = v.core + "\n"
		t[d+"topology/physical_package_id"] = v.pkg + "\n"
		t[d+"node"+v.node] = "->../../node/node" + v.node
	}
	// /proc/irq, with the empty per-handler directories.
	for irq, name := range map[string]string{"44": "eth0", "45": "eth0-TxRx-0", "46": "eth0-TxRx-1", "47": "eth0-TxRx-2", "48": "eth0-TxRx-3"} {
		d := "proc/irq/" + irq + "/"
		t[d+"smp_affinity_list"] = "0\n"
		t[d+"smp_affinity"] = "1\n"
		t[d+"effective_affinity_list"] = "0\n"
		t[d+"node"] = "1\n"
		t[d+name+"/"] = ""
	}
	return t
}
