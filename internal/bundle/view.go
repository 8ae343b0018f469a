package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// backend is the raw, link-unaware layer under a view: a directory or an
// archive index. Paths are canonical: slash-separated, relative to the
// bundle's top ("" is the top), and free of symbolic links in every
// component but possibly the last. Errors are bare (no path): the view adds
// its own operation and name.
type backend interface {
	// lstat describes p without following it.
	lstat(p string) (fs.FileInfo, error)
	// readlink returns the raw target of the symbolic link p.
	readlink(p string) (string, error)
	// readFile reads the regular file p, to EOF, under the size cap.
	readFile(p string) ([]byte, error)
	// readDir lists the directory p, sorted by name.
	readDir(p string) ([]fs.DirEntry, error)
	// close releases the backend.
	close() error
}

var (
	errNotDir = errors.New("not a directory")
	errIsDir  = errors.New("is a directory")
)

// maxLinkTarget bounds the length of a link target that is followed, and
// maxLinkBytes the targets followed while resolving one name, together
// (both Linux's PATH_MAX): the hop limit alone let 40 targets of 4 KiB,
// each 2,000 components, cost 80,000 lookups for one name. The real link
// chains of a sosreport (/sys class and device links) add up to a few
// hundred bytes.
const (
	maxLinkTarget = 4096
	maxLinkBytes  = 4096
)

// maxDirCache bounds the resolved-directory cache of one view.
const maxDirCache = 1 << 16

// view is the FS of a bundle, or of a directory inside it (Sub). It resolves
// names component by component against its backend, following symbolic links
// itself, so that the same rules hold for directories and archives: no
// absolute targets, no climbing above the view's root, at most MaxLinkHops
// links per name.
type view struct {
	be    backend
	root  string // canonical path of the view's root in the backend
	lim   Limits
	where string // the bundle path (and sub directory) for messages

	// fast, when the backend has one, reads a link-free name without the
	// view's resolution; it only ever answers with data (see fastReader).
	fast fastReader

	mu   sync.Mutex
	dirs map[string]string // view-relative directory -> canonical path
}

// fastReader is a backend that can read a regular file whose canonical
// path holds no symbolic link more cheaply than the view's resolution. It
// declines (ok false) whenever it cannot give exactly what the resolution
// would: a link on the way, a missing name, anything but a regular file
// within the size cap, any error. The view then resolves the name itself.
type fastReader interface {
	// readFast reads p; with shared set it may return memory the
	// backend holds (the caller promised not to modify it).
	readFast(p string, shared bool) (data []byte, ok bool)
	// readDirFast lists a link-free directory, on the same terms.
	readDirFast(p string) (ents []fs.DirEntry, ok bool)
}

func newView(be backend, root string, lim Limits, where string) *view {
	v := &view{be: be, root: root, lim: lim, where: where, dirs: make(map[string]string)}
	v.fast, _ = be.(fastReader)
	return v
}

// readFast tries the backend's fast path for the valid name.
func (v *view) readFast(name string, shared bool) ([]byte, bool) {
	if v.fast == nil || name == "." {
		return nil, false
	}
	return v.fast.readFast(join(v.root, name), shared)
}

// sub makes the view rooted at dir, which is resolved in v first.
func (v *view) sub(dir string) (*view, error) {
	canon, fi, err := v.resolve(dir, true)
	if err != nil {
		return nil, v.pathErr("sub", dir, err)
	}
	if !fi.IsDir() {
		return nil, v.pathErr("sub", dir, errNotDir)
	}
	return newView(v.be, canon, v.lim, v.where+"/"+dir), nil
}

// pathErr wraps a bare backend or resolver error with the operation and the
// view-relative name.
func (v *view) pathErr(op, name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &fs.PathError{Op: op, Path: quoteName(name), Err: err}
}

// archiveCut reports, for a view of an archive, the members indexed and
// whether the archive ended without tar's end-of-archive blocks.
func (v *view) archiveCut() (members int, cut bool) {
	a, ok := v.be.(*archiveBackend)
	if !ok {
		return 0, false
	}
	idx := a.idx.Load()
	if idx == nil {
		return 0, false
	}
	return idx.members, !idx.ended
}

