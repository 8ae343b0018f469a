package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// numaHost: the two-socket HT host with eth2 (node 1) on IRQs 140-147,
// queue q effective on aff[q], each at rate/s in the interval.
func numaPair(t *testing.T, aff []int, rate float64, f func(s *host.Snapshot)) *host.Pair {
	s := twoSocketHT()
	addNIC(s, "eth2", "ixgbe", 1, 140, len(aff), aff)
	if f != nil {
		f(s)
	}
	return later(t, s, func(a *host.Snapshot) {
		for q, c := range aff {
			irqRate(a, 140+q, c, rate)
		}
	})
}

func TestNICNUMARemote(t *testing.T) {
	local := []int{8, 9, 10, 11, 12, 13, 14, 15}
	cases := []checkCase{
		{
			name: "every queue on node 0 is a warning",
			pair: func(t *testing.T) *host.Pair {
				return numaPair(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, 1000, nil)
			},
			verdict: Fail, want: "eth2 0-7 warning",
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				if !strings.Contains(cmds, "for p in 140:8 141:9 142:10 143:11 144:12 145:13 146:14 147:15;") {
					t.Errorf("moves do not follow §3 on node 1:\n%s", cmds)
				}
				if !strings.Contains(cmds, "numactl --cpunodebind=1 --membind=1") || !strings.Contains(cmds, "cat /sys/class/net/eth2/device/numa_node") {
					t.Errorf("commands lack the node's values:\n%s", cmds)
				}
				// No thread data: the application is a template to fill in.
				if !strings.Contains(cmds, "taskset -acp 8-15,24-31 <PID>") {
					t.Errorf("no taskset template:\n%s", cmds)
				}
			},
		},
		{
			name: "busy processes on the remote node are named by PID, as options",
			pair: func(t *testing.T) *host.Pair {
				p := numaPair(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, 1000, func(s *host.Snapshot) {
					s.ThreadsKnown = true
					s.Procs = []host.Proc{
						{PID: 13, PPID: 2, Comm: "ksoftirqd/0", Kernel: true, Threads: []host.Thread{{TID: 13, Comm: "ksoftirqd/0", State: "R", CPU: 0, CPUKnown: true}}},
						{PID: 812, PPID: 1, Comm: "sshd", Threads: []host.Thread{{TID: 812, Comm: "sshd", State: "S", CPU: 1, CPUKnown: true}}},
						{PID: 3100, PPID: 1, Comm: "nginx", Threads: []host.Thread{
							{TID: 3100, Comm: "nginx", State: "S", CPU: 2, CPUKnown: true},
							{TID: 3101, Comm: "nginx", State: "R", CPU: 3, CPUKnown: true},
						}},
						{PID: 4000, PPID: 1, Comm: "java", Threads: []host.Thread{{TID: 4000, Comm: "java", State: "R", CPU: 9, CPUKnown: true}}},
						{PID: 5000, PPID: 1, Comm: "postgres", Threads: []host.Thread{{TID: 5000, Comm: "postgres", State: "R", CPU: 20, CPUKnown: true}}},
					}
				})
				ticks := func(share float64) uint64 { return uint64(share * interval.Seconds() * host.ClockTicks) }
				p.After.Procs[0].Threads[0].STime += ticks(0.9)  // a kernel thread: never named
				p.After.Procs[1].Threads[0].UTime += ticks(0.02) // idle: not named
				p.After.Procs[2].Threads[0].UTime += ticks(0.3)
				p.After.Procs[2].Threads[1].UTime += ticks(0.3)
				p.After.Procs[3].Threads[0].UTime += ticks(0.9) // on the NIC's node already
				p.After.Procs[4].Threads[0].UTime += ticks(0.5)
				return p
			},
			verdict: Fail, want: "eth2 0-7 warning",
			also: func(t *testing.T, o Outcome) {
				var tasksets []string
				for _, c := range o.Findings[0].Commands {
					if strings.HasPrefix(c.Run, "taskset") {
						if c.Kind != Option {
							t.Errorf("%q is a %s, want an option", c.Run, c.Kind)
						}
						tasksets = append(tasksets, c.Run)
					}
				}
				// nginx (60 % in all) before postgres (50 %).
				want := "taskset -acp 8-15,24-31 3100; taskset -acp 8-15,24-31 5000"
				if got := strings.Join(tasksets, "; "); got != want {
					t.Errorf("taskset commands %q, want %q", got, want)
				}
			},
		},
		{
			name: "two of eight remote is a notice",
			pair: func(t *testing.T) *host.Pair {
				return numaPair(t, []int{0, 1, 10, 11, 12, 13, 14, 15}, 1000, nil)
			},
			verdict: Fail, want: "eth2 0-1 notice",
			also: func(t *testing.T, o Outcome) {
				// The remote IRQs go to the free local cores, not to busy ones.
				if cmds := commandText(o.Findings[0]); !strings.Contains(cmds, "for p in 140:8 141:9;") {
					t.Errorf("moves:\n%s", cmds)
				}
			},
		},
		{
			name: "NIC missed growth makes it critical",
			pair: func(t *testing.T) *host.Pair {
				p := numaPair(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, 1000, nil)
				p.After.NICs[0].Stats["rx_missed_errors"] += 500
				return p
			},
			verdict: Fail, want: "eth2 0-7 critical",
		},
		{
			name: "a sub-NUMA node at distance 12 lowers a level",
			pair: func(t *testing.T) *host.Pair {
				return numaPair(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, 1000, func(s *host.Snapshot) {
					s.Topology.Nodes[0].Distances = []int{10, 12}
					s.Topology.Nodes[1].Distances = []int{12, 10}
				})
			},
			verdict: Fail, want: "eth2 0-7 notice",
		},
		{
			name: "more queues than local cores: notice and ethtool -L",
			pair: func(t *testing.T) *host.Pair {
				aff := append(append([]int{}, local...), 0, 1, 2, 3)
				return numaPair(t, aff, 1000, nil)
			},
			verdict: Fail, want: "eth2 0-3 notice",
			also: func(t *testing.T, o Outcome) {
				if cmds := commandText(o.Findings[0]); !strings.Contains(cmds, "ethtool -L eth2 combined 8") {
					t.Errorf("no ethtool -L to the local cores:\n%s", cmds)
				}
			},
		},
		{
			name: "near miss: the remote queue is idle",
			pair: func(t *testing.T) *host.Pair {
				p := numaPair(t, []int{0, 9, 10, 11}, 1000, nil)
				p.After.IRQ(140).Counts = append([]uint64(nil), p.Before.IRQ(140).Counts...)
				irqRate(p.After, 140, 0, 50)
				return p
			},
			verdict: Pass,
		},
		{
			name: "near miss: all local",
			pair: func(t *testing.T) *host.Pair {
				return numaPair(t, local, 1000, nil)
			},
			verdict: Pass,
		},
		{
			name: "single sample: configuration decides",
			pair: func(t *testing.T) *host.Pair {
				s := twoSocketHT()
				addNIC(s, "eth2", "ixgbe", 1, 140, 4, []int{0, 1, 2, 3})
				for q := 0; q < 4; q++ {
					irqCount(s, 140+q, q, 50_000_000)
				}
				return host.Single(s)
			},
			verdict: Fail, want: "eth2 0-3 warning",
		},
		{
			name: "numa_node -1 is not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := twoSocketHT()
				addNIC(s, "eth0", "virtio_net", -1, 140, 4, []int{0, 1, 2, 3})
				return host.Single(s)
			},
			verdict: NotApplicable, reason: "numa_node is -1",
		},
		{
			name: "one node is not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(8)
				addNIC(s, "eth0", "ixgbe", 0, 140, 4, []int{0, 1, 2, 3})
				return host.Single(s)
			},
			verdict: NotApplicable, reason: "one NUMA node",
		},
		{
			name: "unknown nodes are not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(8)
				s.Topology.Nodes = nil
				for i := range s.Topology.CPUs {
					s.Topology.CPUs[i].Node = -1
				}
				s.AddInput(host.Input{Name: host.InputNUMANodes, Status: host.StatusMissing, Reason: "numa plugin did not run"})
				addNIC(s, "eth0", "ixgbe", 1, 140, 4, []int{0, 1, 2, 3})
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "numa plugin did not run",
		},
	}
	runCases(t, NICNUMARemote, cases)
}
