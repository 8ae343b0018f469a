package bundle

import (
	"bytes"
	"io/fs"
	"os"
)

// Live returns the running host's "/" as an FS, for reading /proc and /sys.
// Links are followed by the kernel (the host is not a bundle: /proc/net and
// /sys/class/net/* are links by design). Files are read to EOF under
// DefaultLimits().MaxFileSize, whatever size stat reports (proc files report
// 0), and only regular files are opened: the mode is checked before open,
// the open does not block, and the opened file's mode is checked again.
// Errors carry the absolute path.
func Live() FS {
	return liveAt("/", DefaultLimits())
}

// LiveAt is Live for a host whose "/" is mounted at root: a container
// reading its node's /proc and /sys mounted read-only under /host reads
// them as LiveAt("/host"). Names resolve under root; links are followed by
// the kernel as for Live (the /proc mount answers for the reader's own PID
// and network namespaces: run in the host's).
func LiveAt(root string) FS {
	if root == "" {
		root = "/"
	}
	return liveAt(root, DefaultLimits())
}

// liveFS reads a real directory tree with plain os calls.
type liveFS struct {
	root string // ends in "/"
	lim  Limits
}

func liveAt(root string, lim Limits) *liveFS {
	if root == "" || root[len(root)-1] != '/' {
		root += "/"
	}
	return &liveFS{root: root, lim: lim.withDefaults()}
}

// path validates name and returns the host path.
func (l *liveFS) path(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", refusal(op, name, reasonBadName)
	}
	if name == "." {
		return l.root, nil
	}
	return l.root + name, nil
}

// read reads the regular file p.
func (l *liveFS) read(op, p string) ([]byte, fs.FileInfo, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, nil, err
	}
	if fi.IsDir() {
		return nil, fi, &fs.PathError{Op: op, Path: p, Err: errIsDir}
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, refusal(op, p, reasonNotReg)
	}
	f, err := os.OpenFile(p, openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !ofi.Mode().IsRegular() {
		return nil, nil, refusal(op, p, reasonNotReg)
	}
	data, err := readCapped(f, ofi.Size(), l.lim.MaxFileSize)
	if err != nil {
		return nil, nil, &fs.PathError{Op: op, Path: p, Err: bare(err)}
	}
	return data, ofi, nil
}

// ReadFile reads a regular file to EOF under the size cap.
func (l *liveFS) ReadFile(name string) ([]byte, error) {
	p, err := l.path("read", name)
	if err != nil {
		return nil, err
	}
	return liveRead("read", p, l.lim.MaxFileSize)
}

// Open opens a regular file (read into memory under the cap) or a
// directory.
func (l *liveFS) Open(name string) (fs.File, error) {
	p, err := l.path("open", name)
	if err != nil {
		return nil, err
	}
	data, fi, err := l.read("open", p)
	if fi != nil && fi.IsDir() {
		return &dirFile{info: fi, list: func() ([]fs.DirEntry, error) { return os.ReadDir(p) }}, nil
	}
	if err != nil {
		return nil, err
	}
	return &memFile{info: fi, r: bytes.NewReader(data)}, nil
}

// ReadDir lists a directory, sorted by name.
func (l *liveFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := l.path("readdir", name)
	if err != nil {
		return nil, err
	}
	return os.ReadDir(p)
}

// ReadLink returns the raw target of a symbolic link.
func (l *liveFS) ReadLink(name string) (string, error) {
	p, err := l.path("readlink", name)
	if err != nil {
		return "", err
	}
	return os.Readlink(p)
}

// Lstat describes name without following a final link.
func (l *liveFS) Lstat(name string) (fs.FileInfo, error) {
	p, err := l.path("lstat", name)
	if err != nil {
		return nil, err
	}
	return os.Lstat(p)
}

// Stat describes name, following links.
func (l *liveFS) Stat(name string) (fs.FileInfo, error) {
	p, err := l.path("stat", name)
	if err != nil {
		return nil, err
	}
	return os.Stat(p)
}
