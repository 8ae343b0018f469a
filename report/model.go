// Package report is netdoctor's versioned report: the model built once from
// the host samples and the engine's outcomes, and the renderers that write it
// as Markdown (for tickets), JSON (the public contract, see CONTRACT.md) and
// a POSIX sh script of the suggested commands (to review and run by hand).
//
// Build does every computation a renderer could need: findings are ranked,
// counts are summed, the NIC → queue → IRQ → CPU rows and the per-CPU loads
// are plain data. Renderers only format; two renders of one report are
// byte-identical, and nothing depends on the clock or on map order.
//
// Every text that came from the host (hostnames, interface and process
// names, command lines, reasons, paths) is untrusted: the renderers escape
// it for their format so that it can create neither markup nor a new line
// of script.
package report

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// SchemaVersion is the version of the JSON contract. Additive changes keep
// it; a removal, a rename or a change of a field's meaning or type bumps it.
const SchemaVersion = 2

// Meta is what the caller knows about the run that the samples do not.
type Meta struct {
	// Tool is the program name ("netdoctor").
	Tool string
	// Version is the program's version.
	Version string
	// Generated is when the report was made. It is the report's only
	// clock: tests fix it, so reports of one input are byte-identical.
	Generated time.Time
	// Command is the command line that produced the report.
	Command string
	// FailOn is the --fail-on threshold as given ("warning", "none", ...).
	FailOn string
	// SkippedChecks are the registered checks that --only or --skip left
	// out, in registry order.
	SkippedChecks []string
	// WaiverFile is the waiver file given, "" for none.
	WaiverFile string
}

// Report is the whole report: the JSON contract (CONTRACT.md) and the
// input of every renderer. Slices are never nil after Build.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	Generated     time.Time `json:"generated"`
	Host          Host      `json:"host"`
	// Samples is 1 or 2 (0 only when Build had no snapshot at all).
	Samples int `json:"samples"`
	// SampleTimes are the samples' times, earlier first.
	SampleTimes []time.Time `json:"sample_times"`
	// IntervalSeconds is the time between the samples; 0 for one sample.
	IntervalSeconds float64 `json:"interval_seconds"`
	// PairWarnings are what a reader of the interval's counts must know
	// about the two samples (a long interval, a boot time unknown, a reboot
	// between them, a clock not set); empty for one sample.
	PairWarnings []string `json:"pair_warnings"`
	// Discontinuities are the counter series without a value over the
	// interval (a reboot, a renumbered or re-created IRQ, a reset, a delta
	// beyond what the hardware can do): the checks that needed one say
	// not-evaluated. Empty for one sample.
	Discontinuities []Discontinuity `json:"discontinuities"`
	Source          Source          `json:"source"`
	Summary         Summary         `json:"summary"`
	// Findings are ranked: the most urgent first (see Rank).
	Findings []Finding `json:"findings"`
	// Checks holds every check's verdict, in the engine's order.
	Checks []CheckResult `json:"checks"`
	// Inputs lists every input of every sample with its status.
	Inputs []Input `json:"inputs"`
	// NICs are the interfaces of the latest sample with their queues.
	NICs []NIC `json:"nics"`
	// LoadWindow says what the per-second rates of NICs and CPULoad cover
	// ("5.0s interval", "since boot"); "" when no rates are known.
	LoadWindow string `json:"load_window"`
	// CPULoad has one row per CPU, sorted by CPU.
	CPULoad []CPULoad `json:"cpu_load"`
	// Processes says how much of the process table the latest sample saw.
	Processes ProcessView `json:"processes"`
	// Losses is the loss ledger: where packets died, by layer (ledger.go).
	Losses Losses `json:"losses"`
}

