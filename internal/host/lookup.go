package host

import (
	"slices"
	"sort"
)

// Lookups on one Snapshot. They allocate nothing and build no index, so they
// are safe for concurrent use on a snapshot nobody modifies:
//   - CPU and IRQ binary-search the big slices (Topology.CPUs is sorted by
//     ID; /proc/interrupts lists IRQs in ascending order) and fall back to a
//     linear scan on a miss, so an unsorted slice still gives the right answer:
//     O(log n) on a hit, O(n) on a miss (n ≤ a few thousand);
//   - NIC, Input, NodeOf's node search and NodeCPUs scan linearly (few entries).
// A returned pointer points into the snapshot: changes through it change the
// snapshot. Pair (pair.go) builds maps once for the per-interval deltas.

// CPU returns the CPU with this ID, or nil when no input knew it.
func (s *Snapshot) CPU(id int) *CPU {
	cpus := s.Topology.CPUs
	i := sort.Search(len(cpus), func(i int) bool { return cpus[i].ID >= id })
	if i < len(cpus) && cpus[i].ID == id {
		return &cpus[i]
	}
	for i := range cpus {
		if cpus[i].ID == id {
			return &cpus[i]
		}
	}
	return nil
}

// IRQ returns the numbered interrupt num (the first one when a damaged
// input repeats it), or nil.
func (s *Snapshot) IRQ(num int) *IRQ {
	irqs := s.Interrupts.IRQs
	i := sort.Search(len(irqs), func(i int) bool { return irqs[i].Num >= num })
	if i < len(irqs) && irqs[i].Num == num {
		return &irqs[i]
	}
	for i := range irqs {
		if irqs[i].Num == num {
			return &irqs[i]
		}
	}
	return nil
}

// NIC returns the interface with this exact name, or nil.
func (s *Snapshot) NIC(name string) *NIC {
	for i := range s.NICs {
		if s.NICs[i].Name == name {
			return &s.NICs[i]
		}
	}
	return nil
}

// Input returns the record of input name for subject ("" for host-wide
// inputs), or nil when the source did not record it.
func (s *Snapshot) Input(name, subject string) *Input {
	for i := range s.Inputs {
		if s.Inputs[i].Name == name && s.Inputs[i].Subject == subject {
			return &s.Inputs[i]
		}
	}
	return nil
}

// AddInput records in. A second record for the same name and subject
// replaces the first in place (the last word wins, the order of first
// appearance is kept), so a source may record a fallback's outcome over an
// earlier candidate's.
func (s *Snapshot) AddInput(in Input) {
	if old := s.Input(in.Name, in.Subject); old != nil {
		*old = in
		return
	}
	s.Inputs = append(s.Inputs, in)
}

// NodeOf returns the NUMA node of cpu: the CPU's Node when known, else the
// node whose CPU list holds it; -1 when unknown.
func (s *Snapshot) NodeOf(cpu int) int {
	if c := s.CPU(cpu); c != nil && c.Node >= 0 {
		return c.Node
	}
	for _, n := range s.Topology.Nodes {
		if n.ID >= 0 && slices.Contains(n.CPUs, cpu) {
			return n.ID
		}
	}
	return -1
}

// NodeCPUs returns the CPUs of NUMA node node, sorted, as a new slice: the
// node's CPU list when Topology.Nodes has the node, else the CPUs whose Node
// is node. It is nil when the node is unknown and empty (non-nil) for a known
// node without CPUs (memory-only nodes).
func (s *Snapshot) NodeCPUs(node int) []int {
	if node < 0 {
		return nil
	}
	for _, n := range s.Topology.Nodes {
		if n.ID == node {
			return SortedCPUs(n.CPUs)
		}
	}
	var out []int
	for _, c := range s.Topology.CPUs {
		if c.Node == node {
			out = append(out, c.ID)
		}
	}
	if out == nil {
		return nil
	}
	return SortedCPUs(out)
}

// Siblings returns the hardware threads of cpu's core, including cpu, sorted,
// as a new slice: thread_siblings_list when known, else the CPUs that share
// cpu's (Package, Die, Core) when Package and Core are known. It is nil when
// neither is known. Core IDs are unique only within a package and die
// (docs/receive-path.md §3), so the fallback keys on all three.
func (s *Snapshot) Siblings(cpu int) []int {
	c := s.CPU(cpu)
	if c == nil {
		return nil
	}
	if c.Siblings != nil {
		return UnionCPUs(c.Siblings, []int{cpu})
	}
	if c.Package < 0 || c.Core < 0 {
		return nil
	}
	out := []int{cpu}
	for _, o := range s.Topology.CPUs {
		if o.Package == c.Package && o.Die == c.Die && o.Core == c.Core {
			out = append(out, o.ID)
		}
	}
	return SortedCPUs(out)
}
