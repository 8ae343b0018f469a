package cmdout

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// maxCoalesce bounds a coalescing value: ethtool's fields are u32, and no
// driver waits more than seconds (µs) or counts more frames than a ring.
const maxCoalesce = 1 << 24

// EthtoolCoalesce parses `ethtool -c DEV`:
//
//	Coalesce parameters for eth0:
//	Adaptive RX: on  TX: off
//	stats-block-usecs: 0
//	...
//	rx-usecs: 3
//	rx-frames: 0
//	...
//	tx-usecs: 0
//	tx-frames: 256
//
// Values newer ethtool prints as "n/a" (not supported by the driver) stay
// -1; so do the fields absent. "Cannot get device coalesce settings:
// Operation not supported" is ErrUnavailable.
func EthtoolCoalesce(b []byte) (host.Coalesce, error) {
	const cmd = "ethtool -c"
	c := host.Coalesce{RXUsecs: -1, RXFrames: -1, TXUsecs: -1, TXFrames: -1}
	text, err := input(cmd, b)
	if err != nil {
		return c, err
	}
	got := 0
	var bad []string
	for _, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		if rest, ok := strings.CutPrefix(t, "Adaptive RX:"); ok {
			rx, tx, _ := strings.Cut(rest, "TX:")
			if v, ok := onOff(strings.TrimSpace(rx)); ok {
				c.AdaptiveRX = &v
				got++
			}
			if v, ok := onOff(strings.TrimSpace(tx)); ok {
				c.AdaptiveTX = &v
				got++
			}
			continue
		}
		key, val, ok := cutKey(t)
		if !ok {
			continue
		}
		var dst *int
		switch key {
		case "rx-usecs":
			dst = &c.RXUsecs
		case "rx-frames":
			dst = &c.RXFrames
		case "tx-usecs":
			dst = &c.TXUsecs
		case "tx-frames":
			dst = &c.TXFrames
		default:
			continue
		}
		if val == "n/a" {
			got++
			continue
		}
		v, perr := strconv.Atoi(val)
		if perr != nil || v < 0 || v > maxCoalesce {
			bad = append(bad, key+" "+quote(val))
			continue
		}
		*dst = v
		got++
	}
	if len(bad) > 0 {
		return c, fmt.Errorf("%s: bad values %s", cmd, strings.Join(bad, ", "))
	}
	if got == 0 {
		return c, noData(cmd, text, "rx-usecs line")
	}
	return c, nil
}

// onOff reads ethtool's "on" and "off".
func onOff(s string) (v, ok bool) {
	switch s {
	case "on":
		return true, true
	case "off":
		return false, true
	}
	return false, false
}

// FormatEthtoolCoalesce writes c as ethtool -c prints it (the fields
// netdoctor keeps; -1 as "n/a").
func FormatEthtoolCoalesce(dev string, c host.Coalesce) []byte {
	flag := func(p *bool) string {
		switch {
		case p == nil:
			return "n/a"
		case *p:
			return "on"
		}
		return "off"
	}
	num := func(v int) string {
		if v < 0 {
			return "n/a"
		}
		return strconv.Itoa(v)
	}
	return []byte(fmt.Sprintf("Coalesce parameters for %s:\nAdaptive RX: %s  TX: %s\nstats-block-usecs: n/a\nsample-interval: n/a\npkt-rate-low: n/a\npkt-rate-high: n/a\n\nrx-usecs: %s\nrx-frames: %s\nrx-usecs-irq: n/a\nrx-frames-irq: n/a\n\ntx-usecs: %s\ntx-frames: %s\ntx-usecs-irq: n/a\ntx-frames-irq: n/a\n\n",
		oneLine(dev), flag(c.AdaptiveRX), flag(c.AdaptiveTX), num(c.RXUsecs), num(c.RXFrames), num(c.TXUsecs), num(c.TXFrames)))
}
