package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// appHost: 8 CPUs, eth0 queues on CPUs 0 and 1; redis-server (PID 4972)
// with its main thread last on cpu, plus sshd (idle) and ksoftirqd/0.
func appHost(cpu int) *host.Snapshot {
	s := newHost(8)
	addNIC(s, "eth0", "ixgbe", -1, 100, 2, []int{0, 1})
	s.ThreadsKnown = true
	s.Procs = []host.Proc{
		{PID: 2, PPID: 0, Comm: "kthreadd", Kernel: true, Threads: []host.Thread{{TID: 2, Comm: "kthreadd", State: "S", CPU: 3, CPUKnown: true}}},
		{PID: 13, PPID: 2, Comm: "ksoftirqd/0", Kernel: true, Threads: []host.Thread{{TID: 13, Comm: "ksoftirqd/0", State: "R", CPU: 0, CPUKnown: true}}},
		{PID: 812, PPID: 1, Comm: "sshd", Threads: []host.Thread{{TID: 812, Comm: "sshd", State: "S", CPU: 0, CPUKnown: true, UTime: 10, STime: 5}}},
		{PID: 4972, PPID: 1, Comm: "redis-server", Cmdline: "/usr/bin/redis-server 127.0.0.1:6379", Threads: []host.Thread{
			{TID: 4972, Comm: "redis-server", State: "S", CPU: cpu, CPUKnown: true, Allowed: []int{0, 1, 2, 3, 4, 5, 6, 7}},
			{TID: 4975, Comm: "bio_close_file", State: "S", CPU: 4, CPUKnown: true},
		}},
	}
	return s
}

// appPair: CPU 0 takes rate NIC interrupts/s; redis uses share of a CPU.
func appPair(t *testing.T, rate, share float64, f func(a *host.Snapshot)) *host.Pair {
	return later(t, appHost(0), func(a *host.Snapshot) {
		irqRate(a, 100, 0, rate)
		irqRate(a, 101, 1, 2000)
		a.Procs[1].Threads[0].STime += 450 // ksoftirqd/0 at 90 %
		a.Procs[3].Threads[0].UTime += uint64(share * 500)
		if f != nil {
			f(a)
		}
	})
}

