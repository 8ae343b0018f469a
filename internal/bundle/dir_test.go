//go:build unix

package bundle

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// promptly runs f and fails the test if it has not returned within 5 s
// (opening a FIFO for reading blocks in open() until a writer comes).
func promptly(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s blocked", what)
		return nil
	}
}

// fifoTree makes a bundle directory holding a FIFO, a link to it, and a
// regular file.
func fifoTree(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	makeTree(t, d, []member{
		{"sos/sos_commands/ok", 'f', "fine\n"},
		{"sos/fifolink", 'l', "run/initctl"},
	})
	if err := os.MkdirAll(filepath.Join(d, "sos/run"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(d, "sos/run/initctl"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return d
}

// TestFIFODir checks a FIFO in a directory bundle is refused promptly by
// ReadFile and Open, directly and through a link.
func TestFIFODir(t *testing.T) {
	b, err := Open(fifoTree(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, name := range []string{"sos/run/initctl", "sos/fifolink"} {
		err := promptly(t, "ReadFile("+name+")", func() error { _, err := b.FS.ReadFile(name); return err })
		wantRefused(t, err, reasonNotReg)
		err = promptly(t, "Open("+name+")", func() error { _, err := b.FS.Open(name); return err })
		wantRefused(t, err, reasonNotReg)
	}
	// The listing shows it with its own type.
	ents, err := b.FS.ReadDir("sos/run")
	if err != nil || len(ents) != 1 || ents[0].Type() != fs.ModeNamedPipe {
		t.Errorf("ReadDir = %v, %v", ents, err)
	}
}

// TestFIFOAfterCheck checks the second line of defence: a FIFO that
// appears after the view's Lstat (here: the backend asked directly) is
// opened without blocking and refused by the mode of the opened file.
func TestFIFOAfterCheck(t *testing.T) {
	d := fifoTree(t)
	be, err := newDirBackend(d, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer be.close()
	err = promptly(t, "readFile", func() error { _, err := be.readFile("sos/run/initctl"); return err })
	wantRefused(t, err, reasonNotReg)
}

// TestFIFOLive checks Live's reader refuses FIFOs promptly too.
func TestFIFOLive(t *testing.T) {
	l := liveAt(fifoTree(t), Limits{})
	for _, name := range []string{"sos/run/initctl", "sos/fifolink"} {
		err := promptly(t, "live ReadFile", func() error { _, err := l.ReadFile(name); return err })
		wantRefused(t, err, reasonNotReg)
		err = promptly(t, "live Open", func() error { _, err := l.Open(name); return err })
		wantRefused(t, err, reasonNotReg)
	}
	if got, err := l.ReadFile("sos/sos_commands/ok"); err != nil || string(got) != "fine\n" {
		t.Errorf("live ReadFile = %q, %v", got, err)
	}
}

// TestDeviceDir checks a character device (as sos re-creates them) is never
// opened. Creating one needs CAP_MKNOD; the test is skipped without it.
func TestDeviceDir(t *testing.T) {
	d := t.TempDir()
	makeTree(t, d, []member{{"sos/sos_commands/ok", 'f', "fine\n"}})
	os.MkdirAll(filepath.Join(d, "sos/dev"), 0o755)
	// /dev/zero: reading it would never end without the size cap, and
	// a hostile bundle could use a device whose open has side effects.
	dev := filepath.Join(d, "sos/dev/zero")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o644, 1<<8|5); err != nil {
		t.Skipf("mknod: %v", err)
	}
	os.Symlink("dev/zero", filepath.Join(d, "sos/zerolink"))
	b, err := Open(d, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, name := range []string{"sos/dev/zero", "sos/zerolink"} {
		err := promptly(t, "ReadFile", func() error { _, err := b.FS.ReadFile(name); return err })
		wantRefused(t, err, reasonNotReg)
	}
	// Even asked directly, the backend refuses after opening.
	be := b.be.(*dirBackend)
	_, err = be.readFile("sos/dev/zero")
	wantRefused(t, err, reasonNotReg)
}

// TestDirEscapeReal places a real secret next to the bundle and checks no
// link reaches it.
func TestDirEscapeReal(t *testing.T) {
	parent := t.TempDir()
	if err := os.WriteFile(filepath.Join(parent, "secret"), []byte("TOP SECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(parent, "bundle")
	os.Mkdir(d, 0o755)
	makeTree(t, d, []member{
		{"sos/sos_commands/ok", 'f', "fine\n"},
		{"sos/a", 'l', "../../secret"},
		{"sos/b", 'l', filepath.Join(parent, "secret")},
		{"sos/c", 'l', "d/../../../secret"},
		{"sos/d", 'l', "."},
		{"sos/e", 'l', "../.."},
	})
	b, err := Open(d, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, name := range []string{"sos/a", "sos/b", "sos/c", "sos/e/secret", "sos/d/e/secret"} {
		got, err := b.FS.ReadFile(name)
		if err == nil || strings.Contains(string(got), "SECRET") {
			t.Errorf("ReadFile(%s) = %q, %v", name, got, err)
		}
		if !errors.Is(err, ErrRefused) {
			t.Errorf("ReadFile(%s) = %v, want ErrRefused", name, err)
		}
	}
	// A symlink given as the bundle path itself is the user's choice.
	link := filepath.Join(parent, "bundle-link")
	os.Symlink(d, link)
	b2, err := Open(link, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	if got, err := b2.FS.ReadFile("sos/sos_commands/ok"); err != nil || string(got) != "fine\n" {
		t.Errorf("through a linked bundle path: %q, %v", got, err)
	}
}

// TestDirHardLink checks hard links in a directory bundle read as files.
func TestDirHardLink(t *testing.T) {
	d := t.TempDir()
	makeTree(t, d, []member{
		{"sos/sos_commands/ok", 'f', "fine\n"},
		{"sos/hard", 'h', "sos/sos_commands/ok"},
	})
	b, err := Open(d, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got, err := b.FS.ReadFile("sos/hard"); err != nil || string(got) != "fine\n" {
		t.Errorf("hard link: %q, %v", got, err)
	}
}

// TestDirPermission checks an unreadable file maps to fs.ErrPermission.
func TestDirPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads everything")
	}
	d := t.TempDir()
	makeTree(t, d, []member{{"sos/locked", 'f', "x"}})
	os.Chmod(filepath.Join(d, "sos/locked"), 0)
	b, err := Open(d, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.FS.ReadFile("sos/locked"); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("ReadFile = %v, want ErrPermission", err)
	}
}

// TestDirCacheEviction reads files from more directories than the handle
// cache holds, from several goroutines, with the race detector in mind.
func TestDirCacheEviction(t *testing.T) {
	d := t.TempDir()
	var ms []member
	for i := range dirCacheSize * 3 {
		ms = append(ms, member{name: "sos/proc/" + strconv.Itoa(i) + "/stat", kind: 'f', body: strconv.Itoa(i) + " (x) S\n"})
	}
	makeTree(t, d, ms)
	b, err := Open(d, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 3 {
				for i := range len(ms) {
					j := (i*7 + g*13 + round) % len(ms)
					got, err := b.FS.ReadFile(ms[j].name)
					if err != nil || string(got) != ms[j].body {
						t.Errorf("ReadFile(%s) = %q, %v", ms[j].name, got, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	be := b.be.(*dirBackend)
	be.mu.Lock()
	n := be.lru.Len()
	be.mu.Unlock()
	if n > dirCacheSize {
		t.Errorf("cache holds %d handles, more than %d", n, dirCacheSize)
	}
}

// TestOpenFIFOPath checks Open refuses a bundle path that is a FIFO
// instead of blocking on it.
func TestOpenFIFOPath(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sosreport.tar.xz")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	err := promptly(t, "Open(fifo)", func() error { _, err := Open(p, Limits{}); return err })
	wantRefused(t, err, "not a directory or a regular file")
}
