package checks

import (
	"fmt"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of stack-drops (their sources are in its Doc).
const (
	// StackDropsCriticalRate: stack drops above this many per second are
	// critical; any growth warns.
	StackDropsCriticalRate = 10.0
	// StackDropsCriticalShare: stack drops above this share of the packets
	// the layer received are critical.
	StackDropsCriticalShare = 0.01
	// StackDropsSinceBoot: one sample whose since-boot count of a drop
	// counter is above this is a notice.
	StackDropsSinceBoot = 500
	// StackRefusedRate: refused packets (NoPorts and the like) growing at
	// this rate or more are a notice; fewer are background.
	StackRefusedRate = 1.0
)

// StackSubject is the subject of a host's stack-drops finding; a
// container namespace's is "netns NAME".
const StackSubject = "stack"

// StackDrops judges the receive-path drops of the IP, TCP and UDP layers
// that no more specific check judges.
var StackDrops = &Check{
	ID:       "stack-drops",
	Title:    "Packets dropped in the IP, TCP and UDP stack",
	Doc:      stackDropsDoc,
	Severity: Warning,
	Needs:    []string{host.InputNetstat, host.InputSNMP, host.InputSNMP6, host.InputNamespaces},
	Growth:   true,
	Run:      runStackDrops,
}

var stackDropsDoc = fmt.Sprintf(`Judges the loss ledger's IP, TCP and UDP rows that no more specific check judges: TCP segments dropped
at a busy socket's backlog (TCPBacklogDrop), for want of receive memory (TCPRcvQDrop, TCPOFODrop,
TCPZeroWindowDrop) or because they came from the emergency memory reserve (PFMemallocDrop); packets
to listeners dropped for reasons other than a full accept queue (ListenDrops beyond ListenOverflows,
such as a full SYN queue: TCPReqQFullDrop); IP packets with bad headers, truncated, or discarded (Ip
InHdrErrors, InTruncatedPkts, InDiscards and their IPv6 twins); TCP segments in error beyond bad
checksums (Tcp InErrs); UDP datagrams in error beyond receive-buffer and checksum errors (Udp
InErrors, such as MemErrors). Judged for the host and for every container network namespace whose
counters were read, IPv4 and IPv6 (a namespace's snmp6) alike. Every row of the loss ledger names the check that judges it (judged_by): these
are this check's.

## Why it matters

Each of these counters is a packet the kernel accepted from the NIC and then threw away: the NIC
counters are clean and the application sees retransmissions, stalls or missing datagrams. Without
this check such a loss would pass silently.

## When it does not apply

- Counters another check judges are left to it: ListenOverflows (tcp-listen-overflow), RcvbufErrors
  (udp-rcvbuf-errors), pruning and memory pressure (tcp-memory-pressure), reassembly failures
  (mtu-mismatch), reverse-path drops (rp-filter-drops). The parts are subtracted from their totals:
  ListenDrops includes ListenOverflows and TCPReqQFullDrop; Tcp InErrs, Udp InErrors and Ip
  InHdrErrors include their checksum errors; Udp InErrors includes RcvbufErrors.
- Refused packets are not losses: datagrams to a closed port (Udp NoPorts), packets to an address
  or protocol that is not here, or without a route (Ip InAddrErrors, InUnknownProtos, InNoRoutes).
  They are shown as a notice when they grow at %.0f/s or more (scans, late DNS replies and
  traceroutes make a background), never from one sample.
- Checksum errors (Tcp, Udp and IpExt InCsumErrors) are damaged packets that the kernel rightly
  refuses: a notice, since the cause is on the link, a NIC offload or the peer (nic-link-errors
  judges the link's CRC errors).
- From one sample the counts are since boot: a notice only above %d (as sosreport analysers flag),
  since a busy host collects a few over weeks.

## Thresholds

- Any growth of a drop counter in the window: warning.
- Above %.0f/s, or above %s of the packets its layer received (Ip InReceives, Tcp InSegs, Udp
  InDatagrams, and the IPv6 twins): critical (netdoctor defaults, the same scale as the UDP and
  softnet checks: a steady stream of drops, or one packet in a hundred).
- One sample: a drop counter above %d since boot: notice.
- Checksum errors growing: notice; refused packets growing at %.0f/s or more: notice.

## Fix and risks

The fix depends on the counter, and the finding names it: TCPBacklogDrop means an application holds
its socket while packets arrive faster than the backlog (receive plus send buffer) can queue them:
read faster, or raise net.ipv4.tcp_rmem's maximum. TCPRcvQDrop, TCPOFODrop and TCPZeroWindowDrop mean
the socket's receive buffer or TCP memory was exhausted: see tcp-memory-pressure and the reader's
speed. PFMemallocDrop means the host ran so low on memory that packets came from the reserve: free
memory (vm.min_free_kbytes). TCPReqQFullDrop means the SYN queue was full without SYN cookies: raise
net.ipv4.tcp_max_syn_backlog, keep net.ipv4.tcp_syncookies on, and check for a SYN flood. IP header
errors, truncated packets and TCP segments in error come from the link, a middlebox or a buggy peer:
find the sender before tuning. Watch the counters with nstat; change nothing whose cause is not
found, since larger buffers cost memory on every socket.
`, StackRefusedRate, StackDropsSinceBoot, StackDropsCriticalRate, fmtPct(StackDropsCriticalShare), StackDropsSinceBoot, StackRefusedRate)

// stackKind is how stack-drops weighs an item.
type stackKind int

const (
	stackLoss    stackKind = iota // packets lost: warning, critical
	stackDamaged                  // checksum errors: notice
	stackRefused                  // addressed to nothing here: notice
)

// stackItem is one quantity stack-drops judges: a ledger row, less the
// rows that other checks judge or that it reports apart.
type stackItem struct {
	kind stackKind
	// name is the row's name ("TcpExt TCPBacklogDrop"); minus the rows
	// subtracted from it.
	name  string
	minus []string
	// denom is the layer's received-packets counter (group, name; group
	// "" for snmp6) for the share.
	denomGroup, denom string
	// what says what the counter means and fix what to do.
	what, fix string
	// nstat are the nstat names to watch.
	nstat string
}

var stackItems = []stackItem{
	{kind: stackLoss, name: "TcpExt ListenDrops", minus: []string{"TcpExt ListenOverflows"}, denomGroup: "Tcp", denom: "InSegs",
		what: "packets to listening sockets dropped for reasons other than a full accept queue (a full SYN queue without SYN cookies counts TCPReqQFullDrop; memory or routing failures count nothing else)",
		fix:  "raise net.ipv4.tcp_max_syn_backlog, keep net.ipv4.tcp_syncookies=1, and check for a SYN flood", nstat: "TcpExtListenDrops TcpExtListenOverflows TcpExtTCPReqQFullDrop"},
	{kind: stackLoss, name: "TcpExt TCPBacklogDrop", denomGroup: "Tcp", denom: "InSegs",
		what: "segments dropped because the socket's backlog was full while its owner held it locked (the application reads too slowly for the rate)",
		fix:  "make the reader faster, or raise net.ipv4.tcp_rmem's maximum (the backlog limit is the receive plus send buffer)", nstat: "TcpExtTCPBacklogDrop"},
	{kind: stackLoss, name: "TcpExt TCPRcvQDrop", denomGroup: "Tcp", denom: "InSegs",
		what: "segments dropped because the socket's receive queue could not get memory", fix: "see tcp-memory-pressure, and the reader's speed", nstat: "TcpExtTCPRcvQDrop"},
	{kind: stackLoss, name: "TcpExt TCPOFODrop", denomGroup: "Tcp", denom: "InSegs",
		what: "out-of-order segments dropped because the socket's receive buffer was full", fix: "see tcp-memory-pressure; reordering or loss upstream fills the out-of-order queue", nstat: "TcpExtTCPOFODrop"},
	{kind: stackLoss, name: "TcpExt TCPZeroWindowDrop", denomGroup: "Tcp", denom: "InSegs",
		what: "segments dropped because the receiver had advertised a zero window and its buffer was full", fix: "the application does not read: find it with ss -tmpi", nstat: "TcpExtTCPZeroWindowDrop"},
	{kind: stackLoss, name: "TcpExt PFMemallocDrop", denomGroup: "Tcp", denom: "InSegs",
		what: "segments dropped because they were received into the emergency memory reserve (the host was nearly out of memory)", fix: "free memory; raise vm.min_free_kbytes only with care", nstat: "TcpExtPFMemallocDrop"},
	{kind: stackLoss, name: "Tcp InErrs", minus: []string{"Tcp InCsumErrors"}, denomGroup: "Tcp", denom: "InSegs",
		what: "TCP segments received in error (bad header, unexpected SYN), beyond checksum errors", fix: "find the sender: a middlebox or a buggy peer", nstat: "TcpInErrs TcpInCsumErrors"},
	{kind: stackLoss, name: "Ip InHdrErrors", minus: []string{"IpExt InCsumErrors"}, denomGroup: "Ip", denom: "InReceives",
		what: "IP packets discarded for a bad header (version, length, TTL exceeded, options)", fix: "find the sender; TTL expiry means a routing loop", nstat: "IpInHdrErrors IpExtInCsumErrors"},
	{kind: stackLoss, name: "IpExt InTruncatedPkts", denomGroup: "Ip", denom: "InReceives",
		what: "IP packets shorter than their header says (truncated on the way)", fix: "check the link and the NIC (nic-link-errors)", nstat: "IpExtInTruncatedPkts"},
	{kind: stackLoss, name: "Ip InDiscards", denomGroup: "Ip", denom: "InReceives",
		what: "IP packets discarded without an error in them (no memory, policy)", fix: "check memory and IPsec or netfilter policies", nstat: "IpInDiscards"},
	{kind: stackLoss, name: "Ip6InHdrErrors", denom: "Ip6InReceives",
		what: "IPv6 packets discarded for a bad header (hop limit exceeded, bad length)", fix: "find the sender; hop-limit expiry means a routing loop", nstat: "Ip6InHdrErrors"},
	{kind: stackLoss, name: "Ip6InTruncatedPkts", denom: "Ip6InReceives",
		what: "IPv6 packets shorter than their header says", fix: "check the link and the NIC (nic-link-errors)", nstat: "Ip6InTruncatedPkts"},
	{kind: stackLoss, name: "Ip6InDiscards", denom: "Ip6InReceives",
		what: "IPv6 packets discarded without an error in them (no memory, policy)", fix: "check memory and IPsec or netfilter policies", nstat: "Ip6InDiscards"},
	{kind: stackLoss, name: "Udp InErrors", minus: []string{"Udp RcvbufErrors", "Udp InCsumErrors"}, denomGroup: "Udp", denom: "InDatagrams",
		what: "UDP datagrams in error beyond receive-buffer and checksum errors (MemErrors: UDP memory exhausted)", fix: "compare sockstat's UDP memory with net.ipv4.udp_mem", nstat: "UdpInErrors UdpMemErrors"},
	{kind: stackLoss, name: "Udp6InErrors", minus: []string{"Udp6RcvbufErrors", "Udp6InCsumErrors"}, denom: "Udp6InDatagrams",
		what: "UDP/IPv6 datagrams in error beyond receive-buffer and checksum errors (MemErrors)", fix: "compare sockstat's UDP memory with net.ipv4.udp_mem", nstat: "Udp6InErrors Udp6MemErrors"},

	{kind: stackDamaged, name: "Tcp InCsumErrors", denomGroup: "Tcp", denom: "InSegs", what: "TCP segments with a bad checksum", nstat: "TcpInCsumErrors"},
	{kind: stackDamaged, name: "Udp InCsumErrors", denomGroup: "Udp", denom: "InDatagrams", what: "UDP datagrams with a bad checksum", nstat: "UdpInCsumErrors"},
	{kind: stackDamaged, name: "Udp6InCsumErrors", denom: "Udp6InDatagrams", what: "UDP/IPv6 datagrams with a bad checksum", nstat: "Udp6InCsumErrors"},
	{kind: stackDamaged, name: "IpExt InCsumErrors", denomGroup: "Ip", denom: "InReceives", what: "IP packets with a bad header checksum", nstat: "IpExtInCsumErrors"},

	{kind: stackRefused, name: "Udp NoPorts", what: "UDP datagrams to a port no socket listens on", nstat: "UdpNoPorts"},
	{kind: stackRefused, name: "Udp6NoPorts", what: "UDP/IPv6 datagrams to a port no socket listens on", nstat: "Udp6NoPorts"},
	{kind: stackRefused, name: "Ip InAddrErrors", what: "IP packets to an address that is not this host's (and not forwarded)", nstat: "IpInAddrErrors"},
	{kind: stackRefused, name: "Ip6InAddrErrors", what: "IPv6 packets to an address that is not this host's", nstat: "Ip6InAddrErrors"},
	{kind: stackRefused, name: "Ip InUnknownProtos", what: "IP packets of a protocol nothing here handles", nstat: "IpInUnknownProtos"},
	{kind: stackRefused, name: "Ip6InUnknownProtos", what: "IPv6 packets of a protocol nothing here handles", nstat: "Ip6InUnknownProtos"},
	{kind: stackRefused, name: "IpExt InNoRoutes", what: "IP packets without a route to forward them on", nstat: "IpExtInNoRoutes"},
	{kind: stackRefused, name: "Ip6InNoRoutes", what: "IPv6 packets without a route", nstat: "Ip6InNoRoutes"},
}

// stackValue is one item's value over the window in one namespace.
type stackValue struct {
	item  *stackItem
	value uint64
	share float64 // of the layer's received packets; 0 unknown
	sev   Severity
}

func runStackDrops(ev *Evidence) Result {
	// The ledger rows of stack-drops, by namespace then name.
	byNS := map[string]map[string]hostview.LossEntry{}
	var order []string
	for _, e := range ev.Ledger.Rows {
		if e.Layer != hostview.LayerIP && e.Layer != hostview.LayerTCP && e.Layer != hostview.LayerUDP {
			continue
		}
		m := byNS[e.Namespace]
		if m == nil {
			m = map[string]hostview.LossEntry{}
			byNS[e.Namespace] = m
			order = append(order, e.Namespace)
		}
		m[e.Name()] = e
	}
	if len(byNS) == 0 {
		if ev.Now.NetStats == nil && ev.Now.SNMP6 == nil {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSNMP, "")}
		}
		return Result{Verdict: NotEvaluated, Reason: "none of the IP, TCP and UDP drop counters is in /proc/net/snmp, netstat or snmp6"}
	}
	var findings []Finding
	var gaps []string
	judged := false
	for _, ns := range order {
		rows := byNS[ns]
		var vals []stackValue
		for i := range stackItems {
			it := &stackItems[i]
			e, ok := rows[it.name]
			if !ok {
				continue
			}
			if !e.Known {
				if it.kind == stackLoss {
					gaps = append(gaps, scope{Namespace: ns}.subject("host")+" "+e.Name()+": "+e.Gap)
				}
				continue
			}
			judged = true
			v := e.Value
			for _, m := range it.minus {
				if p, ok := rows[m]; ok && p.Known {
					v -= min(v, p.Value)
				}
			}
			if v == 0 {
				continue
			}
			sv := stackValue{item: it, value: v, share: stackShare(ev, ns, it, v)}
			sv.sev = stackSeverity(ev, sv)
			if sv.sev > 0 {
				vals = append(vals, sv)
			}
		}
		if len(vals) > 0 {
			findings = append(findings, stackFinding(ev, scope{Namespace: ns}, vals))
		}
	}
	if len(findings) == 0 {
		if !judged && len(gaps) > 0 {
			return Result{Verdict: NotEvaluated, Reason: "stack drop counters without values over the interval: " + gapWords(gaps)}
		}
		r := "no packets dropped in the IP, TCP and UDP stack " + during(ev)
		if !ev.TwoSample() {
			r = fmt.Sprintf("no stack drop counter above %d since boot", StackDropsSinceBoot)
		}
		if len(gaps) > 0 {
			r += " (some counters without values: " + gapWords(gaps) + ")"
		}
		return Result{Verdict: Pass, Reason: r}
	}
	return Result{Verdict: Fail, Findings: findings}
}

