package fixturegen

import (
	"fmt"
	"sort"
	"strings"
)

// cpuDirs lists the cpuN directories a sample has: all, or for sos ≥ 4.12
// the first 64 in string order (cpu0, cpu1, cpu10, ...).
func (m *model) cpuDirs(capped bool) []int {
	ids := m.all()
	if !capped || len(ids) <= 64 {
		return ids
	}
	names := make([]string, len(ids))
	for i, c := range ids {
		names[i] = fmt.Sprintf("cpu%d", c)
	}
	sort.Strings(names)
	var out []int
	for _, n := range names[:64] {
		var c int
		fmt.Sscanf(n, "cpu%d", &c)
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

// writeCPUSysfs writes sys/devices/system/cpu for sample s.
func (m *model) writeCPUSysfs(t *tree, s int, capped bool) {
	d := "sys/devices/system/cpu/"
	t.line(d+"online", cpuList(m.online(s)))
	t.line(d+"offline", cpuList(m.offline(s)))
	t.line(d+"possible", cpuList(m.all()))
	t.line(d+"present", cpuList(m.all()))
	t.line(d+"isolated", cpuList(m.sc.CPU.Isolated))
	t.line(d+"kernel_max", "8191")
	smt := "0"
	if m.smt() {
		smt = "1"
	}
	t.line(d+"smt/active", smt)
	t.line(d+"smt/control", "on")
	m.writePower(t, s, capped)
	for _, c := range m.cpuDirs(capped) {
		cd := fmt.Sprintf("%scpu%d/", d, c)
		if c != 0 {
			on := "0"
			if m.isOnline(c, s) {
				on = "1"
			}
			t.line(cd+"online", on)
		}
		node := m.cpus[c].node
		t.link(fmt.Sprintf("%snode%d", cd, node), fmt.Sprintf("../../node/node%d", node))
		if !m.isOnline(c, s) {
			continue // the kernel removes topology/ of an offline CPU
		}
		td := cd + "topology/"
		ct := m.cpus[c]
		t.line(td+"core_id", itoa(ct.coreID))
		t.line(td+"physical_package_id", itoa(ct.pkg))
		sib := m.siblings(c, s)
		t.line(td+"thread_siblings_list", cpuList(sib))
		t.line(td+"core_siblings_list", cpuList(m.pkgCPUs(c, s)))
		if m.k.dieID() {
			t.line(td+"die_id", "0")
		}
		if m.k.coreCPUs() {
			t.line(td+"core_cpus_list", cpuList(sib))
		}
	}
}

// writeNodeSysfs writes sys/devices/system/node for sample s.
func (m *model) writeNodeSysfs(t *tree, s int) {
	d := "sys/devices/system/node/"
	ids := seq(0, len(m.nodes)-1)
	t.line(d+"online", cpuList(ids))
	t.line(d+"possible", cpuList(ids))
	t.line(d+"has_cpu", cpuList(ids))
	t.line(d+"has_memory", cpuList(ids))
	for i := range m.nodes {
		nd := fmt.Sprintf("%snode%d/", d, i)
		t.line(nd+"cpulist", cpuList(m.nodeOnline(i, s)))
		t.line(nd+"cpumap", cpuMask(m.nodeOnline(i, s), m.n))
		var dist []string
		for j := range m.nodes {
			dist = append(dist, itoa(m.distance(i, j)))
		}
		t.line(nd+"distance", strings.Join(dist, " "))
	}
}

// numactl renders numactl --hardware.
func (m *model) numactl(s int) string {
	var b strings.Builder
	nn := len(m.nodes)
	fmt.Fprintf(&b, "available: %d nodes (0-%d)\n", nn, nn-1)
	size := m.memTotalKB() / 1024 / nn
	for i := range m.nodes {
		var cpus []string
		for _, c := range m.nodeOnline(i, s) {
			cpus = append(cpus, itoa(c))
		}
		fmt.Fprintf(&b, "node %d cpus: %s\n", i, strings.Join(cpus, " "))
		fmt.Fprintf(&b, "node %d size: %d MB\n", i, size)
		fmt.Fprintf(&b, "node %d free: %d MB\n", i, size*61/100)
	}
	b.WriteString("node distances:\nnode ")
	for j := range m.nodes {
		fmt.Fprintf(&b, "  %d ", j)
	}
	b.WriteByte('\n')
	for i := range m.nodes {
		fmt.Fprintf(&b, "  %d: ", i)
		for j := range m.nodes {
			fmt.Fprintf(&b, " %2d ", m.distance(i, j))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// lscpuIndented: util-linux ≥ 2.37 (RHEL 9, Ubuntu 22.04, Debian 12)
// groups lscpu's fields in indented sections.
func (m *model) lscpuIndented() bool {
	switch m.sc.Distro {
	case "rhel9", "ubuntu2204", "debian12", "debian13":
		return true
	}
	return false
}

// lscpu renders plain lscpu for sample s.
func (m *model) lscpu(s int) string {
	c := m.sc.CPU
	model := c.Model
	if model == "" {
		model = "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz"
	}
	mhz := c.MHz
	if mhz == 0 {
		mhz = 2100
	}
	type kv struct {
		indent int
		k, v   string
	}
	var rows []kv
	add := func(indent int, k, v string) { rows = append(rows, kv{indent, k, v}) }
	ind := m.lscpuIndented()
	i1, i2 := 0, 0
	if ind {
		i1, i2 = 1, 2
	}
	add(0, "Architecture", "x86_64")
	add(i1, "CPU op-mode(s)", "32-bit, 64-bit")
	if ind {
		add(i1, "Address sizes", "46 bits physical, 48 bits virtual")
	}
	add(i1, "Byte Order", "Little Endian")
	add(0, "CPU(s)", itoa(m.n))
	add(i1, "On-line CPU(s) list", cpuList(m.online(s)))
	if off := m.offline(s); len(off) > 0 {
		add(i1, "Off-line CPU(s) list", cpuList(off))
	}
	if !ind {
		add(0, "Thread(s) per core", itoa(c.ThreadsPerCore))
		add(0, "Core(s) per socket", itoa(c.CoresPerSocket))
		add(0, "Socket(s)", itoa(c.Sockets))
		add(0, "NUMA node(s)", itoa(len(m.nodes)))
	}
	add(0, "Vendor ID", "GenuineIntel")
	if ind {
		add(i1, "Model name", model)
		add(i2, "CPU family", "6")
		add(i2, "Model", "85")
		add(i2, "Thread(s) per core", itoa(c.ThreadsPerCore))
		add(i2, "Core(s) per socket", itoa(c.CoresPerSocket))
		add(i2, "Socket(s)", itoa(c.Sockets))
		add(i2, "Stepping", "4")
		add(i2, "BogoMIPS", fmt.Sprintf("%.2f", mhz*2))
		add(i2, "Flags", "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc")
	} else {
		add(0, "CPU family", "6")
		add(0, "Model", "85")
		add(0, "Model name", model)
		add(0, "Stepping", "4")
		add(0, "CPU MHz", fmt.Sprintf("%.3f", mhz))
		add(0, "BogoMIPS", fmt.Sprintf("%.2f", mhz*2))
	}
	if m.sc.Virt != "" {
		if ind {
			add(0, "Virtualization features", "")
		}
		add(i1, "Hypervisor vendor", "KVM")
		add(i1, "Virtualization type", "full")
	} else {
		if ind {
			add(0, "Virtualization features", "")
		}
		add(i1, "Virtualization", "VT-x")
	}
	if ind {
		add(0, "Caches (sum of all)", "")
		add(i1, "L1d", fmt.Sprintf("%d KiB (%d instances)", 32*c.Sockets*c.CoresPerSocket, c.Sockets*c.CoresPerSocket))
		add(i1, "L2", fmt.Sprintf("%d MiB (%d instances)", c.Sockets*c.CoresPerSocket, c.Sockets*c.CoresPerSocket))
		add(i1, "L3", fmt.Sprintf("%d MiB (%d instances)", 16*c.Sockets, c.Sockets))
		add(0, "NUMA", "")
		add(i1, "NUMA node(s)", itoa(len(m.nodes)))
	} else {
		add(0, "L1d cache", "32K")
		add(0, "L1i cache", "32K")
		add(0, "L2 cache", "1024K")
		add(0, "L3 cache", "16896K")
	}
	for i := range m.nodes {
		add(i1, fmt.Sprintf("NUMA node%d CPU(s)", i), cpuList(m.nodeOnline(i, s)))
	}
	if !ind {
		add(0, "Flags", "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc")
	}
	width := 23
	if ind {
		width = 25
	}
	var b strings.Builder
	for _, r := range rows {
		key := strings.Repeat("  ", r.indent) + r.k + ":"
		if r.v == "" {
			b.WriteString(key + strings.Repeat(" ", max(1, width-len(key))) + "\n")
			continue
		}
		b.WriteString(key + strings.Repeat(" ", max(1, width-len(key))) + r.v + "\n")
	}
	return b.String()
}

// lscpuAE renders lscpu -ae (all CPUs, extended table).
func (m *model) lscpuAE(s int) string {
	var b strings.Builder
	b.WriteString("CPU NODE SOCKET CORE L1d:L1i:L2:L3 ONLINE    MAXMHZ   MINMHZ\n")
	cores := m.sc.CPU.CoresPerSocket
	for _, c := range m.all() {
		t := m.cpus[c]
		if !m.isOnline(c, s) {
			fmt.Fprintf(&b, "%3d    -      -    - :::                no -         -\n", c)
			continue
		}
		core := t.pkg*cores + t.core
		fmt.Fprintf(&b, "%3d %4d %6d %4d %-13s %6s %9s %8s\n", c, t.node, t.pkg, core,
			fmt.Sprintf("%d:%d:%d:%d", core, core, core, t.pkg), "yes", "3000.0000", "800.0000")
	}
	return b.String()
}
