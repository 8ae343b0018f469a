package hostview

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// The loss ledger: every receive-path loss counter the inputs hold, over
// the window, in one typed table grouped by the layer where the packet
// died. It answers "where did packets die, and how many per second" for
// every report and for `netdoctor show`, and the loss checks read it
// instead of reading the counters again.
//
// Rules of the table:
//   - A row's Value follows the window of the view (NetStat, NICCounter):
//     the growth over the interval with two samples, the cumulative total
//     with one (SinceBoot set). A series without a value over the interval
//     (a reboot, a counter that went back) has Known false and Gap says why.
//   - Counters a layer counts twice are marked with PartOf (the counter
//     that already includes them, or a note that the row is an event count
//     rather than packets) and are never added into a layer's total:
//     ListenDrops includes ListenOverflows and TCPReqQFullDrop; Udp InErrors includes
//     RcvbufErrors, MemErrors and InCsumErrors; /proc/net/dev's drop column
//     includes rx_missed_errors; of a NIC's adapter and ring overflow
//     counters only the largest is added (igb's fifo count includes
//     missed; ice folds its own drops into missed).
//   - Per-CPU stat tables (nf_conntrack, arp_cache, ndisc_cache) are
//     subtracted row by row: each CPU's counter wraps on its own.
//   - Packets the host refused rather than lost (Udp NoPorts, Ip
//     InAddrErrors) are marked NotALoss and never added.
//   - Every row names the check that judges it (JudgedBy).
//   - Rows with a zero value are kept (a reader may want to know a counter
//     was read); renderers fold them away.

// LossLayer is where on the receive path a counter counts its losses.
type LossLayer string

// The layers, in the order a received frame meets them.
const (
	LayerLink      LossLayer = "link"
	LayerNIC       LossLayer = "nic"
	LayerCloud     LossLayer = "cloud"
	LayerBacklog   LossLayer = "backlog"
	LayerNetfilter LossLayer = "netfilter"
	LayerNeighbour LossLayer = "neighbour"
	LayerIP        LossLayer = "ip"
	LayerTCP       LossLayer = "tcp"
	LayerUDP       LossLayer = "udp"
)

// LossLayers are the layers in path order.
var LossLayers = []LossLayer{LayerLink, LayerNIC, LayerCloud, LayerBacklog, LayerNetfilter, LayerNeighbour, LayerIP, LayerTCP, LayerUDP}

// Title is the layer's name for a reader.
func (l LossLayer) Title() string {
	switch l {
	case LayerLink:
		return "Link (cable, optics, switch port)"
	case LayerNIC:
		return "NIC hardware and driver"
	case LayerCloud:
		return "Cloud instance limits"
	case LayerBacklog:
		return "Kernel backlog (softnet)"
	case LayerNetfilter:
		return "Netfilter (conntrack)"
	case LayerNeighbour:
		return "Neighbour table (ARP/ND)"
	case LayerIP:
		return "IP"
	case LayerTCP:
		return "TCP"
	case LayerUDP:
		return "UDP"
	}
	return string(l)
}

// Sources of the ledger's non-NIC rows, as rows name them.
const (
	SrcNetstat    = "/proc/net/netstat"
	SrcSNMP       = "/proc/net/snmp"
	SrcSNMP6      = "/proc/net/snmp6"
	SrcSoftnet    = "/proc/net/softnet_stat"
	SrcConntrack  = "/proc/net/stat/nf_conntrack"
	SrcARPCache   = "/proc/net/stat/arp_cache"
	SrcNDiscCache = "/proc/net/stat/ndisc_cache"
	SrcNamespace  = "namespace netstat/snmp"
	// SrcNamespaceSNMP6 is a namespace's snmp6 (live /proc/PID/net/snmp6,
	// in a sosreport the Ip6/Udp6 rows of its nstat output).
	SrcNamespaceSNMP6 = "namespace snmp6"
	notPackets        = "(events, not packets)"
	notLossAlone      = "(not a loss by itself)"
	largestCounted    = "(the NIC's largest overflow counter is counted)"
	// NotALoss marks counters of packets the host refused rather than
	// lost: addressed to no one here (Udp NoPorts, Ip InAddrErrors, an
	// unknown protocol, no route). They are shown, judged (as a notice at
	// most) and never added.
	NotALoss = "(not a loss: refused, not dropped)"
)

