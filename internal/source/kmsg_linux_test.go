package source

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/netdoctor/netdoctor/internal/parse"
)

// TestReadKmsg reads this machine's kernel log, when it may: every line
// must come out in dmesg's form, which the kernel log parser reads.
func TestReadKmsg(t *testing.T) {
	b, err := readKmsg()
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no kernel log here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	kl, err := parse.KernelLog(b)
	if err != nil {
		t.Fatal(err)
	}
	if kl.Lines == 0 {
		t.Skip("empty kernel log")
	}
	if len(b) == 0 || b[0] != '[' {
		t.Errorf("first line %q is not in dmesg form", b[:min(len(b), 40)])
	}
	// A second reading starts again at the oldest record: nothing was consumed.
	b2, err := readKmsg()
	if err != nil {
		t.Fatal(err)
	}
	kl2, _ := parse.KernelLog(b2)
	if kl2.Lines+64 < kl.Lines {
		t.Errorf("second reading has %d lines, first %d", kl2.Lines, kl.Lines)
	}
}
