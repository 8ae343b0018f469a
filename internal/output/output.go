// Package output opens and writes the destination of a command's -o, the
// one way every netdoctor command writes its output. It never replaces what
// it did not create:
//
//   - "" and "-" are standard output; /dev/stdout, /dev/stderr, /dev/fd/N
//     and /proc/self/fd/N are the process's own descriptors, written as
//     they are (an append redirection stays an append).
//   - A path that does not exist is created: the output goes to a
//     temporary file in the same directory, renamed into place only when
//     it is complete and only if nothing appeared at the path meanwhile.
//   - An existing regular file is replaced atomically the same way, and
//     the new file gets the old one's owner, group and mode; when that is
//     not possible (another user's file, and we are not root), or the file
//     has other hard links, or we may not write it, the write is refused
//     with the reason. Extended attributes and ACLs are not carried over.
//   - A character or block device or a FIFO is written in place, never
//     replaced (-o /dev/null stays /dev/null). A socket is refused.
//   - A symbolic link is refused, never replaced nor written through: a
//     link planted where a privileged user writes must not redirect the
//     output onto another file. Give the link's target instead.
//   - A directory is refused.
//
// Open does every check that can be done before the output exists (it
// creates the temporary file, and gives it its owner and mode), so that a
// command that samples for seconds first fails at once on a destination it
// could not write. Errors are *Error values naming the user's path, never
// the temporary file.
package output

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Error is a destination netdoctor could not or would not write.
type Error struct {
	// Path is the destination as the user gave it.
	Path string
	// Reason says why, without the path.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string { return "output " + e.Path + ": " + e.Reason }
func (e *Error) Unwrap() error { return e.Err }

// Options are the environment of Open.
type Options struct {
	// Stdout and Stderr receive "-", "" and the /dev/stdout and
	// /dev/stderr family.
	Stdout, Stderr io.Writer
	// Perm is the mode of a file created new (0644 when zero).
	Perm fs.FileMode
	// Binary output is refused on a terminal (a compressed archive).
	Binary bool
	// IsTerminal reports whether a writer is a terminal; nil means never.
	IsTerminal func(io.Writer) bool
}

type kind int

const (
	kindStream  kind = iota // an already open writer
	kindInPlace             // a device or FIFO, opened at the first write
	kindNew                 // a temporary file renamed to a new path
	kindReplace             // a temporary file renamed over a regular file
)

// File is an opened destination. Write to it, then Close to commit or
// Abort to leave the destination as it was.
type File struct {
	path string
	name string
	kind kind
	w    io.Writer
	f    *os.File // the temporary file, or the in-place target once open
	tmp  string
	dev  uint64 // the replaced file's identity
	ino  uint64
	err  error
	done bool
}

// Name is the destination for messages: the user's path, or "standard
// output".
func (f *File) Name() string { return f.name }

// Stdout reports whether the output goes to standard output.
func (f *File) Stdout() bool { return f.name == "standard output" }

func refuse(path, format string, a ...any) *Error {
	return &Error{Path: path, Reason: fmt.Sprintf(format, a...)}
}

// fail wraps err for path, keeping only the cause (an *os.PathError names
// the temporary file; the user never asked for it).
func fail(path, doing string, err error) *Error {
	cause := err
	var errno syscall.Errno
	if errors.As(err, &errno) {
		cause = errno
	}
	reason := cause.Error()
	if doing != "" {
		reason = doing + ": " + reason
	}
	return &Error{Path: path, Reason: reason, Err: err}
}

// Open checks path and prepares to write it; see the package doc.
func Open(path string, o Options) (*File, error) {
	if o.Perm == 0 {
		o.Perm = 0o644
	}
	if path == "" || path == "-" {
		return stream(path, "standard output", o.Stdout, o)
	}
	if fd, ok := descriptor(path); ok {
		switch fd {
		case 1:
			return stream(path, "standard output", o.Stdout, o)
		case 2:
			return stream(path, "standard error", o.Stderr, o)
		}
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			return nil, refuse(path, "descriptor %d is not open", fd)
		}
		if fl&unix.O_ACCMODE == unix.O_RDONLY {
			return nil, refuse(path, "descriptor %d is open for reading only", fd)
		}
		return stream(path, path, os.NewFile(uintptr(fd), path), o)
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return create(path, o)
	case err != nil:
		return nil, fail(path, "", err)
	}
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return nil, refuse(path, "is a symbolic link (to %s); netdoctor neither replaces nor writes through links: give the target's path", target)
	case m.IsDir():
		return nil, refuse(path, "is a directory")
	case m&fs.ModeSocket != 0:
		return nil, refuse(path, "is a socket; netdoctor writes files, devices and FIFOs")
	case m&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
		if err := writable(path); err != nil {
			return nil, fail(path, "", err)
		}
		return &File{path: path, name: path, kind: kindInPlace}, nil
	case !m.IsRegular():
		return nil, refuse(path, "is neither a regular file, a device nor a FIFO (%s)", m.Type())
	}
	return replace(path, fi, o)
}

