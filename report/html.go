package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/templates"
	"github.com/yuin/goldmark"
)

// HTMLContentSecurityPolicy is the policy the HTML report declares in a
// meta tag: nothing may load or run; only its own inline CSS and data:
// images apply.
const HTMLContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " +
	"base-uri 'none'; form-action 'none'"

// HTML writes the report as one self-contained HTML page to attach to a
// ticket or open from mail: inline CSS and SVG, no script, no external
// resource, and a Content-Security-Policy that forbids both. It holds a
// summary band, pictures (an interrupt heatmap of NIC queues by CPU, a
// per-CPU strip of interrupt, NET_RX and drop rates, a map of NICs to NUMA
// nodes), the ranked findings with evidence and commands, the verdict of
// every check with its documentation, the NIC → queue → IRQ → CPU table
// and the inputs.
//
// The page is rendered with html/template from package templates, so every
// text from the host is escaped for where it lands; control and bidi
// characters are shown as \uXXXX. Check docs and explanations are Markdown
// rendered by goldmark in safe mode without raw HTML or links (see
// proseMarkdown).
func HTML(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	t, err := htmlTemplate()
	if err != nil {
		return err
	}
	v := newHTMLView(normalized(r))
	var buf bytes.Buffer
	buf.Grow(64<<10 + 4<<10*len(r.Findings))
	if err := t.ExecuteTemplate(&buf, "report", v); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

var (
	htmlOnce sync.Once
	htmlTmpl *template.Template
	htmlCSS  template.CSS
	htmlErr  error
)

// htmlTemplate parses the embedded templates once.
func htmlTemplate() (*template.Template, error) {
	htmlOnce.Do(func() {
		css, err := fs.ReadFile(templates.FS, "report.css")
		if err != nil {
			htmlErr = fmt.Errorf("report: html: %w", err)
			return
		}
		// The stylesheet is ours, embedded at build time: trusted.
		htmlCSS = template.CSS(css)
		htmlTmpl, htmlErr = template.New("report").Funcs(template.FuncMap{
			"csp": func() string { return HTMLContentSecurityPolicy },
		}).ParseFS(templates.FS, "report.html.tmpl", "pictures.svg.tmpl", "losses.html.tmpl")
		if htmlErr != nil {
			htmlErr = fmt.Errorf("report: html: %w", htmlErr)
		}
	})
	return htmlTmpl, htmlErr
}

// htmlView is what the template reads: display text only. Every string
// from the host went through oneLine or codeText (control and bidi
// characters made visible); html/template escapes it as it writes.
type htmlView struct {
	CSS        template.CSS
	Title      string
	Band       bandView
	Heatmap    *svgHeatmap
	Strip      *svgStrip
	NICMap     *svgNICMap
	AppIRQ     *svgStrip
	Findings   []findingView
	Checks     []checkView
	NICs       []nicView
	OtherNICs  string
	LoadWindow string
	// PairWarnings and Gaps are the interval's warnings and the counter
	// series without a value over it (Report.PairWarnings, Discontinuities).
	PairWarnings []string
	Gaps         []gapView
	BadInputs    []inputView
	OKInputs     []inputView
	InputsRead   string
	OKSummary    string
	Footer       footerView
	// Losses is the "Where packets died" section (ledger.go).
	Losses *lossesView
}

type bandView struct {
	Class    string // sev-critical, sev-warning, sev-notice, sev-clean, sev-none
	Headline string
	Host     string
	Facts    []factView
	Critical int
	Warning  int
	Notice   int
	Verdicts string
	Worst    *findingView
	NoEval   bool
}

type factView struct{ Name, Value string }

type findingView struct {
	Rank       int
	Anchor     string
	Sev        string
	SevLabel   string
	Check      string
	Subject    string
	Title      string
	Summary    string
	Facts      []factView
	Evidence   []Figure
	Expl       template.HTML
	Runtime    []commandView
	Persistent []commandView
}

type commandView struct {
	Why       string
	NeedsRoot bool
	Run       string
	Unsafe    bool
	Caveats   []string
}

type checkView struct {
	Anchor   string
	ID       string
	Title    string
	Verdict  string
	Class    string
	Reason   string
	Findings int
	Severity string
	Doc      template.HTML
	Links    []linkView
}

type linkView struct{ Href, Text string }

type nicView struct {
	Name, Kind, Driver, PCI, Node, Speed, QueueMap string
	Queues                                         []queueView
	Open                                           bool
	Summary                                        string
}

type queueView struct {
	Index, Dir, IRQ, Name, CPUs, From, Rate, Top string
	Remote                                       bool
}

type gapView struct {
	Series, Kind, Reason string
}

type inputView struct {
	Samples, Name, Status, Reason, Path string
}

type footerView struct {
	Generated, Tool, Command, Source, Note string
}

// sevClass is a CSS class suffix for a severity.
func sevClass(s checks.Severity) string {
	switch s {
	case checks.Critical, checks.Warning, checks.Notice:
		return s.String()
	}
	return "unknown"
}

func newHTMLView(r *Report) *htmlView {
	md := proseMarkdown(2)
	v := &htmlView{CSS: htmlCSS, LoadWindow: oneLine(r.LoadWindow)}
	name := orText(oneLine(r.Host.Hostname), "unknown host")
	v.Title = oneLine(toolName(r)) + " report: " + name
	v.Band = newBand(r, name)
	v.Losses = newLossesView(r)

	names := []string{r.Host.Hostname}
	for _, n := range r.NICs {
		names = append(names, n.Name)
	}
	for _, f := range r.Findings {
		v.Findings = append(v.Findings, newFindingView(md, f, names))
	}
	if len(v.Findings) > 0 {
		w := v.Findings[0]
		v.Band.Worst = &w
	}

	cols := layoutColumns(r)
	v.Heatmap = layoutHeatmap(r, cols)
	v.Strip = layoutStrip(r, cols)
	v.NICMap = layoutNICMap(r, cols)
	v.AppIRQ = layoutAppIRQ(r, cols)

	docs := proseMarkdown(3)
	for i, c := range r.Checks {
		cv := checkView{
			Anchor: "check-" + strconv.Itoa(i+1), ID: oneLine(orText(c.ID, "unknown")), Title: oneLine(c.Title),
			Verdict: oneLine(string(c.Verdict)), Class: verdictClass(c.Verdict), Reason: oneLine(c.Reason),
			Findings: c.Findings, Severity: sevClass(c.Severity), Doc: markdownHTML(docs, c.Doc),
		}
		for _, f := range r.Findings {
			if f.Check == c.ID && c.ID != "" {
				cv.Links = append(cv.Links, linkView{Href: "#finding-" + strconv.Itoa(f.Rank), Text: "#" + strconv.Itoa(f.Rank) + " " + oneLine(f.Subject)})
			}
		}
		v.Checks = append(v.Checks, cv)
	}

	var others []string
	for _, n := range r.NICs {
		if n.Kind != host.KindPhysical && len(n.Queues) == 0 {
			others = append(others, oneLine(n.Name)+" ("+oneLine(orText(n.Kind, "unknown"))+")")
			continue
		}
		v.NICs = append(v.NICs, newNICView(r, n))
	}
	v.OtherNICs = strings.Join(others, ", ")

	for _, w := range r.PairWarnings {
		v.PairWarnings = append(v.PairWarnings, oneLine(w))
	}
	for i, d := range r.Discontinuities {
		if i == maxDiscontinuityRows {
			v.Gaps = append(v.Gaps, gapView{Series: strconv.Itoa(len(r.Discontinuities)-i) + " more", Reason: "see the JSON report"})
			break
		}
		series := orText(oneLine(d.Source), "all counters")
		if d.Subject != "" {
			series += " " + oneLine(d.Subject)
		}
		if d.Counter != "" {
			series += " " + oneLine(d.Counter)
		}
		v.Gaps = append(v.Gaps, gapView{Series: series, Kind: oneLine(d.Kind), Reason: oneLine(d.Reason)})
	}

	v.BadInputs, v.OKInputs = inputViews(r)
	ok := 0
	for _, in := range r.Inputs {
		if in.Status == host.StatusOK {
			ok++
		}
	}
	v.InputsRead = strconv.Itoa(ok) + " of " + strconv.Itoa(len(r.Inputs)) + " inputs read."
	v.OKSummary = plural(ok, "input", "inputs") + " read fine"
	if len(v.OKInputs) != ok {
		v.OKSummary += " (" + strconv.Itoa(len(v.OKInputs)) + " rows: the same input in both samples shares one)"
	}

	f := footerView{Generated: stamp(r.Generated), Tool: oneLine(toolName(r) + " " + r.Tool.Version), Command: oneLine(r.Tool.Command)}
	if r.Tool.FailOn != "" {
		f.Tool += ", fail-on " + oneLine(r.Tool.FailOn)
	}
	src := oneLine(orUnknown(r.Source.Kind))
	if len(r.Source.Paths) > 0 {
		ps := make([]string, len(r.Source.Paths))
		for i, p := range r.Source.Paths {
			ps[i] = oneLine(p)
		}
		src += ": " + strings.Join(ps, ", ")
	}
	f.Source = src
	f.Note = "netdoctor only read the host and changed nothing on it."
	for _, fd := range r.Findings {
		if len(fd.Commands) > 0 {
			f.Note = "netdoctor ran none of these commands and changed nothing on the host. Review each command before running it."
			break
		}
	}
	v.Footer = f
	return v
}

func verdictClass(v checks.Verdict) string {
	switch v {
	case checks.Fail:
		return "fail"
	case checks.Pass:
		return "pass"
	case checks.NotApplicable:
		return "na"
	case checks.NotEvaluated:
		return "ne"
	}
	return "error"
}

func newBand(r *Report, name string) bandView {
	h := r.Host
	s := r.Summary
	b := bandView{Host: name, Critical: s.BySeverity.Critical, Warning: s.BySeverity.Warning, Notice: s.BySeverity.Notice}
	switch {
	case s.Evaluated == 0 && s.Findings == 0:
		b.Class, b.Headline, b.NoEval = "sev-none", "Nothing could be evaluated", true
	case s.BySeverity.Critical > 0:
		b.Class, b.Headline = "sev-critical", plural(s.Findings, "finding", "findings")+", the worst critical"
	case s.BySeverity.Warning > 0:
		b.Class, b.Headline = "sev-warning", plural(s.Findings, "finding", "findings")+", the worst a warning"
	case s.Findings > 0:
		b.Class, b.Headline = "sev-notice", plural(s.Findings, "finding", "findings")+", notices only"
	default:
		b.Class, b.Headline = "sev-clean", "No findings"
	}
	if s.Evaluated == 0 && s.Findings > 0 {
		b.NoEval = true
	}
	kernel := orUnknown(oneLine(h.Kernel))
	if h.Arch != "" {
		kernel += " (" + oneLine(h.Arch) + ")"
	}
	platform := "no hypervisor detected"
	if h.Virtualization != "" {
		platform = "virtual machine (" + oneLine(h.Virtualization) + ")"
	}
	if h.Container {
		platform = "container; " + platform
	}
	b.Facts = append(b.Facts, factView{"kernel", kernel + " · " + platform})

	cpus := "unknown"
	if h.CPUCount > 0 {
		cpus = strconv.Itoa(h.CPUCount) + " online (" + oneLine(h.CPUs) + ")"
	}
	switch {
	case h.SMT == nil:
		cpus += ", SMT unknown"
	case *h.SMT:
		cpus += ", SMT on"
	default:
		cpus += ", SMT off"
	}
	b.Facts = append(b.Facts, factView{"CPUs", cpus})
	if len(h.Nodes) > 0 {
		parts := make([]string, 0, len(h.Nodes))
		for _, n := range h.Nodes {
			parts = append(parts, "node "+strconv.Itoa(n.ID)+": "+orText(oneLine(n.CPUs), "no CPUs"))
		}
		b.Facts = append(b.Facts, factView{"NUMA", plural(len(h.Nodes), "node", "nodes") + " · " + strings.Join(parts, "; ")})
	} else {
		b.Facts = append(b.Facts, factView{"NUMA", "unknown"})
	}

	var nics []string
	for _, n := range r.NICs {
		if n.Kind != host.KindPhysical && len(n.Queues) == 0 {
			continue
		}
		d := oneLine(n.Name) + " ("
		var parts []string
		if n.Driver != "" {
			parts = append(parts, oneLine(n.Driver))
		}
		parts = append(parts, nodeText(n.NUMANode))
		if n.Speed > 0 {
			parts = append(parts, speed(n.Speed))
		}
		parts = append(parts, plural(len(n.Queues), "queue", "queues"))
		nics = append(nics, d+strings.Join(parts, ", ")+")")
	}
	switch {
	case len(nics) == 0:
		b.Facts = append(b.Facts, factView{"NICs", "no physical NIC"})
	case len(nics) > 6:
		b.Facts = append(b.Facts, factView{"NICs", strconv.Itoa(len(nics)) + ": " + strings.Join(nics[:6], "; ") + "; and " + strconv.Itoa(len(nics)-6) + " more"})
	default:
		b.Facts = append(b.Facts, factView{"NICs", strings.Join(nics, "; ")})
	}
	samples := samplesText(r)
	if r.LoadWindow != "" {
		samples += " · rates " + oneLine(r.LoadWindow)
	}
	b.Facts = append(b.Facts, factView{"samples", samples})
	if h.BootTime != nil {
		b.Facts = append(b.Facts, factView{"booted", stamp(*h.BootTime) + ", up " + uptime(h.UptimeSeconds)})
	}
	vc := s.Verdicts
	b.Verdicts = fmt.Sprintf("%d checks: %d fail, %d pass, %d not evaluated, %d not applicable, %d error",
		s.Checks, vc.Fail, vc.Pass, vc.NotEvaluated, vc.NotApplicable, vc.Error)
	return b
}

// plural writes "1 finding" or "3 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func newFindingView(md goldmark.Markdown, f Finding, names []string) findingView {
	v := findingView{
		Rank: f.Rank, Anchor: "finding-" + strconv.Itoa(f.Rank),
		Sev: sevClass(f.Severity), SevLabel: strings.ToUpper(f.Severity.String()),
		Check: oneLine(f.Check), Subject: oneLine(f.Subject), Title: oneLine(f.Title), Summary: oneLine(f.Summary),
	}
	if f.Waived != nil {
		v.SevLabel += " · WAIVED"
		v.Facts = append(v.Facts, factView{"waived until " + oneLine(f.Waived.Expires), oneLine(f.Waived.Reason)})
	}
	if f.Confidence != "" {
		v.Facts = append(v.Facts, factView{"confidence", oneLine(string(f.Confidence))})
	}
	v.Facts = append(v.Facts, factView{"score", strconv.Itoa(f.Score)})
	if f.NIC != "" && f.NIC != f.Subject {
		v.Facts = append(v.Facts, factView{"NIC", oneLine(f.NIC)})
	}
	if len(f.CPUs) > 0 {
		v.Facts = append(v.Facts, factView{"CPUs", host.FormatCPUList(f.CPUs)})
	}
	if len(f.PIDs) > 0 {
		ps := make([]string, len(f.PIDs))
		for i, p := range f.PIDs {
			ps[i] = strconv.Itoa(p)
		}
		v.Facts = append(v.Facts, factView{"PIDs", strings.Join(ps, ", ")})
	}
	for _, e := range f.Evidence {
		v.Evidence = append(v.Evidence, Figure{Name: oneLine(e.Name), Value: oneLine(e.Value), Threshold: oneLine(e.Threshold), Window: oneLine(e.Window)})
	}
	v.Expl = markdownHTML(md, inlineProse(escapeNames(f.Explanation, append([]string{f.Subject, f.NIC}, names...))))
	for _, c := range f.Commands {
		run := strings.TrimRight(c.Run, "\n")
		cv := commandView{Why: oneLine(c.Why), NeedsRoot: c.NeedsRoot, Run: codeText(run), Unsafe: !runnable(run)}
		for _, cav := range c.Caveats {
			cv.Caveats = append(cv.Caveats, oneLine(cav))
		}
		if c.Persistent {
			v.Persistent = append(v.Persistent, cv)
		} else {
			v.Runtime = append(v.Runtime, cv)
		}
	}
	return v
}

