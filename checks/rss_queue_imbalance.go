package checks

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of rss-queue-imbalance.
const (
	// ImbalanceShare: one receive queue carrying more than this share of a
	// NIC's received packets is imbalance (netdoctor default: with four or
	// more queues an even hash gives each at most a quarter).
	ImbalanceShare = 0.50
	// ImbalanceMinQueues: the rule needs at least this many receive queues.
	ImbalanceMinQueues = 4
	// RSSTableSkew: an indirection table whose heaviest queue holds more
	// than this many times the entries of its lightest (or that leaves a
	// ring out) weights the queues unevenly (netdoctor default: ethtool's
	// default and "equal" tables differ by at most one entry per queue,
	// a ratio near 1).
	RSSTableSkew = 1.5
)

// RSSQueueImbalance finds one receive queue carrying most of a multi-queue
// NIC's packets.
var RSSQueueImbalance = &Check{
	ID:       "rss-queue-imbalance",
	Title:    "One receive queue carries most of a multi-queue NIC's packets",
	Doc:      rssImbalanceDoc,
	Severity: Notice,
	Needs: []string{
		host.InputInterrupts, host.InputIRQAffinity, host.InputNICs, host.InputNICSysfs,
		host.InputEthtoolStats, host.InputSoftnet, host.InputRSSTable,
	},
	Run: runRSSQueueImbalance,
}

var rssImbalanceDoc = fmt.Sprintf(`Finds a NIC with several receive queues where one queue carries most of the packets.

## Why it matters

RSS hashes each flow's addresses and ports onto a queue; when the hash sees one flow, or cannot see the
fields that differ (QinQ or PPPoE encapsulation, GRE tunnels, UDP hashed on addresses only), every packet
lands on one queue and one CPU while the other queues idle. The netutils-linux article lists QinQ,
VLAN, PPPoE, DDoS traffic and single elephant flows as the usual causes.

## When it does not apply

- NICs with fewer than %d receive queues, or whose busiest queue carries no traffic.
- A few elephant flows are not a misconfiguration: the finding says the imbalance may be
  hash-limited, and stays a notice unless a loss grows.

## Thresholds

- Per-queue packets from ethtool -S (rx_queue_N_packets, rx-N.packets or rxN_packets) over the
  window; without them, the interrupts of each receive queue's IRQ (interrupts undercount a hot
  queue, whose NAPI polls batch more packets per interrupt).
- Fire: one queue above %s of the NIC's received packets with at least %d receive queues
  (ImbalanceShare, ImbalanceMinQueues; a netdoctor default: an even hash over four queues gives
  each a quarter).
- One sample: the since-boot totals, with lower confidence (history: the traffic mix may have
  changed).
- Severity: a notice. It becomes a warning only when a loss grows on the NIC or the hot queue's
  CPU (NIC missed/fifo, softnet dropped or time_squeeze), and the finding names that loss.

## Fix and risks

When the indirection table was read (live, netdoctor collect; sos does not collect ethtool -x) and
weights the queues unevenly (the heaviest queue holds more than %s times the entries of the
lightest, RSSTableSkew, or a ring has none), the table is the cause: ethtool -X DEV equal N is the
fix, a change, not an option. Tables that leave rings out on purpose (queues reserved for ntuple
rules or AF_XDP) are the trap: check before resetting. When the table is even, the traffic or the
hash fields are the cause.

Inspect the indirection table (ethtool -x) and the hash fields (ethtool -n DEV rx-flow-hash udp4).
For UDP hashed on addresses only, ethtool -N DEV rx-flow-hash udp4 sdfn adds the ports (fragmented
datagrams then spread unevenly). A skewed table is reset with ethtool -X DEV equal N. When the hash
cannot see the flows (encapsulation, one elephant flow), RPS spreads the protocol work in software.
`, ImbalanceMinQueues, fmtPct(ImbalanceShare), ImbalanceMinQueues, fmt.Sprint(RSSTableSkew))

// perQueuePackets matches ethtool -S per-queue receive packet counters:
// rx_queue_3_packets (Intel), rx-3.packets (virtio, gve), rx3_packets (mlx5).
var perQueuePackets = regexp.MustCompile(`^(?:rx_queue_(\d+)_packets|rx-(\d+)\.packets|rx(\d+)_packets)$`)

