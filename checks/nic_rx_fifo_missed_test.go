package checks

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// fifoHost: eth2 (igb, ring 256 of 4096) with ethtool -S counters.
func fifoHost() *host.Snapshot {
	s := newHost(4)
	n := addNIC(s, "eth2", "igb", -1, 100, 4, []int{0, 1, 2, 3})
	n.Ring = &host.Ring{RX: 256, RXMax: 4096, TX: 256, TXMax: 4096}
	n.Stats["rx_packets"] = 1_000_000
	n.EthtoolStats = map[string]uint64{
		"rx_packets": 1_000_000, "rx_missed_errors": 0, "rx_fifo_errors": 0, "rx_no_buffer_count": 0,
		"rx_queue_0_drops": 0, "rx_queue_1_drops": 0,
	}
	return s
}

func TestNICRxFIFOMissed(t *testing.T) {
	grow := func(a *host.Snapshot, packets, missed, fifo uint64) {
		n := a.NIC("eth2")
		n.Stats["rx_packets"] += packets
		n.Stats["rx_missed_errors"] += missed
		n.Stats["rx_fifo_errors"] += fifo
		n.EthtoolStats["rx_packets"] += packets
		n.EthtoolStats["rx_missed_errors"] += missed
		n.EthtoolStats["rx_fifo_errors"] += fifo
	}
	cases := []checkCase{
		{
			name: "2 % lost in hardware is critical",
			pair: func(t *testing.T) *host.Pair {
				// igb: fifo includes missed; HW is the largest, not the sum.
				return later(t, fifoHost(), func(a *host.Snapshot) { grow(a, 49_000, 800, 1000) })
			},
			verdict: Fail, want: "eth2  critical",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(f.Summary, "1,000 frames lost") || !strings.Contains(f.Summary, "2.0 %") {
					t.Errorf("summary %q (HW must be max(800, 1000) of 50,000)", f.Summary)
				}
				cmds := commandText(f)
				if !strings.Contains(cmds, "ethtool -G eth2 rx 4096") || !strings.Contains(cmds, "ethtool.ring-rx 4096") {
					t.Errorf("no ring advice with the maximum:\n%s", cmds)
				}
				var reset bool
				for _, c := range f.Commands {
					reset = reset || strings.Contains(strings.Join(c.Caveats, " "), "reset the link")
				}
				if !reset {
					t.Error("ethtool -G without the link-reset caveat")
				}
			},
		},
		{
			name: "coalescing is evidence, and a cause when the ring fills before the interrupt",
			pair: func(t *testing.T) *host.Pair {
				off := false
				s := fifoHost()
				// 256 descriptors at 200,000 packets/s last 1,280 µs; the
				// adapter waits 2,000 µs.
				s.NICs[0].Coalesce = &host.Coalesce{AdaptiveRX: &off, RXUsecs: 2000, RXFrames: 0, TXUsecs: 0, TXFrames: 0}
				return later(t, s, func(a *host.Snapshot) { grow(a, 1_000_000, 10, 10) })
			},
			verdict: Fail, want: "eth2  warning",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(figureText(f), "adaptive-rx off, rx-usecs 2000, rx-frames 0") {
					t.Errorf("figures:\n%s", figureText(f))
				}
				if !strings.Contains(f.Explanation, "rx-usecs is 2000 µs, while the 256-descriptor ring fills in about 1280 µs") {
					t.Errorf("explanation: %s", f.Explanation)
				}
			},
		},
		{
			name: "near miss: adaptive coalescing is evidence only",
			pair: func(t *testing.T) *host.Pair {
				on := true
				s := fifoHost()
				s.NICs[0].Coalesce = &host.Coalesce{AdaptiveRX: &on, RXUsecs: 2000, RXFrames: 0, TXUsecs: 0, TXFrames: 0}
				return later(t, s, func(a *host.Snapshot) { grow(a, 1_000_000, 10, 10) })
			},
			verdict: Fail, want: "eth2  warning",
			also: func(t *testing.T, o Outcome) {
				if f := o.Findings[0]; strings.Contains(f.Explanation, "rx-usecs is") || !strings.Contains(figureText(f), "adaptive-rx on") {
					t.Errorf("explanation: %s\nfigures:\n%s", f.Explanation, figureText(f))
				}
			},
		},
		{
			name: "a small loss is a warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, fifoHost(), func(a *host.Snapshot) { grow(a, 1_000_000, 10, 10) })
			},
			verdict: Fail, want: "eth2  warning",
		},
		{
			name: "per-queue drops count as a driver counter",
			pair: func(t *testing.T) *host.Pair {
				return later(t, fifoHost(), func(a *host.Snapshot) {
					grow(a, 1_000_000, 0, 0)
					a.NIC("eth2").EthtoolStats["rx_queue_1_drops"] += 7
				})
			},
			verdict: Fail, want: "eth2  warning",
		},
		{
			name: "only rx_no_buffer_count grew: notice",
			pair: func(t *testing.T) *host.Pair {
				return later(t, fifoHost(), func(a *host.Snapshot) {
					grow(a, 1_000_000, 0, 0)
					a.NIC("eth2").EthtoolStats["rx_no_buffer_count"] += 50
				})
			},
			verdict: Fail, want: "eth2  notice",
		},
		{
			name: "rx_dropped alone with the ring below maximum: notice to find the driver counter",
			pair: func(t *testing.T) *host.Pair {
				return later(t, fifoHost(), func(a *host.Snapshot) {
					grow(a, 1_000_000, 0, 0)
					a.NIC("eth2").Stats["rx_dropped"] += 5000
				})
			},
			verdict: Fail, want: "eth2  notice",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "rx_dropped grew") || !strings.Contains(commandText(o.Findings[0]), "ethtool -S") {
					t.Errorf("summary %q commands %s", o.Findings[0].Summary, commandText(o.Findings[0]))
				}
			},
		},
		{
			name: "rx_dropped alone with the ring at maximum is kernel-side: pass",
			pair: func(t *testing.T) *host.Pair {
				s := fifoHost()
				s.NIC("eth2").Ring.RX = 4096
				return later(t, s, func(a *host.Snapshot) {
					grow(a, 1_000_000, 0, 0)
					a.NIC("eth2").Stats["rx_dropped"] += 5000
				})
			},
			verdict: Pass,
		},
		{
			name: "rx_dropped of a bond slave is by design: pass",
			pair: func(t *testing.T) *host.Pair {
				s := fifoHost()
				s.NICs = append(s.NICs, host.NIC{Name: "bond0", Kind: "bond", Lower: []string{"eth2"}, NUMANode: -1, Speed: -1})
				return later(t, s, func(a *host.Snapshot) {
					grow(a, 1_000_000, 0, 0)
					a.NIC("eth2").Stats["rx_dropped"] += 5000
				})
			},
			verdict: Pass,
		},
		{
			name: "rx_dropped with softnet drops is the backlog's: pass here",
			pair: func(t *testing.T) *host.Pair {
				return later(t, fifoHost(), func(a *host.Snapshot) {
					grow(a, 1_000_000, 0, 0)
					a.NIC("eth2").Stats["rx_dropped"] += 5000
					a.Softnet[1].Dropped += 5000
				})
			},
			verdict: Pass,
		},
		{
			name: "a counter reset is not growth",
			pair: func(t *testing.T) *host.Pair {
				s := fifoHost()
				s.NIC("eth2").Stats["rx_missed_errors"] = 5_000_000
				return later(t, s, func(a *host.Snapshot) { a.NIC("eth2").Stats["rx_missed_errors"] = 3 })
			},
			verdict: NotEvaluated, reason: "went back from 5000000 to 3",
		},
		{
			name: "a 64-bit counter at 2^64-1 is refused, not 3x10^17 drops/s",
			pair: func(t *testing.T) *host.Pair {
				return later(t, fifoHost(), func(a *host.Snapshot) {
					grow(a, 1000, 0, 0)
					a.NIC("eth2").EthtoolStats["rx_missed_errors"] = math.MaxUint64
				})
			},
			verdict: NotEvaluated, reason: "above the",
		},
		{
			name: "a reboot between the samples is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				return later(t, fifoHost(), func(a *host.Snapshot) {
					grow(a, 1000, 0, 0)
					a.BootTime = a.Time.Add(-time.Minute)
				})
			},
			verdict: NotEvaluated, reason: "different boots",
		},
		{
			name: "single sample: cumulative loss is a notice since driver load",
			pair: func(t *testing.T) *host.Pair {
				s := fifoHost()
				s.NIC("eth2").Stats["rx_missed_errors"] = 12345
				return host.Single(s)
			},
			verdict: Fail, want: "eth2  notice",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if f.Confidence != Low || !strings.Contains(figureText(f), "since driver load; since boot (3d 4h)") {
					t.Errorf("confidence %s figures:\n%s", f.Confidence, figureText(f))
				}
			},
		},
		{
			name: "single sample without loss is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				return host.Single(fifoHost())
			},
			verdict: NotEvaluated, reason: "single sample",
		},
		{
			name: "virtio has no FIFO: not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(4)
				n := addNIC(s, "eth0", "virtio_net", -1, 100, 2, []int{0, 1})
				n.Device = "virtio0"
				return later(t, s, nil)
			},
			verdict: NotApplicable, reason: "virtual NICs",
		},
		{
			name: "virtio_net per-queue drops are judged",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(4)
				n := addNIC(s, "eth0", "virtio_net", -1, 100, 2, []int{0, 1})
				n.Device, n.VirtualHW = "virtio0", true
				n.Stats["rx_packets"] = 1000
				n.EthtoolStats = map[string]uint64{"rx_queue_0_drops": 0, "rx_queue_1_drops": 0, "rx_queue_0_packets": 500}
				return later(t, s, func(a *host.Snapshot) {
					a.NIC("eth0").Stats["rx_packets"] += 100_000
					a.NIC("eth0").EthtoolStats["rx_queue_1_drops"] += 30
				})
			},
			verdict: Fail, want: "eth0  warning",
		},
		{
			name: "gve rx_no_buffers_posted[N] at 10,000/s is critical",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(4)
				n := addNIC(s, "ens4", "gve", 0, 100, 2, []int{0, 1})
				n.VirtualHW = true
				n.Stats["rx_packets"] = 1000
				n.EthtoolStats = map[string]uint64{"rx_no_buffers_posted[0]": 0, "rx_no_buffers_posted[1]": 0, "rx_drops_packet_over_mru[0]": 0}
				return later(t, s, func(a *host.Snapshot) {
					a.NIC("ens4").Stats["rx_packets"] += 500_000
					a.NIC("ens4").EthtoolStats["rx_no_buffers_posted[0]"] += 50_000
				})
			},
			verdict: Fail, want: "ens4  critical",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "rx_no_buffers_posted[N]") {
					t.Errorf("summary %q", o.Findings[0].Summary)
				}
			},
		},
		{
			name: "gve over-MRU drops say MTU",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(4)
				n := addNIC(s, "ens4", "gve", 0, 100, 2, []int{0, 1})
				n.VirtualHW = true
				n.EthtoolStats = map[string]uint64{"rx_drops_packet_over_mru[0]": 0}
				return later(t, s, func(a *host.Snapshot) {
					a.NIC("ens4").Stats["rx_packets"] += 500_000
					a.NIC("ens4").EthtoolStats["rx_drops_packet_over_mru[0]"] += 10
				})
			},
			verdict: Fail, want: "ens4  warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Explanation, "MTU") {
					t.Errorf("explanation %q", o.Findings[0].Explanation)
				}
			},
		},
		{
			name: "bnxt rx_total_discard_pkts",
			pair: func(t *testing.T) *host.Pair {
				s := fifoHost()
				s.NIC("eth2").Driver = "bnxt_en"
				s.NIC("eth2").EthtoolStats["rx_total_discard_pkts"] = 0
				return later(t, s, func(a *host.Snapshot) {
					grow(a, 1_000_000, 0, 0)
					a.NIC("eth2").EthtoolStats["rx_total_discard_pkts"] += 100
				})
			},
			verdict: Fail, want: "eth2  warning",
		},
		{
			name: "i40e port.rx_discards is not read for igb",
			pair: func(t *testing.T) *host.Pair {
				return later(t, fifoHost(), func(a *host.Snapshot) {
					grow(a, 1_000_000, 0, 0)
					a.NIC("eth2").EthtoolStats["port.rx_discards"] += 100
				})
			},
			verdict: Pass,
		},
		{
			name: "an unknown driver counter that grew is a notice",
			pair: func(t *testing.T) *host.Pair {
				s := fifoHost()
				s.NIC("eth2").EthtoolStats["rx_prio0_discards"] = 10
				s.NIC("eth2").EthtoolStats["rx_queue_0_xdp_drops"] = 10
				return later(t, s, func(a *host.Snapshot) {
					grow(a, 1_000_000, 0, 0)
					a.NIC("eth2").EthtoolStats["rx_prio0_discards"] += 9
					a.NIC("eth2").EthtoolStats["rx_queue_0_xdp_drops"] += 900
				})
			},
			verdict: Fail, want: "eth2  notice",
			also: func(t *testing.T, o Outcome) {
				if s := o.Findings[0].Summary; !strings.Contains(s, "unknown driver counter grew: rx_prio0_discards") || strings.Contains(s, "xdp") {
					t.Errorf("summary %q", s)
				}
			},
		},
		{
			name: "an unknown driver counter since boot is not a finding",
			pair: func(t *testing.T) *host.Pair {
				s := fifoHost()
				s.NIC("eth2").EthtoolStats["rx_prio0_discards"] = 10
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "single sample",
		},
		{
			name: "no counters at all is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := fifoHost()
				s.NICs[0].Stats, s.NICs[0].EthtoolStats = nil, nil
				s.AddInput(host.Input{Name: host.InputNICSysfs, Subject: "eth2", Status: host.StatusMissing})
				return later(t, s, nil)
			},
			verdict: NotEvaluated, reason: "nic_sysfs eth2 missing",
		},
	}
	runCases(t, NICRxFIFOMissed, cases)
}