// stackShare is v as a share of the packets the item's layer received in
// namespace ns over the window, 0 when unknown.
func stackShare(ev *Evidence, ns string, it *stackItem, v uint64) float64 {
	if it.denom == "" {
		return 0
	}
	var in int64
	var ok bool
	if it.denomGroup != "" {
		in, ok = netStatIn(ev, ns, it.denomGroup, it.denom)
	} else {
		in, ok = snmp6Delta(ev, ns, it.denom)
	}
	if !ok || in <= 0 {
		return 0
	}
	return float64(v) / float64(in)
}

// snmp6Delta reads a /proc/net/snmp6 counter over the window in namespace
// ns ("" the host's).
func snmp6Delta(ev *Evidence, ns, name string) (int64, bool) {
	cur, ok := nsSNMP6(ev.Now, ns)[name]
	if !ok {
		return 0, false
	}
	if ev.Prev == nil {
		return cur, true
	}
	if ev.Pair.Rebooted() != "" {
		return 0, false
	}
	old, ok := nsSNMP6(ev.Prev, ns)[name]
	if !ok || cur < old {
		return 0, false
	}
	return cur - old, true
}

// stackSeverity weighs one value, 0 when it is not reported.
func stackSeverity(ev *Evidence, sv stackValue) Severity {
	if !ev.TwoSample() {
		if sv.item.kind != stackRefused && sv.value > StackDropsSinceBoot {
			return Notice
		}
		return 0
	}
	switch sv.item.kind {
	case stackRefused:
		if ev.HasRates() && ev.Rate(sv.value) < StackRefusedRate {
			return 0
		}
		return Notice
	case stackDamaged:
		return Notice
	}
	if (ev.HasRates() && ev.Rate(sv.value) > StackDropsCriticalRate) || sv.share > StackDropsCriticalShare {
		return Critical
	}
	return Warning
}

