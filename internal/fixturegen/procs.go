package fixturegen

import (
	"fmt"
	"slices"
	"strings"
)

// procModel is a process with defaults filled.
type procModel struct {
	Proc
	kernel  bool
	threads []*threadModel
}

// threadModel is one task with its placement per sample.
type threadModel struct {
	tid      int
	comm     string
	cpus     []int // last CPU per sample
	busy     float64
	sysShare float64
	state    string
	allowed  []int
}

// cpuAt is the CPU the thread last ran on at sample s.
func (t *threadModel) cpuAt(s int) int {
	if s < len(t.cpus) {
		return t.cpus[s]
	}
	return t.cpus[len(t.cpus)-1]
}

// ticks returns the thread's utime and stime (clock ticks) at sample s.
func (t *threadModel) ticks(p *procModel, s int, m *model) (utime, stime uint64) {
	life := m.up[s] - p.StartSec
	if life < 0 {
		life = 0
	}
	total := t.busy * ticksPerSec * life
	if t.busy == 0 {
		// An idle task still woke now and then since it started.
		total = life * 0.0004 * m.jit(fmt.Sprint("idle", t.tid), 0.5)
	}
	return u64(total * (1 - t.sysShare)), u64(total * t.sysShare)
}

// user names by uid for ps and etc/passwd.
type account struct {
	name string
	uid  int
	home string
	sh   string
}

