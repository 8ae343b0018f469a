package checks

import (
	"fmt"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of few-queue-saturation.
const (
	// FewQueuesCap: a NIC with fewer active receive queues than
	// min(FewQueuesCap, NIC-local cores) receives through too few CPUs for
	// a busy host (the common VM case of one enabled queue).
	FewQueuesCap = 4
	// QueueCPUBusyShare: a queue CPU spending at least this share of its
	// time in hard IRQ and softirq work is saturated by the queue.
	QueueCPUBusyShare = 0.50
	// QueueCPUNetRXRate: a queue CPU running at least this many NET_RX
	// softirqs per second is saturated (netutils-linux network-top's
	// yellow mark).
	QueueCPUNetRXRate = 40000.0
)

// FewQueueSaturation finds NICs receiving through fewer queues than the
// host can use, with a queue CPU saturated and no RPS to spread the work:
// the RPS check for single-queue NICs.
var FewQueueSaturation = &Check{
	ID:       "few-queue-saturation",
	Title:    "Too few receive queues for the host, a queue CPU saturated and no RPS",
	Doc:      fewQueueDoc,
	Severity: Notice,
	Needs: []string{
		host.InputInterrupts, host.InputIRQAffinity, host.InputNICs, host.InputNICSysfs,
		host.InputEthtoolChan, host.InputCPUTopology, host.InputNUMANodes, host.InputSoftirqs,
		host.InputStat, host.InputSoftnet,
	},
	Run: runFewQueueSaturation,
}

var fewQueueDoc = fmt.Sprintf(`Finds a NIC that receives through fewer queues than the host can use: with one queue (a VM's
virtio, ENA or gve NIC with one channel enabled, an old single-queue card) every packet's hard IRQ,
NAPI poll and protocol work run on one CPU. It is also the RPS check: irq-concentration leaves
single-queue NICs to it.

## Why it matters

A queue CPU that spends its time in softirq work stops refilling the ring in time and drops, however
idle the other CPUs are. Two remedies exist: more hardware queues (ethtool -L up to the maximum the
driver reports), or RPS, which hashes the queue's packets onto other CPUs' backlogs in software
(the kernel's scaling document; netutils-linux's autorps does the same over the NIC-local CPUs).

## When it does not apply

- One usable CPU (a 1-vCPU VM): nothing to spread to. An idle NIC (no active queue) is not judged.
- RPS already set on the queues (Seastar perftune's sq mode does this on purpose).
- A sosreport does not collect queues/rx-N/rps_cpus: RPS is then unknown and the finding says so with
  lower confidence.

## Thresholds

- Few queues: active receive queues below min(%d, NIC-local physical cores) (FewQueuesCap; cores,
  not threads: the kernel's scaling document found no benefit from hyperthreads for interrupt work).
- Saturated queue CPU (two samples): irq + softirq time at least %s (QueueCPUBusyShare, netdoctor
  default) or at least %s NET_RX softirqs/s (QueueCPUNetRXRate, netutils-linux yellow).
- Configuration (one sample is enough): few queues as above, and channels below the driver's maximum
  (ethtool -l), so more queues are one command away.
- Severity: a notice. It becomes a warning only when a loss grows on the NIC or on its queue CPUs
  (NIC missed/fifo, softnet dropped or time_squeeze), and the finding names that loss: a
  configuration finding never outranks a loss.

## Fix and risks

First more queues: ethtool -L DEV combined N with N = min(maximum, NIC-local cores); virtio needs
the host to offer N queue pairs (and 2N+2 vectors). It re-creates the queues: a short interruption,
IRQ numbers and affinity reset. Otherwise RPS: write the NIC-local CPUs minus the queue IRQ CPUs to
queues/rx-N/rps_cpus as a comma-grouped hex mask, and size RFS (net.core.rps_sock_flow_entries =
%d, rps_flow_cnt = entries / queues, the kernel's scaling document). RPS adds inter-processor
interrupts and uses the target CPUs' backlogs. Neither survives a reboot by itself: NetworkManager
channel settings, a udev rule or a tuned profile ([net] channels, [sysfs] rps_cpus) make them stick.
`, FewQueuesCap, fmtPct(QueueCPUBusyShare), fmtInt(uint64(QueueCPUNetRXRate)), RFSFlowEntries)

// saturated says whether a queue CPU is saturated over the two-sample
// window, and by what.
func saturated(ev *Evidence, cpu int) (bool, []Figure) {
	row := ev.CPU(cpu)
	if row == nil || !ev.TwoSample() {
		return false, nil
	}
	var figs []Figure
	hit := false
	if row.IRQTimeKnown {
		figs = append(figs, figure(fmt.Sprintf("irq + softirq time on CPU %d", cpu), fmtPct(row.IRQTime), "≥ "+fmtPct(QueueCPUBusyShare), ev.WindowLabel))
		hit = row.IRQTime >= QueueCPUBusyShare
	}
	if row.NetRXKnown && ev.HasRates() {
		figs = append(figs, figure(fmt.Sprintf("NET_RX softirqs/s on CPU %d", cpu), fmtRate(row.NetRXRate), "≥ "+fmtRate(QueueCPUNetRXRate), ev.WindowLabel))
		hit = hit || row.NetRXRate >= QueueCPUNetRXRate
	}
	return hit, figs
}

func runFewQueueSaturation(ev *Evidence) Result {
	if len(ev.Online) == 1 {
		return Result{Verdict: NotApplicable, Reason: "one online CPU: nothing to spread receive work to"}
	}
	if len(ev.Online) == 0 {
		return Result{Verdict: NotEvaluated, Reason: "online CPUs unknown"}
	}
	active, physical := activeNICs(ev)
	var fs []Finding
	var notes, unknown []string
	for _, nl := range active {
		if f, ok := fewQueueFinding(ev, nl); ok {
			fs = append(fs, f)
		} else if nl.RPS {
			notes = append(notes, nl.Name+" spreads with RPS")
		} else if loadUnknown(ev, nl) {
			unknown = append(unknown, nl.Name)
		}
	}
	if len(fs) > 0 {
		return Result{Verdict: Fail, Findings: fs}
	}
	if r, ok := noActiveNIC(ev, active, physical); ok {
		return r
	}
	if len(unknown) > 0 {
		return Result{Verdict: NotEvaluated, Reason: "the load of the queue CPUs of " + joinStrings(unknown) + " is unknown (no irq/softirq time in /proc/stat, no NET_RX in /proc/softirqs)"}
	}
	r := "every active NIC has as many queues as it can use, or its queue CPUs are not saturated"
	if !ev.TwoSample() {
		r = fmt.Sprintf("no active NIC has fewer than min(%d, NIC-local cores) queues with channels to spare; queue CPU saturation needs two samples", FewQueuesCap)
	}
	if rpsUnknown(ev) {
		notes = append(notes, "RPS unknown: queues/rx-N/rps_cpus is not collected by sosreport")
	}
	if len(notes) > 0 {
		r += " (" + strings.Join(notes, "; ") + ")"
	}
	return Result{Verdict: Pass, Reason: r}
}

// fewQueueFinding judges one NIC with active receive queues.
func fewQueueFinding(ev *Evidence, nl *hostview.NICLoad) (Finding, bool) {
	cores := len(ev.CoreThreads(nl.LocalCPUs))
	active := len(nl.ActiveIRQs)
	few := active < min(FewQueuesCap, cores)
	rpsKnown := nl.NIC.RPS != nil
	irqCPUs := nl.ServicingCPUs()

	var satFigs []Figure
	var hot []int
	if few && !nl.RPS {
		for _, c := range irqCPUs {
			if ok, figs := saturated(ev, c); ok {
				hot = append(hot, c)
				satFigs = append(satFigs, figs...)
			}
		}
	}
	cur := currentQueues(nl.NIC)
	kind, target, canGrow := channelTarget(nl.NIC, cores)
	channelsLow := few && canGrow && cur > 0 && target > cur
	if len(hot) == 0 && !channelsLow {
		return Finding{}, false
	}

	conf := baseConfidence(ev, nl)
	figs := []Figure{figure(nl.Name+" active receive queues", fmt.Sprintf("%d", active),
		fmt.Sprintf("< min(%d, %d NIC-local cores)", FewQueuesCap, cores), placementWindow(ev))}
	if ch := nl.NIC.Channels; ch != nil {
		figs = append(figs, figure(nl.Name+" channels (ethtool -l)", fmt.Sprintf("%d of a maximum %d", cur, maxQueues(nl.NIC)), "maximum", "configuration"))
	}
	figs = append(figs, satFigs...)
	rpsState := "RPS off (rps_cpus 0 on every receive queue)"
	if !rpsKnown {
		rpsState = "RPS unknown (queues/rx-N/rps_cpus not collected)"
		conf = lower(conf)
	}
	figs = append(figs, figure(nl.Name+" RPS", rpsState, "off", "configuration"))

	var summary, expl string
	if len(hot) > 0 {
		summary = fmt.Sprintf("%s: %d active receive %s, queue CPU %s saturated, %s", nl.Name, active, plural(active, "queue", "queues"), cpuList(hot), strings.SplitN(rpsState, " (", 2)[0])
		expl = fmt.Sprintf("%s receives through %d %s serviced by CPU %s, which is saturated by interrupt and softirq work, while %d NIC-local cores (%s) could share it and no RPS spreads the protocol work.",
			nl.Name, active, plural(active, "queue", "queues"), cpuList(irqCPUs), cores, cpuList(nl.LocalCPUs))
	} else {
		summary = fmt.Sprintf("%s: %d of a possible %d channels enabled while %d NIC-local cores could take queues", nl.Name, cur, maxQueues(nl.NIC), cores)
		expl = fmt.Sprintf("%s's driver offers up to %d channels but %d are enabled, so its receive work runs on %d %s while the NIC's node has %d cores.",
			nl.Name, maxQueues(nl.NIC), cur, len(irqCPUs), plural(len(irqCPUs), "CPU", "CPUs"), cores)
	}
	f := Finding{
		Severity:    Notice,
		Confidence:  conf,
		Score:       clampScore(30 + 40*float64(len(hot)) + 10*float64(cores-active)/float64(max(cores, 1))),
		Subject:     nl.Name,
		NIC:         nl.Name,
		CPUs:        host.SortedCPUs(append(hot, irqCPUs...)),
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
	}
	f.CPUs = host.UnionCPUs(nil, f.CPUs)
	escalate(ev, &f, nl.Name, irqCPUs)

	var cmds []Command
	cmds = append(cmds, Command{
		Run:  fmt.Sprintf("ethtool -l %s; grep . /sys/class/net/%s/queues/rx-*/rps_cpus", shq(nl.Name), shq(nl.Name)),
		Kind: Verify,
		Why:  "read the channel counts and the RPS masks of the receive queues",
	})
	rpsKind := Change
	if canGrow && target > cur {
		ch := setChannelsCommands(nl.Name, kind, target, fmt.Sprintf(
			"enable %d receive queues (the driver's maximum is %d, the NIC's node has %d cores) so the NIC spreads flows in hardware", target, maxQueues(nl.NIC), cores), Change)
		if nl.Paravirtual {
			ch[0].Caveats = append(ch[0].Caveats, fmt.Sprintf("A virtual NIC gets only the queues the hypervisor offers: for virtio the host must define %d queue pairs (libvirt <driver queues='%d'/>, 2N+2 MSI-X vectors).", target, target))
		}
		cmds = append(cmds, ch...)
		rpsKind = Option
	}
	if !nl.RPS && len(hot) > 0 {
		spread := host.MinusCPUs(nl.LocalCPUs, irqCPUs)
		queues := max(nl.RXQueues, 1)
		rxq := make([]int, queues)
		for i := range rxq {
			rxq[i] = i
		}
		cmds = append(cmds, rpsCommands(nl, rxq, queues, spread, rpsKind)...)
	}
	f.Commands = cmds
	return f, true
}

// loadUnknown is true when nl has few queues and no RPS, and two samples
// could not tell whether its queue CPUs are saturated.
func loadUnknown(ev *Evidence, nl *hostview.NICLoad) bool {
	if !ev.TwoSample() || len(nl.ActiveIRQs) >= min(FewQueuesCap, len(ev.CoreThreads(nl.LocalCPUs))) {
		return false
	}
	for _, c := range nl.ServicingCPUs() {
		if _, figs := saturated(ev, c); len(figs) > 0 {
			return false
		}
	}
	return true
}

// rpsUnknown is true when a device-backed NIC's RPS masks were not read
// (sosreport does not collect the queues/ directory).
func rpsUnknown(ev *Evidence) bool {
	for _, nl := range ev.NICs {
		if nl.Physical && nl.NIC != nil && nl.NIC.RPS == nil && nl.RXQueues > 0 {
			return true
		}
	}
	return false
}
