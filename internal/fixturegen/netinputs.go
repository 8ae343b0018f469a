package fixturegen

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// The receive-path inputs beyond netstat and snmp: /proc/net/stat tables,
// sockstat, snmp6, UDP sockets, the kernel log, plain ethtool with link
// modes, ethtool -m and sysfs carrier_changes. A healthy host shows
// healthy values: nothing dropped, tables far from full.

// conntrackLoaded reports whether the scenario has nf_conntrack loaded:
// its sysctls name the table's limit.
func (m *model) conntrackLoaded() bool {
	_, ok := m.sc.Sysctl["net.netfilter.nf_conntrack_max"]
	return ok
}

// counterAt is a Counter's value at sample s.
func (m *model) counterAt(c Counter, s int) uint64 {
	return u64(c.Start + c.Rate*m.dt[s])
}

// perCPU spreads a total over n rows, the first rows taking the remainder.
func perCPU(total uint64, n, row int) uint64 {
	if n <= 0 {
		return 0
	}
	v := total / uint64(n)
	if uint64(row) < total%uint64(n) {
		v++
	}
	return v
}

// conntrackStat renders /proc/net/stat/nf_conntrack: one row per possible
// CPU, the header of the kernel (5.10 replaced searched and delete_list by
// clashres and chainlength, icmp_error by error).
func (m *model) conntrackStat(s int) string {
	cols := []string{"entries", "searched", "found", "new", "invalid", "ignore", "delete", "delete_list", "insert", "insert_failed", "drop", "early_drop", "icmp_error", "expect_new", "expect_create", "expect_delete", "search_restart"}
	if m.k.ge(5, 10) {
		cols = []string{"entries", "clashres", "found", "new", "invalid", "ignore", "delete", "chainlength", "insert", "insert_failed", "drop", "early_drop", "error", "expect_new", "expect_create", "expect_delete", "search_restart"}
	}
	entries, _ := strconv.ParseUint(m.sc.Sysctl["net.netfilter.nf_conntrack_count"], 10, 32)
	totals := map[string]uint64{
		"invalid":        u64(0.002 * m.up[s]),
		"ignore":         u64(0.8 * m.up[s]),
		"search_restart": u64(0.0005 * m.up[s]),
	}
	for name, c := range m.sc.ConntrackStat {
		totals[name] = m.counterAt(c, s)
	}
	var b strings.Builder
	b.WriteString(cols[0] + "  " + strings.Join(cols[1:12], " ") + " " + cols[12] + "  " + strings.Join(cols[13:], " ") + "\n")
	for cpu := 0; cpu < m.n; cpu++ {
		for i, c := range cols {
			v := entries
			if c != "entries" {
				v = perCPU(totals[c], m.n, cpu)
			}
			sep := " "
			if i == 1 || i == 13 {
				sep = "  "
			}
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(&b, "%s%08x", sep, uint32(v))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// neighStat renders /proc/net/stat/arp_cache or ndisc_cache (the header
// has not changed since 2.6.x): entries is the table size, the rest
// per-CPU counters.
func (m *model) neighStat(s int, v6 bool) string {
	visible := 0
	for _, n := range m.nics {
		if !n.Hidden && n.Kind != KindLoopback {
			visible++
		}
	}
	entries := uint64(2 + 2*visible)
	scale := 1.0
	if v6 {
		entries, scale = uint64(1+visible), 0.3
	}
	totals := []uint64{
		entries,
		u64(scale * 0.004 * m.up[s]),  // allocs
		u64(scale * 0.0038 * m.up[s]), // destroys
		0,                             // hash_grows
		u64(scale * 0.9 * m.up[s]),    // lookups
		u64(scale * 0.88 * m.up[s]),   // hits
		u64(scale * 0.0001 * m.up[s]), // res_failed
		0, 0,                          // rcv_probes_mcast, rcv_probes_ucast
		u64(0.033 * m.up[s]), // periodic_gc_runs
		0, 0, 0,              // forced_gc_runs, unresolved_discards, table_fulls
	}
	if !v6 {
		for i, name := range []string{"entries", "forced_gc_runs", "table_fulls"} {
			c, ok := m.sc.ARPStat[name]
			if !ok {
				continue
			}
			switch i {
			case 0:
				totals[0] = u64(c.Start)
			case 1:
				totals[10] = m.counterAt(c, s)
			default:
				totals[12] = m.counterAt(c, s)
			}
		}
	}
	var b strings.Builder
	b.WriteString("entries  allocs destroys hash_grows  lookups hits  res_failed  rcv_probes_mcast rcv_probes_ucast  periodic_gc_runs forced_gc_runs unresolved_discards table_fulls\n")
	gaps := map[int]bool{1: true, 4: true, 6: true, 7: true, 9: true}
	for cpu := 0; cpu < m.n; cpu++ {
		for i, t := range totals {
			v := t
			if i > 0 {
				v = perCPU(t, m.n, cpu)
			}
			switch {
			case i == 0:
			case gaps[i]:
				b.WriteString("  ")
			default:
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%08x", v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// tcpMem is sockstat's TCP memory in pages: the scenario's, else def.
func (m *model) tcpMem(def int) int {
	if m.sc.SockstatTCPMem > 0 {
		return m.sc.SockstatTCPMem
	}
	return def
}

// sockstat renders /proc/net/sockstat and sockstat6.
func (m *model) sockstat() (v4, v6 string) {
	tcp := 8 + 2*len(m.sc.Procs)
	v4 = fmt.Sprintf("sockets: used %d\nTCP: inuse %d orphan 0 tw %d alloc %d mem %d\nUDP: inuse 2 mem 1\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n",
		180+len(m.procs)*3, tcp, 3*tcp, tcp+4, m.tcpMem(1+tcp/4))
	v6 = "TCP6: inuse 2\nUDP6: inuse 1\nUDPLITE6: inuse 0\nRAW6: inuse 1\nFRAG6: inuse 0 memory 0\n"
	return v4, v6
}

// snmp6Names are /proc/net/snmp6's counters in kernel order (5.x), with
// a healthy rate per second since boot.
var snmp6Names = []struct {
	name string
	rate float64
}{
	{"Ip6InReceives", 1.2}, {"Ip6InHdrErrors", 0}, {"Ip6InTooBigErrors", 0}, {"Ip6InNoRoutes", 0},
	{"Ip6InAddrErrors", 0}, {"Ip6InUnknownProtos", 0}, {"Ip6InTruncatedPkts", 0}, {"Ip6InDiscards", 0},
	{"Ip6InDelivers", 1.2}, {"Ip6OutForwDatagrams", 0}, {"Ip6OutRequests", 1.1}, {"Ip6OutDiscards", 0},
	{"Ip6OutNoRoutes", 0}, {"Ip6ReasmTimeout", 0}, {"Ip6ReasmReqds", 0}, {"Ip6ReasmOKs", 0},
	{"Ip6ReasmFails", 0}, {"Ip6FragOKs", 0}, {"Ip6FragFails", 0}, {"Ip6FragCreates", 0},
	{"Ip6InMcastPkts", 0.05}, {"Ip6OutMcastPkts", 0.04}, {"Ip6InOctets", 160}, {"Ip6OutOctets", 150},
	{"Ip6InMcastOctets", 4}, {"Ip6OutMcastOctets", 3}, {"Ip6InBcastOctets", 0}, {"Ip6OutBcastOctets", 0},
	{"Ip6InNoECTPkts", 1.2}, {"Ip6InECT1Pkts", 0}, {"Ip6InECT0Pkts", 0}, {"Ip6InCEPkts", 0},
	{"Icmp6InMsgs", 0.03}, {"Icmp6InErrors", 0}, {"Icmp6OutMsgs", 0.03}, {"Icmp6OutErrors", 0},
	{"Icmp6InCsumErrors", 0}, {"Icmp6InType135", 0.01}, {"Icmp6InType136", 0.01}, {"Icmp6OutType135", 0.01},
	{"Icmp6OutType136", 0.01}, {"Udp6InDatagrams", 0.02}, {"Udp6NoPorts", 0}, {"Udp6InErrors", 0},
	{"Udp6OutDatagrams", 0.02}, {"Udp6RcvbufErrors", 0}, {"Udp6SndbufErrors", 0}, {"Udp6InCsumErrors", 0},
	{"Udp6IgnoredMulti", 0}, {"Udp6MemErrors", 0}, {"UdpLite6InDatagrams", 0}, {"UdpLite6NoPorts", 0},
	{"UdpLite6InErrors", 0}, {"UdpLite6OutDatagrams", 0}, {"UdpLite6RcvbufErrors", 0}, {"UdpLite6SndbufErrors", 0},
	{"UdpLite6InCsumErrors", 0}, {"UdpLite6MemErrors", 0},
}

// snmp6 renders /proc/net/snmp6 ("%-32s\t%lu").
func (m *model) snmp6(s int) string {
	var b strings.Builder
	for _, c := range snmp6Names {
		if o, ok := m.sc.SNMP6[c.name]; ok {
			fmt.Fprintf(&b, "%-32s\t%d\n", c.name, u64(o.Start+o.Rate*m.dt[s]))
			continue
		}
		fmt.Fprintf(&b, "%-32s\t%d\n", c.name, u64(c.rate*m.up[s]))
	}
	return b.String()
}

// inode is a stable socket inode for a name.
func (m *model) inode(name string) uint64 {
	h := fnv.New32a()
	h.Write([]byte(m.sc.Hostname + name))
	return 20000 + uint64(h.Sum32()%400000)
}

// udp renders /proc/net/udp and udp6: chronyd's command sockets on the
// loopback addresses, nothing dropped, nothing queued.
func (m *model) udp() (v4, v6 string) {
	v4 = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
		fmt.Sprintf("  451: 0100007F:0143 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 %d 2 0000000000000000 0\n", m.inode("udp323")) +
		fmt.Sprintf("  572: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   996        0 %d 2 0000000000000000 0\n", m.inode("udp5353"))
	v6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
		fmt.Sprintf("  451: 00000000000000000000000001000000:0143 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 %d 2 0000000000000000 0\n", m.inode("udp6_323"))
	return v4, v6
}

// listeners are the scenario's listening sockets, or sshd's.
func (m *model) listeners() []Listener {
	if m.sc.Listeners != nil {
		return m.sc.Listeners
	}
	return []Listener{{Port: 22, Comm: "sshd", PID: 1020, Backlog: 128}, {IPv6: true, Port: 22, Comm: "sshd", PID: 1020, Backlog: 128}}
}

// tcp renders /proc/net/tcp and tcp6 of sample s: the listeners (rx_queue
// is the accept queue's length), and one established SSH connection.
func (m *model) tcp(s int) (v4, v6 string) {
	var b4, b6 strings.Builder
	b4.WriteString("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
	b6.WriteString("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
	n4, n6 := 0, 0
	for _, l := range m.listeners() {
		q := l.Queue[min(s, 1)]
		ino := m.inode(fmt.Sprintf("tcp%v_%d", l.IPv6, l.Port))
		if l.IPv6 {
			fmt.Fprintf(&b6, "%4d: 00000000000000000000000000000000:%04X 00000000000000000000000000000000:0000 0A 00000000:%08X 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0\n", n6, l.Port, q, ino)
			n6++
			continue
		}
		fmt.Fprintf(&b4, "%4d: 00000000:%04X 00000000:0000 0A 00000000:%08X 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0\n", n4, l.Port, q, ino)
		n4++
	}
	fmt.Fprintf(&b4, "%4d: 0F02000A:0016 0202000A:D1C4 01 00000000:00000000 02:0009D6E3 00000000     0        0 %d 4 0000000000000000 20 4 29 10 -1\n", n4, m.inode("tcp-estab"))
	return b4.String(), b6.String()
}

// ssPeaonmi renders sos's ss -peaonmi of sample s: a netlink row, the
// listeners with their owners and detail lines, a UDP socket.
func (m *model) ssPeaonmi(s int) string {
	var b strings.Builder
	b.WriteString("Netid State  Recv-Q Send-Q                            Local Address:Port   Peer Address:Port Process\n")
	b.WriteString("nl    UNCONN 0      0                                          rtnl:kernel                *\n")
	for _, l := range m.listeners() {
		local, peer := fmt.Sprintf("0.0.0.0:%d", l.Port), "0.0.0.0:*"
		if l.IPv6 {
			local, peer = fmt.Sprintf("[::]:%d", l.Port), "[::]:*"
		}
		fmt.Fprintf(&b, "tcp   LISTEN %-6d %-6d %40s %19s     users:((\"%s\",pid=%d,fd=%d)) ino:%d sk:%x <->\n",
			l.Queue[min(s, 1)], l.Backlog, local, peer, l.Comm, l.PID, 3+l.Port%7, m.inode(fmt.Sprintf("tcp%v_%d", l.IPv6, l.Port)), l.Port)
		b.WriteString("\t skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) cubic rto:1000 mss:536 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10\n")
	}
	fmt.Fprintf(&b, "udp   UNCONN 0      0                                        127.0.0.1:323             0.0.0.0:*     users:((\"chronyd\",pid=702,fd=5)) ino:%d sk:2 <->\n", m.inode("udp323"))
	return b.String()
}

// hasSS says whether a sosreport of this model holds ss -peaonmi: the
// networking plugin runs it since sos 3.4.
func (m *model) hasSS() bool { return m.sos.ge(3, 4, 0) }

// dmesg renders the kernel ring buffer: boot lines, each NIC's driver
// bringing its link up, and the scenario's own lines.
func (m *model) dmesg() string {
	var b strings.Builder
	line := func(t float64, msg string) {
		fmt.Fprintf(&b, "[%5d.%06d] %s\n", int64(t), int64((t-float64(int64(t)))*1e6), msg)
	}
	line(0, "Linux version "+m.sc.Kernel+" (mockbuild@builder) "+m.sc.KernelVersion)
	line(0, "Command line: "+strings.TrimSpace(m.cmdline()))
	t := 4.2
	for _, n := range m.nics {
		if n.Hidden {
			continue
		}
		switch n.Kind {
		case KindPhysical:
			line(t, fmt.Sprintf("%s %s: %s: renamed from eth%d", n.Driver, n.PCI, n.Name, n.IfIndex))
			t += 3.1
			if n.OperState == "up" && n.Speed > 0 {
				line(t, fmt.Sprintf("%s %s %s: NIC Link is Up %d Gbps, Flow Control: RX/TX", n.Driver, n.PCI, n.Name, n.Speed/1000))
			}
		case KindVirtio:
			line(t, fmt.Sprintf("virtio_net virtio%d %s: renamed from eth0", n.Virtio, n.Name))
		}
		t += 0.4
	}
	for _, l := range m.sc.KernelLog {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// linkModes is what plain ethtool says about a NIC's negotiation.
func (m *model) linkModes(n *nicModel) host.LinkModes {
	up := n.OperState == "up" || n.OperState == "unknown" || n.Kind == KindLoopback
	on, off := true, false
	switch n.Kind {
	case KindPhysical:
		modes := []string{"1000baseT/Full", "10000baseT/Full"}
		if n.Speed > 10000 {
			modes = []string{"10000baseT/Full", strconv.Itoa(n.Speed/1000) + "000baseSR/Full"}
		}
		return host.LinkModes{Supported: modes, Advertised: modes, AutoNeg: &on, Port: "FIBRE", Detected: &up}
	case KindLoopback:
		return host.LinkModes{Detected: &up}
	}
	return host.LinkModes{AutoNeg: &off, Port: "Other", Detected: &up}
}

// ethtoolPlain renders plain `ethtool DEV`: as ethtool prints it in a
// sosreport, as netdoctor collect writes it otherwise.
func (m *model) ethtoolPlain(n *nicModel, collect bool) []byte {
	lm := m.linkModes(n)
	duplex := "Full"
	if n.Speed <= 0 {
		duplex = "Unknown! (255)"
	}
	if collect {
		if n.Kind == KindLoopback {
			return cmdout.FormatEthtoolLink(cmdout.LinkSettings{Name: n.Name, Speed: -1}, lm)
		}
		return cmdout.FormatEthtoolLink(cmdout.LinkSettings{Name: n.Name, Speed: n.Speed, Duplex: duplex}, lm)
	}
	if n.Kind == KindLoopback {
		return []byte("Settings for " + n.Name + ":\n\tLink detected: yes\n")
	}
	speed := "Unknown!"
	if n.Speed > 0 {
		speed = itoa(n.Speed) + "Mb/s"
	}
	modes := func(l []string) string {
		if len(l) == 0 {
			return "Not reported"
		}
		return strings.Join(l, "\n\t                        ")
	}
	an, ports, port := "No", "[ ]", lm.Port
	if lm.AutoNeg != nil && *lm.AutoNeg {
		an, ports = "Yes", "[ FIBRE ]"
	}
	detected := "no"
	if *lm.Detected {
		detected = "yes"
	}
	autoneg := "off"
	if an == "Yes" {
		autoneg = "on"
	}
	return []byte("Settings for " + n.Name + ":\n" +
		"\tSupported ports: " + ports + "\n" +
		"\tSupported link modes:   " + modes(lm.Supported) + "\n" +
		"\tSupported pause frame use: Symmetric\n" +
		"\tSupports auto-negotiation: " + an + "\n" +
		"\tSupported FEC modes: Not reported\n" +
		"\tAdvertised link modes:  " + modes(lm.Advertised) + "\n" +
		"\tAdvertised pause frame use: Symmetric\n" +
		"\tAdvertised auto-negotiation: " + an + "\n" +
		"\tAdvertised FEC modes: Not reported\n" +
		"\tSpeed: " + speed + "\n" +
		"\tDuplex: " + duplex + "\n" +
		"\tAuto-negotiation: " + autoneg + "\n" +
		"\tPort: " + port + "\n" +
		"\tPHYAD: 0\n" +
		"\tTransceiver: internal\n" +
		"\tLink detected: " + detected + "\n")
}

// ethtoolModule renders `ethtool -m DEV`: a healthy 10G SR optic on a
// fibre NIC, the driver's refusal elsewhere.
func (m *model) ethtoolModule(n *nicModel) []byte {
	if n.Kind != KindPhysical || n.Speed < 10000 {
		return []byte(ethtoolNoModule)
	}
	return []byte(`	Identifier                                : 0x03 (SFP)
	Extended identifier                       : 0x04 (GBIC/SFP defined by 2-wire interface ID)
	Connector                                 : 0x07 (LC)
	Transceiver codes                         : 0x10 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00
	Transceiver type                          : 10G Ethernet: 10G Base-SR
	Encoding                                  : 0x06 (64B/66B)
	BR, Nominal                               : 10300MBd
	Length (OM3 50um)                         : 300m
	Laser wavelength                          : 850nm
	Vendor name                               : FINISAR CORP.
	Vendor PN                                 : FTLX8574D3BCL
	Optical diagnostics support               : Yes
	Laser bias current                        : 6.750 mA
	Laser output power                        : 0.5512 mW / -2.59 dBm
	Receiver signal average optical power     : 0.4870 mW / -3.12 dBm
	Module temperature                        : 33.45 degrees C / 92.21 degrees F
	Module voltage                            : 3.3101 V
	Laser output power high alarm threshold   : 1.0000 mW / 0.00 dBm
	Laser output power low alarm threshold    : 0.1585 mW / -8.00 dBm
	Laser rx power high alarm threshold       : 1.2589 mW / 1.00 dBm
	Laser rx power low alarm threshold        : 0.0102 mW / -19.91 dBm
	Laser rx power high warning threshold     : 0.7943 mW / -1.00 dBm
	Laser rx power low warning threshold      : 0.0204 mW / -16.90 dBm
`)
}

// ethtoolNoModule is ethtool -m without a module EEPROM to read.
const ethtoolNoModule = "Cannot get module EEPROM information: Operation not supported\n"

// netInputsNotOK lists this group's inputs that load as not ok: conntrack
// statistics without the module, and in a sosreport the sysfs link state
// sos does not copy and ethtool -m of physical NICs without an optic (or
// before sos 4.0 wrote it).
func (m *model) netInputsNotOK() []ExpectInput {
	var out []ExpectInput
	if !m.conntrackLoaded() {
		out = append(out, ExpectInput{Name: "conntrack_stat", Status: "missing"})
	}
	if m.sc.Bundle == BundleCollect || m.noNetworking() {
		// Without the networking plugin there is no interface list, so no
		// per-NIC input at all; the files it would have read are declared
		// by the scenario.
		return out
	}
	out = append(out, ExpectInput{Name: "nic_link", Status: "missing"})
	if !m.hasSS() {
		out = append(out, ExpectInput{Name: "ss_listen", Status: "missing"})
	}
	for _, n := range m.nics {
		if n.Hidden || n.Kind != KindPhysical {
			continue
		}
		if !m.sos.ge(4, 0, 0) || string(m.ethtoolModule(n)) == ethtoolNoModule {
			out = append(out, ExpectInput{Name: "ethtool_module", Subject: n.Name, Status: "missing"})
		}
	}
	return out
}

// hostNetNS is the init network namespace's link target.
const hostNetNS = "net:[4026531840]"

// writeNetNSLinks writes, on a host with veth interfaces, the namespace
// links netdoctor collect reads while looking for container namespaces:
// its own and every user process's, all in the host namespace here.
func (m *model) writeNetNSLinks(t *tree, s int) {
	veth := false
	for _, n := range m.nics {
		veth = veth || (!n.Hidden && n.Kind == KindVeth)
	}
	if !veth {
		return
	}
	t.link("proc/self/ns/net", hostNetNS)
	pod := m.sc.PodNetNS
	for _, p := range m.procs {
		switch {
		case p.kernel:
		case pod != nil && slices.Contains(pod.PIDs, p.PID):
			t.link("proc/"+itoa(p.PID)+"/ns/net", "net:["+itoa(pod.Inode)+"]")
		default:
			t.link("proc/"+itoa(p.PID)+"/ns/net", hostNetNS)
		}
	}
	if pod == nil {
		return
	}
	// The pod's own counters: the host's, with the pod's overrides.
	hostStats, hostSNMP6, hostListeners := m.sc.NetStat, m.sc.SNMP6, m.sc.Listeners
	m.sc.NetStat, m.sc.SNMP6, m.sc.Listeners = pod.NetStat, pod.SNMP6, pod.Listeners
	for _, pid := range pod.PIDs {
		dir := "proc/" + itoa(pid) + "/net/"
		t.text(dir+"netstat", m.netstat(s))
		t.text(dir+"snmp", m.snmp(s))
		t.text(dir+"snmp6", m.snmp6(s))
		if pod.Listeners != nil {
			t4, t6 := m.tcp(s)
			t.text(dir+"tcp", t4)
			t.text(dir+"tcp6", t6)
		}
	}
	m.sc.NetStat, m.sc.SNMP6, m.sc.Listeners = hostStats, hostSNMP6, hostListeners
}

// carrierChanges is sysfs carrier_changes: a link that came up once at
// boot counts 2 on most drivers (down at registration, then up).
func carrierChanges(n *nicModel) string {
	switch n.Kind {
	case KindLoopback:
		return "0"
	case KindBridge:
		return "1"
	}
	return "2"
}

// writeNetInputs writes the files of this group for sample s; netDir is
// where the sample's proc/net files go.
func (m *model) writeNetInputs(w *sampleWriter, netDir string) {
	t, s := w.t, w.s
	if m.conntrackLoaded() {
		t.text(netDir+"stat/nf_conntrack", m.conntrackStat(s))
	}
	t.text(netDir+"stat/arp_cache", m.neighStat(s, false))
	t.text(netDir+"stat/ndisc_cache", m.neighStat(s, true))
	v4, v6 := m.sockstat()
	t.text(netDir+"sockstat", v4)
	t.text(netDir+"sockstat6", v6)
	t.text(netDir+"snmp6", m.snmp6(s))
	u4, u6 := m.udp()
	t.text(netDir+"udp", u4)
	t.text(netDir+"udp6", u6)
	t4, t6 := m.tcp(s)
	t.text(netDir+"tcp", t4)
	t.text(netDir+"tcp6", t6)
	if !w.collect && m.hasSS() && !m.noNetworking() {
		w.cmd("networking", "ss -peaonmi", "ss_-peaonmi", []byte(m.ssPeaonmi(s)))
	}
	w.cmd("kernel", "dmesg", "dmesg", []byte(m.dmesg()))
	if w.collect {
		for _, n := range m.nics {
			if !n.Hidden {
				t.line(n.netDir()+"/carrier_changes", carrierChanges(n))
			}
		}
		m.writeNetNSLinks(t, s)
		return
	}
	if m.sos.ge(4, 0, 0) {
		for _, n := range m.nics {
			if !n.Hidden {
				w.cmd("networking", "ethtool -m "+n.Name, "ethtool_-m_"+sosMangle(n.Name), m.ethtoolModule(n))
			}
		}
	}
}
