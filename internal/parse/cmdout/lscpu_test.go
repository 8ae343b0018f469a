package cmdout

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// lscpu, RHEL 7.9 (util-linux 2.23.2), two-socket KVM guest with two nodes.
const lscpuRHEL7 = `Architecture:          x86_64
CPU op-mode(s):        32-bit, 64-bit
Byte Order:            Little Endian
CPU(s):                8
On-line CPU(s) list:   0-7
Thread(s) per core:    2
Core(s) per socket:    2
Socket(s):             2
NUMA node(s):          2
Vendor ID:             GenuineIntel
CPU family:            6
Model:                 85
Model name:            Intel Xeon Processor (Cascadelake)
Stepping:              6
CPU MHz:               2294.608
BogoMIPS:              4589.21
Hypervisor vendor:     KVM
Virtualization type:   full
L1d cache:             32K
L1i cache:             32K
L2 cache:              4096K
L3 cache:              16384K
NUMA node0 CPU(s):     0-3
NUMA node1 CPU(s):     4-7
Flags:                 fpu vme de pse tsc msr pae mce cx8 apic sep mtrr
`

// lscpu, RHEL 9.2 (util-linux 2.37.4): keys indented under section headers;
// one CPU offline and a memory-only node (CXL).
const lscpuRHEL9 = `Architecture:            x86_64
  CPU op-mode(s):        32-bit, 64-bit
  Address sizes:         46 bits physical, 57 bits virtual
  Byte Order:            Little Endian
CPU(s):                  16
  On-line CPU(s) list:   0-14
  Off-line CPU(s) list:  15
Vendor ID:               GenuineIntel
  BIOS Vendor ID:        Intel(R) Corporation
  Model name:            Intel(R) Xeon(R) Gold 6338N CPU @ 2.20GHz
    BIOS Model name:     Intel(R) Xeon(R) Gold 6338N CPU @ 2.20GHz
    CPU family:          6
    Model:               106
    Thread(s) per core:  2
    Core(s) per socket:  8
    Socket(s):           1
    Stepping:            6
Virtualization features: 
  Virtualization:        VT-x
Caches (sum of all):     
  L1d:                   384 KiB (8 instances)
  L3:                    48 MiB (1 instance)
NUMA:                    
  NUMA node(s):          2
  NUMA node0 CPU(s):     0-14
  NUMA node1 CPU(s):     
Vulnerabilities:         
  Itlb multihit:         Not affected
  Spectre v2:            Mitigation; Enhanced IBRS, IBPB conditional, RSB filling, PBRSB-eIBRS SW sequence
`

