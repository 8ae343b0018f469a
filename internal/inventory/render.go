package inventory

import (
	"encoding/json"
	"fmt"
	"github.com/netdoctor/netdoctor/internal/textfmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/netdoctor/netdoctor/internal/escape"
	"github.com/netdoctor/netdoctor/internal/host"
)

// JSON writes the inventory as indented JSON.
func JSON(w io.Writer, inv *Inventory) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(inv)
}

// Text writes the inventory for a terminal or a ticket: plain text,
// aligned columns, untrusted names with control characters escaped.
func Text(w io.Writer, inv *Inventory) error {
	ew := &errWriter{w: w}
	p := func(format string, a ...any) { fmt.Fprintf(ew, format, a...) }

	p("Host %s   kernel %s", clean(inv.Hostname), clean(inv.Kernel))
	if inv.Arch != "" {
		p(" (%s)", clean(inv.Arch))
	}
	p("\n")
	kind := "bare metal or unknown"
	if inv.Virtualization != "" {
		kind = "VM (" + clean(inv.Virtualization) + ")"
	}
	if inv.Container {
		kind += ", container"
	}
	p("Platform  %s\n", kind)
	p("Source    %s: %s\n", clean(inv.Source), clean(strings.Join(inv.Origins, ", ")))
	if inv.Samples == 2 {
		p("Samples   2, %.1fs apart (%s .. %s)\n", inv.IntervalSeconds, textTime(inv.SampleTimes[0]), textTime(inv.SampleTimes[1]))
	} else {
		p("Samples   1 (%s): rates need two samples; counters are since boot\n", textTime(strings.Join(inv.SampleTimes, "")))
	}
	if inv.BootTime != "" {
		p("Booted    %s (up %s)\n", textTime(inv.BootTime), humanDuration(inv.UptimeSeconds))
	}
	p("\nCPUs      %d online: %s", len(inv.CPUs), orDash(inv.CPUList))
	if len(inv.Offline) > 0 {
		p("; offline %s", host.FormatCPUList(inv.Offline))
	}
	if len(inv.Isolated) > 0 {
		p("; isolated %s", host.FormatCPUList(inv.Isolated))
	}
	p("\n")
	if inv.SMT != nil {
		p("SMT       %v\n", onOff(*inv.SMT))
	}
	p("irqbalance %s\n", inv.Irqbalance)
	if len(inv.Nodes) > 0 {
		p("\nNUMA node  CPUs\n")
		for _, n := range inv.Nodes {
			p("%9d  %s\n", n.ID, orDash(n.CPUList))
		}
	}
	if pairs := siblingPairs(inv.CPUDetail); pairs != "" {
		p("\nHyperthread siblings: %s\n", pairs)
	}

	for _, n := range inv.NICs {
		p("\nNIC %s  %s", clean(n.Name), clean(n.Kind))
		if n.VirtualHW {
			p(" (virtual hardware)")
		}
		if n.Driver != "" {
			p("  driver %s", clean(n.Driver))
		}
		if n.PCI != "" {
			p("  pci %s", clean(n.PCI))
		}
		p("  numa %s", numaText(n.NUMANode))
		if n.Speed > 0 {
			p("  %d Mb/s", n.Speed)
		}
		if n.MTU > 0 {
			p("  mtu %d", n.MTU)
		}
		if n.OperState != "" {
			p("  %s", clean(n.OperState))
		}
		p("\n")
		if f := factsText(n.Facts); f != "" {
			p("  identity  %s\n", f)
		}
		if n.Ring != nil {
			p("  ring      rx %d/%d  tx %d/%d (current/max)\n", n.Ring.RX, n.Ring.RXMax, n.Ring.TX, n.Ring.TXMax)
		}
		if c := n.Channels; c != nil {
			p("  channels  combined %d/%d  rx %d/%d  tx %d/%d  other %d/%d\n", c.Combined, c.MaxCombined, c.RX, c.MaxRX, c.TX, c.MaxTX, c.Other, c.MaxOther)
		}
		if len(n.Queues) == 0 {
			if n.Kind == host.KindPhysical {
				p("  queues    none found (no msi_irqs and no recognised IRQ names)\n")
			}
			continue
		}
		p("  queues    %d, mapped from %s\n", len(n.Queues), queueMapText(n.QueueMap))
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "    queue\tIRQ\tCPUs\tirq/s\tname\n")
		for _, q := range n.Queues {
			rate := "-"
			if q.RatePerSec != nil {
				rate = strconv.FormatFloat(*q.RatePerSec, 'f', 0, 64)
			}
			fmt.Fprintf(tw, "    %s-%d\t%d\t%s\t%s\t%s\n", q.Dir, q.Index, q.IRQ, orDash(host.FormatCPUList(q.CPUs)), rate, clean(q.Name))
		}
		tw.Flush()
		if len(n.MiscIRQs) > 0 {
			p("  other IRQs %s\n", joinInts(n.MiscIRQs))
		}
	}

	// Inputs not ok, one row per input with the samples it failed in.
	type row struct {
		samples []string
		in      Input
	}
	var rows []*row
	index := map[string]*row{}
	ok := 0
	for _, in := range inv.Inputs {
		if in.Status == string(host.StatusOK) {
			ok++
			continue
		}
		key := in.Name + "\x00" + in.Subject + "\x00" + in.Status + "\x00" + in.Reason
		r := index[key]
		if r == nil {
			r = &row{in: in}
			index[key] = r
			rows = append(rows, r)
		}
		r.samples = append(r.samples, strconv.Itoa(in.Sample))
	}
	lossesText(ew, inv.Losses)
	p("\nInputs: %d ok, %d not ok\n", ok, len(inv.Inputs)-ok)
	if len(rows) > 0 {
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  sample\tinput\tstatus\treason\n")
		for _, r := range rows {
			name := r.in.Name
			if r.in.Subject != "" {
				name += " " + r.in.Subject
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", strings.Join(r.samples, ","), clean(name), r.in.Status, clean(r.in.Reason))
		}
		tw.Flush()
	}
	return ew.err
}

