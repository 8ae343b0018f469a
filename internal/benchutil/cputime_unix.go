//go:build unix

package benchutil

import (
	"syscall"
	"time"
)

// CPUTime is the user and system CPU time of this process so far.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
