package source

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netdoctor/netdoctor/internal/host"
)

// lscpu -ae of the sosTree host (RHEL 8.8 util-linux 2.32.1 layout).
const lscpuAe = `CPU NODE SOCKET CORE L1d:L1i:L2:L3 ONLINE MAXMHZ    MINMHZ
0   0    0      0    0:0:0:0       yes    3700.0000 1000.0000
1   1    1      1    1:1:1:1       yes    3700.0000 1000.0000
2   0    0      0    0:0:0:0       yes    3700.0000 1000.0000
3   1    1      1    1:1:1:1       yes    3700.0000 1000.0000
`

// numactl --hardware of the same host.
const numactl = `available: 2 nodes (0-1)
node 0 cpus: 0 2
node 0 size: 64000 MB
node 0 free: 1000 MB
node 1 cpus: 1 3
node 1 size: 64000 MB
node 1 free: 1000 MB
node distances:
node   0   1
  0:  10  21
  1:  21  10
`

func TestTopologyFallbacks(t *testing.T) {
	noNuma := sosTree().without("sys/devices/system/node/")
	noCPUDirs := sosTree().without("sys/devices/system/cpu/cpu")
	tests := []struct {
		name      string
		files     tree
		nodesAt   string
		nodesNote string
		topoAt    string
		topoNote  string
		sib3      []int
		node3     int
	}{
		{"sysfs", sosTree(), "sys/devices/system/node", "", "sys/devices/system/cpu/online", "", []int{1, 3}, 1},
		{"numactl when the numa plugin did not run",
			noNuma.with(tree{"sos_commands/numa/numactl_--hardware": numactl}),
			"sos_commands/numa/numactl_--hardware", "numa plugin did not run", "sys/devices/system/cpu/online", "", []int{1, 3}, 1},
		{"lscpu NUMA lines", noNuma, "sos_commands/processor/lscpu", "nodes from lscpu", "sys/devices/system/cpu/online", "", []int{1, 3}, 1},
		{"lscpu -ae table",
			noNuma.without("sos_commands/processor/lscpu").with(tree{"sos_commands/processor/lscpu_-ae": lscpuAe}),
			"sos_commands/processor/lscpu_-ae", "nodes from lscpu -ae", "sys/devices/system/cpu/online", "", []int{1, 3}, 1},
		{"cpuN/nodeM link names",
			noNuma.without("sos_commands/processor/lscpu"),
			"sys/devices/system/cpu/cpuN/nodeM", "link names", "sys/devices/system/cpu/online", "", []int{1, 3}, 1},
		{"no cpuN directories: lscpu -ae",
			noCPUDirs.with(tree{"sos_commands/processor/lscpu_-ae": lscpuAe}),
			"sys/devices/system/node", "", "sys/devices/system/cpu/online", "from sos_commands/processor/lscpu_-ae", []int{1, 3}, 1},
		{"no online file: lscpu",
			sosTree().without("sys/devices/system/cpu/online"),
			"sys/devices/system/node", "", "sos_commands/processor/lscpu", "online CPUs from lscpu", []int{1, 3}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadTree(t, tt.files)
			nodes := inputOf(t, s, host.InputNUMANodes, "")
			if nodes.Status != host.StatusOK || nodes.Path != tt.nodesAt || !strings.Contains(nodes.Reason, tt.nodesNote) {
				t.Errorf("numa input %+v, want %s with %q", nodes, tt.nodesAt, tt.nodesNote)
			}
			topo := inputOf(t, s, host.InputCPUTopology, "")
			if topo.Status != host.StatusOK || topo.Path != tt.topoAt || !strings.Contains(topo.Reason, tt.topoNote) {
				t.Errorf("topology input %+v, want %s with %q", topo, tt.topoAt, tt.topoNote)
			}
			if diff := cmp.Diff([]int{0, 1, 2, 3}, s.Topology.Online); diff != "" {
				t.Errorf("online: %s", diff)
			}
			if diff := cmp.Diff(tt.sib3, s.Siblings(3)); diff != "" {
				t.Errorf("siblings of 3: %s", diff)
			}
			if got := s.NodeOf(3); got != tt.node3 {
				t.Errorf("node of 3 = %d, want %d", got, tt.node3)
			}
			if len(s.Topology.Nodes) != 2 {
				t.Errorf("nodes %+v", s.Topology.Nodes)
			}
		})
	}
}

// sos >= 4.12 copies at most 64 cpuN directories, in string order.
func TestTopologySos412Cap(t *testing.T) {
	const n = 96
	files := tree{
		"sos_commands/date/date_--utc":  "Tue Mar  5 10:11:12 UTC 2024\n",
		"sos_commands/host/hostname":    "big1\n",
		"sys/devices/system/cpu/online": "0-95\n",
	}
	var ae strings.Builder
	ae.WriteString("CPU NODE SOCKET CORE ONLINE\n")
	var names []string
	for cpu := 0; cpu < n; cpu++ {
		names = append(names, "cpu"+strconv.Itoa(cpu))
		core := cpu % 48
		ae.WriteString(strconv.Itoa(cpu) + " " + strconv.Itoa(core/24) + " " + strconv.Itoa(core/24) + " " + strconv.Itoa(core) + " yes\n")
	}
	// The first 64 names in string order: cpu0, cpu1, cpu10, cpu11, ...
	sort.Strings(names)
	for _, name := range names[:64] {
		id := name[3:]
		core := mustAtoi(id) % 48
		d := "sys/devices/system/cpu/" + name + "/topology/"
		files[d+"core_id"] = strconv.Itoa(core) + "\n"
		files[d+"physical_package_id"] = strconv.Itoa(core/24) + "\n"
		files[d+"thread_siblings_list"] = strconv.Itoa(core) + "," + strconv.Itoa(core+48) + "\n"
	}
	files["sos_commands/processor/lscpu_-ae"] = ae.String()
	s := loadTree(t, files)
	in := inputOf(t, s, host.InputCPUTopology, "")
	if !strings.Contains(in.Reason, "only 64 of 96 cpuN directories") || !strings.Contains(in.Reason, "32 CPUs from") {
		t.Errorf("topology reason %q", in.Reason)
	}
	for cpu := 0; cpu < n; cpu++ {
		c := s.CPU(cpu)
		if c == nil || c.Core != cpu%48 || len(c.Siblings) != 2 {
			t.Fatalf("cpu %d: %+v", cpu, c)
		}
	}
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}