// Discontinuity is one counter series without a value over the interval.
type Discontinuity struct {
	// Source is the input ("interrupts", "softnet_stat", "softirqs",
	// "nic_sysfs", "net_dev", "ethtool_stats"), "" for every counter.
	Source string `json:"source"`
	// Subject narrows it ("IRQ 45 (eth0-TxRx-0)", "CPU 3", "eth0").
	Subject string `json:"subject"`
	// Counter is the NIC or softnet counter, "" when the subject is the series.
	Counter string `json:"counter"`
	// Kind is "reboot", "reset", "implausible", "recreated", "appeared" or
	// "vanished".
	Kind string `json:"kind"`
	// Reason says what was seen, with the values.
	Reason string `json:"reason"`
}

// ProcessView is how much of the process table the latest sample saw: a
// non-root reader of a /proc mounted hidepid sees only its own processes,
// and a check of processes then judges only those.
type ProcessView struct {
	// Seen is the number of processes in the latest sample.
	Seen int `json:"seen"`
	// Partial is true when fewer tasks were read than the kernel counts.
	Partial bool `json:"partial"`
	// Note says what was seen of what the kernel counts, and why part is
	// missing; "" when the source does not say (a sosreport's ps).
	Note string `json:"note"`
}

// Tool names the program and the run that made the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Command string `json:"command"`
	FailOn  string `json:"fail_on"`
	// SkippedChecks are the checks --only or --skip left out.
	SkippedChecks []string `json:"skipped_checks"`
	// WaiverFile is the --waivers file, "" for none.
	WaiverFile string `json:"waiver_file"`
}

// Host describes the host as the latest sample saw it.
type Host struct {
	Hostname string `json:"hostname"`
	// Kernel is the release (uname -r).
	Kernel string `json:"kernel"`
	Arch   string `json:"arch"`
	// Virtualization is the hypervisor ("kvm", "vmware", ...) or "".
	Virtualization string `json:"virtualization"`
	Container      bool   `json:"container"`
	// CPUs is the online CPU list as the kernel prints it ("0-31"), "" unknown.
	CPUs string `json:"cpus"`
	// CPUCount is the number of online CPUs, 0 unknown.
	CPUCount int    `json:"cpu_count"`
	Nodes    []Node `json:"nodes"`
	// SMT is true when hyperthreading is active; nil (null) when unknown.
	SMT *bool `json:"smt"`
	// BootTime is nil (null) when unknown.
	BootTime *time.Time `json:"boot_time"`
	// UptimeSeconds is the time from boot to the latest sample, 0 unknown.
	UptimeSeconds int64 `json:"uptime_seconds"`
}

// Node is one NUMA node.
type Node struct {
	ID int `json:"id"`
	// CPUs is the node's CPU list ("0-15,32-47"), "" for a memory-only node.
	CPUs string `json:"cpus"`
}

// Source says what was read.
type Source struct {
	// Kind is "live", "sosreport" or "collect".
	Kind string `json:"kind"`
	// Paths are the bundles read ("/" for the live host), without repeats.
	Paths []string `json:"paths"`
}

// Summary holds the counts a reader wants first.
type Summary struct {
	// Findings is the number of findings.
	Findings   int            `json:"findings"`
	BySeverity SeverityCounts `json:"by_severity"`
	// Worst is the first-ranked finding; nil (null) when there is none.
	Worst *Worst `json:"worst"`
	// Checks is the number of checks that ran.
	Checks   int           `json:"checks"`
	Verdicts VerdictCounts `json:"verdicts"`
	// Evaluated counts the checks that reached a judgement: fail, pass or
	// not-applicable. Zero means nothing could be evaluated (exit code 3).
	Evaluated int `json:"evaluated"`
	// Waived counts the findings a waiver covers (see ApplyWaivers).
	Waived int `json:"waived"`
}

// SeverityCounts counts findings by severity.
type SeverityCounts struct {
	Critical int `json:"critical"`
	Warning  int `json:"warning"`
	Notice   int `json:"notice"`
}

// VerdictCounts counts checks by verdict; the keys are the verdicts.
type VerdictCounts struct {
	Fail          int `json:"fail"`
	Pass          int `json:"pass"`
	NotEvaluated  int `json:"not-evaluated"`
	NotApplicable int `json:"not-applicable"`
	Error         int `json:"error"`
}

