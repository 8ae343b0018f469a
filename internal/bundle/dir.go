package bundle

import (
	"container/list"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
)

// dirCacheSize bounds the directory handles a directory bundle keeps open.
// Loaders read a directory's files together, so a small LRU suffices.
const dirCacheSize = 64

// dirBackend reads an extracted bundle directory through os.Root.
//
// The view resolves every link itself and hands the backend canonical paths
// (no links in any directory component), so os.Root never has to follow a
// link; it remains the kernel-enforced guarantee that no operation leaves the
// bundle even if the tree changes underneath (a racing rename or a link
// swapped in is still confined by os.Root).
//
// Speed: the view first offers every read and listing to the fast path
// (fast, Linux 5.6 and later: openat2 confined beneath the root, no link
// followed, about five system calls a file; see dirfast_linux.go), which
// answers only with data. What it declines (names through links, errors,
// refusals, older kernels) comes here. Opening "proc/1/task/1/stat" through
// os.Root walks five components with one openat and one close each, so this
// path keeps an os.Root for each recently used directory, opened once
// through the bundle's root, and opens files with a single-component name
// relative to it.
type dirBackend struct {
	root *os.Root
	lim  Limits
	// fast reads link-free names with a handful of system calls (Linux);
	// nil when unavailable. See dirfast_linux.go.
	fast *fastDir

	mu     sync.Mutex
	cache  map[string]*list.Element // canonical dir -> element of lru
	lru    *list.List               // of *cachedDir, most recent first
	closed bool
}

type cachedDir struct {
	path string
	root *os.Root
}

func newDirBackend(dir string, lim Limits) (*dirBackend, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &dirBackend{root: r, lim: lim, fast: newFastDir(dir, lim.MaxFileSize),
		cache: make(map[string]*list.Element), lru: list.New()}, nil
}

// dirRoot returns an os.Root for the canonical directory p, opened through
// the bundle's root.
func (d *dirBackend) dirRoot(p string) (*os.Root, error) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, os.ErrClosed
	}
	if p == "" {
		d.mu.Unlock()
		return d.root, nil
	}
	if e, ok := d.cache[p]; ok {
		d.lru.MoveToFront(e)
		r := e.Value.(*cachedDir).root
		d.mu.Unlock()
		return r, nil
	}
	// Open p relative to its parent when that is at hand (one openat)
	// rather than walking every component from the top.
	parent, base := d.root, p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		if e, ok := d.cache[p[:i]]; ok {
			parent, base = e.Value.(*cachedDir).root, p[i+1:]
		}
	}
	d.mu.Unlock()

	r, err := parent.OpenRoot(base)
	if err != nil && parent != d.root && errors.Is(err, os.ErrClosed) {
		r, err = d.root.OpenRoot(p) // the parent was evicted meanwhile
	}
	if err != nil {
		return nil, bare(err)
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		r.Close()
		return nil, os.ErrClosed
	}
	if e, ok := d.cache[p]; ok { // another goroutine was faster
		r.Close()
		d.lru.MoveToFront(e)
		return e.Value.(*cachedDir).root, nil
	}
	d.cache[p] = d.lru.PushFront(&cachedDir{path: p, root: r})
	if d.lru.Len() > dirCacheSize {
		old := d.lru.Back()
		c := d.lru.Remove(old).(*cachedDir)
		delete(d.cache, c.path)
		// os.Root counts the operations in flight and closes the
		// descriptor after the last; later ones get os.ErrClosed and
		// are retried by inDir.
		c.root.Close()
	}
	return r, nil
}

// inDir runs f with the os.Root of p's directory and p's last component.
func (d *dirBackend) inDir(p string, f func(r *os.Root, leaf string) error) error {
	dir, leaf := parentOf(p), p
	if dir != "" {
		leaf = p[len(dir)+1:]
	}
	for try := 0; ; try++ {
		r, err := d.dirRoot(dir)
		if err != nil {
			return err
		}
		err = f(r, leaf)
		if try == 0 && errors.Is(err, os.ErrClosed) && !d.isClosed() {
			continue // evicted from the cache meanwhile
		}
		return err
	}
}

func (d *dirBackend) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

