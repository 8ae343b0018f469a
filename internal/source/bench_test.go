package source

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/benchutil"
	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
)

// benchThreads is how many extra threads the live thread benchmarks start:
// 10,000, or NETDOCTOR_BENCH_THREADS; SpawnThreads caps it at what the
// host leaves room for.
func benchThreads() int {
	if v, err := strconv.Atoi(os.Getenv("NETDOCTOR_BENCH_THREADS")); err == nil && v >= 0 {
		return v
	}
	return 10000
}

// BenchmarkLiveThreads measures reading every process and thread of the
// live host (what each live sample adds to the interval) with 10,000 extra
// threads in a second process: ns/op is the time of one sample's process and
// thread reading, and ns/thread the cost per task.
func BenchmarkLiveThreads(b *testing.B) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		b.Skip("no /proc")
	}
	_, end := benchutil.SpawnThreads(b, benchThreads())
	defer end()
	o := Options{}.withDefaults()
	tasks := 0
	b.ReportAllocs()
	cpu0 := benchutil.CPUTime()
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
	b.ReportMetric(float64((benchutil.CPUTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
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
		if _, err := liveSnapshot(bundle.Live(), o, time.Now(), nil, nil); err != nil {
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
		rec := newRecorder(bundle.Live(), Privacy{})
		if _, err := liveSnapshot(rec, o, time.Now(), rec, nil); err != nil {
			b.Fatal(err)
		}
		files = len(rec.files)
	}
	b.ReportMetric(float64(files), "files")
}

// BenchmarkArchiveSample10kThreads archives one recorded live sample of a
// host with 10,000 extra threads, as collect archives its first sample
// during the interval (the second sample's thread files go into the
// archive while they are read).
func BenchmarkArchiveSample10kThreads(b *testing.B) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		b.Skip("no /proc")
	}
	_, end := benchutil.SpawnThreads(b, benchThreads())
	rec := newRecorder(bundle.Live(), Privacy{})
	s, err := liveSnapshot(rec, Options{}.withDefaults(), time.Now(), rec, nil)
	end()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bw := bundle.NewWriter(io.Discard)
		if err := rec.write(bw, "netdoctor-host-20261122-101112/sample-2/", "", s.Time); err != nil {
			b.Fatal(err)
		}
		if err := bw.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rec.files)), "files")
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
	benchLoadLarge(b, dir)
	b.ReportMetric(float64(files), "files")
}

// benchLoadLarge loads the Large bundle at path b.N times, each from a
// collected heap, and reports the CPU time and the peak heap of one load.
func benchLoadLarge(b *testing.B, path string) {
	peak := benchutil.WatchHeap()
	b.ReportAllocs()
	cpu0 := benchutil.CPUTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchutil.FreshHeap(b)
		p, err := Load([]string{path}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !p.TwoSample() || len(p.After.Topology.Online) != 512 {
			b.Fatalf("large bundle: two %v, %d CPUs", p.TwoSample(), len(p.After.Topology.Online))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((benchutil.CPUTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(peak(), "peak-heap-MB")
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

// BenchmarkLoadLargeArchive loads the Large bundle as netdoctor collect
// writes it: one .tar.gz, read through the archive index (no file system
// calls per member).
func BenchmarkLoadLargeArchive(b *testing.B) {
	dir := largeBundle(b)
	archive := filepath.Join(b.TempDir(), "large.tar.gz")
	if err := fixturegen.WriteArchive(dir, archive, "netdoctor-big512-20240305-101112"); err != nil {
		b.Fatal(err)
	}
	benchLoadLarge(b, archive)
}

// BenchmarkLoadRootsLargeArchive is the loader's own share of
// BenchmarkLoadLargeArchive: the archive is opened and indexed once, and
// each iteration loads its two samples concurrently.
func BenchmarkLoadRootsLargeArchive(b *testing.B) {
	dir := largeBundle(b)
	archive := filepath.Join(b.TempDir(), "large.tar.gz")
	if err := fixturegen.WriteArchive(dir, archive, "netdoctor-big512-20240305-101112"); err != nil {
		b.Fatal(err)
	}
	bu, err := bundle.Open(archive, bundle.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	defer bu.Close()
	roots, err := bundle.Roots(bu.FS)
	if err != nil || len(roots) != 2 {
		b.Fatalf("roots %v %v", roots, err)
	}
	subs := make([]bundle.FS, len(roots))
	for i, r := range roots {
		if subs[i], err = bundle.Sub(bu.FS, r.Dir); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	b.ReportAllocs()
	cpu0 := benchutil.CPUTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		for k := range subs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := LoadRoot(subs[k], roots[k].Kind, Options{}); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	b.ReportMetric(float64((benchutil.CPUTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkCollect10kThreads is a whole `netdoctor collect --interval 1s`
// into a file, with 10,000 extra threads on the host; added-ms is what
// collecting adds to the interval (the second sample, the archiving that
// does not overlap it, and the archive's end).
func BenchmarkCollect10kThreads(b *testing.B) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		b.Skip("no /proc")
	}
	_, end := benchutil.SpawnThreads(b, benchThreads())
	defer end()
	out := filepath.Join(b.TempDir(), "collect.tar.gz")
	var added time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		if err := Collect(context.Background(), f, Options{Interval: time.Second}); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		added += time.Since(t0) - time.Second
	}
	b.StopTimer()
	b.ReportMetric(float64(added.Microseconds())/1e3/float64(b.N), "added-ms")
}

// BenchmarkLiveSecondSample512 is the second sample of a live run on the
// Large 512-CPU host (its first sample's files as the live root: about
// 1,500 IRQs, 512 CPU directories, 2,000 processes): what a live report
// adds to its interval on such a host, besides the threads. files/op is
// how many files it reads.
func BenchmarkLiveSecondSample512(b *testing.B) {
	root := filepath.Join(largeBundle(b), "sample-1")
	o := Options{Root: root}.withDefaults()
	files := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		carry := newSampleCarry(false)
		if _, err := liveSnapshot(bundle.LiveAt(root), o, time.Now(), nil, carry); err != nil {
			b.Fatal(err)
		}
		fsys := &countingFS{FS: bundle.LiveAt(root)}
		b.StartTimer()
		s, err := liveSnapshot(fsys, o, time.Now(), nil, carry)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if len(s.Topology.Online) != 512 || len(s.Interrupts.IRQs) < 1000 {
			b.Fatalf("second sample: %d CPUs, %d IRQs", len(s.Topology.Online), len(s.Interrupts.IRQs))
		}
		files = int(fsys.files.Load())
	}
	b.ReportMetric(float64(files), "files/op")
}

// countingFS counts the files read through it.
type countingFS struct {
	bundle.FS
	files atomic.Int64
}

func (c *countingFS) ReadFile(name string) ([]byte, error) {
	c.files.Add(1)
	return c.FS.ReadFile(name)
}
