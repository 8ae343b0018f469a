package checks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// eth0 on an 8-CPU host: ixgbe, 4 queues on IRQs 100-103, all effective on
// CPU 0 unless aff says otherwise.
func concHost(aff []int) *host.Snapshot {
	s := newHost(8)
	addNIC(s, "eth0", "ixgbe", -1, 100, 4, aff)
	s.Irqbalance = host.Irqbalance{Known: true, Running: false, Evidence: "systemctl list-units"}
	return s
}

func TestIRQConcentration(t *testing.T) {
	allOn0 := []int{0, 0, 0, 0}
	cases := []checkCase{
		{
			name: "all queues on CPU0 at 100k/s is critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, concHost(allOn0), func(a *host.Snapshot) {
					for irq := 100; irq < 104; irq++ {
						irqRate(a, irq, 0, 25000)
					}
				})
			},
			verdict: Fail, want: "eth0 0 critical",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if f.Confidence != High {
					t.Errorf("confidence %s", f.Confidence)
				}
				cmds := commandText(f)
				// §3: 8 cores > 4 queues, so core 0 is skipped.
				if !strings.Contains(cmds, "for p in 100:1 101:2 102:3 103:4;") {
					t.Errorf("affinity command does not use CPUs 1-4:\n%s", cmds)
				}
				if !strings.Contains(cmds, "IRQBALANCE_BANNED_CPULIST=1-4") || !strings.Contains(cmds, "--banirq=100 --banirq=101") {
					t.Errorf("no irqbalance ban with the real lists:\n%s", cmds)
				}
				if !strings.Contains(cmds, "systemctl enable --now irqbalance") || !strings.Contains(cmds, "set_irq_affinity local eth0") {
					t.Errorf("irqbalance not running: enabling it and the Intel script are the alternatives:\n%s", cmds)
				}
				if strings.Contains(cmds, "systemctl stop irqbalance") {
					t.Errorf("irqbalance is known stopped, yet the commands stop it")
				}
				if !strings.Contains(cmds, "&& systemctl try-restart irqbalance") {
					t.Errorf("irqbalance is known stopped: the ban must not start it:\n%s", cmds)
				}
				// The placement and the ban are the fix; reading back is a
				// verify; starting irqbalance and the Intel script are options.
				var kinds []string
				for _, c := range f.Commands {
					kinds = append(kinds, string(c.Kind)+" "+strings.Fields(c.Run)[0])
				}
				if got, want := strings.Join(kinds, ", "), "change for, verify cat, option systemctl, option set_irq_affinity, change echo"; got != want {
					t.Errorf("kinds %q, want %q", got, want)
				}
				var managed, persistent bool
				for _, c := range f.Commands {
					managed = managed || strings.Contains(strings.Join(c.Caveats, " "), "Input/output error")
					persistent = persistent || c.Persistent
				}
				if !managed || !persistent {
					t.Errorf("managed-IRQ caveat %v, persistent command %v", managed, persistent)
				}
				if !strings.Contains(figureText(f), "5.0 s interval") {
					t.Errorf("figures lack the window:\n%s", figureText(f))
				}
			},
		},
		{
			name: "irqbalance running: stopped first, restarted with the ban",
			pair: func(t *testing.T) *host.Pair {
				s := concHost(allOn0)
				s.Irqbalance.Running = true
				return later(t, s, func(a *host.Snapshot) {
					for irq := 100; irq < 104; irq++ {
						irqRate(a, irq, 0, 25000)
					}
				})
			},
			verdict: Fail, want: "eth0 0 critical",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if c := f.Commands[0]; c.Run != "systemctl stop irqbalance" || c.Kind != Change || c.Persistent {
					t.Errorf("first command %+v, want a runtime change stopping irqbalance", c)
				}
				last := f.Commands[len(f.Commands)-1]
				if last.Kind != Change || !last.Persistent || !strings.HasSuffix(last.Run, "&& systemctl restart irqbalance") {
					t.Errorf("last command %+v, want the persistent ban restarting irqbalance", last)
				}
				if cmds := commandText(f); strings.Contains(cmds, "enable --now") {
					t.Errorf("irqbalance runs: no point enabling it:\n%s", cmds)
				}
			},
		},
		{
			name: "all queues on CPU0 at 1k/s is a warning with medium confidence",
			pair: func(t *testing.T) *host.Pair {
				return later(t, concHost(allOn0), func(a *host.Snapshot) {
					for irq := 100; irq < 104; irq++ {
						irqRate(a, irq, 0, 1000)
					}
				})
			},
			verdict: Fail, want: "eth0 0 warning",
			also: func(t *testing.T, o Outcome) {
				if o.Findings[0].Confidence != Medium {
					t.Errorf("confidence %s, want medium below 40k/s", o.Findings[0].Confidence)
				}
			},
		},
		{
			name: "half the active queues on one CPU fire",
			pair: func(t *testing.T) *host.Pair {
				return later(t, concHost(nil), func(a *host.Snapshot) {
					irqRate(a, 100, 3, 1000)
					irqRate(a, 101, 3, 1000)
					irqRate(a, 102, 1, 1000)
					irqRate(a, 103, 2, 1000)
				})
			},
			verdict: Fail, want: "eth0 3 warning",
		},
		{
			name: "softnet drops on the shared CPU make it critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, concHost(allOn0), func(a *host.Snapshot) {
					for irq := 100; irq < 104; irq++ {
						irqRate(a, irq, 0, 1000)
					}
					a.Softnet[0].Dropped += 10
				})
			},
			verdict: Fail, want: "eth0 0 critical",
		},
		{
			name: "near miss: one queue per CPU",
			pair: func(t *testing.T) *host.Pair {
				return later(t, concHost([]int{0, 1, 2, 3}), func(a *host.Snapshot) {
					for q := 0; q < 4; q++ {
						irqRate(a, 100+q, q, 20000)
					}
				})
			},
			verdict: Pass,
		},
		{
			name: "near miss: lowest-priority delivery leaves no dominant CPU",
			pair: func(t *testing.T) *host.Pair {
				return later(t, concHost(nil), func(a *host.Snapshot) {
					for q := 0; q < 4; q++ {
						for c := 0; c < 8; c++ {
							irqRate(a, 100+q, c, 500)
						}
					}
				})
			},
			verdict: Pass,
		},
		{
			name: "near miss: idle queues beyond the RSS limit do not count",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(8)
				addNIC(s, "eth5", "ixgbe", -1, 200, 8, []int{0, 1, 0, 0, 0, 0, 0, 0})
				return later(t, s, func(a *host.Snapshot) {
					irqRate(a, 200, 0, 5000)
					irqRate(a, 201, 1, 5000)
					for q := 2; q < 8; q++ {
						irqRate(a, 200+q, 0, 10) // idle: ≤ 80/s
					}
				})
			},
			verdict: Pass,
		},
		{
			name: "near miss: no other local CPU is free",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(2)
				addNIC(s, "eth0", "virtio_net", -1, 100, 4, []int{0, 0, 1, 1})
				return later(t, s, func(a *host.Snapshot) {
					irqRate(a, 100, 0, 1000)
					irqRate(a, 101, 0, 1000)
					irqRate(a, 102, 1, 1000)
					irqRate(a, 103, 1, 1000)
				})
			},
			verdict: Pass, reason: "no other NIC-local CPU is free",
		},
		{
			name: "RPS on the queues makes it a notice",
			pair: func(t *testing.T) *host.Pair {
				s := concHost(allOn0)
				s.NICs[0].RPS = map[int][]int{0: {4, 5, 6, 7}}
				return later(t, s, func(a *host.Snapshot) {
					for irq := 100; irq < 104; irq++ {
						irqRate(a, irq, 0, 30000)
					}
				})
			},
			verdict: Fail, want: "eth0 0 notice",
		},
		{
			name: "single sample: effective affinity decides",
			pair: func(t *testing.T) *host.Pair {
				s := concHost(allOn0)
				for irq := 100; irq < 104; irq++ {
					irqCount(s, irq, 0, 100_000_000) // ~365/s since boot
				}
				return host.Single(s)
			},
			verdict: Fail, want: "eth0 0 warning",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if f.Confidence != High || !strings.Contains(figureText(f), "(configuration)") {
					t.Errorf("confidence %s, figures:\n%s", f.Confidence, figureText(f))
				}
			},
		},
		{
			name: "single sample: counts only, 95 % on one CPU is a low-confidence warning",
			pair: func(t *testing.T) *host.Pair {
				s := concHost(nil)
				for irq := 100; irq < 104; irq++ {
					irqCount(s, irq, 0, 96_000_000)
					irqCount(s, irq, 5, 4_000_000)
				}
				return host.Single(s)
			},
			verdict: Fail, want: "eth0 0 warning",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if f.Confidence != Low || !strings.Contains(f.Explanation, "since-boot counts") {
					t.Errorf("confidence %s, explanation %q", f.Confidence, f.Explanation)
				}
				if !strings.Contains(figureText(f), "since boot (3d 4h)") {
					t.Errorf("figures lack the since-boot window:\n%s", figureText(f))
				}
			},
		},
		{
			name: "single sample: counts only, 85 % on one CPU is a notice",
			pair: func(t *testing.T) *host.Pair {
				s := concHost(nil)
				for irq := 100; irq < 104; irq++ {
					irqCount(s, irq, 0, 85_000_000)
					irqCount(s, irq, 5, 15_000_000)
				}
				return host.Single(s)
			},
			verdict: Fail, want: "eth0 0 notice",
		},
		{
			name: "single-queue NICs are not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(8)
				addNIC(s, "eth0", "e1000e", -1, 100, 1, []int{0})
				addNIC(s, "eth1", "e1000e", -1, 101, 1, []int{0})
				return later(t, s, func(a *host.Snapshot) {
					irqRate(a, 100, 0, 9000)
					irqRate(a, 101, 0, 9000)
				})
			},
			verdict: NotApplicable, reason: "no multi-queue NIC",
		},
		{
			name: "one-CPU VM is not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(1)
				addNIC(s, "eth0", "virtio_net", -1, 100, 2, []int{0, 0})
				return host.Single(s)
			},
			verdict: NotApplicable, reason: "one online CPU",
		},
		{
			name: "no IRQ to NIC map is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := concHost(allOn0)
				s.NICs[0].Queues, s.NICs[0].QueueMap = nil, ""
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "no IRQ to NIC map",
		},
		{
			name: "no /proc/interrupts is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := concHost(allOn0)
				s.Interrupts.IRQs = nil
				s.AddInput(host.Input{Name: host.InputInterrupts, Status: host.StatusMissing, Path: "proc/interrupts"})
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "interrupts missing",
		},
	}
	runCases(t, IRQConcentration, cases)
}

