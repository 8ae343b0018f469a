package bundle

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// TestLivePreopened reads /proc files opened early, and checks what is not
// opened early (outside /proc and /sys, past the deadline) still reads.
func TestLivePreopened(t *testing.T) {
	self := "proc/" + strconv.Itoa(os.Getpid())
	names := []string{self + "/stat", self + "/status", "proc/self/stat", "etc/hostname", self + "/no-such-file"}
	p := LivePreopened(names, time.Now().Add(time.Minute))
	defer p.Close()
	if got := p.Opened(); got != 3 {
		t.Fatalf("opened %d files early, want 3 (proc files that exist)", got)
	}
	for _, name := range names[:3] {
		b, err := p.ReadFile(name)
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
	if got := p.Opened(); got != 0 {
		t.Errorf("%d files still open after reading each", got)
	}
	// Read a second time, the usual way.
	if _, err := p.ReadFile(self + "/stat"); err != nil {
		t.Error(err)
	}
	if _, err := p.ReadFile(self + "/no-such-file"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}

	late := LivePreopened(names, time.Now().Add(-time.Second))
	defer late.Close()
	if late.Opened() != 0 {
		t.Errorf("opened %d files after the deadline", late.Opened())
	}
	if _, err := late.ReadFile(self + "/stat"); err != nil {
		t.Error(err)
	}

	left := LivePreopened(names, time.Now().Add(time.Minute))
	left.Close()
	if left.Opened() != 0 {
		t.Errorf("Close left %d files open", left.Opened())
	}
}

// TestLivePreopenedExited opens a process's stat file early, ends the
// process, and checks the read says it is gone rather than showing what
// the open file still refers to.
func TestLivePreopenedExited(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep program")
	}
	cmd := exec.Command(sleep, "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	name := "proc/" + strconv.Itoa(cmd.Process.Pid) + "/stat"
	p := LivePreopened([]string{name}, time.Now().Add(time.Minute))
	defer p.Close()
	if p.Opened() != 1 {
		t.Fatalf("opened %d", p.Opened())
	}
	cmd.Process.Kill()
	cmd.Wait()
	if b, err := p.ReadFile(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("exited process: %q, %v; want not exist", b, err)
	}
}
