// Package host is netdoctor's model of one Linux host as one sample saw it:
// CPUs and NUMA nodes, interrupts, NICs with their queues, softnet and
// softirq counters, sysctls, TCP/IP counters, processes and threads, and for
// every input where it came from and whether it could be read.
//
// A Snapshot is filled by a source (internal/source: the live host, a
// sosreport, a collect bundle) and never judged here. Pair joins two
// snapshots of one host and computes the per-interval deltas once, with
// counter wrap handled, so that checks read numbers, never raw text.
package host

import (
	"slices"
	"strings"
	"time"
)

// Status says whether an input could be used.
type Status string

// The four input statuses of the report contract.
const (
	StatusOK         Status = "ok"
	StatusMissing    Status = "missing"
	StatusUnreadable Status = "unreadable"
	StatusInvalid    Status = "invalid"
)

// Input records one input of one sample: its stable name (for example
// "interrupts", "softnet_stat", "ethtool -S eth0"), the path it was read
// from (the candidate that matched), its status and, unless ok, why.
type Input struct {
	// Name is one of the Input* constants.
	Name string `json:"name"`
	// Subject narrows a per-object input: the interface for NIC inputs.
	Subject string `json:"subject,omitempty"`
	Path    string `json:"path,omitempty"`
	Status  Status `json:"status"`
	Reason  string `json:"reason,omitempty"`
	// OverLimit is set when the input exists but was not read because it
	// is larger than a bound on what one file may cost (its Status is
	// invalid): every check that needs it is not evaluated, whatever
	// else the source could gather around it.
	OverLimit bool `json:"over_limit,omitempty"`
}

// Input names: the stable kinds of input a source reads and a check may
// declare it needs. Per-NIC inputs carry the interface as Input.Subject.
const (
	InputUname        = "uname"
	InputHostname     = "hostname"
	InputDate         = "date"             // collection time (sosreport)
	InputStat         = "stat"             // /proc/stat: btime and per-CPU times
	InputCmdline      = "cmdline"          // /proc/cmdline
	InputCPUTopology  = "cpu_topology"     // /sys/devices/system/cpu (online, cpuN/topology), lscpu fallbacks
	InputNUMANodes    = "numa_nodes"       // /sys/devices/system/node, numactl, lscpu fallbacks
	InputInterrupts   = "interrupts"       // /proc/interrupts
	InputIRQAffinity  = "irq_affinity"     // /proc/irq/N/*
	InputSoftirqs     = "softirqs"         // /proc/softirqs
	InputSoftnet      = "softnet_stat"     // /proc/net/softnet_stat
	InputNetDev       = "net_dev"          // /proc/net/dev
	InputNetstat      = "netstat"          // /proc/net/netstat
	InputSNMP         = "snmp"             // /proc/net/snmp
	InputSysctl       = "sysctl"           // /proc/sys or sysctl -a
	InputNICs         = "nics"             // the list of interfaces (/sys/class/net)
	InputNICSysfs     = "nic_sysfs"        // per NIC: device link, numa_node, statistics, queues
	InputEthtoolInfo  = "ethtool_info"     // per NIC: ethtool -i
	InputEthtoolStats = "ethtool_stats"    // per NIC: ethtool -S
	InputEthtoolRing  = "ethtool_ring"     // per NIC: ethtool -g
	InputEthtoolChan  = "ethtool_channels" // per NIC: ethtool -l
	InputProcesses    = "processes"        // process list (/proc/PID, ps)
	InputThreads      = "threads"          // per-thread placement (/proc/PID/task, pidstat -tl)
	InputIrqbalance   = "irqbalance"       // irqbalance state and configuration

	InputConntrackStat = "conntrack_stat" // /proc/net/stat/nf_conntrack
	InputArpCache      = "arp_cache"      // /proc/net/stat/arp_cache
	InputNdiscCache    = "ndisc_cache"    // /proc/net/stat/ndisc_cache
	InputSockstat      = "sockstat"       // /proc/net/sockstat
	InputSockstat6     = "sockstat6"      // /proc/net/sockstat6
	InputSNMP6         = "snmp6"          // /proc/net/snmp6
	InputUDP           = "udp"            // /proc/net/udp
	InputUDP6          = "udp6"           // /proc/net/udp6
	InputSocketOwners  = "socket_owners"  // /proc/PID/fd socket links (live, collect)
	InputKernelLog     = "kernel_log"     // /dev/kmsg live; dmesg or var/log files offline
	InputNICLink       = "nic_link"       // per NIC: sysfs carrier_changes and duplex
	InputEthtoolLink   = "ethtool_link"   // per NIC: plain ethtool DEV (ETHTOOL_GSET live)
	InputEthtoolModule = "ethtool_module" // per NIC: ethtool -m (sosreport only)
	InputNamespaces    = "net_namespaces" // per network namespace: its own counters
	// InputProcessVisibility says whether the process table is whole:
	// the tasks read against /proc/loadavg's count, hidepid from the mounts.
	InputProcessVisibility = "process_visibility"

	InputEthtoolFeatures = "ethtool_features" // per NIC: ethtool -k (ETHTOOL_GFEATURES live)
	InputBonding         = "bonding"          // per bond: /proc/net/bonding/NAME
	InputRPFilter        = "rp_filter"        // per NIC: net.ipv4.conf.NAME.rp_filter
	InputEthtoolPause    = "ethtool_pause"    // per NIC: ethtool -a (ETHTOOL_GPAUSEPARAM live)
	InputPCIeLink        = "pcie_link"        // per NIC: sysfs current/max_link_speed/width, lspci -nnvv offline

	InputTCP      = "tcp"       // /proc/net/tcp (LISTEN rows)
	InputTCP6     = "tcp6"      // /proc/net/tcp6 (LISTEN rows)
	InputSSListen = "ss_listen" // sosreport: ss -peaonmi (listening TCP sockets with their backlog)

	InputEthtoolCoalesce = "ethtool_coalesce" // per NIC: ethtool -c (ETHTOOL_GCOALESCE live)
	InputCPUFreq         = "cpufreq"          // sys/devices/system/cpu/cpufreq/policy*/
	InputIntelPstate     = "intel_pstate"     // sys/devices/system/cpu/intel_pstate/{status,no_turbo}
	InputCPUIdle         = "cpuidle"          // sys/devices/system/cpu/cpuN/cpuidle/stateK/{name,latency,disable}

	// InputNICQueues is the per-queue steering of a NIC: sysfs
	// queues/rx-N/rps_flow_cnt and queues/tx-N/xps_cpus, xps_rxqs (live and
	// collect; a sosreport never collects queues/).
	InputNICQueues = "nic_queues"
	InputRSSTable  = "rss_table" // per NIC: ethtool -x (ETHTOOL_GRXRINGS + ETHTOOL_GRXFHINDIR live)
	InputTuned     = "tuned"     // tuned's active and recommended profile and tuned-adm verify
)

