package report

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// The interrupt heatmap: NIC queues (rows) by CPU (columns), each cell
// coloured by the interrupts the queue's IRQ sent to that CPU. Columns are
// grouped by NUMA node; the NIC's own node is shaded behind its rows, so a
// hot cell outside the shade is remote placement; brackets under the
// columns join the threads of a core and turn orange when both take queue
// interrupts. CPU0 concentration is one dark column.

// svgRect is a rectangle with an optional tooltip.
type svgRect struct {
	X, Y, W, H int
	Fill       string
	Tip        string
}

// svgText is a text label. Transform rotates it; Anchor is the
// text-anchor ("start", "middle", "end").
type svgText struct {
	X, Y      int
	Text      string
	Anchor    string
	Transform string
	Class     string
	Tip       string
}

// svgCell is one coloured heatmap cell or strip bar.
type svgCell struct {
	X, Y, W, H int
	Fill       string
	// Text is drawn at (TX, TY) with class TextClass ("cell hi" for white
	// text, "cell lo" for dark) when the cell is wide enough.
	Text      string
	TextClass string
	TX, TY    int
	Tip       string
	// Remote marks a queue's interrupts on a node other than its NIC's.
	Remote bool
}

// svgPath is a path with a class and tooltip.
type svgPath struct {
	D     string
	Class string
	Tip   string
}

// svgHeatmap is the laid-out heatmap.
type svgHeatmap struct {
	Width, Height int
	// Label is the picture's accessible name; Caption and Notes say what
	// it shows and what was aggregated.
	Label   string
	Caption string
	Notes   []string
	Nodes   []svgRect
	NodeTxt []svgText
	Cols    []svgText
	Back    []svgRect
	Local   []svgRect
	Grid    string
	Heads   []svgText
	Rows    []svgText
	Cells   []svgCell
	Cores   []svgPath
	CoreTxt []svgText
	Legend  []svgRect
	LegText []svgText
}

// hmRow is one heatmap row: one queue, or every queue of a NIC.
type hmRow struct {
	nic    *NIC
	queues []Queue
	label  string
	tip    string
	// head starts a NIC's group of rows.
	head bool
}

// heatmapMetric says what the cells measure.
type heatmapMetric int

const (
	metricRate     heatmapMetric = iota // interrupts per second
	metricCount                         // interrupts over the window, no time base
	metricAffinity                      // no counts: where the affinity files route each IRQ
)

func reportMetric(r *Report) heatmapMetric {
	counts := false
	for _, n := range r.NICs {
		for _, q := range n.Queues {
			for _, pc := range q.PerCPU {
				if pc.RatePerS > 0 {
					return metricRate
				}
				if pc.Count > 0 {
					counts = true
				}
			}
		}
	}
	if counts {
		return metricCount
	}
	return metricAffinity
}

// pictureNICs are the NICs the pictures show: those with queue vectors.
func pictureNICs(r *Report) []*NIC {
	var out []*NIC
	for i := range r.NICs {
		if len(r.NICs[i].Queues) > 0 {
			out = append(out, &r.NICs[i])
		}
	}
	return out
}

// queueValue is what q sent to the CPUs of one column.
func queueValues(q *Queue, m heatmapMetric, cols *cpuColumns, into []float64) {
	switch m {
	case metricAffinity:
		for _, cpu := range q.CPUs {
			if i := cols.Column(cpu); i >= 0 {
				into[i]++
			}
		}
	default:
		for _, pc := range q.PerCPU {
			if i := cols.Column(pc.CPU); i >= 0 {
				if m == metricRate {
					into[i] += pc.RatePerS
				} else {
					into[i] += float64(pc.Count)
				}
			}
		}
	}
}

func queueTotal(q *Queue, m heatmapMetric) float64 {
	t := 0.0
	for _, pc := range q.PerCPU {
		if m == metricRate {
			t += pc.RatePerS
		} else {
			t += float64(pc.Count)
		}
	}
	return t
}

func queueLabel(q *Queue) string {
	dir := "q"
	switch q.Dir {
	case "rx", "tx":
		dir = q.Dir + " "
	}
	return dir + strconv.Itoa(q.Index) + " · IRQ " + strconv.Itoa(q.IRQ)
}

func nodeText(n int) string {
	if n < 0 {
		return "node unknown"
	}
	return "node " + strconv.Itoa(n)
}

