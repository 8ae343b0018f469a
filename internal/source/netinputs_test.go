package source

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
)

// netInputsTree is sosTree with the receive-path inputs of a sos 4.5
// report of a 4.18 host: /proc/net/stat, sockstat, snmp6, udp, dmesg,
// plain ethtool, ethtool -m and a named namespace's nstat.
func netInputsTree() tree {
	return sosTree().with(tree{
		"proc/3255/net/stat/nf_conntrack": "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
			"0003fff0  00000000 00000000 00000000 00000002 0000031e 00000000 00000000 00000000 00000004 00000010 00000001 00000000  00000000 00000000 00000000 00000000\n" +
			"0003fff0  00000000 00000000 00000000 00000001 00000210 00000000 00000000 00000000 00000000 00000005 00000000 00000000  00000000 00000000 00000000 00000000\n",
		"proc/3255/net/stat/arp_cache": "entries  allocs destroys hash_grows  lookups hits  res_failed  rcv_probes_mcast rcv_probes_ucast  periodic_gc_runs forced_gc_runs unresolved_discards table_fulls\n" +
			"00000005  00000003 00000001 00000000  0000002a 00000020  00000000  00000000 00000000  0000007b 00000000 00000000 00000000\n",
		"proc/3255/net/sockstat":  "sockets: used 290\nTCP: inuse 9 orphan 0 tw 3 alloc 11 mem 2\nUDP: inuse 4 mem 3\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n",
		"proc/3255/net/sockstat6": "TCP6: inuse 3\nUDP6: inuse 2\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n",
		"proc/3255/net/snmp6":     "Ip6InReceives                   \t1234\nUdp6RcvbufErrors                \t5\n",
		"proc/3255/net/udp": "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
			"  650: 00000000:0202 00000000:0000 07 00000000:00034000 00:00000000 00000000     0        0 45120 2 0000000000000000 1234\n",
		"sos_commands/kernel/dmesg": "[    0.000000] Linux version 4.18.0-477.10.1.el8_8.x86_64\n[ 8123.456789] nf_conntrack: nf_conntrack: table full, dropping packet\n",
		"sos_commands/networking/ethtool_eth0": "Settings for eth0:\n\tSupported link modes:   1000baseT/Full\n\t                        10000baseT/Full\n\tAdvertised link modes:  10000baseT/Full\n" +
			"\tSpeed: 1000Mb/s\n\tDuplex: Full\n\tPort: FIBRE\n\tAuto-negotiation: on\n\tLink detected: yes\n",
		"sos_commands/networking/ethtool_-m_eth0":                                       "\tIdentifier                                : 0x03 (SFP)\n\tReceiver signal average optical power     : 0.0123 mW / -19.10 dBm\n\tLaser rx power low warning threshold      : 0.0200 mW / -16.99 dBm\n",
		"sos_commands/networking/namespaces/cni-1a2b/ip_netns_exec_cni-1a2b_nstat_-zas": "#kernel\nTcpExtListenOverflows           7                  0.0\nUdpRcvbufErrors                 3                  0.0\nIp6InDiscards                   2                  0.0\nUdp6RcvbufErrors                9                  0.0\n",
		"sos_commands/networking/namespaces/cni-1a2b/ip_netns_exec_cni-1a2b_ss_-peaonmi": "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n" +
			"tcp   LISTEN 129    128          0.0.0.0:8080         0.0.0.0:*     users:((\"node\",pid=4410,fd=20)) ino:7711 sk:9 <->\n",
		"proc/3255/net/tcp": "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
			"   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 23811 1 0000000000000000 100 0 0 10 0\n",
		"sos_commands/networking/ss_-peaonmi": "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n" +
			"tcp   LISTEN 0      128          0.0.0.0:22         0.0.0.0:*     users:((\"sshd\",pid=1020,fd=3)) ino:23811 sk:1 <->\n",
	})
}

