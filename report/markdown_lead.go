package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/host"
)

// This file holds the parts of the Markdown report that lead with the
// answer and keep a big host's report within what a ticket field takes:
// the verdict line, the findings summary table, the folding of long
// evidence tables, the budget of the per-finding detail, the folding of
// the inputs a virtual interface is expected to lack, and the --brief form.

// MarkdownBudget is the size in bytes that the default Markdown report of
// any host stays within (many ticket fields take 32,000 characters): the
// detail of the lowest-ranked findings is left out, and said to be, when
// the whole would not fit.
const MarkdownBudget = 30000

// The caps of long lists in the Markdown report.
const (
	// evidenceOpen is the number of evidence rows shown unfolded; a longer
	// table is folded in <details>.
	evidenceOpen = 6
	// evidenceMax is the number of evidence rows shown at all; the rest
	// are counted ("and N more").
	evidenceMax = 16
	// summaryMax is the number of rows of the findings summary table.
	summaryMax = 60
	// briefSummaryMax is the same for --brief, which stays under 60 lines.
	briefSummaryMax = 25
	// inputsMax is the number of rows of the unexpected-inputs table.
	inputsMax = 20
	// interfacesMax is the number of rows of the interfaces table.
	interfacesMax = 24
)

// verdict writes the report's first paragraph: what was found, in one
// line, and whether the --fail-on gate passed.
func (m *mdWriter) verdict(r *Report) {
	s := r.Summary
	v := s.Verdicts
	var b strings.Builder
	switch {
	case s.Findings > 0:
		fmt.Fprintf(&b, "**Verdict: %s.**", findingCounts(s))
	case s.Evaluated == 0:
		b.WriteString("**Verdict: nothing could be evaluated:** no finding, and no check could judge this host (see the checks and inputs below).")
	case v.NotEvaluated+v.Error > 0:
		fmt.Fprintf(&b, "**Verdict: no findings, but %d of %d checks could not judge this host** (see the checks below).",
			v.NotEvaluated+v.Error, s.Checks)
	default:
		b.WriteString("**Verdict: healthy: no findings.**")
	}
	if s.Waived > 0 {
		fmt.Fprintf(&b, " %d waived (accepted in %s).", s.Waived, orText(mdText(r.Tool.WaiverFile), "a waiver file"))
	}
	fmt.Fprintf(&b, " Checks: %d fail, %d pass, %d not evaluated, %d not applicable, %d error (%d in all).",
		v.Fail, v.Pass, v.NotEvaluated, v.NotApplicable, v.Error, s.Checks)
	if len(r.Tool.SkippedChecks) > 0 {
		b.WriteString(" Not run (--only/--skip): " + mdText(strings.Join(r.Tool.SkippedChecks, ", ")) + ".")
	}
	if r.Processes.Partial {
		b.WriteString(" **Only part of the process table was visible:** " + mdText(r.Processes.Note) + ".")
	}
	if sev, ok := checks.ParseSeverity(r.Tool.FailOn); ok {
		if n := len(Tripped(r, sev)); n > 0 {
			fmt.Fprintf(&b, " Gate --fail-on %s: **failed** (%d finding(s) at or above %s).", sev, n, sev)
		} else {
			fmt.Fprintf(&b, " Gate --fail-on %s: passed.", sev)
		}
	}
	m.para(b.String())
}

