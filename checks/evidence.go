package checks

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Shared definitions of DOMAIN.md §3, used by every check.
const (
	// ActiveIRQRate is the rate above which a queue IRQ is active, in
	// interrupts/s over the window (netutils-linux irqtop hides rows at or
	// below 80 per one-second tick). With one sample it applies to the
	// since-boot average.
	ActiveIRQRate = 80.0
	// ActiveShareOfBusiest makes a queue IRQ active when no time base is
	// known: its count is at least this share of the NIC's busiest queue IRQ.
	ActiveShareOfBusiest = 0.01
	// DominantShare is the share of an IRQ's interrupts in the window that
	// makes one CPU its dominant CPU (the boxctl-style rule); below it the
	// IRQ is spread.
	DominantShare = 0.80
	// BusyThreadShare is the share of one CPU a user-space thread must use
	// over the window to count as busy (netdoctor default, DOMAIN.md §4.7).
	BusyThreadShare = 0.10
)

// WindowKind says what the counts and rates of an Evidence cover.
type WindowKind string

// The evidence kinds of DOMAIN.md §3.
const (
	// WindowInterval: two samples; counts are deltas over the interval.
	WindowInterval WindowKind = "interval"
	// WindowSinceBoot: one sample with a known boot time; counts are
	// cumulative and rates are since-boot averages (a lower bound: IRQ
	// counts start at driver load).
	WindowSinceBoot WindowKind = "since-boot"
	// WindowNone: one sample with no boot time; counts are cumulative and
	// no rate is known.
	WindowNone WindowKind = "none"
)

// Placement sources of an IRQ's servicing CPU.
const (
	FromInterval  = "interval"           // the dominant CPU over the two-sample window
	FromEffective = "effective_affinity" // a one-CPU effective_affinity_list
	FromAffinity  = "smp_affinity"       // a one-CPU smp_affinity_list
)

// Evidence is everything the checks read: the pair of samples and the
// facts derived from it once, by NewEvidence. Checks never modify it.
//
// Counts are over the window: deltas for two samples, cumulative totals
// for one. Rates are per second over the window and 0 when Seconds is 0.
// The exported tables (CPUs, NICs and their queues, IRQs) are also what the
// report draws: per-CPU interrupt, softirq and drop load, and the
// NIC → queue → IRQ → CPU map.
type Evidence struct {
	// Pair is the input; Now is its latest sample (never nil: an empty
	// snapshot when the pair is empty) and Prev the earlier one or nil.
	Pair *host.Pair
	Now  *host.Snapshot
	Prev *host.Snapshot

	// Window says what counts cover; Seconds is its length (the interval,
	// or the uptime for since-boot, 0 for none); WindowLabel is the text
	// findings print ("5.0 s interval", "since boot (3d 4h)").
	Window      WindowKind
	Seconds     float64
	WindowLabel string

	// Online are the online CPUs of the latest sample; Isolated the
	// isolcpus and nohz_full CPUs; Usable the online CPUs not isolated.
	Online   []int
	Isolated []int
	Usable   []int

	// Cores are the physical cores of the online CPUs, ordered by lowest
	// CPU. A core is keyed by thread_siblings_list and (package, die,
	// core_id), merged; a CPU with neither is a core of its own with
	// Known false. SMT is true when a core has two or more online threads
	// (and smt/active does not say otherwise).
	Cores []Core
	SMT   bool

	// Nodes are the NUMA nodes with online CPUs, by ID. MultiNode is true
	// with two or more of them.
	Nodes     []NodeCPUs
	MultiNode bool

	// CPUs is the per-CPU load table of the online CPUs (plus any CPU a
	// counter names), sorted by CPU.
	CPUs []CPULoad
	// SoftnetRows are the softnet_stat rows of the window, including rows
	// whose CPU is unknown (CPU -1).
	SoftnetRows []SoftnetLoad

	// IRQs are the interrupt lines of the NICs (queue and misc vectors), by
	// number.
	IRQs []*IRQLoad
	// NICs are the interfaces in the order of the latest sample.
	NICs []*NICLoad

	// Threads are the tasks of the latest sample with their CPU use.
	Threads []ThreadUse
	// BusyAppCPUs are the CPUs where a busy user-space thread last ran
	// (two samples: ≥ BusyThreadShare of a CPU; one sample: state R).
	BusyAppCPUs []int

	// Discontinuities are the counter series without a value over the
	// interval (host.Pair.Discontinuities); PairWarnings what a reader of
	// the deltas must know (host.Pair.Warnings). Both nil for one sample.
	Discontinuities []host.Discontinuity
	PairWarnings    []string

	// Concentrations are the NICs whose active queue IRQs share one CPU
	// (the irq-concentration rule), shared by the checks that must not
	// report the same CPUs again or that point at it as a cause.
	Concentrations []Concentration

	cpuIdx  map[int]int
	coreOf  map[int]int
	nodeOf  map[int]int
	irqByNo map[int]*IRQLoad
	nicByNm map[string]*NICLoad
}

// Core is one physical core: its online threads.
type Core struct {
	// Index is the core's position in Evidence.Cores.
	Index int `json:"index"`
	// CPUs are its online threads, sorted.
	CPUs []int `json:"cpus"`
	// Node is the NUMA node of its lowest CPU, -1 unknown.
	Node int `json:"node"`
	// Known is false when no topology input placed its CPUs.
	Known bool `json:"known"`
}

