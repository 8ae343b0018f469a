package cli_test

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/benchutil"
	"github.com/netdoctor/netdoctor/internal/cli"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
)

// The fleet benchmarks run `netdoctor summary` in-process as the command
// does (fleet.Read on every core, fleet.Build, the Markdown renderer), the
// output discarded. Reported as for the report benchmarks: ns/op,
// cpu-ms/op, B/op, allocs/op and peak-heap-MB.

// BenchmarkSummaryReports1000 ranks 1,000 JSON reports of typical 64-CPU
// hosts (2 NICs x 16 queues, 300 processes), a quarter of them with
// findings. Target: under 2 s and 200 MB.
func BenchmarkSummaryReports1000(b *testing.B) {
	dir := b.TempDir()
	var docs [][]byte
	sc := fixturegen.Large(64, 2, 16, 300)
	bundles := []string{writeBench(b, sc)}
	for _, f := range []string{"irq-cpu0", "softnet-drops", "numa-remote"} {
		bundles = append(bundles, filepath.Join("..", "..", "fixtures", f))
	}
	for _, p := range bundles {
		var out bytes.Buffer
		env := cli.IO{In: strings.NewReader(""), Out: &out, Err: io.Discard, Now: time.Now}
		if code := cli.Main([]string{"report", "--format", "json", p}, env); code > 1 {
			b.Fatalf("report %s: exit %d", p, code)
		}
		docs = append(docs, out.Bytes())
	}
	for i := range 1000 {
		doc := docs[0]
		if i%4 == 3 {
			doc = docs[1+i/4%3]
		}
		doc = renameHost(b, doc, fmt.Sprintf("node-%04d", i))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("node-%04d.json", i)), doc, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	benchSummary(b, []string{"summary", dir}, 1000)
}

// renameHost gives a JSON report another hostname.
func renameHost(b *testing.B, doc []byte, name string) []byte {
	i := bytes.Index(doc, []byte(`"hostname": "`))
	if i < 0 {
		b.Fatal("no hostname in the report")
	}
	j := i + len(`"hostname": "`)
	k := bytes.IndexByte(doc[j:], '"')
	return append(append(append([]byte{}, doc[:j]...), name...), doc[j+k:]...)
}

// writeBench writes sc as a collect bundle and returns its path.
func writeBench(b *testing.B, sc fixturegen.Scenario) string {
	dir := filepath.Join(b.TempDir(), "bundle")
	if err := fixturegen.WriteCollect(dir, sc); err != nil {
		b.Fatal(err)
	}
	return dir
}

// writeSosreports writes n single-sample sosreports of typical 64-CPU
// hosts, each with its own hostname, into one directory.
func writeSosreports(b *testing.B, n int) (dir string, one string) {
	dir = b.TempDir()
	for i := range n {
		sc := fixturegen.Large(64, 2, 16, 300)
		sc.Hostname = fmt.Sprintf("node-%04d", i)
		name, err := fixturegen.WriteSosreport(dir, sc, 1)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			one = filepath.Join(dir, name)
		}
	}
	return dir, one
}

// BenchmarkSummarySosreports200 ranks 200 sosreport directories of
// typical 64-CPU hosts. Target: under 2x the time of `report` on one of
// them x 200 / cores; reported as target-ratio (below 1 meets it), with
// report-ns the one report's time measured in the same run, and as
// cpu-target-ratio, the same in CPU time. Peak memory
// must not grow with the count: compare with BenchmarkSummarySosreports50.
func BenchmarkSummarySosreports200(b *testing.B) { benchSosreports(b, 200) }

// BenchmarkSummarySosreports50 is BenchmarkSummarySosreports200 with 50
// sosreports, for the peak heap's independence of the count.
func BenchmarkSummarySosreports50(b *testing.B) { benchSosreports(b, 50) }

func benchSosreports(b *testing.B, n int) {
	dir, one := writeSosreports(b, n)
	env := cli.IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, Now: time.Now}
	cli.Main([]string{"report", one}, env) // warm up
	const reps = 3
	start, cpu0 := time.Now(), benchutil.CPUTime()
	for range reps {
		if code := cli.Main([]string{"report", one}, env); code > 1 {
			b.Fatalf("report: exit %d", code)
		}
	}
	perReport := time.Since(start) / reps
	reportCPU := (benchutil.CPUTime() - cpu0) / reps
	cpuSummary := benchutil.CPUTime()
	elapsed := benchSummary(b, []string{"summary", dir}, n)
	cpuSummary = (benchutil.CPUTime() - cpuSummary) / time.Duration(b.N+1)
	target := 2 * float64(perReport) * float64(n) / float64(runtime.GOMAXPROCS(0))
	b.ReportMetric(float64(perReport.Nanoseconds()), "report-ns")
	b.ReportMetric(float64(elapsed)/target, "target-ratio")
	// The same target in CPU time, which a busy machine disturbs less:
	// the summary's CPU over every core against twice one report's CPU
	// for each host (perfect parallelism assumed on both sides).
	b.ReportMetric(float64(cpuSummary)/(2*float64(reportCPU)*float64(n)), "cpu-target-ratio")
}

