package checks

import (
	"fmt"
	"strconv"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of neighbour-table-overflow (their sources are in its Doc).
const (
	// NeighFullShare is the share of gc_thresh3 (the hard limit) at which
	// the table is about to overflow.
	NeighFullShare = 0.9
)

// NeighbourTableOverflow finds the ARP or NDP table full or near it.
var NeighbourTableOverflow = &Check{
	ID:       "neighbour-table-overflow",
	Title:    "Neighbour (ARP/NDP) table full: new peers unreachable",
	Doc:      neighbourTableOverflowDoc,
	Severity: Critical,
	Needs:    []string{host.InputArpCache, host.InputNdiscCache, host.InputSysctl, host.InputKernelLog},
	Growth:   true,
	Run:      runNeighbourTableOverflow,
}

var neighbourTableOverflowDoc = fmt.Sprintf(`Finds the neighbour tables (/proc/net/stat/arp_cache for IPv4, ndisc_cache for IPv6) full or near
their limit: table_fulls growing, entries at or above gc_thresh2 or near gc_thresh3, or the kernel's
"neighbor table overflow!" lines.

## Why it matters

When the table reaches gc_thresh3 the kernel cannot add an entry for a new peer: packets to it are
dropped and the kernel logs "neighbour: arp_cache: neighbor table overflow!". Kubernetes nodes, VM hosts
and flat networks with thousands of peers hit the default limit of 1024.

## When it does not apply

- The tables are global to the host, not per network namespace.
- Incomplete entries from scans inflate the count; the finding shows the entries as read.
- Without the gc_thresh sysctls only table_fulls and the kernel log are judged.

## Thresholds

- table_fulls growth > 0 in the window, or the kernel's overflow line in the window: critical
  (every table_fulls is a failed allocation for a new peer).
- entries ≥ %s of gc_thresh3: critical (about to overflow).
- entries ≥ gc_thresh2: warning (the kernel garbage-collects forcibly above it).
- One sample: table_fulls > 0 since boot: warning "since boot".

## Fix and risks

Raise net.ipv4.neigh.default.gc_thresh1/2/3 (and the net.ipv6 keys) to 8192, 32768 and 65536, the
values container-platform tuning profiles use; each entry costs a few hundred bytes. Persist with
sysctl.d.
`, fmtPct(NeighFullShare))

func runNeighbourTableOverflow(ev *Evidence) Result {
	type tbl struct {
		name, family string
		t            *host.StatTable
		prefix       string
		source       string
	}
	tables := []tbl{
		{"arp_cache", "IPv4", ev.Now.ARPCache, "net.ipv4.neigh.default.", hostview.SrcARPCache},
		{"ndisc_cache", "IPv6", ev.Now.NDiscCache, "net.ipv6.neigh.default.", hostview.SrcNDiscCache},
	}
	if tables[0].t == nil && tables[1].t == nil {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputArpCache, "")}
	}
	sev := Severity(0)
	var figs []Figure
	var why, gaps []string
	var grow [][2]string
	for _, tb := range tables {
		if tb.t == nil {
			continue
		}
		entries, ok := tb.t.Entries()
		t2, ok2 := sysctlInt(ev, tb.prefix+"gc_thresh2")
		t3, ok3 := sysctlInt(ev, tb.prefix+"gc_thresh3")
		if ok {
			th := ""
			if ok2 && ok3 {
				th = fmt.Sprintf("≥ %s (gc_thresh2): warning; ≥ %s of %s (gc_thresh3): critical", fmtInt(uint64(t2)), fmtPct(NeighFullShare), fmtInt(uint64(t3)))
			}
			figs = append(figs, figure(tb.family+" neighbour entries ("+tb.name+")", fmtInt(entries), th, "at the sample"))
			switch {
			case ok3 && t3 > 0 && float64(entries) >= NeighFullShare*float64(t3):
				sev = max(sev, Critical)
				why = append(why, fmt.Sprintf("the %s neighbour table holds %s entries, near its limit %s", tb.family, fmtInt(entries), fmtInt(uint64(t3))))
			case ok2 && t2 > 0 && entries >= uint64(t2):
				sev = max(sev, Warning)
				why = append(why, fmt.Sprintf("the %s neighbour table holds %s entries, above gc_thresh2 %s", tb.family, fmtInt(entries), fmtInt(uint64(t2))))
			}
			if (ok2 && entries >= uint64(t2)) || (ok3 && float64(entries) >= NeighFullShare*float64(t3)) {
				grow = append(grow, [2]string{tb.prefix, tb.family})
			}
		}
		for _, e := range ev.Ledger.Find(hostview.LayerNeighbour, "table_fulls") {
			if e.Source != tb.source {
				continue
			}
			if !e.Known {
				gaps = append(gaps, tb.name+" table_fulls: "+e.Gap)
				continue
			}
			if e.Value == 0 {
				continue
			}
			figs = append(figs, figure(tb.family+" table_fulls ("+tb.name+")", withRate(ev, e.Value), "> 0", ev.WindowLabel))
			if ev.TwoSample() {
				sev = max(sev, Critical)
				why = append(why, fmt.Sprintf("the %s neighbour table overflowed %s times %s", tb.family, fmtInt(e.Value), during(ev)))
			} else {
				sev = max(sev, Warning)
				why = append(why, fmt.Sprintf("the %s neighbour table overflowed %s times since boot", tb.family, fmtInt(e.Value)))
			}
			grow = append(grow, [2]string{tb.prefix, tb.family})
		}
	}
	events, _ := logEvents(ev, host.LogNeighOverflow, RecentLogSeconds)
	if len(events) > 0 {
		sev = max(sev, Critical)
		figs = append(figs, figure("kernel log \"neighbor table overflow!\"", strconv.Itoa(len(events))+" lines", "any", logWindow(ev)))
		why = append(why, "the kernel logged \"neighbor table overflow!\"")
		grow = append(grow, [2]string{"net.ipv4.neigh.default.", "IPv4"})
	}
	if sev == 0 {
		if len(gaps) > 0 {
			return Result{Verdict: NotEvaluated, Reason: "neighbour counters without values over the interval: " + gapWords(gaps)}
		}
		return Result{Verdict: Pass, Reason: "neighbour tables below gc_thresh2 and no overflow " + during(ev)}
	}
	var settings [][2]string
	seen := map[string]bool{}
	for _, g := range grow {
		if seen[g[0]] {
			continue
		}
		seen[g[0]] = true
		settings = append(settings, [2]string{g[0] + "gc_thresh1", "8192"}, [2]string{g[0] + "gc_thresh2", "32768"}, [2]string{g[0] + "gc_thresh3", "65536"})
	}
	cmds := sysctlCommands(settings, "raise the neighbour table's garbage-collection marks and limit",
		[]string{"Each entry costs a few hundred bytes of kernel memory; incomplete entries from scans fill the table too."})
	cmds = append(cmds, Command{Run: "ip -s -s neigh show | tail -n 5; ip neigh show nud incomplete | wc -l", Kind: Verify,
		Why: "count the entries and the incomplete ones"})
	expl := "The kernel's neighbour table maps peers' IP addresses to MAC addresses; when it is full, packets to a peer without an entry are dropped and new peers are unreachable."
	if !ev.TwoSample() && len(events) == 0 {
		expl += " Overflows counted since boot may be old: two samples tell whether it still happens."
	}
	return Finding{
		Severity:    sev,
		Confidence:  High,
		Score:       map[Severity]int{Notice: 20, Warning: 55, Critical: 85}[sev],
		Subject:     "neighbour",
		Summary:     capFirst(joinSentences(why)),
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}.result()
}
