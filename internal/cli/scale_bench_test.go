package cli_test

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/benchutil"
	"github.com/netdoctor/netdoctor/internal/cli"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
)

// The scale benchmarks (issue "Scale to the largest hosts") run `netdoctor
// report` on generated two-sample collect bundles and, in the same run, a
// bare reader that reads every file of the bundle once (open, read to EOF
// into one reused buffer, close) and does nothing else: the floor any
// reader of the bundle pays. Reported besides report's wall time:
// bare-ms/op, x-bare (report's wall time over the bare read's), input-MB
// (the bundle's bytes), peak-heap-MB and x-input (peak heap over the
// input's bytes: the target is at most 1). Run the big ones once:
// go test -run '^$' -bench 'Scale|Threads' -benchtime 1x ./internal/cli

// BenchmarkReportScale512 is the scale host at 512 CPUs: 8 NICs x 64
// queues, 1,024 NVMe vectors.
func BenchmarkReportScale512(b *testing.B) {
	benchScale(b, fixturegen.Scale(512, 8, 64, 1024, 2000), true)
}

// BenchmarkReportScale2048: 32 NICs x 64 queues, 4,096 NVMe vectors.
func BenchmarkReportScale2048(b *testing.B) {
	benchScale(b, fixturegen.Scale(2048, 32, 64, 4096, 2000), true)
}

// BenchmarkReportScale4096 is the 4096-CPU host: 2 sockets, 64 NICs x 64
// queues, 8,192 NVMe vectors, every queue of one NIC on CPU 0.
func BenchmarkReportScale4096(b *testing.B) {
	benchScale(b, fixturegen.Scale(4096, 64, 64, 8192, 2000), true)
}

// BenchmarkReportThreads10k, 50k and 100k report on a 64-CPU host with
// one process of that many threads: pairing them is linear.
func BenchmarkReportThreads10k(b *testing.B)  { benchScale(b, fixturegen.ManyThreads(10_000), false) }
func BenchmarkReportThreads50k(b *testing.B)  { benchScale(b, fixturegen.ManyThreads(50_000), false) }
func BenchmarkReportThreads100k(b *testing.B) { benchScale(b, fixturegen.ManyThreads(100_000), false) }

// benchScale reports on sc; fault says the scale host's fault (every
// queue of its first NIC on CPU 0) must be found, which the warm-up run
// checks in the JSON report.
func benchScale(b *testing.B, sc fixturegen.Scenario, fault bool) {
	dir := filepath.Join(b.TempDir(), "bundle")
	if err := fixturegen.WriteCollect(dir, sc); err != nil {
		b.Fatal(err)
	}
	var out benchutil.CountingWriter
	env := cli.IO{In: strings.NewReader(""), Out: &out, Err: io.Discard, Now: time.Now}
	args := []string{"report", dir}
	var js bytes.Buffer
	jsEnv := env
	jsEnv.Out = &js
	if code := cli.Main([]string{"report", "--fail-on", "warning", "--format", "json", dir}, jsEnv); code > 1 || fault && code != 1 {
		b.Fatalf("netdoctor report: exit %d", code)
	}
	if fault {
		var rep struct {
			Findings []struct {
				Check string `json:"check"`
				NIC   string `json:"nic"`
				CPUs  []int  `json:"cpus"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(js.Bytes(), &rep); err != nil {
			b.Fatal(err)
		}
		found := false
		for _, f := range rep.Findings {
			found = found || f.Check == "irq-concentration" && f.NIC == sc.NICs[1].Name && slices.Equal(f.CPUs, []int{0})
		}
		if !found {
			b.Fatalf("the fault (every queue of %s on CPU 0) was not found: %+v", sc.NICs[1].Name, rep.Findings)
		}
	}
	input, files := bareRead(b, dir) // warm the page cache as report did
	var bare, rep time.Duration
	peak := benchutil.WatchHeap()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		t0 := time.Now()
		bareRead(b, dir)
		bare += time.Since(t0)
		benchutil.FreshHeap(b)
		t0 = time.Now()
		if code := cli.Main(args, env); code > 1 {
			b.Fatalf("netdoctor report: exit %d", code)
		}
		rep += time.Since(t0)
	}
	b.StopTimer()
	p := peak()
	b.ReportMetric(float64(bare.Milliseconds())/float64(b.N), "bare-ms/op")
	b.ReportMetric(rep.Seconds()/max(bare.Seconds(), 1e-9), "x-bare")
	b.ReportMetric(float64(input)/(1<<20), "input-MB")
	b.ReportMetric(float64(files), "files")
	b.ReportMetric(p, "peak-heap-MB")
	b.ReportMetric(p*(1<<20)/float64(input), "x-input")
}

// bareRead reads every regular file under dir once, returning the bytes
// and files read.
func bareRead(b *testing.B, dir string) (int64, int) {
	buf := make([]byte, 1<<20)
	var n int64
	files := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		for {
			m, err := f.Read(buf)
			n += int64(m)
			if err != nil {
				break
			}
		}
		f.Close()
		files++
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n, files
}
