package checks

import (
	"fmt"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Thresholds of softnet-backlog-drops (their reasons are in its Doc).
const (
	// BacklogCriticalDropRate: softnet drops above this many per second on
	// any CPU are critical (netdata 1min_netdev_backlog_exceeded); any
	// smaller growth is a warning.
	BacklogCriticalDropRate = 10.0
	// DefaultNetdevMaxBacklog is the kernel default of
	// net.core.netdev_max_backlog, assumed when the sysctl is unknown.
	DefaultNetdevMaxBacklog = 1000
	// DefaultNetdevBudget is the kernel default of net.core.netdev_budget.
	DefaultNetdevBudget = 300
)

// SoftnetSubject is the subject of softnet-backlog-drops findings: the
// per-CPU backlog is not one NIC's.
const SoftnetSubject = "softnet"

// SoftnetBacklogDrops finds packets dropped at the per-CPU backlog.
var SoftnetBacklogDrops = &Check{
	ID:       "softnet-backlog-drops",
	Title:    "Packets dropped at the per-CPU backlog (softnet_stat dropped)",
	Doc:      softnetBacklogDropsDoc,
	Severity: Warning,
	Needs: []string{
		host.InputSoftnet, host.InputSysctl, host.InputCPUTopology, host.InputNICs,
		host.InputNICSysfs, host.InputInterrupts, host.InputSoftirqs,
	},
	Growth:   true,
	Requires: []*Check{IRQConcentration},
	Run:      runSoftnetBacklogDrops,
}

var softnetBacklogDropsDoc = fmt.Sprintf(`Finds softnet_stat's dropped column (column 2) growing on any CPU: packets dropped because the CPU's
backlog was over net.core.netdev_max_backlog, or shed by flow limit. time_squeeze is supporting evidence.

## Why it matters

These drops never show in NIC hardware counters, only in the ingress device's rx_dropped. The backlog
serves RPS/RFS and netif_rx devices (veth, tun/tap, loopback), so drops with no RPS configured usually
mean container or virtual traffic; drops on the CPU that services all queues point at IRQ
concentration.

## When it does not apply

- Old bursts inflate the since-boot totals: from one sample the check gives at most a notice ("drops
  since boot") and otherwise is not evaluated; only growth over two samples warns.
- time_squeeze alone is not this check: running out of budget does not mean packets were dropped.
- Without the kernel's CPU column (kernels before 5.10) rows map to the online CPUs in order; with
  neither, row numbers are reported with lower confidence.

## Thresholds

- Fires on any growth of dropped (> 0) over the window.
- critical above %.0f drops/s on any CPU (BacklogCriticalDropRate), else warning.
- One sample: cumulative dropped > 0 gives a notice with the since-boot rate.

## Fix and risks

Double net.core.netdev_max_backlog (kernel default %d), again only while drops continue: very large
values cost memory and latency. With squeeze on the same CPUs, double net.core.netdev_budget (default
%d) and netdev_budget_usecs. A bigger backlog helps mild drops, not a CPU that cannot keep up: spread
the IRQs (irq-concentration) or add RPS over local CPUs for single-queue NICs. RPS masks have no
standard persistent setting (a udev rule or boot unit).
`, BacklogCriticalDropRate, DefaultNetdevMaxBacklog, DefaultNetdevBudget)

// sysctlInt reads an integer sysctl, ok false when absent or not a number.
func sysctlInt(ev *Evidence, key string) (int64, bool) {
	v, ok := ev.Now.Sysctls[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n, err == nil
}

func cpuLabel(r hostview.SoftnetLoad) string {
	if r.CPU >= 0 {
		return "CPU " + strconv.Itoa(r.CPU)
	}
	return "softnet row " + strconv.Itoa(r.Row)
}

func runSoftnetBacklogDrops(ev *Evidence) Result {
	if len(ev.Now.Softnet) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSoftnet, "")}
	}
	if ev.TwoSample() && len(ev.SoftnetRows) == 0 {
		if g := softnetGaps(ev); g != "" {
			return Result{Verdict: NotEvaluated, Reason: "softnet_stat without values over the interval: " + g}
		}
		return Result{Verdict: NotEvaluated, Reason: "softnet_stat rows could not be matched between the two samples"}
	}
	var dropping []hostview.SoftnetLoad
	for _, r := range ev.SoftnetRows {
		if r.Counts.Dropped > 0 {
			dropping = append(dropping, r)
		}
	}
	if len(dropping) == 0 {
		if !ev.TwoSample() {
			return Result{Verdict: NotEvaluated, Reason: "single sample: no softnet drops since boot; growth needs two samples"}
		}
		if g := softnetGaps(ev); g != "" {
			return Result{Verdict: NotEvaluated, Reason: "softnet_stat without values over the interval: " + g}
		}
		return Result{Verdict: Pass, Reason: "no softnet drops in the " + ev.WindowLabel}
	}
	slices.SortFunc(dropping, func(a, b hostview.SoftnetLoad) int { return int(b.Counts.Dropped) - int(a.Counts.Dropped) })

	conf := High
	cpus := []int{}
	var maxRate float64
	var total, squeeze, flow, rps uint64
	for _, r := range dropping {
		if r.CPU >= 0 {
			cpus = append(cpus, r.CPU)
		}
		if !r.CPUFromIndex {
			if r.CPU < 0 {
				conf = Low
			} else if conf == High {
				conf = Medium
			}
		}
		maxRate = max(maxRate, ev.Rate(uint64(r.Counts.Dropped)))
		total += uint64(r.Counts.Dropped)
		squeeze += uint64(r.Counts.TimeSqueeze)
		flow += uint64(r.Counts.FlowLimit)
		rps += uint64(r.Counts.ReceivedRPS)
	}
	cpus = host.SortedCPUs(cpus)

	sev, score := Warning, 50
	switch {
	case !ev.TwoSample():
		sev, conf = Notice, lower(conf)
		score = scoreOver(maxRate, BacklogCriticalDropRate) / 2
	case !ev.HasRates():
		score = 50
	case maxRate > BacklogCriticalDropRate:
		sev, score = Critical, scoreOver(maxRate, BacklogCriticalDropRate)
	default:
		score = scoreOver(maxRate, BacklogCriticalDropRate)
	}

	backlog, backlogKnown := sysctlInt(ev, "net.core.netdev_max_backlog")
	if !backlogKnown {
		backlog = DefaultNetdevMaxBacklog
	}
	var figs []Figure
	for i, r := range dropping {
		if i == 16 {
			figs = append(figs, figure("further CPUs with drops", fmt.Sprint(len(dropping)-16), "", ev.WindowLabel))
			break
		}
		val := fmtInt(uint64(r.Counts.Dropped))
		if ev.HasRates() {
			val += " (" + fmtRate(ev.Rate(uint64(r.Counts.Dropped))) + ")"
		}
		figs = append(figs, figure("softnet dropped on "+cpuLabel(r), val,
			"> 0; > "+fmtRate(BacklogCriticalDropRate)+": critical", ev.WindowLabel))
		if r.Counts.TimeSqueeze > 0 {
			figs = append(figs, figure("time_squeeze on "+cpuLabel(r), fmtInt(uint64(r.Counts.TimeSqueeze)), "supporting", ev.WindowLabel))
		}
		if r.Counts.Columns >= 12 && r.Counts.BacklogLen > 0 {
			figs = append(figs, figure("backlog length on "+cpuLabel(r), fmtInt(uint64(r.Counts.BacklogLen)),
				"netdev_max_backlog "+fmtInt(uint64(backlog)), "at the sample"))
		}
	}
	figs = append(figs, figure("net.core.netdev_max_backlog", fmtInt(uint64(backlog)), "", "configuration"))
	// Devices whose rx_dropped grew: where the backlog drops were counted.
	var devs []string
	for _, nl := range ev.NICs {
		if v, ok := ev.NICCounter(nl.Name, hostview.FromSysfs, "rx_dropped"); ok && v > 0 {
			devs = append(devs, nl.Name)
			figs = append(figs, figure(nl.Name+" rx_dropped", fmtInt(v), "", ev.WindowLabel))
		}
	}

	var hints []string
	if flow > 0 && 2*flow >= total {
		hints = append(hints, "flow_limit_count grew about as much as dropped: flow-limit shedding of the largest flows, not a small backlog")
	}
	if conc := host.IntersectCPUs(cpus, concentratedCPUs(ev)); len(conc) > 0 {
		hints = append(hints, fmt.Sprintf("CPU %s also services most queue IRQs of a NIC (irq-concentration): spread the IRQs first", cpuList(conc)))
	}
	if rps > 0 {
		hints = append(hints, "received_rps grew: RPS steers packets into these backlogs")
	} else if ev.TwoSample() {
		hints = append(hints, "no RPS IPIs were received: the backlog was likely fed by netif_rx devices (veth, tun/tap, loopback: containers or VMs)")
	}
	if squeeze > 0 {
		if ev.TwoSample() {
			hints = append(hints, "time_squeeze grew on the same CPUs: the NET_RX softirq ran out of budget too")
		} else {
			hints = append(hints, "time_squeeze is non-zero on the same CPUs: the NET_RX softirq ran out of budget too")
		}
	}

	where := "CPU " + cpuList(cpus)
	if len(cpus) == 0 {
		where = fmt.Sprintf("%d softnet %s of unknown CPU", len(dropping), plural(len(dropping), "row", "rows"))
	}
	var summary string
	if ev.TwoSample() {
		summary = fmt.Sprintf("%s packets dropped at the backlog on %s", fmtInt(total), where)
		if ev.HasRates() {
			summary += fmt.Sprintf(" (up to %s on one CPU)", fmtRate(maxRate))
		}
	} else {
		summary = fmt.Sprintf("%s packets dropped at the backlog since boot on %s", fmtInt(total), where)
		if ev.HasRates() {
			summary += fmt.Sprintf(" (%s on average)", fmtRate(ev.Rate(total)))
		}
	}
	expl := "The per-CPU backlog (input_pkt_queue) was full, so the kernel dropped packets before any protocol saw them; they appear only in softnet_stat and the ingress device's rx_dropped"
	if len(devs) > 0 {
		expl += " (" + strings.Join(devs, ", ") + ")"
	}
	expl += "."
	if !ev.TwoSample() {
		expl += " These are since-boot totals: old bursts count too, so this is history until two samples show growth."
	}
	if len(hints) > 0 {
		h := strings.Join(hints, "; ")
		expl += " " + strings.ToUpper(h[:1]) + h[1:] + "."
	}

	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       score,
		Subject:     SoftnetSubject,
		CPUs:        cpus,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    softnetCommands(ev, backlog, backlogKnown, squeeze > 0),
	}.result()
}

