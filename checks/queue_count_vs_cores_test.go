package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// queuesHost has 4 cores and eth0 with queues combined queues, each on
// CPU q mod 4, all active over the interval.
func queuesHost(t *testing.T, queues int, ch *host.Channels, f func(a *host.Snapshot)) *host.Pair {
	s := newHost(4)
	aff := make([]int, queues)
	for q := range aff {
		aff[q] = q % 4
	}
	n := addNIC(s, "eth0", "ixgbe", 0, 100, queues, aff)
	n.Channels = ch
	return later(t, s, func(a *host.Snapshot) {
		for q := range queues {
			irqRate(a, 100+q, q%4, 3000)
		}
		if f != nil {
			f(a)
		}
	})
}

func TestQueueCountVsCores(t *testing.T) {
	runCases(t, QueueCountVsCores, []checkCase{
		{name: "six queues on four cores", verdict: Fail, want: "eth0 0-3 notice",
			pair: func(t *testing.T) *host.Pair {
				return queuesHost(t, 6, &host.Channels{Combined: 6, MaxCombined: 8}, nil)
			},
			also: func(t *testing.T, o Outcome) {
				if cmds := commandText(o.Findings[0]); !strings.Contains(cmds, "ethtool -L eth0 combined 4") || !strings.Contains(cmds, "channels=combined 4") {
					t.Errorf("commands:\n%s", cmds)
				}
			}},
		{name: "with a ring loss on the NIC: warning", verdict: Fail, want: "eth0 0-3 warning",
			pair: func(t *testing.T) *host.Pair {
				return queuesHost(t, 6, &host.Channels{Combined: 6, MaxCombined: 8}, func(a *host.Snapshot) { a.NICs[0].Stats["rx_missed_errors"] += 10 })
			}},
		{name: "channels not reported: no ethtool -L", verdict: Fail, want: "eth0 0-3 notice",
			pair: func(t *testing.T) *host.Pair { return queuesHost(t, 6, nil, nil) },
			also: func(t *testing.T, o Outcome) {
				if cmds := commandText(o.Findings[0]); strings.Contains(cmds, "ethtool -L") {
					t.Errorf("a command for a setting not reported:\n%s", cmds)
				}
			}},
		{name: "one queue per core", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair {
				return queuesHost(t, 4, &host.Channels{Combined: 4, MaxCombined: 8}, nil)
			}},
	})
}
