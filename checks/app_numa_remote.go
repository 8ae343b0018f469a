package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// AppRemoteShare: a process whose busy threads spend more than this share
// of their CPU time on nodes other than the NIC's runs mostly remote
// (netdoctor default: "mostly").
const AppRemoteShare = 0.50

// AppNUMARemote finds busy applications running mostly on a NUMA node
// other than the one of the NIC their traffic arrives on.
var AppNUMARemote = &Check{
	ID:       "app-numa-remote",
	Title:    "Busy application threads on a NUMA node other than the NIC's",
	Doc:      appNUMARemoteDoc,
	Severity: Notice,
	Needs: []string{
		host.InputProcesses, host.InputThreads, host.InputNUMANodes, host.InputCPUTopology,
		host.InputNICs, host.InputNICSysfs, host.InputInterrupts, host.InputSoftnet,
	},
	Run: runAppNUMARemote,
}

var appNUMARemoteDoc = fmt.Sprintf(`Finds busy user-space processes whose threads run mostly on a NUMA node other than the node of the NIC
that carries the host's traffic.

## Why it matters

The NIC's rings, the socket buffers filled by its softirq work and the cache lines they touch live on
the NIC's node. A server reading them from another node pays cross-node memory traffic on every packet,
and the scheduler's wake affinity keeps pulling its threads back and forth between the nodes (the
Meituan article found Redis migrating this way; its final fix kept IRQ CPUs and Redis on the NIC's
node).

## When it does not apply

- One NUMA node, or no NIC with a known node (numa_node -1: most VMs) carrying traffic.
- Traffic on NICs of several nodes: which NIC an application uses is unknown (multi-NIC applications),
  so nothing is judged.
- Kernel threads, and processes with no busy thread.

## Thresholds

- Busy thread: at least %s of one CPU over the window (one sample: since its start), the same mark
  as app-on-irq-cpus (BusyThreadShare, netdoctor default).
- Fire: the busy threads of one process spend more than %s of their CPU time on CPUs of other nodes
  than the NIC's (AppRemoteShare, netdoctor default).
- Severity: a notice. It becomes a warning only when a loss grows on the NIC or on the CPUs the
  process runs on (NIC missed/fifo, softnet dropped or time_squeeze), and the finding names that loss.

## Fix and risks

Run the process on the NIC's node, on CPUs that service no queue: taskset -acp CPUS PID at runtime,
numactl --cpunodebind=N --membind=N in its start command or a systemd CPUAffinity= drop-in for good.
Memory already allocated stays where it is until the process restarts. If the NIC's node is too small
for the application, moving the NIC to another slot is the other way round.
`, fmtPct(hostview.BusyThreadShare), fmtPct(AppRemoteShare))

// appUse is one process's busy CPU time by node.
type appUse struct {
	pid     int
	comm    string
	byNode  map[int]float64
	cpus    []int
	allowed []int
	total   float64
}

func runAppNUMARemote(ev *Evidence) Result {
	if !ev.MultiNode {
		if len(ev.Nodes) == 0 && !ev.InputOK(host.InputNUMANodes, "") {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputNUMANodes, "")}
		}
		return Result{Verdict: NotApplicable, Reason: "one NUMA node"}
	}
	nodes := map[int]bool{}
	var nics []*hostview.NICLoad
	unknown := false
	for _, nl := range ev.NICs {
		if !nl.Physical || len(nl.ActiveIRQs) == 0 {
			continue
		}
		if !nl.NodeKnown {
			unknown = true
			continue
		}
		nodes[nl.Node] = true
		nics = append(nics, nl)
	}
	switch {
	case len(nodes) == 0 && unknown:
		return Result{Verdict: NotApplicable, Reason: "the NICs carrying traffic have no known NUMA node (numa_node -1)"}
	case len(nodes) == 0:
		return Result{Verdict: NotApplicable, Reason: "no NIC with a known NUMA node carries traffic " + during(ev)}
	case len(nodes) > 1 || unknown:
		return Result{Verdict: NotApplicable, Reason: "traffic arrives on NICs of several NUMA nodes: which NIC an application uses is unknown"}
	}
	if len(ev.Threads) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputProcesses, "")}
	}
	nicNode := nics[0].Node
	apps := map[int]*appUse{}
	var order []int
	for _, t := range ev.Threads {
		if t.Kernel || collector(t) || t.CPU < 0 || !t.UsageKnown || t.Usage < hostview.BusyThreadShare {
			continue
		}
		a := apps[t.PID]
		if a == nil {
			a = &appUse{pid: t.PID, comm: t.Comm, byNode: map[int]float64{}}
			apps[t.PID] = a
			order = append(order, t.PID)
		}
		a.byNode[ev.NodeOf(t.CPU)] += t.Usage
		a.total += t.Usage
		a.cpus = host.UnionCPUs(a.cpus, []int{t.CPU})
		a.allowed = host.UnionCPUs(a.allowed, t.Allowed)
	}
	known := false
	for _, t := range ev.Threads {
		known = known || (!t.Kernel && t.UsageKnown)
	}
	if !known {
		return Result{Verdict: NotEvaluated, Reason: "no process CPU use is known (" + ev.InputReason(host.InputThreads, "") + ")"}
	}
	var fs []Finding
	for _, pid := range order {
		a := apps[pid]
		remote := a.total - a.byNode[nicNode]
		if a.total <= 0 || remote/a.total <= AppRemoteShare {
			continue
		}
		fs = append(fs, appNUMAFinding(ev, a, nics, nicNode, remote))
	}
	if len(fs) == 0 {
		return Result{Verdict: Pass, Reason: fmt.Sprintf("no busy process runs mostly off node %d, the node of the NICs carrying traffic", nicNode)}
	}
	return Result{Verdict: Fail, Findings: fs}
}

