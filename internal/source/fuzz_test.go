package source

import (
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
)

// The in-memory FS the fuzzer uses must load like a real directory.
func TestMemFSMatchesDir(t *testing.T) {
	for name, files := range map[string]tree{"sos": sosTree(), "virtio": virtioTree()} {
		t.Run(name, func(t *testing.T) {
			fromDir := loadTree(t, files)
			fromMem, err := LoadRoot(newMemFS(files), KindSosreport, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(fromDir, fromMem); diff != "" {
				t.Errorf("dir vs memory (-dir +mem):\n%s", diff)
			}
		})
	}
}

// fuzzPaths are the regular files of sosTree and virtioTree the fuzzer
// replaces, one per run.
func fuzzBase() (tree, []string) {
	base := netInputsTree()
	maps.Copy(base, virtioTree().without("proc/", "sys/devices/system", "sos_commands/process", "sos_commands/date", "sos_commands/host", "sos_commands/kernel"))
	var paths []string
	for p, v := range base {
		if !strings.HasSuffix(p, "/") && !strings.HasPrefix(v, "->") {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	return base, paths
}

// FuzzLoadRoot replaces one file of a realistic sosreport (sos 4.5, RHEL
// 8.8 kernel 4.18; virtio KVM guest parts from RHEL 9.2) with arbitrary
// bytes, or with a link when the bytes start with "->". The loader must
// not panic, every input must carry a valid status (with a reason unless ok
// or missing), and the model must stay ordered.
func FuzzLoadRoot(f *testing.F) {
	base, paths := fuzzBase()
	for i, p := range paths {
		f.Add(uint16(i), []byte(base[p]))
		if c := base[p]; len(c) > 10 {
			f.Add(uint16(i), []byte(c[:len(c)/2]))
		}
	}
	f.Add(uint16(0), []byte("->../../../etc/shadow"))
	f.Add(uint16(3), []byte("->proc/self"))
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		files := maps.Clone(base)
		files[paths[int(which)%len(paths)]] = string(data)
		s, err := LoadRoot(newMemFS(files), KindSosreport, Options{})
		if err != nil {
			return
		}
		valid := map[host.Status]bool{host.StatusOK: true, host.StatusMissing: true, host.StatusUnreadable: true, host.StatusInvalid: true}
		for _, in := range s.Inputs {
			if !valid[in.Status] {
				t.Fatalf("input %+v has an unknown status", in)
			}
			if (in.Status == host.StatusInvalid || in.Status == host.StatusUnreadable) && in.Reason == "" {
				t.Fatalf("input %+v without a reason", in)
			}
		}
		if !slices.IsSortedFunc(s.Topology.CPUs, func(a, b host.CPU) int { return a.ID - b.ID }) {
			t.Fatal("CPUs not sorted")
		}
		for _, n := range s.NICs {
			if n.Name == "" || n.Kind == "" {
				t.Fatalf("NIC %+v without name or kind", n)
			}
		}
		for _, p := range s.Procs {
			if p.PID <= 0 || len(p.Threads) == 0 {
				t.Fatalf("proc %+v", p)
			}
		}
	})
}

// FuzzConfigFiles feeds the small parsers of this package: irqbalance's
// configuration (RHEL /etc/sysconfig, Debian /etc/default), passwd, and
// the num_threads field of a stat line (kernel 4.18 / 6.x layouts).
func FuzzConfigFiles(f *testing.F) {
	for _, s := range []string{
		"IRQBALANCE_BANNED_CPULIST=8-15\nIRQBALANCE_ARGS=\"--banirq=45 -i 46\"\n",
		"export IRQBALANCE_BANNED_CPUS='0000ff00,00000000' # comment\n",
		"root:x:0:0:root:/root:/bin/bash\napp:x:1000:1000::/home/app:/bin/sh\n",
		"1234 (my (odd) app) S 1 1234 1234 0 -1 4194560 100 0 0 0 50 10 0 0 20 0 7 0 100 1000000 500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n",
		"IRQBALANCE_BANNED_CPULIST=\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := parseIrqbalanceConf(b)
		if !slices.IsSorted(c.bannedIRQs) {
			t.Fatalf("banned IRQs not sorted: %v", c.bannedIRQs)
		}
		for _, n := range c.bannedIRQs {
			if n < 0 || n > maxIRQ {
				t.Fatalf("IRQ %d out of range", n)
			}
		}
		for uid, name := range parsePasswd(b) {
			if uid < 0 || strings.ContainsAny(name, "\n\x00") {
				t.Fatalf("passwd entry %d %q", uid, name)
			}
		}
		if n := numThreads(b); n < -1 {
			t.Fatalf("numThreads %d", n)
		}
		_ = sanitize("etc/passwd", b)
		if out := sanitize("proc/1/environ", b); len(out) > len(b)+1 {
			t.Fatalf("sanitize grew the environment")
		}
	})
}

// countFS counts reads per path.
type countFS struct {
	*memFS
	mu    sync.Mutex
	reads map[string]int
}

func (c *countFS) ReadFile(name string) ([]byte, error) {
	c.mu.Lock()
	c.reads[name]++
	c.mu.Unlock()
	return c.memFS.ReadFile(name)
}

// No file is read twice while loading one sample.
func TestNoFileReadTwice(t *testing.T) {
	for name, files := range map[string]tree{"sos": sosTree(), "virtio": virtioTree()} {
		t.Run(name, func(t *testing.T) {
			c := &countFS{memFS: newMemFS(files), reads: map[string]int{}}
			if _, err := LoadRoot(c, KindSosreport, Options{}); err != nil {
				t.Fatal(err)
			}
			for p, n := range c.reads {
				if n > 1 {
					t.Errorf("%s read %d times", p, n)
				}
			}
		})
	}
	t.Run("live", func(t *testing.T) {
		if _, err := os.Stat("/proc/self/stat"); err != nil {
			t.Skip("no /proc")
		}
		rec := &liveCount{FS: bundle.Live(), reads: map[string]int{}}
		if _, err := liveSnapshot(rec, Options{}.withDefaults(), time.Now(), nil, nil); err != nil {
			t.Fatal(err)
		}
		for p, n := range rec.reads {
			if n > 1 {
				t.Errorf("%s read %d times", p, n)
			}
		}
	})
}

type liveCount struct {
	bundle.FS
	mu    sync.Mutex
	reads map[string]int
}

func (c *liveCount) ReadFile(name string) ([]byte, error) {
	c.mu.Lock()
	c.reads[name]++
	c.mu.Unlock()
	return c.FS.ReadFile(name)
}
