package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestConntrackTableFull(t *testing.T) {
	base := func(count string, drop uint64) *host.Snapshot {
		s := newHost(2)
		s.Sysctls["net.netfilter.nf_conntrack_max"] = "262144"
		s.Sysctls["net.netfilter.nf_conntrack_count"] = count
		s.Conntrack = &host.StatTable{Columns: []string{"entries", "drop", "early_drop", "insert_failed"},
			Rows: [][]uint64{{0, drop, 0, 0}, {0, 0, 0, 0}}}
		return s
	}
	runCases(t, ConntrackTableFull, []checkCase{
		{
			name:    "count = max is critical, the limit doubled",
			pair:    func(t *testing.T) *host.Pair { return later(t, base("262144", 0), nil) },
			verdict: Fail, want: "nf_conntrack  critical",
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				for _, w := range []string{"net.netfilter.nf_conntrack_max=524288", "hashsize"} {
					if !strings.Contains(cmds, w) {
						t.Errorf("commands lack %q:\n%s", w, cmds)
					}
				}
			},
		},
		{
			name:    "85 % full is a warning",
			pair:    func(t *testing.T) *host.Pair { return later(t, base("222822", 0), nil) },
			verdict: Fail, want: "nf_conntrack  warning",
		},
		{
			name: "drops growing on one CPU row are critical at any fill",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base("1000", 0xfffffffe), func(a *host.Snapshot) { a.Conntrack.Rows[0][1] = 3 })
			},
			verdict: Fail, want: "nf_conntrack  critical",
		},
		{
			name:    "75 % full, nothing dropped: pass",
			pair:    func(t *testing.T) *host.Pair { return later(t, base("196608", 0), nil) },
			verdict: Pass,
		},
		{
			name:    "one sample, drops since boot: notice",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base("1000", 40)) },
			verdict: Fail, want: "nf_conntrack  notice",
		},
		{
			name: "module not loaded: not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(2)
				s.Sysctls["net.core.somaxconn"] = "4096"
				return host.Single(s)
			},
			verdict: NotApplicable, reason: "not loaded",
		},
		{
			name: "no sysctls: not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(2)
				s.Sysctls = nil
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "sysctl",
		},
	})
}
