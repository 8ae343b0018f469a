package fixturegen

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// sampleWriter writes one sample's tree and records the commands a
// sosreport's manifest lists.
type sampleWriter struct {
	m       *model
	t       *tree
	s       int
	collect bool
	cmds    map[string][]manifestCmd // plugin → commands
	at      float64                  // epoch seconds of the next command
}

// manifestCmd is one command of a sos manifest.
type manifestCmd struct {
	Command    string   `json:"command"`
	Parameters []string `json:"parameters"`
	Exec       string   `json:"exec"`
	Filepath   string   `json:"filepath"`
	Truncated  bool     `json:"truncated"`
	ReturnCode int      `json:"return_code"`
	Priority   int      `json:"priority"`
	StartTime  float64  `json:"start_time"`
	EndTime    float64  `json:"end_time"`
	RunTime    float64  `json:"run_time"`
	Tags       []string `json:"tags"`
}

// cmd writes a command's output at sos_commands/PLUGIN/NAME and records it.
func (w *sampleWriter) cmd(plugin, exec, name string, out []byte) {
	p := "sos_commands/" + plugin + "/" + name
	w.t.file(p, out)
	if w.collect {
		return
	}
	f := strings.Fields(exec)
	start := w.at
	w.at += 0.013
	w.cmds[plugin] = append(w.cmds[plugin], manifestCmd{
		Command: f[0], Parameters: append([]string{}, f[1:]...), Exec: exec, Filepath: p,
		Priority: 10, StartTime: round3(start), EndTime: round3(w.at), RunTime: 0.013,
		Tags: []string{strings.ReplaceAll(strings.ReplaceAll(name, "-", ""), ".", "_")},
	})
}

func round3(f float64) float64 { return float64(int64(f*1000)) / 1000 }

// writeSample writes sample s into t: the collect layout (raw proc/net
// files, proc/sys, processes as /proc/PID) or the sosreport layout of the
// scenario's sos version.
func (m *model) writeSample(t *tree, s int, collect bool) {
	w := &sampleWriter{m: m, t: t, s: s, collect: collect, cmds: map[string][]manifestCmd{},
		at: float64(m.times[s].Unix()) + 1.5}
	sos := m.sos
	now := m.times[s]

	// Identity: date, hostname, uname.
	date := cmdout.FormatDate(now)
	switch {
	case collect || sos.ge(3, 4, 0):
		w.cmd("date", "date --utc", "date_--utc", date)
		if !collect {
			w.cmd("date", "date", "date", date)
		}
		w.cmd("host", "hostname", "hostname", []byte(m.sc.Hostname+"\n"))
		if !collect {
			w.cmd("host", "uptime", "uptime", []byte(m.uptimeText(s)))
		}
	default:
		w.cmd("general", "date", "date", date)
		w.cmd("general", "hostname", "hostname", []byte(m.sc.Hostname+"\n"))
		w.cmd("general", "uptime", "uptime", []byte(m.uptimeText(s)))
	}
	w.cmd("kernel", "uname -a", "uname_-a", cmdout.FormatUname(cmdout.UnameInfo{
		Kernel: "Linux", Hostname: m.sc.Hostname, Release: m.sc.Kernel, Version: m.sc.KernelVersion, Machine: "x86_64"}))
	sysctls := m.sysctls()
	if collect {
		m.writeProcSys(t, sysctls)
	} else {
		w.cmd("kernel", "sysctl -a", "sysctl_-a", cmdout.FormatSysctl(sysctls))
	}

	// /proc.
	t.text("proc/interrupts", m.interrupts(s))
	m.writeIRQTree(t, s, collect)
	t.text("proc/softirqs", m.softirqs(s))
	t.text("proc/stat", m.stat(s))
	t.text("proc/cmdline", m.cmdline())
	t.text("proc/cpuinfo", m.cpuinfo(s))
	netDir := "proc/net/"
	noNet := !collect && m.sc.NoNetworking
	if !collect && !noNet {
		t.link("proc/net", "self/net")
		t.link("proc/self", itoa(m.sc.SosPID))
		netDir = "proc/" + itoa(m.sc.SosPID) + "/net/"
	}
	if !noNet {
		t.text(netDir+"softnet_stat", m.softnet(s))
		t.text(netDir+"dev", m.netDev(s))
		t.text(netDir+"netstat", m.netstat(s))
		t.text(netDir+"snmp", m.snmp(s))
		m.writeNetInputs(w, netDir)
		m.writeBonding(w, netDir)
	} else {
		// The kernel plugin still runs without the networking one.
		w.cmd("kernel", "dmesg", "dmesg", []byte(m.dmesg()))
	}

	// /sys.
	capped := !collect && sos.ge(4, 12, 0)
	m.writeCPUSysfs(t, s, capped)
	if collect || m.sc.NUMAPlugin {
		m.writeNodeSysfs(t, s)
	}
	if !noNet {
		m.writeNICSysfs(t, s, collect)
	}
	m.writePCIe(w, collect && !noNet)
	for _, n := range m.nics {
		if n.Hidden || noNet {
			continue
		}
		files := m.ethtoolFiles(n, s)
		files[""] = m.ethtoolPlain(n, collect)
		files["-k"] = m.ethtoolFeatures(n)
		files["-a"] = m.ethtoolPause(n)
		files["-c"] = m.ethtoolCoalesce(n)
		opts := []string{"", "-S", "-i", "-g", "-l", "-k", "-a", "-c"}
		if collect && (n.Kind == KindPhysical || n.Kind == KindVirtio) {
			// sos never runs ethtool -x; netdoctor collect writes it.
			files["-x"] = m.ethtoolRSS(n)
			opts = append(opts, "-x")
		}
		dev := sosMangle(n.Name)
		for _, opt := range opts {
			name, exec := "ethtool_"+dev, "ethtool "+n.Name
			if opt != "" {
				name, exec = "ethtool_"+opt+"_"+dev, "ethtool "+opt+" "+n.Name
			}
			w.cmd("networking", exec, name, files[opt])
		}
	}

	// /etc.
	t.text("etc/passwd", m.passwd())
	t.text("etc/os-release", m.osRelease())
	if m.sc.SysctlConf != "" && !collect {
		t.text("etc/sysctl.conf", m.sc.SysctlConf)
	}
	m.writeTuned(w, collect)
	if m.sc.Irqbalance.Installed {
		p, body := m.irqbalanceConf()
		t.text(p, body)
	}

	// Processes.
	if collect {
		m.writeProcFiles(t, s)
	} else {
		m.writeSosProcesses(w)
		m.writeSosOnly(w)
	}
}

