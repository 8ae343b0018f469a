package checks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// BudgetSubject is the subject of softirq-budget-squeeze findings.
const BudgetSubject = "netdev_budget"

// SoftirqBudgetSqueeze finds the NET_RX softirq running out of budget
// while the NIC it polls overflows.
var SoftirqBudgetSqueeze = &Check{
	ID:       "softirq-budget-squeeze",
	Title:    "NET_RX softirq out of budget (time_squeeze) while the NIC overflows",
	Doc:      softirqBudgetSqueezeDoc,
	Severity: Warning,
	Needs:    []string{host.InputSoftnet, host.InputSysctl, host.InputInterrupts, host.InputNICSysfs, host.InputEthtoolStats},
	Growth:   true,
	Run:      runSoftirqBudgetSqueeze,
}

var softirqBudgetSqueezeDoc = fmt.Sprintf(`Finds softnet_stat's time_squeeze (column 3) growing: the NET_RX softirq stopped polling with packets
still waiting because it used up net.core.netdev_budget packets or netdev_budget_usecs.

## Why it matters

While the softirq is stopped, the NIC keeps filling its ring; when the ring is full the adapter drops
(rx_missed_errors, rx_fifo_errors and the drivers' own names). A squeeze on the CPU that services a
NIC whose hardware counters grew is the budget limiting the receive path; a squeeze alone is
pressure without loss.

## When it does not apply

- From one sample: the since-boot squeeze count is history, not evaluated.
- CPUs whose backlog dropped packets are left to softnet-backlog-drops, which doubles the budget too.
- Squeeze alone is a notice: running out of budget is not a drop (monitoring projects made their
  squeeze alarms silent for that reason).

## Thresholds

- time_squeeze growth on a CPU that services a NIC queue, with the NIC's hardware or ring overflow
  counters growing in the same window: warning (the tuning guides of the major distributions pair
  the two signals before raising the budget).
- time_squeeze growth without such loss: notice.
- A budget already at least twice the kernel default (%d) that still squeezes: the CPU is saturated;
  the finding says so and points to spreading the interrupts instead.

## Fix and risks

Double net.core.netdev_budget and netdev_budget_usecs, starting from their current values: the
usecs default is two jiffies (2000 at HZ=1000, 8000 at HZ=250), so the current value, not a fixed
number, is doubled. A larger budget lets one softirq run hold the CPU longer: latency for other work
on that CPU rises. Persist with sysctl.d.
`, DefaultNetdevBudget)

