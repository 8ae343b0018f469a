package host

import (
	"reflect"
	"testing"
)

// twoSocket is a 2-socket, 8-CPU host with siblings N and N+4 (Intel
// numbering), node 0 = CPUs 0,1,4,5, node 1 = 2,3,6,7, and a memory-only
// node 2.
func twoSocket() *Snapshot {
	s := &Snapshot{}
	for id := 0; id < 8; id++ {
		pkg := (id % 4) / 2
		s.Topology.CPUs = append(s.Topology.CPUs, CPU{
			ID: id, Online: true, Package: pkg, Die: 0, Core: id % 2, Node: pkg,
			Siblings: []int{id % 4, id%4 + 4},
		})
	}
	s.Topology.Nodes = []Node{{ID: 0, CPUs: []int{0, 1, 4, 5}}, {ID: 1, CPUs: []int{2, 3, 6, 7}}, {ID: 2, CPUs: []int{}}}
	return s
}

func TestSnapshotCPU(t *testing.T) {
	s := twoSocket()
	for _, id := range []int{0, 3, 7} {
		if c := s.CPU(id); c == nil || c.ID != id {
			t.Errorf("CPU(%d) = %v", id, c)
		}
	}
	for _, id := range []int{-1, 8, 512} {
		if c := s.CPU(id); c != nil {
			t.Errorf("CPU(%d) = %+v, want nil", id, c)
		}
	}
	// Unsorted (a source bug) still answers.
	s.Topology.CPUs[0], s.Topology.CPUs[7] = s.Topology.CPUs[7], s.Topology.CPUs[0]
	for id := 0; id < 8; id++ {
		if c := s.CPU(id); c == nil || c.ID != id {
			t.Errorf("unsorted: CPU(%d) = %v", id, c)
		}
	}
	// The pointer is into the snapshot.
	s.CPU(3).Online = false
	if s.CPU(3).Online {
		t.Error("CPU() does not point into the snapshot")
	}
}

func TestSnapshotIRQ(t *testing.T) {
	s := &Snapshot{Interrupts: Interrupts{IRQs: []IRQ{
		{Num: 0, Actions: []string{"timer"}}, {Num: 24, Actions: []string{"eth0-TxRx-0"}},
		{Num: 25, Actions: []string{"first"}}, {Num: 25, Actions: []string{"second"}}, {Num: 1024},
	}}}
	tests := []struct {
		num  int
		want string // first action, "-" for nil
	}{
		{0, "timer"}, {24, "eth0-TxRx-0"}, {25, "first"}, {1024, ""}, {1, "-"}, {-5, "-"}, {2000, "-"},
	}
	for _, tt := range tests {
		q := s.IRQ(tt.num)
		got := "-"
		if q != nil {
			got = ""
			if len(q.Actions) > 0 {
				got = q.Actions[0]
			}
		}
		if got != tt.want {
			t.Errorf("IRQ(%d) = %q, want %q", tt.num, got, tt.want)
		}
	}
	// File order that is not numeric (hostile input) still answers.
	s.Interrupts.IRQs = []IRQ{{Num: 30}, {Num: 10}, {Num: 20}}
	for _, n := range []int{10, 20, 30} {
		if q := s.IRQ(n); q == nil || q.Num != n {
			t.Errorf("unsorted: IRQ(%d) = %v", n, q)
		}
	}
}

func TestSnapshotNIC(t *testing.T) {
	s := &Snapshot{NICs: []NIC{{Name: "eth10"}, {Name: "eth1"}, {Name: "ethé"}}}
	for _, name := range []string{"eth1", "eth10", "ethé"} {
		if n := s.NIC(name); n == nil || n.Name != name {
			t.Errorf("NIC(%q) = %v", name, n)
		}
	}
	for _, name := range []string{"eth", "eth100", "", "ETH1"} {
		if n := s.NIC(name); n != nil {
			t.Errorf("NIC(%q) = %v, want nil", name, n.Name)
		}
	}
}

