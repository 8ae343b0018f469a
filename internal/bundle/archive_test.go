package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// openTar indexes a tar held in memory.
func openTar(t *testing.T, b []byte, lim Limits) (*view, *archiveIndex) {
	t.Helper()
	lim = lim.withDefaults()
	idx, err := indexArchive(bytes.NewReader(b), lim)
	if err != nil {
		t.Fatalf("indexArchive: %v", err)
	}
	be := &archiveBackend{}
	be.idx.Store(idx)
	return newView(be, "", lim, "test.tar"), idx
}

// TestHostileMembers covers member names and types a crafted archive can
// carry.
func TestHostileMembers(t *testing.T) {
	ms := []member{
		{"./sosreport-x/sos_commands/kernel/uname_-a", 'f', "Linux x\n"},
		{"/etc/cron.d/evil", 'f', "absolute\n"},
		{"../../../../etc/evil", 'f', "dotdot\n"},
		{"sosreport-x/proc/../../../evil", 'f', "dotdot middle\n"},
		{"sosreport-x/dev/sda", 'b', ""},
		{"sosreport-x/dev/shm/data", 'f', "under dev\n"},
		{"sosreport-x/console", 'c', ""},
		{"sosreport-x/initctl", 'p', ""},
		{"sosreport-x/hard-missing", 'h', "sosreport-x/nowhere"},
		{"sosreport-x/hard-escape", 'h', "../../etc/shadow"},
		{"sosreport-x/hard-ok", 'h', "sosreport-x/sos_commands/kernel/uname_-a"},
		{"sosreport-x/hard-dir", 'h', "sosreport-x/sos_commands"},
		{"sosreport-x/proc/net/dev", 'f', "the real one\n"},
		{"./sosreport-x/.//proc/./stat", 'f', "cpu 1 2 3\n"},
		// A link member then a member "below" it: extraction would
		// write through the link; the index never does.
		{"sosreport-x/etc", 'l', "/etc"},
		{"sosreport-x/etc/passwd", 'f', "through the link\n"},
		// Duplicate: the later member wins, as with tar x.
		{"sosreport-x/dup", 'f', "first\n"},
		{"sosreport-x/dup", 'f', "second\n"},
	}
	v, idx := openTar(t, tarBytes(t, ms), DefaultLimits())

	if got, err := v.ReadFile("sosreport-x/sos_commands/kernel/uname_-a"); err != nil || string(got) != "Linux x\n" {
		t.Errorf("leading ./ not stripped: %q, %v", got, err)
	}
	if got, err := v.ReadFile("sosreport-x/proc/stat"); err != nil || string(got) != "cpu 1 2 3\n" {
		t.Errorf("./ and // in the middle: %q, %v", got, err)
	}
	if got, err := v.ReadFile("sosreport-x/hard-ok"); err != nil || string(got) != "Linux x\n" {
		t.Errorf("hard link to an indexed file: %q, %v", got, err)
	}
	if got, err := v.ReadFile("sosreport-x/dup"); err != nil || string(got) != "second\n" {
		t.Errorf("duplicate: %q, %v", got, err)
	}
	// Absolute and .. names are recorded, not indexed, and did not abort.
	var bad []string
	for _, b := range idx.bad {
		bad = append(bad, b.name+": "+b.reason)
	}
	want := []string{
		"/etc/cron.d/evil: absolute member name",
		"../../../../etc/evil: member name has a .. component",
		"sosreport-x/proc/../../../evil: member name has a .. component",
	}
	if !slices.Equal(bad, want) {
		t.Errorf("bad members = %q, want %q", bad, want)
	}
	for _, name := range []string{"etc/cron.d/evil", "etc/evil", "evil"} {
		if _, err := v.ReadFile(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(%s) = %v, want ErrNotExist", name, err)
		}
	}
	refusedTests := []struct{ name, reason string }{
		{"sosreport-x/dev/sda", "under a dev/ directory"},
		{"sosreport-x/dev/shm/data", "under a dev/ directory"},
		{"sosreport-x/console", "not a regular file (character device)"},
		{"sosreport-x/initctl", "not a regular file (FIFO)"},
		{"sosreport-x/hard-missing", "hard link to a missing member"},
		{"sosreport-x/hard-escape", "hard link to a missing member"},
		{"sosreport-x/hard-dir", "hard link to a missing member"},
		{"sosreport-x/etc/passwd", reasonAbsLink},
	}
	for _, tt := range refusedTests {
		_, err := v.ReadFile(tt.name)
		wantRefused(t, err, tt.reason)
		_, err = v.Lstat(tt.name)
		if !errors.Is(err, ErrRefused) {
			t.Errorf("Lstat(%s) = %v, want ErrRefused", tt.name, err)
		}
	}
	// Skipped members are not listed.
	ents, err := v.ReadDir("sosreport-x")
	if err != nil {
		t.Fatal(err)
	}
	got := names(ents)
	wantNames := []string{"dup", "etc", "hard-ok", "proc", "sos_commands"}
	if !slices.Equal(got, wantNames) {
		t.Errorf("ReadDir = %v, want %v", got, wantNames)
	}
}

