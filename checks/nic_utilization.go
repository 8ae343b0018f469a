package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of nic-utilization.
const (
	// UtilizationNotice: receive or transmit throughput at least this share
	// of the link speed over the window (awesome-prometheus-alerts' host
	// network interface saturation rule, 80 %).
	UtilizationNotice = 0.80
	// UtilizationFull: at least this share is a full link (netdata's
	// interface speed alarm, 90 %): the finding ranks higher.
	UtilizationFull = 0.90
)

// NICUtilization finds NICs whose throughput approaches the link speed.
var NICUtilization = &Check{
	ID:       "nic-utilization",
	Title:    "NIC throughput near its link speed",
	Doc:      nicUtilizationDoc,
	Severity: Notice,
	Needs:    []string{host.InputNICs, host.InputNICSysfs, host.InputNetDev, host.InputEthtoolLink},
	Growth:   true,
	Run:      runNICUtilization,
}

var nicUtilizationDoc = fmt.Sprintf(`Finds a NIC whose receive or transmit throughput over the window approaches its link speed.

## Why it matters

A full link queues and drops in the switch or the NIC however well the host is tuned: no ring, queue or
affinity setting adds capacity. Before tuning the receive path, know whether the wire is the limit.

## When it does not apply

- One sample: throughput needs two (not evaluated).
- Interfaces without a link speed (virtual NICs, speed -1) and software interfaces (bonds, bridges,
  VLANs: their members are judged).

## Thresholds

- Throughput: the larger of rx_bytes and tx_bytes growth (sysfs statistics, else /proc/net/dev), in
  bits per second, against the speed the driver reports (Mb/s).
- Notice at %s of the link speed (UtilizationNotice, awesome-prometheus-alerts); %s and more is a full
  link (UtilizationFull, netdata's alarm) and ranks higher.
- Severity: a notice. It becomes a warning only when a loss grows on the same NIC or its queue CPUs
  (NIC missed/fifo, softnet dropped or time_squeeze), and the finding names that loss.
- A link negotiated below the fastest mode it supports is said in the finding.

## Fix and risks

More or faster links (a bond, a 10G or 25G port), or moving traffic elsewhere. If the link negotiated
below what both ends support, check cabling and the switch port before forcing a speed (forcing
speed without autonegotiation on both ends gives a duplex mismatch).
`, fmtPct(UtilizationNotice), fmtPct(UtilizationFull))

// byteCounter is a NIC's byte counter over the window from sysfs, else
// /proc/net/dev.
func byteCounter(ev *Evidence, nic, name string) (uint64, bool) {
	if v, ok := ev.NICCounter(nic, hostview.FromSysfs, name); ok {
		return v, true
	}
	return ev.NICCounter(nic, hostview.FromNetDev, name)
}

// fastestMode is the highest speed, in Mb/s, of ethtool link mode names
// ("25000baseSR/Full"), 0 when none parses.
func fastestMode(modes []string) int {
	best := 0
	for _, m := range modes {
		digits, _, ok := strings.Cut(m, "base")
		if !ok {
			continue
		}
		if n, err := strconv.Atoi(digits); err == nil && n > best {
			best = n
		}
	}
	return best
}

func runNICUtilization(ev *Evidence) Result {
	var withSpeed int
	var fs []Finding
	var noBytes []string
	for _, nl := range ev.NICs {
		if !nl.Physical || nl.NIC == nil || nl.NIC.Speed <= 0 {
			continue
		}
		withSpeed++
		if !ev.TwoSample() || !ev.HasRates() {
			continue
		}
		_, rxOK := byteCounter(ev, nl.Name, "rx_bytes")
		_, txOK := byteCounter(ev, nl.Name, "tx_bytes")
		if !rxOK && !txOK {
			noBytes = append(noBytes, nl.Name)
			continue
		}
		if f, ok := utilizationFinding(ev, nl); ok {
			fs = append(fs, f)
		}
	}
	switch {
	case len(fs) > 0:
		return Result{Verdict: Fail, Findings: fs}
	case withSpeed == 0:
		var phys int
		for _, nl := range ev.NICs {
			if nl.Physical {
				phys++
			}
		}
		if phys == 0 {
			return ev.noDeviceNIC()
		}
		return Result{Verdict: NotApplicable, Reason: "no NIC reports a link speed (virtual NICs report none)"}
	case !ev.TwoSample():
		return Result{Verdict: NotEvaluated, Reason: "throughput needs two samples"}
	case !ev.HasRates():
		return Result{Verdict: NotEvaluated, Reason: "the interval's length is unknown"}
	}
	if len(noBytes) > 0 {
		return Result{Verdict: NotEvaluated, Reason: "no byte counters over the window for " + joinStrings(noBytes)}
	}
	return Result{Verdict: Pass, Reason: "every NIC stays below " + fmtPct(UtilizationNotice) + " of its link speed " + during(ev)}
}

