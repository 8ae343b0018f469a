package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestLROForwarding(t *testing.T) {
	base := func(forward string, lro host.Feature) *host.Snapshot {
		s := newHost(4)
		s.Sysctls[sysctlIPForward] = forward
		n := addNIC(s, "eth0", "ixgbe", 0, 40, 4, nil)
		n.Features = map[string]host.Feature{host.FeatureLRO: lro, host.FeatureGRO: {On: true}}
		return s
	}
	on := host.Feature{On: true}
	cases := []checkCase{
		{
			name:    "LRO on a router is a notice",
			pair:    func(t *testing.T) *host.Pair { return later(t, base("1", on), nil) },
			verdict: Fail, want: "eth0  notice",
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				for _, w := range []string{"ethtool -K eth0 lro off", "ethtool.feature-lro off", "features=lro off"} {
					if !strings.Contains(cmds, w) {
						t.Errorf("no %q in:\n%s", w, cmds)
					}
				}
			},
		},
		{
			name: "a loss of the same NIC makes it a warning and is named",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base("1", on), func(a *host.Snapshot) { a.NICs[0].Stats["rx_missed_errors"] += 5000 })
			},
			verdict: Fail, want: "eth0  warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "rx_missed_errors") {
					t.Errorf("summary does not name the loss: %s", o.Findings[0].Summary)
				}
			},
		},
		{
			name: "the kernel's refusal is critical",
			pair: func(t *testing.T) *host.Pair {
				s := base("1", on)
				s.KernelLog = &host.KernelLog{Lines: 10, Events: []host.LogEvent{{Kind: host.LogLROForwarding, Uptime: 12.5,
					Text: "eth0: received packets cannot be forwarded while LRO is enabled"}}}
				return host.Single(s)
			},
			verdict: Fail, want: "eth0  critical",
		},
		{
			name:    "fixed LRO gets no ethtool -K",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base("1", host.Feature{On: true, Fixed: true})) },
			verdict: Fail, want: "eth0  notice",
			also: func(t *testing.T, o Outcome) {
				if cmds := commandText(o.Findings[0]); strings.Contains(cmds, "ethtool -K") || strings.Contains(cmds, "nmcli") {
					t.Errorf("a command for a fixed feature:\n%s", cmds)
				}
			},
		},
		{
			name: "a bridge port counts as forwarding",
			pair: func(t *testing.T) *host.Pair {
				s := base("0", on)
				s.NICs = append(s.NICs, host.NIC{Name: "br0", Kind: host.KindBridge, Lower: []string{"eth0"}, Speed: -1, NUMANode: -1})
				return host.Single(s)
			},
			verdict: Fail, want: "eth0  notice",
		},
		{
			name:    "near miss: LRO off on a router passes",
			pair:    func(t *testing.T) *host.Pair { return later(t, base("1", host.Feature{}), nil) },
			verdict: Pass,
		},
		{
			name:    "near miss: LRO on a host that does not forward",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base("0", on)) },
			verdict: NotApplicable, reason: "neither forwards",
		},
		{
			name: "features not read",
			pair: func(t *testing.T) *host.Pair {
				s := base("1", on)
				s.NICs[0].Features = nil
				return host.Single(s)
			},
			verdict: NotEvaluated,
		},
	}
	runCases(t, LROForwarding, cases)
}
