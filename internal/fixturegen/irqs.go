package fixturegen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Interrupt controller kinds of an irqRow.
const (
	chipIOAPIC = "ioapic"
	chipMSI    = "msi"
	chipMSIX   = "msix"
	chipDMAR   = "dmar"
)

// irqRow is one numbered interrupt with its placement and rates.
type irqRow struct {
	num     int
	chip    string
	pin     int    // IO-APIC pin
	pci     string // MSI/MSI-X function
	index   int    // vector index within the function (or DMAR unit)
	flow    string // "edge", "fasteoi"
	actions []string
	// affinity is smp_affinity_list, effective effective_affinity_list,
	// hint affinity_hint (nil: an all-zero mask).
	affinity, effective, hint []int
	node                      int
	// rate is interrupts/s per CPU; hist the per-CPU count at sample 1
	// (default rate × uptime).
	rate map[int]float64
	hist map[int]float64
	// queue is set for NIC queue vectors.
	nic   *nicModel
	queue bool
	// reloaded vectors are re-created between samples 0 and 1 (Reload):
	// from sample 1 on they are number num2, serviced by cpu2, counted
	// from the reload on. restart (RestartIRQs) restarts the counts there.
	reloaded bool
	num2     int
	cpu2     int
	restart  bool
}

// numAt is the IRQ's number at sample s.
func (r *irqRow) numAt(s int) int {
	if r.reloaded && s >= 1 {
		return r.num2
	}
	return r.num
}

// placement is the IRQ's smp_affinity_list and effective_affinity_list at
// sample s.
func (r *irqRow) placement(s int) (affinity, effective []int) {
	if r.reloaded && s >= 1 {
		return []int{r.cpu2}, []int{r.cpu2}
	}
	return r.affinity, r.effective
}

// count is the cumulative count of the IRQ on cpu at sample s.
func (r *irqRow) count(cpu, s int, m *model) float64 {
	if (r.reloaded || r.restart) && s >= 1 {
		// Re-created (or restarted) halfway between samples 0 and 1.
		since := m.dt[s] - m.dt[1]/2
		if r.restart {
			return r.rate[cpu] * since
		}
		var total float64
		for _, v := range r.rate {
			total += v
		}
		if cpu != r.cpu2 {
			return 0
		}
		return total * since
	}
	rate := r.rate[cpu]
	h, ok := r.hist[cpu]
	if !ok {
		if rate == 0 {
			return 0
		}
		h = rate * m.up[0] * m.jit("irqhist/"+itoa(r.num)+"/"+itoa(cpu), 0.02)
	}
	return h + rate*m.dt[s]
}

// nicModel is a NIC with its vectors resolved.
type nicModel struct {
	NIC
	vectors []*irqRow // in vector order (MSI index)
	queues  []*irqRow
}

// sysfs paths of a NIC: the class link target and the device directory.
func (n *nicModel) netDir() string {
	switch n.Kind {
	case KindPhysical:
		return "sys/devices/pci0000:00/" + n.PCI + "/net/" + n.Name
	case KindVirtio:
		return "sys/devices/pci0000:00/" + n.PCI + "/virtio" + itoa(n.Virtio) + "/net/" + n.Name
	}
	return "sys/devices/virtual/net/" + n.Name
}

// pciDir is the PCI function's directory ("" for virtual NICs).
func (n *nicModel) pciDir() string {
	if n.Kind == KindPhysical || n.Kind == KindVirtio {
		return "sys/devices/pci0000:00/" + n.PCI
	}
	return ""
}

// hasDevice reports whether the NIC has a device link.
func (n *nicModel) hasDevice() bool { return n.Kind == KindPhysical || n.Kind == KindVirtio }

// vector is one named interrupt vector of a NIC.
type vector struct {
	name  string
	queue int // queue index into NIC.Queues, -1 for misc
}

