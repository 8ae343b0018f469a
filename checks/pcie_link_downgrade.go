package checks

import (
	"fmt"
	"strconv"

	"github.com/netdoctor/netdoctor/internal/host"
)

// PCIeLinkDowngrade finds NIC functions whose PCI Express link trained
// below its capability.
var PCIeLinkDowngrade = &Check{
	ID:       "pcie-link-downgrade",
	Title:    "NIC's PCI Express link trained below its capability",
	Doc:      pcieLinkDowngradeDoc,
	Severity: Notice,
	Needs:    []string{host.InputPCIeLink, host.InputNICs},
	Run:      runPCIeLinkDowngrade,
}

const pcieLinkDowngradeDoc = `Finds physical NICs whose PCI Express link runs at a lower speed (GT/s per lane) or fewer lanes
than both ends support: current_link_speed/width below max_link_speed/width in sysfs, or lspci's
LnkSta below LnkCap (marked "downgraded" by newer lspci).

## Why it matters

A 25 or 100 Gb/s adapter needs its full slot: a dual-port 25G card on PCIe 3.0 x8 has about 63
Gb/s; trained at x4 it has half, and at 2.5 GT/s a fifth. The adapter then fills its FIFO faster
than it can write to memory and drops frames (rx_missed_errors, rx_discards_phy) that no host
setting can save. Causes are a card in a narrower or older slot, a riser, a dirty or damaged edge
connector, or BIOS bifurcation settings; mlnx_tune and vendor guides check exactly this.

## When it does not apply

- Virtual machines' devices (virtio, VFs) and NICs with no PCI Express capability are not read.
- Some platforms lower an idle link's speed to save power (ASPM and autonomous speed changes) and
  raise it under load: a downgrade seen on an idle NIC may not last.
- A sosreport copies no sysfs link files: the link comes from lspci -nnvv.

## Thresholds

- notice: current speed below the maximum speed, or current width below the maximum width (any
  difference: the link trained to less than both ends can do; mlnx_tune's rule).
- warning: the same while a loss counter of that NIC (its adapter overflow counters) grew over the
  window; the finding names the counter. A configuration is never ranked above a loss.
- The usable bandwidth is shown against the port speed: lanes × GT/s × line encoding (8b/10b up to
  5 GT/s, 128b/130b from 8 GT/s).

## Fix and risks

Nothing to run on the host: reseat the card, move it to a slot wired for its full width and
generation (the board manual lists them), check the BIOS slot and bifurcation settings, and update
the adapter's firmware. netdoctor's commands only read the link state to confirm.
`

func runPCIeLinkDowngrade(ev *Evidence) Result {
	s := ev.Now
	read, candidates := 0, 0
	var firstUnread string
	var res Result
	for i := range s.NICs {
		n := &s.NICs[i]
		if n.Kind != host.KindPhysical || n.PCI == "" || n.VirtualHW {
			continue
		}
		candidates++
		if n.PCIe == nil {
			if firstUnread == "" {
				firstUnread = n.Name
			}
			continue
		}
		read++
		if n.PCIe.Downgraded() {
			res.Findings = append(res.Findings, pcieFinding(ev, n))
		}
	}
	switch {
	case candidates == 0 && len(s.NICs) == 0:
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputNICs, "")}
	case candidates == 0:
		return Result{Verdict: NotApplicable, Reason: "no physical PCI NIC function (virtual machines' and software interfaces have no PCI Express link to judge)"}
	case read == 0:
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputPCIeLink, firstUnread)}
	}
	if len(res.Findings) == 0 {
		return Result{Verdict: Pass, Reason: fmt.Sprintf("the PCI Express links of %d NICs run at their capability", read)}
	}
	res.Verdict = Fail
	return res
}

func pcieFinding(ev *Evidence, n *host.NIC) Finding {
	p := n.PCIe
	loss := nicLoss(ev, n.Name)
	sev, score := Notice, 40
	if loss != "" {
		sev, score = Warning, 60
	}
	gt := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + " GT/s" }
	cur := fmt.Sprintf("%s x%d", gt(p.Speed), p.Width)
	maxi := fmt.Sprintf("%s x%d", gt(p.MaxSpeed), p.MaxWidth)
	bw := host.PCIeGbitPerSec(p.Speed, p.Width)
	bwMax := host.PCIeGbitPerSec(p.MaxSpeed, p.MaxWidth)
	figs := []Figure{
		figure("PCI Express link of "+n.Name+" ("+n.PCI+")", cur, "its capability "+maxi, "configuration"),
		figure("usable PCI Express bandwidth", fmt.Sprintf("about %.0f Gb/s (of %.0f Gb/s)", bw, bwMax), "", "configuration"),
	}
	if n.Speed > 0 {
		figs = append(figs, figure("port speed of "+n.Name, fmt.Sprintf("%d Gb/s", n.Speed/1000), "", "configuration"))
	}
	if loss != "" {
		figs = append(figs, figure("loss on "+n.Name, loss, "> 0: warning", ev.WindowLabel))
	}
	summary := fmt.Sprintf("%s's PCI Express link runs at %s, below its %s", n.Name, cur, maxi)
	expl := fmt.Sprintf("The adapter's slot link trained to %s instead of %s: it can move about %.0f Gb/s to memory instead of %.0f Gb/s.", cur, maxi, bw, bwMax)
	if n.Speed > 0 && bw < float64(n.Speed)/1000 {
		expl += fmt.Sprintf(" That is less than one port's %d Gb/s: at line rate the adapter must drop frames.", n.Speed/1000)
	}
	if loss != "" {
		summary += "; " + loss
		expl += " The NIC is losing frames in hardware over the window (" + loss + ")."
	} else {
		expl += " No loss of this NIC was seen yet; some platforms also lower an idle link's speed to save power."
	}
	q := shq(n.PCI)
	return Finding{
		Severity:    sev,
		Score:       score,
		Subject:     n.Name,
		NIC:         n.Name,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands: []Command{
			{Run: "lspci -s " + q + " -vv | grep -E 'LnkCap|LnkSta'", Kind: Verify, NeedsRoot: true,
				Why: "confirm the trained link against the capability (run under load: some platforms downtrain idle links)"},
			{Run: "grep -H . /sys/bus/pci/devices/" + q + "/{current,max}_link_{speed,width}", Kind: Verify,
				Why: "the same from sysfs"},
			{Run: "dmidecode -t slot", Kind: Verify, NeedsRoot: true,
				Why: "which slots are wired for the card's full width and generation; reseat or move the card, check the BIOS slot and bifurcation settings"},
		},
	}
}