func TestNetInputsSosreport(t *testing.T) {
	s := loadTree(t, netInputsTree())
	for _, in := range []struct{ name, subject, path string }{
		{host.InputConntrackStat, "", "proc/net/stat/nf_conntrack"},
		{host.InputArpCache, "", "proc/net/stat/arp_cache"},
		{host.InputSockstat, "", "proc/net/sockstat"},
		{host.InputSockstat6, "", "proc/net/sockstat6"},
		{host.InputSNMP6, "", "proc/net/snmp6"},
		{host.InputUDP, "", "proc/net/udp"},
		{host.InputKernelLog, "", "sos_commands/kernel/dmesg"},
		{host.InputEthtoolLink, "eth0", "sos_commands/networking/ethtool_eth0"},
		{host.InputEthtoolModule, "eth0", "sos_commands/networking/ethtool_-m_eth0"},
		{host.InputNamespaces, "cni-1a2b", "sos_commands/networking/namespaces/cni-1a2b/ip_netns_exec_cni-1a2b_nstat_-zas"},
		{host.InputTCP, "", "proc/net/tcp"},
		{host.InputSSListen, "", "sos_commands/networking/ss_-peaonmi"},
	} {
		got := inputOf(t, s, in.name, in.subject)
		if got.Status != host.StatusOK || got.Path != in.path {
			t.Errorf("%s/%s: %+v, want ok at %s", in.name, in.subject, got, in.path)
		}
	}
	for _, in := range []struct{ name, subject string }{{host.InputNdiscCache, ""}, {host.InputUDP6, ""}, {host.InputNICLink, ""}, {host.InputTCP6, ""}} {
		if got := inputOf(t, s, in.name, in.subject); got.Status != host.StatusMissing {
			t.Errorf("%s: %+v, want missing", in.name, got)
		}
	}
	if d, _ := s.Conntrack.Total("drop"); d != 0x15 {
		t.Errorf("conntrack drop = %d", d)
	}
	if e, _ := s.Conntrack.Entries(); e != 0x3fff0 {
		t.Errorf("conntrack entries = %d", e)
	}
	if f, ok := s.ARPCache.Total("table_fulls"); !ok || f != 0 {
		t.Errorf("arp table_fulls = %d %v", f, ok)
	}
	if s.Sockstat["TCP"]["mem"] != 2 || s.Sockstat["UDP6"]["inuse"] != 2 {
		t.Errorf("sockstat = %v", s.Sockstat)
	}
	if s.SNMP6["Udp6RcvbufErrors"] != 5 {
		t.Errorf("snmp6 = %v", s.SNMP6)
	}
	if len(s.UDPSockets) != 1 || s.UDPSockets[0].Drops != 1234 || s.UDPSockets[0].Port != 514 || s.UDPSockets[0].PIDs != nil {
		t.Errorf("udp = %+v", s.UDPSockets)
	}
	if s.KernelLog == nil || len(s.KernelLog.Events) != 1 || s.KernelLog.Events[0].Kind != host.LogConntrackFull {
		t.Errorf("kernel log = %+v", s.KernelLog)
	}
	eth0 := nicOf(t, s, "eth0")
	if eth0.Link == nil || !slices.Equal(eth0.Link.Advertised, []string{"10000baseT/Full"}) || eth0.Duplex != "full" || eth0.CarrierChanges != nil {
		t.Errorf("eth0 link = %+v duplex %q", eth0.Link, eth0.Duplex)
	}
	if eth0.Module == nil || len(eth0.Module.RxDBm) != 1 || eth0.Module.RxDBm[0] != -19.10 || *eth0.Module.RxLowWarnDBm != -16.99 {
		t.Errorf("eth0 module = %+v", eth0.Module)
	}
	if len(s.Namespaces) != 1 || s.Namespaces[0].Name != "cni-1a2b" || s.Namespaces[0].NetStats["TcpExt"]["ListenOverflows"] != 7 {
		t.Errorf("namespaces = %+v", s.Namespaces)
	}
	// nstat's snmp6 rows are the namespace's SNMP6, by snmp6's own names.
	if ns := s.Namespaces[0]; ns.SNMP6["Udp6RcvbufErrors"] != 9 || ns.SNMP6["Ip6InDiscards"] != 2 || ns.NetStats["Udp6"] != nil || ns.NetStats["Udp"]["RcvbufErrors"] != 3 {
		t.Errorf("namespace snmp6 = %v, netstats = %v", ns.SNMP6, ns.NetStats)
	}
	if ls := s.Namespaces[0].Listeners; len(ls) != 1 || ls[0].Port != 8080 || ls[0].Queue != 129 || ls[0].Backlog != 128 || ls[0].Process != "node" {
		t.Errorf("namespace listeners = %+v", ls)
	}
	// The ss rows replace the /proc/net/tcp rows: they add the backlog and owner.
	if ls := s.TCPListeners; len(ls) != 1 || ls[0].Port != 22 || ls[0].Backlog != 128 || ls[0].Process != "sshd" || ls[0].Source != "ss" {
		t.Errorf("listeners = %+v", ls)
	}
}

