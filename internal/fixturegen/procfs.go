package fixturegen

import (
	"fmt"
	"strconv"
	"strings"
)

// archRow is one architecture row of /proc/interrupts.
type archRow struct {
	name, desc string
	rate       float64 // per CPU per second
	single     bool    // ERR, MIS: one total
}

// archRows lists the x86 rows in kernel order for this host.
func (m *model) archRows() []archRow {
	loc := 0.3 * float64(m.hz)
	rows := []archRow{
		{"NMI", "Non-maskable interrupts", 0.1, false},
		{"LOC", "Local timer interrupts", loc, false},
		{"SPU", "Spurious interrupts", 0, false},
		{"PMI", "Performance monitoring interrupts", 0.1, false},
		{"IWI", "IRQ work interrupts", 0.6, false},
		{"RTR", "APIC ICR read retries", 0, false},
		{"RES", "Rescheduling interrupts", 45, false},
		{"CAL", "Function call interrupts", 18, false},
		{"TLB", "TLB shootdowns", 6, false},
		{"TRM", "Thermal event interrupts", 0, false},
	}
	if m.sc.Virt != "" {
		rows = append(rows, archRow{"HYP", "Hypervisor callback interrupts", 0.0001, false})
	} else {
		rows = append(rows, archRow{"THR", "Threshold APIC interrupts", 0, false})
		if m.k.ge(4, 0) {
			rows = append(rows, archRow{"DFR", "Deferred Error APIC interrupts", 0, false})
		}
		rows = append(rows, archRow{"MCE", "Machine check exceptions", 0, false},
			archRow{"MCP", "Machine check polls", 1.0 / 300, false})
	}
	rows = append(rows, archRow{"ERR", "", 0, true}, archRow{"MIS", "", 0, true},
		archRow{"PIN", "Posted-interrupt notification event", 0, false},
		archRow{"NPI", "Nested posted-interrupt event", 0, false},
		archRow{"PIW", "Posted-interrupt wakeup event", 0, false})
	return rows
}

// interrupts renders /proc/interrupts of sample s in the kernel's layout:
// a header of the online CPUs, the numbered rows, the arch rows.
func (m *model) interrupts(s int) string {
	on := m.online(s)
	layout := m.k.irqLayout()
	prec := m.prec
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", prec+8))
	for _, c := range on {
		fmt.Fprintf(&b, "CPU%-8d", c)
	}
	b.WriteByte('\n')
	for _, r := range m.irqsAt(s) {
		chip, hw := m.chipText(r)
		if layout == irqLayout610 {
			fmt.Fprintf(&b, "%*d:", prec, r.numAt(s))
			for _, c := range on {
				b.WriteByte(' ')
				padNum(&b, u32(r.count(c, s, m)), 10)
			}
			b.WriteByte(' ')
			fmt.Fprintf(&b, "%8s", chip)
		} else {
			fmt.Fprintf(&b, "%*d: ", prec, r.numAt(s))
			for _, c := range on {
				padNum(&b, u32(r.count(c, s, m)), 10)
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, " %8s", chip)
		}
		if layout != irqLayout310 {
			fmt.Fprintf(&b, " %*s", prec, hw)
		}
		fmt.Fprintf(&b, "-%-8s", r.flow)
		if len(r.actions) > 0 {
			b.WriteString("  " + strings.Join(r.actions, ", "))
		}
		b.WriteByte('\n')
	}
	for _, a := range m.archRows() {
		if a.single {
			fmt.Fprintf(&b, "%*s: %10d\n", prec, a.name, 0)
			continue
		}
		fmt.Fprintf(&b, "%*s: ", prec, a.name)
		for _, c := range on {
			padNum(&b, u32(m.archCount(a, c, s)), 10)
			b.WriteByte(' ')
		}
		b.WriteString("  " + a.desc + "\n")
	}
	return b.String()
}

// archCount is an arch row's count on cpu at sample s.
func (m *model) archCount(a archRow, cpu, s int) float64 {
	rate := a.rate * m.jit(fmt.Sprint(a.name, cpu), 0.2)
	if a.name == "CAL" || a.name == "RES" {
		rate += m.queueRate[cpu] * 0.002
	}
	return rate * m.up[s]
}

// writeIRQTree writes proc/irq/N/* and proc/irq/default_smp_affinity. A
// sosreport copies the whole tree, with the per-action directories stored
// empty; a collect bundle holds what the loader read: the list files (not
// the masks), affinity_hint and node, and no directories.
func (m *model) writeIRQTree(t *tree, s int, collect bool) {
	eff := m.k.effectiveAffinity()
	t.line("proc/irq/default_smp_affinity", cpuMask(m.all(), m.n))
	for _, r := range m.irqsAt(s) {
		d := "proc/irq/" + itoa(r.numAt(s))
		affinity, effective := r.placement(s)
		t.line(d+"/smp_affinity_list", cpuList(affinity))
		if eff {
			t.line(d+"/effective_affinity_list", cpuList(effective))
		}
		t.line(d+"/affinity_hint", cpuMask(r.hint, m.n))
		t.line(d+"/node", itoa(r.node))
		if collect {
			continue
		}
		t.line(d+"/smp_affinity", cpuMask(affinity, m.n))
		if eff {
			t.line(d+"/effective_affinity", cpuMask(effective, m.n))
		}
		for _, a := range r.actions {
			t.dir(d + "/" + a)
		}
	}
}

