package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestTCPListenOverflow(t *testing.T) {
	base := func() *host.Snapshot {
		s := newHost(2)
		s.NetStats["TcpExt"] = map[string]int64{"ListenOverflows": 100, "ListenDrops": 110}
		s.Sysctls["net.core.somaxconn"] = "128"
		return s
	}
	withNS := func() *host.Snapshot {
		s := base()
		s.Namespaces = []host.NetNamespace{{Name: "cni-4f1e", NetStats: map[string]map[string]int64{"TcpExt": {"ListenOverflows": 7, "ListenDrops": 7}}}}
		return s
	}
	runCases(t, TCPListenOverflow, []checkCase{
		{
			name: "1,000/s is critical, ListenDrops not added",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.NetStats["TcpExt"] = map[string]int64{"ListenOverflows": 5100, "ListenDrops": 5110}
				})
			},
			verdict: Fail, want: "tcp-listen  critical",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(f.Summary, "5,000 connections") {
					t.Errorf("summary %q: want 5,000 (ListenOverflows alone)", f.Summary)
				}
				if cmds := commandText(f); !strings.Contains(cmds, "net.core.somaxconn=4096") {
					t.Errorf("commands lack somaxconn=4096:\n%s", cmds)
				}
			},
		},
		{
			name: "listeners not drained in both samples are named, fullest first; idle ones are not",
			pair: func(t *testing.T) *host.Pair {
				b := base()
				b.TCPListeners = []host.TCPListener{
					{Family: 4, Local: "0.0.0.0", Port: 22, Source: "/proc/net/tcp"},
					{Family: 4, Local: "0.0.0.0", Port: 80, Queue: 100, Source: "/proc/net/tcp"},
					{Family: 6, Local: "::", Port: 443, Queue: 3, Source: "/proc/net/tcp6"},
					{Family: 4, Local: "0.0.0.0", Port: 8080, Queue: 0, Source: "/proc/net/tcp"},
				}
				return later(t, b, func(a *host.Snapshot) {
					a.NetStats["TcpExt"] = map[string]int64{"ListenOverflows": 5100, "ListenDrops": 5110}
					a.TCPListeners[1].Queue = 129
					a.TCPListeners[3].Queue = 7
				})
			},
			verdict: Fail, want: "tcp-listen  critical",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				figs, cmds := figureText(f), commandText(f)
				if !strings.Contains(figs, "listener 0.0.0.0:80") || !strings.Contains(figs, "129, at net.core.somaxconn (full)") || !strings.Contains(figs, "3, then 3: not drained") || !strings.Contains(figs, "listener [::]:443") {
					t.Errorf("listeners not named:\n%s", figs)
				}
				if strings.Contains(figs, ":22") || strings.Contains(figs, ":8080") {
					t.Errorf("an idle or newly queued listener is named:\n%s", figs)
				}
				if !strings.Contains(cmds, "ss -ltnp 'sport = :80'") || strings.Index(figs, ":80") > strings.Index(figs, ":443") {
					t.Errorf("commands or order:\n%s\n%s", cmds, figs)
				}
			},
		},
		{
			name: "one sample from ss: the listener at its backlog is named, and its small backlog blamed",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.Sysctls["net.core.somaxconn"] = "4096"
				s.TCPListeners = []host.TCPListener{
					{Family: 4, Local: "0.0.0.0", Port: 80, Queue: 129, Backlog: 128, Process: "nginx", PIDs: []int{812}, Source: "ss"},
					{Family: 6, Local: "::", Port: 22, Queue: 0, Backlog: 128, Process: "sshd", Source: "ss"},
				}
				return host.Single(s)
			},
			verdict: Fail, want: "tcp-listen  notice",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if figs := figureText(f); !strings.Contains(figs, "0.0.0.0:80 (nginx, pid 812)") || !strings.Contains(figs, "129 of backlog 128 (full)") || strings.Contains(figs, "sshd") {
					t.Errorf("figures:\n%s", figs)
				}
				if !strings.Contains(f.Explanation, "backlog of 128 while net.core.somaxconn is 4096") {
					t.Errorf("explanation %q", f.Explanation)
				}
				if cmds := commandText(f); !strings.Contains(cmds, "ss -ltnp 'sport = :80'") {
					t.Errorf("commands:\n%s", cmds)
				}
			},
		},
		{
			name: "one overflow is a warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.NetStats["TcpExt"] = map[string]int64{"ListenOverflows": 101, "ListenDrops": 111}
				})
			},
			verdict: Fail, want: "tcp-listen  warning",
		},
		{
			name: "ListenDrops alone passes",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.NetStats["TcpExt"] = map[string]int64{"ListenOverflows": 100, "ListenDrops": 150}
				})
			},
			verdict: Pass,
		},
		{
			name: "a pod namespace's overflows are named",
			pair: func(t *testing.T) *host.Pair {
				b := withNS()
				b.Namespaces[0].Listeners = []host.TCPListener{{Family: 4, Local: "0.0.0.0", Port: 8080, Queue: 4096, Source: "/proc/net/tcp"}}
				return later(t, b, func(a *host.Snapshot) {
					a.Namespaces = []host.NetNamespace{{Name: "cni-4f1e", PIDs: []int{4410}, NetStats: map[string]map[string]int64{"TcpExt": {"ListenOverflows": 507, "ListenDrops": 507}},
						Listeners: []host.TCPListener{{Family: 4, Local: "0.0.0.0", Port: 8080, Queue: 4097, Source: "/proc/net/tcp"}}}}
				})
			},
			verdict: Fail, want: "netns cni-4f1e  critical",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if cmds := commandText(f); !strings.Contains(cmds, "nsenter -t 4410 -n ss -ltnp 'sport = :8080'") {
					t.Errorf("commands do not watch the namespace's listener:\n%s", cmds)
				}
				if figs := figureText(f); !strings.Contains(figs, "listener 0.0.0.0:8080 in network namespace cni-4f1e") || !strings.Contains(figs, "4,096, then 4,097") {
					t.Errorf("the namespace's listener is not named:\n%s", figs)
				}
			},
		},
		{
			name:    "one sample: since boot is a notice",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base()) },
			verdict: Fail, want: "tcp-listen  notice",
		},
		{
			name: "no netstat: not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.NetStats = nil
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "netstat",
		},
		{
			name: "a counter gone back: not evaluated",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.NetStats["TcpExt"] = map[string]int64{"ListenOverflows": 3, "ListenDrops": 3}
				})
			},
			verdict: NotEvaluated, reason: "went back",
		},
	})
}