// Worst identifies the first-ranked finding.
type Worst struct {
	Rank     int             `json:"rank"`
	Check    string          `json:"check"`
	Subject  string          `json:"subject"`
	Severity checks.Severity `json:"severity"`
	Title    string          `json:"title"`
}

// Finding is one ranked finding. It copies checks.Finding so that the
// contract does not follow the engine's types by accident.
type Finding struct {
	// Rank is the 1-based position in the report.
	Rank       int               `json:"rank"`
	Check      string            `json:"check"`
	Severity   checks.Severity   `json:"severity"`
	Confidence checks.Confidence `json:"confidence"`
	// Score orders findings of one severity, 0 to 100.
	Score   int    `json:"score"`
	Subject string `json:"subject"`
	// NIC is the interface concerned, "" when none.
	NIC         string    `json:"nic"`
	CPUs        []int     `json:"cpus"`
	PIDs        []int     `json:"pids"`
	Title       string    `json:"title"`
	Summary     string    `json:"summary"`
	Evidence    []Figure  `json:"evidence"`
	Explanation string    `json:"explanation"`
	Commands    []Command `json:"commands"`
	// Waived is the waiver that accepts this finding; nil (null) when
	// none does. A waived finding does not count for --fail-on.
	Waived *FindingWaiver `json:"waived"`
}

// Figure is one piece of evidence.
type Figure struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Threshold is "" when the figure was not compared with one.
	Threshold string `json:"threshold"`
	Window    string `json:"window"`
}

// Command is a suggested command; netdoctor never runs it.
type Command struct {
	Run string `json:"run"`
	// Kind is checks.Change (a script runs it), checks.Verify (reads
	// state) or checks.Option (an alternative, conditional or template:
	// never run as it is). An empty or unknown kind renders as an option.
	Kind       checks.CommandKind `json:"kind"`
	Why        string             `json:"why"`
	NeedsRoot  bool               `json:"needs_root"`
	Persistent bool               `json:"persistent"`
	Caveats    []string           `json:"caveats"`
	// Settings are the configuration-file lines a persistent command
	// writes, as data, and Apply what it runs after writing them: the fix
	// script merges every finding's settings into one line per file and
	// key. Settings is omitted when the command writes no file.
	Settings []Setting `json:"settings,omitempty"`
	Apply    string    `json:"apply,omitempty"`
}

// Setting is one key of a configuration file a command writes. Exactly one
// of CPUs, Words and Value holds its value: CPU lists merge by union, word
// lists by union in order, single values by the first-ranked finding.
type Setting struct {
	File string `json:"file"`
	Key  string `json:"key"`
	// Syntax is "env" (KEY=VALUE) or "sysctl" (KEY = VALUE).
	Syntax string   `json:"syntax"`
	CPUs   []int    `json:"cpus,omitempty"`
	Words  []string `json:"words,omitempty"`
	Value  string   `json:"value,omitempty"`
}

// CheckResult is one check's verdict: the sign-off checklist.
type CheckResult struct {
	ID      string         `json:"id"`
	Title   string         `json:"title"`
	Verdict checks.Verdict `json:"verdict"`
	// Reason says why, for every verdict but a plain pass.
	Reason string `json:"reason"`
	// Findings is how many findings the check produced.
	Findings int `json:"findings"`
	// Severity is the check's default severity.
	Severity checks.Severity `json:"severity"`
	// Waived is how many of its findings a waiver covers.
	Waived int `json:"waived"`
	// Doc is the check's documentation (Markdown, from the registry) for
	// the HTML report's checklist. It is not part of the JSON contract:
	// `netdoctor explain ID` prints it.
	Doc string `json:"-"`
}

// Input is one input of one sample.
type Input struct {
	// Sample is 1 for the earlier sample, 2 for the later one.
	Sample  int         `json:"sample"`
	Name    string      `json:"name"`
	Subject string      `json:"subject"`
	Path    string      `json:"path"`
	Status  host.Status `json:"status"`
	Reason  string      `json:"reason"`
	// OverLimit is set when the input exists but was too large to read:
	// the checks that need it are not evaluated (added in schema version
	// 1, additive).
	OverLimit bool `json:"over_limit"`
}

