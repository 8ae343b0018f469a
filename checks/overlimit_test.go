package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// TestOverLimitInputIsNotEvaluated checks the engine's rule for an input
// too large to read: /proc/interrupts refused for its size while the
// /proc/irq directories still gave the IRQ lines (no counts) made
// irq-concentration pass on nothing; with the input marked OverLimit,
// every check that needs it is not-evaluated naming it, and the others
// are judged as before.
func TestOverLimitInputIsNotEvaluated(t *testing.T) {
	allOn0 := []int{0, 0, 0, 0}
	pair := func(t *testing.T, over bool) *host.Pair {
		s := concHost(allOn0)
		if over {
			s.Inputs = append(s.Inputs, host.Input{
				Name: host.InputInterrupts, Path: "proc/interrupts", Status: host.StatusInvalid,
				Reason: "refused: file too large (140 MiB, more than 64 MiB)", OverLimit: true,
			})
		}
		return later(t, s, nil) // no counts: what the IRQ directories alone give
	}
	if o := run(t, IRQConcentration, pair(t, false)); o.Verdict != Pass {
		t.Fatalf("without the mark irq-concentration says %s (%s): the test no longer shows the silent pass", o.Verdict, o.Reason)
	}
	base := Run(NewEvidence(pair(t, false)), Registry())
	out := Run(NewEvidence(pair(t, true)), Registry())
	needing := 0
	for i, o := range out {
		if slices.Contains(o.Check.Needs, host.InputInterrupts) {
			needing++
			if o.Verdict != NotEvaluated || !strings.Contains(o.Reason, "interrupts") || !strings.Contains(o.Reason, "too large") {
				t.Errorf("%s: %s (%s), want not-evaluated naming the input", o.Check.ID, o.Verdict, o.Reason)
			}
			continue
		}
		if o.Verdict != base[i].Verdict || o.Reason != base[i].Reason {
			t.Errorf("%s does not need interrupts, yet changed: %s (%s) -> %s (%s)", o.Check.ID, base[i].Verdict, base[i].Reason, o.Verdict, o.Reason)
		}
	}
	if needing < 2 {
		t.Errorf("only %d checks need interrupts", needing)
	}
}
