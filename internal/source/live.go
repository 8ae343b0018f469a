package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/safchain/ethtool"
	"golang.org/x/sys/unix"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// Live samples the running host twice, o.Interval apart (start to start),
// and pairs the samples. It reads /proc and /sys through bundle.Live() and
// asks ethtool questions through ioctls; it never runs a program and never
// changes the host. Without root some inputs are "unreadable".
func Live(ctx context.Context, o Options) (*host.Pair, error) {
	o = o.withDefaults()
	carry := newSampleCarry(false)
	snaps, err := twoSamples(ctx, o, carry, func(fsys bundle.FS, now time.Time) (*host.Snapshot, error) {
		return liveSnapshot(fsys, o, now, nil, carry)
	})
	if err != nil {
		return nil, err
	}
	return host.NewPair(snaps[0], snaps[1])
}

// twoSamples takes two samples o.Interval apart (start to start), reporting
// progress. The first reads through bundle.Live(); the second through a
// bundle.Preopened whose thread files, those the first sample read, were
// opened during the interval, so that opening them does not add to it.
//
// carry, when set, leaves out of the files opened early those of the
// processes that have not run since the first sample: their threads are
// likely to be carried over, not read.
func twoSamples(ctx context.Context, o Options, carry *sampleCarry, take func(fsys bundle.FS, now time.Time) (*host.Snapshot, error)) ([2]*host.Snapshot, error) {
	var out [2]*host.Snapshot
	if err := ctx.Err(); err != nil {
		return out, err
	}
	progress(o, "sampling 1/2")
	start := time.Now()
	s, err := take(bundle.LiveAt(o.Root), o.Now())
	if err != nil {
		return out, fmt.Errorf("sample 1: %w", err)
	}
	out[0] = s
	// The files are opened until shortly before the second sample is due.
	due := start.Add(o.Interval)
	var skip func(pid int) bool
	if carry != nil {
		skip = carry.idleSince(bundle.LiveAt(o.Root))
	}
	early := bundle.LivePreopenedAt(o.Root, threadStatNames(s, skip), due.Add(-preopenMargin))
	// The files the second sample did not read (the threads it carried
	// over) are closed after it, off the time it adds.
	defer func() { go early.Close() }()
	if wait := time.Until(due); wait > 0 {
		progress(o, "waiting %s", wait.Round(100*time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return out, ctx.Err()
		case <-t.C:
		}
	}
	progress(o, "sampling 2/2")
	s, err = take(early, o.Now())
	if err != nil {
		return out, fmt.Errorf("sample 2: %w", err)
	}
	out[1] = s
	return out, nil
}

// preopenMargin is how long before the second sample opening files stops.
const preopenMargin = 20 * time.Millisecond

// progress writes one line to o.Progress, if any.
func progress(o Options, format string, a ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", a...)
	}
}

// liveSnapshot takes one sample of the running host through fsys (the live
// root, or a recording wrapper of it). rec, when set, receives the files
// made from non-file data (ethtool, uname, hostname, date) and those
// carried over from the first sample. carry, when set, is shared by the
// two samples of one run (sampleCarry).
func liveSnapshot(fsys bundle.FS, o Options, now time.Time, rec *recorder, carry *sampleCarry) (*host.Snapshot, error) {
	l := newLoader(fsys, KindLive, o)
	var put func(string, []byte)
	if rec != nil {
		put, l.putCarried = rec.putMade, rec.putCarried
	}
	l.put = put
	if carry != nil {
		l.carry, l.carrySample = carry, carry.begin()
	}
	l.kmsg = readKmsg
	p, err := newEthtoolProber()
	if err != nil {
		l.prober = failedProber{err: err}
	} else {
		defer p.close()
		l.prober = p
	}
	l.load(now)
	s := l.snap
	s.Origin = "/"
	if o.Root != "" {
		s.Origin = o.Root
	}
	if !l.anyOK() {
		return nil, fmt.Errorf("no input of the live host could be read (%s)", l.firstProblem())
	}
	if put != nil {
		put("sos_commands/kernel/uname_-a", cmdout.FormatUname(cmdout.UnameInfo{
			Kernel: "Linux", Hostname: s.Hostname, Release: s.Kernel, Version: s.KernelVersion, Machine: s.Arch,
		}))
		if s.Hostname != "" {
			put("sos_commands/host/hostname", []byte(s.Hostname+"\n"))
		}
		put("sos_commands/date/date_--utc", cmdout.FormatDate(now))
	}
	return s, nil
}

// liveMachine is uname -m of the running kernel.
func liveMachine() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Machine[:])
}

