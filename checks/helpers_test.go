package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Hand-built hosts for the unit tests: small, readable, shaped like what
// the sources produce (docs/receive-path.md).

var (
	t0       = time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC)
	bootTime = t0.Add(-(3*24 + 4) * time.Hour) // "since boot (3d 4h)"
)

const interval = 5 * time.Second

// newHost is an ncpu-CPU, one-node host without SMT (each CPU its own
// core, siblings known), booted 3d 4h before t0.
func newHost(ncpu int) *host.Snapshot {
	s := &host.Snapshot{
		Time: t0, Source: "collect", Hostname: "db1", Kernel: "5.14.0-362.8.1.el9_3.x86_64",
		BootTime: bootTime, Sysctls: map[string]string{}, NetStats: map[string]map[string]int64{},
	}
	for c := 0; c < ncpu; c++ {
		s.Topology.Online = append(s.Topology.Online, c)
		s.Topology.CPUs = append(s.Topology.CPUs, host.CPU{ID: c, Online: true, Package: 0, Die: 0, Core: c, Node: 0, Siblings: []int{c}})
	}
	s.Topology.Nodes = []host.Node{{ID: 0, CPUs: slices.Clone(s.Topology.Online), Distances: []int{10}}}
	s.Interrupts.CPUs = slices.Clone(s.Topology.Online)
	s.Softirqs.CPUs = slices.Clone(s.Topology.Online)
	s.Softirqs.Counts = map[string][]uint64{"NET_RX": make([]uint64, ncpu)}
	for c := 0; c < ncpu; c++ {
		s.Softnet = append(s.Softnet, host.SoftnetRow{CPU: c, CPUFromIndex: true, Columns: 13})
		s.CPUTimes = append(s.CPUTimes, host.CPUTime{CPU: c, User: 1000, System: 1000, Idle: 100000})
	}
	return s
}

// withNodes splits the CPUs over NUMA nodes (distances 10/21).
func withNodes(s *host.Snapshot, nodes ...[]int) *host.Snapshot {
	s.Topology.Nodes = nil
	for id, cpus := range nodes {
		d := make([]int, len(nodes))
		for j := range d {
			d[j] = 21
		}
		d[id] = 10
		s.Topology.Nodes = append(s.Topology.Nodes, host.Node{ID: id, CPUs: cpus, Distances: d})
		for _, c := range cpus {
			s.Topology.CPUs[c].Node = id
			s.Topology.CPUs[c].Package = id
		}
	}
	return s
}

// withCores sets hyperthread siblings: each list is one core.
func withCores(s *host.Snapshot, cores ...[]int) *host.Snapshot {
	for i, core := range cores {
		for _, c := range core {
			s.Topology.CPUs[c].Siblings = core
			s.Topology.CPUs[c].Core = i
		}
	}
	on := true
	s.Topology.SMTActive = &on
	return s
}

// addNIC adds a physical NIC with queues combined queues on IRQs first..,
// each IRQ with a one-CPU effective affinity of aff[i] (nil: none).
func addNIC(s *host.Snapshot, name, driver string, node, first, queues int, aff []int) *host.NIC {
	n := host.NIC{
		Name: name, Kind: "physical", Device: "0000:3b:00.0", PCI: "0000:3b:00.0", Driver: driver,
		NUMANode: node, Speed: 10000, QueueMap: "msi_irqs",
		Stats: map[string]uint64{"rx_packets": 0, "rx_missed_errors": 0, "rx_fifo_errors": 0, "rx_over_errors": 0, "rx_dropped": 0},
	}
	for q := 0; q < queues; q++ {
		irq := first + q
		action := fmt.Sprintf("%s-TxRx-%d", name, q)
		n.Queues = append(n.Queues, host.Queue{Index: q, Dir: host.DirCombined, IRQ: irq, Name: action})
		n.MSIIRQs = append(n.MSIIRQs, irq)
		row := host.IRQ{Num: irq, Chip: "IR-PCI-MSI", HWIRQ: fmt.Sprint(524288 + q), Trigger: "edge",
			Actions: []string{action}, Counts: make([]uint64, len(s.Interrupts.CPUs)), Node: node,
			Affinity: slices.Clone(s.Topology.Online)}
		if aff != nil {
			row.Effective = []int{aff[q]}
		}
		s.Interrupts.IRQs = append(s.Interrupts.IRQs, row)
	}
	slices.SortFunc(s.Interrupts.IRQs, func(a, b host.IRQ) int { return a.Num - b.Num })
	s.NICs = append(s.NICs, n)
	return &s.NICs[len(s.NICs)-1]
}

