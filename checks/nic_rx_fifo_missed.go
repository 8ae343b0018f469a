package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/hostview"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Thresholds of nic-rx-fifo-missed (their reasons are in its Doc).
const (
	// FIFOCriticalRatio: hardware loss of at least this share of the
	// received frames, HW / (Δrx_packets + HW), is critical
	// (node-mixin / awesome-prometheus-alerts error ratio).
	FIFOCriticalRatio = 0.01
)

// NICRxFIFOMissed finds NIC hardware or ring overflow counters growing.
var NICRxFIFOMissed = &Check{
	ID:       "nic-rx-fifo-missed",
	Title:    "NIC dropped frames in hardware: RX FIFO overruns or missed frames",
	Doc:      nicRxFIFOMissedDoc,
	Severity: Warning,
	Needs: []string{
		host.InputNICs, host.InputNICSysfs, host.InputNetDev, host.InputEthtoolStats,
		host.InputEthtoolRing, host.InputEthtoolInfo, host.InputInterrupts,
	},
	Growth:   true,
	Requires: []*Check{IRQConcentration},
	Run:      runNICRxFIFOMissed,
}

var nicRxFIFOMissedDoc = fmt.Sprintf(`Finds a NIC's hardware, ring or driver overflow counters growing: rx_fifo_errors, rx_missed_errors,
rx_over_errors and each driver's own names, read from the NIC loss table (hostview.LossTable): ixgbe
rx_no_dma_resources; mlx5 rx_out_of_buffer and rx_discards_phy; bnx2x rx_discards and rx_fw_discards;
i40e port.rx_discards (older drivers port.rx_dropped); ice rx_dropped.nic (out-of-tree drivers
port-rx-dropped_pkts); bnxt rx_total_discard_pkts and its per-ring [N]: rx_discards; gve
rx_no_buffers_posted[N] and rx_drops_packet_over_mru[N]; igb and virtio_net rx_queue_N_drops; ENA's
device overruns (reported as rx_over_errors). rx_no_buffer_count alone is an early warning. Any other
ethtool -S counter whose name says drop or discard and that grew is reported as a notice, "unknown
driver counter grew".

## Why it matters

The NIC or its driver had no free buffer in time, so frames waited in the adapter's FIFO until it
overflowed, or the driver dropped them: the host did not drain the ring fast enough (a small ring, a
busy or concentrated IRQ CPU, a low clock), or the adapter or its PCIe path is congested (mlx5
rx_discards_phy without rx_out_of_buffer). Several drivers report these losses only under their own
names, so the kernel's statistics alone say nothing.

## When it does not apply

- Virtual NICs (virtio, vmxnet3, netvsc, xen-netfront, ENA, gve) have no FIFO the guest can see: they
  are judged only on their driver's own drop counters (virtio_net rx_queue_N_drops where the driver
  has them, gve's per-queue drops, ENA's overruns); without such counters the check is not applicable.
- rx_dropped alone is kernel-side (backlog, no handler, bad VLAN): see softnet-backlog-drops. The
  unknown-counter notice leaves out transmit counters, byte counts, XDP programs' own drops, checksum
  and offload statistics, embedded-switch (veb) and BMC counters, VLAN filters, and the names the
  table already reads.
- Since-boot totals are mostly history: one sample gives at most a notice ("since driver load").
  The sosreport's sysfs and ethtool copies are never used as a pair of samples.
- Counters that go backwards (driver reset, ring resize) are not evaluated for that window.

## Thresholds

- HW is the largest growth among the overflow counters, not their sum: igb's fifo includes missed,
  ice folds rx_dropped.nic into rx_missed_errors, bnxt's rx_total_discard_pkts is the sum of its
  rings, and /proc/net/dev's drop column includes kernel drops and is not used. A per-queue counter
  is summed over its queues first (the queues are disjoint).
- Fires when HW > 0 over the window; critical when HW / (Δrx_packets + HW) ≥ %s (FIFOCriticalRatio:
  the error ratio at which the common node-exporter alert packs page), else warning; notice when only
  rx_no_buffer_count grew, or only an unknown driver counter.
- Only rx_dropped of a physical NIC grew (sysfs), no softnet drop grew on any CPU, the RX ring is below
  its maximum, and the NIC is no bond's slave (a backup slave drops everything by design): a notice
  to find the driver counter with ethtool -S, since several drivers count their ring drops only in
  rx_dropped (Red Hat's guidance for rx_dropped on physical NICs).
- gve's rx_drops_packet_over_mru counts frames larger than the MTU: the finding says so, since that
  is an MTU mismatch rather than a ring too small.

## Fix and risks

Check the queue CPUs first (concentrated or busy: irq-concentration, app-on-irq-cpus), then enlarge the
RX ring to its maximum with ethtool -G: many drivers reset the link briefly while doing it, and larger
rings cost memory and some latency. Coalescing (ethtool -c/-C) and the CPU frequency governor also
decide how fast the ring is drained. For an unknown counter, read the driver's documentation of it
first.
`, fmtPct(FIFOCriticalRatio))

