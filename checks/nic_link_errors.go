package checks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of nic-link-errors (their reasons are in its Doc).
const (
	// LinkErrorCriticalRatio: damaged frames of at least this share of the
	// received frames over the window are critical (1 in 10,000).
	LinkErrorCriticalRatio = 1e-4
	// LinkErrorCriticalRate: more damaged frames than this per second are
	// critical whatever the traffic.
	LinkErrorCriticalRate = 1.0
	// LinkLogDownMin: this many "Link is Down" lines for one NIC in the
	// kernel log make a since-boot notice (netdoctor default: one down is
	// often a planned cable or switch change).
	LinkLogDownMin = 2
)

// NICLinkErrors finds physical-layer trouble on a NIC.
var NICLinkErrors = &Check{
	ID:       "nic-link-errors",
	Title:    "NIC link trouble: damaged frames, a flapping link, a degraded speed or duplex, a weak optic",
	Doc:      nicLinkErrorsDoc,
	Severity: Warning,
	Needs: []string{
		host.InputNICs, host.InputNICSysfs, host.InputNetDev, host.InputEthtoolStats, host.InputEthtoolInfo,
		host.InputNICLink, host.InputEthtoolLink, host.InputEthtoolModule, host.InputKernelLog,
	},
	Run: runNICLinkErrors,
}

var nicLinkErrorsDoc = fmt.Sprintf(`Finds physical-layer trouble on a NIC: frames that arrived damaged (the LinkError rows of the NIC loss
table: sysfs rx_crc_errors, rx_frame_errors, rx_length_errors, /proc/net/dev's frame column without
sysfs, and the drivers' own names such as mlx5 rx_crc_errors_phy and rx_symbol_err_phy, ice
rx_crc_errors.nic, i40e port.rx_crc_errors and port.rx_length_errors, bnxt rx_fcs_err_frames and
rx_pcs_symbol_err, igb rx_align_errors), a link that went down and up (sysfs carrier_changes, the
kernel log's "Link is Down" lines), a link negotiated below what both ends can do or at half duplex,
and an optical module receiving less light than its own warning threshold.

## Why it matters

Damaged frames are dropped by the NIC before the host sees them, and TCP reads each loss as congestion.
A flapping link drops everything while it is down and renegotiates each time. A link at a lower speed
or half duplex caps throughput and adds collisions. A fading optic shows as rising CRC errors first.
None of this is fixed in software: the cable, the optic, the switch port or the peer's setting is.

## When it does not apply

- Virtual NICs (virtio, vmxnet3, netvsc, ENA, gve, VFs) report no physical layer (zeros, or -1 speed):
  not applicable.
- A NIC deliberately on a slower switch port is not degraded: the speed rule compares with the modes
  both ends advertise, and is skipped when the peer's modes are unknown.
- FEC-corrected bits are normal and are not read.
- Counters that go backwards (a link or driver reset) are not evaluated for that window.
- rx_length_errors also count frames longer than the MTU from a peer with a larger MTU: the finding
  says so (mtu-mismatch covers that cause).

## Thresholds

- E is the largest growth among the link-error counters, not their sum (sysfs and the driver count
  the same frames, and the frame column includes CRC errors).
- Two samples: E > 0 is a warning; critical when E / Δrx_packets ≥ 1 in %s (LinkErrorCriticalRatio) or
  E > %s/s (LinkErrorCriticalRate): common alert packs alert on any interface errors at 1 %%, and
  interface monitors flag any growth; 1 in 10,000 is where TCP throughput visibly suffers.
- One sample: since-boot errors are a notice when they reach the critical share (a few errors from
  link training at boot are normal).
- carrier_changes grew between the samples: critical (the link flapped). From the kernel log alone,
  %d or more "Link is Down" lines for the NIC are a since-boot notice (LinkLogDownMin, a netdoctor
  default).
- Half duplex on a NIC that advertises a full-duplex mode, or a speed below the fastest mode both ends
  advertise: warning.
- Module receive power below its low-warning threshold: warning; below its low-alarm threshold:
  critical.

## Fix and risks

Not software: reseat or replace the cable or optic, clean the fibre, try another switch port, and
check the switch's own error counters. Force speed and duplex (ethtool -s DEV speed S duplex full
autoneg off) only where the peer is fixed too: forcing one end of an autonegotiating link causes the
half-duplex mismatch it means to fix. Verify with ethtool DEV and ethtool -m DEV.
`, intText(int(1/LinkErrorCriticalRatio)), strconv.FormatFloat(LinkErrorCriticalRate, 'f', -1, 64), LinkLogDownMin)

