package source

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
	"github.com/netdoctor/netdoctor/internal/host"
)

// readLog records every name read from an FS.
type readLog struct {
	bundle.FS
	mu    sync.Mutex
	names []string
}

func (r *readLog) ReadFile(name string) ([]byte, error) {
	b, err := r.FS.ReadFile(name)
	if err == nil {
		r.mu.Lock()
		r.names = append(r.names, name)
		r.mu.Unlock()
	}
	return b, err
}

// TestKeepCoversEveryRead loads realistic sosreports (sos 4.5 RHEL 8.8,
// a RHEL 9.2 virtio guest) and every fixture sample, and checks that
// keepInput keeps every file the loader read, wherever the root sits.
func TestKeepCoversEveryRead(t *testing.T) {
	check := func(t *testing.T, fsys bundle.FS, kind string) {
		t.Helper()
		rec := &readLog{FS: fsys}
		if _, err := LoadRoot(rec, kind, Options{}); err != nil {
			t.Fatal(err)
		}
		if len(rec.names) < 10 {
			t.Fatalf("only %d files read", len(rec.names))
		}
		for _, n := range rec.names {
			for _, top := range []string{"", "sosreport-x/", "nd-host-20240305/sample-1/", "a/b/c/"} {
				if !keepInput(top + n) {
					t.Errorf("keepInput(%q) is false, and the loader read it", top+n)
				}
			}
		}
	}
	for name, files := range map[string]tree{"sos": sosTree(), "virtio": virtioTree()} {
		t.Run(name, func(t *testing.T) { check(t, newMemFS(files), KindSosreport) })
	}
	for _, dir := range fixtureDirs(t) {
		b, err := bundle.Open(dir, bundle.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		roots, err := bundle.Roots(b.FS)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range roots {
			t.Run(filepath.Base(dir)+"/"+r.Dir, func(t *testing.T) {
				sub, err := bundle.Sub(b.FS, r.Dir)
				if err != nil {
					t.Fatal(err)
				}
				check(t, sub, r.Kind)
			})
		}
		b.Close()
	}
}

// TestKeepDeclines checks what keepInput leaves out.
func TestKeepDeclines(t *testing.T) {
	for _, n := range []string{
		"sosreport-x/var/log/secure",
		"sosreport-x/var/log/messages-20261201",
		"sosreport-x/sos_commands/logs/journalctl_--no-pager",
		"sosreport-x/etc/shadow",
		"sosreport-x/sos_logs/sos.log",
		"a/b/c/d/e/proc/stat", // deeper than any root
		"proc.txt",
	} {
		if keepInput(n) {
			t.Errorf("keepInput(%q) = true", n)
		}
	}
}

// TestArchiveMatchesDir loads every fixture bundle as a directory and as
// the .tar.gz netdoctor collect would write (read with keepInput): the
// pairs must be the same, but for where they came from.
func TestArchiveMatchesDir(t *testing.T) {
	for _, dir := range fixtureDirs(t) {
		var exp expectDoc
		if b, err := os.ReadFile(filepath.Join(dir, "expect.json")); err == nil {
			json.Unmarshal(b, &exp)
		}
		var dirs, archives []string
		for _, rel := range exp.Bundles {
			d := filepath.Join(dir, rel)
			a := filepath.Join(t.TempDir(), "b.tar.gz")
			if err := fixturegen.WriteArchive(d, a, "netdoctor-big512-20240305-101112"); err != nil {
				t.Fatal(err)
			}
			dirs, archives = append(dirs, d), append(archives, a)
		}
		if len(dirs) == 0 {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want, err := Load(dirs, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Load(archives, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ignore := cmp.FilterPath(func(p cmp.Path) bool {
				s := p.String()
				return strings.HasSuffix(s, "Origin")
			}, cmp.Ignore())
			if want.Interval != got.Interval {
				t.Errorf("interval %v from the directory, %v from the archive", want.Interval, got.Interval)
			}
			for i, pair := range [][2]*host.Snapshot{{want.Before, got.Before}, {want.After, got.After}} {
				if diff := cmp.Diff(pair[0], pair[1], ignore); diff != "" {
					t.Errorf("sample %d: archive differs from directory (-dir +archive):\n%s", i, diff)
				}
			}
		})
	}
}

// TestNotKeptIsMissingWithReason checks an input whose content the index
// did not keep is missing, saying why, never silently.
func TestNotKeptIsMissingWithReason(t *testing.T) {
	files := sosTree()
	d := filepath.Join(t.TempDir(), "sosreport-web1")
	writeTree(t, d, files)
	a := filepath.Join(t.TempDir(), "sos.tar.gz")
	if err := fixturegen.WriteArchive(d, a, "netdoctor-big512-20240305-101112"); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.OpenKeep(a, bundle.Limits{}, func(name string) bool {
		return keepInput(name) && !strings.HasSuffix(name, "/proc/interrupts")
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	roots, err := bundle.Roots(b.FS)
	if err != nil || len(roots) != 1 {
		t.Fatalf("roots %v, %v", roots, err)
	}
	sub, _ := bundle.Sub(b.FS, roots[0].Dir)
	_, rerr := sub.ReadFile("proc/interrupts")
	if !errors.Is(rerr, bundle.ErrNotKept) || !errors.Is(rerr, bundle.ErrRefused) || errors.Is(rerr, fs.ErrNotExist) {
		t.Fatalf("ReadFile of a member not kept = %v", rerr)
	}
	s, err := LoadRoot(sub, roots[0].Kind, Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := inputOf(t, s, host.InputInterrupts, "")
	if in.Status != host.StatusMissing || !strings.Contains(in.Reason, "not loaded") {
		t.Errorf("interrupts input = %+v, want missing with the reason", in)
	}
}
