package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// MSIXDisabled finds multi-queue capable NICs that run on one interrupt
// because MSI-X is off.
var MSIXDisabled = &Check{
	ID:       "msix-disabled",
	Title:    "Multi-queue NIC without MSI-X: one interrupt for all traffic",
	Doc:      msixDisabledDoc,
	Severity: Notice,
	Needs:    []string{host.InputPCIeLink, host.InputInterrupts, host.InputNICs},
	Run:      runMSIXDisabled,
}

const msixDisabledDoc = `Finds physical NICs able to run several queues that interrupt the host through one vector: lspci
shows the function's MSI-X capability "Enable-", or the NIC's interrupt is a legacy line of the
IO-APIC (INTx) instead of a message-signalled vector, while the function's MSI-X table (lspci's
Count=) or the driver's channel maximum (ethtool -l) allows several queues.

## Why it matters

Each receive queue needs its own interrupt vector to be serviced on its own CPU: that is what
MSI-X provides. Without it a driver falls back to one queue on MSI or a legacy line (ixgbe, i40e,
mlx5 and bnxt all do; ixgbe then reports a channel maximum of 1) and every packet is received and
processed by one CPU. A legacy line may also be shared with other devices. The cause is outside
the network stack: pci=nomsi on the kernel command line, a BIOS or hypervisor setting, a
firmware or driver that failed to allocate vectors (the kernel log says so), or an old virtual
machine type.

## When it does not apply

- Virtual NICs (virtio, VFs, ENA, netvsc) and software interfaces are not judged: their vectors
  depend on the hypervisor's device model.
- A NIC that cannot have more than one queue (MSI-X table of one entry and a channel maximum of
  one, or neither known) is not judged.
- A NIC that already has two or more queue interrupts has its vectors, whatever lspci says.
- Live, the MSI-X capability's Enable bit is in PCI configuration space that netdoctor does not
  read: a legacy IO-APIC line or lspci in a sosreport decides; live without either the NIC is not
  evaluated.

## Thresholds

- notice: MSI-X disabled (lspci "MSI-X: Enable-") or the NIC's interrupt on the IO-APIC, with an
  MSI-X table of more than one entry or a channel maximum above one, and fewer than two queue
  interrupts (the rule of CHECKS-NEXT rank 24: a multi-queue capable NIC with one legacy vector).
- warning: the same while a loss grows over the window on that NIC or on the CPU its one
  interrupt is served on (softnet drops, time_squeeze): the finding names the loss. A configuration
  is never ranked above a loss.

## Fix and risks

Nothing to change from the network stack. Remove pci=nomsi from the kernel command line when it is
there (a reboot), enable MSI/MSI-X (or "SR-IOV / interrupt remapping") in the BIOS or the
hypervisor's device model, update the adapter firmware and driver, and read the driver's messages
in the kernel log for the reason the vectors were refused. Once MSI-X is on, raise the queue count
with ethtool -L and place the queue interrupts (the other checks then judge them).
`

// msixMinQueues is the queue count a NIC must be able to run for one
// vector to matter: two (a single-queue NIC loses nothing without MSI-X).
const msixMinQueues = 2

// legacyChip reports whether an interrupts chip column is a legacy
// (line-based) controller: the x86 IO-APIC or the 8259 PIC.
func legacyChip(chip string) bool {
	return strings.Contains(chip, "IO-APIC") || strings.Contains(chip, "XT-PIC")
}

// legacyIRQs returns the legacy line interrupts whose actions name nic
// ("eth0", "eth0-rx", or one action of a shared line).
func legacyIRQs(s *host.Snapshot, nic string) []host.IRQ {
	var out []host.IRQ
	for _, q := range s.Interrupts.IRQs {
		if !legacyChip(q.Chip) {
			continue
		}
		for _, a := range q.Actions {
			if a == nic || strings.HasPrefix(a, nic+"-") {
				out = append(out, q)
				break
			}
		}
	}
	return out
}

