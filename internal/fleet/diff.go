package fleet

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/textfmt"
	"github.com/netdoctor/netdoctor/report"
)

// DiffSchemaVersion is the version of the diff's JSON contract.
const DiffSchemaVersion = 1

// Diff compares two reports of one host: the findings resolved (in the old
// report only), new (in the new one only) and persisting (in both), keyed
// by check and subject, and the checks whose verdict changed.
type Diff struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	Generated     time.Time `json:"generated"`
	Old           Side      `json:"before"`
	New           Side      `json:"after"`
	// DifferentHosts is true when the hostnames differ (allowed by --force).
	DifferentHosts bool          `json:"different_hosts"`
	Resolved       []DiffFinding `json:"resolved"`
	Added          []DiffFinding `json:"new"`
	Persisting     []DiffFinding `json:"persisting"`
	// Verdicts are the checks whose verdict differs, in the new report's
	// check order.
	Verdicts []VerdictChange `json:"verdicts"`
}

// Side is one of the two reports.
type Side struct {
	Input     string                `json:"input"`
	Hostname  string                `json:"hostname"`
	Generated time.Time             `json:"generated"`
	SeenAt    time.Time             `json:"seen_at"`
	Findings  int                   `json:"findings"`
	BySev     report.SeverityCounts `json:"by_severity"`
}

// DiffFinding is one finding keyed by check and subject, with its figures
// from each side where it appears.
type DiffFinding struct {
	Check   string `json:"check"`
	Subject string `json:"subject"`
	Title   string `json:"title"`
	// OldSeverity and NewSeverity are null on the side without it.
	OldSeverity *checks.Severity `json:"old_severity"`
	NewSeverity *checks.Severity `json:"new_severity"`
	Summary     string           `json:"summary"`
	// Evidence pairs the figures by name: old and new values side by side
	// ("" on the side without the figure).
	Evidence []FigurePair `json:"evidence"`
}

// FigurePair is one evidence figure on both sides, with what each value
// covers (its window: an interval, "since boot", "instantaneous"; "" on
// the side without the figure).
type FigurePair struct {
	Name      string `json:"name"`
	Old       string `json:"old"`
	New       string `json:"new"`
	Threshold string `json:"threshold"`
	OldWindow string `json:"old_window"`
	NewWindow string `json:"new_window"`
}

// VerdictChange is one check whose verdict differs.
type VerdictChange struct {
	Check string         `json:"check"`
	Old   checks.Verdict `json:"old"`
	New   checks.Verdict `json:"new"`
}

// findingKey identifies a finding across reports: check, subject, and the
// occurrence among findings of that check and subject.
type findingKey struct {
	check, subject string
	n              int
}

func keyed(fs []report.Finding) (map[findingKey]*report.Finding, []findingKey) {
	m := map[findingKey]*report.Finding{}
	var order []findingKey
	count := map[[2]string]int{}
	for i := range fs {
		f := &fs[i]
		c := [2]string{f.Check, f.Subject}
		k := findingKey{f.Check, f.Subject, count[c]}
		count[c]++
		m[k] = f
		order = append(order, k)
	}
	return m, order
}

func side(input string, r *report.Report) Side {
	return Side{Input: input, Hostname: r.Host.Hostname, Generated: r.Generated, SeenAt: seen(r), Findings: len(r.Findings), BySev: r.Summary.BySeverity}
}

// BuildDiff compares old and new (reports of one host; the caller decides
// whether different hosts may be compared).
func BuildDiff(oldIn string, old *report.Report, newIn string, cur *report.Report, meta Meta) *Diff {
	d := &Diff{
		SchemaVersion: DiffSchemaVersion,
		Tool:          Tool{Name: "netdoctor", Version: meta.Version, Command: meta.Command, FailOn: meta.FailOn},
		Generated:     meta.Generated.UTC().Truncate(time.Second),
		Old:           side(oldIn, old), New: side(newIn, cur),
		DifferentHosts: old.Host.Hostname != cur.Host.Hostname,
		Resolved:       []DiffFinding{}, Added: []DiffFinding{}, Persisting: []DiffFinding{}, Verdicts: []VerdictChange{},
	}
	om, oorder := keyed(old.Findings)
	nm, norder := keyed(cur.Findings)
	for _, k := range norder {
		nf := nm[k]
		of, ok := om[k]
		df := pairFinding(of, nf)
		if ok {
			d.Persisting = append(d.Persisting, df)
		} else {
			d.Added = append(d.Added, df)
		}
	}
	for _, k := range oorder {
		if _, ok := nm[k]; !ok {
			d.Resolved = append(d.Resolved, pairFinding(om[k], nil))
		}
	}
	ov := map[string]checks.Verdict{}
	for _, c := range old.Checks {
		ov[c.ID] = c.Verdict
	}
	for _, c := range cur.Checks {
		if v, ok := ov[c.ID]; ok && v != c.Verdict {
			d.Verdicts = append(d.Verdicts, VerdictChange{Check: c.ID, Old: v, New: c.Verdict})
		}
	}
	return d
}

