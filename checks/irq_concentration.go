package checks

import (
	"fmt"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Thresholds of irq-concentration.
const (
	// ConcentrationCriticalRate: the shared CPU taking at least this many
	// NIC interrupts/s, with every active queue on it, is critical
	// (netutils-linux network-top red).
	ConcentrationCriticalRate = 80000.0
	// ConcentrationConfidentRate: below this rate on the shared CPU the
	// finding has medium confidence (netutils-linux yellow).
	ConcentrationConfidentRate = 40000.0
)

// IRQConcentration finds the queue IRQs of one multi-queue NIC serviced by
// one CPU.
var IRQConcentration = &Check{
	ID:       irqConcentrationID,
	Title:    "Queue IRQs of a multi-queue NIC serviced by one CPU",
	Doc:      irqConcentrationDoc,
	Severity: Warning,
	Needs: []string{
		host.InputInterrupts, host.InputIRQAffinity, host.InputNICs, host.InputNICSysfs,
		host.InputCPUTopology, host.InputNUMANodes, host.InputSoftnet, host.InputSoftirqs,
		host.InputStat, host.InputCmdline, host.InputIrqbalance,
	},
	Run:  runIRQConcentration,
	Fact: func(ev *Evidence) any { return findConcentrations(ev) },
}

// irqConcentrationID names the check whose fact others read.
const irqConcentrationID = "irq-concentration"

var irqConcentrationDoc = fmt.Sprintf(`Finds the active queue IRQs of one multi-queue NIC serviced by one CPU, classically CPU0.

## Why it matters

A queue's hard IRQ, its NAPI poll and (without RPS) the protocol work all run on the CPU that services
the IRQ. When every queue lands on one CPU the host receives through that CPU however many queues the
NIC has: its softirq time saturates first, the ring is refilled late and the NIC drops frames. Spreading
the queues (the netutils-linux article's first example) took a host from 200 drops/s to none.

## When it does not apply

- Hosts with one online CPU (not-applicable) and hosts without a multi-queue physical NIC.
- A NIC with fewer than two active queue IRQs: a single-queue NIC always shows one CPU, and one hot
  queue is hash imbalance, not concentration.
- Idle queues (beyond the hardware's RSS limit) do not count; IRQs spread by lowest-priority delivery
  have no dominant CPU and never count as "on CPU0".
- No other NIC-local CPU is free: nothing to spread to.
- Deliberate layouts give a notice only: RPS configured on the queues (Seastar's sq mode) or a
  housekeeping layout (irqaffinity=, isolcpus=, nohz_full=).
- Without an IRQ to NIC map the check is not evaluated.

## Thresholds

- Active queue IRQ: more than %.0f interrupts/s over the window (ActiveIRQRate); one sample: the
  since-boot average; no boot time: at least %s of the NIC's busiest queue, or at least %s
  interrupts (a queue at 80/s takes that in about 3.5 hours: it carried real traffic).
- Dominant CPU: at least %s of an IRQ's interrupts in the window (DominantShare).
- Concentrated: k ≥ 2 active queue IRQs share one CPU C and k is at least half of the active queues,
  while another NIC-local CPU services none of them.
- critical: k is every active queue and C takes at least %s NIC interrupts/s
  (ConcentrationCriticalRate), or C's softnet dropped/time_squeeze grew, or the NIC's missed/fifo
  counters grew. Otherwise warning; below %s/s on C (ConcentrationConfidentRate) with medium confidence.
- One sample: the affinity files decide (effective_affinity_list, else a one-CPU smp_affinity_list):
  warning. With only since-boot counts: warning with low confidence when every active queue IRQ has
  at least %s of its interrupts on one CPU (CountsShareHistory), else notice.

## Fix and risks

Move each active queue IRQ to its own physical core on the NIC's node (one core per queue, lowest
thread, core 0 left free when cores outnumber queues) with echo CPU > /proc/irq/N/smp_affinity_list.
irqbalance moves IRQs back within seconds unless it is stopped or told to ban those CPUs and IRQs
(IRQBALANCE_BANNED_CPULIST, --banirq). Managed IRQs refuse the write with "Input/output error": change
the queue count with ethtool -L instead. IRQ numbers change across reboots and driver resets, so a
persistent setup must find IRQs by name; re-apply after ethtool -L/-G. On a general-purpose host where
irqbalance is not running, starting it is the simplest fix.
`, hostview.ActiveIRQRate, fmtPct(hostview.ActiveShareOfBusiest), fmtInt(hostview.ActiveCountNoTimeBase), fmtPct(hostview.DominantShare),
	fmtInt(uint64(ConcentrationCriticalRate)), fmtInt(uint64(ConcentrationConfidentRate)),
	fmtPct(CountsShareHistory))

// intelDrivers and mellanoxDrivers have vendor affinity scripts.
var (
	intelDrivers    = map[string]bool{"igb": true, "ixgbe": true, "i40e": true, "ice": true, "e1000e": true, "igc": true, "ixgbevf": true, "iavf": true}
	mellanoxDrivers = map[string]bool{"mlx4_en": true, "mlx4_core": true, "mlx5_core": true}
)

// baseConfidence is high, lowered for a names-only IRQ map and for VMs.
func baseConfidence(ev *Evidence, nl *hostview.NICLoad) Confidence {
	c := High
	if nl != nil && nl.NamesOnly() {
		c = lower(c)
	}
	if ev.Now.Virtualization != "" {
		c = lower(c)
	}
	return c
}

// housekeepingLayout names a deliberate CPU partitioning, or "".
func housekeepingLayout(ev *Evidence) string {
	var parts []string
	for _, f := range strings.Fields(ev.Now.CmdLine) {
		for _, k := range []string{"irqaffinity=", "isolcpus=", "nohz_full="} {
			if strings.HasPrefix(f, k) {
				parts = append(parts, f)
			}
		}
	}
	if len(parts) == 0 && len(ev.Isolated) > 0 {
		parts = append(parts, "isolated CPUs "+cpuList(ev.Isolated))
	}
	return strings.Join(parts, " ")
}

func runIRQConcentration(ev *Evidence) Result {
	if len(ev.Online) == 1 {
		return Result{Verdict: NotApplicable, Reason: "one online CPU: nothing to spread IRQs to"}
	}
	if len(ev.Now.Interrupts.IRQs) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputInterrupts, "")}
	}
	if len(ev.Online) == 0 {
		return Result{Verdict: NotEvaluated, Reason: "online CPUs unknown"}
	}
	var physical, mapped, multi, active int
	for _, nl := range ev.NICs {
		if !nl.Physical {
			continue
		}
		physical++
		if len(nl.QueueIRQs) > 0 {
			mapped++
		}
		if nl.RXQueues >= 2 {
			multi++
			if len(nl.ActiveIRQs) >= 2 {
				active++
			}
		}
	}
	switch {
	case physical == 0:
		return ev.noDeviceNIC()
	case mapped == 0:
		return ev.noQueueMap()
	case multi == 0:
		return Result{Verdict: NotApplicable, Reason: "no multi-queue NIC (single-queue NICs always use one CPU; few-queue-saturation judges them and suggests RPS)"}
	case active == 0:
		if g := queueIRQGaps(ev); g != "" {
			return Result{Verdict: NotEvaluated, Reason: g}
		}
		return Result{Verdict: Pass, Reason: "no multi-queue NIC has two or more active queue IRQs " + during(ev)}
	}
	var fs []Finding
	crowded := 0
	conc := concentrations(ev)
	for i := range conc {
		c := &conc[i]
		if !c.SpreadPossible {
			crowded++
			continue
		}
		fs = append(fs, concentrationFinding(ev, c))
	}
	if len(fs) == 0 {
		if g := queueIRQGaps(ev); g != "" {
			return Result{Verdict: NotEvaluated, Reason: g}
		}
		if crowded > 0 {
			return Result{Verdict: Pass, Reason: "queues share CPUs only where no other NIC-local CPU is free"}
		}
		return Result{Verdict: Pass}
	}
	return Result{Verdict: Fail, Findings: fs}
}

