package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// steeringHost is a 4-CPU host with one 4-queue NIC of driver whose
// queues/ were read (queues false: a sosreport's missing nic_queues),
// with rps_flow_cnt flow on every RX queue and XPS set or not.
func steeringHost(driver string, queues bool, flow int, xps bool) *host.Snapshot {
	s := newHost(4)
	n := addNIC(s, "eth0", driver, 0, 40, 4, []int{0, 1, 2, 3})
	n.RXQueues, n.TXQueues = 4, 4
	if !queues {
		s.Inputs = append(s.Inputs, host.Input{Name: host.InputNICQueues, Subject: "eth0", Status: host.StatusMissing,
			Reason: "sosreport does not collect sys/class/net/*/queues/"})
		return s
	}
	s.Inputs = append(s.Inputs, host.Input{Name: host.InputNICQueues, Subject: "eth0", Status: host.StatusOK})
	n.RPSFlowCnt, n.XPS = map[int]int{}, map[int][]int{}
	for q := 0; q < 4; q++ {
		n.RPSFlowCnt[q] = flow
		n.XPS[q] = nil
		if xps {
			n.XPS[q] = []int{q}
		}
	}
	n.Features = map[string]host.Feature{host.FeatureNtuple: {}}
	return s
}

func TestRFSHalfConfigured(t *testing.T) {
	with := func(entries string, flow int, queues bool) func(t *testing.T) *host.Pair {
		return func(t *testing.T) *host.Pair {
			s := steeringHost("ixgbe", queues, flow, true)
			s.Sysctls[sysctlRFSEntries] = entries
			return host.Single(s)
		}
	}
	runCases(t, RFSHalfConfigured, []checkCase{
		{name: "table without flow counts", pair: with("32768", 0, true), verdict: Fail, want: "net.core.rps_sock_flow_entries  notice",
			also: func(t *testing.T, o Outcome) {
				if c := commandText(o.Findings[0]); !strings.Contains(c, "echo 8192 > /sys/class/net/eth0/queues/rx-3/rps_flow_cnt") {
					t.Errorf("commands:\n%s", c)
				}
			}},
		{name: "flow counts without a table", pair: with("0", 2048, true), verdict: Fail, want: "eth0  notice"},
		{name: "near miss: both set", pair: with("32768", 8192, true), verdict: Pass},
		{name: "near miss: both off", pair: with("0", 0, true), verdict: Pass},
		{name: "sosreport: queues not collected", pair: with("32768", 0, false), verdict: NotEvaluated, reason: "sosreport does not collect sys/class/net/*/queues/"},
	})
}

func TestXPSUnset(t *testing.T) {
	with := func(driver string, xps, queues bool) func(t *testing.T) *host.Pair {
		return func(t *testing.T) *host.Pair { return host.Single(steeringHost(driver, queues, 0, xps)) }
	}
	runCases(t, XPSUnset, []checkCase{
		{name: "igb without XPS", pair: with("igb", false, true), verdict: Fail, want: "eth0  notice",
			also: func(t *testing.T, o Outcome) {
				if c := commandText(o.Findings[0]); !strings.Contains(c, "echo 00000008 > /sys/class/net/eth0/queues/tx-3/xps_cpus") || !strings.Contains(c, "type=sysfs") {
					t.Errorf("commands:\n%s", c)
				}
			}},
		{name: "near miss: XPS set", pair: with("ixgbe", true, true), verdict: Pass},
		{name: "netvsc picks its own queues", pair: with("hv_netvsc", false, true), verdict: NotApplicable},
		{name: "sosreport", pair: with("igb", false, false), verdict: NotEvaluated, reason: "sosreport does not collect sys/class/net/*/queues/"},
	})
}

