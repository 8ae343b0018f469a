package bundle

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"

	"github.com/ulikunitz/xz/lzma"
)

// xzMaxDict bounds the LZMA2 dictionary a .tar.xz may ask for. xz -9 uses
// 64 MiB; sos (python lzma, preset 6) uses 8 MiB. The xz container reader of
// github.com/ulikunitz/xz allocates whatever a block header declares (up to
// 4 GiB), so a 100-byte hostile file could demand gigabytes. This file reads
// the xz container itself and hands only the LZMA2 data of each block to the
// library's lzma.Reader2, after checking the dictionary size.
//
// Each block allocates its own dictionary, so the bound is on all blocks
// together too: a block's dictionary is cut to its declared uncompressed
// size (multi-threaded xz declares it; every block starts with a fresh
// dictionary), and the dictionaries of a stream may total at most xzMaxDict
// more than the data decompressed so far. xz -T0 -9 (64 MiB dictionaries,
// 192 MiB blocks) and python's single block stay well inside; 120 tiny
// blocks each declaring 64 MiB are refused at the second.
const xzMaxDict = 64 << 20

var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}

// xzReader decompresses the first stream of an .xz file: blocks holding one
// LZMA2 filter each, with their integrity checks verified. It stops at the
// stream's index (a tar archive ends before it).
type xzReader struct {
	r     *bufio.Reader
	check byte // check type from the stream flags

	block      io.Reader // current block's LZMA2 reader; nil between blocks
	cr         *countReader
	hash       hash.Hash
	hdrSize    int64
	declComp   int64 // -1 when the header does not say
	declUncomp int64
	uncomp     int64
	produced   int64 // uncompressed bytes of all blocks so far
	dicts      int64 // dictionary bytes allocated for all blocks so far
	err        error
}

// newXZReader reads and checks the stream header.
func newXZReader(r *bufio.Reader) (*xzReader, error) {
	var h [12]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, fmt.Errorf("xz stream header: %w", noEOF(err))
	}
	if !bytes.Equal(h[:6], xzMagic) {
		return nil, errors.New("xz: bad magic")
	}
	if crc32.ChecksumIEEE(h[6:8]) != binary.LittleEndian.Uint32(h[8:12]) {
		return nil, errors.New("xz: stream header checksum mismatch")
	}
	if h[6] != 0 || h[7]&0xf0 != 0 {
		return nil, errors.New("xz: unsupported stream flags")
	}
	return &xzReader{r: r, check: h[7] & 0x0f}, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// checkSize is the size of each xz check type (xz file format 1.1.0, 3.1.3).
func checkSize(id byte) int {
	switch {
	case id == 0:
		return 0
	case id <= 3:
		return 4
	case id <= 6:
		return 8
	case id <= 9:
		return 16
	case id <= 12:
		return 32
	default:
		return 64
	}
}

func (x *xzReader) newHash() hash.Hash {
	switch x.check {
	case 0x01:
		return crc32.NewIEEE()
	case 0x04:
		return crc64.New(crc64.MakeTable(crc64.ECMA))
	case 0x0a:
		return sha256.New()
	}
	return nil // reserved check types: skipped unverified, as xz does with a warning
}

// Read implements io.Reader.
func (x *xzReader) Read(p []byte) (int, error) {
	if x.err != nil {
		return 0, x.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if x.block == nil {
			if err := x.nextBlock(); err != nil {
				x.err = err
				return 0, err
			}
		}
		n, err := x.block.Read(p)
		if n > 0 {
			if x.hash != nil {
				x.hash.Write(p[:n])
			}
			x.uncomp += int64(n)
			x.produced += int64(n)
		}
		if err == io.EOF {
			if err := x.endBlock(); err != nil {
				x.err = err
				return n, err
			}
			x.block = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			x.err = fmt.Errorf("xz: %w", noEOF(err))
			return n, x.err
		}
		if n > 0 {
			return n, nil
		}
	}
}

// readBlock reads the current block's data (started by startBlock),
// hashing it; at the block's end it checks it and returns io.EOF.
func (x *xzReader) readBlock(p []byte) (int, error) {
	n, err := x.block.Read(p)
	if n > 0 {
		if x.hash != nil {
			x.hash.Write(p[:n])
		}
		x.uncomp += int64(n)
		x.produced += int64(n)
	}
	if err == io.EOF {
		if err := x.endBlock(); err != nil {
			return n, err
		}
		x.block = nil
		return n, io.EOF
	}
	if err != nil {
		return n, fmt.Errorf("xz: %w", noEOF(err))
	}
	return n, nil
}

// nextBlock reads a block header and sets up its LZMA2 reader. At the index
// it returns io.EOF.
func (x *xzReader) nextBlock() error {
	h, err := x.readBlockHeader()
	if err != nil {
		return err
	}
	// The dictionaries of all blocks together: one of the largest size,
	// and then no more than the data decompressed so far.
	if err := dictBound(x.dicts, h.dict, x.produced); err != nil {
		return err
	}
	x.dicts += h.dict
	return x.startBlock(h)
}

// startBlock sets up the LZMA2 reader of the block whose header is h, on
// the stream.
func (x *xzReader) startBlock(h xzBlock) error {
	x.declComp, x.declUncomp, x.hdrSize = h.comp, h.uncomp, h.hdrSize
	x.cr = &countReader{r: x.r}
	lz, err := lzma.Reader2Config{DictCap: int(h.dict)}.NewReader2(x.cr)
	if err != nil {
		return fmt.Errorf("xz: %w", err)
	}
	x.block = lz
	x.hash = x.newHash()
	x.uncomp = 0
	return nil
}

