package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/benchutil"
	"github.com/netdoctor/netdoctor/internal/cli"
)

// The live benchmarks (issue "Scale to the largest hosts", a cheap live
// run) run `netdoctor report --interval 1s` and `netdoctor collect
// --interval 1s` on this host with 10,000 or 30,000 extra threads held by
// a second process (benchutil.SpawnThreads). added-ms is the wall time
// beyond the interval (target: under 100 ms at 10k threads, under 300 ms
// at 30k); bare-ms is, in the same run, one bare read of the files every
// live sample reads whatever netdoctor does with them (the stat file of
// every process and thread, and /proc/interrupts, softirqs, stat and
// net/softnet_stat), and x-bare added-ms over bare-ms. The added time is
// late-ms (how late the second sample began: the first sample outlasted
// the interval) plus after2-ms (the second sample and what follows it);
// sample1-ms is the first sample. after2-cpu-ms is the CPU time netdoctor
// spent after the second sample began (on all its threads), which a busy
// machine disturbs less than the wall time. threads is how many
// tasks /proc listed, the extra ones included. Run them once each:
// go test -run '^$' -bench 'Live' -benchtime 1x ./internal/cli

// BenchmarkReportLive0 is the fixed cost: no extra threads.
func BenchmarkReportLive0(b *testing.B)    { benchLive(b, "report", 0) }
func BenchmarkReportLive10k(b *testing.B)  { benchLive(b, "report", 10_000) }
func BenchmarkReportLive30k(b *testing.B)  { benchLive(b, "report", 30_000) }
func BenchmarkCollectLive10k(b *testing.B) { benchLive(b, "collect", 10_000) }
func BenchmarkCollectLive30k(b *testing.B) { benchLive(b, "collect", 30_000) }

func benchLive(b *testing.B, cmd string, threads int) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		b.Skip("no /proc")
	}
	n, end := benchutil.SpawnThreads(b, threads)
	defer end()
	if n < threads {
		b.Logf("only %d extra threads: the host's limits leave no room for %d", n, threads)
	}
	const interval = time.Second
	args := []string{"report", "--interval", interval.String(), "--format", "json"}
	if cmd == "collect" {
		args = []string{"collect", "--interval", interval.String(), "-o", filepath.Join(b.TempDir(), "c.tar.gz")}
	}
	var out benchutil.CountingWriter
	var steps stepClock
	env := cli.IO{In: strings.NewReader(""), Out: &out, Err: &steps, ErrIsTerminal: true, Now: time.Now}
	tasks, _ := bareLiveRead() // warm the dentry cache as a first run would
	var added, bare, first, late, after, afterCPU time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		t0 := time.Now()
		bareLiveRead()
		bare += time.Since(t0)
		b.StartTimer()
		t0 = time.Now()
		steps.reset()
		if code := cli.Main(args, env); code > 1 {
			b.Fatalf("netdoctor %s: exit %d", cmd, code)
		}
		end, endCPU := time.Now(), benchutil.CPUTime()
		added += end.Sub(t0) - interval
		if s2, s2CPU, ok := steps.atCPU("sampling 2/2"); ok {
			afterCPU += endCPU - s2CPU
			s1 := s2
			if w, ok := steps.at("waiting"); ok {
				s1 = w
			}
			first += s1.Sub(t0)
			late += max(0, s2.Sub(t0)-interval)
			after += end.Sub(s2)
		}
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 / float64(b.N) }
	ms, bms := per(added), per(bare)
	b.ReportMetric(ms, "added-ms")
	b.ReportMetric(per(first), "sample1-ms")
	b.ReportMetric(per(late), "late-ms")
	b.ReportMetric(per(after), "after2-ms")
	b.ReportMetric(per(afterCPU), "after2-cpu-ms")
	b.ReportMetric(bms, "bare-ms")
	b.ReportMetric(ms/max(bms, 1e-3), "x-bare")
	b.ReportMetric(float64(tasks), "threads")
}

// stepClock notes when each progress line of a live run was written.
type stepClock struct {
	mu    sync.Mutex
	lines []string
	times []time.Time
	cpu   []time.Duration
}

func (c *stepClock) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines, string(p))
	c.times = append(c.times, time.Now())
	c.cpu = append(c.cpu, benchutil.CPUTime())
	return len(p), nil
}

func (c *stepClock) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines, c.times, c.cpu = nil, nil, nil
}

// at is when the first line starting with prefix was written.
func (c *stepClock) at(prefix string) (time.Time, bool) {
	t, _, ok := c.atCPU(prefix)
	return t, ok
}

// atCPU is at with the process's CPU time then.
func (c *stepClock) atCPU(prefix string) (time.Time, time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, l := range c.lines {
		if strings.HasPrefix(l, prefix) {
			return c.times[i], c.cpu[i], true
		}
	}
	return time.Time{}, 0, false
}

// bareLiveRead reads once the files every live sample reads: the stat file
// of each process and each thread of a process with more than one, and the
// system-wide tables. It returns the tasks seen and the bytes read.
func bareLiveRead() (tasks int, n int64) {
	buf := make([]byte, 64<<10)
	read := func(p string) {
		f, err := os.Open(p)
		if err != nil {
			return
		}
		for {
			m, err := f.Read(buf)
			n += int64(m)
			if err != nil || m == 0 {
				break
			}
		}
		f.Close()
	}
	for _, p := range []string{"/proc/interrupts", "/proc/softirqs", "/proc/stat", "/proc/net/softnet_stat"} {
		read(p)
	}
	pids, _ := os.ReadDir("/proc")
	for _, e := range pids {
		if name := e.Name(); name[0] >= '1' && name[0] <= '9' {
			read("/proc/" + name + "/stat")
			tids, _ := os.ReadDir("/proc/" + name + "/task")
			tasks += len(tids)
			if len(tids) > 1 {
				for _, t := range tids {
					read("/proc/" + name + "/task/" + t.Name() + "/stat")
				}
			}
		}
	}
	return tasks, n
}
