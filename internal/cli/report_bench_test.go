package cli_test

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/cli"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
)

// The report benchmarks run `netdoctor report BUNDLE` in-process, exactly
// as the command does it: source.Load, checks.NewEvidence, checks.Run over
// checks.Registry(), report.Build and report.Markdown, with the output
// discarded. The bundle is a two-sample collect bundle written once per
// benchmark by fixturegen (set TMPDIR to a tmpfs: writing it is slower
// than reading it). Reported: wall ns/op, cpu-ms/op (user+system, both
// CPUs), B/op and allocs/op, and peak-heap-MB, the highest heap in use
// above the starting heap while reporting (sampled every millisecond).

// BenchmarkReportLarge reports on a 512-CPU host: 8 NICs x 64 queues
// (about 1,500 IRQs), 2,000 processes, some 21,000 files a sample.
func BenchmarkReportLarge(b *testing.B) {
	benchReport(b, fixturegen.Large(512, 8, 64, 2000), false)
}

// BenchmarkReportLargeArchive is BenchmarkReportLarge from the .tar.gz
// netdoctor collect writes.
func BenchmarkReportLargeArchive(b *testing.B) {
	benchReport(b, fixturegen.Large(512, 8, 64, 2000), true)
}

// BenchmarkReportTypical reports on a typical 64-CPU host: 2 NICs x 16
// queues, 300 processes.
func BenchmarkReportTypical(b *testing.B) {
	benchReport(b, fixturegen.Large(64, 2, 16, 300), false)
}

func benchReport(b *testing.B, sc fixturegen.Scenario, archive bool) {
	dir := filepath.Join(b.TempDir(), "bundle")
	if err := fixturegen.WriteCollect(dir, sc); err != nil {
		b.Fatal(err)
	}
	path := dir
	if archive {
		path = dir + ".tar.gz"
		if err := tarDir(dir, path); err != nil {
			b.Fatal(err)
		}
	}
	var out countWriter
	env := cli.IO{In: strings.NewReader(""), Out: &out, Err: io.Discard, Now: time.Now}
	args := []string{"report", path}
	if code := cli.Main(args, env); code != 0 { // warm up, and check it works
		b.Fatalf("netdoctor report: exit %d", code)
	}
	if out.n == 0 {
		b.Fatal("empty report")
	}
	peak := watchHeap()
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code := cli.Main(args, env); code != 0 {
			b.Fatalf("netdoctor report: exit %d", code)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(peak(), "peak-heap-MB")
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// watchHeap samples the heap in use every millisecond from now on; the
// returned function stops sampling and gives the peak above the starting
// heap, in MiB.
func watchHeap() func() float64 {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}()
	return func() float64 {
		close(stop)
		<-done
		if peak < base.HeapInuse {
			return 0
		}
		return float64(peak-base.HeapInuse) / (1 << 20)
	}
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tarDir writes dir as a .tar.gz with bundle.Writer (as netdoctor collect
// does), under one top directory.
func tarDir(dir, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bundle.NewWriter(f)
	mtime := time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC)
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := "netdoctor-bench-20240305-101112/" + filepath.ToSlash(rel)
		if d.Type()&os.ModeSymlink != 0 {
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return w.Symlink(name, t, mtime)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return w.File(name, data, mtime)
	})
	if err != nil {
		return err
	}
	return w.Close()
}