// dictBound refuses a block's dictionary of size bytes when the blocks'
// dictionaries, dicts so far, would total more than xzMaxDict beyond the
// data decompressed so far.
func dictBound(dicts, size, produced int64) error {
	if dicts+size > xzMaxDict+produced {
		return refused(fmt.Sprintf("xz blocks declare %s of dictionaries for %s of data (at most %s more than the data)",
			sizeString(dicts+size), sizeString(produced), sizeString(xzMaxDict)))
	}
	return nil
}

// xzBlock is what a block header declares: the compressed and
// uncompressed sizes (-1 when not stated), the dictionary the block needs
// (cut to its uncompressed size) and the header's own size.
type xzBlock struct {
	comp, uncomp, dict, hdrSize int64
}

// readBlockHeader reads and checks a block header; at the index it
// returns io.EOF.
func (x *xzReader) readBlockHeader() (xzBlock, error) {
	var blk xzBlock
	b, err := x.r.ReadByte()
	if err != nil {
		return blk, fmt.Errorf("xz block header: %w", noEOF(err))
	}
	if b == 0 {
		return blk, io.EOF // index indicator: no more blocks in this stream
	}
	size := (int(b) + 1) * 4
	h := make([]byte, size)
	h[0] = b
	if _, err := io.ReadFull(x.r, h[1:]); err != nil {
		return blk, fmt.Errorf("xz block header: %w", noEOF(err))
	}
	if crc32.ChecksumIEEE(h[:size-4]) != binary.LittleEndian.Uint32(h[size-4:]) {
		return blk, errors.New("xz: block header checksum mismatch")
	}
	flags := h[1]
	if flags&0x3c != 0 {
		return blk, errors.New("xz: unsupported block flags")
	}
	body := h[2 : size-4]
	blk.comp, blk.uncomp, blk.hdrSize = -1, -1, int64(size)
	if flags&0x40 != 0 {
		v, rest, err := xzVarint(body)
		if err != nil || v == 0 || v > 1<<62 {
			return blk, errors.New("xz: bad compressed size in block header")
		}
		blk.comp, body = int64(v), rest
	}
	if flags&0x80 != 0 {
		v, rest, err := xzVarint(body)
		if err != nil || v > 1<<62 {
			return blk, errors.New("xz: bad uncompressed size in block header")
		}
		blk.uncomp, body = int64(v), rest
	}
	if flags&0x03 != 0 {
		return blk, errors.New("xz: filter chains other than a single LZMA2 filter are not supported")
	}
	id, body, err := xzVarint(body)
	if err != nil {
		return blk, errors.New("xz: bad filter flags")
	}
	plen, body, err := xzVarint(body)
	if err != nil || id != 0x21 || plen != 1 || len(body) < 1 {
		return blk, fmt.Errorf("xz: unsupported filter %#x (only LZMA2)", id)
	}
	dict, err := lzma.DecodeDictCap(body[0])
	if err != nil {
		return blk, fmt.Errorf("xz: %w", err)
	}
	for _, c := range body[1:] {
		if c != 0 {
			return blk, errors.New("xz: non-zero block header padding")
		}
	}
	if dict > xzMaxDict {
		return blk, refused(fmt.Sprintf("xz dictionary of %d MiB exceeds the %d MiB limit", dict>>20, xzMaxDict>>20))
	}
	// Every block starts with a fresh dictionary, so one declaring its
	// uncompressed size never needs more than that.
	blk.dict = int64(dict)
	if blk.uncomp >= 0 {
		blk.dict = min(blk.dict, blk.uncomp)
	}
	blk.dict = max(blk.dict, lzma.MinDictCap)
	return blk, nil
}

// endBlock checks the sizes, the padding and the check of a finished block.
func (x *xzReader) endBlock() error {
	comp := x.cr.n
	if x.declComp >= 0 && comp != x.declComp {
		return errors.New("xz: block compressed size does not match its header")
	}
	if x.declUncomp >= 0 && x.uncomp != x.declUncomp {
		return errors.New("xz: block uncompressed size does not match its header")
	}
	var buf [64]byte
	pad := int((4 - (x.hdrSize+comp)%4) % 4)
	if _, err := io.ReadFull(x.r, buf[:pad]); err != nil {
		return fmt.Errorf("xz block padding: %w", noEOF(err))
	}
	for _, c := range buf[:pad] {
		if c != 0 {
			return errors.New("xz: non-zero block padding")
		}
	}
	n := checkSize(x.check)
	if _, err := io.ReadFull(x.r, buf[:n]); err != nil {
		return fmt.Errorf("xz block check: %w", noEOF(err))
	}
	if x.hash == nil {
		return nil
	}
	var want []byte
	switch h := x.hash.(type) {
	case hash.Hash32:
		want = binary.LittleEndian.AppendUint32(nil, h.Sum32())
	case hash.Hash64:
		want = binary.LittleEndian.AppendUint64(nil, h.Sum64())
	default:
		want = h.Sum(nil)
	}
	if !bytes.Equal(want, buf[:n]) {
		return errors.New("xz: block check mismatch (corrupt data)")
	}
	return nil
}

// xzVarint decodes an xz multibyte integer.
func xzVarint(b []byte) (uint64, []byte, error) {
	var v uint64
	for i := 0; i < 9 && i < len(b); i++ {
		c := b[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if c == 0 && i > 0 {
				return 0, nil, errors.New("xz: non-minimal integer")
			}
			return v, b[i+1:], nil
		}
	}
	return 0, nil, errors.New("xz: bad integer")
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