// NIC is one interface of the latest sample with its queue vectors.
type NIC struct {
	Name string `json:"name"`
	// Kind is "physical", "loopback", "bond", "bridge", "vlan", "veth", "tun" or "virtual".
	Kind   string `json:"kind"`
	Driver string `json:"driver"`
	PCI    string `json:"pci"`
	// NUMANode is -1 when unknown.
	NUMANode int `json:"numa_node"`
	// Speed is in Mb/s, -1 when unknown.
	Speed int `json:"speed"`
	// QueueMap says how the queues were found: "msi_irqs", "chip" (the PCI
	// address in the interrupts chip column), "names" or "".
	QueueMap string  `json:"queue_map"`
	Queues   []Queue `json:"queues"`
	// VirtualHW is true for a device a hypervisor presents (virtio, ENA,
	// vmxnet3, a VF...): it has queues but no NIC FIFO of its own.
	VirtualHW bool `json:"virtual_hw,omitempty"`
}

// Queue is one NIC queue vector: the NIC → queue → IRQ → CPU row.
type Queue struct {
	Index int `json:"index"`
	// Dir is "rx", "tx" or "combined".
	Dir string `json:"dir"`
	IRQ int    `json:"irq"`
	// Name is the IRQ action name that identified the queue.
	Name string `json:"name"`
	// CPUs is effective_affinity_list when known, else smp_affinity_list.
	CPUs []int `json:"cpus"`
	// CPUsFrom says which: "effective_affinity_list", "smp_affinity_list"
	// or "" (unknown).
	CPUsFrom hostview.CPUsFrom `json:"cpus_from"`
	// RatePerS is the IRQ's interrupts per second over LoadWindow; 0 when
	// not measured (a single sample).
	RatePerS float64 `json:"rate_per_s"`
	// PerCPU splits the IRQ's interrupts over LoadWindow by the CPU that
	// took them, sorted by CPU; CPUs that took none are left out. Empty
	// when the counts are unknown.
	PerCPU []CPURate `json:"per_cpu"`
}

// CPURate is the share of one IRQ's interrupts that one CPU took.
type CPURate struct {
	CPU int `json:"cpu"`
	// RatePerS is per second over Report.LoadWindow (for one sample the
	// since-boot average); 0 when no time base is known.
	RatePerS float64 `json:"rate_per_s"`
	// Count is the number of interrupts over the window: the growth
	// between two samples, or the total since boot for one sample.
	Count uint64 `json:"count"`
}

// CPULoad is one CPU's receive-path load over Report.LoadWindow.
type CPULoad struct {
	CPU int `json:"cpu"`
	// Node is the CPU's NUMA node, -1 unknown. Build fills it.
	Node int `json:"node"`
	// Siblings are the hyperthreads of its core, itself included; empty
	// when unknown. Build fills them.
	Siblings []int `json:"siblings"`
	// IRQPerS is all hard interrupts per second (numbered IRQs).
	IRQPerS float64 `json:"irq_per_s"`
	// NetRXPerS is NET_RX softirqs per second.
	NetRXPerS float64 `json:"net_rx_per_s"`
	// DropsPerS is softnet_stat dropped per second.
	DropsPerS float64 `json:"drops_per_s"`
	// SqueezePerS is softnet_stat time_squeeze per second.
	SqueezePerS float64 `json:"squeeze_per_s"`
	// NICIRQPerS is the interrupts per second of NIC queue vectors alone.
	NICIRQPerS float64 `json:"nic_irq_per_s"`
}

// Build makes the report of the host view v (of one or two samples, or
// nil) and the engine's outcomes. It reads the rates and the CPUs of each
// queue IRQ from the view, ranks the findings and never reads the clock:
// times come from meta and the samples.
func Build(v *hostview.View, outcomes []checks.Outcome, meta Meta) *Report {
	if v == nil {
		v = hostview.New(nil)
	}
	return build(v, outcomes, ratesOf(v), meta)
}

