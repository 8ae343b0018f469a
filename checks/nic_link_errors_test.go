package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// linkHost: ixgbe eth0 at 10 Gb/s full duplex, clean counters, a healthy
// SR optic, carrier_changes 2, 1,000,000 frames received.
func linkErrorsHost() *host.Snapshot {
	s := newHost(4)
	n := addNIC(s, "eth0", "ixgbe", 0, 100, 4, []int{0, 1, 2, 3})
	for _, c := range []string{"rx_crc_errors", "rx_frame_errors", "rx_length_errors"} {
		n.Stats[c] = 0
	}
	n.Stats["rx_packets"] = 1_000_000
	cc := uint64(2)
	n.CarrierChanges, n.Duplex = &cc, "full"
	modes := []string{"1000baseT/Full", "10000baseT/Full"}
	n.Link = &host.LinkModes{Supported: modes, Advertised: modes, PartnerAdvertised: modes}
	warn, alarm := -11.1, -14.0
	n.Module = &host.ModulePower{Identifier: "SFP", RxDBm: []float64{-2.3}, TxDBm: []float64{-2.0}, RxLowWarnDBm: &warn, RxLowAlarmDBm: &alarm}
	return s
}

func TestNICLinkErrors(t *testing.T) {
	cases := []checkCase{
		{
			name: "a few CRC errors are a warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, linkErrorsHost(), func(a *host.Snapshot) {
					a.NIC("eth0").Stats["rx_packets"] += 1_000_000
					a.NIC("eth0").Stats["rx_crc_errors"] += 3
				})
			},
			verdict: Fail, want: "eth0  warning",
		},
		{
			name: "1 in 10,000 damaged is critical (largest, not the sum)",
			pair: func(t *testing.T) *host.Pair {
				return later(t, linkErrorsHost(), func(a *host.Snapshot) {
					n := a.NIC("eth0")
					n.Stats["rx_packets"] += 100_000
					n.Stats["rx_crc_errors"] += 20
					n.Stats["rx_frame_errors"] += 15
				})
			},
			verdict: Fail, want: "eth0  critical",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "20 damaged frames (rx_crc_errors)") {
					t.Errorf("summary %q", o.Findings[0].Summary)
				}
			},
		},
		{
			name: "over 1 damaged frame per second is critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, linkErrorsHost(), func(a *host.Snapshot) {
					a.NIC("eth0").Stats["rx_packets"] += 100_000_000
					a.NIC("eth0").Stats["rx_crc_errors"] += 50
				})
			},
			verdict: Fail, want: "eth0  critical",
		},
		{
			name: "mlx5 symbol errors count",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NIC("eth0").Driver = "mlx5_core"
				s.NIC("eth0").EthtoolStats = map[string]uint64{"rx_symbol_err_phy": 0, "rx_crc_errors_phy": 0}
				return later(t, s, func(a *host.Snapshot) {
					a.NIC("eth0").Stats["rx_packets"] += 1_000_000
					a.NIC("eth0").EthtoolStats["rx_symbol_err_phy"] += 2
				})
			},
			verdict: Fail, want: "eth0  warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "rx_symbol_err_phy") {
					t.Errorf("summary %q", o.Findings[0].Summary)
				}
			},
		},
		{
			name: "length errors point at the MTU too",
			pair: func(t *testing.T) *host.Pair {
				return later(t, linkErrorsHost(), func(a *host.Snapshot) {
					a.NIC("eth0").Stats["rx_packets"] += 1_000_000
					a.NIC("eth0").Stats["rx_length_errors"] += 5
				})
			},
			verdict: Fail, want: "eth0  warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Explanation, "MTU") {
					t.Errorf("explanation %q", o.Findings[0].Explanation)
				}
			},
		},
		{
			name: "carrier_changes grew: a flapping link is critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, linkErrorsHost(), func(a *host.Snapshot) {
					a.NIC("eth0").Stats["rx_packets"] += 1_000_000
					cc := uint64(6)
					a.NIC("eth0").CarrierChanges = &cc
				})
			},
			verdict: Fail, want: "eth0  critical",
		},
		{
			name: "half duplex is a warning",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NIC("eth0").Duplex = "half"
				return later(t, s, func(a *host.Snapshot) { a.NIC("eth0").Stats["rx_packets"] += 1000 })
			},
			verdict: Fail, want: "eth0  warning",
		},
		{
			name: "1 Gb/s where both ends advertise 10 Gb/s is a warning",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NIC("eth0").Speed = 1000
				return later(t, s, func(a *host.Snapshot) { a.NIC("eth0").Stats["rx_packets"] += 1000 })
			},
			verdict: Fail, want: "eth0  warning",
		},
		{
			name: "near miss: a 10G NIC on a 1G switch port is not degraded",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NIC("eth0").Speed = 1000
				s.NIC("eth0").Link.PartnerAdvertised = []string{"100baseT/Full", "1000baseT/Full"}
				return later(t, s, func(a *host.Snapshot) { a.NIC("eth0").Stats["rx_packets"] += 1000 })
			},
			verdict: Pass,
		},
		{
			name: "weak optic below its warning threshold",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NIC("eth0").Module.RxDBm = []float64{-12.5}
				return later(t, s, func(a *host.Snapshot) { a.NIC("eth0").Stats["rx_packets"] += 1000 })
			},
			verdict: Fail, want: "eth0  warning",
		},
		{
			name: "optic below its alarm threshold is critical",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NIC("eth0").Module.RxDBm = []float64{-20}
				return host.Single(s)
			},
			verdict: Fail, want: "eth0  critical",
		},
		{
			name: "kernel log: the link went down twice (one sample: notice)",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.KernelLog = &host.KernelLog{Lines: 900, Events: []host.LogEvent{
					{Kind: host.LogLinkDown, Uptime: 1200.5, Text: "ixgbe 0000:3b:00.0 eth0: NIC Link is Down"},
					{Kind: host.LogLinkUp, Uptime: 1203.1, Text: "ixgbe 0000:3b:00.0 eth0: NIC Link is Up 10 Gbps"},
					{Kind: host.LogLinkDown, Uptime: 8800.0, Text: "ixgbe 0000:3b:00.0 eth0: NIC Link is Down"},
					{Kind: host.LogLinkDown, Uptime: 9000.0, Text: "ixgbe 0000:5e:00.0 eth10: NIC Link is Down"},
				}}
				s.NIC("eth0").PCI = "0000:3b:00.0"
				return host.Single(s)
			},
			verdict: Fail, want: "eth0  notice",
		},
		{
			name: "near miss: one link down in the log is not a finding",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NIC("eth0").PCI = "0000:99:00.0"
				s.KernelLog = &host.KernelLog{Lines: 900, Events: []host.LogEvent{
					{Kind: host.LogLinkDown, Uptime: 1200.5, Text: "ixgbe 0000:99:00.0 eth0: NIC Link is Down"},
					{Kind: host.LogLinkDown, Uptime: 1300.5, Text: "ixgbe 0000:5e:00.0 veth0: NIC Link is Down"},
				}}
				return later(t, s, func(a *host.Snapshot) { a.NIC("eth0").Stats["rx_packets"] += 1000 })
			},
			verdict: Pass,
		},
		{
			name: "one sample: a few CRC errors since boot are not a finding",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NIC("eth0").Stats["rx_crc_errors"] = 7
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "single sample",
		},
		{
			name: "one sample: many CRC errors since boot are a notice",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NIC("eth0").Stats["rx_crc_errors"] = 700
				return host.Single(s)
			},
			verdict: Fail, want: "eth0  notice",
		},
		{
			name: "virtual NICs report no physical layer",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(2)
				addNIC(s, "eth0", "ena", 0, 100, 2, []int{0, 1}).VirtualHW = true
				return later(t, s, nil)
			},
			verdict: NotApplicable, reason: "virtual NICs",
		},
		{
			name: "no statistics: not evaluated, naming the input",
			pair: func(t *testing.T) *host.Pair {
				s := linkErrorsHost()
				s.NICs[0].Stats = nil
				s.AddInput(host.Input{Name: host.InputNICSysfs, Subject: "eth0", Status: host.StatusMissing})
				return later(t, s, nil)
			},
			verdict: NotEvaluated, reason: "nic_sysfs eth0 missing",
		},
		{
			name: "clean link passes",
			pair: func(t *testing.T) *host.Pair {
				return later(t, linkErrorsHost(), func(a *host.Snapshot) { a.NIC("eth0").Stats["rx_packets"] += 1_000_000 })
			},
			verdict: Pass,
		},
	}
	runCases(t, NICLinkErrors, cases)
}
