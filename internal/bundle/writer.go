package bundle

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Writer writes a .tar.gz bundle (for `netdoctor collect`). Names are
// relative (fs.ValidPath); only regular files (mode 0644) and symbolic links
// are written, plus one entry (mode 0755) for each parent directory the
// first time it is needed, so that plain `tar xzf` extracts the bundle.
// Members appear in call order, so the same calls give the same bytes.
// Writer is not safe for concurrent use.
//
// The tar headers are formatted here rather than by archive/tar: a collect
// of a host with 10,000 threads writes some 30,000 small members per
// sample, and archive/tar's general header code (format negotiation,
// per-field checks) cost more than compressing them. The format is POSIX
// ustar, with a PAX record for a name or link target that does not fit
// ustar's fields or is not ASCII, as archive/tar does; archive/tar, this
// package's reader and GNU tar read it back (TestWriterMatchesArchiveTar).
type Writer struct {
	buf   []byte                // tar stream not yet handed to the compressor
	names map[string]memberKind // written names
	err   error                 // sticky
	c     *compressor
}

// NewWriter returns a Writer writing a gzip-compressed tar to w. It
// compresses at gzip's fastest level (collect writes while the host is
// being sampled, and /proc text compresses well at any level), on a
// goroutine of its own, so that formatting the tar stream and compressing
// it use two CPUs. Close finishes the archive and ends that goroutine; it
// must be called, also after an error. It does not close w.
func NewWriter(w io.Writer) *Writer {
	c := newCompressor(w)
	return &Writer{buf: c.take(), names: make(map[string]memberKind), c: c}
}

// memberKind is what a written name is.
type memberKind uint8

const (
	memberFile memberKind = iota + 1 // the zero value: not written
	memberSymlink
	memberDir
)

// ErrWritten is the error of writing a name a second time.
var ErrWritten = errors.New("already written")

// errWriterClosed is returned by a Writer used after Close.
var errWriterClosed = errors.New("bundle writer closed")

// File writes a regular file.
func (w *Writer) File(name string, data []byte, mtime time.Time) error {
	if err := w.begin(name, mtime); err != nil {
		return err
	}
	w.header(tar.TypeReg, name, "", 0o644, int64(len(data)), mtime)
	w.body(data)
	w.names[name] = memberFile
	return w.flush(name)
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
	w.header(tar.TypeSymlink, name, target, 0o777, 0, mtime)
	w.names[name] = memberSymlink
	return w.flush(name)
}

// Link writes a hard link to target, a regular file this Writer has
// already written: a member whose content is an earlier member's costs a
// header, not its bytes again. Readers take the link as a copy of the
// target (this package's reader, archive/tar, GNU tar).
func (w *Writer) Link(name, target string, mtime time.Time) error {
	if w.names[target] != memberFile {
		return &fs.PathError{Op: "link", Path: name, Err: fmt.Errorf("%w: %q", ErrNoTarget, target)}
	}
	if err := w.begin(name, mtime); err != nil {
		return err
	}
	w.header(tar.TypeLink, name, target, 0o644, 0, mtime)
	w.names[name] = memberFile
	return w.flush(name)
}

// ErrNoTarget is the error of a hard link to a name not written as a
// regular file.
var ErrNoTarget = errors.New("link target not written as a regular file")

// begin validates name and writes the entries of its missing parents.
func (w *Writer) begin(name string, mtime time.Time) error {
	if w.err != nil {
		return w.err
	}
	if !fs.ValidPath(name) || name == "." || strings.IndexByte(name, 0) >= 0 {
		return &fs.PathError{Op: "write", Path: name, Err: errors.New("not a valid relative name")}
	}
	if _, dup := w.names[name]; dup {
		return &fs.PathError{Op: "write", Path: name, Err: ErrWritten}
	}
	// A directory is written after its parents: when the parent is one,
	// every ancestor is (the common case, one lookup instead of one per
	// level).
	if i := strings.LastIndexByte(name, '/'); i > 0 && w.names[name[:i]] == memberDir {
		return nil
	}
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		dir := name[:i]
		kind, seen := w.names[dir]
		if seen && kind != memberDir {
			return &fs.PathError{Op: "write", Path: name, Err: fmt.Errorf("parent %s is not a directory", dir)}
		}
		if seen {
			continue
		}
		w.header(tar.TypeDir, dir+"/", "", 0o755, 0, mtime)
		w.names[dir] = memberDir
	}
	return nil
}

