package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Thresholds of rp-filter-drops (their reasons are in its Doc).
const (
	// RPFilterSinceBoot: from one sample, more than this many packets
	// dropped by the reverse path filter since boot is reported (a notice:
	// the time of the drops is unknown).
	RPFilterSinceBoot = 500
	sysctlRPFilterAll = "net.ipv4.conf.all.rp_filter"
)

// RPFilterDrops finds packets dropped by strict reverse path filtering.
var RPFilterDrops = &Check{
	ID:       "rp-filter-drops",
	Title:    "Packets dropped by the reverse path filter (rp_filter)",
	Doc:      rpFilterDropsDoc,
	Severity: Warning,
	Needs:    []string{host.InputNetstat, host.InputRPFilter, host.InputSysctl},
	Growth:   true,
	Run:      runRPFilterDrops,
}

var rpFilterDropsDoc = fmt.Sprintf(`Finds IPv4 packets dropped by the reverse path filter (TcpExt IPReversePathFilter growing) while
strict mode is in effect on an interface of a host with more than one interface up.

## Why it matters

With rp_filter = 1 (strict, RFC 3704), the kernel drops a packet when the route back to its source
does not leave through the interface it arrived on. On a host with several interfaces (two
uplinks, a storage and a front-end network, policy routing, asymmetric paths through firewalls
or load balancers) legitimate replies arrive on the "wrong" interface and vanish without an ICMP
error: connections time out from some sources only. The drops are counted only in TcpExt
IPReversePathFilter, which no interface counter shows.

## When it does not apply

- IPReversePathFilter does not grow: pass (from one sample, since boot, up to %d).
- Drops on a host with a single interface up, or with loose mode (2) only, are most likely spoofed
  or martian sources that the filter is meant to stop: a notice.
- The effective mode of an interface is the larger of net.ipv4.conf.all.rp_filter and its own
  value (kernel ip-sysctl documentation); veth interfaces are not read.

## Thresholds

- warning: IPReversePathFilter grew over the interval (any growth: each is a dropped packet)
  while some interface up is in strict mode on a host with two or more interfaces up. This is a
  loss, not a configuration finding: the packets were dropped.
- notice: the same growth with no strict interface, or a single interface up; or, from one sample,
  more than %d drops since boot (hotsos' threshold for the same counter), since their time is
  unknown.

## Fix and risks

Loose mode (net.ipv4.conf.IFACE.rp_filter = 2) keeps dropping packets from sources with no route
at all and accepts asymmetric paths; it is what RHEL recommends for multi-homed hosts. Set it on
the strict interfaces (the effective value is the maximum with "all", so 2 per interface wins
over all = 1). Persist it in /etc/sysctl.d or a tuned [sysctl] section. Turning the filter off
(0) removes the anti-spoofing protection entirely: prefer 2.
`, RPFilterSinceBoot, RPFilterSinceBoot)

// rpIface is an interface's effective rp_filter.
type rpIface struct {
	name      string
	own, eff  int
	sysctlKey string
}

