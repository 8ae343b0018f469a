package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The wrong inputs users really give get one line that says what the file
// is and what to do, and a documented exit code.
func TestWrongInputs(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, body []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sos, _ := filepath.Glob(fixture("two-sosreports", "sosreport-*"))
	if len(sos) != 2 {
		t.Fatalf("two-sosreports holds %d sosreports", len(sos))
	}
	// Which one is earlier is decided by running them in one order.
	early, late := sos[1], sos[0] // mrhodne was collected first
	copyDir := filepath.Join(dir, "copy")
	if err := os.CopyFS(copyDir, os.DirFS(early)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"zip", []string{file("sosreport.zip", []byte("PK\x03\x04\x14\x00\x00\x00rest"))}, 3, "is a zip archive, not a sosreport or collect bundle: unzip it"},
		{"text file", []string{file("notes.txt", []byte("hostname web1\nkernel 5.14\n"))}, 3, `is a text file (it starts "hostname web1"), not a sosreport`},
		{"gpg armoured", []string{file("s.tar.xz.asc", []byte("-----BEGIN PGP MESSAGE-----\n\nhQEMA"))}, 3, "is GPG-encrypted (a secured sosreport), not a sosreport or collect bundle: decrypt it first: gpg --output " + filepath.Join(dir, "s.tar.xz") + " --decrypt"},
		{"gpg binary", []string{file("s.tar.xz.gpg", []byte{0x8c, 0x0d, 0x04, 0x09, 0x03, 0x08, 0xff, 0x00, 0x01})}, 3, "is GPG-encrypted"},
		{"openssl enc", []string{file("s.tar.xz.enc", []byte("Salted__\x01\x02\x03\x04\x05\x06\x07\x08\xff\x00"))}, 3, "is encrypted with openssl enc, not a sosreport or collect bundle: decrypt it with the passphrase first: openssl enc -d"},
		{"empty", []string{file("s.tar.xz", nil)}, 3, "is empty, not a sosreport or collect bundle"},
		{"the same bundle twice", []string{early, early + string(filepath.Separator)}, 2, "is given twice: give two bundles of one host, the earlier first"},
		{"a copy of one bundle", []string{early, copyDir}, 2, "were collected at the same time (2024-06-03T"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, append([]string{"report"}, c.args...)...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, c.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr %q lacks %q", r.stderr, c.want)
			}
			if strings.Count(r.stderr, "\n") != 1 || strings.Contains(r.stderr, "--help") {
				t.Errorf("not one line of its own: %q", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("a report was written")
			}
		})
	}
	// The wrong order is put right, and said so.
	r := run(t, "report", "--format", "json", late, early)
	if r.code != 0 || !strings.Contains(r.stderr, "netdoctor: note: "+early+" was collected before "+late+": reading it as the first sample (give the earlier bundle first)") {
		t.Errorf("wrong order: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := run(t, "report", "--format", "json", early, late); r.code != 0 || r.stderr != "" {
		t.Errorf("right order: exit %d, stderr %q", r.code, r.stderr)
	}
}

// A FIFO given as a bundle does not hang the check of what the file is.
func TestWrongInputFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bundle.tar.xz")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no FIFO:", err)
	}
	// A hang shows as the test binary's timeout; no clock is read here.
	if r := run(t, "report", p); r.code != 3 {
		t.Errorf("exit %d, want 3; stderr %q", r.code, r.stderr)
	}
}
