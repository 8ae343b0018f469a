package fleet

import (
	"fmt"
	"io"
	"strings"

	"github.com/netdoctor/netdoctor/internal/textfmt"
	"github.com/netdoctor/netdoctor/report"
)

// Markdown writes the summary as Markdown for a ticket: the totals, the
// checks ranked across the fleet, the hosts ranked, and the unread inputs.
func Markdown(w io.Writer, s *Summary) error {
	var b strings.Builder
	md := report.MarkdownText
	t := s.Totals
	fmt.Fprintf(&b, "# netdoctor fleet summary\n\n")
	fmt.Fprintf(&b, "%s read, %s with findings (worst: %s critical, %s warning, %s notice); %s in all; %s not read.\n\n",
		plural(t.Hosts, "host", "hosts"), num(t.HostsWithFindings), num(t.HostsByWorst.Critical), num(t.HostsByWorst.Warning), num(t.HostsByWorst.Notice),
		plural(t.Findings, "finding", "findings"), plural(t.Unread, "input", "inputs"))
	if t.HostsNotEvaluated > 0 || t.HostsIncomplete > 0 {
		fmt.Fprintf(&b, "%s with a check that could not be evaluated; on %s nothing could be evaluated.\n\n", plural(t.HostsIncomplete, "host", "hosts"), plural(t.HostsNotEvaluated, "host", "hosts"))
	}
	fmt.Fprintf(&b, "Generated %s by netdoctor %s.\n\n", textfmt.Time(s.Generated), md(s.Tool.Version))

	b.WriteString("## Checks across the fleet\n\n")
	if len(s.Checks) == 0 {
		b.WriteString("No check ran.\n\n")
	} else {
		b.WriteString("| check | hosts affected | worst | findings | most common subjects | fix for most hosts | fail / pass / n.e. / n.a. / error |\n")
		b.WriteString("|---|---:|---|---:|---|---|---|\n")
		for _, c := range s.Checks {
			worst := "–"
			if c.Worst != nil {
				worst = c.Worst.String()
			}
			var subj []string
			for _, sc := range c.Subjects {
				subj = append(subj, fmt.Sprintf("%s (%s)", md(sc.Subject), num(sc.Hosts)))
			}
			fix := "–"
			if c.Fix != nil {
				fix = fmt.Sprintf("%s (%s of %s; e.g. on %s: `%s`)", md(c.Fix.Why), num(c.Fix.Hosts), plural(c.Hosts, "host", "hosts"), md(c.Fix.ExampleHost), codeSpan(c.Fix.Example))
			}
			v := c.Verdicts
			fmt.Fprintf(&b, "| `%s` %s | %s | %s | %s | %s | %s | %d / %d / %d / %d / %d |\n",
				codeSpan(c.ID), md(c.Title), num(c.Hosts), worst, num(c.Findings), strings.Join(subj, ", "), fix,
				v.Fail, v.Pass, v.NotEvaluated, v.NotApplicable, v.Error)
		}
		b.WriteString("\n")
	}

	b.WriteString("## Hosts\n\n")
	if len(s.Hosts) == 0 {
		b.WriteString("No host could be read.\n\n")
	} else {
		b.WriteString("| # | host | worst finding | critical | warning | notice | not evaluated | input |\n")
		b.WriteString("|---:|---|---|---:|---:|---:|---:|---|\n")
		for _, h := range s.Hosts {
			worst := "none"
			if h.Worst != nil {
				worst = fmt.Sprintf("%s `%s` %s", h.Worst.Severity, codeSpan(h.Worst.Check), md(h.Worst.Subject))
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %d | %d | %d | %d | %s |\n", h.Rank, md(h.Hostname), worst,
				h.BySeverity.Critical, h.BySeverity.Warning, h.BySeverity.Notice, h.Verdicts.NotEvaluated+h.Verdicts.Error, md(h.Input))
		}
		b.WriteString("\n")
	}

	b.WriteString("## Inputs not read\n\n")
	if len(s.Unread) == 0 {
		b.WriteString("Every input was read.\n")
	} else {
		for _, u := range s.Unread {
			fmt.Fprintf(&b, "- %s: %s\n", md(u.Input), md(u.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func num(n int) string {
	if n < 0 {
		return "-" + textfmt.Thousands(uint64(-n))
	}
	return textfmt.Thousands(uint64(n))
}

// codeSpan makes text safe inside a single-backtick code span in a table
// cell: backticks and pipes cannot end it, and it stays on one line.
func codeSpan(s string) string {
	s = report.OneLine(s)
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.ReplaceAll(s, "|", `\|`)
	if s == "" {
		return " "
	}
	return s
}

// plural writes n and the noun agreeing with it: "1 host", "2 hosts",
// "1,000 hosts".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return num(n) + " " + many
}
