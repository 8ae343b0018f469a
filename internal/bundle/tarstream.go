package bundle

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
)

// typeRegA is the pre-POSIX typeflag of a regular file ('\x00', the
// deprecated tar.TypeRegA): old archives still use it, and a name ending in
// "/" then means a directory.
const typeRegA = '\x00'

// A fast reader for the tar archives sos and netdoctor collect write.
//
// archive/tar is thorough and slow: it checks every header block for
// non-ASCII bytes rune by rune, allocates a Header with a dozen strings and
// a map of PAX records per member, and spent more time on a 512-CPU host's
// 56,000 members than gzip did decompressing them. tarStream parses the
// common case itself: USTAR and GNU header blocks with octal numbers, PAX
// extended headers ('x') whose records are well formed, GNU long names and
// link names ('L', 'K'). It reads exactly the bytes archive/tar would, and
// yields the same name, link name, type, size, mode and modification time.
//
// Extended headers are bounded (tarMaxMetaHeaders before one member,
// tarMaxSpecial bytes together: more is refused, not handed over) and read
// into replay, never copied; names longer than maxNameBytes are kept cut
// to maxNameBytes+1 bytes, so the index refuses them as archive/tar's
// full name would be refused.
//
// Anything else (a bad checksum, a V7 or star header, a base-256 number, a
// malformed or sparse PAX record, a global header, a GNU sparse member, a
// meta member over 1 MiB, the end-of-archive blocks) is not interpreted:
// next returns errTarBail with the raw bytes of the member read so far in
// replay, and the caller hands replay followed by the rest of the stream to
// archive/tar, which then behaves exactly as if it had read the archive from
// the start (its reader keeps no state between members). So the archives
// this reader understands are indexed quickly, and every other archive is
// indexed (or refused, with archive/tar's error) exactly as before.

// errTarBail means: let archive/tar read the rest, starting with replay.
var errTarBail = errors.New("tar: handing over to archive/tar")

// tarMaxSpecial is archive/tar's bound on a PAX or GNU long name member;
// here it bounds all the extended headers before one member together.
const tarMaxSpecial = 1 << 20

// tarMaxMetaHeaders bounds the extended headers (PAX 'x', GNU 'L' and 'K')
// before one member. Writers put at most one of each kind; archive/tar
// takes any number, each replacing the last.
const tarMaxMetaHeaders = 8

// tarHeader is what the index needs of one member.
type tarHeader struct {
	name, linkname string
	typeflag       byte
	size           int64 // as archive/tar's Header.Size
	mode           int64
	mtime          time.Time
	sparse         bool // a GNU sparse member (read by archive/tar only)
}

// tarStream reads members from r.
type tarStream struct {
	r *posReader
	// replay holds the raw bytes of the current member from its first
	// (meta) header block on, for handing over to archive/tar.
	replay []byte
	// left and pad are the data and padding of the previous member not
	// yet consumed.
	left, pad int64
	blk       [512]byte
}

