package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// htHost: 8 CPUs, 4 cores with adjacent siblings (0,1) (2,3) (4,5) (6,7).
func htHost() *host.Snapshot {
	return withCores(newHost(8), []int{0, 1}, []int{2, 3}, []int{4, 5}, []int{6, 7})
}

func htPair(t *testing.T, s *host.Snapshot, aff []int, rate float64) *host.Pair {
	addNIC(s, "eth0", "igb", -1, 100, len(aff), aff)
	return later(t, s, func(a *host.Snapshot) {
		for q, c := range aff {
			irqRate(a, 100+q, c, rate)
		}
	})
}

func TestIRQHTSiblings(t *testing.T) {
	cases := []checkCase{
		{
			name:    "4 queues on the threads of 2 cores while 2 cores idle",
			pair:    func(t *testing.T) *host.Pair { return htPair(t, htHost(), []int{0, 1, 2, 3}, 1000) },
			verdict: Fail, want: "eth0 0-3 warning",
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				// keep 100 on CPU 0 and 102 on CPU 2; move 101 and 103 to the free cores 4 and 6.
				if !strings.Contains(cmds, "for p in 101:4 103:6;") || !strings.Contains(cmds, "cpu4/topology/thread_siblings_list") {
					t.Errorf("moves:\n%s", cmds)
				}
				// irqbalance is kept off the CPUs the queues use afterwards.
				if !strings.Contains(cmds, "IRQBALANCE_BANNED_CPULIST=0,2,4,6") {
					t.Errorf("ban list:\n%s", cmds)
				}
			},
		},
		{
			name: "NET_RX at 40k/s on a sibling is critical",
			pair: func(t *testing.T) *host.Pair {
				p := htPair(t, htHost(), []int{0, 1, 2, 3}, 1000)
				p.After.Softirqs.Counts["NET_RX"][1] += 5 * 40000
				return p
			},
			verdict: Fail, want: "eth0 0-3 critical",
		},
		{
			name:    "near miss: one queue per core",
			pair:    func(t *testing.T) *host.Pair { return htPair(t, htHost(), []int{0, 2, 4}, 1000) },
			verdict: Pass,
		},
		{
			name:    "near miss: queues as many as cores (8 queues on 4 cores / 8 threads)",
			pair:    func(t *testing.T) *host.Pair { return htPair(t, htHost(), []int{0, 1, 2, 3, 4, 5, 6, 7}, 1000) },
			verdict: Pass,
		},
		{
			name: "near miss: idle sibling queue does not count",
			pair: func(t *testing.T) *host.Pair {
				s := htHost()
				addNIC(s, "eth0", "igb", -1, 100, 3, []int{0, 2, 1})
				return later(t, s, func(a *host.Snapshot) {
					irqRate(a, 100, 0, 1000)
					irqRate(a, 101, 2, 1000)
					irqRate(a, 102, 1, 20) // idle queue on CPU 0's sibling
				})
			},
			verdict: Pass,
		},
		{
			name: "overlap: CPUs reported by irq-concentration are skipped",
			pair: func(t *testing.T) *host.Pair {
				// IRQs 100-102 on CPU 0 (concentration), 103 on its sibling 1.
				return htPair(t, htHost(), []int{0, 0, 0, 1}, 1000)
			},
			verdict: Pass,
		},
		{
			name: "RPS on the queues (sq_split) makes it a notice",
			pair: func(t *testing.T) *host.Pair {
				s := htHost()
				p := htPair(t, s, []int{0, 1}, 1000)
				p.Before.NICs[0].RPS = map[int][]int{0: {2, 3, 4, 5, 6, 7}}
				p.After.NICs[0].RPS = p.Before.NICs[0].RPS
				return p
			},
			verdict: Fail, want: "eth0 0-1 notice",
		},
		{
			name: "single sample from configuration",
			pair: func(t *testing.T) *host.Pair {
				s := htHost()
				addNIC(s, "eth0", "igb", -1, 100, 2, []int{2, 3})
				irqCount(s, 100, 2, 50_000_000)
				irqCount(s, 101, 3, 50_000_000)
				return host.Single(s)
			},
			verdict: Fail, want: "eth0 2-3 warning",
		},
		{
			name: "SMT off is not applicable",
			pair: func(t *testing.T) *host.Pair {
				return htPair(t, newHost(8), []int{0, 1, 2, 3}, 1000)
			},
			verdict: NotApplicable, reason: "SMT is off",
		},
		{
			name: "unknown siblings are not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(8)
				for i := range s.Topology.CPUs {
					s.Topology.CPUs[i].Siblings = nil
					s.Topology.CPUs[i].Core, s.Topology.CPUs[i].Package = -1, -1
				}
				return htPair(t, s, []int{0, 1}, 1000)
			},
			verdict: NotEvaluated, reason: "siblings unknown",
		},
	}
	runCases(t, IRQHTSiblings, cases)
}

// Two NICs on one node compete for its cores.
func TestIRQHTSiblingsTwoNICs(t *testing.T) {
	s := htHost()
	addNIC(s, "eth0", "igb", -1, 100, 1, []int{4})
	addNIC(s, "eth1", "igb", -1, 110, 1, []int{5})
	p := later(t, s, func(a *host.Snapshot) {
		irqRate(a, 100, 4, 5000)
		irqRate(a, 110, 5, 5000)
	})
	o := run(t, IRQHTSiblings, p)
	if got := keys(o.Findings); got != "eth0 4-5 warning; eth1 4-5 warning" {
		t.Errorf("findings %q", got)
	}
}