// TestImpliedDirs checks directories implied by member paths are listed
// even without directory entries, sorted, and that explicit entries set the
// mode.
func TestImpliedDirs(t *testing.T) {
	ms := []member{
		{"top/z/file", 'f', "z"},
		{"top/a/b/c/file", 'f', "c"},
		{"top/m", 'f', "m"},
		{"top/a/b", 'd', ""},
	}
	v, _ := openTar(t, tarBytes(t, ms), DefaultLimits())
	for dir, want := range map[string][]string{
		".":         {"top"},
		"top":       {"a", "m", "z"},
		"top/a":     {"b"},
		"top/a/b":   {"c"},
		"top/a/b/c": {"file"},
	} {
		ents, err := v.ReadDir(dir)
		if err != nil {
			t.Fatalf("ReadDir(%s): %v", dir, err)
		}
		if got := names(ents); !slices.Equal(got, want) {
			t.Errorf("ReadDir(%s) = %v, want %v", dir, got, want)
		}
	}
	fi, err := v.Stat("top/a/b")
	if err != nil || !fi.IsDir() || !fi.ModTime().Equal(testTime) {
		t.Errorf("Stat(top/a/b) = %v, %v", fi, err)
	}
}

// TestTooManyMembers checks the member cap.
func TestTooManyMembers(t *testing.T) {
	var ms []member
	for i := range 101 {
		ms = append(ms, member{fmt.Sprintf("top/f%03d", i), 'f', "x"})
	}
	lim := DefaultLimits()
	lim.MaxMembers = 100
	_, err := indexArchive(bytes.NewReader(tarBytes(t, ms)), lim)
	wantRefused(t, err, "more than 100 members")
	// The directory top/, implied by the names, counts too: 102 entries.
	lim.MaxMembers = 101
	_, err = indexArchive(bytes.NewReader(tarBytes(t, ms)), lim)
	wantRefused(t, err, "more than 101 members")
	lim.MaxMembers = 102
	if _, err := indexArchive(bytes.NewReader(tarBytes(t, ms)), lim); err != nil {
		t.Errorf("101 members and their directory with a cap of 102: %v", err)
	}
}

// TestTotalBudget checks the uncompressed-bytes budget stops an archive of
// many files each within the per-file cap.
func TestTotalBudget(t *testing.T) {
	var ms []member
	for i := range 50 {
		ms = append(ms, member{fmt.Sprintf("top/f%02d", i), 'f', strings.Repeat("x", 10_000)})
	}
	lim := DefaultLimits()
	lim.MaxTotalSize = 200_000
	_, err := indexArchive(bytes.NewReader(tarBytes(t, ms)), lim)
	wantRefused(t, err, "more than 200000 bytes uncompressed")
}

// TestGiantMember streams a gzip-compressed tar whose one member claims
// 3 GiB of zeros (generated on the fly, never materialised) and checks it is
// refused at its header: quickly and without allocating its content.
func TestGiantMember(t *testing.T) {
	for _, tc := range []struct {
		name string
		lim  Limits
	}{
		{"default limits", DefaultLimits()},
		{"zero limits", Limits{}},
		{"budget just short", Limits{MaxTotalSize: 3 << 30}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			done := make(chan struct{})
			go func() {
				defer close(done)
				zw, _ := gzip.NewWriterLevel(pw, gzip.BestSpeed)
				tw := tar.NewWriter(zw)
				small := []byte("sos report: 4.5.6\n")
				tw.WriteHeader(&tar.Header{Name: "sosreport-x/version.txt", Mode: 0o644, Size: int64(len(small)), Typeflag: tar.TypeReg})
				tw.Write(small)
				err := tw.WriteHeader(&tar.Header{Name: "sosreport-x/var/log/zeros", Mode: 0o644, Size: 3 << 30, Typeflag: tar.TypeReg})
				if err == nil {
					_, err = io.CopyN(tw, zeroReader{}, 3<<30)
				}
				if err == nil {
					err = tw.Close()
				}
				if err == nil {
					err = zw.Close()
				}
				pw.CloseWithError(err)
			}()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := indexArchive(pr, tc.lim.withDefaults())
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			pr.CloseWithError(errors.New("test done"))
			<-done
			wantRefused(t, err, "GiB uncompressed; extract it and pass the directory")
			if elapsed > 2*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if after.HeapAlloc > 100<<20 {
				t.Errorf("HeapAlloc = %d MiB", after.HeapAlloc>>20)
			}
			if d := after.TotalAlloc - before.TotalAlloc; d > 100<<20 {
				t.Errorf("allocated %d MiB", d>>20)
			}
		})
	}
}