func stream(path, name string, w io.Writer, o Options) (*File, error) {
	if w == nil {
		return nil, refuse(path, "%s is not available", name)
	}
	if o.Binary && o.IsTerminal != nil && o.IsTerminal(w) {
		return nil, refuse(name, "is a terminal and the output is binary: redirect it to a file or give -o FILE")
	}
	return &File{path: path, name: name, kind: kindStream, w: w}, nil
}

// descriptor recognises the names of the process's own descriptors.
func descriptor(path string) (int, bool) {
	switch path {
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	for _, dir := range []string{"/dev/fd/", "/proc/self/fd/"} {
		if rest, ok := strings.CutPrefix(path, dir); ok {
			n, err := strconv.Atoi(rest)
			if err == nil && n >= 0 && strconv.Itoa(n) == rest {
				return n, true
			}
		}
	}
	return 0, false
}

// writable checks write permission with the effective IDs.
func writable(path string) error {
	return unix.Faccessat(unix.AT_FDCWD, path, unix.W_OK, unix.AT_EACCESS)
}

func tempIn(path, dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, ".netdoctor-*.tmp")
	if err != nil {
		return nil, fail(path, "cannot create a file in "+dir, err)
	}
	return f, nil
}

func create(path string, o Options) (*File, error) {
	dir := filepath.Dir(path)
	di, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, refuse(path, "directory %s does not exist", dir)
	case err != nil:
		return nil, fail(path, "directory "+dir, err)
	case !di.IsDir():
		return nil, refuse(path, "%s is not a directory", dir)
	}
	t, err := tempIn(path, dir)
	if err != nil {
		return nil, err
	}
	f := &File{path: path, name: path, kind: kindNew, f: t, tmp: t.Name()}
	if err := t.Chmod(o.Perm); err != nil {
		f.Abort()
		return nil, fail(path, "", err)
	}
	return f, nil
}

func replace(path string, fi fs.FileInfo, o Options) (*File, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, refuse(path, "cannot read its owner")
	}
	if st.Nlink > 1 {
		return nil, refuse(path, "has %d hard links; replacing it would leave the other names with the old content: write elsewhere", st.Nlink)
	}
	if err := writable(path); err != nil {
		return nil, fail(path, "", err)
	}
	t, err := tempIn(path, filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	f := &File{path: path, name: path, kind: kindReplace, f: t, tmp: t.Name(), dev: uint64(st.Dev), ino: st.Ino}
	if err := t.Chown(int(st.Uid), int(st.Gid)); err != nil {
		f.Abort()
		return nil, fail(path, fmt.Sprintf("owned by uid %d gid %d, which the replacement cannot keep", st.Uid, st.Gid), err)
	}
	// After the chown, which clears set-user-ID and set-group-ID.
	if err := t.Chmod(fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		f.Abort()
		return nil, fail(path, "cannot keep its mode", err)
	}
	return f, nil
}

