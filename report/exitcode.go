package report

import "github.com/netdoctor/netdoctor/checks"

// The exit codes of netdoctor, independent of the output format.
const (
	// ExitClean: no finding at or above --fail-on.
	ExitClean = 0
	// ExitFindings: at least one finding at or above --fail-on.
	ExitFindings = 1
	// ExitUsage: bad flags or arguments (decided by the CLI, not here).
	ExitUsage = 2
	// ExitNothingEvaluated: no check reached a verdict of fail, pass or
	// not-applicable (every check was not-evaluated or error, or none ran).
	ExitNothingEvaluated = 3
	// ExitOutput: the output could not be written, or netdoctor refused to
	// write it (a directory, a link, a file whose owner it cannot keep);
	// the message names the path and the reason (decided by the CLI).
	ExitOutput = 4
	// ExitInterrupted: interrupted by SIGINT or SIGTERM, as shells report
	// a run stopped by Ctrl-C (128 + SIGINT). Nothing was written.
	ExitInterrupted = 130
	// ExitNotEvaluated: with --strict, at least one check did not reach a
	// judgement (not-evaluated or error) although something was evaluated
	// and no finding reached --fail-on.
	ExitNotEvaluated = 5
)

// ExitCode is the exit code for a report under a --fail-on threshold.
// failOn 0 (--fail-on none) never fails on findings. A finding at or above
// the threshold that no waiver covers (see ApplyWaivers) gives 1 even when
// no check reached a full verdict: a problem was found. Otherwise a report
// that evaluated nothing gives 3.
func ExitCode(r *Report, failOn checks.Severity) int {
	if r == nil {
		return ExitNothingEvaluated
	}
	if failOn > 0 {
		for _, f := range r.Findings {
			if f.Waived == nil && severityOrder(f.Severity) >= int(failOn) {
				return ExitFindings
			}
		}
	}
	if r.Summary.Evaluated == 0 {
		return ExitNothingEvaluated
	}
	return ExitClean
}

// StrictExitCode is ExitCode for a sign-off that refuses a bundle lacking
// inputs (--strict): where ExitCode is clean, any check that did not reach
// a judgement (not-evaluated or error) gives ExitNotEvaluated. Findings at
// or above failOn and "nothing evaluated" keep their own codes.
func StrictExitCode(r *Report, failOn checks.Severity) int {
	code := ExitCode(r, failOn)
	if code == ExitClean && r.Summary.Verdicts.NotEvaluated+r.Summary.Verdicts.Error > 0 {
		return ExitNotEvaluated
	}
	return code
}

// Tripped returns the findings that make ExitCode return ExitFindings
// under failOn: unwaived, at or above the threshold, in rank order.
func Tripped(r *Report, failOn checks.Severity) []Finding {
	var out []Finding
	if r == nil || failOn <= 0 {
		return out
	}
	for _, f := range r.Findings {
		if f.Waived == nil && severityOrder(f.Severity) >= int(failOn) {
			out = append(out, f)
		}
	}
	return out
}
