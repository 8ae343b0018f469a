package hostview

import (
	"github.com/netdoctor/netdoctor/internal/textfmt"
	"strconv"

	"github.com/netdoctor/netdoctor/internal/host"
)

// WindowKind says what the counts and rates of a View cover.
type WindowKind string

// The window kinds. Two samples give deltas over the interval; one sample
// gives cumulative counts, averaged over the uptime when the boot time is
// known.
const (
	// WindowInterval: two samples; counts are deltas over the interval.
	WindowInterval WindowKind = "interval"
	// WindowSinceBoot: one sample with a known boot time; counts are
	// cumulative and rates are since-boot averages (a lower bound: IRQ
	// counts start at driver load).
	WindowSinceBoot WindowKind = "since-boot"
	// WindowNone: one sample with no boot time; counts are cumulative and
	// no rate is known.
	WindowNone WindowKind = "none"
)

// window sets Window, Seconds and WindowLabel.
func (v *View) window() {
	now := v.Now
	if v.Prev != nil {
		v.Window = WindowInterval
		d := v.Pair.Interval
		if d <= 0 && !v.Prev.Time.IsZero() && now.Time.After(v.Prev.Time) {
			d = now.Time.Sub(v.Prev.Time)
		}
		if d > 0 {
			v.Seconds = d.Seconds()
			v.WindowLabel = strconv.FormatFloat(v.Seconds, 'f', 1, 64) + " s interval"
		} else {
			v.WindowLabel = "interval of unknown length"
		}
		return
	}
	if up := now.Uptime(); up > 0 {
		v.Window = WindowSinceBoot
		v.Seconds = up.Seconds()
		v.WindowLabel = "since boot (" + textfmt.Uptime(up) + ")"
		return
	}
	v.Window = WindowNone
	v.WindowLabel = "single sample, boot time unknown"
}

// CounterSource says where a NIC counter is read.
type CounterSource string

// The sources of NIC counters, as findings name them.
const (
	// FromSysfs is /sys/class/net/DEV/statistics.
	FromSysfs CounterSource = "statistics"
	// FromEthtool is the driver's ethtool -S statistics.
	FromEthtool CounterSource = "ethtool -S"
	// FromNetDev is /proc/net/dev.
	FromNetDev CounterSource = "/proc/net/dev"
)

// stats returns the counters of n read from src.
func (src CounterSource) stats(n *host.NIC) map[string]uint64 {
	switch src {
	case FromSysfs:
		return n.Stats
	case FromEthtool:
		return n.EthtoolStats
	case FromNetDev:
		return n.NetDev
	}
	return nil
}

// NICCounter is the one accessor for a NIC counter over the window: its
// growth over the interval with two samples (host.Pair's delta, which
// judges wraps and resets), its cumulative total with one. known is false
// when the counter is absent from a sample or could not be subtracted.
func (v *View) NICCounter(nic string, src CounterSource, name string) (value uint64, known bool) {
	n := v.Now.NIC(nic)
	if n == nil {
		return 0, false
	}
	value, known, _ = v.nicCounter(n, src, name)
	return value, known
}

// nicCounter is NICCounter for a NIC of the latest sample; reset is true
// when both samples hold the counter but no delta could be taken (it went
// backwards: a driver reset).
func (v *View) nicCounter(n *host.NIC, src CounterSource, name string) (value uint64, known, reset bool) {
	cur, ok := src.stats(n)[name]
	if !ok {
		return 0, false, false
	}
	if v.Prev == nil {
		return cur, true, false
	}
	pn := v.Prev.NIC(n.Name)
	if pn == nil {
		return 0, false, false
	}
	if _, ok := src.stats(pn)[name]; !ok {
		return 0, false, false
	}
	var d uint64
	switch src {
	case FromSysfs:
		d, ok = v.Pair.NICStatDelta(n.Name, name)
	case FromEthtool:
		d, ok = v.Pair.EthtoolStatDelta(n.Name, name)
	default:
		d, ok = v.Pair.NetDevDelta(n.Name, name)
	}
	return d, ok, !ok
}

// NetStat is the one accessor for a /proc/net/netstat or /proc/net/snmp
// counter over the window: its change over the interval with two samples,
// its value with one. known is false when it is absent.
func (v *View) NetStat(group, name string) (value int64, known bool) {
	if v.Prev != nil {
		return v.Pair.NetStatDelta(group, name)
	}
	value, known = v.Now.NetStats[group][name]
	return value, known
}
