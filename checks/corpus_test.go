package checks

import (
	"bufio"
	"bytes"
	"github.com/netdoctor/netdoctor/internal/corpus"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
)

// Real /proc/interrupts captures from the netutils-linux test corpus, read
// in place (never copied into the repository), judged by the checks that
// can run on interrupts alone: these hosts are irq-concentration's classic
// examples and near misses. Skipped when the corpus is absent.

func corpusPath(t *testing.T, rel string) string {
	t.Helper()
	return corpus.Path(t, "netutils-linux/tests/"+rel)
}

var nicName = regexp.MustCompile(`^(eth[0-9]+)(-|$)`)

// corpusSnap builds a sample from an interrupts file and, when given, an
// lscpu_layout ("cpu node" pairs). No boot time is known: the corpus has
// no /proc/stat.
func corpusSnap(t *testing.T, interrupts, layout string, at time.Time) *host.Snapshot {
	t.Helper()
	b, err := os.ReadFile(interrupts)
	if err != nil {
		t.Fatal(err)
	}
	ints, err := parse.Interrupts(b)
	if err != nil {
		t.Logf("%s: %v (using the rows parsed)", interrupts, err)
	}
	s := &host.Snapshot{Time: at, Source: "sosreport", Hostname: filepath.Base(filepath.Dir(interrupts)), Interrupts: ints}
	s.Topology.Online = slices.Clone(ints.CPUs)
	node := map[int]int{}
	if layout != "" {
		lb, err := os.ReadFile(layout)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(lb))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 2 {
				continue
			}
			c, err1 := strconv.Atoi(f[0])
			n, err2 := strconv.Atoi(f[1])
			if err1 == nil && err2 == nil {
				node[c] = n
			}
		}
	}
	byNode := map[int][]int{}
	for _, c := range ints.CPUs {
		n, ok := node[c]
		if !ok {
			n = -1
		}
		s.Topology.CPUs = append(s.Topology.CPUs, host.CPU{ID: c, Online: true, Package: -1, Die: -1, Core: -1, Node: n})
		if n >= 0 {
			byNode[n] = append(byNode[n], c)
		}
	}
	for n := 0; n < len(byNode); n++ {
		s.Topology.Nodes = append(s.Topology.Nodes, host.Node{ID: n, CPUs: byNode[n]})
	}
	seen := map[string]bool{}
	for _, q := range ints.IRQs {
		for _, a := range q.Actions {
			if m := nicName.FindStringSubmatch(a); m != nil && !seen[m[1]] {
				seen[m[1]] = true
				s.NICs = append(s.NICs, host.NIC{Name: m[1], Kind: "physical", NUMANode: -1, Speed: -1})
			}
		}
	}
	host.MapQueues(s)
	return s
}

func TestCorpusIRQConcentration(t *testing.T) {
	tests := []struct {
		name       string
		interrupts string
		layout     string
		second     string // a later capture of the same host: two samples
		verdict    Verdict
		want       string
	}{
		// eth0 (igb, 8 queues on CPU0) is the classic example. Without a
		// boot time queue 6 took 3.0e9 interrupts and the others 16-24e6
		// each (0.5-0.8 % of it): below the share of the busiest, but each
		// over ActiveCountNoTimeBase, so all eight are active, all on CPU0.
		{"2xE5-2640 without boot time: every queue on CPU0", "server-info-show.tests/2xE5-2640.i350_and_82599ES.l2_mixed.masterconf/interrupts",
			"server-info-show.tests/2xE5-2640.i350_and_82599ES.l2_mixed.masterconf/lscpu_layout", "", Fail, "eth0 0 warning"},
		// qlcnic, every vector of both ports on CPU0.
		{"2xE5-2687W qlcnic on CPU0", "server-info-show.tests/2xE5-2687W.2xQLogic.L3_manual/interrupts",
			"server-info-show.tests/2xE5-2687W.2xQLogic.L3_manual/lscpu_layout", "", Fail, "eth0 0 warning; eth1 0 warning"},
		{"vscale-vm has one CPU", "server-info-show.tests/vscale-vm/interrupts", "", "", NotApplicable, ""},
		{"singlequeue_8cpu near miss", "interrupts/singlequeue_8cpu/interrupts1", "", "", NotApplicable, ""},
		// Lowest-priority delivery: every queue's counts spread over all CPUs.
		{"strange-cpu spread evenly", "strange-cpu/interrupts", "", "", Pass, ""},
		{"multinic_multiqueue_4cpu, two samples, one queue per CPU", "interrupts/multinic_multiqueue_4cpu/interrupts1", "",
			"interrupts/multinic_multiqueue_4cpu/interrupts2", Pass, ""},
	}
	// The same capture with a boot time 2 days before: every eth0 queue
	// averages > 80/s (16.5e6 interrupts need an uptime under 2.4 days),
	// all on CPU0.
	t.Run("2xE5-2640 eth0 on CPU0 with a boot time", func(t *testing.T) {
		dir := "server-info-show.tests/2xE5-2640.i350_and_82599ES.l2_mixed.masterconf/"
		s := corpusSnap(t, corpusPath(t, dir+"interrupts"), corpusPath(t, dir+"lscpu_layout"), t0)
		s.BootTime = t0.Add(-48 * time.Hour)
		o := run(t, IRQConcentration, host.Single(s))
		if got := keys(o.Findings); got != "eth0 0 warning" {
			t.Errorf("%s %q, want eth0 0 warning", o.Verdict, got)
		}
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			layout := ""
			if tc.layout != "" {
				layout = corpusPath(t, tc.layout)
			}
			s := corpusSnap(t, corpusPath(t, tc.interrupts), layout, t0)
			p := host.Single(s)
			if tc.second != "" {
				var err error
				p, err = host.NewPair(s, corpusSnap(t, corpusPath(t, tc.second), layout, t0.Add(time.Second)))
				if err != nil {
					t.Fatal(err)
				}
			}
			o := run(t, IRQConcentration, p)
			if o.Verdict != tc.verdict || keys(o.Findings) != tc.want {
				t.Errorf("%s (%s) %q, want %s %q", o.Verdict, o.Reason, keys(o.Findings), tc.verdict, tc.want)
			}
			for _, f := range o.Findings {
				if f.Confidence != Low {
					t.Errorf("%s: confidence %s from since-boot counts only", f.Subject, f.Confidence)
				}
			}
			// No check may panic or error on real data.
			for _, o := range Run(NewEvidence(p), Registry()) {
				if o.Verdict == Error {
					t.Errorf("%s: %s", o.Check.ID, o.Reason)
				}
			}
		})
	}
}