// NodeCPUs is one NUMA node with its online CPUs.
type NodeCPUs struct {
	// ID is the node number; CPUs its online CPUs, sorted.
	ID   int   `json:"id"`
	CPUs []int `json:"cpus"`
	// Distances are the SLIT distances to every node, by node ID, when known.
	Distances []int `json:"distances,omitempty"`
}

// CPULoad is one CPU's receive-path load over the window.
type CPULoad struct {
	// CPU is the CPU number; Online, Isolated and Node (-1 unknown) its
	// state in the latest sample.
	CPU      int  `json:"cpu"`
	Online   bool `json:"online"`
	Isolated bool `json:"isolated"`
	Node     int  `json:"node"`
	// Core is the index in Evidence.Cores, -1 unknown.
	Core int `json:"core"`
	// IRQs is the CPU's hard interrupts over every numbered IRQ of
	// /proc/interrupts (devices, not the LOC/RES/... architecture rows);
	// IRQRate the same per second.
	IRQs    uint64  `json:"irqs"`
	IRQRate float64 `json:"irq_rate"`
	// NICIRQs is the sum of the CPU's interrupts over every physical NIC's
	// queue IRQs; NICIRQRate the same per second.
	NICIRQs    uint64  `json:"nic_irqs"`
	NICIRQRate float64 `json:"nic_irq_rate"`
	// ActiveQueues counts the active queue IRQs this CPU services.
	ActiveQueues int `json:"active_queues"`
	// NetRX is the NET_RX softirq count (handler runs); NetRXKnown false
	// when /proc/softirqs could not give it.
	NetRX      uint64  `json:"net_rx"`
	NetRXRate  float64 `json:"net_rx_rate"`
	NetRXKnown bool    `json:"net_rx_known"`
	// IRQTime is the share of the CPU's time spent in hard IRQ and softirq
	// (/proc/stat irq + softirq), 0 to 1.
	IRQTime      float64 `json:"irq_time"`
	IRQTimeKnown bool    `json:"irq_time_known"`
	// Softnet is the CPU's softnet_stat row over the window.
	Softnet      host.SoftnetRow `json:"softnet"`
	SoftnetKnown bool            `json:"softnet_known"`
	// DropRate and SqueezeRate are softnet dropped and time_squeeze per second.
	DropRate    float64 `json:"drop_rate"`
	SqueezeRate float64 `json:"squeeze_rate"`
}

