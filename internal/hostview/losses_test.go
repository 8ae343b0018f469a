package hostview

import (
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// lossPair is a two-sample view of one NIC of this driver whose ethtool -S
// counters grow by grow over 10 s (every counter in grow starts at 100).
func lossPair(t *testing.T, driver string, grow map[string]uint64) *View {
	t.Helper()
	at := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	snap := func(dt time.Duration, k uint64) *host.Snapshot {
		st := map[string]uint64{"rx_packets": 1_000_000 + k*1_000_000, "rx_dropped": 5}
		for name, g := range grow {
			st[name] = 100 + k*g
		}
		return &host.Snapshot{Time: at.Add(dt), NICs: []host.NIC{{
			Name: "eth0", Kind: host.KindPhysical, Driver: driver,
			Stats:        map[string]uint64{"rx_packets": 1_000_000 + k*1_000_000, "rx_missed_errors": 0},
			EthtoolStats: st,
		}}}
	}
	p, err := host.NewPair(snap(0, 0), snap(10*time.Second, 1))
	if err != nil {
		t.Fatal(err)
	}
	return New(p)
}

// TestLossTableDriverCounters: each driver's own drop counter enters
// HWLoss as an overflow counter (the largest, never the sum), in its
// per-queue form summed over the queues.
func TestLossTableDriverCounters(t *testing.T) {
	cases := []struct {
		driver   string
		grow     map[string]uint64
		max      uint64
		maxName  string
		driverOw bool
	}{
		{"i40e", map[string]uint64{"port.rx_discards": 100_000}, 100_000, "port.rx_discards", true},
		{"i40e", map[string]uint64{"port.rx_dropped": 70}, 70, "port.rx_dropped", true},
		{"ice", map[string]uint64{"rx_dropped.nic": 300, "rx_missed_errors": 300}, 300, "rx_missed_errors", true},
		{"ice", map[string]uint64{"port-rx-dropped_pkts": 12}, 12, "port-rx-dropped_pkts", true},
		{"bnxt_en", map[string]uint64{"rx_total_discard_pkts": 100_000, "[0]: rx_discards": 60_000, "[1]: rx_discards": 40_000}, 100_000, "rx_total_discard_pkts", true},
		{"bnxt_en", map[string]uint64{"[0]: rx_discards": 6, "[3]: rx_discards": 4}, 10, "[N]: rx_discards", true},
		{"gve", map[string]uint64{"rx_no_buffers_posted[0]": 100_000, "rx_no_buffers_posted[1]": 5}, 100_005, "rx_no_buffers_posted[N]", true},
		{"gve", map[string]uint64{"rx_drops_packet_over_mru[2]": 9}, 9, "rx_drops_packet_over_mru[N]", true},
		{"mlx5_core", map[string]uint64{"rx_out_of_buffer": 40, "rx_discards_phy": 10}, 40, "rx_out_of_buffer", false},
		{"virtio_net", map[string]uint64{"rx_queue_0_drops": 3, "rx_queue_1_drops": 4}, 7, PerQueueDrops, true},
		{"igb", map[string]uint64{"rx_queue_2_drops": 5}, 5, PerQueueDrops, true},
		{"ixgbe", map[string]uint64{"rx_no_dma_resources": 8}, 8, "rx_no_dma_resources", false},
	}
	for _, c := range cases {
		t.Run(c.driver+" "+c.maxName, func(t *testing.T) {
			l := lossPair(t, c.driver, c.grow).NIC("eth0").Loss
			if !l.Known || l.Max != c.max || l.MaxName != c.maxName || l.Driver != c.driverOw {
				t.Errorf("max %d %q driver %v, want %d %q %v (%+v)", l.Max, l.MaxName, l.Driver, c.max, c.maxName, c.driverOw, l.Counters)
			}
			if len(l.Unknown) != 0 {
				t.Errorf("known counters read as unknown: %+v", l.Unknown)
			}
		})
	}
}

// TestLossTableDriverScope: a driver's row is never read for another
// driver, even when the name matches.
func TestLossTableDriverScope(t *testing.T) {
	for _, c := range []struct{ driver, name string }{
		{"ixgbe", "port.rx_discards"}, {"mlx5_core", "rx_total_discard_pkts"},
		{"virtio_net", "rx_no_buffers_posted[0]"}, {"ixgbe", "pps_allowance_exceeded"},
	} {
		v := lossPair(t, c.driver, map[string]uint64{c.name: 50})
		n := v.NIC("eth0")
		if n.Loss.Max != 0 {
			t.Errorf("%s %s: entered the overflow max (%+v)", c.driver, c.name, n.Loss.Counters)
		}
		if cs, _ := v.NICLossCounters(n.NIC, CloudLimit); len(cs) != 0 {
			t.Errorf("%s %s: cloud limits %+v", c.driver, c.name, cs)
		}
	}
}

// TestLossTableRoles: the link-error and cloud-limit rows are read by role.
func TestLossTableRoles(t *testing.T) {
	cases := []struct {
		driver string
		role   LossRole
		name   string
	}{
		{"mlx5_core", LinkError, "rx_crc_errors_phy"},
		{"mlx5_core", LinkError, "rx_symbol_err_phy"},
		{"ice", LinkError, "rx_crc_errors.nic"},
		{"i40e", LinkError, "port.rx_crc_errors"},
		{"i40e", LinkError, "port.rx_length_errors"},
		{"igb", LinkError, "rx_align_errors"},
		{"bnxt_en", LinkError, "rx_fcs_err_frames"},
		{"bnxt_en", LinkError, "rx_pcs_symbol_err"},
		{"ena", CloudLimit, "bw_in_allowance_exceeded"},
		{"ena", CloudLimit, "bw_out_allowance_exceeded"},
		{"ena", CloudLimit, "pps_allowance_exceeded"},
		{"ena", CloudLimit, "conntrack_allowance_exceeded"},
		{"ena", CloudLimit, "linklocal_allowance_exceeded"},
	}
	for _, c := range cases {
		v := lossPair(t, c.driver, map[string]uint64{c.name: 42})
		n := v.NIC("eth0")
		cs, reset := v.NICLossCounters(n.NIC, c.role)
		found := false
		for _, x := range cs {
			found = found || (x.Name == c.name && x.Value == 42)
		}
		if !found || reset {
			t.Errorf("%s %s (%s): %+v reset %v", c.driver, c.name, c.role, cs, reset)
		}
		if n.Loss.Max != 0 || len(n.Loss.Unknown) != 0 {
			t.Errorf("%s %s: not an overflow counter, yet %+v %+v", c.driver, c.name, n.Loss.Counters, n.Loss.Unknown)
		}
	}
	// sysfs link errors for any driver; /proc/net/dev's frame column only without sysfs.
	v := lossPair(t, "ixgbe", nil)
	cs, _ := v.NICLossCounters(v.NIC("eth0").NIC, LinkError)
	if len(cs) != 0 {
		t.Errorf("sysfs without error counters: %+v", cs)
	}
}

func TestUnknownDropCounter(t *testing.T) {
	cases := []struct {
		name string
		want bool
	}{
		{"rx_prio0_discards", true},
		{"rx_queue_0_hw_drop", true},
		{"rx_oversize_discards", true},
		{"rx_buf_alloc_drops", true},
		{"rx_dropped", false},                   // the kernel's own count
		{"tx_dropped", false},                   // transmit
		{"port.tx_dropped_link_down", false},    // transmit
		{"rx_queue_3_xdp_drops", false},         // an XDP program's verdict
		{"rx_xdp_drop", false},                  // idem
		{"dropped_smbus", false},                // BMC pass-through
		{"rx_dropped_bytes", false},             // bytes
		{"rx_csum_drop", false},                 // checksum offload
		{"veb.rx_discards", false},              // embedded switch
		{"rx_vlan_drops", false},                // VLAN filter
		{"rx_discards_phy", false},              // in the table
		{"port.rx_discards", false},             // in the table (i40e)
		{"rx_no_buffers_posted[4]", false},      // per-queue row
		{"[2]: rx_discards", false},             // per-queue row
		{"rx_queue_7_drops", false},             // per-queue row
		{"conntrack_allowance_exceeded", false}, // cloud limit
		{"rx_packets", false},
	}
	for _, c := range cases {
		if got := UnknownDropCounter(c.name); got != c.want {
			t.Errorf("UnknownDropCounter(%q) = %v, want %v", c.name, got, c.want)
		}
	}
	l := lossPair(t, "mlx5_core", map[string]uint64{"rx_prio0_discards": 25}).NIC("eth0").Loss
	if len(l.Unknown) != 1 || l.Unknown[0].Name != "rx_prio0_discards" || l.Unknown[0].Value != 25 || l.Max != 0 {
		t.Errorf("unknown counter: %+v max %d", l.Unknown, l.Max)
	}
}

func TestLossRowMatches(t *testing.T) {
	r := LossRow{Name: "rx_no_buffers_posted[N]", PerQueue: true}
	for name, want := range map[string]bool{
		"rx_no_buffers_posted[0]": true, "rx_no_buffers_posted[15]": true, "rx_no_buffers_posted[]": false,
		"rx_no_buffers_posted[x]": false, "rx_no_buffers_posted": false, "rx_no_buffers_posted[1]x": false,
	} {
		if r.Matches(name) != want {
			t.Errorf("%q: %v", name, !want)
		}
	}
	if !IsOverflowCounter(FromEthtool, "rx_queue_4_drops") || !IsOverflowCounter(FromEthtool, "[3]: rx_discards") ||
		IsOverflowCounter(FromEthtool, "pps_allowance_exceeded") || IsOverflowCounter(FromSysfs, "rx_crc_errors") {
		t.Error("IsOverflowCounter")
	}
}
