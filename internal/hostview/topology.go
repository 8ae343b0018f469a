package hostview

import (
	"cmp"
	"slices"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Core is one physical core: its online threads.
type Core struct {
	// Index is the core's position in View.Cores.
	Index int `json:"index"`
	// CPUs are its online threads, sorted.
	CPUs []int `json:"cpus"`
	// Node is the NUMA node of its lowest CPU, -1 unknown.
	Node int `json:"node"`
	// Known is false when no topology input placed its CPUs.
	Known bool `json:"known"`
}

// NodeCPUs is one NUMA node with its online CPUs.
type NodeCPUs struct {
	// ID is the node number; CPUs its online CPUs, sorted.
	ID   int   `json:"id"`
	CPUs []int `json:"cpus"`
	// Distances are the SLIT distances to every node, by node ID, when known.
	Distances []int `json:"distances,omitempty"`
}

func (v *View) CoreOf(cpu int) *Core {
	if i, ok := v.coreOf[cpu]; ok {
		return &v.Cores[i]
	}
	return nil
}

// NodeOf returns cpu's NUMA node, -1 unknown.
func (v *View) NodeOf(cpu int) int {
	if n, ok := v.nodeOf[cpu]; ok {
		return n
	}
	return -1
}

// Node returns the node with CPUs id, or nil.
func (v *View) Node(id int) *NodeCPUs {
	for i := range v.Nodes {
		if v.Nodes[i].ID == id {
			return &v.Nodes[i]
		}
	}
	return nil
}

// IRQ returns the load of a NIC interrupt line, or nil.
func (v *View) topology() {
	t := &v.Now.Topology
	online := host.SortedCPUs(t.Online)
	if len(online) == 0 {
		for _, c := range t.CPUs {
			if c.Online {
				online = append(online, c.ID)
			}
		}
		online = host.SortedCPUs(online)
	}
	if len(online) == 0 {
		// /proc/interrupts' header lists the online CPUs.
		online = host.SortedCPUs(v.Now.Interrupts.CPUs)
	}
	if len(online) == 0 {
		for _, c := range v.Now.CPUTimes {
			online = append(online, c.CPU)
		}
		online = host.SortedCPUs(online)
	}
	v.Online = online
	v.Isolated = host.IntersectCPUs(host.UnionCPUs(t.Isolated, t.NohzFull), online)
	v.Usable = host.MinusCPUs(online, v.Isolated)

	// Nodes: the node lists, else each CPU's node.
	byNode := map[int][]int{}
	dist := map[int][]int{}
	for _, n := range t.Nodes {
		if n.ID < 0 {
			continue
		}
		byNode[n.ID] = append(byNode[n.ID], n.CPUs...)
		dist[n.ID] = n.Distances
	}
	for _, c := range t.CPUs {
		if c.Node >= 0 {
			if _, listed := dist[c.Node]; !listed {
				byNode[c.Node] = append(byNode[c.Node], c.ID)
			}
		}
	}
	for id, cpus := range byNode {
		cpus = host.IntersectCPUs(cpus, online)
		if len(cpus) == 0 {
			continue
		}
		v.Nodes = append(v.Nodes, NodeCPUs{ID: id, CPUs: cpus, Distances: dist[id]})
		for _, c := range cpus {
			if _, dup := v.nodeOf[c]; !dup {
				v.nodeOf[c] = id
			}
		}
	}
	slices.SortFunc(v.Nodes, func(a, b NodeCPUs) int { return cmp.Compare(a.ID, b.ID) })
	v.MultiNode = len(v.Nodes) >= 2

	v.cores()
}

// cores groups the online CPUs into physical cores with a union-find over
// sibling lists and (package, die, core_id) keys: core_id repeats across
// sockets, and a sosreport may hold sibling lists for only some CPUs.
func (v *View) cores() {
	onl := map[int]bool{}
	for _, c := range v.Online {
		onl[c] = true
	}
	parent := map[int]int{}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if ra < rb {
			parent[rb] = ra
		} else {
			parent[ra] = rb
		}
	}
	for _, c := range v.Online {
		parent[c] = c
	}
	known := map[int]bool{}
	type key struct{ pkg, die, core int }
	byKey := map[key]int{}
	for _, c := range v.Now.Topology.CPUs {
		if !onl[c.ID] {
			continue
		}
		if c.Siblings != nil {
			known[c.ID] = true
			for _, s := range c.Siblings {
				if onl[s] {
					union(c.ID, s)
				}
			}
		}
		if c.Package >= 0 && c.Core >= 0 {
			known[c.ID] = true
			k := key{c.Package, c.Die, c.Core}
			if first, ok := byKey[k]; ok {
				union(first, c.ID)
			} else {
				byKey[k] = c.ID
			}
		}
	}
	groups := map[int][]int{}
	for _, c := range v.Online {
		r := find(c)
		groups[r] = append(groups[r], c)
	}
	roots := make([]int, 0, len(groups))
	for r := range groups {
		roots = append(roots, r)
	}
	slices.Sort(roots) // the root is the lowest CPU of its group
	smt := false
	for i, r := range roots {
		cpus := groups[r]
		slices.Sort(cpus)
		k := true
		for _, c := range cpus {
			k = k && known[c]
			v.coreOf[c] = i
		}
		if len(cpus) >= 2 {
			smt = true
		}
		v.Cores = append(v.Cores, Core{Index: i, CPUs: cpus, Node: v.NodeOf(cpus[0]), Known: k})
	}
	if a := v.Now.Topology.SMTActive; a != nil && !*a {
		smt = false
	}
	v.SMT = smt
}

func (v *View) cpuTable() {
	ids := slices.Clone(v.Online)
	for _, c := range v.Now.Topology.CPUs {
		ids = append(ids, c.ID)
	}
	ids = host.SortedCPUs(ids)
	online := map[int]bool{}
	for _, c := range v.Online {
		online[c] = true
	}
	iso := map[int]bool{}
	for _, c := range v.Isolated {
		iso[c] = true
	}
	v.CPUs = make([]CPULoad, len(ids))
	for i, id := range ids {
		core := -1
		if ci, ok := v.coreOf[id]; ok {
			core = ci
		}
		node := v.NodeOf(id)
		if node < 0 {
			node = v.Now.NodeOf(id)
		}
		v.CPUs[i] = CPULoad{CPU: id, Online: online[id], Isolated: iso[id], Node: node, Core: core}
		v.cpuIdx[id] = i
	}
}

// ensureCPU adds a row for a CPU a counter names but no topology listed.
func (v *View) ensureCPU(cpu int) *CPULoad {
	if c := v.CPU(cpu); c != nil {
		return c
	}
	if cpu < 0 || cpu > host.MaxCPUID {
		return nil
	}
	v.CPUs = append(v.CPUs, CPULoad{CPU: cpu, Node: -1, Core: -1})
	slices.SortFunc(v.CPUs, func(a, b CPULoad) int { return cmp.Compare(a.CPU, b.CPU) })
	for i := range v.CPUs {
		v.cpuIdx[v.CPUs[i].CPU] = i
	}
	return v.CPU(cpu)
}

// paravirtualDrivers have no NIC FIFO: the loss is in the hypervisor.