// build is Build with the rates given (tests hand it rates of their own).
func build(v *hostview.View, outcomes []checks.Outcome, loads rates, meta Meta) *Report {
	p := v.Pair
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool: Tool{
			Name:          meta.Tool,
			Version:       meta.Version,
			Command:       meta.Command,
			FailOn:        meta.FailOn,
			SkippedChecks: slices.Clone(meta.SkippedChecks),
			WaiverFile:    meta.WaiverFile,
		},
		Generated:  meta.Generated.UTC().Truncate(time.Second),
		LoadWindow: loads.Window,
	}
	var samples []*host.Snapshot
	var interval time.Duration
	if p != nil {
		for _, s := range []*host.Snapshot{p.Before, p.After} {
			if s != nil {
				samples = append(samples, s)
			}
		}
		if len(samples) == 2 {
			interval = p.Interval
			r.PairWarnings = p.Warnings()
			for _, d := range p.Discontinuities() {
				r.Discontinuities = append(r.Discontinuities, Discontinuity{
					Source: d.Source, Subject: d.Subject, Counter: d.Counter, Kind: d.Kind, Reason: d.Reason,
				})
			}
		}
	}
	r.Samples = len(samples)
	for _, s := range samples {
		r.SampleTimes = append(r.SampleTimes, s.Time.UTC().Truncate(time.Second))
	}
	r.IntervalSeconds = round(interval.Seconds(), 1000)
	for i, s := range samples {
		if r.Source.Kind == "" {
			r.Source.Kind = s.Source
		}
		if s.Origin != "" && !slices.Contains(r.Source.Paths, s.Origin) {
			r.Source.Paths = append(r.Source.Paths, s.Origin)
		}
		for _, in := range s.Inputs {
			r.Inputs = append(r.Inputs, Input{
				Sample: i + 1, Name: in.Name, Subject: in.Subject,
				Path: in.Path, Status: in.Status, Reason: in.Reason, OverLimit: in.OverLimit,
			})
		}
	}
	sort.SliceStable(r.Inputs, func(i, j int) bool {
		a, b := r.Inputs[i], r.Inputs[j]
		if a.Sample != b.Sample {
			return a.Sample < b.Sample
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		return a.Path < b.Path
	})
	if len(samples) > 0 {
		last := samples[len(samples)-1]
		r.Host = buildHost(last)
		r.NICs = buildNICs(v, last, loads.Queues)
		r.CPULoad = buildCPULoad(last, loads.CPUs)
		r.Processes = ProcessView{Seen: len(last.Procs)}
		for _, in := range last.Inputs {
			if in.Name == host.InputProcessVisibility {
				r.Processes.Partial = in.Status == host.StatusUnreadable
				r.Processes.Note = in.Reason
			}
		}
	} else {
		r.CPULoad = buildCPULoad(nil, loads.CPUs)
	}

	for _, o := range outcomes {
		id, title, sev := "", "", checks.Severity(0)
		if o.Check != nil {
			id, title, sev = o.Check.ID, o.Check.Title, o.Check.Severity
		} else if len(o.Findings) > 0 {
			id = o.Findings[0].Check
		}
		doc := ""
		if o.Check != nil {
			doc = o.Check.Doc
		}
		r.Checks = append(r.Checks, CheckResult{
			ID: id, Title: title, Verdict: o.Verdict, Reason: o.Reason,
			Findings: len(o.Findings), Severity: sev, Doc: doc,
		})
		for _, f := range o.Findings {
			r.Findings = append(r.Findings, buildFinding(f))
		}
	}
	r.Losses = buildLosses(v)
	Rank(r.Findings)
	r.Summary = summarize(r.Findings, r.Checks)
	normalize(r)
	return r
}