func TestIRQConcentrationHostileName(t *testing.T) {
	s := newHost(8)
	addNIC(s, "e$(reboot)", "ixgbe", -1, 100, 4, []int{0, 0, 0, 0})
	p := later(t, s, func(a *host.Snapshot) {
		for irq := 100; irq < 104; irq++ {
			irqRate(a, irq, 0, 1000)
		}
	})
	o := run(t, IRQConcentration, p)
	if len(o.Findings) != 1 {
		t.Fatalf("findings %s", keys(o.Findings))
	}
	for _, c := range o.Findings[0].Commands {
		if strings.Contains(c.Run, "e$(reboot)") && !strings.Contains(c.Run, "'e$(reboot)'") {
			t.Errorf("unquoted hostile name in %q", c.Run)
		}
	}
}

// splitNIC adds a NIC whose queues have separate rx and tx vectors:
// queue q's rx on IRQ first+2q, tx on first+2q+1, effective on aff[q].
func splitNIC(s *host.Snapshot, name, driver string, first int, aff []int, rxName, txName func(q int) string) {
	n := host.NIC{Name: name, Kind: "physical", Device: "virtio2", PCI: "0000:00:03.0", Driver: driver, NUMANode: -1, QueueMap: "names"}
	for q, c := range aff {
		for d, dir := range []string{host.DirRX, host.DirTX} {
			irq := first + 2*q + d
			action := rxName(q)
			if dir == host.DirTX {
				action = txName(q)
			}
			n.Queues = append(n.Queues, host.Queue{Index: q, Dir: dir, IRQ: irq, Name: action})
			s.Interrupts.IRQs = append(s.Interrupts.IRQs, host.IRQ{Num: irq, Chip: "PCI-MSIX-0000:00:03.0", Actions: []string{action},
				Counts: make([]uint64, len(s.Interrupts.CPUs)), Node: -1, Effective: []int{c}})
		}
	}
	s.NICs = append(s.NICs, n)
}