func runSoftirqBudgetSqueeze(ev *Evidence) Result {
	if len(ev.Now.Softnet) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSoftnet, "")}
	}
	if !ev.TwoSample() {
		return Result{Verdict: NotEvaluated, Reason: "single sample: time_squeeze growth needs two samples"}
	}
	if len(ev.SoftnetRows) == 0 {
		if g := softnetGaps(ev); g != "" {
			return Result{Verdict: NotEvaluated, Reason: "softnet_stat without values over the interval: " + g}
		}
		return Result{Verdict: NotEvaluated, Reason: "softnet_stat rows could not be matched between the two samples"}
	}
	// The NICs each CPU services, and which of them lost frames.
	serves := map[int][]string{}
	for _, nl := range ev.NICs {
		for _, il := range nl.QueueIRQs {
			if il.RX && il.Servicing >= 0 && !slices.Contains(serves[il.Servicing], nl.Name) {
				serves[il.Servicing] = append(serves[il.Servicing], nl.Name)
			}
		}
	}
	losing := map[string][]hostview.LossEntry{}
	for _, nl := range ev.NICs {
		for _, e := range ev.Ledger.LossesOnNIC(nl.Name) {
			if e.Layer == hostview.LayerNIC {
				losing[nl.Name] = append(losing[nl.Name], e)
			}
		}
	}
	var cpus, lossCPUs []int
	var squeeze uint64
	nics := map[string]bool{}
	var figs []Figure
	for _, r := range ev.SoftnetRows {
		if r.Counts.TimeSqueeze == 0 || r.Counts.Dropped > 0 || r.CPU < 0 {
			continue
		}
		cpus = append(cpus, r.CPU)
		squeeze += uint64(r.Counts.TimeSqueeze)
		var lost []string
		for _, n := range serves[r.CPU] {
			if len(losing[n]) > 0 {
				lost = append(lost, n)
				nics[n] = true
			}
		}
		if len(lost) > 0 {
			lossCPUs = append(lossCPUs, r.CPU)
		}
		if len(figs) < 16 {
			th := "supporting"
			if len(lost) > 0 {
				th = "> 0 while " + strings.Join(lost, ", ") + " overflowed"
			}
			figs = append(figs, figure("time_squeeze on CPU "+strconv.Itoa(r.CPU), withRate(ev, uint64(r.Counts.TimeSqueeze)), th, ev.WindowLabel))
		}
	}
	if len(cpus) == 0 {
		return Result{Verdict: Pass, Reason: "no time_squeeze growth " + during(ev) + " outside CPUs whose backlog dropped"}
	}
	var names []string
	for n := range nics {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		for _, e := range losing[n] {
			figs = append(figs, figure(n+" "+e.Counter, withRate(ev, e.Value), "> 0", ev.WindowLabel))
		}
	}
	budget, budgetOK := sysctlInt(ev, "net.core.netdev_budget")
	if !budgetOK {
		budget = DefaultNetdevBudget
	}
	usecs, usecsOK := sysctlInt(ev, "net.core.netdev_budget_usecs")
	figs = append(figs, figure("net.core.netdev_budget", strconv.FormatInt(budget, 10), "kernel default "+strconv.Itoa(DefaultNetdevBudget), "configuration"))
	if usecsOK {
		figs = append(figs, figure("net.core.netdev_budget_usecs", strconv.FormatInt(usecs, 10), "", "configuration"))
	}
	sev, score := Notice, scoreOver(ev.Rate(squeeze), 100)/2
	summary := fmt.Sprintf("NET_RX ran out of budget %s times on CPU %s %s", fmtInt(squeeze), cpuList(cpus), during(ev))
	expl := "The NET_RX softirq stopped polling with packets still waiting (time_squeeze), because it used up net.core.netdev_budget or netdev_budget_usecs."
	if len(lossCPUs) > 0 {
		sev, score = Warning, max(50, scoreOver(ev.Rate(squeeze), 100))
		summary += " while " + strings.Join(names, ", ") + " dropped frames at the ring"
		expl += " On CPU " + cpuList(lossCPUs) + " this happened while the NIC it polls overflowed: the budget limits the receive path."
	} else {
		expl += " No NIC it polls lost frames in the window: this is pressure, not loss."
	}
	saturated := budget >= 2*DefaultNetdevBudget
	if saturated {
		expl += " The budget is already at least twice the kernel default: the CPU itself is saturated; spread the queue interrupts over more CPUs (irq-concentration) or add queues rather than raising it again."
	}
	var cmds []Command
	if !saturated {
		settings := [][2]string{{"net.core.netdev_budget", strconv.FormatInt(2*budget, 10)}}
		if usecsOK && usecs > 0 {
			settings = append(settings, [2]string{"net.core.netdev_budget_usecs", strconv.FormatInt(2*usecs, 10)})
		}
		var caveats []string
		if !budgetOK {
			caveats = append(caveats, fmt.Sprintf("The current budget was not collected; the kernel default %d was assumed.", DefaultNetdevBudget))
		}
		caveats = append(caveats, "A larger budget lets one softirq run hold the CPU longer: latency of other work on these CPUs rises.")
		cmds = sysctlCommands(settings, "double the NET_RX budget from its current value", caveats)
	}
	cmds = append(cmds, Command{Run: "watch -d -n1 cat /proc/net/softnet_stat", Kind: Verify,
		Why: "the third column (time_squeeze) must stop growing on these CPUs"})
	return Finding{
		Severity:    sev,
		Confidence:  High,
		Score:       score,
		Subject:     BudgetSubject,
		CPUs:        host.SortedCPUs(cpus),
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}.result()
}