func stackFinding(ev *Evidence, sc scope, vals []stackValue) Finding {
	sev, score := Severity(0), 0
	var total uint64
	var figs []Figure
	var expl, names []string
	nstat := []string{}
	fixes := []string{}
	for _, sv := range vals {
		it := sv.item
		sev = max(sev, sv.sev)
		if it.kind == stackLoss {
			total += sv.value
			names = append(names, it.name)
		}
		name := it.name
		if len(it.minus) > 0 {
			name += " beyond " + strings.Join(it.minus, " and ")
		}
		threshold := "> 0; > " + fmtRate(StackDropsCriticalRate) + " or > " + fmtPct(StackDropsCriticalShare) + " of received: critical"
		switch {
		case !ev.TwoSample():
			threshold = fmt.Sprintf("> %d since boot: notice", StackDropsSinceBoot)
		case it.kind == stackDamaged:
			threshold = "> 0: notice (damaged, refused by the kernel)"
		case it.kind == stackRefused:
			threshold = "≥ " + fmtRate(StackRefusedRate) + ": notice (refused, not a loss)"
		}
		val := withRate(ev, sv.value)
		if sv.share >= 0.001 {
			val += ", " + fmtPct(sv.share) + " of received"
		}
		figs = append(figs, figure(name+sc.where(), val, threshold, ev.WindowLabel))
		expl = append(expl, it.name+": "+it.what+".")
		if it.fix != "" {
			fixes = append(fixes, it.name+": "+it.fix+".")
		}
		nstat = append(nstat, it.nstat)
		score = max(score, scoreOver(ev.Rate(sv.value), StackDropsCriticalRate), scoreOver(sv.share, StackDropsCriticalShare))
	}
	conf := High
	if !ev.TwoSample() {
		conf, score = Medium, score/2
	}
	if sev == Notice {
		score = min(score, 20)
	}
	var summary string
	switch {
	case total > 0 && ev.TwoSample():
		summary = fmt.Sprintf("%s packets dropped in the IP, TCP and UDP stack%s %s", fmtInt(total), sc.where(), during(ev))
		if ev.HasRates() {
			summary += " (" + fmtRate(ev.Rate(total)) + ")"
		}
		summary += ": " + strings.Join(names, ", ")
	case total > 0:
		summary = fmt.Sprintf("%s packets dropped in the IP, TCP and UDP stack%s since boot: %s", fmtInt(total), sc.where(), strings.Join(names, ", "))
	default:
		var ns []string
		for _, sv := range vals {
			ns = append(ns, sv.item.name)
		}
		summary = "Damaged or refused packets" + sc.where() + " " + during(ev) + ": " + strings.Join(ns, ", ")
	}
	explanation := strings.Join(expl, " ")
	if len(fixes) > 0 {
		explanation += " What to do: " + strings.Join(fixes, " ")
	}
	if !ev.TwoSample() {
		explanation += " These are since-boot totals: two samples tell whether it still happens."
	}
	cmds := []Command{
		{Run: nsCommand(ev, sc.Namespace, "nstat -az "+strings.Join(nstat, " ")), Kind: Verify,
			Why: "run twice a few seconds apart: which counters still grow"},
	}
	for _, sv := range vals {
		if strings.HasPrefix(sv.item.name, "TcpExt TCP") || sv.item.name == "TcpExt PFMemallocDrop" {
			cmds = append(cmds, Command{Run: nsCommand(ev, sc.Namespace, "ss -tmpi"), Kind: Verify,
				Why: "the sockets' memory (skmem: r is queued, rb the buffer, d the drops) and their processes: find the slow reader"})
			break
		}
	}
	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       score,
		Subject:     sc.subject(StackSubject),
		Summary:     summary,
		Evidence:    figs,
		Explanation: explanation,
		Commands:    cmds,
	}
}
