package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// IrqbalanceMinInterval is the shortest window over which irqbalance's
// moves can be seen: it rebalances every 10 seconds (its man page), so a
// shorter window may fall between two passes.
const IrqbalanceMinInterval = 10.0

// IrqbalanceConflict finds irqbalance working against a manual or tuned
// IRQ placement.
var IrqbalanceConflict = &Check{
	ID:       "irqbalance-conflict",
	Title:    "irqbalance works against the manual IRQ placement",
	Doc:      irqbalanceConflictDoc,
	Severity: Notice,
	Needs:    []string{host.InputIrqbalance, host.InputInterrupts, host.InputIRQAffinity, host.InputNICs, host.InputSoftnet},
	Run:      runIrqbalanceConflict,
}

var irqbalanceConflictDoc = fmt.Sprintf(`Finds irqbalance undoing, or about to undo, the placement of NIC queue interrupts.

## Why it matters

irqbalance rewrites IRQ affinity every 10 seconds. A placement written by hand, by a vendor script
(Intel's set_irq_affinity refuses to run while irqbalance runs for this reason) or by a tuner lasts
until its next pass unless irqbalance is told to leave the IRQs and CPUs alone. The placement checks
then describe a moving target, and a fix that seemed to work stops working.

## When it does not apply

- irqbalance not running (not applicable) or its state unknown (not evaluated).
- irqbalance on a general-purpose host with no manual placement is fine: moves alone are its job,
  and the finding stays a notice.
- Moves need two samples at least %.0f s apart (IrqbalanceMinInterval): a shorter window may fall
  between two of its passes, and the pass verdict says so.

## Thresholds

- Moves: a NIC queue IRQ's smp_affinity_list differs between two samples %.0f s or more apart while
  irqbalance runs.
- Inconsistent bans (one sample is enough): a NIC queue IRQ pinned to one CPU that irqbalance's
  configuration bans (IRQBALANCE_BANNED_CPULIST or _CPUS) without --banirq for that IRQ, which
  irqbalance moves off the banned CPU; or --banirq numbers that no longer exist (IRQ numbers change
  across boots and driver reloads), so the placement they protected is unprotected.
- Severity: a notice. It becomes a warning only when a loss grows on the NIC or the CPUs involved
  (NIC missed/fifo, softnet dropped or time_squeeze), and the finding names that loss.

## Fix and risks

Keep the placement and tell irqbalance: --banirq for the placed IRQs (by their current numbers) and
IRQBALANCE_BANNED_CPULIST for the CPUs reserved to them, then restart irqbalance; or stop and disable
irqbalance and place every IRQ by a boot unit that finds them by name. Disabling it leaves every other
device's interrupts where they land (often CPU 0).
`, IrqbalanceMinInterval, IrqbalanceMinInterval)