func runNICRxFIFOMissed(ev *Evidence) Result {
	var physical, hw []*hostview.NICLoad
	for _, nl := range ev.NICs {
		if nl.Physical {
			physical = append(physical, nl)
			if !nl.Paravirtual || nl.Loss.Driver {
				hw = append(hw, nl)
			}
		}
	}
	switch {
	case len(physical) == 0:
		return ev.noDeviceNIC()
	case len(hw) == 0:
		return Result{Verdict: NotApplicable, Reason: "only virtual NICs (virtio, vmxnet3, ...) without driver drop counters: they have no FIFO counters; the loss is in the hypervisor"}
	}
	var fs []Finding
	var unknown, gaps []string
	known := 0
	for _, nl := range hw {
		if !nl.Loss.Known {
			unknown = append(unknown, nl.Name)
			continue
		}
		known++
		if f, ok := fifoFinding(ev, nl); ok {
			fs = append(fs, f)
		} else if f, ok := unknownDropFinding(ev, nl); ok {
			fs = append(fs, f)
		} else if f, ok := rxDroppedOnlyFinding(ev, nl); ok {
			fs = append(fs, f)
		} else if g := nicLossGaps(ev, nl.Name); g != "" && nl.Loss.Reset {
			gaps = append(gaps, g)
		}
	}
	if len(fs) > 0 {
		return Result{Verdict: Fail, Findings: fs}
	}
	if known == 0 {
		if g := nicLossGaps(ev, unknown[0]); g != "" {
			return Result{Verdict: NotEvaluated, Reason: "loss counters without values over the interval: " + g}
		}
		return Result{Verdict: NotEvaluated, Reason: "no NIC loss counters: " + ev.InputReason(host.InputNICSysfs, unknown[0])}
	}
	if !ev.TwoSample() {
		return Result{Verdict: NotEvaluated, Reason: "single sample: no hardware drops since driver load; growth needs two samples"}
	}
	if len(gaps) > 0 {
		return Result{Verdict: NotEvaluated, Reason: "loss counters without values over the interval: " + gapWords(gaps)}
	}
	r := Result{Verdict: Pass, Reason: "no hardware drops in the " + ev.WindowLabel}
	if len(unknown) > 0 {
		r.Reason += "; no counters for " + strings.Join(unknown, ", ")
	}
	return r
}

