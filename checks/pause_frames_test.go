package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestPauseFrames(t *testing.T) {
	base := func() *host.Snapshot {
		s := newHost(4)
		n := addNIC(s, "eth0", "bnxt_en", 0, 40, 4, nil)
		n.EthtoolStats = map[string]uint64{"tx_pause_frames": 100, "rx_pause_frames": 5}
		n.Pause = &host.Pause{AutoNeg: true, RX: true, TX: true}
		return s
	}
	cases := []checkCase{
		{
			name: "pause frames sent are a notice",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.NICs[0].EthtoolStats["tx_pause_frames"] += 5000 })
			},
			verdict: Fail, want: "eth0  notice",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(figureText(f), "autoneg on, rx on, tx on") || !strings.Contains(commandText(f), "ethtool -A eth0 rx off tx off") {
					t.Errorf("evidence:\n%s\ncommands:\n%s", figureText(f), commandText(f))
				}
			},
		},
		{
			name: "with a loss on the NIC: warning naming it",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.NICs[0].EthtoolStats["tx_pause_frames"] += 5000
					a.NICs[0].Stats["rx_missed_errors"] += 300
				})
			},
			verdict: Fail, want: "eth0  warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "rx_missed_errors") {
					t.Errorf("summary: %s", o.Findings[0].Summary)
				}
			},
		},
		{
			name: "near miss: only received pause frames pass",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.NICs[0].EthtoolStats["rx_pause_frames"] += 5000 })
			},
			verdict: Pass,
		},
		{
			name: "mlx5 names",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.NICs[0].EthtoolStats = map[string]uint64{"tx_pause_ctrl_phy": 0}
				return later(t, s, func(a *host.Snapshot) { a.NICs[0].EthtoolStats["tx_pause_ctrl_phy"] += 10 })
			},
			verdict: Fail, want: "eth0  notice",
		},
		{
			name:    "one sample is not judged",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base()) },
			verdict: NotEvaluated, reason: "two samples",
		},
		{
			name: "no counter",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.NICs[0].EthtoolStats = map[string]uint64{"rx_packets": 1}
				return later(t, s, nil)
			},
			verdict: NotEvaluated,
		},
	}
	runCases(t, PauseFrames, cases)
}