// next returns the next member's header. Its data (size bytes unless the
// type has none) is then read with read, or skipped by the next call.
// io.EOF means the end of the archive; errTarBail means archive/tar must
// take over with replay; any other error is a read error of the stream.
func (s *tarStream) next() (tarHeader, error) {
	if err := s.skipRest(); err != nil {
		return tarHeader{}, err
	}
	s.replay = s.replay[:0]
	var pax map[string]string
	var longName, longLink string
	havePAX := false
	metas, metaBytes := 0, int64(0)
	for {
		if _, err := io.ReadFull(s.r, s.blk[:]); err != nil {
			// io.EOF with no byte read ends the archive, as in
			// archive/tar; a partial block is io.ErrUnexpectedEOF.
			return tarHeader{}, err
		}
		s.replay = append(s.replay, s.blk[:]...)
		h, ok := parseTarBlock(&s.blk)
		if !ok {
			return tarHeader{}, errTarBail
		}
		switch h.typeflag {
		case tar.TypeXHeader, tar.TypeGNULongName, tar.TypeGNULongLink:
			metas++
			if metas > tarMaxMetaHeaders {
				return tarHeader{}, refused(fmt.Sprintf("more than %d extended headers (PAX or GNU long name) before one member", tarMaxMetaHeaders))
			}
			if h.size < 0 || h.size > tarMaxSpecial {
				return tarHeader{}, errTarBail
			}
			metaBytes += h.size
			if metaBytes > tarMaxSpecial {
				return tarHeader{}, refused(fmt.Sprintf("extended headers of more than %s before one member", sizeString(tarMaxSpecial)))
			}
			// The data goes straight into replay (bounded by the two
			// checks above), not into a copy of its own.
			start := len(s.replay)
			s.replay = slices.Grow(s.replay, int(h.size))[:start+int(h.size)]
			if _, err := io.ReadFull(s.r, s.replay[start:]); err != nil {
				return tarHeader{}, noEOF(err)
			}
			data := s.replay[start:]
			switch h.typeflag {
			case tar.TypeXHeader:
				recs, ok := parsePAXRecords(data)
				if !ok {
					return tarHeader{}, errTarBail
				}
				pax, havePAX = recs, true
			case tar.TypeGNULongName:
				longName = cappedString(data)
			case tar.TypeGNULongLink:
				longLink = cappedString(data)
			}
			// The padding, read as archive/tar does before the next
			// header: the stream may end inside it.
			var pad [512]byte
			n, err := tryReadFull(s.r, pad[:tarPadding(h.size)])
			s.replay = append(s.replay, pad[:n]...)
			if err != nil {
				return tarHeader{}, err
			}
			continue
		case tar.TypeXGlobalHeader, tar.TypeGNUSparse:
			return tarHeader{}, errTarBail
		}
		if havePAX && !applyPAX(&h, pax) {
			return tarHeader{}, errTarBail
		}
		if longName != "" {
			h.name = longName
		}
		if longLink != "" {
			h.linkname = longLink
		}
		if h.typeflag == typeRegA {
			if strings.HasSuffix(h.name, "/") {
				h.typeflag = tar.TypeDir
			} else {
				h.typeflag = tar.TypeReg
			}
		}
		if h.size < 0 {
			return tarHeader{}, errTarBail
		}
		s.left = h.size
		if tarHeaderOnly(h.typeflag) {
			s.left = 0
		}
		s.pad = tarPadding(s.left)
		return h, nil
	}
}

// read reads the whole data of the current member into p (len(p) must
// be its size).
func (s *tarStream) read(p []byte) error {
	if int64(len(p)) > s.left {
		return errors.New("tar: read past the member")
	}
	n, err := io.ReadFull(s.r, p)
	s.left -= int64(n)
	if err != nil {
		return noEOF(err)
	}
	return nil
}

// skipRest discards what is left of the previous member and its padding,
// with archive/tar's rules: a stream that ends inside the data is
// io.ErrUnexpectedEOF, one that ends inside the padding ends the archive.
func (s *tarStream) skipRest() error {
	if s.left > 0 {
		n, err := s.r.discard(s.left)
		s.left -= n
		if err != nil {
			return noEOF(err)
		}
	}
	if s.pad > 0 {
		n, err := s.r.discard(s.pad)
		s.pad -= n
		if err != nil {
			return err // io.EOF here ends the archive
		}
	}
	return nil
}

// tarPadding is the padding after n bytes of data.
func tarPadding(n int64) int64 { return -n & 511 }

// tarHeaderOnly reports the types archive/tar reads no data for.
func tarHeaderOnly(t byte) bool {
	switch t {
	case tar.TypeLink, tar.TypeSymlink, tar.TypeChar, tar.TypeBlock, tar.TypeDir, tar.TypeFifo:
		return true
	}
	return false
}

// tryReadFull is archive/tar's: a short read ending in io.EOF after at
// least... any bytes is io.EOF, a full read is no error.
func tryReadFull(r io.Reader, b []byte) (n int, err error) {
	for len(b) > n && err == nil {
		var nn int
		nn, err = r.Read(b[n:])
		n += nn
	}
	if len(b) == n && err == io.EOF {
		err = nil
	}
	return n, err
}

// cString is archive/tar's parseString: up to the first NUL.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