// fail makes err sticky.
func (w *Writer) fail(name string, err error) error {
	w.err = &fs.PathError{Op: "write", Path: name, Err: err}
	return w.err
}

// Close writes the end of the archive, waits for the compressor to
// finish and returns the first error of the whole archive, if any.
func (w *Writer) Close() error {
	if errors.Is(w.err, errWriterClosed) {
		return nil
	}
	if w.err == nil {
		// The end of a tar archive is two zero blocks.
		w.buf = append(w.buf, zeroBlock[:]...)
		w.buf = append(w.buf, zeroBlock[:]...)
		w.c.give(w.buf)
	}
	w.buf = nil
	cerr := w.c.close()
	if w.err == nil && cerr != nil {
		w.err = &fs.PathError{Op: "write", Path: "archive", Err: cerr}
	}
	if w.err != nil {
		err := w.err
		w.err = fmt.Errorf("%w after: %w", errWriterClosed, err)
		return err
	}
	w.err = errWriterClosed
	return nil
}

// Tar stream sizes: the block, and how much of the stream is gathered
// before it goes to the compressor (fewer, larger writes into gzip).
const (
	blockSize = 512
	flushSize = 64 << 10
)

var zeroBlock [blockSize]byte

// flush hands the gathered stream to the compressor once it is large
// enough, and reports a compression error as soon as it is known.
func (w *Writer) flush(name string) error {
	if len(w.buf) >= flushSize {
		w.c.give(w.buf)
		w.buf = w.c.take()
	}
	if err := w.c.failed(); err != nil {
		return w.fail(name, err)
	}
	return nil
}

// compressor gzips the tar stream on its own goroutine. Buffers go to it
// full through full and come back empty through empty; a few of them
// bound how far the tar formatting runs ahead.
type compressor struct {
	full, empty chan []byte
	done        chan struct{}
	mu          sync.Mutex
	err         error
}

// compressorBuffers is how many stream buffers a Writer cycles through.
const compressorBuffers = 4

func newCompressor(w io.Writer) *compressor {
	c := &compressor{
		full:  make(chan []byte, compressorBuffers),
		empty: make(chan []byte, compressorBuffers),
		done:  make(chan struct{}),
	}
	for i := 0; i < compressorBuffers; i++ {
		c.empty <- make([]byte, 0, flushSize+blockSize)
	}
	// gzip writes its output a few hundred bytes at a time: a buffer
	// makes that a few large writes to w (a file: system calls).
	out := bufio.NewWriterSize(w, flushSize)
	gz, _ := gzip.NewWriterLevel(out, gzip.BestSpeed) // the level is valid
	go func() {
		defer close(c.done)
		var err error
		for b := range c.full {
			if err == nil {
				if _, err = gz.Write(b); err != nil {
					c.setErr(err)
				}
			}
			c.empty <- b[:0]
		}
		if err == nil {
			if err = gz.Close(); err == nil {
				err = out.Flush()
			}
			c.setErr(err)
		}
	}()
	return c
}

func (c *compressor) take() []byte  { return <-c.empty }
func (c *compressor) give(b []byte) { c.full <- b }

func (c *compressor) setErr(err error) {
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
}

// failed is the compressor's error so far.
func (c *compressor) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// close waits for everything given to be compressed and returns the error.
func (c *compressor) close() error {
	close(c.full)
	<-c.done
	return c.failed()
}

// Offsets and sizes of the ustar header fields netdoctor fills.
const (
	hdrName     = 0   // 100 bytes
	hdrMode     = 100 // 8
	hdrUID      = 108 // 8
	hdrGID      = 116 // 8
	hdrSize     = 124 // 12
	hdrMtime    = 136 // 12
	hdrChksum   = 148 // 8
	hdrType     = 156 // 1
	hdrLink     = 157 // 100
	hdrMagic    = 257 // "ustar\x00" "00"
	hdrDevMajor = 329 // 8
	hdrDevMinor = 337 // 8
	hdrPrefix   = 345 // 155
)

