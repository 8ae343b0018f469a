package source

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func TestSniffKind(t *testing.T) {
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	tw.WriteHeader(&tar.Header{Name: "sosreport-x/version.txt", Mode: 0o644, Size: 0})
	tw.Close()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(tarBuf.Bytes())
	zw.Close()
	cases := []struct {
		name string
		head []byte
		want string
	}{
		{"tar", tarBuf.Bytes(), ""},
		{"gzip", gz.Bytes(), ""},
		{"xz", []byte("\xfd7zXZ\x00\x00"), ""},
		{"binary", []byte{0x00, 0x01, 0x02, 0xfe}, ""},
		{"zip", []byte("PK\x03\x04"), "a zip archive"},
		{"empty zip", []byte("PK\x05\x06"), "a zip archive"},
		{"7z", []byte("7z\xbc\xaf\x27\x1c\x00"), "a 7-Zip archive"},
		{"rar", []byte("Rar!\x1a\x07\x01\x00"), "a RAR archive"},
		{"openssl", []byte("Salted__12345678"), "encrypted with openssl enc"},
		{"pgp armour", []byte("-----BEGIN PGP MESSAGE-----"), "GPG-encrypted"},
		{"pgp old-format SKESK", []byte{0x8c, 0x0d, 0x04}, "GPG-encrypted"},
		{"pgp new-format PKESK", []byte{0xc1, 0x10, 0x03}, "GPG-encrypted"},
		{"text", []byte("Date: today\r\nfoo\tbar\n"), "a text file"},
		{"text cut in a character", append([]byte(strings.Repeat("a", 510)), 0xc3), "a text file"},
		{"text with a NUL", []byte("abc\x00def"), ""},
		{"invalid UTF-8", []byte("abc\xff\xfedef"), ""},
		{"empty", nil, "empty"},
	}
	for _, c := range cases {
		what, fix := sniffKind(c.head, "/x/s.tar.xz.gpg")
		if !strings.HasPrefix(what, c.want) || (c.want == "") != (what == "") {
			t.Errorf("%s: %q, want %q", c.name, what, c.want)
		}
		if what != "" && fix == "" {
			t.Errorf("%s: no fix", c.name)
		}
	}
	if _, fix := sniffKind([]byte("-----BEGIN PGP"), "/x/s.tar.xz.gpg"); !strings.Contains(fix, "gpg --output /x/s.tar.xz --decrypt /x/s.tar.xz.gpg") {
		t.Errorf("gpg fix %q", fix)
	}
}

func FuzzSniffKind(f *testing.F) {
	for _, s := range []string{"PK\x03\x04", "Salted__", "-----BEGIN PGP", "\x8c\x0d", "text\n", ""} {
		f.Add([]byte(s), "a.gpg")
	}
	f.Fuzz(func(t *testing.T, head []byte, path string) {
		if len(head) > sniffLen {
			head = head[:sniffLen]
		}
		what, fix := sniffKind(head, path)
		if (what == "") != (fix == "") {
			t.Fatalf("what %q, fix %q", what, fix)
		}
		if strings.ContainsAny(what, "\n\r") && !strings.HasPrefix(what, "a text file") {
			t.Fatalf("a line break in %q", what)
		}
	})
}
