package source

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// sysctlDirs are the proc/sys directories whose files are read (not their
// subdirectories): all of net.core and net.ipv4, plus the all/default
// per-interface settings. Per-interface directories are skipped: a host
// with thousands of veths would multiply the reads for nothing the checks
// use.
var sysctlDirs = []string{
	"net/core",
	"net/ipv4",
	"net/ipv4/conf/all",
	"net/ipv4/conf/default",
	"net/ipv4/neigh/default",
	"net/ipv6/conf/all",
	"net/ipv6/neigh/default",
	"net/netfilter",
}

// maxSysctlValue bounds one value.
const maxSysctlValue = 4096

// loadSysctls reads proc/sys (live, collect, a sosreport that copied it)
// and, offline, sysctl -a for every key proc/sys did not give.
func (l *loader) loadSysctls() {
	vals := map[string]string{}
	unreadable := 0
	var firstErr error
	for _, d := range sysctlDirs {
		dir := "proc/sys/" + d
		ents, err := l.readDir(dir)
		if err != nil {
			if firstErr == nil && !errors.Is(err, fs.ErrNotExist) {
				firstErr = err
			}
			continue
		}
		prefix := sysctlName(d) + "."
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			b, err := l.readFile(dir + "/" + e.Name())
			if err != nil {
				// EIO and the like are the kernel's "no value" (an unset
				// stable_secret); only permission is worth a note.
				if errors.Is(err, fs.ErrPermission) {
					unreadable++
				}
				continue
			}
			if len(b) > maxSysctlValue {
				b = b[:maxSysctlValue]
			}
			vals[prefix+sysctlName(e.Name())] = strings.TrimRight(string(b), "\n")
		}
	}
	at := ""
	note := ""
	if len(vals) > 0 {
		at = "proc/sys/net"
		if unreadable > 0 {
			note = fmt.Sprintf("%d keys unreadable (not root?)", unreadable)
		}
	}
	var err error
	if !l.live {
		b, p, rerr := l.read(candSysctl)
		if rerr == nil {
			m, perr := safe(func() (map[string]string, error) { return cmdout.Sysctl(b) })
			added := 0
			for k, v := range m {
				if _, ok := vals[k]; !ok {
					vals[k] = v
					added++
				}
			}
			if at == "" {
				at, err = p, perr
			} else if added > 0 {
				note = joinNote(note, fmt.Sprintf("%d more keys from %s", added, p))
			}
		} else if at == "" {
			at, err = p, rerr
		}
	}
	if len(vals) == 0 {
		if err == nil {
			err = firstErr
		}
		if err == nil {
			err = fs.ErrNotExist
			at = "proc/sys/net"
		}
	} else {
		l.snap.Sysctls = vals
	}
	l.record(host.InputSysctl, "", at, err, note)
}

// sysctlName turns a proc/sys path into a sysctl name: slashes become
// dots, and dots inside a component (VLAN names) become slashes.
func sysctlName(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(s, ".", "/")
	}
	return strings.Join(parts, ".")
}