func runRPFilterDrops(ev *Evidence) Result {
	s := ev.Now
	drops, known := ev.NetStat("TcpExt", "IPReversePathFilter")
	if !known {
		if s.NetStats["TcpExt"] == nil {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputNetstat, "")}
		}
		return Result{Verdict: NotApplicable, Reason: "this kernel has no TcpExt IPReversePathFilter counter"}
	}
	all := 0
	if v, ok := s.Sysctls[sysctlRPFilterAll]; ok {
		fmt.Sscan(strings.TrimSpace(v), &all)
	}
	var ifaces, strict []rpIface
	up := 0
	unread := 0
	for i := range s.NICs {
		n := &s.NICs[i]
		if n.Kind == host.KindLoopback || n.Kind == host.KindVeth {
			continue
		}
		isUp := n.OperState == "up" || n.OperState == "unknown" || n.OperState == ""
		if isUp {
			up++
		}
		if n.RPFilter == nil {
			unread++
			continue
		}
		r := rpIface{name: n.Name, own: *n.RPFilter, eff: max(all, *n.RPFilter),
			sysctlKey: "net.ipv4.conf." + strings.ReplaceAll(n.Name, ".", "/") + ".rp_filter"}
		ifaces = append(ifaces, r)
		if r.eff == 1 && isUp {
			strict = append(strict, r)
		}
	}
	two := ev.TwoSample()
	if drops <= 0 || (!two && drops <= RPFilterSinceBoot) {
		r := "TcpExt IPReversePathFilter did not grow"
		if !two {
			r = fmt.Sprintf("TcpExt IPReversePathFilter is %s since boot (≤ %d)", fmtInt(uint64(max(drops, 0))), RPFilterSinceBoot)
		}
		return Result{Verdict: Pass, Reason: r}
	}
	if len(ifaces) == 0 && unread > 0 {
		return Result{Verdict: NotEvaluated, Reason: "IPReversePathFilter grew but no interface's rp_filter could be read: " + ev.InputReason(host.InputRPFilter, s.NICs[0].Name)}
	}
	sort.Slice(strict, func(i, j int) bool { return strict[i].name < strict[j].name })
	multi := up >= 2
	sev, score := Notice, 30
	if two && multi && len(strict) > 0 {
		sev, score = Warning, clampScore(50+30*min(1, ev.Rate(uint64(drops))/100))
	}
	val := fmtInt(uint64(drops))
	if ev.HasRates() {
		val += " (" + fmtRate(ev.Rate(uint64(drops))) + ")"
	}
	thr := "> 0 with strict mode on a multi-homed host"
	if !two {
		thr = fmt.Sprintf("> %d since boot: notice", RPFilterSinceBoot)
	}
	figs := []Figure{
		figure("TcpExt IPReversePathFilter (packets dropped by rp_filter)", val, thr, ev.WindowLabel),
		figure(sysctlRPFilterAll, fmt.Sprint(all), "the effective value is max(all, interface)", "configuration"),
		figure("interfaces up", fmt.Sprint(up), "≥ 2: multi-homed", "configuration"),
	}
	var names []string
	for _, r := range strict {
		names = append(names, r.name)
		figs = append(figs, figure("effective rp_filter of "+r.name, fmt.Sprintf("%d (strict; own value %d)", r.eff, r.own), "2 (loose) on a multi-homed host", "configuration"))
	}
	summary := fmt.Sprintf("%s packets dropped by the reverse path filter", val)
	if !two {
		summary = fmt.Sprintf("%s packets dropped by the reverse path filter since boot", fmtInt(uint64(drops)))
	}
	if len(strict) > 0 {
		summary += "; strict mode on " + strings.Join(names, ", ")
	}
	expl := "The kernel dropped packets whose source is not routed back through the interface they arrived on (strict reverse path filtering). They appear in no interface counter."
	switch {
	case sev == Warning:
		expl += " On a host with several interfaces up, replies that take another path (asymmetric routing, policy routing, a second uplink) are legitimate: connections from some sources time out."
	case !multi:
		expl += " With a single interface up these are most likely spoofed or martian sources the filter is meant to stop."
	case len(strict) == 0:
		expl += " No interface up is in strict mode: loose mode drops only sources with no route at all."
	}
	if !two {
		expl += " From one sample the drops are counted since boot: whether they continue is unknown."
	}
	var cmds []Command
	if len(strict) > 0 {
		var set [][2]string
		for _, r := range strict {
			set = append(set, [2]string{r.sysctlKey, "2"})
		}
		cmds = sysctlCommands(set, "loose reverse path filtering on the strict interfaces: asymmetric replies pass, sources with no route are still dropped",
			[]string{"Loose mode keeps the anti-spoofing protection for unroutable sources; 0 would remove it entirely."})
		var lines []string
		for _, kv := range set {
			lines = append(lines, kv[0]+"=2")
		}
		cmds = append(cmds, Command{
			Run:        "printf '%s\\n' " + quoteAll(append([]string{"[sysctl]"}, lines...)) + " >> /etc/tuned/<profile>/tuned.conf",
			Kind:       Option,
			Why:        "with tuned: the same settings in your custom profile's [sysctl] section (then tuned-adm profile <profile>)",
			NeedsRoot:  true,
			Persistent: true,
			Caveats:    []string{"When the profile already has a [sysctl] section, add the lines to it instead."},
		})
	}
	cmds = append(cmds, Command{
		Run:  "nstat -az TcpExtIPReversePathFilter",
		Kind: Verify,
		Why:  "confirm: run twice some seconds apart; growth means packets are still dropped",
	}, Command{
		Run:       "sysctl -w net.ipv4.conf.all.log_martians=1",
		Kind:      Option,
		Why:       "log the dropped sources to the kernel log to see which interface and source they come from (set it back to 0 after)",
		NeedsRoot: true,
	})
	return Finding{
		Severity:    sev,
		Score:       score,
		Subject:     "IPReversePathFilter",
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}.result()
}
