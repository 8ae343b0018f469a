package host

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Counter arithmetic that knows what it reads. Every counter netdoctor
// subtracts has a width: the kernel keeps it in 32 bits (and it wraps), in
// 64 bits (and a decrease means it was reset), or in 64 bits while some
// drivers feed it from a 32-bit register (a decrease may be one wrap). A
// delta is also bounded by what hardware can do over the interval: growth
// beyond it is not a measurement but a reset, a restart or a bad value, and
// the series gets no interval value.

// CounterWidth says how the kernel keeps a counter, which decides what a
// decrease between two samples means.
type CounterWidth uint8

// The counter widths of netdoctor's inputs.
const (
	// Width32 is an unsigned 32-bit counter that wraps: /proc/interrupts
	// and /proc/softirqs cells, softnet_stat columns. A decrease is one
	// wrap when the wrapped delta is plausible, else a reset.
	Width32 CounterWidth = iota + 1
	// Width64Wrap32 is a 64-bit counter that some drivers feed from a
	// 32-bit register: sysfs statistics, /proc/net/dev. A decrease is one
	// 32-bit wrap only when the old value fits in 32 bits and exceeds 2^31,
	// the new one is small, and the wrapped delta is plausible; else a reset.
	Width64Wrap32
	// Width64 is a 64-bit counter (ethtool -S): any decrease is a reset.
	Width64
)

// String names the width for messages.
func (w CounterWidth) String() string {
	switch w {
	case Width32:
		return "32-bit"
	case Width64Wrap32:
		return "64-bit (32-bit in some drivers)"
	case Width64:
		return "64-bit"
	}
	return "width " + strconv.Itoa(int(w))
}

// Limits of what hardware can do, used to refuse deltas no real counter
// can show. They are generous on purpose: a refused delta costs a check its
// data, an accepted bad one makes a false critical finding.
const (
	// MaxIRQRate is the most interrupts (or softirq runs) one CPU can take
	// from one source per second: entering, handling and leaving an
	// interrupt costs any CPU well over 100 ns, so ten million a second
	// would leave it no time for anything else.
	MaxIRQRate = 10_000_000.0
	// MaxSoftnetRate is the most packets one CPU's receive path can count
	// per second in softnet_stat (busy-polling and GRO included), with a
	// wide margin over the 10-20 Mpps a core reaches in practice.
	MaxSoftnetRate = 50_000_000.0
	// MaxLinkSpeedMbps is the link speed assumed when a NIC's speed is
	// unknown (virtio, a sosreport without ethtool): 800 Gb/s, the fastest
	// Ethernet port shipping.
	MaxLinkSpeedMbps = 800_000
	// MinFrameWireBits is the smallest Ethernet frame on the wire: 64 bytes
	// plus 8 of preamble and 12 of inter-frame gap, in bits. One Gb/s
	// carries at most 10^9 / 672 ≈ 1.49 million frames per second.
	MinFrameWireBits = (64 + 8 + 12) * 8
	// PlausibilitySlack widens every bound: the counters of one sample are
	// not read at the same instant as its timestamp, so over a short
	// interval a counter may show a little more than the interval allows.
	PlausibilitySlack = 1.25
	// MaxPairInterval is the longest interval NewPair accepts: beyond a
	// day 32-bit counters of a busy host wrap more than once unseen and
	// driver counters are likely to have been reset.
	MaxPairInterval = 24 * time.Hour
)

// AmbiguousWrapInterval is the interval beyond which a 32-bit counter
// growing at MaxIRQRate can wrap, so that a reset and a wrap can no longer
// be told apart by plausibility: 2^32 / MaxIRQRate, about 7 minutes.
var AmbiguousWrapInterval = time.Duration(float64(1<<32) / MaxIRQRate * float64(time.Second))

// Reasons a counter series has no interval value (Discontinuity.Kind).
const (
	// DiscReboot: the samples are of different boots (btime or boot id
	// changed): every counter started anew.
	DiscReboot = "reboot"
	// DiscReset: the counter went backwards and no plausible wrap explains it.
	DiscReset = "reset"
	// DiscImplausible: the growth is beyond what the hardware can do.
	DiscImplausible = "implausible"
	// DiscRecreated: an IRQ was renumbered or re-created between the
	// samples (driver reload, ethtool -L): its counts started anew.
	DiscRecreated = "recreated"
	// DiscAppeared: an IRQ of the second sample has no counterpart in the
	// first, by number or by name.
	DiscAppeared = "appeared"
	// DiscVanished: an IRQ of the first sample has no counterpart in the
	// second (a device removed, fewer queues after ethtool -L).
	DiscVanished = "vanished"
)

