package checks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// hashHost has eth0 with 4 queues on CPUs 0-3; rates are interrupts/s per
// queue, pkts (when set) packets/s per queue in ethtool -S.
func hashHost(t *testing.T, rates []float64, pkts []uint64, f func(a *host.Snapshot)) *host.Pair {
	s := newHost(4)
	n := addNIC(s, "eth0", "ixgbe", 0, 100, len(rates), []int{0, 1, 2, 3})
	if pkts != nil {
		n.EthtoolStats = map[string]uint64{}
		for q := range pkts {
			n.EthtoolStats[fmt.Sprintf("rx_queue_%d_packets", q)] = 1000
		}
	}
	return later(t, s, func(a *host.Snapshot) {
		for q, r := range rates {
			irqRate(a, 100+q, q, r)
		}
		for q, p := range pkts {
			a.NICs[0].EthtoolStats[fmt.Sprintf("rx_queue_%d_packets", q)] += p * 5
		}
		if f != nil {
			f(a)
		}
	})
}

func TestRSSQueueImbalance(t *testing.T) {
	runCases(t, RSSQueueImbalance, []checkCase{
		{name: "one queue takes 70 % of the packets", verdict: Fail, want: "eth0 0 notice",
			pair: func(t *testing.T) *host.Pair {
				return hashHost(t, []float64{3000, 1000, 1000, 1000}, []uint64{70000, 10000, 10000, 10000}, nil)
			},
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "70 % of received packets") {
					t.Errorf("summary %q", o.Findings[0].Summary)
				}
				if cmds := commandText(o.Findings[0]); !strings.Contains(cmds, "ethtool -X eth0 equal 4") || !strings.Contains(cmds, "echo 0000000e > ") {
					t.Errorf("commands:\n%s", cmds)
				}
			}},
		{name: "a skewed RSS table is the cause: ethtool -X is the change", verdict: Fail, want: "eth0 0 notice",
			pair: func(t *testing.T) *host.Pair {
				return hashHost(t, []float64{3000, 1000, 1000, 1000}, []uint64{70000, 10000, 10000, 10000}, func(a *host.Snapshot) {
					a.NICs[0].RSSTable = &host.RSSTable{Rings: 4, Entries: []int{0, 0, 0, 0, 0, 1, 2, 3}}
				})
			},
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(f.Summary, "RSS table is skewed") || !strings.Contains(f.Explanation, "ring 0 holds 5 of 8 entries") {
					t.Errorf("summary %q, explanation %q", f.Summary, f.Explanation)
				}
				for _, c := range f.Commands {
					if strings.HasPrefix(c.Run, "ethtool -X eth0 equal 4") && c.Kind != Change {
						t.Errorf("ethtool -X is %s, want a change", c.Kind)
					}
				}
			}},
		{name: "an even RSS table: no ethtool -X", verdict: Fail, want: "eth0 0 notice",
			pair: func(t *testing.T) *host.Pair {
				return hashHost(t, []float64{3000, 1000, 1000, 1000}, []uint64{70000, 10000, 10000, 10000}, func(a *host.Snapshot) {
					a.NICs[0].RSSTable = &host.RSSTable{Rings: 4, Entries: []int{0, 1, 2, 3, 0, 1, 2, 3}}
				})
			},
			also: func(t *testing.T, o Outcome) {
				if cmds := commandText(o.Findings[0]); strings.Contains(cmds, "ethtool -X") {
					t.Errorf("ethtool -X for an even table:\n%s", cmds)
				}
			}},
		{name: "from interrupts when ethtool has no per-queue packets", verdict: Fail, want: "eth0 0 notice",
			pair: func(t *testing.T) *host.Pair { return hashHost(t, []float64{9000, 1000, 1000, 1000}, nil, nil) }},
		{name: "drops on the hot CPU: warning", verdict: Fail, want: "eth0 0 warning",
			pair: func(t *testing.T) *host.Pair {
				return hashHost(t, []float64{9000, 1000, 1000, 1000}, nil, func(a *host.Snapshot) { a.Softnet[0].Dropped += 3 })
			}},
		{name: "even", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair {
				return hashHost(t, []float64{1000, 1000, 1000, 1000}, []uint64{30000, 25000, 25000, 20000}, nil)
			}},
		{name: "half is not more than half", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair { return hashHost(t, []float64{3000, 1000, 1000, 1000}, nil, nil) }},
		{name: "three queues", verdict: NotApplicable, want: "",
			pair: func(t *testing.T) *host.Pair { return hashHost(t, []float64{9000, 100, 100}, nil, nil) }},
	})
}
