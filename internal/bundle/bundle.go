// Package bundle gives safe, read-only views of the bundles netdoctor reads:
// an extracted sosreport or collect directory, a sosreport or collect archive
// (.tar, .tar.gz/.tgz, .tar.xz, .tar.bz2), and the running host's "/".
//
// Bundles are hostile input. Every view is rooted: names are slash-separated,
// relative and fs.ValidPath; symbolic links are followed only while they stay
// inside the root (absolute targets, targets that climb above the root and
// chains longer than Limits.MaxLinkHops are refused); only regular files are
// ever opened for reading (device nodes, FIFOs and sockets are refused before
// open, and the opened file's mode is checked again); every file is read to EOF
// under a size cap, never trusting the size a stat reports (proc files say 0).
//
// Directories are read on demand through os.Root; on Linux 5.6 and later a
// name with no symbolic link on its way is read with a handful of system
// calls through openat2 confined beneath the root (dirfast_linux.go), and
// anything else takes the resolving path. Archives are never extracted:
// Open streams them once and keeps an in-memory index of their regular files
// and symbolic links, bounded as listed under Limits below; OpenKeep keeps
// only the content of the members a loader wants. Nothing is written to
// disk.
//
// # Limits
//
// Every bound on what reading one bundle may cost, in one place. The first
// four are Limits fields (DefaultLimits gives the numbers); the rest are
// fixed.
//
//   - Limits.MaxFileSize, 64 MiB: the largest file or member read. sos
//     cuts a collected file to its last 25 MiB by default, so a larger
//     member is nothing sos wrote; it is listed, and reading it says
//     "file too large" (ErrTooLarge). A directory's regular file whose
//     size says it is over the cap is refused before any of it is read.
//     The loader marks such an input over the limit, and every check
//     that needs it is not evaluated.
//   - MaxStreamSize, 4 GiB: a file read one line at a time through
//     OpenStream (/proc/interrupts, /proc/softirqs) from a directory
//     bundle or the live host, where the per-file cap does not apply:
//     the parser keeps its model, never the file.
//   - Limits.MaxTotalSize, 2 GiB: the uncompressed bytes streamed out of
//     an archive (headers, kept and skipped content), with every sparse
//     member counted at its full size, holes included. The index keeps
//     at most this much, so memory is bounded by it; a member whose
//     declared size would cross it fails at its header, before its data
//     is inflated. GNU tar and libarchive extract to disk and need no
//     such budget; an in-memory index does.
//   - Limits.MaxMembers, 500,000: archive members, counting the
//     directories their names imply, and the entries of one listed
//     directory. A 512-CPU host's sosreport has about 56,000 members.
//   - Limits.MaxLinkHops, 40: symbolic links followed for one name, the
//     Linux kernel's MAXSYMLINKS.
//   - Link targets: one target at most 4096 bytes, and all the targets
//     followed for one name at most 4096 bytes together (PATH_MAX): with
//     hops alone, 40 targets of 4 KiB cost 80,000 lookups for one name;
//     real chains (/sys class and device links) add up to a few hundred
//     bytes. Within one resolution a path is looked up once.
//   - Names: a member name or link target over 4096 bytes, or with a
//     component over 255 bytes (Linux's PATH_MAX and NAME_MAX), is refused
//     and listed among the bad members, and never copied whole: tar
//     could not extract it on Linux either (ENAMETOOLONG), and Go's
//     archive/tar, which has no such bound, took 20 s for a 1 MB name.
//   - Extended headers: at most 8 (PAX 'x', GNU long name 'L' and long
//     link 'K') before one member, 1 MiB together. Go's archive/tar bounds
//     each at 1 MiB (its fix for CVE-2022-2879) but not their number;
//     writers put at most one of each kind. The headers are read once,
//     into one reused buffer. Where archive/tar reads the rest of an
//     archive (anything unusual hands it over), it may read at most
//     2 MiB of headers and sparse map before one member.
//   - Sparse members (GNU 'S', PAX GNU.sparse.*) are indexed but their
//     holes are never expanded: a sparse map of a few bytes may declare
//     gigabytes. GNU tar and libarchive restore holes by seeking; Go's
//     archive/tar fills them with zeros on read. Reading one is refused
//     with the reason; sos and netdoctor collect never write them.
//   - xz: a block's dictionary at most 64 MiB (what xz -9 uses), cut to
//     the block's declared uncompressed size, and the dictionaries of all
//     blocks together at most 64 MiB more than the data decompressed so
//     far, since each block allocates its own.
//   - The root search (roots.go): a collect manifest of at most 1 MiB
//     naming at most 64 samples; sos_commands/ searched at most three
//     levels down and 20,000 entries in all.
//   - Bad members (absolute names, .. components, over-long names) are
//     remembered for diagnostics, at most 100, each name cut at 256 bytes.
//
// Errors map to input statuses: errors.Is(err, fs.ErrNotExist) means missing,
// fs.ErrPermission unreadable, and ErrRefused invalid, with the reason and the
// name in the message, for example
// "open proc/net/dev: refused: link escapes the bundle".
package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FS is a read-only view of one root that never leaves it. Names are
// slash-separated, relative, fs.ValidPath.
type FS interface {
	// Open and ReadFile read regular files only; symbolic links are
	// followed only inside the root. Open of a directory gives an
	// fs.ReadDirFile.
	fs.ReadFileFS
	// ReadDir lists a directory (links to directories are followed) with
	// the entries as stored, sorted by name: a symlink entry reports its
	// own type.
	fs.ReadDirFS
	// ReadLink returns the raw target of a symbolic link.
	ReadLink(name string) (string, error)
	// Lstat describes name without following a final symbolic link.
	Lstat(name string) (fs.FileInfo, error)
}

