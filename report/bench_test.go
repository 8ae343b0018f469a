package report

import (
	"io"
	"testing"
)

// The report of a 512-CPU host with 8 NICs of 64 queues and 50 findings.

func BenchmarkBuild(b *testing.B) {
	p, outs, loads, m := big()
	b.ReportAllocs()
	for b.Loop() {
		buildWith(p, outs, loads, m)
	}
}

func benchRender(b *testing.B, render func(io.Writer, *Report) error) {
	p, outs, loads, m := big()
	r := buildWith(p, outs, loads, m)
	if len(r.Findings) < 50 || len(r.CPULoad) != 512 || len(r.NICs) != 8 {
		b.Fatalf("big report has %d findings, %d CPUs, %d NICs", len(r.Findings), len(r.CPULoad), len(r.NICs))
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := render(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarkdown(b *testing.B) { benchRender(b, Markdown) }
func BenchmarkJSON(b *testing.B)     { benchRender(b, JSON) }
func BenchmarkScript(b *testing.B)   { benchRender(b, Script) }
