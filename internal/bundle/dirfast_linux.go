//go:build linux

package bundle

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// The fast read path of a directory bundle (Linux 5.6 and later).
//
// Reading one small file through the view costs, the slow way, an lstat per
// new directory component, an lstat of the file, then open, fstat, two
// reads and close through os.Root and os.File (which adds epoll and fcntl
// calls for each regular file), and listing a directory through os.Root
// lstats every entry. A 512-CPU host's two samples hold some 40,000 files,
// so those calls dominate loading.
//
// The fast path reads a file whose name holds no symbolic link with four or
// five system calls:
//
//   - fstatat, the type check before open, so that only a regular file is
//     ever opened (opening a device node can have side effects: a watchdog
//     arms, a tape rewinds). It is skipped when the kernel itself refuses
//     to open devices: the bundle's file system is mounted nodev (as
//     systemd mounts /tmp, for one) and the open may not cross into
//     another mount (RESOLVE_NO_XDEV), so open fails with EACCES on a
//     device before any driver code runs;
//   - openat2 relative to the bundle's root with RESOLVE_BENEATH,
//     RESOLVE_NO_SYMLINKS and RESOLVE_NO_MAGICLINKS, O_NOFOLLOW and
//     O_NONBLOCK: the kernel refuses any link in any component and any
//     escape, whatever happens to the tree meanwhile, and a FIFO does not
//     block the open;
//   - fstat: the opened file must be regular, and its size sizes the
//     buffer;
//   - one read (a short read that ends exactly at the size fstat reported
//     is the end of a regular file; otherwise reading goes on to EOF under
//     the cap);
//   - close.
//
// It only ever answers with data. Anything else (a link on the way, a
// missing name, a directory, a device, a file over the cap, a concurrent
// change, an error, a kernel without openat2) makes it decline, and the
// view takes the slow path, which resolves links itself and produces the
// same errors as before. So the fast path never changes what a read
// returns: a regular file reached without links, read to EOF under the
// size cap. Directory listings work the same way (openat2 of the
// directory, getdents, entry types as stored).
//
// TOCTOU: bundles are treated as read-only snapshots, but their content is
// hostile and the tree may be changed by someone else while it is read.
// Confinement never depends on timing: every open is kernel-confined
// beneath the root with no link followed. A non-regular file swapped in
// after a check is opened without blocking and refused by the mode of the
// opened file. Only "no device node is ever opened" has, on a file system
// that allows devices, the same window between the fstatat and the open
// as any path-based check (the slow path's lstat has it too); on a nodev
// file system the kernel closes it.

// fastDir is the root of a directory bundle as a descriptor for openat2.
//
// (Keeping descriptors of recently used directories, to resolve only each
// file's last component, was measured: it saves nothing on a real load,
// where the opening and closing of the directories costs what the shorter
// walks save, so every name is resolved from the root.)
type fastDir struct {
	// f holds the root directory. Its RawConn pins the descriptor for the
	// duration of each call, so a concurrent close can never make a
	// reused descriptor number stand for another directory.
	f   *os.File
	rc  syscall.RawConn
	max int64
	// nodev is set when the root's file system is mounted nodev: the
	// kernel then refuses to open a device node (opens also get
	// RESOLVE_NO_XDEV, so they never leave that mount), and no fstatat is
	// needed first.
	nodev   bool
	fileHow unix.OpenHow
	dirHow  unix.OpenHow
	// off is set when openat2 is unavailable (kernel before 5.6, or a
	// seccomp filter refusing it): every read then takes the slow path.
	off atomic.Bool
}

// fastFlags opens for reading without blocking (FIFOs) or acquiring a
// terminal, and never follows a final link.
const fastFlags = unix.O_RDONLY | unix.O_NONBLOCK | unix.O_NOCTTY | unix.O_CLOEXEC | unix.O_NOFOLLOW

// fastDirFlags opens a directory, never through a final link.
const fastDirFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC

const fastResolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// fastCheckDevices, when set by a test or benchmark, makes the fast path
// check the type before open even on a nodev file system, as it does on
// any other.
var fastCheckDevices = false

// newFastDir opens dir for the fast path; nil when it cannot.
func newFastDir(dir string, max int64) *fastDir {
	f, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil
	}
	d := &fastDir{f: f, rc: rc, max: max}
	var sfs unix.Statfs_t
	if cerr := rc.Control(func(fd uintptr) { err = unix.Fstatfs(int(fd), &sfs) }); cerr == nil && err == nil {
		d.nodev = sfs.Flags&unix.ST_NODEV != 0 && !fastCheckDevices
	}
	resolve := uint64(fastResolve)
	if d.nodev {
		resolve |= unix.RESOLVE_NO_XDEV
	}
	d.fileHow = unix.OpenHow{Flags: fastFlags, Resolve: resolve}
	d.dirHow = unix.OpenHow{Flags: fastDirFlags, Resolve: resolve}
	return d
}