// result wraps one finding in a failing Result.
func (f Finding) result() Result {
	return Result{Verdict: Fail, Findings: []Finding{f}}
}

// softnetCommands doubles the backlog (and the budget with squeeze):
// Change; RPS for single-queue NICs helps only a CPU that cannot keep up:
// Option; tracing the drops reads state: Verify.
func softnetCommands(ev *Evidence, backlog int64, known, squeeze bool) []Command {
	var caveats []string
	if !known {
		caveats = append(caveats, fmt.Sprintf("The current value was not collected; the kernel default %d was assumed: read it with sysctl net.core.netdev_max_backlog.", DefaultNetdevMaxBacklog))
	}
	caveats = append(caveats, "Raise it again only while drops continue: a very large backlog costs memory and adds latency.")
	settings := [][2]string{{"net.core.netdev_max_backlog", strconv.FormatInt(2*backlog, 10)}}
	if squeeze {
		budget, ok := sysctlInt(ev, "net.core.netdev_budget")
		if !ok {
			budget = DefaultNetdevBudget
		}
		settings = append(settings, [2]string{"net.core.netdev_budget", strconv.FormatInt(2*budget, 10)})
		if usecs, ok := sysctlInt(ev, "net.core.netdev_budget_usecs"); ok {
			settings = append(settings, [2]string{"net.core.netdev_budget_usecs", strconv.FormatInt(2*usecs, 10)})
		}
	}
	why := "double the per-CPU backlog limit"
	if squeeze {
		why += " and the NET_RX budget (time_squeeze grew on the same CPUs)"
	}
	cmds := sysctlCommands(settings, why, caveats)
	// RPS for single-queue physical NICs: local CPUs except the IRQ's.
	for _, nl := range ev.NICs {
		if !nl.Physical || len(nl.QueueIRQs) != 1 || nl.RPS || len(nl.Queues) == 0 {
			continue
		}
		il := nl.QueueIRQs[0]
		cpus := nl.LocalCPUs
		if il.Servicing >= 0 {
			cpus = host.MinusCPUs(cpus, []int{il.Servicing})
		}
		if len(cpus) == 0 {
			continue
		}
		cmds = append(cmds, Command{
			Run:       fmt.Sprintf("echo %s > /sys/class/net/%s/queues/rx-0/rps_cpus", host.FormatCPUMask(cpus), shq(nl.Name)),
			Kind:      Option,
			Why:       fmt.Sprintf("if the CPU of its IRQ cannot keep up: %s has one receive queue; spread its protocol work over CPUs %s with RPS", nl.Name, cpuList(cpus)),
			NeedsRoot: true,
			Caveats: []string{
				"RPS uses the backlog of the target CPUs and IPIs; no standard persistent setting exists (a udev rule or boot unit).",
			},
		})
	}
	cmds = append(cmds, Command{
		Run:       "perf record -g -a -e skb:kfree_skb -- sleep 10 && perf report",
		Kind:      Verify,
		Why:       "see where in the kernel packets are freed (dropped); dropwatch -l kas does the same interactively",
		NeedsRoot: true,
		Caveats:   []string{"Tracing every freed packet costs CPU on a busy host; keep the run short."},
	})
	return cmds
}