// refused returns a bare refusal error.
func refused(reason string) error {
	return fmt.Errorf("%w: %s", ErrRefused, reason)
}

// tooLarge builds the refusal of a file over the size cap max; size is the
// size the file declares (its stat size or tar header), 0 when unknown.
func tooLarge(size, max int64) error {
	if size > max {
		return fmt.Errorf("%w (%s, more than %s)", ErrTooLarge, sizeString(size), sizeString(max))
	}
	return fmt.Errorf("%w (more than %s)", ErrTooLarge, sizeString(max))
}

// join joins a canonical directory and a name.
func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// parentOf returns the canonical parent of p ("" for a top-level name).
func parentOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// resolve turns a valid view-relative name into a canonical backend path and
// its Lstat. The final component is followed when it is a link and follow is
// set.
func (v *view) resolve(name string, follow bool) (string, fs.FileInfo, error) {
	if name == "." {
		fi, err := v.be.lstat(v.root)
		return v.root, fi, err
	}
	dir, err := v.resolveDir(path.Dir(name))
	if err != nil {
		return "", nil, err
	}
	return v.walk(dir, []string{path.Base(name)}, follow)
}

// resolveDir resolves a view-relative directory name, caching the result
// for it and for each of its parents (iteratively: names may be deep).
func (v *view) resolveDir(dir string) (string, error) {
	if dir == "." {
		return v.root, nil
	}
	if canon, ok := v.cached(dir); ok {
		return canon, nil
	}
	cur := v.root
	for i := 0; i <= len(dir); i++ {
		if i < len(dir) && dir[i] != '/' {
			continue
		}
		prefix := dir[:i]
		if canon, ok := v.cached(prefix); ok {
			cur = canon
			continue
		}
		canon, fi, err := v.walk(cur, []string{prefix[strings.LastIndexByte(prefix, '/')+1:]}, true)
		if err != nil {
			return "", err
		}
		if !fi.IsDir() {
			return "", errNotDir
		}
		v.mu.Lock()
		if len(v.dirs) >= maxDirCache {
			clear(v.dirs)
		}
		v.dirs[prefix] = canon
		v.mu.Unlock()
		cur = canon
	}
	return cur, nil
}

func (v *view) cached(dir string) (string, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	canon, ok := v.dirs[dir]
	return canon, ok
}

// walk resolves the components rest starting from the canonical directory
// cur, which lies inside the view's root. It never lets cur leave the root.
func (v *view) walk(cur string, rest []string, followLast bool) (string, fs.FileInfo, error) {
	hops, followed := 0, 0
	var fi fs.FileInfo
	// Once a link is followed, what each path looked like is remembered
	// for this resolution: a target of "d/../d/../..." costs one lookup.
	var seen map[string]fs.FileInfo
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if cur == v.root {
				if v.root == "" {
					return "", nil, refused(reasonEscape)
				}
				return "", nil, refused(reasonEscapeSub)
			}
			cur = parentOf(cur)
			fi = nil
			continue
		}
		next := join(cur, c)
		if f, ok := seen[next]; ok {
			fi = f
		} else {
			var err error
			fi, err = v.be.lstat(next)
			if err != nil {
				return "", nil, err
			}
			if seen != nil {
				seen[next] = fi
			}
		}
		if fi.Mode()&fs.ModeSymlink != 0 && (len(rest) > 0 || followLast) {
			hops++
			if hops > v.lim.MaxLinkHops {
				return "", nil, refused(reasonHops)
			}
			target, err := v.be.readlink(next)
			if err != nil {
				return "", nil, err
			}
			switch {
			case target == "":
				return "", nil, refused(reasonEmptyLink)
			case strings.HasPrefix(target, "/"):
				return "", nil, refused(reasonAbsLink)
			case len(target) > maxLinkTarget:
				return "", nil, refused("link target too long")
			}
			if followed += len(target); followed > maxLinkBytes {
				return "", nil, refused(fmt.Sprintf("links followed for one name add up to more than %d bytes", maxLinkBytes))
			}
			if seen == nil {
				seen = make(map[string]fs.FileInfo)
			}
			rest = append(strings.Split(target, "/"), rest...)
			fi = nil
			continue
		}
		if len(rest) > 0 && !fi.IsDir() {
			return "", nil, errNotDir
		}
		cur = next
	}
	if fi == nil {
		var err error
		if fi, err = v.be.lstat(cur); err != nil {
			return "", nil, err
		}
	}
	return cur, fi, nil
}

