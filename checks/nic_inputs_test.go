package checks

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// A sosreport of a VM whose NICs sos could not identify as devices: the
// verdict of every NIC check depends on what the data shows.
func TestNoDeviceNIC(t *testing.T) {
	nicChecks := []*Check{IRQConcentration, NICNUMARemote, NICRxFIFOMissed}
	enaVectors := func(s *host.Snapshot) {
		for q := 0; q < 4; q++ {
			s.Interrupts.IRQs = append(s.Interrupts.IRQs, host.IRQ{Num: 30 + q, Chip: "PCI-MSI", Node: -1,
				Actions: []string{fmt.Sprintf("eth0-Tx-Rx-%d", q)}, Counts: []uint64{1_000_000, 0, 0, 0}})
		}
	}
	for _, tt := range []struct {
		name    string
		build   func() *host.Snapshot
		verdict Verdict
	}{
		{"no interface list, ENA queue vectors", func() *host.Snapshot {
			s := newHost(4)
			enaVectors(s)
			s.Inputs = []host.Input{{Name: host.InputNICs, Status: host.StatusMissing}}
			return s
		}, NotEvaluated},
		{"interface list read, queue vectors no interface owns", func() *host.Snapshot {
			s := newHost(4)
			enaVectors(s)
			s.NICs = []host.NIC{{Name: "br0", Kind: "bridge", NUMANode: -1}}
			s.Inputs = []host.Input{{Name: host.InputNICs, Status: host.StatusOK}}
			return s
		}, NotEvaluated},
		{"no interface list, no queue vectors", func() *host.Snapshot {
			s := newHost(4)
			return s
		}, NotEvaluated},
		{"only software interfaces, no queue vectors", func() *host.Snapshot {
			s := newHost(4)
			s.Interrupts.IRQs = []host.IRQ{{Num: 0, Chip: "IO-APIC", Actions: []string{"timer"}, Counts: make([]uint64, 4), Node: -1}}
			s.NICs = []host.NIC{{Name: "lo", Kind: "loopback", NUMANode: -1}, {Name: "veth1", Kind: "veth", NUMANode: -1}}
			s.Inputs = []host.Input{{Name: host.InputNICs, Status: host.StatusOK}}
			return s
		}, NotApplicable},
		{"a container with the host's vectors", func() *host.Snapshot {
			s := newHost(4)
			enaVectors(s)
			s.Container = true
			s.NICs = []host.NIC{{Name: "eth0", Kind: "veth", NUMANode: -1}}
			s.Inputs = []host.Input{{Name: host.InputNICs, Status: host.StatusOK}}
			return s
		}, NotApplicable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.build()
			host.MapQueues(s)
			for _, c := range nicChecks {
				if o := run(t, c, host.Single(s)); o.Verdict != tt.verdict {
					t.Errorf("%s: %s (%s), want %s", c.ID, o.Verdict, o.Reason, tt.verdict)
				}
			}
		})
	}
}

// Every queue of a multi-queue ENA NIC on vCPU 0, known only from ethtool
// -i and the vector names: the same fault as on bare metal, with the VM
// caveat in the explanation.
func TestIRQConcentrationVirtualNIC(t *testing.T) {
	s := newHost(8)
	s.Virtualization = "kvm"
	s.NICs = []host.NIC{{Name: "eth0", Kind: "physical", Driver: "ena", PCI: "0000:00:05.0", VirtualHW: true, NUMANode: -1, Speed: -1}}
	s.Inputs = []host.Input{{Name: host.InputNICs, Status: host.StatusOK}}
	s.Interrupts.IRQs = append(s.Interrupts.IRQs, host.IRQ{Num: 24, Chip: "PCI-MSI", Node: -1,
		Actions: []string{"ena-mgmnt@pci:0000:00:05.0"}, Counts: make([]uint64, 8)})
	for q := 0; q < 4; q++ {
		c := make([]uint64, 8)
		c[0] = 500_000_000
		s.Interrupts.IRQs = append(s.Interrupts.IRQs, host.IRQ{Num: 25 + q, Chip: "PCI-MSI", Node: -1,
			Actions: []string{fmt.Sprintf("eth0-Tx-Rx-%d", q)}, Counts: c})
	}
	host.MapQueues(s)
	o := run(t, IRQConcentration, host.Single(s))
	if o.Verdict != Fail || len(o.Findings) != 1 {
		t.Fatalf("%s (%s) with %d findings, want one", o.Verdict, o.Reason, len(o.Findings))
	}
	f := o.Findings[0]
	if !slices.Equal(f.CPUs, []int{0}) || !strings.Contains(f.Explanation, "virtual machine") {
		t.Errorf("finding %+v", f)
	}
}

// A Hyper-V guest: netvsc has no queue vectors, so the NIC checks do not
// apply; an unknown driver without matched vectors stays not-evaluated.
func TestNoQueueMap(t *testing.T) {
	for _, tt := range []struct {
		driver  string
		verdict Verdict
	}{{"hv_netvsc", NotApplicable}, {"mystery_nic", NotEvaluated}} {
		s := newHost(4)
		s.Interrupts.IRQs = []host.IRQ{{Num: 0, Chip: "IO-APIC", Actions: []string{"timer"}, Counts: make([]uint64, 4), Node: -1}}
		s.NICs = []host.NIC{{Name: "eth0", Kind: "physical", Driver: tt.driver, Device: "6045bd6e-0c6b-4a3b-8f8e-2c4b1e7d9a10", NUMANode: -1, Speed: -1}}
		s.Inputs = []host.Input{{Name: host.InputNICs, Status: host.StatusOK}}
		host.MapQueues(s)
		for _, c := range []*Check{IRQConcentration} {
			if o := run(t, c, host.Single(s)); o.Verdict != tt.verdict {
				t.Errorf("%s %s: %s (%s), want %s", tt.driver, c.ID, o.Verdict, o.Reason, tt.verdict)
			}
		}
	}
}
