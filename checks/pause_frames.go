package checks

import (
	"fmt"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// PauseFrames finds a NIC sending Ethernet pause frames: the host asks the
// switch to stop because it cannot drain its receive buffers.
var PauseFrames = &Check{
	ID:       "pause-frames",
	Title:    "NIC sending pause frames: the host back-pressures the switch",
	Doc:      pauseFramesDoc,
	Severity: Notice,
	Needs:    []string{host.InputEthtoolStats, host.InputNICs},
	Growth:   true,
	Run:      runPauseFrames,
}

// Pause frame counters of ethtool -S, transmitted (the host asks the peer
// to stop) and received (the peer asks the host to stop), by driver
// family: bnxt and many others, mlx5, ixgbe/igb/e1000e, i40e/ice.
var (
	txPauseCounters = []string{"tx_pause_frames", "tx_pause_ctrl_phy", "tx_flow_control_xoff", "port.tx_link_xoff", "tx_link_xoff", "tx_xoff"}
	rxPauseCounters = []string{"rx_pause_frames", "rx_pause_ctrl_phy", "rx_flow_control_xoff", "port.rx_link_xoff", "rx_link_xoff", "rx_xoff"}
)

const pauseFramesDoc = `Finds NICs whose transmitted pause (XOFF) frame counter grows: with Ethernet flow control on, the
adapter sends a pause frame when its receive buffer fills, asking the switch port to hold traffic.
Received pause frames (the switch asking the host to stop sending) are shown as evidence.

## Why it matters

A host that sends pause frames cannot drain its receive ring fast enough: the interrupt or softirq
CPU is saturated, the ring is too small, or the PCI Express link is too slow. Flow control hides
the loss from the host's drop counters by moving it upstream: the switch buffers, then drops, and
with priority-less pause it stalls every flow on that port, including those to other hosts behind
it (head-of-line blocking). The counters differ by driver (tx_pause_frames, tx_pause_ctrl_phy,
tx_flow_control_xoff, port.tx_link_xoff); ethtool -a shows whether flow control is on.

## When it does not apply

- No pause counter in ethtool -S (virtual NICs, drivers that do not count them): not evaluated.
- Storage networks (iSCSI, FCoE, RoCE) use flow control by design; pause frames there are the
  mechanism working, and the network team decides.
- From one sample the counters are since the driver loaded: not judged (a rate needs two samples).

## Thresholds

- notice: a transmitted pause counter grew over the interval (any growth: each frame paused the
  switch port). Flow control is a setting doing its job, so alone it is never more than a notice.
- warning: the same while a loss counter of that NIC (its adapter overflow counters) grew too:
  the buffer overflowed despite the pauses, and the finding names the counter.

## Fix and risks

Fix what makes the host slow to drain: spread interrupts over more CPUs, enlarge the ring
(ethtool -G), check the PCI Express link. Turning flow control off (ethtool -A DEV rx off tx off)
turns the pauses into drops on this host; agree it with the network team, since the switch side
must match.
`

func runPauseFrames(ev *Evidence) Result {
	s := ev.Now
	counted := 0
	var res Result
	for i := range s.NICs {
		n := &s.NICs[i]
		if !n.DeviceBacked() || len(n.EthtoolStats) == 0 {
			continue
		}
		tx, txName, txKnown := pauseGrowth(ev, n.Name, txPauseCounters)
		rx, rxName, _ := pauseGrowth(ev, n.Name, rxPauseCounters)
		if !txKnown {
			continue
		}
		counted++
		if tx == 0 || !ev.TwoSample() {
			continue
		}
		res.Findings = append(res.Findings, pauseFinding(ev, n, tx, txName, rx, rxName))
	}
	if counted == 0 {
		return Result{Verdict: NotEvaluated, Reason: "no NIC reports a transmitted pause frame counter in ethtool -S"}
	}
	if !ev.TwoSample() {
		return Result{Verdict: NotEvaluated, Reason: "one sample: the pause counters count since the driver loaded, whether pauses continue needs two samples"}
	}
	if len(res.Findings) == 0 {
		return Result{Verdict: Pass, Reason: fmt.Sprintf("no pause frames sent by the %d NICs that count them", counted)}
	}
	res.Verdict = Fail
	return res
}

// pauseGrowth is the growth of the first of names the NIC reports.
func pauseGrowth(ev *Evidence, nic string, names []string) (uint64, string, bool) {
	for _, name := range names {
		if v, ok := ev.NICCounter(nic, hostview.FromEthtool, name); ok {
			return v, name, true
		}
	}
	return 0, "", false
}

func pauseFinding(ev *Evidence, n *host.NIC, tx uint64, txName string, rx uint64, rxName string) Finding {
	loss := nicLoss(ev, n.Name)
	sev, score := Notice, clampScore(30+20*min(1, ev.Rate(tx)/1000))
	if loss != "" {
		sev, score = Warning, 55
	}
	rate := func(v uint64) string { return fmtInt(v) + " (" + fmtRate(ev.Rate(v)) + ")" }
	figs := []Figure{figure(n.Name+" "+txName+" (pause frames sent)", rate(tx), "> 0", ev.WindowLabel)}
	if rxName != "" {
		figs = append(figs, figure(n.Name+" "+rxName+" (pause frames received)", rate(rx), "", ev.WindowLabel))
	}
	if p := n.Pause; p != nil {
		figs = append(figs, figure("flow control of "+n.Name+" (ethtool -a)", fmt.Sprintf("autoneg %s, rx %s, tx %s", onOff(p.AutoNeg), onOff(p.RX), onOff(p.TX)), "", "configuration"))
	}
	if loss != "" {
		figs = append(figs, figure("loss on "+n.Name, loss, "> 0: warning", ev.WindowLabel))
	}
	summary := fmt.Sprintf("%s sent %s pause frames: the host asks the switch to stop", n.Name, fmtRate(ev.Rate(tx)))
	expl := "The adapter's receive buffer filled and it asked the switch port to hold traffic: the host is not draining its receive ring fast enough (busy interrupt CPU, small ring, slow PCI Express link). The switch buffers and then drops, out of the host's sight, and a plain pause stalls every flow on that port."
	if loss != "" {
		summary += "; " + loss
		expl += " The adapter lost frames as well (" + loss + "): the pauses did not save them."
	}
	q := shq(n.Name)
	cmds := []Command{
		{Run: "ethtool -S " + q + " | grep -iE 'pause|xoff|xon'", Kind: Verify, Why: "watch the pause counters (twice, some seconds apart)"},
		{Run: "ethtool -a " + q, Kind: Verify, Why: "whether flow control is on and negotiated"},
		{Run: "ethtool -g " + q, Kind: Verify, Why: "the ring size against its maximum: a larger ring absorbs bursts (see also the NIC's interrupt CPUs in this report)"},
	}
	if n.Pause != nil && (n.Pause.RX || n.Pause.TX) {
		cmds = append(cmds, Command{
			Run:       "ethtool -A " + q + " rx off tx off",
			Kind:      Option,
			Why:       "only with the network team: stop flow control, turning the pauses into drops counted on this host",
			NeedsRoot: true,
			Caveats:   []string{"The switch port's flow control must be changed to match; storage networks (iSCSI, FCoE, RoCE) rely on it."},
		})
	}
	return Finding{
		Severity:    sev,
		Score:       score,
		Subject:     n.Name,
		NIC:         n.Name,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}
}

// onOff prints a flag as ethtool does.
func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
