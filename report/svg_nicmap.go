package report

import (
	"github.com/netdoctor/netdoctor/internal/host"
	"sort"
	"strconv"
)

// The NIC map: one box per NUMA node holding the interfaces that sit on it
// and listing whose queue IRQs its CPUs service: green for the NIC's own
// node, blue for a remote one.

// svgNICMap is the laid-out map.
type svgNICMap struct {
	Width, Height int
	Label         string
	Caption       string
	Boxes         []svgRect
	Chips         []svgRect
	Texts         []svgText
}

// mapNICs are the NICs the map shows: physical ones and any with queues.
func mapNICs(r *Report) []*NIC {
	var out []*NIC
	for i := range r.NICs {
		if n := &r.NICs[i]; n.Kind == host.KindPhysical || len(n.Queues) > 0 {
			out = append(out, n)
		}
	}
	return out
}

// queueNodes are the nodes whose CPUs took q's interrupts (or, without
// counts, that its affinity routes it to); -1 for CPUs of unknown node.
func queueNodes(q *Queue, m heatmapMetric, cols *cpuColumns) []int {
	seen := map[int]bool{}
	var out []int
	add := func(cpu int) {
		n := cols.NodeOf(cpu)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if m == metricAffinity {
		for _, cpu := range q.CPUs {
			add(cpu)
		}
	} else {
		for _, pc := range q.PerCPU {
			add(pc.CPU)
		}
	}
	sort.Ints(out)
	return out
}

// layoutNICMap lays out the map of r; nil without NICs to show.
func layoutNICMap(r *Report, cols *cpuColumns) *svgNICMap {
	nics := mapNICs(r)
	if len(nics) == 0 {
		return nil
	}
	m := reportMetric(r)
	type box struct {
		node  int
		cpus  string
		chips []*NIC
		lines []svgText
	}
	boxes := map[int]*box{}
	var order []int
	get := func(n int) *box {
		if n < 0 {
			n = -1
		}
		if b, ok := boxes[n]; ok {
			return b
		}
		b := &box{node: n}
		boxes[n] = b
		order = append(order, n)
		return b
	}
	for _, n := range r.Host.Nodes {
		get(n.ID).cpus = n.CPUs
	}
	for _, n := range nics {
		b := get(n.NUMANode)
		b.chips = append(b.chips, n)
	}
	// Whose queues each node services.
	type key struct {
		node int
		nic  *NIC
	}
	served := map[key]int{}
	for _, n := range nics {
		for i := range n.Queues {
			for _, node := range queueNodes(&n.Queues[i], m, cols) {
				get(node)
				served[key{node, n}]++
			}
		}
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if (a < 0) != (b < 0) {
			return b < 0
		}
		return a < b
	})

	// Boxes are as wide as their longest chip or line (long interface
	// and driver names, "(remote)"), within limits, and as many to a row
	// as fit the page's width.
	const gapX, gapY = 16, 16
	const headH, chipH, lineH = 46, 26, 18
	boxW := 236
	for _, n := range nics {
		chip := len([]rune(chipLabel(n)))
		q := strconv.Itoa(len(n.Queues))
		line := len([]rune(shorten(oneLine(n.Name), 16))) + len(": "+q+" of "+q+" queues (remote)")
		boxW = max(boxW, int(float64(max(chip, line))*nicMapCharW)+30)
	}
	boxW = min(boxW, nicMapMaxBoxW)
	perRow := max(1, min(4, (nicMapPageW+gapX)/(boxW+gapX)))
	mp := &svgNICMap{Label: "Which NIC sits on which NUMA node"}
	x0, y := 4, 4
	for start := 0; start < len(order); start += perRow {
		row := order[start:min(start+perRow, len(order))]
		// Lines first, to size the row.
		hmax := 0
		for _, node := range row {
			b := boxes[node]
			for _, n := range nics {
				k := served[key{node, n}]
				if k == 0 {
					continue
				}
				class, what := "unk", ""
				switch {
				case n.NUMANode >= 0 && node >= 0 && n.NUMANode == node:
					class, what = "local", " (local)"
				case n.NUMANode >= 0 && node >= 0:
					class, what = "remote", " (remote)"
				}
				text := shorten(oneLine(n.Name), 16) + ": " + strconv.Itoa(k) + " of " + strconv.Itoa(len(n.Queues)) + " queues" + what
				b.lines = append(b.lines, svgText{Text: text, Anchor: "start", Class: "map " + class,
					Tip: oneLine(n.Name) + ": " + strconv.Itoa(k) + " queue IRQs serviced by CPUs of " + nodeText(node) + what})
			}
			h := headH + chipH*len(b.chips) + 22 + lineH*max(1, len(b.lines)) + 6
			hmax = max(hmax, h)
		}
		for i, node := range row {
			b := boxes[node]
			bx := x0 + i*(boxW+gapX)
			title := nodeText(node)
			mp.Boxes = append(mp.Boxes, svgRect{X: bx, Y: y, W: boxW, H: hmax, Fill: "#ffffff", Tip: title})
			mp.Texts = append(mp.Texts, svgText{X: bx + 12, Y: y + 20, Text: title, Anchor: "start", Class: "maphead"})
			cpus := "CPUs unknown"
			if b.cpus != "" {
				cpus = "CPUs " + b.cpus
			} else if node >= 0 {
				cpus = "no CPUs listed"
			}
			mp.Texts = append(mp.Texts, svgText{X: bx + 12, Y: y + 37, Text: shorten(cpus, 36), Anchor: "start", Class: "mapsub", Tip: cpus})
			cy := y + headH
			for _, n := range b.chips {
				label := chipLabel(n)
				mp.Chips = append(mp.Chips, svgRect{X: bx + 10, Y: cy, W: boxW - 20, H: chipH - 4, Fill: "#e0eaff",
					Tip: oneLine(n.Name) + " (" + oneLine(n.PCI) + ") is on " + nodeText(n.NUMANode)})
				mp.Texts = append(mp.Texts, svgText{X: bx + 18, Y: cy + 15, Text: label, Anchor: "start", Class: "chip"})
				cy += chipH
			}
			cy += 16
			mp.Texts = append(mp.Texts, svgText{X: bx + 12, Y: cy, Text: "queue IRQs serviced here:", Anchor: "start", Class: "mapsub"})
			cy += lineH
			if len(b.lines) == 0 {
				mp.Texts = append(mp.Texts, svgText{X: bx + 12, Y: cy, Text: "none", Anchor: "start", Class: "map unk"})
			}
			for _, l := range b.lines {
				l.X, l.Y = bx+12, cy
				mp.Texts = append(mp.Texts, l)
				cy += lineH
			}
		}
		mp.Width = max(mp.Width, x0+len(row)*(boxW+gapX)-gapX+4)
		y += hmax + gapY
	}
	mp.Height = y - gapY + 4
	switch m {
	case metricAffinity:
		mp.Caption = "Each box is a NUMA node with the NICs on it; below, whose queue IRQs its CPUs are routed to by the affinity files (no interrupt counts per CPU)."
	default:
		mp.Caption = "Each box is a NUMA node with the NICs on it; below, whose queue IRQs its CPUs took interrupts from, " + windowText(r) + ". Green: the NIC's own node; blue: remote."
	}
	return mp
}

// The NIC map's sizes: the width of a character of its 12px bold labels
// (a little over the average, so that labels never overflow), the widest
// box, and the width the boxes of one row may take.
const (
	nicMapCharW   = 7.6
	nicMapMaxBoxW = 420
	nicMapPageW   = 1100
)

// chipLabel is a NIC's chip text: name, driver and speed, each shortened.
func chipLabel(n *NIC) string {
	label := shorten(oneLine(n.Name), 16)
	if n.Driver != "" {
		label += " · " + shorten(oneLine(n.Driver), 10)
	}
	if n.Speed > 0 {
		label += " · " + speed(n.Speed)
	}
	return label
}