// buildFinding copies a finding the engine completed (check, title,
// severity, confidence and empty lists are filled there, not here).
func buildFinding(f checks.Finding) Finding {
	out := Finding{
		Check: f.Check, Severity: f.Severity, Confidence: f.Confidence,
		Score: f.Score, Subject: f.Subject, NIC: f.NIC,
		CPUs: slices.Clone(f.CPUs), PIDs: slices.Clone(f.PIDs),
		Title: f.Title, Summary: f.Summary, Explanation: f.Explanation,
	}
	for _, e := range f.Evidence {
		out.Evidence = append(out.Evidence, Figure{Name: e.Name, Value: e.Value, Threshold: e.Threshold, Window: e.Window})
	}
	for _, c := range f.Commands {
		var settings []Setting
		for _, s := range c.Settings {
			settings = append(settings, Setting{File: s.File, Key: s.Key, Syntax: s.Syntax,
				CPUs: slices.Clone(s.CPUs), Words: slices.Clone(s.Words), Value: s.Value})
		}
		out.Commands = append(out.Commands, Command{
			Run: c.Run, Kind: c.Kind, Why: c.Why, NeedsRoot: c.NeedsRoot,
			Persistent: c.Persistent, Caveats: slices.Clone(c.Caveats),
			Settings: settings, Apply: c.Apply,
		})
	}
	// Runtime forms first, each group in the check's order.
	sort.SliceStable(out.Commands, func(i, j int) bool {
		return !out.Commands[i].Persistent && out.Commands[j].Persistent
	})
	return out
}

func buildHost(s *host.Snapshot) Host {
	h := Host{
		Hostname:       s.Hostname,
		Kernel:         s.Kernel,
		Arch:           s.Arch,
		Virtualization: s.Virtualization,
		Container:      s.Container,
		CPUs:           host.FormatCPUList(s.Topology.Online),
		CPUCount:       len(host.SortedCPUs(s.Topology.Online)),
		SMT:            s.Topology.SMTActive,
	}
	if h.SMT == nil {
		// Derive from the siblings lists when smt/active was not read.
		known, smt := false, false
		for _, c := range s.Topology.CPUs {
			if c.Siblings != nil {
				known = true
				if len(c.Siblings) > 1 {
					smt = true
				}
			}
		}
		if known {
			h.SMT = &smt
		}
	} else {
		v := *h.SMT
		h.SMT = &v
	}
	for _, n := range s.Topology.Nodes {
		h.Nodes = append(h.Nodes, Node{ID: n.ID, CPUs: host.FormatCPUList(n.CPUs)})
	}
	sort.SliceStable(h.Nodes, func(i, j int) bool { return h.Nodes[i].ID < h.Nodes[j].ID })
	if !s.BootTime.IsZero() {
		bt := s.BootTime.UTC().Truncate(time.Second)
		h.BootTime = &bt
		h.UptimeSeconds = int64(s.Uptime() / time.Second)
	}
	return h
}