// buildProcs adds the base system processes and kernel threads to the
// scenario's, fills defaults and checks that PIDs are unique.
func (m *model) buildProcs() error {
	var all []Proc
	// Kernel threads: kthreadd, one ksoftirqd per CPU, rcu and a few workers.
	all = append(all, Proc{PID: 2, PPID: 0, Comm: "kthreadd", Kernel: true, StartSec: 0})
	all = append(all, Proc{PID: 3, PPID: 2, Comm: "rcu_gp", Kernel: true})
	for cpu := 0; cpu < m.n; cpu++ {
		pid := 10
		if cpu > 0 {
			pid = 16 + 6*(cpu-1)
		}
		busy := m.sc.Ksoftirqd[cpu]
		all = append(all, Proc{PID: pid, PPID: 2, Comm: fmt.Sprintf("ksoftirqd/%d", cpu), Kernel: true,
			Allowed: []int{cpu}, Threads: []Thread{{CPU: cpu, Busy: busy, SysShare: 1}}})
	}
	all = append(all, Proc{PID: 11, PPID: 2, Comm: m.rcuName(), Kernel: true, Threads: []Thread{{CPU: 0, Busy: 0.001, SysShare: 1}}})
	// System processes after the kernel threads.
	base := 16 + 6*m.n + 200
	base = (base + 99) / 100 * 100
	on := m.online(m.samples() - 1) // CPUs online in every sample
	pick := func(i int) int { return on[(i*5+1)%len(on)] }
	rhel := strings.HasPrefix(m.sc.Distro, "rhel")
	sys := []Proc{
		{PID: 1, Comm: "systemd", Args: m.initArgs(), User: "root", Threads: []Thread{{CPU: pick(0), Busy: 0.0002}}, VSZKB: 174652, RSSKB: 13480},
		{PID: base + 12, PPID: 1, Comm: "systemd-journal", Args: []string{"/usr/lib/systemd/systemd-journald"}, User: "root", Threads: []Thread{{CPU: pick(1), Busy: 0.0003}}, VSZKB: 91764, RSSKB: 38120},
		{PID: base + 47, PPID: 1, Comm: "systemd-udevd", Args: []string{"/usr/lib/systemd/systemd-udevd"}, User: "root", Threads: []Thread{{CPU: pick(2)}}, VSZKB: 33076, RSSKB: 11236},
		{PID: base + 402, PPID: 1, Comm: "chronyd", Args: []string{"/usr/sbin/chronyd"}, User: m.chronyUser().name, UID: m.chronyUser().uid, Threads: []Thread{{CPU: pick(4)}}, VSZKB: 85348, RSSKB: 3880},
		{PID: base + 415, PPID: 1, Comm: "rsyslogd", Args: []string{"/usr/sbin/rsyslogd", "-n"}, User: "root", Threads: []Thread{{CPU: pick(5)}, {TID: base + 431, Comm: "in:imjournal", CPU: pick(6)}, {TID: base + 432, Comm: "rs:main Q:Reg", CPU: pick(7)}}, VSZKB: 223248, RSSKB: 7440},
		{PID: base + 438, PPID: 1, Comm: "sshd", Args: []string{"/usr/sbin/sshd", "-D"}, User: "root", Threads: []Thread{{CPU: pick(8)}}, VSZKB: 15872, RSSKB: 9120},
	}
	if rhel {
		sys = append(sys, Proc{PID: base + 440, PPID: 1, Comm: "crond", Args: []string{"/usr/sbin/crond", "-n"}, User: "root", Threads: []Thread{{CPU: pick(9)}}, VSZKB: 37544, RSSKB: 3696})
	} else {
		sys = append(sys, Proc{PID: base + 440, PPID: 1, Comm: "cron", Args: []string{"/usr/sbin/cron", "-f", "-P"}, User: "root", Threads: []Thread{{CPU: pick(9)}}, VSZKB: 6892, RSSKB: 2804})
	}
	if m.sc.Container {
		// A container's PID namespace: its own init and the application only.
		sys = sys[:0]
		all = nil
		sys = append(sys, Proc{PID: 1, Comm: "tini", Args: []string{"/sbin/tini", "--", "/docker-entrypoint.sh"}, User: "root", Threads: []Thread{{CPU: on[0]}}, VSZKB: 2420, RSSKB: 1012})
	}
	ib := m.sc.Irqbalance
	if ib.Running && !m.sc.Container {
		pid := ib.PID
		if pid == 0 {
			pid = base + 398
		}
		args := []string{"/usr/sbin/irqbalance", "--foreground"}
		if ib.Args != "" {
			args = append(args, strings.Fields(ib.Args)...)
		}
		sys = append(sys, Proc{PID: pid, PPID: 1, Comm: "irqbalance", Args: args, User: "root", Threads: []Thread{{CPU: pick(3), Busy: 0.0005}, {TID: pid + 7, Comm: "gmain", CPU: pick(3)}}, VSZKB: 79560, RSSKB: 4152})
	}
	all = append(all, sys...)
	all = append(all, m.sc.Procs...)
	if m.sc.Bundle != BundleCollect {
		// The sos process itself, started from an admin's shell.
		shell := m.sc.SosPID - 40
		all = append(all,
			Proc{PID: shell, PPID: base + 438, Comm: "bash", Args: []string{"-bash"}, User: "root", StartSec: m.up[0] - 300, Threads: []Thread{{CPU: pick(11)}}, VSZKB: 26524, RSSKB: 5220},
			Proc{PID: m.sc.SosPID, PPID: shell, Comm: "sos", Args: m.sosArgs(), User: "root", StartSec: m.up[0] - 40, Threads: []Thread{{CPU: pick(12), Busy: 0.35, State: "R"}}, VSZKB: 721524, RSSKB: 98340},
		)
	}
	seen := map[int]bool{}
	for _, p := range all {
		if seen[p.PID] {
			return fmt.Errorf("fixturegen: %s: PID %d used twice", m.sc.Hostname, p.PID)
		}
		seen[p.PID] = true
		pm := &procModel{Proc: p, kernel: p.Kernel}
		if pm.User == "" {
			pm.User = "root"
		}
		if pm.StartSec == 0 {
			pm.StartSec = 1.2 + float64(p.PID%997)/100
			if p.PID > base {
				pm.StartSec = 9 + float64(p.PID%997)/20
			}
		}
		threads := p.Threads
		if len(threads) == 0 {
			threads = []Thread{{CPU: pick(p.PID)}}
		}
		for i, t := range threads {
			tm := &threadModel{tid: t.TID, comm: t.Comm, busy: t.Busy, sysShare: t.SysShare, state: t.State}
			if i == 0 {
				tm.tid = p.PID
			}
			if tm.tid == 0 {
				return fmt.Errorf("fixturegen: %s: PID %d: thread %d without TID", m.sc.Hostname, p.PID, i)
			}
			if i > 0 && seen[tm.tid] {
				return fmt.Errorf("fixturegen: %s: TID %d used twice", m.sc.Hostname, tm.tid)
			}
			seen[tm.tid] = true
			if tm.comm == "" {
				tm.comm = p.Comm
			}
			if tm.sysShare == 0 && !p.Kernel {
				tm.sysShare = 0.15
			}
			if p.Kernel {
				tm.sysShare = 1
			}
			if tm.state == "" {
				tm.state = "S"
				if p.Kernel && strings.HasPrefix(tm.comm, "kworker") {
					tm.state = "I"
				}
				if tm.busy >= 0.5 {
					tm.state = "R"
				}
			}
			tm.cpus = t.CPUs
			if len(tm.cpus) == 0 {
				tm.cpus = []int{t.CPU}
			}
			for si := 0; si < m.samples(); si++ {
				if c := tm.cpuAt(si); !p.Kernel && !m.isOnline(c, si) {
					return fmt.Errorf("fixturegen: %s: TID %d on offline CPU %d in sample %d", m.sc.Hostname, tm.tid, c, si+1)
				}
			}
			tm.allowed = t.Allowed
			if tm.allowed == nil {
				tm.allowed = p.Allowed
			}
			if tm.allowed == nil {
				tm.allowed = m.all()
			}
			pm.threads = append(pm.threads, tm)
		}
		m.procs = append(m.procs, pm)
	}
	slices.SortFunc(m.procs, func(a, b *procModel) int { return a.PID - b.PID })
	m.addThreadLoad()
	return nil
}

