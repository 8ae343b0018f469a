package source

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// corpusDir is netutils-linux's captured server data, read in place.
const corpusDir = "../../../shared/corpus/netutils-linux/tests/server-info-show.tests"

// TestCorpusHosts maps each real host of the netutils-linux corpus (its
// /proc/interrupts, lscpu, /proc/cpuinfo and ethtool -i/-g captures) into
// the sosreport layout in memory and loads it: the interrupts must parse,
// the CPUs and nodes must match lscpu, every interface gets its driver, and
// multi-queue NICs get their queues from the vector names.
func TestCorpusHosts(t *testing.T) {
	hosts, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Skip("corpus absent:", err)
	}
	n := 0
	for _, h := range hosts {
		dir := filepath.Join(corpusDir, h.Name())
		ints, err := os.ReadFile(filepath.Join(dir, "interrupts"))
		if err != nil {
			continue
		}
		n++
		t.Run(h.Name(), func(t *testing.T) {
			files := tree{"proc/interrupts": string(ints)}
			lscpu, lerr := os.ReadFile(filepath.Join(dir, "lscpu_info"))
			if lerr == nil {
				files["sos_commands/processor/lscpu"] = string(lscpu)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "cpuinfo")); err == nil {
				files["proc/cpuinfo"] = string(b)
			}
			var names []string
			for opt, flag := range map[string]string{"i": "-i", "g": "-g"} {
				ents, _ := os.ReadDir(filepath.Join(dir, "ethtool", opt))
				for _, e := range ents {
					b, err := os.ReadFile(filepath.Join(dir, "ethtool", opt, e.Name()))
					if err != nil {
						continue
					}
					files["sos_commands/networking/ethtool_"+flag+"_"+e.Name()] = string(b)
					if opt == "i" {
						names = append(names, e.Name())
					}
				}
			}
			s, err := LoadRoot(newMemFS(files), KindSosreport, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if in := inputOf(t, s, host.InputInterrupts, ""); in.Status != host.StatusOK {
				t.Errorf("interrupts %+v", in)
			}
			if lerr == nil {
				if want := lscpuField(string(lscpu), "CPU(s)"); want != "" && strconv.Itoa(len(s.Topology.Online)) != want {
					t.Errorf("%d online CPUs, lscpu says %s", len(s.Topology.Online), want)
				}
				if want := lscpuField(string(lscpu), "NUMA node(s)"); want != "" && strconv.Itoa(len(s.Topology.Nodes)) != want {
					t.Errorf("%d nodes, lscpu says %s", len(s.Topology.Nodes), want)
				}
			}
			if len(s.NICs) != len(names) {
				t.Errorf("%d NICs from %d ethtool -i files", len(s.NICs), len(names))
			}
			for _, nic := range s.NICs {
				if nic.Driver == "" {
					t.Errorf("%s has no driver", nic.Name)
				}
				multi := strings.Contains(string(ints), " "+nic.Name+"-TxRx-1") || strings.Contains(string(ints), " "+nic.Name+"-rx-1")
				if multi && (len(nic.Queues) < 2 || nic.QueueMap != "names") {
					t.Errorf("%s (%s): queues %v map %q", nic.Name, nic.Driver, nic.Queues, nic.QueueMap)
				}
			}
		})
	}
	if n == 0 {
		t.Skip("no host with interrupts in the corpus")
	}
}

// lscpuField returns the value of an lscpu "Key: value" line.
func lscpuField(text, key string) string {
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