// check validates a name.
func (v *view) check(op, name string) error {
	if !fs.ValidPath(name) {
		return refusal(op, name, reasonBadName)
	}
	return nil
}

// Open opens a regular file (its content read into memory under the size
// cap) or a directory (an fs.ReadDirFile).
func (v *view) Open(name string) (fs.File, error) {
	if err := v.check("open", name); err != nil {
		return nil, err
	}
	canon, fi, err := v.resolve(name, true)
	if err != nil {
		return nil, v.pathErr("open", name, err)
	}
	info := renamed(fi, name)
	switch {
	case fi.IsDir():
		return &dirFile{info: info, list: func() ([]fs.DirEntry, error) {
			d, err := v.be.readDir(canon)
			if err != nil {
				return nil, v.pathErr("readdir", name, err)
			}
			return d, nil
		}}, nil
	case fi.Mode().IsRegular():
		data, err := v.be.readFile(canon)
		if err != nil {
			return nil, v.pathErr("open", name, err)
		}
		return &memFile{info: info, r: bytes.NewReader(data)}, nil
	default:
		return nil, v.pathErr("open", name, refused(reasonNotReg))
	}
}

// ReadFile reads a regular file to EOF under the size cap.
func (v *view) ReadFile(name string) ([]byte, error) {
	return v.readFile(name, false)
}

// sharedReader is a backend that can hand out the memory it holds a
// regular file in (ReadFileShared).
type sharedReader interface {
	readFileShared(p string) ([]byte, error)
}

// readFile is ReadFile; with shared set, the content may be the backend's
// own memory.
func (v *view) readFile(name string, shared bool) ([]byte, error) {
	if err := v.check("read", name); err != nil {
		return nil, err
	}
	if data, ok := v.readFast(name, shared); ok {
		return data, nil
	}
	canon, fi, err := v.resolve(name, true)
	if err != nil {
		return nil, v.pathErr("read", name, err)
	}
	switch {
	case fi.Mode().IsRegular():
	case fi.IsDir():
		return nil, v.pathErr("read", name, errIsDir)
	default:
		return nil, v.pathErr("read", name, refused(reasonNotReg))
	}
	var data []byte
	if sr, ok := v.be.(sharedReader); ok && shared {
		data, err = sr.readFileShared(canon)
	} else {
		data, err = v.be.readFile(canon)
	}
	if err != nil {
		return nil, v.pathErr("read", name, err)
	}
	return data, nil
}

// ReadDir lists a directory, following links to it; entries are sorted by
// name and a symlink entry reports its own type.
func (v *view) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := v.check("readdir", name); err != nil {
		return nil, err
	}
	if v.fast != nil {
		p := v.root
		if name != "." {
			p = join(v.root, name)
		}
		if ents, ok := v.fast.readDirFast(p); ok {
			return ents, nil
		}
	}
	canon, fi, err := v.resolve(name, true)
	if err != nil {
		return nil, v.pathErr("readdir", name, err)
	}
	if !fi.IsDir() {
		return nil, v.pathErr("readdir", name, errNotDir)
	}
	d, err := v.be.readDir(canon)
	if err != nil {
		return nil, v.pathErr("readdir", name, err)
	}
	return d, nil
}