// parseTarBlock parses a USTAR or GNU header block whose numbers are all
// octal, as archive/tar's readHeader does; ok is false for anything else
// (including a checksum mismatch and an all-zero block).
func parseTarBlock(b *[512]byte) (tarHeader, bool) {
	sum, ok := octal(b[148:156])
	if !ok || !tarChecksumOK(b, sum) {
		return tarHeader{}, false
	}
	magic, version := string(b[257:263]), string(b[263:265])
	gnu := false
	switch {
	case magic == "ustar\x00" && string(b[508:512]) == "tar\x00":
		return tarHeader{}, false // star
	case magic == "ustar\x00":
	case magic == "ustar " && version == " \x00":
		gnu = true
	default:
		return tarHeader{}, false // V7
	}
	var h tarHeader
	h.typeflag = b[156]
	// Every numeric field archive/tar parses must parse.
	var mtime int64
	for _, f := range []struct {
		field []byte
		dst   *int64
	}{
		{b[100:108], &h.mode}, {b[108:116], nil}, {b[116:124], nil},
		{b[124:136], &h.size}, {b[136:148], &mtime},
		{b[329:337], nil}, {b[337:345], nil},
	} {
		v, ok := octal(f.field)
		if !ok {
			return tarHeader{}, false
		}
		if f.dst != nil {
			*f.dst = v
		}
	}
	h.mtime = time.Unix(mtime, 0)
	h.name = cString(b[0:100])
	h.linkname = cString(b[157:257])
	if gnu {
		// archive/tar falls back to a USTAR prefix when the GNU times
		// do not parse (pre-Go 1.8 writers): leave that to it.
		for _, f := range [][]byte{b[345:357], b[357:369]} {
			if f[0] != 0 {
				if _, ok := octal(f); !ok {
					return tarHeader{}, false
				}
			}
		}
	} else if prefix := cString(b[345:500]); prefix != "" {
		h.name = prefix + "/" + h.name
	}
	return h, true
}

// tarChecksumOK reports whether sum is the block's checksum, unsigned or
// signed, with the checksum field counted as spaces (archive/tar's
// computeChecksum). The bytes are summed eight at a time.
func tarChecksumOK(b *[512]byte, sum int64) bool {
	const lo = 0x00ff00ff00ff00ff
	var lanes, high uint64
	for i := 0; i < 512; i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if i == 144 { // bytes 148..155 of the checksum field straddle two words
			w = w&0x00000000ffffffff | 0x2020202000000000
		} else if i == 152 {
			w = w&0xffffffff00000000 | 0x0000000020202020
		}
		lanes += w&lo + w>>8&lo
		high += uint64(bits.OnesCount64(w & 0x8080808080808080))
	}
	var unsigned int64
	for lanes != 0 {
		unsigned += int64(lanes & 0xffff)
		lanes >>= 16
	}
	// Each byte of 0x80 or more counts 256 less when signed.
	return sum == unsigned || sum == unsigned-256*int64(high)
}

// octal is archive/tar's parseOctal for a field whose first byte is not
// base-256: surrounding spaces and NULs trimmed, cut at a NUL, base 8.
func octal(b []byte) (int64, bool) {
	if len(b) > 0 && b[0]&0x80 != 0 {
		return 0, false // base-256: archive/tar's business
	}
	i, j := 0, len(b)
	for i < j && (b[i] == ' ' || b[i] == 0) {
		i++
	}
	for j > i && (b[j-1] == ' ' || b[j-1] == 0) {
		j--
	}
	if i == j {
		return 0, true
	}
	b = b[i:j]
	if k := bytes.IndexByte(b, 0); k >= 0 {
		b = b[:k]
	}
	if len(b) == 0 || len(b) > 21 {
		return 0, false
	}
	var x uint64
	for _, c := range b {
		if c < '0' || c > '7' {
			return 0, false
		}
		x = x<<3 | uint64(c-'0')
	}
	return int64(x), true
}

// parsePAXRecords parses the records of a PAX extended header with
// archive/tar's rules (parsePAX, parsePAXRecord, validPAXRecord); ok is
// false when archive/tar would fail or the records describe a sparse file.
// Only the records applyPAX uses are kept, and a path or link path longer
// than maxNameBytes is kept cut to maxNameBytes+1 bytes (still too long,
// so the member is refused): a 1 MiB record costs one pass, not copies.
func parsePAXRecords(data []byte) (map[string]string, bool) {
	recs := make(map[string]string, 4)
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp < 0 {
			return nil, false
		}
		n, err := strconv.ParseInt(string(data[:sp]), 10, 0)
		if err != nil || n < 5 || n > int64(len(data)) {
			return nil, false
		}
		rest := data[sp+1:]
		n -= int64(sp + 1)
		if n <= 0 {
			return nil, false
		}
		rec, nl, rem := rest[:n-1], rest[n-1], rest[n:]
		if nl != '\n' {
			return nil, false
		}
		k, v, ok := bytes.Cut(rec, []byte("="))
		if !ok || len(k) == 0 {
			return nil, false
		}
		switch string(k) {
		case "path", "linkpath", "uname", "gname":
			if bytes.IndexByte(v, 0) >= 0 {
				return nil, false
			}
		default:
			if bytes.IndexByte(k, 0) >= 0 {
				return nil, false
			}
		}
		if bytes.HasPrefix(k, []byte("GNU.sparse.")) {
			return nil, false
		}
		switch string(k) {
		case "path", "linkpath":
			if len(v) > maxNameBytes {
				v = v[:maxNameBytes+1]
			}
			recs[string(k)] = string(v)
		case "uid", "gid", "atime", "ctime", "mtime", "size":
			recs[string(k)] = string(v)
		}
		data = rem
	}
	return recs, true
}