// queueCounts returns a NIC's received packets per queue over the window,
// and what they count ("packets" or "interrupts").
func queueCounts(ev *Evidence, nl *hostview.NICLoad) (map[int]uint64, string) {
	pk := map[int]uint64{}
	if nl.NIC != nil {
		for name := range nl.NIC.EthtoolStats {
			m := perQueuePackets.FindStringSubmatch(name)
			if m == nil {
				continue
			}
			q, _ := strconv.Atoi(m[1] + m[2] + m[3])
			if v, ok := ev.NICCounter(nl.Name, hostview.FromEthtool, name); ok {
				pk[q] += v
			}
		}
	}
	if len(pk) >= ImbalanceMinQueues {
		return pk, "packets"
	}
	irq := map[int]uint64{}
	for _, q := range nl.Queues {
		if q.Dir == host.DirTX || q.IRQ == nil || !q.IRQ.CountsKnown {
			continue
		}
		irq[q.Index] = q.IRQ.Total
	}
	return irq, "interrupts"
}

func runRSSQueueImbalance(ev *Evidence) Result {
	var fs []Finding
	physical, multi := 0, 0
	for _, nl := range ev.NICs {
		if !nl.Physical {
			continue
		}
		physical++
		if nl.RXQueues < ImbalanceMinQueues {
			continue
		}
		multi++
		if f, ok := imbalanceFinding(ev, nl); ok {
			fs = append(fs, f)
		}
	}
	switch {
	case len(fs) > 0:
		return Result{Verdict: Fail, Findings: fs}
	case physical == 0:
		return ev.noDeviceNIC()
	case multi == 0:
		return Result{Verdict: NotApplicable, Reason: fmt.Sprintf("no NIC has %d or more receive queues", ImbalanceMinQueues)}
	}
	if g := queueIRQGaps(ev); g != "" {
		return Result{Verdict: NotEvaluated, Reason: g}
	}
	return Result{Verdict: Pass, Reason: "no receive queue carries more than " + fmtPct(ImbalanceShare) + " of its NIC's packets " + during(ev)}
}

func imbalanceFinding(ev *Evidence, nl *hostview.NICLoad) (Finding, bool) {
	counts, unit := queueCounts(ev, nl)
	var total, top uint64
	hot := -1
	queues := make([]int, 0, len(counts))
	for q, c := range counts {
		queues = append(queues, q)
		total += c
	}
	slices.Sort(queues)
	for _, q := range queues {
		if counts[q] > top {
			top, hot = counts[q], q
		}
	}
	if hot < 0 || total == 0 || len(counts) < ImbalanceMinQueues {
		return Finding{}, false
	}
	share := float64(top) / float64(total)
	if share <= ImbalanceShare {
		return Finding{}, false
	}
	// The hot queue must carry traffic: above the activity rate of a queue.
	if ev.HasRates() && ev.Rate(top) <= hostview.ActiveIRQRate {
		return Finding{}, false
	}
	var hotCPUs []int
	for _, q := range nl.Queues {
		if q.Index == hot && q.IRQ != nil && q.IRQ.Servicing >= 0 {
			hotCPUs = host.UnionCPUs(hotCPUs, []int{q.IRQ.Servicing})
		}
	}
	conf := baseConfidence(ev, nl)
	if !ev.TwoSample() {
		conf = lower(conf)
	}
	if unit == "interrupts" {
		conf = lower(conf)
	}
	figs := []Figure{
		figure(fmt.Sprintf("%s queue %d share of received %s", nl.Name, hot, unit), fmtPct(share), "> "+fmtPct(ImbalanceShare), ev.WindowLabel),
		figure(nl.Name+" receive queues counted", fmt.Sprint(len(counts)), fmt.Sprintf("≥ %d", ImbalanceMinQueues), "configuration"),
	}
	if ev.HasRates() {
		figs = append(figs, figure(fmt.Sprintf("%s queue %d %s/s", nl.Name, hot, unit), fmtRate(ev.Rate(top)), "", ev.WindowLabel))
	}
	f := Finding{
		Severity:   Notice,
		Confidence: conf,
		Score:      clampScore(30 + 60*(share-ImbalanceShare)/(1-ImbalanceShare)),
		Subject:    nl.Name,
		NIC:        nl.Name,
		CPUs:       hotCPUs,
		Summary:    fmt.Sprintf("%s: queue %d carries %s of received %s over %d queues", nl.Name, hot, fmtPct(share), unit, len(counts)),
		Evidence:   figs,
		Explanation: fmt.Sprintf("RSS sends %s of %s's received %s to queue %d, so one CPU does most of the receive work while the other queues idle. The hash may be limited by the traffic (a few elephant flows, which no setting fixes) or blind to the fields that differ (QinQ, PPPoE, tunnels, UDP hashed on addresses only).",
			fmtPct(share), nl.Name, unit, hot),
	}
	table := tableSkew(nl.NIC)
	if table.known {
		figs := figure(fmt.Sprintf("%s queue %d share of the RSS indirection table", nl.Name, hot), tableShare(nl.NIC, hot),
			fmt.Sprintf("max/min entries ≤ %s", fmt.Sprint(RSSTableSkew)), "configuration")
		f.Evidence = append(f.Evidence, figs)
		if table.skewed {
			f.Explanation = fmt.Sprintf("RSS sends %s of %s's received %s to queue %d because its indirection table weights the queues unevenly (%s): the table, not the traffic, is the cause.",
				fmtPct(share), nl.Name, unit, hot, table.words)
			f.Summary += "; the RSS table is skewed"
		} else {
			f.Explanation += " The indirection table is even, so the traffic or the hash fields cause it."
		}
	}
	escalate(ev, &f, nl.Name, hotCPUs)
	q := shq(nl.Name)
	f.Commands = []Command{
		{Run: fmt.Sprintf("ethtool -x %s; ethtool -n %s rx-flow-hash udp4; ethtool -n %s rx-flow-hash tcp4", q, q, q), Kind: Verify,
			Why: "read the RSS indirection table and the fields hashed for UDP and TCP"},
		{Run: fmt.Sprintf("ethtool -S %s | grep -E 'rx_queue_[0-9]+_packets|rx-[0-9]+[.]packets|rx[0-9]+_packets'", q), Kind: Verify,
			Why: "see the packets per receive queue"},
		{Run: fmt.Sprintf("ethtool -N %s rx-flow-hash udp4 sdfn", q), Kind: Option, NeedsRoot: true,
			Why:     "if UDP is hashed on addresses only: add the ports to the hash so that flows between two hosts spread",
			Caveats: []string{"Fragmented datagrams carry no ports: with port hashing their fragments may reach other queues than the first one (reordering)."}},
	}
	switch {
	case table.skewed:
		f.Commands = append(f.Commands, Command{Run: fmt.Sprintf("ethtool -X %s equal %d", q, table.rings), Kind: Change, NeedsRoot: true,
			Why:     fmt.Sprintf("spread the indirection table evenly over the %d receive rings", table.rings),
			Caveats: []string{"Rings left out on purpose (reserved for ntuple rules or AF_XDP) get traffic again; the setting is lost at driver reload: keep it with a tuned [net] or NetworkManager dispatcher script."}})
	case !table.known:
		f.Commands = append(f.Commands, Command{Run: fmt.Sprintf("ethtool -X %s equal %d", q, nl.RXQueues), Kind: Option, NeedsRoot: true,
			Why: "if the indirection table is skewed: spread it evenly over the receive queues"})
	}
	if len(hotCPUs) > 0 {
		f.Commands = append(f.Commands, rpsCommands(nl, []int{hot}, max(nl.RXQueues, 1), host.MinusCPUs(nl.LocalCPUs, hotCPUs), Option)...)
	}
	return f, true
}