func siblingPairs(cpus []CPU) string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cpus {
		if len(c.Siblings) < 2 {
			continue
		}
		k := host.FormatCPUList(c.Siblings)
		if !seen[k] {
			seen[k] = true
			out = append(out, "("+k+")")
		}
	}
	if len(out) > 16 {
		return strings.Join(out[:16], " ") + fmt.Sprintf(" ... %d cores in all", len(out))
	}
	return strings.Join(out, " ")
}

func numaText(n int) string {
	if n < 0 {
		return "unknown(-1)"
	}
	return strconv.Itoa(n)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, " ")
}

// humanDuration writes an uptime in seconds as the report does.
func humanDuration(sec int64) string { return textfmt.Uptime(time.Duration(sec) * time.Second) }

// textTime writes an RFC 3339 time of the inventory as the report's text
// does; text that is not such a time is returned as it is.
func textTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return textfmt.Time(t)
}

// clean makes untrusted text safe for one line of a terminal, as every
// string netdoctor prints is (internal/escape): control, bidi and
// zero-width characters and line breaks become \uXXXX, invalid UTF-8
// U+FFFD.
func clean(s string) string { return escape.Line(s) }

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// queueMapText says how a NIC's queue vectors were found, naming the
// weaker methods for what they are.
func queueMapText(m string) string {
	switch m {
	case host.QueueMapMSI:
		return "msi_irqs"
	case host.QueueMapChip:
		return "the PCI address in the interrupts chip column (no msi_irqs)"
	case host.QueueMapNames:
		return "IRQ names (no msi_irqs)"
	}
	return clean(m)
}

// factsText lists where the NIC's identity facts came from when any came
// from elsewhere than the sysfs device link; "" otherwise.
func factsText(f map[string]string) string {
	other := false
	for _, v := range f {
		other = other || v != "sysfs device link"
	}
	if !other {
		return ""
	}
	var parts []string
	for _, k := range []string{host.FactKind, host.FactDriver, host.FactPCI, host.FactDevice} {
		if v, ok := f[k]; ok {
			parts = append(parts, k+" from "+clean(v))
		}
	}
	return strings.Join(parts, "; ")
}
