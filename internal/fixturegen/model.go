package fixturegen

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// model is a Scenario with its defaults filled and everything derived once:
// topology, the IRQ table, per-CPU rates, processes.
type model struct {
	sc  *Scenario
	k   kernel
	sos sosVersion
	// n is the number of possible CPUs; cpus their topology by ID.
	n     int
	cpus  []cpuTopo
	nodes [][]int // node → every CPU of the node
	times []time.Time
	dt    []float64 // seconds since the first sample
	up    []float64 // uptime at each sample
	// physical is bare metal (interrupt remapping, IO-APIC per socket).
	physical bool
	hz       int

	irqs  []*irqRow
	nics  []*nicModel
	procs []*procModel

	// queueRate and queuePPS are the NIC queue interrupts and packets per
	// second per CPU; netRX the NET_RX softirq runs per second per CPU.
	queueRate map[int]float64
	queuePPS  map[int]float64
	netRX     map[int]float64
	// load is the CPU time split per CPU.
	load map[int]Load

	nrIRQs, prec int
}

// cpuTopo is one logical CPU.
type cpuTopo struct {
	id, pkg, core, coreID, thread, node int
}

// Defaults.
const (
	defaultUptime = 26*time.Hour + 11*time.Minute
	defaultSosPID = 3255
)

// newModel validates sc and derives the model.
func newModel(sc Scenario) (*model, error) {
	if sc.Hostname == "" {
		return nil, errors.New("fixturegen: scenario without hostname")
	}
	if len(sc.Times) == 0 {
		return nil, fmt.Errorf("fixturegen: %s: no sample times", sc.Hostname)
	}
	if sc.CPU.Sockets < 1 || sc.CPU.CoresPerSocket < 1 {
		return nil, fmt.Errorf("fixturegen: %s: no CPUs", sc.Hostname)
	}
	if sc.CPU.ThreadsPerCore < 1 {
		sc.CPU.ThreadsPerCore = 1
	}
	if sc.Kernel == "" {
		return nil, fmt.Errorf("fixturegen: %s: no kernel", sc.Hostname)
	}
	if sc.Bundle == "" {
		sc.Bundle = BundleCollect
	}
	if sc.SosPID == 0 {
		sc.SosPID = defaultSosPID
	}
	if sc.Sos == "" {
		sc.Sos = "4.5.6"
	}
	if sc.Boot.IsZero() {
		up := sc.Uptime
		if up == 0 {
			up = defaultUptime
		}
		sc.Boot = sc.Times[0].Add(-up)
	}
	m := &model{sc: &sc, k: parseKernel(sc.Kernel), sos: parseSos(sc.Sos), physical: sc.Virt == ""}
	m.hz = 1000
	switch sc.Distro {
	case "ubuntu1804", "ubuntu2004", "ubuntu2204", "debian12", "debian13":
		m.hz = 250
	}
	for i, t := range sc.Times {
		if i > 0 && !t.After(sc.Times[i-1]) {
			return nil, fmt.Errorf("fixturegen: %s: sample times not increasing", sc.Hostname)
		}
		m.times = append(m.times, t.UTC())
		m.dt = append(m.dt, t.Sub(sc.Times[0]).Seconds())
		m.up = append(m.up, t.Sub(sc.Boot).Seconds())
	}
	m.buildTopology()
	if err := m.buildNICs(); err != nil {
		return nil, err
	}
	m.buildIRQs()
	m.buildLoad()
	if err := m.buildProcs(); err != nil {
		return nil, err
	}
	return m, nil
}

// samples is the number of samples.
func (m *model) samples() int { return len(m.times) }

// buildTopology numbers the CPUs (CPUSpec's rules) and the nodes.
func (m *model) buildTopology() {
	c := m.sc.CPU
	s, cores, threads := c.Sockets, c.CoresPerSocket, c.ThreadsPerCore
	m.n = s * cores * threads
	m.cpus = make([]cpuTopo, m.n)
	for pkg := 0; pkg < s; pkg++ {
		for core := 0; core < cores; core++ {
			for th := 0; th < threads; th++ {
				var id int
				switch {
				case c.SiblingsAdjacent:
					id = (pkg*cores+core)*threads + th
				case c.NodeInterleave:
					id = th*s*cores + core*s + pkg
				default:
					id = th*s*cores + pkg*cores + core
				}
				coreID := core
				if core < len(c.CoreIDs) {
					coreID = c.CoreIDs[core]
				}
				node := pkg
				if c.SingleNode {
					node = 0
				}
				m.cpus[id] = cpuTopo{id: id, pkg: pkg, core: core, coreID: coreID, thread: th, node: node}
			}
		}
	}
	nn := s
	if c.SingleNode {
		nn = 1
	}
	m.nodes = make([][]int, nn)
	for _, t := range m.cpus {
		m.nodes[t.node] = append(m.nodes[t.node], t.id)
	}
}

