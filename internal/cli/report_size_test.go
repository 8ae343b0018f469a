package cli

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/fixturegen"
	"github.com/netdoctor/netdoctor/report"
)

// The generated 512-CPU benchmark host with every queue of its 8 NICs on
// CPU 0 (the case: 82,533 characters before): its default
// Markdown fits in a ticket field and --brief in 60 lines.
func TestLargeHostAllOnCPU0Markdown(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 512-CPU bundle")
	}
	sc := fixturegen.Large(512, 8, 64, 8)
	for i := range sc.NICs {
		for q := range sc.NICs[i].Queues {
			sc.NICs[i].Queues[q].CPU = 0
		}
	}
	dir := t.TempDir()
	if err := fixturegen.WriteCollect(dir, sc); err != nil {
		t.Fatal(err)
	}
	full := run(t, "report", dir)
	if full.code != 0 {
		t.Fatalf("exit %d: %s", full.code, full.stderr)
	}
	t.Logf("default markdown: %d bytes, %d lines", len(full.stdout), strings.Count(full.stdout, "\n"))
	if len(full.stdout) > report.MarkdownBudget {
		t.Errorf("default markdown is %d bytes, over %d", len(full.stdout), report.MarkdownBudget)
	}
	if n := strings.Count(full.stdout, "| irq-concentration | ens"); n != 8 {
		t.Errorf("%d irq-concentration rows in the summary table, want one for each of the 8 NICs", n)
	}
	if !strings.HasPrefix(full.stdout, "# netdoctor report: big512\n\n**Verdict: ") {
		t.Errorf("the report does not lead with the verdict:\n%.300s", full.stdout)
	}
	brief := run(t, "report", "--brief", dir)
	if n := strings.Count(brief.stdout, "\n"); brief.code != 0 || n >= 60 {
		t.Errorf("--brief: exit %d, %d lines", brief.code, n)
	}
	if r := run(t, "report", "--brief", "--format", "json", dir); r.code != 2 {
		t.Errorf("--brief --format json: exit %d, want 2", r.code)
	}
}