// The check IDs that judge ledger rows (LossEntry.JudgedBy). hostview does
// not import the checks; checks/fixtures_test.go fails when an ID here is
// not a registered check, and when a row that is a loss has none.
const (
	JudgeNICFifo    = "nic-rx-fifo-missed"
	JudgeLink       = "nic-link-errors"
	JudgeCloud      = "cloud-nic-limits"
	JudgeSoftnet    = "softnet-backlog-drops"
	JudgeSqueeze    = "softirq-budget-squeeze"
	JudgeConntrack  = "conntrack-table-full"
	JudgeNeighbour  = "neighbour-table-overflow"
	JudgeMTU        = "mtu-mismatch"
	JudgeRPFilter   = "rp-filter-drops"
	JudgeListen     = "tcp-listen-overflow"
	JudgeTCPMem     = "tcp-memory-pressure"
	JudgeUDPRcvbuf  = "udp-rcvbuf-errors"
	JudgeStackDrops = "stack-drops"
)

// Judges lists every ID a ledger row may carry in JudgedBy.
var Judges = []string{JudgeNICFifo, JudgeLink, JudgeCloud, JudgeSoftnet, JudgeSqueeze, JudgeConntrack, JudgeNeighbour,
	JudgeMTU, JudgeRPFilter, JudgeListen, JudgeTCPMem, JudgeUDPRcvbuf, JudgeStackDrops}

