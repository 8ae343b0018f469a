// Package fleet ranks many hosts' reports in one view (netdoctor summary)
// and compares two reports of one host (netdoctor diff).
//
// Its input is the versioned report model of package report: a JSON report
// read back, or a report built from a bundle by the same pipeline as
// `netdoctor report`. Read (read.go) turns command-line inputs into host
// reports, in parallel with one host in memory per worker, and records the
// inputs it could not read with the reason; Build makes the fleet model,
// whose JSON form is a contract of its own (SchemaVersion, documented in
// report/CONTRACT.md); the renderers (markdown.go, html.go, json.go) are
// pure functions of that model, escaping every host text for their medium.
package fleet

import (
	"slices"
	"sort"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/report"
)

// SchemaVersion is the version of the summary's JSON contract, independent
// of the report's. Within one version changes are additive only.
const SchemaVersion = 1

// TopSubjects is how many of a check's most common subjects the summary
// lists.
const TopSubjects = 5

// Meta is what the caller knows about the run.
type Meta struct {
	Version   string
	Generated time.Time
	Command   string
	FailOn    string
}

// Summary is the fleet view: the JSON contract of `netdoctor summary` and
// the input of its renderers. Slices are never nil after Build.
type Summary struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	Generated     time.Time `json:"generated"`
	Totals        Totals    `json:"totals"`
	// Checks are ranked: the check affecting the most hosts at the worst
	// severity first.
	Checks []CheckRow `json:"checks"`
	// Hosts are ranked: the host with the worst finding first.
	Hosts []HostRow `json:"hosts"`
	// Unread are the inputs that gave no host, each with why.
	Unread []Unread `json:"unread"`
}

// Tool names the program and the run.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Command string `json:"command"`
	FailOn  string `json:"fail_on"`
}

// Totals are the counts to read first.
type Totals struct {
	// Hosts is the number of hosts read.
	Hosts int `json:"hosts"`
	// HostsWithFindings counts the hosts with at least one finding.
	HostsWithFindings int `json:"hosts_with_findings"`
	// HostsByWorst counts hosts by their worst finding's severity.
	HostsByWorst report.SeverityCounts `json:"hosts_by_worst"`
	// Findings counts every finding of every host, by severity in
	// BySeverity.
	Findings   int                   `json:"findings"`
	BySeverity report.SeverityCounts `json:"by_severity"`
	// HostsNotEvaluated counts hosts on which no check reached a
	// judgement (their report alone would exit 3).
	HostsNotEvaluated int `json:"hosts_not_evaluated"`
	// HostsIncomplete counts hosts with a check not-evaluated or error.
	HostsIncomplete int `json:"hosts_incomplete"`
	// Unread is the number of inputs that gave no host.
	Unread int `json:"unread"`
}

// CheckRow is one check across the fleet.
type CheckRow struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Hosts is the number of hosts with a finding of this check.
	Hosts int `json:"hosts"`
	// Findings is the number of its findings over every host.
	Findings int `json:"findings"`
	// Worst is the worst severity among its findings; null when none.
	Worst *checks.Severity `json:"worst"`
	// Verdicts counts hosts by this check's verdict.
	Verdicts report.VerdictCounts `json:"verdicts"`
	// Subjects are its most common subjects (at most TopSubjects), by
	// the number of hosts, then name.
	Subjects []SubjectCount `json:"subjects"`
	// Fix is the change that applies to the most affected hosts; null when
	// its findings suggest no change.
	Fix *Fix `json:"fix"`
	// AffectedHosts are the hosts with a finding of this check, in the
	// order of Summary.Hosts.
	AffectedHosts []string `json:"affected_hosts"`
}

// SubjectCount is one subject of a check and the hosts where it has a
// finding.
type SubjectCount struct {
	Subject string `json:"subject"`
	Hosts   int    `json:"hosts"`
}

