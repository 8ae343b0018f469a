package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of conntrack-table-full (their sources are in its Doc).
const (
	// ConntrackFillWarning is the fill (count / max) that warns.
	ConntrackFillWarning = 0.80
	// ConntrackFillCritical is the fill at which new flows are about to be
	// dropped.
	ConntrackFillCritical = 0.98
	// ConntrackInsertFailedRate is the insert_failed rate per second that
	// warns of insert races; slower growth is a notice.
	ConntrackInsertFailedRate = 1.0
)

// ConntrackSubject is the subject of conntrack-table-full findings.
const ConntrackSubject = "nf_conntrack"

// ConntrackTableFull finds the connection-tracking table full or dropping.
var ConntrackTableFull = &Check{
	ID:       "conntrack-table-full",
	Title:    "Connection-tracking table full or dropping new flows",
	Doc:      conntrackTableFullDoc,
	Severity: Critical,
	Needs:    []string{host.InputSysctl, host.InputConntrackStat, host.InputKernelLog},
	Growth:   true,
	Run:      runConntrackTableFull,
}

var conntrackTableFullDoc = fmt.Sprintf(`Finds the netfilter connection-tracking table (nf_conntrack) at or near its limit, dropping new flows,
or losing insert races.

## Why it matters

When net.netfilter.nf_conntrack_count reaches nf_conntrack_max the kernel drops the first packet of every
new flow ("nf_conntrack: table full, dropping packet"): clients see connect timeouts and DNS retries while
every interface counter stays clean. It is among the most common losses on Kubernetes nodes, NAT gateways
and busy firewalled servers. insert_failed growth means two packets of one new flow raced to insert it
(typically UDP DNS through NAT): the 5-second DNS delays of Kubernetes.

## When it does not apply

- Not applicable when nf_conntrack is not loaded (no nf_conntrack_max sysctl and no
  /proc/net/stat/nf_conntrack); not evaluated when the sysctls were not collected.
- In a container the count is the container namespace's own: the finding says so and its confidence
  is low.
- early_drop under deliberate pressure is the kernel's designed relief; it still means lost flows and
  is judged as drops. Traffic exempted with NOTRACK is not counted.
- From one sample the drop counters are since-boot totals: a notice, raised to critical when the
  kernel log says "table full" within the last hour.

## Thresholds

- fill = count / max ≥ %.2f: warning (the 80 %% alert of common Prometheus rule packs and cloud
  vendors' node alerts; node-mixin warns at 75 %%).
- fill ≥ %.2f, or drop or early_drop grew in the window, or the kernel logged "table full" in the
  window: critical (the table is full: the kernel is already dropping).
- insert_failed growing at ≥ %.0f/s: warning "insert races"; slower growth: notice (busy UDP hosts have
  a background level from clash resolution; a netdoctor default).
- One sample: drop or early_drop > 0 since boot: notice with the since-boot rate.

## Fix and risks

Double nf_conntrack_max at runtime and set the hash size to a quarter of it
(/sys/module/nf_conntrack/parameters/hashsize); persist both (sysctl.d and an options line in
modprobe.d). Each entry costs about 300 bytes of unswappable memory. Shorter timeouts
(nf_conntrack_tcp_timeout_time_wait, ..._established) and NOTRACK rules for stateless high-rate traffic
reduce the need; on Kubernetes kube-proxy's conntrack maxPerCore/min sets the limit and overrides a
sysctl. Insert races: a node-local DNS cache or --random-fully masquerading.
`, ConntrackFillWarning, ConntrackFillCritical, ConntrackInsertFailedRate)

