package fixturegen

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Process flags of /proc/PID/stat field 9.
const (
	flagsKthread = 0x04208040 // PF_KTHREAD | PF_NOFREEZE | PF_FORKNOEXEC ...
	flagsUser    = 0x00400100 // PF_RANDOMIZE | PF_SUPERPRIV
)

// memTotalKB is the host's memory for ps %MEM.
func (m *model) memTotalKB() int {
	if m.sc.Virt != "" {
		return 4025576
	}
	return 131607880
}

// startTime is when p started.
func (m *model) startTime(p *procModel) time.Time {
	return m.sc.Boot.Add(time.Duration(p.StartSec * float64(time.Second))).UTC()
}

// procTicks sums the threads' CPU time at sample s.
func (m *model) procTicks(p *procModel, s int) (ut, st uint64) {
	for _, t := range p.threads {
		u, sy := t.ticks(p, s, m)
		ut += u
		st += sy
	}
	return ut, st
}

// statLine renders /proc/PID/stat (or task/TID/stat) of task t at sample s.
func (m *model) statLine(p *procModel, t *threadModel, s int, whole bool) string {
	ut, st := t.ticks(p, s, m)
	if whole {
		ut, st = m.procTicks(p, s)
	}
	flags := flagsUser
	vsize, rss := uint64(p.VSZKB)*1024, p.RSSKB/4
	rsslim := "18446744073709551615"
	codes := "94215603908608 94215604826037 140733245918832 0 0"
	exitSig := 17
	tty, tpgid := 0, -1
	if p.kernel {
		flags = flagsKthread
		vsize, rss = 0, 0
		codes = "0 0 0 0 0"
	}
	sigs := "0 0 4096 1260 1"
	if p.kernel {
		sigs = "0 0 2147483647 0 1"
	}
	session := p.PID
	if p.PPID > 1 && !p.kernel {
		session = p.PPID
	}
	if p.kernel {
		session = 0
	}
	start := u64(p.StartSec * ticksPerSec)
	return fmt.Sprintf("%d (%s) %s %d %d %d %d %d %d %d 0 %d 0 %d %d 0 0 20 0 %d 0 %d %d %d %s %s %s 0 0 %d %d 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		t.tid, t.comm, t.state, p.PPID, session, session, tty, tpgid, flags,
		u64(float64(p.PID%911)*37+120), u64(float64(p.PID%13)),
		ut, st, len(p.threads), start, vsize, rss, rsslim, codes, sigs, exitSig, t.cpuAt(s))
}

// stateName is the State: line's text.
func stateName(st string) string {
	switch st {
	case "R":
		return "R (running)"
	case "D":
		return "D (disk sleep)"
	case "I":
		return "I (idle)"
	case "Z":
		return "Z (zombie)"
	}
	return "S (sleeping)"
}

