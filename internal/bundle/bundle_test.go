package bundle

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestSosTree reads a legitimate sosreport-like tree with internal links
// through every form: directory, tar, tar.gz and tar.xz.
func TestSosTree(t *testing.T) {
	openForms(t, sosTree, DefaultLimits(), func(t *testing.T, b *Bundle) {
		roots, err := Roots(b.FS)
		if err != nil {
			t.Fatal(err)
		}
		if want := []Root{{Dir: sosTop, Kind: "sosreport"}}; !slices.Equal(roots, want) {
			t.Fatalf("Roots = %v, want %v", roots, want)
		}
		r, err := Sub(b.FS, roots[0].Dir)
		if err != nil {
			t.Fatal(err)
		}
		reads := []struct{ name, real string }{
			{"proc/net/softnet_stat", "proc/3255/net/softnet_stat"},
			{"proc/net/dev", "proc/3255/net/dev"},
			{"proc/self/net/dev", "proc/3255/net/dev"},
			{"sys/class/net/eth0/statistics/rx_missed_errors", "sys/devices/pci0000:00/0000:00:03.0/net/eth0/statistics/rx_missed_errors"},
			{"sys/class/net/eth0/device/numa_node", "sys/devices/pci0000:00/0000:00:03.0/numa_node"},
			{"sys/devices/system/cpu/cpu0/node0/cpulist", "sys/devices/system/node/node0/cpulist"},
			{"uname", "sos_commands/kernel/uname_-a"},
			{"sos_commands/networking/netstat_-s", "sos_strings/networking/netstat_-s.tailed"},
			{"version.txt", "version.txt"},
		}
		for _, rd := range reads {
			got, err := r.ReadFile(rd.name)
			if err != nil {
				t.Errorf("ReadFile(%s): %v", rd.name, err)
				continue
			}
			if want := body(t, sosTree, sosTop+"/"+rd.real); string(got) != want {
				t.Errorf("ReadFile(%s) = %q, want %q", rd.name, got, want)
			}
			// The same through the whole bundle and through Open.
			got2, err := b.FS.ReadFile(sosTop + "/" + rd.name)
			if err != nil || string(got2) != string(got) {
				t.Errorf("bundle ReadFile(%s) = %q, %v", rd.name, got2, err)
			}
			f, err := r.Open(rd.name)
			if err != nil {
				t.Fatalf("Open(%s): %v", rd.name, err)
			}
			got3, _ := io.ReadAll(f)
			fi, _ := f.Stat()
			f.Close()
			if string(got3) != string(got) || fi.Size() != int64(len(got)) || fi.Name() != filepath.Base(rd.name) {
				t.Errorf("Open(%s) = %q, size %d name %s", rd.name, got3, fi.Size(), fi.Name())
			}
		}

		// ReadDir through a link; entries sorted; a symlink entry keeps
		// its own type.
		ents, err := r.ReadDir("proc/net")
		if err != nil {
			t.Fatal(err)
		}
		if got := names(ents); !slices.Equal(got, []string{"dev", "softnet_stat"}) {
			t.Errorf("ReadDir(proc/net) = %v", got)
		}
		ents, err = r.ReadDir("proc")
		if err != nil {
			t.Fatal(err)
		}
		if got := names(ents); !slices.Equal(got, []string{"3255", "interrupts", "net", "self"}) {
			t.Errorf("ReadDir(proc) = %v", got)
		}
		for _, e := range ents {
			wantLink := e.Name() == "net" || e.Name() == "self"
			if (e.Type()&fs.ModeSymlink != 0) != wantLink {
				t.Errorf("entry %s type %v", e.Name(), e.Type())
			}
			fi, err := e.Info()
			if err != nil || fi.Name() != e.Name() || fi.Mode().Type() != e.Type() {
				t.Errorf("entry %s Info = %v, %v", e.Name(), fi, err)
			}
		}
		ents, err = r.ReadDir("sys/class/net")
		if err != nil || len(ents) != 1 || ents[0].Name() != "eth0" || ents[0].Type() != fs.ModeSymlink {
			t.Errorf("ReadDir(sys/class/net) = %v, %v", ents, err)
		}

		// ReadLink and Lstat do not follow; Stat does.
		if tgt, err := r.ReadLink("proc/self"); err != nil || tgt != "3255" {
			t.Errorf("ReadLink(proc/self) = %q, %v", tgt, err)
		}
		if tgt, err := r.ReadLink("sys/devices/system/cpu/cpu0/node0"); err != nil || tgt != "../../node/node0" {
			t.Errorf("ReadLink(node0) = %q, %v", tgt, err)
		}
		if _, err := r.ReadLink("version.txt"); err == nil {
			t.Error("ReadLink of a file succeeded")
		}
		fi, err := r.Lstat("proc/net")
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 || fi.Name() != "net" {
			t.Errorf("Lstat(proc/net) = %v, %v", fi, err)
		}
		fi, err = fs.Stat(r, "proc/net")
		if err != nil || !fi.IsDir() || fi.Name() != "net" {
			t.Errorf("Stat(proc/net) = %v, %v", fi, err)
		}

		// Missing names wrap fs.ErrNotExist; directories are not files.
		for _, name := range []string{"proc/net/snmp", "nope", "proc/9999/stat", "sys/class/net/eth1/statistics/rx_bytes"} {
			if _, err := r.ReadFile(name); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("ReadFile(%s) = %v, want ErrNotExist", name, err)
			}
		}
		if _, err := r.ReadFile("proc/net"); err == nil || errors.Is(err, ErrRefused) {
			t.Errorf("ReadFile(dir) = %v", err)
		}
		if _, err := r.ReadFile("version.txt/x"); err == nil {
			t.Error("ReadFile below a file succeeded")
		}
		// Invalid names are refused.
		for _, name := range []string{"/etc/passwd", "../x", "proc/../../x", "", "a//b", "a/"} {
			_, err := r.ReadFile(name)
			wantRefused(t, err, reasonBadName)
		}
	})
}

