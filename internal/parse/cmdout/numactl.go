package cmdout

import (
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// NumactlHardware parses `numactl --hardware`:
//
//	available: 2 nodes (0-1)
//	node 0 cpus: 0 1 2 3
//	node 0 size: 64318 MB
//	node 0 free: 60012 MB
//	node 1 cpus: 4 5 6 7
//	...
//	node distances:
//	node   0   1
//	  0:  10  21
//	  1:  21  10
//
// It returns the nodes sorted by ID. A memory-only node has an empty CPUs
// list. Distances are indexed by node ID, as host.Node documents; on a host
// with sparse node IDs the slots of absent nodes are -1. Node IDs above 1023
// are refused. "No NUMA available on this system" is ErrUnavailable.
func NumactlHardware(b []byte) ([]host.Node, error) {
	const cmd = "numactl --hardware"
	text, err := input(cmd, b)
	if err != nil {
		return nil, err
	}
	p := problems{cmd: cmd}
	cpus := map[int][]int{}
	dist := map[int]map[int]int{}
	available := -1
	var cols []int // node IDs of the distance table's columns
	inTable := false
	for i, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		f := strings.Fields(t)
		switch {
		case strings.HasPrefix(t, "available:"):
			if len(f) >= 2 {
				if n, err := strconv.Atoi(f[1]); err == nil && n >= 0 {
					available = n
				}
			}
		case t == "node distances:":
			inTable = true
			cols = nil
		case inTable && f[0] == "node" && cols == nil:
			seen := map[int]bool{}
			for _, s := range f[1:] {
				n, ok := nodeID(s)
				if !ok || seen[n] {
					p.addf(i+1, "bad or repeated node %s in distance header", quote(s))
					cols = nil
					inTable = false
					break
				}
				seen[n] = true
				cols = append(cols, n)
			}
		case inTable && strings.HasSuffix(f[0], ":"):
			from, ok := nodeID(strings.TrimSuffix(f[0], ":"))
			if !ok {
				p.addf(i+1, "bad node %s in distance row", quote(f[0]))
				continue
			}
			if len(f)-1 != len(cols) {
				p.addf(i+1, "node %d: %d distances for %d nodes", from, len(f)-1, len(cols))
				continue
			}
			row := map[int]int{}
			for k, s := range f[1:] {
				d, err := strconv.Atoi(s)
				if err != nil || d < 0 || d > 255 {
					p.addf(i+1, "node %d: bad distance %s", from, quote(s))
					row = nil
					break
				}
				row[cols[k]] = d
			}
			if row != nil {
				dist[from] = row
			}
		case len(f) >= 3 && f[0] == "node" && f[2] == "cpus:":
			n, ok := nodeID(f[1])
			if !ok {
				p.addf(i+1, "bad node %s", quote(f[1]))
				continue
			}
			list := []int{}
			for _, s := range f[3:] {
				c, err := strconv.Atoi(s)
				if err != nil || c < 0 || c > maxCPU {
					p.addf(i+1, "node %d: bad CPU %s", n, quote(s))
					continue
				}
				list = append(list, c)
			}
			slices.Sort(list)
			cpus[n] = slices.Compact(list)
		}
	}
	for n := range dist {
		if _, ok := cpus[n]; !ok {
			cpus[n] = []int{}
		}
	}
	if len(cpus) == 0 {
		return nil, noData(cmd, text, `"node N cpus:" line`)
	}
	ids := make([]int, 0, len(cpus))
	for n := range cpus {
		ids = append(ids, n)
	}
	slices.Sort(ids)
	maxID := ids[len(ids)-1]
	for _, c := range cols {
		maxID = max(maxID, c)
	}
	nodes := make([]host.Node, 0, len(ids))
	for _, n := range ids {
		node := host.Node{ID: n, CPUs: cpus[n]}
		if row, ok := dist[n]; ok {
			node.Distances = make([]int, maxID+1)
			for k := range node.Distances {
				node.Distances[k] = -1
			}
			for to, d := range row {
				node.Distances[to] = d
			}
		}
		nodes = append(nodes, node)
	}
	if available >= 0 && len(nodes) < available {
		p.addf(0, "\"available\" says %d nodes, found %d", available, len(nodes))
	}
	return nodes, p.err()
}

// nodeID parses a NUMA node ID of at most maxNode.
func nodeID(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxNode {
		return 0, false
	}
	return n, true
}
