package report

import (
	"strconv"

	"github.com/netdoctor/netdoctor/checks"
)

// The picture of application threads against the IRQ CPUs, drawn when
// app-on-irq-cpus has findings: on the heatmap's CPU columns, a first row
// of each CPU's NIC interrupts per second on the absolute scale (bars up
// to twice the critical rate, the heavy and critical thresholds drawn as
// lines), then one row per finding marking the CPUs its application
// threads ran on. Where a mark sits over a tall bar, an application
// shares a CPU with the NIC's interrupts.

// appIRQCheck is the check whose findings the picture draws.
const appIRQCheck = "app-on-irq-cpus"

// appIRQMaxRows caps the application rows; the rest are counted.
const appIRQMaxRows = 8

// layoutAppIRQ lays out the picture; nil when app-on-irq-cpus has no
// finding or there are no CPU columns.
func layoutAppIRQ(r *Report, cols *cpuColumns) *svgStrip {
	var fs []Finding
	for _, f := range r.Findings {
		if f.Check == appIRQCheck && len(f.CPUs) > 0 {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 || len(cols.Cols) == 0 {
		return nil
	}
	s := &svgStrip{Width: cols.Width, Label: "Application threads against the CPUs that take NIC interrupts"}
	left, right := cols.Cols[0].X, cols.Cols[len(cols.Cols)-1].X+cols.Cols[len(cols.Cols)-1].W
	nicRate := make(map[int]float64, len(r.CPULoad))
	for _, l := range r.CPULoad {
		nicRate[l.CPU] = l.NICIRQPerS
	}
	// Row 1: NIC interrupts/s, absolute.
	const barH, appH, gap = 56, 22, 8
	top := 2 * checks.ConcentrationCriticalRate
	y := 6
	s.Rows = append(s.Rows, svgText{X: svgLabelW - 8, Y: y + 16, Text: "NIC IRQs/s", Anchor: "end", Class: "row"})
	s.Scales = append(s.Scales, svgText{X: svgLabelW - 8, Y: y + 32, Text: "scale to " + compact(top) + "/s", Anchor: "end", Class: "scale",
		Tip: "bars are absolute: full height is " + grouped(top) + " NIC interrupts/s"})
	s.Base = append(s.Base, svgRect{X: left, Y: y, W: right - left, H: barH, Fill: "#f9fafb"})
	for _, th := range []struct {
		v    float64
		what string
	}{{checks.AppIRQHeavyRate, "IRQ-heavy"}, {checks.ConcentrationCriticalRate, "critical"}} {
		ty := y + barH - int(float64(barH)*th.v/top+0.5)
		s.Base = append(s.Base, svgRect{X: left, Y: ty, W: right - left, H: 1, Fill: "#98a2b3",
			Tip: th.what + " from " + grouped(th.v) + " NIC interrupts/s"})
		s.Scales = append(s.Scales, svgText{X: right + 4, Y: ty + 4, Text: compact(th.v) + " " + th.what, Anchor: "start", Class: "scale"})
	}
	s.Base = append(s.Base, svgRect{X: left, Y: y + barH, W: right - left, H: 1, Fill: "#98a2b3"})
	for _, c := range cols.Cols {
		v, at := c.busiest(nicRate)
		if v <= 0 {
			continue
		}
		fill, _ := rateColour(v)
		bh := max(2, int(float64(barH)*min(v, top)/top+0.5))
		s.Bars = append(s.Bars, svgCell{X: c.X + 2, Y: y + barH - bh, W: max(1, c.W-4), H: bh, Fill: fill,
			Tip: "CPU " + strconv.Itoa(at) + ": " + grouped(v) + " NIC interrupts/s"})
	}
	y += barH + gap

	// One row per finding: where its threads ran.
	shown := fs[:min(len(fs), appIRQMaxRows)]
	for _, f := range shown {
		s.Rows = append(s.Rows, svgText{X: svgLabelW - 8, Y: y + 15, Text: shorten(oneLine(f.Subject), 20), Anchor: "end", Class: "row",
			Tip: oneLine(f.Summary)})
		s.Base = append(s.Base, svgRect{X: left, Y: y, W: right - left, H: appH, Fill: "#f9fafb"})
		fill := map[checks.Severity]string{checks.Critical: "#d92d20", checks.Warning: "#dc6803"}[f.Severity]
		if fill == "" {
			fill = "#1570ef"
		}
		for _, c := range cols.Cols {
			on := false
			for _, cpu := range c.CPUs {
				for _, fc := range f.CPUs {
					on = on || cpu == fc
				}
			}
			if !on {
				continue
			}
			cell := svgCell{X: c.X + 2, Y: y + 3, W: max(1, c.W-4), H: appH - 6, Fill: fill,
				Tip: oneLine(f.Subject) + " on " + cpuText(c.CPUs) + ": " + oneLine(f.Summary)}
			s.Bars = append(s.Bars, cell)
		}
		y += appH + 2
	}
	if cols.CellW >= 16 && cols.Mode != "bucket" {
		for _, c := range cols.Cols {
			s.Cols = append(s.Cols, svgText{X: c.X + c.W/2, Y: y + 8, Text: c.Label, Anchor: "middle", Class: "col"})
		}
		y += 14
	}
	s.Width = max(s.Width, right+90)
	s.Height = y + 4
	s.Caption = "Each CPU's NIC interrupts per second " + windowText(r) + " (absolute: the lines mark the IRQ-heavy and critical rates), " +
		"and below, for each application app-on-irq-cpus found, the CPUs its busy threads ran on: a mark under a tall bar is an " +
		"application sharing its CPU with the NIC's interrupts."
	if more := len(fs) - len(shown); more > 0 {
		s.Caption += " " + strconv.Itoa(more) + " more applications are in the findings."
	}
	return s
}
