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
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// An archive bundle is streamed once by Open into an in-memory index; it is
// never extracted. Content policy: every regular member up to
// Limits.MaxFileSize is kept in memory, unless OpenKeep was given a keep
// function that declines it (a sosreport carries gigabytes of logs a
// loader never reads); a member over the cap, or declined, is indexed
// without content (it is listed and Lstat describes it) and reading it is
// refused with the reason ("file too large", or ErrNotKept). A sparse
// member is indexed the same way and never read: its holes are not
// expanded. The bytes streamed out of the archive (headers, kept and
// skipped content alike, and the holes of sparse members) are bounded by
// Limits.MaxTotalSize, so the memory the index keeps is too.
// An archive over that budget is refused by Open before its data is
// decompressed: extract it and open the directory, which is read on demand.
//
// Speed: decompression runs in its own goroutine, ahead of the indexing
// (aheadReader); the tar is parsed by tarStream (falling back to
// archive/tar for anything unusual); kept contents share large arena
// blocks and nodes come from slabs, so a member costs a few allocations.

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
	members int   // headers read, and directories they imply
	read    int64 // uncompressed bytes streamed
	// ended is set when the archive ended with tar's end-of-archive
	// block; a plain tar cut at a member boundary ends without it.
	ended bool
}

// ErrNotKept is wrapped by the error of reading an archive member whose
// content was not kept because the keep function given to OpenKeep
// declined it. It wraps ErrRefused too.
var ErrNotKept = fmt.Errorf("%w: %s", ErrRefused, reasonNotKept)

// reasonNotKept says why a member's content is not in the index.
const reasonNotKept = "not loaded: outside the inputs netdoctor reads"

type badMember struct{ name, reason string }

const maxBadMembers = 100

// anode is one indexed member: a regular file, a symbolic link or a
// directory (explicit or implied by member paths).
type anode struct {
	sec, size int64  // modification time (seconds) and size
	data      []byte // regular files within the size cap
	refused   string // regular files: reading refused for this reason
	target    string // symbolic links
	dir       *adir  // directories
	mode      fs.FileMode
	nsec      int32 // modification time (nanoseconds)
	notKept   bool  // regular files: content declined by the keep function
	// clean is set after indexing for nodes whose every ancestor is a
	// directory node (no link on the way): their canonical path is their
	// name, so the view may read them without resolving.
	clean bool
}

// adir holds the entries of a directory node.
type adir struct {
	kids []archKid // the entries; sorted by name once indexed
}

// setTime sets the node's modification time.
func (n *anode) setTime(t time.Time) {
	n.sec, n.nsec = t.Unix(), int32(t.Nanosecond())
}

// mtime is the node's modification time.
func (n *anode) mtime() time.Time { return time.Unix(n.sec, int64(n.nsec)) }

// kids returns the indexed entries of a directory node.
func (n *anode) kids() []archKid {
	if n.dir == nil {
		return nil
	}
	return n.dir.kids
}

// addKid records an entry of a directory node while indexing.
func (n *anode) addKid(name string, c *anode) {
	if n.dir == nil {
		n.dir = &adir{}
	}
	n.dir.kids = append(n.dir.kids, archKid{name: name, n: c})
}

// setKid points the entry name (if this node lists it) at c: a later
// member replaced the earlier one.
func (n *anode) setKid(name string, c *anode) {
	if n.dir == nil {
		return
	}
	for i := len(n.dir.kids) - 1; i >= 0; i-- {
		if n.dir.kids[i].name == name {
			n.dir.kids[i].n = c
			return
		}
	}
}

