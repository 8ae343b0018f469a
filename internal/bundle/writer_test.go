package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeSample writes a few entries and returns the bytes.
func writeSample(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	steps := []error{
		w.File("nd/netdoctor-collect.json", []byte(goodManifest), testTime),
		w.File("nd/sample-1/proc/1/net/dev", []byte("x\n"), testTime),
		w.Symlink("nd/sample-1/proc/self", "1", testTime),
		w.Symlink("nd/sample-1/proc/net", "self/net", testTime),
		w.File("nd/sample-1/proc/1/stat", []byte("1 (systemd) S\n"), testTime.Add(time.Second)),
		w.Symlink("nd/sample-1/sys/class/net/eth0", "../../devices/pci0000:00/0000:00:03.0/net/eth0", testTime),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWriterLayout checks the members, their order (call order, each parent
// directory once, before its first child) and modes, as `tar tzvf` shows.
func TestWriterLayout(t *testing.T) {
	var got []string
	for _, m := range readTar(t, gunzip(t, writeSample(t))) {
		h := m.hdr
		line := string(h.Typeflag) + " " + h.FileInfo().Mode().String() + " " + h.Name
		if h.Linkname != "" {
			line += " -> " + h.Linkname
		}
		got = append(got, line)
	}
	want := []string{
		"5 drwxr-xr-x nd/",
		"0 -rw-r--r-- nd/netdoctor-collect.json",
		"5 drwxr-xr-x nd/sample-1/",
		"5 drwxr-xr-x nd/sample-1/proc/",
		"5 drwxr-xr-x nd/sample-1/proc/1/",
		"5 drwxr-xr-x nd/sample-1/proc/1/net/",
		"0 -rw-r--r-- nd/sample-1/proc/1/net/dev",
		"2 Lrwxrwxrwx nd/sample-1/proc/self -> 1",
		"2 Lrwxrwxrwx nd/sample-1/proc/net -> self/net",
		"0 -rw-r--r-- nd/sample-1/proc/1/stat",
		"5 drwxr-xr-x nd/sample-1/sys/",
		"5 drwxr-xr-x nd/sample-1/sys/class/",
		"5 drwxr-xr-x nd/sample-1/sys/class/net/",
		"2 Lrwxrwxrwx nd/sample-1/sys/class/net/eth0 -> ../../devices/pci0000:00/0000:00:03.0/net/eth0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("members:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestWriterDeterministic(t *testing.T) {
	if a, b := writeSample(t), writeSample(t); !bytes.Equal(a, b) {
		t.Error("two runs gave different bytes")
	}
}

func TestWriterRefuses(t *testing.T) {
	tests := []struct {
		name string
		call func(w *Writer) error
		want string
	}{
		{"absolute", func(w *Writer) error { return w.File("/etc/passwd", nil, testTime) }, "not a valid relative name"},
		{"dotdot", func(w *Writer) error { return w.File("../x", nil, testTime) }, "not a valid relative name"},
		{"dotdot inside", func(w *Writer) error { return w.File("a/../b", nil, testTime) }, "not a valid relative name"},
		{"empty", func(w *Writer) error { return w.File("", nil, testTime) }, "not a valid relative name"},
		{"dot", func(w *Writer) error { return w.File(".", nil, testTime) }, "not a valid relative name"},
		{"double slash", func(w *Writer) error { return w.File("a//b", nil, testTime) }, "not a valid relative name"},
		{"trailing slash", func(w *Writer) error { return w.File("a/", nil, testTime) }, "not a valid relative name"},
		{"nul", func(w *Writer) error { return w.File("a\x00b", nil, testTime) }, "not a valid relative name"},
		{"absolute target", func(w *Writer) error { return w.Symlink("a/l", "/etc/passwd", testTime) }, "absolute link target"},
		{"escaping target", func(w *Writer) error { return w.Symlink("a/l", "../../x", testTime) }, "leaves the bundle"},
		{"empty target", func(w *Writer) error { return w.Symlink("a/l", "", testTime) }, "empty or invalid link target"},
		{"duplicate", func(w *Writer) error {
			w.File("a/f", nil, testTime)
			return w.File("a/f", nil, testTime)
		}, "already written"},
		{"directory name", func(w *Writer) error {
			w.File("a/f", nil, testTime)
			return w.File("a", nil, testTime)
		}, "already written"},
		{"parent is a file", func(w *Writer) error {
			w.File("a", nil, testTime)
			return w.File("a/f", nil, testTime)
		}, "parent a is not a directory"},
		{"hard link to nothing", func(w *Writer) error { return w.Link("a/h", "a/f", testTime) }, "link target not written"},
		{"hard link to a symlink", func(w *Writer) error {
			w.Symlink("a/l", "f", testTime)
			return w.Link("a/h", "a/l", testTime)
		}, "link target not written"},
		{"hard link to a directory", func(w *Writer) error {
			w.File("a/f", nil, testTime)
			return w.Link("h", "a", testTime)
		}, "link target not written"},
		{"hard link over a file", func(w *Writer) error {
			w.File("a/f", nil, testTime)
			return w.Link("a/f", "a/f", testTime)
		}, "already written"},
		{"after close", func(w *Writer) error {
			w.Close()
			return w.File("a", nil, testTime)
		}, "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWriter(io.Discard)
			defer w.Close()
			err := tt.call(w)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	// A link that climbs and comes back inside is fine.
	w := NewWriter(io.Discard)
	if err := w.Symlink("a/b/l", "../c", testTime); err != nil {
		t.Errorf("inside link: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Error(err)
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

// TestWriterSticky checks a write error is reported and sticks.
func TestWriterSticky(t *testing.T) {
	w := NewWriter(&failWriter{n: 10})
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = w.File("d/f"+strings.Repeat("x", i), bytes.Repeat([]byte("random-ish data "), 4096), testTime)
	}
	if err == nil {
		err = w.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want disk full", err)
	}
	if err2 := w.File("other", nil, testTime); err2 == nil {
		t.Error("write after a failure succeeded")
	}
}

// TestWriterZeroTime checks a zero modification time (before 1970, which
// ustar cannot hold) still makes a readable archive.
func TestWriterZeroTime(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.File("a/b", []byte("x"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	v, _ := openTar(t, gunzip(t, buf.Bytes()), Limits{})
	if got, err := v.ReadFile("a/b"); err != nil || string(got) != "x" {
		t.Errorf("ReadFile = %q, %v", got, err)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWriterMatchesArchiveTar writes names that fit ustar's name field,
// need its prefix field, or need a PAX record (too long, not ASCII), and
// long link targets, and reads them back with archive/tar, with this
// package's own reader and, where installed, with GNU tar.
func TestWriterMatchesArchiveTar(t *testing.T) {
	long := "nd/sys/devices/" + strings.Repeat("pci0000:00/0000:00:03.0/", 5) + "net/eth0/statistics/rx_missed_errors" // prefix + name
	huge := "nd/" + strings.Repeat("verylongdirectoryname/", 14) + "f"                                                 // > 255: PAX
	type member struct {
		typ          byte
		name, target string
		body         string
		mode         int64
	}
	want := []member{
		{tar.TypeReg, "nd/short", "", "hello\n", 0o644},
		{tar.TypeReg, long, "", strings.Repeat("x", 513), 0o644},
		{tar.TypeReg, huge, "", "", 0o644},
		{tar.TypeReg, "nd/proc/net/dev-é", "", "unicode\n", 0o644},
		{tar.TypeSymlink, "nd/l", strings.Repeat("a/", 60) + "b", "", 0o777},
		{tar.TypeSymlink, "nd/lé", "short-é", "", 0o777},
		{tar.TypeLink, "nd/hard", "nd/short", "", 0o644},
		{tar.TypeLink, long + "-hard", long, "", 0o644},
		{tar.TypeLink, "nd/hard-é", huge, "", 0o644},
	}
	bodies := map[string]string{}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, m := range want {
		var err error
		switch m.typ {
		case tar.TypeReg:
			bodies[m.name] = m.body
			err = w.File(m.name, []byte(m.body), testTime)
		case tar.TypeLink:
			err = w.Link(m.name, m.target, testTime)
		default:
			err = w.Symlink(m.name, m.target, testTime)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	raw := gunzip(t, buf.Bytes())
	if len(raw)%blockSize != 0 {
		t.Fatalf("tar stream of %d bytes is not whole blocks", len(raw))
	}

	got := map[string]member{}
	dirs := 0
	for _, m := range readTar(t, raw) {
		h := m.hdr
		if !h.ModTime.Equal(testTime) || h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s: time %v uid %d gid %d", h.Name, h.ModTime, h.Uid, h.Gid)
		}
		if h.Typeflag == tar.TypeDir {
			dirs++
			if h.Mode != 0o755 || !strings.HasSuffix(h.Name, "/") {
				t.Errorf("directory %s mode %o", h.Name, h.Mode)
			}
			continue
		}
		got[h.Name] = member{h.Typeflag, h.Name, h.Linkname, m.body, h.Mode}
	}
	if dirs == 0 {
		t.Error("no directory entries")
	}
	v, _ := openTar(t, raw, Limits{})
	for _, m := range want {
		if g := got[m.name]; g != m {
			t.Errorf("archive/tar read %q as %+v, want %+v", m.name, g, m)
		}
		switch m.typ {
		case tar.TypeReg:
			if b, err := v.ReadFile(m.name); err != nil || string(b) != m.body {
				t.Errorf("own reader: %q = %q, %v", m.name, b, err)
			}
		case tar.TypeLink:
			if b, err := v.ReadFile(m.name); err != nil || string(b) != bodies[m.target] {
				t.Errorf("own reader: hard link %q = %q, %v; want %q", m.name, b, err, bodies[m.target])
			}
		default:
			if l, err := v.ReadLink(m.name); err != nil || l != m.target {
				t.Errorf("own reader: link %q = %q, %v", m.name, l, err)
			}
		}
	}

	gnutar, err := exec.LookPath("tar")
	if err != nil {
		return
	}
	cmd := exec.Command(gnutar, "-tf", "-")
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tar -tf: %v\n%s", err, out)
	}
	listed := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, m := range want {
		if !slices.Contains(listed, m.name) {
			t.Errorf("tar -tf does not list %q:\n%s", m.name, out)
		}
	}
	// GNU tar extracts the hard links as files with their target's body.
	dir := t.TempDir()
	cmd = exec.Command(gnutar, "-xf", "-", "-C", dir)
	cmd.Stdin = bytes.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tar -xf: %v\n%s", err, out)
	}
	for _, m := range want {
		if m.typ != tar.TypeLink {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(dir, m.name)); err != nil || string(b) != bodies[m.target] {
			t.Errorf("tar -xf: hard link %q = %q, %v", m.name, b, err)
		}
	}
}

// FuzzWriterNames writes a file, a link and a hard link to the file under
// arbitrary valid names and link targets (long, non-ASCII, at ustar's
// field limits) and checks that archive/tar and this package's reader both
// read back the same names.
func FuzzWriterNames(f *testing.F) {
	f.Add("nd/proc/1/stat", "../x")
	f.Add("nd/"+strings.Repeat("d/", 60)+"f", strings.Repeat("a/", 80)+"b")
	f.Add("nd/"+strings.Repeat("x", 154)+"/"+strings.Repeat("y", 100), "é")
	f.Fuzz(func(t *testing.T, name, target string) {
		name = "nd/" + name
		if !fs.ValidPath(name) || strings.IndexByte(name, 0) >= 0 || len(name) > 4096 || len(target) > 4096 {
			return
		}
		var buf bytes.Buffer
		w := NewWriter(&buf)
		if err := w.File(name, []byte("x"), testTime); err != nil {
			t.Fatalf("File(%q): %v", name, err)
		}
		link := "nd/the-link"
		linkErr := w.Symlink(link, target, testTime)
		hard := "nd/the-hard-link"
		hardErr := w.Link(hard, name, testTime)
		if hardErr != nil && name != link && name != hard {
			t.Errorf("Link(%q): %v", name, hardErr)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		raw := gunzip(t, buf.Bytes())
		seen := map[string]string{}
		for _, m := range readTar(t, raw) {
			seen[m.hdr.Name] = m.hdr.Linkname
		}
		if _, ok := seen[name]; !ok {
			t.Errorf("archive/tar does not see %q", name)
		}
		if linkErr == nil && seen[link] != target {
			t.Errorf("archive/tar reads link target %q, want %q", seen[link], target)
		}
		v, _ := openTar(t, raw, Limits{})
		if b, err := v.ReadFile(name); err != nil || string(b) != "x" {
			// The reader refuses some names a writer accepts (too deep,
			// too long); it must say so, not misread.
			if err == nil {
				t.Errorf("own reader: %q = %q", name, b)
			}
		} else if hardErr == nil && seen[hard] != name {
			t.Errorf("archive/tar reads hard link target %q, want %q", seen[hard], name)
		} else if b, err := v.ReadFile(hard); hardErr == nil && (err != nil || string(b) != "x") {
			t.Errorf("own reader: hard link to %q = %q, %v", name, b, err)
		}
		if linkErr == nil {
			if got, err := v.ReadLink(link); err == nil && got != target {
				t.Errorf("own reader: link = %q, want %q", got, target)
			}
		}
	})
}

// tarMember is one member as archive/tar reads it.
type tarMember struct {
	hdr  *tar.Header
	body string
}

// readTar reads every member of a tar stream with archive/tar.
func readTar(t testing.TB, raw []byte) []tarMember {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(raw))
	var out []tarMember
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("archive/tar: %v", err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("archive/tar: %s: %v", h.Name, err)
		}
		out = append(out, tarMember{h, string(body)})
	}
}
