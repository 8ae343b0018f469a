package report

import (
	"errors"
	"fmt"
	"github.com/netdoctor/netdoctor/internal/textfmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/host"
)

// errNilReport is returned by every renderer given a nil report.
var errNilReport = errors.New("report: nil report")

// Markdown writes the report as GitHub-flavoured Markdown for a ticket. It
// leads with the answer: a title, the verdict line and the findings summary
// table (one row a finding), then the host table, the interfaces, the
// detail of each ranked finding (evidence, long tables folded, explanation
// and commands), the verdict of every check (the sign-off checklist) and
// the inputs that could not be read, those a virtual interface is expected
// to lack folded into one line. It stays within MarkdownBudget bytes: the
// detail of the lowest-ranked findings is left out, and said to be, when
// the whole would not fit. Untrusted text is escaped (see mdText); commands
// are shown in fenced code blocks that their text cannot close.
func Markdown(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	r = normalized(r)
	var m mdWriter
	m.b.Grow(4096 + 2048*len(r.Findings) + 128*len(r.Checks) + 128*len(r.Inputs))
	m.title(r)
	m.verdict(r)
	m.summaryTable(r, summaryMax)
	m.hostTable(r)
	m.interval(r)
	m.interfaces(r)
	var tail mdWriter
	tail.losses(r)
	tail.checks(r)
	tail.inputs(r)
	commands := false
	for _, f := range r.Findings {
		commands = commands || len(f.Commands) > 0
	}
	if commands {
		tail.para("netdoctor ran none of these commands and changed nothing on the host. " +
			"Review each command before running it.")
	} else {
		tail.para("netdoctor only read the host and changed nothing on it.")
	}
	m.findingsDetail(r, MarkdownBudget, tail.b.Len())
	m.b.WriteString(tail.b.String())
	_, err := io.WriteString(w, m.b.String())
	return err
}

// mdWriter accumulates Markdown; every block ends with a blank line.
type mdWriter struct {
	b strings.Builder
}

// line writes already-escaped Markdown and a newline.
func (m *mdWriter) line(s string) {
	m.b.WriteString(s)
	m.b.WriteByte('\n')
}

// para writes already-escaped Markdown as a paragraph.
func (m *mdWriter) para(s string) {
	m.line(s)
	m.b.WriteByte('\n')
}

// table writes a GitHub-flavoured table; cells must be escaped already.
func (m *mdWriter) table(header []string, rows [][]string) {
	m.row(header)
	m.b.WriteString("|")
	for range header {
		m.b.WriteString("---|")
	}
	m.b.WriteByte('\n')
	for _, r := range rows {
		m.row(r)
	}
	m.b.WriteByte('\n')
}

// row writes one table row. A space always precedes each separator, so a
// cell's trailing backslash cannot escape it.
func (m *mdWriter) row(cells []string) {
	m.b.WriteString("|")
	for _, c := range cells {
		m.b.WriteByte(' ')
		m.b.WriteString(c)
		m.b.WriteString(" |")
	}
	m.b.WriteByte('\n')
}

// code writes body in a fenced code block of the given info string.
func (m *mdWriter) code(info, body string) {
	f := fence(body)
	m.line(f + info)
	m.b.WriteString(body)
	if !strings.HasSuffix(body, "\n") {
		m.b.WriteByte('\n')
	}
	m.line(f)
	m.b.WriteByte('\n')
}

func toolName(r *Report) string {
	if r.Tool.Name == "" {
		return "netdoctor"
	}
	return r.Tool.Name
}

func (m *mdWriter) title(r *Report) {
	name := "unknown host"
	if r.Host.Hostname != "" {
		name = mdText(r.Host.Hostname)
	}
	m.para("# " + mdText(toolName(r)) + " report: " + name)
}

