package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"unicode/utf8"
)

// This file turns the wrong files users really give netdoctor (a zip, a
// text file, an encrypted sosreport) into one line that says what the
// file is and what to do, before the archive reader sees them.

// ErrWrongInput marks an input that is not a bundle: the message says
// what it is and the fix.
var ErrWrongInput = errors.New("not a bundle")

// sniffLen is how much of a file sniff reads.
const sniffLen = 512

// sniff reads the start of the regular file at path and returns an error
// wrapping ErrWrongInput when it is a kind of file netdoctor cannot read,
// saying which and how to make it readable; nil otherwise (a directory, a
// tar, a compressed file: the bundle reader decides).
func sniff(path string) error {
	// Only a regular file is read, and never with a blocking open: a FIFO
	// or device given as a bundle must not hang netdoctor here.
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return nil // the bundle reader reports it with its own words
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil
	}
	head = head[:n]
	what, fix := sniffKind(head, path)
	if what == "" {
		return nil
	}
	return &inputError{msg: fmt.Sprintf("%s is %s, not a sosreport or collect bundle: %s", path, what, fix), kind: ErrWrongInput}
}

// inputError is a message about the inputs given, of a kind (ErrWrongInput,
// ErrSameBundle) that errors.Is finds.
type inputError struct {
	msg  string
	kind error
}

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return e.kind }

// sniffKind names what head (the start of the file at path) is, and the
// fix; "" when it may be a bundle.
func sniffKind(head []byte, path string) (what, fix string) {
	base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(path, ".gpg"), ".asc"), ".enc")
	switch {
	case len(head) == 0:
		return "empty", "the copy or the download was cut short; copy the bundle again"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "a zip archive", "unzip it and give the sosreport inside (its .tar.xz, or the extracted directory)"
	case bytes.HasPrefix(head, []byte("7z\xbc\xaf\x27\x1c")):
		return "a 7-Zip archive", "extract it (7z x) and give the sosreport inside"
	case bytes.HasPrefix(head, []byte("Rar!\x1a\x07")):
		return "a RAR archive", "extract it (unrar x) and give the sosreport inside"
	case bytes.HasPrefix(head, []byte("Salted__")):
		return "encrypted with openssl enc", "decrypt it with the passphrase first: openssl enc -d -aes-256-cbc -pbkdf2 -in " + path + " -out " + base
	case bytes.HasPrefix(head, []byte("-----BEGIN PGP")), pgpPacket(head):
		return "GPG-encrypted (a secured sosreport)", "decrypt it first: gpg --output " + base + " --decrypt " + path
	case textLike(head):
		line, _, _ := bytes.Cut(head, []byte("\n"))
		if len(line) > 40 {
			line = append(line[:40:40], "…"...)
		}
		return fmt.Sprintf("a text file (it starts %q)", line), "give the sosreport archive (sosreport-*.tar.xz), its extracted directory, or a 'netdoctor collect' archive"
	}
	return "", ""
}

// pgpPacket reports whether head starts with an OpenPGP packet that
// begins an encrypted message: a public-key or symmetric-key encrypted
// session key (tags 1 and 3), in the old or the new packet format.
func pgpPacket(head []byte) bool {
	if len(head) < 2 || head[0]&0x80 == 0 {
		return false
	}
	tag := (head[0] >> 2) & 0x0f
	if head[0]&0x40 != 0 {
		tag = head[0] & 0x3f
	}
	return tag == 1 || tag == 3
}

// textLike reports whether head is text: valid UTF-8 (a character cut at
// the end allowed) without NUL or other control characters but tab, line
// breaks and form feed. A tar header always holds NULs.
func textLike(head []byte) bool {
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n <= 1 {
			if len(head)-i < utf8.UTFMax && !utf8.FullRune(head[i:]) {
				break
			}
			return false
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7f {
			return false
		}
		i += n
	}
	return true
}
