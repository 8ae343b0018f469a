package host

import "strings"

// UnownedQueueVectors lists the interrupts whose action names read as a NIC
// queue vector ("eth0-TxRx-3", "virtio0-input.0", "mlx5_comp2@pci:…") but
// that no NIC of the snapshot owns after MapQueues: evidence that the host
// has queue-serving devices the interface list does not show (a NIC list
// that could not be read, or a sysfs that hides them). Ascending IRQ
// numbers; linear in the total length of the action names.
func UnownedQueueVectors(s *Snapshot) []int {
	owned := make(map[int]bool)
	for i := range s.NICs {
		for _, q := range s.NICs[i].Queues {
			owned[q.IRQ] = true
		}
		for _, m := range s.NICs[i].MiscIRQs {
			owned[m] = true
		}
	}
	var out []int
	for i := range s.Interrupts.IRQs {
		q := &s.Interrupts.IRQs[i]
		if owned[q.Num] {
			continue
		}
		for _, a := range q.Actions {
			// virtioN-virtqueues is any virtio device's shared vector
			// (block, console), not evidence of a NIC.
			if v, ok := anyQueuePattern(a); ok && v.dir != DirTX && !strings.HasSuffix(a, "-virtqueues") {
				out = append(out, q.Num)
				break
			}
		}
	}
	return SortedCPUs(out)
}
