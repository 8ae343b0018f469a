package report

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/checks"
)

// Prometheus writes the report in the Prometheus text exposition format
// (version 0.0.4) for node_exporter's textfile collector. The metrics are
// documented in CONTRACT.md ("Prometheus metrics"). Labels are bounded: a
// check ID, a verdict, a severity, a finding's subject (an interface, a
// sysctl, a process name), never a PID or a CPU list.
//
// The loss figures are the loss ledger's (Report.Losses): per layer and
// per counter, with CPUs summed; and the per-CPU softnet columns of
// cpu_load summed. A renderer computes nothing else.
func Prometheus(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	p := &promSet{series: map[string]*promMetric{}}
	p.add("netdoctor_info", "The netdoctor that made the report (version) and the host it describes; always 1.", "gauge",
		map[string]string{"version": r.Tool.Version, "hostname": r.Host.Hostname, "schema_version": strconv.Itoa(r.SchemaVersion)}, 1)
	p.add("netdoctor_report_timestamp_seconds", "When the report was made, in seconds since the epoch.", "gauge", nil, float64(r.Generated.Unix()))
	if n := len(r.SampleTimes); n > 0 {
		p.add("netdoctor_sample_timestamp_seconds", "When the latest sample was taken, in seconds since the epoch.", "gauge", nil, float64(r.SampleTimes[n-1].Unix()))
	}
	p.add("netdoctor_samples", "Samples the report is made of: 2 (rates over an interval) or 1 (cumulative counters).", "gauge", nil, float64(r.Samples))
	p.add("netdoctor_interval_seconds", "Seconds between the two samples; 0 for one sample.", "gauge", nil, r.IntervalSeconds)
	verdicts := []checks.Verdict{checks.Fail, checks.Pass, checks.NotEvaluated, checks.NotApplicable, checks.Error}
	for _, c := range r.Checks {
		for _, v := range verdicts {
			x := 0.0
			if c.Verdict == v {
				x = 1
			}
			p.add("netdoctor_check_verdict", "The verdict of each check: 1 for its verdict, 0 for the others.", "gauge",
				map[string]string{"check": c.ID, "verdict": string(v)}, x)
		}
		p.add("netdoctor_check_findings", "Findings of each check.", "gauge", map[string]string{"check": c.ID}, float64(c.Findings))
	}
	for _, f := range r.Findings {
		p.sum("netdoctor_findings", "Findings by check, severity and subject.", "gauge",
			map[string]string{"check": f.Check, "severity": f.Severity.String(), "subject": f.Subject}, 1)
	}
	for _, s := range []struct {
		name string
		n    int
	}{{"critical", r.Summary.BySeverity.Critical}, {"warning", r.Summary.BySeverity.Warning}, {"notice", r.Summary.BySeverity.Notice}} {
		p.add("netdoctor_findings_by_severity", "Findings by severity.", "gauge", map[string]string{"severity": s.name}, float64(s.n))
	}
	p.add("netdoctor_checks_evaluated", "Checks that reached a judgement (fail, pass or not-applicable); 0 means nothing could be evaluated.", "gauge", nil, float64(r.Summary.Evaluated))
	failOn := checks.Severity(0)
	if s, ok := checks.ParseSeverity(r.Tool.FailOn); ok {
		failOn = s
	}
	p.add("netdoctor_exit_code", "The exit code of the run under its --fail-on (0 clean, 1 findings at or above it, 3 nothing evaluated).", "gauge", nil, float64(ExitCode(r, failOn)))
	if len(r.CPULoad) > 0 {
		var drops, squeeze float64
		for _, c := range r.CPULoad {
			drops += c.DropsPerS
			squeeze += c.SqueezePerS
		}
		p.add("netdoctor_softnet_dropped_per_second", "Softnet backlog drops per second over the report's load window, all CPUs.", "gauge", nil, drops)
		p.add("netdoctor_softnet_time_squeeze_per_second", "Softnet time squeezes per second over the report's load window, all CPUs.", "gauge", nil, squeeze)
	}
	p.losses(r)
	_, err := io.WriteString(w, p.String())
	return err
}

type promSample struct {
	labels string
	value  float64
}

type promMetric struct {
	help, typ string
	samples   []promSample
	index     map[string]int
}

type promSet struct {
	series map[string]*promMetric
}

func (p *promSet) metric(name, help, typ string) *promMetric {
	m, ok := p.series[name]
	if !ok {
		m = &promMetric{help: help, typ: typ, index: map[string]int{}}
		p.series[name] = m
	}
	return m
}

// add sets a series (a repeated series keeps its first value).
func (p *promSet) add(name, help, typ string, labels map[string]string, v float64) {
	m := p.metric(name, help, typ)
	l := promLabels(labels)
	if _, dup := m.index[l]; dup {
		return
	}
	m.index[l] = len(m.samples)
	m.samples = append(m.samples, promSample{labels: l, value: v})
}

// sum adds v to a series.
func (p *promSet) sum(name, help, typ string, labels map[string]string, v float64) {
	m := p.metric(name, help, typ)
	l := promLabels(labels)
	if i, ok := m.index[l]; ok {
		m.samples[i].value += v
		return
	}
	m.index[l] = len(m.samples)
	m.samples = append(m.samples, promSample{labels: l, value: v})
}

func (p *promSet) String() string {
	names := make([]string, 0, len(p.series))
	for n := range p.series {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		m := p.series[n]
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", n, m.help, n, m.typ)
		for _, s := range m.samples {
			fmt.Fprintf(&b, "%s%s %s\n", n, s.labels, promValue(s.value))
		}
	}
	return b.String()
}

func promValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// promLabels writes a label set in a stable order, values escaped as the
// exposition format requires (backslash, double quote, line feed) and made
// valid UTF-8 with no control characters.
func promLabels(labels map[string]string) string {
	if len(labels) == 0 {
		return ""
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteString(`="`)
		v := oneLine(labels[k])
		v = strings.ReplaceAll(v, `\`, `\\`)
		v = strings.ReplaceAll(v, `"`, `\"`)
		b.WriteString(v)
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// losses exports the loss ledger: each layer's total and each counter's
// value and rate over the window. Rows of one CPU (softnet) are summed
// under the subject "cpus", so no label names a CPU; rows that another row
// already counts are exported too (part_of says so), never added to a
// layer total.
func (p *promSet) losses(r *Report) {
	l := r.Losses
	for _, ly := range l.Layers {
		labels := map[string]string{"layer": ly.Layer, "window": l.Window}
		p.add("netdoctor_loss_layer_packets", "Packets lost in the layer over the window (growth between two samples; since boot for one).", "gauge", labels, float64(ly.Value))
		p.add("netdoctor_loss_layer_per_second", "Packets lost in the layer per second over the window.", "gauge", labels, ly.RatePerS)
	}
	for _, row := range l.Rows {
		if !row.Known {
			continue
		}
		subject := row.Subject
		if row.CPU >= 0 {
			subject = "cpus"
		}
		labels := map[string]string{"layer": row.Layer, "counter": row.Counter, "subject": subject, "part_of": row.PartOf, "window": l.Window}
		p.sum("netdoctor_loss_packets", "A loss counter over the window (growth between two samples; since boot for one).", "gauge", labels, float64(row.Value))
		p.sum("netdoctor_loss_per_second", "A loss counter per second over the window.", "gauge", labels, row.RatePerS)
	}
}