// prober answers the ethtool questions of the live host.
type prober interface {
	info(dev string) (cmdout.DriverInfo, error)
	stats(dev string) (map[string]uint64, error)
	ring(dev string) (host.Ring, error)
	channels(dev string) (host.Channels, error)
	speed(dev string) (int, error)
}

// ethtoolProber uses github.com/safchain/ethtool's getters only: never
// GetLinkSettings (it prints to stdout), never a setter.
type ethtoolProber struct {
	mu sync.Mutex
	e  *ethtool.Ethtool
}

func newEthtoolProber() (*ethtoolProber, error) {
	e, err := safe(ethtool.NewEthtool)
	if err != nil {
		return nil, err
	}
	return &ethtoolProber{e: e}, nil
}

func (p *ethtoolProber) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.e != nil {
		_ = safeDo(p.e.Close)
		p.e = nil
	}
}

// ifnamsiz is the kernel's interface name buffer; names are at most 15 bytes.
const ifnamsiz = 16

// validIfName refuses names the ioctl would truncate into another name.
func validIfName(dev string) error {
	if dev == "" || len(dev) >= ifnamsiz {
		return fmt.Errorf("interface name %q is not 1 to %d bytes: not asked", dev, ifnamsiz-1)
	}
	if strings.ContainsAny(dev, "/\x00 ") {
		return fmt.Errorf("interface name %q has characters the kernel refuses: not asked", dev)
	}
	return nil
}

// call runs one ioctl getter under the lock, with panics recovered and
// errno mapped to input statuses.
func call[T any](p *ethtoolProber, dev string, fn func(e *ethtool.Ethtool) (T, error)) (T, error) {
	var zero T
	if err := validIfName(dev); err != nil {
		return zero, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.e == nil {
		return zero, errors.New("ethtool socket closed")
	}
	v, err := safe(func() (T, error) { return fn(p.e) })
	return v, mapErrno(err)
}

// mapErrno turns ioctl errors into the states the report shows.
func mapErrno(err error) error {
	if err == nil {
		return nil
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case unix.EOPNOTSUPP, unix.EINVAL:
			return fmt.Errorf("%w (%v)", errNotSupported, errno)
		case unix.ENODEV, unix.ENXIO:
			return missingErr("the interface is gone (" + errno.Error() + ")")
		case unix.EPERM, unix.EACCES:
			return fmt.Errorf("%w: %v", fs.ErrPermission, errno)
		}
	}
	return err
}

// info asks ETHTOOL_GDRVINFO through x/sys/unix, not the ethtool
// library: the library passes its stack-allocated result to its ioctl
// helper as a uintptr, and when the goroutine's stack grows in between,
// the kernel writes into the old stack and the driver name reads empty
// (seen under the race detector). unix.IoctlGetEthtoolDrvinfo keeps a
// typed pointer. The library's other calls share the pattern.
func (p *ethtoolProber) info(dev string) (cmdout.DriverInfo, error) {
	if err := validIfName(dev); err != nil {
		return cmdout.DriverInfo{}, err
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return cmdout.DriverInfo{}, err
	}
	defer unix.Close(fd)
	d, err := unix.IoctlGetEthtoolDrvinfo(fd, dev)
	if err != nil {
		return cmdout.DriverInfo{}, mapErrno(err)
	}
	str := func(b []byte) string { return unix.ByteSliceToString(b) }
	return cmdout.DriverInfo{Driver: str(d.Driver[:]), Version: str(d.Version[:]), Firmware: str(d.Fw_version[:]), BusInfo: str(d.Bus_info[:])}, nil
}

func (p *ethtoolProber) stats(dev string) (map[string]uint64, error) {
	m, err := call(p, dev, func(e *ethtool.Ethtool) (map[string]uint64, error) { return e.Stats(dev) })
	if err == nil && len(m) == 0 {
		return nil, fmt.Errorf("%w (no stats available)", errNotSupported)
	}
	return m, err
}

func (p *ethtoolProber) ring(dev string) (host.Ring, error) {
	return call(p, dev, func(e *ethtool.Ethtool) (host.Ring, error) {
		r, err := e.GetRing(dev)
		if err != nil {
			return host.Ring{}, err
		}
		return host.Ring{RX: int(r.RxPending), RXMax: int(r.RxMaxPending), TX: int(r.TxPending), TXMax: int(r.TxMaxPending)}, nil
	})
}

func (p *ethtoolProber) channels(dev string) (host.Channels, error) {
	return call(p, dev, func(e *ethtool.Ethtool) (host.Channels, error) {
		c, err := e.GetChannels(dev)
		if err != nil {
			return host.Channels{}, err
		}
		return host.Channels{
			RX: int(c.RxCount), TX: int(c.TxCount), Other: int(c.OtherCount), Combined: int(c.CombinedCount),
			MaxRX: int(c.MaxRx), MaxTX: int(c.MaxTx), MaxOther: int(c.MaxOther), MaxCombined: int(c.MaxCombined),
		}, nil
	})
}