func fifoFinding(ev *Evidence, nl *hostview.NICLoad) (Finding, bool) {
	l := &nl.Loss
	if l.Max == 0 && l.NoBuffer == 0 {
		return Finding{}, false
	}
	if l.Max == 0 && !ev.TwoSample() {
		return Finding{}, false // a since-boot early warning is not a finding
	}
	conf := High
	if !l.Ethtool {
		conf = Medium // sysfs only: driver counters unseen
	}
	sev, score := Notice, 20
	ratio := 0.0
	if l.Max > 0 && l.PacketsKnown {
		ratio = float64(l.Max) / float64(l.Packets+l.Max)
	}
	switch {
	case !ev.TwoSample():
		sev, conf = Notice, Low
		score = clampScore(10 + 20*min(1, ratio/FIFOCriticalRatio))
	case l.Max == 0:
		sev, score = Notice, 20
	case l.PacketsKnown && ratio >= FIFOCriticalRatio:
		sev, score = Critical, scoreOver(ratio, FIFOCriticalRatio)
	default:
		sev = Warning
		score = clampScore(30 + 20*min(1, ratio/FIFOCriticalRatio))
	}

	win := ev.WindowLabel
	if !ev.TwoSample() {
		win = "since driver load; " + ev.WindowLabel
	}
	var figs []Figure
	for _, c := range l.Counters {
		if c.Value == 0 {
			continue
		}
		val := fmtInt(c.Value)
		if ev.HasRates() {
			val += " (" + fmtRate(ev.Rate(c.Value)) + ")"
		}
		thr := "> 0"
		if c.Name == l.MaxName {
			thr = "> 0 (HW: the largest)"
		}
		figs = append(figs, figure(fmt.Sprintf("%s %s (%s)", nl.Name, c.Name, c.Source), val, thr, win))
	}
	if l.NoBuffer > 0 {
		figs = append(figs, figure(nl.Name+" rx_no_buffer_count", fmtInt(l.NoBuffer), "early warning", win))
	}
	if l.Max > 0 && l.PacketsKnown {
		figs = append(figs, figure("hardware loss share HW / (rx_packets + HW)", fmtPct(ratio),
			"≥ "+fmtPct(FIFOCriticalRatio)+": critical", win))
	}
	ring := nl.NIC.Ring
	if ring != nil && ring.RXMax > 0 {
		figs = append(figs, figure(nl.Name+" RX ring", fmt.Sprintf("%d of %d", ring.RX, ring.RXMax), "maximum", "configuration"))
	}

	var diag []string
	if ring != nil && ring.RXMax > 0 && ring.RX < ring.RXMax {
		diag = append(diag, fmt.Sprintf("the RX ring is %d of a possible %d", ring.RX, ring.RXMax))
	}
	if c := nl.NIC.Coalesce; c != nil {
		figs = append(figs, figure(nl.Name+" interrupt coalescing (ethtool -c)", coalesceText(c), "", "configuration"))
		if d := coalesceDiag(ev, nl, c); d != "" {
			diag = append(diag, d)
		}
	}
	for _, c := range concentrations(ev) {
		if c.NIC == nl && c.SpreadPossible {
			diag = append(diag, fmt.Sprintf("CPU %d services %d of its %d active queues (irq-concentration)", c.CPU, len(c.IRQs), c.Active))
		}
	}
	phy, _ := l.CounterValue("rx_discards_phy")
	oob, _ := l.CounterValue("rx_out_of_buffer")
	if phy > 0 && oob == 0 {
		diag = append(diag, "rx_discards_phy grew without rx_out_of_buffer: the adapter or its PCIe path is congested, not the CPU")
	}
	if mru, _ := l.CounterValue("rx_drops_packet_over_mru[N]"); mru > 0 {
		diag = append(diag, "rx_drops_packet_over_mru grew: frames larger than the MTU arrive (an MTU mismatch with the peer or the VPC), which no ring size fixes")
	}
	for _, c := range l.Unknown {
		if c.Value > 0 && ev.TwoSample() {
			diag = append(diag, fmt.Sprintf("the driver counter %s also grew by %s (not in the loss table)", c.Name, fmtInt(c.Value)))
		}
	}

	var summary, expl string
	switch {
	case l.Max == 0:
		summary = fmt.Sprintf("%s: rx_no_buffer_count grew by %s (no frames lost yet)", nl.Name, fmtInt(l.NoBuffer))
		expl = "The NIC found no free RX descriptor and held frames in its FIFO: an early warning that the ring is drained late."
	case !ev.TwoSample():
		summary = fmt.Sprintf("%s: %s frames lost in hardware since driver load (%s)", nl.Name, fmtInt(l.Max), l.MaxName)
		expl = "The NIC's overflow counters are non-zero: frames were dropped in its FIFO at some time since the driver loaded. Cumulative counts are mostly history until two samples show growth."
	default:
		summary = fmt.Sprintf("%s: %s frames lost in hardware (%s)", nl.Name, fmtInt(l.Max), l.MaxName)
		if ev.HasRates() {
			summary += ", " + fmtRate(ev.Rate(l.Max))
		}
		if l.PacketsKnown {
			summary += ", " + fmtPct(ratio) + " of received frames"
		}
		expl = "The NIC dropped frames because its FIFO overflowed while no RX descriptor was free: the host did not refill the ring in time, or the adapter is congested."
	}
	if !l.Ethtool {
		expl += " Only the kernel's statistics were available (no ethtool -S): driver counters such as per-queue drops are unseen."
	}
	if !l.Sysfs {
		expl += " sysfs statistics were missing: /proc/net/dev's fifo column was used."
	}
	if len(diag) > 0 {
		expl += " Likely causes: " + strings.Join(diag, "; ") + "."
	}
	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       score,
		Subject:     nl.Name,
		NIC:         nl.Name,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    fifoCommands(nl),
	}, true
}

