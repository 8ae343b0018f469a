package checks

import (
	"fmt"
	"slices"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// XPSUnset finds a multi-queue NIC whose transmit queues have no XPS map.
var XPSUnset = &Check{
	ID:       "xps-unset",
	Title:    "Transmit packet steering (XPS) unset on a multi-queue NIC",
	Doc:      xpsUnsetDoc,
	Severity: Notice,
	Needs:    []string{host.InputNICs, host.InputNICQueues, host.InputInterrupts, host.InputIRQAffinity},
	Run:      runXPSUnset,
}

const xpsUnsetDoc = `Finds a device-backed NIC with two or more transmit queues whose every queues/tx-N/xps_cpus and
xps_rxqs mask is empty.

## Why it matters

Without XPS the kernel picks a transmit queue by hashing the flow, so a CPU sends on queues whose
completion interrupts run on other CPUs, and several CPUs contend for one queue's lock. The kernel's
scaling document describes XPS as the map from CPUs to transmit queues that removes this contention
and the cache misses of the completions; it is most useful when each CPU has its own queue. Many
drivers set it themselves when they create the queues (ixgbe with its flow director, i40e, ice,
mlx5, mlx4, virtio_net); others leave it to the administrator (igb, bnxt_en, ena, gve and several
more), and a channel change or a script may clear it.

## When it does not apply

- One transmit queue, or one online CPU: nothing to steer.
- A sosreport: sos never collects sys/class/net/*/queues/; the check is not evaluated and says so.
- Hyper-V's netvsc picks transmit queues with its own table: not judged.
- Kernels without XPS files (built without CONFIG_XPS): nothing read, not evaluated.

## Thresholds

- notice: at least 2 transmit queues, every xps_cpus and xps_rxqs mask empty (ranks 25 to 29 of the
  check specifications: a configuration notice).
- It stays a notice: XPS chooses transmit queues, and no receive-path loss this tool measures
  is caused by its absence.

## Fix and risks

Map each CPU to one transmit queue: the CPU that services the queue's interrupt gets that queue,
the other CPUs are dealt round-robin; write the masks to queues/tx-N/xps_cpus (comma-grouped hex,
as the kernel prints cpumasks), persistently with a udev rule or a tuned [sysfs] snippet. A later
ethtool -L or driver reset re-creates the queues: re-apply. A wrong map (CPUs mapped to a queue
serviced on another node) is worse than none for that CPU's traffic.
`

// xpsOwnSelect are drivers that choose transmit queues themselves.
var xpsOwnSelect = map[string]bool{"hv_netvsc": true, "netvsc": true}

func runXPSUnset(ev *Evidence) Result {
	all, read, unread := steeringNICs(ev)
	if len(all) == 0 {
		return ev.noDeviceNIC()
	}
	if len(read) == 0 {
		return Result{Verdict: NotEvaluated, Reason: unread}
	}
	if len(ev.Now.Topology.Online) < 2 {
		return Result{Verdict: NotApplicable, Reason: "one online CPU: no transmit queue to choose per CPU"}
	}
	var fs []Finding
	multi, known := 0, 0
	for _, nl := range read {
		n := nl.NIC
		if n.TXQueues < 2 || xpsOwnSelect[n.Driver] {
			continue
		}
		multi++
		if n.XPS == nil {
			continue
		}
		known++
		if xpsSet(n) {
			continue
		}
		fs = append(fs, xpsFinding(ev, nl))
	}
	switch {
	case len(fs) > 0:
		return Result{Verdict: Fail, Findings: fs}
	case multi == 0:
		return Result{Verdict: NotApplicable, Reason: "no NIC has two or more transmit queues (netvsc NICs, which pick their own, aside)"}
	case known == 0:
		return Result{Verdict: NotEvaluated, Reason: "no xps_cpus file could be read (a kernel without CONFIG_XPS, or not readable)"}
	}
	return Result{Verdict: Pass, Reason: fmt.Sprintf("XPS maps CPUs to transmit queues on the %d multi-queue %s read", known, plural(known, "NIC", "NICs"))}
}

// xpsSet reports whether some transmit queue has a CPU or RX queue map.
func xpsSet(n *host.NIC) bool {
	for _, m := range n.XPS {
		if len(m) > 0 {
			return true
		}
	}
	for _, m := range n.XPSRxqs {
		if len(m) > 0 {
			return true
		}
	}
	return false
}

// xpsPlan maps the online CPUs to nl's transmit queues: a queue's IRQ
// servicing CPU gets that queue, the rest are dealt round-robin. It
// returns the CPUs of each queue that gets any.
func xpsPlan(ev *Evidence, nl *hostview.NICLoad) map[int][]int {
	ntx := nl.NIC.TXQueues
	of := map[int]int{}
	for _, q := range nl.Queues {
		if q.Dir == host.DirRX || q.Index >= ntx || q.IRQ == nil || q.IRQ.Servicing < 0 {
			continue
		}
		if _, ok := of[q.IRQ.Servicing]; !ok {
			of[q.IRQ.Servicing] = q.Index
		}
	}
	k := 0
	plan := map[int][]int{}
	for _, c := range ev.Now.Topology.Online {
		q, ok := of[c]
		if !ok {
			q = k % ntx
			k++
		}
		plan[q] = append(plan[q], c)
	}
	return plan
}

func xpsFinding(ev *Evidence, nl *hostview.NICLoad) Finding {
	n := nl.NIC
	f := Finding{
		Severity:   Notice,
		Confidence: High,
		Score:      20,
		Subject:    nl.Name,
		NIC:        nl.Name,
		Summary:    fmt.Sprintf("%s: XPS unset on all %d transmit queues", nl.Name, n.TXQueues),
		Evidence: []Figure{
			figure(nl.Name+" transmit queues", fmt.Sprint(n.TXQueues), "≥ 2", "configuration"),
			figure(nl.Name+" xps_cpus", "0 on every transmit queue", "a CPU map", "configuration"),
		},
		Explanation: fmt.Sprintf("%s has %d transmit queues and no XPS map, so each packet's queue comes from a hash of its flow: CPUs send on queues whose completions run elsewhere and contend for the same queue locks. Its driver (%s) did not set XPS when it created the queues, or something cleared it.",
			nl.Name, n.TXQueues, orUnknown(n.Driver)),
	}
	f.Explanation += " It stays a notice: no receive-path loss comes from the choice of transmit queue."
	plan := xpsPlan(ev, nl)
	vals := map[int]string{}

	for q, cpus := range plan {
		slices.Sort(cpus)
		vals[q] = host.FormatCPUMask(cpus)

	}

	f.Commands = queueSysfsCommands(nl.Name, "tx", "xps_cpus", vals,
		fmt.Sprintf("map every CPU to one of %s's transmit queues (the CPU servicing a queue's interrupt gets that queue; the others round-robin)", nl.Name), "xps", Change)
	f.Commands = append(f.Commands, Command{
		Run:  fmt.Sprintf("grep . /sys/class/net/%s/queues/tx-*/xps_cpus", shq(nl.Name)),
		Kind: Verify,
		Why:  "read the XPS maps back",
	})
	return f
}