// Fix is the most common change among a check's findings: grouped by what
// it does (the command's why), with one host's command line as an example
// (each host's own values are in its report).
type Fix struct {
	Why string `json:"why"`
	// Hosts is the number of hosts whose findings suggest it.
	Hosts int `json:"hosts"`
	// Example is the command line of the first host (in Summary.Hosts
	// order) that suggests it, and ExampleHost that host.
	Example     string `json:"example"`
	ExampleHost string `json:"example_host"`
	NeedsRoot   bool   `json:"needs_root"`
	Persistent  bool   `json:"persistent"`
}

// HostRow is one host of the fleet.
type HostRow struct {
	// Rank is the 1-based position in Summary.Hosts.
	Rank     int    `json:"rank"`
	Hostname string `json:"hostname"`
	// Input is what was read for it (a JSON report, a bundle, two bundles
	// joined by " + ", or a member of a sos-collector archive).
	Input string `json:"input"`
	// From is "report" (a JSON report read back) or the bundle kind
	// ("sosreport", "collect").
	From string `json:"from"`
	// Generated is when its report was made.
	Generated time.Time `json:"generated"`
	Samples   int       `json:"samples"`
	Findings  int       `json:"findings"`
	// BySeverity counts its findings.
	BySeverity report.SeverityCounts `json:"by_severity"`
	// Worst is its first-ranked finding; null when none.
	Worst *report.Worst `json:"worst"`
	// Verdicts and Evaluated are its report's.
	Verdicts  report.VerdictCounts `json:"verdicts"`
	Evaluated int                  `json:"evaluated"`
	// WorstUnwaived is the severity of its worst finding that no waiver
	// covers: what --fail-on weighs. Null when none.
	WorstUnwaived *checks.Severity `json:"worst_unwaived"`
}

// Unread is an input that gave no host.
type Unread struct {
	Input  string `json:"input"`
	Reason string `json:"reason"`
}

// Host is one host's report and what was read for it: the input of Build.
type Host struct {
	Input  string
	Report *report.Report
	// paths are the bundles read for it (none for a JSON report).
	paths []string
	// member is the sosreport inside a sos-collector archive it was read
	// from (paths then names a temporary file, already removed).
	member *memberRef
}

// hostFacts is what Build keeps of one host's report.
type hostFacts struct {
	row      HostRow
	findings []report.Finding
	checks   []report.CheckResult
}

// Build makes the fleet summary of hosts (each report used read-only) and
// the unread inputs. It never reads the clock: times come from meta and the
// reports. Hosts whose reports name the same hostname are not merged here:
// Read names duplicates as unread.
func Build(hosts []Host, unread []Unread, meta Meta) *Summary {
	s := &Summary{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "netdoctor", Version: meta.Version, Command: meta.Command, FailOn: meta.FailOn},
		Generated:     meta.Generated.UTC().Truncate(time.Second),
		Checks:        []CheckRow{},
		Hosts:         []HostRow{},
		Unread:        append([]Unread{}, unread...),
	}
	facts := make([]hostFacts, 0, len(hosts))
	for _, h := range hosts {
		facts = append(facts, factsOf(h))
	}
	sort.SliceStable(facts, func(i, j int) bool { return hostLess(&facts[i].row, &facts[j].row) })
	for i := range facts {
		facts[i].row.Rank = i + 1
		s.Hosts = append(s.Hosts, facts[i].row)
	}
	s.Totals = totals(s.Hosts)
	s.Checks = checkRows(facts)
	sort.SliceStable(s.Unread, func(i, j int) bool { return s.Unread[i].Input < s.Unread[j].Input })
	s.Totals.Unread = len(s.Unread)
	return s
}

// FactsOf keeps the parts of a host's report the summary reads.
func factsOf(h Host) hostFacts {
	r := h.Report
	from := "report"
	if len(h.paths) > 0 {
		from = r.Source.Kind
	}
	row := HostRow{
		Hostname:   r.Host.Hostname,
		Input:      h.Input,
		From:       from,
		Generated:  r.Generated.UTC(),
		Samples:    r.Samples,
		Findings:   len(r.Findings),
		BySeverity: r.Summary.BySeverity,
		Worst:      r.Summary.Worst,
		Verdicts:   r.Summary.Verdicts,
		Evaluated:  r.Summary.Evaluated,
	}
	for _, f := range r.Findings {
		if f.Waived == nil && (row.WorstUnwaived == nil || sevRank(f.Severity) > sevRank(*row.WorstUnwaived)) {
			s := f.Severity
			row.WorstUnwaived = &s
		}
	}
	return hostFacts{row: row, findings: r.Findings, checks: r.Checks}
}

