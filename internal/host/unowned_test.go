package host

import (
	"slices"
	"testing"
)

func TestUnownedQueueVectors(t *testing.T) {
	irq := func(num int, actions ...string) IRQ {
		return IRQ{Num: num, Chip: "PCI-MSI", Actions: actions, Node: -1}
	}
	for _, tt := range []struct {
		name string
		nics []NIC
		irqs []IRQ
		want []int
	}{
		{"no NICs, ENA-style queue vectors", nil,
			[]IRQ{irq(24, "ena-mgmnt@pci:0000:00:05.0"), irq(25, "eth0-Tx-Rx-0"), irq(26, "eth0-Tx-Rx-1")}, []int{25, 26}},
		{"virtio input vectors, TX and block vectors are no evidence", nil,
			[]IRQ{irq(29, "virtio0-input.0"), irq(30, "virtio0-output.0"), irq(25, "virtio1-virtqueues"), irq(27, "virtio2-req.0")}, []int{29}},
		{"owned by a NIC", []NIC{{Name: "eth0", Kind: "physical", NUMANode: -1}},
			[]IRQ{irq(25, "eth0-TxRx-0"), irq(26, "eth0-TxRx-1")}, nil},
		{"storage and timers", nil,
			[]IRQ{irq(0, "timer"), irq(40, "nvme0q1"), irq(41, "ahci[0000:00:17.0]"), irq(42, "i8042")}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Snapshot{NICs: tt.nics, Interrupts: Interrupts{CPUs: []int{0, 1}, IRQs: tt.irqs}}
			MapQueues(s)
			if got := UnownedQueueVectors(s); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// The chip column names the PCI function: ENA vectors on a kernel with
// per-device MSI domains, mapped without msi_irqs and whatever their names.
func TestMapQueuesChipColumn(t *testing.T) {
	s := &Snapshot{
		NICs: []NIC{{Name: "ens5", Kind: "physical", PCI: "0000:00:05.0", Driver: "ena", NUMANode: -1}},
		Interrupts: Interrupts{CPUs: []int{0, 1}, IRQs: []IRQ{
			{Num: 24, Chip: "PCI-MSIX-0000:00:05.0", Actions: []string{"ena-mgmnt@pci:0000:00:05.0"}},
			{Num: 25, Chip: "PCI-MSIX-0000:00:05.0", Actions: []string{"ens5-Tx-Rx-0"}},
			{Num: 26, Chip: "PCI-MSIX-0000:00:05.0", Actions: []string{"ens5-Tx-Rx-1"}},
			{Num: 27, Chip: "PCI-MSIX-0000:00:06.0", Actions: []string{"nvme0q1"}},
		}},
	}
	MapQueues(s)
	n := &s.NICs[0]
	want := []Queue{{Index: 0, Dir: DirCombined, IRQ: 25, Name: "ens5-Tx-Rx-0"}, {Index: 1, Dir: DirCombined, IRQ: 26, Name: "ens5-Tx-Rx-1"}}
	if n.QueueMap != QueueMapChip || !slices.Equal(n.Queues, want) || !slices.Equal(n.MiscIRQs, []int{24}) {
		t.Errorf("map %q queues %+v misc %v", n.QueueMap, n.Queues, n.MiscIRQs)
	}
	for _, tt := range []struct{ chip, want string }{
		{"PCI-MSIX-0000:00:05.0", "0000:00:05.0"}, {"PCI-MSI-0000:3B:00.1", "0000:3b:00.1"},
		{"IR-PCI-MSI", ""}, {"IO-APIC", ""}, {"PCI-MSIX-0000:00:05", ""}, {"xen-pirq-msi-x", ""},
	} {
		if got := chipPCI(tt.chip); got != tt.want {
			t.Errorf("chipPCI(%q) = %q, want %q", tt.chip, got, tt.want)
		}
	}
}
