package bundle

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// refMember is a member as the index sees it.
type refMember struct {
	name, link string
	typ        byte
	size, mode int64
	mtime      time.Time
	data       string
}

// readWithArchiveTar lists a tar with archive/tar alone: the reference.
func readWithArchiveTar(b []byte) ([]refMember, error) {
	tr := tar.NewReader(bytes.NewReader(b))
	var out []refMember
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		m := refMember{name: capName(h.Name), link: capName(h.Linkname), typ: h.Typeflag, size: h.Size, mode: h.Mode, mtime: h.ModTime}
		if h.Typeflag == tar.TypeReg && h.Size >= 0 && h.Size < 1<<20 {
			d := make([]byte, h.Size)
			if _, err := io.ReadFull(tr, d); err != nil {
				return out, noEOF(err)
			}
			m.data = string(d)
		}
		out = append(out, m)
	}
}

// capName is what tarStream keeps of a long name or link name: at most
// maxNameBytes+1 bytes (the index refuses it either way).
func capName(s string) string {
	if len(s) > maxNameBytes {
		return s[:maxNameBytes+1]
	}
	return s
}

// readWithStream lists a tar the way buildIndex does: tarStream, then
// archive/tar from the member it hands over.
func readWithStream(b []byte) (ms []refMember, native int, err error) {
	pr := newPosReader(bytes.NewReader(b), 4096)
	ts := &tarStream{r: pr}
	for {
		h, err := ts.next()
		if err == errTarBail {
			native = len(ms)
			rest, err := readWithArchiveTar(append(append([]byte(nil), ts.replay...), mustReadAll(pr)...))
			return append(ms, rest...), native, err
		}
		if err == io.EOF {
			return ms, len(ms), nil
		}
		if err != nil {
			return ms, len(ms), err
		}
		m := refMember{name: h.name, link: h.linkname, typ: h.typeflag, size: h.size, mode: h.mode, mtime: h.mtime}
		if h.typeflag == tar.TypeReg && h.size >= 0 && h.size < 1<<20 {
			d := make([]byte, h.size)
			if err := ts.read(d); err != nil {
				return ms, len(ms), err
			}
			m.data = string(d)
		}
		ms = append(ms, m)
	}
}

func mustReadAll(r io.Reader) []byte {
	b, _ := io.ReadAll(r)
	return b
}

// checkSameAsArchiveTar fails unless tarStream (with its hand-over) lists
// exactly what archive/tar lists, and fails exactly when it fails. It
// returns how many members tarStream read itself.
func checkSameAsArchiveTar(t *testing.T, b []byte) (native int) {
	t.Helper()
	want, werr := readWithArchiveTar(b)
	got, native, gerr := readWithStream(b)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("archive/tar error %v, tarStream error %v", werr, gerr)
	}
	if werr != nil && errors.Is(werr, io.ErrUnexpectedEOF) != errors.Is(gerr, io.ErrUnexpectedEOF) {
		t.Fatalf("archive/tar error %v, tarStream error %v", werr, gerr)
	}
	if len(got) != len(want) {
		t.Fatalf("tarStream read %d members, archive/tar %d (errors %v, %v)", len(got), len(want), gerr, werr)
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.name != g.name || w.link != g.link || w.typ != g.typ || w.size != g.size || w.mode != g.mode || !w.mtime.Equal(g.mtime) || w.data != g.data {
			t.Fatalf("member %d: tarStream %+v, archive/tar %+v", i, g, w)
		}
	}
	return native
}

