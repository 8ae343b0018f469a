package checks

import "fmt"

// configNICLoss is the one place the configuration checks of this file set
// (lro-forwarding, pcie-link-downgrade) ask whether a loss of a NIC grew
// over the window: its adapter overflow counters (HWLoss). It returns the
// loss as text for the finding to name, or "" when none grew or it is
// unknown. A configuration finding is a notice; with such a loss on the
// same NIC it becomes a warning, never more. The shared loss ledger's
// per-NIC query replaces this body when it lands.
func configNICLoss(ev *Evidence, nic string) string {
	nl := ev.NIC(nic)
	if nl == nil || !nl.Loss.Known || nl.Loss.Max == 0 {
		return ""
	}
	return fmt.Sprintf("%s grew by %s (%s)", nl.Loss.MaxName, fmtInt(nl.Loss.Max), ev.WindowLabel)
}
