package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// BondDegraded finds bonding masters running on fewer links than they have.
var BondDegraded = &Check{
	ID:       "bond-degraded",
	Title:    "Bond degraded: a slave link down or outside the active LACP aggregator",
	Doc:      bondDegradedDoc,
	Severity: Warning,
	Needs:    []string{host.InputBonding, host.InputNICs},
	Run:      runBondDegraded,
}

const bondDegradedDoc = `Finds bonding masters (/proc/net/bonding/NAME) that carry traffic on fewer links than they were
built with: a slave whose MII status is down, or, in 802.3ad (LACP) mode, a slave that joined an
aggregator other than the bond's active one.

## Why it matters

A bond is built for capacity, redundancy or both. With a slave down, an 802.3ad or balance bond
runs on less bandwidth and hashes every flow onto the remaining links; an active-backup bond has
no backup left. In LACP, a slave in another aggregator (the switch ports are not in one
port-channel, or the partner's key differs) carries nothing: the kernel transmits only on the
active aggregator's ports, so the bond silently runs on part of its links.

## When it does not apply

- No bonding master on the host (not applicable). Team devices have no /proc/net/bonding file.
- An active-backup bond's backup slave is idle by design: only its MII status counts, not traffic.
- The master itself down (every slave down) is reported too, as critical: the bond passes nothing.

## Thresholds

- warning: a slave with MII Status other than "up", or (802.3ad) a slave whose Aggregator ID
  differs from the active aggregator's. These are the two states the bonding driver documents as
  degraded (kernel Documentation/networking/bonding.rst); there is no threshold to tune.
- critical: the master's MII Status is down.
- The slaves' Link Failure Count is shown as evidence: it grows with each link flap.

## Fix and risks

Check the cabling, the optics and the switch port of the down slave (ip link, ethtool DEV,
ethtool -m DEV); for an aggregator split, put the switch ports in one LACP port-channel with the
same settings and check that the partner MAC and key are the same on every slave (cat
/proc/net/bonding/NAME). Nothing on the host is changed by netdoctor's commands: they read state.
`

// bondProblem is one degraded slave.
type bondProblem struct {
	slave host.BondSlave
	why   string
}

func runBondDegraded(ev *Evidence) Result {
	s := ev.Now
	var bonds []*host.NIC
	unread := []string{}
	for i := range s.NICs {
		n := &s.NICs[i]
		if n.Kind != host.KindBond {
			continue
		}
		if n.Bond == nil {
			unread = append(unread, n.Name)
			continue
		}
		bonds = append(bonds, n)
	}
	if len(bonds) == 0 {
		if len(unread) > 0 {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputBonding, unread[0])}
		}
		if len(s.NICs) == 0 {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputNICs, "")}
		}
		return Result{Verdict: NotApplicable, Reason: "no bonding master on this host"}
	}
	var res Result
	for _, n := range bonds {
		if f, ok := bondFinding(ev, n); ok {
			res.Findings = append(res.Findings, f)
		}
	}
	if len(res.Findings) == 0 {
		names := make([]string, len(bonds))
		for i, n := range bonds {
			names[i] = n.Name
		}
		r := "every slave of " + strings.Join(names, ", ") + " is up"
		if len(unread) > 0 {
			r += fmt.Sprintf(" (/proc/net/bonding not read for %s)", strings.Join(unread, ", "))
		}
		return Result{Verdict: Pass, Reason: r}
	}
	res.Verdict = Fail
	return res
}

// bondFinding judges one bond.
func bondFinding(ev *Evidence, n *host.NIC) (Finding, bool) {
	b := n.Bond
	lacp := b.IsLACP()
	var probs []bondProblem
	for _, sl := range b.Slaves {
		switch {
		case sl.MIIStatus != "up":
			probs = append(probs, bondProblem{sl, "MII Status " + orUnknown(sl.MIIStatus)})
		case lacp && b.AggregatorID != 0 && sl.AggregatorID != 0 && sl.AggregatorID != b.AggregatorID:
			probs = append(probs, bondProblem{sl, fmt.Sprintf("in aggregator %d, the active one is %d", sl.AggregatorID, b.AggregatorID)})
		}
	}
	masterDown := b.MIIStatus != "" && b.MIIStatus != "up"
	if len(probs) == 0 && !masterDown {
		return Finding{}, false
	}
	sort.Slice(probs, func(i, j int) bool { return probs[i].slave.Name < probs[j].slave.Name })
	working := len(b.Slaves) - len(probs)
	sev, score := Warning, 50+min(40, 40*len(probs)/max(1, len(b.Slaves)))
	if masterDown {
		sev, score = Critical, 80
	}
	figs := []Figure{
		figure("bonding mode of "+n.Name, b.Mode, "", "configuration"),
		figure("slaves carrying traffic", fmt.Sprintf("%d of %d", working, len(b.Slaves)), "all", "configuration"),
	}
	if masterDown {
		figs = append(figs, figure("MII Status of "+n.Name, b.MIIStatus, "up", "configuration"))
	}
	var parts []string
	for _, p := range probs {
		parts = append(parts, p.slave.Name+" ("+p.why+")")
		figs = append(figs, figure("slave "+p.slave.Name, p.why, "up, in the active aggregator", "configuration"),
			figure("Link Failure Count of "+p.slave.Name, fmtInt(p.slave.LinkFailures), "", "since the slave was added"))
	}
	summary := fmt.Sprintf("%s runs on %d of %d slaves: %s", n.Name, working, len(b.Slaves), strings.Join(parts, "; "))
	if masterDown {
		summary = fmt.Sprintf("%s is down: no slave has link", n.Name)
	}
	expl := "A bond built of several links is running on fewer."
	switch {
	case lacp:
		expl += " In 802.3ad mode the kernel transmits only on the active aggregator's ports: a slave that is down or that joined another aggregator (switch ports outside one port-channel, a different partner key) carries nothing, so flows hash onto the remaining links."
	case strings.Contains(b.Mode, "active-backup"):
		expl += " In active-backup mode a down slave means no backup: the next failure of the active link cuts the bond off."
	default:
		expl += " The remaining links carry every flow."
	}
	cmds := []Command{
		{Run: "cat /proc/net/bonding/" + shq(n.Name), Kind: Verify, Why: "see each slave's MII status, aggregator ID and partner MAC and key"},
	}
	for _, p := range probs {
		q := shq(p.slave.Name)
		cmds = append(cmds,
			Command{Run: "ip -s link show " + q + "; ethtool " + q, Kind: Verify, Why: "the slave's link state, speed and errors"},
			Command{Run: "ethtool -m " + q, Kind: Verify, Why: "optical power of the slave's module (a dirty or failing optic takes the link down)"})
	}
	if lacp {
		cmds = append(cmds, Command{Run: "grep -H . /sys/class/net/*/bonding_slave/ad_aggregator_id", Kind: Verify,
			Why: "compare the slaves' aggregator IDs; the switch ports must be in one LACP port-channel with the same speed and settings"})
	}
	return Finding{
		Severity:    sev,
		Score:       clampScore(float64(score)),
		Subject:     n.Name,
		NIC:         n.Name,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}, true
}

// orUnknown is s, or "unknown" when empty.
func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