func TestIRQConcentrationCountsReceiveQueues(t *testing.T) {
	virtio := func(q int) string { return fmt.Sprintf("virtio2-input.%d", q) }
	virtioTX := func(q int) string { return fmt.Sprintf("virtio2-output.%d", q) }
	t.Run("a single virtio queue pair is one queue", func(t *testing.T) {
		s := newHost(4)
		splitNIC(s, "eth0", "virtio_net", 24, []int{0}, virtio, virtioTX)
		o := run(t, IRQConcentration, later(t, s, func(a *host.Snapshot) {
			irqRate(a, 24, 0, 3000)
			irqRate(a, 25, 0, 3000)
		}))
		if o.Verdict != NotApplicable {
			t.Errorf("%s %s %s", o.Verdict, o.Reason, keys(o.Findings))
		}
	})
	t.Run("split rx/tx vectors of two queues on two CPUs", func(t *testing.T) {
		s := newHost(8)
		rx := func(q int) string { return fmt.Sprintf("eth0-rx-%d", q) }
		tx := func(q int) string { return fmt.Sprintf("eth0-tx-%d", q) }
		splitNIC(s, "eth0", "igb", 100, []int{0, 1}, rx, tx)
		o := run(t, IRQConcentration, later(t, s, func(a *host.Snapshot) {
			irqRate(a, 100, 0, 3000)
			irqRate(a, 101, 0, 3000)
			irqRate(a, 102, 1, 3000)
			irqRate(a, 103, 1, 3000)
		}))
		if o.Verdict != Pass {
			t.Errorf("%s %s %s", o.Verdict, o.Reason, keys(o.Findings))
		}
	})
}