func runConntrackTableFull(ev *Evidence) Result {
	maxS, maxOK := sysctlInt(ev, "net.netfilter.nf_conntrack_max")
	count, countOK := sysctlInt(ev, "net.netfilter.nf_conntrack_count")
	table := ev.Now.Conntrack
	if !maxOK && table == nil {
		if len(ev.Now.Sysctls) == 0 {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSysctl, "")}
		}
		return Result{Verdict: NotApplicable, Reason: "nf_conntrack is not loaded (no net.netfilter.nf_conntrack_max, no /proc/net/stat/nf_conntrack)"}
	}
	if !countOK && table != nil {
		if e, ok := table.Entries(); ok {
			count, countOK = int64(e), true
		}
	}
	var figs []Figure
	sev := Severity(0)
	raise := func(s Severity) { sev = max(sev, s) }
	score := 0
	var why []string

	fill := -1.0
	if maxOK && countOK && maxS > 0 {
		fill = float64(count) / float64(maxS)
		figs = append(figs, figure("connections tracked (nf_conntrack_count of nf_conntrack_max)",
			fmt.Sprintf("%s of %s (%s)", fmtInt(uint64(count)), fmtInt(uint64(maxS)), fmtPct(fill)),
			"≥ "+fmtPct(ConntrackFillWarning)+": warning; ≥ "+fmtPct(ConntrackFillCritical)+": critical", "at the sample"))
		switch {
		case fill >= ConntrackFillCritical:
			raise(Critical)
			score = max(score, scoreOver(fill, ConntrackFillCritical/2))
			why = append(why, "the table is full: the kernel drops the first packet of new flows")
		case fill >= ConntrackFillWarning:
			raise(Warning)
			score = max(score, scoreOver(fill, ConntrackFillWarning))
			why = append(why, "the table is "+fmtPct(fill)+" full")
		}
	}

	var gaps []string
	var drops uint64
	for _, name := range []string{"drop", "early_drop"} {
		for _, e := range ev.Ledger.Find(hostview.LayerNetfilter, name) {
			if !e.Known {
				gaps = append(gaps, name+": "+e.Gap)
				continue
			}
			if e.Value > 0 {
				drops += e.Value
				figs = append(figs, figure("conntrack "+name, withRate(ev, e.Value), "> 0", ev.WindowLabel))
			}
		}
	}
	if drops > 0 {
		if ev.TwoSample() {
			raise(Critical)
			score = max(score, scoreOver(ev.Rate(drops), 1))
			why = append(why, fmtInt(drops)+" new flows dropped "+during(ev))
		} else {
			raise(Notice)
			score = max(score, 20)
			why = append(why, fmtInt(drops)+" new flows dropped since boot")
		}
	}
	for _, e := range ev.Ledger.Find(hostview.LayerNetfilter, "insert_failed") {
		if !e.Known {
			gaps = append(gaps, "insert_failed: "+e.Gap)
			continue
		}
		if e.Value == 0 || !ev.TwoSample() {
			continue
		}
		figs = append(figs, figure("conntrack insert_failed", withRate(ev, e.Value), "≥ "+fmtRate(ConntrackInsertFailedRate)+": warning", ev.WindowLabel))
		if ev.HasRates() && ev.Rate(e.Value) >= ConntrackInsertFailedRate {
			raise(Warning)
			score = max(score, scoreOver(ev.Rate(e.Value), ConntrackInsertFailedRate))
		} else {
			raise(Notice)
		}
		why = append(why, "insert races (insert_failed grew): new flows of one tuple collided, typically UDP DNS through NAT")
	}
	events, _ := logEvents(ev, host.LogConntrackFull, RecentLogSeconds)
	if len(events) > 0 {
		raise(Critical)
		score = max(score, 80)
		last := events[len(events)-1]
		figs = append(figs, figure("kernel log \"table full, dropping packet\"", fmt.Sprintf("%d lines, last at %.0f s after boot", len(events), last.Uptime), "any", logWindow(ev)))
		why = append(why, "the kernel logged \"nf_conntrack: table full, dropping packet\"")
	}

	if sev == 0 {
		if len(gaps) > 0 {
			return Result{Verdict: NotEvaluated, Reason: "conntrack counters without values over the interval: " + gapWords(gaps)}
		}
		if table == nil && ev.TwoSample() {
			return Result{Verdict: NotEvaluated, Reason: "fill " + fmtPct(max(fill, 0)) + " is below the marks, but drops are unknown: " + ev.InputReason(host.InputConntrackStat, "")}
		}
		r := "no conntrack drops " + during(ev)
		if fill >= 0 {
			r = "table " + fmtPct(fill) + " full, " + r
		}
		return Result{Verdict: Pass, Reason: r}
	}
	conf := High
	if !ev.TwoSample() && fill < ConntrackFillWarning && len(events) == 0 {
		conf = Medium
	}
	expl := "Connection tracking: " + joinSentences(why) + "."
	if ev.Now.Container {
		conf = Low
		expl += " This sample was taken in a container: the count is the container namespace's, not the host's."
	}
	if !ev.TwoSample() && sev == Notice {
		expl += " These are since-boot totals: two samples tell whether it still happens."
	}
	if b := ev.Now.Sysctls["net.netfilter.nf_conntrack_buckets"]; b != "" {
		figs = append(figs, figure("net.netfilter.nf_conntrack_buckets", b, "", "configuration"))
	}
	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       score,
		Subject:     ConntrackSubject,
		Summary:     capFirst(why[0]),
		Evidence:    figs,
		Explanation: expl,
		Commands:    conntrackCommands(maxS, maxOK),
	}.result()
}

// logWindow is the window kernel log lines were counted in.
func logWindow(ev *Evidence) string {
	if ev.TwoSample() {
		return ev.WindowLabel
	}
	return "the last hour before the sample"
}

// capFirst upper-cases the first letter.
func capFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// joinSentences joins clauses with "; ".
func joinSentences(s []string) string {
	out := ""
	for i, c := range s {
		if i > 0 {
			out += "; "
		}
		out += c
	}
	return out
}

// conntrackCommands doubles the limit and sizes the hash table to a
// quarter of it; verifying and the timeouts are options.
func conntrackCommands(cur int64, known bool) []Command {
	if !known || cur <= 0 {
		cur = 65536
	}
	limit := 2 * cur
	hash := limit / 4
	cmds := sysctlCommands([][2]string{{"net.netfilter.nf_conntrack_max", strconv.FormatInt(limit, 10)}},
		"double the connection-tracking limit",
		[]string{"Each entry costs about 300 bytes of kernel memory that cannot be swapped.",
			"On Kubernetes kube-proxy sets this limit from conntrack.maxPerCore/min: change it there or it is overwritten."})
	cmds = append(cmds,
		Command{Run: fmt.Sprintf("echo %d > /sys/module/nf_conntrack/parameters/hashsize", hash), Kind: Change,
			Why: "size the hash table to a quarter of the limit, so lookups stay short", NeedsRoot: true},
		Command{Run: fmt.Sprintf("echo 'options nf_conntrack hashsize=%d' > /etc/modprobe.d/90-netdoctor-conntrack.conf", hash), Kind: Option,
			Why: "keep the hash size across reboots", NeedsRoot: true, Persistent: true,
			Caveats: []string{"Replaces that file if it exists; tuned's [net] nf_conntrack_hashsize does the same where tuned manages the host."}},
		Command{Run: "conntrack -S; sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max", Kind: Verify,
			Why: "watch the fill and the per-CPU drop and insert_failed counters"},
		Command{Run: "iptables -t raw -A PREROUTING -p udp --dport 53 -j CT --notrack", Kind: Option,
			Why:       "exempt stateless high-rate traffic (here DNS as an example) from tracking",
			NeedsRoot: true, Caveats: []string{"Untracked traffic bypasses stateful rules and NAT: adapt the match to the traffic that needs no state."}},
	)
	return cmds
}