func intText(n int) string { return fmtInt(uint64(n)) }

// perTenK writes a small share as frames in 10,000: "0.37 in 10,000".
func perTenK(f float64) string {
	return strconv.FormatFloat(f*10_000, 'g', 3, 64) + " in 10,000"
}

func runNICLinkErrors(ev *Evidence) Result {
	var physical, wired []*hostview.NICLoad
	for _, nl := range ev.NICs {
		if nl.Physical && nl.NIC != nil {
			physical = append(physical, nl)
			if !nl.Paravirtual {
				wired = append(wired, nl)
			}
		}
	}
	switch {
	case len(physical) == 0:
		return ev.noDeviceNIC()
	case len(wired) == 0:
		return Result{Verdict: NotApplicable, Reason: "only virtual NICs (virtio, ENA, gve, VFs...): they report no physical layer"}
	}
	var fs []Finding
	var missing, resets []string
	errorsJudged := 0
	for _, nl := range wired {
		f, st := linkFinding(ev, nl)
		if st.errorsKnown {
			errorsJudged++
		} else {
			missing = append(missing, nl.Name)
		}
		if st.reset {
			resets = append(resets, nl.Name)
		}
		if f != nil {
			fs = append(fs, *f)
		}
	}
	if len(fs) > 0 {
		return Result{Verdict: Fail, Findings: fs}
	}
	if errorsJudged == 0 {
		if len(resets) > 0 {
			return Result{Verdict: NotEvaluated, Reason: "link error counters went backwards (link or driver reset) on " + strings.Join(resets, ", ")}
		}
		return Result{Verdict: NotEvaluated, Reason: "no link error counters: " + ev.InputReason(host.InputNICSysfs, missing[0])}
	}
	if !ev.TwoSample() {
		return Result{Verdict: NotEvaluated, Reason: "single sample: no link trouble since boot; the growth of link errors and carrier changes needs two samples"}
	}
	r := Result{Verdict: Pass, Reason: "no link errors or flaps in the " + ev.WindowLabel}
	if len(missing) > 0 {
		r.Reason += "; no counters for " + strings.Join(missing, ", ")
	}
	return r
}

// linkState says what could be judged for one NIC.
type linkState struct {
	errorsKnown bool
	reset       bool
}

