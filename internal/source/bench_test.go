package source

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
)

// spawnThreads starts n OS threads in this process (goroutines locked to
// their thread, parked) and returns a function that ends them.
func spawnThreads(tb testing.TB, n int) func() {
	tb.Helper()
	debug.SetMaxThreads(n + 10000)
	stop := make(chan struct{})
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			runtime.LockOSThread()
			defer done.Done()
			ready.Done()
			<-stop
		}()
	}
	ready.Wait()
	return func() { close(stop); done.Wait() }
}

// benchThreads is how many extra threads BenchmarkLiveThreads starts; set
// NETDOCTOR_BENCH_THREADS to change it.
func benchThreads() int {
	if v, err := strconv.Atoi(os.Getenv("NETDOCTOR_BENCH_THREADS")); err == nil && v >= 0 {
		return v
	}
	return 10000
}

// BenchmarkLiveThreads measures reading every process and thread of the
// live host (what each live sample adds to the interval) with 10,000 extra
// threads in this process: ns/op is the time of one sample's process and
// thread reading, and ns/thread the cost per task.
func BenchmarkLiveThreads(b *testing.B) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		b.Skip("no /proc")
	}
	end := spawnThreads(b, benchThreads())
	defer end()
	o := Options{}.withDefaults()
	tasks := 0
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l := newLoader(bundle.Live(), KindLive, o)
		l.loadProcs()
		tasks = 0
		for _, p := range l.snap.Procs {
			tasks += len(p.Threads)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(tasks), "threads")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tasks), "ns/thread")
}

// BenchmarkLiveSample is one whole live sample of this host.
func BenchmarkLiveSample(b *testing.B) {
	if _, err := os.Stat("/proc/interrupts"); err != nil {
		b.Skip("no /proc")
	}
	o := Options{}.withDefaults()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := liveSnapshot(bundle.Live(), o, time.Now(), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollectSample is one live sample recorded for a collect bundle.
func BenchmarkCollectSample(b *testing.B) {
	if _, err := os.Stat("/proc/interrupts"); err != nil {
		b.Skip("no /proc")
	}
	o := Options{}.withDefaults()
	b.ReportAllocs()
	files := 0
	for i := 0; i < b.N; i++ {
		rec := newRecorder(bundle.Live())
		if _, err := liveSnapshot(rec, o, time.Now(), rec.putMade); err != nil {
			b.Fatal(err)
		}
		files = len(rec.files)
	}
	b.ReportMetric(float64(files), "files")
}

// BenchmarkLoadLarge loads a whole two-sample collect bundle of a 512-CPU
// host (8 NICs x 64 queues, about 1,500 IRQs, 2,000 processes) written by
// fixturegen. It reports the bundle's file count and the peak heap in use
// while loading (sampled every millisecond).
func BenchmarkLoadLarge(b *testing.B) {
	dir := largeBundle(b)
	files := 0
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := uint64(0)
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
				if m.HeapInuse > peak {
					peak = m.HeapInuse
				}
			}
		}
	}()
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := Load([]string{dir}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !p.TwoSample() || len(p.After.Topology.Online) != 512 {
			b.Fatalf("large bundle: two %v, %d CPUs", p.TwoSample(), len(p.After.Topology.Online))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	close(stop)
	<-done
	b.ReportMetric(float64(files), "files")
	b.ReportMetric(float64(peak-base.HeapInuse)/(1<<20), "peak-heap-MB")
}

// The Large bundle is written once per test binary run (writing 48,000
// files takes longer than loading them) and removed by TestMain.
var (
	largeOnce sync.Once
	largeDir  string
	largeErr  error
)

func largeBundle(b *testing.B) string {
	b.Helper()
	largeOnce.Do(func() {
		largeDir, largeErr = os.MkdirTemp("", "netdoctor-large-")
		if largeErr == nil {
			largeErr = fixturegen.WriteCollect(largeDir, fixturegen.Large(512, 8, 64, 2000))
		}
	})
	if largeErr != nil {
		b.Fatal(largeErr)
	}
	return largeDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if largeDir != "" {
		os.RemoveAll(largeDir)
	}
	os.Exit(code)
}

// cpuTime is the user and system CPU time of this process so far: on a
// busy machine it says more about the work done than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoadLargeArchive loads the Large bundle as netdoctor collect
// writes it: one .tar.gz, read through the archive index (no file system
// calls per member).
func BenchmarkLoadLargeArchive(b *testing.B) {
	dir := largeBundle(b)
	archive := filepath.Join(b.TempDir(), "large.tar.gz")
	if err := tarDir(dir, archive); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := Load([]string{archive}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !p.TwoSample() || len(p.After.Topology.Online) != 512 {
			b.Fatalf("large bundle: two %v, %d CPUs", p.TwoSample(), len(p.After.Topology.Online))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// tarDir writes dir as a .tar.gz with bundle.Writer, under a top directory.
func tarDir(dir, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bundle.NewWriter(f)
	mtime := time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := "netdoctor-big512-20240305-101112/" + filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 {
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
