package checks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// IRQsOnIsolatedCPUs finds NIC queue interrupts or RPS masks on CPUs the
// kernel command line isolated for applications.
var IRQsOnIsolatedCPUs = &Check{
	ID:       "irqs-on-isolated-cpus",
	Title:    "NIC queue interrupts or RPS work on isolated CPUs",
	Doc:      isolatedDoc,
	Severity: Notice,
	Needs: []string{
		host.InputInterrupts, host.InputIRQAffinity, host.InputNICs, host.InputNICSysfs,
		host.InputCPUTopology, host.InputCmdline, host.InputIrqbalance, host.InputSoftnet,
	},
	Run: runIRQsOnIsolatedCPUs,
}

const isolatedDoc = `Finds NIC queue interrupts serviced by, or RPS masks reaching, CPUs isolated with isolcpus= or
nohz_full=.

## Why it matters

Isolated CPUs are set aside for latency-critical threads (packet processing in user space, trading, real
time): the scheduler keeps other tasks off them and irqbalance bans them. A NIC queue's hard IRQ and
NAPI poll on such a CPU preempt the very thread the isolation protects, and an RPS mask that includes
it sends protocol work there too. It usually comes from a manual affinity written before the
isolation, a driver that re-applied its hint after a reset, or a tuned profile that was changed.

## When it does not apply

- Hosts without isolated CPUs (/sys/devices/system/cpu/isolated and nohz_full empty): not applicable.
- Queue IRQs whose CPU is unknown (several CPUs allowed, no counts) are not judged.
- A housekeeping layout done right (tuned's cpu-partitioning profile, irqaffinity=) keeps every queue
  off the isolated CPUs and stays silent.

## Thresholds

- Fire: a queue IRQ of a device-backed NIC whose servicing CPU is isolated (two samples: the CPU
  taking at least 80 % of its interrupts; one sample: a one-CPU effective_affinity_list or
  smp_affinity_list), or which delivered more than 80 interrupts/s to an isolated CPU over the window
  (the activity rate of a queue IRQ), or an rps_cpus mask holding an isolated CPU.
- Severity: a notice. It becomes a warning only when a loss grows on the NIC or on those CPUs (NIC
  missed/fifo, softnet dropped or time_squeeze), and the finding names that loss.

## Fix and risks

Move the queue IRQs to housekeeping CPUs of the NIC's node (echo CPU > /proc/irq/N/smp_affinity_list)
and drop the isolated CPUs from the RPS masks. Persistently: irqbalance bans the isolated CPUs
(IRQBALANCE_BANNED_CPULIST) and leaves the moved IRQs alone (--banirq), or irqaffinity= on the kernel
command line sets the default for every IRQ (a reboot). Managed IRQs refuse manual moves: on kernels
with isolcpus=managed_irq the kernel keeps them off isolated CPUs itself.
`

// isolatedHit is one NIC's queue work on isolated CPUs.
type isolatedHit struct {
	nl   *hostview.NICLoad
	irqs []*hostview.IRQLoad
	cpus []int
	rps  map[int][]int // queue → isolated CPUs in its RPS mask
}

func runIRQsOnIsolatedCPUs(ev *Evidence) Result {
	if len(ev.Isolated) == 0 {
		if !ev.InputOK(host.InputCPUTopology, "") {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputCPUTopology, "")}
		}
		return Result{Verdict: NotApplicable, Reason: "no isolated CPUs (isolcpus=, nohz_full=)"}
	}
	var fs []Finding
	physical := 0
	for _, nl := range ev.NICs {
		if !nl.Physical {
			continue
		}
		physical++
		h := isolatedHits(ev, nl)
		if len(h.irqs) == 0 && len(h.rps) == 0 {
			continue
		}
		fs = append(fs, isolatedFinding(ev, h))
	}
	switch {
	case len(fs) > 0:
		return Result{Verdict: Fail, Findings: fs}
	case physical == 0:
		return ev.noDeviceNIC()
	}
	r := "no NIC queue interrupt or RPS mask reaches isolated CPUs " + cpuList(ev.Isolated)
	if rpsUnknown(ev) {
		r = "no NIC queue interrupt reaches isolated CPUs " + cpuList(ev.Isolated) + "; RPS masks unknown (queues/rx-N/rps_cpus is not collected by sosreport)"
	}
	return Result{Verdict: Pass, Reason: r}
}

func isolatedHits(ev *Evidence, nl *hostview.NICLoad) isolatedHit {
	h := isolatedHit{nl: nl, rps: map[int][]int{}}
	iso := map[int]bool{}
	for _, c := range ev.Isolated {
		iso[c] = true
	}
	minCount := uint64(hostview.ActiveIRQRate * ev.Seconds)
	for _, il := range nl.QueueIRQs {
		var on []int
		if il.Servicing >= 0 && iso[il.Servicing] {
			on = append(on, il.Servicing)
		}
		if ev.TwoSample() && ev.HasRates() {
			for c, n := range il.PerCPU {
				if iso[c] && n > minCount {
					on = append(on, c)
				}
			}
		}
		if len(on) > 0 {
			h.irqs = append(h.irqs, il)
			h.cpus = host.UnionCPUs(h.cpus, on)
		}
	}
	if nl.NIC != nil {
		for q, mask := range nl.NIC.RPS {
			if bad := host.IntersectCPUs(mask, ev.Isolated); len(bad) > 0 {
				h.rps[q] = bad
				h.cpus = host.UnionCPUs(h.cpus, bad)
			}
		}
	}
	return h
}

