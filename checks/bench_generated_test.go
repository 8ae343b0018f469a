package checks

import (
	"testing"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/source"
)

// Benchmarks and a false-positive test on hosts written by fixturegen and
// read back by source, as the CLI reads a collect bundle.

// generated writes fixturegen.Large(cpus, nics, queues, procs) as a collect
// bundle and loads it.
func generated(b testing.TB, cpus, nics, queues, procs int) (string, *host.Pair) {
	b.Helper()
	dir := b.TempDir()
	if err := fixturegen.WriteCollect(dir, fixturegen.Large(cpus, nics, queues, procs)); err != nil {
		b.Fatal(err)
	}
	p, err := source.Load([]string{dir}, source.Options{Limits: bundle.DefaultLimits()})
	if err != nil {
		b.Fatal(err)
	}
	if !p.TwoSample() {
		b.Fatal("collect bundle gave one sample")
	}
	return dir, p
}

func benchGenerated(b *testing.B, cpus, nics, queues, procs int) {
	_, p := generated(b, cpus, nics, queues, procs)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		runEngine(b, p.Before, p.After)
	}
}

// BenchmarkEvidenceAndChecksLarge: evidence and every check for the
// 512-CPU host of fixturegen.Large(512, 8, 64, 2000), loaded once.
func BenchmarkEvidenceAndChecksLarge(b *testing.B) { benchGenerated(b, 512, 8, 64, 2000) }

// BenchmarkEvidenceAndChecks64: the same for a 64-CPU host.
func BenchmarkEvidenceAndChecks64(b *testing.B) { benchGenerated(b, 64, 2, 16, 200) }

// BenchmarkLoadAndChecksLarge includes loading the collect bundle: the
// whole report of the 512-CPU host but rendering (target < 500 ms, 150 MB).
func BenchmarkLoadAndChecksLarge(b *testing.B) {
	dir, _ := generated(b, 512, 8, 64, 2000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := source.Load([]string{dir}, source.Options{Limits: bundle.DefaultLimits()})
		if err != nil {
			b.Fatal(err)
		}
		Run(NewEvidence(p), Registry())
	}
}

// fixturegen.Large is a healthy host: nothing may fire (false positives).
func TestGeneratedLargeHostIsHealthy(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and loads a bundle")
	}
	_, p := generated(t, 64, 2, 16, 50)
	for _, o := range runEngine(t, p.Before, p.After) {
		if o.Verdict == Error || o.Verdict == Fail {
			t.Errorf("%s: %s %s %s", o.Check.ID, o.Verdict, o.Reason, keys(o.Findings))
			for _, f := range o.Findings {
				t.Logf("  %s", f.Summary)
			}
		}
	}
}
