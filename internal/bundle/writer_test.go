package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
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
	zr, err := gzip.NewReader(bytes.NewReader(writeSample(t)))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
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
		{"after close", func(w *Writer) error {
			w.Close()
			return w.File("a", nil, testTime)
		}, "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWriter(io.Discard)
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