// Snapshot is everything one sample of a host saw.
type Snapshot struct {
	// Time is when the sample was taken (collection time for a sosreport).
	Time time.Time `json:"time"`
	// Source says what was read: "live", "sosreport" or "collect".
	Source string `json:"source"`
	// Origin is the bundle path or "/" for the live host.
	Origin string `json:"origin"`
	// Collector names what captured a bundle ("sos 4.5.6", "netdoctor
	// collect"); "" for the live host or when unknown.
	Collector string `json:"collector,omitempty"`

	Hostname string `json:"hostname"`
	// Kernel is the release (uname -r), KernelVersion the build string (uname -v).
	Kernel        string `json:"kernel"`
	KernelVersion string `json:"kernel_version,omitempty"`
	Arch          string `json:"arch,omitempty"`
	// BootTime is btime from /proc/stat; zero when unknown.
	BootTime time.Time `json:"boot_time"`
	// Virtualization is the hypervisor when the host looks like a VM
	// ("kvm", "vmware", "microsoft", "xen", "hypervisor"), else "".
	Virtualization string `json:"virtualization,omitempty"`
	// Container is true when the host looks like a container (no device
	// links for its NICs, /.dockerenv, container= in PID 1's environment).
	Container bool `json:"container,omitempty"`
	// CmdLine is /proc/cmdline.
	CmdLine string `json:"cmdline,omitempty"`

	Topology Topology `json:"topology"`
	// Power is the CPUs' frequency and idle policy; nil when none of
	// cpufreq, intel_pstate and cpuidle was read.
	Power      *CPUPower         `json:"cpu_power,omitempty"`
	Interrupts Interrupts        `json:"interrupts"`
	NICs       []NIC             `json:"nics"`
	Softnet    []SoftnetRow      `json:"softnet"`
	Softirqs   Softirqs          `json:"softirqs"`
	CPUTimes   []CPUTime         `json:"cpu_times"`
	Sysctls    map[string]string `json:"sysctls"`
	// NetStats holds /proc/net/netstat and /proc/net/snmp: group ("TcpExt",
	// "IpExt", "Tcp", "Udp", ...) → counter name → value. Every field is kept
	// by name, including ones this version of netdoctor does not know.
	NetStats map[string]map[string]int64 `json:"netstats"`
	Procs    []Proc                      `json:"procs"`
	// ThreadsKnown is true when Procs carries per-thread placement (live,
	// collect, or a sosreport with pidstat -tl); otherwise a sosreport has
	// at best one row per process (ps with a PSR column).
	ThreadsKnown bool       `json:"threads_known"`
	Irqbalance   Irqbalance `json:"irqbalance"`

	// Conntrack is /proc/net/stat/nf_conntrack; nil when not read (the
	// module not loaded, or an old sosreport). Its count and limit are the
	// sysctls net.netfilter.nf_conntrack_count and _max.
	Conntrack *StatTable `json:"conntrack,omitempty"`
	// ARPCache and NDiscCache are /proc/net/stat/arp_cache and ndisc_cache.
	ARPCache   *StatTable `json:"arp_cache,omitempty"`
	NDiscCache *StatTable `json:"ndisc_cache,omitempty"`
	// Sockstat is /proc/net/sockstat and sockstat6 merged: protocol
	// ("sockets", "TCP", "UDP", "FRAG", "TCP6", "UDP6", "FRAG6", ...) → field
	// ("inuse", "orphan", "tw", "alloc", "mem" in pages, "memory" in bytes,
	// "used") → value. Nil when neither was read.
	Sockstat map[string]map[string]int64 `json:"sockstat,omitempty"`
	// SNMP6 is /proc/net/snmp6 by counter name ("Ip6InDiscards",
	// "Udp6RcvbufErrors", ...); nil when not read.
	SNMP6 map[string]int64 `json:"snmp6,omitempty"`
	// UDPSockets are the rows of /proc/net/udp and udp6 (see UDPSocket for
	// which rows are kept on hosts with very many sockets).
	UDPSockets []UDPSocket `json:"udp_sockets,omitempty"`
	// TCPListeners are the host namespace's listening TCP sockets: the
	// LISTEN rows of /proc/net/tcp and tcp6, or in a sosreport without
	// them the listeners of its ss output (see TCPListener).
	TCPListeners []TCPListener `json:"tcp_listeners,omitempty"`
	// KernelLog holds the receive-path events found in the kernel log.
	KernelLog *KernelLog `json:"kernel_log,omitempty"`
	// Namespaces are the network namespaces other than the host's whose
	// counters could be read (sosreport: ip netns exec NS nstat -zas; live
	// and collect: /proc/PID/net of one process in each).
	Namespaces []NetNamespace `json:"namespaces,omitempty"`
	// Tuned is tuned's profile state; nil when not read (tuned not
	// installed, or no input).
	Tuned *Tuned `json:"tuned,omitempty"`

	Inputs []Input `json:"inputs"`
}

// Uptime is the time from boot to the sample, or 0 when the boot time is unknown.
func (s *Snapshot) Uptime() time.Duration {
	if s.BootTime.IsZero() || s.Time.Before(s.BootTime) {
		return 0
	}
	return s.Time.Sub(s.BootTime)
}

