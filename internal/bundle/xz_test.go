package bundle

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// The archives in testdata were made with GNU tar 1.34, xz-utils 5.4 and
// bzip2 1.0.8 from a tiny tree (sosreport-tiny/: version.txt,
// sos_commands/kernel/{uname_-a,seq.txt}, proc/42/net/dev, proc/self -> 42,
// proc/net -> self/net; seq.txt is `seq 1 12000`):
//
//	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2024-03-05 10:11:12Z' -cf tiny.tar sosreport-tiny
//	bzip2 -9 -c tiny.tar > tiny.tar.bz2
//	xz -9 -T1 --check=crc64 -c tiny.tar > tiny-crc64.tar.xz
//	xz -T2 --block-size=16384 --check=sha256 -c tiny.tar > tiny-blocks-sha256.tar.xz   (7 blocks)
//	xz --check=none -1 -c tiny.tar > tiny-none.tar.xz
//	xz --check=crc32 -c tiny.tar > tiny-crc32.tar.xz
//	gpg --symmetric -o secured-sosreport-tiny.tar.xz.gpg tiny-crc64.tar.xz
func TestRealArchives(t *testing.T) {
	var seq strings.Builder
	for i := 1; i <= 12000; i++ {
		fmt.Fprintf(&seq, "%d\n", i)
	}
	for _, name := range []string{"tiny.tar.bz2", "tiny-crc64.tar.xz", "tiny-blocks-sha256.tar.xz", "tiny-none.tar.xz", "tiny-crc32.tar.xz"} {
		t.Run(name, func(t *testing.T) {
			b, err := Open(filepath.Join("testdata", name), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if b.Kind != "archive" {
				t.Errorf("Kind = %q", b.Kind)
			}
			roots, err := Roots(b.FS)
			if err != nil || len(roots) != 1 || roots[0].Dir != "sosreport-tiny" {
				t.Fatalf("Roots = %v, %v", roots, err)
			}
			r, _ := Sub(b.FS, "sosreport-tiny")
			if got, err := r.ReadFile("sos_commands/kernel/seq.txt"); err != nil || string(got) != seq.String() {
				t.Errorf("seq.txt: %d bytes, %v", len(got), err)
			}
			if got, err := r.ReadFile("proc/net/dev"); err != nil || !strings.Contains(string(got), "eth0") {
				t.Errorf("proc/net/dev: %q, %v", got, err)
			}
		})
	}
	_, err := Open(filepath.Join("testdata", "secured-sosreport-tiny.tar.xz.gpg"), Limits{})
	if err == nil || !strings.Contains(err.Error(), "decrypt secured-sosreport files with gpg first") {
		t.Errorf("gpg file: %v", err)
	}
}

// TestXZWriterForms reads what github.com/ulikunitz/xz writes, with each
// check type and with several blocks.
func TestXZWriterForms(t *testing.T) {
	raw := tarBytes(t, sosTree)
	for _, cfg := range []xz.WriterConfig{
		{CheckSum: xz.CRC32},
		{CheckSum: xz.CRC64},
		{CheckSum: xz.SHA256},
		{NoCheckSum: true},
		// Several blocks. Its writer declares no block sizes, so each
		// block's dictionary counts in full against the total bound:
		// 8 MiB dictionaries for 1 KiB blocks would be refused at the
		// ninth block (TestXZDictionaryTotal).
		{BlockSize: 1024, DictCap: 64 << 10, CheckSum: xz.CRC32},
	} {
		t.Run(fmt.Sprintf("%+v", cfg), func(t *testing.T) {
			x, err := newXZReader(bufio.NewReader(bytes.NewReader(xzBytes(t, raw, cfg))))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(x)
			if err != nil || !bytes.Equal(got, raw) {
				t.Errorf("got %d bytes (want %d), %v", len(got), len(raw), err)
			}
		})
	}
}

// patchDict sets the LZMA2 dictionary code of the first block header of an
// .xz stream and fixes the header's CRC32.
func patchDict(t *testing.T, b []byte, code byte) []byte {
	t.Helper()
	b = bytes.Clone(b)
	size := (int(b[12]) + 1) * 4
	h := b[12 : 12+size]
	i := bytes.Index(h[2:], []byte{0x21, 0x01})
	if i < 0 {
		t.Fatal("no LZMA2 filter in the block header")
	}
	h[2+i+2] = code
	binary.LittleEndian.PutUint32(h[size-4:], crc32.ChecksumIEEE(h[:size-4]))
	return b
}

// TestXZHugeDictionary checks a block header asking for a 4 GiB dictionary
// is refused before anything is allocated.
func TestXZHugeDictionary(t *testing.T) {
	good := xzBytes(t, tarBytes(t, sosTree), xz.WriterConfig{})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := indexArchive(bytes.NewReader(patchDict(t, good, 40)), DefaultLimits())
	runtime.ReadMemStats(&after)
	wantRefused(t, err, "xz dictionary of 4095 MiB exceeds the 64 MiB limit")
	if d := after.TotalAlloc - before.TotalAlloc; d > 32<<20 {
		t.Errorf("allocated %d MiB", d>>20)
	}
	// Code 28 is 64 MiB (2^(code/2+12)), what xz -9 uses: allowed.
	if _, err := indexArchive(bytes.NewReader(patchDict(t, good, 28)), DefaultLimits()); err != nil {
		t.Errorf("dictionary code 28 (64 MiB): %v", err)
	}
	_, err = indexArchive(bytes.NewReader(patchDict(t, good, 29)), DefaultLimits())
	wantRefused(t, err, "xz dictionary of 96 MiB")
}

// TestXZCorrupt checks damaged streams give errors.
func TestXZCorrupt(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "tiny-crc64.tar.xz"))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x55
		return b
	}
	tests := map[string][]byte{
		"stream flags":     flip(7),
		"block header":     flip(13),
		"compressed data":  flip(len(good) / 2),
		"truncated":        good[:len(good)/2],
		"header only":      good[:12],
		"cut stream magic": good[:4],
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := indexArchive(bytes.NewReader(b), DefaultLimits()); err == nil {
				t.Error("no error")
			}
		})
	}
	// The block check (the bytes just before the index, located from the
	// footer's backward size) is verified.
	index := int(binary.LittleEndian.Uint32(good[len(good)-8:])+1) * 4
	b := bytes.Clone(good)
	b[len(b)-12-index-1] ^= 1
	x, err := newXZReader(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, x); err == nil || !strings.Contains(err.Error(), "check mismatch") {
		t.Errorf("corrupt check: %v", err)
	}
}

func TestXZVarint(t *testing.T) {
	tests := []struct {
		in   []byte
		want uint64
		ok   bool
	}{
		{[]byte{0x00}, 0, true},
		{[]byte{0x7f}, 127, true},
		{[]byte{0x80, 0x01}, 128, true},
		{[]byte{0x80, 0x00}, 0, false}, // non-minimal
		{[]byte{0x80}, 0, false},       // truncated
		{bytes.Repeat([]byte{0xff}, 10), 0, false},
	}
	for _, tt := range tests {
		got, _, err := xzVarint(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("xzVarint(%x) = %d, %v", tt.in, got, err)
		}
	}
}
