package checks

import (
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestMTUMismatch(t *testing.T) {
	base := func() *host.Snapshot {
		s := newHost(2)
		s.NetStats["Ip"] = map[string]int64{"ReasmFails": 10, "FragFails": 3}
		s.NICs = []host.NIC{
			{Name: "eth0", Kind: "physical", MTU: 1500, NUMANode: -1, Speed: 10000, Stats: map[string]uint64{"rx_length_errors": 4, "rx_packets": 1000}},
			{Name: "eth0.100", Kind: "vlan", MTU: 1500, NUMANode: -1, Speed: -1, Lower: []string{"eth0"}},
		}
		return s
	}
	runCases(t, MTUMismatch, []checkCase{
		{
			name: "length errors growing warn on the NIC",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.NICs[0].Stats = map[string]uint64{"rx_length_errors": 40, "rx_packets": 2000}
				})
			},
			verdict: Fail, want: "eth0  warning",
		},
		{
			name: "reassembly failures growing warn",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.NetStats["Ip"] = map[string]int64{"ReasmFails": 90, "FragFails": 3} })
			},
			verdict: Fail, want: "mtu  warning",
		},
		{
			name: "a VLAN above its parent's MTU warns from one sample",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.NICs[1].MTU = 9000
				return host.Single(s)
			},
			verdict: Fail, want: "eth0.100  warning",
		},
		{
			name: "FragFails alone passes",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.NetStats["Ip"] = map[string]int64{"ReasmFails": 10, "FragFails": 30} })
			},
			verdict: Pass,
		},
		{
			name:    "one sample: not evaluated",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base()) },
			verdict: NotEvaluated, reason: "single sample",
		},
	})
}