func (m *mdWriter) hostTable(r *Report) {
	h := r.Host
	name := "unknown"
	if h.Hostname != "" {
		name = mdText(h.Hostname)
	}
	var rows [][]string
	add := func(k, v string) { rows = append(rows, []string{k, v}) }

	kernel := orUnknown(mdText(h.Kernel))
	if h.Arch != "" {
		kernel += " (" + mdText(h.Arch) + ")"
	}
	add("kernel", kernel)

	cpus := "unknown"
	if h.CPUCount > 0 {
		cpus = fmt.Sprintf("%d online (%s)", h.CPUCount, h.CPUs)
	}
	switch {
	case h.SMT == nil:
		cpus += ", SMT unknown"
	case *h.SMT:
		cpus += ", SMT on"
	default:
		cpus += ", SMT off"
	}
	add("CPUs", cpus)

	if len(h.Nodes) > 0 {
		parts := make([]string, 0, len(h.Nodes))
		for _, n := range h.Nodes {
			parts = append(parts, fmt.Sprintf("node %d: %s", n.ID, orText(n.CPUs, "no CPUs")))
		}
		add("NUMA", strings.Join(parts, "; "))
	} else {
		add("NUMA", "unknown")
	}

	platform := "no hypervisor detected"
	if h.Virtualization != "" {
		platform = "virtual machine (" + mdText(h.Virtualization) + ")"
	}
	if h.Container {
		platform = "container; " + platform
	}
	add("platform", platform)

	if h.BootTime != nil {
		add("booted", stamp(*h.BootTime)+", up "+uptime(h.UptimeSeconds))
	} else {
		add("booted", "unknown")
	}

	if r.Processes.Note != "" {
		add("processes", mdText(r.Processes.Note))
	} else if r.Processes.Seen > 0 {
		add("processes", strconv.Itoa(r.Processes.Seen)+" seen")
	}
	add("samples", samplesText(r))
	if s := overLimitText(r); s != "" {
		add("not read", s)
	}
	if r.LoadWindow != "" {
		add("rate window", mdText(r.LoadWindow))
	}
	src := orUnknown(mdText(r.Source.Kind))
	if len(r.Source.Paths) > 0 {
		ps := make([]string, len(r.Source.Paths))
		for i, p := range r.Source.Paths {
			ps[i] = mdText(p)
		}
		src += ": " + strings.Join(ps, ", ")
	}
	add("source", src)

	gen := stamp(r.Generated) + " by " + mdText(toolName(r))
	if r.Tool.Version != "" {
		gen += " " + mdText(r.Tool.Version)
	}
	if r.Tool.FailOn != "" {
		gen += ", fail-on " + mdText(r.Tool.FailOn)
	}
	add("generated", gen)
	if r.Tool.Command != "" {
		add("command", mdText(r.Tool.Command))
	}
	m.table([]string{"host", name}, rows)
}

// maxDiscontinuityRows is how many discontinuities the Markdown lists.
const maxDiscontinuityRows = 20

// interval writes the pair's warnings and the counter series without a
// value over the interval, when there are any.
func (m *mdWriter) interval(r *Report) {
	if len(r.PairWarnings) == 0 && len(r.Discontinuities) == 0 {
		return
	}
	m.para("## Interval")
	for _, w := range r.PairWarnings {
		m.line("- **Warning:** " + mdText(w))
	}
	if len(r.PairWarnings) > 0 {
		m.b.WriteByte('\n')
	}
	if len(r.Discontinuities) == 0 {
		return
	}
	m.para(fmt.Sprintf("%d counter series have no value over the interval; the checks that needed them are not evaluated:", len(r.Discontinuities)))
	var rows [][]string
	for i, d := range r.Discontinuities {
		if i == maxDiscontinuityRows {
			rows = append(rows, []string{fmt.Sprintf("%d more", len(r.Discontinuities)-i), "", "see the JSON report"})
			break
		}
		series := orText(mdText(d.Source), "all counters")
		if d.Subject != "" {
			series += " " + mdText(d.Subject)
		}
		if d.Counter != "" {
			series += " " + mdText(d.Counter)
		}
		rows = append(rows, []string{series, mdText(d.Kind), mdText(d.Reason)})
	}
	m.table([]string{"series", "kind", "reason"}, rows)
}

func samplesText(r *Report) string {
	switch {
	case r.Samples == 2 && len(r.SampleTimes) == 2:
		return fmt.Sprintf("2, %s s apart: %s and %s",
			strconv.FormatFloat(r.IntervalSeconds, 'f', 1, 64),
			stamp(r.SampleTimes[0]), stamp(r.SampleTimes[1]))
	case r.Samples == 1 && len(r.SampleTimes) == 1:
		return "1, at " + stamp(r.SampleTimes[0]) + " (no interval: growth cannot be measured)"
	}
	return strconv.Itoa(r.Samples)
}

