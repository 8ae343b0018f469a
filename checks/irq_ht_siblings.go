package checks

import (
	"fmt"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Thresholds of irq-ht-siblings (their reasons are in its Doc).
const (
	// HTSiblingCriticalNetRX: a sibling of a shared core with at least this
	// many NET_RX softirqs/s makes the finding critical (netutils-linux
	// NET_RX yellow); so does softnet drop or squeeze growth there.
	HTSiblingCriticalNetRX = 40000.0
)

// IRQHTSiblings finds queue IRQs on two hyperthreads of one core while
// whole cores of the NIC's node are free.
var IRQHTSiblings = &Check{
	ID:       "irq-ht-siblings",
	Title:    "Queue IRQs on hyperthread siblings of one core while local cores are free",
	Doc:      irqHTSiblingsDoc,
	Severity: Warning,
	Needs: []string{
		host.InputCPUTopology, host.InputNUMANodes, host.InputInterrupts, host.InputIRQAffinity,
		host.InputNICs, host.InputNICSysfs, host.InputSoftirqs, host.InputSoftnet, host.InputIrqbalance,
	},
	Requires: []*Check{IRQConcentration},
	Run:      runIRQHTSiblings,
}

var irqHTSiblingsDoc = fmt.Sprintf(`Finds two or more active queue IRQs serviced by different hyperthreads of one physical core while whole
cores of the NIC's node service none.

## Why it matters

Hyperthreads share one core's execution units and L1/L2 caches. For interrupt handling SMT brings no
benefit (the kernel's scaling document), so two queues on siblings get about one core's capacity
while a whole local core idles. netutils-linux's rss-ladder ignores SMT and produces this layout.

## When it does not apply

- SMT off (no sibling list with two CPUs): not applicable.
- More active queues than local cores: siblings are unavoidable (and no core is free); the advice is
  ethtool -L. With exactly as many queues as cores one queue per core is possible, so it can fire
  (the netutils-linux article: 0, 2, 4, 6 beat 0, 1, 2, 3 on 4 cores / 8 threads).
- Idle queues and spread IRQs do not count. Two queues on the same thread belong to
  irq-concentration: CPUs it reports are skipped here.
- RPS configured on the queues (Seastar's sq_split puts IRQs on CPU0 and its sibling on purpose): notice.
- VMs: guest sibling lists are what the hypervisor advertises: lower confidence.
- A core whose siblings are unknown (sosreport copies only 64 cpuN directories) cannot be judged.

## Thresholds

- Scope: the active queue IRQs (more than %.0f interrupts/s) of all physical NICs on one node
  (unknown node: the whole host); two NICs' queues compete too.
- Fires when a core has two or more distinct threads servicing active queue IRQs and the scope has at
  least one free core (no thread servicing an active queue IRQ).
- warning (netdoctor default: the layout halves those queues' capacity while local cores idle);
  critical when a sibling shows softnet drop or squeeze growth or NET_RX at or above %s/s
  (HTSiblingCriticalNetRX).

## Fix and risks

Keep one queue per shared core and move each extra queue to the first thread of a free core (echo
CPU > /proc/irq/N/smp_affinity_list); check siblings with thread_siblings_list. irqbalance moves them
back unless stopped or told to ban (IRQBALANCE_BANNED_CPULIST, --banirq); managed IRQs refuse the
write ("Input/output error": use ethtool -L). Queues above cores: ethtool -L DEV combined <cores>.
`, hostview.ActiveIRQRate, fmtInt(uint64(HTSiblingCriticalNetRX)))

// htScope is the set of NICs whose queues compete for one node's cores.
type htScope struct {
	node  int // -1: whole host
	nics  []*hostview.NICLoad
	local []int
}

func htScopes(ev *Evidence) []htScope {
	byNode := map[int]*htScope{}
	var order []int
	for _, nl := range ev.NICs {
		if !nl.Physical || len(nl.ActiveIRQs) == 0 {
			continue
		}
		node := -1
		if ev.MultiNode && nl.NodeKnown {
			node = nl.Node
		}
		s, ok := byNode[node]
		if !ok {
			s = &htScope{node: node, local: nl.LocalCPUs}
			if node < 0 {
				s.local = ev.Usable
			}
			byNode[node] = s
			order = append(order, node)
		}
		s.nics = append(s.nics, nl)
	}
	out := make([]htScope, 0, len(order))
	for _, n := range order {
		out = append(out, *byNode[n])
	}
	return out
}

func runIRQHTSiblings(ev *Evidence) Result {
	if len(ev.Online) == 0 {
		return Result{Verdict: NotEvaluated, Reason: "online CPUs unknown"}
	}
	anyKnown := false
	for _, c := range ev.Cores {
		anyKnown = anyKnown || c.Known
	}
	if !anyKnown {
		return Result{Verdict: NotEvaluated, Reason: "CPU siblings unknown: " + ev.InputReason(host.InputCPUTopology, "")}
	}
	if !ev.SMT {
		return Result{Verdict: NotApplicable, Reason: "SMT is off: no core has two online threads"}
	}
	var physical, mapped int
	for _, nl := range ev.NICs {
		if nl.Physical {
			physical++
			if len(nl.QueueIRQs) > 0 {
				mapped++
			}
		}
	}
	switch {
	case physical == 0:
		return ev.noDeviceNIC()
	case mapped == 0:
		return ev.noQueueMap()
	}
	skip := concentratedCPUs(ev)
	var fs []Finding
	unknown := false
	for _, sc := range htScopes(ev) {
		f, unk := htScopeFindings(ev, sc, skip)
		fs = append(fs, f...)
		unknown = unknown || unk
	}
	if len(fs) > 0 {
		return Result{Verdict: Fail, Findings: fs}
	}
	if unknown {
		return Result{Verdict: NotEvaluated, Reason: "the siblings of some CPUs servicing queues are unknown (a partial topology)"}
	}
	if !ev.TwoSample() {
		active, placed := 0, 0
		for _, nl := range ev.NICs {
			if nl.Physical {
				active += len(nl.ActiveIRQs)
				placed += len(nl.ServicingCPUs())
			}
		}
		if active > 0 && placed == 0 {
			return Result{Verdict: NotEvaluated, Reason: "servicing CPUs unknown: no one-CPU effective_affinity_list or smp_affinity_list for the active queue IRQs"}
		}
	}
	if g := queueIRQGaps(ev); g != "" {
		return Result{Verdict: NotEvaluated, Reason: g}
	}
	return Result{Verdict: Pass}
}

// htScopeFindings judges one scope; unknown is true when a servicing CPU's
// core is unknown and nothing fired.
func htScopeFindings(ev *Evidence, sc htScope, skip []int) ([]Finding, bool) {
	// Which threads service which NICs' active queue IRQs.
	serving := map[int][]*hostview.IRQLoad{}
	active := 0
	for _, nl := range sc.nics {
		for _, il := range nl.ActiveIRQs {
			active++
			if il.Servicing >= 0 {
				serving[il.Servicing] = append(serving[il.Servicing], il)
			}
		}
	}
	localCores := map[int]bool{}
	for _, c := range sc.local {
		if core := ev.CoreOf(c); core != nil {
			localCores[core.Index] = true
		}
	}
	// Free cores: local, known, no thread servicing an active queue IRQ.
	var free []int
	for ci := range localCores {
		core := &ev.Cores[ci]
		busy := false
		for _, c := range core.CPUs {
			if len(serving[c]) > 0 {
				busy = true
			}
		}
		if !busy {
			free = append(free, ci)
		}
	}
	slices.Sort(free)
	// Shared cores: two or more distinct threads servicing, skipping the
	// CPUs irq-concentration reports.
	type shared struct {
		core    *hostview.Core
		threads []int
	}
	var doubled []shared
	unknown := false
	seenCore := map[int]bool{}
	for cpu := range serving {
		core := ev.CoreOf(cpu)
		if core == nil {
			continue
		}
		if !core.Known {
			unknown = true
			continue
		}
		if seenCore[core.Index] {
			continue
		}
		seenCore[core.Index] = true
		var threads []int
		for _, c := range core.CPUs {
			if len(serving[c]) > 0 && !slices.Contains(skip, c) {
				threads = append(threads, c)
			}
		}
		if len(threads) >= 2 {
			doubled = append(doubled, shared{core: core, threads: threads})
		}
	}
	if len(doubled) == 0 || len(free) == 0 || active > len(localCores) {
		return nil, unknown && len(doubled) == 0
	}
	slices.SortFunc(doubled, func(a, b shared) int { return a.core.CPUs[0] - b.core.CPUs[0] })

	// The moves: keep the lowest servicing thread of each shared core, move
	// the IRQs of its other threads to free cores' first threads.
	var freeCPUs []int
	for _, ci := range free {
		freeCPUs = append(freeCPUs, ev.Cores[ci].CPUs...)
	}
	targets := ev.CoreThreads(host.IntersectCPUs(freeCPUs, sc.local))
	var moving []*hostview.IRQLoad
	for _, d := range doubled {
		for _, t := range d.threads[1:] {
			moving = append(moving, serving[t]...)
		}
	}
	if len(targets) > len(moving) {
		if c0 := ev.CoreOf(0); c0 != nil {
			targets = slices.DeleteFunc(targets, func(c int) bool { return slices.Contains(c0.CPUs, c) })
		}
	}
	moveTo := map[int]int{}
	for i, il := range moving {
		if len(targets) > 0 {
			moveTo[il.Num] = targets[i%len(targets)]
		}
	}

	var fs []Finding
	for _, nl := range sc.nics {
		var cpus []int
		var mine []shared
		for _, d := range doubled {
			involved := false
			for _, t := range d.threads {
				for _, il := range serving[t] {
					if il.NIC == nl.Name {
						involved = true
					}
				}
			}
			if involved {
				mine = append(mine, d)
				cpus = append(cpus, d.threads...)
			}
		}
		if len(mine) == 0 {
			continue
		}
		cpus = host.SortedCPUs(cpus)
		sev := Warning
		var hot []string
		if ev.TwoSample() {
			for _, c := range cpus {
				row := ev.CPU(c)
				if row == nil {
					continue
				}
				if row.SoftnetKnown && (row.Softnet.Dropped > 0 || row.Softnet.TimeSqueeze > 0) {
					sev = Critical
					hot = append(hot, fmt.Sprintf("CPU %d softnet dropped/squeeze %d/%d", c, row.Softnet.Dropped, row.Softnet.TimeSqueeze))
				}
				if row.NetRXKnown && ev.HasRates() && row.NetRXRate >= HTSiblingCriticalNetRX {
					sev = Critical
					hot = append(hot, fmt.Sprintf("CPU %d NET_RX %s", c, fmtRate(row.NetRXRate)))
				}
			}
		}
		conf := baseConfidence(ev, nl)
		var notes []string
		if nl.RPS {
			sev = Notice
			notes = append(notes, "RPS is configured on its queues: IRQs on a core's two threads with RPS elsewhere may be deliberate (Seastar sq_split)")
		}

		win := placementWindow(ev)
		var figs []Figure
		var myMoves []assignment
		for _, d := range mine {
			var parts []string
			for _, t := range d.threads {
				parts = append(parts, fmt.Sprintf("CPU %d: IRQ %s", t, joinInts(irqNums(serving[t]), ",")))
				for _, il := range serving[t] {
					if to, ok := moveTo[il.Num]; ok && il.NIC == nl.Name {
						myMoves = append(myMoves, assignment{IRQ: il.Num, CPU: to})
					}
				}
			}
			figs = append(figs, figure("queue IRQs on the threads of core "+cpuList(d.core.CPUs),
				strings.Join(parts, "; "), "≤ 1 thread per core while a core is free", win))
		}
		var freeList []int
		for _, ci := range free {
			freeList = append(freeList, ev.Cores[ci].CPUs...)
		}
		figs = append(figs, figure("free local cores (no active queue IRQ)", fmt.Sprintf("%d (CPUs %s)", len(free), cpuList(freeList)), "≥ 1", win))
		figs = append(figs, figure("active queue IRQs vs local cores", fmt.Sprintf("%d vs %d", active, len(localCores)), "queues < cores", win))
		for _, h := range hot {
			figs = append(figs, figure("load on a shared core", h, "drops/squeeze > 0 or NET_RX ≥ "+fmtInt(uint64(HTSiblingCriticalNetRX))+"/s: critical", ev.WindowLabel))
		}
		scope := "the host"
		if sc.node >= 0 {
			scope = fmt.Sprintf("node %d", sc.node)
		}
		coreWord := "one core"
		if len(mine) > 1 {
			coreWord = fmt.Sprintf("%d cores", len(mine))
		}
		summary := fmt.Sprintf("%s: queue IRQs on both hyperthreads of %s (CPUs %s) while %d %s of %s %s free",
			nl.Name, coreWord, cpuList(cpus), len(free), plural(len(free), "core", "cores"), scope, plural(len(free), "is", "are"))
		expl := fmt.Sprintf("Threads %s share physical cores yet each services active queue IRQs, so those queues get about one core's capacity while whole cores of %s (CPUs %s) service none.",
			cpuList(cpus), scope, cpuList(freeList))
		if len(sc.nics) > 1 {
			expl += " Queues of all NICs on " + scope + " were counted together: they compete for the same cores."
		}
		if ev.Now.Virtualization != "" {
			expl += " This is a virtual machine: sibling lists are what the hypervisor advertises."
		}
		if len(notes) > 0 {
			expl += " Note: " + strings.Join(notes, "; ") + "."
		}

		var cmds []Command
		if len(myMoves) > 0 {
			// irqbalance keeps off the CPUs the NIC's queues use after the moves.
			final := make([]int, 0, len(nl.ActiveIRQs))
			for _, il := range nl.ActiveIRQs {
				if to, ok := moveTo[il.Num]; ok {
					final = append(final, to)
				} else if il.Servicing >= 0 {
					final = append(final, il.Servicing)
				}
			}
			ib := irqbalanceCommands(ev, host.SortedCPUs(final), irqNums(nl.ActiveIRQs))
			cmds = append(cmds, ib[:len(ib)-1]...)
			cmds = append(cmds, affinityCommand(myMoves, "move each extra queue IRQ of a shared core to the first thread of a free core"))
			cmds = append(cmds, Command{
				Run:  fmt.Sprintf("cat /sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", myMoves[0].CPU),
				Kind: Verify,
				Why:  "confirm the target is a different physical core",
			})
			cmds = append(cmds, verifyAffinityCommand(myMoves, nl.Name))
			cmds = append(cmds, ib[len(ib)-1])
		}
		score := 50 + 10*len(mine)
		if sev == Critical {
			score += 20
		}
		fs = append(fs, Finding{
			Severity:    sev,
			Confidence:  conf,
			Score:       clampScore(float64(score)),
			Subject:     nl.Name,
			NIC:         nl.Name,
			CPUs:        cpus,
			Summary:     summary,
			Evidence:    figs,
			Explanation: expl,
			Commands:    cmds,
		})
	}
	return fs, false
}
