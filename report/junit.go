package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/netdoctor/netdoctor/checks"
)

// JUnit writes the report as JUnit XML for CI systems (GitLab, Jenkins,
// GitHub test reporters): one test suite for the host, one test case per
// check that ran. A check that failed is a <failure> listing its findings'
// summaries, unless waivers cover all of them (then it passes and says so);
// a check that could not be evaluated is <skipped> with its reason, never a
// pass; a check that erred is an <error>. A not-applicable check passes
// with its reason as output. Untrusted text is escaped by encoding/xml, and
// control and invisible characters become \uXXXX first (XML 1.0 cannot
// carry most controls at all).
func JUnit(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	r = normalized(r)
	host := r.Host.Hostname
	if host == "" {
		host = "unknown host"
	}
	suite := junitSuite{
		Name:      xmlText(toolName(r) + " " + host),
		Hostname:  xmlText(host),
		Timestamp: r.Generated.UTC().Format("2006-01-02T15:04:05"),
	}
	byCheck := map[string][]Finding{}
	for _, f := range r.Findings {
		byCheck[f.Check] = append(byCheck[f.Check], f)
	}
	for _, c := range r.Checks {
		tc := junitCase{
			Name:      xmlText(orText(c.ID, "unknown") + ": " + c.Title),
			ClassName: xmlText(toolName(r) + "." + orText(c.ID, "unknown")),
		}
		fs := byCheck[c.ID]
		var open, waived []Finding
		for _, f := range fs {
			if f.Waived != nil {
				waived = append(waived, f)
			} else {
				open = append(open, f)
			}
		}
		var out []string
		if c.Reason != "" {
			out = append(out, string(c.Verdict)+": "+c.Reason)
		}
		for _, f := range waived {
			out = append(out, fmt.Sprintf("waived until %s (%s): [%s] %s",
				f.Waived.Expires, f.Waived.Reason, f.Severity, SubjectSummary(f)))
		}
		switch c.Verdict {
		case checks.Fail:
			if len(open) > 0 || len(waived) == 0 {
				worst := c.Severity
				if len(open) > 0 {
					worst = open[0].Severity // ranked: the first is the worst
				}
				lines := make([]string, 0, len(open))
				for _, f := range open {
					lines = append(lines, fmt.Sprintf("#%d [%s] %s", f.Rank, f.Severity, SubjectSummary(f)))
				}
				tc.Failure = &junitResult{
					Type:    worst.String(),
					Message: xmlText(fmt.Sprintf("%d finding(s): %s", len(open), firstLine(open, c.Reason))),
					Body:    xmlText(strings.Join(lines, "\n")),
				}
				suite.Failures++
			}
		case checks.NotEvaluated:
			tc.Skipped = &junitResult{Message: xmlText("not evaluated: " + c.Reason)}
			suite.Skipped++
		case checks.Pass, checks.NotApplicable:
		default:
			tc.Error = &junitResult{Type: string(c.Verdict), Message: xmlText(orText(c.Reason, "the check failed"))}
			suite.Errors++
		}
		if len(out) > 0 {
			tc.SystemOut = xmlText(strings.Join(out, "\n"))
		}
		suite.Cases = append(suite.Cases, tc)
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{
		Name: xmlText(toolName(r)), Tests: suite.Tests, Failures: suite.Failures,
		Errors: suite.Errors, Skipped: suite.Skipped, Suites: []junitSuite{suite},
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// firstLine is the failure message: the first open finding's summary, or
// the check's reason when it has none.
func firstLine(open []Finding, reason string) string {
	if len(open) > 0 {
		s := SubjectSummary(open[0])
		if len(open) > 1 {
			s += fmt.Sprintf(" (and %d more)", len(open)-1)
		}
		return s
	}
	return reason
}

// SubjectSummary is "subject: summary", without repeating a subject the
// summary starts with.
func SubjectSummary(f Finding) string {
	switch {
	case f.Subject == "":
		return f.Summary
	case f.Summary == "":
		return f.Subject
	case strings.HasPrefix(f.Summary, f.Subject+" ") || strings.HasPrefix(f.Summary, f.Subject+":"):
		return f.Summary
	}
	return f.Subject + ": " + f.Summary
}

// xmlText makes untrusted text safe for XML 1.0 and for a terminal: line
// breaks are kept (for multi-line bodies), other control, bidi and
// zero-width characters become \uXXXX, invalid UTF-8 becomes U+FFFD.
// encoding/xml escapes the markup characters.
func xmlText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		if r != '\n' && invisible(r) {
			writeEscape(&b, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Hostname  string      `xml:"hostname,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string       `xml:"name,attr"`
	ClassName string       `xml:"classname,attr"`
	Failure   *junitResult `xml:"failure,omitempty"`
	Error     *junitResult `xml:"error,omitempty"`
	Skipped   *junitResult `xml:"skipped,omitempty"`
	SystemOut string       `xml:"system-out,omitempty"`
}

type junitResult struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}
