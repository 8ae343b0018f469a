package source

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
)

// threadCarry spares the second sample of a live run the threads of the
// processes that did not run over the interval. A process's stat file
// gives the CPU time of all its threads; when that, its thread count and
// its start time are what the first sample read, none of its threads ran
// between the samples (to the clock tick), so their stat files say what
// they said then: the second sample takes the first sample's threads
// instead of reading a file per thread. An idle JVM or thread pool of
// 10,000 threads then costs one stat file, not 10,000; a process whose
// threads ran is read whole as before.
//
// What is carried is as of the first sample: a thread's state letter and
// its allowed CPUs, which can change without the thread running (taskset
// on a sleeping thread), are the first sample's. Neither moves a CPU time,
// which is what the second sample's threads are read for.
//
// While collecting, the carried threads' files are written into the
// second sample as the first sample read them, so that the bundle reads as
// the live run did.
type threadCarry struct {
	// record keeps the files of the first sample's threads (collect).
	record bool
	// sample counts the samples begun: 1 remembers, 2 reuses.
	sample atomic.Int32

	mu    sync.Mutex
	procs map[int]*carriedProc

	// carried counts the processes whose threads the second sample carried.
	carried atomic.Int64
}

// carriedProc is what the first sample read of one process's threads.
type carriedProc struct {
	start, cpu uint64
	nthreads   int
	threads    []host.Thread
	files      []carriedFile // record only
}

type carriedFile struct {
	name string
	data []byte
}

func newThreadCarry(record bool) *threadCarry {
	return &threadCarry{record: record, procs: map[int]*carriedProc{}}
}

// begin starts a sample and reports whether it is the first.
func (c *threadCarry) begin() int { return int(c.sample.Add(1)) }

// remember keeps the threads of process pid as the first sample read them.
func (c *threadCarry) remember(pid int, start, cpu uint64, nthreads int, threads []host.Thread, files []carriedFile) {
	c.mu.Lock()
	c.procs[pid] = &carriedProc{start: start, cpu: cpu, nthreads: nthreads, threads: threads, files: files}
	c.mu.Unlock()
}

// reuse returns the first sample's threads of process pid when its start
// time, CPU time and thread count are unchanged, else nil.
func (c *threadCarry) reuse(pid int, start, cpu uint64, nthreads int) *carriedProc {
	c.mu.Lock()
	p := c.procs[pid]
	c.mu.Unlock()
	if p == nil || p.start != start || p.cpu != cpu || p.nthreads != nthreads || nthreads != len(p.threads) {
		return nil
	}
	c.carried.Add(1)
	return p
}

// idleSince returns a test of whether a remembered process has not run
// since the first sample, reading its stat file through fsys now.
func (c *threadCarry) idleSince(fsys bundle.FS) func(pid int) bool {
	return func(pid int) bool {
		c.mu.Lock()
		p := c.procs[pid]
		c.mu.Unlock()
		if p == nil {
			return false
		}
		b, err := bundle.ReadFileShared(fsys, "proc/"+strconv.Itoa(pid)+"/stat")
		if err != nil {
			return false
		}
		ts, err := safe(func() (parse.TaskStatFields, error) { return parse.TaskStat(b) })
		return err == nil && ts.StartTime == p.start && ts.UTime+ts.STime == p.cpu && numThreads(b) == p.nthreads
	}
}
