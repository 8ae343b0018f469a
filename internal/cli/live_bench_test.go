package cli_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
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
// net/softnet_stat), and x-bare added-ms over bare-ms. threads is how many
// tasks /proc listed, the extra ones included. Run them once each:
// go test -run '^$' -bench 'Live' -benchtime 1x ./internal/cli

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
	env := cli.IO{In: strings.NewReader(""), Out: &out, Err: io.Discard, Now: time.Now}
	tasks, _ := bareLiveRead() // warm the dentry cache as a first run would
	var added, bare time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		t0 := time.Now()
		bareLiveRead()
		bare += time.Since(t0)
		b.StartTimer()
		t0 = time.Now()
		if code := cli.Main(args, env); code > 1 {
			b.Fatalf("netdoctor %s: exit %d", cmd, code)
		}
		added += time.Since(t0) - interval
	}
	b.StopTimer()
	ms := float64(added.Microseconds()) / 1e3 / float64(b.N)
	bms := float64(bare.Microseconds()) / 1e3 / float64(b.N)
	b.ReportMetric(ms, "added-ms")
	b.ReportMetric(bms, "bare-ms")
	b.ReportMetric(ms/max(bms, 1e-3), "x-bare")
	b.ReportMetric(float64(tasks), "threads")
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
