package source

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// The ethtool commands of the RSS indirection table (linux/ethtool.h).
const (
	ethtoolGRXRINGS   = 0x0000002d // struct ethtool_rxnfc: data = RX rings
	ethtoolGRXFHINDIR = 0x00000038 // struct ethtool_rxfh_indir
)

// rxnfcSize is at least sizeof(struct ethtool_rxnfc) (192 bytes on
// 64-bit kernels): ETHTOOL_GRXRINGS copies the whole struct back.
const rxnfcSize = 256

// ifreqData is struct ifreq with ifr_data: the name, then the pointer to
// the ethtool command (the union is 24 bytes on 64-bit kernels). data is
// an unsafe.Pointer, never a uintptr: the buffers may live on the
// goroutine's stack, and only a typed pointer is moved with it when the
// stack grows (x/sys/unix's ifreqData does the same).
type ifreqData struct {
	name [ifnamsiz]byte
	data unsafe.Pointer
	_    [16]byte
}

// readRSSTable asks the kernel for dev's RX ring count and RSS
// indirection table with our own ETHTOOL_GRXRINGS and ETHTOOL_GRXFHINDIR
// ioctls. safchain/ethtool's GetIndir is not used: it reads the table
// into a fixed 256-entry array after asking the size, and the kernel
// writes as many entries as the device has (mlx5 and ice have 512 or
// more), past the end of that array.
func readRSSTable(dev string) (host.RSSTable, error) {
	if err := validIfName(dev); err != nil {
		return host.RSSTable{}, err
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return host.RSSTable{}, err
	}
	defer unix.Close(fd)
	do := func(buf []byte) error {
		var ifr ifreqData
		copy(ifr.name[:], dev)
		ifr.data = unsafe.Pointer(&buf[0])
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(&ifr)))
		runtime.KeepAlive(buf)
		if errno != 0 {
			return errno
		}
		return nil
	}
	var t host.RSSTable
	rx := make([]byte, rxnfcSize)
	*(*uint32)(unsafe.Pointer(&rx[0])) = ethtoolGRXRINGS
	if err := do(rx); err != nil {
		return t, mapErrno(err)
	}
	rings := *(*uint64)(unsafe.Pointer(&rx[8]))
	if rings >= cmdout.MaxRSSEntries {
		return t, fmt.Errorf("ETHTOOL_GRXRINGS: %d RX rings", rings)
	}
	t.Rings = int(rings)
	head := make([]byte, 8)
	*(*uint32)(unsafe.Pointer(&head[0])) = ethtoolGRXFHINDIR
	if err := do(head); err != nil {
		return t, mapErrno(err)
	}
	size := *(*uint32)(unsafe.Pointer(&head[4]))
	if size == 0 {
		return t, fmt.Errorf("%w (no indirection table)", errNotSupported)
	}
	if size > cmdout.MaxRSSEntries {
		return t, fmt.Errorf("ETHTOOL_GRXFHINDIR: table of %d entries", size)
	}
	buf := make([]byte, 8+4*int(size))
	*(*uint32)(unsafe.Pointer(&buf[0])) = ethtoolGRXFHINDIR
	*(*uint32)(unsafe.Pointer(&buf[4])) = size
	if err := do(buf); err != nil {
		return t, mapErrno(err)
	}
	t.Entries = make([]int, size)
	for i := range t.Entries {
		v := *(*uint32)(unsafe.Pointer(&buf[8+4*i]))
		if v >= cmdout.MaxRSSEntries {
			return host.RSSTable{}, fmt.Errorf("ETHTOOL_GRXFHINDIR: entry %d names queue %d", i, v)
		}
		t.Entries[i] = int(v)
	}
	return t, nil
}