func concentrationFinding(ev *Evidence, c *Concentration) Finding {
	nl := c.NIC
	k, n := len(c.IRQs), c.Active
	cpu := ev.CPU(c.CPU)
	conf := baseConfidence(ev, nl)
	sev := Warning
	score := 0
	var why []string

	hwGrew := ev.TwoSample() && nl.Loss.Max > 0
	rate := 0.0
	drops, squeeze := uint32(0), uint32(0)
	if cpu != nil {
		rate = cpu.NICIRQRate
		if ev.TwoSample() && cpu.SoftnetKnown {
			drops, squeeze = cpu.Softnet.Dropped, cpu.Softnet.TimeSqueeze
		}
	}
	switch {
	case ev.TwoSample():
		if (k == n && rate >= ConcentrationCriticalRate) || drops > 0 || squeeze > 0 || hwGrew {
			sev = Critical
		}
		if ev.HasRates() && rate < ConcentrationConfidentRate {
			conf = lower(conf)
		}
		score = clampScore(40*float64(k)/float64(n) + 60*min(1, rate/ConcentrationCriticalRate))
	case c.FromCounts:
		conf = Low
		if !c.Over95 {
			sev = Notice
		}
		score = clampScore(20 + 30*float64(k)/float64(n))
		why = append(why, "placement comes from since-boot counts only (no one-CPU affinity file): it may have changed since boot; confirm with effective_affinity_list")
	default:
		src := hostview.FromEffective
		for _, il := range c.IRQs {
			if il.ServicingFrom == hostview.FromAffinity {
				src = hostview.FromAffinity
			}
		}
		if src == hostview.FromAffinity {
			conf = lower(conf)
		}
		score = clampScore(30 + 40*float64(k)/float64(n))
	}
	if nl.RPS {
		sev = Notice
		why = append(why, "RPS is configured on the queues: IRQs on one CPU with RPS elsewhere may be a deliberate layout (Seastar sq mode)")
	}
	if nl.NIC != nil && nl.NIC.VirtualHW {
		why = append(why, "this is a virtual machine's NIC ("+nl.NIC.Driver+"): the CPUs are vCPUs and the hypervisor's own placement of the device's queues also counts, but one vCPU serving every queue limits the guest the same way")
	}
	if l := housekeepingLayout(ev); l != "" {
		sev = Notice
		why = append(why, "the host has a housekeeping layout ("+l+"): concentration on a housekeeping CPU may be deliberate")
	}

	win := placementWindow(ev)
	if c.FromCounts {
		win = ev.WindowLabel
	}
	figs := []Figure{
		figure(fmt.Sprintf("active queue IRQs of %s serviced by CPU %d", nl.Name, c.CPU),
			fmt.Sprintf("%d of %d", k, n), "≥ 2 and ≥ half of the active queues", win),
	}
	for i, il := range c.IRQs {
		if i == 16 {
			figs = append(figs, figure("further IRQs on CPU "+fmt.Sprint(c.CPU), fmt.Sprint(k-16), "", win))
			break
		}
		val := ""
		switch {
		case ev.TwoSample() || c.FromCounts:
			share := 0.0
			if il.Total > 0 {
				share = float64(il.PerCPU[c.CPU]) / float64(il.Total)
			}
			val = fmtPct(share)
			if ev.HasRates() {
				val += " of " + fmtRate(il.Rate)
			}
		default:
			val = string(il.ServicingFrom) + " = " + fmt.Sprint(c.CPU)
		}
		thr := "dominant ≥ " + fmtPct(hostview.DominantShare)
		if c.FromCounts {
			thr = "≥ " + fmtPct(CountsShareHistory) + " for a warning"
		} else if !ev.TwoSample() {
			thr = "one CPU"
		}
		figs = append(figs, figure(fmt.Sprintf("IRQ %d (%s) on CPU %d", il.Num, il.Name, c.CPU), val, thr, win))
	}
	if cpu != nil && ev.HasRates() {
		figs = append(figs, figure(fmt.Sprintf("NIC interrupts/s on CPU %d", c.CPU), fmtRate(cpu.NICIRQRate),
			"≥ "+fmtInt(uint64(ConcentrationCriticalRate))+"/s with every queue: critical", ev.WindowLabel))
		if cpu.NetRXKnown {
			figs = append(figs, figure(fmt.Sprintf("NET_RX softirqs/s on CPU %d", c.CPU), fmtRate(cpu.NetRXRate), "", ev.WindowLabel))
		}
	}
	if cpu != nil && cpu.IRQTimeKnown {
		figs = append(figs, figure(fmt.Sprintf("irq + softirq time on CPU %d", c.CPU), fmtPct(cpu.IRQTime), "", ev.WindowLabel))
	}
	if drops > 0 || squeeze > 0 {
		figs = append(figs, figure(fmt.Sprintf("softnet dropped / time_squeeze on CPU %d", c.CPU),
			fmtInt(uint64(drops))+" / "+fmtInt(uint64(squeeze)), "> 0: critical", ev.WindowLabel))
	}
	if hwGrew {
		figs = append(figs, figure(nl.Name+" "+nl.Loss.MaxName, fmtInt(nl.Loss.Max), "> 0: critical", ev.WindowLabel))
	}

	summary := fmt.Sprintf("%s: %d of %d active queue IRQs serviced by CPU %d", nl.Name, k, n, c.CPU)
	if ev.HasRates() && ev.TwoSample() && cpu != nil {
		summary += fmt.Sprintf(" (%s NIC interrupts/s)", fmtInt(uint64(cpu.NICIRQRate+0.5)))
	}
	expl := fmt.Sprintf("CPU %d runs the hard IRQ and NAPI poll of %d of %s's %d active queues (IRQs %s), so the NIC receives through one CPU however many queues it has, while other NIC-local CPUs (%s) service none of them.",
		c.CPU, k, nl.Name, n, listIRQs(c.IRQs, 8), cpuList(nl.LocalCPUs))
	if len(why) > 0 {
		expl += " Note: " + strings.Join(why, "; ") + "."
	}

	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       score,
		Subject:     nl.Name,
		NIC:         nl.Name,
		CPUs:        []int{c.CPU},
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    spreadCommands(ev, nl, nl.ActiveIRQs),
	}
}

