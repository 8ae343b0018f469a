//go:build !linux

package source

// readKmsg has no kernel log to read outside Linux.
func readKmsg() ([]byte, error) {
	return nil, missingErr("no /dev/kmsg on this platform")
}