func isolatedFinding(ev *Evidence, h isolatedHit) Finding {
	nl := h.nl
	var figs []Figure
	var what []string
	if len(h.irqs) > 0 {
		figs = append(figs, figure(nl.Name+" queue IRQs on isolated CPUs", listIRQs(h.irqs, 8), "none", placementWindow(ev)))
		what = append(what, fmt.Sprintf("%d queue %s", len(h.irqs), plural(len(h.irqs), "IRQ", "IRQs")))
	}
	if len(h.rps) > 0 {
		var qs []string
		for _, q := range slices.Sorted(maps.Keys(h.rps)) {
			if bad, ok := h.rps[q]; ok {
				qs = append(qs, fmt.Sprintf("rx-%d: %s", q, cpuList(bad)))
			}
		}
		figs = append(figs, figure(nl.Name+" RPS masks holding isolated CPUs", strings.Join(qs, "; "), "none", "configuration"))
		what = append(what, "RPS masks")
	}
	figs = append(figs, figure("isolated CPUs", cpuList(ev.Isolated), "", "configuration"))
	expl := fmt.Sprintf("%s of %s run on CPUs %s, which are isolated for latency-critical threads: every interrupt and NET_RX softirq there preempts the thread the isolation protects.",
		strings.Join(what, " and "), nl.Name, cpuList(h.cpus))
	if l := housekeepingLayout(ev); l != "" {
		expl += " The command line sets " + l + "."
	}
	f := Finding{
		Severity:    Notice,
		Confidence:  baseConfidence(ev, nl),
		Score:       clampScore(40 + 10*float64(len(h.cpus))),
		Subject:     nl.Name,
		NIC:         nl.Name,
		CPUs:        h.cpus,
		Summary:     fmt.Sprintf("%s: %s on isolated CPUs %s", nl.Name, strings.Join(what, " and "), cpuList(h.cpus)),
		Evidence:    figs,
		Explanation: expl,
	}
	escalate(ev, &f, nl.Name, h.cpus)

	var cmds []Command
	if len(h.irqs) > 0 {
		plan := ev.ChooseIRQCPUs(nl, len(h.irqs), ev.Isolated)
		var moves []assignment
		for i, il := range h.irqs {
			if i < len(plan.CPUs) && !host.ContainsCPU(ev.Isolated, plan.CPUs[i]) {
				moves = append(moves, assignment{IRQ: il.Num, CPU: plan.CPUs[i]})
			}
		}
		if len(moves) > 0 {
			ib := irqbalanceCommands(ev, ev.Isolated, irqNums(h.irqs))
			cmds = append(cmds, ib[:len(ib)-1]...)
			cmds = append(cmds, affinityCommand(moves, fmt.Sprintf("move %s's queue IRQs off the isolated CPUs to housekeeping CPUs of its node", nl.Name)))
			cmds = append(cmds, verifyAffinityCommand(moves, nl.Name))
			cmds = append(cmds, ib[len(ib)-1])
		}
	}
	for _, q := range slices.Sorted(maps.Keys(h.rps)) {
		mask := nl.NIC.RPS[q]
		keep := host.MinusCPUs(mask, ev.Isolated)
		cmds = append(cmds, Command{
			Run:       fmt.Sprintf("echo %s > /sys/class/net/%s/queues/rx-%d/rps_cpus", host.FormatCPUMask(keep), shq(nl.Name), q),
			Kind:      Change,
			Why:       fmt.Sprintf("drop the isolated CPUs from rx-%d's RPS mask (0 turns RPS off for the queue)", q),
			NeedsRoot: true,
			Caveats:   []string{"Whatever set the mask at boot (a udev rule, a tuned [sysfs] line, a script) must be changed too."},
		})
	}
	if hk := host.MinusCPUs(ev.Online, ev.Isolated); len(hk) > 0 {
		cmds = append(cmds, Command{
			Run:        fmt.Sprintf(`grubby --update-kernel=ALL --args="irqaffinity=%s"`, cpuList(hk)),
			Kind:       Option,
			Why:        "make the housekeeping CPUs the default for every interrupt from boot on (RHEL family; elsewhere add irqaffinity= to GRUB_CMDLINE_LINUX)",
			NeedsRoot:  true,
			Persistent: true,
			Caveats:    []string{"Takes effect at the next reboot; drivers that set their own affinity hint may still need the irqbalance ban."},
		})
	}
	f.Commands = cmds
	return f
}
