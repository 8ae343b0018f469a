package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// singleQueueHost is an 8-CPU host whose eth0 has one combined queue (IRQ
// 100 on CPU 0) of maxCombined, RPS off.
func singleQueueHost(ncpu, maxCombined int) *host.Snapshot {
	s := newHost(ncpu)
	n := addNIC(s, "eth0", "igb", 0, 100, 1, []int{0})
	n.Channels = &host.Channels{Combined: 1, MaxCombined: maxCombined}
	n.RPS = map[int][]int{0: nil}
	return s
}

// busyCPU0 makes CPU 0 take 20,000 queue interrupts/s and spend 80 % of
// its time in softirq work over the interval.
func busyCPU0(a *host.Snapshot) {
	irqRate(a, 100, 0, 20000)
	a.Softirqs.Counts["NET_RX"][0] += 50000 * 5
	a.CPUTimes[0].SoftIRQ += 400
	a.CPUTimes[0].Idle += 100
}

func TestFewQueueSaturation(t *testing.T) {
	runCases(t, FewQueueSaturation, []checkCase{
		{name: "saturated single queue, RPS off, no loss: a notice with channels first", verdict: Fail, want: "eth0 0 notice",
			pair: func(t *testing.T) *host.Pair { return later(t, singleQueueHost(8, 8), busyCPU0) },
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				for _, want := range []string{"ethtool -L eth0 combined 8", "echo 000000fe > /sys/class/net/eth0/queues/rx-0/rps_cpus", "rps_flow_cnt", "net.core.rps_sock_flow_entries=32768", "tuned-adm profile", "'[sysctl_eth0-rfs]' 'type=sysctl'", "'[net_eth0]' 'type=net' 'devices=eth0' 'channels=combined 8'"} {
					if !strings.Contains(cmds, want) {
						t.Errorf("commands lack %q:\n%s", want, cmds)
					}
				}
				for _, c := range o.Findings[0].Commands {
					if strings.Contains(c.Run, "rps_cpus") && !strings.HasPrefix(c.Run, "ethtool") && c.Kind == Change {
						t.Errorf("RPS is the alternative when channels can grow, got Change: %s", c.Run)
					}
				}
			}},
		{name: "softnet drops on the queue CPU make it a warning naming the loss", verdict: Fail, want: "eth0 0 warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, singleQueueHost(8, 8), func(a *host.Snapshot) { busyCPU0(a); a.Softnet[0].Dropped += 50 })
			},
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Explanation, "softnet dropped on CPU 0 grew by 50") {
					t.Errorf("explanation does not name the loss: %s", o.Findings[0].Explanation)
				}
			}},
		{name: "fixed channel count: RPS is the fix, no ethtool -L", verdict: Fail, want: "eth0 0 notice",
			pair: func(t *testing.T) *host.Pair { return later(t, singleQueueHost(8, 1), busyCPU0) },
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				if strings.Contains(cmds, "ethtool -L") {
					t.Errorf("a command for a fixed setting:\n%s", cmds)
				}
				found := false
				for _, c := range o.Findings[0].Commands {
					if strings.Contains(c.Run, "/rps_cpus") && c.Kind == Change && !c.Persistent {
						found = true
					}
				}
				if !found {
					t.Errorf("no runtime RPS Change:\n%s", cmds)
				}
			}},
		{name: "many CPUs: the mask is comma-grouped", verdict: Fail, want: "eth0 0 notice",
			pair: func(t *testing.T) *host.Pair { return later(t, singleQueueHost(64, 1), busyCPU0) },
			also: func(t *testing.T, o Outcome) {
				if cmds := commandText(o.Findings[0]); !strings.Contains(cmds, "echo ffffffff,fffffffe > ") {
					t.Errorf("mask not comma-grouped over CPUs 1-63:\n%s", cmds)
				}
			}},
		{name: "RPS already set", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair {
				s := singleQueueHost(8, 1)
				s.NICs[0].RPS = map[int][]int{0: {1, 2, 3}}
				return later(t, s, busyCPU0)
			}, reason: "eth0 spreads with RPS"},
		{name: "queue CPU not saturated, channels fixed", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair {
				return later(t, singleQueueHost(8, 1), func(a *host.Snapshot) { irqRate(a, 100, 0, 2000) })
			}},
		{name: "one sample, channels below maximum: configuration notice", verdict: Fail, want: "eth0 0 notice",
			pair: func(t *testing.T) *host.Pair {
				s := singleQueueHost(8, 8)
				irqCount(s, 100, 0, 1e9)
				return &host.Pair{After: s}
			}},
		{name: "one sample, RPS unknown (sosreport), channels fixed", verdict: Pass, want: "",
			pair: func(t *testing.T) *host.Pair {
				s := singleQueueHost(8, 1)
				s.NICs[0].RPS = nil
				irqCount(s, 100, 0, 1e9)
				return &host.Pair{After: s}
			}},
		{name: "queue CPU load unknown over two samples", verdict: NotEvaluated, want: "", reason: "load of the queue CPUs of eth0 is unknown",
			pair: func(t *testing.T) *host.Pair {
				s := singleQueueHost(8, 1)
				s.CPUTimes, s.Softirqs.Counts = nil, map[string][]uint64{}
				return later(t, s, func(a *host.Snapshot) { irqRate(a, 100, 0, 20000) })
			}},
		{name: "one CPU", verdict: NotApplicable, want: "",
			pair: func(t *testing.T) *host.Pair { return later(t, singleQueueHost(1, 1), busyCPU0) }},
	})
}
