package source

import (
	"errors"
	"io/fs"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
)

// sampleCarry spares the second sample of a live run what the first sample
// read and cannot have changed: the threads of the processes that did not
// run over the interval, and the files that change only with something
// else the sample reads (stable files, readStable).
//
// Threads: a process's stat file gives the CPU time of all its threads;
// when that, its thread count and its start time are what the first
// sample read, none of its threads ran
// between the samples (to the clock tick), so their stat files say what
// they said then: the second sample takes the first sample's threads
// instead of reading a file per thread. An idle JVM or thread pool of
// 10,000 threads then costs one stat file, not 10,000; a process whose
// threads ran is read whole as before.
//
// What is carried is as of the first sample: a thread's state letter and
// its allowed CPUs (and an idle process's uid and allowed CPUs, below),
// which can change without the thread running (taskset on a sleeping
// thread), are the first sample's. Neither moves a CPU time, which is what
// the second sample's threads are read for.
//
// Stable files: a file whose content changes only when a key does (an
// IRQ's node and affinity hint with its handlers, a CPU's topology with the
// online CPUs, an idle process's status and command line with its start
// time, CPU time and thread count) is taken from the first sample when the
// second sample finds the same key. On a 512-CPU host that is about half
// the files of a sample.
//
// While collecting, the carried files are written into the second sample
// as the first sample read them (hard links to the first sample's copies),
// so that the bundle reads as the live run did.
type sampleCarry struct {
	// record keeps the files of the first sample's threads (collect).
	record bool
	// sample counts the samples begun: 1 remembers, 2 reuses.
	sample atomic.Int32

	mu    sync.Mutex
	procs map[int]*carriedProc

	// files are the first sample's reads of the stable files.
	filesMu sync.RWMutex
	files   map[string]stableFile

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

// stableFile is the first sample's read of a stable file: its content, or
// that it does not exist, and the key it was read under.
type stableFile struct {
	key     string
	data    []byte
	missing bool
}

func newSampleCarry(record bool) *sampleCarry {
	return &sampleCarry{record: record, procs: map[int]*carriedProc{}, files: map[string]stableFile{}}
}

// keepFile remembers the first sample's read of a stable file: its
// content, or that it does not exist. Other errors are not remembered
// (the second sample tries again).
func (c *sampleCarry) keepFile(name, key string, data []byte, err error) {
	f := stableFile{key: key, data: data}
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		f.missing = true
	default:
		return
	}
	c.filesMu.Lock()
	c.files[name] = f
	c.filesMu.Unlock()
}

// file returns the first sample's read of a stable file when it was read
// under the same key.
func (c *sampleCarry) file(name, key string) (stableFile, bool) {
	c.filesMu.RLock()
	f, ok := c.files[name]
	c.filesMu.RUnlock()
	return f, ok && f.key == key
}

// begin starts a sample and reports whether it is the first.
func (c *sampleCarry) begin() int { return int(c.sample.Add(1)) }

// remember keeps the threads of process pid as the first sample read them.
func (c *sampleCarry) remember(pid int, start, cpu uint64, nthreads int, threads []host.Thread, files []carriedFile) {
	c.mu.Lock()
	c.procs[pid] = &carriedProc{start: start, cpu: cpu, nthreads: nthreads, threads: threads, files: files}
	c.mu.Unlock()
}

// reuse returns the first sample's threads of process pid when its start
// time, CPU time and thread count are unchanged, else nil.
func (c *sampleCarry) reuse(pid int, start, cpu uint64, nthreads int) *carriedProc {
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
func (c *sampleCarry) idleSince(fsys bundle.FS) func(pid int) bool {
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

// readStable reads a file of the live host whose content changes only
// with key, which says what else of the same object the sample read (see
// sampleCarry): the second sample of a run takes the first sample's read
// when the key is unchanged. An empty key (nothing to tell a change by),
// offline, and outside a run, it is readFile.
func (l *loader) readStable(name, key string) ([]byte, error) {
	if l.carry == nil || key == "" {
		return l.readFile(name)
	}
	switch l.carrySample {
	case 1:
		b, err := l.readFile(name)
		l.carry.keepFile(name, key, b, err)
		return b, err
	case 2:
		if f, ok := l.carry.file(name, key); ok {
			if f.missing {
				return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
			}
			if l.putCarried != nil {
				l.putCarried(name, f.data)
			}
			return f.data, nil
		}
	}
	return l.readFile(name)
}
