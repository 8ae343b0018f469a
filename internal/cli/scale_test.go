package cli

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/netdoctor/netdoctor/internal/fixturegen"
)

// TestScaleHostFaultFound is the scale host at a size that runs in
// seconds (BenchmarkReportScale4096 is the 4096-CPU one): every queue of
// the first NIC on CPU 0 among many NICs and NVMe vectors is found, and
// the warning gate fails.
func TestScaleHostFaultFound(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "scale")
	sc := fixturegen.Scale(64, 8, 8, 256, 50)
	if err := fixturegen.WriteCollect(dir, sc); err != nil {
		t.Fatal(err)
	}
	r := run(t, "report", "--fail-on", "warning", "--format", "json", dir)
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	var rep struct {
		Findings []struct {
			Check string `json:"check"`
			NIC   string `json:"nic"`
			CPUs  []int  `json:"cpus"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	first := sc.NICs[1].Name
	found := false
	for _, f := range rep.Findings {
		if f.Check == "irq-concentration" {
			if f.NIC != first || !slices.Equal(f.CPUs, []int{0}) {
				t.Errorf("irq-concentration on %s CPUs %v, want %s on CPU 0", f.NIC, f.CPUs, first)
			}
			found = true
		}
	}
	if !found {
		t.Errorf("no irq-concentration finding: %+v", rep.Findings)
	}
}