// linkFinding gathers one NIC's link trouble into one finding.
func linkFinding(ev *Evidence, nl *hostview.NICLoad) (*Finding, linkState) {
	n := nl.NIC
	var st linkState
	two := ev.TwoSample()
	win := ev.WindowLabel
	if !two {
		win = "since driver load; " + ev.WindowLabel
	}
	sev := Severity(-1)
	raise := func(s Severity) {
		if sev < 0 || s > sev {
			sev = s
		}
	}
	var figs []Figure
	var what, why []string
	score := 0

	// Damaged frames.
	cs, reset := ev.NICLossCounters(n, hostview.LinkError)
	st.reset = reset
	st.errorsKnown = len(cs) > 0
	var e uint64
	var eName string
	for _, c := range cs {
		if c.Value > e {
			e, eName = c.Value, c.Name
		}
	}
	if e > 0 {
		l := &nl.Loss
		ratio := 0.0
		if l.PacketsKnown && l.Packets+e > 0 {
			ratio = float64(e) / float64(l.Packets+e)
		}
		rate := ev.Rate(e)
		critical := (l.PacketsKnown && ratio >= LinkErrorCriticalRatio) || (ev.HasRates() && rate > LinkErrorCriticalRate)
		switch {
		case two && critical:
			raise(Critical)
			score = max(score, scoreOver(max(ratio/LinkErrorCriticalRatio, rate/LinkErrorCriticalRate), 1))
		case two:
			raise(Warning)
			score = max(score, 35)
		case l.PacketsKnown && ratio >= LinkErrorCriticalRatio:
			raise(Notice)
			score = max(score, 15)
		}
		if two || (l.PacketsKnown && ratio >= LinkErrorCriticalRatio) {
			for _, c := range cs {
				if c.Value == 0 {
					continue
				}
				val := fmtInt(c.Value)
				if ev.HasRates() {
					val += " (" + fmtRate(ev.Rate(c.Value)) + ")"
				}
				thr := "> 0"
				if c.Name == eName {
					thr = "> 0 (E: the largest)"
				}
				figs = append(figs, figure(fmt.Sprintf("%s %s (%s)", nl.Name, c.Name, c.Source), val, thr, win))
			}
			if l.PacketsKnown {
				figs = append(figs, figure("damaged share E / rx_packets", perTenK(ratio), "≥ "+perTenK(LinkErrorCriticalRatio)+": critical", win))
			}
			what = append(what, fmt.Sprintf("%s damaged frames (%s)", fmtInt(e), eName))
			if strings.Contains(eName, "length") {
				why = append(why, "length errors also count frames longer than the MTU: compare the MTU with the peer's (mtu-mismatch)")
			}
		}
	}

	// Carrier flaps.
	if two && n.CarrierChanges != nil {
		if pn := ev.Prev.NIC(n.Name); pn != nil && pn.CarrierChanges != nil && *n.CarrierChanges > *pn.CarrierChanges {
			d := *n.CarrierChanges - *pn.CarrierChanges
			raise(Critical)
			score = max(score, 70)
			figs = append(figs, figure(nl.Name+" carrier_changes", fmt.Sprintf("%s → %s", fmtInt(*pn.CarrierChanges), fmtInt(*n.CarrierChanges)), "grew: critical", ev.WindowLabel))
			what = append(what, fmt.Sprintf("the link went down or up %s %s", fmtInt(d), plural(int(min(d, 1<<30)), "time", "times")))
		}
	}
	if downs := linkDownLines(ev, n); len(downs) >= LinkLogDownMin {
		raise(Notice)
		score = max(score, 12)
		figs = append(figs, figure(nl.Name+" kernel log \"Link is Down\" lines", strconv.Itoa(len(downs)), fmt.Sprintf("≥ %d: notice", LinkLogDownMin), "kernel log; latest: "+downs[len(downs)-1]))
		what = append(what, fmt.Sprintf("the kernel log shows the link down %d times", len(downs)))
	}

	// Speed and duplex.
	if n.Duplex == "half" && advertisesFull(n.Link) {
		raise(Warning)
		score = max(score, 40)
		figs = append(figs, figure(nl.Name+" duplex", "half", "full advertised: warning", "configuration"))
		what = append(what, "the link runs at half duplex")
		why = append(why, "half duplex on a full-duplex NIC is an autonegotiation mismatch: one end forced, the other negotiating")
	}
	if best := commonMaxSpeed(n.Link); best > 0 && n.Speed > 0 && n.Speed < best {
		raise(Warning)
		score = max(score, 40)
		figs = append(figs, figure(nl.Name+" speed", fmt.Sprintf("%d Mb/s", n.Speed), fmt.Sprintf("%d Mb/s: the fastest mode both ends advertise", best), "configuration"))
		what = append(what, fmt.Sprintf("the link negotiated %d Mb/s although both ends can do %d Mb/s", n.Speed, best))
		why = append(why, "a link below the speed both ends advertise points at a damaged cable (a missing pair drops 1G copper to 100M) or a bad optic")
	}

	// Optical power.
	if m := n.Module; m != nil && m.RxLowWarnDBm != nil {
		for i, p := range m.RxDBm {
			if p >= *m.RxLowWarnDBm {
				continue
			}
			s, thr := Warning, fmt.Sprintf("%.2f dBm: low warning", *m.RxLowWarnDBm)
			if m.RxLowAlarmDBm != nil && p < *m.RxLowAlarmDBm {
				s, thr = Critical, fmt.Sprintf("%.2f dBm: low alarm", *m.RxLowAlarmDBm)
			}
			raise(s)
			score = max(score, 45)
			lane := nl.Name + " module receive power"
			if len(m.RxDBm) > 1 {
				lane += fmt.Sprintf(" (channel %d)", i+1)
			}
			figs = append(figs, figure(lane, fmt.Sprintf("%.2f dBm", p), thr, "latest sample"))
			what = append(what, "the optic receives less light than its warning threshold")
			why = append(why, "a weak optical signal: a dirty or damaged fibre or connector, a failing optic at either end")
			break
		}
	}

	if sev < 0 {
		return nil, st
	}
	conf := High
	if !two {
		conf = Low
	}
	summary := nl.Name + ": " + strings.Join(what, "; ")
	if e > 0 && two && ev.HasRates() {
		summary += fmt.Sprintf(" (%s damaged)", fmtRate(ev.Rate(e)))
	}
	expl := "The trouble is below the host: frames arrive damaged, the link renegotiates, or it runs below what both ends can do. No kernel setting fixes it; the cable, optic, switch port or peer configuration does."
	if !two {
		expl += " Counters and log lines since boot are history until two samples show growth."
	}
	if len(why) > 0 {
		expl += " " + strings.Join(why, "; ") + "."
	}
	q := shq(nl.Name)
	cmds := []Command{
		{Run: "ethtool " + q, Kind: Verify, Why: "read the negotiated speed, duplex and both ends' advertised modes"},
		{Run: fmt.Sprintf("ethtool -S %s | grep -iE 'crc|err|symbol|fcs|align'", q), Kind: Verify, Why: "find which error counters grow"},
		{Run: "ethtool -m " + q, Kind: Verify, Why: "read the optic's receive and transmit power and its thresholds"},
		{Run: "ip -s -s link show dev " + q, Kind: Verify, Why: "watch the error and carrier counters grow"},
	}
	return &Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       clampScore(float64(score)),
		Subject:     nl.Name,
		NIC:         nl.Name,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}, st
}

