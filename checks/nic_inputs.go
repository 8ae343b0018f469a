package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// noDeviceNIC is the verdict of a NIC check that found no device-backed
// NIC. Not-applicable is a statement about the host, so it needs the data
// to show it: the interface list was read, and /proc/interrupts (which is
// not namespaced) names no queue vector that no interface owns. Otherwise
// the check could not run: not-evaluated, naming what is missing, so that a
// sign-off never reads missing data as "nothing to check". A container
// (known from positive evidence) sees the host's vectors but owns none.
func (ev *Evidence) noDeviceNIC() Result {
	unowned := host.UnownedQueueVectors(ev.Now)
	in := ev.Now.Input(host.InputNICs, "")
	listed := in != nil && in.Status == host.StatusOK
	switch {
	case ev.Now.Container && listed:
		return Result{Verdict: NotApplicable, Reason: "a container: the host's NICs and their interrupts are outside it"}
	case len(unowned) > 0:
		r := fmt.Sprintf("no NIC identified for %d queue interrupt(s) of /proc/interrupts (IRQ %s)", len(unowned), cpuList(unowned))
		if !listed {
			r += "; " + ev.InputReason(host.InputNICs, "")
		}
		return Result{Verdict: NotEvaluated, Reason: r}
	case !listed:
		return Result{Verdict: NotEvaluated, Reason: "interface list unknown: " + ev.InputReason(host.InputNICs, "")}
	}
	return Result{Verdict: NotApplicable, Reason: "no NIC backed by a device (only software interfaces)"}
}

// noQueueIRQDrivers are NIC drivers without per-queue interrupts: Hyper-V's
// netvsc is signalled through VMBus channel interrupts (the per-CPU HYP
// row of /proc/interrupts), never through vectors of its own.
var noQueueIRQDrivers = map[string]bool{"hv_netvsc": true, "netvsc": true}

// noQueueMap is the verdict of a NIC check when no device-backed NIC has a
// queue vector: not-applicable when every one of them runs a driver that
// has no per-queue interrupts, else not-evaluated (the vectors could not
// be matched).
func (ev *Evidence) noQueueMap() Result {
	var drivers []string
	for _, nl := range ev.NICs {
		if !nl.Physical {
			continue
		}
		if nl.NIC == nil || !noQueueIRQDrivers[nl.NIC.Driver] {
			return Result{Verdict: NotEvaluated, Reason: "no IRQ to NIC map: no interrupt line could be matched to a NIC queue"}
		}
		drivers = append(drivers, nl.NIC.Driver)
	}
	return Result{Verdict: NotApplicable, Reason: "the NICs' drivers (" + strings.Join(slices.Compact(drivers), ", ") + ") have no per-queue interrupts"}
}

// activeNICs returns the device-backed NICs with active receive queue
// IRQs, in the view's order, and how many device-backed NICs there are.
func activeNICs(ev *Evidence) (active []*hostview.NICLoad, physical int) {
	for _, nl := range ev.NICs {
		if !nl.Physical || nl.NIC == nil {
			continue
		}
		physical++
		if len(nl.ActiveIRQs) > 0 {
			active = append(active, nl)
		}
	}
	return active, physical
}

// noActiveNIC is the verdict of a queue check that found no NIC to judge:
// no device-backed NIC, no interrupts read, or no active receive queue.
// ok is false when some NIC has active queues.
func noActiveNIC(ev *Evidence, active []*hostview.NICLoad, physical int) (r Result, ok bool) {
	switch {
	case physical == 0:
		return ev.noDeviceNIC(), true
	case len(active) > 0:
		return Result{}, false
	case len(ev.Now.Interrupts.IRQs) == 0:
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputInterrupts, "")}, true
	}
	return Result{Verdict: Pass, Reason: "no NIC has an active receive queue " + during(ev)}, true
}
