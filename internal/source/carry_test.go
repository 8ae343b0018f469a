package source

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
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
	carry := newSampleCarry(true)
	load := func(tr tree) (*loader, map[string][]byte) {
		put := map[string][]byte{}
		l := newLoader(newMemFS(tr), KindCollect, Options{}.withDefaults())
		l.put = func(name string, b []byte) { put[name] = b }
		l.putCarried = func(name string, b []byte) { put["carried:"+name] = b }
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
	if string(put["carried:proc/100/task/101/stat"]) != statLine(101, "idle-w", 2, 0, 2, 778, 0) {
		t.Errorf("carried thread file not recorded as the first sample read it: %q", put["carried:proc/100/task/101/stat"])
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

// TestStableFiles: the second sample of a run takes an IRQ's node and
// hint, a CPU's topology and an idle process's status and command line
// from the first sample while their keys (handlers, online CPUs, start
// and CPU time) are unchanged, reads them again when a key changed, and
// records the carried files when collecting.
func TestStableFiles(t *testing.T) {
	sample := func(action31, online string, idleCPU uint64) tree {
		return tree{
			"proc/interrupts": "           CPU0       CPU1\n" +
				" 30:         10         20   PCI-MSI 524288-edge      eth0-rx-0\n" +
				" 31:         10         20   PCI-MSI 524289-edge      " + action31 + "\n",
			"proc/irq/30/smp_affinity_list":                "0\n",
			"proc/irq/30/node":                             online[:1] + "\n", // changes, unseen
			"proc/irq/31/smp_affinity_list":                "1\n",
			"proc/irq/31/node":                             online[:1] + "\n",
			"sys/devices/system/cpu/online":                online + "\n",
			"sys/devices/system/cpu/cpu0/topology/core_id": online[:1] + "\n",
			"sys/devices/system/cpu/cpu1/topology/core_id": online[:1] + "\n",
			"proc/100/stat":                                statLine(100, "idle", idleCPU, 0, 1, 777, 0),
			"proc/100/status":                              "Name:\tidle\nUid:\t" + online[:1] + "\t0\t0\t0\n",
			"proc/100/cmdline":                             "idle\x00--arg=" + online[:1] + "\x00",
		}
	}
	carry := newSampleCarry(true)
	load := func(tr tree) (*loader, map[string]string) {
		put := map[string]string{}
		var mu sync.Mutex
		l := newLoader(newMemFS(tr), KindCollect, Options{}.withDefaults())
		l.putCarried = func(name string, b []byte) {
			mu.Lock()
			put[name] = string(b)
			mu.Unlock()
		}
		l.carry, l.carrySample = carry, carry.begin()
		l.loadTopology()
		l.loadInterrupts()
		l.loadProcs()
		return l, put
	}
	node := func(l *loader, irq int) int {
		for _, q := range l.snap.Interrupts.IRQs {
			if q.Num == irq {
				return q.Node
			}
		}
		return -2
	}
	l1, _ := load(sample("eth0-rx-1", "0-1", 5))
	if node(l1, 30) != 0 || node(l1, 31) != 0 || l1.snap.Topology.CPUs[1].Core != 0 {
		t.Fatalf("first sample: nodes %d %d, core %d", node(l1, 30), node(l1, 31), l1.snap.Topology.CPUs[1].Core)
	}

	// Nothing changed that a key sees; the files did (which the kernel
	// would not do): the first sample's reads are kept.
	tr := sample("eth0-rx-1", "0-1", 5)
	tr["proc/irq/30/node"], tr["proc/irq/31/node"] = "1\n", "1\n"
	tr["sys/devices/system/cpu/cpu1/topology/core_id"] = "1\n"
	tr["proc/100/cmdline"] = "idle\x00--arg=1\x00"
	l2, put := load(tr)
	if node(l2, 30) != 0 || node(l2, 31) != 0 || l2.snap.Topology.CPUs[1].Core != 0 || l2.snap.Procs[0].Cmdline != "idle --arg=0" {
		t.Errorf("unchanged keys: nodes %d %d, core %d, cmdline %q; want the first sample's 0 0 0 \"idle --arg=0\"",
			node(l2, 30), node(l2, 31), l2.snap.Topology.CPUs[1].Core, l2.snap.Procs[0].Cmdline)
	}
	for _, name := range []string{"proc/irq/30/node", "sys/devices/system/cpu/cpu1/topology/core_id", "proc/100/status", "proc/100/cmdline"} {
		if _, ok := put[name]; !ok {
			t.Errorf("carried %s not recorded (recorded %v)", name, slices.Sorted(maps.Keys(put)))
		}
	}

	// IRQ 31's handler changed, the online CPUs changed, the process ran:
	// each is read again.
	carry.sample.Store(1) // the next load is a second sample again
	l3, put := load(sample("eth1-rx-0", "1-1", 6))
	if node(l3, 30) != 0 || node(l3, 31) != 1 || l3.snap.Topology.CPUs[1].Core != 1 || l3.snap.Procs[0].Cmdline != "idle --arg=1" {
		t.Errorf("changed keys: nodes %d %d, core %d, cmdline %q; want 0 1 1 \"idle --arg=1\"",
			node(l3, 30), node(l3, 31), l3.snap.Topology.CPUs[1].Core, l3.snap.Procs[0].Cmdline)
	}
	if len(put) != 1 || put["proc/irq/30/node"] != "0\n" {
		t.Errorf("carried with changed keys: %q, want IRQ 30's node only", put)
	}
}
