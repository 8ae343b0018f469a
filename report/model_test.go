package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/host"
)

func TestBuildConcentration(t *testing.T) {
	r := buildCase(concentration)
	if r.SchemaVersion != SchemaVersion || r.Samples != 2 || r.IntervalSeconds != 5 {
		t.Errorf("schema %d samples %d interval %v", r.SchemaVersion, r.Samples, r.IntervalSeconds)
	}
	if !r.Generated.Equal(genTime) || len(r.SampleTimes) != 2 || !r.SampleTimes[1].Equal(t0.Add(5*time.Second)) {
		t.Errorf("times: generated %v samples %v", r.Generated, r.SampleTimes)
	}
	h := r.Host
	if h.Hostname != "web01" || h.CPUs != "0-7" || h.CPUCount != 8 || h.SMT == nil || !*h.SMT {
		t.Errorf("host %+v", h)
	}
	if len(h.Nodes) != 2 || h.Nodes[0].ID != 0 || h.Nodes[0].CPUs != "0-3" || h.Nodes[1].CPUs != "4-7" {
		t.Errorf("nodes not sorted by ID: %+v", h.Nodes)
	}
	if h.BootTime == nil || h.UptimeSeconds != int64(t0.Add(5*time.Second).Sub(bootTime)/time.Second) {
		t.Errorf("boot %v uptime %d", h.BootTime, h.UptimeSeconds)
	}
	if r.Source.Kind != "collect" || !slices.Equal(r.Source.Paths, []string{"/var/tmp/web01.tar.gz"}) {
		t.Errorf("source %+v (paths must not repeat)", r.Source)
	}

	s := r.Summary
	if s.Findings != 3 || s.BySeverity != (SeverityCounts{Critical: 1, Warning: 1, Notice: 1}) {
		t.Errorf("summary %+v", s)
	}
	if s.Worst == nil || s.Worst.Check != "irq-concentration" || s.Worst.Subject != "eth0" || s.Worst.Rank != 1 {
		t.Errorf("worst %+v", s.Worst)
	}
	if s.Verdicts != (VerdictCounts{Fail: 3, Pass: 3, NotApplicable: 1}) || s.Evaluated != len(registry) || s.Checks != len(registry) {
		t.Errorf("verdicts %+v evaluated %d", s.Verdicts, s.Evaluated)
	}
	if c := r.Checks[0]; c.ID != "irq-concentration" || c.Findings != 1 || c.Severity != checks.Critical {
		t.Errorf("checks[0] %+v", c)
	}

	// NIC → queue → IRQ → CPU rows with rates from rates.
	if len(r.NICs) != 2 || r.NICs[0].Name != "eth0" || r.NICs[1].Name != "lo" {
		t.Fatalf("NICs not sorted by name: %+v", r.NICs)
	}
	q := r.NICs[0].Queues
	if len(q) != 4 || q[1].IRQ != 121 || !slices.Equal(q[1].CPUs, []int{0}) || q[1].CPUsFrom != hostview.FromEffective || q[1].RatePerS != 20950.5 {
		t.Errorf("queues %+v", q)
	}
	if r.NICs[1].Queues == nil {
		t.Errorf("lo's queues are nil, want []")
	}

	// Per-CPU loads: every online CPU, topology joined, rounded to 0.1.
	if len(r.CPULoad) != 8 {
		t.Fatalf("%d cpu_load rows, want 8", len(r.CPULoad))
	}
	c0, c4, c7 := r.CPULoad[0], r.CPULoad[4], r.CPULoad[7]
	if c0.IRQPerS != 86500.4 || c0.NICIRQPerS != 84210 || c0.Node != 0 || !slices.Equal(c0.Siblings, []int{0, 1}) {
		t.Errorf("cpu0 %+v", c0)
	}
	if c4.IRQPerS != 950.1 || c4.Node != 1 {
		t.Errorf("cpu4 %+v", c4)
	}
	if c7.CPU != 7 || c7.IRQPerS != 0 || c7.Node != 1 {
		t.Errorf("cpu7 %+v", c7)
	}
	if r.LoadWindow != "5.0 s interval" {
		t.Errorf("load window %q", r.LoadWindow)
	}

	// Inputs of both samples, sample 1 first, sorted by name.
	if r.Inputs[0].Sample != 1 || r.Inputs[len(r.Inputs)-1].Sample != 2 {
		t.Errorf("inputs not ordered by sample")
	}
	for i := 1; i < len(r.Inputs); i++ {
		a, b := r.Inputs[i-1], r.Inputs[i]
		if a.Sample == b.Sample && a.Name > b.Name {
			t.Errorf("inputs not sorted: %s before %s", a.Name, b.Name)
		}
	}
}