func names(ents []fs.DirEntry) []string {
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// TestFSConformance runs testing/fstest over the views.
func TestFSConformance(t *testing.T) {
	openForms(t, sosTree, DefaultLimits(), func(t *testing.T, b *Bundle) {
		r, err := Sub(b.FS, sosTop)
		if err != nil {
			t.Fatal(err)
		}
		if err := fstest.TestFS(r, "version.txt", "proc/3255/net/dev", "proc/net", "sys/class/net/eth0", "uname"); err != nil {
			t.Fatal(err)
		}
	})
}

// hostileLinks are links that must not be followed, in a tree with a
// sample root "root" and a sibling "other".
var hostileLinks = []member{
	{"root/sos_commands/ok", 'f', "fine\n"},
	{"other/secret", 'f', "sibling sample\n"},
	{"root/abs", 'l', "/etc/passwd"},
	{"root/absdir", 'l', "/etc"},
	{"root/up", 'l', "../../../../../../../etc/passwd"},
	{"root/updir", 'l', "../../../.."},
	{"root/chain1", 'l', "chain2"},
	{"root/chain2", 'l', "sub/chain3"},
	{"root/sub/chain3", 'l', "../../../outside"},
	{"root/loop1", 'l', "loop2"},
	{"root/loop2", 'l', "loop1"},
	{"root/self", 'l', "self"},
	{"root/dirloop", 'l', "."},
	{"root/sibling", 'l', "../other/secret"},
	{"root/empty", 'l', "x/.."},
	{"root/inside", 'l', "sos_commands/ok"},
}

func TestHostileLinks(t *testing.T) {
	lim := DefaultLimits()
	openForms(t, hostileLinks, lim, func(t *testing.T, b *Bundle) {
		r, err := Sub(b.FS, "root")
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			top    string // reason through the whole bundle
			sub    string // reason through Sub(root); "" = readable
			subTxt string
		}{
			{"abs", reasonAbsLink, reasonAbsLink, ""},
			{"absdir/passwd", reasonAbsLink, reasonAbsLink, ""},
			{"up", reasonEscape, reasonEscapeSub, ""},
			{"updir/etc/passwd", reasonEscape, reasonEscapeSub, ""},
			{"chain1", reasonEscape, reasonEscapeSub, ""},
			{"loop1", reasonHops, reasonHops, ""},
			{"self", reasonHops, reasonHops, ""},
			{"sibling", "", reasonEscapeSub, "sibling sample\n"},
			{"inside", "", "", "fine\n"},
		}
		for _, tt := range tests {
			got, err := b.FS.ReadFile("root/" + tt.name)
			if tt.top == "" {
				if err != nil || string(got) != tt.subTxt {
					t.Errorf("bundle ReadFile(root/%s) = %q, %v", tt.name, got, err)
				}
			} else {
				wantRefused(t, err, tt.top)
			}
			got, err = r.ReadFile(tt.name)
			if tt.sub == "" {
				if err != nil || string(got) != tt.subTxt {
					t.Errorf("sub ReadFile(%s) = %q, %v", tt.name, got, err)
				}
			} else {
				wantRefused(t, err, tt.sub)
				if !strings.Contains(err.Error(), tt.name) {
					t.Errorf("error %q does not name %s", err, tt.name)
				}
			}
		}
		// Following a link in the middle of a path through "." stays
		// inside and terminates.
		if got, err := r.ReadFile("dirloop/dirloop/sos_commands/ok"); err != nil || string(got) != "fine\n" {
			t.Errorf("ReadFile(dirloop/...) = %q, %v", got, err)
		}
		// Lstat and ReadLink of an escaping link work: they do not follow.
		if tgt, err := r.ReadLink("up"); err != nil || !strings.HasPrefix(tgt, "../../") {
			t.Errorf("ReadLink(up) = %q, %v", tgt, err)
		}
		if _, err := r.Lstat("abs"); err != nil {
			t.Errorf("Lstat(abs) = %v", err)
		}
		// ReadDir of a link leaving the root is refused too.
		_, err = r.ReadDir("updir")
		wantRefused(t, err, reasonEscapeSub)
		// Sub itself cannot be reached through an escaping link.
		_, err = Sub(r, "updir")
		wantRefused(t, err, reasonEscapeSub)
	})
}