// speed uses the legacy ETHTOOL_GSET (CmdGet), asked only when sysfs has
// no speed file.
func (p *ethtoolProber) speed(dev string) (int, error) {
	return call(p, dev, func(e *ethtool.Ethtool) (int, error) {
		var cmd ethtool.EthtoolCmd
		v, err := e.CmdGet(&cmd, dev)
		if err != nil {
			return -1, err
		}
		if v == 0 || v == math.MaxUint32 || v == math.MaxUint16 || v > 1<<30 {
			return -1, nil
		}
		return int(v), nil
	})
}

// failedProber answers every question with the error that prevented
// opening the ethtool socket.
type failedProber struct{ err error }

func (f failedProber) info(string) (cmdout.DriverInfo, error)  { return cmdout.DriverInfo{}, f.err }
func (f failedProber) stats(string) (map[string]uint64, error) { return nil, f.err }
func (f failedProber) ring(string) (host.Ring, error)          { return host.Ring{}, f.err }
func (f failedProber) channels(string) (host.Channels, error)  { return host.Channels{}, f.err }
func (f failedProber) speed(string) (int, error)               { return -1, f.err }

// ioctl paths named in the inputs of a live sample.
const (
	ioctlInfo     = "ioctl ETHTOOL_GDRVINFO"
	ioctlStats    = "ioctl ETHTOOL_GSTATS"
	ioctlRing     = "ioctl ETHTOOL_GRINGPARAM"
	ioctlChannels = "ioctl ETHTOOL_GCHANNELS"
)

// Lines ethtool prints when a driver does not answer, written into a
// collect bundle in place of the output so the reason survives.
const (
	unsupportedInfo     = "Cannot get driver information: Operation not supported\n"
	unsupportedStats    = "no stats available\n"
	unsupportedRing     = "Cannot get device ring settings: Operation not supported\n"
	unsupportedChannels = "Cannot get device channel parameters: Operation not supported\n"
)

// probeEthtool is loadEthtool on the live host.
func (l *loader) probeEthtool(n *host.NIC, speedKnown bool) {
	if err := validIfName(n.Name); err != nil {
		for _, in := range []string{host.InputEthtoolInfo, host.InputEthtoolStats, host.InputEthtoolRing, host.InputEthtoolChan} {
			l.record(in, n.Name, "", err, "")
		}
		return
	}
	put := func(opt string, data []byte, err error, unsupported string) {
		if l.put == nil {
			return
		}
		switch {
		case err == nil:
			l.put(ethtoolPath(opt, n.Name), data)
		case errors.Is(err, errNotSupported):
			l.put(ethtoolPath(opt, n.Name), []byte(unsupported))
		}
	}
	info, err := l.prober.info(n.Name)
	l.record(host.InputEthtoolInfo, n.Name, ioctlInfo, err, "")
	if err == nil {
		applyInfo(n, info)
		put("-i", cmdout.FormatEthtoolInfo(info), nil, "")
	} else {
		put("-i", nil, err, unsupportedInfo)
	}

	st, err := l.prober.stats(n.Name)
	l.record(host.InputEthtoolStats, n.Name, ioctlStats, err, "")
	if err == nil {
		n.EthtoolStats = st
		put("-S", cmdout.FormatEthtoolStats(st), nil, "")
	} else {
		put("-S", nil, err, unsupportedStats)
	}

	r, err := l.prober.ring(n.Name)
	l.record(host.InputEthtoolRing, n.Name, ioctlRing, err, "")
	if err == nil {
		n.Ring = &r
		put("-g", cmdout.FormatEthtoolRing(n.Name, r), nil, "")
	} else {
		put("-g", nil, err, unsupportedRing)
	}

	c, err := l.prober.channels(n.Name)
	l.record(host.InputEthtoolChan, n.Name, ioctlChannels, err, "")
	if err == nil {
		n.Channels = &c
		put("-l", cmdout.FormatEthtoolChannels(n.Name, c), nil, "")
	} else {
		put("-l", nil, err, unsupportedChannels)
	}

	if !speedKnown {
		if v, err := l.prober.speed(n.Name); err == nil && v > 0 {
			n.Speed = v
		}
	}
	if l.put != nil {
		set := cmdout.LinkSettings{Name: n.Name, Speed: n.Speed}
		switch n.OperState {
		case "up":
			t := true
			set.Link = &t
		case "down", "lowerlayerdown":
			f := false
			set.Link = &f
		}
		l.put(ethtoolPath("", n.Name), cmdout.FormatEthtoolSettings(set))
	}
}
