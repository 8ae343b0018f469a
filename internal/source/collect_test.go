package source

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
)

func TestIsThreadFile(t *testing.T) {
	for name, want := range map[string]bool{
		"proc/12/task/13/stat":     true,
		"proc/12/task/12/status":   true,
		"proc/12/stat":             false,
		"proc/12/task/13":          false,
		"proc/12/task/13/":         false,
		"proc/12/task/13/fd/1":     false,
		"proc/self/task/13/stat":   false,
		"proc/-1/task/13/stat":     false,
		"proc/+1/task/13/stat":     false,
		"proc/12/task/x/stat":      false,
		"proc/012/task/13/stat":    false,
		"sys/proc/12/task/13/stat": false,
		"proc/net/dev":             false,
	} {
		if got := isThreadFile(name); got != want {
			t.Errorf("isThreadFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestRecorderStream records a sample whose thread files are streamed
// into the archive as they are read and whose other files, one read
// through a link, are written afterwards, and reads the archive back. A
// carried thread's file becomes a hard link to the first sample's copy,
// or the file itself when the first sample has none.
func TestRecorderStream(t *testing.T) {
	src := newMemFS(tree{
		"proc/7/stat":                         "7 (app) S 1\n",
		"proc/7/task/7/stat":                  "7 (app) S 1\n",
		"proc/7/task/8/stat":                  "8 (worker) R 1\n",
		"sys/class/net/eth0":                  "->../../devices/pci0/net/eth0",
		"sys/devices/pci0/net/eth0/mtu":       "1500\n",
		"sys/devices/pci0/net/eth0/operstate": "up\n",
	})
	rec := newRecorder(src, Privacy{KeepCmdlines: true, KeepUserNames: true})
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "b.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	bw := bundle.NewWriter(f)
	mtime := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	if err := bw.File("top/sample-1/proc/7/task/9/stat", []byte("9 (idle) S 1\n"), mtime); err != nil {
		t.Fatal(err)
	}
	stop := rec.streamTo(bw, "top/sample-2/", "top/sample-1/", mtime)
	rec.putCarried("proc/7/task/9/stat", []byte("9 (idle) S 1\n"))
	rec.putCarried("proc/7/task/10/stat", []byte("10 (gone) S 1\n"))
	for _, name := range []string{"proc/7/stat", "proc/7/task/7/stat", "proc/7/task/8/stat", "proc/7/task/8/stat"} {
		if _, err := rec.ReadFile(name); err != nil {
			t.Fatal(err)
		}
	}
	rec.putMade("proc/7/task/8/status", []byte("Name:\tworker\n"))
	if _, err := rec.ReadLink("sys/class/net/eth0"); err != nil {
		t.Fatal(err)
	}
	if _, err := rec.ReadFile("sys/class/net/eth0/mtu"); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, ok := rec.files["proc/7/task/8/stat"]; ok || len(rec.files) != 2 {
		t.Errorf("kept for the end: %v, want proc/7/stat and the mtu", slices.Sorted(maps.Keys(rec.files)))
	}
	if err := rec.write(bw, "top/sample-2/", "top/sample-1/", mtime); err != nil {
		t.Fatal(err)
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	b, err := bundle.Open(f.Name(), bundle.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for name, want := range map[string]string{
		"top/sample-2/proc/7/stat":                   "7 (app) S 1\n",
		"top/sample-2/proc/7/task/7/stat":            "7 (app) S 1\n",
		"top/sample-2/proc/7/task/8/stat":            "8 (worker) R 1\n",
		"top/sample-2/proc/7/task/8/status":          "Name:\tworker\n",
		"top/sample-2/proc/7/task/9/stat":            "9 (idle) S 1\n",
		"top/sample-2/proc/7/task/10/stat":           "10 (gone) S 1\n",
		"top/sample-2/sys/devices/pci0/net/eth0/mtu": "1500\n",
		"top/sample-2/sys/class/net/eth0/mtu":        "1500\n", // through the link
	} {
		if got, err := b.FS.ReadFile(name); err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	raw, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	members := tarMembers(t, raw)
	if members["top/sample-2/proc/7/task/9/stat"][0] != tar.TypeLink || members["top/sample-2/proc/7/task/10/stat"][0] != tar.TypeReg {
		t.Errorf("carried files archived as %q and %q, want a hard link and a file",
			members["top/sample-2/proc/7/task/9/stat"], members["top/sample-2/proc/7/task/10/stat"])
	}
}

// tarMembers reads a .tar.gz with archive/tar: each member's type, body
// and link target as "TYPE BODY TARGET".
func tarMembers(t *testing.T, gz []byte) map[string]string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for tr := tar.NewReader(zr); ; {
		h, err := tr.Next()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = fmt.Sprintf("%c %q %s", h.Typeflag, b, h.Linkname)
	}
	return out
}

// TestRecorderCarried: a carried file is scrubbed as a read one is, and
// written as a hard link to the first sample's copy, or as itself when
// the first sample has none.
func TestRecorderCarried(t *testing.T) {
	rec := newRecorder(newMemFS(tree{}), Privacy{})
	var buf bytes.Buffer
	bw := bundle.NewWriter(&buf)
	mtime := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	if err := bw.File("top/sample-1/proc/7/cmdline", []byte("app\x00"), mtime); err != nil {
		t.Fatal(err)
	}
	rec.putCarried("proc/7/cmdline", []byte("app\x00--password=x\x00"))
	rec.putCarried("proc/irq/6/node", []byte("1\n"))
	if err := rec.write(bw, "top/sample-2/", "top/sample-1/", mtime); err != nil {
		t.Fatal(err)
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	got := tarMembers(t, buf.Bytes())
	for name, want := range map[string]string{
		"top/sample-2/proc/7/cmdline":  fmt.Sprintf("%c %q top/sample-1/proc/7/cmdline", tar.TypeLink, ""),
		"top/sample-2/proc/irq/6/node": fmt.Sprintf("%c %q ", tar.TypeReg, "1\n"),
	} {
		if got[name] != want {
			t.Errorf("%s: %s, want %s", name, got[name], want)
		}
	}
	if b := rec.files["proc/7/cmdline"]; string(b) != "app\x00" {
		t.Errorf("carried command line kept as %q, want it scrubbed", b)
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestCollectFails checks a collect whose output fails, or that is
// cancelled during the interval, returns the error and nothing hangs.
func TestCollectFails(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	err := Collect(context.Background(), failingWriter{}, Options{Interval: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("failing output: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = Collect(ctx, io.Discard, Options{Interval: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled: %v", err)
	}
}
