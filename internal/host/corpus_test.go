package host_test

import (
	"bufio"
	"bytes"
	"fmt"
	"github.com/netdoctor/netdoctor/internal/corpus"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
)

// netutils returns the netutils-linux captures of the real-host corpus
// (read in place, never copied).
func netutils(t *testing.T) string {
	t.Helper()
	return corpus.Path(t, "netutils-linux/tests")
}

// corpusHost loads a corpus host's /proc/interrupts and, from its ethtool -i
// captures, its interfaces (bridge and VLAN drivers become those kinds, the
// rest physical NICs at their bus-info address).
func corpusHost(t *testing.T, dir string) *host.Snapshot {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "interrupts"))
	if err != nil {
		t.Fatal(err)
	}
	irqs, err := parse.Interrupts(b)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	s := &host.Snapshot{Interrupts: irqs}
	ents, _ := os.ReadDir(filepath.Join(dir, "ethtool", "i"))
	for _, e := range ents {
		info, err := os.ReadFile(filepath.Join(dir, "ethtool", "i", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		n := host.NIC{Name: e.Name(), Kind: "physical", NUMANode: -1, Speed: -1}
		sc := bufio.NewScanner(bytes.NewReader(info))
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ": ")
			switch k {
			case "driver":
				n.Driver = v
			case "bus-info":
				n.PCI = v
			}
		}
		switch {
		case n.Driver == "bridge":
			n.Kind, n.PCI = "bridge", ""
		case strings.HasPrefix(n.Driver, "802.1Q"):
			n.Kind, n.PCI = "vlan", ""
		}
		s.NICs = append(s.NICs, n)
	}
	return s
}

func summary(n *host.NIC) string {
	var q []string
	for _, x := range n.Queues {
		q = append(q, fmt.Sprintf("%s%d=%d", x.Dir, x.Index, x.IRQ))
	}
	return strings.Join(q, " ") + fmt.Sprintf(" | misc %v | %s", n.MiscIRQs, n.QueueMap)
}

// TestMapQueuesCorpus maps the queues of the netutils-linux hosts (CentOS
// 6/7, kernels 2.6.32 and 3.10) and checks the known facts of the corpus
// README plus invariants on every host.
func TestMapQueuesCorpus(t *testing.T) {
	corpus := netutils(t)
	want := map[string]map[string]string{
		"2xE5-2687W.2xQLogic.L3_manual": { // qlcnic, vector names rx-0..2 and tx-0-rx-3
			"eth0": "rx0=88 rx1=89 rx2=90 rx3=91 | misc [] | names",
			"eth1": "rx0=93 rx1=94 rx2=95 rx3=96 | misc [] | names",
		},
		"2xE2690.1mellanox_1emulex.L2.masterconf": { // mlx4_en two ports on one function, tg3 split vectors
			"eth6": "combined0=113 combined1=114 combined2=115 combined3=116 combined4=117 combined5=118 combined6=119 combined7=120 | misc [109 110 111 112] | names",
			"eth0": "tx0=161 rx1=162 rx2=163 rx3=164 rx4=165 | misc [] | names",
		},
		"1xE3-1271.I217_and_X710.L2_mixed.masterconf": { // i40e with misc and flow-director vectors
			"eth0": "combined0=33 combined1=34 combined2=35 combined3=36 | misc [32 37] | names",
			"eth1": " | misc [46 51] | names", // down: misc and fdir vectors only
		},
		"1xi3.single_i350.l2_mixed.manual": { // skge's single INTx vector is named skge@pci:ADDR
			"eth5": "combined0=19 | misc [] | names",
			"eth6": "combined0=35 combined1=36 combined2=37 combined3=38 | misc [34] | names",
		},
		"1xi3.I211_I219V.L2_manual": { // igb split rx/tx vectors
			"eth0": "rx0=130 tx0=132 rx1=131 tx1=133 | misc [129] | names",
		},
	}
	hosts, _ := filepath.Glob(filepath.Join(corpus, "server-info-show.tests", "*"))
	if len(hosts) == 0 {
		t.Fatal("no corpus hosts")
	}
	for _, dir := range hosts {
		name := filepath.Base(dir)
		if _, err := os.Stat(filepath.Join(dir, "interrupts")); err != nil {
			continue // xen.lsblk has disk data only
		}
		t.Run(name, func(t *testing.T) {
			s := corpusHost(t, dir)
			host.MapQueues(s)
			owner := map[int]string{}
			for i := range s.NICs {
				n := &s.NICs[i]
				if w, ok := want[name][n.Name]; ok {
					if got := summary(n); got != w {
						t.Errorf("%s: got  %q\nwant %q", n.Name, got, w)
					}
				}
				if n.Kind != "physical" && (len(n.Queues) > 0 || len(n.MiscIRQs) > 0) {
					t.Errorf("%s (%s) got vectors: %s", n.Name, n.Kind, summary(n))
				}
				// A physical NIC with vectors named DEV-… has queues.
				if n.Kind == "physical" && len(n.Queues) == 0 {
					for _, q := range s.Interrupts.IRQs {
						for _, a := range q.Actions {
							if strings.HasPrefix(a, n.Name+"-") || a == n.Name {
								t.Errorf("%s has vector %q but no queues: %s", n.Name, a, summary(n))
							}
						}
					}
				}
				for _, q := range n.Queues {
					if len(s.IRQ(q.IRQ).Actions) > 1 {
						continue // a shared legacy line serves every NIC it names (kvm.l3: "uhci_hcd:usb1, eth0, eth1")
					}
					if o, dup := owner[q.IRQ]; dup {
						t.Errorf("IRQ %d is a queue of %s and %s", q.IRQ, o, n.Name)
					}
					owner[q.IRQ] = n.Name
				}
			}
		})
	}
	// mlx5 (rss-ladder mlx5.Q6700): no netdev names, only PCI addresses.
	b, err := os.ReadFile(filepath.Join(corpus, "rss-ladder.tests", "mlx5.Q6700", "interrupts"))
	if err != nil {
		t.Fatal(err)
	}
	irqs, err := parse.Interrupts(b)
	if err != nil {
		t.Fatal(err)
	}
	s := &host.Snapshot{Interrupts: irqs, NICs: []host.NIC{
		{Name: "enp1s0f0", Kind: "physical", PCI: "0000:01:00.0", Driver: "mlx5_core"},
		{Name: "enp1s0f1", Kind: "physical", PCI: "0000:01:00.1", Driver: "mlx5_core"},
	}}
	host.MapQueues(s)
	for n, w := range map[string]string{
		"enp1s0f0": "combined0=30 combined1=31 combined2=32 combined3=33 | misc [27 28 29] | names",
		"enp1s0f1": "combined0=37 combined1=38 combined2=39 combined3=40 | misc [34 35 36] | names",
	} {
		if got := summary(s.NIC(n)); got != w {
			t.Errorf("mlx5 %s: got %q, want %q", n, got, w)
		}
	}
}

