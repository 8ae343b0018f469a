package hostview

import (
	"slices"

	"github.com/netdoctor/netdoctor/internal/host"
)

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
	// Kernel is true for a kernel thread, as the source decided it.
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
	// Coarse is true when the CPU time came from ps TIME
	// (host.Thread.CPUTimeCoarse): whole seconds, the whole process.
	Coarse bool `json:"coarse,omitempty"`
}

// BusyThreadShare is the share of one CPU a user-space thread must use over
// the window to count as busy: a thread using a tenth of a CPU competes
// with the softirq work of that CPU often enough to matter (netdoctor's
// default; lower it and idle daemons count, raise it and real workers
// hide).
const BusyThreadShare = 0.10

// threads fills Threads and BusyAppCPUs. Each thread of the latest sample
// is paired with its earlier self by (pid, tid) through the pair's thread
// index: linear in the number of threads.
func (v *View) threads() {
	busy := map[int]bool{}
	n := 0
	for pi := range v.Now.Procs {
		n += len(v.Now.Procs[pi].Threads)
	}
	v.Threads = slices.Grow(v.Threads, n)
	for pi := range v.Now.Procs {
		p := &v.Now.Procs[pi]
		for _, t := range p.Threads {
			tu := ThreadUse{
				PID: p.PID, TID: t.TID, PPID: p.PPID, Comm: p.Comm, ThreadComm: t.Comm,
				Cmdline: p.Cmdline, Kernel: p.Kernel, State: t.State,
				CPU: t.CPU, PrevCPU: -1, Allowed: t.Allowed,
			}
			if v.Prev != nil {
				v.threadLookups++
				if pt := v.Pair.BeforeThread(p.PID, t.TID); pt != nil {
					tu.PrevCPU = pt.CPU
				}
			}
			switch {
			case v.Prev != nil && v.Seconds > 0:
				if ticks, ok := v.Pair.ThreadCPUDelta(p.PID, t.TID); ok {
					tu.Usage = float64(ticks) / host.ClockTicks / v.Seconds
					tu.UsageKnown, tu.Coarse = true, t.CPUTimeCoarse
				}
			case v.Prev == nil && v.Seconds > 0 && t.CPUKnown:
				tu.Usage = float64(t.UTime+t.STime) / host.ClockTicks / v.Seconds
				tu.UsageKnown = true
			}
			v.Threads = append(v.Threads, tu)
			if tu.Kernel || tu.CPU < 0 {
				continue
			}
			if (v.TwoSample() && tu.UsageKnown && tu.Usage >= BusyThreadShare) ||
				(!v.TwoSample() && tu.State == "R") {
				busy[tu.CPU] = true
			}
		}
	}
	for c := range busy {
		v.BusyAppCPUs = append(v.BusyAppCPUs, c)
	}
	slices.Sort(v.BusyAppCPUs)
}
