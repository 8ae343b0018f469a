package source

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
	"github.com/netdoctor/netdoctor/internal/host"
)

// TestInputOverTheCap checks the two ways a big /proc/interrupts is read:
// a directory bundle streams it whatever the per-file cap (all its rows
// are kept), and an archive, whose index holds no member over the cap,
// records it invalid and over the limit (so the checks that need it are
// not evaluated), never missing.
func TestInputOverTheCap(t *testing.T) {
	files := sosTree()
	want := len(loadTree(t, files).Interrupts.IRQs)
	if want == 0 {
		t.Fatal("the tree has no IRQ")
	}
	size := int64(len(files["proc/interrupts"]))
	lim := bundle.Limits{MaxFileSize: size - 1}
	d := filepath.Join(t.TempDir(), "sosreport-web1")
	writeTree(t, d, files)

	b, err := bundle.Open(d, lim)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.FS.ReadFile("proc/interrupts"); !errors.Is(err, bundle.ErrTooLarge) {
		t.Fatalf("ReadFile under a cap below the file: %v", err)
	}
	s, err := LoadRoot(b.FS, KindSosreport, Options{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	if in := inputOf(t, s, host.InputInterrupts, ""); in.Status != host.StatusOK || in.OverLimit || len(s.Interrupts.IRQs) != want {
		t.Errorf("directory: %+v, %d IRQs, want ok and %d", in, len(s.Interrupts.IRQs), want)
	}

	a := filepath.Join(t.TempDir(), "sos.tar.gz")
	if err := fixturegen.WriteArchive(d, a, "sosreport-web1"); err != nil {
		t.Fatal(err)
	}
	ab, err := bundle.OpenKeep(a, lim, keepInput)
	if err != nil {
		t.Fatal(err)
	}
	defer ab.Close()
	roots, err := bundle.Roots(ab.FS)
	if err != nil || len(roots) != 1 {
		t.Fatalf("roots %v, %v", roots, err)
	}
	sub, _ := bundle.Sub(ab.FS, roots[0].Dir)
	s, err = LoadRoot(sub, roots[0].Kind, Options{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	in := inputOf(t, s, host.InputInterrupts, "")
	if in.Status != host.StatusInvalid || !in.OverLimit || !strings.Contains(in.Reason, "too large") {
		t.Errorf("archive: %+v, want invalid, over the limit, saying why", in)
	}
	for _, q := range s.Interrupts.IRQs {
		for _, c := range q.Counts {
			if c != 0 {
				t.Fatalf("archive: IRQ %d has counts though its file was not read", q.Num)
			}
		}
	}
}
