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
}

// LossRow is one row of the loss table: a counter the NIC reports, where it
// is read, and what it says.
type LossRow struct {
	Source CounterSource
	Name   string
	// Role says how the counter enters HWLoss.
	Role LossRole
}

// LossRole is what a loss counter means to HWLoss.
type LossRole int

// The roles of the loss table's counters.
const (
	// Overflow: frames lost at the adapter or ring; HWLoss.Max is the
	// largest of them (not their sum: igb's fifo count includes missed).
	Overflow LossRole = iota + 1
	// EarlyWarning: the adapter ran out of descriptors but lost nothing
	// yet (HWLoss.NoBuffer).
	EarlyWarning
	// Packets: frames received, the denominator of a loss ratio, from the
	// first source that has it.
	Packets
)

// PerQueueDrops names the sum of igb-style per-queue drop counters
// (rx_queue_3_drops) in HWLoss.Counters.
const PerQueueDrops = "rx_queue_N_drops"

// LossTable lists the loss counters read from each source, in the order
// they are read. Sysfs statistics first; /proc/net/dev only when sysfs is
// absent, and then its fifo column alone (its drop column mixes in drops of
// the kernel). Add a row here to read one more counter.
var LossTable = []LossRow{
	{FromSysfs, "rx_missed_errors", Overflow},
	{FromSysfs, "rx_fifo_errors", Overflow},
	{FromSysfs, "rx_over_errors", Overflow},
	{FromNetDev, "rx_fifo", Overflow},
	{FromEthtool, "rx_missed_errors", Overflow},
	{FromEthtool, "rx_fifo_errors", Overflow},
	{FromEthtool, "rx_no_dma_resources", Overflow},
	{FromEthtool, "rx_out_of_buffer", Overflow},
	{FromEthtool, "rx_discards_phy", Overflow},
	{FromEthtool, "rx_discards", Overflow},
	{FromEthtool, "rx_fw_discards", Overflow},
	{FromEthtool, "rx_no_buffer_count", EarlyWarning},
	{FromSysfs, "rx_packets", Packets},
	{FromNetDev, "rx_packets", Packets},
	{FromEthtool, "rx_packets", Packets},
}

// IsOverflowCounter reports whether the loss table reads name from src as
// an overflow counter (or an igb-style per-queue drop counter of ethtool
// -S), so that a discontinuity of that series concerns the NIC's loss.
func IsOverflowCounter(src CounterSource, name string) bool {
	if src == FromEthtool && perQueueDrops(name) {
		return true
	}
	for _, r := range LossTable {
		if r.Role == Overflow && r.Source == src && r.Name == name {
			return true
		}
	}
	return false
}

// perQueueDrops matches igb-style per-queue drop counters: rx_queue_3_drops.
func perQueueDrops(name string) bool {
	rest, ok := strings.CutPrefix(name, "rx_queue_")
	if !ok {
		return false
	}
	num, ok := strings.CutSuffix(rest, "_drops")
	if !ok || num == "" {
		return false
	}
	for _, r := range num {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
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

// hwLoss reads the loss table of n over the window.
func (v *View) hwLoss(n *host.NIC) HWLoss {
	l := HWLoss{Sysfs: len(n.Stats) > 0, Ethtool: len(n.EthtoolStats) > 0}
	add := func(src CounterSource, name string, val uint64) {
		l.Known = true
		l.Counters = append(l.Counters, Counter{Name: name, Source: src, Value: val})
		if val > l.Max {
			l.Max, l.MaxName = val, name
		}
	}
	for _, r := range LossTable {
		if r.Role != Overflow || !reads(n, r.Source) {
			continue
		}
		val, ok, reset := v.nicCounter(n, r.Source, r.Name)
		l.Reset = l.Reset || reset
		if ok {
			add(r.Source, r.Name, val)
		}
	}
	if l.Ethtool {
		var names []string
		for name := range n.EthtoolStats {
			if perQueueDrops(name) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		var sum uint64
		found := false
		for _, name := range names {
			val, ok, reset := v.nicCounter(n, FromEthtool, name)
			if ok {
				sum += val
				found = true
			} else if reset {
				l.Reset = true
			}
		}
		if found {
			add(FromEthtool, PerQueueDrops, sum)
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
	return l
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