var (
	gzipMagic  = []byte{0x1f, 0x8b}
	bzip2Magic = []byte("BZh")
	zstdMagic  = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

const notTarHint = "not a tar archive; decrypt secured-sosreport files with gpg first"

// openArchiveFile indexes the archive at path, keeping the content of the
// regular members keep accepts (all when keep is nil).
func openArchiveFile(path string, lim Limits, keep func(string) bool) (*archiveBackend, error) {
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
	idx, err := indexArchiveKeep(f, lim, keep)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	be := &archiveBackend{}
	be.idx.Store(idx)
	return be, nil
}

// indexArchive detects the compression by magic bytes and indexes the tar
// inside, keeping every member's content.
func indexArchive(r io.Reader, lim Limits) (*archiveIndex, error) {
	return indexArchiveKeep(r, lim, nil)
}

// indexArchiveKeep is indexArchive keeping the content of the regular
// members keep accepts (all when keep is nil).
func indexArchiveKeep(r io.Reader, lim Limits, keep func(string) bool) (*archiveIndex, error) {
	dr, done, err := tarReader(r)
	if err != nil {
		return nil, err
	}
	defer done()
	return buildIndex(dr, lim, keep)
}

// tarReader detects the compression of r by magic bytes and returns the
// tar stream inside; done stops the decompressing goroutines (call it once
// the stream is no longer read). A compressed stream is decompressed a few
// chunks ahead in a goroutine of its own, multi-threaded xz on every core.
func tarReader(r io.Reader) (tr io.Reader, done func(), err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	var dr io.Reader
	kind := ""
	var closers []func()
	done = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		dr, kind = zr, "gzip"
	case bytes.HasPrefix(head, xzMagic):
		xr, err := newXZReader(br)
		if err != nil {
			return nil, nil, err
		}
		// Blocks of multi-threaded xz decompress on every core.
		pr := xr.parallel(runtime.GOMAXPROCS(0))
		closers = append(closers, func() { pr.Close() })
		dr, kind = pr, "xz"
	case bytes.HasPrefix(head, bzip2Magic) && len(head) >= 4 && head[3] >= '1' && head[3] <= '9':
		dr, kind = bzip2.NewReader(br), "bzip2"
	case bytes.HasPrefix(head, zstdMagic):
		return nil, nil, errors.New("zstd-compressed archives are not supported; decompress with unzstd first")
	case isTarHeader(head):
		dr = br
	case looksPGP(head):
		return nil, nil, errors.New("an OpenPGP-encrypted file, " + notTarHint)
	default:
		return nil, nil, errors.New(notTarHint)
	}
	if kind != "" {
		tb := bufio.NewReaderSize(dr, 64<<10)
		h, err := tb.Peek(512)
		if err != nil && len(h) == 0 {
			done()
			if err == io.EOF {
				return nil, nil, fmt.Errorf("%s data is empty: %s", kind, notTarHint)
			}
			return nil, nil, fmt.Errorf("%s: %w", kind, err)
		}
		if !isTarHeader(h) {
			done()
			return nil, nil, fmt.Errorf("%s data holds no tar: %s", kind, notTarHint)
		}
		ahead := newAheadReader(tb)
		closers = append(closers, ahead.close)
		dr = ahead
	}
	return dr, done, nil
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
func buildIndex(r io.Reader, lim Limits, keep func(string) bool) (*archiveIndex, error) {
	b := &indexBuilder{
		idx: &archiveIndex{
			nodes:   make(map[string]*anode, 1024),
			skipped: make(map[string]string),
		},
		lim:  lim,
		keep: keep,
	}
	root := b.node()
	root.mode = fs.ModeDir | 0o755
	b.idx.nodes[""] = root
	br := &budgetReader{r: r, max: lim.MaxTotalSize}
	pr := newPosReader(br, 256<<10)
	b.pos = pr
	ts := &tarStream{r: pr}
	for {
		h, err := ts.next()
		if err == errTarBail {
			// archive/tar reads the rest, from this member's first
			// header block on.
			ew := &endWatch{r: io.MultiReader(bytes.NewReader(ts.replay), pr)}
			if err := b.rest(tar.NewReader(ew), ew); err != nil {
				return nil, err
			}
			b.idx.ended = ew.lastZero
			break
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, b.streamErr(err)
		}
		if err := b.member(h, ts.read); err != nil {
			return nil, err
		}
	}
	b.idx.read = pr.pos
	b.finish()
	return b.idx, nil
}

// indexBuilder adds members to an index.
type indexBuilder struct {
	idx  *archiveIndex
	lim  Limits
	keep func(string) bool
	pos  *posReader // for the bytes consumed so far

	slab  []anode // nodes are carved from slabs
	arena []byte  // kept contents are carved from arena blocks

	// sparse is the size of the sparse members seen, holes included:
	// it counts against Limits.MaxTotalSize with the bytes streamed.
	sparse int64

	// lastDir and lastParent remember the directory of the previous
	// member (tars list a directory's members together).
	lastDir    string
	lastParent *anode
}

// Sizes of the slabs and arena blocks; a member larger than arenaLarge
// gets its own allocation.
const (
	slabNodes  = 1024
	arenaBlock = 1 << 20
	arenaLarge = 64 << 10
)

func (b *indexBuilder) node() *anode {
	if len(b.slab) == 0 {
		b.slab = make([]anode, slabNodes)
	}
	n := &b.slab[0]
	b.slab = b.slab[1:]
	return n
}

// content returns room for n bytes of content.
func (b *indexBuilder) content(n int64) []byte {
	if n > arenaLarge {
		return make([]byte, n)
	}
	if int64(cap(b.arena)-len(b.arena)) < n {
		b.arena = make([]byte, 0, arenaBlock)
	}
	k := len(b.arena)
	b.arena = b.arena[:k+int(n)]
	return b.arena[k : k+int(n) : k+int(n)]
}

func (b *indexBuilder) tooBig() error {
	return refused("archive holds more than " + sizeString(b.lim.MaxTotalSize) + " uncompressed; extract it and pass the directory")
}

func (b *indexBuilder) tooMany() error {
	return refused(fmt.Sprintf("archive has more than %d members", b.lim.MaxMembers))
}

// streamErr is the error for a failure to read the next member.
func (b *indexBuilder) streamErr(err error) error {
	if errors.Is(err, errBudget) {
		return b.tooBig()
	}
	return fmt.Errorf("reading tar after %d members: %w", b.idx.members, err)
}

// rest indexes the remaining members with archive/tar.
// ew, the reader under tr, bounds what archive/tar may read for the
// headers of one member, as tarStream does: the data of the previous
// member, then at most tarMetaAllowance bytes.
func (b *indexBuilder) rest(tr *tar.Reader, ew *endWatch) error {
	ew.limit = ew.pos + tarMetaAllowance
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if errors.Is(err, errMetaLimit) {
			return refused(fmt.Sprintf("extended headers of more than %s before one member", sizeString(tarMaxSpecial)))
		}
		if err != nil {
			return b.streamErr(err)
		}
		// The member's data (a sparse member's declared size bounds
		// its stored data), its padding, then the next headers.
		data := hdr.Size
		if tarHeaderOnly(hdr.Typeflag) || data < 0 {
			data = 0
		}
		ew.limit = ew.pos + data + tarPadding(data) + tarMetaAllowance
		h := tarHeader{name: hdr.Name, linkname: hdr.Linkname, typeflag: hdr.Typeflag, size: hdr.Size, mode: hdr.Mode, mtime: hdr.ModTime}
		if h.typeflag == tar.TypeGNUSparse || isPAXSparse(hdr.PAXRecords) {
			h.typeflag, h.sparse = tar.TypeReg, true
		}
		read := func(p []byte) error {
			_, err := io.ReadFull(tr, p)
			return noEOF(err)
		}
		if err := b.member(h, read); err != nil {
			return err
		}
	}
}