// SoftnetLoad is one softnet_stat row over the window.
type SoftnetLoad struct {
	// Row is the line number (0-based); CPU the owning CPU, -1 unknown.
	Row int `json:"row"`
	CPU int `json:"cpu"`
	// CPUFromIndex is true when the kernel printed the CPU (column 13).
	CPUFromIndex bool `json:"cpu_from_index"`
	// Counts are the row's counters over the window.
	Counts host.SoftnetRow `json:"counts"`
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
	ConfigCPU  int    `json:"config_cpu"`
	ConfigFrom string `json:"config_from,omitempty"`
	Affinity   []int  `json:"affinity,omitempty"`
	Effective  []int  `json:"effective,omitempty"`
	// Servicing is the CPU that services it (DOMAIN.md §3): two samples,
	// the dominant CPU; otherwise ConfigCPU. -1 unknown or spread.
	// ServicingFrom is FromInterval, FromEffective, FromAffinity or "".
	Servicing     int    `json:"servicing"`
	ServicingFrom string `json:"servicing_from,omitempty"`
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
	// LocalCPUs are the NIC-local CPUs of DOMAIN.md §3.
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

// Counter is one named counter over the window.
type Counter struct {
	// Name is the counter ("rx_missed_errors"); Source where it was read
	// ("statistics", "ethtool -S", "/proc/net/dev").
	Name   string `json:"name"`
	Source string `json:"source"`
	Value  uint64 `json:"value"`
}

// HWLoss is a NIC's hardware and ring overflow counters over the window
// (DOMAIN.md §4.4).
type HWLoss struct {
	// Known is true when some loss counter could be read.
	Known bool `json:"known"`
	// Max is HW: the largest of the overflow counters (not their sum:
	// igb's fifo includes missed); MaxName names it.
	Max     uint64 `json:"max"`
	MaxName string `json:"max_name,omitempty"`
	// Counters are the overflow counters read, non-zero or not.
	Counters []Counter `json:"counters"`
	// NoBuffer is rx_no_buffer_count, the early warning.
	NoBuffer uint64 `json:"no_buffer"`
	// Packets is Δrx_packets; PacketsKnown false when unknown.
	Packets      uint64 `json:"packets"`
	PacketsKnown bool   `json:"packets_known"`
	// Sysfs is false when sysfs statistics were absent (a fallback was used).
	Sysfs bool `json:"sysfs"`
	// Ethtool is true when ethtool -S was available.
	Ethtool bool `json:"ethtool"`
	// Reset is true when a counter went backwards (driver reset): the
	// window is not evaluable for that counter.
	Reset bool `json:"reset,omitempty"`
}

// ThreadUse is one task and its CPU use over the window.
type ThreadUse struct {
	// PID, TID and PPID are the process, thread and parent IDs.
	PID  int `json:"pid"`
	TID  int `json:"tid"`
	PPID int `json:"ppid"`
	// Comm is the process name, ThreadComm the thread's.
	Comm       string `json:"comm"`
	ThreadComm string `json:"thread_comm"`
	Cmdline    string `json:"cmdline,omitempty"`
	// Kernel is true for a kernel thread (PF_KTHREAD or child of kthreadd).
	Kernel bool   `json:"kernel"`
	State  string `json:"state,omitempty"`
	// CPU is where it last ran in the latest sample, PrevCPU in the
	// earlier one (-1 unknown).
	CPU     int   `json:"cpu"`
	PrevCPU int   `json:"prev_cpu"`
	Allowed []int `json:"allowed,omitempty"`
	// Usage is the share of one CPU it used over the window (two samples)
	// or since boot (one sample); UsageKnown false when unknown.
	Usage      float64 `json:"usage"`
	UsageKnown bool    `json:"usage_known"`
}

// Concentration is one NIC whose active queue IRQs share one CPU
// (DOMAIN.md §4.1), computed once for every check.
type Concentration struct {
	// NIC is the interface whose queues share one CPU.
	NIC *NICLoad
	// CPU is the shared CPU; IRQs the active queue IRQs placed on it.
	CPU  int
	IRQs []*IRQLoad
	// Active is the number of active queue IRQs of the NIC.
	Active int
	// FromCounts is true when some placement came from since-boot counts
	// (one sample, no one-CPU affinity file); Over95 is true when every
	// active queue IRQ of the NIC has ≥ 95 % of its counts on one CPU.
	FromCounts bool
	Over95     bool
	// Config is true for a one-sample placement read from affinity files.
	Config bool
	// SpreadPossible is true when another NIC-local CPU services none of
	// the NIC's active queues.
	SpreadPossible bool
}

// CountsShareHistory is the share of since-boot interrupts on one CPU that
// makes a one-sample, counts-only concentration a warning (DOMAIN.md §4.1).
const CountsShareHistory = 0.95

// NewEvidence derives every fact the checks read from p, once. A nil pair
// or sample gives an Evidence over an empty snapshot, on which checks
// report not-evaluated.
func NewEvidence(p *host.Pair) *Evidence {
	ev := &Evidence{
		Pair:    p,
		cpuIdx:  map[int]int{},
		coreOf:  map[int]int{},
		nodeOf:  map[int]int{},
		irqByNo: map[int]*IRQLoad{},
		nicByNm: map[string]*NICLoad{},
	}
	if p != nil && p.After != nil {
		ev.Now = p.After
		ev.Prev = p.Before
	} else {
		ev.Now = &host.Snapshot{}
	}
	if p.TwoSample() {
		ev.Discontinuities, ev.PairWarnings = p.Discontinuities(), p.Warnings()
	}
	ev.window()
	ev.topology()
	ev.cpuTable()
	ev.nics()
	ev.perCPU()
	ev.softnet()
	ev.threads()
	ev.Concentrations = ev.findConcentrations()
	return ev
}

// TwoSample is true when the evidence holds deltas over an interval.
func (ev *Evidence) TwoSample() bool { return ev.Window == WindowInterval }

// HasRates is true when rates are known (a time base exists).
func (ev *Evidence) HasRates() bool { return ev.Seconds > 0 }

// CPU returns the load row of cpu, or nil.
func (ev *Evidence) CPU(cpu int) *CPULoad {
	if i, ok := ev.cpuIdx[cpu]; ok {
		return &ev.CPUs[i]
	}
	return nil
}

// CoreOf returns cpu's core, or nil when cpu is not online.
func (ev *Evidence) CoreOf(cpu int) *Core {
	if i, ok := ev.coreOf[cpu]; ok {
		return &ev.Cores[i]
	}
	return nil
}

// NodeOf returns cpu's NUMA node, -1 unknown.
func (ev *Evidence) NodeOf(cpu int) int {
	if n, ok := ev.nodeOf[cpu]; ok {
		return n
	}
	return -1
}

// Node returns the node with CPUs id, or nil.
func (ev *Evidence) Node(id int) *NodeCPUs {
	for i := range ev.Nodes {
		if ev.Nodes[i].ID == id {
			return &ev.Nodes[i]
		}
	}
	return nil
}

// IRQ returns the load of a NIC interrupt line, or nil.
func (ev *Evidence) IRQ(num int) *IRQLoad { return ev.irqByNo[num] }

// NIC returns the interface's load, or nil.
func (ev *Evidence) NIC(name string) *NICLoad { return ev.nicByNm[name] }

// Rate divides a count over the window by its length; 0 without a time base.
func (ev *Evidence) Rate(n uint64) float64 {
	if ev.Seconds <= 0 {
		return 0
	}
	return float64(n) / ev.Seconds
}

// InputOK is true when the latest sample recorded input name (for subject)
// as ok, or did not record it at all but has data for it (sources that
// do not record every input). Use inputStatus for the reason.
func (ev *Evidence) InputOK(name, subject string) bool {
	in := ev.Now.Input(name, subject)
	return in == nil || in.Status == host.StatusOK
}

// inputReason describes why input name is not usable, for a verdict reason.
func (ev *Evidence) inputReason(name, subject string) string {
	label := name
	if subject != "" {
		label += " " + subject
	}
	in := ev.Now.Input(name, subject)
	if in == nil {
		return label + " not collected"
	}
	if in.Reason != "" {
		return label + " " + string(in.Status) + ": " + in.Reason
	}
	return label + " " + string(in.Status)
}

func (ev *Evidence) window() {
	now := ev.Now
	if ev.Prev != nil {
		ev.Window = WindowInterval
		d := ev.Pair.Interval
		if d <= 0 && !ev.Prev.Time.IsZero() && now.Time.After(ev.Prev.Time) {
			d = now.Time.Sub(ev.Prev.Time)
		}
		if d > 0 {
			ev.Seconds = d.Seconds()
			ev.WindowLabel = strconv.FormatFloat(ev.Seconds, 'f', 1, 64) + " s interval"
		} else {
			ev.WindowLabel = "interval of unknown length"
		}
		return
	}
	if up := now.Uptime(); up > 0 {
		ev.Window = WindowSinceBoot
		ev.Seconds = up.Seconds()
		ev.WindowLabel = "since boot (" + fmtUptime(up) + ")"
		return
	}
	ev.Window = WindowNone
	ev.WindowLabel = "single sample, boot time unknown"
}

// fmtUptime prints a duration as "3d 4h", "5h 12m" or "42m".
func fmtUptime(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	switch {
	case days > 0:
		return strconv.Itoa(days) + "d " + strconv.Itoa(hours) + "h"
	case hours > 0:
		return strconv.Itoa(hours) + "h " + strconv.Itoa(mins) + "m"
	default:
		return strconv.Itoa(mins) + "m"
	}
}

func (ev *Evidence) topology() {
	t := &ev.Now.Topology
	online := host.SortedCPUs(t.Online)
	if len(online) == 0 {
		for _, c := range t.CPUs {
			if c.Online {
				online = append(online, c.ID)
			}
		}
		online = host.SortedCPUs(online)
	}
	if len(online) == 0 {
		// /proc/interrupts' header lists the online CPUs.
		online = host.SortedCPUs(ev.Now.Interrupts.CPUs)
	}
	if len(online) == 0 {
		for _, c := range ev.Now.CPUTimes {
			online = append(online, c.CPU)
		}
		online = host.SortedCPUs(online)
	}
	ev.Online = online
	ev.Isolated = host.IntersectCPUs(host.UnionCPUs(t.Isolated, t.NohzFull), online)
	ev.Usable = host.MinusCPUs(online, ev.Isolated)

	// Nodes: the node lists, else each CPU's node.
	byNode := map[int][]int{}
	dist := map[int][]int{}
	for _, n := range t.Nodes {
		if n.ID < 0 {
			continue
		}
		byNode[n.ID] = append(byNode[n.ID], n.CPUs...)
		dist[n.ID] = n.Distances
	}
	for _, c := range t.CPUs {
		if c.Node >= 0 {
			if _, listed := dist[c.Node]; !listed {
				byNode[c.Node] = append(byNode[c.Node], c.ID)
			}
		}
	}
	for id, cpus := range byNode {
		cpus = host.IntersectCPUs(cpus, online)
		if len(cpus) == 0 {
			continue
		}
		ev.Nodes = append(ev.Nodes, NodeCPUs{ID: id, CPUs: cpus, Distances: dist[id]})
		for _, c := range cpus {
			if _, dup := ev.nodeOf[c]; !dup {
				ev.nodeOf[c] = id
			}
		}
	}
	slices.SortFunc(ev.Nodes, func(a, b NodeCPUs) int { return cmp.Compare(a.ID, b.ID) })
	ev.MultiNode = len(ev.Nodes) >= 2

	ev.cores()
}

// cores groups the online CPUs into physical cores with a union-find over
// sibling lists and (package, die, core_id) keys: core_id repeats across
// sockets, and a sosreport may hold sibling lists for only some CPUs.
func (ev *Evidence) cores() {
	onl := map[int]bool{}
	for _, c := range ev.Online {
		onl[c] = true
	}
	parent := map[int]int{}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if ra < rb {
			parent[rb] = ra
		} else {
			parent[ra] = rb
		}
	}
	for _, c := range ev.Online {
		parent[c] = c
	}
	known := map[int]bool{}
	type key struct{ pkg, die, core int }
	byKey := map[key]int{}
	for _, c := range ev.Now.Topology.CPUs {
		if !onl[c.ID] {
			continue
		}
		if c.Siblings != nil {
			known[c.ID] = true
			for _, s := range c.Siblings {
				if onl[s] {
					union(c.ID, s)
				}
			}
		}
		if c.Package >= 0 && c.Core >= 0 {
			known[c.ID] = true
			k := key{c.Package, c.Die, c.Core}
			if first, ok := byKey[k]; ok {
				union(first, c.ID)
			} else {
				byKey[k] = c.ID
			}
		}
	}
	groups := map[int][]int{}
	for _, c := range ev.Online {
		r := find(c)
		groups[r] = append(groups[r], c)
	}
	roots := make([]int, 0, len(groups))
	for r := range groups {
		roots = append(roots, r)
	}
	slices.Sort(roots) // the root is the lowest CPU of its group
	smt := false
	for i, r := range roots {
		cpus := groups[r]
		slices.Sort(cpus)
		k := true
		for _, c := range cpus {
			k = k && known[c]
			ev.coreOf[c] = i
		}
		if len(cpus) >= 2 {
			smt = true
		}
		ev.Cores = append(ev.Cores, Core{Index: i, CPUs: cpus, Node: ev.NodeOf(cpus[0]), Known: k})
	}
	if a := ev.Now.Topology.SMTActive; a != nil && !*a {
		smt = false
	}
	ev.SMT = smt
}