// clone deep-copies a snapshot (for the second sample).
func clone(t testing.TB, s *host.Snapshot) *host.Snapshot {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out host.Snapshot
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// later is the second sample: a clone interval later, changed by f.
func later(t testing.TB, before *host.Snapshot, f func(a *host.Snapshot)) *host.Pair {
	t.Helper()
	after := clone(t, before)
	after.Time = before.Time.Add(interval)
	if f != nil {
		f(after)
	}
	p, err := host.NewPair(before, after)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// irqRate adds rate interrupts/s on cpu to IRQ num over the interval.
func irqRate(s *host.Snapshot, num, cpu int, rate float64) {
	q := s.IRQ(num)
	q.Counts[slices.Index(s.Interrupts.CPUs, cpu)] += uint64(rate * interval.Seconds())
}

// irqCount adds n interrupts on cpu to IRQ num.
func irqCount(s *host.Snapshot, num, cpu int, n uint64) {
	q := s.IRQ(num)
	q.Counts[slices.Index(s.Interrupts.CPUs, cpu)] += n
}

// run runs one check over the pair.
func run(t testing.TB, c *Check, p *host.Pair) Outcome {
	t.Helper()
	out := Run(NewEvidence(p), []*Check{c})
	if len(out) != 1 {
		t.Fatalf("Run gave %d outcomes", len(out))
	}
	return out[0]
}

// key is a finding's identity in the tests: subject, CPUs, severity.
func key(f Finding) string {
	return fmt.Sprintf("%s %s %s", f.Subject, cpuList(f.CPUs), f.Severity)
}

func keys(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, key(f))
	}
	return strings.Join(out, "; ")
}

// checkCase is one table row of a check test.
type checkCase struct {
	name    string
	pair    func(t *testing.T) *host.Pair
	verdict Verdict
	// want is the findings' keys (subject cpulist severity; "; "-joined).
	want string
	// reason, when set, must be part of the outcome's reason.
	reason string
	// also checks more of the outcome.
	also func(t *testing.T, o Outcome)
}

func runCases(t *testing.T, c *Check, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.pair(t)
			for _, b := range rawKindProblems(t, c, p) {
				t.Error(b)
			}
			o := run(t, c, p)
			if o.Verdict != tc.verdict {
				t.Fatalf("verdict %s (%s), want %s; findings: %s", o.Verdict, o.Reason, tc.verdict, keys(o.Findings))
			}
			if got := keys(o.Findings); got != tc.want {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
			if tc.reason != "" && !strings.Contains(o.Reason, tc.reason) {
				t.Errorf("reason %q does not contain %q", o.Reason, tc.reason)
			}
			for _, f := range o.Findings {
				checkFinding(t, c, f)
			}
			if tc.also != nil {
				tc.also(t, o)
			}
		})
	}
}

// checkFinding asserts what every finding must carry.
func checkFinding(t *testing.T, c *Check, f Finding) {
	t.Helper()
	if f.Check != c.ID || f.Title != c.Title {
		t.Errorf("finding check/title %q/%q", f.Check, f.Title)
	}
	if f.Summary == "" || f.Explanation == "" {
		t.Errorf("finding without summary or explanation: %+v", f)
	}
	if len(f.Evidence) == 0 {
		t.Errorf("finding without evidence: %s", f.Summary)
	}
	for _, e := range f.Evidence {
		if e.Name == "" || e.Value == "" || e.Window == "" {
			t.Errorf("incomplete figure %+v", e)
		}
	}
	if f.Score < 0 || f.Score > 100 {
		t.Errorf("score %d", f.Score)
	}
	if f.Confidence == "" {
		t.Errorf("no confidence")
	}
	for _, cmd := range f.Commands {
		if cmd.Run == "" || cmd.Why == "" {
			t.Errorf("incomplete command %+v", cmd)
		}
	}
	for _, b := range commandKindProblems(f.Commands) {
		t.Error(b)
	}
}

// commandText joins a finding's command lines.
func commandText(f Finding) string {
	var b strings.Builder
	for _, c := range f.Commands {
		b.WriteString(c.Run)
		b.WriteByte('\n')
	}
	return b.String()
}

// figureText joins a finding's figures.
func figureText(f Finding) string {
	var b strings.Builder
	for _, e := range f.Evidence {
		fmt.Fprintf(&b, "%s = %s [%s] (%s)\n", e.Name, e.Value, e.Threshold, e.Window)
	}
	return b.String()
}