// fifoCommands enlarges the RX ring to its maximum (Change), reads the
// counters, ring and coalescing (Verify), and offers the performance
// governor (Option: a host-wide change that helps only a low clock).
func fifoCommands(nl *hostview.NICLoad) []Command {
	q := shq(nl.Name)
	cmds := []Command{{
		Run:  fmt.Sprintf("ethtool -S %s | grep -E 'drop|miss|fifo|buf|disc'", q),
		Kind: Verify,
		Why:  "find which counter and which queue lose frames",
	}}
	ring := nl.NIC.Ring
	switch {
	case ring == nil || ring.RXMax == 0:
		cmds = append(cmds, Command{
			Run:  "ethtool -g " + q,
			Kind: Verify,
			Why:  "read the current and maximum RX ring size (not collected: no ring advice)",
		})
	case ring.RX < ring.RXMax:
		cmds = append(cmds,
			Command{
				Run:       fmt.Sprintf("ethtool -G %s rx %d", q, ring.RXMax),
				Kind:      Change,
				Why:       fmt.Sprintf("enlarge the RX ring from %d to its maximum %d so bursts wait in host memory, not the NIC's FIFO", ring.RX, ring.RXMax),
				NeedsRoot: true,
				Caveats: []string{
					"Many drivers reset the link briefly while resizing the ring: traffic stops for a moment.",
					"Larger rings cost memory and some latency; some drivers reset their statistics and IRQ affinity (re-apply placement).",
				},
			},
			Command{
				Run:        fmt.Sprintf("nmcli connection modify %s ethtool.ring-rx %d", q, ring.RXMax),
				Kind:       Change,
				Why:        "keep the ring size across reboots (NetworkManager 1.26+; the connection is often named after the interface)",
				NeedsRoot:  true,
				Persistent: true,
				Caveats: []string{
					fmt.Sprintf(`Without NetworkManager: ifcfg ETHTOOL_OPTS="-G %s rx %d", an ifupdown post-up line, or a systemd .link file with RxBufferSize=%d.`, nl.Name, ring.RXMax, ring.RXMax),
				},
			})
	}
	cmds = append(cmds,
		Command{
			Run:  "ethtool -c " + q,
			Kind: Verify,
			Why:  "read interrupt coalescing: a larger rx-usecs trades latency for fewer interrupts",
		},
		Command{
			Run:       "cpupower frequency-set -g performance",
			Kind:      Option,
			Why:       "if the CPUs run at a low clock: it drains the rings slower; the performance governor keeps it high",
			NeedsRoot: true,
			Caveats:   []string{"Costs power; BIOS power-saving settings may still cap the clock."},
		})
	return cmds
}

// unknownDropFinding is the notice for an ethtool -S counter outside the
// loss table whose name says drop or discard and that grew over two
// samples (a since-boot total of an unknown counter is not a finding).
func unknownDropFinding(ev *Evidence, nl *hostview.NICLoad) (Finding, bool) {
	if !ev.TwoSample() {
		return Finding{}, false
	}
	var grew []hostview.Counter
	for _, c := range nl.Loss.Unknown {
		if c.Value > 0 {
			grew = append(grew, c)
		}
	}
	if len(grew) == 0 {
		return Finding{}, false
	}
	var figs []Figure
	var names []string
	for _, c := range grew {
		val := fmtInt(c.Value)
		if ev.HasRates() {
			val += " (" + fmtRate(ev.Rate(c.Value)) + ")"
		}
		figs = append(figs, figure(fmt.Sprintf("%s %s (%s)", nl.Name, c.Name, c.Source), val, "> 0: unknown driver counter", ev.WindowLabel))
		names = append(names, c.Name)
	}
	return Finding{
		Severity:   Notice,
		Confidence: Low,
		Score:      15,
		Subject:    nl.Name,
		NIC:        nl.Name,
		Summary:    fmt.Sprintf("%s: unknown driver counter grew: %s", nl.Name, strings.Join(names, ", ")),
		Evidence:   figs,
		Explanation: "The driver's statistics hold a counter netdoctor does not know whose name says it dropped or discarded frames, and it grew. " +
			"It may be a receive loss the kernel's statistics do not show; the driver's documentation says what it counts.",
		Commands: []Command{{
			Run:  fmt.Sprintf("ethtool -S %s | grep -iE 'drop|discard'", shq(nl.Name)),
			Kind: Verify,
			Why:  "watch which driver counters grow and on which queue",
		}},
	}, true
}

