package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestMSIXDisabled(t *testing.T) {
	off, on := false, true
	// base: a 10G NIC with MSI-X off in lspci (table of 64), one queue on
	// an MSI vector served on CPU 2.
	base := func(msix *bool, count int) *host.Snapshot {
		s := newHost(4)
		n := addNIC(s, "eth0", "ixgbe", 0, 40, 1, []int{2})
		n.Channels = &host.Channels{Combined: 1, MaxCombined: 1}
		n.PCIe = &host.PCIeLink{Speed: 8, Width: 8, MaxSpeed: 8, MaxWidth: 8, MSIX: msix, MSIXCount: count, MSI: &on}
		return s
	}
	legacy := func(s *host.Snapshot) *host.Snapshot {
		n := &s.NICs[0]
		s.Interrupts.IRQs = append(s.Interrupts.IRQs, host.IRQ{Num: 16, Chip: "IO-APIC", HWIRQ: "16", Trigger: "fasteoi",
			Actions: []string{"ehci_hcd:usb1", "eth0"}, Counts: make([]uint64, 4), Effective: []int{0}})
		n.Queues, n.MSIIRQs, n.PCIe = nil, nil, nil
		n.Channels = &host.Channels{Combined: 1, MaxCombined: 63}
		return s
	}
	cases := []checkCase{
		{
			name:    "MSI-X off with a table of 64 is a notice",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(&off, 64), nil) },
			verdict: Fail, want: "eth0 2 notice",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(f.Summary, "MSI-X disabled (one MSI vector)") || !strings.Contains(f.Explanation, "can have 64 vectors") {
					t.Errorf("summary %q\nexplanation %q", f.Summary, f.Explanation)
				}
				if !strings.Contains(figureText(f), "Enable- Count=64") {
					t.Errorf("figures:\n%s", figureText(f))
				}
				for _, c := range f.Commands {
					if c.Kind != Verify {
						t.Errorf("a change without pci=nomsi: %s", c.Run)
					}
				}
			},
		},
		{
			name: "with softnet drops on its CPU it is a warning naming the loss",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(&off, 64), func(a *host.Snapshot) { a.Softnet[2].Dropped += 500 })
			},
			verdict: Fail, want: "eth0 2 warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Explanation, "softnet dropped on CPU 2") {
					t.Errorf("explanation: %s", o.Findings[0].Explanation)
				}
			},
		},
		{
			name: "pci=nomsi is named and its removal is the change",
			pair: func(t *testing.T) *host.Pair {
				s := base(&off, 64)
				s.CmdLine = "BOOT_IMAGE=/vmlinuz ro pci=noaer,nomsi quiet"
				return host.Single(s)
			},
			verdict: Fail, want: "eth0 2 notice",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(commandText(o.Findings[0]), "--remove-args=pci=nomsi") {
					t.Errorf("commands:\n%s", commandText(o.Findings[0]))
				}
			},
		},
		{
			name:    "a legacy IO-APIC line shared with USB, channel maximum 63",
			pair:    func(t *testing.T) *host.Pair { return host.Single(legacy(base(nil, 0))) },
			verdict: Fail, want: "eth0 0 notice",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Explanation, "shared with ehci_hcd:usb1, eth0") {
					t.Errorf("explanation: %s", o.Findings[0].Explanation)
				}
			},
		},
		{
			name:    "near miss: MSI-X enabled passes",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(&on, 64)) },
			verdict: Pass,
		},
		{
			name:    "near miss: MSI-X off on a function with a table of one and one channel",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(&off, 1)) },
			verdict: Pass,
		},
		{
			name: "near miss: several queue vectors already",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(4)
				n := addNIC(s, "eth0", "ixgbe", 0, 40, 4, nil)
				n.PCIe = &host.PCIeLink{Speed: 8, Width: 8, MaxSpeed: 8, MaxWidth: 8, MSIX: &off, MSIXCount: 64}
				return host.Single(s)
			},
			verdict: Pass,
		},
		{
			name: "live without lspci or a legacy line is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := base(nil, 0)
				s.Source = "live"
				s.NICs[0].PCIe, s.NICs[0].MSIIRQs, s.NICs[0].Queues = nil, nil, nil
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "not read live",
		},
		{
			name: "a VM's NIC is not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := base(&off, 64)
				s.NICs[0].VirtualHW = true
				return host.Single(s)
			},
			verdict: NotApplicable,
		},
	}
	runCases(t, MSIXDisabled, cases)
}
