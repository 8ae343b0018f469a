package checks

import (
	"github.com/netdoctor/netdoctor/internal/hostview"
	"github.com/netdoctor/netdoctor/internal/textfmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Text helpers for findings: numbers, rates, shares, shell quoting, scores.

// fmtInt writes n with thousands separators: 84210 → "84,210".
func fmtInt(n uint64) string { return textfmt.Thousands(n) }

// fmtRate writes a per-second rate: "84,210/s", "3.2/s", "0.01/s".
func fmtRate(r float64) string {
	switch {
	case r >= 100 || r == 0:
		return fmtInt(uint64(math.Round(r))) + "/s"
	case r >= 1:
		return strconv.FormatFloat(r, 'f', 1, 64) + "/s"
	default:
		return strconv.FormatFloat(r, 'g', 2, 64) + "/s"
	}
}

// fmtPct writes a share 0..1 as a percentage: "95 %", "0.4 %".
func fmtPct(f float64) string {
	p := f * 100
	if p >= 10 || p == 0 {
		return strconv.FormatFloat(math.Round(p), 'f', 0, 64) + " %"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + " %"
}

// cpuList is the kernel cpulist form of a CPU set.
func cpuList(cpus []int) string { return host.FormatCPUList(cpus) }

// plural picks the singular or plural word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// safeWord matches what a shell takes literally.
var safeWord = regexp.MustCompile(`^[A-Za-z0-9._@%+=:,/-]+$`)

// shq quotes s for a POSIX shell when it is not a plain word: interface
// and process names come from the host and may be hostile.
func shq(s string) string {
	if safeWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// scoreOver maps a value against its threshold to 0..100: 50 at the
// threshold, +25 for each doubling, clamped to 1..100 (0 for v ≤ 0).
func scoreOver(v, threshold float64) int {
	if v <= 0 || threshold <= 0 {
		return 0
	}
	s := 50 + 25*math.Log2(v/threshold)
	return clampScore(s)
}

func clampScore(s float64) int {
	if math.IsNaN(s) {
		return 0
	}
	return int(math.Round(min(100, max(1, s))))
}

// lower drops a confidence one level.
func lower(c Confidence) Confidence {
	switch c {
	case High:
		return Medium
	default:
		return Low
	}
}

// lowerSeverity drops a severity one level, notice staying notice.
func lowerSeverity(s Severity) Severity {
	if s > Notice {
		return s - 1
	}
	return Notice
}

// irqNums returns the IRQ numbers of irqs.
func irqNums(irqs []*hostview.IRQLoad) []int {
	out := make([]int, len(irqs))
	for i, il := range irqs {
		out[i] = il.Num
	}
	return out
}

// joinInts writes ints separated by sep.
func joinInts(ns []int, sep string) string {
	var b strings.Builder
	for i, n := range ns {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// listIRQs writes "140 (eth2-TxRx-0), 141 (eth2-TxRx-1)" with at most
// limit entries, then "… and N more".
func listIRQs(irqs []*hostview.IRQLoad, limit int) string {
	var b strings.Builder
	for i, il := range irqs {
		if i == limit {
			b.WriteString(" … and " + strconv.Itoa(len(irqs)-limit) + " more")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(il.Num))
		if il.Name != "" {
			b.WriteString(" (" + il.Name + ")")
		}
	}
	return b.String()
}

// figure builds an evidence figure.
func figure(name, value, threshold, window string) Figure {
	return Figure{Name: name, Value: value, Threshold: threshold, Window: window}
}

// placementWindow is "configuration" for one-sample placement, else the window.
func placementWindow(ev *Evidence) string {
	if ev.TwoSample() {
		return ev.WindowLabel
	}
	return "configuration"
}

// during is the window as a phrase: "in the 5.0 s interval", "since boot
// (3d 4h)", "in the single sample".
func during(ev *Evidence) string {
	switch ev.Window {
	case hostview.WindowInterval:
		return "in the " + ev.WindowLabel
	case hostview.WindowSinceBoot:
		return ev.WindowLabel
	default:
		return "in the single sample"
	}
}
