//go:build linux

package bundle

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// fastTree is a directory bundle for the fast path: plain files, links in
// every position (inside and escaping), a FIFO, an oversized file, and a
// secret next to the bundle.
func fastTree(t *testing.T) (dir string, be *dirBackend) {
	t.Helper()
	parent := t.TempDir()
	if err := os.WriteFile(filepath.Join(parent, "secret"), []byte("TOP SECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(parent, "bundle")
	os.Mkdir(dir, 0o755)
	makeTree(t, dir, []member{
		{"s/proc/1/stat", 'f', "1 (init) S 0\n"},
		{"s/proc/1/empty", 'f', ""},
		{"s/proc/1/task/1/stat", 'f', "1 (init) S 0\n"},
		{"s/proc/self", 'l', "1"},
		{"s/proc/net", 'l', "self/net"},
		{"s/proc/1/net/dev", 'f', "Inter-|\n"},
		{"s/leaf", 'l', "proc/1/stat"},
		{"s/up", 'l', "../../secret"},
		{"s/updir", 'l', "../.."},
		{"s/big", 'f', strings.Repeat("x", 2000)},
		{"s/exact", 'f', strings.Repeat("y", 1000)},
		{"s/d/x", 'f', "x\n"},
	})
	if err := syscall.Mkfifo(filepath.Join(dir, "s/fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	lim := DefaultLimits()
	lim.MaxFileSize = 1000
	be, err := newDirBackend(dir, lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { be.close() })
	if be.fast == nil {
		t.Skip("no fast path here")
	}
	if _, ok := be.readFast("s/proc/1/stat", false); !ok && be.fast.off.Load() {
		t.Skip("openat2 unavailable")
	}
	return dir, be
}

// TestFastPathAnswersOnlyPlainFiles checks the fast path reads regular
// files reached without links, exactly, and declines everything else
// (which the view then resolves or refuses as before).
func TestFastPathAnswersOnlyPlainFiles(t *testing.T) {
	_, be := fastTree(t)
	for _, tt := range []struct {
		p    string
		want string // "" with ok false: declined
		ok   bool
	}{
		{"s/proc/1/stat", "1 (init) S 0\n", true},
		{"s/proc/1/task/1/stat", "1 (init) S 0\n", true},
		{"s/proc/1/empty", "", true},
		{"s/exact", strings.Repeat("y", 1000), true},
		{"s/big", "", false},            // over the cap: the slow path says why
		{"s/leaf", "", false},           // final link
		{"s/proc/net/dev", "", false},   // link in the middle
		{"s/proc/self/stat", "", false}, // link in the middle
		{"s/up", "", false},             // escaping link
		{"s/updir/secret", "", false},   // escaping directory link
		{"s/fifo", "", false},
		{"s/d", "", false}, // a directory
		{"s/missing", "", false},
		{"s/proc/1/stat/x", "", false},
	} {
		got, ok := be.readFast(tt.p, false)
		if ok != tt.ok || string(got) != tt.want {
			t.Errorf("readFast(%s) = %q, %v; want %q, %v", tt.p, got, ok, tt.want, tt.ok)
		}
		if bytes.Contains(got, []byte("SECRET")) {
			t.Errorf("readFast(%s) leaked the secret", tt.p)
		}
	}
}

// TestFastPathSwaps changes the tree between the type check and the open:
// a FIFO or a link swapped in is never followed, never blocks, and the
// view still refuses or resolves as before.
func TestFastPathSwaps(t *testing.T) {
	dir, be := fastTree(t)
	v := newView(be, "", be.lim, dir)
	t.Cleanup(func() { fastAfterCheck = nil })
	host := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }

	// A regular file replaced by a FIFO.
	fastAfterCheck = func(p string) {
		if p == "s/proc/1/stat" {
			os.Remove(host(p))
			syscall.Mkfifo(host(p), 0o644)
		}
	}
	err := promptly(t, "ReadFile after a FIFO swap", func() error { _, err := v.ReadFile("s/proc/1/stat"); return err })
	wantRefused(t, err, reasonNotReg)

	// A directory on the way replaced by a link leaving the bundle.
	fastAfterCheck = func(p string) {
		if p == "s/proc/1/task/1/stat" {
			os.RemoveAll(host("s/proc/1/task"))
			os.Symlink(filepath.Dir(dir), host("s/proc/1/task"))
			os.MkdirAll(filepath.Join(filepath.Dir(dir), "1"), 0o755)
			os.WriteFile(filepath.Join(filepath.Dir(dir), "1", "stat"), []byte("SECRET\n"), 0o600)
		}
	}
	got, err := v.ReadFile("s/proc/1/task/1/stat")
	if err == nil || bytes.Contains(got, []byte("SECRET")) {
		t.Errorf("ReadFile through a swapped-in link = %q, %v", got, err)
	}
	wantRefused(t, err, reasonAbsLink)
}

// TestFastListing checks the fast listing equals the slow one, and
// declines names with links.
func TestFastListing(t *testing.T) {
	_, be := fastTree(t)
	for _, p := range []string{"s", "s/proc", "s/proc/1", ""} {
		fast, ok := be.readDirFast(p)
		if !ok {
			t.Fatalf("readDirFast(%q) declined", p)
		}
		be.fast.off.Store(true)
		slow, err := be.readDir(p)
		be.fast.off.Store(false)
		if err != nil {
			t.Fatal(err)
		}
		if len(fast) != len(slow) {
			t.Fatalf("readDirFast(%q): %d entries, slow %d", p, len(fast), len(slow))
		}
		for i := range fast {
			if fast[i].Name() != slow[i].Name() || fast[i].Type() != slow[i].Type() {
				t.Errorf("readDirFast(%q)[%d] = %s %v, slow %s %v", p, i, fast[i].Name(), fast[i].Type(), slow[i].Name(), slow[i].Type())
			}
			fi, err1 := fast[i].Info()
			si, err2 := slow[i].Info()
			if err1 != nil || err2 != nil || fi.Mode() != si.Mode() || fi.Size() != si.Size() {
				t.Errorf("Info(%s) = %v %v, slow %v %v", fast[i].Name(), fi, err1, si, err2)
			}
		}
	}
	for _, p := range []string{"s/proc/self", "s/proc/net", "s/updir", "s/leaf", "s/missing", "s/big"} {
		if ents, ok := be.readDirFast(p); ok {
			t.Errorf("readDirFast(%s) = %v, want declined", p, ents)
		}
	}
	lim := be.lim
	be.lim.MaxMembers = 3
	if _, ok := be.readDirFast("s"); ok {
		t.Errorf("readDirFast over MaxMembers answered")
	}
	be.lim = lim
}

// TestFastPathOff checks every read and listing works through the slow
// path when openat2 is unavailable.
func TestFastPathOff(t *testing.T) {
	dir, be := fastTree(t)
	be.fast.off.Store(true)
	v := newView(be, "", be.lim, dir)
	if got, err := v.ReadFile("s/proc/net/dev"); err != nil || string(got) != "Inter-|\n" {
		t.Errorf("ReadFile = %q, %v", got, err)
	}
	if got, err := v.ReadFile("s/proc/1/stat"); err != nil || string(got) != "1 (init) S 0\n" {
		t.Errorf("ReadFile = %q, %v", got, err)
	}
	_, err := v.ReadFile("s/up")
	wantRefused(t, err, reasonEscape)
	if ents, err := v.ReadDir("s/proc"); err != nil || len(ents) != 3 {
		t.Errorf("ReadDir = %v, %v", ents, err)
	}
}

// TestFastPathClose reads from several goroutines while the bundle is
// closed: reads fail or succeed with the right content, never anything
// else (run with -race).
func TestFastPathClose(t *testing.T) {
	dir, _ := fastTree(t)
	b, err := Open(dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				got, err := b.FS.ReadFile("s/proc/1/stat")
				if err == nil && string(got) != "1 (init) S 0\n" {
					t.Errorf("ReadFile = %q", got)
					return
				}
				if err != nil && !errors.Is(err, os.ErrClosed) && !errors.Is(err, fs.ErrClosed) {
					t.Errorf("ReadFile after close = %v", err)
					return
				}
			}
		}()
	}
	b.Close()
	wg.Wait()
	if _, err := b.FS.ReadFile("s/proc/1/stat"); err == nil {
		t.Errorf("ReadFile after Close succeeded")
	}
}

// TestReadFDSizes checks reading to EOF whatever size fstat reported: a
// file that grew or shrank after the fstat is read whole, and the cap
// holds; a size over the cap is refused before anything is read.
func TestReadFDSizes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	content := strings.Repeat("abcdefgh", 100) // 800 bytes
	os.WriteFile(p, []byte(content), 0o644)
	for _, tt := range []struct {
		hint, max int64
		ok        bool
	}{
		{800, 1000, true}, {0, 1000, true}, {10, 1000, true}, {5000, 1000, false},
		{799, 1000, true}, {801, 1000, true}, {800, 800, true}, {800, 799, false},
	} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := readFD(int(f.Fd()), tt.hint, tt.max)
		f.Close()
		if ok != tt.ok || (ok && string(got) != content) {
			t.Errorf("readFD(hint %d, max %d) = %d bytes, %v", tt.hint, tt.max, len(got), ok)
		}
	}
}

// TestFastPathNodev checks the nodev decision follows the file system of
// the bundle (run the package's tests with TMPDIR on a nodev tmpfs to
// exercise the branch without the type check; TestDeviceDir then checks
// the kernel's refusal).
func TestFastPathNodev(t *testing.T) {
	dir, be := fastTree(t)
	var sfs syscall.Statfs_t
	if err := syscall.Statfs(dir, &sfs); err != nil {
		t.Fatal(err)
	}
	const stNodev = 4 // ST_NODEV
	if want := sfs.Flags&stNodev != 0; be.fast.nodev != want {
		t.Errorf("nodev = %v, file system flags %#x", be.fast.nodev, sfs.Flags)
	}
}