// Topology is the CPU and NUMA layout.
type Topology struct {
	Online   []int `json:"online"`
	Offline  []int `json:"offline,omitempty"`
	Possible []int `json:"possible,omitempty"`
	Present  []int `json:"present,omitempty"`
	Isolated []int `json:"isolated,omitempty"`
	NohzFull []int `json:"nohz_full,omitempty"`
	// SMTActive is /sys/devices/system/cpu/smt/active, else (offline)
	// lscpu's "Thread(s) per core" > 1; nil when unknown.
	SMTActive *bool `json:"smt_active,omitempty"`
	// CPUs holds every CPU known from any input, sorted by ID.
	CPUs  []CPU  `json:"cpus"`
	Nodes []Node `json:"nodes"`
}

// CPU is one logical CPU. Package, Core, Die and Node are -1 when unknown;
// Siblings (thread_siblings_list, including the CPU itself) is nil when unknown.
type CPU struct {
	ID       int   `json:"id"`
	Online   bool  `json:"online"`
	Package  int   `json:"package"`
	Die      int   `json:"die"`
	Core     int   `json:"core"`
	Node     int   `json:"node"`
	Siblings []int `json:"siblings,omitempty"`
}

// Node is one NUMA node with its CPUs (possibly none: memory-only nodes) and
// its SLIT distances to every node, indexed by node ID, when known.
type Node struct {
	ID        int   `json:"id"`
	CPUs      []int `json:"cpus"`
	Distances []int `json:"distances,omitempty"`
}

// Interrupts is /proc/interrupts plus the /proc/irq/N files.
type Interrupts struct {
	// CPUs is the header: the online CPU numbers, one per count column.
	CPUs []int `json:"cpus"`
	// IRQs are the numbered rows, in file order.
	IRQs []IRQ `json:"irqs"`
	// Arch are the per-CPU architecture rows (LOC, RES, NMI, ...), and the
	// single-total rows (ERR, MIS) with one count.
	Arch []ArchIRQ `json:"arch"`
	// DefaultAffinity is /proc/irq/default_smp_affinity as a CPU list.
	DefaultAffinity []int `json:"default_affinity,omitempty"`
}

// IRQ is one numbered interrupt line.
type IRQ struct {
	Num int `json:"num"`
	// Counts are aligned with Interrupts.CPUs: Counts[i] is the count on
	// CPU Interrupts.CPUs[i]. A short (truncated) row has fewer entries.
	// When Cols is set the row is sparse: Counts[i] is the count on column
	// Cols[i] and every other column of the header counts 0. Read a row
	// through Count and EachCount, which take either form.
	Counts []uint64 `json:"counts"`
	// Cols, when not nil, lists the header columns of Counts in increasing
	// order: the parser keeps a row of a host of many CPUs this way when
	// most of its counts are 0 (an NVMe or NIC queue vector takes its
	// interrupts on one CPU of thousands), so that memory grows with the
	// CPUs that took interrupts, not with the CPUs. A sparse row is as long
	// as the header.
	Cols []int32 `json:"cols,omitempty"`
	// Chip is the controller column ("IR-PCI-MSI", "PCI-MSIX-0000:00:03.0",
	// "IO-APIC"); HWIRQ the hardware IRQ ("524288", may be empty on old
	// kernels); Trigger "edge"/"level"/"fasteoi" where printed.
	Chip    string `json:"chip"`
	HWIRQ   string `json:"hwirq,omitempty"`
	Trigger string `json:"trigger,omitempty"`
	// Actions are the handler names (shared IRQs have several). Offline
	// they may also come from the /proc/irq/N/<action>/ directory names.
	Actions []string `json:"actions"`
	// Affinity is smp_affinity_list (or smp_affinity decoded); nil when absent.
	Affinity []int `json:"affinity,omitempty"`
	// Effective is effective_affinity_list (kernels >= 4.13); nil when absent.
	Effective []int `json:"effective,omitempty"`
	// Hint is affinity_hint; nil when absent or empty.
	Hint []int `json:"hint,omitempty"`
	// Node is /proc/irq/N/node, -1 when absent.
	Node int `json:"node"`
}

// Total is the sum of the IRQ's per-CPU counts.
func (q *IRQ) Total() uint64 {
	var t uint64
	for _, c := range q.Counts {
		t += c
	}
	return t
}

// Sparse reports whether the row keeps only its nonzero counts (Cols).
func (q *IRQ) Sparse() bool { return q.Cols != nil }

// Count returns the count on header column col; ok is false for a column
// beyond a short dense row.
func (q *IRQ) Count(col int) (n uint64, ok bool) {
	if q.Cols == nil {
		if col < 0 || col >= len(q.Counts) {
			return 0, false
		}
		return q.Counts[col], true
	}
	if col < 0 {
		return 0, false
	}
	if i, found := slices.BinarySearch(q.Cols, int32(col)); found {
		return q.Counts[i], true
	}
	return 0, true
}

// EachCount calls fn with the column and count of every cell of the row
// that may be nonzero: all of a dense row's, the listed ones of a sparse
// row, in increasing column order.
func (q *IRQ) EachCount(fn func(col int, n uint64)) {
	if q.Cols == nil {
		for i, c := range q.Counts {
			fn(i, c)
		}
		return
	}
	for i, c := range q.Cols {
		fn(int(c), q.Counts[i])
	}
}

// ArchIRQ is one named architecture row of /proc/interrupts.
type ArchIRQ struct {
	Name   string   `json:"name"`
	Counts []uint64 `json:"counts"`
	Desc   string   `json:"desc,omitempty"`
}