func TestBuildSingleAndEmpty(t *testing.T) {
	r := buildCase(single)
	if r.Samples != 1 || r.IntervalSeconds != 0 || len(r.SampleTimes) != 1 {
		t.Errorf("samples %d interval %v times %v", r.Samples, r.IntervalSeconds, r.SampleTimes)
	}
	if r.Host.SMT == nil || !*r.Host.SMT {
		t.Errorf("SMT not derived from siblings when smt/active is unknown")
	}
	for _, q := range r.NICs[0].Queues {
		if q.RatePerS != 0 {
			t.Errorf("queue %d has a rate from a single sample", q.Index)
		}
	}

	// No samples, no outcomes: a report that renders and says so.
	e := buildWith(nil, nil, rates{}, Meta{})
	if e.Samples != 0 || e.Summary.Evaluated != 0 || e.Summary.Worst != nil {
		t.Errorf("empty report %+v", e)
	}
	for _, f := range renderers {
		var buf bytes.Buffer
		if err := f.render(&buf, e); err != nil {
			t.Errorf("%s: %v", f.ext, err)
		}
		if err := f.render(&buf, &Report{}); err != nil {
			t.Errorf("%s of a zero Report: %v", f.ext, err)
		}
		if err := f.render(&buf, nil); err == nil {
			t.Errorf("%s of nil: no error", f.ext)
		}
	}
}

func TestBuildDefensive(t *testing.T) {
	nan := 0.0
	nan /= nan
	p := &host.Pair{After: &host.Snapshot{Time: t0}}
	outs := []checks.Outcome{
		// A finding without check ID or a valid severity takes its check's.
		{Check: check("nic-numa-remote"), Verdict: checks.Fail, Findings: []checks.Finding{{Subject: "eth0"}}},
		// A nil check and an unknown verdict must not panic.
		{Verdict: "exploded", Findings: []checks.Finding{{Check: "x", Severity: checks.Notice}}},
	}
	loads := rates{CPUs: []CPULoad{{CPU: 3, IRQPerS: nan}, {CPU: -1, IRQPerS: 5}, {CPU: 3, NetRXPerS: 2}}}
	r := buildWith(p, outs, loads, Meta{})
	if f := r.Findings[0]; f.Check != "nic-numa-remote" || f.Severity != checks.Warning || f.Title == "" {
		t.Errorf("finding not completed from its check: %+v", f)
	}
	if r.Checks[1].ID != "x" || r.Summary.Verdicts.Error != 1 {
		t.Errorf("nil check: %+v, verdicts %+v", r.Checks[1], r.Summary.Verdicts)
	}
	if len(r.CPULoad) != 1 || r.CPULoad[0].IRQPerS != 0 || r.CPULoad[0].NetRXPerS != 2 || r.CPULoad[0].Node != -1 {
		t.Errorf("cpu loads %+v", r.CPULoad)
	}
	var buf bytes.Buffer
	if err := JSON(&buf, r); err != nil {
		t.Fatal(err)
	}
}

// TestJSONContract checks the field names of the documented contract, and
// that lists are [] and never null.
func TestJSONContract(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, buildCase(c.build)); err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			keys(t, "report", doc, "schema_version", "tool", "generated", "host", "samples", "sample_times",
				"interval_seconds", "pair_warnings", "discontinuities", "source", "summary", "findings", "checks", "inputs", "nics", "load_window", "cpu_load", "processes", "losses")
			keys(t, "losses", doc["losses"], "window", "window_label", "layers", "rows", "zero")
			keys(t, "tool", doc["tool"], "name", "version", "command", "fail_on", "skipped_checks", "waiver_file")
			keys(t, "host", doc["host"], "hostname", "kernel", "arch", "virtualization", "container", "cpus",
				"cpu_count", "nodes", "smt", "boot_time", "uptime_seconds")
			keys(t, "source", doc["source"], "kind", "paths")
			keys(t, "summary", doc["summary"], "findings", "by_severity", "worst", "checks", "verdicts", "evaluated", "waived")
			keys(t, "by_severity", doc["summary"].(map[string]any)["by_severity"], "critical", "warning", "notice")
			keys(t, "verdicts", doc["summary"].(map[string]any)["verdicts"], "fail", "pass", "not-evaluated", "not-applicable", "error")
			for _, f := range doc["findings"].([]any) {
				keys(t, "finding", f, "rank", "check", "severity", "confidence", "score", "subject", "nic", "cpus",
					"pids", "title", "summary", "evidence", "explanation", "commands", "waived")
				for _, e := range f.(map[string]any)["evidence"].([]any) {
					keys(t, "evidence", e, "name", "value", "threshold", "window")
				}
				for _, c := range f.(map[string]any)["commands"].([]any) {
					keys(t, "command", c, "run", "kind", "why", "needs_root", "persistent", "caveats")
					if k := c.(map[string]any)["kind"]; k != "change" && k != "verify" && k != "option" {
						t.Errorf("command kind %v", k)
					}
				}
			}
			for _, c := range doc["checks"].([]any) {
				keys(t, "check", c, "id", "title", "verdict", "reason", "findings", "severity", "waived")
			}
			for _, in := range doc["inputs"].([]any) {
				keys(t, "input", in, "sample", "name", "subject", "path", "status", "reason", "over_limit")
			}
			for _, n := range doc["nics"].([]any) {
				keys(t, "nic", n, "name", "kind", "driver", "pci", "numa_node", "speed", "queue_map", "queues")
				for _, q := range n.(map[string]any)["queues"].([]any) {
					keys(t, "queue", q, "index", "dir", "irq", "name", "cpus", "cpus_from", "rate_per_s", "per_cpu")
				}
			}
			for _, l := range doc["cpu_load"].([]any) {
				keys(t, "cpu_load", l, "cpu", "node", "siblings", "irq_per_s", "net_rx_per_s", "drops_per_s",
					"squeeze_per_s", "nic_irq_per_s")
			}
			noNull(t, "report", doc)
		})
	}
	// A hand-made Report with nil slices still writes [].
	var buf bytes.Buffer
	r := &Report{Findings: []Finding{{Commands: []Command{{}}}}, NICs: []NIC{{Queues: []Queue{{}}}}, CPULoad: []CPULoad{{}}}
	if err := JSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	noNull(t, "report", doc)
	if r.Findings[0].CPUs != nil || r.NICs[0].Queues[0].CPUs != nil {
		t.Errorf("JSON modified the report it was given")
	}
}

