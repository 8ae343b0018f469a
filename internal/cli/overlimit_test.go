package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/checks"
)

// TestOversizedInterruptsNeverPass is the largest hosts' silent pass:
// irq-cpu0 (every queue on CPU 0) with /proc/interrupts larger than the
// per-file cap in both samples (a sparse file: nothing is written, and
// nothing may be read). The gate must not pass, the checks that need the
// counts say not-evaluated naming the input, and the header says it.
func TestOversizedInterruptsNeverPass(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "irq-cpu0")
	if err := os.CopyFS(dir, os.DirFS(fixture("irq-cpu0"))); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"sample-1", "sample-2"} {
		if err := os.Truncate(filepath.Join(dir, s, "proc", "interrupts"), 128<<20); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, "report", "--fail-on", "warning", "--strict", dir)
	if r.code == 0 {
		t.Fatalf("exit 0 with the interrupts refused:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "not read") || !strings.Contains(r.stdout, "too large to read") {
		t.Errorf("the header does not say the input was not read:\n%s", r.stdout)
	}
	j := run(t, "report", "--format", "json", dir)
	var rep struct {
		Checks []struct {
			ID      string `json:"id"`
			Verdict string `json:"verdict"`
			Reason  string `json:"reason"`
		} `json:"checks"`
		Inputs []struct {
			Name      string `json:"name"`
			OverLimit bool   `json:"over_limit"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, j.stdout)
	}
	over := 0
	for _, in := range rep.Inputs {
		if in.OverLimit {
			over++
			if in.Name != "interrupts" {
				t.Errorf("input %s marked over the limit", in.Name)
			}
		}
	}
	if over != 2 {
		t.Errorf("%d inputs over the limit, want the two samples' interrupts", over)
	}
	for _, c := range rep.Checks {
		if c.ID != checks.IRQConcentration.ID && c.ID != checks.NICNUMARemote.ID {
			continue
		}
		if c.Verdict != "not-evaluated" || !strings.Contains(c.Reason, "interrupts") {
			t.Errorf("%s: %s (%s), want not-evaluated naming the input", c.ID, c.Verdict, c.Reason)
		}
	}
}
