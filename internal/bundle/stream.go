package bundle

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
)

// MaxStreamSize bounds a file read through OpenStream: far above any
// /proc/interrupts (about 600 MB a sample at 4096 CPUs with 12,000 IRQs),
// low enough that a hostile sparse file of a terabyte is refused after a
// few seconds of reading rather than read to its end.
const MaxStreamSize int64 = 4 << 30

// OpenStream opens the regular file name of fsys for a parser that reads
// it one line at a time and keeps only what its model needs: where the
// bundle reads files on demand (a directory bundle, Live) the file is read
// straight from disk under MaxStreamSize instead of the per-file cap
// Limits.MaxFileSize, so a file larger than that cap is read whole
// without being held in memory. An archive's members are already in its
// index (bounded by Limits.MaxFileSize and MaxTotalSize): they are read
// from there. Reading past MaxStreamSize fails with ErrTooLarge. Every
// other rule of the view holds (links inside the root, regular files
// only).
func OpenStream(fsys FS, name string) (io.ReadCloser, error) {
	switch v := fsys.(type) {
	case *view:
		return v.openStream(name)
	case *liveFS:
		return v.openStream(name)
	}
	b, err := fsys.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// streamer is a backend that can open a regular file for streaming.
type streamer interface {
	openStream(p string) (*os.File, error)
}

func (v *view) openStream(name string) (io.ReadCloser, error) {
	if err := v.check("open", name); err != nil {
		return nil, err
	}
	canon, fi, err := v.resolve(name, true)
	if err != nil {
		return nil, v.pathErr("open", name, err)
	}
	switch {
	case fi.Mode().IsRegular():
	case fi.IsDir():
		return nil, v.pathErr("open", name, errIsDir)
	default:
		return nil, v.pathErr("open", name, refused(reasonNotReg))
	}
	s, ok := v.be.(streamer)
	if !ok {
		var data []byte
		if sr, ok := v.be.(sharedReader); ok {
			data, err = sr.readFileShared(canon)
		} else {
			data, err = v.be.readFile(canon)
		}
		if err != nil {
			return nil, v.pathErr("open", name, err)
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	f, err := s.openStream(canon)
	if err != nil {
		return nil, v.pathErr("open", name, err)
	}
	return &cappedFile{f: f, left: MaxStreamSize, name: name}, nil
}

// openStream opens the regular file p of a directory bundle; its size,
// when the file system states it, is checked against MaxStreamSize first.
func (d *dirBackend) openStream(p string) (*os.File, error) {
	var out *os.File
	err := d.inDir(p, func(r *os.Root, leaf string) error {
		f, err := r.OpenFile(leaf, openFlags, 0)
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err == nil && !fi.Mode().IsRegular() {
			err = refused(reasonNotReg)
		}
		if err == nil && fi.Size() > MaxStreamSize {
			err = tooLarge(fi.Size(), MaxStreamSize)
		}
		if err != nil {
			f.Close()
			return err
		}
		out = f
		return nil
	})
	return out, bare(err)
}

func (l *liveFS) openStream(name string) (io.ReadCloser, error) {
	p, err := l.path("open", name)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: p, Err: errIsDir}
	}
	if !fi.Mode().IsRegular() {
		return nil, refusal("open", p, reasonNotReg)
	}
	f, err := os.OpenFile(p, openFlags, 0)
	if err != nil {
		return nil, err
	}
	if ofi, err := f.Stat(); err != nil || !ofi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = refusal("open", p, reasonNotReg)
		}
		return nil, err
	}
	return &cappedFile{f: f, left: MaxStreamSize, name: p}, nil
}

// cappedFile reads f and fails with ErrTooLarge past its budget.
type cappedFile struct {
	f    *os.File
	left int64
	name string
}

func (c *cappedFile) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, &fs.PathError{Op: "read", Path: quoteName(c.name), Err: tooLarge(0, MaxStreamSize)}
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.f.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, &fs.PathError{Op: "read", Path: quoteName(c.name), Err: tooLarge(0, MaxStreamSize)}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = &fs.PathError{Op: "read", Path: quoteName(c.name), Err: bare(err)}
	}
	return n, err
}

func (c *cappedFile) Close() error { return c.f.Close() }
