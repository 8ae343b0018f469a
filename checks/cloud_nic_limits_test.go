package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// enaHost: an AWS-style guest with ENA eth0 (2.8.3) and its allowance
// counters at zero, 1,000,000 packets received.
func enaHost() *host.Snapshot {
	s := newHost(4)
	n := addNIC(s, "eth0", "ena", 0, 100, 4, []int{0, 1, 2, 3})
	n.VirtualHW, n.DriverVersion, n.Speed = true, "2.8.3g", -1
	n.Stats["rx_packets"] = 1_000_000
	n.EthtoolStats = map[string]uint64{
		"tx_timeout": 0, "bw_in_allowance_exceeded": 0, "bw_out_allowance_exceeded": 0, "pps_allowance_exceeded": 0,
		"conntrack_allowance_exceeded": 0, "linklocal_allowance_exceeded": 0, "conntrack_allowance_available": 120_000,
	}
	return s
}

func TestCloudNICLimits(t *testing.T) {
	grow := func(a *host.Snapshot, packets uint64, counters map[string]uint64) {
		n := a.NIC("eth0")
		n.Stats["rx_packets"] += packets
		for name, g := range counters {
			n.EthtoolStats[name] += g
		}
	}
	cases := []checkCase{
		{
			name: "pps allowance exceeded at 10,000/s is critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, enaHost(), func(a *host.Snapshot) {
					grow(a, 1_000_000, map[string]uint64{"pps_allowance_exceeded": 50_000})
				})
			},
			verdict: Fail, want: "eth0  critical",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(f.Summary, "pps_allowance_exceeded at 10,000/s") {
					t.Errorf("summary %q", f.Summary)
				}
				if strings.Contains(commandText(f), "sysctl") || !strings.Contains(f.Explanation, "instance type") {
					t.Errorf("fix: %q\n%s", f.Explanation, commandText(f))
				}
			},
		},
		{
			name: "a little bandwidth shaping is a warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, enaHost(), func(a *host.Snapshot) {
					grow(a, 1_000_000, map[string]uint64{"bw_out_allowance_exceeded": 40})
				})
			},
			verdict: Fail, want: "eth0  warning",
		},
		{
			name: "conntrack allowance exceeded is critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, enaHost(), func(a *host.Snapshot) {
					grow(a, 1_000_000, map[string]uint64{"conntrack_allowance_exceeded": 3})
					a.NIC("eth0").EthtoolStats["conntrack_allowance_available"] = 0
				})
			},
			verdict: Fail, want: "eth0  critical",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(figureText(o.Findings[0]), "conntrack_allowance_available") {
					t.Errorf("figures:\n%s", figureText(o.Findings[0]))
				}
			},
		},
		{
			name: "link-local allowance names DNS",
			pair: func(t *testing.T) *host.Pair {
				return later(t, enaHost(), func(a *host.Snapshot) {
					grow(a, 1_000_000, map[string]uint64{"linklocal_allowance_exceeded": 7})
				})
			},
			verdict: Fail, want: "eth0  warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Explanation, "DNS") {
					t.Errorf("explanation %q", o.Findings[0].Explanation)
				}
			},
		},
		{
			name: "no growth passes",
			pair: func(t *testing.T) *host.Pair {
				s := enaHost()
				s.NIC("eth0").EthtoolStats["pps_allowance_exceeded"] = 900 // history
				return later(t, s, func(a *host.Snapshot) { grow(a, 1_000_000, nil) })
			},
			verdict: Pass,
		},
		{
			name: "one sample: a cumulative count is a notice since driver load",
			pair: func(t *testing.T) *host.Pair {
				s := enaHost()
				s.NIC("eth0").EthtoolStats["pps_allowance_exceeded"] = 900
				return host.Single(s)
			},
			verdict: Fail, want: "eth0  notice",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "since driver load") {
					t.Errorf("summary %q", o.Findings[0].Summary)
				}
			},
		},
		{
			name: "one sample at zero passes: nothing exceeded since driver load",
			pair: func(t *testing.T) *host.Pair {
				return host.Single(enaHost())
			},
			verdict: Pass,
		},
		{
			name: "an old ENA driver without the counters is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := enaHost()
				s.NIC("eth0").DriverVersion = "2.0.2K"
				s.NIC("eth0").EthtoolStats = map[string]uint64{"tx_timeout": 0, "queue_0_rx_cnt": 5}
				return later(t, s, nil)
			},
			verdict: NotEvaluated, reason: "2.0.2K reports no allowance counters",
		},
		{
			name: "no ethtool -S is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := enaHost()
				s.NIC("eth0").EthtoolStats = nil
				s.AddInput(host.Input{Name: host.InputEthtoolStats, Subject: "eth0", Status: host.StatusMissing})
				return later(t, s, nil)
			},
			verdict: NotEvaluated, reason: "ethtool_stats eth0 missing",
		},
		{
			name: "the names on another driver are never judged",
			pair: func(t *testing.T) *host.Pair {
				s := fifoHost()
				s.NIC("eth2").EthtoolStats["pps_allowance_exceeded"] = 0
				return later(t, s, func(a *host.Snapshot) { a.NIC("eth2").EthtoolStats["pps_allowance_exceeded"] += 500 })
			},
			verdict: NotApplicable, reason: "no cloud NIC",
		},
		{
			name: "gve: not applicable, judged by nic-rx-fifo-missed",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(2)
				addNIC(s, "ens4", "gve", 0, 100, 2, []int{0, 1}).VirtualHW = true
				return later(t, s, nil)
			},
			verdict: NotApplicable, reason: "nic-rx-fifo-missed",
		},
		{
			name: "driver unknown: not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(2)
				addNIC(s, "eth0", "", 0, 100, 2, []int{0, 1})
				s.AddInput(host.Input{Name: host.InputEthtoolInfo, Subject: "eth0", Status: host.StatusMissing})
				return later(t, s, nil)
			},
			verdict: NotEvaluated, reason: "ethtool_info eth0 missing",
		},
		{
			name: "Azure: VF idle while the synthetic path carries traffic",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(4)
				n := addNIC(s, "eth0", "hv_netvsc", -1, 100, 0, nil)
				n.VirtualHW, n.Lower = true, []string{"enP1s1"}
				n.Stats["rx_packets"] = 1000
				n.EthtoolStats = map[string]uint64{"vf_rx_packets": 500, "vf_tx_packets": 400, "rx_comp_busy": 0}
				return later(t, s, func(a *host.Snapshot) { a.NIC("eth0").Stats["rx_packets"] += 200_000 })
			},
			verdict: Fail, want: "eth0  warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "accelerated networking inactive") {
					t.Errorf("summary %q", o.Findings[0].Summary)
				}
			},
		},
		{
			name: "Azure: VF carrying the traffic passes",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(4)
				n := addNIC(s, "eth0", "hv_netvsc", -1, 100, 0, nil)
				n.VirtualHW, n.Lower = true, []string{"enP1s1"}
				n.EthtoolStats = map[string]uint64{"vf_rx_packets": 500}
				return later(t, s, func(a *host.Snapshot) {
					a.NIC("eth0").Stats["rx_packets"] += 200_000
					a.NIC("eth0").EthtoolStats["vf_rx_packets"] += 190_000
				})
			},
			verdict: Pass,
		},
	}
	runCases(t, CloudNICLimits, cases)
}
