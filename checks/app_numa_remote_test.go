package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// numaAppHost: 8 CPUs on two nodes (0-3, 4-7), eth0 on nicNode with
// queues on that node's first two CPUs; redis-server's thread on cpu uses
// share of a CPU over the interval.
func numaAppHost(t *testing.T, nicNode, cpu int, share float64, f func(a *host.Snapshot)) *host.Pair {
	s := withNodes(newHost(8), []int{0, 1, 2, 3}, []int{4, 5, 6, 7})
	base := 4 * nicNode
	addNIC(s, "eth0", "ixgbe", nicNode, 100, 2, []int{base, base + 1})
	s.ThreadsKnown = true
	s.Procs = []host.Proc{
		{PID: 4972, PPID: 1, Comm: "redis-server", Cmdline: "/usr/bin/redis-server", Threads: []host.Thread{
			{TID: 4972, Comm: "redis-server", State: "R", CPU: cpu, CPUKnown: true}}},
		{PID: 3255, PPID: 1, Comm: "python3", Cmdline: "/usr/bin/python3 -s /usr/sbin/sos report --batch", Threads: []host.Thread{
			{TID: 3255, Comm: "python3", State: "R", CPU: 6, CPUKnown: true}}},
	}
	return later(t, s, func(a *host.Snapshot) {
		irqRate(a, 100, base, 5000)
		irqRate(a, 101, base+1, 5000)
		a.Procs[0].Threads[0].UTime += uint64(share * 500)
		a.Procs[1].Threads[0].UTime += 400
		if f != nil {
			f(a)
		}
	})
}

func TestAppNUMARemote(t *testing.T) {
	runCases(t, AppNUMARemote, []checkCase{
		{name: "redis on node 1, NIC on node 0", verdict: Fail, want: "redis-server 5 notice",
			pair: func(t *testing.T) *host.Pair { return numaAppHost(t, 0, 5, 0.6, nil) },
			also: func(t *testing.T, o Outcome) {
				if cmds := commandText(o.Findings[0]); !strings.Contains(cmds, "taskset -acp 2-3 4972") {
					t.Errorf("commands:\n%s", cmds)
				}
			}},
		{name: "with a NIC loss: warning", verdict: Fail, want: "redis-server 5 warning",
			pair: func(t *testing.T) *host.Pair {
				return numaAppHost(t, 0, 5, 0.6, func(a *host.Snapshot) { a.NICs[0].Stats["rx_missed_errors"] += 5 })
			}},
		{name: "redis on the NIC's node", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair { return numaAppHost(t, 1, 5, 0.6, nil) }},
		{name: "idle app", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair { return numaAppHost(t, 0, 5, 0.02, nil) }},
		{name: "no CPU use known", verdict: NotEvaluated, want: "",
			pair: func(t *testing.T) *host.Pair {
				p := numaAppHost(t, 0, 5, 0.6, nil)
				for _, s := range []*host.Snapshot{p.Before, p.After} {
					for i := range s.Procs {
						for j := range s.Procs[i].Threads {
							s.Procs[i].Threads[j].CPUKnown = false
						}
					}
				}
				q, err := host.NewPair(p.Before, p.After)
				if err != nil {
					t.Fatal(err)
				}
				return q
			}},
		{name: "one node", verdict: NotApplicable, want: "",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(4)
				addNIC(s, "eth0", "ixgbe", 0, 100, 2, []int{0, 1})
				return later(t, s, nil)
			}},
	})
}
