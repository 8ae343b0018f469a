package bundle

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenStream checks OpenStream reads a directory's file whole past the
// per-file cap, and keeps every other rule of the view: links that leave
// the root, FIFOs and directories are refused, as in ReadFile.
func TestOpenStream(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("0123456789\n", 1000)
	os.WriteFile(filepath.Join(dir, "big"), []byte(big), 0o644)
	os.Symlink("../outside", filepath.Join(dir, "escape"))
	os.Symlink("big", filepath.Join(dir, "link"))
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	lim := DefaultLimits()
	lim.MaxFileSize = 100
	b, err := Open(dir, lim)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.FS.ReadFile("big"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadFile over the cap: %v", err)
	}
	for _, fsys := range []FS{b.FS, liveAt(dir, lim)} {
		for _, name := range []string{"big", "link"} {
			if _, ok := fsys.(*liveFS); ok && name == "link" {
				continue
			}
			rc, err := OpenStream(fsys, name)
			if err != nil {
				t.Fatalf("%T %s: %v", fsys, name, err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || string(got) != big {
				t.Errorf("%T %s: %d bytes, %v", fsys, name, len(got), err)
			}
		}
	}
	for _, tt := range []struct{ name, want string }{
		{"escape", reasonEscape}, {"fifo", reasonNotReg}, {"d", "directory"},
	} {
		if _, err := OpenStream(b.FS, tt.name); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
