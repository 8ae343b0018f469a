package report

// The per-CPU strip: one bar per CPU column (the heatmap's columns, so the
// two line up) for hard interrupts, NET_RX softirqs and softnet drops per
// second. Each row has its own scale, written at its left.

// svgStrip is the laid-out strip.
type svgStrip struct {
	Width, Height int
	Label         string
	Caption       string
	Rows          []svgText
	Scales        []svgText
	Base          []svgRect
	Bars          []svgCell
	Cols          []svgText
}

// stripRow is one measure of the strip.
type stripRow struct {
	name, unit, fill string
	value            func(*CPULoad) float64
}

var stripRows = []stripRow{
	{"hard interrupts", "interrupts/s", "#dc6803", func(l *CPULoad) float64 { return l.IRQPerS }},
	{"NET_RX softirqs", "NET_RX/s", "#6941c6", func(l *CPULoad) float64 { return l.NetRXPerS }},
	{"softnet drops", "drops/s", "#d92d20", func(l *CPULoad) float64 { return l.DropsPerS }},
}

// layoutStrip lays out the strip of r on cols; nil when no CPU has any
// rate.
func layoutStrip(r *Report, cols *cpuColumns) *svgStrip {
	if len(cols.Cols) == 0 || len(r.CPULoad) == 0 {
		return nil
	}
	byCPU := make(map[int]*CPULoad, len(r.CPULoad))
	for i := range r.CPULoad {
		byCPU[r.CPULoad[i].CPU] = &r.CPULoad[i]
	}
	vals := make([][]float64, len(stripRows))
	any := false
	for k, sr := range stripRows {
		vals[k] = make([]float64, len(cols.Cols))
		for ci, c := range cols.Cols {
			for _, cpu := range c.CPUs {
				if l := byCPU[cpu]; l != nil {
					vals[k][ci] += sr.value(l)
				}
			}
			if vals[k][ci] > 0 {
				any = true
			}
		}
	}
	if !any {
		return nil
	}
	s := &svgStrip{Width: cols.Width, Label: "Per-CPU interrupt, NET_RX softirq and drop rates"}
	const rowH, gap = 44, 10
	y := 6
	left, right := cols.Cols[0].X, cols.Cols[len(cols.Cols)-1].X+cols.Cols[len(cols.Cols)-1].W
	for k, sr := range stripRows {
		vmax, at := 0.0, -1
		for ci, v := range vals[k] {
			if v > vmax {
				vmax, at = v, ci
			}
		}
		s.Rows = append(s.Rows, svgText{X: svgLabelW - 8, Y: y + 16, Text: sr.unit, Anchor: "end", Class: "row"})
		scale := "none"
		if vmax > 0 {
			scale = "max " + compact(vmax) + " on " + cpuText(cols.Cols[at].CPUs)
		}
		s.Scales = append(s.Scales, svgText{X: svgLabelW - 8, Y: y + 32, Text: shorten(scale, 26), Anchor: "end", Class: "scale", Tip: sr.name + ": " + scale})
		s.Base = append(s.Base, svgRect{X: left, Y: y, W: right - left, H: rowH, Fill: "#f9fafb"})
		s.Base = append(s.Base, svgRect{X: left, Y: y + rowH, W: right - left, H: 1, Fill: "#98a2b3"})
		for ci, v := range vals[k] {
			if v <= 0 {
				continue
			}
			c := cols.Cols[ci]
			bh := max(2, int(float64(rowH-2)*v/vmax+0.5))
			bar := svgCell{
				X: c.X + 2, Y: y + rowH - bh, W: max(1, c.W-4), H: bh, Fill: sr.fill,
				Tip: cpuText(c.CPUs) + " (" + nodeText(c.Node) + "): " + grouped(v) + " " + sr.unit,
			}
			if c.W >= 30 && v == vmax {
				bar.Text, bar.TextClass = compact(v), "cell lo"
				bar.TX, bar.TY = c.X+c.W/2, max(y+10, y+rowH-bh-3)
				if bh > rowH-14 {
					bar.TextClass, bar.TY = "cell hi", y+12
				}
			}
			s.Bars = append(s.Bars, bar)
		}
		y += rowH + gap
	}
	// CPU labels under the last row, when they fit.
	if cols.CellW >= 16 && cols.Mode != "bucket" {
		for _, c := range cols.Cols {
			s.Cols = append(s.Cols, svgText{X: c.X + c.W/2, Y: y + 4, Text: c.Label, Anchor: "middle", Class: "col"})
		}
		y += 10
	}
	s.Height = y + 4
	s.Caption = "Per-CPU load " + windowText(r) + ", in the heatmap's column order: all hard interrupts, NET_RX softirqs " +
		"and softnet backlog drops per second; each row has its own scale."
	if cols.Mode == "bucket" {
		s.Caption += " Each bar sums the CPUs of its column."
	}
	return s
}
