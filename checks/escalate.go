package checks

import "fmt"

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
// The body reads the view's loss data; the loss ledger can replace it.
func lossOn(ev *Evidence, nic string, cpus []int) (growingLoss, bool) {
	if !ev.TwoSample() {
		return growingLoss{}, false
	}
	if nl := ev.NIC(nic); nl != nil && nl.Loss.Max > 0 {
		return growingLoss{NIC: nic, CPU: -1, Counter: nl.Loss.MaxName, Count: nl.Loss.Max}, true
	}
	var squeeze growingLoss
	for _, c := range cpus {
		row := ev.CPU(c)
		if row == nil || !row.SoftnetKnown {
			continue
		}
		if row.Softnet.Dropped > 0 {
			return growingLoss{CPU: c, Counter: "softnet dropped", Count: uint64(row.Softnet.Dropped)}, true
		}
		if row.Softnet.TimeSqueeze > 0 && squeeze.Count == 0 {
			squeeze = growingLoss{CPU: c, Counter: "softnet time_squeeze", Count: uint64(row.Softnet.TimeSqueeze)}
		}
	}
	return squeeze, squeeze.Count > 0
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