func TestAppOnIRQCPUs(t *testing.T) {
	cases := []checkCase{
		{
			name:    "redis at 60 % on a CPU taking 50k NIC IRQs/s is a warning",
			pair:    func(t *testing.T) *host.Pair { return appPair(t, 50000, 0.6, nil) },
			verdict: Fail, want: "redis-server 0 warning",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if len(f.PIDs) != 1 || f.PIDs[0] != 4972 {
					t.Errorf("pids %v", f.PIDs)
				}
				cmds := commandText(f)
				if !strings.Contains(cmds, "taskset -acp 2-7 4972") || !strings.Contains(cmds, "CPUAffinity=2-7") || !strings.Contains(cmds, "IRQBALANCE_BANNED_CPULIST=2-7") {
					t.Errorf("commands:\n%s", cmds)
				}
			},
		},
		{
			name:    "at the 80k mark and ≥ 50 % it is critical",
			pair:    func(t *testing.T) *host.Pair { return appPair(t, 90000, 0.6, nil) },
			verdict: Fail, want: "redis-server 0 critical",
		},
		{
			name: "RFS lowers it a level",
			pair: func(t *testing.T) *host.Pair {
				p := appPair(t, 90000, 0.6, nil)
				p.After.Sysctls["net.core.rps_sock_flow_entries"] = "32768"
				return p
			},
			verdict: Fail, want: "redis-server 0 warning",
		},
		{
			name:    "near miss: 5 % is not busy",
			pair:    func(t *testing.T) *host.Pair { return appPair(t, 90000, 0.05, nil) },
			verdict: Pass,
		},
		{
			name: "no busy thread among a partial process table (hidepid) is not a pass",
			pair: func(t *testing.T) *host.Pair {
				return appPair(t, 90000, 0.05, func(a *host.Snapshot) {
					a.AddInput(host.Input{Name: host.InputProcessVisibility, Status: host.StatusUnreadable, Reason: "6 of the 133 tasks the kernel counts (hidepid=2)"})
				})
			},
			verdict: NotEvaluated, reason: "process table is partial",
		},
		{
			name: "near miss: a light CPU (a few thousand IRQs/s) is not IRQ-heavy",
			pair: func(t *testing.T) *host.Pair {
				return appPair(t, 3000, 0.9, nil)
			},
			verdict: Pass, reason: "no CPU is IRQ-heavy",
		},
		{
			name: "irq + softirq time ≥ 10 % makes a CPU IRQ-heavy",
			pair: func(t *testing.T) *host.Pair {
				return appPair(t, 3000, 0.9, func(a *host.Snapshot) {
					a.CPUTimes[0].SoftIRQ += 100
					a.CPUTimes[0].User += 400
				})
			},
			verdict: Fail, want: "redis-server 0 warning",
		},
		{
			name: "every CPU IRQ-heavy: nowhere to move",
			pair: func(t *testing.T) *host.Pair {
				return appPair(t, 90000, 0.9, func(a *host.Snapshot) {
					for c := 0; c < 8; c++ {
						a.CPUTimes[c].SoftIRQ += 200
					}
				})
			},
			verdict: Pass, reason: "every usable CPU",
		},
		{
			name: "no thread times in both samples is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := appHost(0)
				for i := range s.Procs {
					for j := range s.Procs[i].Threads {
						s.Procs[i].Threads[j].CPUKnown = false
					}
				}
				return later(t, s, func(a *host.Snapshot) { irqRate(a, 100, 0, 90000) })
			},
			verdict: NotEvaluated, reason: "no per-thread CPU times",
		},
		{
			name: "single sample: running on an IRQ-heavy CPU is a notice",
			pair: func(t *testing.T) *host.Pair {
				s := appHost(0)
				s.Procs[3].Threads[0].State = "R"
				irqCount(s, 100, 0, uint64(50000*s.Uptime().Seconds()))
				return host.Single(s)
			},
			verdict: Fail, want: "redis-server 0 notice",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if f.Confidence != Low || !strings.Contains(f.Summary, "last seen on, or may run on") {
					t.Errorf("confidence %s summary %q", f.Confidence, f.Summary)
				}
			},
		},
		{
			name: "single sample: pinned to IRQ-heavy CPUs",
			pair: func(t *testing.T) *host.Pair {
				s := appHost(5)
				s.Procs[3].Threads[0].State = "R"
				s.Procs[3].Threads[0].Allowed = []int{0}
				irqCount(s, 100, 0, uint64(50000*s.Uptime().Seconds()))
				return host.Single(s)
			},
			verdict: Fail, want: "redis-server 0 notice",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Explanation, "pinned") {
					t.Errorf("explanation %q", o.Findings[0].Explanation)
				}
			},
		},
		{
			name: "single sample: idle sshd on the IRQ CPU is not a finding",
			pair: func(t *testing.T) *host.Pair {
				s := appHost(4)
				irqCount(s, 100, 0, uint64(50000*s.Uptime().Seconds()))
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "single sample",
		},
		{
			name: "sosreport without placement is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := appHost(0)
				s.ThreadsKnown = false
				for i := range s.Procs {
					for j := range s.Procs[i].Threads {
						s.Procs[i].Threads[j].CPU = -1
						s.Procs[i].Threads[j].Allowed = nil
					}
				}
				irqCount(s, 100, 0, uint64(50000*s.Uptime().Seconds()))
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "no thread placement data",
		},
		{
			name: "one-CPU host is not applicable",
			pair: func(t *testing.T) *host.Pair {
				return host.Single(newHost(1))
			},
			verdict: NotApplicable,
		},
	}
	runCases(t, AppOnIRQCPUs, cases)
}