// TestKernelLogFallback reads var/log files when sos has no dmesg, and
// takes only kernel lines from them.
func TestKernelLogFallback(t *testing.T) {
	s := loadTree(t, sosTree().with(tree{
		"var/log/messages": "2026-12-04T17:02:00+00:00 web1 kernel: TCP: out of memory -- consider tuning tcp_mem\n" +
			"2026-12-04T17:02:01+00:00 web1 NetworkManager[812]: <info> eth0: link is down\n",
	}))
	if in := inputOf(t, s, host.InputKernelLog, ""); in.Status != host.StatusOK || in.Path != "var/log/messages" {
		t.Fatalf("kernel_log %+v", in)
	}
	if len(s.KernelLog.Events) != 1 || s.KernelLog.Events[0].Kind != host.LogTCPOutOfMemory {
		t.Errorf("events %+v", s.KernelLog.Events)
	}
}

// TestSocketOwnersAndNamespaces reads a collect sample: the fd links name
// the owner of the UDP socket with drops, and a process in another network
// namespace (veth present) gives that namespace's counters.
func TestSocketOwnersAndNamespaces(t *testing.T) {
	files := netInputsTree().with(tree{
		"sys/class/net/veth1":                                                       "->../../devices/virtual/net/veth1",
		"sys/devices/virtual/net/veth1/type":                                        "1\n",
		"sos_commands/networking/ethtool_-i_veth1":                                  "driver: veth\nversion: 1.0\nfirmware-version: \nbus-info: \n",
		"sys/devices/virtual/net/veth1/carrier_changes":                             "2\n",
		"sys/devices/virtual/net/veth1/duplex":                                      "full\n",
		"sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/net/eth0/carrier_changes": "5\n",
		// A collect bundle has no proc/self link, only the namespace link read through it.
		"proc/net":              "->3255/net",
		"proc/self":             "",
		"proc/self/ns/net":      "->net:[4026531840]",
		"proc/1/stat":           "1 (systemd) S 0 1 1 0 -1 4194560 1 0 0 0 10 10 0 0 20 0 1 0 10 1000 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
		"proc/1/status":         "Name:\tsystemd\nPid:\t1\nPPid:\t0\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-3\n",
		"proc/1/ns/net":         "->net:[4026531840]",
		"proc/1/fd/3":           "->socket:[999]",
		"proc/700/stat":         "700 (rsyslogd) S 1 700 700 0 -1 4194560 1 0 0 0 10 10 0 0 20 0 1 0 10 1000 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
		"proc/700/status":       "Name:\trsyslogd\nPid:\t700\nPPid:\t1\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-3\n",
		"proc/700/ns/net":       "->net:[4026531840]",
		"proc/700/fd/0":         "->/dev/null",
		"proc/700/fd/5":         "->socket:[45120]",
		"proc/900/stat":         "900 (coredns) S 1 900 900 0 -1 4194560 1 0 0 0 10 10 0 0 20 0 1 0 10 1000 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 2 0 0 0 0 0\n",
		"proc/900/status":       "Name:\tcoredns\nPid:\t900\nPPid:\t1\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-3\n",
		"proc/900/ns/net":       "->net:[4026532600]",
		"proc/900/net/netstat":  "TcpExt: ListenOverflows ListenDrops\nTcpExt: 11 11\n",
		"proc/900/net/snmp":     "Udp: InDatagrams RcvbufErrors\nUdp: 50 2\n",
		"proc/900/net/sockstat": "sockets: used 4\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 0\n",
	}).without("proc/1234/")
	s, err := LoadRoot(newMemFS(files), KindCollect, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.UDPSockets) != 1 || !slices.Equal(s.UDPSockets[0].PIDs, []int{700}) {
		t.Errorf("udp owners = %+v", s.UDPSockets)
	}
	if in := inputOf(t, s, host.InputSocketOwners, ""); in.Status != host.StatusOK {
		t.Errorf("socket_owners %+v", in)
	}
	if len(s.Namespaces) != 1 || s.Namespaces[0].Name != "net:[4026532600]" || !slices.Equal(s.Namespaces[0].PIDs, []int{900}) ||
		s.Namespaces[0].NetStats["TcpExt"]["ListenOverflows"] != 11 || s.Namespaces[0].Sockstat["TCP"]["inuse"] != 1 {
		t.Errorf("namespaces = %+v", s.Namespaces)
	}
	eth0 := nicOf(t, s, "eth0")
	if eth0.CarrierChanges == nil || *eth0.CarrierChanges != 5 {
		t.Errorf("eth0 carrier_changes %v", eth0.CarrierChanges)
	}
	if v := nicOf(t, s, "veth1"); v.Duplex != "full" || v.CarrierChanges == nil || *v.CarrierChanges != 2 {
		t.Errorf("veth1 duplex %q carrier %v", v.Duplex, v.CarrierChanges)
	}
}

