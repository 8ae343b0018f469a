package checks

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Run runs every check over the evidence, in order, and returns one
// Outcome per check. A check that panics or returns an inconsistent result
// ends with Verdict Error and the reason; the others still run. Every
// outcome has a verdict: a fail has at least one finding, a pass none, and
// a Growth check never passes on a single sample. Findings get the check's
// ID and title, and its default severity when they set none; a command of
// no or unknown Kind becomes an Option, which no script runs. The facts of
// checks others Require are computed once per Evidence, before the first
// check that reads them. Run is not safe for concurrent use on one
// Evidence.
func Run(ev *Evidence, cs []*Check) []Outcome {
	if ev == nil {
		ev = NewEvidence(nil)
	}
	out := make([]Outcome, 0, len(cs))
	for _, c := range cs {
		if c == nil {
			continue
		}
		out = append(out, runOne(ev, c))
	}
	return out
}

// call runs one check, turning a panic into an error.
func call(ev *Evidence, c *Check) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("check panicked: %v", r)
		}
	}()
	for _, r := range c.Requires {
		ev.ensureFact(r, 0)
	}
	ev.ensureFact(c, 0)
	ev.running = c
	defer func() { ev.running = nil }()
	return c.Run(ev), nil
}

var knownVerdicts = map[Verdict]bool{Fail: true, Pass: true, NotEvaluated: true, NotApplicable: true, Error: true}

func runOne(ev *Evidence, c *Check) Outcome {
	o := Outcome{Check: c}
	if c.Run == nil {
		o.Verdict, o.Reason = Error, "check has no Run function"
		return o
	}
	if r := overLimitReason(ev, c); r != "" {
		o.Verdict, o.Reason, o.Findings = NotEvaluated, r, nil
		return o
	}
	res, err := call(ev, c)
	if err != nil {
		o.Verdict, o.Reason = Error, err.Error()
		return o
	}
	o.Verdict, o.Reason, o.Findings = res.Verdict, res.Reason, res.Findings
	switch {
	case o.Verdict != "" && !knownVerdicts[o.Verdict]:
		o.Verdict, o.Reason, o.Findings = Error, fmt.Sprintf("check returned unknown verdict %q", res.Verdict), nil
	case o.Verdict == Error:
		o.Findings = nil
	case len(o.Findings) > 0:
		// Findings make a fail whatever the check said: a single-sample
		// notice under not-evaluated is still a finding.
		o.Verdict = Fail
	case o.Verdict == Fail:
		o.Verdict, o.Reason = Error, "check failed without a finding"
	case o.Verdict == "":
		o.Verdict, o.Reason = Error, "check returned no verdict"
	case o.Verdict == Pass && c.Growth && !ev.TwoSample():
		o.Verdict = NotEvaluated
		o.Reason = "single sample: growth needs two samples"
		if res.Reason != "" {
			o.Reason += " (" + res.Reason + ")"
		}
	}
	if o.Reason == "" {
		switch o.Verdict {
		case NotEvaluated:
			o.Reason = "not evaluated"
		case NotApplicable:
			o.Reason = "does not apply to this host"
		case Error:
			o.Reason = "check failed"
		}
	}
	for i := range o.Findings {
		f := &o.Findings[i]
		f.Check, f.Title = c.ID, c.Title
		if _, ok := severityNames[f.Severity]; !ok {
			f.Severity = c.Severity
		}
		if f.Confidence == "" {
			f.Confidence = Medium
		}
		f.Score = min(100, max(0, f.Score))
		if f.CPUs == nil {
			f.CPUs = []int{}
		}
		if f.PIDs == nil {
			f.PIDs = []int{}
		}
		if f.Evidence == nil {
			f.Evidence = []Figure{}
		}
		if f.Commands == nil {
			f.Commands = []Command{}
		}
		for j := range f.Commands {
			// A command of no or unknown kind is never run by a script.
			if !f.Commands[j].Kind.Known() {
				f.Commands[j].Kind = Option
			}
		}
	}
	return o
}

