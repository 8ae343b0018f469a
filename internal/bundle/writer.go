package bundle

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"
)

// Writer writes a .tar.gz bundle (for `netdoctor collect`). Names are
// relative (fs.ValidPath); only regular files (mode 0644) and symbolic links
// are written, plus one entry (mode 0755) for each parent directory the
// first time it is needed, so that plain `tar xzf` extracts the bundle.
// Members appear in call order, so the same calls give the same bytes.
// Writer is not safe for concurrent use.
type Writer struct {
	gz    *gzip.Writer
	tw    *tar.Writer
	names map[string]bool // written names -> is a directory
	err   error           // sticky
}

// NewWriter returns a Writer writing a gzip-compressed tar to w. Close
// finishes the archive; it does not close w. It compresses at gzip's
// fastest level: collect writes while the host is being sampled, and
// /proc text compresses well at any level.
func NewWriter(w io.Writer) *Writer {
	gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed) // the level is valid
	return &Writer{gz: gz, tw: tar.NewWriter(gz), names: make(map[string]bool)}
}

// errWriterClosed is returned by a Writer used after Close.
var errWriterClosed = errors.New("bundle writer closed")

// File writes a regular file.
func (w *Writer) File(name string, data []byte, mtime time.Time) error {
	if err := w.begin(name, mtime); err != nil {
		return err
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Mode:     0o644,
		Size:     int64(len(data)),
		ModTime:  mtime,
	}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return w.fail(name, err)
	}
	if _, err := w.tw.Write(data); err != nil {
		return w.fail(name, err)
	}
	w.names[name] = false
	return nil
}

// Symlink writes a symbolic link. The target must be relative and must stay
// inside the bundle, since readers refuse anything else.
func (w *Writer) Symlink(name, target string, mtime time.Time) error {
	switch {
	case target == "" || strings.IndexByte(target, 0) >= 0:
		return &fs.PathError{Op: "symlink", Path: name, Err: errors.New("empty or invalid link target")}
	case strings.HasPrefix(target, "/"):
		return &fs.PathError{Op: "symlink", Path: name, Err: fmt.Errorf("absolute link target %q", target)}
	}
	if t := path.Join(path.Dir(name), target); t == ".." || strings.HasPrefix(t, "../") {
		return &fs.PathError{Op: "symlink", Path: name, Err: fmt.Errorf("link target %q leaves the bundle", target)}
	}
	if err := w.begin(name, mtime); err != nil {
		return err
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeSymlink,
		Name:     name,
		Linkname: target,
		Mode:     0o777,
		ModTime:  mtime,
	}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return w.fail(name, err)
	}
	w.names[name] = false
	return nil
}

// begin validates name and writes the entries of its missing parents.
func (w *Writer) begin(name string, mtime time.Time) error {
	if w.err != nil {
		return w.err
	}
	if !fs.ValidPath(name) || name == "." || strings.IndexByte(name, 0) >= 0 {
		return &fs.PathError{Op: "write", Path: name, Err: errors.New("not a valid relative name")}
	}
	if _, dup := w.names[name]; dup {
		return &fs.PathError{Op: "write", Path: name, Err: errors.New("already written")}
	}
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		dir := name[:i]
		isDir, seen := w.names[dir]
		if seen && !isDir {
			return &fs.PathError{Op: "write", Path: name, Err: fmt.Errorf("parent %s is not a directory", dir)}
		}
		if seen {
			continue
		}
		hdr := &tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755, ModTime: mtime}
		if err := w.tw.WriteHeader(hdr); err != nil {
			return w.fail(dir, err)
		}
		w.names[dir] = true
	}
	return nil
}

// fail makes err sticky.
func (w *Writer) fail(name string, err error) error {
	w.err = &fs.PathError{Op: "write", Path: name, Err: err}
	return w.err
}

// Close writes the end of the archive and flushes the compressor.
func (w *Writer) Close() error {
	if errors.Is(w.err, errWriterClosed) {
		return nil
	}
	if w.err != nil {
		return w.err
	}
	if err := w.tw.Close(); err != nil {
		w.err = err
		return err
	}
	if err := w.gz.Close(); err != nil {
		w.err = err
		return err
	}
	w.err = errWriterClosed
	return nil
}