// noNull fails on a null anywhere in v but where the contract allows it:
// summary.worst, host.smt, host.boot_time and findings[].waived.
func noNull(t *testing.T, path string, v any) {
	t.Helper()
	switch x := v.(type) {
	case nil:
		switch {
		case strings.HasSuffix(path, ".worst"), strings.HasSuffix(path, ".smt"), strings.HasSuffix(path, ".boot_time"),
			strings.HasSuffix(path, "].waived") && strings.HasPrefix(path, "report.findings["):
		default:
			t.Errorf("%s is null", path)
		}
	case map[string]any:
		for k, e := range x {
			noNull(t, path+"."+k, e)
		}
	case []any:
		for i, e := range x {
			noNull(t, fmt.Sprintf("%s[%d]", path, i), e)
		}
	}
}

// keys fails unless v is an object with exactly the given keys.
func keys(t *testing.T, what string, v any, want ...string) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s is %T, want an object", what, v)
		return
	}
	var got []string
	for k := range m {
		got = append(got, k)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s keys %v, want %v", what, got, want)
	}
}

func TestExitCode(t *testing.T) {
	conc, clean, sing := buildCase(concentration), buildCase(clean), buildCase(single)
	nothing := buildWith(nil, []checks.Outcome{
		{Check: registry[0], Verdict: checks.NotEvaluated, Reason: "no /proc/interrupts"},
		{Check: registry[1], Verdict: checks.Error, Reason: "panic"},
	}, rates{}, Meta{})
	tests := []struct {
		name   string
		r      *Report
		failOn checks.Severity
		want   int
	}{
		{"critical finding, fail-on warning", conc, checks.Warning, ExitFindings},
		{"critical finding, fail-on critical", conc, checks.Critical, ExitFindings},
		{"critical finding, fail-on none", conc, 0, ExitClean},
		{"warning at most, fail-on critical", sing, checks.Critical, ExitClean},
		{"warning at most, fail-on warning", sing, checks.Warning, ExitFindings},
		{"notice counts at fail-on notice", sing, checks.Notice, ExitFindings},
		{"clean", clean, checks.Notice, ExitClean},
		{"nothing evaluated", nothing, checks.Warning, ExitNothingEvaluated},
		{"nothing evaluated, fail-on none", nothing, 0, ExitNothingEvaluated},
		{"nil report", nil, checks.Warning, ExitNothingEvaluated},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.r, tt.failOn); got != tt.want {
			t.Errorf("%s: exit %d, want %d", tt.name, got, tt.want)
		}
	}
	partly := buildWith(nil, []checks.Outcome{
		{Check: registry[0], Verdict: checks.Pass},
		{Check: registry[1], Verdict: checks.NotEvaluated, Reason: "softnet_stat missing"},
	}, rates{}, Meta{})
	strict := []struct {
		name   string
		r      *Report
		failOn checks.Severity
		want   int
	}{
		{"strict: one check not evaluated", partly, checks.Warning, ExitNotEvaluated},
		{"strict: findings win", conc, checks.Warning, ExitFindings},
		{"strict: nothing evaluated keeps 3", nothing, checks.Warning, ExitNothingEvaluated},
		{"strict: every check judged", buildWith(nil, []checks.Outcome{{Check: registry[0], Verdict: checks.Pass}}, rates{}, Meta{}), checks.Warning, ExitClean},
	}
	for _, tt := range strict {
		if got := StrictExitCode(tt.r, tt.failOn); got != tt.want {
			t.Errorf("%s: exit %d, want %d", tt.name, got, tt.want)
		}
	}
}