func sevRank(s checks.Severity) int {
	switch s {
	case checks.Critical, checks.Warning, checks.Notice:
		return int(s)
	}
	return 0
}

// hostLess ranks hosts: worst finding's severity, then counts of
// critical, warning and notice findings, then hostname, then input.
func hostLess(a, b *HostRow) bool {
	wa, wb := 0, 0
	if a.Worst != nil {
		wa = sevRank(a.Worst.Severity)
	}
	if b.Worst != nil {
		wb = sevRank(b.Worst.Severity)
	}
	if wa != wb {
		return wa > wb
	}
	for _, c := range [][2]int{
		{a.BySeverity.Critical, b.BySeverity.Critical},
		{a.BySeverity.Warning, b.BySeverity.Warning},
		{a.BySeverity.Notice, b.BySeverity.Notice},
	} {
		if c[0] != c[1] {
			return c[0] > c[1]
		}
	}
	if a.Hostname != b.Hostname {
		return a.Hostname < b.Hostname
	}
	return a.Input < b.Input
}

func addSeverity(c *report.SeverityCounts, s checks.Severity, n int) {
	switch s {
	case checks.Critical:
		c.Critical += n
	case checks.Warning:
		c.Warning += n
	case checks.Notice:
		c.Notice += n
	}
}

func totals(hosts []HostRow) Totals {
	var t Totals
	t.Hosts = len(hosts)
	for _, h := range hosts {
		if h.Findings > 0 {
			t.HostsWithFindings++
		}
		if h.Worst != nil {
			addSeverity(&t.HostsByWorst, h.Worst.Severity, 1)
		}
		t.Findings += h.Findings
		t.BySeverity.Critical += h.BySeverity.Critical
		t.BySeverity.Warning += h.BySeverity.Warning
		t.BySeverity.Notice += h.BySeverity.Notice
		if h.Evaluated == 0 {
			t.HostsNotEvaluated++
		}
		if h.Verdicts.NotEvaluated+h.Verdicts.Error > 0 {
			t.HostsIncomplete++
		}
	}
	return t
}

func addVerdict(c *report.VerdictCounts, v checks.Verdict) {
	switch v {
	case checks.Fail:
		c.Fail++
	case checks.Pass:
		c.Pass++
	case checks.NotEvaluated:
		c.NotEvaluated++
	case checks.NotApplicable:
		c.NotApplicable++
	case checks.Error:
		c.Error++
	}
}

// checkAcc accumulates one check over the fleet.
type checkAcc struct {
	row      CheckRow
	order    int // first appearance in a registry order, for stable ties
	subjects map[string]int
	fixes    map[string]*Fix
	fixOrder []string
}

