package source

import "strings"

// cand is one candidate location of an input below a root. Candidates are
// tried in order; the first that reads wins (docs/sosreport.md). Raw kernel
// files come before sos command outputs, so that a collect bundle (which
// holds both for some inputs) reads like the live host it was taken from.
type cand struct {
	// path is slash-separated and relative; with glob set it is an fs.Glob
	// pattern.
	path string
	glob bool
	// single makes a glob usable only when it matches exactly one file
	// (proc/<pid>/net/X: the sos process's pid varies); otherwise the
	// first match in lexical order is used.
	single bool
	// offline marks a candidate that exists only in a bundle: sos command
	// outputs and scans over /proc. The live loader skips it.
	offline bool
}

func raw(p string) cand     { return cand{path: p} }
func sosCmd(p string) cand  { return cand{path: "sos_commands/" + p, offline: true} }
func sosGlob(p string) cand { return cand{path: "sos_commands/" + p, glob: true, offline: true} }

// netCands locates a /proc/net file: through the proc/net link chain, else
// proc/self/net, else the single proc/<pid>/net copy (sos stores the files
// under its own pid).
func netCands(file string) []cand {
	return []cand{
		raw("proc/net/" + file),
		raw("proc/self/net/" + file),
		{path: "proc/[0-9]*/net/" + file, glob: true, single: true, offline: true},
	}
}

// The /proc/net files behind the loss counters of conntrack, the
// neighbour tables, socket memory, IPv6 and UDP sockets (procnet.go). They
// are found through proc/net like the files above, else in the one
// proc/<pid>/net directory of a sosreport, looked up once per load
// (loader.netFileCands): most hosts lack some of them (no nf_conntrack
// loaded), and a scan of proc/<pid> per missing file would cost more than
// the file.
const (
	netConntrackStat = "stat/nf_conntrack"
	netArpCache      = "stat/arp_cache"
	netNdiscCache    = "stat/ndisc_cache"
	netSockstat      = "sockstat"
	netSockstat6     = "sockstat6"
	netSNMP6         = "snmp6"
	netUDP           = "udp"
	netUDP6          = "udp6"
	netTCP           = "tcp"
	netTCP6          = "tcp6"
)

// candKernelLog is the kernel log offline, best first: the ring buffer as
// sos's dmesg printed it (netdoctor collect writes its /dev/kmsg reading
// there too), then the syslog files sos copies (tailed to its size limit).
var candKernelLog = []cand{
	sosCmd("kernel/dmesg"),
	{path: "var/log/kern.log", offline: true},
	{path: "var/log/messages", offline: true},
	{path: "var/log/syslog", offline: true},
}

// Kernel files and command outputs, best first.
var (
	candStat       = []cand{raw("proc/stat")}
	candCmdline    = []cand{raw("proc/cmdline")}
	candInterrupts = []cand{raw("proc/interrupts")}
	candSoftirqs   = []cand{raw("proc/softirqs")}
	candSoftnet    = netCands("softnet_stat")
	candNetDev     = netCands("dev")
	candNetstat    = netCands("netstat")
	candSNMP       = netCands("snmp")
	candCPUInfo    = []cand{raw("proc/cpuinfo")}

	// Identity. The live host has no sos_commands; a collect bundle has both
	// the raw proc/sys/kernel files and the sos outputs netdoctor wrote.
	candUname     = []cand{sosCmd("kernel/uname_-a"), {path: "uname", offline: true}}
	candOSRelease = []cand{raw("proc/sys/kernel/osrelease")}
	candKVersion  = []cand{raw("proc/sys/kernel/version")}
	candHostname  = []cand{
		raw("proc/sys/kernel/hostname"),
		sosCmd("host/hostname"),
		sosCmd("general/hostname"),
		{path: "hostname", offline: true},
		raw("etc/hostname"),
	}
	candDate = []cand{
		sosCmd("date/date_--utc"),
		sosCmd("date/date"),
		sosCmd("general/date"),
		{path: "date", offline: true},
	}

	// Topology fallbacks.
	candLscpu      = []cand{sosCmd("processor/lscpu")}
	candLscpuTable = []cand{sosCmd("processor/lscpu_-ae"), sosCmd("processor/lscpu_-p")}
	candNumactl    = []cand{sosCmd("numa/numactl_--hardware")}

	// Sysctls offline; live (and collect) read proc/sys directly.
	candSysctl = []cand{sosCmd("kernel/sysctl_-a")}

	// Processes offline. ps with a PSR column exists since sos 4.7.1.
	candPSWithPSR = []cand{sosGlob("process/ps_axo_flags_*_psr_*")}
	candPS        = []cand{
		sosCmd("process/ps_auxwwwm"),
		sosCmd("process/ps_auxwww"),
		sosGlob("process/ps_axo_flags_*"),
		sosCmd("process/ps_-elfL"),
		{path: "ps", offline: true},
	}
	candPidstat = []cand{sosCmd("process/pidstat_-tl")}

	// irqbalance.
	candSystemctl       = []cand{sosCmd("systemd/systemctl_list-units_--all"), sosCmd("systemd/systemctl_list-units")}
	candIrqbalanceConf  = []cand{raw("etc/sysconfig/irqbalance"), raw("etc/default/irqbalance")}
	candPasswd          = []cand{raw("etc/passwd")}
	candSosVersion      = []cand{{path: "version.txt", offline: true}}
	candSosManifest     = []cand{{path: "sos_reports/manifest.json", offline: true}}
	candHypervisorType  = []cand{raw("sys/hypervisor/type")}
	candDMIVendor       = []cand{raw("sys/class/dmi/id/sys_vendor"), {path: "sys/devices/virtual/dmi/id/sys_vendor", offline: true}}
	candDMIProduct      = []cand{raw("sys/class/dmi/id/product_name"), {path: "sys/devices/virtual/dmi/id/product_name", offline: true}}
	candHostnamectl     = []cand{sosCmd("host/hostnamectl_status")}
	candClocksources    = []cand{raw("sys/devices/system/clocksource/clocksource0/available_clocksource")}
	candPID1Cgroup      = []cand{raw("proc/1/cgroup")}
	candPID1Environ     = []cand{raw("proc/1/environ")}
	candContainerMarker = []cand{raw(".dockerenv"), raw("run/.containerenv")}
)

// CPU and node directories.
const (
	cpuDir  = "sys/devices/system/cpu"
	nodeDir = "sys/devices/system/node"
	netDir  = "sys/class/net"
	irqDir  = "proc/irq"
)

// ethtoolCands locates `ethtool OPT DEV` (opt "" is plain `ethtool DEV`) in
// sos_commands/networking, with the interface name mangled as sos does.
func ethtoolCands(opt, dev string) []cand {
	name := "ethtool_"
	if opt != "" {
		name += opt + "_"
	}
	return []cand{sosCmd("networking/" + name + sosMangle(dev))}
}

// ethtoolPath is where Collect writes `ethtool OPT DEV` so that
// ethtoolCands finds it.
func ethtoolPath(opt, dev string) string { return ethtoolCands(opt, dev)[0].path }

// sosMangle turns a command argument into the part of a file name sos
// writes: every run of characters outside [A-Za-z0-9_.-] becomes one '_'
// (sos's _mangle_command), and '/' becomes '.'.
func sosMangle(s string) string {
	var b strings.Builder
	under := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-':
			b.WriteByte(c)
			under = false
		case c == '/':
			b.WriteByte('.')
			under = false
		default:
			if !under {
				b.WriteByte('_')
			}
			under = true
		}
	}
	out := b.String()
	if len(out) > 200 {
		out = out[:200]
	}
	return out
}