// all lists every possible CPU.
func (m *model) all() []int { return seq(0, m.n-1) }

// online lists the CPUs online in sample s.
func (m *model) online(s int) []int {
	off := m.offline(s)
	return without(m.all(), off)
}

// offline lists the CPUs offline in sample s.
func (m *model) offline(s int) []int {
	off := slices.Clone(m.sc.CPU.Offline)
	if s >= 1 {
		off = append(off, m.sc.CPU.OfflineLater...)
	}
	slices.Sort(off)
	return slices.Compact(off)
}

// isOnline reports whether cpu is online in sample s.
func (m *model) isOnline(cpu, s int) bool {
	return cpu >= 0 && cpu < m.n && !slices.Contains(m.offline(s), cpu)
}

// siblings lists the online threads of cpu's core in sample s.
func (m *model) siblings(cpu, s int) []int {
	t := m.cpus[cpu]
	var out []int
	for _, o := range m.cpus {
		if o.pkg == t.pkg && o.core == t.core && m.isOnline(o.id, s) {
			out = append(out, o.id)
		}
	}
	return out
}

// pkgCPUs lists the online CPUs of cpu's package in sample s.
func (m *model) pkgCPUs(cpu, s int) []int {
	var out []int
	for _, o := range m.cpus {
		if o.pkg == m.cpus[cpu].pkg && m.isOnline(o.id, s) {
			out = append(out, o.id)
		}
	}
	return out
}

// nodeOnline lists the online CPUs of node in sample s.
func (m *model) nodeOnline(node, s int) []int {
	var out []int
	for _, c := range m.nodes[node] {
		if m.isOnline(c, s) {
			out = append(out, c)
		}
	}
	return out
}

// distance is the SLIT distance between two nodes.
func (m *model) distance(a, b int) int {
	d := m.sc.CPU.Distances
	if a < len(d) && b < len(d[a]) {
		return d[a][b]
	}
	if a == b {
		return 10
	}
	return 21
}

// smt reports whether SMT is active.
func (m *model) smt() bool { return m.sc.CPU.ThreadsPerCore > 1 }

// localCPUs lists the online CPUs near a NIC in the first sample: its
// node's, or all when the node is unknown.
func (m *model) localCPUs(node int) []int {
	last := m.samples() - 1
	if node < 0 || node >= len(m.nodes) {
		return m.online(last)
	}
	return m.nodeOnline(node, last)
}

// ticksPerSec is USER_HZ.
const ticksPerSec = 100

// buildLoad derives each CPU's NET_RX rate and time split from the queue
// interrupts, the scenario's extra NET_RX and its Load overrides.
func (m *model) buildLoad() {
	m.netRX = map[int]float64{}
	m.load = map[int]Load{}
	for cpu := 0; cpu < m.n; cpu++ {
		m.netRX[cpu] = m.queueRate[cpu] + m.sc.NetRX[cpu] + 1.5*m.jit(fmt.Sprint("netrx", cpu), 0.3)
		l := Load{
			User:   0.012 * m.jit(fmt.Sprint("user", cpu), 0.4),
			System: 0.006 * m.jit(fmt.Sprint("sys", cpu), 0.4),
			IOWait: 0.0008 * m.jit(fmt.Sprint("iow", cpu), 0.5),
		}
		l.SoftIRQ = math.Min(0.9, (m.queueRate[cpu]+m.sc.NetRX[cpu])/400000) + 0.0004
		l.IRQ = m.queueRate[cpu]/4e6 + 0.0002
		if m.sc.Virt != "" {
			l.Steal = 0.002
		}
		l.SoftIRQ += m.sc.Ksoftirqd[cpu]
		if o, ok := m.sc.Load[cpu]; ok {
			if o.User > 0 {
				l.User = o.User
			}
			if o.System > 0 {
				l.System = o.System
			}
			if o.IOWait > 0 {
				l.IOWait = o.IOWait
			}
			if o.IRQ > 0 {
				l.IRQ = o.IRQ
			}
			if o.SoftIRQ > 0 {
				l.SoftIRQ = o.SoftIRQ
			}
			if o.Steal > 0 {
				l.Steal = o.Steal
			}
		}
		m.load[cpu] = l
	}
}

// addThreadLoad adds the busy user threads to their CPUs' user and system
// time (called once the processes are known).
func (m *model) addThreadLoad() {
	last := m.samples() - 1
	for _, p := range m.procs {
		if p.kernel {
			continue
		}
		for _, t := range p.threads {
			cpu := t.cpuAt(last)
			l := m.load[cpu]
			l.User += t.busy * (1 - t.sysShare)
			l.System += t.busy * t.sysShare
			m.load[cpu] = l
		}
	}
}

// jit is jitter salted with the hostname, so hosts differ in their noise.
func (m *model) jit(key string, amp float64) float64 {
	return jitter(m.sc.Hostname+"/"+key, amp)
}
