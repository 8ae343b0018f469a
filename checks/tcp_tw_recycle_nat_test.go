package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestTCPTwRecycleNAT(t *testing.T) {
	// A CentOS 7 host (3.10 still has the option).
	base := func(recycle, ts string) *host.Snapshot {
		s := newHost(2)
		s.Kernel = "3.10.0-1160.el7.x86_64"
		s.Sysctls["net.ipv4.tcp_timestamps"] = ts
		if recycle != "" {
			s.Sysctls["net.ipv4.tcp_tw_recycle"] = recycle
		}
		s.NetStats["TcpExt"] = map[string]int64{"PAWSPassive": 0, "PAWSEstab": 100}
		return s
	}
	cases := []checkCase{
		{
			name:    "on with timestamps is a warning",
			pair:    func(t *testing.T) *host.Pair { return later(t, base("1", "1"), nil) },
			verdict: Fail, want: "net.ipv4.tcp_tw_recycle  warning",
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				if !strings.Contains(cmds, "sysctl -w net.ipv4.tcp_tw_recycle=0") || !strings.Contains(cmds, "'net.ipv4.tcp_tw_recycle = 0' >> /etc/sysctl.d/90-netdoctor.conf") {
					t.Errorf("commands:\n%s", cmds)
				}
			},
		},
		{
			name: "PAWSPassive growth is critical",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base("1", "1"), func(a *host.Snapshot) { a.NetStats["TcpExt"]["PAWSPassive"] += 40 })
			},
			verdict: Fail, want: "net.ipv4.tcp_tw_recycle  critical",
		},
		{
			name: "PAWSEstab growth alone stays a warning",
			pair: func(t *testing.T) *host.Pair {
				return later(t, base("1", "1"), func(a *host.Snapshot) { a.NetStats["TcpExt"]["PAWSEstab"] += 4000 })
			},
			verdict: Fail, want: "net.ipv4.tcp_tw_recycle  warning",
		},
		{
			name: "single sample: PAWSPassive since boot is critical",
			pair: func(t *testing.T) *host.Pair {
				s := base("1", "1")
				s.NetStats["TcpExt"]["PAWSPassive"] = 387158
				return host.Single(s)
			},
			verdict: Fail, want: "net.ipv4.tcp_tw_recycle  critical",
		},
		{
			name: "no netstat stays a warning",
			pair: func(t *testing.T) *host.Pair {
				s := base("1", "1")
				s.NetStats = nil
				return host.Single(s)
			},
			verdict: Fail, want: "net.ipv4.tcp_tw_recycle  warning",
		},
		{
			name:    "timestamps off: notice",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base("1", "0")) },
			verdict: Fail, want: "net.ipv4.tcp_tw_recycle  notice",
		},
		{
			name:    "off passes",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base("0", "1")) },
			verdict: Pass,
		},
		{
			name: "absent (kernel ≥ 4.12) is not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := base("", "1")
				s.Kernel = "4.18.0-513.el8.x86_64"
				return host.Single(s)
			},
			verdict: NotApplicable, reason: "4.18.0-513.el8.x86_64",
		},
		{
			name: "no sysctls is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := newHost(2)
				s.Sysctls = nil
				s.AddInput(host.Input{Name: host.InputSysctl, Status: host.StatusMissing, Path: "sos_commands/kernel/sysctl_-a"})
				return host.Single(s)
			},
			verdict: NotEvaluated, reason: "sysctl missing",
		},
	}
	runCases(t, TCPTwRecycleNAT, cases)
}
