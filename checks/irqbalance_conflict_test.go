package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// ibHost runs irqbalance over an 8-CPU host with eth0's 4 queues pinned
// to CPUs 0-3.
func ibHost(banned, bannedIRQs []int) *host.Snapshot {
	s := newHost(8)
	s.Irqbalance = host.Irqbalance{Known: true, Running: true, Banned: banned, BannedIRQs: bannedIRQs, Evidence: "ps"}
	addNIC(s, "eth0", "ixgbe", 0, 100, 4, []int{0, 1, 2, 3})
	for i := range s.Interrupts.IRQs {
		q := &s.Interrupts.IRQs[i]
		q.Affinity = []int{q.Effective[0]}
	}
	return s
}

// movedPair moves IRQ 101 from CPU 1 to CPU 5 over a window of secs.
func movedPair(t *testing.T, s *host.Snapshot, secs int) *host.Pair {
	after := clone(t, s)
	after.Time = s.Time.Add(time.Duration(secs) * time.Second)
	q := after.IRQ(101)
	q.Affinity, q.Effective = []int{5}, []int{5}
	p, err := host.NewPair(s, after)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIrqbalanceConflict(t *testing.T) {
	runCases(t, IrqbalanceConflict, []checkCase{
		{name: "a queue IRQ moved over 15 s", verdict: Fail, want: "irqbalance 1,5 notice",
			pair: func(t *testing.T) *host.Pair { return movedPair(t, ibHost(nil, nil), 15) },
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				if !strings.Contains(cmds, `IRQBALANCE_ARGS="--banirq=101"`) || strings.Contains(cmds, "BANNED_CPULIST=") {
					t.Errorf("commands:\n%s", cmds)
				}
			}},
		{name: "a 5 s window cannot see moves", verdict: Pass, want: "", reason: "shorter than its 10 s pass",
			pair: func(t *testing.T) *host.Pair { return movedPair(t, ibHost(nil, nil), 5) }},
		{name: "pinned to a banned CPU without --banirq", verdict: Fail, want: "irqbalance 2 notice",
			pair: func(t *testing.T) *host.Pair { return &host.Pair{After: ibHost([]int{2, 3}, []int{103})} }},
		{name: "stale --banirq numbers", verdict: Fail, want: "irqbalance  notice",
			pair: func(t *testing.T) *host.Pair { return &host.Pair{After: ibHost(nil, []int{57, 58})} }},
		{name: "bans consistent", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair { return &host.Pair{After: ibHost([]int{2, 3}, []int{102, 103})} }},
		{name: "irqbalance not running", verdict: NotApplicable, want: "",
			pair: func(t *testing.T) *host.Pair {
				s := ibHost(nil, nil)
				s.Irqbalance.Running = false
				return &host.Pair{After: s}
			}},
	})
}