// vectorNames lists a NIC's vectors in MSI order, per driver (docs/receive-path.md §4).
func vectorNames(n *NIC) []vector {
	var out []vector
	q := func(name string, i int) { out = append(out, vector{name, i}) }
	misc := func(name string) { out = append(out, vector{name, -1}) }
	nq := len(n.Queues)
	switch n.Driver {
	case "ixgbe", "ixgbevf":
		for i := 0; i < nq; i++ {
			q(fmt.Sprintf("%s-TxRx-%d", n.Name, i), i)
		}
		misc(n.Name)
	case "igb":
		misc(n.Name)
		for i := 0; i < nq; i++ {
			q(fmt.Sprintf("%s-TxRx-%d", n.Name, i), i)
		}
	case "e1000e":
		for i := 0; i < nq; i++ {
			if i%2 == 0 {
				q(fmt.Sprintf("%s-rx-%d", n.Name, i/2), i)
			} else {
				q(fmt.Sprintf("%s-tx-%d", n.Name, i/2), i)
			}
		}
		misc(n.Name)
	case "i40e", "ice":
		misc(fmt.Sprintf("%s-%s:misc", n.Driver, n.PCI))
		for i := 0; i < nq; i++ {
			q(fmt.Sprintf("%s-%s-TxRx-%d", n.Driver, n.Name, i), i)
		}
	case "mlx5_core":
		for _, eq := range []string{"mlx5_pages_eq", "mlx5_cmd_eq", "mlx5_async_eq"} {
			misc(eq + "@pci:" + n.PCI)
		}
		for i := 0; i < nq; i++ {
			q(fmt.Sprintf("mlx5_comp%d@pci:%s", i, n.PCI), i)
		}
	case "virtio_net":
		misc(fmt.Sprintf("virtio%d-config", n.Virtio))
		for i := 0; i < nq; i++ {
			dir := "input"
			if i%2 == 1 {
				dir = "output"
			}
			q(fmt.Sprintf("virtio%d-%s.%d", n.Virtio, dir, i/2), i)
		}
	case "ena":
		misc(fmt.Sprintf("ena-mgmnt@pci:%s", n.PCI))
		for i := 0; i < nq; i++ {
			q(fmt.Sprintf("%s-Tx-Rx-%d", n.Name, i), i)
		}
	case "qlcnic":
		for i := 0; i < nq; i++ {
			if i == 0 {
				q(n.Name+"-tx-0-rx-0", i)
			} else {
				q(fmt.Sprintf("%s-rx-%d", n.Name, i), i)
			}
		}
	case "bnx2x", "qede":
		misc(n.Name)
		for i := 0; i < nq; i++ {
			q(fmt.Sprintf("%s-fp-%d", n.Name, i), i)
		}
	default:
		for i := 0; i < nq; i++ {
			q(fmt.Sprintf("%s-TxRx-%d", n.Name, i), i)
		}
	}
	return out
}

// driverHints reports whether the driver sets affinity_hint.
func driverHints(driver string) bool {
	switch driver {
	case "ixgbe", "i40e", "ice", "mlx5_core", "virtio_net":
		return true
	}
	return false
}

// buildNICs fills defaults and checks names.
func (m *model) buildNICs() error {
	seen := map[string]bool{}
	for i, n := range m.sc.NICs {
		if n.Name == "" || seen[n.Name] {
			return fmt.Errorf("fixturegen: %s: NIC %d has an empty or repeated name", m.sc.Hostname, i)
		}
		seen[n.Name] = true
		if n.Kind == "" {
			n.Kind = KindPhysical
		}
		if (n.Kind == KindPhysical || n.Kind == KindVirtio) && n.PCI == "" {
			return fmt.Errorf("fixturegen: %s: NIC %s without a PCI address", m.sc.Hostname, n.Name)
		}
		if n.MTU == 0 {
			n.MTU = 1500
			if n.Kind == KindLoopback {
				n.MTU = 65536
			}
		}
		if n.OperState == "" {
			n.OperState = "up"
			if n.Kind == KindLoopback {
				n.OperState = "unknown"
			}
		}
		if n.IfIndex == 0 {
			n.IfIndex = i + 1
		}
		if n.IfLink == 0 {
			n.IfLink = n.IfIndex
		}
		if n.MAC == "" {
			n.MAC = fmt.Sprintf("3c:fd:fe:%02x:%02x:%02x", (i*37+11)%256, (len(n.Name)*53)%256, (n.IfIndex*19)%256)
			if n.Kind == KindLoopback {
				n.MAC = "00:00:00:00:00:00"
			}
		}
		if n.DriverVersion == "" {
			n.DriverVersion = m.sc.Kernel
		}
		last := m.samples() - 1
		for qi, q := range n.Queues {
			if q.PPS == 0 {
				n.Queues[qi].PPS = 6 * q.Rate
			}
			cpus := append([]int{q.CPU}, q.Spread...)
			if len(q.Spread) > 0 {
				cpus = q.Spread
			}
			for _, c := range cpus {
				if !m.isOnline(c, last) {
					return fmt.Errorf("fixturegen: %s: NIC %s queue %d on CPU %d, which is not online", m.sc.Hostname, n.Name, qi, c)
				}
			}
		}
		m.nics = append(m.nics, &nicModel{NIC: n})
	}
	return nil
}

