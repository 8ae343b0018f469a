package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestSoftnetBacklogDrops(t *testing.T) {
	base := func() *host.Snapshot {
		s := newHost(4)
		s.Sysctls["net.core.netdev_max_backlog"] = "1000"
		s.Sysctls["net.core.netdev_budget"] = "300"
		s.Sysctls["net.core.netdev_budget_usecs"] = "8000"
		return s
	}
	cases := []checkCase{
		{
			name: "100 drops/s on CPU 2 is critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.Softnet[2].Dropped += 500
					a.Softnet[2].TimeSqueeze += 40
				})
			},
			verdict: Fail, want: "softnet 2 critical",
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				for _, w := range []string{"net.core.netdev_max_backlog=2000", "net.core.netdev_budget=600", "net.core.netdev_budget_usecs=16000", "/etc/sysctl.d/90-netdoctor.conf"} {
					if !strings.Contains(cmds, w) {
						t.Errorf("commands lack %q:\n%s", w, cmds)
					}
				}
			},
		},
		{
			name: "a few drops are a warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.Softnet[1].Dropped += 5
					a.Softnet[3].Dropped += 1
				})
			},
			verdict: Fail, want: "softnet 1,3 warning",
			also: func(t *testing.T, o Outcome) {
				if cmds := commandText(o.Findings[0]); strings.Contains(cmds, "netdev_budget") {
					t.Errorf("no squeeze, yet a budget change:\n%s", cmds)
				}
			},
		},
		{
			name: "the 2^32 wrap is a small delta",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.Softnet[0].Dropped = 0xfffffff0
				return later(t, s, func(a *host.Snapshot) { a.Softnet[0].Dropped = 0x10 })
			},
			verdict: Fail, want: "softnet 0 warning", // 32 drops in 5 s: 6.4/s
			also: func(t *testing.T, o Outcome) {
				if !strings.HasPrefix(o.Findings[0].Summary, "32 packets") {
					t.Errorf("summary %q", o.Findings[0].Summary)
				}
			},
		},
		{
			name: "squeeze without drops passes",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.Softnet[0].TimeSqueeze += 1000 })
			},
			verdict: Pass,
		},
		{
			name: "single sample: drops since boot are a notice",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.Softnet[3].Dropped = 123456
				return host.Single(s)
			},
			verdict: Fail, want: "softnet 3 notice",
			also: func(t *testing.T, o Outcome) {
				if f := o.Findings[0]; !strings.Contains(f.Summary, "since boot") || !strings.Contains(figureText(f), "since boot (3d 4h)") {
					t.Errorf("summary %q figures:\n%s", f.Summary, figureText(f))
				}
			},
		},
		{
			name: "single sample without drops is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				return host.Single(base())
			},
			verdict: NotEvaluated, reason: "single sample",
		},
		{
			name: "no softnet_stat is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.Softnet = nil
				s.AddInput(host.Input{Name: host.InputSoftnet, Status: host.StatusUnreadable, Reason: "permission denied"})
				return later(t, s, nil)
			},
			verdict: NotEvaluated, reason: "permission denied",
		},
		{
			name: "rows without a CPU are reported by row, low confidence",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				for i := range s.Softnet {
					s.Softnet[i].CPU, s.Softnet[i].CPUFromIndex = -1, false
				}
				return later(t, s, func(a *host.Snapshot) { a.Softnet[2].Dropped += 3 })
			},
			verdict: Fail, want: "softnet  warning",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if f.Confidence != Low || !strings.Contains(figureText(f), "softnet row 2") {
					t.Errorf("confidence %s, figures:\n%s", f.Confidence, figureText(f))
				}
			},
		},
	}
	runCases(t, SoftnetBacklogDrops, cases)
}

func TestSoftnetHintsConcentration(t *testing.T) {
	s := newHost(8)
	addNIC(s, "eth0", "ixgbe", -1, 100, 4, []int{0, 0, 0, 0})
	p := later(t, s, func(a *host.Snapshot) {
		for irq := 100; irq < 104; irq++ {
			irqRate(a, irq, 0, 10000)
		}
		a.Softnet[0].Dropped += 1000
	})
	o := run(t, SoftnetBacklogDrops, p)
	if len(o.Findings) != 1 || !strings.Contains(o.Findings[0].Explanation, "irq-concentration") {
		t.Errorf("no concentration hint: %+v", o.Findings)
	}
}