func runMSIXDisabled(ev *Evidence) Result {
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
		legacy := legacyIRQs(s, n.Name)
		msixOff := n.PCIe != nil && n.PCIe.MSIX != nil && !*n.PCIe.MSIX
		known := len(legacy) > 0 || n.PCIe != nil && n.PCIe.MSIX != nil || len(n.MSIIRQs) > 0 || len(n.Queues) >= msixMinQueues
		if !known {
			if firstUnread == "" {
				firstUnread = n.Name
			}
			continue
		}
		read++
		if !msixOff && len(legacy) == 0 || len(n.Queues) >= msixMinQueues {
			continue
		}
		table := 0
		if n.PCIe != nil {
			table = n.PCIe.MSIXCount
		}
		if table < msixMinQueues && maxQueues(n) < msixMinQueues {
			continue
		}
		res.Findings = append(res.Findings, msixFinding(ev, n, legacy, msixOff, table))
	}
	switch {
	case candidates == 0 && len(s.NICs) == 0:
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputNICs, "")}
	case candidates == 0:
		return Result{Verdict: NotApplicable, Reason: "no physical PCI NIC function (virtual machines' NICs take the vectors the hypervisor's device model gives)"}
	case read == 0:
		r := ev.InputReason(host.InputPCIeLink, firstUnread)
		if s.Source == "live" {
			r = "neither lspci nor a legacy interrupt line tells whether MSI-X is on for " + firstUnread + " (the capability is in PCI configuration space, not read live)"
		}
		return Result{Verdict: NotEvaluated, Reason: r}
	}
	if len(res.Findings) == 0 {
		return Result{Verdict: Pass, Reason: fmt.Sprintf("%s judged: MSI-X on, several queue interrupts, or one queue at most", plural(read, "1 NIC", fmt.Sprintf("%d NICs", read)))}
	}
	res.Verdict = Fail
	return res
}

// cmdlineNoMSI reports whether the kernel command line disables MSI
// (pci=nomsi, alone or among pci= options).
func cmdlineNoMSI(cmdline string) bool {
	for _, f := range strings.Fields(cmdline) {
		v, ok := strings.CutPrefix(f, "pci=")
		if !ok {
			continue
		}
		for _, o := range strings.Split(v, ",") {
			if o == "nomsi" {
				return true
			}
		}
	}
	return false
}