// TestPairCorpusSamples pairs consecutive captures of /proc/interrupts,
// /proc/softirqs and softnet_stat from the corpus (CentOS 6/7 hosts, ~1 s
// apart) and checks every IRQ delta against the change of the row's total.
func TestPairCorpusSamples(t *testing.T) {
	corpus := netutils(t)
	t0 := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	load := func(t *testing.T, path string, i int, fill func(*host.Snapshot, []byte) error) *host.Snapshot {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s := &host.Snapshot{Hostname: "corpus", Time: t0.Add(time.Duration(i) * time.Second)}
		if err := fill(s, b); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return s
	}
	pairs := func(t *testing.T, dir, prefix string, fill func(*host.Snapshot, []byte) error, check func(*testing.T, *host.Pair)) {
		for i := 1; i < 5; i++ {
			a := load(t, filepath.Join(dir, fmt.Sprintf("%s%d", prefix, i)), i, fill)
			b := load(t, filepath.Join(dir, fmt.Sprintf("%s%d", prefix, i+1)), i+1, fill)
			p, err := host.NewPair(a, b)
			if err != nil {
				t.Fatal(err)
			}
			check(t, p)
		}
	}
	irqDirs, _ := filepath.Glob(filepath.Join(corpus, "interrupts", "*"))
	for _, dir := range irqDirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			pairs(t, dir, "interrupts", func(s *host.Snapshot, b []byte) (err error) {
				s.Interrupts, err = parse.Interrupts(b)
				return err
			}, func(t *testing.T, p *host.Pair) {
				n := 0
				for i := range p.After.Interrupts.IRQs {
					q := &p.After.Interrupts.IRQs[i]
					old := p.Before.IRQ(q.Num)
					d, ok := p.IRQDelta(q.Num)
					if !ok {
						if old != nil && slices.Equal(old.Actions, q.Actions) {
							t.Errorf("IRQ %d: not ok", q.Num)
						}
						continue
					}
					var sum uint64
					for _, v := range d {
						sum += v
					}
					if want := q.Total() - old.Total(); sum != want {
						t.Errorf("IRQ %d: deltas sum to %d, totals differ by %d", q.Num, sum, want)
					}
					n += int(sum)
				}
				if n == 0 {
					t.Error("no interrupts at all between samples")
				}
			})
		})
	}
	t.Run("softirqs", func(t *testing.T) {
		dirs, _ := filepath.Glob(filepath.Join(corpus, "softirqs", "*"))
		for _, dir := range dirs {
			pairs(t, dir, "softirqs", func(s *host.Snapshot, b []byte) (err error) {
				s.Softirqs, err = parse.Softirqs(b)
				return err
			}, func(t *testing.T, p *host.Pair) {
				d := p.SoftirqDelta("NET_RX")
				if len(d) != len(p.After.Softirqs.CPUs) {
					t.Errorf("%s: NET_RX deltas for %d CPUs, header has %d", dir, len(d), len(p.After.Softirqs.CPUs))
				}
			})
		}
	})
	t.Run("softnet_stat", func(t *testing.T) {
		dir := filepath.Join(corpus, "softnet_stat")
		pairs(t, dir, "softnet_stat", func(s *host.Snapshot, b []byte) (err error) {
			online := make([]int, bytes.Count(b, []byte("\n"))) // every CPU online: rows are CPUs 0..n-1
			for i := range online {
				online[i] = i
			}
			s.Softnet, err = parse.SoftnetStat(b, online)
			return err
		}, func(t *testing.T, p *host.Pair) {
			var processed uint64
			for _, r := range p.After.Softnet {
				if r.CPU < 0 {
					continue
				}
				d, ok := p.SoftnetDelta(r.CPU)
				if !ok {
					t.Errorf("SoftnetDelta(%d) not ok", r.CPU)
				}
				processed += uint64(d.Processed)
			}
			if processed == 0 {
				t.Error("no packets processed between samples")
			}
		})
	})
}
