package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netdoctor/netdoctor/internal/escape"
	"github.com/netdoctor/netdoctor/report"
)

// outputError checks an output failure: its own exit code, a message naming
// the user's path, no usage hint, no temporary file.
func outputError(t *testing.T, r result, path string) {
	t.Helper()
	if r.code != report.ExitOutput {
		t.Errorf("exit %d, want %d; stderr %q", r.code, report.ExitOutput, r.stderr)
	}
	if !strings.Contains(r.stderr, "output "+path+": ") {
		t.Errorf("stderr %q does not name %s", r.stderr, path)
	}
	for _, bad := range []string{"--help", ".netdoctor-"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr %q contains %q", r.stderr, bad)
		}
	}
}

// TestOutputCheckedBeforeSampling: an unwritable -o fails at once with exit
// 4. The live cases sample an hour apart: they return only because the
// destination is checked before the first sample.
func TestOutputCheckedBeforeSampling(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link.md")
	os.Symlink(filepath.Join(dir, "target.md"), link)
	bad := map[string]string{
		"missing parent": filepath.Join(dir, "no", "such", "out"),
		"directory":      dir,
		"symbolic link":  link,
	}
	for what, path := range bad {
		for _, args := range [][]string{
			{"report", "--interval", "1h", "-o", path},
			{"report", "--format", "json", "-o", path, fixture("irq-cpu0")},
			{"show", "--interval", "1h", "-o", path},
			{"collect", "--interval", "1h", "-o", path},
		} {
			t.Run(what+"/"+strings.Join(args[:2], " "), func(t *testing.T) {
				outputError(t, run(t, args...), path)
			})
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "target.md")); err == nil {
		t.Errorf("written through the link")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".netdoctor-*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// TestOutputDevicesInPlace: -o /dev/null, the way to get only the exit
// code, leaves /dev/null a character device; a FIFO is written in place.
func TestOutputDevicesInPlace(t *testing.T) {
	if fi, err := os.Lstat("/dev/null"); err != nil {
		t.Fatal(err)
	} else if fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is a %v before the test: something on this machine replaced it", fi.Mode())
	}
	r := run(t, "report", "--fail-on", "warning", "-o", "/dev/null", fixture("irq-cpu0"))
	if r.code != report.ExitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null: %v %v", fi.Mode(), err)
	}

	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	r = run(t, "show", "--format", "json", "-o", fifo, fixture("irq-cpu0"))
	if r.code != 0 {
		t.Fatalf("show -o fifo: exit %d: %s", r.code, r.stderr)
	}
	if b := <-got; !bytes.Contains(b, []byte(`"hostname"`)) {
		t.Errorf("FIFO reader got %q", b)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is now %v", fi.Mode())
	}
}

// TestOutputKeepsOwnerAndMode: as root, another user's 0600 file is
// replaced by the report and keeps its mode and owner.
func TestOutputKeepsOwnerAndMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "signoff.md")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() == 0 {
		uid, gid = 4321, 4322
		os.Chown(p, uid, gid)
	}
	r := run(t, "report", "-o", p, fixture("irq-cpu0"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var st syscall.Stat_t
	syscall.Lstat(p, &st)
	if st.Mode&0o7777 != 0o600 || int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("mode %o owner %d:%d, want 600 %d:%d", st.Mode&0o7777, st.Uid, st.Gid, uid, gid)
	}
	if b, _ := os.ReadFile(p); !bytes.Contains(b, []byte("irq-concentration")) {
		t.Errorf("not the report: %q", b)
	}
}

// TestOutputWriteError: a write that fails (a full device, a full standard
// output) exits 4 naming the destination.
func TestOutputWriteError(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	outputError(t, run(t, "report", "-o", "/dev/full", fixture("irq-cpu0")), "/dev/full")
	outputError(t, run(t, "show", "-o", "/dev/full", fixture("irq-cpu0")), "/dev/full")
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	for _, args := range [][]string{{"checks"}, {"explain", "irq-concentration"}, {"report", fixture("irq-cpu0")}} {
		var errb bytes.Buffer
		code := Main(args, IO{In: strings.NewReader(""), Out: full, Err: &errb})
		outputError(t, result{code: code, stderr: errb.String()}, "standard output")
	}
}

