package source

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/fixturegen"
	"github.com/netdoctor/netdoctor/internal/host"
)

// fixturesDir holds the committed fixtures, relative to this package.
const fixturesDir = "../../fixtures"

// expectDoc is the part of a fixture's expect.json this package checks.
type expectDoc struct {
	Bundles []string `json:"bundles"`
	Model   struct {
		Hostname    string            `json:"hostname"`
		Kernel      string            `json:"kernel"`
		Samples     int               `json:"samples"`
		OnlineCPUs  string            `json:"online_cpus"`
		Nodes       map[string]string `json:"nodes"`
		SMT         bool              `json:"smt"`
		NICs        []expectNIC       `json:"nics"`
		InputsNotOK []struct {
			Name    string `json:"name"`
			Subject string `json:"subject"`
			Status  string `json:"status"`
		} `json:"inputs_not_ok"`
	} `json:"model"`
}

type expectNIC struct {
	Name      string `json:"name"`
	Driver    string `json:"driver"`
	PCI       string `json:"pci"`
	NUMANode  int    `json:"numa_node"`
	Queues    int    `json:"queues"`
	QueueMap  string `json:"queue_map"`
	RingRX    int    `json:"ring_rx"`
	RingRXMax int    `json:"ring_rx_max"`
}

// fixtureDirs returns the committed fixtures, or when there are none yet,
// the fixtures fixturegen writes into a temporary directory.
func fixtureDirs(t *testing.T) []string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(fixturesDir, "*", "expect.json"))
	if len(dirs) == 0 {
		root := t.TempDir()
		if err := fixturegen.WriteFixtures(root); err != nil {
			t.Fatalf("writing fixtures: %v", err)
		}
		dirs, _ = filepath.Glob(filepath.Join(root, "*", "expect.json"))
	}
	for i := range dirs {
		dirs[i] = filepath.Dir(dirs[i])
	}
	sort.Strings(dirs)
	return dirs
}

// TestFixtures loads every fixture and compares the model with its
// expect.json: host, kernel, samples, online CPUs, nodes, SMT, each
// physical NIC (driver, PCI, NUMA node, queues and how they were mapped,
// ring) and the inputs the fixture withholds on purpose.
func TestFixtures(t *testing.T) {
	dirs := fixtureDirs(t)
	if len(dirs) == 0 {
		t.Skip("no fixtures")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "expect.json"))
			if err != nil {
				t.Fatal(err)
			}
			var exp expectDoc
			if err := json.Unmarshal(b, &exp); err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, p := range exp.Bundles {
				paths = append(paths, filepath.Join(dir, p))
			}
			p, err := Load(paths, Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := exp.Model
			samples := 1
			if p.TwoSample() {
				samples = 2
			}
			s := p.After
			if samples != m.Samples || s.Hostname != m.Hostname || s.Kernel != m.Kernel {
				t.Errorf("samples %d host %q kernel %q, want %d %q %q", samples, s.Hostname, s.Kernel, m.Samples, m.Hostname, m.Kernel)
			}
			if got := host.FormatCPUList(s.Topology.Online); got != m.OnlineCPUs {
				t.Errorf("online %q, want %q", got, m.OnlineCPUs)
			}
			online := map[int]bool{}
			for _, c := range s.Topology.Online {
				online[c] = true
			}
			gotNodes := map[string]string{}
			for _, n := range s.Topology.Nodes {
				var cpus []int
				for _, c := range n.CPUs {
					if online[c] {
						cpus = append(cpus, c)
					}
				}
				gotNodes[strconv.Itoa(n.ID)] = host.FormatCPUList(cpus)
			}
			if len(m.Nodes) > 0 && !sameMap(gotNodes, m.Nodes) {
				t.Errorf("nodes %v, want %v", gotNodes, m.Nodes)
			}
			smt := false
			if s.Topology.SMTActive != nil {
				smt = *s.Topology.SMTActive
			} else {
				for _, c := range s.Topology.CPUs {
					smt = smt || len(c.Siblings) > 1
				}
			}
			if smt != m.SMT {
				t.Errorf("smt %v, want %v", smt, m.SMT)
			}
			for _, want := range m.NICs {
				n := s.NIC(want.Name)
				if n == nil {
					t.Errorf("NIC %s missing", want.Name)
					continue
				}
				ring := [2]int{}
				if n.Ring != nil {
					ring = [2]int{n.Ring.RX, n.Ring.RXMax}
				}
				got := expectNIC{Name: n.Name, Driver: n.Driver, PCI: n.PCI, NUMANode: n.NUMANode, Queues: len(n.Queues),
					QueueMap: n.QueueMap, RingRX: ring[0], RingRXMax: ring[1]}
				if got != want {
					t.Errorf("NIC %s:\n got  %+v\n want %+v", want.Name, got, want)
				}
			}
			withheld := map[string]string{}
			for _, in := range m.InputsNotOK {
				withheld[in.Name+"/"+in.Subject] = in.Status
				got := s.Input(in.Name, in.Subject)
				if got == nil || string(got.Status) != in.Status {
					t.Errorf("input %s/%s: %+v, want %s", in.Name, in.Subject, got, in.Status)
				}
			}
			for _, in := range s.Inputs {
				// ethtool questions a driver does not answer are normal.
				if in.Status != host.StatusOK && withheld[in.Name+"/"+in.Subject] == "" && !strings.Contains(in.Reason, "holds no data") {
					t.Logf("not ok and not declared: %+v", in)
				}
			}
		})
	}
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