// buildIRQs lays out the base interrupts of the platform and every NIC's
// vectors, with their placement and rates.
func (m *model) buildIRQs() {
	m.queueRate = map[int]float64{}
	m.queuePPS = map[int]float64{}
	m.irqs = m.baseIRQs()
	used := map[int]bool{}
	for _, r := range m.irqs {
		used[r.num] = true
	}
	next := 40
	if m.sc.Virt != "" {
		next = 44
	}
	on := m.online(m.samples() - 1)
	for ni, n := range m.nics {
		vecs := vectorNames(&n.NIC)
		if len(vecs) == 0 || !n.hasDevice() {
			continue
		}
		base := n.IRQBase
		if base == 0 {
			base = next
		}
		local := m.localCPUs(n.NUMANode)
		for vi, v := range vecs {
			num := base + vi
			for used[num] {
				num++
			}
			used[num] = true
			if num >= next {
				next = num + 1
			}
			r := &irqRow{num: num, chip: chipMSIX, pci: n.PCI, index: vi, flow: "edge",
				actions: []string{v.name}, node: n.NUMANode, nic: n, rate: map[int]float64{}, hist: map[int]float64{}}
			if v.queue < 0 {
				r.affinity = on
				r.effective = []int{local[ni%len(local)]}
				r.rate[r.effective[0]] = 0.02
				r.hist[r.effective[0]] = float64(3 + vi)
			} else {
				q := n.Queues[v.queue]
				r.queue = true
				switch {
				case len(q.Spread) > 0:
					r.affinity = q.Spread
					r.effective = []int{q.Spread[0]}
					for _, c := range q.Spread {
						share := q.Rate / float64(len(q.Spread)) * m.jit(fmt.Sprint("spread", num, c), 0.03)
						r.rate[c] = share
						m.queueRate[c] += share
						m.queuePPS[c] += q.PPS / float64(len(q.Spread))
					}
				default:
					r.affinity = []int{q.CPU}
					r.effective = []int{q.CPU}
					r.rate[q.CPU] = q.Rate
					m.queueRate[q.CPU] += q.Rate
					m.queuePPS[q.CPU] += q.PPS
				}
				if q.Affinity != nil {
					r.affinity = q.Affinity
				}
				if q.Effective != nil {
					r.effective = q.Effective
				}
				switch {
				case q.Hint != nil:
					r.hint = q.Hint
				case driverHints(n.Driver):
					r.hint = []int{local[(v.queue)%len(local)]}
				}
				n.queues = append(n.queues, r)
			}
			n.vectors = append(n.vectors, r)
			m.irqs = append(m.irqs, r)
		}
	}
	for d := 0; d < m.sc.NVMe; d++ {
		pci := fmt.Sprintf("0000:%02x:00.0", 0xd8+d%32)
		nq := min(m.n, 128)
		for q := 0; q <= nq; q++ {
			num := next
			for used[num] {
				num++
			}
			used[num] = true
			next = num + 1
			cpu := on[0]
			if q > 0 {
				cpu = on[(q-1)*len(on)/nq%len(on)]
			}
			r := &irqRow{num: num, chip: chipMSIX, pci: pci, index: q, flow: "edge", node: 0,
				actions: []string{fmt.Sprintf("nvme%dq%d", d, q)}, affinity: []int{cpu}, effective: []int{cpu},
				rate: map[int]float64{cpu: 3}, hist: map[int]float64{}}
			m.irqs = append(m.irqs, r)
		}
	}
	slices.SortFunc(m.irqs, func(a, b *irqRow) int { return a.num - b.num })
	m.applyReload(used)
	// nr_irqs as x86 sizes it: legacy and IO-APIC pins, 8 per CPU, 16 MSI
	// per pin; prec is the width of the IRQ number column.
	gsi := 24
	if m.physical {
		gsi = 24 * (m.sc.CPU.Sockets + 1)
	}
	m.nrIRQs = gsi + 16 + 8*m.n + 16*gsi
	for _, r := range m.irqs {
		if last := max(r.num, r.num2); last >= m.nrIRQs {
			m.nrIRQs = last + 1
		}
	}
	m.prec = 3
	for j := 1000; m.prec < 10 && j <= m.nrIRQs; j *= 10 {
		m.prec++
	}
}