// rcuName is the RCU grace-period kthread of the kernel.
func (m *model) rcuName() string {
	if m.k.ge(5, 0) && !strings.HasPrefix(m.sc.Distro, "rhel") {
		return "rcu_preempt"
	}
	return "rcu_sched"
}

// initArgs is PID 1's command line.
func (m *model) initArgs() []string {
	if strings.HasPrefix(m.sc.Distro, "rhel") {
		return []string{"/usr/lib/systemd/systemd", "--switched-root", "--system", "--deserialize", "22"}
	}
	return []string{"/sbin/init"}
}

// sosArgs is the sos process's command line.
func (m *model) sosArgs() []string {
	switch {
	case m.sos.major < 4 && m.sc.Distro == "rhel7":
		return []string{"/usr/bin/python", "/usr/sbin/sosreport", "--batch"}
	case m.sos.major < 4:
		return []string{"/usr/bin/python3", "/usr/bin/sosreport", "--batch"}
	case m.sc.Distro == "rhel8":
		return []string{"/usr/libexec/platform-python", "/usr/sbin/sos", "report", "--batch"}
	}
	return []string{"/usr/bin/python3", "-s", "/usr/sbin/sos", "report", "--batch"}
}

// chronyUser is the account chronyd runs as.
func (m *model) chronyUser() account {
	if strings.HasPrefix(m.sc.Distro, "rhel") {
		return account{"chrony", 992, "/var/lib/chrony", "/sbin/nologin"}
	}
	return account{"_chrony", 104, "/var/lib/chrony", "/usr/sbin/nologin"}
}

// accounts lists the users of etc/passwd: root, the system ones and every
// process owner.
func (m *model) accounts() []account {
	acc := []account{{"root", 0, "/root", "/bin/bash"}, {"bin", 1, "/bin", "/sbin/nologin"}, {"daemon", 2, "/sbin", "/sbin/nologin"}}
	if m.sc.Container {
		acc = acc[:1]
	} else {
		acc = append(acc, m.chronyUser())
	}
	have := map[string]bool{}
	for _, a := range acc {
		have[a.name] = true
	}
	for _, p := range m.procs {
		if !have[p.User] {
			have[p.User] = true
			acc = append(acc, account{p.User, p.UID, "/var/lib/" + p.User, "/sbin/nologin"})
		}
	}
	slices.SortFunc(acc, func(a, b account) int { return a.uid - b.uid })
	return acc
}

// passwd renders etc/passwd.
func (m *model) passwd() string {
	var b strings.Builder
	for _, a := range m.accounts() {
		fmt.Fprintf(&b, "%s:x:%d:%d::%s:%s\n", a.name, a.uid, a.uid, a.home, a.sh)
	}
	return b.String()
}
