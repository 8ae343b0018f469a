package bundle

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// An archive bundle is streamed once by Open into an in-memory index; it is
// never extracted. Content policy: every regular member up to
// Limits.MaxFileSize is kept in memory (sosreports are mostly small text
// files, and the bundle package does not know which of them the loaders will
// want); a larger member is indexed without content and reading it is
// refused with "file too large". The bytes streamed out of the archive
// (headers, kept and skipped content alike) are bounded by
// Limits.MaxTotalSize, so the memory the index keeps is too. An archive over
// that budget is refused by Open before its data is decompressed: extract it
// and open the directory, which is read on demand.

// archiveBackend is the index of an archive. It is immutable after Open;
// close drops it.
type archiveBackend struct {
	idx atomic.Pointer[archiveIndex]
}

type archiveIndex struct {
	nodes map[string]*anode // canonical path -> node; "" is the top directory
	// skipped holds the names of members that were not indexed (device
	// nodes, FIFOs, anything under dev/, hard links to missing members),
	// so that asking for them says why instead of "does not exist".
	skipped map[string]string
	// bad records members whose names could not be indexed at all
	// (absolute, with a .. component), for diagnostics; capped.
	bad     []badMember
	members int   // headers read
	read    int64 // uncompressed bytes streamed
}

type badMember struct{ name, reason string }

const maxBadMembers = 100

// anode is one indexed member: a regular file, a symbolic link or a
// directory (explicit or implied by member paths).
type anode struct {
	mode     fs.FileMode
	mtime    time.Time
	size     int64
	data     []byte // regular files within the size cap
	refused  string // regular files: reading refused for this reason
	target   string // symbolic links
	children []string
}

var (
	gzipMagic  = []byte{0x1f, 0x8b}
	bzip2Magic = []byte("BZh")
	zstdMagic  = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

const notTarHint = "not a tar archive; decrypt secured-sosreport files with gpg first"

// openArchiveFile indexes the archive at path.
func openArchiveFile(path string, lim Limits) (*archiveBackend, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, refusal("open", path, reasonNotReg)
	}
	idx, err := indexArchive(f, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	be := &archiveBackend{}
	be.idx.Store(idx)
	return be, nil
}

// indexArchive detects the compression by magic bytes and indexes the tar
// inside.
func indexArchive(r io.Reader, lim Limits) (*archiveIndex, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	var dr io.Reader
	kind := ""
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		dr, kind = zr, "gzip"
	case bytes.HasPrefix(head, xzMagic):
		xr, err := newXZReader(br)
		if err != nil {
			return nil, err
		}
		dr, kind = xr, "xz"
	case bytes.HasPrefix(head, bzip2Magic) && len(head) >= 4 && head[3] >= '1' && head[3] <= '9':
		dr, kind = bzip2.NewReader(br), "bzip2"
	case bytes.HasPrefix(head, zstdMagic):
		return nil, errors.New("zstd-compressed archives are not supported; decompress with unzstd first")
	case isTarHeader(head):
		dr = br
	case looksPGP(head):
		return nil, errors.New("an OpenPGP-encrypted file, " + notTarHint)
	default:
		return nil, errors.New(notTarHint)
	}
	if kind != "" {
		tb := bufio.NewReaderSize(dr, 64<<10)
		h, err := tb.Peek(512)
		if err != nil && len(h) == 0 {
			if err == io.EOF {
				return nil, fmt.Errorf("%s data is empty: %s", kind, notTarHint)
			}
			return nil, fmt.Errorf("%s: %w", kind, err)
		}
		if !isTarHeader(h) {
			return nil, fmt.Errorf("%s data holds no tar: %s", kind, notTarHint)
		}
		dr = tb
	}
	return buildIndex(dr, lim)
}

