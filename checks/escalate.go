package checks

import (
	"fmt"

	"github.com/netdoctor/netdoctor/internal/hostview"
)

// The rule "a configuration finding never outranks a loss": a setting
// that is merely unusual (a queue count, a placement, a ring, a mask) is a
// notice. It becomes a warning only when a loss grows over the window on
// the same NIC or on the CPUs the setting concerns, and the finding then
// names that loss. A configuration finding is never critical on its own:
// the loss checks rank the loss itself.

// growingLoss is a loss that grew over the two-sample window on a NIC or a CPU.
type growingLoss struct {
	// NIC is the interface, or "" for a CPU's loss; CPU the CPU, or -1.
	NIC string
	CPU int
	// Counter names what grew ("rx_missed_errors", "softnet dropped").
	Counter string
	// Count is its growth over the window.
	Count uint64
}

// String says what grew where: "softnet dropped on CPU 3 grew by 1,234".
func (l growingLoss) String() string {
	where := l.NIC
	if l.NIC == "" {
		where = fmt.Sprintf("CPU %d", l.CPU)
	}
	return fmt.Sprintf("%s on %s grew by %s", l.Counter, where, fmtInt(l.Count))
}

// lossOn returns the loss that justifies a warning for a configuration
// finding about nic (may be "") or cpus: the NIC's hardware or ring loss,
// then softnet drops, then time_squeeze on one of the CPUs. Only growth
// over two samples counts: cumulative totals of one sample are history.
// NIC and softnet losses come from the loss ledger (hostview.Ledger).
func lossOn(ev *Evidence, nic string, cpus []int) (growingLoss, bool) {
	if !ev.TwoSample() {
		return growingLoss{}, false
	}
	// The NIC's adapter and ring loss: the ledger keeps its largest
	// overflow counter as the one row of the NIC layer that is not part of
	// another.
	for _, e := range ev.Ledger.LossesOnNIC(nic) {
		if e.Layer == hostview.LayerNIC {
			return growingLoss{NIC: nic, CPU: -1, Counter: e.Counter, Count: e.Value}, true
		}
	}
	for _, c := range cpus {
		for _, e := range ev.Ledger.LossesOnCPU(c) {
			if e.Layer == hostview.LayerBacklog && e.Counter == "dropped" {
				return growingLoss{CPU: c, Counter: "softnet dropped", Count: e.Value}, true
			}
		}
	}
	// time_squeeze is no loss by itself (the ledger does not add it), but
	// a squeezed CPU under a setting that concentrates work still counts.
	for _, c := range cpus {
		if row := ev.CPU(c); row != nil && row.SoftnetKnown && row.Softnet.TimeSqueeze > 0 {
			return growingLoss{CPU: c, Counter: "softnet time_squeeze", Count: uint64(row.Softnet.TimeSqueeze)}, true
		}
	}
	return growingLoss{}, false
}

// escalate applies the rule to a configuration finding built as a notice:
// with a loss on nic or cpus it becomes a warning that names the loss (a
// figure and a sentence of its explanation).
func escalate(ev *Evidence, f *Finding, nic string, cpus []int) {
	l, ok := lossOn(ev, nic, cpus)
	if !ok {
		if ev.TwoSample() {
			f.Explanation += " No loss grew on this NIC or these CPUs " + during(ev) + ", so it stays a notice."
		} else {
			f.Explanation += " One sample shows no loss growth, so it stays a notice; two samples would show whether a loss grows here."
		}
		return
	}
	f.Severity = Warning
	f.Evidence = append(f.Evidence, figure("loss on the same NIC or CPU", l.String(), "> 0 makes a warning", ev.WindowLabel))
	f.Explanation += " A loss grows where this setting applies (" + l.String() + "), so it is a warning: fix it together with that loss."
}

// nicLoss is lossOn for one NIC alone, as the text a finding names ("" when
// no loss of the NIC grew over the window): the configuration checks that
// judge an adapter's own setting (LRO, its PCI Express link, pause frames)
// weigh it against the NIC's own loss only.
func nicLoss(ev *Evidence, nic string) string {
	if l, ok := lossOn(ev, nic, nil); ok {
		return l.String()
	}
	return ""
}
