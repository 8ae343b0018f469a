package checks

import (
	"cmp"
	"fmt"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"slices"
	"strconv"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Thresholds of nic-numa-remote (their reasons are in its Doc).
const (
	// NUMARemoteWarnShare: a warning when at least this share of the NIC's
	// queue interrupts is serviced on other nodes, else a notice
	// (netdoctor default).
	NUMARemoteWarnShare = 0.50
	// NUMARemoteFarDistance: a remote node closer than this SLIT distance
	// (a sub-NUMA cluster of the same socket) lowers the severity a level.
	NUMARemoteFarDistance = 20
)

// NICNUMARemote finds queue IRQs serviced on another NUMA node than the NIC's.
var NICNUMARemote = &Check{
	ID:       "nic-numa-remote",
	Title:    "NIC queue IRQs serviced by CPUs of another NUMA node",
	Doc:      nicNUMARemoteDoc,
	Severity: Warning,
	Needs: []string{
		host.InputNICs, host.InputNICSysfs, host.InputNUMANodes, host.InputCPUTopology,
		host.InputInterrupts, host.InputIRQAffinity, host.InputSoftnet, host.InputIrqbalance,
	},
	Run: runNICNUMARemote,
}

var nicNUMARemoteDoc = fmt.Sprintf(`Finds a NIC's active queue IRQs serviced by CPUs of a NUMA node other than the NIC's.

## Why it matters

The NIC's rings and buffers sit in its node's memory. Processing them on another node adds cross-node
traffic and loses cache locality, and the scheduler's wake affinity then drags the application to the
remote node too (the Meituan Redis case). "Temporary" remote bindings are easily forgotten.

## When it does not apply

- One NUMA node with CPUs, or a NIC whose numa_node is -1 (locality unknown, usual in VMs): never
  read -1 as node 0.
- Idle queues on remote CPUs are harmless and do not count; spread IRQs count by their shares.
- When the NIC has more active queues than local cores, remote excess is expected: a notice advising
  ethtool -L to the local core count.
- Virtual NUMA in VMs is not physical locality: lower confidence under a hypervisor.

## Thresholds

- Fires on one or more active queue IRQs (more than %.0f interrupts/s) whose servicing CPU (dominant
  at %s over two samples, else the one-CPU affinity file) is on another node.
- warning when at least %s of the NIC's queue interrupts are serviced remotely (NUMARemoteWarnShare),
  else notice; critical when the NIC's missed/fifo counters or the remote CPUs' softnet drops grew.
- A remote node at SLIT distance below %d (NUMARemoteFarDistance, same socket) lowers it one level.

## Fix and risks

Move the remote IRQs to free cores of the NIC's node (echo CPU > /proc/irq/N/smp_affinity_list), keep
the application on that node (numactl, taskset), and keep irqbalance from undoing it. irqbalance is
normally NUMA-aware: if it runs and queues stay remote, look for bans, policy scripts, a wrong numa_node
or more queues than local cores. Managed IRQs refuse the write ("Input/output error"): use ethtool -L.
Some BIOSes report every device on node 0; the value used is shown.
`, hostview.ActiveIRQRate, fmtPct(hostview.DominantShare), fmtPct(NUMARemoteWarnShare), NUMARemoteFarDistance)

func runNICNUMARemote(ev *Evidence) Result {
	var physical, mapped, located int
	for _, nl := range ev.NICs {
		if !nl.Physical {
			continue
		}
		physical++
		if len(nl.QueueIRQs) > 0 {
			mapped++
			if nl.Node >= 0 {
				located++
			}
		}
	}
	switch {
	case physical == 0:
		return ev.noDeviceNIC()
	case len(ev.Nodes) == 0:
		return Result{Verdict: NotEvaluated, Reason: "NUMA topology unknown: " + ev.InputReason(host.InputNUMANodes, "")}
	case !ev.MultiNode:
		return Result{Verdict: NotApplicable, Reason: "one NUMA node with CPUs"}
	case mapped == 0:
		return ev.noQueueMap()
	case located == 0:
		return Result{Verdict: NotApplicable, Reason: "locality unknown: the NICs' numa_node is -1"}
	}
	var fs []Finding
	active, placed := 0, 0
	for _, nl := range ev.NICs {
		if !nl.Physical || nl.Node < 0 || len(nl.ActiveIRQs) == 0 {
			continue
		}
		active += len(nl.ActiveIRQs)
		placed += len(nl.ServicingCPUs())
		if f, ok := numaFinding(ev, nl); ok {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 && active > 0 && placed == 0 && !ev.TwoSample() {
		return Result{Verdict: NotEvaluated, Reason: "servicing CPUs unknown: no one-CPU effective_affinity_list or smp_affinity_list for the active queue IRQs"}
	}
	if len(fs) == 0 {
		if g := queueIRQGaps(ev); g != "" {
			return Result{Verdict: NotEvaluated, Reason: g}
		}
		return Result{Verdict: Pass}
	}
	return Result{Verdict: Fail, Findings: fs}
}

// localCores counts the physical cores among cpus.
func localCores(ev *Evidence, cpus []int) int {
	return len(ev.CoreThreads(cpus))
}

func numaFinding(ev *Evidence, nl *hostview.NICLoad) (Finding, bool) {
	if !nl.NodeKnown {
		return Finding{}, false
	}
	var remote []*hostview.IRQLoad
	var remoteW, totalW float64
	remoteCPUs := []int{}
	remoteNodes := map[int]bool{}
	for _, il := range nl.ActiveIRQs {
		w := float64(il.Total)
		totalW += w
		if il.Servicing >= 0 {
			node := ev.NodeOf(il.Servicing)
			if node >= 0 && node != nl.Node {
				remote = append(remote, il)
				remoteW += w
				remoteCPUs = append(remoteCPUs, il.Servicing)
				remoteNodes[node] = true
			}
			continue
		}
		for cpu, c := range il.PerCPU { // spread: count its shares
			if node := ev.NodeOf(cpu); node >= 0 && node != nl.Node {
				remoteW += float64(c)
			}
		}
	}
	if len(remote) == 0 {
		return Finding{}, false
	}
	share := remoteW / totalW
	if totalW == 0 {
		share = float64(len(remote)) / float64(len(nl.ActiveIRQs))
	}
	remoteCPUs = host.SortedCPUs(remoteCPUs)

	sev := Notice
	if share >= NUMARemoteWarnShare {
		sev = Warning
	}
	var drops uint64
	if ev.TwoSample() {
		for _, c := range remoteCPUs {
			if row := ev.CPU(c); row != nil && row.SoftnetKnown {
				drops += uint64(row.Softnet.Dropped)
			}
		}
		if nl.Loss.Max > 0 || drops > 0 {
			sev = Critical
		}
	}
	// The nearest remote node decides the distance rule.
	dist := -1
	if nd := ev.Node(nl.Node); nd != nil {
		for r := range remoteNodes {
			if r < len(nd.Distances) && (dist < 0 || nd.Distances[r] < dist) {
				dist = nd.Distances[r]
			}
		}
	}
	if dist >= 0 && dist < NUMARemoteFarDistance {
		sev = lowerSeverity(sev)
	}
	cores := localCores(ev, nl.LocalCPUs)
	excess := len(nl.ActiveIRQs) > cores
	if excess {
		sev = Notice
	}
	conf := baseConfidence(ev, nl)

	win := placementWindow(ev)
	figs := []Figure{
		figure(nl.Name+" numa_node", fmt.Sprintf("%d (CPUs %s)", nl.Node, cpuList(ev.Node(nl.Node).CPUs)), "", "configuration"),
		figure("active queue IRQs serviced on another node", fmt.Sprintf("%d of %d", len(remote), len(nl.ActiveIRQs)), "≥ 1", win),
		figure("share of the NIC's queue interrupts serviced remotely", fmtPct(share),
			"≥ "+fmtPct(NUMARemoteWarnShare)+": warning", ev.WindowLabel),
	}
	for i, il := range remote {
		if i == 16 {
			figs = append(figs, figure("further remote IRQs", fmt.Sprint(len(remote)-16), "", win))
			break
		}
		figs = append(figs, figure(fmt.Sprintf("IRQ %d (%s)", il.Num, il.Name),
			fmt.Sprintf("CPU %d, node %d", il.Servicing, ev.NodeOf(il.Servicing)), "node "+fmt.Sprint(nl.Node), win))
	}
	if dist >= 0 {
		figs = append(figs, figure("distance to the nearest remote node", fmt.Sprint(dist),
			fmt.Sprintf("< %d: one level lower", NUMARemoteFarDistance), "configuration"))
	}
	if excess {
		figs = append(figs, figure("active queues vs NIC-local cores", fmt.Sprintf("%d vs %d", len(nl.ActiveIRQs), cores),
			"queues > cores: remote excess expected", "configuration"))
	}
	if ev.TwoSample() && nl.Loss.Max > 0 {
		figs = append(figs, figure(nl.Name+" "+nl.Loss.MaxName, fmtInt(nl.Loss.Max), "> 0: critical", ev.WindowLabel))
	}
	if drops > 0 {
		figs = append(figs, figure("softnet dropped on the remote CPUs", fmtInt(drops), "> 0: critical", ev.WindowLabel))
	}

	nodes := make([]int, 0, len(remoteNodes))
	for n := range remoteNodes {
		nodes = append(nodes, n)
	}
	slices.Sort(nodes)
	summary := fmt.Sprintf("%s (node %d): %d of %d active queue IRQs serviced on node %s (CPUs %s), %s of its queue interrupts",
		nl.Name, nl.Node, len(remote), len(nl.ActiveIRQs), joinInts(nodes, ", "), cpuList(remoteCPUs), fmtPct(share))
	expl := fmt.Sprintf("%s sits on NUMA node %d, but IRQs %s are serviced by CPUs of node %s: the NAPI poll reads rings in node %d's memory across the interconnect, and wake affinity pulls the receiving application toward the remote node.",
		nl.Name, nl.Node, listIRQs(remote, 8), joinInts(nodes, ", "), nl.Node)
	if excess {
		expl += fmt.Sprintf(" The NIC has %d active queues for %d local cores, so some remote queues are expected; matching the queue count to the local cores is the fix.", len(nl.ActiveIRQs), cores)
	}
	if ib := ev.Now.Irqbalance; ib.Known && ib.Running {
		expl += " irqbalance runs and is normally NUMA-aware: look for bans, policy scripts, a wrong numa_node or more queues than local cores."
	}
	if ev.Now.Virtualization != "" {
		expl += " This is a virtual machine: its NUMA layout is what the hypervisor advertises."
	}

	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       clampScore(share * 100),
		Subject:     nl.Name,
		NIC:         nl.Name,
		CPUs:        remoteCPUs,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    numaCommands(ev, nl, remote, nodes, cores, excess),
	}, true
}

// numaCommands moves the remote IRQs to the NIC's node (Change), reads
// the NIC's node and the new placement back (Verify), and offers a
// queue-count change and moving the application to the node (Option: the
// application that receives on the NIC is not known from the evidence).
func numaCommands(ev *Evidence, nl *hostview.NICLoad, remote []*hostview.IRQLoad, remoteNodes []int, cores int, excess bool) []Command {
	q := shq(nl.Name)
	cmds := []Command{{
		Run:  fmt.Sprintf("cat /sys/class/net/%s/device/numa_node /sys/class/net/%s/device/local_cpulist", q, q),
		Kind: Verify,
		Why:  "confirm the NIC's node and the CPUs near it",
	}}
	// Local CPUs already servicing the NIC's queues keep them; the remote
	// IRQs go to the other local cores in the §3 order.
	var keep []int
	for _, il := range nl.ActiveIRQs {
		if il.Servicing >= 0 && ev.NodeOf(il.Servicing) == nl.Node {
			keep = append(keep, il.Servicing)
		}
	}
	plan := ev.ChooseIRQCPUs(nl, len(remote), keep)
	if len(plan.CPUs) == len(remote) {
		moves := make([]assignment, len(remote))
		for i, il := range remote {
			moves[i] = assignment{IRQ: il.Num, CPU: plan.CPUs[i]}
		}
		chosen := host.SortedCPUs(plan.CPUs)
		ib := irqbalanceCommands(ev, host.UnionCPUs(chosen, keep), irqNums(nl.ActiveIRQs))
		cmds = append(cmds, ib[:len(ib)-1]...)
		cmds = append(cmds, affinityCommand(moves, fmt.Sprintf("move the remote queue IRQs of %s to cores of node %d (%s)",
			nl.Name, nl.Node, cpuList(chosen))))
		cmds = append(cmds, verifyAffinityCommand(moves, nl.Name))
		if excess {
			cmds = append(cmds, reduceChannelsCommands(nl.NIC, nl.Name, cores, fmt.Sprintf(
				"%s has more active queues than node %d has cores (%d): match the queue count to the local cores", nl.Name, nl.Node, cores), Option)...)
		}
		cmds = append(cmds, numaAppCommands(ev, nl, remoteNodes)...)
		cmds = append(cmds, Command{
			Run:        fmt.Sprintf("numactl --cpunodebind=%d --membind=%d <command>", nl.Node, nl.Node),
			Kind:       Option,
			Why:        fmt.Sprintf("start the application on node %d with its memory there (put it in the service's start command to persist)", nl.Node),
			Persistent: true,
			Caveats: []string{
				"Replace <command> with the service's command line; --membind fails allocations when the node runs out of memory (--preferred does not).",
			},
		})
		cmds = append(cmds, ib[len(ib)-1])
	} else if excess {
		cmds = append(cmds, reduceChannelsCommands(nl.NIC, nl.Name, cores, "match the queue count to the NIC-local cores", Change)...)
	}
	return cmds
}

// numaAppMaxPIDs caps the processes named by numaAppCommands.
const numaAppMaxPIDs = 3

// numaAppCommands suggests keeping the application that receives on nl on
// the NIC's node. The busy user-space processes (a thread using at least
// BusyThreadShare of a CPU) last seen on the remote nodes are named with
// their real PIDs, busiest first; without any, the command is a template
// with a <PID> placeholder. Either way it is an Option: which process
// receives on the NIC is not known from the evidence.
func numaAppCommands(ev *Evidence, nl *hostview.NICLoad, remoteNodes []int) []Command {
	nodeCPUs := cpuList(nl.LocalCPUs)
	caveats := []string{
		"Its memory stays where it was allocated: restarting it under numactl (below) moves that too.",
		"Pinning removes the scheduler's freedom: the node's CPUs must cover the application's peak.",
	}
	type proc struct {
		pid     int
		comm    string
		usage   float64 // all its busy threads
		busiest float64 // its busiest thread
	}
	var procs []proc
	idx := map[int]int{}
	for _, t := range ev.Threads {
		if t.Kernel || collectorComms[t.Comm] || t.PID <= 0 || !t.UsageKnown || t.Usage < hostview.BusyThreadShare ||
			t.CPU < 0 || !slices.Contains(remoteNodes, ev.NodeOf(t.CPU)) {
			continue
		}
		i, ok := idx[t.PID]
		if !ok {
			i = len(procs)
			idx[t.PID] = i
			procs = append(procs, proc{pid: t.PID, comm: t.Comm})
		}
		procs[i].usage += t.Usage
		procs[i].busiest = max(procs[i].busiest, t.Usage)
	}
	slices.SortFunc(procs, func(a, b proc) int {
		if c := cmp.Compare(b.usage, a.usage); c != 0 {
			return c
		}
		return cmp.Compare(a.pid, b.pid)
	})
	if len(procs) == 0 {
		return []Command{{
			Run:       fmt.Sprintf("taskset -acp %s <PID>", nodeCPUs),
			Kind:      Option,
			Why:       fmt.Sprintf("keep the application that receives on %s on node %d's CPUs too (all threads of a running process)", nl.Name, nl.Node),
			NeedsRoot: true,
			Caveats:   append([]string{"Replace <PID> with the service's process ID."}, caveats...),
		}}
	}
	var cmds []Command
	for _, p := range procs[:min(len(procs), numaAppMaxPIDs)] {
		name := p.comm
		if name == "" {
			name = "PID " + strconv.Itoa(p.pid)
		}
		cmds = append(cmds, Command{
			Run:  fmt.Sprintf("taskset -acp %s %d", nodeCPUs, p.pid),
			Kind: Option,
			Why: fmt.Sprintf("if %s (PID %d, its busiest thread using %s of a CPU on node %s) is the application that receives on %s: keep all its threads on node %d's CPUs too",
				name, p.pid, fmtPct(p.busiest), joinInts(remoteNodes, ", "), nl.Name, nl.Node),
			NeedsRoot: true,
			Caveats:   caveats,
		})
	}
	return cmds
}
