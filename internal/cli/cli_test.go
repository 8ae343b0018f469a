package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"github.com/netdoctor/netdoctor/checks"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixture is the path of a fixture bundle relative to this package.
func fixture(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "fixtures"}, parts...)...)
}

type result struct {
	code           int
	stdout, stderr string
}

// run executes netdoctor in-process with a fixed clock (bundles only).
func run(t *testing.T, args ...string) result {
	t.Helper()
	return runClock(t, func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }, args...)
}

func runClock(t *testing.T, now func() time.Time, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	io := IO{In: strings.NewReader(""), Out: &out, Err: &errb, Now: now}
	code := Main(args, io)
	return result{code, out.String(), errb.String()}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"healthy host passes a strict gate", []string{"report", "--fail-on", "notice", fixture("healthy-2socket-ht")}, 0},
		{"critical findings without a gate", []string{"report", fixture("irq-cpu0")}, 0},
		{"critical findings fail a warning gate", []string{"report", "--fail-on", "warning", fixture("irq-cpu0")}, 1},
		{"critical findings fail a critical gate", []string{"report", "--fail-on", "critical", "--format", "json", fixture("irq-cpu0")}, 1},
		{"a warning passes a critical gate", []string{"report", "--fail-on", "critical", fixture("numa-remote")}, 0},
		{"a warning fails a warning gate", []string{"report", "--fail-on", "warning", fixture("numa-remote")}, 1},
		{"strict: every check judged", []string{"report", "--strict", "--fail-on", "warning", fixture("healthy-2socket-ht")}, 0},
		{"strict: a bundle without the networking plugin", []string{"report", "--strict", "--fail-on", "warning", fixture("sos-no-networking-ena")}, 5},
		{"not strict: the same bundle passes", []string{"report", "--fail-on", "warning", fixture("sos-no-networking-ena")}, 0},
		{"strict: findings still exit 1", []string{"report", "--strict", "--fail-on", "warning", fixture("sos-virtio-mq-cpu0")}, 1},
		{"unknown format", []string{"report", "--format", "pdf", fixture("irq-cpu0")}, 2},
		{"unknown fail-on", []string{"report", "--fail-on", "fatal", fixture("irq-cpu0")}, 2},
		{"unknown flag", []string{"report", "--frobnicate"}, 2},
		{"three bundles", []string{"report", "a", "b", "c"}, 2},
		{"bad interval", []string{"show", "--interval", "-1s"}, 2},
		{"unknown command", []string{"diagnose"}, 2},
		{"explain unknown check", []string{"explain", "no-such-check"}, 2},
		{"collect without -o", []string{"collect"}, 2},
		{"missing bundle", []string{"report", filepath.Join(t.TempDir(), "nope.tar.xz")}, 3},
		{"not a bundle", []string{"report", t.TempDir()}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.args...)
			if r.code != c.want {
				t.Fatalf("netdoctor %s: exit %d, want %d\nstderr: %s", strings.Join(c.args, " "), r.code, c.want, r.stderr)
			}
			if c.want >= 2 && r.stderr == "" {
				t.Errorf("exit %d with nothing on stderr", r.code)
			}
		})
	}
}

func TestDifferentHostsRefused(t *testing.T) {
	a := fixture("tw-recycle-off")
	b := fixture("tw-recycle-nat")
	sa, _ := filepath.Glob(filepath.Join(a, "sosreport-*"))
	sb, _ := filepath.Glob(filepath.Join(b, "sosreport-*"))
	if len(sa) != 1 || len(sb) != 1 {
		t.Fatalf("fixtures changed: %v %v", sa, sb)
	}
	r := run(t, "report", sa[0], sb[0])
	if r.code != 3 || !strings.Contains(r.stderr, "different host") {
		t.Fatalf("exit %d, stderr %q: want 3 and a different-hosts message", r.code, r.stderr)
	}
}