func (d *fastDir) close() {
	if d != nil {
		d.f.Close()
	}
}

// read reads the regular file p (canonical, relative to the root) when the
// fast path can; ok is false when the caller must take the slow path.
func (d *fastDir) read(p string) (data []byte, ok bool) {
	if d == nil || d.off.Load() || p == "" {
		return nil, false
	}
	cerr := d.rc.Control(func(root uintptr) {
		data, ok = d.readAt(int(root), p)
	})
	if cerr != nil {
		return nil, false
	}
	return data, ok
}

// fastAfterCheck, when set by a test, runs between the type check and the
// open (to swap a file meanwhile).
var fastAfterCheck func(p string)

func (d *fastDir) readAt(root int, p string) ([]byte, bool) {
	var st unix.Stat_t
	if !d.nodev {
		if err := ignoringEINTR(func() error { return unix.Fstatat(root, p, &st, unix.AT_SYMLINK_NOFOLLOW) }); err != nil {
			return nil, false
		}
		if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size > d.max {
			return nil, false
		}
	}
	if fastAfterCheck != nil {
		fastAfterCheck(p)
	}
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Openat2(root, p, &d.fileHow)
		return err
	})
	if err != nil {
		d.unavailable(err)
		return nil, false
	}
	defer unix.Close(fd)
	if err := ignoringEINTR(func() error { return unix.Fstat(fd, &st) }); err != nil {
		return nil, false
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size > d.max {
		return nil, false
	}
	return readFD(fd, st.Size, d.max)
}

// unavailable turns the fast path off when err says openat2 cannot be
// used at all (as opposed to refusing this name).
func (d *fastDir) unavailable(err error) {
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.E2BIG) ||
		errors.Is(err, unix.EINVAL) {
		d.off.Store(true)
	}
}

// list lists the directory p (canonical, relative to the root) when the
// fast path can: entries as stored, sorted by name, with their type from
// getdents (os.File.ReadDir would lstat every entry of a directory opened
// through os.Root). ok is false when the caller must take the slow path,
// including for a listing over maxEntries (the slow path refuses it).
func (d *fastDir) list(p string, maxEntries int, entry func(name string, typ fs.FileMode) fs.DirEntry) (ents []fs.DirEntry, ok bool) {
	if d == nil || d.off.Load() {
		return nil, false
	}
	if p == "" {
		p = "."
	}
	cerr := d.rc.Control(func(root uintptr) {
		var fd int
		err := ignoringEINTR(func() (err error) {
			fd, err = unix.Openat2(int(root), p, &d.dirHow)
			return err
		})
		if err != nil {
			d.unavailable(err)
			return
		}
		defer unix.Close(fd)
		ents, ok = d.listFD(fd, maxEntries, entry)
	})
	if cerr != nil {
		return nil, false
	}
	return ents, ok
}

func (d *fastDir) listFD(fd int, maxEntries int, entry func(string, fs.FileMode) fs.DirEntry) ([]fs.DirEntry, bool) {
	buf := make([]byte, 16<<10)
	var out []fs.DirEntry
	for {
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = unix.Getdents(fd, buf)
			return err
		})
		if err != nil || n < 0 {
			return nil, false
		}
		if n == 0 {
			break
		}
		b := buf[:n]
		for len(b) >= 19 {
			reclen := int(b[16]) | int(b[17])<<8
			if reclen < 19 || reclen > len(b) {
				return nil, false
			}
			ino := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
				uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
			dt := b[18]
			nameb := b[19:reclen]
			for i, c := range nameb {
				if c == 0 {
					nameb = nameb[:i]
					break
				}
			}
			b = b[reclen:]
			if ino == 0 || len(nameb) == 0 || string(nameb) == "." || string(nameb) == ".." {
				continue
			}
			name := string(nameb)
			typ, known := direntType(dt)
			if !known {
				var st unix.Stat_t
				if err := ignoringEINTR(func() error { return unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) }); err != nil {
					return nil, false
				}
				typ = statType(st.Mode)
			}
			out = append(out, entry(name, typ))
		}
		if len(out) > maxEntries {
			return nil, false
		}
	}
	sortEntries(out)
	return out, true
}