func (ev *Evidence) cpuTable() {
	ids := slices.Clone(ev.Online)
	for _, c := range ev.Now.Topology.CPUs {
		ids = append(ids, c.ID)
	}
	ids = host.SortedCPUs(ids)
	online := map[int]bool{}
	for _, c := range ev.Online {
		online[c] = true
	}
	iso := map[int]bool{}
	for _, c := range ev.Isolated {
		iso[c] = true
	}
	ev.CPUs = make([]CPULoad, len(ids))
	for i, id := range ids {
		core := -1
		if ci, ok := ev.coreOf[id]; ok {
			core = ci
		}
		node := ev.NodeOf(id)
		if node < 0 {
			node = ev.Now.NodeOf(id)
		}
		ev.CPUs[i] = CPULoad{CPU: id, Online: online[id], Isolated: iso[id], Node: node, Core: core}
		ev.cpuIdx[id] = i
	}
}

// ensureCPU adds a row for a CPU a counter names but no topology listed.
func (ev *Evidence) ensureCPU(cpu int) *CPULoad {
	if c := ev.CPU(cpu); c != nil {
		return c
	}
	if cpu < 0 || cpu > host.MaxCPUID {
		return nil
	}
	ev.CPUs = append(ev.CPUs, CPULoad{CPU: cpu, Node: -1, Core: -1})
	slices.SortFunc(ev.CPUs, func(a, b CPULoad) int { return cmp.Compare(a.CPU, b.CPU) })
	for i := range ev.CPUs {
		ev.cpuIdx[ev.CPUs[i].CPU] = i
	}
	return ev.CPU(cpu)
}