// member indexes one member; read reads its whole content.
func (b *indexBuilder) member(h tarHeader, read func([]byte) error) error {
	idx, lim := b.idx, b.lim
	idx.members++
	if idx.members > lim.MaxMembers {
		return b.tooMany()
	}
	if h.size < 0 || h.size > lim.MaxTotalSize-b.pos.pos-b.sparse {
		// Do not stream (or skip) data that would break the budget
		// anyway: a 3 GiB member of zeros fails here, at its header.
		// A sparse member counts with its holes.
		return b.tooBig()
	}
	if h.sparse {
		b.sparse += h.size
	}
	name, reason := cleanMember(h.name)
	if reason == "" {
		reason = nameTooLong(h.name, name)
	}
	if reason == "" && (h.typeflag == tar.TypeSymlink || h.typeflag == tar.TypeLink) && len(h.linkname) > maxNameBytes {
		reason = fmt.Sprintf("link target longer than %d bytes", maxNameBytes)
	}
	if reason != "" {
		if len(idx.bad) < maxBadMembers {
			idx.bad = append(idx.bad, badMember{shortName(h.name), reason})
		}
		return nil
	}
	if name == "" {
		return nil // the "./" entry of the top directory
	}
	if d, ok := underDev(name); ok {
		const why = "under a dev/ directory, skipped"
		if _, indexed := idx.nodes[d]; !indexed {
			idx.skipped[d] = why
		}
		idx.skip(name, why)
		return nil
	}
	perm := fs.FileMode(h.mode) & fs.ModePerm
	switch h.typeflag {
	case tar.TypeReg:
		n := b.node()
		n.mode, n.size = perm, h.size
		n.setTime(h.mtime)
		switch {
		case b.keep != nil && !b.keep(name):
			n.notKept = true
		case h.sparse:
			// Its holes are never expanded into memory: a few bytes
			// of sparse map may declare gigabytes of them.
			n.refused = reasonSparse
		case h.size > lim.MaxFileSize:
			n.refused = fmt.Sprintf("%s (%s, more than %s)", reasonTooLarge, sizeString(h.size), sizeString(lim.MaxFileSize))
		default:
			n.data = b.content(h.size)
			if err := read(n.data); err != nil {
				if errors.Is(err, errBudget) {
					return b.tooBig()
				}
				return fmt.Errorf("reading member %q: %w", name, err)
			}
		}
		return b.add(name, n)
	case tar.TypeSymlink:
		n := b.node()
		n.mode, n.target = fs.ModeSymlink|0o777, h.linkname
		n.setTime(h.mtime)
		return b.add(name, n)
	case tar.TypeLink:
		target, reason := cleanMember(h.linkname)
		t := idx.nodes[target]
		if reason != "" || t == nil || !t.mode.IsRegular() {
			idx.skip(name, fmt.Sprintf("hard link to a missing member %q", h.linkname))
			return nil
		}
		n := b.node()
		*n = *t
		return b.add(name, n)
	case tar.TypeDir:
		n := b.node()
		n.mode = fs.ModeDir | perm
		n.setTime(h.mtime)
		return b.add(name, n)
	case tar.TypeChar:
		idx.skip(name, reasonNotReg+" (character device)")
	case tar.TypeBlock:
		idx.skip(name, reasonNotReg+" (block device)")
	case tar.TypeFifo:
		idx.skip(name, reasonNotReg+" (FIFO)")
	default:
		idx.skip(name, fmt.Sprintf("unsupported tar member type %q", h.typeflag))
	}
	return nil
}

