//go:build !unix

package benchutil

import "time"

// CPUTime is 0 where the platform has no getrusage.
func CPUTime() time.Duration { return 0 }