// DocSections are the headings (level 2) every check's Doc must have, in
// this order: why it matters, when it does not apply, its thresholds, and
// what the fix risks.
var DocSections = []string{"Why it matters", "When it does not apply", "Thresholds", "Fix and risks"}

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate checks the registry's contract: IDs unique and kebab-case;
// titles one line, non-empty, without a trailing period; a default
// severity; a Doc with the DocSections headings; Needs non-empty and only
// known host.Input* names; Run set; Requires only registered checks with a
// Fact. It returns every problem found.
func Validate(cs []*Check) error {
	var errs []error
	seen := map[string]bool{}
	for i, c := range cs {
		if c == nil {
			errs = append(errs, fmt.Errorf("check %d is nil", i))
			continue
		}
		name := c.ID
		if name == "" {
			name = fmt.Sprintf("check %d", i)
		}
		bad := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s: "+format, append([]any{name}, a...)...))
		}
		if !kebab.MatchString(c.ID) {
			bad("ID %q is not kebab-case", c.ID)
		}
		if seen[c.ID] {
			bad("duplicate ID")
		}
		seen[c.ID] = true
		switch t := c.Title; {
		case strings.TrimSpace(t) == "":
			bad("empty title")
		case strings.ContainsAny(t, "\r\n"):
			bad("title is not one line")
		case strings.HasSuffix(t, "."):
			bad("title ends with a period")
		case t != strings.TrimSpace(t):
			bad("title has leading or trailing space")
		}
		if _, ok := severityNames[c.Severity]; !ok {
			bad("invalid default severity %d", c.Severity)
		}
		if c.Run == nil {
			bad("Run is nil")
		}
		for _, r := range c.Requires {
			switch {
			case r == nil:
				bad("Requires a nil check")
			case r.Fact == nil:
				bad("Requires %s, which has no Fact", r.ID)
			case !slices.Contains(cs, r):
				bad("Requires %s, which is not registered", r.ID)
			}
		}
		if len(c.Needs) == 0 {
			bad("Needs is empty")
		}
		for _, n := range c.Needs {
			if !slices.Contains(host.KnownInputs, n) {
				bad("Needs unknown input %q", n)
			}
		}
		if err := validateDoc(c.Doc); err != nil {
			bad("%v", err)
		}
	}
	return errors.Join(errs...)
}

// validateDoc requires the DocSections as "## " headings, in order, each
// followed by some text.
func validateDoc(doc string) error {
	if strings.TrimSpace(doc) == "" {
		return errors.New("empty Doc")
	}
	var heads []string
	body := map[string]int{}
	cur := ""
	for _, line := range strings.Split(doc, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			cur = strings.TrimSpace(h)
			heads = append(heads, cur)
			continue
		}
		if cur != "" && strings.TrimSpace(line) != "" {
			body[cur]++
		}
	}
	next := 0
	for _, h := range heads {
		if next < len(DocSections) && strings.EqualFold(h, DocSections[next]) {
			next++
		}
	}
	if next < len(DocSections) {
		return fmt.Errorf("doc lacks the section %q (sections needed, in order: %s)",
			DocSections[next], strings.Join(DocSections, ", "))
	}
	for _, s := range DocSections {
		for _, h := range heads {
			if strings.EqualFold(h, s) && body[h] == 0 {
				return fmt.Errorf("doc section %q is empty", s)
			}
		}
	}
	return nil
}

// overLimitReason names the first input check c needs that a sample could
// not read for its size (host.Input.OverLimit), or is "". Such an input
// exists, so a check that ran on what the source gathered around it (the
// /proc/irq directories without /proc/interrupts' counts) would pass on
// nothing: it is not evaluated instead, for every check alike.
func overLimitReason(ev *Evidence, c *Check) string {
	for _, s := range []*host.Snapshot{ev.Prev, ev.Now} {
		if s == nil {
			continue
		}
		for _, in := range s.Inputs {
			if !in.OverLimit || !slices.Contains(c.Needs, in.Name) {
				continue
			}
			label := in.Name
			if in.Subject != "" {
				label += " " + in.Subject
			}
			r := "input " + label + " not read"
			if in.Path != "" {
				r += " (" + in.Path + ")"
			}
			if in.Reason != "" {
				r += ": " + in.Reason
			}
			return r
		}
	}
	return ""
}