func msixFinding(ev *Evidence, n *host.NIC, legacy []host.IRQ, msixOff bool, table int) Finding {
	var figs []Figure
	var how string
	switch {
	case msixOff && len(legacy) > 0:
		how = fmt.Sprintf("MSI-X disabled and its interrupt on legacy line %d", legacy[0].Num)
	case msixOff:
		how = "MSI-X disabled"
		if n.PCIe.MSI != nil && *n.PCIe.MSI {
			how += " (one MSI vector)"
		}
	default:
		how = fmt.Sprintf("its interrupt on legacy line %d (%s)", legacy[0].Num, legacy[0].Chip)
	}
	if n.PCIe != nil && n.PCIe.MSIX != nil {
		v := "Enable-"
		if *n.PCIe.MSIX {
			v = "Enable+"
		}
		if table > 0 {
			v += fmt.Sprintf(" Count=%d", table)
		}
		figs = append(figs, figure("MSI-X capability of "+n.Name+" ("+n.PCI+")", v, "Enable- with Count > 1", "configuration"))
	}
	for _, q := range legacy {
		figs = append(figs, figure(fmt.Sprintf("interrupt %d of %s", q.Num, n.Name), q.Chip+" "+q.Trigger+" "+strings.Join(q.Actions, ", "), "a legacy line", "configuration"))
	}
	capable := max(table, maxQueues(n))
	cur := max(currentQueues(n), len(n.Queues))
	figs = append(figs, figure("queues of "+n.Name, fmt.Sprintf("%d with an interrupt of its own", len(n.Queues)), fmt.Sprintf("< %d", msixMinQueues), "configuration"))
	if ch := n.Channels; ch != nil {
		figs = append(figs, figure("channels of "+n.Name+" (ethtool -l)", fmt.Sprintf("%d of maximum %d", currentQueues(n), maxQueues(n)), "", "configuration"))
	}
	noMSI := cmdlineNoMSI(ev.Now.CmdLine)
	if noMSI {
		figs = append(figs, figure("kernel command line", "pci=nomsi", "MSI and MSI-X off for every device", "configuration"))
	}
	var cpus []int
	for _, q := range legacy {
		cpus = append(cpus, q.Effective...)
	}
	for _, q := range n.Queues {
		if l := ev.IRQ(q.IRQ); l != nil && l.ConfigCPU >= 0 {
			cpus = append(cpus, l.ConfigCPU)
		}
	}
	slices.Sort(cpus)
	cpus = slices.Compact(cpus)
	summary := fmt.Sprintf("%s runs %s with %s", n.Name, plural(max(cur, 1), "1 queue", fmt.Sprintf("%d queues", max(cur, 1))), how)
	expl := fmt.Sprintf("Without MSI-X the driver of %s has one interrupt vector, so it runs one receive queue and one CPU handles every packet the NIC receives", n.Name)
	if capable > 1 {
		expl += fmt.Sprintf(", although the function can have %d", capable)
		if table > 0 {
			expl += " vectors (MSI-X table)"
		} else {
			expl += " queues (ethtool -l maximum)"
		}
	}
	expl += "."
	if len(legacy) > 0 && len(legacy[0].Actions) > 1 {
		expl += " The legacy line is shared with " + strings.Join(legacy[0].Actions, ", ") + "."
	}
	if noMSI {
		expl += " The kernel command line holds pci=nomsi, which switches MSI and MSI-X off for every device: that is the cause."
	} else {
		expl += " The cause is a BIOS or hypervisor setting, the adapter's firmware, or the driver failing to allocate its vectors: its messages in the kernel log say which."
	}
	f := Finding{
		Severity: Notice,
		Score:    45,
		Subject:  n.Name,
		NIC:      n.Name,
		CPUs:     cpus,
		Summary:  summary,
		Evidence: figs,
	}
	f.Explanation = expl
	escalate(ev, &f, n.Name, f.CPUs)
	if f.Severity == Warning {
		f.Score = 65
		f.Summary += "; a loss grows"
	}
	q := shq(n.PCI)
	f.Commands = []Command{
		{Run: "lspci -s " + q + " -vv | grep -E 'MSI|Kernel driver'", Kind: Verify, NeedsRoot: true,
			Why: "whether MSI-X is enabled now and how many vectors the function offers (Count=)"},
		{Run: "ls /sys/bus/pci/devices/" + q + "/msi_irqs/ && grep -H . /sys/bus/pci/devices/" + q + "/msi_irqs/*", Kind: Verify,
			Why: "the message-signalled vectors the driver allocated and their kind (msi or msix); no directory means a legacy line"},
		{Run: "dmesg | grep -iE " + shq(strings.TrimPrefix(n.PCI, "0000:")+"|"+n.Name+"|msi"), Kind: Verify, NeedsRoot: true,
			Why: "the driver's reason for falling back (vector allocation failed, MSI-X disabled by a quirk or the firmware)"},
	}
	if noMSI {
		f.Commands = append(f.Commands,
			Command{Run: "grubby --update-kernel=ALL --remove-args=pci=nomsi", Kind: Change, NeedsRoot: true, Persistent: true,
				Why:     "take pci=nomsi off the kernel command line (RHEL family; on Debian and Ubuntu edit GRUB_CMDLINE_LINUX in /etc/default/grub and run update-grub)",
				Caveats: []string{"Takes effect at the next reboot. pci=nomsi is sometimes set to work around a broken chipset or device: find out why it is there first."}},
		)
	}
	return f
}
