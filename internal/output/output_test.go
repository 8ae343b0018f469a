package output

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// write opens path, writes data and closes, returning the first error.
func write(path string, o Options, data string) error {
	f, err := Open(path, o)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, data); err != nil {
		f.Abort()
		return err
	}
	return f.Close()
}

func stat(t *testing.T, path string) *syscall.Stat_t {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	return &st
}

// noTemp fails when a temporary file was left in dir.
func noTemp(t *testing.T, dir string) {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, ".netdoctor-*"))
	if len(m) > 0 {
		t.Errorf("temporary files left behind: %v", m)
	}
}

// checkError checks that err is an *Error naming path and never a
// temporary file, with want in its text.
func checkError(t *testing.T, err error, path, want string) {
	t.Helper()
	var oe *Error
	if !errors.As(err, &oe) {
		t.Fatalf("error %v (%T), want *output.Error", err, err)
	}
	msg := err.Error()
	if oe.Path != path || !strings.Contains(msg, path) {
		t.Errorf("error %q does not name %s", msg, path)
	}
	if strings.Contains(msg, ".netdoctor-") {
		t.Errorf("error %q names the temporary file", msg)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("error %q, want it to say %q", msg, want)
	}
}

func TestNewFile(t *testing.T) {
	dir := t.TempDir()
	for _, perm := range []fs.FileMode{0o644, 0o600} {
		p := filepath.Join(dir, fmt.Sprintf("new-%o.md", perm))
		if err := write(p, Options{Perm: perm}, "report\n"); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != perm {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), perm)
		}
		if b, _ := os.ReadFile(p); string(b) != "report\n" {
			t.Errorf("%s holds %q", p, b)
		}
	}
	noTemp(t, dir)
}

func TestReplaceKeepsModeAndOwner(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "signoff.json")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() == 0 {
		// Another user's file.
		uid, gid = 4321, 4322
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	before := stat(t, p)
	if err := write(p, Options{Perm: 0o644}, "new"); err != nil {
		t.Fatal(err)
	}
	after := stat(t, p)
	if after.Mode&0o7777 != 0o600 || int(after.Uid) != uid || int(after.Gid) != gid {
		t.Errorf("mode %o uid %d gid %d, want 600 %d %d", after.Mode&0o7777, after.Uid, after.Gid, uid, gid)
	}
	if after.Ino == before.Ino {
		t.Errorf("the file was rewritten in place, not replaced atomically")
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("holds %q", b)
	}
	noTemp(t, dir)
}

// TestOtherUsersFileRefused: a user who is not root cannot give a file
// another user's ownership, so that file is refused, not replaced with a
// file of the wrong owner, and the refusal comes at Open. As root, the test
// binary runs itself as uid 4321 on a root-owned file in a directory that
// uid may write.
func TestOtherUsersFileRefused(t *testing.T) {
	if p := os.Getenv("NETDOCTOR_OUTPUT_TRY"); p != "" {
		_, err := Open(p, Options{})
		fmt.Print(err)
		os.Exit(0)
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a second process as another user")
	}
	dir, err := os.MkdirTemp("", "netdoctor-output-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	bin := filepath.Join(dir, "output.test")
	exe, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, exe, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "roots.md")
	os.WriteFile(p, []byte("root's"), 0o666)
	os.Chmod(p, 0o666)
	cmd := exec.Command(bin, "-test.run=^TestOtherUsersFileRefused$")
	cmd.Env = append(os.Environ(), "NETDOCTOR_OUTPUT_TRY="+p)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 4321, Gid: 4321}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	msg := string(out)
	if !strings.Contains(msg, "output "+p+": owned by uid 0 gid 0") || strings.Contains(msg, ".netdoctor-") {
		t.Errorf("as uid 4321: %q", msg)
	}
	st := stat(t, p)
	if st.Uid != 0 || st.Mode&0o777 != 0o666 {
		t.Errorf("the file changed: uid %d mode %o", st.Uid, st.Mode&0o777)
	}
	if b, _ := os.ReadFile(p); string(b) != "root's" {
		t.Errorf("holds %q", b)
	}
	noTemp(t, dir)
}

func TestDevNullStaysADevice(t *testing.T) {
	if fi, err := os.Lstat("/dev/null"); err != nil {
		t.Fatal(err)
	} else if fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is a %v before the test: something on this machine replaced it", fi.Mode())
	}
	if err := write("/dev/null", Options{}, strings.Repeat("x", 2410)); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat("/dev/null")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is now %v", fi.Mode())
	}
	noTemp(t, "/dev")
}

func TestFIFOWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	// Open does not block: no reader yet.
	f, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		r, err := os.Open(p)
		if err != nil {
			got <- err.Error()
			return
		}
		defer r.Close()
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	if _, err := io.WriteString(f, "through the pipe"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("reader got %q", s)
	}
	if fi, _ := os.Lstat(p); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is now %v", fi.Mode())
	}
	noTemp(t, dir)
}

