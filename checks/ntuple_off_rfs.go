package checks

import (
	"fmt"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// NtupleOffRFS finds RFS configured in software on a NIC that could steer
// the flows in hardware (accelerated RFS) but has ntuple filters off.
var NtupleOffRFS = &Check{
	ID:       "ntuple-off-rfs",
	Title:    "RFS configured, ntuple off on a NIC that supports accelerated RFS",
	Doc:      ntupleOffRFSDoc,
	Severity: Notice,
	Needs:    []string{host.InputSysctl, host.InputNICs, host.InputNICQueues, host.InputEthtoolFeatures, host.InputEthtoolInfo},
	Run:      runNtupleOffRFS,
}

const ntupleOffRFSDoc = `Finds RFS configured (net.core.rps_sock_flow_entries > 0 and rps_flow_cnt on the NIC's receive
queues) on a NIC whose driver implements accelerated RFS, with ntuple-filters off though changeable.

## Why it matters

RFS in software moves each flow's protocol work to the consuming application's CPU with an
inter-processor interrupt per batch. Accelerated RFS, in the kernel's scaling document, has the NIC
itself deliver the flow to a queue whose interrupt runs on that CPU: no software hop. The kernel
uses it only when the driver supports it and ntuple filtering is on (ethtool -K DEV ntuple on); with
ntuple off, RFS stays in software on hardware that could do it.

## When it does not apply

- RFS not configured (rps_sock_flow_entries 0, or no rps_flow_cnt on the NIC's queues).
- Drivers without accelerated RFS (ixgbe and i40e have ntuple filters but no aRFS): only mlx4_en,
  mlx5_core, sfc, bnxt_en, qede, ice and hns3 are judged.
- ntuple-filters reported "[fixed]": it cannot be switched on; no finding.
- A sosreport: rps_flow_cnt is not collected (sos never copies queues/): not evaluated when the
  global table is set.

## Thresholds

- notice: all of the above (ranks 25 to 29 of the check specifications); a warning when a loss grows
  on the NIC, named in the finding.

## Fix and risks

ethtool -K DEV ntuple on, persistently with NetworkManager (ethtool.feature-ntuple on) or a tuned
[net] snippet. Hardware filter tables are finite: with many flows, the driver evicts filters and
falls back to software RFS for the rest. On some NICs ntuple on disables other features (for
example mlx5's LRO interplay or i40e's flow director ATR): check ethtool -k afterwards.
`

// arfsDrivers are drivers that implement accelerated RFS
// (ndo_rx_flow_steer).
var arfsDrivers = map[string]bool{
	"mlx4_en": true, "mlx5_core": true, "sfc": true, "bnxt_en": true, "qede": true, "ice": true, "hns3": true,
}

func runNtupleOffRFS(ev *Evidence) Result {
	if len(ev.Now.Sysctls) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSysctl, "")}
	}
	entries, ok := sysctlInt(ev, sysctlRFSEntries)
	if !ok {
		return Result{Verdict: NotApplicable, Reason: "no net.core.rps_sock_flow_entries (a kernel without RFS, or a container, whose network namespace does not show it)"}
	}
	all, read, unread := steeringNICs(ev)
	if len(all) == 0 {
		return ev.noDeviceNIC()
	}
	if entries <= 0 {
		return Result{Verdict: NotApplicable, Reason: "RFS is off (net.core.rps_sock_flow_entries = 0)"}
	}
	capable := 0
	for _, nl := range all {
		if arfsDrivers[nl.NIC.Driver] {
			capable++
		}
	}
	if capable == 0 {
		return Result{Verdict: NotApplicable, Reason: "no NIC's driver implements accelerated RFS"}
	}
	if len(read) == 0 {
		return Result{Verdict: NotEvaluated, Reason: unread}
	}
	var fs []Finding
	judged, noFeat := 0, ""
	for _, nl := range read {
		n := nl.NIC
		if !arfsDrivers[n.Driver] {
			continue
		}
		if s, _ := flowCnt(n); s == 0 {
			continue
		}
		if n.Features == nil {
			if noFeat == "" {
				noFeat = ev.InputReason(host.InputEthtoolFeatures, n.Name)
			}
			continue
		}
		judged++
		f, ok := n.Features[host.FeatureNtuple]
		if !ok || f.On || f.Fixed {
			continue
		}
		fs = append(fs, ntupleFinding(ev, nl, entries))
	}
	switch {
	case len(fs) > 0:
		return Result{Verdict: Fail, Findings: fs}
	case judged == 0 && noFeat != "":
		return Result{Verdict: NotEvaluated, Reason: noFeat}
	case judged == 0:
		return Result{Verdict: NotApplicable, Reason: "RFS is not configured on the queues of any NIC whose driver implements accelerated RFS"}
	}
	return Result{Verdict: Pass, Reason: "ntuple filters are on (or fixed) where RFS runs on an accelerated-RFS NIC"}
}

func ntupleFinding(ev *Evidence, nl *hostview.NICLoad, entries int64) Finding {
	sum, queues := flowCnt(nl.NIC)
	q := shq(nl.Name)
	f := Finding{
		Severity:   Notice,
		Confidence: High,
		Score:      20,
		Subject:    nl.Name,
		NIC:        nl.Name,
		Summary:    fmt.Sprintf("%s: RFS runs in software while the NIC (%s) could steer flows itself: ntuple-filters off", nl.Name, nl.NIC.Driver),
		Evidence: []Figure{
			figure(sysctlRFSEntries, fmt.Sprint(entries), "> 0", "configuration"),
			figure(nl.Name+" rps_flow_cnt (sum over queues)", fmt.Sprintf("%d over %d %s", sum, queues, plural(queues, "queue", "queues")), "> 0", "configuration"),
			figure("ntuple-filters of "+nl.Name, "off", "on (accelerated RFS)", "configuration"),
		},
		Explanation: fmt.Sprintf("RFS is configured, and %s's driver %s implements accelerated RFS, which has the NIC deliver each flow to a queue serviced on the consuming CPU. The kernel uses it only with ntuple filtering on; with it off every steered packet costs a software hop to another CPU.",
			nl.Name, nl.NIC.Driver),
	}
	escalate(ev, &f, nl.Name, nil)
	f.Commands = []Command{
		{
			Run:       "ethtool -K " + q + " ntuple on",
			Kind:      Change,
			Why:       "let the NIC steer RFS flows in hardware (accelerated RFS)",
			NeedsRoot: true,
			Caveats:   []string{"The hardware filter table is finite: flows beyond it stay in software RFS. Check ethtool -k afterwards: some drivers change other features with it."},
		},
		{
			Run:        "nmcli connection modify " + q + " ethtool.feature-ntuple on",
			Kind:       Change,
			Why:        "keep it on across reboots (NetworkManager 1.14+; the connection is often named after the interface)",
			NeedsRoot:  true,
			Persistent: true,
			Caveats:    []string{"Without NetworkManager: ifcfg ETHTOOL_OPTS=\"-K " + nl.Name + " ntuple on\" or an ifupdown post-up line."},
		},
		tunedCommand(nl.Name+"-ntuple", "net", []string{"devices=" + nl.Name, "features=ntuple on"}, "with tuned: keep ntuple on from a tuned profile layered on the active one"),
		{
			Run:  "ethtool -k " + q + " | grep ntuple",
			Kind: Verify,
			Why:  "confirm ntuple filters are on",
		},
	}
	return f
}
