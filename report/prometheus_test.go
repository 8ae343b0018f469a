package report

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/checks"
)

// promLine is one sample line of the text exposition format.
var promLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\\n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\\n])*")*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$`)

// parseProm checks the exposition format: every sample line is well
// formed, follows its metric's HELP and TYPE, each metric's lines are
// together, and no series repeats. It returns metric name → label sets.
func parseProm(t *testing.T, text string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	typed := map[string]bool{}
	seen := map[string]bool{}
	last := ""
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		if strings.HasPrefix(line, "# TYPE ") {
			f := strings.Fields(line)
			if typed[f[2]] {
				t.Errorf("line %d: %s typed twice", i+1, f[2])
			}
			typed[f[2]] = true
			last = f[2]
			continue
		}
		m := promLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %d: not a sample: %q", i+1, line)
			continue
		}
		if m[1] != last {
			t.Errorf("line %d: %s is not after its TYPE line", i+1, m[1])
		}
		if seen[m[1]+m[2]] {
			t.Errorf("line %d: repeated series %s%s", i+1, m[1], m[2])
		}
		seen[m[1]+m[2]] = true
		out[m[1]] = append(out[m[1]], m[3])
	}
	return out
}

func TestPrometheus(t *testing.T) {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "netdoctor", Version: "1.2.3", FailOn: "warning"},
		Generated:     time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC),
		Host:          Host{Hostname: "web\"1\\\n<b>"},
		Samples:       2,
		SampleTimes:   []time.Time{time.Date(2024, 3, 5, 10, 11, 0, 0, time.UTC), time.Date(2024, 3, 5, 10, 11, 5, 0, time.UTC)},
		Findings: []Finding{
			{Check: "irq-concentration", Severity: checks.Critical, Subject: "eth0", CPUs: []int{0, 1}, PIDs: []int{42}},
			{Check: "irq-concentration", Severity: checks.Critical, Subject: "eth0"},
			{Check: "app-on-irq-cpus", Severity: checks.Warning, Subject: "redis\"server"},
		},
		Checks: []CheckResult{
			{ID: "irq-concentration", Verdict: checks.Fail, Findings: 2},
			{ID: "app-on-irq-cpus", Verdict: checks.Fail, Findings: 1},
			{ID: "tcp-tw-recycle-nat", Verdict: checks.NotEvaluated},
		},
		CPULoad: []CPULoad{{CPU: 0, DropsPerS: 1.5, SqueezePerS: 2}, {CPU: 1, DropsPerS: 2.5}},
	}
	r.Summary = summarize(r.Findings, r.Checks)
	var b bytes.Buffer
	if err := Prometheus(&b, r); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	m := parseProm(t, text)
	for _, want := range []string{
		`netdoctor_info{hostname="web\"1\\ <b>",schema_version="2",version="1.2.3"} 1`,
		"netdoctor_report_timestamp_seconds 1709633472",
		`netdoctor_check_verdict{check="tcp-tw-recycle-nat",verdict="not-evaluated"} 1`,
		`netdoctor_check_verdict{check="tcp-tw-recycle-nat",verdict="pass"} 0`,
		`netdoctor_findings{check="irq-concentration",severity="critical",subject="eth0"} 2`,
		`netdoctor_findings{check="app-on-irq-cpus",severity="warning",subject="redis\"server"} 1`,
		`netdoctor_findings_by_severity{severity="critical"} 2`,
		"netdoctor_softnet_dropped_per_second 4",
		"netdoctor_exit_code 1",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("no line %s in:\n%s", want, text)
		}
	}
	if n := len(m["netdoctor_check_verdict"]); n != 15 {
		t.Errorf("%d verdict series, want 3 checks x 5 verdicts", n)
	}
	for name, sets := range m {
		for _, l := range sets {
			if strings.Contains(l, "pid") || strings.Contains(l, "cpus=") {
				t.Errorf("%s has an unbounded label: %s", name, l)
			}
		}
	}
}

// TestPrometheusLosses: the ledger's layers and rows become metrics, rows
// of single CPUs summed under subject "cpus" (no CPU label), rows without a
// value left out.
func TestPrometheusLosses(t *testing.T) {
	r := &Report{Losses: Losses{Window: "interval",
		Layers: []LossLayer{{Layer: "nic", Value: 100, RatePerS: 20}, {Layer: "backlog", Value: 12, RatePerS: 2.4}},
		Rows: []LossRow{
			{Layer: "nic", Counter: "rx_missed_errors", Subject: "eth0", NIC: "eth0", CPU: -1, Value: 100, Known: true, RatePerS: 20},
			{Layer: "backlog", Counter: "dropped", Subject: "CPU 0", CPU: 0, Value: 5, Known: true, RatePerS: 1},
			{Layer: "backlog", Counter: "dropped", Subject: "CPU 3", CPU: 3, Value: 7, Known: true, RatePerS: 1.4},
			{Layer: "tcp", Counter: "TcpExt ListenOverflows", Subject: "host", CPU: -1, Known: false, Gap: "reset"},
		}}}
	p := &promSet{series: map[string]*promMetric{}}
	p.losses(r)
	text := p.String()
	parseProm(t, text)
	for _, want := range []string{
		`netdoctor_loss_layer_packets{layer="nic",window="interval"} 100`,
		`netdoctor_loss_packets{counter="rx_missed_errors",layer="nic",part_of="",subject="eth0",window="interval"} 100`,
		`netdoctor_loss_packets{counter="dropped",layer="backlog",part_of="",subject="cpus",window="interval"} 12`,
		`netdoctor_loss_per_second{counter="dropped",layer="backlog",part_of="",subject="cpus",window="interval"} 2.4`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("no line %s in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "CPU 3") || strings.Contains(text, "ListenOverflows") {
		t.Errorf("a CPU label or a row without a value:\n%s", text)
	}
}

// TestPrometheusContract: every metric the renderer writes is listed in
// CONTRACT.md's Prometheus section.
func TestPrometheusContract(t *testing.T) {
	doc, err := os.ReadFile("CONTRACT.md")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(doc), "## Prometheus metrics")
	if i < 0 {
		t.Fatal("CONTRACT.md has no Prometheus section")
	}
	section := string(doc[i:])
	r := &Report{SchemaVersion: SchemaVersion, SampleTimes: []time.Time{time.Unix(1, 0)},
		Checks: []CheckResult{{ID: "x", Verdict: checks.Pass}}, CPULoad: []CPULoad{{CPU: 0}}}
	var b bytes.Buffer
	if err := Prometheus(&b, r); err != nil {
		t.Fatal(err)
	}
	for name := range parseProm(t, b.String()) {
		if !strings.Contains(section, "`"+name+"`") {
			t.Errorf("CONTRACT.md does not list the metric %s", name)
		}
	}
}