// rssTable is what a NIC's RSS indirection table says about its queues.
type rssTable struct {
	known, skewed bool
	rings         int
	words         string // how it is skewed
}

// tableSkew judges a NIC's indirection table over its rings: skewed when a
// ring has no entry or the heaviest holds more than RSSTableSkew times
// the lightest's entries.
func tableSkew(n *host.NIC) rssTable {
	if n == nil || n.RSSTable == nil || len(n.RSSTable.Entries) == 0 {
		return rssTable{}
	}
	w := n.RSSTable.Weights()
	rings := n.RSSTable.Rings
	if rings <= 0 || rings > len(w) {
		rings = len(w)
	}
	t := rssTable{known: true, rings: rings}
	lo, hi, loQ, hiQ := -1, -1, 0, 0
	for q := 0; q < rings; q++ {
		if lo < 0 || w[q] < lo {
			lo, loQ = w[q], q
		}
		if w[q] > hi {
			hi, hiQ = w[q], q
		}
	}
	switch {
	case lo == 0:
		t.skewed = true
		t.words = fmt.Sprintf("ring %d has no entry of %d, ring %d has %d", loQ, len(n.RSSTable.Entries), hiQ, hi)
	case float64(hi) > RSSTableSkew*float64(lo):
		t.skewed = true
		t.words = fmt.Sprintf("ring %d holds %d of %d entries, ring %d only %d", hiQ, hi, len(n.RSSTable.Entries), loQ, lo)
	}
	return t
}

// tableShare is queue q's share of the table's entries, with the even
// share: "50.0 % (even: 12.5 %)".
func tableShare(n *host.NIC, q int) string {
	w := n.RSSTable.Weights()
	c := 0
	if q < len(w) {
		c = w[q]
	}
	rings := max(n.RSSTable.Rings, 1)
	return fmt.Sprintf("%s (even: %s)", fmtPct(float64(c)/float64(len(n.RSSTable.Entries))), fmtPct(1/float64(rings)))
}