// NIC is one network interface.
type NIC struct {
	Name string `json:"name"`
	// Kind is "physical" for an interface backed by a device (a PCI
	// function, directly or through virtio, or virtual hardware such as
	// ENA or vmxnet3: see VirtualHW), known from the sysfs device link, the
	// class link's target, ethtool -i bus-info or the driver; Facts says
	// which. Other interfaces are "loopback", "bond", "bridge",
	// "vlan", "veth", "tun", "virtual" (no evidence of a device). An empty Kind is
	// treated as physical by MapQueues.
	Kind string `json:"kind"`
	// Device is the basename of the sysfs device link target ("0000:3b:00.0",
	// "virtio2"); PCI the PCI address of the function (for virtio, its parent).
	Device string `json:"device,omitempty"`
	PCI    string `json:"pci,omitempty"`
	// Driver, DriverVersion, Firmware come from ethtool -i or the driver link.
	Driver        string `json:"driver,omitempty"`
	DriverVersion string `json:"driver_version,omitempty"`
	Firmware      string `json:"firmware,omitempty"`
	// NUMANode is the device's numa_node; -1 means unknown, never node 0.
	NUMANode int `json:"numa_node"`
	// LocalCPUs is device/local_cpulist when present.
	LocalCPUs []int `json:"local_cpus,omitempty"`
	// Speed in Mb/s, -1 when unknown; MTU 0 when unknown.
	Speed     int       `json:"speed"`
	MTU       int       `json:"mtu,omitempty"`
	OperState string    `json:"operstate,omitempty"`
	Ring      *Ring     `json:"ring,omitempty"`
	Channels  *Channels `json:"channels,omitempty"`
	// EthtoolStats is ethtool -S by name.
	EthtoolStats map[string]uint64 `json:"ethtool_stats,omitempty"`
	// Stats is /sys/class/net/NAME/statistics/* by file name.
	Stats map[string]uint64 `json:"stats,omitempty"`
	// NetDev is the /proc/net/dev row, keyed rx_bytes, rx_packets, rx_errs,
	// rx_drop, rx_fifo, rx_frame, rx_compressed, rx_multicast, tx_bytes,
	// tx_packets, tx_errs, tx_drop, tx_fifo, tx_colls, tx_carrier,
	// tx_compressed.
	NetDev map[string]uint64 `json:"netdev,omitempty"`
	// RPS is queues/rx-N/rps_cpus decoded to CPU lists, by RX queue index
	// (live only: sosreport does not collect queues/). Nil when unknown.
	RPS map[int][]int `json:"rps,omitempty"`
	// RPSFlowCnt is queues/rx-N/rps_flow_cnt (the queue's RFS flow table
	// size), by RX queue index; nil when unknown (sosreports).
	RPSFlowCnt map[int]int `json:"rps_flow_cnt,omitempty"`
	// XPS is queues/tx-N/xps_cpus decoded to CPU lists and XPSRxqs
	// queues/tx-N/xps_rxqs (kernels >= 4.18) decoded to RX queue lists, by
	// TX queue index; an empty list is an unset mask. Nil when unknown
	// (sosreports; a single-queue device has no XPS).
	XPS     map[int][]int `json:"xps,omitempty"`
	XPSRxqs map[int][]int `json:"xps_rxqs,omitempty"`
	// RXQueues and TXQueues count queues/rx-* and queues/tx-*; 0 when unknown.
	RXQueues int `json:"rx_queues,omitempty"`
	TXQueues int `json:"tx_queues,omitempty"`
	// MSIIRQs is device/msi_irqs (for virtio, the parent's); nil when absent.
	MSIIRQs []int `json:"msi_irqs,omitempty"`
	// Lower holds the lower devices (bond slaves, VLAN parent).
	Lower []string `json:"lower,omitempty"`
	// Queues are the NIC's interrupt vectors mapped to queues (see MapQueues).
	Queues []Queue `json:"queues"`
	// MiscIRQs are the NIC's vectors that serve no queue (link, admin, config).
	MiscIRQs []int `json:"misc_irqs,omitempty"`
	// QueueMap says how Queues were found: "msi_irqs", "chip" (the PCI
	// address in the interrupts chip column), "names" or "" (none).
	QueueMap string `json:"queue_map,omitempty"`
	// VirtualHW is true for a device a hypervisor presents (virtio_net,
	// vmxnet3, hv_netvsc, xen-netfront, ENA, gve, SR-IOV VFs such as ixgbevf,
	// iavf or an mlx5 VF): hardware to the guest, with queues and interrupts,
	// but no NIC FIFO of its own that the guest can see.
	VirtualHW bool `json:"virtual_hw,omitempty"`
	// Facts says where each identity fact came from, by fact: "kind",
	// "driver", "pci", "device" → "sysfs device link", "ethtool -i",
	// "class link target", "sys/devices tree", "driver class",
	// "interrupts chip column".
	Facts map[string]string `json:"facts,omitempty"`

	// CarrierChanges is sysfs carrier_changes (kernels >= 3.15): how often
	// the link went up or down since the device was registered; nil when
	// unknown (sosreports do not copy it).
	CarrierChanges *uint64 `json:"carrier_changes,omitempty"`
	// Duplex is "full", "half" or "unknown" (sysfs duplex, or ethtool's
	// Duplex line lower-cased); "" when not read.
	Duplex string `json:"duplex,omitempty"`
	// Link is plain `ethtool DEV` (ETHTOOL_GSET live); nil when not read.
	Link *LinkModes `json:"link,omitempty"`
	// Module is the optical module's diagnostics from `ethtool -m DEV`;
	// nil when not read or the module reports no power figures.
	Module *ModulePower `json:"module,omitempty"`

	// Features is `ethtool -k DEV` by the name ethtool prints
	// ("large-receive-offload", "generic-receive-offload",
	// "ntuple-filters", "rx-gro-hw"); nil when not read.
	Features map[string]Feature `json:"features,omitempty"`
	// Bond is /proc/net/bonding/NAME for a bonding master; nil otherwise
	// or when not read.
	Bond *Bond `json:"bond,omitempty"`
	// RPFilter is net.ipv4.conf.NAME.rp_filter (0 off, 1 strict, 2
	// loose); nil when not read (veths are not read).
	RPFilter *int `json:"rp_filter,omitempty"`
	// PCIe is the PCI Express link of the NIC's function; nil when not
	// read or not a PCIe device (virtio in most VMs).
	PCIe *PCIeLink `json:"pcie,omitempty"`
	// Pause is `ethtool -a DEV` (flow control); nil when not read or not
	// supported.
	Pause *Pause `json:"pause,omitempty"`
	// RSSTable is the RSS indirection table (`ethtool -x DEV`): entry i
	// holds the RX queue that hash bucket i sends to. Nil when not read
	// or not supported.
	RSSTable *RSSTable `json:"rss_table,omitempty"`
	// Coalesce is `ethtool -c DEV` (interrupt coalescing); nil when not
	// read or not supported.
	Coalesce *Coalesce `json:"coalesce,omitempty"`
}