// direntType maps a getdents d_type to a file mode type.
func direntType(dt byte) (fs.FileMode, bool) {
	switch dt {
	case unix.DT_REG:
		return 0, true
	case unix.DT_DIR:
		return fs.ModeDir, true
	case unix.DT_LNK:
		return fs.ModeSymlink, true
	case unix.DT_FIFO:
		return fs.ModeNamedPipe, true
	case unix.DT_SOCK:
		return fs.ModeSocket, true
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice, true
	case unix.DT_BLK:
		return fs.ModeDevice, true
	}
	return 0, false
}

// statType maps a stat mode to a file mode type.
func statType(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFREG:
		return 0
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFLNK:
		return fs.ModeSymlink
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	}
	return fs.ModeIrregular
}

// readFD reads fd to EOF under max; ok is false on any error or refusal
// (the slow path then says why).
func readFD(fd int, size, max int64) ([]byte, bool) {
	b, err := readFull(fd, size, max)
	return b, err == nil
}

// readFull reads fd to EOF, refusing more than max bytes. size is what
// fstat reported: the buffer holds size+1 bytes, so a file of that size
// reads in one call (a short read that ends exactly at the reported size
// is the end of a regular file), and a file that grew or shrank meanwhile
// is read on to EOF. A size of 0 (proc files) starts with 512 bytes and
// reads until read returns 0. Errors are bare: an errno, or the refusal.
func readFull(fd int, size, max int64) ([]byte, error) {
	if size > max {
		return nil, tooLarge(size, max)
	}
	n0 := size + 1
	if size <= 0 {
		n0 = 512
	}
	if n0 > max+1 {
		n0 = max + 1
	}
	buf := make([]byte, 0, n0)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := cap(buf) - len(buf)
		if left := max + 1 - int64(len(buf)); int64(room) > left {
			room = int(left)
		}
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = unix.Read(fd, buf[len(buf):len(buf)+room])
			return err
		})
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, unix.EIO
		}
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, tooLarge(0, max)
		}
		if n == 0 || (size > 0 && n < room && int64(len(buf)) == size) {
			return buf, nil
		}
	}
}

// liveRead is liveFS's ReadFile of the host path p: the type checked
// before open (stat, following links as the kernel does on the host), an
// open that does not block, the opened file's type checked again, and the
// content read to EOF under max, with the same errors as the os-based
// path but without os.File's extra system calls (epoll, fcntl) per file.
// Under /proc and /sys the check before open is skipped: procfs and sysfs
// hold no device nodes or FIFOs, so opening there has no side effect, and
// that stat is a whole second path walk of the 10,000 thread files a busy
// host has.
func liveRead(op, p string, max int64) ([]byte, error) {
	var st unix.Stat_t
	if !kernelPseudoFS(p) {
		if err := ignoringEINTR(func() error { return unix.Stat(p, &st) }); err != nil {
			return nil, &fs.PathError{Op: "stat", Path: p, Err: err}
		}
		if err := regularOnly(op, p, st.Mode); err != nil {
			return nil, err
		}
	}
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Open(p, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	defer unix.Close(fd)
	if err := ignoringEINTR(func() error { return unix.Fstat(fd, &st) }); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: err}
	}
	if err := regularOnly(op, p, st.Mode); err != nil {
		return nil, err
	}
	data, err := readFull(fd, st.Size, max)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: p, Err: err}
	}
	return data, nil
}

// preopen opens the /proc or /sys file p for Preopened, if it is a regular
// file.
func preopen(p string) (int, bool) {
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Open(p, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return -1, false
	}
	var st unix.Stat_t
	if ignoringEINTR(func() error { return unix.Fstat(fd, &st) }) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return -1, false
	}
	return fd, true
}

// readPreopened reads a file opened by preopen to EOF under max.
func readPreopened(fd int, max int64) ([]byte, error) { return readFull(fd, 0, max) }

func closePreopened(fd int) { unix.Close(fd) }

// openFileLimit is the process's soft limit on open files.
func openFileLimit() int {
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) != nil || rl.Cur > 1<<30 {
		return 1024
	}
	return int(rl.Cur)
}

// kernelPseudoFS reports whether the host path p is under /proc or /sys.
func kernelPseudoFS(p string) bool {
	return strings.HasPrefix(p, "/proc/") || strings.HasPrefix(p, "/sys/")
}

// regularOnly refuses what is not a regular file, directories as errIsDir.
func regularOnly(op, p string, mode uint32) error {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return nil
	case unix.S_IFDIR:
		return &fs.PathError{Op: op, Path: p, Err: errIsDir}
	default:
		return refusal(op, p, reasonNotReg)
	}
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}