// softirqNames are the softirq rows of the kernel.
func (m *model) softirqNames() []string {
	poll := "IRQ_POLL"
	if !m.k.irqPoll() {
		poll = "BLOCK_IOPOLL"
	}
	return []string{"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", poll, "TASKLET", "SCHED", "HRTIMER", "RCU"}
}

// softirqRate is one softirq's runs per second on cpu.
func (m *model) softirqRate(name string, cpu int) float64 {
	j := m.jit(name+itoa(cpu), 0.25)
	switch name {
	case "TIMER":
		return 0.12 * float64(m.hz) * j
	case "NET_TX":
		return (0.4 + m.queueRate[cpu]*0.02) * j
	case "NET_RX":
		return m.netRX[cpu]
	case "BLOCK":
		return 0.6 * j
	case "TASKLET":
		return (0.05 + m.queueRate[cpu]*0.0005) * j
	case "SCHED":
		return 55 * j
	case "HRTIMER":
		return 0.002 * j
	case "RCU":
		return 70 * j
	}
	return 0
}

// softirqCount is the cumulative count at sample s: it stops growing when
// the CPU goes offline, and is zero for CPUs offline since boot.
func (m *model) softirqCount(name string, cpu, s int) float64 {
	for _, c := range m.sc.CPU.Offline {
		if c == cpu {
			return 0
		}
	}
	last := s
	for last > 0 && !m.isOnline(cpu, last) {
		last--
	}
	return m.softirqRate(name, cpu) * m.up[last]
}