// statusText renders /proc/PID/status (or task/TID/status).
func (m *model) statusText(p *procModel, t *threadModel) string {
	var b strings.Builder
	w := func(k, v string) { b.WriteString(k + ":\t" + v + "\n") }
	w("Name", t.comm)
	if m.k.ge(4, 7) {
		w("Umask", "0022")
	}
	w("State", stateName(t.state))
	w("Tgid", itoa(p.PID))
	w("Ngid", "0")
	w("Pid", itoa(t.tid))
	w("PPid", itoa(p.PPID))
	w("TracerPid", "0")
	w("Uid", fmt.Sprintf("%d\t%d\t%d\t%d", p.UID, p.UID, p.UID, p.UID))
	w("Gid", fmt.Sprintf("%d\t%d\t%d\t%d", p.UID, p.UID, p.UID, p.UID))
	w("FDSize", "64")
	w("Groups", " ")
	if m.k.ge(4, 1) {
		w("NStgid", itoa(p.PID))
		w("NSpid", itoa(t.tid))
		w("NSpgid", itoa(p.PID))
		w("NSsid", itoa(p.PID))
	}
	if m.k.kthreadLine() {
		if p.kernel {
			w("Kthread", "1")
		} else {
			w("Kthread", "0")
		}
	}
	if !p.kernel {
		w("VmPeak", fmt.Sprintf("%8d kB", p.VSZKB+1024))
		w("VmSize", fmt.Sprintf("%8d kB", p.VSZKB))
		w("VmLck", fmt.Sprintf("%8d kB", 0))
		w("VmPin", fmt.Sprintf("%8d kB", 0))
		w("VmHWM", fmt.Sprintf("%8d kB", p.RSSKB+512))
		w("VmRSS", fmt.Sprintf("%8d kB", p.RSSKB))
		w("VmData", fmt.Sprintf("%8d kB", p.VSZKB/3))
		w("VmStk", fmt.Sprintf("%8d kB", 132))
		w("VmExe", fmt.Sprintf("%8d kB", 1024))
		w("VmLib", fmt.Sprintf("%8d kB", 8932))
		w("VmPTE", fmt.Sprintf("%8d kB", 96))
		w("VmSwap", fmt.Sprintf("%8d kB", 0))
	}
	w("Threads", itoa(len(p.threads)))
	w("SigQ", "0/513218")
	w("SigPnd", "0000000000000000")
	w("ShdPnd", "0000000000000000")
	w("SigBlk", "0000000000000000")
	if p.kernel {
		w("SigIgn", "ffffffffffffffff")
		w("SigCgt", "0000000000000000")
	} else {
		w("SigIgn", "0000000000001000")
		w("SigCgt", "00000001800004ec")
	}
	w("CapInh", "0000000000000000")
	if p.UID == 0 {
		w("CapPrm", "000001ffffffffff")
		w("CapEff", "000001ffffffffff")
	} else {
		w("CapPrm", "0000000000000000")
		w("CapEff", "0000000000000000")
	}
	w("CapBnd", "000001ffffffffff")
	if m.k.ge(4, 3) {
		w("CapAmb", "0000000000000000")
	}
	if m.k.ge(4, 10) {
		w("NoNewPrivs", "0")
	}
	w("Seccomp", "0")
	if m.k.ge(4, 17) || m.k.el == 7 {
		w("Speculation_Store_Bypass", "thread vulnerable")
	}
	w("Cpus_allowed", cpuMask(t.allowed, m.n))
	w("Cpus_allowed_list", cpuList(t.allowed))
	w("Mems_allowed", cpuMask(seq(0, len(m.nodes)-1), 1024))
	w("Mems_allowed_list", cpuList(seq(0, len(m.nodes)-1)))
	w("voluntary_ctxt_switches", utoa(u64(float64(t.tid%977)*53+11)))
	w("nonvoluntary_ctxt_switches", utoa(u64(float64(t.tid%89)*3)))
	return b.String()
}

// cmdlineBytes renders /proc/PID/cmdline: NUL-terminated arguments.
func cmdlineBytes(args []string) []byte {
	var b []byte
	for _, a := range args {
		b = append(b, a...)
		b = append(b, 0)
	}
	return b
}

// writeProcFiles writes proc/PID/{stat,status,cmdline} of every process
// and, for processes with more than one thread, proc/PID/task/TID/{stat,
// status}: what the live loader reads and netdoctor collect records; and
// proc/loadavg, whose task count is every thread written (a whole table).
func (m *model) writeProcFiles(t *tree, s int) {
	tasks := 0
	for _, p := range m.procs {
		tasks += max(1, len(p.threads))
	}
	t.text("proc/loadavg", fmt.Sprintf("0.52 0.48 0.45 2/%d %d\n", tasks, 40000+s))
	for _, p := range m.procs {
		dir := "proc/" + itoa(p.PID)
		main := p.threads[0]
		t.text(dir+"/stat", m.statLine(p, main, s, true))
		t.text(dir+"/status", m.statusText(p, main))
		t.file(dir+"/cmdline", cmdlineBytes(p.Args))
		if len(p.threads) < 2 {
			continue
		}
		for _, th := range p.threads {
			td := dir + "/task/" + itoa(th.tid)
			t.text(td+"/stat", m.statLine(p, th, s, false))
			t.text(td+"/status", m.statusText(p, th))
		}
	}
}

