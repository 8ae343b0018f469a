package cli

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/checks"
)

// writeFile writes a test input and returns its path.
func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type jsonReport struct {
	Summary struct {
		Findings int `json:"findings"`
		Waived   int `json:"waived"`
	} `json:"summary"`
	Tool struct {
		SkippedChecks []string `json:"skipped_checks"`
		WaiverFile    string   `json:"waiver_file"`
	} `json:"tool"`
	Findings []struct {
		Check   string `json:"check"`
		Subject string `json:"subject"`
		Waived  *struct {
			Reason  string `json:"reason"`
			Expires string `json:"expires"`
		} `json:"waived"`
	} `json:"findings"`
	Checks []struct {
		ID     string `json:"id"`
		Waived int    `json:"waived"`
	} `json:"checks"`
}

func decodeReport(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("report JSON: %v", err)
	}
	return r
}

// The clock of run() is 2026-01-02.
func TestWaivers(t *testing.T) {
	// irq-cpu0 has two critical findings: irq-concentration on eth0 and
	// softnet-backlog-drops on softnet.
	valid := `{"waivers": [
	  {"check": "irq-concentration", "subject": "eth0", "reason": "OPS-1: vendor firmware", "expires": "2026-01-02"},
	  {"check": "softnet-backlog-drops", "subject": "*", "reason": "OPS-2", "expires": "2030-12-31"}]}`
	oneOnly := `{"waivers": [{"check": "irq-concentration", "subject": "eth0", "reason": "OPS-1", "expires": "2027-01-01"}]}`
	cases := []struct {
		name       string
		body       string
		wantCode   int
		wantWaived int
		stderr     string
	}{
		{"every finding waived passes the gate", valid, 0, 2, ""},
		{"one finding left fails the gate", oneOnly, 1, 1, "--fail-on warning: 1 finding(s) at or above warning (1 critical); first: softnet-backlog-drops [critical]"},
		{"a waiver that matches nothing is noted", `{"waivers": [
		  {"check": "irq-concentration", "subject": "*", "reason": "OPS-1", "expires": "2027-01-01"},
		  {"check": "softnet-backlog-drops", "subject": "*", "reason": "OPS-2", "expires": "2027-01-01"},
		  {"check": "nic-numa-remote", "subject": "eth9", "reason": "OPS-3", "expires": "2027-01-01"}]}`, 0, 2,
			"netdoctor: note: waiver nic-numa-remote eth9 (OPS-3) matched no finding: remove it once the deviation is gone\n"},
		{"expired yesterday fails loudly", `{"waivers": [{"check": "irq-concentration", "subject": "eth0", "reason": "r", "expires": "2026-01-01"}]}`, 2, 0,
			"waiver 1 (irq-concentration eth0) expired on 2026-01-01: review it, then renew its date or remove it"},
		{"unknown check", `{"waivers": [{"check": "irq-concentraton", "subject": "eth0", "reason": "r", "expires": "2027-01-01"}]}`, 2, 0, `no check "irq-concentraton"`},
		{"no reason", `{"waivers": [{"check": "irq-concentration", "subject": "eth0", "reason": " ", "expires": "2027-01-01"}]}`, 2, 0, "no reason"},
		{"no subject", `{"waivers": [{"check": "irq-concentration", "reason": "r", "expires": "2027-01-01"}]}`, 2, 0, `no subject; use "*"`},
		{"bad date", `{"waivers": [{"check": "irq-concentration", "subject": "eth0", "reason": "r", "expires": "31/12/2027"}]}`, 2, 0, "is not a date YYYY-MM-DD"},
		{"unknown field", `{"waivers": [{"check": "irq-concentration", "subject": "eth0", "reason": "r", "expires": "2027-01-01", "until": "x"}]}`, 2, 0, "not a waiver file"},
		{"not JSON", "irq-concentration eth0\n", 2, 0, "not a waiver file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := writeFile(t, "waivers.json", c.body)
			// The two checks the waivers are about: other checks' findings on
			// the fixture are not this test's business.
			r := run(t, "report", "--format", "json", "--fail-on", "warning", "--only", "irq-concentration,softnet-backlog-drops", "--waivers", w, fixture("irq-cpu0"))
			if r.code != c.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, c.wantCode, r.stderr)
			}
			if c.stderr != "" && !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr %q does not contain %q", r.stderr, c.stderr)
			}
			if c.wantCode == 0 && c.stderr == "" && r.stderr != "" {
				t.Errorf("stderr not empty: %q", r.stderr)
			}
			if c.wantCode >= 2 {
				if r.stdout != "" {
					t.Errorf("a refused waiver file still wrote a report")
				}
				return
			}
			rep := decodeReport(t, r.stdout)
			if rep.Summary.Waived != c.wantWaived || rep.Summary.Findings != 2 {
				t.Errorf("summary: %d findings, %d waived; want 2 findings (kept), %d waived", rep.Summary.Findings, rep.Summary.Waived, c.wantWaived)
			}
			if rep.Tool.WaiverFile != w {
				t.Errorf("tool.waiver_file = %q", rep.Tool.WaiverFile)
			}
			n := 0
			for _, f := range rep.Findings {
				if f.Waived != nil {
					n++
					if f.Waived.Reason == "" || f.Waived.Expires == "" {
						t.Errorf("waived finding %s without reason or expiry", f.Check)
					}
				}
			}
			if n != c.wantWaived {
				t.Errorf("%d findings marked waived, want %d", n, c.wantWaived)
			}
		})
	}
}

