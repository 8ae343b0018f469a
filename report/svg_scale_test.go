package report

import (
	"strconv"
	"testing"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// The colour of a rate depends on the rate alone, by the checks'
// thresholds: a healthy host's cells are calm whatever its busiest queue,
// and each threshold is a step of hue.
func TestRateColourAbsolute(t *testing.T) {
	band := func(fill string) string {
		r, _ := strconv.ParseUint(fill[1:3], 16, 8)
		g, _ := strconv.ParseUint(fill[3:5], 16, 8)
		b, _ := strconv.ParseUint(fill[5:7], 16, 8)
		switch {
		case b > r:
			return "calm"
		case g > 120:
			return "heavy"
		}
		return "critical"
	}
	cases := []struct {
		v    float64
		want string
	}{
		{50, "calm"}, {hostview.ActiveIRQRate, "calm"}, {5000, "calm"}, {39999, "calm"},
		{checks.AppIRQHeavyRate, "heavy"}, {79999, "heavy"},
		{checks.ConcentrationCriticalRate, "critical"}, {1e6, "critical"},
	}
	for _, c := range cases {
		fill, _ := rateColour(c.v)
		if got := band(fill); got != c.want {
			t.Errorf("%.0f/s: %s is %s, want %s", c.v, fill, got, c.want)
		}
	}
	// A healthy host: 8 queues at about 5,000/s each, one per CPU. Every
	// cell and every CPU total is calm, though 5,000/s is the busiest.
	r := &Report{NICs: []NIC{{Name: "eth0", Kind: "physical", NUMANode: 0}}}
	for q := 0; q < 8; q++ {
		v := 4800 + 50*float64(q)
		r.NICs[0].Queues = append(r.NICs[0].Queues, Queue{Index: q, IRQ: 60 + q, CPUs: []int{q}, CPUsFrom: "effective",
			RatePerS: v, PerCPU: []CPURate{{CPU: q, RatePerS: v, Count: uint64(5 * v)}}})
		r.CPULoad = append(r.CPULoad, CPULoad{CPU: q, Node: 0, NICIRQPerS: v, IRQPerS: v})
	}
	h := layoutHeatmap(r, layoutColumns(r))
	cells := 0
	for _, c := range h.Cells {
		if c.Tip == "" || c.Remote && c.W == 20 { // the legend's remote sample
			continue
		}
		cells++
		if band(c.Fill) != "calm" {
			t.Errorf("healthy host: cell %q is %s (%s)", c.Tip, band(c.Fill), c.Fill)
		}
	}
	if cells != 16 {
		t.Errorf("%d cells, want 8 queue cells and 8 CPU totals", cells)
	}
}
