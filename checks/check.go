// Package checks is netdoctor's rule engine: the Check type, the explicit
// registry of checks, and the engine that runs every check over the host
// view (internal/hostview) and gives each a verdict.
//
// Checks never read files or touch the OS: they read Evidence, the host
// view derived from the host model (internal/host) alone, plus the facts
// of the checks they Require.
package checks

import "encoding/json"

// Severity ranks a finding. The zero value is not a valid severity.
type Severity int

// The severities of the report contract, in increasing order.
const (
	Notice Severity = iota + 1
	Warning
	Critical
)

var severityNames = map[Severity]string{Notice: "notice", Warning: "warning", Critical: "critical"}

// String returns "notice", "warning" or "critical".
func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return "unknown"
}

// ParseSeverity is the inverse of String.
func ParseSeverity(s string) (Severity, bool) {
	for k, v := range severityNames {
		if v == s {
			return k, true
		}
	}
	return 0, false
}

// MarshalJSON writes the severity's name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity's name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var n string
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	v, ok := ParseSeverity(n)
	if !ok {
		return &json.UnsupportedValueError{Str: n}
	}
	*s = v
	return nil
}

// Verdict is the outcome of one check.
type Verdict string

// Every check ends with one of these.
const (
	Fail          Verdict = "fail"
	Pass          Verdict = "pass"
	NotEvaluated  Verdict = "not-evaluated"  // could not run: single sample, input missing or unreadable
	NotApplicable Verdict = "not-applicable" // does not apply to this host: no multi-queue NIC, setting absent
	Error         Verdict = "error"          // the check itself failed or panicked
)

// Confidence says how sure a finding is.
type Confidence string

// Confidence levels: lower for cumulative (since-boot) evidence, partial
// topology, or an IRQ→NIC map built from names only.
const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
)

// Check is one documented rule. It is a value: the registry lists them.
type Check struct {
	// ID is stable and part of the JSON contract ("irq-concentration").
	ID string
	// Title is one line.
	Title string
	// Doc is markdown: why it matters, when it does not apply, the
	// thresholds (named constants), and what the fix risks.
	Doc string
	// Severity is the default severity of its findings.
	Severity Severity
	// Needs lists the host.Input* names the check reads.
	Needs []string
	// Growth is true for a check that judges counter growth or CPU use
	// over an interval: from a single sample it never passes (the engine
	// turns a pass into not-evaluated).
	Growth bool
	// Run evaluates the check over the evidence.
	Run func(ev *Evidence) Result
	// Fact, when set, derives what this check knows that other checks
	// read (irq-concentration's concentrated NICs). The engine computes it
	// once per Evidence, before Run of this check and of every check that
	// Requires it, whatever the verdicts.
	Fact func(ev *Evidence) any
	// Requires lists the checks whose Fact this check reads: an explicit
	// dependency, as Requires/ResultOf in golang.org/x/tools' go/analysis.
	Requires []*Check
}

// Result is what a check's Run returns.
type Result struct {
	Verdict  Verdict
	Reason   string // why, for every verdict but a plain pass
	Findings []Finding
}

// Finding is one problem a check found.
type Finding struct {
	Check      string     `json:"check"`
	Severity   Severity   `json:"severity"`
	Confidence Confidence `json:"confidence"`
	// Score ranks findings of one severity, 0 to 100.
	Score int `json:"score"`
	// Subject is the interface name for a NIC's finding, else a short name.
	Subject string `json:"subject"`
	NIC     string `json:"nic,omitempty"`
	CPUs    []int  `json:"cpus"`
	PIDs    []int  `json:"pids"`
	// Title is the check's title; Summary one line about this host.
	Title       string    `json:"title"`
	Summary     string    `json:"summary"`
	Evidence    []Figure  `json:"evidence"`
	Explanation string    `json:"explanation"`
	Commands    []Command `json:"commands"`
}

// Figure is one piece of evidence: a measured value, the threshold it was
// compared with, and the window it was measured over.
type Figure struct {
	// Name says what was measured ("interrupts/s on CPU0").
	Name string `json:"name"`
	// Value is the figure as text, with its unit ("84,210/s", "12 of 16").
	Value string `json:"value"`
	// Threshold is what it was compared with (">= 80,000/s"), if any.
	Threshold string `json:"threshold,omitempty"`
	// Window is "5.0s interval", "since boot (3d 4h)" or "configuration".
	Window string `json:"window"`
}

// CommandKind says what a suggested command does, and so whether a fix
// script may run it.
type CommandKind string

// The kinds of suggested command. A command built without a kind is
// treated as an Option by the engine: the safe default.
const (
	// Change applies the fix, at runtime or persistently: the fix script
	// runs it (after review). It holds this host's real values, no
	// placeholder, and does not block.
	Change CommandKind = "change"
	// Verify only reads state to confirm a change or to diagnose, and
	// changes nothing. It may block or run long (watch, perf): it is
	// shown, never run by the script.
	Verify CommandKind = "verify"
	// Option is an alternative or conditional change (a vendor script, a
	// setting that applies only in some cases, a change that undoes
	// another), or a template with a placeholder the engineer must fill.
	// It is shown, never run as it is.
	Option CommandKind = "option"
)

// Known reports whether k is one of Change, Verify and Option.
func (k CommandKind) Known() bool {
	return k == Change || k == Verify || k == Option
}

// Command is a suggested command: data, never executed by netdoctor.
type Command struct {
	// Run is the command line with this host's real values.
	Run string `json:"run"`
	// Kind says whether it applies the fix (Change), only reads state
	// (Verify), or is an alternative, conditional or template (Option).
	Kind CommandKind `json:"kind"`
	// Why says what it does.
	Why       string `json:"why"`
	NeedsRoot bool   `json:"needs_root"`
	// Persistent is true for a command that makes a change survive reboot
	// (as opposed to a runtime change).
	Persistent bool `json:"persistent"`
	// Caveats are the risks and the cases where it does not work.
	Caveats []string `json:"caveats,omitempty"`
	// Settings are the configuration-file lines a persistent command
	// writes, as data, and Apply what it runs after writing them
	// ("systemctl restart irqbalance", "sysctl --system"). Run holds the
	// command for this finding alone; the fix script merges the settings
	// of every finding into one line per file and key, so that running it
	// whole applies every finding's fix (a second IRQBALANCE_ARGS line
	// would replace the first).
	Settings []Setting `json:"settings,omitempty"`
	Apply    string    `json:"apply,omitempty"`
}

// Setting syntaxes: how a line of the file is written.
const (
	// SyntaxEnv is KEY=VALUE, VALUE double-quoted when it holds a space
	// (/etc/sysconfig/irqbalance, /etc/default/irqbalance).
	SyntaxEnv = "env"
	// SyntaxSysctl is "KEY = VALUE" (/etc/sysctl.d/*.conf).
	SyntaxSysctl = "sysctl"
)

// Setting is one key of a configuration file. Exactly one of CPUs, Words
// and Value holds its value, which also says how settings of several
// findings merge: CPU lists by union, word lists by union in order, single
// values by the first-ranked finding (a disagreement is said).
type Setting struct {
	File   string   `json:"file"`
	Key    string   `json:"key"`
	Syntax string   `json:"syntax"`
	CPUs   []int    `json:"cpus,omitempty"`
	Words  []string `json:"words,omitempty"`
	Value  string   `json:"value,omitempty"`
}

// Outcome is one check's verdict and findings after the engine ran it.
type Outcome struct {
	Check    *Check
	Verdict  Verdict
	Reason   string
	Findings []Finding
}