func TestLscpu(t *testing.T) {
	tests := []struct {
		name                                   string
		in                                     string
		online                                 []int
		nodes                                  map[int][]int
		sockets, cores, threads                int
		hypervisor, modelName, vulnerabilities string
		err                                    string
	}{
		{name: "RHEL 7 KVM", in: lscpuRHEL7, online: []int{0, 1, 2, 3, 4, 5, 6, 7},
			nodes:   map[int][]int{0: {0, 1, 2, 3}, 1: {4, 5, 6, 7}},
			sockets: 2, cores: 2, threads: 2, hypervisor: "KVM", modelName: "Intel Xeon Processor (Cascadelake)"},
		{name: "RHEL 9 indented", in: lscpuRHEL9, online: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},
			nodes:   map[int][]int{0: {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, 1: {}},
			sockets: 1, cores: 8, threads: 2, modelName: "Intel(R) Xeon(R) Gold 6338N CPU @ 2.20GHz",
			vulnerabilities: "Mitigation; Enhanced IBRS, IBPB conditional, RSB filling, PBRSB-eIBRS SW sequence"},
		{name: "ARM with '-' sockets", in: "Architecture: aarch64\nCPU(s): 4\nOn-line CPU(s) list: 0-3\nThread(s) per core: 1\nCore(s) per cluster: 4\nSocket(s): -\nCluster(s): 1\n",
			online: []int{0, 1, 2, 3}, threads: 1},
		{name: "bad lists named", in: "CPU(s): 4\nOn-line CPU(s) list: 0-x\nNUMA node0 CPU(s): 3-1\nNUMA nodeX CPU(s): 1\nSocket(s): two\n",
			err: `line 2: On-line CPU(s) list: cpulist: bad range "0-x"`},
		{name: "empty", in: "", err: "unavailable"},
		{name: "not found", in: "sh: lscpu: command not found\n", err: "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Lscpu([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "online", got.Online, tt.online)
			same(t, "nodes", got.NodeCPUs, tt.nodes)
			same(t, "counts", []int{got.Sockets, got.CoresPerSocket, got.ThreadsPerCore}, []int{tt.sockets, tt.cores, tt.threads})
			same(t, "hypervisor", got.Hypervisor, tt.hypervisor)
			same(t, "model name", got.Fields["Model name"], tt.modelName)
			same(t, "spectre", got.Fields["Spectre v2"], tt.vulnerabilities)
		})
	}
	_, err := Lscpu([]byte("CPU(s): 4\nOn-line CPU(s) list: 0-x\nNUMA node0 CPU(s): 3-1\nNUMA nodeX CPU(s): 1\nSocket(s): two\n"))
	for _, want := range []string{"line 3: NUMA node0 CPU(s)", `line 4: bad NUMA node in "NUMA nodeX CPU(s)"`, `line 5: Socket(s): bad count "two"`} {
		wantErr(t, err, want)
	}
}

// lscpu -ae outputs.
const (
	// RHEL 8.8 (util-linux 2.32.1), 2 sockets, SMT, CPU 7 offline.
	lscpuAeRHEL8 = `CPU NODE SOCKET CORE L1d:L1i:L2:L3 ONLINE MAXMHZ    MINMHZ
0   0    0      0    0:0:0:0       yes    3700.0000 1000.0000
1   1    1      1    1:1:1:1       yes    3700.0000 1000.0000
2   0    0      2    2:2:2:0       yes    3700.0000 1000.0000
3   1    1      3    3:3:3:1       yes    3700.0000 1000.0000
4   0    0      0    0:0:0:0       yes    3700.0000 1000.0000
5   1    1      1    1:1:1:1       yes    3700.0000 1000.0000
6   0    0      2    2:2:2:0       yes    3700.0000 1000.0000
7   -    -      -    :::           no     -         -
`
	// Ubuntu 22.04 (util-linux 2.37.2) KVM guest without NUMA: no NODE column.
	lscpuAeNoNode = `CPU SOCKET CORE L1d:L1i:L2:L3 ONLINE
  0      0    0 0:0:0:0          yes
  1      0    1 1:1:1:0          yes
`
	// lscpu -p, CentOS 7 (util-linux 2.23.2).
	lscpuP = `# The following is the parsable format, which can be fed to other
# programs. Each different item in every column has an unique ID
# starting from zero.
# CPU,Core,Socket,Node,,L1d,L1i,L2,L3
0,0,0,0,,0,0,0,0
1,0,0,0,,0,0,0,0
2,1,1,1,,1,1,1,1
3,1,1,,,1,1,1,1
`
)