// LossEntry is one row of the ledger.
type LossEntry struct {
	Layer LossLayer `json:"layer"`
	// Counter is the counter's name as its source prints it ("TcpExt
	// ListenOverflows" is Counter "ListenOverflows" with Group "TcpExt").
	Counter string `json:"counter"`
	Group   string `json:"group,omitempty"`
	// Source is the file or command it was read from.
	Source string `json:"source"`
	// NIC is the interface, Namespace the network namespace (other than
	// the host's), CPU the CPU of a per-CPU row (-1 for none).
	NIC       string `json:"nic,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	CPU       int    `json:"cpu"`
	// Value is the count over the window; Known false when the series has
	// no value (Gap says why). Rate is per second over the window, 0
	// without a time base. SinceBoot marks one sample's cumulative count.
	Value     uint64  `json:"value"`
	Known     bool    `json:"known"`
	Gap       string  `json:"gap,omitempty"`
	Rate      float64 `json:"rate"`
	SinceBoot bool    `json:"since_boot,omitempty"`
	// PartOf names the counter of the same layer that already includes
	// this one, or says why the row is not added ("events, not packets");
	// such rows never enter a total.
	PartOf string `json:"part_of,omitempty"`
	// JudgedBy is the ID of the check that judges this row: every row
	// that counts a loss has one, so no loss passes silently.
	JudgedBy string `json:"judged_by,omitempty"`
}

// Subject names what the row is about: the NIC, the namespace, the CPU, or
// "host".
func (e *LossEntry) Subject() string {
	switch {
	case e.NIC != "":
		return e.NIC
	case e.Namespace != "":
		return "netns " + e.Namespace
	case e.CPU >= 0:
		return "CPU " + strconv.Itoa(e.CPU)
	}
	return "host"
}

// Name is "Group Counter" or Counter.
func (e *LossEntry) Name() string {
	if e.Group != "" {
		return e.Group + " " + e.Counter
	}
	return e.Counter
}

// Losing is true for a row that counts lost packets over the window: known,
// non-zero and not part of another row.
func (e *LossEntry) Losing() bool { return e.Known && e.Value > 0 && e.PartOf == "" }

// Shown is true for a row a renderer shows: a non-zero value or a gap.
func (e *LossEntry) Shown() bool { return (e.Known && e.Value > 0) || e.Gap != "" }

// LayerTotal is one layer's sum of the rows that are not part of another.
type LayerTotal struct {
	Layer LossLayer `json:"layer"`
	Value uint64    `json:"value"`
	Rate  float64   `json:"rate"`
	// Rows counts the layer's shown rows; Gaps those without a value.
	Rows int `json:"rows"`
	Gaps int `json:"gaps"`
}

// Ledger is the loss table of the view.
type Ledger struct {
	// Window, WindowLabel and Seconds are the view's.
	Window      WindowKind `json:"window"`
	WindowLabel string     `json:"window_label"`
	// Rows are grouped by layer in path order, then by subject and counter.
	Rows []LossEntry `json:"rows"`
	// Layers are the totals of the layers that have shown rows.
	Layers []LayerTotal `json:"layers"`
}

// Shown returns the rows a renderer shows (non-zero or with a gap).
func (l *Ledger) Shown() []LossEntry {
	var out []LossEntry
	for _, e := range l.Rows {
		if e.Shown() {
			out = append(out, e)
		}
	}
	return out
}

// Find returns the rows of a layer whose counter is name (any group), in
// table order: the host's first, then the namespaces'.
func (l *Ledger) Find(layer LossLayer, name string) []LossEntry {
	var out []LossEntry
	for _, e := range l.Rows {
		if e.Layer == layer && e.Counter == name {
			out = append(out, e)
		}
	}
	return out
}

// LossesOnNIC returns the rows of interface name that count losses over the
// window (Losing: known, non-zero, not part of another row): link, NIC and
// cloud-limit rows. Nil when the NIC lost nothing that the ledger can see.
func (l *Ledger) LossesOnNIC(name string) []LossEntry {
	return l.losing(func(e *LossEntry) bool { return e.NIC == name })
}

// LossesOnCPU returns the per-CPU rows of cpu that count losses over the
// window: softnet_stat dropped on that CPU. NIC losses are not attributed
// to CPUs here (a NIC's counters are not per CPU): ask LossesOnNIC for the
// NICs whose queues the CPU services.
func (l *Ledger) LossesOnCPU(cpu int) []LossEntry {
	return l.losing(func(e *LossEntry) bool { return e.CPU == cpu })
}

// losing returns the rows that match and count losses (Losing).
func (l *Ledger) losing(match func(*LossEntry) bool) []LossEntry {
	var out []LossEntry
	for i := range l.Rows {
		if e := &l.Rows[i]; match(e) && e.Losing() {
			out = append(out, *e)
		}
	}
	return out
}

// Losing is true when some row counts lost packets over the window.
func (l *Ledger) Losing() bool {
	for i := range l.Rows {
		if l.Rows[i].Losing() {
			return true
		}
	}
	return false
}

// RoleLayers maps the NIC loss table's roles (LossTable) to ledger layers.
// A role not listed here is read as LayerNIC, except that a counter whose
// name says it is a link error or a cloud allowance is placed by its name
// (linkCounter, cloudCounter). Packets rows are denominators, not losses,
// and are skipped.
var RoleLayers = map[LossRole]LossLayer{
	Overflow:     LayerNIC,
	EarlyWarning: LayerNIC,
	LinkError:    LayerLink,
	CloudLimit:   LayerCloud,
}

// linkCounter is true for a NIC counter of physical-layer errors.
func linkCounter(name string) bool {
	for _, w := range []string{"crc", "frame_err", "length_err", "symbol", "carrier", "align"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// cloudCounter is true for a cloud instance allowance counter (ENA).
func cloudCounter(name string) bool { return strings.Contains(name, "allowance_exceeded") }

// nicLayer places one loss-table counter.
func nicLayer(r LossRow) LossLayer {
	switch {
	case cloudCounter(r.Name):
		return LayerCloud
	case linkCounter(r.Name):
		return LayerLink
	}
	if l, ok := RoleLayers[r.Role]; ok {
		return l
	}
	return LayerNIC
}

// layerJudge is the check that judges a NIC row of layer l.
func layerJudge(l LossLayer) string {
	switch l {
	case LayerLink:
		return JudgeLink
	case LayerCloud:
		return JudgeCloud
	}
	return JudgeNICFifo
}

// linkRows are the sysfs statistics of physical-layer errors the ledger
// reads beside the loss table (a row the table already holds is not read
// twice).
var linkRows = []string{"rx_crc_errors", "rx_frame_errors", "rx_length_errors", "tx_carrier_errors"}

// netRow is one /proc/net/netstat or snmp counter of the ledger, and the
// check that judges it.
type netRow struct {
	layer  LossLayer
	group  string
	name   string
	partOf string
	judge  string
}

// netRows are the netstat and snmp counters of the ledger, per namespace.
//
// What each counts, from the kernel's own accounting (net/ipv4, net/ipv6):
//   - Ip InHdrErrors includes IpExt InCsumErrors (ip_rcv_core counts a
//     bad header checksum in both); InTruncatedPkts is counted apart.
//   - TcpExt ListenDrops is counted at every drop of a packet to a
//     listener (tcp_listendrop): it includes ListenOverflows (accept queue
//     full) and TCPReqQFullDrop (SYN queue full without cookies), both of
//     which then go to the same drop.
//   - Tcp InErrs includes Tcp InCsumErrors; Udp InErrors includes
//     RcvbufErrors, MemErrors and InCsumErrors (and Udp6 the same).
//   - TCPBacklogDrop, TCPRcvQDrop, TCPZeroWindowDrop, TCPOFODrop and
//     PFMemallocDrop each count their own drop and no other counter holds
//     them.
//   - Udp NoPorts, Ip InAddrErrors, InUnknownProtos and IpExt InNoRoutes
//     count packets addressed to nothing here: refused, not lost
//     (NotALoss).
//
// Left out on purpose: drops a policy asks for (TCPMinTTLDrop,
// TCPDeferAcceptDrop, the TCP-MD5 and TCP-AO authentication drops),
// LockDroppedIcmps and the ICMP error counters (control messages, not the
// traffic), UdpLite (rare), Udp IgnoredMulti (broadcasts nobody wanted),
// SyncookiesFailed (invalid cookies: refused), and transmit-side counters.
var netRows = []netRow{
	{LayerIP, "Ip", "InDiscards", "", JudgeStackDrops},
	{LayerIP, "Ip", "InHdrErrors", "", JudgeStackDrops},
	{LayerIP, "IpExt", "InCsumErrors", "Ip InHdrErrors", JudgeStackDrops},
	{LayerIP, "IpExt", "InTruncatedPkts", "", JudgeStackDrops},
	{LayerIP, "Ip", "InAddrErrors", NotALoss, JudgeStackDrops},
	{LayerIP, "Ip", "InUnknownProtos", NotALoss, JudgeStackDrops},
	{LayerIP, "IpExt", "InNoRoutes", NotALoss, JudgeStackDrops},
	{LayerIP, "Ip", "ReasmFails", "", JudgeMTU},
	{LayerIP, "TcpExt", "IPReversePathFilter", "", JudgeRPFilter},
	{LayerTCP, "TcpExt", "ListenDrops", "", JudgeStackDrops},
	{LayerTCP, "TcpExt", "ListenOverflows", "TcpExt ListenDrops", JudgeListen},
	{LayerTCP, "TcpExt", "TCPReqQFullDrop", "TcpExt ListenDrops", JudgeStackDrops},
	{LayerTCP, "TcpExt", "TCPBacklogDrop", "", JudgeStackDrops},
	{LayerTCP, "TcpExt", "TCPRcvQDrop", "", JudgeStackDrops},
	{LayerTCP, "TcpExt", "TCPZeroWindowDrop", "", JudgeStackDrops},
	{LayerTCP, "TcpExt", "TCPOFODrop", "", JudgeStackDrops},
	{LayerTCP, "TcpExt", "PFMemallocDrop", "", JudgeStackDrops},
	{LayerTCP, "TcpExt", "RcvPruned", "", JudgeTCPMem},
	{LayerTCP, "TcpExt", "OfoPruned", "", JudgeTCPMem},
	{LayerTCP, "TcpExt", "PruneCalled", notPackets, JudgeTCPMem},
	{LayerTCP, "TcpExt", "TCPMemoryPressures", notPackets, JudgeTCPMem},
	{LayerTCP, "Tcp", "InErrs", "", JudgeStackDrops},
	{LayerTCP, "Tcp", "InCsumErrors", "Tcp InErrs", JudgeStackDrops},
	{LayerUDP, "Udp", "InErrors", "", JudgeStackDrops},
	{LayerUDP, "Udp", "RcvbufErrors", "Udp InErrors", JudgeUDPRcvbuf},
	{LayerUDP, "Udp", "MemErrors", "Udp InErrors", JudgeStackDrops},
	{LayerUDP, "Udp", "InCsumErrors", "Udp InErrors", JudgeStackDrops},
	{LayerUDP, "Udp", "NoPorts", NotALoss, JudgeStackDrops},
}

// snmp6Rows are the /proc/net/snmp6 counters of the ledger (the same
// accounting as their IPv4 twins; Ip6InHdrErrors does not hold
// Ip6InTruncatedPkts).
var snmp6Rows = []netRow{
	{LayerIP, "", "Ip6InDiscards", "", JudgeStackDrops},
	{LayerIP, "", "Ip6InHdrErrors", "", JudgeStackDrops},
	{LayerIP, "", "Ip6InTruncatedPkts", "", JudgeStackDrops},
	{LayerIP, "", "Ip6InAddrErrors", NotALoss, JudgeStackDrops},
	{LayerIP, "", "Ip6InUnknownProtos", NotALoss, JudgeStackDrops},
	{LayerIP, "", "Ip6InNoRoutes", NotALoss, JudgeStackDrops},
	{LayerIP, "", "Ip6ReasmFails", "", JudgeMTU},
	{LayerUDP, "", "Udp6InErrors", "", JudgeStackDrops},
	{LayerUDP, "", "Udp6RcvbufErrors", "Udp6InErrors", JudgeUDPRcvbuf},
	{LayerUDP, "", "Udp6MemErrors", "Udp6InErrors", JudgeStackDrops},
	{LayerUDP, "", "Udp6InCsumErrors", "Udp6InErrors", JudgeStackDrops},
	{LayerUDP, "", "Udp6NoPorts", NotALoss, JudgeStackDrops},
}

// statRow is one column of a /proc/net/stat table of the ledger.
type statRow struct {
	layer  LossLayer
	source string
	table  func(*host.Snapshot) *host.StatTable
	width  host.CounterWidth
	name   string
	partOf string
	judge  string
}

// statRows: nf_conntrack's counters are unsigned int per CPU (32-bit, they
// wrap); the neighbour tables' are unsigned long (64-bit).
var statRows = []statRow{
	{LayerNetfilter, SrcConntrack, conntrackTable, host.Width32, "drop", "", JudgeConntrack},
	{LayerNetfilter, SrcConntrack, conntrackTable, host.Width32, "early_drop", "", JudgeConntrack},
	{LayerNetfilter, SrcConntrack, conntrackTable, host.Width32, "insert_failed", "", JudgeConntrack},
	{LayerNeighbour, SrcARPCache, arpTable, host.Width64, "table_fulls", notPackets, JudgeNeighbour},
	{LayerNeighbour, SrcARPCache, arpTable, host.Width64, "unresolved_discards", "", JudgeNeighbour},
	{LayerNeighbour, SrcNDiscCache, ndiscTable, host.Width64, "table_fulls", notPackets, JudgeNeighbour},
	{LayerNeighbour, SrcNDiscCache, ndiscTable, host.Width64, "unresolved_discards", "", JudgeNeighbour},
}

func conntrackTable(s *host.Snapshot) *host.StatTable { return s.Conntrack }
func arpTable(s *host.Snapshot) *host.StatTable       { return s.ARPCache }
func ndiscTable(s *host.Snapshot) *host.StatTable     { return s.NDiscCache }

// ledgerBuilder holds what building the ledger needs once.
type ledgerBuilder struct {
	v     *View
	l     *Ledger
	discs map[string]string // source|subject|counter → reason
	boot  string            // the reboot reason, when the samples are of different boots
}

// ledger builds the view's loss ledger.
func (v *View) ledger() {
	b := &ledgerBuilder{v: v, l: &Ledger{Window: v.Window, WindowLabel: v.WindowLabel}, discs: map[string]string{}}
	for _, d := range v.Discontinuities {
		if d.Kind == host.DiscReboot {
			b.boot = d.Reason
		}
		b.discs[d.Source+"|"+d.Subject+"|"+d.Counter] = d.Reason
	}
	if v.TwoSample() && b.boot == "" && v.Pair.Rebooted() != "" {
		b.boot = v.Pair.Rebooted()
	}
	b.nics()
	b.softnet()
	b.stats()
	b.netstat("", v.Now.NetStats, prevNetStats(v.Prev, ""))
	b.snmp6("", v.Now.SNMP6, prevSNMP6(v.Prev, ""))
	for i := range v.Now.Namespaces {
		ns := &v.Now.Namespaces[i]
		b.netstat(ns.Name, ns.NetStats, prevNetStats(v.Prev, ns.Name))
		b.snmp6(ns.Name, ns.SNMP6, prevSNMP6(v.Prev, ns.Name))
	}
	b.finish()
	v.Ledger = b.l
}

// prevNetStats returns the earlier sample's counters of namespace ns ("" the
// host's), or nil.
func prevNetStats(prev *host.Snapshot, ns string) map[string]map[string]int64 {
	if prev == nil {
		return nil
	}
	if ns == "" {
		return prev.NetStats
	}
	for i := range prev.Namespaces {
		if prev.Namespaces[i].Name == ns {
			return prev.Namespaces[i].NetStats
		}
	}
	return nil
}

// prevSNMP6 returns the earlier sample's snmp6 counters of namespace ns
// ("" the host's), or nil.
func prevSNMP6(prev *host.Snapshot, ns string) map[string]int64 {
	if prev == nil {
		return nil
	}
	if ns == "" {
		return prev.SNMP6
	}
	for i := range prev.Namespaces {
		if prev.Namespaces[i].Name == ns {
			return prev.Namespaces[i].SNMP6
		}
	}
	return nil
}

// add appends a row with the window's rate and since-boot mark.
func (b *ledgerBuilder) add(e LossEntry) {
	if e.Known {
		e.Rate = b.v.Rate(e.Value)
	}
	e.SinceBoot = !b.v.TwoSample()
	b.l.Rows = append(b.l.Rows, e)
}

// gap is the reason a series has no value: the reboot, the recorded
// discontinuity, or fallback.
func (b *ledgerBuilder) gap(source, subject, counter, fallback string) string {
	if b.boot != "" {
		return b.boot
	}
	if r, ok := b.discs[source+"|"+subject+"|"+counter]; ok {
		return r
	}
	return fallback
}

// nicInput maps a counter source to the input name of its discontinuities.
func nicInput(src CounterSource) string {
	switch src {
	case FromSysfs:
		return host.InputNICSysfs
	case FromEthtool:
		return host.InputEthtoolStats
	}
	return host.InputNetDev
}

// nics adds every NIC's loss-table rows, the link errors and the
// device-level drop counter.
func (b *ledgerBuilder) nics() {
	v := b.v
	for _, nl := range v.NICs {
		n := nl.NIC
		if n == nil || n.Kind == "loopback" {
			continue
		}
		seen := map[string]bool{}
		start := len(b.l.Rows)
		nicRow := func(layer LossLayer, src CounterSource, name, partOf string) {
			key := string(src) + "|" + name
			if seen[key] || !reads(n, src) {
				return
			}
			if _, ok := src.stats(n)[name]; !ok {
				return
			}
			seen[key] = true
			val, ok, reset := v.nicCounter(n, src, name)
			e := LossEntry{Layer: layer, Counter: name, Source: string(src), NIC: n.Name, CPU: -1, Value: val, Known: ok, PartOf: partOf, JudgedBy: layerJudge(layer)}
			if !ok {
				why := "absent from the earlier sample"
				if reset {
					why = "went back between the samples"
				}
				e.Gap = b.gap(nicInput(src), n.Name, name, why)
			}
			b.add(e)
		}
		for _, r := range LossTable {
			if r.Role == Packets {
				continue
			}
			partOf := ""
			if r.Role == EarlyWarning {
				partOf = notLossAlone
			}
			nicRow(nicLayer(r), r.Source, r.Name, partOf)
		}
		// Counters hwLoss derives beyond the table's rows (the sum of
		// per-queue drops, patterns of driver counters).
		for _, c := range nl.Loss.Counters {
			key := string(c.Source) + "|" + c.Name
			if seen[key] {
				continue
			}
			seen[key] = true
			layer := nicLayer(LossRow{Source: c.Source, Name: c.Name, Role: Overflow})
			b.add(LossEntry{Layer: layer, Counter: c.Name, Source: string(c.Source),
				NIC: n.Name, CPU: -1, Value: c.Value, Known: true, JudgedBy: layerJudge(layer)})
		}
		for _, name := range linkRows {
			src := FromSysfs
			if !reads(n, FromSysfs) {
				continue
			}
			nicRow(LayerLink, src, name, "")
		}
		// The device-level drop counter: kernel drops (backlog, unknown
		// protocol) counted in other layers, and in /proc/net/dev also
		// rx_missed_errors.
		nicRow(LayerNIC, FromSysfs, "rx_dropped", "(includes kernel drops counted in other layers)")
		nicRow(LayerNIC, FromNetDev, "rx_drop", "(includes rx_missed_errors and kernel drops)")
		b.largestOnly(start)
	}
}

// largestOnly marks every NIC-layer overflow row of one NIC from start on,
// but the largest, as not added: drivers fold one overflow counter into
// another (igb's fifo includes missed), so the largest is the NIC's loss,
// as HWLoss.Max.
func (b *ledgerBuilder) largestOnly(start int) {
	best := -1
	for i := start; i < len(b.l.Rows); i++ {
		e := &b.l.Rows[i]
		if e.Layer != LayerNIC || e.PartOf != "" || !e.Known {
			continue
		}
		if best < 0 || e.Value > b.l.Rows[best].Value {
			best = i
		}
	}
	for i := start; i < len(b.l.Rows); i++ {
		e := &b.l.Rows[i]
		if i != best && e.Layer == LayerNIC && e.PartOf == "" && e.Known {
			e.PartOf = largestCounted
		}
	}
}

// softnet adds the per-CPU backlog drops and squeezes that grew (zero
// per-CPU rows are not kept: on large hosts they would be most of the
// table), and the rows without a value over the interval.
func (b *ledgerBuilder) softnet() {
	v := b.v
	for _, r := range v.SoftnetRows {
		if r.Counts.Dropped > 0 {
			b.add(LossEntry{Layer: LayerBacklog, Counter: "dropped", Source: SrcSoftnet, CPU: r.CPU, Value: uint64(r.Counts.Dropped), Known: true, JudgedBy: JudgeSoftnet})
		}
		if r.Counts.FlowLimit > 0 {
			b.add(LossEntry{Layer: LayerBacklog, Counter: "flow_limit_count", Source: SrcSoftnet, CPU: r.CPU, Value: uint64(r.Counts.FlowLimit), Known: true, PartOf: "dropped", JudgedBy: JudgeSoftnet})
		}
		if r.Counts.TimeSqueeze > 0 {
			b.add(LossEntry{Layer: LayerBacklog, Counter: "time_squeeze", Source: SrcSoftnet, CPU: r.CPU, Value: uint64(r.Counts.TimeSqueeze), Known: true, PartOf: notLossAlone, JudgedBy: JudgeSqueeze})
		}
	}
	if len(v.Now.Softnet) > 0 && b.boot != "" {
		b.add(LossEntry{Layer: LayerBacklog, Counter: "dropped", Source: SrcSoftnet, CPU: -1, Gap: b.boot, JudgedBy: JudgeSoftnet})
		return
	}
	for _, d := range v.Discontinuities {
		if d.Source != host.InputSoftnet {
			continue
		}
		cpu := -1
		if c, ok := strings.CutPrefix(d.Subject, "CPU "); ok {
			cpu, _ = strconv.Atoi(c)
		}
		b.add(LossEntry{Layer: LayerBacklog, Counter: "dropped", Source: SrcSoftnet, CPU: cpu, Gap: d.Series() + ": " + d.Reason, JudgedBy: JudgeSoftnet})
	}
}

// stats adds the /proc/net/stat tables' loss columns, subtracted per CPU
// row.
func (b *ledgerBuilder) stats() {
	v := b.v
	for _, sr := range statRows {
		now := sr.table(v.Now)
		col := now.Column(sr.name)
		if col < 0 {
			continue
		}
		e := LossEntry{Layer: sr.layer, Counter: sr.name, Source: sr.source, CPU: -1, PartOf: sr.partOf, JudgedBy: sr.judge}
		if v.Prev == nil {
			e.Value, e.Known = now.Total(sr.name)
			b.add(e)
			continue
		}
		prev := sr.table(v.Prev)
		pc := prev.Column(sr.name)
		switch {
		case b.boot != "":
			e.Gap = b.boot
		case pc < 0:
			e.Gap = "absent from the earlier sample"
		case len(prev.Rows) != len(now.Rows):
			e.Gap = "the CPU rows changed between the samples (" + strconv.Itoa(len(prev.Rows)) + " then " + strconv.Itoa(len(now.Rows)) + ")"
		default:
			e.Known = true
			for i, r := range now.Rows {
				p := prev.Rows[i]
				if col >= len(r) || pc >= len(p) {
					continue
				}
				d, kind, reason := host.CounterDelta(sr.width, p[pc], r[col], 0)
				if kind != "" {
					e.Known, e.Value = false, 0
					e.Gap = "CPU row " + strconv.Itoa(i) + " " + reason
					break
				}
				e.Value += d
			}
		}
		b.add(e)
	}
}

// netstat adds the netstat/snmp rows of one namespace ("" the host's).
func (b *ledgerBuilder) netstat(ns string, now, prev map[string]map[string]int64) {
	if now == nil {
		return
	}
	v := b.v
	src := func(group string) string {
		switch {
		case ns != "":
			return SrcNamespace
		case group == "TcpExt" || group == "IpExt":
			return SrcNetstat
		}
		return SrcSNMP
	}
	for _, r := range netRows {
		cur, ok := now[r.group][r.name]
		if !ok {
			continue
		}
		e := LossEntry{Layer: r.layer, Group: r.group, Counter: r.name, Source: src(r.group), Namespace: ns, CPU: -1, PartOf: r.partOf, JudgedBy: r.judge}
		switch {
		case v.Prev == nil:
			e.Value, e.Known = uint64(max(cur, 0)), true
		case b.boot != "":
			e.Gap = b.boot
		default:
			old, ok := prev[r.group][r.name]
			switch {
			case !ok && ns != "" && prev == nil:
				e.Gap = "namespace not in the earlier sample"
			case !ok:
				e.Gap = "absent from the earlier sample"
			case uint64(cur) < uint64(old):
				e.Gap = "went back from " + strconv.FormatInt(old, 10) + " to " + strconv.FormatInt(cur, 10) + " (reset)"
			default:
				e.Value, e.Known = uint64(cur)-uint64(old), true
			}
		}
		b.add(e)
	}
}

// snmp6 adds the /proc/net/snmp6 rows of one namespace ("" the host's).
func (b *ledgerBuilder) snmp6(ns string, now, prev map[string]int64) {
	v := b.v
	if now == nil {
		return
	}
	src := SrcSNMP6
	if ns != "" {
		src = SrcNamespaceSNMP6
	}
	for _, r := range snmp6Rows {
		cur, ok := now[r.name]
		if !ok {
			continue
		}
		e := LossEntry{Layer: r.layer, Counter: r.name, Source: src, Namespace: ns, CPU: -1, PartOf: r.partOf, JudgedBy: r.judge}
		switch {
		case v.Prev == nil:
			e.Value, e.Known = uint64(max(cur, 0)), true
		case b.boot != "":
			e.Gap = b.boot
		default:
			old, ok := prev[r.name]
			switch {
			case !ok && ns != "" && prev == nil:
				e.Gap = "namespace's snmp6 not in the earlier sample"
			case !ok:
				e.Gap = "absent from the earlier sample"
			case uint64(cur) < uint64(old):
				e.Gap = "went back from " + strconv.FormatInt(old, 10) + " to " + strconv.FormatInt(cur, 10) + " (reset)"
			default:
				e.Value, e.Known = uint64(cur)-uint64(old), true
			}
		}
		b.add(e)
	}
}

// finish orders the rows by layer (path order, stable within a layer) and
// totals each layer.
func (b *ledgerBuilder) finish() {
	rank := map[LossLayer]int{}
	for i, l := range LossLayers {
		rank[l] = i
	}
	slices.SortStableFunc(b.l.Rows, func(x, y LossEntry) int { return cmp.Compare(rank[x.Layer], rank[y.Layer]) })
	for _, layer := range LossLayers {
		t := LayerTotal{Layer: layer}
		for i := range b.l.Rows {
			e := &b.l.Rows[i]
			if e.Layer != layer || !e.Shown() {
				continue
			}
			t.Rows++
			if e.Gap != "" {
				t.Gaps++
			}
			if e.Losing() {
				t.Value += e.Value
			}
		}
		if t.Rows > 0 {
			t.Rate = b.v.Rate(t.Value)
			b.l.Layers = append(b.l.Layers, t)
		}
	}
}
