package report

import (
	"github.com/netdoctor/netdoctor/internal/textfmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// This file holds what the report's pictures share: the CPU columns (the
// heatmap and the per-CPU strip use the same ones, so they line up), the
// colour scale and the number formats. The pictures are pure functions of
// the report: they lay out what Build computed and judge nothing.

// Picture geometry, in SVG user units (CSS pixels at 100 %).
const (
	svgLabelW   = 170 // the row labels left of the columns
	svgPadR     = 16  // right of the last column
	svgNodeGap  = 8   // between the columns of two NUMA nodes
	svgGridW    = 980 // the width the columns aim to fill
	svgMinCellW = 12
	svgMaxCellW = 56
	svgMaxCols  = 64 // beyond this the columns are CPUs that matter, or buckets
	svgMaxRows  = 64 // beyond this the heatmap has one row per NIC
)

// cpuColumn is one column of the heatmap and the strip: one CPU, or a
// bucket of CPUs of one node on a large host.
type cpuColumn struct {
	CPUs []int
	Node int
	// Core is the lowest CPU of the column's core, to bracket sibling
	// threads; -1 for a bucket or an unknown core.
	Core  int
	Label string
	// X is the column's left edge, W its width.
	X, W int
}

// cpuColumns is the column layout of a report.
type cpuColumns struct {
	Cols []cpuColumn
	// Mode is "all" (every CPU), "active" (the CPUs that take queue
	// interrupts or drop packets) or "bucket" (groups of CPUs).
	Mode string
	// Total is the number of CPUs known; Shown how many have a column
	// of their own or in a bucket.
	Total, Shown int
	// Nodes are the node bands above the columns.
	Nodes []nodeBand
	// Width is the picture's width; CellW the width of one column.
	Width, CellW int
	of           map[int]int // CPU → column index
	nodeOfCPU    map[int]int
	siblingsOf   map[int][]int
}

// nodeBand is one NUMA node's span of columns.
type nodeBand struct {
	Node int
	// Label fits the band; Tip is the full text.
	Label, Tip string
	X, W       int
}

// Column returns the column of cpu, or -1 when it has none.
func (c *cpuColumns) Column(cpu int) int {
	if i, ok := c.of[cpu]; ok {
		return i
	}
	return -1
}

// NodeOf is cpu's NUMA node as the report knows it, -1 unknown.
func (c *cpuColumns) NodeOf(cpu int) int {
	if n, ok := c.nodeOfCPU[cpu]; ok {
		return n
	}
	return -1
}

// layoutColumns chooses the columns for r: every CPU up to svgMaxCols;
// beyond that only the CPUs that take queue interrupts or drop packets
// when they are few enough, else buckets of neighbouring CPUs of one node.
// CPUs are grouped by node and, within a node, ordered by core so that the
// threads of one core sit side by side.
func layoutColumns(r *Report) *cpuColumns {
	c := &cpuColumns{of: map[int]int{}, nodeOfCPU: map[int]int{}, siblingsOf: map[int][]int{}}
	known := map[int]bool{}
	var cpus []int
	add := func(cpu int) {
		if cpu >= 0 && !known[cpu] {
			known[cpu] = true
			cpus = append(cpus, cpu)
		}
	}
	for _, l := range r.CPULoad {
		add(l.CPU)
		c.nodeOfCPU[l.CPU] = l.Node
		if len(l.Siblings) > 0 {
			c.siblingsOf[l.CPU] = l.Siblings
		}
	}
	for _, n := range r.NICs {
		for _, q := range n.Queues {
			for _, pc := range q.PerCPU {
				add(pc.CPU)
			}
			for _, cpu := range q.CPUs {
				add(cpu)
			}
		}
	}
	if len(cpus) == 0 {
		return c
	}
	core := func(cpu int) int {
		k := cpu
		for _, s := range c.siblingsOf[cpu] {
			k = min(k, s)
		}
		return k
	}
	nodeKey := func(cpu int) int {
		if n := c.NodeOf(cpu); n >= 0 {
			return n
		}
		return math.MaxInt32 // unknown node last
	}
	sort.Slice(cpus, func(i, j int) bool {
		a, b := cpus[i], cpus[j]
		if na, nb := nodeKey(a), nodeKey(b); na != nb {
			return na < nb
		}
		if ca, cb := core(a), core(b); ca != cb {
			return ca < cb
		}
		return a < b
	})
	c.Total = len(cpus)

	shown := cpus
	c.Mode = "all"
	if len(cpus) > svgMaxCols {
		active := activeCPUs(r)
		var sel []int
		for _, cpu := range cpus {
			if active[cpu] {
				sel = append(sel, cpu)
			}
		}
		if len(sel) > 0 && len(sel) <= svgMaxCols {
			shown, c.Mode = sel, "active"
		} else {
			c.Mode = "bucket"
		}
	}
	c.Shown = len(shown)

	if c.Mode == "bucket" {
		// Group each node's CPUs (in core order) into buckets of size b,
		// the smallest that keeps the columns within svgMaxCols.
		var groups [][]int
		for i := 0; i < len(cpus); {
			j := i
			for j < len(cpus) && c.NodeOf(cpus[j]) == c.NodeOf(cpus[i]) {
				j++
			}
			groups = append(groups, cpus[i:j])
			i = j
		}
		b := (len(cpus) + svgMaxCols - 1) / svgMaxCols
		for ; ; b++ {
			n := 0
			for _, g := range groups {
				n += (len(g) + b - 1) / b
			}
			if n <= svgMaxCols || b >= len(cpus) {
				break
			}
		}
		for _, g := range groups {
			for i := 0; i < len(g); i += b {
				part := g[i:min(i+b, len(g))]
				sorted := host.SortedCPUs(part)
				c.Cols = append(c.Cols, cpuColumn{
					CPUs: part, Node: c.NodeOf(part[0]), Core: -1,
					Label: host.FormatCPUList(sorted),
				})
			}
		}
	} else {
		for _, cpu := range shown {
			k := -1
			if len(c.siblingsOf[cpu]) > 1 {
				k = core(cpu)
			}
			c.Cols = append(c.Cols, cpuColumn{CPUs: []int{cpu}, Node: c.NodeOf(cpu), Core: k, Label: strconv.Itoa(cpu)})
		}
	}

	// Geometry.
	gaps := 0
	for i := 1; i < len(c.Cols); i++ {
		if c.Cols[i].Node != c.Cols[i-1].Node {
			gaps++
		}
	}
	c.CellW = max(svgMinCellW, min(svgMaxCellW, (svgGridW-gaps*svgNodeGap)/len(c.Cols)))
	x := svgLabelW
	for i := range c.Cols {
		if i > 0 && c.Cols[i].Node != c.Cols[i-1].Node {
			x += svgNodeGap
		}
		c.Cols[i].X, c.Cols[i].W = x, c.CellW
		x += c.CellW
		for _, cpu := range c.Cols[i].CPUs {
			c.of[cpu] = i
		}
	}
	c.Width = x + svgPadR

	// Node bands.
	for i := 0; i < len(c.Cols); {
		j := i
		for j < len(c.Cols) && c.Cols[j].Node == c.Cols[i].Node {
			j++
		}
		n := c.Cols[i].Node
		label := nodeText(n)
		if c.Mode == "active" {
			inNode := 0
			for _, cpu := range cpus {
				if c.NodeOf(cpu) == n {
					inNode++
				}
			}
			label += " (" + strconv.Itoa(j-i) + " of " + strconv.Itoa(inNode) + ")"
		}
		band := nodeBand{Node: n, Label: label, Tip: label, X: c.Cols[i].X, W: c.Cols[j-1].X + c.Cols[j-1].W - c.Cols[i].X}
		// Shorter forms when the band is narrow: "node 1", "1".
		for _, alt := range []string{nodeText(n), strings.TrimPrefix(nodeText(n), "node ")} {
			if len(band.Label) <= band.W/6 {
				break
			}
			band.Label = alt
		}
		if maxChars := band.W / 6; len(band.Label) > maxChars {
			band.Label = shorten(band.Label, maxChars)
		}
		c.Nodes = append(c.Nodes, band)
		i = j
	}
	return c
}

// activeCPUs are the CPUs that took any queue interrupt or dropped packets.
func activeCPUs(r *Report) map[int]bool {
	out := map[int]bool{}
	for _, n := range r.NICs {
		for _, q := range n.Queues {
			for _, pc := range q.PerCPU {
				out[pc.CPU] = true
			}
		}
	}
	for _, l := range r.CPULoad {
		if l.DropsPerS > 0 || l.NICIRQPerS > 0 {
			out[l.CPU] = true
		}
	}
	return out
}

// Colour scale of the heatmap: from pale yellow to dark red. heatHot is
// the colour of the busiest cell; the browser test looks for it.
var heatStops = [][3]float64{
	{0xfe, 0xf0, 0xc7}, // faint
	{0xfd, 0xb0, 0x22},
	{0xf0, 0x44, 0x38},
	{0xb4, 0x23, 0x18},
	{0x7a, 0x10, 0x10}, // hottest
}

// heatHot is the colour of the hottest cell.
const heatHot = "#7a1010"

// heatColour maps t in (0, 1] to the scale; text is the class of text
// drawn on it ("cell lo": dark, "cell hi": white).
func heatColour(t float64) (fill, text string) {
	t = math.Max(0, math.Min(1, t))
	seg := t * float64(len(heatStops)-1)
	i := int(seg)
	if i >= len(heatStops)-1 {
		i = len(heatStops) - 2
	}
	f := seg - float64(i)
	a, b := heatStops[i], heatStops[i+1]
	var rgb [3]int
	for k := range rgb {
		rgb[k] = int(math.Round(a[k] + (b[k]-a[k])*f))
	}
	fill = hexColour(rgb)
	text = "cell lo"
	if t >= 0.5 {
		text = "cell hi"
	}
	return fill, text
}

func hexColour(rgb [3]int) string {
	const digits = "0123456789abcdef"
	b := []byte{'#', 0, 0, 0, 0, 0, 0}
	for i, v := range rgb {
		v = max(0, min(255, v))
		b[1+2*i], b[2+2*i] = digits[v>>4], digits[v&15]
	}
	return string(b)
}

// heatScale is log(1+v)/log(1+max): a queue's stray interrupts stay
// visible next to a hot CPU, and equal rates get equal colours.
func heatScale(v, vmax float64) float64 {
	if v <= 0 || vmax <= 0 {
		return 0
	}
	return math.Log1p(v) / math.Log1p(vmax)
}

// compact writes a count or rate short enough for a cell: 950, 9.5, 11.1k,
// 123k, 1.2M.
func compact(v float64) string {
	switch {
	case v <= 0:
		return "0"
	case v < 10:
		return trimZero(strconv.FormatFloat(v, 'f', 1, 64))
	case v < 1000:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case v < 100000:
		return trimZero(strconv.FormatFloat(v/1000, 'f', 1, 64)) + "k"
	case v < 1e6:
		return strconv.FormatFloat(math.Round(v/1000), 'f', 0, 64) + "k"
	case v < 1e9:
		return trimZero(strconv.FormatFloat(v/1e6, 'f', 1, 64)) + "M"
	}
	return trimZero(strconv.FormatFloat(v/1e9, 'f', 1, 64)) + "G"
}

func trimZero(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// grouped writes v with thousands separators and no decimals above 100,
// one decimal below: 84,210 and 3.2; 0 is "0".
func grouped(v float64) string {
	if v < 100 {
		if v == 0 {
			return "0"
		}
		if v < 0.1 {
			return strconv.FormatFloat(v, 'g', 2, 64)
		}
		return trimZero(strconv.FormatFloat(v, 'f', 1, 64))
	}
	return textfmt.GroupDigits(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
}

// shorten cuts s to at most n runes, ending with "…" when cut.
func shorten(s string, n int) string {
	if n < 1 {
		return ""
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n == 1 {
		return "…"
	}
	return string(r[:n-1]) + "…"
}

// cpuText names a column's CPUs: "CPU 5" or "CPUs 0-7".
func cpuText(cpus []int) string {
	if len(cpus) == 1 {
		return "CPU " + strconv.Itoa(cpus[0])
	}
	return "CPUs " + host.FormatCPUList(host.SortedCPUs(cpus))
}

// busiest returns the highest rate among the column's CPUs and that CPU
// (the first CPU when every rate is 0).
func (c cpuColumn) busiest(rate map[int]float64) (v float64, at int) {
	at = -1
	for _, cpu := range c.CPUs {
		if rate[cpu] > v || at < 0 {
			v, at = rate[cpu], cpu
		}
	}
	return v, at
}