// spreadCommands places irqs of nl on one core each by the §3 rule. The
// Change commands are the fix (stop irqbalance, move the IRQs, ban them in
// irqbalance's configuration); reading back is a Verify; a queue-count
// change (it resets the affinity just set), starting irqbalance instead
// and the vendor scripts are alternatives: Option.
func spreadCommands(ev *Evidence, nl *hostview.NICLoad, irqs []*hostview.IRQLoad) []Command {
	plan := ev.ChooseIRQCPUs(nl, len(irqs), nil)
	if len(plan.CPUs) == 0 {
		return nil
	}
	moves := make([]assignment, len(irqs))
	for i, il := range irqs {
		moves[i] = assignment{IRQ: il.Num, CPU: plan.CPUs[i]}
	}
	chosen := host.SortedCPUs(plan.CPUs)
	ib := irqbalanceCommands(ev, chosen, irqNums(irqs))
	var cmds []Command
	cmds = append(cmds, ib[:len(ib)-1]...) // runtime: stop irqbalance first
	cmds = append(cmds, affinityCommand(moves, fmt.Sprintf(
		"give each active queue IRQ of %s its own physical core on the NIC's CPUs (%s)", nl.Name, cpuList(chosen))))
	cmds = append(cmds, verifyAffinityCommand(moves, nl.Name))
	if plan.RoundRobin {
		cmds = append(cmds, reduceChannelsCommands(nl.NIC, nl.Name, plan.Cores, fmt.Sprintf(
			"%s has %d active queues but only %d NIC-local cores: some cores take several queues; match the queue count to the cores",
			nl.Name, len(irqs), plan.Cores), Option)...)
	}
	if ib := ev.Now.Irqbalance; ib.Known && !ib.Running {
		cmds = append(cmds, Command{
			Run:        "systemctl enable --now irqbalance",
			Kind:       Option,
			Why:        "instead of the manual placement, on a general-purpose host: irqbalance spreads NIC IRQs over cores of the device's node by itself",
			NeedsRoot:  true,
			Persistent: true,
			Caveats:    []string{"It conflicts with manual or tuned placement; not advised in VM guests without pinned vCPUs."},
		})
	}
	switch {
	case intelDrivers[nl.NIC.Driver]:
		cmds = append(cmds, Command{
			Run:       "set_irq_affinity local " + shq(nl.Name),
			Kind:      Option,
			Why:       "instead of the manual placement: Intel's script from the driver sources places the queues on the NIC's node",
			NeedsRoot: true,
			Caveats:   []string{"The script exits when irqbalance runs; it uses consecutive CPUs, not one per core."},
		})
	case mellanoxDrivers[nl.NIC.Driver] && nl.Node >= 0:
		cmds = append(cmds, Command{
			Run:       fmt.Sprintf("set_irq_affinity_bynode.sh %d %s", nl.Node, shq(nl.Name)),
			Kind:      Option,
			Why:       "instead of the manual placement: Mellanox's script (mlnx-tools) places the queues on the NIC's node",
			NeedsRoot: true,
		})
	}
	cmds = append(cmds, ib[len(ib)-1])
	return cmds
}