func TestNtupleOffRFS(t *testing.T) {
	with := func(driver string, ntuple host.Feature, flow int) func(t *testing.T) *host.Pair {
		return func(t *testing.T) *host.Pair {
			s := steeringHost(driver, true, flow, true)
			s.Sysctls[sysctlRFSEntries] = "32768"
			s.NICs[0].Features[host.FeatureNtuple] = ntuple
			return host.Single(s)
		}
	}
	runCases(t, NtupleOffRFS, []checkCase{
		{name: "mlx5 with RFS and ntuple off", pair: with("mlx5_core", host.Feature{}, 8192), verdict: Fail, want: "eth0  notice",
			also: func(t *testing.T, o Outcome) {
				if c := commandText(o.Findings[0]); !strings.Contains(c, "ethtool -K eth0 ntuple on") {
					t.Errorf("commands:\n%s", c)
				}
			}},
		{name: "near miss: ntuple on", pair: with("mlx5_core", host.Feature{On: true}, 8192), verdict: Pass},
		{name: "near miss: ntuple fixed", pair: with("mlx5_core", host.Feature{Fixed: true}, 8192), verdict: Pass},
		{name: "near miss: ixgbe has no aRFS", pair: with("ixgbe", host.Feature{}, 8192), verdict: NotApplicable},
		{name: "near miss: RFS not on the NIC's queues", pair: with("mlx5_core", host.Feature{}, 0), verdict: NotApplicable},
	})
}

func TestBusyPollGlobal(t *testing.T) {
	with := func(read, poll string, tuned *host.Tuned) func(t *testing.T) *host.Pair {
		return func(t *testing.T) *host.Pair {
			s := newHost(4)
			s.Sysctls[sysctlBusyRead], s.Sysctls[sysctlBusyPoll] = read, poll
			s.Tuned = tuned
			return host.Single(s)
		}
	}
	latency := &host.Tuned{Installed: true, Active: "network-latency", ProfileSysctls: map[string]string{sysctlBusyRead: "50", sysctlBusyPoll: "50"}}
	runCases(t, BusyPollGlobal, []checkCase{
		{name: "set by hand", pair: with("50", "50", nil), verdict: Fail, want: "net.core.busy_read  notice",
			also: func(t *testing.T, o Outcome) {
				if c := commandText(o.Findings[0]); !strings.Contains(c, "sysctl -w net.core.busy_read=0 net.core.busy_poll=0") {
					t.Errorf("commands:\n%s", c)
				}
			}},
		{name: "near miss: the latency profile sets it", pair: with("50", "50", latency), verdict: Pass, reason: "network-latency"},
		{name: "near miss: off", pair: with("0", "0", nil), verdict: Pass},
		{name: "a profile that sets other values", pair: with("100", "0", latency), verdict: Fail, want: "net.core.busy_read  notice"},
	})
}

func TestTunedProfileDrift(t *testing.T) {
	no, yes := false, true
	with := func(tu *host.Tuned, sysctls map[string]string) func(t *testing.T) *host.Pair {
		return func(t *testing.T) *host.Pair {
			s := newHost(4)
			for k, v := range sysctls {
				s.Sysctls[k] = v
			}
			s.Tuned = tu
			return host.Single(s)
		}
	}
	runCases(t, TunedProfileDrift, []checkCase{
		{name: "verify failed with a drift line", pair: with(&host.Tuned{Installed: true, Active: "throughput-performance", Verified: &no,
			Drift: []string{"'net.core.busy_read' = '50', expected '0'"}}, nil), verdict: Fail, want: "tuned throughput-performance  notice"},
		{name: "running sysctl differs from the profile file", pair: with(&host.Tuned{Installed: true, Active: "network-latency",
			ProfileSysctls: map[string]string{sysctlBusyPoll: "50"}}, map[string]string{sysctlBusyPoll: "0"}), verdict: Fail, want: "tuned network-latency  notice"},
		{name: "auto mode and another recommendation", pair: with(&host.Tuned{Installed: true, Active: "virtual-guest", Mode: "auto", Recommended: "throughput-performance", Verified: &yes}, nil),
			verdict: Fail, want: "tuned virtual-guest  notice"},
		{name: "near miss: chosen by hand", pair: with(&host.Tuned{Installed: true, Active: "network-latency", Mode: "manual", Recommended: "throughput-performance", Verified: &yes}, nil),
			verdict: Pass, reason: "chosen by hand"},
		{name: "near miss: only sysctls the kernel lacks", pair: with(&host.Tuned{Installed: true, Active: "balanced", Verified: &no,
			Drift: []string{"'kernel.yama.ptrace_scope' = 'None', expected '1'"}}, nil), verdict: Pass},
		{name: "not installed", pair: with(&host.Tuned{}, nil), verdict: NotApplicable},
		{name: "unknown", pair: with(nil, nil), verdict: NotEvaluated},
	})
}