// Coalesce is a NIC's interrupt coalescing as ethtool -c shows it: how
// long (µs) and how many frames the adapter waits before it interrupts.
// A value the driver does not report ("n/a") is -1.
type Coalesce struct {
	// AdaptiveRX and AdaptiveTX are "Adaptive RX: on  TX: off"; nil when
	// not reported.
	AdaptiveRX *bool `json:"adaptive_rx,omitempty"`
	AdaptiveTX *bool `json:"adaptive_tx,omitempty"`
	RXUsecs    int   `json:"rx_usecs"`
	RXFrames   int   `json:"rx_frames"`
	TXUsecs    int   `json:"tx_usecs"`
	TXFrames   int   `json:"tx_frames"`
}

// RSSTable is a NIC's RSS indirection table and the RX rings it spreads
// over (ethtool's "RX flow hash indirection table for DEV with N RX
// ring(s)").
type RSSTable struct {
	Rings   int   `json:"rings"`
	Entries []int `json:"entries"`
}

// Weights counts the table's entries per RX queue: index q holds how many
// buckets send to queue q, for q below the larger of Rings and the
// highest queue named.
func (t *RSSTable) Weights() []int {
	n := t.Rings
	for _, e := range t.Entries {
		if e >= n && e < 1<<16 {
			n = e + 1
		}
	}
	w := make([]int, n)
	for _, e := range t.Entries {
		if e >= 0 && e < n {
			w[e]++
		}
	}
	return w
}

// Tuned is what tuned says about its profiles: the active one, the one
// it recommends for the hardware, and whether tuned-adm verify found the
// settings of the active profile applied.
type Tuned struct {
	// Installed is false when the source shows tuned is not installed
	// (no /etc/tuned); the other fields are then empty.
	Installed bool `json:"installed"`
	// Mode is /etc/tuned/profile_mode: "auto" (tuned chose the profile)
	// or "manual"; "" when unknown.
	Mode string `json:"mode,omitempty"`
	// Active is the active profile (several are space-separated); "" when
	// none is active or unknown.
	Active string `json:"active,omitempty"`
	// Recommended is tuned-adm recommend; "" when unknown.
	Recommended string `json:"recommended,omitempty"`
	// Verified is tuned-adm verify's verdict: true when it says the
	// settings match, false when it reports differences; nil when not
	// known (live: netdoctor runs no programs).
	Verified *bool `json:"verified,omitempty"`
	// Drift holds the settings verify reported different (at most
	// MaxTunedDrift lines, as tuned prints them).
	Drift []string `json:"drift,omitempty"`
	// ProfileSysctls are the [sysctl] settings of the active profile and
	// the profiles it includes, as netdoctor reads their tuned.conf files
	// (values with tuned variables or functions left out); nil when the
	// profile files were not found.
	ProfileSysctls map[string]string `json:"profile_sysctls,omitempty"`
}

// MaxTunedDrift bounds Tuned.Drift.
const MaxTunedDrift = 64

// Pause is Ethernet flow control as ethtool -a shows it.
type Pause struct {
	AutoNeg bool `json:"autoneg"`
	RX      bool `json:"rx"`
	TX      bool `json:"tx"`
}

// PCIeLink is a PCI Express link's trained and maximum speed (GT/s per
// lane) and width (lanes). Zero means unknown.
type PCIeLink struct {
	Speed    float64 `json:"speed_gts"`
	Width    int     `json:"width"`
	MaxSpeed float64 `json:"max_speed_gts"`
	MaxWidth int     `json:"max_width"`
	// MSIX is lspci's "MSI-X: Enable+" (true) or "Enable-" (false); nil
	// when not reported (sysfs does not say).
	MSIX *bool `json:"msix,omitempty"`
	// MSIXCount is the MSI-X capability's table size (lspci's "Count="):
	// how many vectors, hence queues with their own interrupt, the
	// function can have; 0 when not reported.
	MSIXCount int `json:"msix_count,omitempty"`
	// MSI is lspci's "MSI: Enable+" (true) or "Enable-" (false); nil when
	// the function has no MSI capability or it was not reported.
	MSI *bool `json:"msi,omitempty"`
}

// Downgraded reports whether the link trained below its capability.
func (p *PCIeLink) Downgraded() bool {
	return p.Speed > 0 && p.MaxSpeed > 0 && p.Speed < p.MaxSpeed || p.Width > 0 && p.MaxWidth > 0 && p.Width < p.MaxWidth
}

// GbitPerSec is the usable bandwidth of a link of this speed and width in
// Gb/s per direction, after line encoding (8b/10b up to 5 GT/s,
// 128b/130b from 8 GT/s).
func PCIeGbitPerSec(gts float64, width int) float64 {
	enc := 128.0 / 130.0
	if gts <= 5 {
		enc = 0.8
	}
	return gts * float64(width) * enc
}

// Feature is one offload of `ethtool -k`: whether it is on, and whether
// the driver reports it fixed ("[fixed]": it cannot be changed).
type Feature struct {
	On    bool `json:"on"`
	Fixed bool `json:"fixed,omitempty"`
}

// FeatureOn reports whether the named feature was read and is on.
func (n *NIC) FeatureOn(name string) (on, known bool) {
	f, ok := n.Features[name]
	return f.On, ok
}

// The names of ethtool -k features the checks read.
const (
	FeatureLRO    = "large-receive-offload"
	FeatureGRO    = "generic-receive-offload"
	FeatureNtuple = "ntuple-filters"
	FeatureRxHash = "receive-hashing"
)

// Bond is the state of a bonding master, from /proc/net/bonding/NAME.
type Bond struct {
	// Mode is the "Bonding Mode" line ("IEEE 802.3ad Dynamic link
	// aggregation", "fault-tolerance (active-backup)", ...).
	Mode string `json:"mode"`
	// MIIStatus is the master's "MII Status" ("up", "down").
	MIIStatus string `json:"mii_status"`
	// ActiveSlave is "Currently Active Slave" (active-backup); "" otherwise.
	ActiveSlave string `json:"active_slave,omitempty"`
	// AggregatorID is the master's active aggregator (802.3ad); 0 when
	// not reported.
	AggregatorID int         `json:"aggregator_id,omitempty"`
	Slaves       []BondSlave `json:"slaves"`
}

