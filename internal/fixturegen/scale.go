package fixturegen

import "fmt"

// Scale builds the largest hosts of the scale benchmarks: Large's host
// (two sockets with hyperthreads, nics NICs of queuesPerNIC queues, procs
// processes) with about nvmeVectors NVMe queue vectors, and one fault:
// every queue of the first NIC on CPU 0 at 3,000 interrupts a second
// each, which irq-concentration must find however big the host.
// Scale(4096, 64, 64, 8192, 2000) is the 4096-CPU host of the scale
// issue; a small variant (Scale(64, 8, 8, 256, 50)) is a test.
func Scale(cpus, nics, queuesPerNIC, nvmeVectors, procs int) Scenario {
	sc := Large(cpus, nics, queuesPerNIC, procs)
	sc.Name = "scale"
	sc.Description = fmt.Sprintf("scale host: %d CPUs, %d NICs x %d queues, %d NVMe vectors, %d processes; every queue of the first NIC on CPU 0",
		cpus, nics, queuesPerNIC, nvmeVectors, procs)
	sc.NVMe = 0
	if nq := min(cpus, 128); nvmeVectors > 0 {
		sc.NVMe = max(1, nvmeVectors/(nq+1))
	}
	// Large numbers its processes from 10,000; the kernel's per-CPU
	// threads and the system daemons take PIDs up to about 6 per CPU.
	shift := 6*cpus + 2000
	for i := range sc.Procs {
		sc.Procs[i].PID += shift
		for k := range sc.Procs[i].Threads {
			if sc.Procs[i].Threads[k].TID != 0 {
				sc.Procs[i].Threads[k].TID += shift
			}
		}
	}
	for i := range sc.NICs {
		if sc.NICs[i].Kind == KindLoopback {
			continue
		}
		for q := range sc.NICs[i].Queues {
			sc.NICs[i].Queues[q].CPU = 0
			sc.NICs[i].Queues[q].Rate = 3000
		}
		break
	}
	return sc
}

// ManyThreads builds a small host (64 CPUs, two NICs of 16 queues, 50
// processes) with one more process of threads threads, each on its own
// CPU in turn: the thread benchmarks' host. Nothing in it should fire.
func ManyThreads(threads int) Scenario {
	sc := Large(64, 2, 16, 50)
	sc.Name = "threads"
	sc.Description = fmt.Sprintf("thread host: one process of %d threads", threads)
	pid := 500000
	pr := Proc{PID: pid, PPID: 1, Comm: "java", Args: []string{"/usr/bin/java", "-jar", "/opt/app.jar"},
		User: "app", UID: 1001, VSZKB: 8 << 20, RSSKB: 4 << 20}
	pr.Threads = []Thread{{CPU: 1, Busy: 0.001}}
	for k := 1; k < threads; k++ {
		pr.Threads = append(pr.Threads, Thread{TID: pid + k, Comm: "worker", CPU: 1 + k%63, Busy: 0.0001})
	}
	sc.Procs = append(sc.Procs, pr)
	return sc
}