// interfaces lists the physical NICs and any NIC with queue vectors.
func (m *mdWriter) interfaces(r *Report) {
	var rows [][]string
	for _, n := range r.NICs {
		if n.Kind != host.KindPhysical && len(n.Queues) == 0 {
			continue
		}
		var cpus []int
		known := false
		for _, q := range n.Queues {
			if q.CPUsFrom != "" {
				known = true
			}
			cpus = append(cpus, q.CPUs...)
		}
		irqCPUs := "unknown"
		if known {
			irqCPUs = host.FormatCPUList(cpus)
		}
		if len(n.Queues) == 0 {
			irqCPUs = ""
		}
		rows = append(rows, []string{
			mdText(n.Name), orText(mdText(n.Driver), "unknown"), mdText(n.PCI),
			intOr(n.NUMANode, "unknown"), speed(n.Speed), queueCount(n), irqCPUs,
		})
	}
	if len(rows) == 0 {
		return
	}
	m.para("## Interfaces")
	more := len(rows) - interfacesMax
	if more > 0 {
		rows = rows[:interfacesMax]
	}
	m.table([]string{"interface", "driver", "PCI", "node", "speed", "queue IRQs", "IRQ CPUs"}, rows)
	if more > 0 {
		m.para(fmt.Sprintf("… and %d more interface%s (`--format json` lists them all).", more, pluralS(more)))
	}
}

// finding writes one finding's detail. seen maps the caveats already shown
// to the rank of their finding: a repeated caveat is referred to, not
// repeated.
func (m *mdWriter) finding(f Finding, seen map[string]int) {
	head := fmt.Sprintf("### %d. [%s] %s", f.Rank, strings.ToUpper(f.Severity.String()), mdText(f.Check))
	if f.Subject != "" {
		head += " — " + mdText(f.Subject)
	}
	m.para(head)
	if f.Summary != "" {
		m.para(mdBlock(f.Summary))
	}
	var facts []string
	if f.Title != "" {
		facts = append(facts, mdBlock(f.Title)) // starts the line
	}
	if f.Confidence != "" {
		facts = append(facts, "confidence "+mdText(string(f.Confidence)))
	}
	facts = append(facts, "score "+strconv.Itoa(f.Score))
	if f.NIC != "" && f.NIC != f.Subject {
		facts = append(facts, "NIC "+mdText(f.NIC))
	}
	if len(f.CPUs) > 0 {
		facts = append(facts, "CPUs "+host.FormatCPUList(f.CPUs))
	}
	if len(f.PIDs) > 0 {
		ps := make([]string, len(f.PIDs))
		for i, p := range f.PIDs {
			ps[i] = strconv.Itoa(p)
		}
		facts = append(facts, "PIDs "+strings.Join(ps, ", "))
	}
	m.para(strings.Join(facts, " · "))

	if f.Waived != nil {
		m.para("**Waived** until " + mdText(f.Waived.Expires) + ": " + mdText(f.Waived.Reason))
	}
	m.evidence(f.Evidence)
	for _, p := range paragraphs(f.Explanation) {
		m.para(mdBlock(p))
	}
	m.commands("**Fix now** (runtime, lost at reboot):", f.Commands, false, f.Rank, seen)
	m.commands("**Make it persistent** (survives reboot):", f.Commands, true, f.Rank, seen)
}

// commands writes the commands of one kind, each in its own code block
// followed by its caveats; a caveat an earlier finding showed (seen) is
// referred to by that finding's rank.
func (m *mdWriter) commands(label string, cmds []Command, persistent bool, rank int, seen map[string]int) {
	first := true
	for _, c := range cmds {
		if c.Persistent != persistent {
			continue
		}
		if first {
			m.para(label)
			first = false
		}
		m.code("sh", commandBlock(c))
		if len(c.Caveats) > 0 {
			var refs []int
			for _, cv := range c.Caveats {
				if at, ok := seen[cv]; ok && at != rank {
					if !slices.Contains(refs, at) {
						refs = append(refs, at)
					}
					continue
				}
				seen[cv] = rank
				m.line("- " + mdBlock(cv))
			}
			for _, at := range refs {
				m.line(fmt.Sprintf("- The caveats of this command under finding %d apply.", at))
			}
			m.b.WriteByte('\n')
		}
	}
}

