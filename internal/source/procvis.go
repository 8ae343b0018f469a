package source

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// partialShare is the share of the kernel's tasks below which the process
// table is called partial: tasks come and go between reading loadavg and
// walking /proc, so a few percent apart is churn, not hiding.
const partialShare = 0.9

// loadProcVisibility records host.InputProcessVisibility once the processes
// are loaded. A sosreport's process list comes from ps run as root, so it
// is not judged.
func (l *loader) loadProcVisibility() {
	if l.kind == KindSosreport {
		return
	}
	procs, threads := len(l.snap.Procs), 0
	for _, p := range l.snap.Procs {
		threads += max(1, len(p.Threads))
	}
	seen := fmt.Sprintf("saw %d process%s (%d tasks with their threads)", procs, map[bool]string{true: "", false: "es"}[procs == 1], threads)
	hide := hidepid(l)
	b, err := l.readFile("proc/loadavg")
	total := -1
	if err == nil {
		total = loadavgTasks(b)
	}
	switch {
	case total > 0 && float64(threads) < partialShare*float64(total):
		why := "run netdoctor as root to see every process"
		if hide != "" {
			why = "/proc is mounted " + hide + ", which hides other users' processes: " + why
		}
		l.record(host.InputProcessVisibility, "", "proc/loadavg", partialErr{},
			fmt.Sprintf("%s of the %d tasks the kernel counts; %s", seen, total, why))
	case total > 0:
		l.record(host.InputProcessVisibility, "", "proc/loadavg", nil, fmt.Sprintf("%s of the %d tasks the kernel counts", seen, total))
	default:
		note := seen + "; proc/loadavg unreadable: whether this is every process is unknown"
		if hide != "" {
			note += "; /proc is mounted " + hide + ", which hides other users' processes from non-root readers"
		}
		l.record(host.InputProcessVisibility, "", "proc/loadavg", missingErr("no task count"), note)
	}
}

// partialErr is a process table seen in part: an unreadable input.
type partialErr struct{}

func (partialErr) Error() string        { return "partial process table" }
func (partialErr) Is(target error) bool { return target == fs.ErrPermission }

// loadavgTasks is the number of tasks of /proc/loadavg's fourth field
// ("1/85": running/total), -1 when it cannot be read.
func loadavgTasks(b []byte) int {
	f := strings.Fields(string(b))
	if len(f) < 4 {
		return -1
	}
	_, total, ok := strings.Cut(f[3], "/")
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(total)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// hidepid returns the hidepid option of the proc mount at /proc
// ("hidepid=2", "hidepid=invisible"), "" when none or unknown.
func hidepid(l *loader) string {
	b, err := l.readFile("proc/mounts")
	if err != nil {
		return ""
	}
	return hidepidOf(b)
}

// hidepidOf finds the hidepid option of the proc mount on /proc in a
// mounts table; hidepid=0 and hidepid=off hide nothing.
func hidepidOf(b []byte) string {
	for _, line := range bytes.Split(b, []byte("\n")) {
		f := strings.Fields(string(line))
		if len(f) < 4 || f[1] != "/proc" || f[2] != "proc" {
			continue
		}
		for _, opt := range strings.Split(f[3], ",") {
			if v, ok := strings.CutPrefix(opt, "hidepid="); ok && v != "0" && v != "off" {
				return opt
			}
		}
	}
	return ""
}