// Write writes p to the destination. A device or FIFO is opened at the
// first write (opening a FIFO waits for its reader).
func (f *File) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.done {
		return 0, refuse(f.name, "already closed")
	}
	if f.kind == kindInPlace && f.f == nil {
		if err := f.openInPlace(); err != nil {
			f.err = err
			return 0, err
		}
	}
	var (
		n   int
		err error
	)
	if f.kind == kindStream {
		n, err = f.w.Write(p)
	} else {
		n, err = f.f.Write(p)
	}
	if err != nil {
		f.err = fail(f.name, "writing", err)
		return n, f.err
	}
	return n, nil
}

func (f *File) openInPlace() error {
	// O_NOFOLLOW: a link swapped in while sampling is not followed;
	// no O_CREATE: what vanished is not created here.
	t, err := os.OpenFile(f.path, os.O_WRONLY|unix.O_NOCTTY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return fail(f.path, "", err)
	}
	fi, err := t.Stat()
	if err != nil {
		t.Close()
		return fail(f.path, "", err)
	}
	if fi.Mode()&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) == 0 {
		t.Close()
		return refuse(f.path, "changed into a %s while netdoctor was sampling; not written", describe(fi.Mode()))
	}
	f.f = t
	return nil
}

func describe(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	}
	return m.Type().String()
}

// Close commits the output: a temporary file is synced and renamed into
// place, a device or FIFO closed. The first error of any write is returned
// here too.
func (f *File) Close() error {
	if f.done {
		return f.err
	}
	if f.err != nil {
		f.Abort()
		return f.err
	}
	switch f.kind {
	case kindStream:
		f.done = true
		if fl, ok := f.w.(interface{ Flush() error }); ok {
			if err := fl.Flush(); err != nil {
				f.err = fail(f.name, "writing", err)
			}
		}
		return f.err
	case kindInPlace:
		f.done = true
		if f.f == nil {
			if err := f.openInPlace(); err != nil {
				f.err = err
				return err
			}
		}
		if err := f.f.Close(); err != nil {
			f.err = fail(f.name, "writing", err)
		}
		return f.err
	}
	if err := f.f.Sync(); err != nil {
		f.err = fail(f.path, "writing", err)
	} else if err := f.f.Close(); err != nil {
		f.err = fail(f.path, "writing", err)
	}
	f.f = nil
	if f.err == nil {
		if f.kind == kindNew {
			f.err = f.renameNew()
		} else {
			f.err = f.renameOver()
		}
	}
	if f.err != nil {
		f.Abort()
		return f.err
	}
	f.done = true
	syncDir(filepath.Dir(f.path))
	return nil
}

// renameNew moves the temporary file to a path that must still not exist.
func (f *File) renameNew() error {
	err := unix.Renameat2(unix.AT_FDCWD, f.tmp, unix.AT_FDCWD, f.path, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		// Kernels before 3.15 and some file systems: link(2) never
		// replaces either.
		if err = unix.Link(f.tmp, f.path); err == nil {
			os.Remove(f.tmp)
		}
	}
	switch {
	case errors.Is(err, unix.EEXIST):
		return refuse(f.path, "was created by someone else while netdoctor was sampling; not replaced")
	case err != nil:
		return fail(f.path, "", err)
	}
	f.tmp = ""
	return nil
}

// renameOver replaces the file Open saw, if it is still the one there.
func (f *File) renameOver() error {
	fi, err := os.Lstat(f.path)
	if err != nil {
		return fail(f.path, "changed while netdoctor was sampling; not replaced", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || !fi.Mode().IsRegular() || uint64(st.Dev) != f.dev || st.Ino != f.ino || st.Nlink > 1 {
		return refuse(f.path, "was replaced by a %s while netdoctor was sampling; not replaced", describe(fi.Mode()))
	}
	if err := os.Rename(f.tmp, f.path); err != nil {
		return fail(f.path, "", err)
	}
	f.tmp = ""
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Abort leaves the destination as it was: the temporary file is removed.
// It does nothing after a successful Close.
func (f *File) Abort() {
	if f.f != nil && f.kind != kindStream {
		f.f.Close()
		f.f = nil
	}
	if f.tmp != "" {
		os.Remove(f.tmp)
		f.tmp = ""
	}
	f.done = true
}