// baseIRQs are the platform's own interrupts (timer, ACPI, storage, USB),
// mostly on CPU 0.
func (m *model) baseIRQs() []*irqRow {
	on := m.online(m.samples() - 1)
	last := on[len(on)-1]
	mk := func(num int, chip string, pin int, flow, action string, cpu int, rate, hist float64) *irqRow {
		r := &irqRow{num: num, chip: chip, pin: pin, index: pin, flow: flow, node: 0,
			affinity: on, effective: []int{cpu}, rate: map[int]float64{cpu: rate}, hist: map[int]float64{cpu: hist}}
		if action != "" {
			r.actions = strings.Split(action, ", ")
		}
		return r
	}
	msi := func(num int, pci string, action string, cpu int, rate float64) *irqRow {
		r := mk(num, chipMSI, 0, "edge", action, cpu, rate, rate*m.up[0]+17)
		r.pci = pci
		return r
	}
	if m.sc.Virt != "" {
		// A KVM guest as this kind of VM shows it (firmware GED, virtio).
		var out []*irqRow
		out = append(out,
			mk(24, chipIOAPIC, 5, "edge", "ACPI:Ged", 0, 0, 1),
			mk(25, chipIOAPIC, 6, "edge", "ACPI:Ged", last, 0, 1),
			mk(26, chipIOAPIC, 4, "edge", "ttyS0", last, 0.001, 7),
		)
		vio := []struct {
			num   int
			pci   string
			name  string
			cpu   int
			rate  float64
			start float64
		}{
			{28, "0000:00:01.0", "virtio0-config", 0, 0, 0},
			{29, "0000:00:01.0", "virtio0-inflate", 0, 0, 0},
			{30, "0000:00:01.0", "virtio0-deflate", 0, 0, 0},
			{31, "0000:00:01.0", "virtio0-stats", last, 0.02, 0},
			{32, "0000:00:01.0", "virtio0-reporting_vq", 0, 0.005, 0},
			{33, "0000:00:05.0", "virtio4-config", 0, 0, 0},
			{34, "0000:00:05.0", "virtio4-input", 0, 0.0002, 0},
			{35, "0000:00:02.0", "virtio1-config", last, 0, 1},
			{36, "0000:00:02.0", "virtio1-req.0", last, 0.4, 0},
			{40, "0000:00:04.0", "virtio3-config", 0, 0, 0},
			{41, "0000:00:04.0", "virtio3-rx", 0, 0.02, 0},
			{42, "0000:00:04.0", "virtio3-tx", last, 0.04, 0},
			{43, "0000:00:04.0", "virtio3-event", 0, 0, 1},
		}
		idx := map[string]int{}
		for _, v := range vio {
			r := mk(v.num, chipMSIX, 0, "edge", v.name, v.cpu, v.rate, v.rate*m.up[0]+v.start)
			r.pci = v.pci
			r.index = idx[v.pci]
			idx[v.pci]++
			r.node = -1
			out = append(out, r)
		}
		return out
	}
	c2 := on[2%len(on)]
	out := []*irqRow{
		mk(0, chipIOAPIC, 2, "edge", "timer", 0, 0, 27),
		mk(8, chipIOAPIC, 8, "edge", "rtc0", 0, 0, 1),
		mk(9, chipIOAPIC, 9, "fasteoi", "acpi", 0, 0, 0),
		mk(16, chipIOAPIC, 16, "fasteoi", "i801_smbus", c2, 0, 0),
		mk(24, chipDMAR, 0, "edge", "dmar0", 0, 0, 0),
		mk(25, chipDMAR, 1, "edge", "dmar1", 0, 0, 0),
		msi(26, "0000:00:1c.0", "PCIe PME, aer", 0, 0),
		msi(27, "0000:00:17.0", m.ahciName(), c2, 2.5),
		msi(28, "0000:00:14.0", "xhci_hcd", on[1%len(on)], 0.01),
		msi(29, "0000:00:16.0", "mei_me", on[3%len(on)], 0.001),
	}
	return out
}