func newNICView(r *Report, n NIC) nicView {
	v := nicView{
		Name: oneLine(n.Name), Kind: oneLine(orText(n.Kind, "unknown")), Driver: oneLine(orText(n.Driver, "unknown")),
		PCI: oneLine(n.PCI), Node: nodeText(n.NUMANode), Speed: speed(n.Speed), QueueMap: oneLine(n.QueueMap),
		Open: len(n.Queues) <= 16,
	}
	nodeOf := map[int]int{}
	for _, l := range r.CPULoad {
		nodeOf[l.CPU] = l.Node
	}
	var all []int
	for _, q := range n.Queues {
		all = append(all, q.CPUs...)
		qv := queueView{
			Index: strconv.Itoa(q.Index), Dir: oneLine(q.Dir), IRQ: strconv.Itoa(q.IRQ), Name: oneLine(q.Name),
			CPUs: "unknown", From: oneLine(string(q.CPUsFrom)),
		}
		if len(q.CPUs) > 0 {
			qv.CPUs = host.FormatCPUList(q.CPUs)
		}
		if q.RatePerS > 0 || r.LoadWindow != "" {
			qv.Rate = grouped(q.RatePerS)
		}
		// The CPUs that took its interrupts, busiest first.
		pcs := append([]CPURate(nil), q.PerCPU...)
		total := 0.0
		useRate := false
		for _, pc := range pcs {
			if pc.RatePerS > 0 {
				useRate = true
			}
		}
		val := func(pc CPURate) float64 {
			if useRate {
				return pc.RatePerS
			}
			return float64(pc.Count)
		}
		for _, pc := range pcs {
			total += val(pc)
		}
		sort.SliceStable(pcs, func(i, j int) bool { return val(pcs[i]) > val(pcs[j]) })
		var top []string
		for i, pc := range pcs {
			if i == 3 {
				top = append(top, "+"+strconv.Itoa(len(pcs)-3)+" more")
				break
			}
			s := "CPU " + strconv.Itoa(pc.CPU)
			if total > 0 {
				s += " " + strconv.Itoa(int(100*val(pc)/total+0.5)) + " %"
			}
			top = append(top, s)
		}
		qv.Top = strings.Join(top, ", ")
		if n.NUMANode >= 0 {
			for _, pc := range q.PerCPU {
				if nd, ok := nodeOf[pc.CPU]; ok && nd >= 0 && nd != n.NUMANode {
					qv.Remote = true
				}
			}
			if len(q.PerCPU) == 0 {
				for _, c := range q.CPUs {
					if nd, ok := nodeOf[c]; ok && nd >= 0 && nd != n.NUMANode {
						qv.Remote = true
					}
				}
			}
		}
		v.Queues = append(v.Queues, qv)
	}
	v.Summary = plural(len(n.Queues), "queue vector", "queue vectors")
	if len(all) > 0 {
		v.Summary += " on CPUs " + host.FormatCPUList(all)
	}
	return v
}

// inputViews splits the inputs into those not ok (one row for the same
// problem in both samples) and those ok (one row per input).
func inputViews(r *Report) (bad, ok []inputView) {
	type key struct{ name, subject, path, status, reason string }
	var badOrder, okOrder []key
	samples := map[key]string{}
	for _, in := range r.Inputs {
		k := key{in.Name, in.Subject, in.Path, string(in.Status), in.Reason}
		if s, seen := samples[k]; seen {
			samples[k] = s + ", " + strconv.Itoa(in.Sample)
			continue
		}
		samples[k] = strconv.Itoa(in.Sample)
		if in.Status == host.StatusOK {
			okOrder = append(okOrder, k)
		} else {
			badOrder = append(badOrder, k)
		}
	}
	mk := func(k key) inputView {
		name := k.name
		if k.subject != "" {
			name += " " + k.subject
		}
		return inputView{Samples: samples[k], Name: oneLine(name), Status: oneLine(k.status), Reason: oneLine(k.reason), Path: oneLine(k.path)}
	}
	for _, k := range badOrder {
		bad = append(bad, mk(k))
	}
	for _, k := range okOrder {
		ok = append(ok, mk(k))
	}
	return bad, ok
}
