package source

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
)

// memFS is an in-memory bundle.FS for fuzzing: regular files, directories
// and links resolved inside the tree (a link leaving it is refused).
type memFS struct {
	files map[string][]byte
	links map[string]string
	dirs  map[string]map[string]fs.FileMode // dir -> entry -> type
}

func newMemFS(t tree) *memFS {
	m := &memFS{files: map[string][]byte{}, links: map[string]string{}, dirs: map[string]map[string]fs.FileMode{".": {}}}
	for name, content := range t {
		if strings.HasSuffix(name, "/") {
			m.addDir(strings.TrimSuffix(name, "/"))
			continue
		}
		if target, ok := strings.CutPrefix(content, "->"); ok {
			m.links[name] = target
			m.addEntry(name, fs.ModeSymlink)
			continue
		}
		m.files[name] = []byte(content)
		m.addEntry(name, 0)
	}
	return m
}

func (m *memFS) addDir(d string) {
	if d == "." || d == "" {
		return
	}
	if m.dirs[d] == nil {
		m.dirs[d] = map[string]fs.FileMode{}
	}
	m.addEntry(d, fs.ModeDir)
}

func (m *memFS) addEntry(name string, typ fs.FileMode) {
	dir := path.Dir(name)
	m.addDir(dir)
	m.dirs[dir][path.Base(name)] = typ
}

// resolve follows links in name (the last component too when follow).
func (m *memFS) resolve(name string, follow bool) (string, error) {
	if !fs.ValidPath(name) {
		return "", fmt.Errorf("%w: bad name", bundle.ErrRefused)
	}
	if name == "." {
		return ".", nil
	}
	parts := strings.Split(name, "/")
	cur := ""
	for hops, i := 0, 0; i < len(parts); i++ {
		next := path.Join(cur, parts[i])
		t, isLink := m.links[next]
		last := i == len(parts)-1
		if !isLink || (last && !follow) {
			cur = next
			continue
		}
		if hops++; hops > 40 {
			return "", fmt.Errorf("%w: too many links", bundle.ErrRefused)
		}
		target, err := joinLink(path.Dir(next), t)
		if err != nil {
			return "", err
		}
		parts = append(strings.Split(target, "/"), parts[i+1:]...)
		cur, i = "", -1
	}
	return cur, nil
}

func (m *memFS) ReadFile(name string) ([]byte, error) {
	p, err := m.resolve(name, true)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	if b, ok := m.files[p]; ok {
		return bytes.Clone(b), nil
	}
	return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
}

func (m *memFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := m.resolve(name, true)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	d, ok := m.dirs[p]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	out := make([]fs.DirEntry, 0, len(d))
	for n, typ := range d {
		out = append(out, memEntry{name: n, typ: typ})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

func (m *memFS) ReadLink(name string) (string, error) {
	p, err := m.resolve(name, false)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	if t, ok := m.links[p]; ok {
		return t, nil
	}
	return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
}

func (m *memFS) Lstat(name string) (fs.FileInfo, error) {
	p, err := m.resolve(name, false)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
	}
	return m.stat(name, p)
}

func (m *memFS) stat(name, p string) (fs.FileInfo, error) {
	switch {
	case m.links[p] != "":
		return memEntry{name: path.Base(name), typ: fs.ModeSymlink}, nil
	case m.files[p] != nil:
		return memEntry{name: path.Base(name), size: int64(len(m.files[p]))}, nil
	case m.dirs[p] != nil:
		return memEntry{name: path.Base(name), typ: fs.ModeDir}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

func (m *memFS) Open(name string) (fs.File, error) {
	p, err := m.resolve(name, true)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	fi, err := m.stat(name, p)
	if err != nil {
		return nil, err
	}
	return &memFile{info: fi, r: bytes.NewReader(m.files[p])}, nil
}

type memEntry struct {
	name string
	typ  fs.FileMode
	size int64
}

func (e memEntry) Name() string               { return e.name }
func (e memEntry) IsDir() bool                { return e.typ.IsDir() }
func (e memEntry) Type() fs.FileMode          { return e.typ.Type() }
func (e memEntry) Info() (fs.FileInfo, error) { return e, nil }
func (e memEntry) Size() int64                { return e.size }
func (e memEntry) Mode() fs.FileMode          { return e.typ | 0o444 }
func (e memEntry) ModTime() time.Time         { return time.Time{} }
func (e memEntry) Sys() any                   { return nil }

type memFile struct {
	info fs.FileInfo
	r    io.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }
