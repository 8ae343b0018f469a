package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildIsStatic builds netdoctor as `make build` does and checks that
// the binary needs no dynamic loader and no shared library (so it starts on
// hosts whatever their C library), then runs it under a 1 GiB address-space
// limit, as on hosts where `ulimit -v` is set.
func TestBuildIsStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	cmd := exec.Command("make", "-s", "-C", root, "build", "BIN="+bin)
	// Whatever the caller's environment says: the Makefile decides.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	exe := filepath.Join(bin, "netdoctor")
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has a program interpreter (PT_INTERP): dynamically linked", exe)
		}
		if p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s has a dynamic section (PT_DYNAMIC)", exe)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v (%v)", exe, libs, err)
	}

	// 1 GiB of address space, in KiB as ulimit counts.
	script := `ulimit -v 1048576 || exit 99; exec "$0" report --format json "$1"`
	run := exec.Command("sh", "-c", script, exe, filepath.Join(root, "fixtures", "irq-cpu0"))
	var stderr strings.Builder
	run.Stderr = &stderr
	out, err := run.Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 99 {
		t.Skip("cannot set ulimit -v here")
	}
	if err != nil || !strings.Contains(string(out), `"schema_version"`) {
		t.Fatalf("under ulimit -v 1048576: %v\nstderr: %s\nstdout: %.300s", err, stderr.String(), out)
	}
}