func utilizationFinding(ev *Evidence, nl *hostview.NICLoad) (Finding, bool) {
	speedBits := float64(nl.NIC.Speed) * 1e6
	rx, rxOK := byteCounter(ev, nl.Name, "rx_bytes")
	tx, txOK := byteCounter(ev, nl.Name, "tx_bytes")
	if !rxOK && !txOK {
		return Finding{}, false
	}
	rxU := ev.Rate(rx) * 8 / speedBits
	txU := ev.Rate(tx) * 8 / speedBits
	dir, u := "receive", rxU
	if txU > rxU {
		dir, u = "transmit", txU
	}
	if u < UtilizationNotice {
		return Finding{}, false
	}
	speed := fmtInt(uint64(nl.NIC.Speed)) + " Mb/s"
	figs := []Figure{
		figure(nl.Name+" receive throughput", fmt.Sprintf("%s Mb/s (%s)", fmtInt(uint64(ev.Rate(rx)*8/1e6+0.5)), fmtPct(rxU)), "≥ "+fmtPct(UtilizationNotice)+" of "+speed, ev.WindowLabel),
		figure(nl.Name+" transmit throughput", fmt.Sprintf("%s Mb/s (%s)", fmtInt(uint64(ev.Rate(tx)*8/1e6+0.5)), fmtPct(txU)), "≥ "+fmtPct(UtilizationNotice)+" of "+speed, ev.WindowLabel),
	}
	expl := fmt.Sprintf("%s's %s throughput reached %s of its %s link over the window: the wire itself is close to its limit, and bursts above it queue and drop in the switch or the NIC.", nl.Name, dir, fmtPct(u), speed)
	if nl.NIC.Link != nil {
		if best := fastestMode(nl.NIC.Link.Supported); best > nl.NIC.Speed {
			figs = append(figs, figure(nl.Name+" fastest supported link mode", fmtInt(uint64(best))+" Mb/s", "link speed "+speed, "configuration"))
			expl += fmt.Sprintf(" The NIC supports %s Mb/s but the link runs at %s: check the cable, the module and the switch port.", fmtInt(uint64(best)), speed)
		}
	}
	conf := High
	if nl.NIC.VirtualHW {
		conf = Low
		expl += " This is a virtual NIC: the speed its driver reports may not be a real limit."
	}
	score := 40
	if u >= UtilizationFull {
		score = 70
	}
	f := Finding{
		Severity:    Notice,
		Confidence:  conf,
		Score:       clampScore(float64(score) + 30*min(1, u-UtilizationNotice)),
		Subject:     nl.Name,
		NIC:         nl.Name,
		CPUs:        nl.ServicingCPUs(),
		Summary:     fmt.Sprintf("%s: %s throughput at %s of the %s link", nl.Name, dir, fmtPct(u), speed),
		Evidence:    figs,
		Explanation: expl,
		Commands: []Command{
			{Run: "ethtool " + shq(nl.Name), Kind: Verify, Why: "read the negotiated speed, duplex and the supported and advertised link modes"},
			{Run: "sar -n DEV 1 10", Kind: Verify, Why: "watch the per-interface throughput second by second (sysstat)"},
		},
	}
	escalate(ev, &f, nl.Name, f.CPUs)
	return f, true
}
