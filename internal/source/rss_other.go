//go:build !linux

package source

import "github.com/netdoctor/netdoctor/internal/host"

// readRSSTable has no ioctl to ask outside Linux.
func readRSSTable(dev string) (host.RSSTable, error) {
	return host.RSSTable{}, errNotSupported
}
