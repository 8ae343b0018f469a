package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// reloaded is concHost with eth0's driver reloaded between the samples:
// every queue IRQ renumbered (100-103 → 140-143, counts started anew) and
// every queue serviced by CPU 0 afterwards.
func reloaded(t *testing.T) *host.Pair {
	before := concHost([]int{1, 2, 3, 4})
	for irq := 100; irq < 104; irq++ {
		irqCount(before, irq, irq-99, 5_000_000)
	}
	return later(t, before, func(a *host.Snapshot) {
		for i := range a.Interrupts.IRQs {
			q := &a.Interrupts.IRQs[i]
			if q.Num >= 100 && q.Num < 104 {
				q.Num += 40
				q.Counts = make([]uint64, len(a.Interrupts.CPUs))
				q.Counts[0] = 25000 * uint64(interval.Seconds())
				q.Effective = []int{0}
			}
		}
		n := a.NIC("eth0")
		for i := range n.Queues {
			n.Queues[i].IRQ += 40
		}
		for i := range n.MSIIRQs {
			n.MSIIRQs[i] += 40
		}
	})
}

// backwards is concHost whose interrupt counters all went back between
// the samples with no boot time known (a reboot nobody could see).
func backwards(t *testing.T) *host.Pair {
	before := concHost([]int{0, 0, 0, 0})
	before.BootTime = time.Time{}
	for irq := 100; irq < 104; irq++ {
		irqCount(before, irq, 0, 3_000_000)
	}
	return later(t, before, func(a *host.Snapshot) {
		for irq := 100; irq < 104; irq++ {
			a.IRQ(irq).Counts[0] = 1000
		}
	})
}

// TestIntervalGapsNeverPass: checks whose data the pair could not give
// over the interval say not-evaluated (or find), never pass, and never
// turn a reset into millions of interrupts per second.
func TestIntervalGapsNeverPass(t *testing.T) {
	ids := []string{"irq-concentration", "irq-ht-siblings", "nic-numa-remote", "app-on-irq-cpus"}
	pairs := map[string]func(*testing.T) *host.Pair{
		"driver reload, every queue on CPU 0": reloaded,
		"counters gone back, boot unknown":    backwards,
		"reboot between the samples": func(t *testing.T) *host.Pair {
			return later(t, concHost([]int{0, 0, 0, 0}), func(a *host.Snapshot) {
				a.BootTime = a.Time.Add(-time.Minute)
				for irq := 100; irq < 104; irq++ {
					a.IRQ(irq).Counts[0] = 1000
				}
			})
		},
	}
	for name, mk := range pairs {
		p := mk(t)
		ev := NewEvidence(p)
		if len(ev.Discontinuities) == 0 {
			t.Errorf("%s: no discontinuity recorded", name)
		}
		for _, il := range ev.IRQs {
			if il.CountsKnown || il.Gap == "" {
				t.Errorf("%s: IRQ %d counts known %v, gap %q", name, il.Num, il.CountsKnown, il.Gap)
			}
		}
		for _, row := range ev.CPUs {
			if row.IRQRate > host.MaxIRQRate {
				t.Errorf("%s: CPU %d at %.0f interrupts/s", name, row.CPU, row.IRQRate)
			}
		}
		for _, c := range Registry() {
			if !contains(ids, c.ID) {
				continue
			}
			o := run(t, c, p)
			if o.Verdict == Pass {
				t.Errorf("%s: %s passed with no interval data (%s)", name, c.ID, o.Reason)
			}
			for _, f := range o.Findings {
				if f.Severity == Critical {
					t.Errorf("%s: %s critical finding from counters without interval values: %s", name, c.ID, f.Summary)
				}
			}
		}
	}
	o := run(t, IRQConcentration, reloaded(t))
	if o.Verdict != NotEvaluated || !strings.Contains(o.Reason, "was IRQ 100 in the first sample") {
		t.Errorf("driver reload: %s (%s), want not-evaluated naming the renumbered IRQ", o.Verdict, o.Reason)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestSoftnetGapNeverPasses(t *testing.T) {
	s := newHost(4)
	s.Softnet = []host.SoftnetRow{{CPU: 0, Processed: 100, Dropped: 900}, {CPU: 1, Processed: 100}}
	p := later(t, s, func(a *host.Snapshot) {
		a.Softnet[0].Dropped = 2 // went back: a reset, not 4 billion drops
		a.Softnet[1].Processed = 200
	})
	o := run(t, SoftnetBacklogDrops, p)
	if o.Verdict != NotEvaluated || !strings.Contains(o.Reason, "dropped") {
		t.Errorf("softnet reset: %s (%s)", o.Verdict, o.Reason)
	}
}