func TestSnapshotInputs(t *testing.T) {
	s := &Snapshot{}
	s.AddInput(Input{Name: InputInterrupts, Path: "proc/interrupts", Status: StatusOK})
	s.AddInput(Input{Name: InputEthtoolStats, Subject: "eth0", Status: StatusMissing, Reason: "no file"})
	s.AddInput(Input{Name: InputEthtoolStats, Subject: "eth1", Status: StatusOK})
	s.AddInput(Input{Name: InputEthtoolStats, Subject: "eth0", Path: "ethtool_-S_eth0", Status: StatusInvalid, Reason: "no stats available"})

	if len(s.Inputs) != 3 {
		t.Fatalf("Inputs = %+v, want 3 records", s.Inputs)
	}
	if in := s.Input(InputEthtoolStats, "eth0"); in == nil || in.Status != StatusInvalid || in.Path != "ethtool_-S_eth0" {
		t.Errorf("Input(ethtool_stats, eth0) = %+v, want the replacement", in)
	}
	if s.Inputs[1].Subject != "eth0" {
		t.Errorf("replacement moved: %+v", s.Inputs)
	}
	if in := s.Input(InputInterrupts, ""); in == nil || in.Status != StatusOK {
		t.Errorf("Input(interrupts) = %+v", in)
	}
	if in := s.Input(InputInterrupts, "eth0"); in != nil {
		t.Errorf("Input(interrupts, eth0) = %+v, want nil (subject differs)", in)
	}
	if in := s.Input(InputSoftnet, ""); in != nil {
		t.Errorf("Input(softnet) = %+v, want nil", in)
	}
}

func TestNodeOfAndNodeCPUs(t *testing.T) {
	s := twoSocket()
	nodeOf := map[int]int{0: 0, 1: 0, 2: 1, 3: 1, 4: 0, 5: 0, 6: 1, 7: 1, 8: -1, -1: -1}
	for cpu, want := range nodeOf {
		if got := s.NodeOf(cpu); got != want {
			t.Errorf("NodeOf(%d) = %d, want %d", cpu, got, want)
		}
	}
	tests := []struct {
		node int
		want []int
	}{
		{0, []int{0, 1, 4, 5}}, {1, []int{2, 3, 6, 7}}, {2, []int{}}, {3, nil}, {-1, nil},
	}
	for _, tt := range tests {
		got := s.NodeCPUs(tt.node)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("NodeCPUs(%d) = %#v, want %#v", tt.node, got, tt.want)
		}
	}
	// A new slice: changing it leaves the snapshot alone.
	s.NodeCPUs(0)[0] = 99
	if s.Topology.Nodes[0].CPUs[0] != 0 {
		t.Error("NodeCPUs returned the snapshot's slice")
	}

	// Node lists only (CPU.Node unknown), and CPU.Node only (no node list).
	s2 := twoSocket()
	for i := range s2.Topology.CPUs {
		s2.Topology.CPUs[i].Node = -1
	}
	if got := s2.NodeOf(6); got != 1 {
		t.Errorf("NodeOf via node lists = %d, want 1", got)
	}
	s3 := twoSocket()
	s3.Topology.Nodes = nil
	if got := s3.NodeCPUs(1); !reflect.DeepEqual(got, []int{2, 3, 6, 7}) {
		t.Errorf("NodeCPUs via CPU.Node = %v", got)
	}
	if got := s3.NodeOf(5); got != 0 {
		t.Errorf("NodeOf via CPU.Node = %d", got)
	}
}

func TestSiblings(t *testing.T) {
	s := twoSocket()
	if got := s.Siblings(6); !reflect.DeepEqual(got, []int{2, 6}) {
		t.Errorf("Siblings(6) = %v", got)
	}
	if got := s.Siblings(9); got != nil {
		t.Errorf("Siblings(9) = %v, want nil", got)
	}
	// Fallback: no sibling lists, key (package, die, core).
	s2 := &Snapshot{Topology: Topology{CPUs: []CPU{
		{ID: 0, Package: 0, Die: 0, Core: 0, Node: 0},
		{ID: 1, Package: 0, Die: 0, Core: 1, Node: 0},
		{ID: 2, Package: 1, Die: 0, Core: 0, Node: 1}, // same core_id, other package
		{ID: 3, Package: 0, Die: 1, Core: 0, Node: 0}, // same core_id, other die
		{ID: 4, Package: 0, Die: 0, Core: 0, Node: 0}, // thread of CPU 0
		{ID: 5, Package: -1, Die: -1, Core: -1, Node: -1},
	}}}
	tests := []struct {
		cpu  int
		want []int
	}{
		{0, []int{0, 4}}, {4, []int{0, 4}}, {1, []int{1}}, {2, []int{2}}, {3, []int{3}}, {5, nil},
	}
	for _, tt := range tests {
		if got := s2.Siblings(tt.cpu); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("fallback Siblings(%d) = %v, want %v", tt.cpu, got, tt.want)
		}
	}
	// A sibling list that forgot the CPU itself still includes it.
	s3 := &Snapshot{Topology: Topology{CPUs: []CPU{{ID: 1, Siblings: []int{17}}}}}
	if got := s3.Siblings(1); !reflect.DeepEqual(got, []int{1, 17}) {
		t.Errorf("Siblings(1) = %v, want [1 17]", got)
	}
}
