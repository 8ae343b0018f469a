//go:build linux

package benchutil

import "golang.org/x/sys/unix"

// nprocRoom is RLIMIT_NPROC's soft limit, or a very large number.
func nprocRoom() int {
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NPROC, &rl) != nil || rl.Cur > 1<<30 {
		return 1 << 30
	}
	return int(rl.Cur)
}