// header appends the header block of one member to the stream, preceded
// by a PAX extended header when name or link does not fit ustar.
func (w *Writer) header(typ byte, name, link string, mode, size int64, mtime time.Time) {
	secs := mtime.Unix()
	if secs < 0 || mtime.IsZero() {
		secs = 0 // ustar holds no time before 1970
	}
	prefix, short, fits := splitUstarName(name)
	linkFits := len(link) <= 100 && isASCII(link)
	if !fits || !linkFits {
		var rec []byte
		if !fits {
			rec = appendPAXRecord(rec, "path", name)
			prefix, short = "", asciiTail(name, 100)
		}
		if !linkFits {
			rec = appendPAXRecord(rec, "linkpath", link)
			link = asciiTail(link, 100)
		}
		w.block(tar.TypeXHeader, "", asciiTail("PaxHeaders.0/"+path.Base(name), 100), "", 0o644, int64(len(rec)), secs)
		w.body(rec)
	}
	w.block(typ, prefix, short, link, mode, size, secs)
}

// body appends a member's content, padded to whole blocks.
func (w *Writer) body(data []byte) {
	w.buf = append(w.buf, data...)
	if pad := len(data) % blockSize; pad != 0 {
		w.buf = append(w.buf, zeroBlock[:blockSize-pad]...)
	}
}

// block appends one ustar header block.
func (w *Writer) block(typ byte, prefix, name, link string, mode, size, secs int64) {
	n := len(w.buf)
	w.buf = append(w.buf, zeroBlock[:]...)
	b := w.buf[n : n+blockSize]
	copy(b[hdrName:hdrName+100], name)
	putOctal(b[hdrMode:hdrMode+8], mode)
	putOctal(b[hdrUID:hdrUID+8], 0)
	putOctal(b[hdrGID:hdrGID+8], 0)
	putOctal(b[hdrSize:hdrSize+12], size)
	putOctal(b[hdrMtime:hdrMtime+12], secs)
	b[hdrType] = typ
	copy(b[hdrLink:hdrLink+100], link)
	copy(b[hdrMagic:], "ustar\x0000")
	putOctal(b[hdrDevMajor:hdrDevMajor+8], 0)
	putOctal(b[hdrDevMinor:hdrDevMinor+8], 0)
	copy(b[hdrPrefix:hdrPrefix+155], prefix)
	// The checksum is the sum of the header's bytes with its own field
	// counted as spaces, as six octal digits, a NUL and a space. The
	// bytes after the prefix are zero.
	copy(b[hdrChksum:hdrChksum+8], "        ")
	sum := int64(0)
	for _, c := range b[:hdrPrefix+len(prefix)] {
		sum += int64(c)
	}
	putOctal(b[hdrChksum:hdrChksum+7], sum)
	b[hdrChksum+7] = ' '
}

// putOctal writes v as zero-padded octal digits filling f but for a final
// NUL. v is never negative and always fits: sizes are capped well below
// 8 GiB and times are seconds before the year 2242.
func putOctal(f []byte, v int64) {
	i := len(f) - 1
	f[i] = 0
	for i--; i >= 0; i-- {
		f[i] = byte('0' + v&7)
		v >>= 3
	}
}

// splitUstarName fits name into ustar's name (100 bytes) and prefix (155
// bytes) fields, split at a slash; fits is false when it cannot or when
// name is not ASCII.
func splitUstarName(name string) (prefix, short string, fits bool) {
	if !isASCII(name) {
		return "", "", false
	}
	if len(name) <= 100 {
		return "", name, true
	}
	// The longest prefix that leaves a non-empty name of at most 100.
	for i := min(len(name)-1, 155); i > 0; i-- {
		if name[i] == '/' && len(name)-i-1 <= 100 && i+1 < len(name) {
			return name[:i], name[i+1:], true
		}
	}
	return "", "", false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiTail is the last n bytes of s with non-ASCII bytes replaced: the
// stand-in name ustar carries where a PAX record holds the real one.
func asciiTail(s string, n int) string {
	if len(s) > n {
		s = s[len(s)-n:]
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 0x80 {
			b[i] = '_'
		}
	}
	return string(b)
}

// appendPAXRecord appends "LEN key=value\n", LEN counting the whole record.
func appendPAXRecord(b []byte, key, value string) []byte {
	size := len(key) + len(value) + 3 // ' ', '=', '\n'
	size += len(strconv.Itoa(size))
	if n := len(strconv.Itoa(size)) + len(key) + len(value) + 3; n != size {
		size = n
	}
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, ' ')
	b = append(b, key...)
	b = append(b, '=')
	b = append(b, value...)
	return append(b, '\n')
}
