package hostview

import (
	"cmp"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// The activity and placement thresholds of queue IRQs.
const (
	// ActiveIRQRate is the rate above which a queue IRQ is active, in
	// interrupts/s over the window: below 80 interrupts per second a queue
	// carries too little traffic to matter where it runs (irqtop-style
	// tools hide such rows too). With one sample it applies to the
	// since-boot average.
	ActiveIRQRate = 80.0
	// ActiveShareOfBusiest makes a queue IRQ active when no time base is
	// known: its count is at least this share of the NIC's busiest queue IRQ.
	ActiveShareOfBusiest = 0.01
	// ActiveCountNoTimeBase also makes a queue IRQ active when no time base
	// is known: a million interrupts is what a queue at the activity rate
	// (80/s) takes in about three and a half hours, so the queue carried
	// real traffic whatever the busiest queue did. Without it, one queue
	// that took the lion's share (a heavy flow hashed onto it) hides that
	// every other queue of the NIC, each with millions of interrupts, sits
	// on the same CPU.
	ActiveCountNoTimeBase = 1_000_000
	// DominantShare is the share of an IRQ's interrupts in the window that
	// makes one CPU its dominant CPU; below it the IRQ is spread.
	DominantShare = 0.80
)

// CPUsFrom says where an IRQ's CPUs were read: the one spelling of the
// report's and show's cpus_from and of the checks' placement sources.
type CPUsFrom string

// The sources of an IRQ's CPUs.
const (
	// FromInterval: the dominant CPU over the two-sample window.
	FromInterval CPUsFrom = "interval"
	// FromEffective: /proc/irq/N/effective_affinity_list, where the kernel
	// actually delivers the interrupt (kernels 4.13 and later).
	FromEffective CPUsFrom = "effective_affinity_list"
	// FromAffinity: /proc/irq/N/smp_affinity_list, the CPUs the IRQ is
	// allowed on.
	FromAffinity CPUsFrom = "smp_affinity_list"
)

// routedCPUs are the CPUs the affinity files route an IRQ to:
// effective_affinity_list when known, else smp_affinity_list; "" when
// neither was read.
func routedCPUs(q *host.IRQ) ([]int, CPUsFrom) {
	switch {
	case len(q.Effective) > 0:
		return host.SortedCPUs(q.Effective), FromEffective
	case len(q.Affinity) > 0:
		return host.SortedCPUs(q.Affinity), FromAffinity
	}
	return nil, ""
}

// IRQLoad is one NIC interrupt line over the window.
type IRQLoad struct {
	// Num is the IRQ number.
	Num int `json:"num"`
	// Name is the first action name ("eth0-TxRx-3").
	Name string `json:"name"`
	// NIC is the interface; Queue and Dir the queue it serves (-1 and ""
	// for a misc vector, Misc true).
	NIC   string `json:"nic"`
	Queue int    `json:"queue"`
	Dir   string `json:"dir,omitempty"`
	Misc  bool   `json:"misc,omitempty"`
	// PerCPU are the interrupts per CPU over the window; Total their sum;
	// Rate per second. CountsKnown is false when the IRQ is in only one of
	// two samples or has no row.
	PerCPU      map[int]uint64 `json:"per_cpu"`
	Total       uint64         `json:"total"`
	Rate        float64        `json:"rate"`
	CountsKnown bool           `json:"counts_known"`
	// Gap says why a two-sample window has no counts for it (a reboot, a
	// renumbered or re-created IRQ, a reset); "" otherwise.
	Gap string `json:"gap,omitempty"`
	// Dominant is the CPU with ≥ DominantShare of the window's interrupts,
	// -1 when spread or idle; DominantShare its share (0 to 1).
	Dominant      int     `json:"dominant"`
	DominantShare float64 `json:"dominant_share"`
	// ConfigCPU is the one CPU the affinity files route it to (-1 when
	// they name several or are absent); ConfigFrom is FromEffective or
	// FromAffinity; Affinity and Effective are the lists as read.
	ConfigCPU  int      `json:"config_cpu"`
	ConfigFrom CPUsFrom `json:"config_from,omitempty"`
	Affinity   []int    `json:"affinity,omitempty"`
	Effective  []int    `json:"effective,omitempty"`
	// CPUs are the CPUs the affinity files route it to, sorted, and
	// CPUsFrom the file read (FromEffective, FromAffinity, "" unknown): the
	// cpus and cpus_from of the report and of show.
	CPUs     []int    `json:"cpus,omitempty"`
	CPUsFrom CPUsFrom `json:"cpus_from,omitempty"`
	// Servicing is the CPU that services it: with two samples, the
	// dominant CPU; otherwise ConfigCPU. -1 unknown or spread.
	// ServicingFrom is FromInterval, FromEffective, FromAffinity or "".
	Servicing     int      `json:"servicing"`
	ServicingFrom CPUsFrom `json:"servicing_from,omitempty"`
	// Active is true for a queue IRQ above the activity threshold.
	Active bool `json:"active"`
	// RX is true when the IRQ serves a receive (rx or combined) queue.
	RX bool `json:"rx"`
}

// NICLoad is one interface with its queues and loss counters.
type NICLoad struct {
	// Name is the interface name.
	Name string `json:"name"`
	// NIC points into the latest sample.
	NIC *host.NIC `json:"-"`
	// Physical is true for a NIC backed by a device with its own interrupts
	// (host.NIC.DeviceBacked: PCI, virtio, ENA, a VF...), however the
	// source learnt it.
	Physical bool `json:"physical"`
	// Paravirtual is true for a virtual machine's NIC (virtio, vmxnet3,
	// netvsc, xen-netfront): no FIFO of its own.
	Paravirtual bool `json:"paravirtual"`
	// Node is the NIC's numa_node (-1 unknown); NodeKnown is true when it
	// is ≥ 0 and that node has online CPUs.
	Node      int  `json:"node"`
	NodeKnown bool `json:"node_known"`
	// LocalCPUs are the NIC-local CPUs (see localCPUs).
	LocalCPUs []int `json:"local_cpus"`
	// QueueMap is how its queues were found ("msi_irqs", "names", "").
	QueueMap string `json:"queue_map,omitempty"`
	// Queues are its queue vectors with their IRQ, in queue order; one
	// IRQ may serve an rx and a tx queue.
	Queues []QueueLoad `json:"queues"`
	// RXQueues counts its distinct receive (rx or combined) queue indexes:
	// a NIC is multi-queue with two or more (virtio's input.0 and
	// output.0 are one queue pair).
	RXQueues int `json:"rx_queues"`
	// QueueIRQs are its distinct queue IRQs in queue order; ActiveIRQs the
	// active ones serving a receive queue (the placement checks judge the
	// receive path: TX-only vectors do not count); MiscIRQs the vectors
	// that serve no queue.
	QueueIRQs  []*IRQLoad `json:"-"`
	ActiveIRQs []*IRQLoad `json:"-"`
	MiscIRQs   []*IRQLoad `json:"-"`
	// RPS is true when some RX queue has a non-empty rps_cpus mask.
	RPS bool `json:"rps"`
	// Loss is the NIC's hardware/ring loss over the window.
	Loss HWLoss `json:"loss"`
}

// QueueLoad is one queue of a NIC and its interrupt line.
type QueueLoad struct {
	// Index and Dir are the queue's number and direction (host.Dir*),
	// Name the action name that identified it, IRQ its interrupt line.
	Index int      `json:"index"`
	Dir   string   `json:"dir"`
	Name  string   `json:"name,omitempty"`
	IRQ   *IRQLoad `json:"irq"`
}

var paravirtualDrivers = map[string]bool{
	"virtio_net": true, "virtio-net": true, "vmxnet3": true, "hv_netvsc": true,
	"netvsc": true, "xen-netfront": true, "xen_netfront": true,
}

// physical is the one place that decides whether a NIC is a device of its
// own with per-queue interrupts (PCI, or virtio) rather than a software
// interface: the placement and loss checks judge only these.
func physical(n *host.NIC) bool { return n.DeviceBacked() }

// paravirtual is true for a virtual machine's NIC, which has no FIFO of its
// own: its loss is in the hypervisor.
func paravirtual(n *host.NIC) bool {
	return n.VirtualHW || paravirtualDrivers[n.Driver] || strings.HasPrefix(n.Device, "virtio")
}

// nics builds the NIC table, their queues and IRQs.
func (v *View) nics() {
	now := v.Now
	for i := range now.NICs {
		n := &now.NICs[i]
		nl := &NICLoad{
			Name:        n.Name,
			NIC:         n,
			Physical:    physical(n),
			Paravirtual: paravirtual(n),
			Node:        n.NUMANode,
			QueueMap:    n.QueueMap,
		}
		nl.NodeKnown = n.NUMANode >= 0 && v.Node(n.NUMANode) != nil
		nl.LocalCPUs = v.localCPUs(n)
		for _, cpus := range n.RPS {
			if len(cpus) > 0 {
				nl.RPS = true
			}
		}
		seen := map[int]bool{}
		rxIdx := map[int]bool{}
		for _, q := range n.Queues {
			il := v.irqLoad(q.IRQ, n.Name)
			if il == nil {
				continue
			}
			if il.Queue < 0 || q.Index < il.Queue {
				il.Queue, il.Dir = q.Index, q.Dir
			}
			if q.Dir != host.DirTX {
				il.RX = true
				if !rxIdx[q.Index] {
					rxIdx[q.Index] = true
					nl.RXQueues++
				}
			}
			nl.Queues = append(nl.Queues, QueueLoad{Index: q.Index, Dir: q.Dir, Name: q.Name, IRQ: il})
			if !seen[q.IRQ] {
				seen[q.IRQ] = true
				nl.QueueIRQs = append(nl.QueueIRQs, il)
			}
		}
		for _, num := range n.MiscIRQs {
			if seen[num] {
				continue
			}
			if il := v.irqLoad(num, n.Name); il != nil {
				il.Misc = true
				nl.MiscIRQs = append(nl.MiscIRQs, il)
			}
		}
		v.markActive(nl)
		nl.Loss = v.hwLoss(n)
		v.NICs = append(v.NICs, nl)
		if _, dup := v.nicByNm[n.Name]; !dup {
			v.nicByNm[n.Name] = nl
		}
	}
	slices.SortFunc(v.IRQs, func(a, b *IRQLoad) int { return cmp.Compare(a.Num, b.Num) })
}

// localCPUs are the NIC-local CPUs, where its queue IRQs belong: online, non-isolated
// CPUs of the NIC's node; all of them when numa_node is -1 or the host has
// one node.
func (v *View) localCPUs(n *host.NIC) []int {
	var local []int
	if n.NUMANode >= 0 && v.MultiNode {
		if nd := v.Node(n.NUMANode); nd != nil {
			local = host.IntersectCPUs(nd.CPUs, v.Usable)
		} else if len(n.LocalCPUs) > 0 {
			local = host.IntersectCPUs(n.LocalCPUs, v.Usable)
		}
	}
	if len(local) == 0 {
		local = slices.Clone(v.Usable)
	}
	if len(local) == 0 {
		local = slices.Clone(v.Online)
	}
	return local
}

// irqLoad computes (once) the window counts and placement of an IRQ.
func (v *View) irqLoad(num int, nic string) *IRQLoad {
	if il, ok := v.irqByNo[num]; ok {
		return il
	}
	il := &IRQLoad{Num: num, NIC: nic, Queue: -1, Dominant: -1, ConfigCPU: -1, Servicing: -1}
	q := v.Now.IRQ(num)
	if q != nil {
		if len(q.Actions) > 0 {
			il.Name = q.Actions[0]
		}
		il.Affinity, il.Effective = q.Affinity, q.Effective
		il.CPUs, il.CPUsFrom = routedCPUs(q)
		switch {
		case len(q.Effective) == 1:
			il.ConfigCPU, il.ConfigFrom = q.Effective[0], FromEffective
		case len(q.Effective) == 0 && len(q.Affinity) == 1:
			il.ConfigCPU, il.ConfigFrom = q.Affinity[0], FromAffinity
		}
	}
	if v.Prev != nil {
		if m, ok := v.Pair.IRQGrowth(num); ok {
			il.PerCPU, il.CountsKnown = m, true
		} else {
			il.Gap = v.Pair.IRQGap(num)
		}
	} else if q != nil {
		il.PerCPU = irqCountsByCPU(v.Now.Interrupts.CPUs, q)
		il.CountsKnown = true
	}
	var best, bestCPU = uint64(0), -1
	for cpu, c := range il.PerCPU {
		il.Total += c
		if c > best || (c == best && c > 0 && cpu < bestCPU) {
			best, bestCPU = c, cpu
		}
	}
	il.Rate = v.Rate(il.Total)
	if il.Total > 0 {
		il.DominantShare = float64(best) / float64(il.Total)
		if il.DominantShare >= DominantShare {
			il.Dominant = bestCPU
		}
	}
	if v.TwoSample() && il.Total > 0 {
		il.Servicing, il.ServicingFrom = il.Dominant, FromInterval
		if il.Dominant < 0 {
			il.ServicingFrom = ""
		}
	} else if il.ConfigCPU >= 0 {
		il.Servicing, il.ServicingFrom = il.ConfigCPU, il.ConfigFrom
	}
	v.irqByNo[num] = il
	v.IRQs = append(v.IRQs, il)
	return il
}

// irqCountsByCPU maps a /proc/interrupts row onto its header's CPUs: a
// sparse row's nonzero counts only.
func irqCountsByCPU(header []int, q *host.IRQ) map[int]uint64 {
	if !q.Sparse() {
		return countsByCPU(header, q.Counts)
	}
	m := make(map[int]uint64, len(q.Counts))
	q.EachCount(func(col int, n uint64) {
		if col < len(header) && n > 0 {
			m[header[col]] += n
		}
	})
	return m
}

// countsByCPU maps a /proc/interrupts row onto its header's CPUs.
func countsByCPU(header []int, counts []uint64) map[int]uint64 {
	m := make(map[int]uint64, len(counts))
	for i, c := range counts {
		cpu := i
		if i < len(header) {
			cpu = header[i]
		} else if len(header) > 0 {
			break
		}
		m[cpu] += c
	}
	return m
}

// markActive marks the active queue IRQs: above ActiveIRQRate with a time
// base, else at least ActiveShareOfBusiest of the NIC's busiest queue IRQ.
func (v *View) markActive(nl *NICLoad) {
	var busiest uint64
	for _, il := range nl.QueueIRQs {
		busiest = max(busiest, il.Total)
	}
	for _, il := range nl.QueueIRQs {
		switch {
		case !il.CountsKnown || il.Total == 0:
			il.Active = false
		case v.HasRates():
			il.Active = il.Rate > ActiveIRQRate
		default:
			il.Active = float64(il.Total) >= ActiveShareOfBusiest*float64(busiest) || il.Total >= ActiveCountNoTimeBase
		}
		if il.Active && il.RX {
			nl.ActiveIRQs = append(nl.ActiveIRQs, il)
		}
	}
}

// IRQPlan is the choice of CPUs for a NIC's queue IRQs.
type IRQPlan struct {
	// CPUs holds the CPU for the i-th queue IRQ.
	CPUs []int
	// Cores is the number of NIC-local cores available.
	Cores int
	// RoundRobin is true when queues outnumber cores: some CPUs take
	// several queues and `ethtool -L DEV combined Cores` is advised.
	RoundRobin bool
}

// ChooseIRQCPUs picks CPUs for n queue IRQs of nl: one physical core per queue on the NIC-local CPUs, each core's lowest
// thread, cores by lowest CPU; core 0 skipped when cores outnumber queues;
// CPUs running busy application threads last; round-robin when queues
// outnumber cores. exclude removes CPUs from the candidates (unless that
// leaves none).
func (v *View) ChooseIRQCPUs(nl *NICLoad, n int, exclude []int) IRQPlan {
	cands := v.CoreThreads(nl.LocalCPUs)
	if len(cands) > 0 && len(exclude) > 0 {
		if rest := host.MinusCPUs(cands, exclude); len(rest) > 0 {
			// keep the order of the cores
			keep := map[int]bool{}
			for _, c := range rest {
				keep[c] = true
			}
			cands = slices.DeleteFunc(cands, func(c int) bool { return !keep[c] })
		}
	}
	plan := IRQPlan{Cores: len(cands)}
	if n <= 0 || len(cands) == 0 {
		return plan
	}
	if len(cands) > n {
		core0 := v.CoreOf(0)
		cands = slices.DeleteFunc(cands, func(c int) bool {
			return core0 != nil && slices.Contains(core0.CPUs, c)
		})
	}
	if len(v.BusyAppCPUs) > 0 {
		var first, last []int
		for _, c := range cands {
			if slices.Contains(v.BusyAppCPUs, c) {
				last = append(last, c)
			} else {
				first = append(first, c)
			}
		}
		cands = append(first, last...)
	}
	plan.RoundRobin = n > len(cands)
	plan.CPUs = make([]int, n)
	for i := range n {
		plan.CPUs[i] = cands[i%len(cands)]
	}
	return plan
}

// CoreThreads lists the cores having a CPU in cpus, in ascending order of
// their lowest CPU, as each core's lowest thread within cpus.
func (v *View) CoreThreads(cpus []int) []int {
	set := map[int]bool{}
	for _, c := range cpus {
		set[c] = true
	}
	var out []int
	for _, core := range v.Cores {
		for _, c := range core.CPUs {
			if set[c] {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// ServicingCPUs returns the CPUs servicing nl's active queue IRQs.
func (nl *NICLoad) ServicingCPUs() []int {
	var out []int
	for _, il := range nl.ActiveIRQs {
		if il.Servicing >= 0 {
			out = append(out, il.Servicing)
		}
	}
	return host.SortedCPUs(out)
}

// NamesOnly is true when the NIC's queues were found from action names
// only (a sosreport): lower confidence.
func (nl *NICLoad) NamesOnly() bool { return nl.QueueMap == "names" }