// rxDroppedOnlyFinding is the notice for a physical NIC whose only growing
// loss counter is the kernel's rx_dropped, with no softnet drop anywhere
// and the ring below its maximum: the drops may be the driver's ring
// drops under that generic name.
func rxDroppedOnlyFinding(ev *Evidence, nl *hostview.NICLoad) (Finding, bool) {
	n := nl.NIC
	if !ev.TwoSample() || nl.Paravirtual || n == nil || len(n.Stats) == 0 {
		return Finding{}, false
	}
	ring := n.Ring
	if ring == nil || ring.RXMax == 0 || ring.RX >= ring.RXMax || isBondSlave(ev, n.Name) {
		return Finding{}, false
	}
	dropped, ok := ev.NICCounter(n.Name, hostview.FromSysfs, "rx_dropped")
	if !ok || dropped == 0 {
		return Finding{}, false
	}
	known := false
	for _, c := range ev.CPUs {
		if !c.SoftnetKnown {
			continue
		}
		known = true
		if c.Softnet.Dropped > 0 {
			return Finding{}, false
		}
	}
	if !known {
		return Finding{}, false
	}
	val := fmtInt(dropped)
	if ev.HasRates() {
		val += " (" + fmtRate(ev.Rate(dropped)) + ")"
	}
	return Finding{
		Severity:   Notice,
		Confidence: Low,
		Score:      10,
		Subject:    nl.Name,
		NIC:        nl.Name,
		Summary:    fmt.Sprintf("%s: rx_dropped grew by %s with no softnet drop and no driver loss counter", nl.Name, fmtInt(dropped)),
		Evidence: []Figure{
			figure(nl.Name+" rx_dropped (statistics)", val, "> 0 without softnet drops", ev.WindowLabel),
			figure(nl.Name+" RX ring", fmt.Sprintf("%d of %d", ring.RX, ring.RXMax), "maximum", "configuration"),
		},
		Explanation: "rx_dropped counts frames dropped after the adapter: by the kernel (no protocol handler, an unknown VLAN, a backup bond slave) or, for several drivers, the ring's own drops under this generic name. " +
			"No softnet backlog drop grew, so it is not the backlog; the driver's statistics say which.",
		Commands: fifoCommands(nl),
	}, true
}

// isBondSlave reports whether another interface lists name as a lower
// device (a bond's or team's slave).
func isBondSlave(ev *Evidence, name string) bool {
	for _, o := range ev.NICs {
		if o.NIC != nil && o.Name != name && slices.Contains(o.NIC.Lower, name) {
			return true
		}
	}
	return false
}

// coalesceText says a NIC's receive coalescing as ethtool -c names it:
// "adaptive-rx on, rx-usecs 50, rx-frames 0".
func coalesceText(c *host.Coalesce) string {
	var parts []string
	if c.AdaptiveRX != nil {
		v := "off"
		if *c.AdaptiveRX {
			v = "on"
		}
		parts = append(parts, "adaptive-rx "+v)
	}
	num := func(v int) string {
		if v < 0 {
			return "n/a"
		}
		return fmt.Sprint(v)
	}
	parts = append(parts, "rx-usecs "+num(c.RXUsecs), "rx-frames "+num(c.RXFrames))
	return strings.Join(parts, ", ")
}

// coalesceDiag names the coalescing as a cause when, with adaptive
// coalescing off, the adapter waits longer before interrupting than the
// RX ring lasts at the NIC's packet rate over the window: the ring fills
// before the interrupt that drains it (arithmetic, no threshold of its
// own).
func coalesceDiag(ev *Evidence, nl *hostview.NICLoad, c *host.Coalesce) string {
	if c.AdaptiveRX != nil && *c.AdaptiveRX || c.RXUsecs <= 0 || !ev.TwoSample() || !ev.HasRates() {
		return ""
	}
	ring := nl.NIC.Ring
	pkts, ok := ev.NICCounter(nl.Name, hostview.FromSysfs, "rx_packets")
	if ring == nil || ring.RX <= 0 || !ok || pkts == 0 {
		return ""
	}
	pps := ev.Rate(pkts)
	fill := float64(ring.RX) / pps * 1e6 // µs to fill the ring
	if float64(c.RXUsecs) < fill {
		return ""
	}
	return fmt.Sprintf("adaptive coalescing is off and rx-usecs is %d µs, while the %d-descriptor ring fills in about %.0f µs at %s received packets: the interrupt comes after the ring is full", c.RXUsecs, ring.RX, fill, fmtRate(pps))
}
