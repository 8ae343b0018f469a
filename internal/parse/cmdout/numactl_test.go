package cmdout

import (
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// numactl --hardware, RHEL 7.9 (numactl 2.0.12), 2 sockets, interleaved SMT ids.
const numactl2 = `available: 2 nodes (0-1)
node 0 cpus: 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
node 0 size: 65213 MB
node 0 free: 60123 MB
node 1 cpus: 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
node 1 size: 65536 MB
node 1 free: 61002 MB
node distances:
node   0   1 
  0:  10  21 
  1:  21  10 
`

// numactl --hardware, RHEL 9.3 (numactl 2.0.16), CXL memory-only node 2 and
// sparse ids (node 3 absent).
const numactlCXL = `available: 3 nodes (0-2,4)
node 0 cpus: 0 1 2 3
node 0 size: 31846 MB
node 0 free: 30000 MB
node 1 cpus: 4 5 6 7
node 1 size: 32252 MB
node 1 free: 31000 MB
node 2 cpus:
node 2 size: 65536 MB
node 2 free: 65536 MB
node 4 cpus: 8
node 4 size: 1024 MB
node 4 free: 1000 MB
node distances:
node   0   1   2   4 
  0:  10  21  14  30 
  1:  21  10  24  30 
  2:  14  24  10  40 
  4:  30  30  40  10 
`

func TestNumactlHardware(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []host.Node
		err  string
	}{
		{"two nodes", numactl2, []host.Node{
			{ID: 0, CPUs: []int{0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23}, Distances: []int{10, 21}},
			{ID: 1, CPUs: []int{8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31}, Distances: []int{21, 10}},
		}, ""},
		{"CXL and sparse ids", numactlCXL, []host.Node{
			{ID: 0, CPUs: []int{0, 1, 2, 3}, Distances: []int{10, 21, 14, -1, 30}},
			{ID: 1, CPUs: []int{4, 5, 6, 7}, Distances: []int{21, 10, 24, -1, 30}},
			{ID: 2, CPUs: []int{}, Distances: []int{14, 24, 10, -1, 40}},
			{ID: 4, CPUs: []int{8}, Distances: []int{30, 30, 40, -1, 10}},
		}, ""},
		{"single node VM", "available: 1 nodes (0)\nnode 0 cpus: 0 1\nnode 0 size: 3789 MB\nnode 0 free: 2000 MB\nnode distances:\nnode   0 \n  0:  10 \n",
			[]host.Node{{ID: 0, CPUs: []int{0, 1}, Distances: []int{10}}}, ""},
		{"truncated", "available: 2 nodes (0-1)\nnode 0 cpus: 0 1\nnode 0 size: 3789 MB\n",
			[]host.Node{{ID: 0, CPUs: []int{0, 1}}}, `"available" says 2 nodes, found 1`},
		{"bad rows named", "node 0 cpus: 0 x 1\nnode 5000 cpus: 1\nnode distances:\nnode 0\n  0: 10 20\n",
			[]host.Node{{ID: 0, CPUs: []int{0, 1}}}, `line 1: node 0: bad CPU "x"; line 2: bad node "5000"; line 5: node 0: 2 distances for 1 nodes`},
		{"repeated column", "node 0 cpus: 0\nnode distances:\nnode 0 0\n  0: 10 10\n",
			[]host.Node{{ID: 0, CPUs: []int{0}}}, `line 3: bad or repeated node "0" in distance header`},
		{"no NUMA", "No NUMA available on this system\n", nil, "unavailable"},
		{"empty", "", nil, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NumactlHardware([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "nodes", got, tt.want)
		})
	}
}
