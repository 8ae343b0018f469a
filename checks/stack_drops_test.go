package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

func TestStackDrops(t *testing.T) {
	base := func() *host.Snapshot {
		s := newHost(2)
		s.NetStats["TcpExt"] = map[string]int64{"ListenOverflows": 100, "ListenDrops": 110, "TCPBacklogDrop": 40, "TCPReqQFullDrop": 10, "TCPOFODrop": 0, "PFMemallocDrop": 0}
		s.NetStats["Tcp"] = map[string]int64{"InSegs": 1_000_000, "InErrs": 5, "InCsumErrors": 5}
		s.NetStats["Udp"] = map[string]int64{"InDatagrams": 50_000, "InErrors": 30, "RcvbufErrors": 30, "InCsumErrors": 0, "NoPorts": 90}
		s.NetStats["Ip"] = map[string]int64{"InReceives": 2_000_000, "InHdrErrors": 0, "InAddrErrors": 32, "InDiscards": 0}
		s.SNMP6 = map[string]int64{"Ip6InReceives": 1000, "Ip6InHdrErrors": 0, "Udp6NoPorts": 0}
		return s
	}
	runCases(t, StackDrops, []checkCase{
		{
			name: "backlog drops above 10/s are critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.NetStats["TcpExt"]["TCPBacklogDrop"] = 40 + 5*400 })
			},
			verdict: Fail, want: "stack  critical",
			also: func(t *testing.T, o Outcome) {
				if f := o.Findings[0]; !strings.Contains(f.Summary, "TCPBacklogDrop") || !strings.Contains(commandText(f), "nstat -az TcpExtTCPBacklogDrop") {
					t.Errorf("finding %q does not name TCPBacklogDrop or watch it:\n%s", f.Summary, commandText(f))
				}
			},
		},
		{
			name: "one OFO drop is a warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.NetStats["TcpExt"]["TCPOFODrop"] = 1 })
			},
			verdict: Fail, want: "stack  warning",
		},
		{
			name: "IPv6 header errors above 1 % of received are critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.SNMP6["Ip6InReceives"] = 1000 + 100
					a.SNMP6["Ip6InHdrErrors"] = 5
				})
			},
			verdict: Fail, want: "stack  critical",
		},
		{
			name: "ListenDrops equal to ListenOverflows are tcp-listen-overflow's, not ours",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.NetStats["TcpExt"]["ListenOverflows"] = 600
					a.NetStats["TcpExt"]["ListenDrops"] = 610
				})
			},
			verdict: Pass,
		},
		{
			name: "a full SYN queue shows in ListenDrops beyond ListenOverflows",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.NetStats["TcpExt"]["ListenDrops"] = 130
					a.NetStats["TcpExt"]["TCPReqQFullDrop"] = 30
				})
			},
			verdict: Fail, want: "stack  warning",
		},
		{
			name: "receive-buffer errors are udp-rcvbuf-errors', checksum errors a notice",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) {
					a.NetStats["Udp"]["RcvbufErrors"] = 1030
					a.NetStats["Udp"]["InCsumErrors"] = 4
					a.NetStats["Udp"]["InErrors"] = 1034
				})
			},
			verdict: Fail, want: "stack  notice",
		},
		{
			name: "NoPorts growing is a notice, a trickle nothing",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.NetStats["Udp"]["NoPorts"] = 90 + 5*40 })
			},
			verdict: Fail, want: "stack  notice",
		},
		{
			name: "NoPorts below 1/s passes",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base(), func(a *host.Snapshot) { a.NetStats["Udp"]["NoPorts"] = 92 })
			},
			verdict: Pass,
		},
		{
			name: "a pod namespace's backlog drops are named",
			pair: func(t *testing.T) *host.Pair {
				b := base()
				b.Namespaces = []host.NetNamespace{{Name: "cni-1", NetStats: map[string]map[string]int64{"TcpExt": {"TCPBacklogDrop": 0}}}}
				return later(t, b, func(a *host.Snapshot) {
					a.Namespaces = []host.NetNamespace{{Name: "cni-1", PIDs: []int{77}, NetStats: map[string]map[string]int64{"TcpExt": {"TCPBacklogDrop": 3}}}}
				})
			},
			verdict: Fail, want: "netns cni-1  warning",
		},
		{
			name: "a pod namespace's IPv6 discards are named (its snmp6)",
			pair: func(t *testing.T) *host.Pair {
				b := base()
				b.Namespaces = []host.NetNamespace{{Name: "cni-6", SNMP6: map[string]int64{"Ip6InReceives": 1000, "Ip6InDiscards": 0}}}
				return later(t, b, func(a *host.Snapshot) {
					a.Namespaces = []host.NetNamespace{{Name: "cni-6", SNMP6: map[string]int64{"Ip6InReceives": 1000000, "Ip6InDiscards": 3}}}
				})
			},
			verdict: Fail, want: "netns cni-6  warning",
		},
		{
			name:    "one sample below 500 since boot: a rate check never passes on one sample",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base()) },
			verdict: NotEvaluated, reason: "two samples",
		},
		{
			name: "one sample above 500 since boot is a notice; refused packets are not counted",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.NetStats["TcpExt"]["TCPBacklogDrop"] = 501
				s.NetStats["Udp"]["NoPorts"] = 1e6
				return host.Single(s)
			},
			verdict: Fail, want: "stack  notice",
		},
		{
			name: "no snmp: not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.NetStats, s.SNMP6 = nil, nil
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "snmp",
		},
		{
			name: "a counter gone back: not evaluated",
			pair: func(t *testing.T) *host.Pair {
				b := base()
				b.NetStats["Udp"] = nil
				b.NetStats["Ip"] = nil
				b.SNMP6 = nil
				b.NetStats["Tcp"] = map[string]int64{"InSegs": 10}
				b.NetStats["TcpExt"] = map[string]int64{"TCPBacklogDrop": 40}
				return later(t, b, func(a *host.Snapshot) { a.NetStats["TcpExt"]["TCPBacklogDrop"] = 3 })
			},
			verdict: NotEvaluated, reason: "went back",
		},
	})
}

// TestLedgerRowsJudged: in every fixture, every ledger row that counts a
// loss names the check that judges it, and that check is registered: no
// loss the ledger shows passes silently.
func TestLedgerRowsJudged(t *testing.T) {
	ids := map[string]bool{}
	for _, c := range Registry() {
		ids[c.ID] = true
	}
	for _, j := range hostview.Judges {
		if !ids[j] {
			t.Errorf("hostview judge %q is not a registered check", j)
		}
	}
	dirs := fixtureDirs(t)
	if len(dirs) == 0 {
		t.Skip("no fixtures")
	}
	for _, dir := range dirs {
		p, _ := loadFixture(t, dir)
		ev := NewEvidence(p)
		for _, e := range ev.Ledger.Rows {
			if e.PartOf == "" && e.JudgedBy == "" {
				t.Errorf("%s: ledger row %s (%s) is a loss without a judge", dir, e.Name(), e.Subject())
			}
			if e.JudgedBy != "" && !ids[e.JudgedBy] {
				t.Errorf("%s: ledger row %s judged by unknown check %q", dir, e.Name(), e.JudgedBy)
			}
		}
	}
}