// Concentration is one NIC whose active queue IRQs share one CPU: the fact
// of irq-concentration, computed once by the engine for the checks that
// Require it.
type Concentration struct {
	// NIC is the interface whose queues share one CPU.
	NIC *hostview.NICLoad
	// CPU is the shared CPU; IRQs the active queue IRQs placed on it.
	CPU  int
	IRQs []*hostview.IRQLoad
	// Active is the number of active queue IRQs of the NIC.
	Active int
	// FromCounts is true when some placement came from since-boot counts
	// (one sample, no one-CPU affinity file); Over95 is true when every
	// active queue IRQ of the NIC has ≥ 95 % of its counts on one CPU.
	FromCounts bool
	Over95     bool
	// Config is true for a one-sample placement read from affinity files.
	Config bool
	// SpreadPossible is true when another NIC-local CPU services none of
	// the NIC's active queues.
	SpreadPossible bool
}

// CountsShareHistory is the share of since-boot interrupts on one CPU that
// makes a one-sample, counts-only concentration a warning: interrupts
// that landed almost all on one CPU since boot were placed there.
const CountsShareHistory = 0.95

// placement is where an IRQ runs for the concentration rule: the servicing
// CPU, or with one sample and no one-CPU affinity file its since-boot
// dominant CPU (fromCounts).
func placement(ev *Evidence, il *hostview.IRQLoad) (cpu int, fromCounts bool) {
	if il.Servicing >= 0 {
		return il.Servicing, false
	}
	if !ev.TwoSample() && il.Dominant >= 0 {
		return il.Dominant, true
	}
	return -1, false
}