// TestNetInputsHotsos reads the real sosreports of the hotsos corpus in
// place: every new input a report holds reads ok.
func TestNetInputsHotsos(t *testing.T) {
	dirs, _ := filepath.Glob("../../../shared/corpus/hotsos/*/sosreport-*")
	if len(dirs) == 0 {
		t.Skip("hotsos corpus absent")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(filepath.Dir(dir)), func(t *testing.T) {
			b, err := bundle.Open(dir, bundle.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			s, err := LoadRoot(b.FS, KindSosreport, Options{})
			if err != nil {
				t.Fatal(err)
			}
			names := []string{host.InputConntrackStat, host.InputArpCache, host.InputNdiscCache, host.InputSockstat, host.InputSockstat6,
				host.InputSNMP6, host.InputUDP, host.InputUDP6, host.InputKernelLog, host.InputEthtoolLink, host.InputEthtoolModule, host.InputNamespaces}
			seen := 0
			for _, in := range s.Inputs {
				if !slices.Contains(names, in.Name) || in.Path == "" {
					continue
				}
				if _, err := os.Stat(filepath.Join(dir, in.Path)); err != nil {
					// Not in this report: missing is the truth.
					if in.Status != host.StatusMissing {
						t.Errorf("%s %s: %s %s, want missing (%s absent)", in.Name, in.Subject, in.Status, in.Reason, in.Path)
					}
					continue
				}
				seen++
				if in.Status != host.StatusOK && !(in.Status == host.StatusMissing && in.Name == host.InputEthtoolModule) {
					t.Errorf("%s %s at %s: %s %s", in.Name, in.Subject, in.Path, in.Status, in.Reason)
				}
			}
			if seen == 0 {
				t.Error("no new input found in the report")
			}
		})
	}
}

