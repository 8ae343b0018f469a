package source

import (
	"slices"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// With no CPU directory and no lscpu, the one online set comes from the
// other sources, in order, and is the Topology every consumer reads.
func TestCompleteOnline(t *testing.T) {
	ints := "           CPU0       CPU1       CPU2       CPU3       \n 30:   10   0   0   0   PCI-MSI 1-edge   eth0-TxRx-0\n"
	stat := "cpu  4 0 4 400 0 0 0 0 0 0\ncpu0 1 0 1 100 0 0 0 0 0 0\ncpu2 1 0 1 100 0 0 0 0 0 0\nbtime 1700000000\n"
	cpuinfo := "processor\t: 0\nflags\t\t: fpu\n\nprocessor\t: 1\nflags\t\t: fpu\n"
	lscpu := "CPU(s):              2\nOn-line CPU(s) list: 0,1\nThread(s) per core:  2\nCore(s) per socket:  1\nSocket(s):           1\n"
	for _, tt := range []struct {
		name  string
		files tree
		want  []int
		from  string
		smt   *bool
	}{
		{"interrupts header", tree{"proc/interrupts": ints, "proc/stat": stat, "proc/cpuinfo": cpuinfo}, []int{0, 1, 2, 3}, "/proc/interrupts", nil},
		{"proc/stat", tree{"proc/stat": stat, "proc/cpuinfo": cpuinfo}, []int{0, 2}, "/proc/stat", nil},
		{"cpuinfo", tree{"proc/cpuinfo": cpuinfo, "proc/softirqs": "   CPU0 CPU1\n NET_RX: 1 2\n"}, []int{0, 1}, "/proc/cpuinfo", nil},
		{"lscpu, with SMT", tree{"sos_commands/processor/lscpu": lscpu, "proc/interrupts": ints}, []int{0, 1}, "lscpu", ptr(true)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := LoadRoot(newMemFS(tt.files), KindSosreport, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Topology.Online, tt.want) {
				t.Errorf("online %v, want %v", s.Topology.Online, tt.want)
			}
			n := 0
			for _, c := range s.Topology.CPUs {
				if c.Online {
					n++
				}
			}
			if n != len(tt.want) {
				t.Errorf("%d CPUs marked online, want %d", n, len(tt.want))
			}
			if in := inputOf(t, s, host.InputCPUTopology, ""); !strings.Contains(in.Reason+in.Path, tt.from) {
				t.Errorf("cpu_topology %+v, want it to name %s", in, tt.from)
			}
			if (tt.smt == nil) != (s.Topology.SMTActive == nil) || (tt.smt != nil && *tt.smt != *s.Topology.SMTActive) {
				t.Errorf("SMT %v, want %v", s.Topology.SMTActive, tt.smt)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
