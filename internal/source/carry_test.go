package source

import (
	"fmt"
	"strings"
	"testing"
)

// statLine is a /proc stat line of 52 fields with the given comm, times,
// thread count, start time and last CPU.
func statLine(pid int, comm string, utime, stime uint64, threads int, start uint64, cpu int) string {
	f := make([]string, 53)
	for i := range f {
		f[i] = "0"
	}
	f[1], f[2], f[3], f[4], f[9] = fmt.Sprint(pid), "("+comm+")", "S", "1", "4202752"
	f[14], f[15], f[20], f[22], f[39] = fmt.Sprint(utime), fmt.Sprint(stime), fmt.Sprint(threads), fmt.Sprint(start), fmt.Sprint(cpu)
	return strings.Join(f[1:], " ") + "\n"
}

// TestThreadCarry: the second sample of a run takes the first sample's
// threads of a process whose CPU time, thread count and start time did not
// change, records their files when collecting, and reads the threads of a
// process that ran.
func TestThreadCarry(t *testing.T) {
	sample := func(idleCPU int, busyUTime uint64) tree {
		return tree{
			"proc/100/stat":          statLine(100, "idle", 5, 1, 2, 777, 0),
			"proc/100/status":        "Name:\tidle\nUid:\t0\t0\t0\t0\n",
			"proc/100/task/100/stat": statLine(100, "idle", 3, 1, 2, 777, idleCPU),
			"proc/100/task/101/stat": statLine(101, "idle-w", 2, 0, 2, 778, idleCPU),
			"proc/200/stat":          statLine(200, "busy", busyUTime, 0, 2, 900, 1),
			"proc/200/status":        "Name:\tbusy\nUid:\t0\t0\t0\t0\n",
			"proc/200/task/200/stat": statLine(200, "busy", busyUTime, 0, 2, 900, 1),
			"proc/200/task/201/stat": statLine(201, "busy-w", 0, 0, 2, 901, 1),
		}
	}
	carry := newThreadCarry(true)
	load := func(tr tree) (*loader, map[string][]byte) {
		put := map[string][]byte{}
		l := newLoader(newMemFS(tr), KindCollect, Options{}.withDefaults())
		l.put = func(name string, b []byte) { put[name] = b }
		l.carry, l.carrySample = carry, carry.begin()
		l.loadProcs()
		return l, put
	}
	load(sample(0, 10))
	idle := carry.idleSince(newMemFS(sample(3, 20)))
	if !idle(100) || idle(200) || idle(300) {
		t.Errorf("idle since the first sample: 100 %v, 200 %v, 300 %v; want true, false, false", idle(100), idle(200), idle(300))
	}
	// Between the samples the idle process's threads "moved" to CPU 3
	// without running (which the carry cannot see), and the busy one ran.
	l2, put := load(sample(3, 20))
	byPID := map[int][]int{}
	for _, p := range l2.snap.Procs {
		for _, th := range p.Threads {
			byPID[p.PID] = append(byPID[p.PID], th.CPU)
		}
		if p.PID == 200 && p.Threads[0].UTime != 20 {
			t.Errorf("busy process read from the first sample: utime %d", p.Threads[0].UTime)
		}
	}
	if fmt.Sprint(byPID[100]) != "[0 0]" {
		t.Errorf("idle process's threads on CPUs %v, want the first sample's [0 0]", byPID[100])
	}
	if carry.carried.Load() != 1 {
		t.Errorf("%d processes carried, want 1", carry.carried.Load())
	}
	if string(put["proc/100/task/101/stat"]) != statLine(101, "idle-w", 2, 0, 2, 778, 0) {
		t.Errorf("carried thread file not recorded as the first sample read it: %q", put["proc/100/task/101/stat"])
	}
	var note string
	for _, in := range l2.inputs {
		if in.Name == "threads" {
			note = in.Reason
		}
	}
	if !strings.Contains(note, "threads of 1 processes that did not run") {
		t.Errorf("threads note %q", note)
	}
}
