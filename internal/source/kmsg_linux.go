package source

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"

	"github.com/netdoctor/netdoctor/internal/parse"
)

// Bounds of one /dev/kmsg reading: the ring buffer is at most a few MiB
// (log_buf_len), so these only stop a misbehaving device.
const (
	maxKmsgBytes   = 16 << 20
	maxKmsgRecords = 1 << 18
)

// readKmsg reads every record of /dev/kmsg without blocking and returns
// them as dmesg prints them ("[    5.678901] message").
func readKmsg() ([]byte, error) {
	fd, err := unix.Open(kmsgPath, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, kmsgErr(err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, kmsgErr(err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR {
		return nil, fmt.Errorf("%s: not a character device", kmsgPath)
	}
	buf := make([]byte, 16<<10) // larger than any record (LOG_LINE_MAX plus its dictionary)
	var recs [][]byte
	total := 0
	for len(recs) < maxKmsgRecords && total < maxKmsgBytes {
		n, err := unix.Read(fd, buf)
		if err != nil {
			switch {
			case errors.Is(err, unix.EAGAIN):
				return parse.FormatKmsg(recs), nil
			case errors.Is(err, unix.EPIPE):
				continue // the record was overwritten while reading: go on with the next
			case errors.Is(err, unix.EINTR):
				continue
			}
			if len(recs) > 0 {
				break
			}
			return nil, kmsgErr(err)
		}
		if n <= 0 {
			break
		}
		recs = append(recs, append([]byte(nil), buf[:n]...))
		total += n
	}
	return parse.FormatKmsg(recs), nil
}

// kmsgErr maps errno to the input statuses.
func kmsgErr(err error) error {
	switch {
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENXIO):
		return fmt.Errorf("%s: %w", kmsgPath, fs.ErrNotExist)
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return fmt.Errorf("%s: %w (kernel.dmesg_restrict=1 needs root or CAP_SYSLOG)", kmsgPath, fs.ErrPermission)
	}
	return fmt.Errorf("%s: %w", kmsgPath, err)
}