// tarOf writes headers (with bodies for regular files) in the given format.
func tarOf(t testing.TB, format tar.Format, hs ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range hs {
		h.Format = format
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write(bytes.Repeat([]byte{'x'}, int(h.Size)))
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestTarStreamFormats checks tarStream against archive/tar on the forms
// sos (Python tarfile: PAX by default, GNU on Python 2), GNU tar and
// netdoctor collect write, and on archives it hands over.
func TestTarStreamFormats(t *testing.T) {
	long := "sosreport-host-2024-03-05-abcdefg/sys/devices/pci0000:00/0000:00:03.0/0000:01:00.0/net/" + strings.Repeat("very-long-interface-name-", 6) + "/statistics/rx_missed_errors"
	mt := time.Date(2024, 3, 5, 10, 11, 12, 345678000, time.UTC)
	members := func() []*tar.Header {
		return []*tar.Header{
			{Name: "top/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mt},
			{Name: "top/version.txt", Typeflag: tar.TypeReg, Size: 18, Mode: 0o644, ModTime: mt},
			{Name: long, Typeflag: tar.TypeReg, Size: 2, Mode: 0o600, ModTime: mt},
			{Name: "top/empty", Typeflag: tar.TypeReg, Size: 0, Mode: 0o644, ModTime: mt},
			{Name: "top/link", Typeflag: tar.TypeSymlink, Linkname: "../" + long, Mode: 0o777, ModTime: mt},
			{Name: "top/hard", Typeflag: tar.TypeLink, Linkname: "top/version.txt", ModTime: mt},
			{Name: "top/big", Typeflag: tar.TypeReg, Size: 5000, Mode: 0o644, ModTime: mt},
			{Name: "top/dev/null", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3, ModTime: mt},
			{Name: "top/fifo", Typeflag: tar.TypeFifo, ModTime: mt},
			{Name: "top/ünïcode-名前", Typeflag: tar.TypeReg, Size: 3, Mode: 0o644, ModTime: mt},
		}
	}
	for _, tc := range []struct {
		name   string
		format tar.Format
	}{
		{"USTAR", tar.FormatUSTAR},
		{"PAX", tar.FormatPAX},
		{"GNU", tar.FormatGNU},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := members()
			if tc.format == tar.FormatUSTAR {
				// USTAR can hold neither the long name nor Unicode
				// nor sub-second times.
				hs[2].Name = "top/" + strings.Repeat("d/", 60) + "f"
				hs[4].Linkname = "x"
				hs[9].Name = "top/unicode"
				for _, h := range hs {
					h.ModTime = h.ModTime.Truncate(time.Second)
				}
			}
			// Read without handing over (but for the end blocks).
			if n := checkSameAsArchiveTar(t, tarOf(t, tc.format, hs...)); n != len(hs) {
				t.Errorf("tarStream read %d of %d members itself", n, len(hs))
			}
		})
	}
	// The members netdoctor collect writes.
	for _, ms := range [][]member{sosTree, hostileLinks} {
		if n := checkSameAsArchiveTar(t, tarBytes(t, ms)); n != len(ms) {
			t.Errorf("tarStream read %d of %d members itself", n, len(ms))
		}
	}

	// Forms handed over to archive/tar, still read identically.
	glob := tarOf(t, tar.FormatPAX,
		&tar.Header{Name: "pax_global_header", Typeflag: tar.TypeXGlobalHeader, PAXRecords: map[string]string{"comment": "git"}},
		&tar.Header{Name: "a", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644})
	if n := checkSameAsArchiveTar(t, glob); n != 0 {
		t.Errorf("global header not handed over (%d members read first)", n)
	}
	// A base-256 size (over 8 GiB is what needs it; a small one forced).
	b256 := tarOf(t, tar.FormatGNU, &tar.Header{Name: "a", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644})
	copy(b256[124:136], []byte{0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
	fixChecksum(b256[:512])
	checkSameAsArchiveTar(t, b256)
	// A V7 header.
	v7 := tarOf(t, tar.FormatUSTAR, &tar.Header{Name: "a", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644})
	copy(v7[257:265], make([]byte, 8))
	fixChecksum(v7[:512])
	checkSameAsArchiveTar(t, v7)
}

// fixChecksum rewrites the checksum of a header block.
func fixChecksum(blk []byte) {
	copy(blk[148:156], "        ")
	var sum int64
	for _, c := range blk[:512] {
		sum += int64(c)
	}
	copy(blk[148:156], fmt.Sprintf("%06o\x00 ", sum))
}

// TestTarStreamCuts cuts archives everywhere: truncation in a header, in
// data, in padding, in a PAX record must give archive/tar's outcome.
func TestTarStreamCuts(t *testing.T) {
	for _, b := range [][]byte{
		tarBytes(t, sosTree),
		tarOf(t, tar.FormatGNU, &tar.Header{Name: strings.Repeat("n", 150), Typeflag: tar.TypeReg, Size: 700, Mode: 0o644}),
	} {
		for n := 0; n <= len(b); n += 37 {
			checkSameAsArchiveTar(t, b[:n])
		}
	}
}

// FuzzTarStream: whatever the bytes, tarStream with its hand-over lists
// what archive/tar lists and fails when it fails.
func FuzzTarStream(f *testing.F) {
	f.Add(tarBytes(f, sosTree))
	f.Add(tarBytes(f, hostileLinks))
	f.Add(tarOf(f, tar.FormatGNU, &tar.Header{Name: strings.Repeat("g", 120), Typeflag: tar.TypeReg, Size: 3, Mode: 0o644},
		&tar.Header{Name: "l", Typeflag: tar.TypeSymlink, Linkname: strings.Repeat("t", 130)}))
	f.Add(tarOf(f, tar.FormatPAX, &tar.Header{Name: "p", Typeflag: tar.TypeReg, Size: 3, Mode: 0o644,
		PAXRecords: map[string]string{"path": "renamed", "mtime": "1709633472.5", "SCHILY.xattr.user.x": "1"}}))
	f.Add(tarOf(f, tar.FormatUSTAR, &tar.Header{Name: strings.Repeat("d/", 70) + "f", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644}))
	f.Add([]byte{})
	f.Add(make([]byte, 1024))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkSameAsArchiveTar(t, b)
	})
}

// TestPosReaderErrors checks read-ahead never surfaces an error before the
// bytes that precede it, and keeps it.
func TestPosReaderErrors(t *testing.T) {
	boom := errors.New("boom")
	r := newPosReader(io.MultiReader(strings.NewReader("abcdef"), errReader{boom}), 4)
	got := make([]byte, 6)
	if _, err := io.ReadFull(r, got); err != nil || string(got) != "abcdef" {
		t.Fatalf("ReadFull = %q, %v", got, err)
	}
	if r.pos != 6 {
		t.Errorf("pos = %d, want 6", r.pos)
	}
	for i := 0; i < 2; i++ {
		if _, err := r.Read(got); err != boom {
			t.Errorf("Read after the data = %v, want boom", err)
		}
	}
	if n, err := r.discard(5); n != 0 || err != boom {
		t.Errorf("discard = %d, %v", n, err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// FuzzTarStreamHeaders builds archives whose header blocks carry
// arbitrary field bytes with a valid checksum (which random bytes rarely
// have), and PAX records of arbitrary keys and values, so that every
// header path of tarStream meets archive/tar.
func FuzzTarStreamHeaders(f *testing.F) {
	f.Add("top/file", "", byte('0'), uint16(5), "path", "renamed", uint8(0), uint16(0), byte(0))
	f.Add("top/link", "target", byte('2'), uint16(0), "mtime", "1709633472.123", uint8(1), uint16(100), byte('7'))
	f.Add("top/dir/", "", byte(0), uint16(0), "size", "3", uint8(2), uint16(124), byte(' '))
	f.Add("x", "y", byte('L'), uint16(10), "GNU.sparse.major", "1", uint8(2), uint16(345), byte('1'))
	f.Add("pfx/name", "", byte('0'), uint16(1), "uid", "-1", uint8(1), uint16(345), byte('p'))
	f.Fuzz(func(t *testing.T, name, link string, typ byte, size uint16, key, val string, format uint8, off uint16, by byte) {
		formats := []tar.Format{tar.FormatUSTAR, tar.FormatPAX, tar.FormatGNU}
		h := &tar.Header{Name: name, Linkname: link, Typeflag: typ, Size: int64(size % 2048), Mode: 0o644,
			ModTime: time.Unix(1709633472, 0), Format: formats[int(format)%3]}
		if h.Typeflag == tar.TypeXHeader || h.Typeflag == tar.TypeXGlobalHeader || h.Typeflag == tar.TypeGNULongName ||
			h.Typeflag == tar.TypeGNULongLink || h.Typeflag == tar.TypeGNUSparse {
			h.Typeflag = tar.TypeReg // the writer refuses these; raw bytes below make them
		}
		if h.Format == tar.FormatPAX && key != "" {
			h.PAXRecords = map[string]string{key: val}
		}
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		if tw.WriteHeader(h) != nil {
			return
		}
		if !tarHeaderOnly(h.Typeflag) {
			tw.Write(bytes.Repeat([]byte{'d'}, int(h.Size)))
		}
		tw.WriteHeader(&tar.Header{Name: "after", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644, Format: h.Format})
		tw.Write([]byte{'a'})
		tw.Close()
		b := buf.Bytes()
		// Change one byte of the first header block (or of the PAX
		// data) and make the checksum right again.
		i := int(off) % 1024
		if i < len(b) {
			b[i] = by
			if i < 512 {
				fixChecksum(b[:512])
			} else if len(b) >= 1024 && isTarHeader(b[:512]) {
				fixChecksum(b[512:1024])
			}
		}
		checkSameAsArchiveTar(t, b)
	})
}

// FuzzTarChecksum checks the word-wise checksum against archive/tar's
// byte-wise definition.
func FuzzTarChecksum(f *testing.F) {
	f.Add(make([]byte, 512), int64(256))
	f.Add(bytes.Repeat([]byte{0xff}, 512), int64(0))
	f.Add(tarBytes(f, sosTree)[:512], int64(0))
	f.Fuzz(func(t *testing.T, blk []byte, sum int64) {
		var b [512]byte
		copy(b[:], blk)
		var unsigned, signed int64
		for i, c := range b {
			if 148 <= i && i < 156 {
				c = ' '
			}
			unsigned += int64(c)
			signed += int64(int8(c))
		}
		for _, s := range []int64{sum, unsigned, signed, unsigned + 1, signed - 1} {
			if got, want := tarChecksumOK(&b, s), s == unsigned || s == signed; got != want {
				t.Fatalf("tarChecksumOK(sum %d) = %v; unsigned %d, signed %d", s, got, unsigned, signed)
			}
		}
	})
}
