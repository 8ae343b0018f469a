package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestUDPRcvbufErrors(t *testing.T) {
	base := func() *host.Snapshot {
		s := newHost(2)
		s.NetStats["Udp"] = map[string]int64{"InDatagrams": 1000000, "RcvbufErrors": 10, "InErrors": 12, "InCsumErrors": 2}
		s.UDPSockets = []host.UDPSocket{{Family: 4, Local: "0.0.0.0", Port: 514, Inode: 4242, Drops: 10, PIDs: []int{812}}}
		s.Procs = []host.Proc{{PID: 812, Comm: "rsyslogd"}}
		return s
	}
	grow := func(rcvbuf, csum, in int64) func(a *host.Snapshot) {
		return func(a *host.Snapshot) {
			a.NetStats["Udp"] = map[string]int64{"InDatagrams": 1000000 + in, "RcvbufErrors": 10 + rcvbuf, "InErrors": 12 + rcvbuf + csum, "InCsumErrors": 2 + csum}
			a.UDPSockets = []host.UDPSocket{{Family: 4, Local: "0.0.0.0", Port: 514, Inode: 4242, Drops: 10 + uint64(rcvbuf), PIDs: []int{812}}}
		}
	}
	runCases(t, UDPRcvbufErrors, []checkCase{
		{
			name:    "50,000/s is critical and names the socket",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(), grow(250000, 0, 1000000)) },
			verdict: Fail, want: "udp  critical",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				figs := ""
				for _, e := range f.Evidence {
					figs += e.Name + "; "
				}
				if !strings.Contains(figs, "0.0.0.0:514, pid 812 (rsyslogd)") {
					t.Errorf("evidence does not name the socket: %s", figs)
				}
				if len(f.PIDs) != 1 || f.PIDs[0] != 812 {
					t.Errorf("pids %v", f.PIDs)
				}
			},
		},
		{
			name:    "a few under 1 % are a warning",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(), grow(5, 0, 1000000)) },
			verdict: Fail, want: "udp  warning",
		},
		{
			name:    "checksum errors alone pass",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(), grow(0, 40, 1000)) },
			verdict: Pass,
		},
		{
			name: "UDP memory at the limit is critical from one sample",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.NetStats["Udp"]["RcvbufErrors"] = 0
				s.Sockstat = map[string]map[string]int64{"UDP": {"inuse": 9, "mem": 190000}}
				s.Sysctls["net.ipv4.udp_mem"] = "91179\t121574\t182358"
				s.UDPSockets = nil
				return host.Single(s)
			},
			verdict: Fail, want: "udp  critical",
		},
		{
			name: "a pod namespace's Udp6RcvbufErrors are judged and named, its share of Udp6InDatagrams",
			pair: func(t *testing.T) *host.Pair {
				b := base()
				b.Namespaces = []host.NetNamespace{{Name: "cni-6", NetStats: map[string]map[string]int64{"Udp": {"InDatagrams": 50, "RcvbufErrors": 0}},
					SNMP6: map[string]int64{"Udp6InDatagrams": 1000, "Udp6RcvbufErrors": 0, "Udp6InErrors": 0}}}
				return later(t, b, func(a *host.Snapshot) {
					grow(0, 0, 1000)(a)
					a.Namespaces = []host.NetNamespace{{Name: "cni-6", NetStats: map[string]map[string]int64{"Udp": {"InDatagrams": 60, "RcvbufErrors": 0}},
						SNMP6: map[string]int64{"Udp6InDatagrams": 101000, "Udp6RcvbufErrors": 5, "Udp6InErrors": 5}}}
				})
			},
			verdict: Fail, want: "netns cni-6  warning",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				figs := ""
				for _, e := range f.Evidence {
					figs += e.Name + "; "
				}
				if !strings.Contains(figs, "Udp6RcvbufErrors in network namespace cni-6") || !strings.Contains(figs, "Udp6InDatagrams in network namespace cni-6") {
					t.Errorf("evidence: %s", figs)
				}
			},
		},
		{
			name: "no snmp: not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := base()
				s.NetStats = nil
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "snmp",
		},
	})
}
