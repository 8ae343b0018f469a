package checks

import (
	"fmt"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// QueueCountVsCores finds NICs with more active receive queues than
// physical cores on their node.
var QueueCountVsCores = &Check{
	ID:       "queue-count-vs-cores",
	Title:    "More active receive queues than physical cores on the NIC's node",
	Doc:      queueCountDoc,
	Severity: Notice,
	Needs: []string{
		host.InputInterrupts, host.InputIRQAffinity, host.InputNICs, host.InputNICSysfs,
		host.InputEthtoolChan, host.InputCPUTopology, host.InputNUMANodes, host.InputSoftnet,
	},
	Run: runQueueCountVsCores,
}

const queueCountDoc = `Finds a NIC with more active receive queues than physical cores on its NUMA node.

## Why it matters

Drivers usually enable min(hardware queues, online CPUs) queues, counting hyperthreads and the other
socket's CPUs. The extra queues then land on sibling threads of a core that already serves a queue, or
on remote CPUs: the kernel's scaling document found no benefit from hyperthreads for interrupt work
and advises limiting queues to cores, and netutils-linux's rss-ladder warns that "some CPUs process
multiple queues" in this case.

## When it does not apply

- NICs without active receive queues; idle queues beyond the hardware's RSS limit (ixgbe hashes over
  16 queues at most, however many are enabled) are not counted.
- With numa_node unknown (-1) or one node, the NIC-local cores are every usable core of the host.
- Isolated CPUs (isolcpus=, nohz_full=) are not counted as cores for queues.

## Thresholds

- Fire: active receive queue IRQs (more than 80 interrupts/s over the window; one sample: since boot)
  outnumber the physical cores among the NIC-local CPUs. Cores are counted from thread_siblings_list
  and (package, die, core_id).
- Severity: a notice. It becomes a warning only when a loss grows on the NIC or on the CPUs serving
  its queues (NIC missed/fifo, softnet dropped or time_squeeze), and the finding names that loss: a
  configuration finding never outranks a loss.

## Fix and risks

ethtool -L DEV combined N with N = the NIC-local cores, offered as an option to review, not a
change the fix script runs: it re-creates the queues and resets any IRQ placement made before it (never above the driver's maximum; no command
when the driver reports the channel count as fixed), then one queue IRQ per core. Changing the count
re-creates the queues: a short interruption, IRQ numbers and affinity reset. Some NICs need a
power-of-two count. Persistent: NetworkManager's channel setting, ifcfg ETHTOOL_OPTS, a udev rule, or
tuned's [net] channels.
`

func runQueueCountVsCores(ev *Evidence) Result {
	if len(ev.Online) == 0 {
		return Result{Verdict: NotEvaluated, Reason: "online CPUs unknown"}
	}
	active, physical := activeNICs(ev)
	var fs []Finding
	for _, nl := range active {
		cores := len(ev.CoreThreads(nl.LocalCPUs))
		if cores == 0 || len(nl.ActiveIRQs) <= cores {
			continue
		}
		fs = append(fs, queueCountFinding(ev, nl, cores))
	}
	if len(fs) > 0 {
		return Result{Verdict: Fail, Findings: fs}
	}
	if r, ok := noActiveNIC(ev, active, physical); ok {
		return r
	}
	return Result{Verdict: Pass, Reason: "every NIC's active receive queues fit the physical cores of its node"}
}

func queueCountFinding(ev *Evidence, nl *hostview.NICLoad, cores int) Finding {
	active := len(nl.ActiveIRQs)
	cpus := nl.ServicingCPUs()
	where := "its node"
	if !nl.NodeKnown || !ev.MultiNode {
		where = "the host"
	}
	figs := []Figure{
		figure(nl.Name+" active receive queues", fmt.Sprint(active), fmt.Sprintf("≤ %d physical cores on %s", cores, where), placementWindow(ev)),
		figure(nl.Name+" NIC-local CPUs", cpuList(nl.LocalCPUs), "", "configuration"),
	}
	if ch := nl.NIC.Channels; ch != nil {
		figs = append(figs, figure(nl.Name+" channels (ethtool -l)", fmt.Sprintf("%d of a maximum %d", currentQueues(nl.NIC), maxQueues(nl.NIC)), "", "configuration"))
	}
	f := Finding{
		Severity:   Notice,
		Confidence: baseConfidence(ev, nl),
		Score:      clampScore(20 + 40*float64(active-cores)/float64(active)),
		Subject:    nl.Name,
		NIC:        nl.Name,
		CPUs:       cpus,
		Summary:    fmt.Sprintf("%s: %d active receive queues for %d physical cores on %s", nl.Name, active, cores, where),
		Evidence:   figs,
		Explanation: fmt.Sprintf("%s has %d active receive queues but %s has %d physical cores among its usable CPUs (%s): some queues must share a core's hyperthreads or run on remote or shared CPUs, which adds no receive capacity.",
			nl.Name, active, where, cores, cpuList(nl.LocalCPUs)),
	}
	escalate(ev, &f, nl.Name, cpus)
	cmds := []Command{{
		Run:  "ethtool -l " + shq(nl.Name),
		Kind: Verify,
		Why:  "read the current and maximum channel counts",
	}}
	if kind, n, ok := channelTarget(nl.NIC, cores); ok && n < currentQueues(nl.NIC) {
		cmds = append(cmds, setChannelsCommands(nl.Name, kind, n, fmt.Sprintf("match %s's receive queues to the %d physical cores of %s", nl.Name, cores, where), Option)...)
	}
	f.Commands = cmds
	return f
}