func TestReportJSONContract(t *testing.T) {
	r := run(t, "report", "--format", "json", fixture("irq-cpu0"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "host", "samples", "interval_seconds", "findings", "checks", "inputs"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	findings, _ := doc["findings"].([]any)
	if len(findings) == 0 {
		t.Fatal("no findings for irq-cpu0")
	}
	first := findings[0].(map[string]any)
	for _, k := range []string{"check", "severity", "score", "subject", "nic", "cpus", "pids", "title", "summary", "evidence", "commands"} {
		if _, ok := first[k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	if first["check"] != "irq-concentration" || first["severity"] != "critical" {
		t.Errorf("worst finding = %v/%v, want irq-concentration/critical", first["check"], first["severity"])
	}
	want := len(checks.Registry())
	checks, _ := doc["checks"].([]any)
	if len(checks) != want {
		t.Errorf("%d check verdicts, want %d (the registry)", len(checks), want)
	}
}

func TestReportDeterministic(t *testing.T) {
	for _, format := range []string{"markdown", "json", "script"} {
		a := run(t, "report", "--format", format, fixture("irq-cpu0"))
		b := run(t, "report", "--format", format, fixture("irq-cpu0"))
		if a.stdout != b.stdout || a.stdout == "" {
			t.Errorf("%s: two reports of the same bundle differ (or are empty)", format)
		}
	}
}

func TestReportToFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.md")
	r := run(t, "report", "-o", out, fixture("irq-cpu0"))
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.Contains(b, []byte("irq-concentration")) {
		t.Fatalf("report file: %v, %d bytes", err, len(b))
	}
}

func TestChecksAndExplain(t *testing.T) {
	r := run(t, "checks")
	for _, c := range checks.Registry() {
		id := c.ID
		if !strings.Contains(r.stdout, id) {
			t.Errorf("checks does not list %s", id)
		}
		e := run(t, "explain", id)
		if e.code != 0 || !strings.Contains(e.stdout, "Why it matters") {
			t.Errorf("explain %s: exit %d, %d bytes", id, e.code, len(e.stdout))
		}
	}
}

// TestShowGolden pins the text inventory of a two-socket host.
func TestShowGolden(t *testing.T) {
	for _, name := range []string{"healthy-2socket-ht", "virtio-vm"} {
		t.Run(name, func(t *testing.T) {
			r := run(t, "show", fixture(name))
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got := strings.ReplaceAll(r.stdout, filepath.Clean(fixture(name)), "FIXTURE")
			golden := filepath.Join("testdata", "show-"+name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("show %s differs from %s (run go test -update after an intended change)\n%s", name, golden, got)
			}
		})
	}
}

func TestShowJSON(t *testing.T) {
	r := run(t, "show", "--format", "json", fixture("healthy-2socket-ht"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var inv struct {
		Hostname string `json:"hostname"`
		Kernel   string `json:"kernel"`
		CPUs     []int  `json:"cpus"`
		Nodes    []struct {
			ID   int   `json:"id"`
			CPUs []int `json:"cpus"`
		} `json:"nodes"`
		NICs []struct {
			Name     string `json:"name"`
			Driver   string `json:"driver"`
			PCI      string `json:"pci"`
			NUMANode int    `json:"numa_node"`
			Queues   []struct {
				Index int   `json:"index"`
				IRQ   int   `json:"irq"`
				CPUs  []int `json:"cpus"`
			} `json:"queues"`
		} `json:"nics"`
		Inputs []struct {
			Name, Status string
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &inv); err != nil {
		t.Fatal(err)
	}
	if inv.Hostname == "" || inv.Kernel == "" || len(inv.CPUs) != 32 || len(inv.Nodes) != 2 || len(inv.Inputs) == 0 {
		t.Fatalf("inventory: host %q kernel %q, %d cpus, %d nodes, %d inputs", inv.Hostname, inv.Kernel, len(inv.CPUs), len(inv.Nodes), len(inv.Inputs))
	}
	queues := 0
	for _, n := range inv.NICs {
		for _, q := range n.Queues {
			queues++
			if q.IRQ <= 0 || len(q.CPUs) != 1 {
				t.Errorf("%s queue %d: irq %d cpus %v", n.Name, q.Index, q.IRQ, q.CPUs)
			}
		}
	}
	if queues != 16 {
		t.Errorf("%d queues, want 16", queues)
	}
}

// TestLiveReportAndCollect samples this machine: the report flags nothing
// critical, and a collect archive reads back as two samples.
func TestLiveReportAndCollect(t *testing.T) {
	if _, err := os.ReadFile("/proc/interrupts"); err != nil {
		t.Skip("no /proc/interrupts: not a Linux host")
	}
	r := runClock(t, time.Now, "report", "--interval", "300ms", "--format", "json")
	if r.code != 0 {
		t.Fatalf("live report: exit %d: %s", r.code, r.stderr)
	}
	var doc struct {
		Samples  int `json:"samples"`
		Findings []struct {
			Check, Severity string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Samples != 2 {
		t.Errorf("live report has %d samples", doc.Samples)
	}
	for _, f := range doc.Findings {
		if f.Severity == "critical" {
			t.Errorf("live host: critical finding %s", f.Check)
		}
	}

	out := filepath.Join(t.TempDir(), "c.tar.gz")
	if c := runClock(t, time.Now, "collect", "--interval", "300ms", "-o", out); c.code != 0 {
		t.Fatalf("collect: exit %d: %s", c.code, c.stderr)
	}
	s := run(t, "show", "--format", "json", out)
	if s.code != 0 || !strings.Contains(s.stdout, `"samples": 2`) {
		t.Fatalf("show of the collect archive: exit %d, %s", s.code, s.stderr)
	}
}

// TestReportGolden pins the markdown and JSON reports of a few fixtures,
// made through the whole CLI path (load, evidence, checks, report).
func TestReportGolden(t *testing.T) {
	for _, name := range []string{"irq-cpu0", "healthy-2socket-ht", "tw-recycle-nat"} {
		for _, format := range []string{"markdown", "json"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				r := run(t, "report", "--format", format, fixture(name))
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				got := strings.ReplaceAll(r.stdout, filepath.Clean(fixture(name)), "FIXTURE")
				ext := map[string]string{"markdown": "md", "json": "json"}[format]
				golden := filepath.Join("testdata", "report-"+name+"."+ext+".golden")
				if *update {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if got != string(want) {
					t.Errorf("report of %s differs from %s (run go test -update after an intended change)", name, golden)
				}
			})
		}
	}
}
