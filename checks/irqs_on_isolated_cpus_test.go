package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// isoHost is an 8-CPU host isolating CPUs 4-7, eth0 with 4 queues whose
// IRQs sit on aff.
func isoHost(aff []int, isolated []int) *host.Snapshot {
	s := newHost(8)
	s.Topology.Isolated = isolated
	s.CmdLine = "ro isolcpus=4-7"
	addNIC(s, "eth0", "ixgbe", 0, 100, len(aff), aff)
	return s
}

func TestIRQsOnIsolatedCPUs(t *testing.T) {
	runCases(t, IRQsOnIsolatedCPUs, []checkCase{
		{name: "one queue IRQ on an isolated CPU, one sample", verdict: Fail, want: "eth0 5 notice",
			pair: func(t *testing.T) *host.Pair { return &host.Pair{After: isoHost([]int{0, 1, 2, 5}, []int{4, 5, 6, 7})} },
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				if !strings.Contains(cmds, "IRQBALANCE_BANNED_CPULIST=4-7") || !strings.Contains(cmds, "irqaffinity=0-3") || !strings.Contains(cmds, "/proc/irq/103/smp_affinity_list") {
					t.Errorf("commands:\n%s", cmds)
				}
			}},
		{name: "RPS mask reaching isolated CPUs", verdict: Fail, want: "eth0 6-7 notice",
			pair: func(t *testing.T) *host.Pair {
				s := isoHost([]int{0, 1, 2, 3}, []int{4, 5, 6, 7})
				s.NICs[0].RPS = map[int][]int{0: {1, 2, 6, 7}, 1: {1, 2}}
				return &host.Pair{After: s}
			},
			also: func(t *testing.T, o Outcome) {
				if cmds := commandText(o.Findings[0]); !strings.Contains(cmds, "echo 00000006 > /sys/class/net/eth0/queues/rx-0/rps_cpus") {
					t.Errorf("commands:\n%s", cmds)
				}
			}},
		{name: "interrupts growing on an isolated CPU with drops there: warning", verdict: Fail, want: "eth0 4 warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, isoHost([]int{0, 1, 2, 3}, []int{4, 5, 6, 7}), func(a *host.Snapshot) {
					irqRate(a, 100, 4, 5000)
					a.Softnet[4].Dropped += 2
				})
			}},
		{name: "queues on housekeeping CPUs", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair { return &host.Pair{After: isoHost([]int{0, 1, 2, 3}, []int{4, 5, 6, 7})} }},
		{name: "nothing isolated", verdict: NotApplicable, want: "",
			pair: func(t *testing.T) *host.Pair { return &host.Pair{After: isoHost([]int{0, 1, 2, 5}, nil)} }},
	})
}
