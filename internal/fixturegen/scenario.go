package fixturegen

import (
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Bundle kinds of a fixture (Scenario.Bundle).
const (
	// BundleCollect is a netdoctor collect bundle: two samples in one directory.
	BundleCollect = "collect"
	// BundleSosreport is one plain sosreport of the first sample.
	BundleSosreport = "sosreport"
	// BundleSosreports is one plain sosreport per sample, side by side.
	BundleSosreports = "sosreports"
)

// NIC kinds (NIC.Kind).
const (
	KindPhysical = "physical" // a PCI function: sys/devices/pci0000:00/ADDR/net/DEV
	KindVirtio   = "virtio"   // virtio_net: sys/devices/pci0000:00/ADDR/virtioN/net/DEV
	KindLoopback = "loopback"
	KindVeth     = "veth"
	KindBridge   = "bridge"
	KindBond     = "bond" // a bonding master (fixtures_config_a.go)
)

// Scenario describes one host over one or more samples. Zero values take
// the defaults noted on each field.
type Scenario struct {
	// Name is the fixture directory name; Description one paragraph for
	// expect.json and the fixtures README.
	Name        string
	Description string
	// NearMiss says, for the fixtures README, what must stay silent and why.
	NearMiss string
	// Bundle is BundleCollect (default), BundleSosreport or BundleSosreports.
	Bundle string

	Hostname string
	// Distro is one of rhel7, rhel8, rhel9, ubuntu1804, ubuntu2004,
	// ubuntu2204, debian12, debian13; it picks paths and defaults (irqbalance
	// configuration, lscpu layout, HZ, command lines).
	Distro string
	// Kernel is uname -r; KernelVersion uname -v.
	Kernel        string
	KernelVersion string
	// Sos is the sos version of a sosreport ("3.2", "3.9.1", "4.5.6",
	// "4.7.2", "4.12.0"); it decides paths per generation (docs/sosreport.md).
	Sos string
	// SosPID is the pid of the sos process (proc/self), default 3255.
	SosPID int
	// Sysstat says sysstat is installed: sos ≥ 4.1 then has pidstat -tl.
	Sysstat bool
	// NUMAPlugin says sos's numa plugin ran (node/ directory, numactl).
	NUMAPlugin bool
	// NoNetworking says sos ran with -n networking (a common way around
	// ethtool hangs): no proc/net files, no sys/class/net, no ethtool
	// outputs; the hardware plugin still copies /proc/interrupts.
	NoNetworking bool
	// Times are the sample times (UTC), Boot the boot time (btime).
	Times []time.Time
	Boot  time.Time
	// Virt is "kvm" for a KVM guest, "" for bare metal.
	Virt string
	// Container marks a container-like host (no device links, no irqbalance).
	Container bool

	CPU  CPUSpec
	NICs []NIC
	// NVMe adds NVMe controllers with one managed queue vector per CPU (up
	// to 128) each, spread over the CPUs as the kernel does.
	NVMe int
	// Softnet adds per-CPU softnet counters (dropped, squeeze, ...) to the
	// processed counts derived from the queue rates.
	Softnet map[int]Softnet
	// Power writes cpufreq, intel_pstate and cpuidle sysfs (nil: none,
	// as on a host without a cpufreq driver; fixtures_config_c.go).
	Power *PowerSpec
	// NetRX adds NET_RX softirq runs per second per CPU beyond the queue
	// interrupts (backlog processing of veth and RPS traffic).
	NetRX map[int]float64
	// Load overrides per-CPU time fractions; zero fields are derived.
	Load map[int]Load
	// Ksoftirqd gives ksoftirqd/N a busy fraction of its CPU.
	Ksoftirqd map[int]float64
	// Sysctl overrides or adds sysctl values; SysctlConf is /etc/sysctl.conf.
	Sysctl     map[string]string
	SysctlConf string
	// NetStat sets /proc/net/netstat and snmp counters by "Group.Name".
	NetStat map[string]Counter
	// SNMP6 sets /proc/net/snmp6 counters by name ("Udp6RcvbufErrors").
	SNMP6 map[string]Counter
	// Procs are the scenario's own processes; the base system processes
	// (systemd, sshd, kernel threads ...) are added by the writer.
	Procs      []Proc
	Irqbalance Irqbalance
	// Tuned is tuned's state; nil: tuned not installed.
	Tuned *TunedSpec
	// CmdlineExtra is appended to /proc/cmdline.
	CmdlineExtra string
	// SoftnetColumns overrides the softnet_stat width chosen by kernel.
	SoftnetColumns int
	// Uptime sets Boot when Boot is zero: Times[0] - Uptime (default 26h11m).
	Uptime time.Duration
	// Reload re-creates one NIC's vectors between the first and the second
	// sample, as a driver reload or ethtool -L does.
	Reload *Reload
	// RestartIRQs restarts every interrupt count from zero between the
	// first and the second sample (the counters of a reboot), and NoBtime
	// withholds /proc/stat's btime line, so that nothing says the boot
	// changed: only the counters going back do.
	RestartIRQs bool
	NoBtime     bool
	// ConntrackStat sets /proc/net/stat/nf_conntrack counters by column
	// ("drop", "early_drop", "insert_failed"), totals over the CPUs. The
	// file exists when Sysctl sets net.netfilter.nf_conntrack_max (the
	// module loaded); its entries column is nf_conntrack_count.
	ConntrackStat map[string]Counter
	// KernelLog adds lines to the kernel log (dmesg), as printed:
	// "[ 8123.456789] nf_conntrack: table full, dropping packet".
	KernelLog []string
	// SockstatTCPMem sets sockstat's "TCP: ... mem" (pages) when non-zero.
	SockstatTCPMem int
	// ARPStat sets /proc/net/stat/arp_cache columns by name: "entries"
	// (Start is the table size), "table_fulls", "forced_gc_runs" (totals
	// over the CPUs).
	ARPStat map[string]Counter
	// PodNetNS puts processes in a network namespace of their own, with
	// its own netstat, snmp and snmp6 counters (collect bundles of hosts with veth
	// interfaces: /proc/PID/ns/net and /proc/PID/net).
	PodNetNS *PodNetNS
	// Listeners are the listening TCP sockets (/proc/net/tcp and tcp6
	// LISTEN rows; in a sosreport also ss -peaonmi); nil gives sshd on
	// port 22, IPv4 and IPv6, with empty queues.
	Listeners []Listener

	// Expect is what netdoctor must find, declared by the author.
	Expect Expect
}

// PodNetNS is a container's network namespace: its inode, the processes in
// it, its netstat/snmp counters by "Group.Name" and its snmp6 counters by
// name (others as the host's).
type PodNetNS struct {
	Inode   int
	PIDs    []int
	NetStat map[string]Counter
	// SNMP6 sets the namespace's /proc/PID/net/snmp6 counters by name
	// ("Udp6RcvbufErrors"; others as the host's).
	SNMP6 map[string]Counter
	// Listeners are the namespace's listening sockets (its /proc/PID/net/tcp
	// and tcp6); nil writes none.
	Listeners []Listener
}

// Listener is one listening TCP socket: its port on the any address, its
// owner, its backlog (what ss shows as Send-Q) and its accept queue's
// length in each sample (rx_queue, Recv-Q).
type Listener struct {
	IPv6    bool
	Port    int
	Comm    string
	PID     int
	Backlog int
	Queue   [2]int
}

// Reload re-creates NIC's vectors halfway between the first and the second
// sample: from the second sample on they are numbered from IRQBase, their
// counts start anew at the reload, and every vector is serviced by CPU.
type Reload struct {
	NIC     string
	IRQBase int
	CPU     int
}

// CPUSpec is the CPU topology. CPU numbers: with SiblingsAdjacent the
// threads of a core are consecutive (0,1); otherwise siblings are N and
// N + sockets×cores. NodeInterleave numbers packages round-robin (CPU 0 on
// node 0, CPU 1 on node 1, ...).
type CPUSpec struct {
	Model                                   string
	MHz                                     float64
	Sockets, CoresPerSocket, ThreadsPerCore int
	SiblingsAdjacent                        bool
	NodeInterleave                          bool
	// SingleNode puts every package on node 0.
	SingleNode bool
	// CoreIDs are the core_id values of a package's cores (default 0..n-1).
	CoreIDs []int
	// Offline CPUs are offline in every sample; OfflineLater are online in
	// the first sample and offline from the second on.
	Offline      []int
	OfflineLater []int
	Isolated     []int
	// Distances is the SLIT table (default 10 local, 21 remote).
	Distances [][]int
}

// Counter is a cumulative counter: Start at the first sample, growing by
// Rate per second.
type Counter struct {
	Start float64
	Rate  float64
}

// Softnet are extra softnet_stat counters of one CPU.
type Softnet struct {
	Processed, Dropped, Squeeze, ReceivedRPS, FlowLimit Counter
}

// Load is a CPU's time split as fractions of the CPU; zero means derived.
type Load struct {
	User, System, IOWait, IRQ, SoftIRQ, Steal float64
}

// NIC is one network interface.
type NIC struct {
	Name string
	// Driver: ixgbe, igb, e1000e, i40e, ice, mlx5_core, virtio_net,
	// qlcnic, bnx2x, veth, bridge, loopback.
	Driver        string
	DriverVersion string
	Firmware      string
	// Kind is KindPhysical, KindVirtio, KindLoopback, KindVeth or KindBridge.
	Kind string
	// PCI is the function's address; Virtio the N of virtioN.
	PCI    string
	Virtio int
	// NUMANode is device/numa_node (-1 unknown).
	NUMANode int
	// Speed in Mb/s (-1 unknown), MTU (default 1500).
	Speed int
	MTU   int
	MAC   string
	Ring  host.Ring
	// MaxCombined is ethtool -l's maximum (default the queue count).
	MaxCombined int
	Queues      []Queue
	// IRQBase is the first IRQ number of the NIC's vectors.
	IRQBase int
	// Stats overrides sysfs statistics counters (and the ethtool -S
	// counters of the same name); Ethtool adds or overrides ethtool -S ones.
	Stats   map[string]Counter
	Ethtool map[string]Counter
	// EthtoolLast sets ethtool -S counters to an exact value in the last
	// sample (a driver printing 2^64-1 for a counter it cannot read).
	EthtoolLast map[string]uint64
	// IfIndex and IfLink (a veth's peer in another namespace).
	IfIndex, IfLink int
	// Master is the bridge a veth is enslaved to.
	Master string
	// OperState default "up".
	OperState string
	// Hidden marks a NIC seen only through /proc/interrupts (the host's
	// NIC as a container sees it): no sysfs, no ethtool, no /proc/net/dev.
	Hidden bool
	// Features overrides ethtool -k features (fixtures_config_a.go).
	Features map[string]host.Feature
	// Bond is /proc/net/bonding/NAME of a KindBond NIC.
	Bond *BondSpec
	// PCIe is the function's PCI Express link (default 8 GT/s x8 trained
	// at its maximum).
	PCIe *host.PCIeLink
	// Pause is ethtool -a (default: autoneg on, RX and TX on for
	// physical NICs; not supported on others).
	Pause *host.Pause
	// Coalesce is ethtool -c (default by driver for physical NICs; not
	// supported on others).
	Coalesce *host.Coalesce
	// RSS is the RSS indirection table (ethtool -x, collect bundles
	// only): entry i holds a queue. Default: 128 entries spread evenly
	// over the receive queues.
	RSS []int
	// RPSFlowCnt is every receive queue's rps_flow_cnt (default 0).
	RPSFlowCnt int
	// XPS says whether the transmit queues have XPS maps (each queue
	// mapped to the CPU that services it). Default: the driver's own
	// behaviour (driverSetsXPS).
	XPS *bool
}

// Queue is one queue vector of a NIC.
type Queue struct {
	// CPU services the vector: smp_affinity_list, effective_affinity_list
	// and the interrupt counts are on it, unless the fields below say else.
	CPU int
	// Affinity is smp_affinity_list (default {CPU}, or Spread).
	Affinity []int
	// Effective is effective_affinity_list on kernels ≥ 4.13 (default {CPU}).
	Effective []int
	// Spread delivers the interrupts evenly over these CPUs (lowest-priority
	// delivery of old kernels).
	Spread []int
	// Rate is interrupts per second; PPS received packets per second
	// (default 6 × Rate).
	Rate float64
	PPS  float64
	// Hint is affinity_hint (default by driver).
	Hint []int
}

// Proc is one process. Its threads' busy fractions make its CPU time.
type Proc struct {
	PID, PPID int
	Comm      string
	// Args is the command line; nil for kernel threads.
	Args   []string
	User   string
	UID    int
	Kernel bool
	// Allowed is Cpus_allowed_list (default all possible CPUs).
	Allowed []int
	// Threads: the first is the main thread (TID = PID); default one idle
	// thread.
	Threads []Thread
	// StartSec is the start time in seconds after boot.
	StartSec float64
	// VSZKB and RSSKB are memory sizes for ps.
	VSZKB, RSSKB int
}

// Thread is one task of a process.
type Thread struct {
	TID  int
	Comm string
	// CPU is the CPU last run on; CPUs, when set, gives it per sample.
	CPU  int
	CPUs []int
	// Busy is the fraction of one CPU used (user + system), over the
	// window and since start; SysShare the share of it in system time.
	Busy     float64
	SysShare float64
	State    string
	Allowed  []int
}

// Irqbalance says whether irqbalance is installed and running, and its bans.
type Irqbalance struct {
	Installed bool
	Running   bool
	Banned    []int
	Args      string
	PID       int
}

// Expect is the author's declaration of what netdoctor must find.
type Expect struct {
	// Findings is the complete set, at every severity.
	Findings []ExpectFinding
	// Verdicts maps check IDs to their expected verdict.
	Verdicts map[string]string
	// InputsNotOK are inputs the fixture withholds by design.
	InputsNotOK []ExpectInput
}

// ExpectFinding is one expected finding. An empty Subject matches any.
type ExpectFinding struct {
	Check    string `json:"check"`
	Subject  string `json:"subject,omitempty"`
	CPUs     []int  `json:"cpus,omitempty"`
	PIDs     []int  `json:"pids,omitempty"`
	Severity string `json:"severity"`
}

// ExpectInput is one input whose status is not ok.
type ExpectInput struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Status  string `json:"status"`
}
