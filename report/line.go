package report

import (
	"fmt"
	"io"
)

// Line writes the report as one line of text, for monitors that keep one
// line of a check's output (node-problem-detector's custom plugins, Nagios):
// the host, the findings by severity, the checks not evaluated, and the
// first-ranked finding's check, subject and summary. Host text is made safe
// for one line (no line break, no control or format character).
func Line(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	s := r.Summary
	msg := fmt.Sprintf("netdoctor %s: ", oneLine(r.Host.Hostname))
	if s.Findings == 0 {
		msg += "no findings"
	} else {
		msg += fmt.Sprintf("%d findings (%d critical, %d warning, %d notice)", s.Findings, s.BySeverity.Critical, s.BySeverity.Warning, s.BySeverity.Notice)
	}
	if n := s.Verdicts.NotEvaluated + s.Verdicts.Error; n > 0 {
		msg += fmt.Sprintf("; %d of %d checks not evaluated", n, s.Checks)
	}
	if len(r.Findings) > 0 {
		f := r.Findings[0]
		msg += fmt.Sprintf("; worst: %s %s %s: %s", f.Severity, f.Check, oneLine(f.Subject), oneLine(f.Summary))
	}
	_, err := io.WriteString(w, msg+"\n")
	return err
}