// Discontinuity is one counter series that has no value over the interval,
// and why.
type Discontinuity struct {
	// Source is the input the series comes from (InputInterrupts,
	// InputSoftnet, InputSoftirqs, InputNICSysfs, InputNetDev,
	// InputEthtoolStats, or "" for the whole pair).
	Source string `json:"source"`
	// Subject narrows the series: "IRQ 45 (eth0-TxRx-0)", "CPU 3",
	// "NET_RX", the interface name.
	Subject string `json:"subject,omitempty"`
	// Counter names the counter of a NIC ("rx_missed_errors") or a
	// softnet column; "" when the subject is the series.
	Counter string `json:"counter,omitempty"`
	// Kind is one of the Disc* constants.
	Kind string `json:"kind"`
	// Reason says what was seen, with the values.
	Reason string `json:"reason"`
}

// Series names the series in one phrase: "interrupts IRQ 45 (eth0-TxRx-0)".
func (d Discontinuity) Series() string {
	s := d.Source
	if s == "" {
		s = "all counters"
	}
	if d.Subject != "" {
		s += " " + d.Subject
	}
	if d.Counter != "" {
		s += " " + d.Counter
	}
	return s
}

// CounterDelta is the growth of one counter of width w from old to new
// over an interval in which it can grow by at most bound (0: no bound
// known). It returns the delta, or a Disc* kind and a reason when the
// series has no interval value: a decrease no plausible wrap explains
// (DiscReset) or a delta above bound (DiscImplausible).
func CounterDelta(w CounterWidth, old, new, bound uint64) (d uint64, kind, reason string) {
	const two31, two32 = 1 << 31, 1 << 32
	switch {
	case w == Width32:
		o, n := uint32(old), uint32(new)
		d = uint64(n - o)
		if n < o && bound > 0 && d > bound {
			return 0, DiscReset, fmt.Sprintf("went back from %d to %d; as a 32-bit wrap it would be %d, above the %d the interval allows", o, n, d, bound)
		}
	case new >= old:
		d = new - old
	case w == Width64Wrap32 && old < two32 && old > two31 && new < old-two31:
		d = two32 - old + new
		if bound > 0 && d > bound {
			return 0, DiscReset, fmt.Sprintf("went back from %d to %d; as a 32-bit wrap it would be %d, above the %d the interval allows", old, new, d, bound)
		}
		return d, "", ""
	default:
		return 0, DiscReset, fmt.Sprintf("went back from %d to %d: a %s counter that decreases was reset", old, new, w)
	}
	if bound > 0 && d > bound {
		return 0, DiscImplausible, fmt.Sprintf("grew by %d (from %d to %d), above the %d the hardware can do in the interval", d, old, new, bound)
	}
	return d, "", ""
}

// rateBound is the largest plausible growth at rate per second over secs
// seconds, with PlausibilitySlack; 0 (no bound) when secs is not positive.
func rateBound(rate, secs float64) uint64 {
	if secs <= 0 {
		return 0
	}
	b := rate * secs * PlausibilitySlack
	if b >= math.MaxUint64/2 {
		return math.MaxUint64 / 2
	}
	return uint64(b) + 1
}

// LinkPacketRate is the most frames per second a link of speed Mb/s can
// carry (minimum-size frames); speed ≤ 0 (unknown) counts as
// MaxLinkSpeedMbps.
func LinkPacketRate(speedMbps int) float64 {
	if speedMbps <= 0 || speedMbps > MaxLinkSpeedMbps {
		speedMbps = MaxLinkSpeedMbps
	}
	return float64(speedMbps) * 1e6 / MinFrameWireBits
}

// nicCounterRate is the largest plausible rate per second of a NIC counter
// on a link of speed Mb/s: bytes for byte and octet counters ("rx_bytes",
// igb's "rx_long_byte_count"), else frames (every
// other loss, error and packet counter counts at most one per frame).
func nicCounterRate(name string, speedMbps int) float64 {
	if strings.Contains(name, "byte") || strings.Contains(name, "octet") {
		if speedMbps <= 0 || speedMbps > MaxLinkSpeedMbps {
			speedMbps = MaxLinkSpeedMbps
		}
		return float64(speedMbps) * 1e6 / 8
	}
	return LinkPacketRate(speedMbps)
}