// findingCounts is "2 critical and 1 warning findings": the severities
// that occur, most severe first.
func findingCounts(s Summary) string {
	var parts []string
	for _, c := range []struct {
		n    int
		name string
	}{{s.BySeverity.Critical, "critical"}, {s.BySeverity.Warning, "warning"}, {s.BySeverity.Notice, "notice"}} {
		if c.n > 0 {
			parts = append(parts, strconv.Itoa(c.n)+" "+c.name)
		}
	}
	if len(parts) == 0 {
		return strconv.Itoa(s.Findings) + " finding" + pluralS(s.Findings)
	}
	text := strings.Join(parts[:len(parts)-1], ", ")
	if text != "" {
		text += " and "
	}
	return text + parts[len(parts)-1] + " finding" + pluralS(s.Findings)
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// summaryTable writes one row a finding, in rank order, up to max rows.
func (m *mdWriter) summaryTable(r *Report, max int) {
	if len(r.Findings) == 0 {
		return
	}
	n := min(len(r.Findings), max)
	rows := make([][]string, 0, n)
	for _, f := range r.Findings[:n] {
		sev := strings.ToUpper(f.Severity.String())
		if f.Severity == checks.Critical {
			sev = "**" + sev + "**"
		}
		if f.Waived != nil {
			sev += " (waived until " + mdText(f.Waived.Expires) + ")"
		}
		rows = append(rows, []string{strconv.Itoa(f.Rank), sev, mdText(f.Check), mdText(f.Subject), mdText(f.Summary)})
	}
	m.table([]string{"#", "severity", "check", "subject", "summary"}, rows)
	if more := len(r.Findings) - n; more > 0 {
		m.para(fmt.Sprintf("… and %d more finding%s (`--format json` lists them all).", more, pluralS(more)))
	}
}

// evidence writes a finding's evidence table: short tables as they are,
// longer ones folded in <details> (GitHub and GitLab render it closed),
// capped at evidenceMax rows with a count of the rest.
func (m *mdWriter) evidence(figs []Figure) {
	if len(figs) == 0 {
		return
	}
	n := min(len(figs), evidenceMax)
	rows := make([][]string, n)
	for i, e := range figs[:n] {
		rows[i] = []string{mdText(e.Name), mdText(e.Value), mdText(e.Threshold), mdText(e.Window)}
	}
	header := []string{"figure", "value", "threshold", "window"}
	if len(figs) <= evidenceOpen {
		m.table(header, rows)
		return
	}
	// A blank line after <summary> lets the Markdown inside render.
	m.line("<details><summary>Evidence: " + strconv.Itoa(len(figs)) + " figures</summary>")
	m.b.WriteByte('\n')
	m.table(header, rows)
	if more := len(figs) - n; more > 0 {
		m.para(fmt.Sprintf("… and %d more figure%s (`--format json` has them all).", more, pluralS(more)))
	}
	m.para("</details>")
}

// findingsDetail writes the detail of the ranked findings while the
// report stays within budget bytes in all (rest is the size of what
// follows the findings); the first finding is always detailed. The
// findings left out are named, with where to read them.
func (m *mdWriter) findingsDetail(r *Report, budget, rest int) {
	m.para("## Findings")
	if len(r.Findings) == 0 {
		m.para("None.")
		return
	}
	seen := map[string]int{} // caveat → rank of the finding that showed it
	for i, f := range r.Findings {
		var d mdWriter
		d.finding(f, seen)
		const note = 400 // room for the paragraph that names the rest
		if i > 0 && budget > 0 && m.b.Len()+d.b.Len()+rest+note > budget {
			first, last := r.Findings[i].Rank, r.Findings[len(r.Findings)-1].Rank
			m.para(fmt.Sprintf("The detail of finding%s %d to %d (evidence, explanation, commands) is left out to keep "+
				"this report under %d characters: the summary table above lists them, and `--format html` or "+
				"`--format json` of the same input holds all of it.", pluralS(last-first+1), first, last, budget))
			return
		}
		m.b.WriteString(d.b.String())
	}
}

// expectedMissing reports whether an input that could not be read is one
// that the interface is not expected to have: ethtool data of a loopback,
// veth, ifb, tun or other virtual interface, or one its driver does not
// support.
func expectedMissing(in Input, kinds map[string]string) bool {
	if in.Status != host.StatusMissing {
		return false
	}
	if in.Subject != "" {
		switch kinds[in.Subject] {
		case "loopback", "veth", "tun", "virtual", "bridge", "bond", "vlan":
			return true
		}
		if in.Subject == "lo" || strings.HasPrefix(in.Subject, "ifb") || strings.HasPrefix(in.Subject, "veth") {
			return true
		}
	}
	low := strings.ToLower(in.Reason)
	return strings.Contains(low, "not supported") || strings.Contains(low, "no stats available")
}

// expectedLine folds the expected-missing inputs into one line: which
// interfaces, which inputs, how many.
func expectedLine(ins []Input) string {
	var subjects, names []string
	for _, in := range ins {
		if in.Subject != "" && !slices.Contains(subjects, in.Subject) {
			subjects = append(subjects, in.Subject)
		}
		if !slices.Contains(names, in.Name) {
			names = append(names, in.Name)
		}
	}
	slices.Sort(subjects)
	slices.Sort(names)
	const maxNames = 12
	subj := strings.Join(capList(subjects, maxNames), ", ")
	s := fmt.Sprintf("%d not available, as expected: data that virtual interfaces do not have or their driver does not support", len(ins))
	if subj != "" {
		s += " (" + mdText(subj) + ")"
	}
	return s + ": " + mdText(strings.Join(capList(names, maxNames), ", ")) + "."
}

// capList keeps the first max entries and counts the rest.
func capList(s []string, max int) []string {
	if len(s) <= max {
		return s
	}
	return append(slices.Clone(s[:max]), fmt.Sprintf("and %d more", len(s)-max))
}

// MarkdownBrief writes the short form of the report (--brief): the title,
// the verdict, the findings summary table (at most briefSummaryMax rows),
// one line for the checks that did not pass and one for the inputs. It is
// under 60 lines whatever the host.
func MarkdownBrief(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	r = normalized(r)
	var m mdWriter
	m.title(r)
	h := r.Host
	facts := []string{orUnknown(mdText(h.Kernel))}
	if h.CPUCount > 0 {
		facts = append(facts, strconv.Itoa(h.CPUCount)+" CPUs")
	}
	if len(h.Nodes) > 0 {
		facts = append(facts, strconv.Itoa(len(h.Nodes))+" NUMA nodes")
	}
	facts = append(facts, "samples: "+samplesText(r), "generated "+stamp(r.Generated))
	m.para(strings.Join(facts, " · "))
	m.verdict(r)
	m.summaryTable(r, briefSummaryMax)
	var notPassed []string
	for _, c := range r.Checks {
		if c.Verdict != checks.Pass && c.Verdict != checks.Fail {
			notPassed = append(notPassed, mdText(orText(c.ID, "unknown"))+" "+mdText(string(c.Verdict)))
		}
	}
	if len(notPassed) > 0 {
		m.para("Not judged: " + strings.Join(capList(notPassed, 12), "; ") + ".")
	}
	ok, bad, expected := 0, 0, 0
	kinds := nicKinds(r)
	for _, in := range r.Inputs {
		switch {
		case in.Status == host.StatusOK:
			ok++
		case expectedMissing(in, kinds):
			expected++
		default:
			bad++
		}
	}
	m.para(fmt.Sprintf("Inputs: %d of %d read; %d not available as expected; %d unreadable or missing.", ok, len(r.Inputs), expected, bad))
	m.para("The full report (without --brief) has the evidence and the commands of every finding.")
	_, err := io.WriteString(w, m.b.String())
	return err
}

// nicKinds maps each interface to its kind.
func nicKinds(r *Report) map[string]string {
	k := make(map[string]string, len(r.NICs))
	for _, n := range r.NICs {
		k[n.Name] = n.Kind
	}
	return k
}