// cappedString is cString for a GNU long name or link name, cut to
// maxNameBytes+1 bytes when longer (still too long: the member is
// refused) so that a 1 MiB name is never copied.
func cappedString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) > maxNameBytes {
		b = b[:maxNameBytes+1]
	}
	return string(b)
}

// applyPAX is archive/tar's mergePAX for the fields the index uses; ok is
// false when archive/tar would refuse a value.
func applyPAX(h *tarHeader, recs map[string]string) bool {
	for k, v := range recs {
		if v == "" {
			continue // keep the header's value
		}
		switch k {
		case "path":
			h.name = v
		case "linkpath":
			h.linkname = v
		case "uid", "gid":
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return false
			}
		case "atime", "ctime":
			if _, ok := parsePAXTime(v); !ok {
				return false
			}
		case "mtime":
			t, ok := parsePAXTime(v)
			if !ok {
				return false
			}
			h.mtime = t
		case "size":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return false
			}
			h.size = n
		}
	}
	return true
}

// parsePAXTime is archive/tar's: seconds with an optional fraction.
func parsePAXTime(s string) (time.Time, bool) {
	const maxNanoSecondDigits = 9
	ss, sn, _ := strings.Cut(s, ".")
	secs, err := strconv.ParseInt(ss, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	if len(sn) == 0 {
		return time.Unix(secs, 0), true
	}
	if strings.Trim(sn, "0123456789") != "" {
		return time.Time{}, false
	}
	if len(sn) < maxNanoSecondDigits {
		sn += strings.Repeat("0", maxNanoSecondDigits-len(sn))
	} else {
		sn = sn[:maxNanoSecondDigits]
	}
	nsecs, _ := strconv.ParseInt(sn, 10, 64)
	if len(ss) > 0 && ss[0] == '-' {
		return time.Unix(secs, -1*nsecs), true
	}
	return time.Unix(secs, nsecs), true
}

// posReader is a buffered reader that counts the bytes it has handed out
// (pos), so that budget checks see the position archive/tar would, not
// what was read ahead. An error of the underlying reader is kept and given
// again on every later read, once the buffered bytes are used up.
type posReader struct {
	r      io.Reader
	buf    []byte
	b, e   int // buffered bytes: buf[b:e]
	pos    int64
	err    error
	direct int // reads at least this long bypass the buffer
}

func newPosReader(r io.Reader, size int) *posReader {
	return &posReader{r: r, buf: make([]byte, size), direct: size / 2}
}

// fill reads more into the buffer; it returns false when nothing more can
// come (p.err is then set).
func (p *posReader) fill() bool {
	if p.err != nil {
		return false
	}
	if p.b == p.e {
		p.b, p.e = 0, 0
	} else if p.b > 0 {
		p.e = copy(p.buf, p.buf[p.b:p.e])
		p.b = 0
	}
	for i := 0; i < 100; i++ {
		n, err := p.r.Read(p.buf[p.e:])
		p.e += n
		if err != nil {
			p.err = err
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
	p.err = io.ErrNoProgress
	return false
}

// Read implements io.Reader.
func (p *posReader) Read(dst []byte) (int, error) {
	if len(dst) == 0 {
		return 0, nil
	}
	if p.b == p.e {
		if p.err != nil {
			return 0, p.err
		}
		if len(dst) >= p.direct {
			n, err := p.r.Read(dst)
			p.pos += int64(n)
			if err != nil {
				p.err = err
			}
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if !p.fill() {
			return 0, p.err
		}
	}
	n := copy(dst, p.buf[p.b:p.e])
	p.b += n
	p.pos += int64(n)
	return n, nil
}

// discard skips n bytes; it returns how many it skipped and, when fewer,
// the error (io.EOF when the stream ended).
func (p *posReader) discard(n int64) (int64, error) {
	var done int64
	for done < n {
		if p.b == p.e && !p.fill() {
			return done, p.err
		}
		k := min(int64(p.e-p.b), n-done)
		p.b += int(k)
		p.pos += k
		done += k
	}
	return done, nil
}