// TestCollectDashIsStdout: collect -o - writes the archive, unaltered by
// the terminal escaping, to standard output, and no file named "-".
func TestCollectDashIsStdout(t *testing.T) {
	if _, err := os.ReadFile("/proc/interrupts"); err != nil {
		t.Skip("no /proc/interrupts: not a Linux host")
	}
	t.Chdir(t.TempDir())
	r := runClock(t, time.Now, "collect", "--interval", "100ms", "-o", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Lstat("-"); err == nil {
		t.Errorf("collect -o - wrote a file named -")
	}
	zr, err := gzip.NewReader(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	n := 0
	for {
		if _, err := tr.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("archive on standard output after %d members: %v", n, err)
		}
		n++
	}
	if n == 0 {
		t.Error("empty archive")
	}
}

// hostileName holds every kind of character a hostile name uses against a
// terminal: a title-setting escape, BEL, CR, C1 NEL, bidi override and
// marks, zero-width space.
const hostileName = "evil\x1b]0;pwned\x07\r\u0085\u202e\u200f\u061c\u200b"

// unsafeIn returns the characters of s that must not reach a terminal.
func unsafeIn(s string) string {
	var bad []rune
	for _, r := range s {
		if escape.Unsafe(r) && r != '\n' && r != '\t' {
			bad = append(bad, r)
		}
	}
	return string(bad)
}

// copyTree copies a fixture directory, links included.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, to)
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestHostileNamesEveryCommand feeds hostile names (a bundle's top
// directory, its hostname, a check ID, an output path, archive members)
// through every command and format, to standard output, standard error and
// -o files: none reaches them raw.
func TestHostileNamesEveryCommand(t *testing.T) {
	dir := t.TempDir()
	srcs, _ := filepath.Glob(fixture("single-sosreport", "sosreport-*"))
	if len(srcs) != 1 {
		t.Fatalf("fixture changed: %v", srcs)
	}
	bundle := filepath.Join(dir, "sosreport-"+hostileName)
	copyTree(t, srcs[0], bundle)
	for _, f := range []string{"hostname", "sos_commands/host/hostname", "proc/sys/kernel/hostname", "etc/hostname"} {
		p := filepath.Join(bundle, f)
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			os.WriteFile(p, []byte(hostileName[4:]+"host\n"), 0o644)
		}
	}
	notBundle := filepath.Join(dir, "junk-"+hostileName)
	os.MkdirAll(filepath.Join(notBundle, "x"), 0o755)
	archive := filepath.Join(dir, "two-tops.tar")
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	for _, name := range []string{"a" + hostileName + "/junk", "b" + hostileName + "/junk"} {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
	}
	tw.Close()
	os.WriteFile(archive, tb.Bytes(), 0o644)

	out := filepath.Join(dir, "out")
	var runs [][]string
	for _, format := range []string{"markdown", "json", "html", "script"} {
		runs = append(runs, []string{"report", "--format", format, bundle}, []string{"report", "--format", format, "-o", out, bundle})
	}
	runs = append(runs,
		[]string{"show", bundle},
		[]string{"show", "--format", "json", bundle},
		[]string{"show", "-o", out, bundle},
		[]string{"report", notBundle},
		[]string{"show", notBundle},
		[]string{"report", archive},
		[]string{"show", archive},
		[]string{"report", bundle, notBundle},
		[]string{"explain", hostileName},
		[]string{"report", "-o", filepath.Join(dir, hostileName, "x"), bundle},
		[]string{"collect", "-o", filepath.Join(dir, hostileName, "x")},
		[]string{"report", "--format", hostileName, bundle},
		[]string{hostileName},
	)
	sawName := false
	for _, args := range runs {
		os.Remove(out)
		r := run(t, args...)
		b, _ := os.ReadFile(out)
		for what, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "-o file": string(b)} {
			if bad := unsafeIn(text); bad != "" {
				t.Errorf("netdoctor %q: %s holds %+q", args, what, bad)
			}
			if strings.Contains(text, `\u202E\u200F\u061C\u200B`) {
				sawName = true
			}
		}
		if strings.Join(args, " ") == "show "+bundle && !strings.Contains(r.stdout, `\u0085\u202E\u200F\u061C\u200Bhost`) {
			// (The hostname reader itself drops C0 controls.)
			t.Errorf("show does not show the hostile hostname escaped:\n%s", r.stdout)
		}
	}
	if !sawName {
		t.Error("the hostile name reached no output: the test feeds nothing hostile")
	}
}

// TestErrorLines: joined errors (two bundles that both failed) print one
// line each; a line break inside one error is escaped.
func TestErrorLines(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a\nnetdoctor: all fine"), filepath.Join(dir, "b")
	os.MkdirAll(a, 0o755)
	os.MkdirAll(b, 0o755)
	r := run(t, "report", a, b)
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if r.code != report.ExitNothingEvaluated || len(lines) != 2 {
		t.Fatalf("exit %d, stderr %q: want 3 and two lines", r.code, r.stderr)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "netdoctor: "+dir) {
			t.Errorf("line %q", l)
		}
	}
	if !strings.Contains(lines[0], `a\u000Anetdoctor: all fine`) {
		t.Errorf("the name's line break is not escaped: %q", lines[0])
	}
}
