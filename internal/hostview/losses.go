package hostview

import (
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Counter is one named counter over the window.
type Counter struct {
	// Name is the counter ("rx_missed_errors"); Source where it was read
	// ("statistics", "ethtool -S", "/proc/net/dev").
	Name   string        `json:"name"`
	Source CounterSource `json:"source"`
	Value  uint64        `json:"value"`
}

// HWLoss is a NIC's hardware and ring overflow counters over the window:
// frames the adapter dropped because its receive FIFO or the host's ring
// had no room.
type HWLoss struct {
	// Known is true when some loss counter could be read.
	Known bool `json:"known"`
	// Max is HW: the largest of the overflow counters (not their sum:
	// igb's fifo includes missed); MaxName names it.
	Max     uint64 `json:"max"`
	MaxName string `json:"max_name,omitempty"`
	// Counters are the overflow counters read, non-zero or not.
	Counters []Counter `json:"counters"`
	// NoBuffer is rx_no_buffer_count, the early warning.
	NoBuffer uint64 `json:"no_buffer"`
	// Packets is Δrx_packets; PacketsKnown false when unknown.
	Packets      uint64 `json:"packets"`
	PacketsKnown bool   `json:"packets_known"`
	// Sysfs is false when sysfs statistics were absent (a fallback was used).
	Sysfs bool `json:"sysfs"`
	// Ethtool is true when ethtool -S was available.
	Ethtool bool `json:"ethtool"`
	// Reset is true when a counter went backwards (driver reset): the
	// window is not evaluable for that counter.
	Reset bool `json:"reset,omitempty"`
	// Driver is true when a driver's own drop counter was read (a row of
	// the loss table for its driver, or a per-queue row): such a NIC is
	// judged even when it is virtual hardware (gve, ENA, virtio_net).
	Driver bool `json:"driver,omitempty"`
	// Unknown are ethtool -S counters outside the table whose names say
	// drop or discard (UnknownDropCounter), over the window.
	Unknown []Counter `json:"unknown,omitempty"`
}

// LossRow is one row of the loss table: a counter the NIC reports, where it
// is read, and what it says.
type LossRow struct {
	Source CounterSource
	// Name is the counter's name; for a per-queue row (PerQueue) it holds
	// the placeholder N where the driver prints the queue number:
	// "rx_queue_N_drops", "rx_no_buffers_posted[N]", "[N]: rx_discards".
	Name string
	// Role says how the counter enters HWLoss and the ledger.
	Role LossRole
	// PerQueue rows are summed over the queues into one counter named by
	// the pattern (the queues are disjoint, so their sum is the NIC's).
	PerQueue bool
	// Drivers, when set, restricts the row to these drivers (ethtool -i):
	// a counter of the same name from another driver means something else.
	Drivers []string
	// Note says what the counter counts, for documentation and evidence.
	Note string
}

// LossRole is what a loss counter means to HWLoss and to the ledger.
type LossRole int

// The roles of the loss table's counters.
const (
	// Overflow: frames lost at the adapter, the ring or the driver for want
	// of room or buffers; HWLoss.Max is the largest of them (not their sum:
	// igb's fifo count includes missed, ice folds rx_dropped.nic into
	// rx_missed_errors, bnxt's total is the sum of its rings).
	Overflow LossRole = iota + 1
	// EarlyWarning: the adapter ran out of descriptors but lost nothing
	// yet (HWLoss.NoBuffer).
	EarlyWarning
	// Packets: frames received, the denominator of a loss ratio, from the
	// first source that has it.
	Packets
	// LinkError: frames that arrived damaged (CRC, frame alignment, symbol,
	// length): the cable, optic, switch port or a peer's MTU, not the host.
	LinkError
	// CloudLimit: packets a cloud provider's per-instance limits queued or
	// dropped before they reached the guest (ENA's allowance counters).
	CloudLimit
)

// String names a role as the ledger and tests print it.
func (r LossRole) String() string {
	switch r {
	case Overflow:
		return "overflow"
	case EarlyWarning:
		return "early-warning"
	case Packets:
		return "packets"
	case LinkError:
		return "link-error"
	case CloudLimit:
		return "cloud-limit"
	}
	return "unknown"
}

// PerQueueDrops names the sum of igb-style per-queue drop counters
// (rx_queue_3_drops) in HWLoss.Counters.
const PerQueueDrops = "rx_queue_N_drops"

// LossTable lists the NIC counters that say a frame was lost or damaged,
// read from each source, in the order they are read: the one list of NIC
// loss counters (HWLoss, the checks and the loss ledger all read it by
// role). Sysfs statistics first; /proc/net/dev only when sysfs is absent,
// and then its fifo and frame columns alone (its drop column mixes in drops
// of the kernel). Add a row here to read one more counter; give it a test.
var LossTable = []LossRow{
	{Source: FromSysfs, Name: "rx_missed_errors", Role: Overflow, Note: "frames the adapter missed for want of a free descriptor or FIFO room"},
	{Source: FromSysfs, Name: "rx_fifo_errors", Role: Overflow, Note: "receive FIFO overruns"},
	{Source: FromSysfs, Name: "rx_over_errors", Role: Overflow, Note: "ring overruns (ENA's rx_overruns arrive here)"},
	{Source: FromNetDev, Name: "rx_fifo", Role: Overflow, Note: "/proc/net/dev fifo column"},
	{Source: FromEthtool, Name: "rx_missed_errors", Role: Overflow, Note: "as sysfs, as the driver prints it"},
	{Source: FromEthtool, Name: "rx_fifo_errors", Role: Overflow, Note: "as sysfs, as the driver prints it"},
	{Source: FromEthtool, Name: "rx_no_dma_resources", Role: Overflow, Note: "ixgbe: no descriptor for a frame the adapter accepted"},
	{Source: FromEthtool, Name: "rx_out_of_buffer", Role: Overflow, Note: "mlx5: no receive WQE posted (the host drained the ring late)"},
	{Source: FromEthtool, Name: "rx_discards_phy", Role: Overflow, Note: "mlx5: the port dropped for lack of buffer (adapter or PCIe congestion)"},
	{Source: FromEthtool, Name: "rx_discards", Role: Overflow, Note: "bnx2x, qede and others: frames discarded for lack of buffers"},
	{Source: FromEthtool, Name: "rx_fw_discards", Role: Overflow, Note: "bnx2x: firmware discards"},
	{Source: FromEthtool, Name: "port.rx_discards", Role: Overflow, Drivers: []string{"i40e"}, Note: "i40e: the port discarded for lack of buffers"},
	{Source: FromEthtool, Name: "port.rx_dropped", Role: Overflow, Drivers: []string{"i40e"}, Note: "i40e (older drivers): port drops"},
	{Source: FromEthtool, Name: "rx_dropped.nic", Role: Overflow, Drivers: []string{"ice"}, Note: "ice: port drops (also folded into rx_missed_errors)"},
	{Source: FromEthtool, Name: "port-rx-dropped_pkts", Role: Overflow, Drivers: []string{"ice"}, Note: "ice (out-of-tree drivers): port drops"},
	{Source: FromEthtool, Name: "rx_total_discard_pkts", Role: Overflow, Drivers: []string{"bnxt_en"}, Note: "bnxt: the rings' discards, summed by the driver"},
	{Source: FromEthtool, Name: "[N]: rx_discards", Role: Overflow, PerQueue: true, Drivers: []string{"bnxt_en"}, Note: "bnxt: one ring's discards"},
	{Source: FromEthtool, Name: "rx_no_buffers_posted[N]", Role: Overflow, PerQueue: true, Drivers: []string{"gve"}, Note: "gve: frames dropped because the guest had posted no receive buffer"},
	{Source: FromEthtool, Name: "rx_drops_packet_over_mru[N]", Role: Overflow, PerQueue: true, Drivers: []string{"gve"}, Note: "gve: frames larger than the MRU (an MTU mismatch, not the ring)"},
	{Source: FromEthtool, Name: PerQueueDrops, Role: Overflow, PerQueue: true, Note: "igb and virtio_net: one queue's drops"},
	{Source: FromEthtool, Name: "rx_no_buffer_count", Role: EarlyWarning, Note: "igb, ixgbe: no free descriptor, the FIFO held the frame"},

	{Source: FromSysfs, Name: "rx_crc_errors", Role: LinkError, Note: "frames with a bad checksum (FCS)"},
	{Source: FromSysfs, Name: "rx_frame_errors", Role: LinkError, Note: "frame alignment errors"},
	{Source: FromSysfs, Name: "rx_length_errors", Role: LinkError, Note: "frames of an invalid length (runts, giants, a peer's larger MTU)"},
	{Source: FromNetDev, Name: "rx_frame", Role: LinkError, Note: "/proc/net/dev frame column (length, alignment and CRC errors)"},
	{Source: FromEthtool, Name: "rx_crc_errors_phy", Role: LinkError, Drivers: []string{"mlx5_core"}, Note: "mlx5: FCS errors at the port"},
	{Source: FromEthtool, Name: "rx_symbol_err_phy", Role: LinkError, Drivers: []string{"mlx5_core"}, Note: "mlx5: symbol errors at the port"},
	{Source: FromEthtool, Name: "rx_crc_errors.nic", Role: LinkError, Drivers: []string{"ice"}, Note: "ice: FCS errors at the port"},
	{Source: FromEthtool, Name: "port.rx_crc_errors", Role: LinkError, Drivers: []string{"i40e"}, Note: "i40e: FCS errors at the port"},
	{Source: FromEthtool, Name: "port.rx_length_errors", Role: LinkError, Drivers: []string{"i40e"}, Note: "i40e: length errors at the port"},
	{Source: FromEthtool, Name: "rx_align_errors", Role: LinkError, Drivers: []string{"igb", "e1000e"}, Note: "igb, e1000e: alignment errors"},
	{Source: FromEthtool, Name: "rx_fcs_err_frames", Role: LinkError, Drivers: []string{"bnxt_en"}, Note: "bnxt: FCS errors at the port"},
	{Source: FromEthtool, Name: "rx_pcs_symbol_err", Role: LinkError, Drivers: []string{"bnxt_en"}, Note: "bnxt: PCS symbol errors"},

	{Source: FromEthtool, Name: "bw_in_allowance_exceeded", Role: CloudLimit, Drivers: []string{"ena"}, Note: "packets queued or dropped: inbound bandwidth above the instance's allowance"},
	{Source: FromEthtool, Name: "bw_out_allowance_exceeded", Role: CloudLimit, Drivers: []string{"ena"}, Note: "packets queued or dropped: outbound bandwidth above the instance's allowance"},
	{Source: FromEthtool, Name: "pps_allowance_exceeded", Role: CloudLimit, Drivers: []string{"ena"}, Note: "packets queued or dropped: bidirectional packet rate above the instance's allowance"},
	{Source: FromEthtool, Name: "conntrack_allowance_exceeded", Role: CloudLimit, Drivers: []string{"ena"}, Note: "packets dropped: the instance's connection-tracking allowance is full (new flows refused)"},
	{Source: FromEthtool, Name: "linklocal_allowance_exceeded", Role: CloudLimit, Drivers: []string{"ena"}, Note: "packets dropped: traffic to link-local services (DNS resolver, IMDS, NTP) above its rate"},

	{Source: FromSysfs, Name: "rx_packets", Role: Packets},
	{Source: FromNetDev, Name: "rx_packets", Role: Packets},
	{Source: FromEthtool, Name: "rx_packets", Role: Packets},
}

// IsOverflowCounter reports whether the loss table reads name from src as
// an overflow counter (directly or as one queue of a per-queue row), so
// that a discontinuity of that series concerns the NIC's loss.
func IsOverflowCounter(src CounterSource, name string) bool {
	for i := range LossTable {
		if r := &LossTable[i]; r.Role == Overflow && r.Source == src && r.Matches(name) {
			return true
		}
	}
	return false
}

// Matches reports whether a counter name is this row's: the name itself,
// or for a per-queue row the pattern with a queue number in place of N.
func (r *LossRow) Matches(name string) bool {
	if !r.PerQueue {
		return name == r.Name
	}
	pre, suf, ok := strings.Cut(r.Name, "N")
	if !ok {
		return false
	}
	num, ok := strings.CutPrefix(name, pre)
	if !ok {
		return false
	}
	num, ok = strings.CutSuffix(num, suf)
	if !ok || num == "" || len(num) > 5 {
		return false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// forDriver reports whether the row applies to a NIC of this driver.
func (r *LossRow) forDriver(driver string) bool {
	return len(r.Drivers) == 0 || slices.Contains(r.Drivers, driver)
}

// reads says whether a NIC's loss table reads src: sysfs when present,
// /proc/net/dev only without it, ethtool -S when present.
func reads(n *host.NIC, src CounterSource) bool {
	switch src {
	case FromSysfs:
		return len(n.Stats) > 0
	case FromNetDev:
		return len(n.Stats) == 0 && len(n.NetDev) > 0
	case FromEthtool:
		return len(n.EthtoolStats) > 0
	}
	return false
}

// NICLossCounters reads the loss table's rows of one role for n over the
// window, in table order: one Counter per row the NIC reports (a per-queue
// row summed over its queues, named by its pattern). Rows of another
// driver, and sources the table does not read for n, are skipped. reset is
// true when some counter went backwards (a driver reset): it has no value.
func (v *View) NICLossCounters(n *host.NIC, role LossRole) (cs []Counter, reset bool) {
	for i := range LossTable {
		r := &LossTable[i]
		if r.Role != role || !reads(n, r.Source) || !r.forDriver(n.Driver) {
			continue
		}
		if !r.PerQueue {
			val, ok, rs := v.nicCounter(n, r.Source, r.Name)
			reset = reset || rs
			if ok {
				cs = append(cs, Counter{Name: r.Name, Source: r.Source, Value: val})
			}
			continue
		}
		var names []string
		for name := range r.Source.stats(n) {
			if r.Matches(name) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		var sum uint64
		found := false
		for _, name := range names {
			val, ok, rs := v.nicCounter(n, r.Source, name)
			reset = reset || rs
			if ok {
				sum += val
				found = true
			}
		}
		if found {
			cs = append(cs, Counter{Name: r.Name, Source: r.Source, Value: sum})
		}
	}
	return cs, reset
}

// hwLoss reads the loss table of n over the window.
func (v *View) hwLoss(n *host.NIC) HWLoss {
	l := HWLoss{Sysfs: len(n.Stats) > 0, Ethtool: len(n.EthtoolStats) > 0}
	cs, reset := v.NICLossCounters(n, Overflow)
	l.Reset = reset
	l.Driver = ownOverflow[n.Driver] && l.Sysfs
	for _, c := range cs {
		l.Known = true
		l.Counters = append(l.Counters, c)
		if c.Value > l.Max {
			l.Max, l.MaxName = c.Value, c.Name
		}
		if c.Source == FromEthtool && driverOwn(c.Name) {
			l.Driver = true
		}
	}
	packets := false
	for _, r := range LossTable {
		switch {
		case r.Role == EarlyWarning && reads(n, r.Source):
			if val, ok, _ := v.nicCounter(n, r.Source, r.Name); ok {
				l.NoBuffer = val
			}
		case r.Role == Packets && !packets:
			if val, ok, _ := v.nicCounter(n, r.Source, r.Name); ok {
				l.Packets, l.PacketsKnown, packets = val, true, true
			}
		}
	}
	if l.Ethtool {
		var names []string
		for name := range n.EthtoolStats {
			if UnknownDropCounter(name) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			if val, ok, _ := v.nicCounter(n, FromEthtool, name); ok {
				l.Unknown = append(l.Unknown, Counter{Name: name, Source: FromEthtool, Value: val})
			}
		}
	}
	return l
}

// ownOverflow are virtual-hardware drivers whose sysfs overflow counters
// are the device's own: ENA reports the device's rx_overruns as
// rx_over_errors, gve its ring drops as rx_missed or rx_dropped counts.
var ownOverflow = map[string]bool{"ena": true, "gve": true}

// driverOwn reports whether an ethtool overflow row is a driver's own
// counter (restricted to its driver, or per-queue) rather than a copy of a
// sysfs statistic.
func driverOwn(name string) bool {
	for i := range LossTable {
		r := &LossTable[i]
		if r.Role == Overflow && r.Source == FromEthtool && r.Name == name {
			return r.PerQueue || len(r.Drivers) > 0
		}
	}
	return false
}

// UnknownDropCounter reports whether an ethtool -S counter outside the loss
// table says, by its name, that the driver dropped or discarded received
// frames: the name holds "drop" or "discard", and none of its words marks
// a transmit counter (tx, xmit), a byte count, an XDP program's own
// verdict, a checksum or offload statistic (csum, tso, fdir), an embedded
// switch (veb), the BMC pass-through (bmc, smbus), or a VLAN filter; the
// kernel's own rx_dropped copy is left out too (drops after the driver).
// Names any row of the loss table reads, for any driver, are known.
func UnknownDropCounter(name string) bool {
	low := strings.ToLower(name)
	if !strings.Contains(low, "drop") && !strings.Contains(low, "discard") {
		return false
	}
	if low == "rx_dropped" || low == "dropped" {
		return false
	}
	for _, w := range strings.FieldsFunc(low, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	}) {
		switch {
		case strings.HasPrefix(w, "tx"), w == "xmit", w == "bytes", w == "xdp", w == "csum", w == "checksum",
			strings.HasPrefix(w, "tso"), strings.HasPrefix(w, "fdir"), w == "veb", strings.Contains(w, "bmc"),
			w == "smbus", w == "vlan", w == "allowance":
			return false
		}
	}
	for i := range LossTable {
		if r := &LossTable[i]; r.Source == FromEthtool && r.Matches(name) {
			return false
		}
	}
	return true
}

// CounterValue returns a counter of the hardware-loss table by name.
func (l *HWLoss) CounterValue(name string) (uint64, bool) {
	for _, c := range l.Counters {
		if c.Name == name {
			return c.Value, true
		}
	}
	return 0, false
}