// skipAllBut lists every check but tcp-tw-recycle-nat (which passes on
// irq-cpu0) and keep, for --skip: what other checks find on the fixture
// does not change these cases.
func skipAllBut(keep ...string) string {
	var ids []string
	for _, c := range checks.Registry() {
		if c.ID != "tcp-tw-recycle-nat" && !slices.Contains(keep, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	return strings.Join(ids, ",")
}

func TestOnlySkip(t *testing.T) {
	all := len(checks.Registry())
	cases := []struct {
		name     string
		args     []string
		code     int
		checks   []string
		skipped  int
		findings int
	}{
		{"only one", []string{"--only", "irq-concentration"}, 0, []string{"irq-concentration"}, all - 1, 1},
		{"only two, comma-separated", []string{"--only", "irq-concentration,tcp-tw-recycle-nat"}, 0, []string{"irq-concentration", "tcp-tw-recycle-nat"}, all - 2, 1},
		{"skip the failing ones passes a gate", []string{"--skip", skipAllBut(), "--fail-on", "warning"}, 0, nil, all - 1, 0},
		{"skip one, the other still fails", []string{"--skip", skipAllBut("softnet-backlog-drops"), "--fail-on", "warning"}, 1, nil, all - 2, 1},
		{"unknown ID", []string{"--only", "irq-concentraton"}, 2, nil, 0, 0},
		{"unknown skip ID", []string{"--skip", "nope"}, 2, nil, 0, 0},
		{"both", []string{"--only", "irq-concentration", "--skip", "irq-concentration"}, 2, nil, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"report", "--format", "json"}, c.args...)
			r := run(t, append(args, fixture("irq-cpu0"))...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, c.code, r.stderr)
			}
			if c.code == 2 {
				if !strings.Contains(r.stderr, "netdoctor checks") && !strings.Contains(r.stderr, "both") {
					t.Errorf("usage error without a hint: %q", r.stderr)
				}
				return
			}
			rep := decodeReport(t, r.stdout)
			if len(rep.Checks) != all-c.skipped || len(rep.Tool.SkippedChecks) != c.skipped {
				t.Errorf("%d checks ran, %d recorded skipped; want %d and %d", len(rep.Checks), len(rep.Tool.SkippedChecks), all-c.skipped, c.skipped)
			}
			for i, id := range c.checks {
				if rep.Checks[i].ID != id {
					t.Errorf("check %d = %s, want %s", i, rep.Checks[i].ID, id)
				}
			}
			if len(rep.Findings) != c.findings {
				t.Errorf("%d findings, want %d", len(rep.Findings), c.findings)
			}
		})
	}
}

