//go:build unix

package bundle

import (
	"os"
	"syscall"
)

// openFlags opens a file for reading without blocking in open() (a FIFO
// opened for reading waits for a writer there) and without acquiring a
// controlling terminal. The mode of the opened file is checked afterwards.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
