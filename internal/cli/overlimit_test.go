package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/checks"
)

// TestInterruptsOverTheFileCap is the largest hosts' silent pass:
// irq-cpu0 (every queue on CPU 0) with /proc/interrupts larger than the
// per-file cap (64 MiB) in both samples: the fixture's rows, then zeros up
// to 128 MiB (a sparse file: nothing is written to disk). The file is
// streamed, so the fault is found and the warning gate fails.
func TestInterruptsOverTheFileCap(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "irq-cpu0")
	if err := os.CopyFS(dir, os.DirFS(fixture("irq-cpu0"))); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"sample-1", "sample-2"} {
		if err := os.Truncate(filepath.Join(dir, s, "proc", "interrupts"), 128<<20); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, "report", "--fail-on", "warning", "--format", "json", dir)
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (the warning gate fails)", r.code)
	}
	var rep struct {
		Checks []struct {
			ID      string `json:"id"`
			Verdict string `json:"verdict"`
			Reason  string `json:"reason"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	for _, c := range rep.Checks {
		if c.ID == checks.IRQConcentration.ID && c.Verdict != "fail" {
			t.Errorf("%s: %s (%s), want the fault found", c.ID, c.Verdict, c.Reason)
		}
	}
	if strings.Contains(r.stdout, "over_limit\": true") {
		t.Errorf("an input is marked over the limit")
	}
}
