package checks

import (
	"fmt"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of cloud-nic-limits (their reasons are in its Doc).
const (
	// CloudLimitCriticalRatio: packets over the pps or inbound bandwidth
	// allowance of at least this share of the received packets is critical
	// (the same error ratio as nic-rx-fifo-missed).
	CloudLimitCriticalRatio = 0.01
	// VFIdleMinPackets: the synthetic netvsc path must carry at least this
	// many packets over the window before an idle VF means anything
	// (netdoctor default: well above ARP and DHCP chatter).
	VFIdleMinPackets = 10_000
)

// cloudDriverENA is the AWS Elastic Network Adapter's driver; the
// allowance counters are read for it alone.
const cloudDriverENA = "ena"

// enaConntrackAvailable is ENA's gauge of connections the instance may
// still track (a level, not a counter: not in the loss table).
const enaConntrackAvailable = "conntrack_allowance_available"

// netvsc's counters of the traffic its accelerated (VF) path carried.
const (
	netvscVFRx = "vf_rx_packets"
)

// CloudNICLimits finds cloud instance network limits dropping traffic.
var CloudNICLimits = &Check{
	ID:       "cloud-nic-limits",
	Title:    "Cloud instance network limits queued or dropped packets",
	Doc:      cloudNICLimitsDoc,
	Severity: Warning,
	Needs:    []string{host.InputNICs, host.InputEthtoolInfo, host.InputEthtoolStats, host.InputNICSysfs},
	Run:      runCloudNICLimits,
}

var cloudNICLimitsDoc = fmt.Sprintf(`Finds a cloud provider's per-instance network limits shaping or dropping traffic: AWS ENA's allowance
counters (bw_in_allowance_exceeded, bw_out_allowance_exceeded, pps_allowance_exceeded,
conntrack_allowance_exceeded, linklocal_allowance_exceeded: the CloudLimit rows of the NIC loss table),
and an Azure netvsc interface whose accelerated-networking VF carries nothing while the synthetic path
carries the traffic.

## Why it matters

A cloud instance has hard limits on bandwidth, packets per second, tracked connections and traffic to
link-local services (the DNS resolver, the instance metadata service, NTP). Over them the hypervisor
queues, then drops packets before the guest sees them: the guest's own counters stay clean, and only the
ENA driver's allowance counters say it happened. A full connection-tracking allowance refuses new
flows outright. On Azure, a VM whose VF (mlx4, mlx5 or mana) is missing or idle sends everything through
the slower synthetic path.

## When it does not apply

- Only ENA NICs are judged on the allowance names: the rule is never run on another driver, even if a
  counter of the same name exists. ENA drivers before 2.2.10 have no allowance counters: not
  evaluated, saying so.
- gve (Google Cloud) reports no allowance counters; its receive-buffer starvation
  (rx_no_buffers_posted) is judged by nic-rx-fifo-missed.
- Hosts without an ENA or netvsc NIC: not applicable. Without ethtool -S or -i: not evaluated.
- "Queued and/or dropped": short bursts on burstable ("up to") instance types are shaped by design; the
  counts and rates in the finding say how much.

## Thresholds

- Any growth of an allowance counter over two samples is a warning.
- conntrack_allowance_exceeded growth is critical: new connections are dropped.
- pps_allowance_exceeded or bw_in_allowance_exceeded growth of at least %s of the received packets
  (CloudLimitCriticalRatio, the error ratio nic-rx-fifo-missed uses) is critical.
- linklocal_allowance_exceeded growth is a warning naming DNS, the metadata service and NTP.
- One sample: a cumulative count above zero is a notice "since driver load" (the counters start at
  driver load); zero since driver load passes.
- Azure: a netvsc NIC whose vf_rx_packets did not grow while its rx_packets grew by at least %s
  (VFIdleMinPackets, a netdoctor default) is a warning: accelerated networking is inactive. From one
  sample, the same totals since driver load are a notice.

## Fix and risks

No host setting raises a cloud allowance, and no sysctl helps. Move to an instance type with a higher
network allowance, spread the traffic over more instances or network interfaces, or use ENA Express
where the instance type offers it (bw, pps); run a local DNS cache (linklocal); use untracked
security-group rules or shorter idle timeouts for connection tracking (conntrack). On Azure, enable
accelerated networking on the interface and install the VF driver (mlx5 or mana) in the image.
Verify with ethtool -S.
`, fmtPct(CloudLimitCriticalRatio), fmtInt(VFIdleMinPackets))

func runCloudNICLimits(ev *Evidence) Result {
	var ena, netvsc, unknown []*hostview.NICLoad
	gve := false
	for _, nl := range ev.NICs {
		if !nl.Physical || nl.NIC == nil {
			continue
		}
		switch nl.NIC.Driver {
		case cloudDriverENA:
			ena = append(ena, nl)
		case "hv_netvsc", "netvsc":
			netvsc = append(netvsc, nl)
		case "gve":
			gve = true
		case "":
			unknown = append(unknown, nl)
		}
	}
	if len(ena) == 0 && len(netvsc) == 0 {
		switch {
		case len(unknown) > 0:
			return Result{Verdict: NotEvaluated, Reason: "NIC driver unknown: " + ev.InputReason(host.InputEthtoolInfo, unknown[0].Name)}
		case !ev.InputOK(host.InputNICs, "") || len(ev.NICs) == 0:
			return ev.noDeviceNIC()
		case gve:
			return Result{Verdict: NotApplicable, Reason: "gve reports no allowance counters; its buffer drops are judged by nic-rx-fifo-missed"}
		}
		return Result{Verdict: NotApplicable, Reason: "no cloud NIC with limit counters (ENA, netvsc)"}
	}
	var fs []Finding
	var notEv []string
	judged := 0
	judge := func(nics []*hostview.NICLoad, rule func(*Evidence, *hostview.NICLoad) (Finding, string, bool)) {
		for _, nl := range nics {
			f, reason, ok := rule(ev, nl)
			switch {
			case reason != "":
				notEv = append(notEv, reason)
			case ok:
				judged++
				fs = append(fs, f)
			default:
				judged++
			}
		}
	}
	judge(ena, enaLimits)
	judge(netvsc, netvscVF)
	if len(fs) > 0 {
		return Result{Verdict: Fail, Findings: fs}
	}
	if len(notEv) > 0 {
		return Result{Verdict: NotEvaluated, Reason: strings.Join(notEv, "; ")}
	}
	r := Result{Verdict: Pass}
	if ev.TwoSample() {
		r.Reason = "no cloud limit exceeded in the " + ev.WindowLabel
	} else {
		r.Reason = "no cloud limit exceeded since driver load"
	}
	return r
}

// enaLimits judges one ENA NIC's allowance counters. reason is set when
// they could not be read.
func enaLimits(ev *Evidence, nl *hostview.NICLoad) (Finding, string, bool) {
	n := nl.NIC
	if len(n.EthtoolStats) == 0 {
		return Finding{}, "no ENA allowance counters: " + ev.InputReason(host.InputEthtoolStats, nl.Name), false
	}
	cs, reset := ev.NICLossCounters(n, hostview.CloudLimit)
	if len(cs) == 0 {
		if reset {
			return Finding{}, nl.Name + ": the allowance counters went backwards (driver reset)", false
		}
		v := n.DriverVersion
		if v == "" {
			v = "of unknown version"
		}
		return Finding{}, fmt.Sprintf("%s: the ENA driver %s reports no allowance counters (they appeared in 2.2.10)", nl.Name, v), false
	}
	two := ev.TwoSample()
	var grew []hostview.Counter
	for _, c := range cs {
		if c.Value > 0 {
			grew = append(grew, c)
		}
	}
	if len(grew) == 0 {
		if reset {
			return Finding{}, nl.Name + ": some allowance counters went backwards (driver reset)", false
		}
		return Finding{}, "", false
	}
	l := &nl.Loss
	sev, score := Warning, 40
	var why []string
	win := ev.WindowLabel
	if !two {
		sev, score, win = Notice, 15, "since driver load; "+ev.WindowLabel
	}
	var figs []Figure
	var names []string
	for _, c := range grew {
		names = append(names, c.Name)
		val := fmtInt(c.Value)
		if ev.HasRates() {
			val += " (" + fmtRate(ev.Rate(c.Value)) + ")"
		}
		thr := "> 0: warning"
		switch c.Name {
		case "conntrack_allowance_exceeded":
			thr = "> 0: critical (new connections dropped)"
			if two {
				sev, score = Critical, max(score, 80)
				why = append(why, "the connection-tracking allowance is full: new flows are dropped")
			}
		case "pps_allowance_exceeded", "bw_in_allowance_exceeded":
			thr = "≥ " + fmtPct(CloudLimitCriticalRatio) + " of received packets: critical"
			if two && l.PacketsKnown {
				ratio := float64(c.Value) / float64(l.Packets+c.Value)
				figs = append(figs, figure(nl.Name+" "+c.Name+" share of received packets", fmtPct(ratio), "≥ "+fmtPct(CloudLimitCriticalRatio)+": critical", win))
				if ratio >= CloudLimitCriticalRatio {
					sev, score = Critical, max(score, scoreOver(ratio, CloudLimitCriticalRatio))
				}
			}
		case "linklocal_allowance_exceeded":
			why = append(why, "traffic to link-local services (the DNS resolver, the instance metadata service, NTP) exceeded its rate: run a local DNS cache")
		}
		figs = append(figs, figure(fmt.Sprintf("%s %s (%s)", nl.Name, c.Name, c.Source), val, thr, win))
	}
	if avail, ok := n.EthtoolStats[enaConntrackAvailable]; ok {
		figs = append(figs, figure(nl.Name+" "+enaConntrackAvailable, fmtInt(avail), "connections the instance may still track", "latest sample"))
	}
	summary := fmt.Sprintf("%s: the instance's network allowance was exceeded (%s)", nl.Name, strings.Join(names, ", "))
	expl := "The ENA driver counts packets the hypervisor queued or dropped because the instance went over a network allowance of its type; the guest's own counters do not show them."
	if two {
		if ev.HasRates() {
			summary += fmt.Sprintf(", %s at %s", grew[0].Name, fmtRate(ev.Rate(grew[0].Value)))
		}
	} else {
		summary = fmt.Sprintf("%s: network allowances were exceeded since driver load (%s)", nl.Name, strings.Join(names, ", "))
		expl += " These are totals since the driver loaded: two samples show whether it still happens."
	}
	if len(why) > 0 {
		expl += " " + strings.Join(why, "; ") + "."
	}
	expl += " No host setting raises an allowance: a larger instance type or more instances or interfaces (bandwidth, packet rate), ENA Express where offered, untracked security-group rules or shorter idle timeouts (connection tracking), a local DNS cache (link-local)."
	return Finding{
		Severity:    sev,
		Confidence:  map[bool]Confidence{true: High, false: Low}[two],
		Score:       score,
		Subject:     nl.Name,
		NIC:         nl.Name,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands: []Command{{
			Run:  fmt.Sprintf("ethtool -S %s | grep -E 'allowance'", shq(nl.Name)),
			Kind: Verify,
			Why:  "watch which allowance counters grow (run it twice, a few seconds apart)",
		}},
	}, "", true
}

// netvscVF judges an Azure netvsc NIC's accelerated path: with two samples,
// its VF counter flat while the synthetic path carried traffic.
func netvscVF(ev *Evidence, nl *hostview.NICLoad) (Finding, string, bool) {
	n := nl.NIC
	if len(n.EthtoolStats) == 0 {
		return Finding{}, "no netvsc VF counters: " + ev.InputReason(host.InputEthtoolStats, nl.Name), false
	}
	if _, ok := n.EthtoolStats[netvscVFRx]; !ok {
		return Finding{}, nl.Name + ": netvsc reports no " + netvscVFRx + " counter", false
	}
	vf, ok1 := ev.NICCounter(nl.Name, hostview.FromEthtool, netvscVFRx)
	pk, ok2 := ev.NICCounter(nl.Name, hostview.FromSysfs, "rx_packets")
	if !ok2 {
		pk, ok2 = ev.NICCounter(nl.Name, hostview.FromNetDev, "rx_packets")
	}
	if !ok1 || !ok2 {
		return Finding{}, nl.Name + ": the netvsc packet counters have no value over the window", false
	}
	if vf > 0 || pk < VFIdleMinPackets {
		return Finding{}, "", false
	}
	sev, conf, win := Warning, Medium, ev.WindowLabel
	if !ev.TwoSample() {
		sev, conf, win = Notice, Low, "since driver load; "+ev.WindowLabel
	}
	lower := "no VF interface is enslaved to it"
	if len(n.Lower) > 0 {
		lower = "its VF " + strings.Join(n.Lower, ", ") + " carried none of it"
	}
	return Finding{
		Severity:   sev,
		Confidence: conf,
		Score:      35,
		Subject:    nl.Name,
		NIC:        nl.Name,
		Summary:    fmt.Sprintf("%s: accelerated networking inactive: %s packets over the synthetic path, none over the VF", nl.Name, fmtInt(pk)),
		Evidence: []Figure{
			figure(nl.Name+" rx_packets (statistics)", fmtInt(pk), "≥ "+fmtInt(VFIdleMinPackets), win),
			figure(nl.Name+" "+netvscVFRx+" (ethtool -S)", fmtInt(vf), "> 0 expected", win),
		},
		Explanation: "The Hyper-V synthetic interface received the traffic and " + lower + ": every packet took the slower path through the host. " +
			"Enable accelerated networking on the Azure interface and make sure the image loads the VF driver (mlx5 or mana).",
		Commands: []Command{
			{Run: fmt.Sprintf("ethtool -S %s | grep -E '^ *vf_'", shq(nl.Name)), Kind: Verify, Why: "read the VF path's counters"},
			{Run: "ip -d link show", Kind: Verify, Why: "look for the VF interface enslaved to the netvsc one"},
		},
	}, "", true
}