// writeSosProcesses writes the process plugin's outputs of the sos version.
func (m *model) writeSosProcesses(w *sampleWriter) {
	sos, s := m.sos, w.s
	if sos.ge(4, 1, 0) {
		w.cmd("process", "ps auxwwwm", "ps_auxwwwm", []byte(m.psAux(s, true)))
		w.t.link("ps", "sos_commands/process/ps_auxwwwm")
	} else {
		w.cmd("process", "ps auxwww", "ps_auxwww", []byte(m.psAux(s, false)))
		w.t.link("ps", "sos_commands/process/ps_auxwww")
	}
	switch {
	case sos.ge(4, 7, 1):
		w.cmd("process", "ps axo flags,state,uid,pid,ppid,pgid,sid,cls,pri,psr,addr,sz,wchan:20,lstart,tty,time,cmd",
			"ps_axo_flags_state_uid_pid_ppid_pgid_sid_cls_pri_psr_addr_sz_wchan_20_lstart_tty_time_cmd", []byte(m.psAxo(s, true, true)))
	case sos.ge(3, 9, 0):
		w.cmd("process", "ps axo flags,state,uid,pid,ppid,pgid,sid,cls,pri,addr,sz,wchan:20,lstart,tty,time,cmd",
			"ps_axo_flags_state_uid_pid_ppid_pgid_sid_cls_pri_addr_sz_wchan_20_lstart_tty_time_cmd", []byte(m.psAxo(s, false, true)))
	default:
		w.cmd("process", "ps axo flags,state,uid,pid,ppid,pgid,sid,cls,pri,addr,sz,wchan,lstart,tty,time,cmd",
			"ps_axo_flags_state_uid_pid_ppid_pgid_sid_cls_pri_addr_sz_wchan_lstart_tty_time_cmd", []byte(m.psAxo(s, false, false)))
	}
	if sos.ge(4, 1, 0) && m.sc.Sysstat {
		w.cmd("process", "pidstat -tl", "pidstat_-tl", []byte(m.pidstat(s)))
	}
	if sos.ge(4, 0, 0) {
		for _, p := range m.procs {
			w.t.text("proc/"+itoa(p.PID)+"/status", m.statusText(p, p.threads[0]))
		}
	}
	if !m.sc.Container {
		w.cmd("systemd", "systemctl list-units", "systemctl_list-units", []byte(m.systemctlUnits(false)))
		if sos.ge(4, 0, 0) {
			w.cmd("systemd", "systemctl list-units --all", "systemctl_list-units_--all", []byte(m.systemctlUnits(true)))
		}
	}
}

