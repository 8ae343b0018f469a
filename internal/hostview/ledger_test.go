package hostview

import (
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// ledgerSnap is a host with one NIC, netstat/snmp counters, a conntrack
// stat table of two CPU rows and a namespace, at dt after a fixed time.
func ledgerSnap(dt time.Duration, overflows, drops, rcvbuf, inerr int64, missed, fifo uint64, ct [2]uint64, nsOverflows int64) *host.Snapshot {
	at := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	return &host.Snapshot{
		Time:     at.Add(dt),
		BootTime: at.Add(-time.Hour),
		NICs: []host.NIC{{Name: "eth0", Kind: "physical",
			Stats: map[string]uint64{"rx_missed_errors": missed, "rx_fifo_errors": fifo, "rx_packets": 1e6, "rx_crc_errors": 0}}},
		NetStats: map[string]map[string]int64{
			"TcpExt": {"ListenOverflows": overflows, "ListenDrops": drops},
			"Udp":    {"RcvbufErrors": rcvbuf, "InErrors": inerr},
		},
		Conntrack: &host.StatTable{Columns: []string{"entries", "drop"}, Rows: [][]uint64{{9, ct[0]}, {9, ct[1]}}},
		Namespaces: []host.NetNamespace{{Name: "pod-a",
			NetStats: map[string]map[string]int64{"TcpExt": {"ListenOverflows": nsOverflows, "ListenDrops": nsOverflows}}}},
	}
}

func row(t *testing.T, l *Ledger, layer LossLayer, name, subject string) LossEntry {
	t.Helper()
	for _, e := range l.Rows {
		if e.Layer == layer && e.Counter == name && e.Subject() == subject {
			return e
		}
	}
	t.Fatalf("no %s %s row for %s in %+v", layer, name, subject, l.Rows)
	return LossEntry{}
}

// TestLedgerWindow: one sample gives since-boot totals, two the deltas;
// a per-CPU stat table wraps per row; double-counted rows are marked and
// not added; a namespace's counters have their own rows.
func TestLedgerWindow(t *testing.T) {
	a := ledgerSnap(0, 100, 120, 50, 60, 10, 15, [2]uint64{0xfffffff0, 5}, 7)
	b := ledgerSnap(5*time.Second, 5100, 5130, 250050, 250070, 10, 15, [2]uint64{0x10, 25}, 507)

	one := New(host.Single(a)).Ledger
	if e := row(t, one, LayerTCP, "ListenOverflows", "host"); !e.SinceBoot || e.Value != 100 || e.PartOf == "" {
		t.Errorf("one sample ListenOverflows %+v", e)
	}

	p, err := host.NewPair(a, b)
	if err != nil {
		t.Fatal(err)
	}
	l := New(p).Ledger
	if e := row(t, l, LayerTCP, "ListenOverflows", "host"); e.Value != 5000 || e.Rate != 1000 || e.SinceBoot || e.Losing() {
		t.Errorf("ListenOverflows %+v: want 5000 at 1000/s, part of ListenDrops", e)
	}
	if e := row(t, l, LayerTCP, "ListenDrops", "host"); e.Value != 5010 || !e.Losing() {
		t.Errorf("ListenDrops %+v", e)
	}
	if e := row(t, l, LayerNetfilter, "drop", "host"); !e.Known || e.Value != 0x20+20 {
		t.Errorf("conntrack drop %+v: want each CPU row's own 32-bit wrap (0x20 + 20)", e)
	}
	if e := row(t, l, LayerTCP, "ListenOverflows", "netns pod-a"); e.Value != 500 {
		t.Errorf("namespace row %+v", e)
	}
	var tcp, udp LayerTotal
	for _, lt := range l.Layers {
		switch lt.Layer {
		case LayerTCP:
			tcp = lt
		case LayerUDP:
			udp = lt
		}
	}
	if tcp.Value != 5010+500 {
		t.Errorf("TCP total %d, want ListenDrops of the host and the namespace only (5510)", tcp.Value)
	}
	if udp.Value != 250010 {
		t.Errorf("UDP total %d, want InErrors alone (RcvbufErrors is part of it)", udp.Value)
	}
	for _, e := range l.Rows {
		if e.Layer == LayerNIC && e.Shown() {
			t.Errorf("a NIC row without growth is shown: %+v", e)
		}
	}
	if got := l.LossesOnNIC("eth0"); got != nil {
		t.Errorf("LossesOnNIC without growth: %+v", got)
	}

	// A NIC whose missed and fifo both grew: the larger is added, the other
	// is marked; LossesOnNIC names it.
	c := ledgerSnap(10*time.Second, 5100, 5130, 250050, 250070, 3010, 3215, [2]uint64{0x10, 25}, 507)
	p2, err := host.NewPair(b, c)
	if err != nil {
		t.Fatal(err)
	}
	l2 := New(p2).Ledger
	nic := l2.LossesOnNIC("eth0")
	if len(nic) != 1 || nic[0].Counter != "rx_fifo_errors" || nic[0].Value != 3200 {
		t.Errorf("LossesOnNIC = %+v, want rx_fifo_errors 3200 alone", nic)
	}
	if e := row(t, l2, LayerNIC, "rx_missed_errors", "eth0"); e.Losing() || e.Value != 3000 {
		t.Errorf("missed %+v: shown, not added", e)
	}

	// A counter going back is a gap, never a value.
	d := ledgerSnap(15*time.Second, 10, 5130, 250050, 250070, 3010, 3215, [2]uint64{0x10, 25}, 507)
	p3, err := host.NewPair(c, d)
	if err != nil {
		t.Fatal(err)
	}
	if e := row(t, New(p3).Ledger, LayerTCP, "ListenOverflows", "host"); e.Known || e.Gap == "" {
		t.Errorf("reset counter %+v: want a gap", e)
	}
}

// TestLedgerSoftnetPerCPU: softnet drops are rows of their CPU.
func TestLedgerSoftnetPerCPU(t *testing.T) {
	at := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	snap := func(dt time.Duration, dropped uint32) *host.Snapshot {
		return &host.Snapshot{Time: at.Add(dt), Topology: host.Topology{Online: []int{0, 1}},
			Softnet: []host.SoftnetRow{{CPU: 0, CPUFromIndex: true}, {CPU: 1, CPUFromIndex: true, Dropped: dropped}}}
	}
	p, err := host.NewPair(snap(0, 10), snap(2*time.Second, 30))
	if err != nil {
		t.Fatal(err)
	}
	l := New(p).Ledger
	if got := l.LossesOnCPU(1); len(got) != 1 || got[0].Value != 20 || got[0].Rate != 10 {
		t.Errorf("LossesOnCPU(1) = %+v", got)
	}
	if got := l.LossesOnCPU(0); got != nil {
		t.Errorf("LossesOnCPU(0) = %+v", got)
	}
	if !l.Losing() {
		t.Error("ledger with softnet drops is not losing")
	}
}

// TestLedgerStackRows: every netstat, snmp and snmp6 row of the ledger
// names its judge; TCPReqQFullDrop is part of ListenDrops (tcp_listendrop
// counts every drop of a packet to a listener), so a SYN-queue drop is
// added once; refused packets (NoPorts, InAddrErrors) are shown, judged and
// never added.
func TestLedgerStackRows(t *testing.T) {
	at := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	snap := func(dt time.Duration, k int64) *host.Snapshot {
		ns := map[string]map[string]int64{}
		for _, r := range netRows {
			if ns[r.group] == nil {
				ns[r.group] = map[string]int64{}
			}
			ns[r.group][r.name] = 10 * k
		}
		s6 := map[string]int64{}
		for _, r := range snmp6Rows {
			s6[r.name] = 10 * k
		}
		return &host.Snapshot{Time: at.Add(dt), BootTime: at.Add(-time.Hour), NetStats: ns, SNMP6: s6}
	}
	p, err := host.NewPair(snap(0, 1), snap(10*time.Second, 2))
	if err != nil {
		t.Fatal(err)
	}
	l := New(p).Ledger
	if want := len(netRows) + len(snmp6Rows); len(l.Rows) != want {
		t.Fatalf("%d rows, want %d", len(l.Rows), want)
	}
	var tcp uint64
	for _, e := range l.Rows {
		if e.JudgedBy == "" {
			t.Errorf("%s has no judge", e.Name())
		}
		if e.Layer == LayerTCP && e.Losing() {
			tcp += e.Value
		}
	}
	for _, c := range []struct {
		layer        LossLayer
		name, partOf string
	}{
		{LayerTCP, "TCPReqQFullDrop", "TcpExt ListenDrops"},
		{LayerTCP, "ListenOverflows", "TcpExt ListenDrops"},
		{LayerUDP, "NoPorts", NotALoss},
		{LayerIP, "InAddrErrors", NotALoss},
		{LayerIP, "InCsumErrors", "Ip InHdrErrors"},
		{LayerTCP, "TCPOFODrop", ""},
		{LayerTCP, "PFMemallocDrop", ""},
		{LayerIP, "Ip6InHdrErrors", ""},
	} {
		if e := row(t, l, c.layer, c.name, "host"); e.PartOf != c.partOf || e.Value != 10 {
			t.Errorf("%s: part of %q value %d, want %q and 10", c.name, e.PartOf, e.Value, c.partOf)
		}
	}
	// ListenDrops, TCPBacklogDrop, TCPRcvQDrop, TCPZeroWindowDrop,
	// TCPOFODrop, PFMemallocDrop, RcvPruned, OfoPruned, InErrs: 9 rows of 10.
	if tcp != 90 {
		t.Errorf("TCP rows added %d, want 90 (ListenOverflows and TCPReqQFullDrop are in ListenDrops)", tcp)
	}
}

// TestLedgerNamespaceSNMP6: a namespace's snmp6 counters have rows of their
// own, named for the namespace, judged as the host's.
func TestLedgerNamespaceSNMP6(t *testing.T) {
	a := ledgerSnap(0, 0, 0, 0, 0, 0, 0, [2]uint64{}, 0)
	b := ledgerSnap(5*time.Second, 0, 0, 0, 0, 0, 0, [2]uint64{}, 0)
	a.Namespaces[0].SNMP6 = map[string]int64{"Udp6RcvbufErrors": 10, "Udp6InErrors": 10, "Ip6InDiscards": 1}
	b.Namespaces[0].SNMP6 = map[string]int64{"Udp6RcvbufErrors": 1510, "Udp6InErrors": 1510, "Ip6InDiscards": 1}
	p, err := host.NewPair(a, b)
	if err != nil {
		t.Fatal(err)
	}
	l := New(p).Ledger
	e := row(t, l, LayerUDP, "Udp6RcvbufErrors", "netns pod-a")
	if e.Value != 1500 || e.Source != SrcNamespaceSNMP6 || e.JudgedBy != JudgeUDPRcvbuf || e.Losing() {
		t.Errorf("namespace Udp6RcvbufErrors %+v: want 1500, part of Udp6InErrors, judged by %s", e, JudgeUDPRcvbuf)
	}
	if e := row(t, l, LayerUDP, "Udp6InErrors", "netns pod-a"); !e.Losing() || e.JudgedBy != JudgeStackDrops {
		t.Errorf("namespace Udp6InErrors %+v", e)
	}
	if e := row(t, l, LayerIP, "Ip6InDiscards", "netns pod-a"); e.Shown() {
		t.Errorf("namespace Ip6InDiscards without growth shown: %+v", e)
	}

	// The namespace's snmp6 not read in the earlier sample: a gap.
	a.Namespaces[0].SNMP6 = nil
	p, err = host.NewPair(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if e := row(t, New(p).Ledger, LayerUDP, "Udp6RcvbufErrors", "netns pod-a"); e.Known || e.Gap == "" {
		t.Errorf("namespace snmp6 missing earlier %+v: want a gap", e)
	}
}