// finish sorts the listings and marks the nodes reachable without links.
func (b *indexBuilder) finish() {
	idx := b.idx
	for _, n := range idx.nodes {
		if n.dir != nil && n.mode.IsDir() && len(n.dir.kids) > 1 {
			slices.SortFunc(n.dir.kids, func(a, b archKid) int { return strings.Compare(a.name, b.name) })
		}
	}
	// A node is clean when its parent is a clean directory. Entries are
	// reached from their parents, so walking from the top marks exactly
	// the clean nodes (a name shadowed by a link is not reached).
	root := idx.nodes[""]
	root.clean = true
	stack := []*anode{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, k := range n.kids() {
			if k.n.clean {
				continue
			}
			k.n.clean = true
			if k.n.mode.IsDir() {
				stack = append(stack, k.n)
			}
		}
	}
}

// archKid is one entry of an indexed directory.
type archKid struct {
	name string
	n    *anode
}

// cleanMember normalises a member name: leading "./" and empty or "."
// components dropped; absolute names and ".." components rejected with a
// reason. The top directory gives "".
func cleanMember(raw string) (string, string) {
	if fs.ValidPath(raw) && raw != "." && strings.IndexByte(raw, 0) < 0 {
		return raw, "" // already clean: the common case, without copying
	}
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

// nameTooLong gives the reason to refuse a member name over the name
// bounds (raw as stored, clean as cleanMember made it), or "".
func nameTooLong(raw, clean string) string {
	if len(raw) > maxNameBytes {
		return fmt.Sprintf("member name longer than %d bytes", maxNameBytes)
	}
	for c := range strings.SplitSeq(clean, "/") {
		if len(c) > maxComponentBytes {
			return fmt.Sprintf("member name has a component longer than %d bytes", maxComponentBytes)
		}
	}
	return ""
}

// shortName cuts a refused name for the list of bad members.
func shortName(s string) string {
	const keep = 256
	if len(s) > keep {
		return s[:keep] + "..."
	}
	return s
}

// isPAXSparse reports whether PAX records describe a GNU sparse member.
func isPAXSparse(recs map[string]string) bool {
	for k := range recs {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// endWatch passes a tar stream to archive/tar and notes whether the last
// whole 512-byte block read was all zeros: archive/tar ends at
// end-of-archive blocks and at a clean end of the stream alike. (A stream
// cut right after a member whose last data block is all zeros looks
// ended; only the archives tarStream hands over are watched this way.)
//
// It also counts the bytes read (pos) and reads none past limit when that
// is set: errMetaLimit then.
type endWatch struct {
	r        io.Reader
	off      int // bytes of the current block read so far
	nonzero  bool
	lastZero bool
	pos      int64
	limit    int64
}

// errMetaLimit is endWatch's error at its limit.
var errMetaLimit = errors.New("tar: extended headers over the limit")

// tarMetaAllowance is what archive/tar may read for the headers of one
// member: the extended headers tarStream allows, a sparse map of the same
// bound, and header blocks.
const tarMetaAllowance = 2*tarMaxSpecial + (tarMaxMetaHeaders+1)*512

func (e *endWatch) Read(p []byte) (int, error) {
	if e.limit > 0 {
		if e.pos >= e.limit {
			return 0, errMetaLimit
		}
		if int64(len(p)) > e.limit-e.pos {
			p = p[:e.limit-e.pos]
		}
	}
	n, err := e.r.Read(p)
	e.pos += int64(n)
	b := p[:n]
	k := min(512-e.off, len(b))
	e.note(b[:k])
	b = b[k:]
	if m := len(b) &^ 511; m > 0 {
		// Only the last of the whole blocks matters.
		e.lastZero = !slices.ContainsFunc(b[m-512:m], func(c byte) bool { return c != 0 })
		b = b[m:]
	}
	e.note(b)
	return n, err
}

// note adds bytes of the current block.
func (e *endWatch) note(b []byte) {
	if len(b) == 0 {
		return
	}
	if !e.nonzero && slices.ContainsFunc(b, func(c byte) bool { return c != 0 }) {
		e.nonzero = true
	}
	if e.off += len(b); e.off == 512 {
		e.lastZero, e.off, e.nonzero = !e.nonzero, 0, false
	}
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

// add indexes n at name, creating implied parent directories (each counts
// as a member). A later member of the same name replaces an earlier one, as
// tar extraction does. The parent is found from the deepest existing
// ancestor up, so a deep name costs one lookup once its directory exists.
func (b *indexBuilder) add(name string, n *anode) error {
	idx := b.idx
	dir, base := "", name
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		dir, base = name[:i], name[i+1:]
	}
	var parent *anode
	if b.lastParent != nil && dir == b.lastDir {
		parent = b.lastParent
	} else {
		// The deepest existing ancestor: name[:end] ("" is the top).
		end := len(dir)
		for end > 0 {
			if parent = idx.nodes[name[:end]]; parent != nil {
				break
			}
			end = max(strings.LastIndexByte(name[:end], '/'), 0)
		}
		if end == 0 {
			parent = idx.nodes[""]
		}
		if !parent.mode.IsDir() {
			idx.skip(name, "parent is not a directory")
			return nil
		}
		// Create the missing directories below it.
		for i := end + 1; end < len(dir) && i <= len(dir); i++ {
			if i < len(dir) && name[i] != '/' {
				continue
			}
			if idx.members++; idx.members > b.lim.MaxMembers {
				return b.tooMany()
			}
			d := name[:i]
			p := b.node()
			p.mode = fs.ModeDir | 0o755
			idx.nodes[d] = p
			delete(idx.skipped, d)
			parent.addKid(d[strings.LastIndexByte(d, '/')+1:], p)
			parent = p
		}
		b.lastDir, b.lastParent = dir, parent
	}
	if len(idx.skipped) > 0 {
		delete(idx.skipped, name)
	}
	if old := idx.nodes[name]; old != nil {
		if old.mode.IsDir() && n.mode.IsDir() {
			old.mode, old.sec, old.nsec = n.mode, n.sec, n.nsec
			return nil
		}
		idx.nodes[name] = n
		parent.setKid(base, n)
		// A directory replaced (by a file or a link) may be the
		// remembered parent.
		b.lastDir, b.lastParent = "", nil
		return nil
	}
	idx.nodes[name] = n
	parent.addKid(base, n)
	return nil
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
	return &fileInfo{name: name, size: size, mode: n.mode, mtime: n.mtime()}
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
	if n.notKept {
		return nil, ErrNotKept
	}
	if n.refused != "" {
		return nil, memberRefusal(n.refused)
	}
	return bytes.Clone(n.data), nil
}

// readFileShared is readFile without the copy: the index's own bytes
// (their capacity is their length, so an append copies).
func (a *archiveBackend) readFileShared(p string) ([]byte, error) {
	n, err := a.node(p)
	if err != nil {
		return nil, err
	}
	if !n.mode.IsRegular() {
		return nil, refused(reasonNotReg)
	}
	if n.notKept {
		return nil, ErrNotKept
	}
	if n.refused != "" {
		return nil, memberRefusal(n.refused)
	}
	return n.data[:len(n.data):len(n.data)], nil
}

// readFast reads the regular member p when no link lies on its way (its
// canonical path is then its name); ok is false otherwise. With shared
// set the index's own bytes are returned.
func (a *archiveBackend) readFast(p string, shared bool) ([]byte, bool) {
	idx := a.idx.Load()
	if idx == nil {
		return nil, false
	}
	n := idx.nodes[p]
	if n == nil || !n.clean || !n.mode.IsRegular() || n.notKept || n.refused != "" {
		return nil, false
	}
	if shared {
		return n.data[:len(n.data):len(n.data)], true
	}
	return bytes.Clone(n.data), true
}

// readDirFast lists the directory p when no link lies on its way.
func (a *archiveBackend) readDirFast(p string) ([]fs.DirEntry, bool) {
	idx := a.idx.Load()
	if idx == nil {
		return nil, false
	}
	n := idx.nodes[p]
	if n == nil || !n.clean || !n.mode.IsDir() {
		return nil, false
	}
	return idx.list(p, n), true
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
	return idx.list(p, n), nil
}

// list lists the directory node n at p.
func (idx *archiveIndex) list(p string, n *anode) []fs.DirEntry {
	kids := n.kids()
	out := make([]fs.DirEntry, len(kids))
	ents := make([]archEntry, len(kids))
	for i, k := range kids {
		ents[i] = archEntry(k)
		out[i] = &ents[i]
	}
	return out
}

// archEntry is a directory entry of an archive.
type archEntry struct {
	name string
	n    *anode
}

func (e *archEntry) Name() string               { return e.name }
func (e *archEntry) IsDir() bool                { return e.n.mode.IsDir() }
func (e *archEntry) Type() fs.FileMode          { return e.n.mode.Type() }
func (e *archEntry) Info() (fs.FileInfo, error) { return e.n.info(e.name), nil }
func (e *archEntry) String() string             { return fs.FormatDirEntry(e) }

func (a *archiveBackend) close() error {
	a.idx.Store(nil)
	return nil
}

// memberRefusal is the error for reading a member the index refused with
// reason r: over the size cap, it wraps ErrTooLarge.
func memberRefusal(r string) error {
	if rest, ok := strings.CutPrefix(r, reasonTooLarge); ok {
		return fmt.Errorf("%w%s", ErrTooLarge, rest)
	}
	return refused(r)
}