// writeSosOnly writes what only a sosreport has: version.txt, the
// manifest, lscpu, numactl and the root convenience links.
func (m *model) writeSosOnly(w *sampleWriter) {
	sos, s, t := m.sos, w.s, w.t
	w.cmd("processor", "lscpu", "lscpu", []byte(m.lscpu(s)))
	if sos.ge(4, 2, 0) {
		w.cmd("processor", "lscpu -ae", "lscpu_-ae", []byte(m.lscpuAE(s)))
	}
	if m.sc.NUMAPlugin {
		w.cmd("numa", "numactl --hardware", "numactl_--hardware", []byte(m.numactl(s)))
	}
	if sos.ge(3, 4, 0) {
		t.link("date", "sos_commands/date/date")
		t.link("hostname", "sos_commands/host/hostname")
		t.link("uptime", "sos_commands/host/uptime")
	} else {
		t.link("date", "sos_commands/general/date")
		t.link("hostname", "sos_commands/general/hostname")
		t.link("uptime", "sos_commands/general/uptime")
	}
	t.link("uname", "sos_commands/kernel/uname_-a")
	t.link("lscpu", "sos_commands/processor/lscpu")
	if sos.major < 4 {
		plugins := []string{"sosreport: " + m.sc.Sos}
		for _, p := range m.plugins() {
			plugins = append(plugins, p+": unversioned")
		}
		t.text("version.txt", strings.Join(plugins, "\n"))
		return
	}
	t.text("version.txt", "sos report: "+m.sc.Sos)
	t.file("sos_reports/manifest.json", m.manifest(w))
}

// plugins lists the sos plugins that ran.
func (m *model) plugins() []string {
	p := []string{"date", "hardware", "host", "kernel", "networking", "pci", "process", "processor", "system", "systemd"}
	if m.sos.major < 3 || !m.sos.ge(3, 4, 0) {
		p = []string{"general", "hardware", "kernel", "networking", "pci", "process", "processor", "system", "systemd"}
	}
	if m.sc.NoNetworking {
		p = slices.DeleteFunc(p, func(s string) bool { return s == "networking" })
	}
	if m.sc.NUMAPlugin {
		p = append(p, "numa")
	}
	sort.Strings(p)
	return p
}

// manifest renders sos_reports/manifest.json (sos ≥ 4.0).
func (m *model) manifest(w *sampleWriter) []byte {
	start := m.times[w.s]
	end := start.Add(97*time.Second + 412345*time.Microsecond)
	type plugin struct {
		Name       string        `json:"name"`
		Timeout    int           `json:"timeout"`
		TimeoutHit bool          `json:"timeout_hit"`
		Commands   []manifestCmd `json:"commands"`
		Files      []any         `json:"files"`
	}
	plugins := map[string]plugin{}
	for _, name := range m.plugins() {
		cmds := w.cmds[name]
		if cmds == nil {
			cmds = []manifestCmd{}
		}
		plugins[name] = plugin{Name: name, Timeout: 300, Commands: cmds, Files: []any{}}
	}
	var devs []string
	for _, n := range m.nics {
		if !n.Hidden {
			devs = append(devs, n.Name)
		}
	}
	policy := "Red Hat Enterprise Linux"
	switch {
	case strings.HasPrefix(m.sc.Distro, "ubuntu"):
		policy = "Ubuntu"
	case strings.HasPrefix(m.sc.Distro, "debian"):
		policy = "Debian"
	}
	doc := map[string]any{
		"version":     m.sc.Sos,
		"cmdline":     "sos report --batch",
		"start_time":  start.Format("2006-01-02 15:04:05.000000"),
		"end_time":    end.Format("2006-01-02 15:04:05.000000"),
		"run_time":    "0:01:37.412345",
		"compression": "xz",
		"policy":      policy,
		"components": map[string]any{
			"report": map[string]any{
				"preset":           "none",
				"devices":          map[string]any{"network": map[string]any{"ethernet": devs}},
				"enabled_plugins":  m.plugins(),
				"disabled_plugins": m.disabledPlugins(),
				"plugins":          plugins,
			},
		},
	}
	b, err := json.MarshalIndent(doc, "", "    ")
	if err != nil {
		return []byte("{}\n")
	}
	return append(b, '\n')
}

// uptimeText renders uptime's one line (minute resolution).
func (m *model) uptimeText(s int) string {
	up := time.Duration(m.up[s] * float64(time.Second))
	days := int(up.Hours()) / 24
	hm := fmt.Sprintf("%2d:%02d", int(up.Hours())%24, int(up.Minutes())%60)
	var ut string
	switch days {
	case 0:
		ut = hm
	case 1:
		ut = "1 day, " + hm
	default:
		ut = fmt.Sprintf("%d days, %s", days, hm)
	}
	return fmt.Sprintf(" %s up %s,  1 user,  load average: 0.41, 0.37, 0.35\n", m.times[s].Format("15:04:05"), ut)
}