// paravirtualDrivers have no NIC FIFO: the loss is in the hypervisor.
var paravirtualDrivers = map[string]bool{
	"virtio_net": true, "virtio-net": true, "vmxnet3": true, "hv_netvsc": true,
	"netvsc": true, "xen-netfront": true, "xen_netfront": true,
}

func (ev *Evidence) nics() {
	now := ev.Now
	for i := range now.NICs {
		n := &now.NICs[i]
		nl := &NICLoad{
			Name:        n.Name,
			NIC:         n,
			Physical:    n.DeviceBacked(),
			Paravirtual: n.VirtualHW || paravirtualDrivers[n.Driver] || strings.HasPrefix(n.Device, "virtio"),
			Node:        n.NUMANode,
			QueueMap:    n.QueueMap,
		}
		nl.NodeKnown = n.NUMANode >= 0 && ev.Node(n.NUMANode) != nil
		nl.LocalCPUs = ev.localCPUs(n)
		for _, cpus := range n.RPS {
			if len(cpus) > 0 {
				nl.RPS = true
			}
		}
		seen := map[int]bool{}
		rxIdx := map[int]bool{}
		for _, q := range n.Queues {
			il := ev.irqLoad(q.IRQ, n.Name)
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
			if il := ev.irqLoad(num, n.Name); il != nil {
				il.Misc = true
				nl.MiscIRQs = append(nl.MiscIRQs, il)
			}
		}
		ev.markActive(nl)
		nl.Loss = ev.hwLoss(n)
		ev.NICs = append(ev.NICs, nl)
		if _, dup := ev.nicByNm[n.Name]; !dup {
			ev.nicByNm[n.Name] = nl
		}
	}
	slices.SortFunc(ev.IRQs, func(a, b *IRQLoad) int { return cmp.Compare(a.Num, b.Num) })
}

// localCPUs are the NIC-local CPUs of DOMAIN.md §3: online, non-isolated
// CPUs of the NIC's node; all of them when numa_node is -1 or the host has
// one node.
func (ev *Evidence) localCPUs(n *host.NIC) []int {
	var local []int
	if n.NUMANode >= 0 && ev.MultiNode {
		if nd := ev.Node(n.NUMANode); nd != nil {
			local = host.IntersectCPUs(nd.CPUs, ev.Usable)
		} else if len(n.LocalCPUs) > 0 {
			local = host.IntersectCPUs(n.LocalCPUs, ev.Usable)
		}
	}
	if len(local) == 0 {
		local = slices.Clone(ev.Usable)
	}
	if len(local) == 0 {
		local = slices.Clone(ev.Online)
	}
	return local
}