// isTarHeader reports whether b starts with a tar header block (checksum
// verified; ustar, GNU and v7 alike) or an all-zero block (an empty archive).
func isTarHeader(b []byte) bool {
	if len(b) < 512 {
		return false
	}
	b = b[:512]
	zero := true
	for _, c := range b {
		if c != 0 {
			zero = false
			break
		}
	}
	if zero {
		return true
	}
	field := strings.TrimRight(strings.TrimLeft(string(b[148:156]), " \x00"), " \x00")
	if field == "" {
		return false
	}
	var want int64
	for _, c := range field {
		if c < '0' || c > '7' {
			return false
		}
		want = want*8 + int64(c-'0')
	}
	var unsigned, signed int64
	for i, c := range b {
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want == unsigned || want == signed
}

// looksPGP reports whether b starts like OpenPGP data: an armoured message,
// or a public-key or symmetric-key encrypted session key packet.
func looksPGP(b []byte) bool {
	if bytes.HasPrefix(b, []byte("-----BEGIN PGP")) {
		return true
	}
	if len(b) == 0 || b[0]&0x80 == 0 {
		return false
	}
	var tag byte
	if b[0]&0x40 != 0 {
		tag = b[0] & 0x3f
	} else {
		tag = (b[0] >> 2) & 0x0f
	}
	return tag == 1 || tag == 3
}

// errBudget is returned by budgetReader when the archive streams more
// uncompressed bytes than allowed.
var errBudget = errors.New("uncompressed size over budget")

// budgetReader counts the uncompressed bytes streamed and stops at max.
type budgetReader struct {
	r      io.Reader
	n, max int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	left := b.max + 1 - b.n
	if left <= 0 {
		return 0, errBudget
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.max {
		return n, errBudget
	}
	return n, err
}

// buildIndex streams the tar once.
func buildIndex(r io.Reader, lim Limits) (*archiveIndex, error) {
	idx := &archiveIndex{
		nodes:   map[string]*anode{"": {mode: fs.ModeDir | 0o755}},
		skipped: make(map[string]string),
	}
	br := &budgetReader{r: r, max: lim.MaxTotalSize}
	tr := tar.NewReader(br)
	tooBig := func() error {
		return refused("archive holds more than " + sizeString(lim.MaxTotalSize) + " uncompressed; extract it and pass the directory")
	}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, errBudget) {
				return nil, tooBig()
			}
			return nil, fmt.Errorf("reading tar after %d members: %w", idx.members, err)
		}
		idx.members++
		if idx.members > lim.MaxMembers {
			return nil, refused(fmt.Sprintf("archive has more than %d members", lim.MaxMembers))
		}
		if hdr.Size < 0 || hdr.Size > lim.MaxTotalSize-br.n {
			// Do not stream (or skip) data that would break the
			// budget anyway: a 3 GiB member of zeros fails here, at
			// its header.
			return nil, tooBig()
		}
		name, reason := cleanMember(hdr.Name)
		if reason != "" {
			if len(idx.bad) < maxBadMembers {
				idx.bad = append(idx.bad, badMember{hdr.Name, reason})
			}
			continue
		}
		if name == "" {
			continue // the "./" entry of the top directory
		}
		if d, ok := underDev(name); ok {
			const why = "under a dev/ directory, skipped"
			if _, indexed := idx.nodes[d]; !indexed {
				idx.skipped[d] = why
			}
			idx.skip(name, why)
			continue
		}
		mtime := hdr.ModTime
		perm := fs.FileMode(hdr.Mode) & fs.ModePerm
		switch hdr.Typeflag {
		case tar.TypeReg, '\x00', tar.TypeGNUSparse:
			n := &anode{mode: perm, mtime: mtime, size: hdr.Size}
			if hdr.Size > lim.MaxFileSize {
				n.refused = fmt.Sprintf("%s (%s, more than %s)", reasonTooLarge, sizeString(hdr.Size), sizeString(lim.MaxFileSize))
			} else {
				n.data = make([]byte, hdr.Size)
				if _, err := io.ReadFull(tr, n.data); err != nil {
					if errors.Is(err, errBudget) {
						return nil, tooBig()
					}
					return nil, fmt.Errorf("reading member %q: %w", name, noEOF(err))
				}
			}
			idx.add(name, n)
		case tar.TypeSymlink:
			idx.add(name, &anode{mode: fs.ModeSymlink | 0o777, mtime: mtime, target: hdr.Linkname})
		case tar.TypeLink:
			target, reason := cleanMember(hdr.Linkname)
			t := idx.nodes[target]
			if reason != "" || t == nil || !t.mode.IsRegular() {
				idx.skip(name, fmt.Sprintf("hard link to a missing member %q", hdr.Linkname))
				continue
			}
			alias := *t
			idx.add(name, &alias)
		case tar.TypeDir:
			idx.add(name, &anode{mode: fs.ModeDir | perm, mtime: mtime})
		case tar.TypeChar:
			idx.skip(name, reasonNotReg+" (character device)")
		case tar.TypeBlock:
			idx.skip(name, reasonNotReg+" (block device)")
		case tar.TypeFifo:
			idx.skip(name, reasonNotReg+" (FIFO)")
		default:
			idx.skip(name, fmt.Sprintf("unsupported tar member type %q", hdr.Typeflag))
		}
	}
	idx.read = br.n
	for _, n := range idx.nodes {
		if len(n.children) > 1 {
			slices.Sort(n.children)
		}
	}
	return idx, nil
}

