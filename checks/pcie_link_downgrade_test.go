package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestPCIeLinkDowngrade(t *testing.T) {
	base := func(link *host.PCIeLink) *host.Snapshot {
		s := newHost(4)
		n := addNIC(s, "eth0", "i40e", 0, 40, 4, nil)
		n.Speed = 40000
		n.PCIe = link
		return s
	}
	x4 := &host.PCIeLink{Speed: 8, Width: 4, MaxSpeed: 8, MaxWidth: 8}
	cases := []checkCase{
		{
			name:    "x4 of x8 is a notice",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(x4), nil) },
			verdict: Fail, want: "eth0  notice",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(f.Summary, "8 GT/s x4, below its 8 GT/s x8") || !strings.Contains(f.Explanation, "less than one port's 40 Gb/s") {
					t.Errorf("summary %q\nexplanation %q", f.Summary, f.Explanation)
				}
				for _, c := range f.Commands {
					if c.Kind != Verify {
						t.Errorf("a command that changes the host: %s", c.Run)
					}
				}
			},
		},
		{
			name: "with a loss on the NIC it is a warning naming the loss",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(x4), func(a *host.Snapshot) { a.NICs[0].Stats["rx_missed_errors"] += 900 })
			},
			verdict: Fail, want: "eth0  warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "rx_missed_errors") {
					t.Errorf("summary: %s", o.Findings[0].Summary)
				}
			},
		},
		{
			name: "a slower speed alone counts",
			pair: func(t *testing.T) *host.Pair {
				return host.Single(base(&host.PCIeLink{Speed: 2.5, Width: 8, MaxSpeed: 8, MaxWidth: 8}))
			},
			verdict: Fail, want: "eth0  notice",
		},
		{
			name: "near miss: trained at capability passes",
			pair: func(t *testing.T) *host.Pair {
				return host.Single(base(&host.PCIeLink{Speed: 8, Width: 8, MaxSpeed: 8, MaxWidth: 8}))
			},
			verdict: Pass,
		},
		{
			name:    "not read",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(nil)) },
			verdict: NotEvaluated,
		},
		{
			name: "a VM's NIC is not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := base(nil)
				s.NICs[0].VirtualHW = true
				return host.Single(s)
			},
			verdict: NotApplicable,
		},
	}
	runCases(t, PCIeLinkDowngrade, cases)
}
