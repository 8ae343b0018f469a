package checks

import (
	"fmt"
	"strconv"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// MTUSubject is the subject of a host-wide mtu-mismatch finding
// (reassembly failures, the kernel's over-MTU lines); a NIC's finding has
// the interface as subject.
const MTUSubject = "mtu"

// MTUMismatch finds frames lost to MTU disagreements.
var MTUMismatch = &Check{
	ID:       "mtu-mismatch",
	Title:    "Frames lost to an MTU mismatch (length errors, reassembly failures)",
	Doc:      mtuMismatchDoc,
	Severity: Warning,
	Needs:    []string{host.InputNICs, host.InputNICSysfs, host.InputSNMP, host.InputSNMP6, host.InputKernelLog},
	Growth:   true,
	Run:      runMTUMismatch,
}

var mtuMismatchDoc = `Finds frames dropped because their size does not fit: a NIC's rx_length_errors growing (frames longer
than the port accepts), IP reassembly failures growing, the kernel's "dropped over-mtu packet" lines,
and stacked interfaces (bond, VLAN, bridge) whose upper device has a larger MTU than a lower one.

## Why it matters

An MTU that differs between the host, its switch port and the overlay or bond on top drops exactly the
large packets: small requests work, bulk transfers and TLS handshakes with large certificates hang.
Nothing retransmits a frame the NIC rejected for its length.

## When it does not apply

- Overlay interfaces (VXLAN, Geneve, flannel) deliberately have a smaller MTU than the NIC under
  them: only an upper MTU larger than a lower one is a mismatch.
- Reassembly failures also come from fragments lost on the way (timeouts): the finding says the
  counter grew and asks to compare MTUs along the path.
- From one sample the counters are since boot: not evaluated (bursts long past count too); the
  configuration mismatch of stacked interfaces is judged from one sample.

## Thresholds

- rx_length_errors, Ip ReasmFails or Ip6ReasmFails growth > 0 in the window: warning (any growth:
  the counters are zero on a consistent path; sosreport analysers flag the same MTU mismatch between
  bond and VLAN members).
- A kernel "dropped over-mtu packet" line in the window: warning.
- An upper interface (bond, VLAN, bridge) whose MTU is larger than one of its lower devices': warning.

## Fix and risks

Set one MTU along the path: ip link set DEV mtu N at runtime, and MTU= in the interface's
configuration (NetworkManager, ifcfg, netplan, systemd-networkd) to persist. Raising an MTU beyond
what the switch port carries makes things worse: check the switch and the peers first (ping -M do -s
SIZE PEER finds the largest size that passes).
`

func runMTUMismatch(ev *Evidence) Result {
	var findings []Finding
	var gaps []string
	// Stacked interfaces whose upper MTU exceeds a lower one's.
	for i := range ev.Now.NICs {
		n := &ev.Now.NICs[i]
		if n.MTU <= 0 {
			continue
		}
		for _, low := range n.Lower {
			ln := ev.Now.NIC(low)
			if ln == nil || ln.MTU <= 0 || ln.MTU >= n.MTU {
				continue
			}
			findings = append(findings, Finding{
				Severity:   Warning,
				Confidence: High,
				Score:      50,
				Subject:    n.Name,
				NIC:        n.Name,
				Summary:    fmt.Sprintf("%s has MTU %d but its lower device %s only %d", n.Name, n.MTU, ln.Name, ln.MTU),
				Evidence: []Figure{
					figure(n.Name+" MTU", strconv.Itoa(n.MTU), "≤ every lower device's MTU", "configuration"),
					figure(ln.Name+" MTU", strconv.Itoa(ln.MTU), "", "configuration"),
				},
				Explanation: "Frames up to " + strconv.Itoa(n.MTU) + " bytes leave " + n.Name + " but " + ln.Name + " under it carries at most " + strconv.Itoa(ln.MTU) + ": large packets are dropped or fragmented.",
				Commands: []Command{
					{Run: fmt.Sprintf("ip link set %s mtu %d", shq(ln.Name), n.MTU), Kind: Option, NeedsRoot: true,
						Why:     "raise the lower device to the upper's MTU, if the switch port carries it",
						Caveats: []string{"Or lower " + n.Name + " instead; persist in the interface's configuration (MTU=)."}},
					{Run: "ip -d link show", Kind: Verify, Why: "compare the MTU of every member of the stack"},
				},
			})
			break
		}
	}
	if !ev.TwoSample() {
		if len(findings) > 0 {
			return Result{Verdict: Fail, Findings: findings}
		}
		return Result{Verdict: NotEvaluated, Reason: "single sample: length errors and reassembly failures need growth over two samples"}
	}
	read := false
	for _, e := range ev.Ledger.Find(hostview.LayerLink, "rx_length_errors") {
		read = true
		if !e.Known {
			gaps = append(gaps, e.NIC+" rx_length_errors: "+e.Gap)
			continue
		}
		if e.Value == 0 {
			continue
		}
		mtu := 0
		if n := ev.Now.NIC(e.NIC); n != nil {
			mtu = n.MTU
		}
		figs := []Figure{figure(e.NIC+" rx_length_errors", withRate(ev, e.Value), "> 0", ev.WindowLabel)}
		if mtu > 0 {
			figs = append(figs, figure(e.NIC+" MTU", strconv.Itoa(mtu), "", "configuration"))
		}
		findings = append(findings, Finding{
			Severity: Warning, Confidence: Medium, Score: max(50, scoreOver(ev.Rate(e.Value), 1)),
			Subject: e.NIC, NIC: e.NIC,
			Summary:     fmt.Sprintf("%s rejected %s frames for their length %s", e.NIC, fmtInt(e.Value), during(ev)),
			Evidence:    figs,
			Explanation: "The NIC dropped frames longer than it accepts: a peer or the switch sends a larger MTU than " + e.NIC + " is set to (or a bad cable truncates frames).",
			Commands: []Command{
				{Run: "ping -M do -s 8972 PEER", Kind: Option, Why: "find the largest frame that passes to a peer (8972 tests a 9000-byte MTU; 1472 tests 1500)"},
				{Run: "ip -d link show " + shq(e.NIC), Kind: Verify, Why: "the interface's MTU, to compare with the switch port's"},
			},
		})
	}
	var reasm uint64
	var figs []Figure
	for _, name := range []string{"ReasmFails", "Ip6ReasmFails"} {
		for _, e := range ev.Ledger.Find(hostview.LayerIP, name) {
			if e.Namespace != "" {
				continue
			}
			read = true
			if !e.Known {
				gaps = append(gaps, e.Name()+": "+e.Gap)
				continue
			}
			if e.Value > 0 {
				reasm += e.Value
				figs = append(figs, figure(e.Name(), withRate(ev, e.Value), "> 0", ev.WindowLabel))
			}
		}
	}
	events, _ := logEvents(ev, host.LogOverMTU, RecentLogSeconds)
	if len(events) > 0 {
		figs = append(figs, figure("kernel log \"dropped over-mtu packet\"", fmt.Sprintf("%d lines; last: %s", len(events), events[len(events)-1].Text), "any", logWindow(ev)))
	}
	if reasm > 0 || len(events) > 0 {
		summary := fmt.Sprintf("%s IP datagrams failed reassembly %s", fmtInt(reasm), during(ev))
		if reasm == 0 {
			summary = "The kernel dropped over-MTU packets " + during(ev)
		}
		findings = append(findings, Finding{
			Severity: Warning, Confidence: Medium, Score: max(40, scoreOver(ev.Rate(reasm), 1)),
			Subject: MTUSubject, Summary: summary, Evidence: figs,
			Explanation: "Fragmented datagrams could not be put back together, or packets were larger than the path's MTU: an MTU that differs along the path (an overlay, a VPN, a jumbo-frame segment) fragments and loses large packets; lost fragments on a lossy path do the same.",
			Commands: []Command{
				{Run: "ping -M do -s 1472 PEER", Kind: Option, Why: "find the largest unfragmented size that passes to a peer"},
				{Run: "nstat -az IpReasmFails IpReasmTimeout IpFragFails Ip6ReasmFails", Kind: Verify, Why: "run twice: which of them grows"},
			},
		})
	}
	if len(findings) > 0 {
		return Result{Verdict: Fail, Findings: findings}
	}
	if len(gaps) > 0 {
		return Result{Verdict: NotEvaluated, Reason: "counters without values over the interval: " + gapWords(gaps)}
	}
	if !read {
		return Result{Verdict: NotEvaluated, Reason: "no length-error or reassembly counter was read: " + ev.InputReason(host.InputSNMP, "")}
	}
	return Result{Verdict: Pass, Reason: "no length errors, reassembly failures or over-MTU drops " + during(ev)}
}