// ReadLink returns the raw target of a symbolic link.
func (v *view) ReadLink(name string) (string, error) {
	if err := v.check("readlink", name); err != nil {
		return "", err
	}
	canon, fi, err := v.resolve(name, false)
	if err != nil {
		return "", v.pathErr("readlink", name, err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return "", v.pathErr("readlink", name, errors.New("not a symbolic link"))
	}
	t, err := v.be.readlink(canon)
	if err != nil {
		return "", v.pathErr("readlink", name, err)
	}
	return t, nil
}

// Lstat describes name without following a final link.
func (v *view) Lstat(name string) (fs.FileInfo, error) {
	if err := v.check("lstat", name); err != nil {
		return nil, err
	}
	_, fi, err := v.resolve(name, false)
	if err != nil {
		return nil, v.pathErr("lstat", name, err)
	}
	return renamed(fi, name), nil
}

// Stat describes name, following links inside the root.
func (v *view) Stat(name string) (fs.FileInfo, error) {
	if err := v.check("stat", name); err != nil {
		return nil, err
	}
	_, fi, err := v.resolve(name, true)
	if err != nil {
		return nil, v.pathErr("stat", name, err)
	}
	return renamed(fi, name), nil
}

// renamed gives fi the base name of the name it was asked for (a followed
// link keeps the link's name, as os.Stat does).
func renamed(fi fs.FileInfo, name string) fs.FileInfo {
	base := path.Base(name)
	if fi.Name() == base {
		return fi
	}
	return namedInfo{FileInfo: fi, name: base}
}

type namedInfo struct {
	fs.FileInfo
	name string
}

func (n namedInfo) Name() string { return n.name }

// memFile is an opened regular file whose content is in memory.
type memFile struct {
	info fs.FileInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }

// Seek implements io.Seeker.
func (f *memFile) Seek(off int64, whence int) (int64, error) { return f.r.Seek(off, whence) }

// ReadAt implements io.ReaderAt.
func (f *memFile) ReadAt(p []byte, off int64) (int, error) { return f.r.ReadAt(p, off) }

// dirFile is an opened directory.
type dirFile struct {
	info    fs.FileInfo
	list    func() ([]fs.DirEntry, error)
	entries []fs.DirEntry
	loaded  bool
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: errIsDir}
}

// ReadDir implements fs.ReadDirFile.
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if !d.loaded {
		e, err := d.list()
		if err != nil {
			return nil, err
		}
		d.entries, d.loaded = e, true
	}
	if n <= 0 {
		e := d.entries
		d.entries = nil
		return e, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	e := d.entries[:n:n]
	d.entries = d.entries[n:]
	return e, nil
}

// fileInfo is a FileInfo built from parts (archive members, entries).
type fileInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (i *fileInfo) Name() string       { return i.name }
func (i *fileInfo) Size() int64        { return i.size }
func (i *fileInfo) Mode() fs.FileMode  { return i.mode }
func (i *fileInfo) ModTime() time.Time { return i.mtime }
func (i *fileInfo) IsDir() bool        { return i.mode.IsDir() }
func (i *fileInfo) Sys() any           { return nil }

// sortEntries sorts entries by name.
func sortEntries(d []fs.DirEntry) {
	slices.SortFunc(d, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
}

// readCapped reads r to EOF, refusing more than max bytes. hint is the size
// a stat reported, used only to size the buffer (proc files report 0).
func readCapped(r io.Reader, hint, max int64) ([]byte, error) {
	if hint > max {
		// A regular file's stat size is its size: refuse before reading
		// (proc files say 0 and are read up to the cap).
		return nil, tooLarge(hint, max)
	}
	n := int64(512)
	if hint > 0 && hint < max {
		n = hint + 1
	}
	buf := make([]byte, 0, n)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := cap(buf) - len(buf)
		if left := max + 1 - int64(len(buf)); int64(room) > left {
			room = int(left)
		}
		m, err := r.Read(buf[len(buf) : len(buf)+room])
		buf = buf[:len(buf)+m]
		if int64(len(buf)) > max {
			return nil, tooLarge(0, max)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// bare strips the *fs.PathError of an os error: the view adds its own.
func bare(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// The views implement FS, and fs.StatFS for fs.Stat and fs.WalkDir.
var (
	_ FS        = (*view)(nil)
	_ FS        = (*liveFS)(nil)
	_ FS        = (*prefixFS)(nil)
	_ fs.StatFS = (*view)(nil)
	_ fs.StatFS = (*liveFS)(nil)
	_ fs.StatFS = (*prefixFS)(nil)
)

// sizeString formats a byte count for messages: "64 MiB", "1000 bytes".
func sizeString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
