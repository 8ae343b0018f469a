package bundle

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz/lzma"
)

// The shapes of the archive and directory attacks the bundle readers are
// bounded against, built byte by byte (archive/tar's writer refuses most of
// them). The fuzz targets take them as seeds and hostile_test.go measures
// each against a plain bundle of the same content.

// rawBlock is a USTAR header block with a valid checksum.
func rawBlock(name string, typ byte, size int64) []byte {
	b := make([]byte, 512)
	copy(b, name)
	copy(b[100:], "0000644\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	copy(b[124:], fmt.Sprintf("%011o\x00", size))
	copy(b[136:], "14575323400\x00")
	b[156] = typ
	copy(b[257:], "ustar\x0000")
	fixChecksum(b)
	return b
}

// padded appends data and its padding to a block boundary.
func padded(dst, data []byte) []byte {
	dst = append(dst, data...)
	return append(dst, make([]byte, tarPadding(int64(len(data))))...)
}

// paxRecord is one "length key=value\n" record.
func paxRecord(k, v string) string {
	body := " " + k + "=" + v + "\n"
	n := len(body) + 1
	for len(fmt.Sprint(n))+len(body) != n {
		n++
	}
	return fmt.Sprint(n) + body
}

// endTar appends the two end-of-archive blocks.
func endTar(b []byte) []byte { return append(b, make([]byte, 1024)...) }

// payloadTar is the plain part every attack archive carries: a small
// sosreport tree and a 1 MiB file, so that a plain bundle costs what real
// content costs.
func payloadTar() []byte {
	var b []byte
	for _, m := range sosTree {
		switch m.kind {
		case 'f':
			b = append(b, rawBlock(m.name, '0', int64(len(m.body)))...)
			b = padded(b, []byte(m.body))
		case 'l':
			blk := rawBlock(m.name, '2', 0)
			copy(blk[157:257], m.body)
			fixChecksum(blk)
			b = append(b, blk...)
		}
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	b = append(b, rawBlock(sosTop+"/var/log/big", '0', int64(len(big)))...)
	return padded(b, big)
}

// sparseAttack is n GNU PAX 1.0 sparse members, each declaring logical
// bytes of which one is data: a few hundred bytes per member.
func sparseAttack(n int, logical int64) []byte {
	b := payloadTar()
	for i := range n {
		name := fmt.Sprintf("%s/proc/sparse/f%03d", sosTop, i)
		recs := paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0") +
			paxRecord("GNU.sparse.name", name) + paxRecord("GNU.sparse.realsize", fmt.Sprint(logical))
		b = append(b, rawBlock("PaxHeaders/x", 'x', int64(len(recs)))...)
		b = padded(b, []byte(recs))
		sparseMap := make([]byte, 512)
		copy(sparseMap, fmt.Sprintf("1\n%d\n1\n", logical-1))
		data := append(sparseMap, 'x')
		b = append(b, rawBlock(fmt.Sprintf("%s/proc/GNUSparseFile.0/f%03d", sosTop, i), '0', int64(len(data)))...)
		b = padded(b, data)
	}
	return endTar(b)
}

// oldSparseAttack is n old GNU sparse members (type 'S'), each declaring
// logical bytes of which the last is data.
func oldSparseAttack(n int, logical int64) []byte {
	b := payloadTar()
	for i := range n {
		blk := rawBlock(fmt.Sprintf("%s/proc/sparse/f%03d", sosTop, i), 'S', 1)
		copy(blk[257:], "ustar  \x00")
		copy(blk[386:], fmt.Sprintf("%011o\x00%011o\x00", logical-1, 1))
		copy(blk[483:], fmt.Sprintf("%011o\x00", logical))
		fixChecksum(blk)
		b = append(b, blk...)
		b = padded(b, []byte("x"))
	}
	return endTar(b)
}

// sparsePlain is sparseAttack's members as ordinary one-byte files.
func sparsePlain(n int) []byte {
	b := payloadTar()
	for i := range n {
		b = append(b, rawBlock(fmt.Sprintf("%s/proc/sparse/f%03d", sosTop, i), '0', 1)...)
		b = padded(b, []byte("x"))
	}
	return endTar(b)
}

// metaChainAttack is n chained extended headers of size bytes each (GNU
// long names when typ is 'L', PAX path records when 'x') before one
// member.
func metaChainAttack(n, size int, typ byte) []byte {
	b := payloadTar()
	for range n {
		var data []byte
		if typ == 'L' {
			data = bytes.Repeat([]byte("a"), size)
		} else {
			data = []byte(paxRecord("path", strings.Repeat("a", size-20)))
		}
		b = append(b, rawBlock("././@LongLink", typ, int64(len(data)))...)
		b = padded(b, data)
	}
	b = append(b, rawBlock(sosTop+"/after", '0', 1)...)
	return endTar(padded(b, []byte("x")))
}

// globalFirst puts a PAX global header before the archive b, which makes
// the index hand the whole archive to archive/tar.
func globalFirst(b []byte) []byte {
	rec := paxRecord("comment", "handed over")
	g := append(rawBlock("pax_global_header", 'g', int64(len(rec))), rec...)
	g = append(g, make([]byte, tarPadding(int64(len(rec))))...)
	return append(g, b...)
}

// longNameAttack is one member whose GNU long name is size bytes of
// two-byte components ("a/a/a/...").
func longNameAttack(size int) []byte {
	b := payloadTar()
	name := []byte(sosTop + "/" + strings.Repeat("a/", size/2) + "f")
	b = append(b, rawBlock("././@LongLink", 'L', int64(len(name)+1))...)
	b = padded(b, append(name, 0))
	b = append(b, rawBlock(sosTop+"/short", '0', 1)...)
	return endTar(padded(b, []byte("x")))
}

// namePlain is the payload with one ordinary member.
func namePlain() []byte {
	b := payloadTar()
	b = append(b, rawBlock(sosTop+"/after", '0', 1)...)
	return endTar(padded(b, []byte("x")))
}

// xzBlocks writes raw as an .xz stream of blocks of blockSize bytes, each
// declaring dict in its header (no sizes declared, as a streaming writer
// does) and compressed with a small dictionary.
func xzBlocks(t testing.TB, raw []byte, blockSize int, dict uint32) []byte {
	return xzBlocksSized(t, raw, blockSize, dict, false)
}

// xzBlocksSized is xzBlocks with the uncompressed size of each block
// declared in its header when sized is set (as multi-threaded xz does).
func xzBlocksSized(t testing.TB, raw []byte, blockSize int, dict uint32, sized bool) []byte {
	t.Helper()
	var out bytes.Buffer
	out.Write(xzMagic)
	flags := []byte{0, 0x01} // CRC32
	out.Write(flags)
	out.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(flags)))
	dictCode := byte(0)
	for lzmaDictSize(dictCode) < dict {
		dictCode++
	}
	type rec struct{ unpadded, uncomp uint64 }
	var recs []rec
	for off := 0; off < len(raw); off += blockSize {
		chunk := raw[off:min(off+blockSize, len(raw))]
		var lz bytes.Buffer
		w, err := lzma.Writer2Config{DictCap: lzma.MinDictCap}.NewWriter2(&lz)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(chunk)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		hdr := []byte{0, 0x00}
		if sized {
			hdr[1] = 0x80
			hdr = append(hdr, xzVarintBytes(uint64(len(chunk)))...)
		}
		hdr = append(hdr, 0x21, 0x01, dictCode)
		for len(hdr)%4 != 0 {
			hdr = append(hdr, 0)
		}
		hdr[0] = byte(len(hdr)+4)/4 - 1
		hdr = binary.LittleEndian.AppendUint32(hdr, crc32.ChecksumIEEE(hdr))
		out.Write(hdr)
		out.Write(lz.Bytes())
		unpadded := len(hdr) + lz.Len() + 4
		out.Write(make([]byte, (4-(len(hdr)+lz.Len())%4)%4))
		out.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(chunk)))
		recs = append(recs, rec{uint64(unpadded), uint64(len(chunk))})
	}
	var idx bytes.Buffer
	idx.WriteByte(0)
	idx.Write(xzVarintBytes(uint64(len(recs))))
	for _, r := range recs {
		idx.Write(xzVarintBytes(r.unpadded))
		idx.Write(xzVarintBytes(r.uncomp))
	}
	for idx.Len()%4 != 0 {
		idx.WriteByte(0)
	}
	idx.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(idx.Bytes())))
	out.Write(idx.Bytes())
	foot := binary.LittleEndian.AppendUint32(nil, uint32(idx.Len()/4-1))
	foot = append(foot, flags...)
	out.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(foot)))
	out.Write(foot)
	out.WriteString("YZ")
	return out.Bytes()
}

