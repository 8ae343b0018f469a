package checks

import (
	"fmt"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Evidence is what a check's Run reads: the derived host view, computed
// once, and the facts of the checks it Requires. Checks never modify it.
type Evidence struct {
	*hostview.View

	// facts holds, by check ID, the Fact of every check whose fact the
	// engine computed.
	facts map[string]any
	// running is the check the engine runs now: it may read its own fact
	// and those of its Requires, no other.
	running *Check
}

// NewEvidence derives the host view of p once. A nil pair or sample gives
// an Evidence over an empty snapshot, on which checks report
// not-evaluated.
func NewEvidence(p *host.Pair) *Evidence { return FromView(hostview.New(p)) }

// FromView wraps a view already built (shared with the report and show).
func FromView(v *hostview.View) *Evidence {
	if v == nil {
		v = hostview.New(nil)
	}
	return &Evidence{View: v, facts: map[string]any{}}
}

// ensureFact computes the fact of c, and first those of the checks it
// requires, once per Evidence.
func (ev *Evidence) ensureFact(c *Check, depth int) {
	if c == nil || c.Fact == nil {
		return
	}
	if _, done := ev.facts[c.ID]; done || depth > len(ev.facts)+64 {
		return
	}
	for _, r := range c.Requires {
		ev.ensureFact(r, depth+1)
	}
	ev.facts[c.ID] = c.Fact(ev)
}

// resultOf returns the fact of the check with this ID. The engine computes
// it before Run of any check that Requires it; reading a fact that was not
// required is a programming error and panics, which the engine turns into
// an error verdict.
func (ev *Evidence) resultOf(id string) any {
	allowed := ev.running != nil && ev.running.ID == id
	if ev.running != nil {
		for _, r := range ev.running.Requires {
			allowed = allowed || (r != nil && r.ID == id)
		}
	}
	f, ok := ev.facts[id]
	if !allowed || !ok {
		panic(fmt.Sprintf("fact of %s read without Requires", id))
	}
	return f
}