// TestHopLimit checks MaxLinkHops: a chain of n links is followed when
// n <= MaxLinkHops.
func TestHopLimit(t *testing.T) {
	ms := []member{{"f", 'f', "end\n"}}
	for i := 0; i < 10; i++ {
		next := "f"
		if i > 0 {
			next = "l" + string(rune('0'+i-1))
		}
		ms = append(ms, member{"l" + string(rune('0'+i)), 'l', next})
	}
	lim := DefaultLimits()
	lim.MaxLinkHops = 5
	openForms(t, ms, lim, func(t *testing.T, b *Bundle) {
		if got, err := b.FS.ReadFile("l4"); err != nil || string(got) != "end\n" {
			t.Errorf("5 hops: %q, %v", got, err)
		}
		_, err := b.FS.ReadFile("l5")
		wantRefused(t, err, reasonHops)
	})
}

// TestFileTooLarge checks the size cap in every form.
func TestFileTooLarge(t *testing.T) {
	ms := []member{
		{"small", 'f', strings.Repeat("x", 100)},
		{"exact", 'f', strings.Repeat("x", 1000)},
		{"big", 'f', strings.Repeat("x", 1001)},
		{"link", 'l', "big"},
	}
	lim := DefaultLimits()
	lim.MaxFileSize = 1000
	openForms(t, ms, lim, func(t *testing.T, b *Bundle) {
		if got, err := b.FS.ReadFile("exact"); err != nil || len(got) != 1000 {
			t.Errorf("exact: %d, %v", len(got), err)
		}
		for _, name := range []string{"big", "link"} {
			_, err := b.FS.ReadFile(name)
			wantRefused(t, err, reasonTooLarge)
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s: %v does not wrap ErrTooLarge", name, err)
			}
			_, err = b.FS.Open(name)
			wantRefused(t, err, reasonTooLarge)
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("open %s: %v does not wrap ErrTooLarge", name, err)
			}
		}
	})
}

// TestDirTooLargeNotRead checks a directory bundle's file larger than the
// cap is refused from its size, before any of it is read: reading it
// allocates far less than the cap.
func TestDirTooLargeNotRead(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "big"))
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: 64 MiB on disk costs nothing.
	if err := f.Truncate(64 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	lim := DefaultLimits()
	lim.MaxFileSize = 8 << 20
	b, err := Open(dir, lim)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, rerr := b.FS.ReadFile("big")
	_, oerr := b.FS.Open("big")
	runtime.ReadMemStats(&after)
	for _, err := range []error{rerr, oerr} {
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "64 MiB") {
			t.Errorf("err = %v, want a too-large refusal naming the file's size", err)
		}
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Errorf("refusing a 64 MiB file allocated %d bytes: it was read", d)
	}
}

// TestReadFileCopies checks a caller may modify what ReadFile returns.
func TestReadFileCopies(t *testing.T) {
	openForms(t, sosTree, DefaultLimits(), func(t *testing.T, b *Bundle) {
		name := sosTop + "/version.txt"
		got, _ := b.FS.ReadFile(name)
		clear(got)
		again, _ := b.FS.ReadFile(name)
		if string(again) != "sos report: 4.5.6\n" {
			t.Errorf("content changed: %q", again)
		}
	})
}

// TestClosed checks a closed bundle fails instead of reading.
func TestClosed(t *testing.T) {
	openForms(t, sosTree, DefaultLimits(), func(t *testing.T, b *Bundle) {
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if _, err := b.FS.ReadFile(sosTop + "/version.txt"); !errors.Is(err, os.ErrClosed) {
			t.Errorf("ReadFile after Close = %v", err)
		}
	})
}

func TestLimitsDefaults(t *testing.T) {
	got := Limits{MaxFileSize: 5}.withDefaults()
	want := DefaultLimits()
	want.MaxFileSize = 5
	if got != want {
		t.Errorf("withDefaults = %+v, want %+v", got, want)
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing.tar.xz"), Limits{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v", err)
	}
}

// TestDeepName checks a very deep name is answered (not found) without
// recursion trouble, in every form.
func TestDeepName(t *testing.T) {
	deep := strings.Repeat("a/", 50_000) + "x"
	openForms(t, []member{{"a/a/f", 'f', "x"}}, DefaultLimits(), func(t *testing.T, b *Bundle) {
		if _, err := b.FS.ReadFile(deep); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(deep) = %v", err)
		}
	})
}