func (d *dirBackend) lstat(p string) (fs.FileInfo, error) {
	if p == "" {
		if d.isClosed() {
			return nil, os.ErrClosed
		}
		fi, err := d.root.Stat(".")
		return fi, bare(err)
	}
	var fi fs.FileInfo
	err := d.inDir(p, func(r *os.Root, leaf string) error {
		var err error
		fi, err = r.Lstat(leaf)
		return err
	})
	return fi, bare(err)
}

func (d *dirBackend) readlink(p string) (string, error) {
	var t string
	err := d.inDir(p, func(r *os.Root, leaf string) error {
		var err error
		t, err = r.Readlink(leaf)
		return err
	})
	return t, bare(err)
}

// readFile opens p without blocking (a FIFO swapped in after the view's
// Lstat would otherwise block in open), checks the opened file is regular,
// and reads it to EOF under the size cap.
func (d *dirBackend) readFile(p string) ([]byte, error) {
	var data []byte
	err := d.inDir(p, func(r *os.Root, leaf string) error {
		f, err := r.OpenFile(leaf, openFlags, 0)
		if err != nil {
			// On a nodev file system opening a device node fails with
			// EACCES: say why.
			if errors.Is(err, fs.ErrPermission) {
				if fi, lerr := r.Lstat(leaf); lerr == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
					return refused(reasonNotReg)
				}
			}
			return err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return refused(reasonNotReg)
		}
		data, err = readCapped(f, fi.Size(), d.lim.MaxFileSize)
		return err
	})
	return data, bare(err)
}

// readDirFast lists the canonical, link-free directory p with the fast
// path; ok is false when the caller must take the slow path.
func (d *dirBackend) readDirFast(p string) ([]fs.DirEntry, bool) {
	return d.fast.list(p, d.lim.MaxMembers, func(name string, typ fs.FileMode) fs.DirEntry {
		return d.entry(p, name, typ)
	})
}

// entry makes the directory entry name of the canonical directory p.
func (d *dirBackend) entry(p, name string, typ fs.FileMode) fs.DirEntry {
	return &dirDirent{name: name, typ: typ, d: d, dir: p}
}

// dirDirent is an entry of a directory bundle's listing; Info looks the
// entry up through the backend (never through a plain path).
type dirDirent struct {
	name string
	typ  fs.FileMode
	d    *dirBackend
	dir  string
}

func (e *dirDirent) Name() string      { return e.name }
func (e *dirDirent) IsDir() bool       { return e.typ.IsDir() }
func (e *dirDirent) Type() fs.FileMode { return e.typ }
func (e *dirDirent) String() string    { return fs.FormatDirEntry(e) }
func (e *dirDirent) Info() (fs.FileInfo, error) {
	fi, err := e.d.lstat(join(e.dir, e.name))
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: e.name, Err: err}
	}
	return fi, nil
}

// readFast reads the regular file at the canonical, link-free path p with
// the fast path; ok is false when the view must resolve p itself.
func (d *dirBackend) readFast(p string, _ bool) ([]byte, bool) {
	return d.fast.read(p)
}

func (d *dirBackend) readDir(p string) ([]fs.DirEntry, error) {
	if ents, ok := d.readDirFast(p); ok {
		return ents, nil
	}
	var f *os.File
	for try := 0; ; try++ {
		r, err := d.dirRoot(p)
		if err != nil {
			return nil, err
		}
		f, err = r.Open(".")
		if err == nil {
			break
		}
		if try > 0 || !errors.Is(err, os.ErrClosed) || d.isClosed() {
			return nil, bare(err)
		}
	}
	defer f.Close()
	var out []fs.DirEntry
	for {
		chunk, err := f.ReadDir(1024)
		for _, e := range chunk {
			out = append(out, d.entry(p, e.Name(), e.Type()))
		}
		if len(out) > d.lim.MaxMembers {
			return nil, refused(fmt.Sprintf("directory has more than %d entries", d.lim.MaxMembers))
		}
		if err == io.EOF || (err == nil && len(chunk) == 0) {
			break
		}
		if err != nil {
			return nil, bare(err)
		}
	}
	sortEntries(out)
	return out, nil
}

func (d *dirBackend) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	d.fast.close()
	for e := d.lru.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedDir).root.Close()
	}
	d.lru.Init()
	clear(d.cache)
	return d.root.Close()
}
