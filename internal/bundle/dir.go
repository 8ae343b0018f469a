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
// Speed: opening "proc/1/task/1/stat" through os.Root walks five components
// with one openat and one close each. To keep the hot path (thousands of
// small files) near plain os.ReadFile cost, the backend keeps an os.Root
// for each recently used directory, opened once through the bundle's root,
// and opens files with a single-component name relative to it.
type dirBackend struct {
	root *os.Root
	lim  Limits

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
	return &dirBackend{root: r, lim: lim, cache: make(map[string]*list.Element), lru: list.New()}, nil
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

func (d *dirBackend) readDir(p string) ([]fs.DirEntry, error) {
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
			name := e.Name()
			out = append(out, &dirEntry{name: name, typ: e.Type(), info: func() (fs.FileInfo, error) {
				fi, err := d.lstat(join(p, name))
				if err != nil {
					return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
				}
				return fi, nil
			}})
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
	for e := d.lru.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedDir).root.Close()
	}
	d.lru.Init()
	clear(d.cache)
	return d.root.Close()
}