// TestLargeMemberSkipped checks a member over the file cap but within the
// budget is indexed without content and refused on read, in bounded memory.
func TestLargeMemberSkipped(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "top/big", Mode: 0o644, Size: 8 << 20, Typeflag: tar.TypeReg})
	io.CopyN(tw, zeroReader{}, 8<<20)
	tw.WriteHeader(&tar.Header{Name: "top/after", Mode: 0o644, Size: 3, Typeflag: tar.TypeReg})
	tw.Write([]byte("yes"))
	tw.Close()
	zw.Close()

	lim := DefaultLimits()
	lim.MaxFileSize = 1 << 20
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	v, _ := openTar(t, buf.Bytes(), lim)
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 16<<20 {
		t.Errorf("allocated %d MiB for a skipped member", d>>20)
	}
	_, err := v.ReadFile("top/big")
	wantRefused(t, err, reasonTooLarge)
	fi, err := v.Lstat("top/big")
	if err != nil || fi.Size() != 8<<20 {
		t.Errorf("Lstat(top/big) = %v, %v", fi, err)
	}
	if got, err := v.ReadFile("top/after"); err != nil || string(got) != "yes" {
		t.Errorf("member after the big one: %q, %v", got, err)
	}
}

// TestTruncatedArchive checks a cut archive is an error, not a panic or a
// silently short index.
func TestTruncatedArchive(t *testing.T) {
	full := tarBytes(t, sosTree)
	for _, n := range []int{100, len(full) / 2, len(full) - 1030} {
		_, err := indexArchive(bytes.NewReader(full[:n]), DefaultLimits())
		if err == nil {
			t.Errorf("tar cut at %d of %d: no error", n, len(full))
		}
	}
	gz := gzipBytes(t, full)
	if _, err := indexArchive(bytes.NewReader(gz[:len(gz)/2]), DefaultLimits()); err == nil {
		t.Error("gzip cut in half: no error")
	}
}

// TestNotTar checks the errors for files that are not (compressed) tars.
func TestNotTar(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"text", []byte("hello, this is not an archive\n"), notTarHint},
		{"empty", nil, notTarHint},
		{"gpg binary", append([]byte{0x85, 0x01, 0x0c, 0x03}, bytes.Repeat([]byte{0xaa}, 600)...), "OpenPGP-encrypted file, " + notTarHint},
		{"gpg armour", []byte("-----BEGIN PGP MESSAGE-----\n\nhQEMA...\n"), "OpenPGP-encrypted file, " + notTarHint},
		{"gzip of text", gzipBytes(t, bytes.Repeat([]byte("not a tar\n"), 100)), "gzip data holds no tar: " + notTarHint},
		{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0}, "zstd-compressed"},
		{"zip", []byte("PK\x03\x04rest of a zip"), notTarHint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, "secured-sosreport-x.tar.xz.gpg", tt.data)
			_, err := Open(p, Limits{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("Open = %v, want an error naming the file with %q", err, tt.want)
			}
		})
	}
}

// TestEmptyTar checks an archive with no members opens and has no roots.
func TestEmptyTar(t *testing.T) {
	v, _ := openTar(t, make([]byte, 1024), DefaultLimits())
	ents, err := v.ReadDir(".")
	if err != nil || len(ents) != 0 {
		t.Errorf("empty tar: %v, %v", ents, err)
	}
	if _, err := Roots(v); err == nil || !strings.Contains(err.Error(), "no sosreport or netdoctor collect bundle found in test.tar") {
		t.Errorf("Roots(empty) = %v", err)
	}
}