// TestNetInputsHealthyFixtures loads the committed fixtures: every one has
// the new inputs with a healthy host's values (nothing dropped, no table
// near full, only boot-time link-up lines in the kernel log).
func TestNetInputsHealthyFixtures(t *testing.T) {
	dirs := fixtureDirs(t)
	if len(dirs) == 0 {
		t.Skip("no fixtures")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "expect.json"))
			if err != nil {
				t.Fatal(err)
			}
			var exp expectDoc
			if err := json.Unmarshal(b, &exp); err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, p := range exp.Bundles {
				paths = append(paths, filepath.Join(dir, p))
			}
			p, err := Load(paths, Options{})
			if err != nil {
				t.Fatal(err)
			}
			// A fixture that declares a conntrack or neighbour finding has
			// its fault injected in these inputs (stat tables, the kernel
			// log).
			var found struct {
				Findings []struct {
					Check string `json:"check"`
				} `json:"findings"`
			}
			_ = json.Unmarshal(b, &found)
			for _, f := range found.Findings {
				if f.Check == "conntrack-table-full" || f.Check == "neighbour-table-overflow" {
					t.Skip("fault injected in the stat tables and the kernel log")
				}
			}
			for _, s := range []*host.Snapshot{p.Before, p.After} {
				if s == nil {
					continue
				}
				if s.Conntrack != nil {
					for _, c := range []string{"drop", "early_drop", "insert_failed"} {
						if v, _ := s.Conntrack.Total(c); v != 0 {
							t.Errorf("conntrack %s = %d", c, v)
						}
					}
				}
				if s.Input(host.InputSockstat, "") != nil && s.Input(host.InputSockstat, "").Status != host.StatusOK {
					continue // taken without the networking plugin: no proc/net
				}
				for _, nt := range []*host.StatTable{s.ARPCache, s.NDiscCache} {
					if v, ok := nt.Total("table_fulls"); !ok || v != 0 {
						t.Errorf("table_fulls %d %v", v, ok)
					}
				}
				if s.Sockstat["TCP"]["inuse"] == 0 || s.SNMP6 == nil {
					t.Errorf("sockstat %v snmp6 %d", s.Sockstat, len(s.SNMP6))
				}
				for _, u := range s.UDPSockets {
					if u.Drops != 0 || u.RxQueue != 0 {
						t.Errorf("udp socket %+v", u)
					}
				}
				if s.KernelLog == nil {
					t.Fatal("no kernel log")
				}
				for _, e := range s.KernelLog.Events {
					if e.Kind != host.LogLinkUp || e.Uptime > 60 {
						t.Errorf("kernel log event %+v on a healthy host", e)
					}
				}
				for _, n := range s.NICs {
					if n.Kind == kindPhysical && n.Speed > 0 && (n.Link == nil || len(n.Link.Advertised) == 0 || n.Duplex != "full") {
						t.Errorf("%s: link %+v duplex %q", n.Name, n.Link, n.Duplex)
					}
					if s.Source == KindCollect && (n.CarrierChanges == nil || *n.CarrierChanges > 2) {
						t.Errorf("%s: carrier_changes %v", n.Name, n.CarrierChanges)
					}
				}
			}
		})
	}
}

// TestNamespacesSos42 reads sos 4.2's namespace outputs, which lie beside
// the host's in sos_commands/networking.
func TestNamespacesSos42(t *testing.T) {
	s := loadTree(t, sosTree().with(tree{
		"sos_commands/networking/ip_netns_exec_qrouter-7f1c_nstat_-zas": "#kernel\nUdpRcvbufErrors                 9                  0.0\n",
		"sos_commands/networking/ip_netns_exec_qrouter-7f1c_netstat_-s": "Ip:\n    12 total packets received\n",
	}))
	if len(s.Namespaces) != 1 || s.Namespaces[0].Name != "qrouter-7f1c" || s.Namespaces[0].NetStats["Udp"]["RcvbufErrors"] != 9 {
		t.Errorf("namespaces = %+v", s.Namespaces)
	}
	if in := inputOf(t, s, host.InputNamespaces, "qrouter-7f1c"); in.Status != host.StatusOK {
		t.Errorf("input %+v", in)
	}
}
