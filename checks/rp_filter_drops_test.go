package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestRPFilterDrops(t *testing.T) {
	rp := func(v int) *int { return &v }
	base := func(own ...int) *host.Snapshot {
		s := newHost(4)
		s.Sysctls[sysctlRPFilterAll] = "0"
		s.NetStats["TcpExt"] = map[string]int64{"IPReversePathFilter": 100}
		names := []string{"eth0", "eth1.100"}
		for i, v := range own {
			n := addNIC(s, names[i], "ixgbe", 0, 40+10*i, 2, nil)
			n.OperState = "up"
			n.RPFilter = rp(v)
		}
		return s
	}
	grow := func(by int64) func(a *host.Snapshot) {
		return func(a *host.Snapshot) { a.NetStats["TcpExt"]["IPReversePathFilter"] += by }
	}
	cases := []checkCase{
		{
			name:    "drops with strict mode on a multi-homed host: warning",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(1, 1), grow(400)) },
			verdict: Fail, want: "IPReversePathFilter  warning",
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				for _, w := range []string{"sysctl -w net.ipv4.conf.eth0.rp_filter=2 net.ipv4.conf.eth1/100.rp_filter=2", "[sysctl]", "90-netdoctor.conf"} {
					if !strings.Contains(cmds, w) {
						t.Errorf("no %q in:\n%s", w, cmds)
					}
				}
			},
		},
		{
			name: "all = 1 makes an interface at 0 strict",
			pair: func(t *testing.T) *host.Pair {
				s := base(0, 2)
				s.Sysctls[sysctlRPFilterAll] = "1"
				return later(t, s, grow(10))
			},
			verdict: Fail, want: "IPReversePathFilter  warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Summary, "strict mode on eth0") || strings.Contains(o.Findings[0].Summary, "eth1") {
					t.Errorf("summary: %s", o.Findings[0].Summary)
				}
			},
		},
		{
			name:    "loose mode only: notice",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(2, 2), grow(10)) },
			verdict: Fail, want: "IPReversePathFilter  notice",
		},
		{
			name:    "one interface: notice",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(1), grow(10)) },
			verdict: Fail, want: "IPReversePathFilter  notice",
		},
		{
			name:    "near miss: strict multi-homed without growth passes",
			pair:    func(t *testing.T) *host.Pair { return later(t, base(1, 1), nil) },
			verdict: Pass,
		},
		{
			name: "one sample above the since-boot threshold: notice",
			pair: func(t *testing.T) *host.Pair {
				s := base(1, 1)
				s.NetStats["TcpExt"]["IPReversePathFilter"] = RPFilterSinceBoot + 1
				return host.Single(s)
			},
			verdict: Fail, want: "IPReversePathFilter  notice",
		},
		{
			name:    "one sample below it is not evaluated (a rate check never passes on one sample)",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(1, 1)) },
			verdict: NotEvaluated,
		},
	}
	runCases(t, RPFilterDrops, cases)
}
