package report

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/checks"
)

func TestAppIRQPicture(t *testing.T) {
	r := &Report{
		CPULoad: []CPULoad{{CPU: 0, Node: 0, NICIRQPerS: 90000}, {CPU: 1, Node: 0, NICIRQPerS: 100}, {CPU: 2, Node: 0, NICIRQPerS: 63000}, {CPU: 3, Node: 0}},
		NICs:    []NIC{{Name: "eth0", Kind: "physical", NUMANode: 0, Queues: []Queue{{IRQ: 9, PerCPU: []CPURate{{CPU: 0, RatePerS: 90000}}}}}},
	}
	cols := layoutColumns(r)
	if layoutAppIRQ(r, cols) != nil {
		t.Errorf("a picture without app-on-irq-cpus findings")
	}
	r.Findings = []Finding{
		{Rank: 1, Check: "app-on-irq-cpus", Severity: checks.Critical, Subject: "redis-server", CPUs: []int{2}, Summary: "redis on CPU 2"},
		{Rank: 2, Check: "irq-concentration", Severity: checks.Critical, Subject: "eth0", CPUs: []int{0}},
	}
	s := layoutAppIRQ(r, cols)
	if s == nil {
		t.Fatal("no picture")
	}
	if len(s.Rows) != 2 || s.Rows[1].Text != "redis-server" {
		t.Fatalf("rows %+v, want the NIC IRQ row and one for redis-server", s.Rows)
	}
	marks := 0
	for _, b := range s.Bars {
		if strings.HasPrefix(b.Tip, "redis-server on ") {
			marks++
			if !strings.Contains(b.Tip, "CPU 2") || b.Fill != "#d92d20" {
				t.Errorf("mark %+v: want CPU 2 in critical red", b)
			}
		}
	}
	if marks != 1 {
		t.Errorf("%d marks for redis-server, want 1 (CPU 2)", marks)
	}
	// Bars are absolute: CPU 0 at 90,000/s is taller than CPU 2 at 63,000/s,
	// and neither fills the row (full height is 160,000/s).
	h := map[string]int{}
	for _, b := range s.Bars {
		if strings.HasSuffix(b.Tip, "NIC interrupts/s") {
			h[b.Tip[:strings.Index(b.Tip, ":")]] = b.H
		}
	}
	if h["CPU 0"] <= h["CPU 2"] || h["CPU 0"] >= 56 || h["CPU 2"] == 0 {
		t.Errorf("bar heights %v", h)
	}
}