// checkRows builds the per-check rows from hosts in rank order.
func checkRows(facts []hostFacts) []CheckRow {
	acc := map[string]*checkAcc{}
	get := func(id, title string) *checkAcc {
		a, ok := acc[id]
		if !ok {
			a = &checkAcc{row: CheckRow{ID: id, Title: title}, order: len(acc), subjects: map[string]int{}, fixes: map[string]*Fix{}}
			acc[id] = a
		}
		if a.row.Title == "" {
			a.row.Title = title
		}
		return a
	}
	for _, h := range facts {
		for _, c := range h.checks {
			addVerdict(&get(c.ID, c.Title).row.Verdicts, c.Verdict)
		}
		seenCheck := map[string]bool{}
		seenSubject := map[[2]string]bool{}
		seenFix := map[[2]string]bool{}
		for _, f := range h.findings {
			a := get(f.Check, f.Title)
			a.row.Findings++
			if a.row.Worst == nil || sevRank(f.Severity) > sevRank(*a.row.Worst) {
				s := f.Severity
				a.row.Worst = &s
			}
			if !seenCheck[f.Check] {
				seenCheck[f.Check] = true
				a.row.Hosts++
				a.row.AffectedHosts = append(a.row.AffectedHosts, h.row.Hostname)
			}
			if k := [2]string{f.Check, f.Subject}; !seenSubject[k] {
				seenSubject[k] = true
				a.subjects[f.Subject]++
			}
			for _, c := range f.Commands {
				if c.Kind != checks.Change || c.Why == "" {
					continue
				}
				if k := [2]string{f.Check, c.Why}; !seenFix[k] {
					seenFix[k] = true
					fx, ok := a.fixes[c.Why]
					if !ok {
						fx = &Fix{Why: c.Why, Example: c.Run, ExampleHost: h.row.Hostname, NeedsRoot: c.NeedsRoot, Persistent: c.Persistent}
						a.fixes[c.Why] = fx
						a.fixOrder = append(a.fixOrder, c.Why)
					}
					fx.Hosts++
				}
			}
		}
	}
	rows := make([]*checkAcc, 0, len(acc))
	for _, a := range acc {
		for s, n := range a.subjects {
			a.row.Subjects = append(a.row.Subjects, SubjectCount{Subject: s, Hosts: n})
		}
		sort.Slice(a.row.Subjects, func(i, j int) bool {
			x, y := a.row.Subjects[i], a.row.Subjects[j]
			if x.Hosts != y.Hosts {
				return x.Hosts > y.Hosts
			}
			return x.Subject < y.Subject
		})
		if len(a.row.Subjects) > TopSubjects {
			a.row.Subjects = a.row.Subjects[:TopSubjects]
		}
		for _, why := range a.fixOrder {
			// The first fix seen wins ties: fixOrder follows host rank.
			if fx := a.fixes[why]; a.row.Fix == nil || fx.Hosts > a.row.Fix.Hosts {
				a.row.Fix = fx
			}
		}
		if a.row.Subjects == nil {
			a.row.Subjects = []SubjectCount{}
		}
		if a.row.AffectedHosts == nil {
			a.row.AffectedHosts = []string{}
		}
		rows = append(rows, a)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		x, y := &rows[i].row, &rows[j].row
		wx, wy := 0, 0
		if x.Worst != nil {
			wx = sevRank(*x.Worst)
		}
		if y.Worst != nil {
			wy = sevRank(*y.Worst)
		}
		if wx != wy {
			return wx > wy
		}
		if x.Hosts != y.Hosts {
			return x.Hosts > y.Hosts
		}
		if x.Findings != y.Findings {
			return x.Findings > y.Findings
		}
		return x.ID < y.ID
	})
	out := make([]CheckRow, 0, len(rows))
	for _, a := range rows {
		out = append(out, a.row)
	}
	return out
}

// ExitCode is the summary's exit code under --fail-on, as for one host:
// 1 when any host has a finding no waiver covers at or above failOn (0
// never fails), else 3 when no host was read or none evaluated anything,
// else 0. strict adds 5 (where the code would be 0) for an unread input or
// a host with a check not evaluated.
func ExitCode(s *Summary, failOn checks.Severity, strict bool) int {
	if len(Tripped(s, failOn)) > 0 {
		return report.ExitFindings
	}
	evaluated := slices.ContainsFunc(s.Hosts, func(h HostRow) bool { return h.Evaluated > 0 })
	if !evaluated {
		return report.ExitNothingEvaluated
	}
	if strict && (s.Totals.Unread > 0 || s.Totals.HostsIncomplete > 0) {
		return report.ExitNotEvaluated
	}
	return report.ExitClean
}

// Tripped returns the hosts that make ExitCode return ExitFindings under
// failOn, in rank order: those with a finding no waiver covers at or
// above it.
func Tripped(s *Summary, failOn checks.Severity) []HostRow {
	var out []HostRow
	if failOn <= 0 {
		return out
	}
	for _, h := range s.Hosts {
		if h.WorstUnwaived != nil && sevRank(*h.WorstUnwaived) >= int(failOn) {
			out = append(out, h)
		}
	}
	return out
}
