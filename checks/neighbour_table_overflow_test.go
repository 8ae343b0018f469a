package checks

import (
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestNeighbourTableOverflow(t *testing.T) {
	base := func(entries, fulls uint64) *host.Snapshot {
		s := newHost(2)
		for k, v := range map[string]string{"gc_thresh1": "128", "gc_thresh2": "512", "gc_thresh3": "1024"} {
			s.Sysctls["net.ipv4.neigh.default."+k] = v
		}
		s.ARPCache = &host.StatTable{Columns: []string{"entries", "allocs", "table_fulls"},
			Rows: [][]uint64{{entries, 10, fulls}, {entries, 10, 0}}}
		return s
	}
	runCases(t, NeighbourTableOverflow, []checkCase{
		{
			name: "table_fulls growing is critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(300, 4), func(a *host.Snapshot) { a.ARPCache.Rows[1][2] = 60 })
			},
			verdict: Fail, want: "neighbour  critical",
		},
		{
			name:    "entries near gc_thresh3 are critical",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(1000, 0), nil) },
			verdict: Fail, want: "neighbour  critical",
		},
		{
			name:    "entries above gc_thresh2 warn",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(600, 0), nil) },
			verdict: Fail, want: "neighbour  warning",
		},
		{
			name:    "one sample: overflows since boot warn",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(300, 12)) },
			verdict: Fail, want: "neighbour  warning",
		},
		{
			name:    "below gc_thresh2 and no overflow: pass",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(400, 0), nil) },
			verdict: Pass,
		},
		{
			name:    "no stat tables: not evaluated",
			pair:    func(t *testing.T) *host.Pair { return host.Single(newHost(2)) },
			verdict: NotEvaluated, reason: "arp_cache",
		},
	})
}