// cleanMember normalises a member name: leading "./" and empty or "."
// components dropped; absolute names and ".." components rejected with a
// reason. The top directory gives "".
func cleanMember(raw string) (string, string) {
	if raw == "" {
		return "", "empty member name"
	}
	if strings.HasPrefix(raw, "/") {
		return "", "absolute member name"
	}
	if strings.IndexByte(raw, 0) >= 0 {
		return "", "NUL in member name"
	}
	parts := strings.Split(raw, "/")
	out := parts[:0]
	for _, p := range parts {
		switch p {
		case "", ".":
			continue
		case "..":
			return "", "member name has a .. component"
		}
		out = append(out, p)
	}
	name := strings.Join(out, "/")
	if name != "" && !fs.ValidPath(name) {
		return "", "invalid member name"
	}
	return name, ""
}

// underDev reports whether a directory component of name is "dev", and
// returns that directory.
func underDev(name string) (string, bool) {
	i := 0
	for {
		j := strings.IndexByte(name[i:], '/')
		if j < 0 {
			return "", false
		}
		if name[i:i+j] == "dev" {
			return name[:i+j], true
		}
		i += j + 1
	}
}

// skip records a member that is not indexed.
func (idx *archiveIndex) skip(name, reason string) {
	if _, ok := idx.nodes[name]; ok {
		return // an indexed member of the same name stays
	}
	idx.skipped[name] = reason
}

// add indexes n at name, creating implied parent directories. A later
// member of the same name replaces an earlier one, as tar extraction does.
func (idx *archiveIndex) add(name string, n *anode) {
	parent := idx.nodes[""]
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		d := name[:i]
		p := idx.nodes[d]
		if p == nil {
			p = &anode{mode: fs.ModeDir | 0o755}
			idx.nodes[d] = p
			delete(idx.skipped, d)
			parent.children = append(parent.children, d[strings.LastIndexByte(d, '/')+1:])
		} else if !p.mode.IsDir() {
			idx.skip(name, "parent is not a directory")
			return
		}
		parent = p
	}
	delete(idx.skipped, name)
	if old := idx.nodes[name]; old != nil {
		if old.mode.IsDir() && n.mode.IsDir() {
			old.mode, old.mtime = n.mode, n.mtime
			return
		}
		idx.nodes[name] = n
		return
	}
	idx.nodes[name] = n
	base := name
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		base = name[i+1:]
	}
	parent.children = append(parent.children, base)
}

func (a *archiveBackend) index() (*archiveIndex, error) {
	idx := a.idx.Load()
	if idx == nil {
		return nil, os.ErrClosed
	}
	return idx, nil
}

func (a *archiveBackend) node(p string) (*anode, error) {
	idx, err := a.index()
	if err != nil {
		return nil, err
	}
	if n := idx.nodes[p]; n != nil {
		return n, nil
	}
	if reason, ok := idx.skipped[p]; ok {
		return nil, refused(reason)
	}
	return nil, fs.ErrNotExist
}

func (a *archiveBackend) lstat(p string) (fs.FileInfo, error) {
	n, err := a.node(p)
	if err != nil {
		return nil, err
	}
	return n.info(p), nil
}

func (n *anode) info(p string) fs.FileInfo {
	name := p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		name = p[i+1:]
	}
	if name == "" {
		name = "."
	}
	size := n.size
	if n.mode&fs.ModeSymlink != 0 {
		size = int64(len(n.target))
	}
	return &fileInfo{name: name, size: size, mode: n.mode, mtime: n.mtime}
}

func (a *archiveBackend) readlink(p string) (string, error) {
	n, err := a.node(p)
	if err != nil {
		return "", err
	}
	if n.mode&fs.ModeSymlink == 0 {
		return "", errors.New("not a symbolic link")
	}
	return n.target, nil
}

// readFile returns a copy of the member's content (callers may modify it).
func (a *archiveBackend) readFile(p string) ([]byte, error) {
	n, err := a.node(p)
	if err != nil {
		return nil, err
	}
	if !n.mode.IsRegular() {
		return nil, refused(reasonNotReg)
	}
	if n.refused != "" {
		return nil, refused(n.refused)
	}
	return bytes.Clone(n.data), nil
}

func (a *archiveBackend) readDir(p string) ([]fs.DirEntry, error) {
	idx, err := a.index()
	if err != nil {
		return nil, err
	}
	n := idx.nodes[p]
	if n == nil {
		return nil, fs.ErrNotExist
	}
	if !n.mode.IsDir() {
		return nil, errNotDir
	}
	out := make([]fs.DirEntry, 0, len(n.children))
	for _, name := range n.children {
		cp := join(p, name)
		c := idx.nodes[cp]
		if c == nil {
			continue
		}
		info := c.info(cp)
		out = append(out, &dirEntry{name: name, typ: c.mode.Type(), info: func() (fs.FileInfo, error) { return info, nil }})
	}
	return out, nil
}

func (a *archiveBackend) close() error {
	a.idx.Store(nil)
	return nil
}