// BondSlave is one "Slave Interface" section.
type BondSlave struct {
	Name         string `json:"name"`
	MIIStatus    string `json:"mii_status"`
	Speed        int    `json:"speed"` // Mb/s, -1 when unknown
	LinkFailures uint64 `json:"link_failures"`
	// AggregatorID is the slave's "Aggregator ID" (802.3ad); 0 when not
	// reported (IDs start at 1).
	AggregatorID int `json:"aggregator_id,omitempty"`
}

// IsLACP reports whether the bond runs 802.3ad.
func (b *Bond) IsLACP() bool {
	return strings.Contains(b.Mode, "802.3ad")
}

// Fact name keys of NIC.Facts.
const (
	FactKind   = "kind"
	FactDriver = "driver"
	FactPCI    = "pci"
	FactDevice = "device"
)

// SetFact records the source of one identity fact, keeping the first.
func (n *NIC) SetFact(fact, source string) {
	if n.Facts == nil {
		n.Facts = map[string]string{}
	}
	if _, ok := n.Facts[fact]; !ok {
		n.Facts[fact] = source
	}
}

// DeviceBacked reports whether the interface is a device with its own
// interrupts (a PCI function, virtio, a VF, ENA...): Kind "physical" (or
// unknown), or any interrupt vector mapped to it. Bridges, bonds, veths
// and the like are not.
func (n *NIC) DeviceBacked() bool {
	return n.Kind == KindPhysical || n.Kind == "" || len(n.Queues) > 0
}

// LinkModes is what plain ethtool says about link negotiation. Mode names
// are as ethtool prints them ("10000baseT/Full", "25000baseSR/Full").
type LinkModes struct {
	Supported  []string `json:"supported,omitempty"`
	Advertised []string `json:"advertised,omitempty"`
	// PartnerAdvertised is "Link partner advertised link modes"; nil when
	// the driver does not report it.
	PartnerAdvertised []string `json:"partner_advertised,omitempty"`
	// AutoNeg is "Auto-negotiation: on|off"; nil when absent.
	AutoNeg *bool `json:"autoneg,omitempty"`
	// Port is "Twisted Pair", "FIBRE", "Direct Attach Copper", "Other", ...
	Port string `json:"port,omitempty"`
	// Detected is "Link detected: yes|no"; nil when absent.
	Detected *bool `json:"detected,omitempty"`
}

// ModulePower is the optical power of a pluggable module and its alarm
// thresholds, in dBm. A multi-lane module (QSFP) has one RX and TX value
// per channel. A threshold is nil when the module does not report it.
type ModulePower struct {
	Identifier    string    `json:"identifier,omitempty"`
	RxDBm         []float64 `json:"rx_dbm,omitempty"`
	TxDBm         []float64 `json:"tx_dbm,omitempty"`
	RxLowWarnDBm  *float64  `json:"rx_low_warn_dbm,omitempty"`
	RxLowAlarmDBm *float64  `json:"rx_low_alarm_dbm,omitempty"`
	RxHighWarnDBm *float64  `json:"rx_high_warn_dbm,omitempty"`
}

// Ring is ethtool -g. Zero means unknown for a maximum.
type Ring struct {
	RX    int `json:"rx"`
	RXMax int `json:"rx_max"`
	TX    int `json:"tx"`
	TXMax int `json:"tx_max"`
}

// Channels is ethtool -l.
type Channels struct {
	RX          int `json:"rx"`
	TX          int `json:"tx"`
	Other       int `json:"other"`
	Combined    int `json:"combined"`
	MaxRX       int `json:"max_rx"`
	MaxTX       int `json:"max_tx"`
	MaxOther    int `json:"max_other"`
	MaxCombined int `json:"max_combined"`
}

// Queue directions.
const (
	DirRX       = "rx"
	DirTX       = "tx"
	DirCombined = "combined" // serves RX and TX (TxRx, comp, fp, input+output pairs)
)

// Queue is one interrupt vector of a NIC that serves a queue.
type Queue struct {
	Index int    `json:"index"`
	Dir   string `json:"dir"`
	IRQ   int    `json:"irq"`
	// Name is the action name that identified it ("eth0-TxRx-3").
	Name string `json:"name,omitempty"`
}

// SoftnetRow is one line of /proc/net/softnet_stat. When it comes from
// Pair.SoftnetDelta the counters are deltas, while the queue lengths
// (BacklogLen, InputQLen, ProcessQLen) keep the later sample's values.
type SoftnetRow struct {
	// CPU is the owning CPU: column 13 when the kernel prints it, else the
	// i-th online CPU; -1 when neither is known.
	CPU int `json:"cpu"`
	// CPUFromIndex is true when CPU came from the kernel's index column.
	CPUFromIndex bool   `json:"cpu_from_index"`
	Processed    uint32 `json:"processed"`
	Dropped      uint32 `json:"dropped"`
	TimeSqueeze  uint32 `json:"time_squeeze"`
	CPUCollision uint32 `json:"cpu_collision"`
	ReceivedRPS  uint32 `json:"received_rps"`
	FlowLimit    uint32 `json:"flow_limit_count"`
	BacklogLen   uint32 `json:"backlog_len"`
	InputQLen    uint32 `json:"input_qlen"`
	ProcessQLen  uint32 `json:"process_qlen"`
	// Columns is how many columns the row had (9, 10, 11, 13, 15, ...).
	Columns int `json:"columns"`
}

// Softirqs is /proc/softirqs: the header's CPU numbers (possible CPUs) and
// per softirq name ("NET_RX") the counts aligned with CPUs.
type Softirqs struct {
	CPUs   []int               `json:"cpus"`
	Counts map[string][]uint64 `json:"counts"`
}

// CPUTime is one cpuN line of /proc/stat, in clock ticks (USER_HZ).
type CPUTime struct {
	CPU     int    `json:"cpu"`
	User    uint64 `json:"user"`
	Nice    uint64 `json:"nice"`
	System  uint64 `json:"system"`
	Idle    uint64 `json:"idle"`
	IOWait  uint64 `json:"iowait"`
	IRQ     uint64 `json:"irq"`
	SoftIRQ uint64 `json:"softirq"`
	Steal   uint64 `json:"steal"`
}

// Total is the sum of all fields.
func (c CPUTime) Total() uint64 {
	return c.User + c.Nice + c.System + c.Idle + c.IOWait + c.IRQ + c.SoftIRQ + c.Steal
}

