package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// linkHost is a 4-CPU host with a 1 Gb/s eth0 receiving share of its link.
func linkHost(t *testing.T, share float64, f func(b, a *host.Snapshot)) *host.Pair {
	s := newHost(4)
	n := addNIC(s, "eth0", "igb", 0, 100, 2, []int{0, 1})
	n.Speed = 1000
	n.Stats["rx_bytes"], n.Stats["tx_bytes"] = 1e9, 1e9
	if f != nil {
		f(s, nil)
	}
	return later(t, s, func(a *host.Snapshot) {
		a.NICs[0].Stats["rx_bytes"] += uint64(share * 125e6 * interval.Seconds())
		if f != nil {
			f(nil, a)
		}
	})
}

func TestNICUtilization(t *testing.T) {
	runCases(t, NICUtilization, []checkCase{
		{name: "95 % of a 1 Gb/s link", verdict: Fail, want: "eth0  notice",
			pair: func(t *testing.T) *host.Pair { return linkHost(t, 0.95, nil) }},
		{name: "with a NIC loss: warning", verdict: Fail, want: "eth0  warning",
			pair: func(t *testing.T) *host.Pair {
				return linkHost(t, 0.95, func(b, a *host.Snapshot) {
					if a != nil {
						a.NICs[0].Stats["rx_missed_errors"] += 99
					}
				})
			}},
		{name: "negotiated below a supported 10G mode", verdict: Fail, want: "eth0  notice",
			pair: func(t *testing.T) *host.Pair {
				return linkHost(t, 0.85, func(b, a *host.Snapshot) {
					for _, s := range []*host.Snapshot{a, b} {
						if s != nil {
							s.NICs[0].Link = &host.LinkModes{Supported: []string{"1000baseT/Full", "10000baseT/Full"}}
						}
					}
				})
			},
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Explanation, "supports 10,000 Mb/s") {
					t.Errorf("explanation: %s", o.Findings[0].Explanation)
				}
			}},
		{name: "half the link", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair { return linkHost(t, 0.5, nil) }},
		{name: "no byte counters", verdict: NotEvaluated, want: "", reason: "no byte counters",
			pair: func(t *testing.T) *host.Pair {
				return linkHost(t, 0.95, func(b, a *host.Snapshot) {
					for _, s := range []*host.Snapshot{a, b} {
						if s != nil {
							delete(s.NICs[0].Stats, "rx_bytes")
							delete(s.NICs[0].Stats, "tx_bytes")
						}
					}
				})
			}},
		{name: "one sample", verdict: NotEvaluated, want: "",
			pair: func(t *testing.T) *host.Pair { return &host.Pair{After: linkHost(t, 0.95, nil).After} }},
		{name: "no link speed", verdict: NotApplicable, want: "",
			pair: func(t *testing.T) *host.Pair {
				return linkHost(t, 0.95, func(b, a *host.Snapshot) {
					for _, s := range []*host.Snapshot{a, b} {
						if s != nil {
							s.NICs[0].Speed = -1
						}
					}
				})
			}},
	})
}