// commandBlock is a command as shown in a code block: a comment with its
// kind unless it is a change ("verify:", "option:"), why and whether it
// needs root, then the command.
func commandBlock(c Command) string {
	comment := oneLine(c.Why)
	if c.NeedsRoot {
		comment = strings.TrimSpace(comment + " (root)")
	}
	if c.Kind != checks.Change {
		comment = strings.TrimSpace(kindLabel(c.Kind) + ": " + comment)
	}
	run := strings.TrimRight(c.Run, "\n")
	body := codeText(run)
	if !runnable(run) {
		body = "# Not safe to copy: holds control or invisible characters, shown as \\uXXXX.\n" + body
	}
	if comment == "" {
		return body
	}
	return "# " + comment + "\n" + body
}

func (m *mdWriter) checks(r *Report) {
	m.para("## Checks")
	if len(r.Checks) == 0 {
		m.para("No check ran.")
		return
	}
	rows := make([][]string, len(r.Checks))
	for i, c := range r.Checks {
		verdict := mdText(string(c.Verdict))
		if c.Verdict == checks.Fail || c.Verdict == checks.Error {
			verdict = "**" + verdict + "**"
		}
		rows[i] = []string{mdText(orText(c.ID, "unknown")), verdict, strconv.Itoa(c.Findings), mdText(c.Reason)}
	}
	m.table([]string{"check", "verdict", "findings", "reason"}, rows)
}

// inputs lists the inputs that are not ok, one row for the same problem in
// both samples; those a virtual interface or its driver is expected not
// to have are folded into one line.
func (m *mdWriter) inputs(r *Report) {
	m.para("## Inputs")
	ok := 0
	type key struct{ name, subject, path, reason string }
	var order []key
	bad := map[key]*[2]string{} // status, samples
	kinds := nicKinds(r)
	var expected []Input
	for _, in := range r.Inputs {
		if in.Status == host.StatusOK {
			ok++
			continue
		}
		if expectedMissing(in, kinds) {
			expected = append(expected, in)
			continue
		}
		k := key{in.Name, in.Subject, in.Path, string(in.Status) + "\x00" + in.Reason}
		if v, seen := bad[k]; seen {
			v[1] += ", " + strconv.Itoa(in.Sample)
			continue
		}
		order = append(order, k)
		bad[k] = &[2]string{string(in.Status), strconv.Itoa(in.Sample)}
	}
	m.para(fmt.Sprintf("%d of %d inputs read.", ok, len(r.Inputs)))
	if len(expected) > 0 {
		m.para(expectedLine(expected))
	}
	if len(order) == 0 {
		return
	}
	shown := order[:min(len(order), inputsMax)]
	rows := make([][]string, len(shown))
	for i, k := range shown {
		v := bad[k]
		name := k.name
		if k.subject != "" {
			name += " " + k.subject
		}
		_, reason, _ := strings.Cut(k.reason, "\x00")
		rows[i] = []string{v[1], mdText(name), mdText(v[0]), mdText(reason), mdText(k.path)}
	}
	m.table([]string{"sample", "input", "status", "reason", "path"}, rows)
	if more := len(order) - len(shown); more > 0 {
		m.para(fmt.Sprintf("… and %d more input%s not read (`--format json` lists them all).", more, pluralS(more)))
	}
}

// paragraphs splits text at blank lines; single line breaks are left for
// the escaper to turn into spaces.
func paragraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// stamp formats a time in UTC to the second; the zero time is "unknown".
func stamp(t time.Time) string { return textfmt.Time(t) }

// uptime formats seconds as "3d 4h", "5h 12m" or "11m".
func uptime(sec int64) string {
	if sec <= 0 {
		return "unknown"
	}
	return textfmt.Uptime(time.Duration(sec) * time.Second)
}

func speed(mbs int) string {
	switch {
	case mbs <= 0:
		return "unknown"
	case mbs >= 1000 && mbs%1000 == 0:
		return strconv.Itoa(mbs/1000) + " Gb/s"
	}
	return strconv.Itoa(mbs) + " Mb/s"
}

func intOr(v int, unknown string) string {
	if v < 0 {
		return unknown
	}
	return strconv.Itoa(v)
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func orUnknown(s string) string { return orText(s, "unknown") }

// queueCount is the number of queue IRQs, saying how they were mapped when
// it was not msi_irqs.
func queueCount(n NIC) string {
	c := strconv.Itoa(len(n.Queues))
	switch {
	case len(n.Queues) == 0 || n.QueueMap == host.QueueMapMSI:
		return c
	case n.QueueMap == host.QueueMapChip:
		return c + " (by PCI address)"
	case n.QueueMap == host.QueueMapNames:
		return c + " (by IRQ names)"
	}
	return c
}