// findConcentrations applies the irq-concentration rule to every physical
// NIC: k ≥ 2 active queue IRQs, k ≥ half the active queues, share one CPU.
// SpreadPossible is left for the check to require. It is the check's Fact.
func findConcentrations(ev *Evidence) []Concentration {
	if len(ev.Online) < 2 {
		return nil
	}
	var out []Concentration
	for _, nl := range ev.NICs {
		if !nl.Physical || nl.RXQueues < 2 || len(nl.ActiveIRQs) < 2 {
			continue
		}
		byCPU := map[int][]*hostview.IRQLoad{}
		counts := map[int]bool{}
		used := map[int]bool{}
		over95 := true
		for _, il := range nl.ActiveIRQs {
			if il.DominantShare < CountsShareHistory {
				over95 = false
			}
			cpu, fc := placement(ev, il)
			if cpu < 0 {
				continue
			}
			byCPU[cpu] = append(byCPU[cpu], il)
			used[cpu] = true
			if fc {
				counts[cpu] = true
			}
		}
		n := len(nl.ActiveIRQs)
		cpus := make([]int, 0, len(byCPU))
		for c := range byCPU {
			cpus = append(cpus, c)
		}
		slices.Sort(cpus)
		for _, c := range cpus {
			irqs := byCPU[c]
			k := len(irqs)
			if k < 2 || 2*k < n {
				continue
			}
			spread := false
			for _, l := range nl.LocalCPUs {
				if !used[l] {
					spread = true
					break
				}
			}
			out = append(out, Concentration{
				NIC: nl, CPU: c, IRQs: irqs, Active: n,
				FromCounts: counts[c], Over95: over95,
				Config:         !ev.TwoSample() && !counts[c],
				SpreadPossible: spread,
			})
		}
	}
	return out
}

// concentrations returns the fact of irq-concentration; the check reading
// it lists IRQConcentration in its Requires.
func concentrations(ev *Evidence) []Concentration {
	cs, _ := ev.resultOf(irqConcentrationID).([]Concentration)
	return cs
}

// concentratedCPUs are the CPUs irq-concentration reports (where spreading
// is possible), for the overlap rule of irq-ht-siblings and cause hints.
func concentratedCPUs(ev *Evidence) []int {
	var out []int
	for _, c := range concentrations(ev) {
		if c.SpreadPossible {
			out = append(out, c.CPU)
		}
	}
	return host.SortedCPUs(out)
}