// linkDownLines returns the stamps of the kernel log's "Link is Down"
// lines that name the NIC (by interface name or PCI address).
func linkDownLines(ev *Evidence, n *host.NIC) []string {
	kl := ev.Now.KernelLog
	if kl == nil {
		return nil
	}
	var out []string
	for _, e := range kl.Events {
		if e.Kind != host.LogLinkDown || !namesNIC(e.Text, n) {
			continue
		}
		stamp := e.Stamp
		if stamp == "" && e.Uptime >= 0 {
			stamp = strconv.FormatFloat(e.Uptime, 'f', 1, 64) + " s after boot"
		}
		out = append(out, stamp)
	}
	return out
}

// namesNIC reports whether a log line names the interface (as a word
// followed by a colon, the kernel's netdev prefix) or its PCI address.
func namesNIC(text string, n *host.NIC) bool {
	if n.PCI != "" && strings.Contains(text, n.PCI) {
		return true
	}
	i := strings.Index(text, n.Name+":")
	return i == 0 || (i > 0 && text[i-1] == ' ')
}

// advertisesFull reports whether the NIC advertises a full-duplex mode.
func advertisesFull(l *host.LinkModes) bool {
	if l == nil {
		return false
	}
	return slices.ContainsFunc(l.Advertised, func(m string) bool { return strings.HasSuffix(m, "/Full") })
}

// commonMaxSpeed is the fastest speed in Mb/s that both the NIC and its
// link partner advertise; 0 when the partner's modes are unknown.
func commonMaxSpeed(l *host.LinkModes) int {
	if l == nil || len(l.PartnerAdvertised) == 0 || len(l.Advertised) == 0 {
		return 0
	}
	ours := map[int]bool{}
	for _, m := range l.Advertised {
		if s := modeSpeed(m); s > 0 {
			ours[s] = true
		}
	}
	best := 0
	for _, m := range l.PartnerAdvertised {
		if s := modeSpeed(m); s > best && ours[s] {
			best = s
		}
	}
	return best
}

// modeSpeed is the speed of an ethtool link mode ("10000baseT/Full" →
// 10000); 0 when it has none.
func modeSpeed(mode string) int {
	i := strings.Index(mode, "base")
	if i <= 0 {
		return 0
	}
	s, err := strconv.Atoi(mode[:i])
	if err != nil || s <= 0 {
		return 0
	}
	return s
}