// Limits bounds what reading one bundle may cost. A field that is zero or
// negative takes its value from DefaultLimits, so the zero Limits is usable.
type Limits struct {
	// MaxFileSize is the largest file (or archive member) read, in bytes.
	// Larger files are refused with "file too large".
	MaxFileSize int64
	// MaxTotalSize bounds the uncompressed bytes streamed out of an
	// archive, sparse members counted at their full size (holes
	// included), and so the memory its index keeps. Archives above it
	// are refused by Open; extract them and open the directory instead
	// (directories are read on demand and have no total budget).
	MaxTotalSize int64
	// MaxMembers bounds the members of an archive (with the directories
	// their names imply) and the entries of one listed directory.
	MaxMembers int
	// MaxLinkHops bounds the symbolic links followed while resolving one
	// name.
	MaxLinkHops int
}

// DefaultLimits returns the limits netdoctor uses unless told otherwise:
// files up to 64 MiB, 2 GiB of uncompressed archive, 500,000 members and
// 40 link hops.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:  64 << 20,
		MaxTotalSize: 2 << 30,
		MaxMembers:   500_000,
		MaxLinkHops:  40,
	}
}

// withDefaults replaces unset fields by their defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = d.MaxTotalSize
	}
	if l.MaxMembers <= 0 {
		l.MaxMembers = d.MaxMembers
	}
	if l.MaxLinkHops <= 0 {
		l.MaxLinkHops = d.MaxLinkHops
	}
	return l
}

// Name bounds, Linux's PATH_MAX and NAME_MAX: a member whose name (or link
// target) is longer, or has a longer component, could not be extracted by
// tar on Linux either; the archive index refuses it (it is listed among
// the bad members, not indexed), and never copies more of it than this.
const (
	maxNameBytes      = 4096
	maxComponentBytes = 255
)

// ErrRefused is wrapped by every error that refuses a name or a bundle on
// safety grounds; the message carries the reason, for example "link escapes
// the bundle", "not a regular file" or "file too large".
var ErrRefused = errors.New("refused")

// ErrTooLarge wraps ErrRefused for a file or member over Limits.MaxFileSize:
// the input exists but was not read, so whatever needed it could not be
// judged (it is never "missing").
var ErrTooLarge = fmt.Errorf("%w: %s", ErrRefused, reasonTooLarge)

// Reasons for refusals, shared by the directory and archive views.
const (
	reasonEscape    = "link escapes the bundle"
	reasonEscapeSub = "link escapes the root"
	reasonAbsLink   = "absolute link target"
	reasonEmptyLink = "empty link target"
	reasonHops      = "too many levels of symbolic links"
	reasonNotReg    = "not a regular file"
	reasonTooLarge  = "file too large"
	reasonBadName   = "not a valid relative name"
	reasonSparse    = "sparse member: its holes are not expanded"
)

// refusal builds the error for a refused name.
func refusal(op, name, reason string) error {
	return &fs.PathError{Op: op, Path: quoteName(name), Err: fmt.Errorf("%w: %s", ErrRefused, reason)}
}

// quoteName returns a name for an error message: as it is when every rune
// is printable, else Go-quoted, so that a name from a bundle carrying
// terminal escapes (ESC, BEL), bidi or zero-width characters never reaches
// a terminal raw. Ordinary names keep the messages as they were.
func quoteName(name string) string {
	for _, r := range name {
		if !strconv.IsPrint(r) || r == utf8.RuneError {
			return strconv.Quote(name)
		}
	}
	return name
}

// Bundle is an opened bundle: a directory or an archive.
type Bundle struct {
	// FS is the view of the whole bundle.
	FS FS
	// Path is the path Open was given.
	Path string
	// Kind is "dir" or "archive".
	Kind string

	be backend
}

// Open opens a directory or an archive (.tar, .tar.gz/.tgz, .tar.xz, and
// .tar.bz2; detected by magic bytes, not by name). For an archive it streams
// the file once and builds an in-memory index of its regular files and
// symbolic links in bounded memory; the file is closed before Open returns.
func Open(path string, lim Limits) (*Bundle, error) {
	return OpenKeep(path, lim, nil)
}