// ahciName is the AHCI action name (the PCI address suffix came with 4.x).
func (m *model) ahciName() string {
	if m.k.ge(4, 0) {
		return "ahci[0000:00:17.0]"
	}
	return "ahci"
}

// chipText renders an irqRow's chip and hwirq columns for the kernel.
func (m *model) chipText(r *irqRow) (chip, hwirq string) {
	ir := ""
	if m.physical {
		ir = "IR-"
	}
	switch r.chip {
	case chipIOAPIC:
		return ir + "IO-APIC", strconv.Itoa(r.pin)
	case chipDMAR:
		if m.k.irqLayout() == irqLayout310 {
			return "DMAR_MSI", ""
		}
		return "DMAR-MSI", strconv.Itoa(r.index)
	}
	kind := "MSI"
	if r.chip == chipMSIX {
		kind = "MSIX"
	}
	if m.k.perDeviceMSI() {
		return ir + "PCI-" + kind + "-" + r.pci, strconv.Itoa(r.index)
	}
	return ir + "PCI-MSI", strconv.FormatInt(msiHWIRQ(r.pci, r.index), 10)
}

// msiHWIRQ is pci_msi_domain_calc_hwirq: domain<<27 | BDF<<11 | index.
func msiHWIRQ(pci string, index int) int64 {
	var dom, bus, dev, fn int64
	parts := strings.FieldsFunc(pci, func(r rune) bool { return r == ':' || r == '.' })
	if len(parts) == 4 {
		dom, _ = strconv.ParseInt(parts[0], 16, 64)
		bus, _ = strconv.ParseInt(parts[1], 16, 64)
		dev, _ = strconv.ParseInt(parts[2], 16, 64)
		fn, _ = strconv.ParseInt(parts[3], 16, 64)
	}
	return dom<<27 | (bus<<8|dev<<3|fn)<<11 | int64(index)
}

// applyReload marks the vectors of Scenario.Reload's NIC as re-created and
// every IRQ as restarted under Scenario.RestartIRQs.
func (m *model) applyReload(used map[int]bool) {
	for _, r := range m.irqs {
		r.restart = m.sc.RestartIRQs
	}
	rl := m.sc.Reload
	if rl == nil {
		return
	}
	for _, n := range m.nics {
		if n.Name != rl.NIC {
			continue
		}
		num := rl.IRQBase
		for _, r := range n.vectors {
			for used[num] {
				num++
			}
			used[num] = true
			r.reloaded, r.num2, r.cpu2 = true, num, rl.CPU
			num++
		}
	}
}

// irqsAt are the IRQs in number order at sample s.
func (m *model) irqsAt(s int) []*irqRow {
	out := slices.Clone(m.irqs)
	slices.SortStableFunc(out, func(a, b *irqRow) int { return a.numAt(s) - b.numAt(s) })
	return out
}