// benchSummary runs args b.N times and reports the figures; it returns the
// mean time of one run.
func benchSummary(b *testing.B, args []string, hosts int) time.Duration {
	var out benchutil.CountingWriter
	env := cli.IO{In: strings.NewReader(""), Out: &out, Err: io.Discard, Now: time.Now}
	if code := cli.Main(args, env); code != 0 {
		b.Fatalf("netdoctor summary: exit %d", code)
	}
	if out == 0 {
		b.Fatal("empty summary")
	}
	peak := benchutil.WatchHeap()
	b.ReportAllocs()
	cpu0 := benchutil.CPUTime()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		benchutil.FreshHeap(b)
		if code := cli.Main(args, env); code != 0 {
			b.Fatalf("netdoctor summary: exit %d", code)
		}
	}
	b.StopTimer()
	elapsed := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64((benchutil.CPUTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(peak(), "peak-heap-MB")
	b.ReportMetric(float64(hosts), "hosts")
	return elapsed
}

// BenchmarkSummarySosCollector50 ranks one sos-collector archive (an
// uncompressed tar, as sos collect writes it) holding 50 sosreport
// tarballs of typical 64-CPU hosts: each streamed to a temporary file, read
// and removed. Reported as BenchmarkSummarySosreports200 (target-ratio
// against `report` on one of the tarballs); peak-heap-MB must not grow
// with the count: compare with BenchmarkSummarySosCollector10.
func BenchmarkSummarySosCollector50(b *testing.B) { benchCollector(b, 50) }

// BenchmarkSummarySosCollector10 is BenchmarkSummarySosCollector50 with
// 10 sosreports.
func BenchmarkSummarySosCollector10(b *testing.B) { benchCollector(b, 10) }

func benchCollector(b *testing.B, n int) {
	dir, _ := writeSosreports(b, n)
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	tarballs := b.TempDir()
	archive := filepath.Join(b.TempDir(), "sos-collector-bench-2024-06-03-abcde.tar")
	f, err := os.Create(archive)
	if err != nil {
		b.Fatal(err)
	}
	tw := tar.NewWriter(f)
	top := "sos-collector-bench-2024-06-03-abcde/"
	manifest := []byte(`{"version": "4.10.0"}`)
	tw.WriteHeader(&tar.Header{Name: top + "sos_reports/manifest.json", Mode: 0o600, Size: int64(len(manifest)), Typeflag: tar.TypeReg})
	tw.Write(manifest)
	var one string
	for _, e := range entries {
		p := filepath.Join(tarballs, e.Name()+".tar.gz")
		if err := fixturegen.WriteArchive(filepath.Join(dir, e.Name()), p, e.Name()); err != nil {
			b.Fatal(err)
		}
		if one == "" {
			one = p
		}
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := tw.WriteHeader(&tar.Header{Name: top + filepath.Base(p), Mode: 0o600, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			b.Fatal(err)
		}
		tw.Write(data)
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	env := cli.IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, Now: time.Now}
	cli.Main([]string{"report", one}, env) // warm up
	const reps = 3
	start, cpu0 := time.Now(), benchutil.CPUTime()
	for range reps {
		if code := cli.Main([]string{"report", one}, env); code > 1 {
			b.Fatalf("report: exit %d", code)
		}
	}
	perReport := time.Since(start) / reps
	reportCPU := (benchutil.CPUTime() - cpu0) / reps
	cpuSummary := benchutil.CPUTime()
	elapsed := benchSummary(b, []string{"summary", archive}, n)
	cpuSummary = (benchutil.CPUTime() - cpuSummary) / time.Duration(b.N+1)
	target := 2 * float64(perReport) * float64(n) / float64(runtime.GOMAXPROCS(0))
	b.ReportMetric(float64(perReport.Nanoseconds()), "report-ns")
	b.ReportMetric(float64(elapsed)/target, "target-ratio")
	b.ReportMetric(float64(cpuSummary)/(2*float64(reportCPU)*float64(n)), "cpu-target-ratio")
}