func runIrqbalanceConflict(ev *Evidence) Result {
	ib := ev.Now.Irqbalance
	switch {
	case !ib.Known:
		return Result{Verdict: NotEvaluated, Reason: "irqbalance state unknown: " + ev.InputReason(host.InputIrqbalance, "")}
	case !ib.Running:
		return Result{Verdict: NotApplicable, Reason: "irqbalance is not running"}
	case len(ev.Now.Interrupts.IRQs) == 0:
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputInterrupts, "")}
	}
	var reasons []string
	var figs []Figure
	var irqs, cpus []int
	nic := ""
	note := func(nl *hostview.NICLoad) {
		if nic == "" && nl != nil {
			nic = nl.Name
		}
	}
	longEnough := ev.TwoSample() && ev.Seconds >= IrqbalanceMinInterval
	for _, nl := range ev.NICs {
		if !nl.Physical {
			continue
		}
		var moved []string
		for _, il := range nl.QueueIRQs {
			if longEnough {
				if was := ev.Prev.IRQ(il.Num); was != nil && len(was.Affinity) > 0 && len(il.Affinity) > 0 &&
					!slices.Equal(host.SortedCPUs(was.Affinity), host.SortedCPUs(il.Affinity)) {
					moved = append(moved, fmt.Sprintf("%d: %s → %s", il.Num, cpuList(was.Affinity), cpuList(il.Affinity)))
					irqs = append(irqs, il.Num)
					cpus = host.UnionCPUs(cpus, host.UnionCPUs(was.Affinity, il.Affinity))
					note(nl)
				}
			}
			if il.ConfigCPU >= 0 && host.ContainsCPU(ev.Now.Irqbalance.Banned, il.ConfigCPU) && !slices.Contains(ev.Now.Irqbalance.BannedIRQs, il.Num) {
				reasons = append(reasons, fmt.Sprintf("IRQ %d (%s) is pinned to CPU %d, which irqbalance bans, without --banirq=%d: irqbalance moves it off that CPU", il.Num, il.Name, il.ConfigCPU, il.Num))
				figs = append(figs, figure(fmt.Sprintf("IRQ %d pinned to banned CPU", il.Num), fmt.Sprint(il.ConfigCPU), "not banned, or --banirq", "configuration"))
				irqs = append(irqs, il.Num)
				cpus = host.UnionCPUs(cpus, []int{il.ConfigCPU})
				note(nl)
			}
		}
		if len(moved) > 0 {
			reasons = append(reasons, fmt.Sprintf("%d of %s's queue IRQs changed affinity during the %s while irqbalance runs", len(moved), nl.Name, ev.WindowLabel))
			if len(moved) > 8 {
				moved = append(moved[:8], fmt.Sprintf("… and %d more", len(moved)-8))
			}
			figs = append(figs, figure(nl.Name+" queue IRQs moved (smp_affinity_list)", strings.Join(moved, "; "), "none", ev.WindowLabel))
		}
	}
	var stale []int
	for _, n := range ev.Now.Irqbalance.BannedIRQs {
		if ev.Now.IRQ(n) == nil {
			stale = append(stale, n)
		}
	}
	if len(stale) > 0 {
		reasons = append(reasons, fmt.Sprintf("--banirq names IRQ %s, which no longer exist: IRQ numbers changed (a reboot or driver reload) and the placement they protected is unprotected", joinInts(stale, ", ")))
		figs = append(figs, figure("--banirq numbers without an IRQ", joinInts(stale, ", "), "none", "configuration"))
	}
	if len(reasons) == 0 {
		r := "irqbalance runs; no NIC queue IRQ pinned against its bans"
		switch {
		case longEnough:
			r += ", and no NIC queue IRQ moved " + during(ev)
		case ev.TwoSample():
			r += fmt.Sprintf("; the %s is shorter than its %.0f s pass, so moves were not judged", ev.WindowLabel, IrqbalanceMinInterval)
		default:
			r += "; moves need two samples at least 10 s apart"
		}
		return Result{Verdict: Pass, Reason: r}
	}
	irqs = host.SortedCPUs(irqs)
	figs = append(figs, figure("irqbalance", "running ("+ev.Now.Irqbalance.Evidence+")", "", "configuration"))
	f := Finding{
		Severity:    Notice,
		Confidence:  High,
		Score:       clampScore(30 + 10*float64(len(reasons))),
		Subject:     "irqbalance",
		NIC:         nic,
		CPUs:        cpus,
		Summary:     "irqbalance: " + reasons[0],
		Evidence:    figs,
		Explanation: "irqbalance rewrites IRQ affinity every 10 s, so a manual or tuned placement holds only while it is told to leave those IRQs and CPUs alone: " + strings.Join(reasons, "; ") + ".",
	}
	escalate(ev, &f, nic, cpus)
	var cmds []Command
	if len(irqs) > 0 {
		ib := irqbalanceCommands(ev, nil, irqs)
		last := ib[len(ib)-1]
		if len(ev.Now.Irqbalance.Banned) == 0 {
			last = banIRQsCommand(ev, irqs)
		}
		last.Why = fmt.Sprintf("tell irqbalance to leave IRQs %s where they are (--banirq), keeping its current CPU bans, across reboots", joinInts(irqs, ", "))
		cmds = append(cmds, last)
		cmds = append(cmds, Command{
			Run:  fmt.Sprintf("for i in 1 2 3; do grep -H . %s; sleep 10; done", irqAffinityFiles(irqs, 8)),
			Kind: Verify,
			Why:  "watch the IRQs' affinity over three of irqbalance's passes: it should no longer change",
		})
	}
	cmds = append(cmds, Command{
		Run:        "systemctl disable --now irqbalance",
		Kind:       Option,
		Why:        "instead, when every IRQ is placed by hand or by a boot script: stop irqbalance for good",
		NeedsRoot:  true,
		Persistent: true,
		Caveats:    []string{"Every other device's interrupts then stay where they land (often CPU 0); the placement must be re-applied by name after reboots and driver resets."},
	})
	f.Commands = cmds
	return Result{Verdict: Fail, Findings: []Finding{f}}
}

// irqAffinityFiles lists the smp_affinity_list files of the first limit IRQs.
func irqAffinityFiles(irqs []int, limit int) string {
	var out []string
	for i, n := range irqs {
		if i == limit {
			break
		}
		out = append(out, fmt.Sprintf("/proc/irq/%d/smp_affinity_list", n))
	}
	return strings.Join(out, " ")
}

// banIRQsCommand adds --banirq for irqs (and those already banned) to
// irqbalance's configuration and restarts it, when it bans no CPU.
func banIRQsCommand(ev *Evidence, irqs []int) Command {
	var args []string
	for _, n := range host.UnionCPUs(ev.Now.Irqbalance.BannedIRQs, irqs) {
		args = append(args, fmt.Sprintf("--banirq=%d", n))
	}
	conf := irqbalanceConf(ev)
	return Command{
		Run:        fmt.Sprintf(`echo 'IRQBALANCE_ARGS="%s"' >> %s && systemctl restart irqbalance`, strings.Join(args, " "), conf),
		Kind:       Change,
		NeedsRoot:  true,
		Persistent: true,
		Settings:   []Setting{{File: conf, Key: "IRQBALANCE_ARGS", Syntax: SyntaxEnv, Words: args}},
		Apply:      "systemctl restart irqbalance",
		Caveats: []string{
			"Edit an existing IRQBALANCE_ARGS line instead of appending a second one.",
			caveatIRQNumbers,
		},
	}
}
