package bundle

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLive reads the running host's /proc: files whose stat size is 0 are
// read to EOF.
func TestLive(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	l := Live()
	fi, err := l.Lstat("proc/net")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("proc/net is not seen as a link: %v", fi.Mode())
	}
	b, err := l.ReadFile("proc/net/dev")
	if err != nil || !strings.Contains(string(b), "Inter-|") {
		t.Errorf("proc/net/dev = %q, %v", b, err)
	}
	if st, _ := os.Stat("/proc/net/dev"); st != nil && st.Size() != 0 {
		t.Logf("note: /proc/net/dev reports size %d here", st.Size())
	}
	self, err := l.ReadLink("proc/self")
	if err != nil {
		t.Fatal(err)
	}
	if pid, err := strconv.Atoi(self); err != nil || pid != os.Getpid() {
		t.Errorf("ReadLink(proc/self) = %q", self)
	}
	stat, err := l.ReadFile("proc/self/stat")
	if err != nil || !strings.HasPrefix(string(stat), self+" (") {
		t.Errorf("proc/self/stat = %q, %v", stat, err)
	}
	ents, err := l.ReadDir("proc/self/task")
	if err != nil || len(ents) == 0 {
		t.Errorf("ReadDir(proc/self/task) = %v, %v", ents, err)
	}
	f, err := l.Open("proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !strings.Contains(string(got), "Pid:") {
		t.Errorf("Open(proc/self/status) read %q", got)
	}
	d, err := l.Open("proc/self")
	if err != nil {
		t.Fatal(err)
	}
	if rd, ok := d.(fs.ReadDirFile); !ok {
		t.Error("directory is not an fs.ReadDirFile")
	} else if e, err := rd.ReadDir(-1); err != nil || len(e) == 0 {
		t.Errorf("ReadDir(-1) = %d entries, %v", len(e), err)
	}
	if _, err := l.ReadFile("proc/self/nonexistent"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing = %v", err)
	}
	if _, err := l.ReadFile("proc/self"); err == nil {
		t.Error("ReadFile of a directory succeeded")
	}
	for _, name := range []string{"/etc/passwd", "../etc/passwd", "proc/../etc/passwd"} {
		_, err := l.ReadFile(name)
		wantRefused(t, err, reasonBadName)
	}
	// Live is not a view: Sub is a plain prefix.
	p, err := Sub(l, "proc/self")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := p.ReadFile("stat"); err != nil || string(b[:len(self)]) != self {
		t.Errorf("Sub(Live, proc/self) stat = %q, %v", b, err)
	}
	if _, err := p.ReadFile("nope"); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Sub missing = %v", err)
	}
}

// TestLiveCap checks the size cap applies whatever stat says.
func TestLiveCap(t *testing.T) {
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, "big"), make([]byte, 5000), 0o644)
	l := liveAt(d, Limits{MaxFileSize: 4096})
	_, err := l.ReadFile("big")
	wantRefused(t, err, reasonTooLarge)
	if _, err := os.Stat("/proc/self/maps"); err == nil {
		// /proc/self/maps reports size 0 but holds a few KiB.
		l := liveAt("/", Limits{MaxFileSize: 64})
		_, err := l.ReadFile("proc/self/maps")
		wantRefused(t, err, reasonTooLarge)
	}
}