// OpenKeep is Open with a say in what an archive's index holds: keep is
// asked about every regular member, by its name in the archive (cleaned,
// slash-separated, from the archive's top), and the content of a member it
// declines is not kept in memory. Such a member is still listed and
// described by Lstat; reading it fails with an error wrapping ErrNotKept
// (and so ErrRefused). A nil keep keeps everything. Directories are read on
// demand and ignore keep.
func OpenKeep(path string, lim Limits, keep func(name string) bool) (*Bundle, error) {
	lim = lim.withDefaults()
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.IsDir():
		be, err := newDirBackend(path, lim)
		if err != nil {
			return nil, err
		}
		return &Bundle{FS: newView(be, "", lim, path), Path: path, Kind: "dir", be: be}, nil
	case fi.Mode().IsRegular():
		be, err := openArchiveFile(path, lim, keep)
		if err != nil {
			return nil, err
		}
		return &Bundle{FS: newView(be, "", lim, path), Path: path, Kind: "archive", be: be}, nil
	default:
		return nil, refusal("open", path, "not a directory or a regular file")
	}
}

// Close releases the bundle: the directory handles, or the archive index.
// Views of a closed bundle fail. Close may be called more than once.
func (b *Bundle) Close() error {
	if b == nil || b.be == nil {
		return nil
	}
	return b.be.close()
}

// ReadFileShared reads name from fsys like fsys.ReadFile, but where the
// bundle already holds the content in memory (an archive's index) it
// returns that memory instead of a copy, saving the copy and the garbage
// on a big bundle. The caller must not modify the returned bytes. For a
// directory bundle, Live or any other FS it is fsys.ReadFile.
func ReadFileShared(fsys FS, name string) ([]byte, error) {
	if v, ok := fsys.(*view); ok {
		return v.readFile(name, true)
	}
	return fsys.ReadFile(name)
}

// Root is one sample root inside a bundle.
type Root struct {
	// Dir is the root's slash-separated name inside the bundle ("." for
	// the top).
	Dir string
	// Kind is "sosreport" or "collect".
	Kind string
}

// Sub returns a view of fsys rooted at dir: names are relative to dir and
// symbolic links may not leave it. dir itself is resolved inside fsys, so it
// may be reached through links that stay inside fsys.
//
// For a view made by this package (a Bundle's FS, or a Sub of it) the
// confinement is enforced. Any other FS (Live, or a foreign implementation)
// gets a plain name prefix: Live is the host's own "/", where links point
// where the kernel says.
func Sub(fsys FS, dir string) (FS, error) {
	if !fs.ValidPath(dir) {
		return nil, refusal("sub", dir, reasonBadName)
	}
	if dir == "." {
		return fsys, nil
	}
	if v, ok := fsys.(*view); ok {
		return v.sub(dir)
	}
	fi, err := fsStat(fsys, dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "sub", Path: dir, Err: errors.New("not a directory")}
	}
	return &prefixFS{fsys: fsys, dir: dir}, nil
}

// fsStat stats name in fsys, following links.
func fsStat(fsys FS, name string) (fs.FileInfo, error) {
	if s, ok := fsys.(fs.StatFS); ok {
		return s.Stat(name)
	}
	return fs.Stat(fsys, name)
}

// prefixFS is Sub for an FS this package cannot confine further.
type prefixFS struct {
	fsys FS
	dir  string
}

func (p *prefixFS) full(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", refusal(op, name, reasonBadName)
	}
	return path.Join(p.dir, name), nil
}

// rename rewrites the path in err from the full name to the view's name.
func (p *prefixFS) rename(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.HasPrefix(pe.Path, p.dir) {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}

func (p *prefixFS) Open(name string) (fs.File, error) {
	full, err := p.full("open", name)
	if err != nil {
		return nil, err
	}
	f, err := p.fsys.Open(full)
	return f, p.rename(err, name)
}

func (p *prefixFS) ReadFile(name string) ([]byte, error) {
	full, err := p.full("read", name)
	if err != nil {
		return nil, err
	}
	b, err := p.fsys.ReadFile(full)
	return b, p.rename(err, name)
}

func (p *prefixFS) ReadDir(name string) ([]fs.DirEntry, error) {
	full, err := p.full("readdir", name)
	if err != nil {
		return nil, err
	}
	d, err := p.fsys.ReadDir(full)
	return d, p.rename(err, name)
}

func (p *prefixFS) ReadLink(name string) (string, error) {
	full, err := p.full("readlink", name)
	if err != nil {
		return "", err
	}
	t, err := p.fsys.ReadLink(full)
	return t, p.rename(err, name)
}

func (p *prefixFS) Lstat(name string) (fs.FileInfo, error) {
	full, err := p.full("lstat", name)
	if err != nil {
		return nil, err
	}
	fi, err := p.fsys.Lstat(full)
	return fi, p.rename(err, name)
}

// Stat describes name, following links.
func (p *prefixFS) Stat(name string) (fs.FileInfo, error) {
	full, err := p.full("stat", name)
	if err != nil {
		return nil, err
	}
	fi, err := fsStat(p.fsys, full)
	return fi, p.rename(err, name)
}