// irqLoad computes (once) the window counts and placement of an IRQ.
func (ev *Evidence) irqLoad(num int, nic string) *IRQLoad {
	if il, ok := ev.irqByNo[num]; ok {
		return il
	}
	il := &IRQLoad{Num: num, NIC: nic, Queue: -1, Dominant: -1, ConfigCPU: -1, Servicing: -1}
	q := ev.Now.IRQ(num)
	if q != nil {
		if len(q.Actions) > 0 {
			il.Name = q.Actions[0]
		}
		il.Affinity, il.Effective = q.Affinity, q.Effective
		switch {
		case len(q.Effective) == 1:
			il.ConfigCPU, il.ConfigFrom = q.Effective[0], FromEffective
		case len(q.Effective) == 0 && len(q.Affinity) == 1:
			il.ConfigCPU, il.ConfigFrom = q.Affinity[0], FromAffinity
		}
	}
	if ev.Prev != nil {
		if m, ok := ev.Pair.IRQDelta(num); ok {
			il.PerCPU, il.CountsKnown = m, true
		} else {
			il.Gap = ev.Pair.IRQGap(num)
		}
	} else if q != nil {
		il.PerCPU = countsByCPU(ev.Now.Interrupts.CPUs, q.Counts)
		il.CountsKnown = true
	}
	var best, bestCPU = uint64(0), -1
	for cpu, c := range il.PerCPU {
		il.Total += c
		if c > best || (c == best && c > 0 && cpu < bestCPU) {
			best, bestCPU = c, cpu
		}
	}
	il.Rate = ev.Rate(il.Total)
	if il.Total > 0 {
		il.DominantShare = float64(best) / float64(il.Total)
		if il.DominantShare >= DominantShare {
			il.Dominant = bestCPU
		}
	}
	if ev.TwoSample() && il.Total > 0 {
		il.Servicing, il.ServicingFrom = il.Dominant, FromInterval
		if il.Dominant < 0 {
			il.ServicingFrom = ""
		}
	} else if il.ConfigCPU >= 0 {
		il.Servicing, il.ServicingFrom = il.ConfigCPU, il.ConfigFrom
	}
	ev.irqByNo[num] = il
	ev.IRQs = append(ev.IRQs, il)
	return il
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

// markActive applies the active-queue rule of DOMAIN.md §3.
func (ev *Evidence) markActive(nl *NICLoad) {
	var busiest uint64
	for _, il := range nl.QueueIRQs {
		busiest = max(busiest, il.Total)
	}
	for _, il := range nl.QueueIRQs {
		switch {
		case !il.CountsKnown || il.Total == 0:
			il.Active = false
		case ev.HasRates():
			il.Active = il.Rate > ActiveIRQRate
		default:
			il.Active = float64(il.Total) >= ActiveShareOfBusiest*float64(busiest)
		}
		if il.Active && il.RX {
			nl.ActiveIRQs = append(nl.ActiveIRQs, il)
		}
	}
}

// Overflow counters of DOMAIN.md §4.4. Sysfs statistics first.
var (
	sysfsLossCounters   = []string{"rx_missed_errors", "rx_fifo_errors", "rx_over_errors"}
	ethtoolLossCounters = []string{
		"rx_missed_errors", "rx_fifo_errors", "rx_no_dma_resources", "rx_out_of_buffer",
		"rx_discards_phy", "rx_discards", "rx_fw_discards",
	}
)

// counter reads one NIC counter over the window from one source.
func (ev *Evidence) counter(n *host.NIC, source, name string) (uint64, bool, bool) {
	var cur map[string]uint64
	switch source {
	case "statistics":
		cur = n.Stats
	case "ethtool -S":
		cur = n.EthtoolStats
	case "/proc/net/dev":
		cur = n.NetDev
	}
	v, ok := cur[name]
	if !ok {
		return 0, false, false
	}
	if ev.Prev == nil {
		return v, true, false
	}
	pn := ev.Prev.NIC(n.Name)
	if pn == nil {
		return 0, false, false
	}
	var old map[string]uint64
	switch source {
	case "statistics":
		old = pn.Stats
	case "ethtool -S":
		old = pn.EthtoolStats
	default:
		old = pn.NetDev
	}
	if _, ok := old[name]; !ok {
		return 0, false, false
	}
	switch source {
	case "statistics":
		d, ok := ev.Pair.NICStatDelta(n.Name, name)
		return d, ok, !ok
	case "ethtool -S":
		d, ok := ev.Pair.EthtoolStatDelta(n.Name, name)
		return d, ok, !ok
	default:
		d, ok := ev.Pair.NetDevDelta(n.Name, name)
		return d, ok, !ok
	}
}

// perQueueDrops matches igb-style per-queue drop counters: rx_queue_3_drops.
func perQueueDrops(name string) bool {
	rest, ok := strings.CutPrefix(name, "rx_queue_")
	if !ok {
		return false
	}
	num, ok := strings.CutSuffix(rest, "_drops")
	if !ok || num == "" {
		return false
	}
	for _, r := range num {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (ev *Evidence) hwLoss(n *host.NIC) HWLoss {
	var l HWLoss
	add := func(source, name string) {
		v, ok, reset := ev.counter(n, source, name)
		if reset {
			l.Reset = true
		}
		if !ok {
			return
		}
		l.Known = true
		l.Counters = append(l.Counters, Counter{Name: name, Source: source, Value: v})
		if v > l.Max {
			l.Max, l.MaxName = v, name
		}
	}
	if len(n.Stats) > 0 {
		l.Sysfs = true
		for _, c := range sysfsLossCounters {
			add("statistics", c)
		}
	} else if len(n.NetDev) > 0 {
		// /proc/net/dev: fifo only; its drop column mixes in kernel drops.
		add("/proc/net/dev", "rx_fifo")
	}
	if len(n.EthtoolStats) > 0 {
		l.Ethtool = true
		for _, c := range ethtoolLossCounters {
			add("ethtool -S", c)
		}
		var names []string
		for name := range n.EthtoolStats {
			if perQueueDrops(name) {
				names = append(names, name)
			}
		}
		if len(names) > 0 {
			slices.Sort(names)
			var sum uint64
			found := false
			for _, name := range names {
				if v, ok, reset := ev.counter(n, "ethtool -S", name); ok {
					sum += v
					found = true
				} else if reset {
					l.Reset = true
				}
			}
			if found {
				l.Known = true
				l.Counters = append(l.Counters, Counter{Name: "rx_queue_N_drops", Source: "ethtool -S", Value: sum})
				if sum > l.Max {
					l.Max, l.MaxName = sum, "rx_queue_N_drops"
				}
			}
		}
		if v, ok, _ := ev.counter(n, "ethtool -S", "rx_no_buffer_count"); ok {
			l.NoBuffer = v
		}
	}
	for _, src := range []struct{ source, name string }{
		{"statistics", "rx_packets"}, {"/proc/net/dev", "rx_packets"}, {"ethtool -S", "rx_packets"},
	} {
		if v, ok, _ := ev.counter(n, src.source, src.name); ok {
			l.Packets, l.PacketsKnown = v, true
			break
		}
	}
	return l
}

// CounterValue returns a counter of the hardware-loss table by name.
func (l *HWLoss) CounterValue(name string) (uint64, bool) {
	for _, c := range l.Counters {
		if c.Name == name {
			return c.Value, true
		}
	}
	return 0, false
}

// allIRQs sums every numbered IRQ per CPU over the window. Two samples:
// host.Pair.IRQTotals, the IRQs with an interval value.
func (ev *Evidence) allIRQs() map[int]uint64 {
	now := &ev.Now.Interrupts
	tot := make([]uint64, len(now.CPUs))
	if ev.Prev == nil {
		for _, q := range now.IRQs {
			for j := 0; j < len(q.Counts) && j < len(tot); j++ {
				tot[j] += q.Counts[j]
			}
		}
	} else {
		return ev.Pair.IRQTotals()
	}
	out := make(map[int]uint64, len(tot))
	for j, c := range now.CPUs {
		out[c] += tot[j]
	}
	return out
}

// perCPU fills the interrupt, NET_RX and irq-time columns.
func (ev *Evidence) perCPU() {
	for cpu, n := range ev.allIRQs() {
		if row := ev.ensureCPU(cpu); row != nil {
			row.IRQs = n
		}
	}
	for _, nl := range ev.NICs {
		if !nl.Physical {
			continue
		}
		for _, il := range nl.QueueIRQs {
			for cpu, c := range il.PerCPU {
				if row := ev.ensureCPU(cpu); row != nil {
					row.NICIRQs += c
				}
			}
			if il.Active && il.Servicing >= 0 {
				if row := ev.ensureCPU(il.Servicing); row != nil {
					row.ActiveQueues++
				}
			}
		}
	}
	// NET_RX.
	var netrx map[int]uint64
	if ev.Prev != nil {
		if _, ok := ev.Prev.Softirqs.Counts["NET_RX"]; ok {
			netrx = ev.Pair.SoftirqDelta("NET_RX")
		}
	} else if row, ok := ev.Now.Softirqs.Counts["NET_RX"]; ok {
		netrx = countsByCPU(ev.Now.Softirqs.CPUs, row)
	}
	if _, ok := ev.Now.Softirqs.Counts["NET_RX"]; !ok {
		netrx = nil
	}
	// CPU time.
	times := map[int]host.CPUTime{}
	if ev.Prev != nil {
		for _, t := range ev.Now.CPUTimes {
			if d, ok := ev.Pair.CPUTimeDelta(t.CPU); ok {
				times[t.CPU] = d
			}
		}
	} else {
		for _, t := range ev.Now.CPUTimes {
			times[t.CPU] = t
		}
	}
	for i := range ev.CPUs {
		row := &ev.CPUs[i]
		row.NICIRQRate = ev.Rate(row.NICIRQs)
		row.IRQRate = ev.Rate(row.IRQs)
		if netrx != nil {
			row.NetRX, row.NetRXKnown = netrx[row.CPU], true
			row.NetRXRate = ev.Rate(row.NetRX)
		}
		if t, ok := times[row.CPU]; ok && t.Total() > 0 {
			row.IRQTime = float64(t.IRQ+t.SoftIRQ) / float64(t.Total())
			row.IRQTimeKnown = true
		}
	}
}

func (ev *Evidence) softnet() {
	rows := ev.Now.Softnet
	var prevByRow []host.SoftnetRow
	if ev.Prev != nil && len(ev.Prev.Softnet) == len(rows) {
		prevByRow = ev.Prev.Softnet
	}
	for i, r := range rows {
		sl := SoftnetLoad{Row: i, CPU: r.CPU, CPUFromIndex: r.CPUFromIndex}
		switch {
		case ev.Prev == nil:
			sl.Counts = r
		case r.CPU >= 0:
			d, ok := ev.Pair.SoftnetDelta(r.CPU)
			if !ok {
				continue
			}
			sl.Counts = d
		case prevByRow != nil:
			d, ok := ev.Pair.SoftnetRowDelta(i)
			if !ok {
				continue
			}
			sl.Counts = d
		default:
			continue
		}
		ev.SoftnetRows = append(ev.SoftnetRows, sl)
		if r.CPU >= 0 {
			if row := ev.ensureCPU(r.CPU); row != nil {
				row.Softnet, row.SoftnetKnown = sl.Counts, true
				row.DropRate = ev.Rate(uint64(sl.Counts.Dropped))
				row.SqueezeRate = ev.Rate(uint64(sl.Counts.TimeSqueeze))
			}
		}
	}
}

// kernelThread is true for a kernel thread: flagged by the source, kthreadd
// itself, or one of its children.
func kernelThread(p *host.Proc) bool {
	return p.Kernel || p.PID == 2 || p.PPID == 2
}

func (ev *Evidence) threads() {
	busy := map[int]bool{}
	for pi := range ev.Now.Procs {
		p := &ev.Now.Procs[pi]
		var prev *host.Proc
		if ev.Prev != nil {
			prev = findProc(ev.Prev.Procs, p.PID)
		}
		for _, t := range p.Threads {
			tu := ThreadUse{
				PID: p.PID, TID: t.TID, PPID: p.PPID, Comm: p.Comm, ThreadComm: t.Comm,
				Cmdline: p.Cmdline, Kernel: kernelThread(p), State: t.State,
				CPU: t.CPU, PrevCPU: -1, Allowed: t.Allowed,
			}
			if prev != nil {
				for _, pt := range prev.Threads {
					if pt.TID == t.TID {
						tu.PrevCPU = pt.CPU
					}
				}
			}
			switch {
			case ev.Prev != nil && ev.Seconds > 0:
				if ticks, ok := ev.Pair.ThreadCPUDelta(p.PID, t.TID); ok {
					tu.Usage = float64(ticks) / host.ClockTicks / ev.Seconds
					tu.UsageKnown = true
				}
			case ev.Prev == nil && ev.Seconds > 0 && t.CPUKnown:
				tu.Usage = float64(t.UTime+t.STime) / host.ClockTicks / ev.Seconds
				tu.UsageKnown = true
			}
			ev.Threads = append(ev.Threads, tu)
			if tu.Kernel || tu.CPU < 0 {
				continue
			}
			if (ev.TwoSample() && tu.UsageKnown && tu.Usage >= BusyThreadShare) ||
				(!ev.TwoSample() && tu.State == "R") {
				busy[tu.CPU] = true
			}
		}
	}
	for c := range busy {
		ev.BusyAppCPUs = append(ev.BusyAppCPUs, c)
	}
	slices.Sort(ev.BusyAppCPUs)
}

func findProc(ps []host.Proc, pid int) *host.Proc {
	i, ok := slices.BinarySearchFunc(ps, pid, func(p host.Proc, pid int) int { return cmp.Compare(p.PID, pid) })
	if ok {
		return &ps[i]
	}
	for i := range ps {
		if ps[i].PID == pid {
			return &ps[i]
		}
	}
	return nil
}

// placement is where an IRQ runs for the concentration rule: the servicing
// CPU, or with one sample and no one-CPU affinity file its since-boot
// dominant CPU (fromCounts).
func (ev *Evidence) placement(il *IRQLoad) (cpu int, fromCounts bool) {
	if il.Servicing >= 0 {
		return il.Servicing, false
	}
	if !ev.TwoSample() && il.Dominant >= 0 {
		return il.Dominant, true
	}
	return -1, false
}

// findConcentrations applies the irq-concentration rule (DOMAIN.md §4.1) to
// every physical NIC: k ≥ 2 active queue IRQs, k ≥ half the active queues,
// share one CPU. SpreadPossible is left for the check to require.
func (ev *Evidence) findConcentrations() []Concentration {
	if len(ev.Online) < 2 {
		return nil
	}
	var out []Concentration
	for _, nl := range ev.NICs {
		if !nl.Physical || nl.RXQueues < 2 || len(nl.ActiveIRQs) < 2 {
			continue
		}
		byCPU := map[int][]*IRQLoad{}
		counts := map[int]bool{}
		used := map[int]bool{}
		over95 := true
		for _, il := range nl.ActiveIRQs {
			if il.DominantShare < CountsShareHistory {
				over95 = false
			}
			cpu, fc := ev.placement(il)
			if cpu < 0 {
				continue
			}
			byCPU[cpu] = append(byCPU[cpu], il)
			used[cpu] = true
			if fc {
				counts[cpu] = true
			}
		}
		n := len(nl.ActiveIRQs)
		cpus := make([]int, 0, len(byCPU))
		for c := range byCPU {
			cpus = append(cpus, c)
		}
		slices.Sort(cpus)
		for _, c := range cpus {
			irqs := byCPU[c]
			k := len(irqs)
			if k < 2 || 2*k < n {
				continue
			}
			spread := false
			for _, l := range nl.LocalCPUs {
				if !used[l] {
					spread = true
					break
				}
			}
			out = append(out, Concentration{
				NIC: nl, CPU: c, IRQs: irqs, Active: n,
				FromCounts: counts[c], Over95: over95,
				Config:         !ev.TwoSample() && !counts[c],
				SpreadPossible: spread,
			})
		}
	}
	return out
}

// ConcentratedCPUs are the CPUs irq-concentration reports (where spreading
// is possible), for the overlap rule of irq-ht-siblings and cause hints.
func (ev *Evidence) ConcentratedCPUs() []int {
	var out []int
	for _, c := range ev.Concentrations {
		if c.SpreadPossible {
			out = append(out, c.CPU)
		}
	}
	return host.SortedCPUs(out)
}

// IRQPlan is the choice of CPUs for a NIC's queue IRQs (DOMAIN.md §3).
type IRQPlan struct {
	// CPUs holds the CPU for the i-th queue IRQ.
	CPUs []int
	// Cores is the number of NIC-local cores available.
	Cores int
	// RoundRobin is true when queues outnumber cores: some CPUs take
	// several queues and `ethtool -L DEV combined Cores` is advised.
	RoundRobin bool
}

// ChooseIRQCPUs picks CPUs for n queue IRQs of nl by the rule of DOMAIN.md
// §3: one physical core per queue on the NIC-local CPUs, each core's lowest
// thread, cores by lowest CPU; core 0 skipped when cores outnumber queues;
// CPUs running busy application threads last; round-robin when queues
// outnumber cores. exclude removes CPUs from the candidates (unless that
// leaves none).
func (ev *Evidence) ChooseIRQCPUs(nl *NICLoad, n int, exclude []int) IRQPlan {
	cands := ev.coreThreads(nl.LocalCPUs)
	if len(cands) > 0 && len(exclude) > 0 {
		if rest := host.MinusCPUs(cands, exclude); len(rest) > 0 {
			// keep the §3 order
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
		core0 := ev.CoreOf(0)
		cands = slices.DeleteFunc(cands, func(c int) bool {
			return core0 != nil && slices.Contains(core0.CPUs, c)
		})
	}
	if len(ev.BusyAppCPUs) > 0 {
		var first, last []int
		for _, c := range cands {
			if slices.Contains(ev.BusyAppCPUs, c) {
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

// coreThreads lists the cores having a CPU in cpus, in ascending order of
// their lowest CPU, as each core's lowest thread within cpus.
func (ev *Evidence) coreThreads(cpus []int) []int {
	set := map[int]bool{}
	for _, c := range cpus {
		set[c] = true
	}
	var out []int
	for _, core := range ev.Cores {
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