func TestRefused(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.md")
	os.WriteFile(target, []byte("keep"), 0o644)
	link := filepath.Join(dir, "link.md")
	os.Symlink(target, link)
	dangling := filepath.Join(dir, "dangling.md")
	os.Symlink(filepath.Join(dir, "nowhere"), dangling)
	devlink := filepath.Join(dir, "null-link")
	os.Symlink("/dev/null", devlink)
	hard := filepath.Join(dir, "hard.md")
	os.WriteFile(hard, []byte("keep"), 0o644)
	os.Link(hard, filepath.Join(dir, "hard2.md"))
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	cases := []struct {
		name, path, want string
	}{
		{"symlink to a file", link, "is a symbolic link"},
		{"dangling symlink", dangling, "is a symbolic link"},
		{"symlink to a device", devlink, "is a symbolic link"},
		{"directory", dir, "is a directory"},
		{"missing parent directory", filepath.Join(dir, "no", "such", "out.md"), "does not exist"},
		{"parent is a file", filepath.Join(file, "out.md"), "is not a directory"},
		{"hard links", hard, "hard links"},
		{"socket", sock, "is a socket"},
		{"closed descriptor", "/dev/fd/987", "not open"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before syscall.Stat_t
			syscall.Lstat(c.path, &before)
			f, err := Open(c.path, Options{})
			if err == nil {
				f.Abort()
				t.Fatalf("Open(%s) accepted", c.path)
			}
			checkError(t, err, c.path, c.want)
			var after syscall.Stat_t
			syscall.Lstat(c.path, &after)
			if before.Ino != after.Ino || before.Mode != after.Mode {
				t.Errorf("%s was changed", c.path)
			}
		})
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("the link's target was written: %q", b)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced")
	}
	noTemp(t, dir)
}

func TestStandardStreams(t *testing.T) {
	for _, c := range []struct {
		path   string
		stderr bool
	}{{"", false}, {"-", false}, {"/dev/stdout", false}, {"/dev/fd/1", false}, {"/proc/self/fd/1", false}, {"/dev/stderr", true}, {"/dev/fd/2", true}} {
		var out, errb bytes.Buffer
		if err := write(c.path, Options{Stdout: &out, Stderr: &errb}, "data"); err != nil {
			t.Fatalf("%q: %v", c.path, err)
		}
		got := out.String()
		if c.stderr {
			got = errb.String()
		}
		if got != "data" {
			t.Errorf("%q: stdout %q stderr %q", c.path, out.String(), errb.String())
		}
	}
}

func TestDescriptor(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	p := fmt.Sprintf("/dev/fd/%d", w.Fd())
	if err := write(p, Options{}, "piped"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if b, _ := io.ReadAll(r); string(b) != "piped" {
		t.Errorf("read %q", b)
	}
	ro := fmt.Sprintf("/dev/fd/%d", r.Fd())
	_, err = Open(ro, Options{})
	checkError(t, err, ro, "reading only")
}

func TestBinaryRefusedOnATerminal(t *testing.T) {
	var out bytes.Buffer
	o := Options{Stdout: &out, Binary: true, IsTerminal: func(io.Writer) bool { return true }}
	_, err := Open("-", o)
	checkError(t, err, "standard output", "is a terminal")
	o.Binary = false
	if err := write("-", o, "text"); err != nil {
		t.Fatal(err)
	}
}

// TestRaces: what appears at, or replaces, the path between Open and Close
// is never replaced.
func TestRaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "new.md")
	f, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte("theirs"), 0o600)
	io.WriteString(f, "ours")
	checkError(t, f.Close(), p, "not replaced")
	if b, _ := os.ReadFile(p); string(b) != "theirs" {
		t.Errorf("created file overwritten: %q", b)
	}

	q := filepath.Join(dir, "old.md")
	os.WriteFile(q, []byte("old"), 0o644)
	f, err = Open(q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(q)
	os.Symlink("/etc/passwd", q)
	io.WriteString(f, "ours")
	checkError(t, f.Close(), q, "not replaced")
	if fi, _ := os.Lstat(q); fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link swapped in was replaced")
	}
	noTemp(t, dir)
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.md")
	os.WriteFile(p, []byte("old"), 0o644)
	for _, path := range []string{p, filepath.Join(dir, "new.md")} {
		f, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, "half")
		f.Abort()
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("aborted write changed the file: %q", b)
	}
	if _, err := os.Lstat(filepath.Join(dir, "new.md")); err == nil {
		t.Errorf("aborted write created the file")
	}
	noTemp(t, dir)
}

// TestWriteErrorNamesPath: a failing write (a full device) names the
// user's path.
func TestWriteErrorNamesPath(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	f, err := Open("/dev/full", Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.WriteString(f, "x")
	checkError(t, err, "/dev/full", "no space left")
	checkError(t, f.Close(), "/dev/full", "no space left")
}
