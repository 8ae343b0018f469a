package checks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func stub(id string, growth bool, res Result) *Check {
	return &Check{ID: id, Title: "Stub " + id, Severity: Warning, Growth: growth,
		Run: func(*Evidence) Result { return res }}
}

func TestRunIsolatesPanics(t *testing.T) {
	var nilMap map[string]int
	boom := &Check{ID: "boom", Title: "Boom", Severity: Warning, Run: func(ev *Evidence) Result {
		nilMap["x"] = 1 // a runtime error, not a deliberate panic
		return Result{Verdict: Pass}
	}}
	after := stub("after", false, Result{Verdict: Pass})
	out := Run(NewEvidence(host.Single(newHost(2))), []*Check{boom, after})
	if len(out) != 2 {
		t.Fatalf("%d outcomes", len(out))
	}
	if out[0].Verdict != Error || !strings.Contains(out[0].Reason, "panicked") || !strings.Contains(out[0].Reason, "nil map") {
		t.Errorf("panicking check: %s %q", out[0].Verdict, out[0].Reason)
	}
	if out[1].Verdict != Pass || out[1].Check != after {
		t.Errorf("next check: %s", out[1].Verdict)
	}
}

func TestRunNormalizesResults(t *testing.T) {
	one := []Finding{{Summary: "x"}}
	two := later(t, newHost(2), nil)
	single := host.Single(newHost(2))
	tests := []struct {
		name    string
		check   *Check
		pair    *host.Pair
		verdict Verdict
		reason  string
	}{
		{"fail without findings is an error", stub("a", false, Result{Verdict: Fail}), two, Error, "without a finding"},
		{"findings make a fail", stub("b", false, Result{Verdict: Pass, Findings: one}), two, Fail, ""},
		{"a notice under not-evaluated is a fail", stub("c", true, Result{Verdict: NotEvaluated, Reason: "single sample", Findings: one}), single, Fail, "single sample"},
		{"no verdict is an error", stub("d", false, Result{}), two, Error, "no verdict"},
		{"unknown verdict is an error", stub("e", false, Result{Verdict: "maybe"}), two, Error, "unknown verdict"},
		{"growth check never passes on one sample", stub("f", true, Result{Verdict: Pass}), single, NotEvaluated, "single sample"},
		{"growth check passes on two samples", stub("g", true, Result{Verdict: Pass}), two, Pass, ""},
		{"configuration check passes on one sample", stub("h", false, Result{Verdict: Pass}), single, Pass, ""},
		{"not-applicable gets a default reason", stub("i", false, Result{Verdict: NotApplicable}), two, NotApplicable, "does not apply"},
		{"nil Run is an error", &Check{ID: "j", Title: "J", Severity: Notice}, two, Error, "no Run"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := Run(NewEvidence(tc.pair), []*Check{tc.check})
			o := out[0]
			if o.Verdict != tc.verdict || !strings.Contains(o.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s containing %q", o.Verdict, o.Reason, tc.verdict, tc.reason)
			}
			if o.Verdict == Fail && len(o.Findings) == 0 || o.Verdict != Fail && len(o.Findings) > 0 {
				t.Errorf("verdict %s with %d findings", o.Verdict, len(o.Findings))
			}
		})
	}
}

func TestRunFillsFindings(t *testing.T) {
	c := stub("fill", false, Result{Verdict: Fail, Findings: []Finding{
		{Summary: "no severity", Score: 250},
		{Summary: "own severity", Severity: Critical, Confidence: Low, Score: -3},
	}})
	o := Run(nil, []*Check{c})[0]
	a, b := o.Findings[0], o.Findings[1]
	if a.Check != "fill" || a.Title != "Stub fill" || a.Severity != Warning || a.Confidence != Medium || a.Score != 100 {
		t.Errorf("defaults not filled: %+v", a)
	}
	if b.Severity != Critical || b.Confidence != Low || b.Score != 0 {
		t.Errorf("own values changed: %+v", b)
	}
	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"cpus":[]`, `"pids":[]`, `"evidence":[]`, `"commands":[]`, `"severity":"warning"`} {
		if !strings.Contains(string(js), w) {
			t.Errorf("JSON %s lacks %s", js, w)
		}
	}
}

// Every registered check runs on an empty host without panicking and
// gives a verdict that is not an error.
func TestRegistryOnEmptyHosts(t *testing.T) {
	for _, p := range []*host.Pair{nil, host.Single(&host.Snapshot{}), host.Single(newHost(4))} {
		for _, o := range Run(NewEvidence(p), Registry()) {
			if o.Verdict == Error || o.Verdict == Fail {
				t.Errorf("%s on an empty host: %s %q", o.Check.ID, o.Verdict, o.Reason)
			}
			if o.Verdict != Pass && o.Reason == "" {
				t.Errorf("%s: %s without a reason", o.Check.ID, o.Verdict)
			}
		}
	}
}

// TestFactsAreExplicitDependencies: a check reads another's fact only
// through Requires; the engine computes each fact once per Evidence, and a
// fact read without Requires ends in an error verdict, not a silent nil.
func TestFactsAreExplicitDependencies(t *testing.T) {
	calls := 0
	provider := &Check{ID: "provider", Title: "Provider", Severity: Warning,
		Fact: func(*Evidence) any { calls++; return 42 },
		Run:  func(*Evidence) Result { return Result{Verdict: Pass} }}
	reader := func(id string, req []*Check) *Check {
		return &Check{ID: id, Title: "Reader", Severity: Warning, Requires: req,
			Run: func(ev *Evidence) Result {
				if ev.resultOf("provider").(int) != 42 {
					return Result{Verdict: NotEvaluated, Reason: "wrong fact"}
				}
				return Result{Verdict: Pass}
			}}
	}
	ev := NewEvidence(host.Single(newHost(2)))
	out := Run(ev, []*Check{reader("with", []*Check{provider}), provider, reader("without", nil)})
	if out[0].Verdict != Pass || out[1].Verdict != Pass {
		t.Errorf("with Requires: %s %q, provider %s", out[0].Verdict, out[0].Reason, out[1].Verdict)
	}
	if calls != 1 {
		t.Errorf("fact computed %d times, want once", calls)
	}
	if out[2].Verdict != Error || !strings.Contains(out[2].Reason, "without Requires") {
		t.Errorf("without Requires, after the fact was computed: %s %q", out[2].Verdict, out[2].Reason)
	}
	// A fresh evidence: the reader without Requires runs first.
	out = Run(NewEvidence(host.Single(newHost(2))), []*Check{reader("without", nil), provider})
	if out[0].Verdict != Error || !strings.Contains(out[0].Reason, "without Requires") {
		t.Errorf("without Requires: %s %q", out[0].Verdict, out[0].Reason)
	}
	if err := Validate([]*Check{reader("orphan", []*Check{provider})}); err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Errorf("Validate of a Requires outside the registry: %v", err)
	}
}
