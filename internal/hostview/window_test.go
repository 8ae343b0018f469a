package hostview

import (
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// TestNICCounterHidesTheWindow: one accessor gives a counter over the
// window, a since-boot total with one sample and the pair's delta with two;
// a counter that went backwards is not known, and the loss table says
// Reset.
func TestNICCounterHidesTheWindow(t *testing.T) {
	at := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	snap := func(dt time.Duration, missed, packets uint64) *host.Snapshot {
		return &host.Snapshot{Time: at.Add(dt), NICs: []host.NIC{{
			Name: "eth0", Kind: host.KindPhysical,
			Stats: map[string]uint64{"rx_missed_errors": missed, "rx_packets": packets},
		}}}
	}
	one := New(host.Single(snap(0, 40, 1000)))
	if v, ok := one.NICCounter("eth0", FromSysfs, "rx_missed_errors"); !ok || v != 40 {
		t.Errorf("one sample: %d %v, want the total 40", v, ok)
	}
	p, err := host.NewPair(snap(0, 40, 1000), snap(5*time.Second, 65, 3000))
	if err != nil {
		t.Fatal(err)
	}
	two := New(p)
	if v, ok := two.NICCounter("eth0", FromSysfs, "rx_missed_errors"); !ok || v != 25 {
		t.Errorf("two samples: %d %v, want the delta 25", v, ok)
	}
	if _, ok := two.NICCounter("eth0", FromEthtool, "rx_missed_errors"); ok {
		t.Error("a counter no source read is known")
	}
	if _, ok := two.NICCounter("eth9", FromSysfs, "rx_missed_errors"); ok {
		t.Error("a counter of an unknown NIC is known")
	}
	if l := two.NIC("eth0").Loss; !l.Known || l.Max != 25 || l.MaxName != "rx_missed_errors" || l.Packets != 2000 || l.Reset {
		t.Errorf("loss table %+v", l)
	}
	p, err = host.NewPair(snap(0, 40, 1000), snap(5*time.Second, 3, 3000))
	if err != nil {
		t.Fatal(err)
	}
	reset := New(p)
	if _, ok := reset.NICCounter("eth0", FromSysfs, "rx_missed_errors"); ok {
		t.Error("a counter that went backwards is known")
	}
	if l := reset.NIC("eth0").Loss; !l.Reset {
		t.Errorf("loss table of a reset counter: %+v", l)
	}
}

// TestNetStatHidesTheWindow: the netstat accessor likewise.
func TestNetStatHidesTheWindow(t *testing.T) {
	at := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	snap := func(dt time.Duration, v int64) *host.Snapshot {
		return &host.Snapshot{Time: at.Add(dt), NetStats: map[string]map[string]int64{"TcpExt": {"PAWSPassive": v}}}
	}
	if v, ok := New(host.Single(snap(0, 7))).NetStat("TcpExt", "PAWSPassive"); !ok || v != 7 {
		t.Errorf("one sample: %d %v", v, ok)
	}
	p, err := host.NewPair(snap(0, 7), snap(time.Second, 19))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := New(p).NetStat("TcpExt", "PAWSPassive"); !ok || v != 12 {
		t.Errorf("two samples: %d %v", v, ok)
	}
	if _, ok := New(p).NetStat("TcpExt", "Nope"); ok {
		t.Error("an absent counter is known")
	}
}