// A gate that trips says why on standard error, in one line, whatever the
// format and wherever the report goes.
func TestFailOnStderrLine(t *testing.T) {
	for _, format := range []string{"markdown", "json", "html", "script", "junit"} {
		r := run(t, "report", "--format", format, "--fail-on", "critical", "-o", filepath.Join(t.TempDir(), "out"), fixture("irq-cpu0"))
		if r.code != 1 {
			t.Fatalf("%s: exit %d", format, r.code)
		}
		want := "netdoctor: --fail-on critical: 2 finding(s) at or above critical (2 critical); first: irq-concentration [critical] eth0: 8 of 8 active queue IRQs"
		if !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: stderr %q, want one line starting %q", format, r.stderr, want)
		}
	}
	if r := run(t, "report", "--fail-on", "critical", fixture("numa-remote")); r.code != 0 || r.stderr != "" {
		t.Errorf("a gate that passes: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestJUnitFormat(t *testing.T) {
	type tcase struct {
		Name    string    `xml:"name,attr"`
		Failure *struct{} `xml:"failure"`
		Skipped *struct {
			Message string `xml:"message,attr"`
		} `xml:"skipped"`
		Error *struct{} `xml:"error"`
	}
	type junitDoc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Skipped  int      `xml:"skipped,attr"`
		Suites   []struct {
			Cases []tcase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	var doc junitDoc
	cases := []struct {
		fixture           string
		extra             []string
		failures, skipped int
	}{
		{"irq-cpu0", nil, 2, 0},
		{"healthy-2socket-ht", nil, 0, 0},
	}
	for _, c := range cases {
		r := run(t, append(append([]string{"report", "--format", "junit", "--only", "irq-concentration,softnet-backlog-drops,tcp-tw-recycle-nat"}, c.extra...), fixture(c.fixture))...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", c.fixture, r.code, r.stderr)
		}
		doc = junitDoc{}
		if err := xml.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("%s: JUnit is not XML: %v", c.fixture, err)
		}
		if doc.Tests != 3 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != doc.Tests {
			t.Fatalf("%s: %d tests in %d suites, want one case per chosen check", c.fixture, doc.Tests, len(doc.Suites))
		}
		f := 0
		for _, tc := range doc.Suites[0].Cases {
			if tc.Failure != nil {
				f++
			}
		}
		if doc.Failures != c.failures || f != c.failures {
			t.Errorf("%s: failures attr %d, cases %d, want %d", c.fixture, doc.Failures, f, c.failures)
		}
	}
	// A waived failure passes; a single sample's growth checks are skipped.
	w := writeFile(t, "w.json", `{"waivers": [{"check": "irq-concentration", "subject": "*", "reason": "OPS-1", "expires": "2027-01-01"}]}`)
	r := run(t, "report", "--format", "junit", "--only", "irq-concentration,softnet-backlog-drops", "--waivers", w, fixture("irq-cpu0"))
	doc = junitDoc{}
	if err := xml.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Failures != 1 || !strings.Contains(r.stdout, "waived until 2027-01-01 (OPS-1)") {
		t.Errorf("waived: %d failures, want 1 with the waiver in system-out:\n%s", doc.Failures, r.stdout)
	}
}

func TestChecksJSON(t *testing.T) {
	r := run(t, "checks", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	reg := checks.Registry()
	if len(list) != len(reg) {
		t.Fatalf("%d checks, want %d", len(list), len(reg))
	}
	for i, c := range reg {
		got := list[i]
		if got["id"] != c.ID || got["title"] != c.Title || got["severity"] != c.Severity.String() || got["doc"] != c.Doc {
			t.Errorf("check %d: %v", i, got)
		}
		if in, ok := got["inputs"].([]any); !ok || len(in) != len(c.Needs) {
			t.Errorf("%s: inputs %v, want %v", c.ID, got["inputs"], c.Needs)
		}
	}
	if r := run(t, "checks", "--format", "yaml"); r.code != 2 {
		t.Errorf("checks --format yaml: exit %d", r.code)
	}
}

func TestCompletion(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"report", "--format", ""}, []string{"markdown", "html", "json", "script", "junit"}},
		{[]string{"report", "--fail-on", ""}, []string{"none", "notice", "warning", "critical"}},
		{[]string{"report", "--only", ""}, []string{"irq-concentration", "app-on-irq-cpus"}},
		{[]string{"report", "--skip", "irq"}, []string{"irq-concentration", "irq-ht-siblings"}},
		{[]string{"explain", ""}, []string{"irq-concentration", "tcp-tw-recycle-nat"}},
		{[]string{"checks", "--format", ""}, []string{"text", "json"}},
	}
	for _, c := range cases {
		r := run(t, append([]string{"__complete"}, c.args...)...)
		for _, w := range c.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("completing %v: %q lacks %q", c.args, r.stdout, w)
			}
		}
	}
}