func appNUMAFinding(ev *Evidence, a *appUse, nics []*hostview.NICLoad, nicNode int, remote float64) Finding {
	nl := nics[0]
	share := remote / a.total
	var names []string
	var irqCPUs []int
	for _, n := range nics {
		names = append(names, n.Name)
		irqCPUs = host.UnionCPUs(irqCPUs, n.ServicingCPUs())
	}
	remoteCPUs := slices.DeleteFunc(slices.Clone(a.cpus), func(c int) bool { return ev.NodeOf(c) == nicNode })
	figs := []Figure{
		figure(fmt.Sprintf("%s (PID %d) busy CPU time off node %d", a.comm, a.pid, nicNode), fmtPct(share)+" of "+fmtPct(a.total)+" of a CPU", "> "+fmtPct(AppRemoteShare), ev.WindowLabel),
		figure("CPUs its busy threads ran on", cpuList(a.cpus), "", ev.WindowLabel),
		figure(fmt.Sprintf("node of %s", joinStrings(names)), fmt.Sprint(nicNode), "", "configuration"),
	}
	expl := fmt.Sprintf("%s (PID %d) spends %s of its busy threads' CPU time on CPUs %s, off node %d where %s and its receive work are: every packet it reads crosses the interconnect.",
		a.comm, a.pid, fmtPct(share), cpuList(remoteCPUs), nicNode, joinStrings(names))
	nodeCPUs := []int{}
	if nd := ev.Node(nicNode); nd != nil {
		nodeCPUs = host.IntersectCPUs(nd.CPUs, ev.Usable)
	}
	if len(a.allowed) > 0 && len(host.IntersectCPUs(a.allowed, nodeCPUs)) == 0 {
		expl += fmt.Sprintf(" Its threads are pinned to CPUs %s, none of them on node %d.", cpuList(a.allowed), nicNode)
	}
	conf := High
	if !ev.TwoSample() {
		conf = Medium
	}
	f := Finding{
		Severity:    Notice,
		Confidence:  conf,
		Score:       clampScore(30 + 40*share + 20*min(1, a.total)),
		Subject:     a.comm,
		NIC:         nl.Name,
		CPUs:        remoteCPUs,
		PIDs:        []int{a.pid},
		Summary:     fmt.Sprintf("%s (PID %d) runs %s of its busy time off node %d, the node of %s", a.comm, a.pid, fmtPct(share), nicNode, joinStrings(names)),
		Evidence:    figs,
		Explanation: expl,
	}
	escalate(ev, &f, nl.Name, a.cpus)
	target := host.MinusCPUs(nodeCPUs, irqCPUs)
	if len(target) == 0 {
		target = nodeCPUs
	}
	if len(target) > 0 {
		list := cpuList(target)
		f.Commands = []Command{
			{
				Run:       fmt.Sprintf("taskset -acp %s %d", list, a.pid),
				Kind:      Change,
				Why:       fmt.Sprintf("run every thread of PID %d on node %d's CPUs %s, which service no NIC queue", a.pid, nicNode, list),
				NeedsRoot: true,
				Caveats:   []string{"Memory already allocated stays on the old node until the process restarts (or numad/automatic NUMA balancing migrates it)."},
			},
			{Run: fmt.Sprintf("ps -L -o tid,psr,pcpu,comm -p %d; numastat -p %d", a.pid, a.pid), Kind: Verify, Why: "see where its threads run and where its memory lives"},
			{
				Run:        fmt.Sprintf(`unit=$(ps -o unit= -p %d) && mkdir -p "/etc/systemd/system/$unit.d" && printf '[Service]\nCPUAffinity=%s\nNUMAPolicy=bind\nNUMAMask=%d\n' > "/etc/systemd/system/$unit.d/90-netdoctor-numa.conf" && systemctl daemon-reload && systemctl restart "$unit"`, a.pid, list, nicNode),
				Kind:       Option,
				Why:        fmt.Sprintf("if the process is a systemd service: keep its CPUs and memory on node %d across restarts", nicNode),
				NeedsRoot:  true,
				Persistent: true,
				Caveats:    []string{"Restarts the service; NUMAPolicy= needs systemd 243 or later. Without systemd: numactl --cpunodebind=" + fmt.Sprint(nicNode) + " --membind=" + fmt.Sprint(nicNode) + " in its start command."},
			},
		}
	}
	return f
}

// joinStrings writes "a", "a and b", "a, b and c".
func joinStrings(ss []string) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	out := ss[0]
	for _, s := range ss[1 : len(ss)-1] {
		out += ", " + s
	}
	return out + " and " + ss[len(ss)-1]
}

// collector is true for the collection tools themselves (sos runs as
// python3), busy while the samples were taken.
func collector(t hostview.ThreadUse) bool {
	if collectorComms[t.Comm] {
		return true
	}
	for _, w := range []string{"/sos report", "/sosreport", "sos report ", "netdoctor "} {
		if strings.Contains(t.Cmdline, w) {
			return true
		}
	}
	return false
}
