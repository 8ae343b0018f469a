//go:build unix

package bundle

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time the process has used, so
// benchmarks can report CPU cost per file, which a busy machine disturbs
// far less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
