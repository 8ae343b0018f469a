package cli_test

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/benchutil"
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
		if err := fixturegen.WriteArchive(dir, path, "netdoctor-bench-20240305-101112"); err != nil {
			b.Fatal(err)
		}
	}
	var out benchutil.CountingWriter
	env := cli.IO{In: strings.NewReader(""), Out: &out, Err: io.Discard, Now: time.Now}
	args := []string{"report", path}
	if code := cli.Main(args, env); code != 0 { // warm up, and check it works
		b.Fatalf("netdoctor report: exit %d", code)
	}
	if out == 0 {
		b.Fatal("empty report")
	}
	peak := benchutil.WatchHeap()
	b.ReportAllocs()
	cpu0 := benchutil.CPUTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchutil.FreshHeap(b)
		if code := cli.Main(args, env); code != 0 {
			b.Fatalf("netdoctor report: exit %d", code)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((benchutil.CPUTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(peak(), "peak-heap-MB")
}
