package fixturegen

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// tree is a bundle built in memory: regular files, symbolic links and
// empty directories by slash-separated relative path. It is flushed to disk
// in one go, which keeps the writers simple and the output deterministic.
type tree struct {
	files map[string][]byte
	links map[string]string
	dirs  map[string]bool
}

func newTree() *tree {
	return &tree{files: map[string][]byte{}, links: map[string]string{}, dirs: map[string]bool{}}
}

// file sets the content of a regular file.
func (t *tree) file(p string, b []byte) { t.files[p] = b }

// text sets the content of a regular file from a string.
func (t *tree) text(p, s string) { t.files[p] = []byte(s) }

// line sets a file holding one line (value and a newline).
func (t *tree) line(p, s string) { t.files[p] = []byte(s + "\n") }

// link makes p a symbolic link to target (relative, as sos stores them).
func (t *tree) link(p, target string) { t.links[p] = target }

// dir makes an (empty) directory.
func (t *tree) dir(p string) { t.dirs[p] = true }

// size is the number of files and links.
func (t *tree) size() int { return len(t.files) + len(t.links) }

// check refuses a tree where one path is both a file (or link) and a
// directory, or a path is not clean and relative.
func (t *tree) check() error {
	parents := map[string]bool{}
	add := func(p string) error {
		if p == "" || path.IsAbs(p) || path.Clean(p) != p || strings.HasPrefix(p, "../") {
			return fmt.Errorf("fixturegen: bad path %q", p)
		}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			parents[d] = true
		}
		return nil
	}
	for p := range t.files {
		if err := add(p); err != nil {
			return err
		}
	}
	for p := range t.links {
		if err := add(p); err != nil {
			return err
		}
		if _, ok := t.files[p]; ok {
			return fmt.Errorf("fixturegen: %s is both a file and a link", p)
		}
	}
	for p := range t.dirs {
		if err := add(p); err != nil {
			return err
		}
	}
	for p := range parents {
		if _, ok := t.files[p]; ok {
			return fmt.Errorf("fixturegen: %s is both a file and a directory", p)
		}
		if _, ok := t.links[p]; ok {
			return fmt.Errorf("fixturegen: %s is both a link and a directory", p)
		}
	}
	return nil
}

// flush writes the tree below root (which must exist). Files are written
// by several workers: a 512-CPU host has tens of thousands of them.
func (t *tree) flush(root string) error {
	if err := t.check(); err != nil {
		return err
	}
	dirSet := map[string]bool{}
	for p := range t.dirs {
		dirSet[p] = true
	}
	for _, m := range []map[string]bool{keysOf(t.files), keysOf(t.links), t.dirs} {
		for p := range m {
			for d := path.Dir(p); d != "."; d = path.Dir(d) {
				if dirSet[d] {
					break
				}
				dirSet[d] = true
			}
		}
	}
	// Directories level by level (parents first), each level in parallel.
	byDepth := map[int][]string{}
	maxDepth := 0
	for d := range dirSet {
		n := strings.Count(d, "/")
		byDepth[n] = append(byDepth[n], d)
		maxDepth = max(maxDepth, n)
	}
	for depth := 0; depth <= maxDepth; depth++ {
		level := byDepth[depth]
		sort.Strings(level)
		err := parallel(level, func(d string) error {
			if err := os.Mkdir(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil && !errors.Is(err, os.ErrExist) {
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	names := make([]string, 0, len(t.files))
	for p := range t.files {
		names = append(names, p)
	}
	sort.Strings(names)
	err := parallel(names, func(p string) error {
		return os.WriteFile(filepath.Join(root, filepath.FromSlash(p)), t.files[p], 0o644)
	})
	if err != nil {
		return err
	}
	links := make([]string, 0, len(t.links))
	for p := range t.links {
		links = append(links, p)
	}
	sort.Strings(links)
	for _, p := range links {
		if err := os.Symlink(t.links[p], filepath.Join(root, filepath.FromSlash(p))); err != nil {
			return err
		}
	}
	return nil
}

// parallel runs do on every item with several workers (file creation is
// bound by I/O latency, not CPU) and returns the first error.
func parallel(items []string, do func(string) error) error {
	if len(items) == 0 {
		return nil
	}
	work := make(chan string)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	for w := 0; w < min(len(items), max(16, runtime.GOMAXPROCS(0)*4)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if err := do(p); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}
		}()
	}
	for _, p := range items {
		work <- p
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}