func buildNICs(v *hostview.View, s *host.Snapshot, rates map[string][]queueRate) []NIC {
	out := make([]NIC, 0, len(s.NICs))
	for _, n := range s.NICs {
		rate := map[int]float64{}
		perCPU := map[int][]CPURate{}
		for _, ql := range rates[n.Name] {
			rate[ql.IRQ] = ql.RatePerS
			if len(ql.PerCPU) > 0 {
				perCPU[ql.IRQ] = ql.PerCPU
			}
		}
		nic := NIC{
			Name: n.Name, Kind: n.Kind, Driver: n.Driver, PCI: n.PCI,
			NUMANode: n.NUMANode, Speed: n.Speed, QueueMap: n.QueueMap, VirtualHW: n.VirtualHW,
			Queues: make([]Queue, 0, len(n.Queues)),
		}
		for _, q := range n.Queues {
			row := Queue{Index: q.Index, Dir: q.Dir, IRQ: q.IRQ, Name: q.Name, RatePerS: round(rate[q.IRQ], 10),
				PerCPU: buildPerCPU(perCPU[q.IRQ])}
			if il := v.IRQ(q.IRQ); il != nil && v.Now == s {
				row.CPUs, row.CPUsFrom = il.CPUs, il.CPUsFrom
			}
			nic.Queues = append(nic.Queues, row)
		}
		sort.SliceStable(nic.Queues, func(i, j int) bool {
			a, b := nic.Queues[i], nic.Queues[j]
			if a.Index != b.Index {
				return a.Index < b.Index
			}
			if a.Dir != b.Dir {
				return a.Dir < b.Dir
			}
			return a.IRQ < b.IRQ
		})
		out = append(out, nic)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// buildPerCPU sorts one IRQ's per-CPU split by CPU, sums repeated CPUs,
// rounds the rates and leaves out CPUs with neither count nor rate.
func buildPerCPU(in []CPURate) []CPURate {
	if len(in) == 0 {
		return []CPURate{}
	}
	out := make([]CPURate, 0, len(in))
	for _, c := range in {
		if c.CPU >= 0 && (c.Count > 0 || finite(c.RatePerS) > 0) {
			out = append(out, CPURate{CPU: c.CPU, RatePerS: finite(c.RatePerS), Count: c.Count})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CPU < out[j].CPU })
	merged := out[:0]
	for _, c := range out {
		if k := len(merged) - 1; k >= 0 && merged[k].CPU == c.CPU {
			merged[k].RatePerS += c.RatePerS
			merged[k].Count += c.Count
			continue
		}
		merged = append(merged, c)
	}
	for i := range merged {
		merged[i].RatePerS = round(merged[i].RatePerS, 10)
	}
	return merged
}

func buildCPULoad(s *host.Snapshot, loads []CPULoad) []CPULoad {
	byCPU := map[int]CPULoad{}
	for _, l := range loads {
		if l.CPU < 0 {
			continue
		}
		if prev, dup := byCPU[l.CPU]; dup {
			// Two rows for one CPU: keep the sum rather than lose one.
			l.IRQPerS += prev.IRQPerS
			l.NetRXPerS += prev.NetRXPerS
			l.DropsPerS += prev.DropsPerS
			l.SqueezePerS += prev.SqueezePerS
			l.NICIRQPerS += prev.NICIRQPerS
		}
		byCPU[l.CPU] = l
	}
	topo := map[int]host.CPU{}
	if s != nil {
		for _, c := range s.Topology.CPUs {
			topo[c.ID] = c
		}
		for _, c := range s.Topology.Online {
			if _, ok := byCPU[c]; !ok && c >= 0 {
				byCPU[c] = CPULoad{CPU: c}
			}
		}
	}
	ids := make([]int, 0, len(byCPU))
	for id := range byCPU {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := make([]CPULoad, 0, len(ids))
	for _, id := range ids {
		l := byCPU[id]
		l.Node, l.Siblings = -1, []int{}
		if c, ok := topo[id]; ok {
			l.Node = c.Node
			if c.Siblings != nil {
				l.Siblings = host.SortedCPUs(c.Siblings)
			}
		} else if s != nil {
			for _, n := range s.Topology.Nodes {
				if slices.Contains(n.CPUs, id) {
					l.Node = n.ID
					break
				}
			}
		}
		l.IRQPerS = round(l.IRQPerS, 10)
		l.NetRXPerS = round(l.NetRXPerS, 10)
		l.DropsPerS = round(l.DropsPerS, 10)
		l.SqueezePerS = round(l.SqueezePerS, 10)
		l.NICIRQPerS = round(l.NICIRQPerS, 10)
		out = append(out, l)
	}
	return out
}

func summarize(fs []Finding, cs []CheckResult) Summary {
	s := Summary{Findings: len(fs), Checks: len(cs)}
	for _, f := range fs {
		switch f.Severity {
		case checks.Critical:
			s.BySeverity.Critical++
		case checks.Warning:
			s.BySeverity.Warning++
		case checks.Notice:
			s.BySeverity.Notice++
		}
	}
	if len(fs) > 0 {
		f := fs[0]
		s.Worst = &Worst{Rank: f.Rank, Check: f.Check, Subject: f.Subject, Severity: f.Severity, Title: f.Title}
	}
	for _, c := range cs {
		switch c.Verdict {
		case checks.Fail:
			s.Verdicts.Fail++
			s.Evaluated++
		case checks.Pass:
			s.Verdicts.Pass++
			s.Evaluated++
		case checks.NotApplicable:
			s.Verdicts.NotApplicable++
			s.Evaluated++
		case checks.NotEvaluated:
			s.Verdicts.NotEvaluated++
		default:
			// An unknown verdict is the engine's failure: count it as error.
			s.Verdicts.Error++
		}
	}
	return s
}

// normalize replaces every nil slice of r with an empty one, so that the
// JSON has [] and never null, and non-finite rates with 0.
func normalize(r *Report) {
	r.SampleTimes = nonNil(r.SampleTimes)
	r.PairWarnings = nonNil(r.PairWarnings)
	r.Discontinuities = nonNil(r.Discontinuities)
	r.Tool.SkippedChecks = nonNil(r.Tool.SkippedChecks)
	r.Source.Paths = nonNil(r.Source.Paths)
	r.Host.Nodes = nonNil(r.Host.Nodes)
	r.Findings = nonNil(r.Findings)
	for i := range r.Findings {
		f := &r.Findings[i]
		f.CPUs = nonNil(f.CPUs)
		f.PIDs = nonNil(f.PIDs)
		f.Evidence = nonNil(f.Evidence)
		f.Commands = nonNil(f.Commands)
		for j := range f.Commands {
			f.Commands[j].Caveats = nonNil(f.Commands[j].Caveats)
			if !f.Commands[j].Kind.Known() {
				f.Commands[j].Kind = checks.Option // never run what nobody classified
			}
		}
	}
	r.Checks = nonNil(r.Checks)
	r.Inputs = nonNil(r.Inputs)
	r.NICs = nonNil(r.NICs)
	for i := range r.NICs {
		n := &r.NICs[i]
		n.Queues = nonNil(n.Queues)
		for j := range n.Queues {
			q := &n.Queues[j]
			q.CPUs = nonNil(q.CPUs)
			q.RatePerS = finite(q.RatePerS)
			q.PerCPU = nonNil(q.PerCPU)
			for k := range q.PerCPU {
				q.PerCPU[k].RatePerS = finite(q.PerCPU[k].RatePerS)
			}
		}
	}
	r.CPULoad = nonNil(r.CPULoad)
	for i := range r.CPULoad {
		l := &r.CPULoad[i]
		l.Siblings = nonNil(l.Siblings)
		l.IRQPerS = finite(l.IRQPerS)
		l.NetRXPerS = finite(l.NetRXPerS)
		l.DropsPerS = finite(l.DropsPerS)
		l.SqueezePerS = finite(l.SqueezePerS)
		l.NICIRQPerS = finite(l.NICIRQPerS)
	}
	r.IntervalSeconds = finite(r.IntervalSeconds)
	r.Losses.Layers = nonNil(r.Losses.Layers)
	r.Losses.Rows = nonNil(r.Losses.Rows)
}

// normalized returns a copy of r, deep where normalize would write, with
// normalize applied; the renderers use it so that a hand-made Report
// renders like a built one and is never modified.
func normalized(r *Report) *Report {
	c := *r
	c.Findings = slices.Clone(r.Findings)
	for i := range c.Findings {
		c.Findings[i].Commands = slices.Clone(c.Findings[i].Commands)
	}
	c.NICs = slices.Clone(r.NICs)
	for i := range c.NICs {
		c.NICs[i].Queues = slices.Clone(c.NICs[i].Queues)
		for j := range c.NICs[i].Queues {
			c.NICs[i].Queues[j].PerCPU = slices.Clone(c.NICs[i].Queues[j].PerCPU)
		}
	}
	c.CPULoad = slices.Clone(r.CPULoad)
	normalize(&c)
	return &c
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// round rounds f to 1/scale, keeping the JSON short and stable; non-finite
// values become 0.
func round(f float64, scale float64) float64 {
	f = finite(f)
	if math.Abs(f) > 1e15 {
		return f
	}
	return math.Round(f*scale) / scale
}