// TestArchiveFastPaths checks the archive's direct reads (names with no
// link on the way) against its resolving reads, and ReadFileShared.
func TestArchiveFastPaths(t *testing.T) {
	ms := append([]member{
		// A member indexed below a name that a later member makes a
		// link: the resolving read follows the link, and so must the
		// direct one (by not answering).
		{"top/shadow/file", 'f', "shadowed\n"},
		{"top/real/file", 'f', "real\n"},
		{"top/shadow", 'l', "real"},
	}, sosTree...)
	v, idx := openTar(t, tarBytes(t, ms), DefaultLimits())
	be := v.be.(*archiveBackend)
	if _, ok := be.readFast("top/shadow/file", false); ok {
		t.Error("direct read below a link answered")
	}
	if got, err := v.ReadFile("top/shadow/file"); err != nil || string(got) != "real\n" {
		t.Errorf("ReadFile(top/shadow/file) = %q, %v; want the link followed", got, err)
	}
	if idx.nodes["top/shadow/file"] == nil || idx.nodes["top/shadow/file"].clean {
		t.Error("shadowed member missing or marked clean")
	}
	for _, m := range sosTree {
		if m.kind != 'f' {
			continue
		}
		got, ok := be.readFast(m.name, false)
		if !ok || string(got) != m.body {
			t.Errorf("readFast(%s) = %q, %v", m.name, got, ok)
		}
		shared, err := ReadFileShared(v, m.name)
		if err != nil || string(shared) != m.body || cap(shared) != len(shared) {
			t.Errorf("ReadFileShared(%s) = %q (cap %d), %v", m.name, shared, cap(shared), err)
		}
	}
	// Through a link, shared reads resolve too.
	if got, err := ReadFileShared(v, sosTop+"/proc/net/dev"); err != nil || !strings.HasPrefix(string(got), "Inter-|") {
		t.Errorf("ReadFileShared through links = %q, %v", got, err)
	}
	// ReadFile still copies.
	got, _ := v.ReadFile(sosTop + "/version.txt")
	clear(got)
	if again, _ := ReadFileShared(v, sosTop+"/version.txt"); string(again) != "sos report: 4.5.6\n" {
		t.Errorf("ReadFile did not copy: %q", again)
	}
	// Listings through the direct path equal the resolving ones.
	for _, d := range []string{sosTop, sosTop + "/proc", "top"} {
		fast, ok := be.readDirFast(d)
		slow, err := be.readDir(d)
		if !ok || err != nil || len(fast) != len(slow) {
			t.Fatalf("readDirFast(%s) = %d, %v; readDir %d, %v", d, len(fast), ok, len(slow), err)
		}
		for i := range fast {
			if fast[i].Name() != slow[i].Name() || fast[i].Type() != slow[i].Type() {
				t.Errorf("%s[%d]: %s %v vs %s %v", d, i, fast[i].Name(), fast[i].Type(), slow[i].Name(), slow[i].Type())
			}
		}
	}
}

// TestOpenKeep checks members declined by keep are listed and described
// but not held, and refused with ErrNotKept.
func TestOpenKeep(t *testing.T) {
	ms := []member{
		{"top/proc/stat", 'f', "cpu 1 2 3\n"},
		{"top/var/log/messages", 'f', strings.Repeat("log line\n", 1000)},
		{"top/var/log/link", 'l', "messages"},
		{"top/hard", 'h', "top/var/log/messages"},
	}
	p := writeFile(t, "k.tar.gz", gzipBytes(t, tarBytes(t, ms)))
	var asked []string
	b, err := OpenKeep(p, Limits{}, func(name string) bool {
		asked = append(asked, name)
		return !strings.Contains(name, "/var/log/")
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !slices.Equal(asked, []string{"top/proc/stat", "top/var/log/messages"}) {
		t.Errorf("keep asked about %q, want the regular members", asked)
	}
	if got, err := b.FS.ReadFile("top/proc/stat"); err != nil || string(got) != "cpu 1 2 3\n" {
		t.Errorf("kept member: %q, %v", got, err)
	}
	for _, name := range []string{"top/var/log/messages", "top/var/log/link", "top/hard"} {
		_, err := b.FS.ReadFile(name)
		if !errors.Is(err, ErrNotKept) || !errors.Is(err, ErrRefused) {
			t.Errorf("ReadFile(%s) = %v, want ErrNotKept", name, err)
		}
		if _, err := ReadFileShared(b.FS, name); !errors.Is(err, ErrNotKept) {
			t.Errorf("ReadFileShared(%s) = %v, want ErrNotKept", name, err)
		}
	}
	fi, err := b.FS.Lstat("top/var/log/messages")
	if err != nil || fi.Size() != 9000 {
		t.Errorf("Lstat of a member not kept = %v, %v", fi, err)
	}
	ents, err := b.FS.ReadDir("top/var/log")
	if err != nil || len(ents) != 2 {
		t.Errorf("ReadDir = %v, %v", ents, err)
	}
	be := b.be.(*archiveBackend)
	if n := be.idx.Load().nodes["top/var/log/messages"]; n == nil || n.data != nil {
		t.Errorf("content of a member not kept is held")
	}
}