// osRelease renders etc/os-release.
func (m *model) osRelease() string {
	switch m.sc.Distro {
	case "rhel7":
		return "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\nPRETTY_NAME=\"CentOS Linux 7 (Core)\"\n"
	case "rhel8":
		return "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"8.9 (Ootpa)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"8.9\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 8.9 (Ootpa)\"\n"
	case "rhel9":
		return "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.4 (Plow)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.4 (Plow)\"\n"
	case "ubuntu1804":
		return "NAME=\"Ubuntu\"\nVERSION=\"18.04.6 LTS (Bionic Beaver)\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"18.04\"\nPRETTY_NAME=\"Ubuntu 18.04.6 LTS\"\n"
	case "ubuntu2004":
		return "NAME=\"Ubuntu\"\nVERSION=\"20.04.6 LTS (Focal Fossa)\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"20.04\"\nPRETTY_NAME=\"Ubuntu 20.04.6 LTS\"\n"
	case "ubuntu2204":
		return "NAME=\"Ubuntu\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n"
	case "debian12":
		return "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n"
	}
	return "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"13\"\nVERSION=\"13 (trixie)\"\nID=debian\n"
}

// irqbalanceConf is the irqbalance environment file and its path.
func (m *model) irqbalanceConf() (string, string) {
	ib := m.sc.Irqbalance
	banned := "#IRQBALANCE_BANNED_CPULIST="
	oldStyle := m.sc.Distro == "rhel7" || m.sc.Distro == "ubuntu1804"
	if oldStyle {
		banned = "#IRQBALANCE_BANNED_CPUS="
	}
	if len(ib.Banned) > 0 {
		banned = "IRQBALANCE_BANNED_CPULIST=" + cpuList(ib.Banned)
		if oldStyle {
			banned = "IRQBALANCE_BANNED_CPUS=" + cpuMask(ib.Banned, m.n)
		}
	}
	args := "IRQBALANCE_ARGS=" + ib.Args
	if ib.Args == "" {
		args = "#IRQBALANCE_ARGS="
	}
	if strings.HasPrefix(m.sc.Distro, "rhel") {
		return "etc/sysconfig/irqbalance", "# irqbalance is a daemon process that distributes interrupts across\n" +
			"# CPUs on SMP systems.  The default is to rebalance once every 10\n" +
			"# seconds.  This is the environment file that is specified to systemd via the\n" +
			"# EnvironmentFile key in the service unit file (or via whatever method the init\n" +
			"# system you're using has).\n#\n" +
			"# IRQBALANCE_ONESHOT\n#    After starting, wait for ten seconds, then look at the interrupt\n" +
			"#    load and balance it once; after balancing exit and do not change\n#    it again.\n#\n#IRQBALANCE_ONESHOT=\n\n" +
			"#\n# IRQBALANCE_BANNED_CPULIST\n#    A list of CPUs which irqbalance should ignore and never\n" +
			"#    assign interrupts to.\n#\n" + banned + "\n\n" +
			"#\n# IRQBALANCE_ARGS\n#    Append any args here to the irqbalance daemon as documented in the man\n#    page.\n#\n" + args + "\n"
	}
	return "etc/default/irqbalance", "#Configuration for the irqbalance daemon\n\n" +
		"#Should irqbalance be enabled?\nENABLED=\"1\"\n#Balance the IRQs only once?\nONESHOT=\"0\"\n\n" +
		"#\n# IRQBALANCE_BANNED_CPULIST\n#    A list of CPUs which irqbalance should ignore\n#\n" + banned + "\n" +
		"#\n# IRQBALANCE_ARGS\n#    Append any args here to the irqbalance daemon\n#\n" + args + "\n"
}

// sosMangle turns a command argument into the part of a sos file name:
// runs of characters outside [A-Za-z0-9_.-] become one '_', '/' becomes '.'.
// It is written apart from internal/source's copy on purpose: the fixtures
// encode sos's naming independently of the loader they test.
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
	return b.String()
}

// disabledPlugins lists the sos plugins that did not run.
func (m *model) disabledPlugins() []string {
	p := []string{"abrt", "ansible", "docker", "kubernetes", "openshift"}
	if m.sc.NoNetworking {
		p = append(p, "networking")
		sort.Strings(p)
	}
	return p
}
