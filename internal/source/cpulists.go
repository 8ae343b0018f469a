package source

import (
	"bytes"
	"errors"
	"strings"
	"sync"

	"github.com/netdoctor/netdoctor/internal/parse"
)

// cpuLists interns the CPU lists of one sample. A big host repeats the same
// few lists thousands of times (every thread's Cpus_allowed_list "0-511",
// every IRQ's smp_affinity_list): parsing each once and sharing the result
// saves the parsing and, on a 512-CPU host, some 30 MB of identical 4 KB
// slices per sample.
//
// The shared slices are read-only, like everything in a snapshot; their
// capacity equals their length, so an append by a consumer copies instead
// of writing into them.
type cpuLists struct {
	mu sync.Mutex
	m  map[cpuListKey][]int
}

// cpuListKey is the text as found, whether it is trimmed with
// strings.TrimSpace before the parser sees it (call sites differ, and the
// two can differ on exotic white space), and whether it is a hex mask
// (parse.CPUMask) rather than a list (parse.CPUList).
type cpuListKey struct {
	text string
	trim bool
	mask bool
}

// maxCPUListCache bounds the distinct lists kept; a hostile bundle with
// more simply parses the rest.
const maxCPUListCache = 4096

// maxCPUListKey bounds the text of a cached list.
const maxCPUListKey = 4096

// list returns parse.CPUList of raw (strings.TrimSpace'd first when trim
// is set), from the cache when the same text was parsed before. Errors are
// not cached.
func (c *cpuLists) list(raw []byte, trim bool) ([]int, error) {
	return c.get(raw, trim, false)
}

// maskTrimmed returns parse.CPUMask(strings.TrimSpace(string(raw))) the same
// way.
func (c *cpuLists) maskTrimmed(raw []byte) ([]int, error) {
	return c.get(raw, true, true)
}

func (c *cpuLists) get(raw []byte, trim, mask bool) ([]int, error) {
	if len(raw) > maxCPUListKey {
		return c.parse(raw, trim, mask)
	}
	c.mu.Lock()
	v, ok := c.m[cpuListKey{string(raw), trim, mask}]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := c.parse(raw, trim, mask)
	if err != nil {
		return v, err
	}
	v = v[:len(v):len(v)]
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[cpuListKey][]int)
	}
	if len(c.m) < maxCPUListCache {
		c.m[cpuListKey{string(raw), trim, mask}] = v
	}
	c.mu.Unlock()
	return v, nil
}

func (c *cpuLists) parse(raw []byte, trim, mask bool) ([]int, error) {
	s := string(raw)
	if trim {
		s = strings.TrimSpace(s)
	}
	if mask {
		return safe(func() ([]int, error) { return parse.CPUMask(s) })
	}
	return safe(func() ([]int, error) { return parse.CPUList(s) })
}

// taskStatus is parse.TaskStatus(b) with the allowed CPUs interned: the
// same fields, and an error exactly when parse.TaskStatus gives one (its
// text may differ; callers only test it). Only the lines parse.TaskStatus
// reads are handed to it (a status file has some 55 lines; the loader
// reads thousands of them), and the CPU list lines are parsed through the
// cache, with parse.TaskStatus's rules: every Cpus_allowed_list line is
// parsed and the last good one wins; without a good one, the last
// Cpus_allowed mask is used.
func (l *loader) taskStatus(b []byte) (parse.TaskStatusFields, error) {
	var small [256]byte
	kept := small[:0]
	var lists [][]byte
	var mask []byte
	for rest := b; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		switch string(line[:colon]) {
		case "Name", "Tgid", "Pid", "PPid", "Uid", "Kthread":
			kept = append(kept, line...)
			kept = append(kept, '\n')
		case "Cpus_allowed_list":
			lists = append(lists, line[colon+1:])
		case "Cpus_allowed":
			mask = line[colon+1:]
		}
	}
	// With no kept line parse.TaskStatus says "empty" where the whole
	// file would give "missing Name, ...": an error either way.
	st, err := safe(func() (parse.TaskStatusFields, error) { return parse.TaskStatus(kept) })
	var errs []error
	gotList := false
	for _, raw := range lists {
		cpus, lerr := l.cpus.list(raw, false)
		if lerr != nil {
			errs = append(errs, lerr)
			continue
		}
		st.CpusAllowed, gotList = cpus, true
	}
	if !gotList && mask != nil {
		cpus, merr := safe(func() ([]int, error) { return parse.CPUMask(string(mask)) })
		if merr != nil {
			errs = append(errs, merr)
		} else {
			st.CpusAllowed = cpus
		}
	}
	if err != nil {
		errs = append([]error{err}, errs...)
	}
	return st, errors.Join(errs...)
}