func TestLscpuTable(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []LscpuCPU
		err  string
	}{
		{"lscpu -ae RHEL 8", lscpuAeRHEL8, []LscpuCPU{
			{0, 0, 0, 0, true}, {1, 1, 1, 1, true}, {2, 0, 0, 2, true}, {3, 1, 1, 3, true},
			{4, 0, 0, 0, true}, {5, 1, 1, 1, true}, {6, 0, 0, 2, true}, {7, -1, -1, -1, false},
		}, ""},
		{"no NODE column", lscpuAeNoNode, []LscpuCPU{{0, -1, 0, 0, true}, {1, -1, 0, 1, true}}, ""},
		{"lscpu -p", lscpuP, []LscpuCPU{{0, 0, 0, 0, true}, {1, 0, 0, 0, true}, {2, 1, 1, 1, true}, {3, -1, 1, 1, true}}, ""},
		{"French ONLINE", "CPU NODE SOCKET CORE ONLINE\n  0    0      0    0 oui\n  1    0      0    0 non\n", []LscpuCPU{{0, 0, 0, 0, true}, {1, 0, 0, 0, false}}, ""},
		{"short and bad rows named", "CPU NODE SOCKET CORE\n0 0 0 0\n1 0 0\nx 0 0 0\n2 0 zero 1\n", []LscpuCPU{{0, 0, 0, 0, true}, {2, 0, -1, 1, true}},
			`line 3: 3 fields, header has 4; line 4: bad CPU "x"; line 5: CPU 2: bad socket "zero"`},
		{"csv short row", "# CPU,Node\n0,0\n1\n", []LscpuCPU{{0, 0, -1, -1, true}}, "lscpu -p: line 3: 1 fields, header has 2"},
		{"no header", "0 0\n1 0\n", nil, "not lscpu -e output"},
		{"csv without names", "# hello\n", nil, "unavailable"},
		{"empty", "", nil, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LscpuTable([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "rows", got, tt.want)
		})
	}
}

// TestLscpuCorpus reads the netutils-linux captures in place: lscpu_info is
// plain lscpu (util-linux 2.17-2.23, CentOS 6/7), lscpu_layout is
// `lscpu -p | grep -v '^#' | awk -F, '{print $1" "$3}'` (CPU and socket, no
// header), which LscpuTable reads once given the header those columns had.
func TestLscpuCorpus(t *testing.T) {
	dir := corpusDir(t)
	infos, _ := filepath.Glob(filepath.Join(dir, "*", "lscpu_info"))
	if len(infos) == 0 {
		t.Fatal("no lscpu_info in the corpus")
	}
	for _, f := range infos {
		l, err := Lscpu(readCorpus(t, f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		n, _ := strconv.Atoi(l.Fields["CPU(s)"])
		if n == 0 || len(l.Online) != n {
			t.Errorf("%s: CPU(s) %q but %d online", f, l.Fields["CPU(s)"], len(l.Online))
		}
		var inNodes []int
		for _, cpus := range l.NodeCPUs {
			inNodes = append(inNodes, cpus...)
		}
		slices.Sort(inNodes)
		if !slices.Equal(inNodes, l.Online) {
			t.Errorf("%s: node CPUs %v, online %v", f, inNodes, l.Online)
		}
		layout, err := os.ReadFile(filepath.Join(filepath.Dir(f), "lscpu_layout"))
		if err != nil {
			continue
		}
		rows, err := LscpuTable(append([]byte("CPU SOCKET\n"), layout...))
		if err != nil {
			t.Errorf("%s layout: %v", f, err)
			continue
		}
		sockets := map[int]bool{}
		var cpus []int
		for _, r := range rows {
			sockets[r.Socket] = true
			cpus = append(cpus, r.CPU)
		}
		if len(sockets) != l.Sockets || !slices.Equal(cpus, l.Online) {
			t.Errorf("%s: layout has %d sockets and CPUs %v; lscpu says %d sockets, online %v", f, len(sockets), cpus, l.Sockets, l.Online)
		}
	}
	// One capture pinned exactly: interleaved node numbering on 2x X5650.
	l, err := Lscpu(readCorpus(t, filepath.Join(dir, "2xX5650.BCM5709_and_MT27520.L2.manual", "lscpu_info")))
	if err != nil {
		t.Fatal(err)
	}
	same(t, "X5650 nodes", l.NodeCPUs, map[int][]int{0: {0, 2, 4, 6, 8, 10}, 1: {1, 3, 5, 7, 9, 11}})
	same(t, "X5650 counts", []int{l.Sockets, l.CoresPerSocket, l.ThreadsPerCore}, []int{2, 6, 1})
}