// layoutHeatmap lays out the heatmap of r on cols; nil when r has no NIC
// with queue vectors or no CPU.
func layoutHeatmap(r *Report, cols *cpuColumns) *svgHeatmap {
	nics := pictureNICs(r)
	if len(nics) == 0 || len(cols.Cols) == 0 {
		return nil
	}
	m := reportMetric(r)
	h := &svgHeatmap{Width: cols.Width}

	// Rows: every queue, or one per NIC on a large host.
	total := 0
	for _, n := range nics {
		total += len(n.Queues)
	}
	var rows []hmRow
	perNIC := total > svgMaxRows
	if perNIC {
		busiest := nics
		if len(busiest) > svgMaxRows {
			busiest = append([]*NIC(nil), nics...)
			sum := func(n *NIC) float64 {
				t := 0.0
				for i := range n.Queues {
					t += queueTotal(&n.Queues[i], m)
				}
				return t
			}
			sort.SliceStable(busiest, func(i, j int) bool { return sum(busiest[i]) > sum(busiest[j]) })
			busiest = busiest[:svgMaxRows]
			sort.SliceStable(busiest, func(i, j int) bool { return busiest[i].Name < busiest[j].Name })
			h.Notes = append(h.Notes, "Showing the "+strconv.Itoa(svgMaxRows)+" busiest of "+strconv.Itoa(len(nics))+" interfaces.")
		}
		for _, n := range busiest {
			name := oneLine(n.Name)
			rows = append(rows, hmRow{
				nic: n, queues: n.Queues,
				label: shorten(name, 16) + " · " + strconv.Itoa(len(n.Queues)) + " queues",
				tip:   name + ": all " + strconv.Itoa(len(n.Queues)) + " queues, " + nodeText(n.NUMANode),
			})
		}
		h.Notes = append(h.Notes, strconv.Itoa(total)+" queue vectors: one row per interface, the sum of its queues.")
	} else {
		for _, n := range nics {
			for i := range n.Queues {
				q := n.Queues[i]
				rows = append(rows, hmRow{
					nic: n, queues: []Queue{q}, head: i == 0,
					label: queueLabel(&q),
					tip:   oneLine(n.Name) + " " + queueLabel(&q) + " (" + oneLine(q.Name) + ")",
				})
			}
		}
	}
	switch cols.Mode {
	case "active":
		h.Notes = append(h.Notes, "Showing the "+strconv.Itoa(len(cols.Cols))+" of "+strconv.Itoa(cols.Total)+
			" CPUs that take queue interrupts or drop packets.")
	case "bucket":
		h.Notes = append(h.Notes, strconv.Itoa(cols.Total)+" CPUs in "+strconv.Itoa(len(cols.Cols))+
			" columns: each column sums neighbouring CPUs of one node (hover for the list).")
	}

	// Values.
	vals := make([][]float64, len(rows))
	vmax := 0.0
	for i := range rows {
		vals[i] = make([]float64, len(cols.Cols))
		for qi := range rows[i].queues {
			queueValues(&rows[i].queues[qi], m, cols, vals[i])
		}
		for _, v := range vals[i] {
			vmax = max(vmax, v)
		}
	}

	// Header: node bands, then column labels.
	const nodeH, rowH, headH = 18, 22, 22
	y := 0
	for _, b := range cols.Nodes {
		h.Nodes = append(h.Nodes, svgRect{X: b.X, Y: y, W: b.W, H: nodeH - 2, Fill: "#eaecf0", Tip: b.Tip})
		h.NodeTxt = append(h.NodeTxt, svgText{X: b.X + b.W/2, Y: y + 12, Text: b.Label, Anchor: "middle", Class: "node"})
	}
	y += nodeH + 4
	rotate := cols.CellW < 24 || cols.Mode == "bucket"
	labelH := 14
	if rotate {
		longest := 0
		for _, c := range cols.Cols {
			longest = max(longest, len(c.Label))
		}
		labelH = min(90, 6*longest+6)
	}
	for _, c := range cols.Cols {
		cx := c.X + c.W/2
		t := svgText{X: cx, Y: y + labelH - 3, Text: c.Label, Anchor: "middle", Class: "col", Tip: cpuText(c.CPUs) + ", " + nodeText(c.Node)}
		if rotate {
			t.X, t.Y, t.Anchor = cx+4, y+labelH-2, "start"
			t.Transform = "rotate(-90 " + strconv.Itoa(cx+4) + " " + strconv.Itoa(y+labelH-2) + ")"
		}
		h.Cols = append(h.Cols, t)
	}
	y += labelH + 4
	gridTop := y

	// Rows, their backgrounds and the NIC-local shade.
	left, right := cols.Cols[0].X, cols.Cols[len(cols.Cols)-1].X+cols.Cols[len(cols.Cols)-1].W
	rowY := make([]int, len(rows))
	groupStart := -1
	closeGroup := func(end int) {
		if groupStart < 0 {
			return
		}
		n := rows[groupStart].nic
		y0, y1 := rowY[groupStart], rowY[end-1]+rowH
		h.Back = append(h.Back, svgRect{X: left, Y: y0, W: right - left, H: y1 - y0, Fill: "#f2f4f7"})
		if n.NUMANode >= 0 {
			for _, b := range cols.Nodes {
				if b.Node == n.NUMANode {
					h.Local = append(h.Local, svgRect{X: b.X, Y: y0, W: b.W, H: y1 - y0, Fill: "#dcfae6",
						Tip: oneLine(n.Name) + " is on " + nodeText(n.NUMANode) + ": its local CPUs"})
				}
			}
		}
		groupStart = -1
	}
	for i := range rows {
		if rows[i].head || (perNIC && i == 0) {
			closeGroup(i)
		}
		if rows[i].head {
			n := rows[i].nic
			head := shorten(oneLine(n.Name), 18) + " · " + nodeText(n.NUMANode)
			if n.Driver != "" {
				head += " · " + shorten(oneLine(n.Driver), 12)
			}
			h.Heads = append(h.Heads, svgText{X: 4, Y: y + 16, Text: head, Anchor: "start", Class: "nic",
				Tip: oneLine(n.Name) + " (" + nodeText(n.NUMANode) + ")"})
			y += headH
		}
		if groupStart < 0 {
			groupStart = i
		}
		rowY[i] = y
		h.Rows = append(h.Rows, svgText{X: svgLabelW - 8, Y: y + 15, Text: rows[i].label, Anchor: "end", Class: "row", Tip: rows[i].tip})
		y += rowH
	}
	closeGroup(len(rows))
	// With rates, a last row gives each CPU's NIC interrupts per second
	// from the CPU loads: the figure the checks' thresholds judge.
	totalY := -1
	if m == metricRate && len(r.CPULoad) > 0 {
		y += 6
		totalY = y
		h.Rows = append(h.Rows, svgText{X: svgLabelW - 8, Y: y + 15, Text: "CPU total, all NICs", Anchor: "end", Class: "nic",
			Tip: "each CPU's NIC queue interrupts per second (the busiest CPU of a column that holds several)"})
		y += rowH
	}
	gridBottom := y

	// White grid lines between columns and rows.
	var d strings.Builder
	for _, c := range cols.Cols {
		d.WriteString("M" + strconv.Itoa(c.X) + " " + strconv.Itoa(gridTop) + "V" + strconv.Itoa(gridBottom))
	}
	for i := range rows {
		d.WriteString("M" + strconv.Itoa(left) + " " + strconv.Itoa(rowY[i]) + "H" + strconv.Itoa(right))
	}
	h.Grid = d.String()

	// Cells. A column is busy for the core brackets when a queue IRQ is
	// active on it: above hostview.ActiveIRQRate interrupts/s, 1 % of the
	// busiest cell's count without rates, or routed there without counts.
	busyAt := 0.0
	switch m {
	case metricRate:
		busyAt = hostview.ActiveIRQRate
	case metricCount:
		busyAt = vmax / 100
	}
	used := make([]bool, len(cols.Cols))
	for i, row := range rows {
		rowTotal := 0.0
		if m != metricAffinity {
			for qi := range row.queues {
				rowTotal += queueTotal(&row.queues[qi], m)
			}
		}
		for ci, v := range vals[i] {
			if v <= 0 {
				continue
			}
			if v > busyAt {
				used[ci] = true
			}
			c := cols.Cols[ci]
			cell := svgCell{X: c.X + 1, Y: rowY[i] + 1, W: c.W - 2, H: rowH - 2}
			where := cpuText(c.CPUs) + " (" + nodeText(c.Node) + ")"
			cell.Remote = c.Node >= 0 && row.nic.NUMANode >= 0 && c.Node != row.nic.NUMANode
			switch m {
			case metricAffinity:
				cell.Fill = "#98a2b3"
				if len(row.queues) == 1 && len(row.queues[0].CPUs) == 1 {
					cell.Fill = "#344054"
				}
				from := "smp_affinity_list"
				if len(row.queues) == 1 && row.queues[0].CPUsFrom == hostview.FromEffective {
					from = "effective_affinity_list"
				}
				cell.Tip = row.tip + ": routed to " + where + " by " + from
				if len(row.queues) > 1 {
					cell.Tip = row.tip + ": " + strconv.Itoa(int(v)) + " queue IRQs routed to " + where
				}
			default:
				fill, text := heatColour(heatScale(v, vmax))
				if m == metricRate {
					fill, text = rateColour(v)
				}
				cell.Fill = fill
				unit := " interrupts/s"
				if m == metricCount {
					unit = " interrupts"
				}
				cell.Tip = row.tip + " on " + where + ": " + grouped(v) + unit
				if rowTotal > 0 {
					cell.Tip += " (" + strconv.Itoa(int(100*v/rowTotal+0.5)) + " % of its interrupts)"
				}
				if c.W >= 30 {
					cell.Text, cell.TextClass = compact(v), text
					cell.TX, cell.TY = c.X+c.W/2, rowY[i]+15
				}
			}
			if cell.Remote {
				cell.Tip += "; remote: " + oneLine(row.nic.Name) + " is on " + nodeText(row.nic.NUMANode)
			}
			h.Cells = append(h.Cells, cell)
		}
	}

	if totalY >= 0 {
		nicRate := make(map[int]float64, len(r.CPULoad))
		for _, l := range r.CPULoad {
			nicRate[l.CPU] = l.NICIRQPerS
		}
		for _, c := range cols.Cols {
			v, at := c.busiest(nicRate)
			if v <= 0 {
				continue
			}
			fill, text := rateColour(v)
			cell := svgCell{X: c.X + 1, Y: totalY + 1, W: c.W - 2, H: rowH - 2, Fill: fill,
				Tip: "CPU " + strconv.Itoa(at) + ": " + grouped(v) + " NIC interrupts/s"}
			switch {
			case v >= checks.ConcentrationCriticalRate:
				cell.Tip += " (critical: at or above " + grouped(checks.ConcentrationCriticalRate) + "/s)"
			case v >= checks.AppIRQHeavyRate:
				cell.Tip += " (heavy: at or above " + grouped(checks.AppIRQHeavyRate) + "/s)"
			}
			if c.W >= 30 {
				cell.Text, cell.TextClass = compact(v), text
				cell.TX, cell.TY = c.X+c.W/2, totalY+15
			}
			h.Cells = append(h.Cells, cell)
		}
	}

	// Core brackets: the threads of one core side by side.
	y = gridBottom + 4
	hasCores, shared := false, false
	for i := 0; i < len(cols.Cols); {
		j := i
		for j < len(cols.Cols) && cols.Cols[i].Core >= 0 && cols.Cols[j].Core == cols.Cols[i].Core && cols.Cols[j].Node == cols.Cols[i].Node {
			j++
		}
		if j-i >= 2 {
			hasCores = true
			x0, x1 := cols.Cols[i].X+2, cols.Cols[j-1].X+cols.Cols[j-1].W-2
			busy, cpus := 0, []int{}
			for k := i; k < j; k++ {
				cpus = append(cpus, cols.Cols[k].CPUs...)
				if used[k] {
					busy++
				}
			}
			p := svgPath{
				D:     "M" + strconv.Itoa(x0) + " " + strconv.Itoa(y) + "v5H" + strconv.Itoa(x1) + "v-5",
				Class: "core", Tip: "one core: " + cpuText(cpus),
			}
			if busy >= 2 {
				p.Class = "core shared"
				p.Tip += ": both threads take queue interrupts"
				shared = true
				if x1-x0 >= 60 {
					h.CoreTxt = append(h.CoreTxt, svgText{X: (x0 + x1) / 2, Y: y + 17, Text: "same core", Anchor: "middle", Class: "shared"})
				}
			}
			h.Cores = append(h.Cores, p)
			i = j
			continue
		}
		i = max(j, i+1)
	}
	if hasCores {
		y += 12
	}
	if shared {
		y += 10
	}

	// Legend.
	y += 8
	x := svgLabelW
	switch m {
	case metricAffinity:
		h.Legend = append(h.Legend,
			svgRect{X: x, Y: y, W: 14, H: 14, Fill: "#344054"},
			svgRect{X: x + 190, Y: y, W: 14, H: 14, Fill: "#98a2b3"})
		h.LegText = append(h.LegText,
			svgText{X: x + 20, Y: y + 11, Text: "routed to this CPU alone", Anchor: "start", Class: "leg"},
			svgText{X: x + 210, Y: y + 11, Text: "one of several allowed CPUs", Anchor: "start", Class: "leg"})
	case metricRate:
		// The bands, two swatches each, with the thresholds between them.
		h.LegText = append(h.LegText, svgText{X: x - 6, Y: y + 11, Text: compact(hostview.ActiveIRQRate) + "/s", Anchor: "end", Class: "leg"})
		for bi, b := range rateBands {
			for k := 0; k < 2; k++ {
				v := b.lo * math.Pow(b.hi/b.lo, float64(k)/1.5)
				fill, _ := rateColour(v)
				h.Legend = append(h.Legend, svgRect{X: x + (2*bi+k)*22, Y: y, W: 22, H: 14, Fill: fill,
					Tip: b.name + ": " + grouped(v) + "/s"})
			}
			if bi > 0 {
				h.Legend = append(h.Legend, svgRect{X: x + 2*bi*22 - 1, Y: y - 3, W: 2, H: 20, Fill: "#101828",
					Tip: "threshold: " + grouped(b.lo) + "/s"})
			}
		}
		h.LegText = append(h.LegText, svgText{X: x + 6*22 + 6, Y: y + 11, Anchor: "start", Class: "leg",
			Text: "calm · heavy from " + compact(checks.AppIRQHeavyRate) + "/s · critical from " + compact(checks.ConcentrationCriticalRate) + "/s"})
	default:
		h.LegText = append(h.LegText, svgText{X: x - 6, Y: y + 11, Text: "0", Anchor: "end", Class: "leg"})
		for k := 0; k < 6; k++ {
			t := float64(k+1) / 6
			fill, _ := heatColour(t)
			h.Legend = append(h.Legend, svgRect{X: x + k*22, Y: y, W: 22, H: 14, Fill: fill})
		}
		unit := "/s"
		if m == metricCount {
			unit = ""
		}
		h.LegText = append(h.LegText, svgText{X: x + 6*22 + 6, Y: y + 11, Text: grouped(vmax) + unit + " (log scale)", Anchor: "start", Class: "leg"})
	}
	lx := x + 380
	if m == metricRate {
		lx = x + 430
	}
	h.Legend = append(h.Legend, svgRect{X: lx, Y: y, W: 22, H: 14, Fill: "#dcfae6"})
	h.LegText = append(h.LegText, svgText{X: lx + 28, Y: y + 11, Text: "the NIC's own node", Anchor: "start", Class: "leg"})
	lx += 150
	h.LegText = append(h.LegText, svgText{X: lx + 28, Y: y + 11, Text: "dashed: remote node", Anchor: "start", Class: "leg"})
	h.Cells = append(h.Cells, svgCell{X: lx + 1, Y: y + 1, W: 20, H: 12, Fill: "#ffffff", Remote: true, Tip: "a queue's interrupts on a node other than its NIC's"})
	if hasCores {
		lx += 160
		h.Cores = append(h.Cores, svgPath{D: "M" + strconv.Itoa(lx) + " " + strconv.Itoa(y+3) + "v5h22v-5", Class: "core shared", Tip: "both threads of a core take queue interrupts"})
		h.LegText = append(h.LegText, svgText{X: lx + 28, Y: y + 11, Text: "both threads of a core take active queue IRQs", Anchor: "start", Class: "leg"})
	}
	h.Height = y + 24
	h.Width = max(h.Width, lx+300)

	// Caption.
	switch m {
	case metricRate:
		h.Caption = "Interrupts per second of each queue IRQ on each CPU, " + windowText(r) + "."
	case metricCount:
		h.Caption = "Interrupts of each queue IRQ on each CPU, counted " + windowText(r) + ": no time base, so counts rather than rates."
	default:
		h.Caption = "No interrupt counts per CPU: the cells show where the affinity files route each queue IRQ."
	}
	h.Caption += " CPUs are grouped by NUMA node and ordered by core"
	if hasCores {
		h.Caption += "; a bracket joins the hyperthreads of one core"
	}
	h.Caption += "."
	h.Label = "Heatmap of queue interrupts by CPU for " + strconv.Itoa(len(nics)) + " interfaces"
	return h
}

// windowText says what the rates cover, for captions: "over the 5.0 s
// interval", "averaged since boot (4d 2h) from one sample".
func windowText(r *Report) string {
	w := oneLine(r.LoadWindow)
	switch {
	case w == "" && r.Samples == 1:
		return "from one sample"
	case w == "":
		return "over the sampling interval"
	case r.Samples == 1 && strings.HasPrefix(w, "since boot"):
		return "averaged " + w + " from one sample"
	case r.Samples == 1:
		return "from one sample (" + w + ")"
	}
	return "over the " + w
}
