package bundle

import (
	"sync"
	"time"
)

// Preopened is the running host's "/" (as Live) with some of its /proc and
// /sys files opened before they are read. A /proc or /sys file's content
// is made when it is read, not when it is opened, so a file opened early
// still reads as of its reading; what moves out of the way is the open
// itself, about half the cost of reading a small /proc file. A live
// two-sample run opens the second sample's thread files during the
// interval, where the time is free, instead of after it, where a host with
// 10,000 threads would spend some 50 ms of CPU opening them.
//
// Close must be called; it closes the files that were never read.
type Preopened struct {
	*liveFS

	mu  sync.Mutex
	fds map[string]int // name -> open file, until it is read
}

// maxPreopened bounds the files held open early; so does half of the
// process's open-file limit.
const maxPreopened = 1 << 16

// LivePreopened opens the named files of the live host, in order, until
// deadline passes or the bound is reached, and returns the FS that reads
// them. Names outside proc/ and sys/, and names that cannot be opened, are
// read the usual way when asked for.
func LivePreopened(names []string, deadline time.Time) *Preopened {
	return LivePreopenedAt("/", names, deadline)
}

// LivePreopenedAt is LivePreopened for a host whose "/" is at root (see
// LiveAt).
func LivePreopenedAt(root string, names []string, deadline time.Time) *Preopened {
	if root == "" {
		root = "/"
	}
	a := &Preopened{liveFS: liveAt(root, DefaultLimits()), fds: map[string]int{}}
	limit := min(maxPreopened, openFileLimit()/2)
	for _, name := range names {
		if len(a.fds) >= limit || !time.Now().Before(deadline) {
			break
		}
		if _, dup := a.fds[name]; dup {
			continue
		}
		p, err := a.path("read", name)
		if err != nil || !kernelPseudoFS("/"+name) {
			continue
		}
		if fd, ok := preopen(p); ok {
			a.fds[name] = fd
		}
	}
	return a
}

// Opened is how many files are open early and not yet read.
func (a *Preopened) Opened() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.fds)
}

// ReadFile reads a file opened early and closes it, else reads it as Live
// does. A file opened early that no longer reads (a thread that has exited,
// its number perhaps taken by a new one) is read afresh, so the result is
// always that of opening it now.
func (a *Preopened) ReadFile(name string) ([]byte, error) {
	a.mu.Lock()
	fd, ok := a.fds[name]
	if ok {
		delete(a.fds, name)
	}
	a.mu.Unlock()
	if ok {
		data, err := readPreopened(fd, a.lim.MaxFileSize)
		closePreopened(fd)
		if err == nil {
			return data, nil
		}
	}
	return a.liveFS.ReadFile(name)
}

// Close closes the files never read.
func (a *Preopened) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for name, fd := range a.fds {
		closePreopened(fd)
		delete(a.fds, name)
	}
	return nil
}