// Proc is one process. Kernel threads have Kernel set. Offline, a
// sosreport gives at best one Thread per process (the main one).
type Proc struct {
	PID     int      `json:"pid"`
	PPID    int      `json:"ppid"`
	Comm    string   `json:"comm"`
	Cmdline string   `json:"cmdline,omitempty"`
	User    string   `json:"user,omitempty"`
	Kernel  bool     `json:"kernel"`
	Threads []Thread `json:"threads"`
}

// Thread is one task of a process.
type Thread struct {
	TID   int    `json:"tid"`
	Comm  string `json:"comm"`
	State string `json:"state,omitempty"`
	// CPU is the CPU it last ran on (stat field 39, ps PSR, pidstat CPU); -1 unknown.
	CPU int `json:"cpu"`
	// Allowed is Cpus_allowed_list; nil when unknown.
	Allowed []int `json:"allowed,omitempty"`
	// UTime and STime are cumulative clock ticks; CPUKnown is false when
	// the source had no CPU time for the thread.
	UTime    uint64 `json:"utime"`
	STime    uint64 `json:"stime"`
	CPUKnown bool   `json:"cpu_known"`
	// CPUTimeCoarse marks CPU times from a sosreport's ps TIME column:
	// whole seconds, user and system together in UTime, and for the whole
	// process (every thread) on its main thread.
	CPUTimeCoarse bool `json:"cpu_time_coarse,omitempty"`
}

// Irqbalance says whether irqbalance runs and what it is told to avoid.
type Irqbalance struct {
	// Known is false when no input could tell.
	Known   bool `json:"known"`
	Running bool `json:"running"`
	// Banned is the CPU list from IRQBALANCE_BANNED_CPULIST or
	// IRQBALANCE_BANNED_CPUS (hex mask) in its configuration.
	Banned []int `json:"banned,omitempty"`
	// BannedIRQs are the --banirq arguments.
	BannedIRQs []int `json:"banned_irqs,omitempty"`
	// Evidence names the input that decided.
	Evidence string `json:"evidence,omitempty"`
}

// ClockTicks is USER_HZ, the unit of /proc/stat and thread CPU times on
// every Linux architecture netdoctor supports.
const ClockTicks = 100

// StatTable is a /proc/net/stat file (nf_conntrack, arp_cache,
// ndisc_cache): a header naming the columns, then one row of hex counters
// per possible CPU. Which columns exist depends on the kernel, so they are
// kept by the header's names. Column "entries" is the table's current size
// (a global gauge printed on every row); every other column is a per-CPU
// counter, each wrapping at its own width.
type StatTable struct {
	Columns []string `json:"columns"`
	// Rows hold one value per column, in the header's order.
	Rows [][]uint64 `json:"rows"`
}

