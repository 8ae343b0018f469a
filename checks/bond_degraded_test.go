package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestBondDegraded(t *testing.T) {
	base := func(b *host.Bond) *host.Snapshot {
		s := newHost(4)
		addNIC(s, "eth0", "ixgbe", 0, 40, 2, nil)
		addNIC(s, "eth1", "ixgbe", 0, 50, 2, nil)
		s.NICs = append(s.NICs, host.NIC{Name: "bond0", Kind: host.KindBond, Driver: "bonding", Speed: 20000, NUMANode: -1, Lower: []string{"eth0", "eth1"}, Bond: b})
		return s
	}
	lacp := func(agg0, agg1 int, st1 string) *host.Bond {
		return &host.Bond{Mode: "IEEE 802.3ad Dynamic link aggregation", MIIStatus: "up", AggregatorID: 1, Slaves: []host.BondSlave{
			{Name: "eth0", MIIStatus: "up", Speed: 10000, AggregatorID: agg0},
			{Name: "eth1", MIIStatus: st1, Speed: 10000, AggregatorID: agg1, LinkFailures: 4},
		}}
	}
	cases := []checkCase{
		{
			name:    "an LACP slave in another aggregator is a warning",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(lacp(1, 2, "up"))) },
			verdict: Fail, want: "bond0  warning",
			also: func(t *testing.T, o Outcome) {
				if f := o.Findings[0]; !strings.Contains(f.Summary, "eth1 (in aggregator 2, the active one is 1)") || !strings.Contains(f.Summary, "1 of 2") {
					t.Errorf("summary: %s", f.Summary)
				}
				for _, c := range o.Findings[0].Commands {
					if c.Kind != Verify {
						t.Errorf("a command that changes the host: %s", c.Run)
					}
				}
			},
		},
		{
			name:    "a slave down is a warning",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(lacp(1, 1, "down"))) },
			verdict: Fail, want: "bond0  warning",
		},
		{
			name: "the master down is critical",
			pair: func(t *testing.T) *host.Pair {
				b := lacp(1, 1, "down")
				b.Slaves[0].MIIStatus = "down"
				b.MIIStatus = "down"
				return host.Single(base(b))
			},
			verdict: Fail, want: "bond0  critical",
		},
		{
			name: "near miss: active-backup with an idle backup passes",
			pair: func(t *testing.T) *host.Pair {
				return host.Single(base(&host.Bond{Mode: "fault-tolerance (active-backup)", MIIStatus: "up", ActiveSlave: "eth0", Slaves: []host.BondSlave{
					{Name: "eth0", MIIStatus: "up", Speed: 10000}, {Name: "eth1", MIIStatus: "up", Speed: 10000}}}))
			},
			verdict: Pass,
		},
		{
			name:    "near miss: LACP in one aggregator passes",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(lacp(1, 1, "up"))) },
			verdict: Pass,
		},
		{
			name:    "a bond whose file was not read is not evaluated",
			pair:    func(t *testing.T) *host.Pair { return host.Single(base(nil)) },
			verdict: NotEvaluated,
		},
		{
			name: "no bond",
			pair: func(t *testing.T) *host.Pair {
				s := base(nil)
				s.NICs = s.NICs[:2]
				return host.Single(s)
			},
			verdict: NotApplicable,
		},
	}
	runCases(t, BondDegraded, cases)
}
