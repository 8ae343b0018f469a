package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/checks"
)

func TestJUnitVerdicts(t *testing.T) {
	r := &Report{
		Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Host:      Host{Hostname: "h\x1b]0;pwned\a<b>&"},
		Findings: []Finding{
			{Rank: 1, Check: "a", Severity: checks.Critical, Subject: "eth0", Summary: "eth0: bad ]]> </failure>"},
			{Rank: 2, Check: "a", Severity: checks.Warning, Subject: "eth1", Summary: "worse"},
			{Rank: 3, Check: "w", Severity: checks.Warning, Subject: "x", Summary: "accepted", Waived: &FindingWaiver{Reason: "OPS-1", Expires: "2027-01-01"}},
		},
		Checks: []CheckResult{
			{ID: "a", Verdict: checks.Fail, Findings: 2},
			{ID: "w", Verdict: checks.Fail, Findings: 1, Waived: 1},
			{ID: "p", Verdict: checks.Pass},
			{ID: "ne", Verdict: checks.NotEvaluated, Reason: "single sample"},
			{ID: "na", Verdict: checks.NotApplicable, Reason: "no NIC"},
			{ID: "e", Verdict: checks.Error, Reason: "panic"},
		},
	}
	var b bytes.Buffer
	if err := JUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	type res struct {
		Message string `xml:"message,attr"`
		Body    string `xml:",chardata"`
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Hostname string `xml:"hostname,attr"`
			Cases    []struct {
				ClassName string `xml:"classname,attr"`
				Failure   *res   `xml:"failure"`
				Skipped   *res   `xml:"skipped"`
				Error     *res   `xml:"error"`
				Out       string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	if doc.Tests != 6 || doc.Failures != 1 || doc.Errors != 1 || doc.Skipped != 1 {
		t.Errorf("tests %d failures %d errors %d skipped %d, want 6 1 1 1", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	cs := doc.Suites[0].Cases
	if cs[0].Failure == nil || !strings.Contains(cs[0].Failure.Body, "#2 [warning] eth1: worse") ||
		!strings.Contains(cs[0].Failure.Message, "2 finding(s): eth0: bad ]]> </failure> (and 1 more)") {
		t.Errorf("failed check: %+v", cs[0].Failure)
	}
	if cs[1].Failure != nil || !strings.Contains(cs[1].Out, "waived until 2027-01-01 (OPS-1)") {
		t.Errorf("all findings waived: %+v", cs[1])
	}
	if cs[2].Failure != nil || cs[2].Skipped != nil || cs[4].Skipped != nil || cs[4].Failure != nil {
		t.Errorf("pass and not-applicable must pass: %+v %+v", cs[2], cs[4])
	}
	if cs[3].Skipped == nil || cs[3].Skipped.Message != "not evaluated: single sample" {
		t.Errorf("not-evaluated must be skipped with its reason: %+v", cs[3])
	}
	if cs[5].Error == nil {
		t.Errorf("error verdict must be an error: %+v", cs[5])
	}
	if h := doc.Suites[0].Hostname; h != `h\u001B]0;pwned\u0007<b>&` {
		t.Errorf("hostname %q: controls must be visible \\uXXXX", h)
	}
	if bytes.ContainsAny(b.Bytes(), "\x1b\a") {
		t.Errorf("raw control characters in the XML")
	}
}

// The HTML and Markdown reports mark a waived finding with its waiver.
func TestWaivedShown(t *testing.T) {
	r := &Report{Findings: []Finding{{Rank: 1, Check: "c", Severity: checks.Warning, Subject: "eth0", Summary: "s",
		Waived: &FindingWaiver{Reason: "OPS-<1>", Expires: "2027-01-01"}}}}
	var h, m bytes.Buffer
	if err := HTML(&h, r); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&m, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"WARNING · WAIVED", "waived until 2027-01-01 <b>OPS-&lt;1&gt;</b>"} {
		if !strings.Contains(h.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, want := range []string{"| WARNING (waived until 2027-01-01) |", "**Waived** until 2027-01-01: OPS-\\<1>"} {
		if !strings.Contains(m.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, m.String())
		}
	}
}

// The fix script never runs a waived finding's changes.
func TestScriptWaived(t *testing.T) {
	r := &Report{Findings: []Finding{
		{Rank: 1, Check: "c", Severity: checks.Warning, Subject: "eth0", Waived: &FindingWaiver{Reason: "OPS-1", Expires: "2027-01-01"},
			Commands: []Command{{Run: "echo 1 > /proc/irq/5/smp_affinity_list", Kind: checks.Change}}},
		{Rank: 2, Check: "c", Severity: checks.Warning, Subject: "eth1",
			Commands: []Command{{Run: "echo 1 > /proc/irq/5/smp_affinity_list", Kind: checks.Change}}},
	}}
	var b bytes.Buffer
	if err := Script(&b, r); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if !strings.Contains(s, "# Waived until 2027-01-01 (OPS-1): its changes are shown as comments, not run.") {
		t.Errorf("no waiver note:\n%s", s)
	}
	if n := strings.Count(s, "\necho 1 > /proc/irq/5/smp_affinity_list\n"); n != 1 {
		t.Errorf("the change runs %d times, want once (for the unwaived finding 2):\n%s", n, s)
	}
}
