package checks

import (
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestTCPMemoryPressure(t *testing.T) {
	base := func(mem int64) *host.Snapshot {
		s := newHost(2)
		s.Sysctls["net.ipv4.tcp_mem"] = "190000\t253000\t380000"
		s.Sockstat = map[string]map[string]int64{"TCP": {"inuse": 100, "mem": mem}}
		s.NetStats["TcpExt"] = map[string]int64{"RcvPruned": 10, "OfoPruned": 0, "TCPMemoryPressures": 1}
		return s
	}
	runCases(t, TCPMemoryPressure, []checkCase{
		{
			name:    "at the limit is critical from one sample",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(380000)) },
			verdict: Fail, want: "tcp_mem  critical",
		},
		{
			name:    "90 % of the limit is high",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(342000), nil) },
			verdict: Fail, want: "tcp_mem  warning",
		},
		{
			name: "pruning grows below pressure: warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(1000), func(a *host.Snapshot) { a.NetStats["TcpExt"]["RcvPruned"] = 500 })
			},
			verdict: Fail, want: "tcp_mem  warning",
		},
		{
			name: "a namespace's pruning is named",
			pair: func(t *testing.T) *host.Pair {
				s := base(1000)
				s.Namespaces = []host.NetNamespace{{Name: "web", NetStats: map[string]map[string]int64{"TcpExt": {"RcvPruned": 0}}}}
				return later(t, s, func(a *host.Snapshot) {
					a.Namespaces = []host.NetNamespace{{Name: "web", NetStats: map[string]map[string]int64{"TcpExt": {"RcvPruned": 40}}}}
				})
			},
			verdict: Fail, want: "netns web  warning",
		},
		{
			name:    "below pressure, nothing pruned: pass",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(200000), nil) },
			verdict: Pass,
		},
		{
			name: "neither sockstat nor netstat: not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(2)
				s.NetStats = nil
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "sockstat",
		},
	})
}