// softirqs renders /proc/softirqs: the header lists possible CPUs.
func (m *model) softirqs(s int) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", 20))
	for c := 0; c < m.n; c++ {
		fmt.Fprintf(&b, "CPU%-8d", c)
	}
	b.WriteByte('\n')
	for _, name := range m.softirqNames() {
		fmt.Fprintf(&b, "%12s:", name)
		for c := 0; c < m.n; c++ {
			b.WriteByte(' ')
			padNum(&b, u32(m.softirqCount(name, c, s)), 10)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// cpuTicks is one CPU's /proc/stat times at sample s.
func (m *model) cpuTicks(cpu, s int) [10]uint64 {
	var out [10]uint64
	for _, c := range m.sc.CPU.Offline {
		if c == cpu {
			return [10]uint64{5, 0, 11, 930, 2, 0, 1, 0, 0, 0}
		}
	}
	last := s
	for last > 0 && !m.isOnline(cpu, last) {
		last--
	}
	up := m.up[last] * ticksPerSec
	l := m.load[cpu]
	busy := l.User + l.System + l.IOWait + l.IRQ + l.SoftIRQ + l.Steal
	idle := 1 - busy
	if idle < 0 {
		idle = 0
	}
	fr := []float64{l.User, 0.0001, l.System, idle, l.IOWait, l.IRQ, l.SoftIRQ, l.Steal, 0, 0}
	for i, f := range fr {
		out[i] = u64(f * up)
	}
	return out
}

// stat renders /proc/stat at sample s.
func (m *model) stat(s int) string {
	var b strings.Builder
	var total [10]uint64
	per := make([][10]uint64, m.n)
	for c := 0; c < m.n; c++ {
		per[c] = m.cpuTicks(c, s)
		for i := range total {
			total[i] += per[c][i]
		}
	}
	row := func(name string, v [10]uint64) {
		b.WriteString(name)
		for _, x := range v {
			b.WriteString(" " + utoa(x))
		}
		b.WriteByte('\n')
	}
	row("cpu ", total)
	for _, c := range m.online(s) {
		row(fmt.Sprintf("cpu%d", c), per[c])
	}
	counts := make([]uint64, m.nrIRQs)
	var sum uint64
	for _, r := range m.irqs {
		var v float64
		for c := range r.rate {
			v += r.count(c, s, m)
		}
		for c := range r.hist {
			if _, ok := r.rate[c]; !ok {
				v += r.count(c, s, m)
			}
		}
		counts[r.numAt(s)] = u32(v)
		sum += counts[r.numAt(s)]
	}
	for _, a := range m.archRows() {
		for c := 0; c < m.n; c++ {
			sum += u64(m.archCount(a, c, s))
		}
	}
	b.WriteString("intr " + utoa(sum))
	for _, v := range counts {
		b.WriteString(" " + utoa(v))
	}
	b.WriteByte('\n')
	ctxt := u64(m.up[s] * float64(m.n) * 900)
	fmt.Fprintf(&b, "ctxt %d\n", ctxt)
	if !m.sc.NoBtime {
		fmt.Fprintf(&b, "btime %d\n", m.sc.Boot.Unix())
	}
	fmt.Fprintf(&b, "processes %d\n", u64(m.up[s]*1.7)+uint64(len(m.procs)))
	running := 1
	for _, p := range m.procs {
		for _, t := range p.threads {
			if t.state == "R" {
				running++
			}
		}
	}
	fmt.Fprintf(&b, "procs_running %d\nprocs_blocked 0\n", running)
	var sirq []uint64
	var stotal uint64
	for _, name := range m.softirqNames() {
		var v uint64
		for c := 0; c < m.n; c++ {
			v += u64(m.softirqCount(name, c, s))
		}
		sirq = append(sirq, v)
		stotal += v
	}
	b.WriteString("softirq " + utoa(stotal))
	for _, v := range sirq {
		b.WriteString(" " + utoa(v))
	}
	b.WriteByte('\n')
	return b.String()
}

// softnetCols is the scenario's softnet_stat width.
func (m *model) softnetCols() int {
	if m.sc.SoftnetColumns > 0 {
		return m.sc.SoftnetColumns
	}
	return m.k.softnetColumns()
}

// softnet renders /proc/net/softnet_stat: one row per online CPU.
func (m *model) softnet(s int) string {
	cols := m.softnetCols()
	var b strings.Builder
	for _, c := range m.online(s) {
		sn := m.sc.Softnet[c]
		at := func(cn Counter) uint64 { return u32(cn.Start + cn.Rate*m.dt[s]) }
		pps := m.queuePPS[c] + (m.netRX[c]-m.queueRate[c])*4 + sn.Processed.Rate
		processed := u32(pps*m.up[0]*m.jit(fmt.Sprint("proc", c), 0.05) + sn.Processed.Start + pps*m.dt[s])
		v := []uint64{processed, at(sn.Dropped), at(sn.Squeeze), 0, 0, 0, 0, 0, 0, at(sn.ReceivedRPS), at(sn.FlowLimit), 0, uint64(c), 0, 0}
		for i := 0; i < cols && i < len(v); i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%08x", v[i])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// cmdline is /proc/cmdline.
func (m *model) cmdline() string {
	var c string
	switch {
	case strings.HasPrefix(m.sc.Distro, "rhel"):
		c = fmt.Sprintf("BOOT_IMAGE=(hd0,gpt2)/vmlinuz-%s root=/dev/mapper/rhel-root ro crashkernel=auto resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap rhgb quiet", m.sc.Kernel)
	case m.sc.Virt != "":
		c = fmt.Sprintf("BOOT_IMAGE=/boot/vmlinuz-%s root=UUID=6c1b1b86-5b1f-4a5e-9d0c-2f3a1c9e7b21 ro console=ttyS0 quiet", m.sc.Kernel)
	default:
		c = fmt.Sprintf("BOOT_IMAGE=/vmlinuz-%s root=/dev/mapper/vg0-root ro quiet splash", m.sc.Kernel)
	}
	if m.sc.CmdlineExtra != "" {
		c += " " + m.sc.CmdlineExtra
	}
	return c + "\n"
}

// cpuinfo renders /proc/cpuinfo for the online CPUs of sample s.
func (m *model) cpuinfo(s int) string {
	model := m.sc.CPU.Model
	if model == "" {
		model = "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz"
	}
	mhz := m.sc.CPU.MHz
	if mhz == 0 {
		mhz = 2100
	}
	flags := "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand"
	if m.sc.Virt != "" {
		flags += " hypervisor"
	}
	flags += " lahf_lm abm 3dnowprefetch invpcid_single fsgsbase bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves arat pku ospke"
	var b strings.Builder
	cores := m.sc.CPU.CoresPerSocket
	for _, c := range m.online(s) {
		t := m.cpus[c]
		apic := t.pkg<<6 | t.coreID<<1 | t.thread
		fmt.Fprintf(&b, "processor\t: %d\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nmodel name\t: %s\nstepping\t: 4\nmicrocode\t: 0x2007006\n", c, model)
		fmt.Fprintf(&b, "cpu MHz\t\t: %.3f\ncache size\t: 16896 KB\nphysical id\t: %d\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\napicid\t\t: %d\ninitial apicid\t: %d\n",
			mhz, t.pkg, len(m.pkgCPUs(c, s)), t.coreID, cores, apic, apic)
		fmt.Fprintf(&b, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 22\nwp\t\t: yes\nflags\t\t: %s\n", flags)
		fmt.Fprintf(&b, "bogomips\t: %.2f\nclflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 46 bits physical, 48 bits virtual\npower management:\n\n", mhz*2)
	}
	return b.String()
}

// padNum writes v right-aligned in width columns (fmt's %*d, faster).
func padNum(b *strings.Builder, v uint64, width int) {
	var buf [20]byte
	d := strconv.AppendUint(buf[:0], v, 10)
	for i := len(d); i < width; i++ {
		b.WriteByte(' ')
	}
	b.Write(d)
}