// psCommand is the COMMAND of ps: the arguments, or [comm] for kernel threads.
func psCommand(p *procModel) string {
	if p.kernel || len(p.Args) == 0 {
		return "[" + p.Comm + "]"
	}
	return strings.Join(p.Args, " ")
}

// psStat is ps's STAT of a process.
func psStat(p *procModel) string {
	st := p.threads[0].state
	for _, t := range p.threads {
		if t.state == "R" {
			st = "R"
		}
	}
	if p.kernel {
		return st
	}
	if p.PPID <= 1 || p.Comm == "bash" {
		st += "s"
	}
	if len(p.threads) > 1 {
		st += "l"
	}
	return st
}

// psTimeAux formats cumulative CPU time as ps aux's TIME ("12:34").
func psTimeAux(ticks uint64) string {
	sec := ticks / ticksPerSec
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

// psTimeLong formats cumulative CPU time as ps -o time ("00:12:34").
func psTimeLong(ticks uint64) string {
	sec := ticks / ticksPerSec
	days := sec / 86400
	sec %= 86400
	if days > 0 {
		return fmt.Sprintf("%d-%02d:%02d:%02d", days, sec/3600, sec%3600/60, sec%60)
	}
	return fmt.Sprintf("%02d:%02d:%02d", sec/3600, sec%3600/60, sec%60)
}

// pidWidth is ps's PID column width (pid_max 32768 on RHEL 7, 4194304 later).
func (m *model) pidWidth() int {
	if m.sc.Distro == "rhel7" {
		return 5
	}
	return 7
}

// psAux renders ps auxwww, with threads ("m") when threads is set.
func (m *model) psAux(s int, threads bool) string {
	now := m.times[s]
	pw := m.pidWidth()
	var b strings.Builder
	fmt.Fprintf(&b, "%-8s %*s %4s %4s %6s %5s %-8s %-4s %5s %6s %s\n", "USER", pw, "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND")
	for _, p := range m.procs {
		ut, st := m.procTicks(p, s)
		elapsed := m.up[s] - p.StartSec
		pct := 0.0
		if elapsed > 0 {
			pct = float64(ut+st) / ticksPerSec / elapsed * 100
		}
		mem := float64(p.RSSKB) / float64(m.memTotalKB()) * 100
		start := m.startTime(p)
		startTxt := start.Format("Jan02")
		if now.Sub(start) < 24*time.Hour {
			startTxt = start.Format("15:04")
		}
		tty := "?"
		if p.Comm == "bash" {
			tty = "pts/0"
		}
		stat := psStat(p)
		if threads {
			stat = "-"
		}
		fmt.Fprintf(&b, "%-8s %*d %4.1f %4.1f %6d %5d %-8s %-4s %5s %6s %s\n", p.User, pw, p.PID, pct, mem, p.VSZKB, p.RSSKB, tty, stat, startTxt, psTimeAux(ut+st), psCommand(p))
		if !threads {
			continue
		}
		for _, t := range p.threads {
			tu, ts := t.ticks(p, s, m)
			tpct := 0.0
			if elapsed > 0 {
				tpct = float64(tu+ts) / ticksPerSec / elapsed * 100
			}
			tstat := t.state
			if t.tid == p.PID && !p.kernel && (p.PPID <= 1 || p.Comm == "bash") {
				tstat += "s"
			}
			fmt.Fprintf(&b, "%-8s %*s %4.1f %4s %6s %5s %-8s %-4s %5s %6s %s\n", p.User, pw, "-", tpct, "-", "-", "-", "-", tstat, startTxt, psTimeAux(tu+ts), "-")
		}
	}
	return b.String()
}

// wchan is a plausible wait channel for a sleeping task.
func wchan(p *procModel, t *threadModel) string {
	switch {
	case t.state == "R":
		return "-"
	case strings.HasPrefix(p.Comm, "ksoftirqd"):
		return "smpboot_thread_fn"
	case p.Comm == "kthreadd":
		return "kthreadd"
	case strings.HasPrefix(p.Comm, "rcu"):
		return "rcu_gp_kthread"
	case p.kernel:
		return "worker_thread"
	case p.Comm == "sshd" || p.Comm == "crond" || p.Comm == "cron":
		return "do_select"
	case p.Comm == "bash":
		return "do_wait"
	}
	return "ep_poll"
}

// psAxo renders ps axo flags,state,uid,pid,ppid,pgid,sid,cls,pri[,psr],addr,
// sz,wchan[:20],lstart,tty,time,cmd: one row per process (main thread).
func (m *model) psAxo(s int, psr bool, wchan20 bool) string {
	pw := m.pidWidth()
	ww := 6
	if wchan20 {
		ww = 20
	}
	var b strings.Builder
	head := fmt.Sprintf("%1s %1s %5s %*s %*s %*s %*s %3s %3s", "F", "S", "UID", pw, "PID", pw, "PPID", pw, "PGID", pw, "SID", "CLS", "PRI")
	if psr {
		head += fmt.Sprintf(" %3s", "PSR")
	}
	head += fmt.Sprintf(" %4s %5s %-*s %24s %-8s %8s %s", "ADDR", "SZ", ww, "WCHAN", "STARTED", "TT", "TIME", "CMD")
	b.WriteString(head + "\n")
	for _, p := range m.procs {
		t := p.threads[0]
		f := 0
		switch {
		case p.kernel:
			f = 1
		case p.UID == 0:
			f = 4
		}
		session := p.PID
		if p.kernel {
			session = 0
		}
		ut, st := m.procTicks(p, s)
		w := wchan(p, t)
		if len(w) > ww {
			w = w[:ww]
		}
		tty := "?"
		if p.Comm == "bash" {
			tty = "pts/0"
		}
		row := fmt.Sprintf("%1d %1s %5d %*d %*d %*d %*d %3s %3d", f, t.state, p.UID, pw, p.PID, pw, p.PPID, pw, p.PID, pw, session, "TS", 19)
		if psr {
			row += fmt.Sprintf(" %3d", t.cpuAt(s))
		}
		row += fmt.Sprintf(" %4s %5d %-*s %24s %-8s %8s %s", "-", p.VSZKB/4, ww, w, m.startTime(p).Format("Mon Jan _2 15:04:05 2006"), tty, psTimeLong(ut+st), psCommand(p))
		b.WriteString(row + "\n")
	}
	return b.String()
}

// pidstat renders pidstat -tl as sos runs it (C locale, since-boot
// averages): per task the TGID row and one "|__" row per thread, for
// tasks that used any CPU.
func (m *model) pidstat(s int) string {
	now := m.times[s]
	clock := now.Format("15:04:05")
	var b strings.Builder
	fmt.Fprintf(&b, "Linux %s (%s) \t%s \t_x86_64_\t(%d CPU)\n\n", m.sc.Kernel, m.sc.Hostname, now.Format("01/02/06"), len(m.online(s)))
	fmt.Fprintf(&b, "%s   UID      TGID       TID    %%usr %%system  %%guest   %%wait    %%CPU   CPU  Command\n", clock)
	pct := func(ticks uint64, elapsed float64) float64 {
		if elapsed <= 0 {
			return 0
		}
		return math.Min(100, float64(ticks)/ticksPerSec/elapsed*100)
	}
	for _, p := range m.procs {
		ut, st := m.procTicks(p, s)
		if ut+st == 0 {
			continue
		}
		el := m.up[s] - p.StartSec
		cmd := psCommand(p)
		if p.kernel {
			cmd = p.Comm
		}
		fmt.Fprintf(&b, "%s %5d %9d %9s %7.2f %7.2f %7.2f %7.2f %7.2f %5d  %s\n", clock, p.UID, p.PID, "-",
			pct(ut, el), pct(st, el), 0.0, 0.0, pct(ut+st, el), p.threads[0].cpuAt(s), cmd)
		for _, t := range p.threads {
			tu, ts := t.ticks(p, s, m)
			tc := "|__" + cmd
			if t.tid != p.PID {
				tc = "|__" + t.comm
			}
			fmt.Fprintf(&b, "%s %5d %9s %9d %7.2f %7.2f %7.2f %7.2f %7.2f %5d  %s\n", clock, p.UID, "-", t.tid,
				pct(tu, el), pct(ts, el), 0.0, 0.0, pct(tu+ts, el), t.cpuAt(s), tc)
		}
	}
	return b.String()
}

// unit is one systemd unit for systemctl list-units.
type unit struct{ name, load, active, sub, desc string }

// systemctlUnits renders systemctl list-units (all: --all).
func (m *model) systemctlUnits(all bool) string {
	rhel := strings.HasPrefix(m.sc.Distro, "rhel")
	svc := func(rh, deb string) string {
		if rhel {
			return rh
		}
		return deb
	}
	units := []unit{
		{"basic.target", "loaded", "active", "active", "Basic System"},
		{"chronyd.service", "loaded", "active", "running", "NTP client/server"},
		{svc("crond.service", "cron.service"), "loaded", "active", "running", svc("Command Scheduler", "Regular background program processing daemon")},
		{"dbus.socket", "loaded", "active", "running", "D-Bus System Message Bus Socket"},
		{"multi-user.target", "loaded", "active", "active", "Multi-User System"},
		{"network-online.target", "loaded", "active", "active", "Network is Online"},
		{"rsyslog.service", "loaded", "active", "running", "System Logging Service"},
		{"sockets.target", "loaded", "active", "active", "Socket Units"},
		{svc("sshd.service", "ssh.service"), "loaded", "active", "running", "OpenSSH server daemon"},
		{"systemd-journald.service", "loaded", "active", "running", "Journal Service"},
		{"systemd-udevd.service", "loaded", "active", "running", "udev Kernel Device Manager"},
	}
	if !rhel {
		units[1].name = "chrony.service"
		units[1].desc = "chrony, an NTP client/server"
	}
	if m.sc.Irqbalance.Installed {
		u := unit{"irqbalance.service", "loaded", "active", "running", "irqbalance daemon"}
		if !m.sc.Irqbalance.Running {
			u.active, u.sub = "inactive", "dead"
		}
		if u.active == "active" || all {
			units = append(units, u)
		}
	}
	if all {
		units = append(units, unit{"emergency.target", "loaded", "inactive", "dead", "Emergency Mode"},
			unit{"rescue.target", "loaded", "inactive", "dead", "Rescue Mode"})
	}
	for _, p := range m.procs {
		if u, ok := appUnits[p.Comm]; ok {
			units = append(units, u)
		}
	}
	sort.Slice(units, func(i, j int) bool { return units[i].name < units[j].name })
	pad := "  "
	if m.sc.Distro == "rhel7" {
		pad = ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%-40s %-6s %-6s %-9s %s\n", pad, "UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION")
	for _, u := range units {
		fmt.Fprintf(&b, "%s%-40s %-6s %-6s %-9s %s\n", pad, u.name, u.load, u.active, u.sub, u.desc)
	}
	b.WriteString("\nLOAD   = Reflects whether the unit definition was properly loaded.\n")
	b.WriteString("ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n")
	b.WriteString("SUB    = The low-level unit activation state, values depend on unit type.\n\n")
	if all {
		fmt.Fprintf(&b, "%d loaded units listed.\n", len(units))
	} else {
		fmt.Fprintf(&b, "%d loaded units listed. Pass --all to see loaded but inactive units, too.\n", len(units))
	}
	b.WriteString("To show all installed unit files use 'systemctl list-unit-files'.\n")
	return b.String()
}

// appUnits are the service units of known applications.
var appUnits = map[string]unit{
	"redis-server": {"redis.service", "loaded", "active", "running", "Redis persistent key-value database"},
	"nginx":        {"nginx.service", "loaded", "active", "running", "The nginx HTTP and reverse proxy server"},
	"haproxy":      {"haproxy.service", "loaded", "active", "running", "HAProxy Load Balancer"},
	"java":         {"app.service", "loaded", "active", "running", "Order service"},
	"dockerd":      {"docker.service", "loaded", "active", "running", "Docker Application Container Engine"},
	"containerd":   {"containerd.service", "loaded", "active", "running", "containerd container runtime"},
}