// lzmaDictSize is the dictionary size an LZMA2 dictionary code declares.
func lzmaDictSize(code byte) uint32 {
	if code == 40 {
		return 0xffffffff
	}
	return (2 | uint32(code)&1) << (code/2 + 11)
}

func xzVarintBytes(v uint64) []byte {
	var b []byte
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// linkChainDir makes a directory bundle whose top holds a directory d, a
// file and a chain of hops links l00 -> l01 -> ... -> file, each target
// padded to about pad bytes with "d/../" (every "d" a lookup).
func linkChainDir(t testing.TB, hops, pad int) string {
	t.Helper()
	dir := t.TempDir()
	top := filepath.Join(dir, sosTop)
	if err := os.MkdirAll(filepath.Join(top, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(top, "file"), []byte("end of the chain\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range hops {
		next := fmt.Sprintf("l%02d", i+1)
		if i == hops-1 {
			next = "file"
		}
		target := strings.Repeat("d/../", max(pad-len(next), 0)/5) + next
		if err := os.Symlink(target, filepath.Join(top, fmt.Sprintf("l%02d", i))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// countingBackend counts the lookups of a backend.
type countingBackend struct {
	backend
	lstats int
}

func (c *countingBackend) lstat(p string) (os.FileInfo, error) {
	c.lstats++
	return c.backend.lstat(p)
}