// Column returns the index of a column, or -1.
func (t *StatTable) Column(name string) int {
	if t == nil {
		return -1
	}
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Total sums a counter column over the CPU rows; ok is false when the
// kernel has no such column.
func (t *StatTable) Total(name string) (v uint64, ok bool) {
	i := t.Column(name)
	if i < 0 {
		return 0, false
	}
	for _, r := range t.Rows {
		if i < len(r) {
			v += r[i]
		}
	}
	return v, true
}

// Entries is the table size (column "entries", the largest value any row
// shows); ok is false without that column or rows.
func (t *StatTable) Entries() (v uint64, ok bool) {
	i := t.Column("entries")
	if i < 0 || len(t.Rows) == 0 {
		return 0, false
	}
	for _, r := range t.Rows {
		if i < len(r) && r[i] > v {
			v = r[i]
		}
	}
	return v, true
}

// UDPSocket is one row of /proc/net/udp or udp6. Local is the address
// decoded for a little-endian host (the file prints the address as the
// host's native integers). On a host with more than MaxUDPSockets sockets,
// only the rows with drops or queued bytes are kept past that number.
type UDPSocket struct {
	Family  int    `json:"family"` // 4 or 6
	Local   string `json:"local"`
	Port    int    `json:"port"`
	State   int    `json:"state"` // 7 (TCP_CLOSE) for an unconnected socket, 1 when connected
	TxQueue uint64 `json:"tx_queue"`
	// RxQueue is the receive queue in bytes (sk_rmem_alloc).
	RxQueue uint64 `json:"rx_queue"`
	UID     int    `json:"uid"`
	Inode   uint64 `json:"inode"`
	// Drops is sk_drops: datagrams the socket dropped (full receive
	// buffer, checksum, filter) since it was created.
	Drops uint64 `json:"drops"`
	// PIDs are the processes holding the socket open, from their fd links
	// (live and collect only; nil when unknown).
	PIDs []int `json:"pids,omitempty"`
}

// MaxUDPSockets bounds the UDP rows kept regardless of their counters.
const MaxUDPSockets = 1 << 16

// TCPListener is one listening TCP socket. From /proc/net/tcp{,6} (a row
// in state 0A) Queue is the rx_queue column, which for a listener is the
// accept queue's length (sk_ack_backlog: connections that completed the
// handshake and wait for accept()); the tx_queue column of a listener is
// meaningless and the limit is not shown, so Backlog is 0. From ss (a
// LISTEN row) Queue is Recv-Q and Backlog is Send-Q, the listener's
// backlog (sk_max_ack_backlog: min(listen()'s argument, somaxconn)). The
// kernel drops a completed connection when Queue exceeds Backlog, so a
// listener whose Queue is at its Backlog is overflowing.
type TCPListener struct {
	Family int    `json:"family"` // 4 or 6
	Local  string `json:"local"`
	Port   int    `json:"port"`
	Queue  uint64 `json:"queue"`
	// Backlog is the accept queue's limit; 0 when unknown.
	Backlog uint64 `json:"backlog"`
	UID     int    `json:"uid"`
	Inode   uint64 `json:"inode"`
	// Process and PIDs are the owner as ss printed it (users:(("nginx",
	// pid=812,fd=6))); empty when unknown.
	Process string `json:"process,omitempty"`
	PIDs    []int  `json:"pids,omitempty"`
	// Source is where the row was read ("/proc/net/tcp", "ss").
	Source string `json:"source"`
}

// MaxTCPListeners bounds the listeners kept from one file.
const MaxTCPListeners = 1 << 14

// KernelLog is what the kernel log said about the receive path.
type KernelLog struct {
	// Lines is how many lines were read (after bounding to the newest part).
	Lines int `json:"lines"`
	// Truncated is true when only the newest part of the log was read.
	Truncated bool `json:"truncated,omitempty"`
	// Events are the classified lines, oldest first (at most MaxLogEvents,
	// the newest kept).
	Events []LogEvent `json:"events,omitempty"`
}

// MaxLogEvents bounds KernelLog.Events.
const MaxLogEvents = 4096

// Kernel log event kinds.
const (
	LogConntrackFull  = "conntrack_full"  // nf_conntrack: table full, dropping packet
	LogNeighOverflow  = "neigh_overflow"  // neighbour: arp_cache: neighbor table overflow!
	LogNetdevWatchdog = "netdev_watchdog" // NETDEV WATCHDOG: eth0 (ixgbe): transmit queue 3 timed out
	LogLinkDown       = "link_down"       // ... NIC Link is Down / Link is Down
	LogLinkUp         = "link_up"         // ... NIC Link is Up 10 Gbps / Link is Up
	LogPageAllocFail  = "page_alloc_failure"
	LogTCPOutOfMemory = "tcp_oom"        // TCP: out of memory -- consider tuning tcp_mem
	LogSYNFlood       = "syn_flood"      // TCP: request_sock_TCP: Possible SYN flooding on port 80
	LogOverMTU        = "over_mtu"       // dropped over-mtu packet
	LogLROForwarding  = "lro_forwarding" // received packets cannot be forwarded while LRO is enabled
	LogTxTimeout      = "tx_timeout"     // driver tx hang / tx timeout lines
)

// LogEvent is one classified kernel log line.
type LogEvent struct {
	Kind string `json:"kind"`
	// Uptime is the [seconds.micros] stamp since boot; -1 when the line
	// has none.
	Uptime float64 `json:"uptime"`
	// Time is the wall-clock time when the line carries one with a year
	// (ISO 8601 syslog); zero otherwise. Stamp is the time as printed.
	Time  time.Time `json:"time,omitzero"`
	Stamp string    `json:"stamp,omitempty"`
	// Text is the message (at most 512 bytes).
	Text string `json:"text"`
}

// NetNamespace is one network namespace's own counters.
type NetNamespace struct {
	// Name is the sosreport's namespace name, or live "net:[INODE]".
	Name string `json:"name"`
	// PIDs are processes found in it (live; at most a few).
	PIDs     []int                       `json:"pids,omitempty"`
	NetStats map[string]map[string]int64 `json:"netstats,omitempty"`
	Sockstat map[string]map[string]int64 `json:"sockstat,omitempty"`
	// SNMP6 is the namespace's /proc/net/snmp6 by counter name, as the
	// host's Snapshot.SNMP6 ("Udp6RcvbufErrors"): live and collect from
	// /proc/PID/net/snmp6 of its process, in a sosreport from the Ip6*,
	// Udp6*, Icmp6* and UdpLite6* rows of its nstat output; nil when not
	// read.
	SNMP6 map[string]int64 `json:"snmp6,omitempty"`
	// Listeners are the namespace's listening TCP sockets: live and
	// collect from /proc/PID/net/tcp and tcp6 of its process, in a
	// sosreport from `ip netns exec NS ss -peaonmi`; nil when not read.
	Listeners []TCPListener `json:"listeners,omitempty"`
}

// CPUPower is the frequency and idle policy of the CPUs (cpufreq,
// intel_pstate and cpuidle sysfs).
type CPUPower struct {
	// PStateStatus is intel_pstate/status ("active", "passive", "off");
	// "" when the driver is not loaded. NoTurbo is intel_pstate/no_turbo;
	// nil when not read.
	PStateStatus string `json:"pstate_status,omitempty"`
	NoTurbo      *bool  `json:"no_turbo,omitempty"`
	// Freq holds one entry per CPU that a cpufreq policy covers, sorted by
	// CPU; nil when cpufreq was not read (virtual machines have none).
	Freq []CPUFreq `json:"freq,omitempty"`
	// IdleDriver is cpuidle/current_driver ("intel_idle", "acpi_idle",
	// "haltpoll", "none"); "" when not read.
	IdleDriver string `json:"idle_driver,omitempty"`
	// Idle holds the idle states of each CPU read, sorted by CPU.
	Idle []CPUIdle `json:"idle,omitempty"`
}

// CPUFreq is the cpufreq policy of one CPU. Frequencies are in kHz, 0
// when unknown; a string not read is "".
type CPUFreq struct {
	CPU      int    `json:"cpu"`
	Driver   string `json:"driver,omitempty"`
	Governor string `json:"governor,omitempty"`
	// EPP is energy_performance_preference (HWP with intel_pstate or
	// amd-pstate-epp): "performance", "balance_performance",
	// "balance_power", "power", "default".
	EPP    string `json:"epp,omitempty"`
	CurKHz int    `json:"cur_khz,omitempty"`
	MaxKHz int    `json:"max_khz,omitempty"`
}

// CPUIdle is the idle states of one CPU.
type CPUIdle struct {
	CPU    int         `json:"cpu"`
	States []IdleState `json:"states"`
}

// IdleState is one cpuidle state: its name ("POLL", "C1", "C6"), exit
// latency in µs and whether it is disabled.
type IdleState struct {
	Name      string `json:"name"`
	LatencyUs int    `json:"latency_us"`
	Disabled  bool   `json:"disabled,omitempty"`
}

// FreqOf returns the cpufreq entry of cpu, or nil.
func (p *CPUPower) FreqOf(cpu int) *CPUFreq {
	if p == nil {
		return nil
	}
	for i := range p.Freq {
		if p.Freq[i].CPU == cpu {
			return &p.Freq[i]
		}
	}
	return nil
}

// IdleOf returns the idle states of cpu, or nil.
func (p *CPUPower) IdleOf(cpu int) *CPUIdle {
	if p == nil {
		return nil
	}
	for i := range p.Idle {
		if p.Idle[i].CPU == cpu {
			return &p.Idle[i]
		}
	}
	return nil
}
