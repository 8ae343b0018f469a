package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestSoftirqBudgetSqueeze(t *testing.T) {
	base := func() *host.Snapshot {
		s := newHost(4)
		s.Sysctls["net.core.netdev_budget"] = "300"
		s.Sysctls["net.core.netdev_budget_usecs"] = "8000"
		return s
	}
	runCases(t, SoftirqBudgetSqueeze, []checkCase{
		{
			name: "squeeze alone is a notice",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.Softnet[1].TimeSqueeze += 200 })
			},
			verdict: Fail, want: "netdev_budget 1 notice",
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				for _, w := range []string{"net.core.netdev_budget=600", "net.core.netdev_budget_usecs=16000"} {
					if !strings.Contains(cmds, w) {
						t.Errorf("commands lack %q:\n%s", w, cmds)
					}
				}
			},
		},
		{
			name: "squeeze on a CPU that also dropped is left to softnet-backlog-drops",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.Softnet[1].TimeSqueeze += 200
					a.Softnet[1].Dropped += 20
				})
			},
			verdict: Pass,
		},
		{
			name:    "one sample: not evaluated",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base()) },
			verdict: NotEvaluated, reason: "single sample",
		},
		{
			name: "no softnet_stat: not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.Softnet = nil
				return later(t, s, nil)
			},
			verdict: NotEvaluated, reason: "softnet_stat",
		},
	})
}