func pairFinding(of, nf *report.Finding) DiffFinding {
	ref := nf
	if ref == nil {
		ref = of
	}
	df := DiffFinding{Check: ref.Check, Subject: ref.Subject, Title: ref.Title, Summary: ref.Summary, Evidence: []FigurePair{}}
	idx := map[string]int{}
	add := func(f *report.Finding, isNew bool) {
		if f == nil {
			return
		}
		s := f.Severity
		if isNew {
			df.NewSeverity = &s
		} else {
			df.OldSeverity = &s
		}
		for _, e := range f.Evidence {
			i, ok := idx[e.Name]
			if !ok {
				i = len(df.Evidence)
				idx[e.Name] = i
				df.Evidence = append(df.Evidence, FigurePair{Name: e.Name, Threshold: e.Threshold})
			}
			if isNew {
				df.Evidence[i].New, df.Evidence[i].NewWindow = e.Value, e.Window
				if e.Threshold != "" {
					df.Evidence[i].Threshold = e.Threshold
				}
			} else {
				df.Evidence[i].Old, df.Evidence[i].OldWindow = e.Value, e.Window
			}
		}
	}
	add(of, false)
	add(nf, true)
	return df
}

// DiffExitCode is 1 when a new finding, or a persisting one that got
// worse, is at or above failOn (0 never fails); else 0.
func DiffExitCode(d *Diff, failOn checks.Severity) int {
	if failOn == 0 {
		return report.ExitClean
	}
	for _, f := range d.Added {
		if sevRank(*f.NewSeverity) >= int(failOn) {
			return report.ExitFindings
		}
	}
	for _, f := range d.Persisting {
		if sevRank(*f.NewSeverity) >= int(failOn) && sevRank(*f.NewSeverity) > sevRank(*f.OldSeverity) {
			return report.ExitFindings
		}
	}
	return report.ExitClean
}

// DiffJSON writes the diff as indented JSON (CONTRACT.md, "The diff").
func DiffJSON(w io.Writer, d *Diff) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// DiffMarkdown writes the diff as Markdown.
func DiffMarkdown(w io.Writer, d *Diff) error {
	var b strings.Builder
	md := report.MarkdownText
	fmt.Fprintf(&b, "# netdoctor diff: %s\n\n", md(d.New.Hostname))
	if d.DifferentHosts {
		fmt.Fprintf(&b, "**Different hosts**: %s (old) and %s (new), compared as told (--force).\n\n", md(d.Old.Hostname), md(d.New.Hostname))
	}
	fmt.Fprintf(&b, "- old: %s, seen %s, %s\n", md(d.Old.Input), timeOrUnknown(d.Old.SeenAt), plural(d.Old.Findings, "finding", "findings"))
	fmt.Fprintf(&b, "- new: %s, seen %s, %s\n\n", md(d.New.Input), timeOrUnknown(d.New.SeenAt), plural(d.New.Findings, "finding", "findings"))
	fmt.Fprintf(&b, "%s new, %s resolved, %s persisting.\n\n", num(len(d.Added)), num(len(d.Resolved)), num(len(d.Persisting)))
	section := func(title string, fs []DiffFinding) {
		fmt.Fprintf(&b, "## %s\n\n", title)
		if len(fs) == 0 {
			b.WriteString("None.\n\n")
			return
		}
		for _, f := range fs {
			fmt.Fprintf(&b, "### `%s` %s (%s)\n\n", codeSpan(f.Check), md(f.Subject), sevChange(f))
			if f.Summary != "" {
				fmt.Fprintf(&b, "%s\n\n", report.MarkdownBlock(f.Summary))
			}
			if len(f.Evidence) > 0 {
				b.WriteString("| figure | old | new | threshold |\n|---|---|---|---|\n")
				for _, e := range f.Evidence {
					fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(e.Name), windowed(e.Old, e.OldWindow), windowed(e.New, e.NewWindow), dash(md(e.Threshold)))
				}
				b.WriteString("\n")
			}
		}
	}
	section("New", d.Added)
	section("Resolved", d.Resolved)
	section("Persisting", d.Persisting)
	b.WriteString("## Verdicts changed\n\n")
	if len(d.Verdicts) == 0 {
		b.WriteString("None.\n")
	}
	for _, v := range d.Verdicts {
		fmt.Fprintf(&b, "- `%s`: %s → %s\n", codeSpan(v.Check), v.Old, v.New)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// windowed is a figure's value and, when it says, its window, for a
// Markdown table cell.
func windowed(value, window string) string {
	if value == "" {
		return "–"
	}
	if window == "" {
		return report.MarkdownText(value)
	}
	return report.MarkdownText(value) + ", " + report.MarkdownText(window)
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func timeOrUnknown(t time.Time) string {
	if t.IsZero() {
		return "at an unknown time"
	}
	return textfmt.Time(t)
}

func sevChange(f DiffFinding) string {
	switch {
	case f.OldSeverity == nil:
		return f.NewSeverity.String()
	case f.NewSeverity == nil:
		return "was " + f.OldSeverity.String()
	case *f.OldSeverity != *f.NewSeverity:
		return f.OldSeverity.String() + " → " + f.NewSeverity.String()
	}
	return f.NewSeverity.String()
}
