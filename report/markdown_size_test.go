package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// The default Markdown of the 512-CPU benchmark host (8 NICs of 64 queues,
// 53 findings with long commands) fits in a ticket field, leads with the
// verdict and the summary table, and names the findings it does not detail.
func TestMarkdownBigHostFitsBudget(t *testing.T) {
	p, outs, loads, m := big()
	r := buildWith(p, outs, loads, m)
	var b bytes.Buffer
	if err := Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	t.Logf("512-CPU host: %d findings, markdown %d bytes, %d lines", len(r.Findings), len(md), strings.Count(md, "\n"))
	if len(md) > MarkdownBudget {
		t.Errorf("markdown is %d bytes, over the budget of %d", len(md), MarkdownBudget)
	}
	verdict := strings.Index(md, "**Verdict: ")
	table := strings.Index(md, "| # | severity | check | subject | summary |")
	host := strings.Index(md, "| host | ")
	detail := strings.Index(md, "## Findings")
	if verdict < 0 || table < verdict || host < table || detail < host {
		t.Errorf("order: verdict at %d, summary table at %d, host at %d, detail at %d", verdict, table, host, detail)
	}
	for _, f := range r.Findings {
		row := "| " + strconv.Itoa(f.Rank) + " | "
		if !strings.Contains(md, row) {
			t.Errorf("finding %d has no summary row", f.Rank)
		}
	}
	if !strings.Contains(md, "is left out to keep this report under 30000 characters") {
		t.Errorf("the findings left out are not said to be")
	}
	for _, s := range []string{"## Checks", "## Inputs", "netdoctor ran none of these commands"} {
		if !strings.Contains(md, s) {
			t.Errorf("the budget cut %q", s)
		}
	}
}

// --brief stays under 60 lines whatever the host.
func TestMarkdownBriefShort(t *testing.T) {
	p, outs, loads, m := big()
	for _, r := range []*Report{buildWith(p, outs, loads, m), buildWith(nil, nil, rates{}, m)} {
		var b bytes.Buffer
		if err := MarkdownBrief(&b, r); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(b.String(), "\n"); n >= 60 {
			t.Errorf("--brief has %d lines:\n%s", n, b.String())
		}
		if !strings.Contains(b.String(), "**Verdict: ") {
			t.Errorf("--brief has no verdict")
		}
	}
}

// Long evidence is folded and capped; expected-missing inputs are one line.
func TestMarkdownFolding(t *testing.T) {
	var figs []Figure
	for i := 0; i < 40; i++ {
		figs = append(figs, Figure{Name: "IRQ " + strconv.Itoa(i), Value: "1"})
	}
	r := &Report{
		Findings: []Finding{{Rank: 1, Check: "c", Subject: "eth0", Summary: "s", Evidence: figs}},
		NICs:     []NIC{{Name: "lo", Kind: "loopback"}, {Name: "veth1", Kind: "veth"}, {Name: "eth0", Kind: "physical"}},
		Inputs: []Input{
			{Sample: 1, Name: "ethtool_stats", Subject: "lo", Status: "missing", Reason: "no stats available"},
			{Sample: 1, Name: "ethtool_ring", Subject: "veth1", Status: "missing", Reason: "x"},
			{Sample: 1, Name: "ethtool_ring", Subject: "eth0", Status: "missing", Reason: "Operation not supported"},
			{Sample: 1, Name: "ethtool_stats", Subject: "eth0", Status: "unreadable", Reason: "permission denied"},
		},
	}
	var b bytes.Buffer
	if err := Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"<details><summary>Evidence: 40 figures</summary>",
		"| IRQ 15 |", "… and 24 more figures", "</details>",
		"3 not available, as expected: data that virtual interfaces do not have or their driver does not support (eth0, lo, veth1): ethtool_ring, ethtool_stats.",
		"| 1 | ethtool_stats eth0 | unreadable | permission denied |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Contains(md, "| IRQ 16 |") {
		t.Errorf("evidence not capped")
	}
}
