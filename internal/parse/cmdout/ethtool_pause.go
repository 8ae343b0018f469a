package cmdout

import (
	"fmt"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// EthtoolPause parses `ethtool -a DEV`:
//
//	Pause parameters for eth0:
//	Autonegotiate:	on
//	RX:		on
//	TX:		off
//	RX negotiated:	on
//	TX negotiated:	off
//
// The negotiated lines (newer ethtool) are not kept. "Cannot get device
// pause settings: Operation not supported" (which sos writes before the
// header) is ErrUnavailable.
func EthtoolPause(b []byte) (host.Pause, error) {
	const cmd = "ethtool -a"
	var p host.Pause
	text, err := input(cmd, b)
	if err != nil {
		return p, err
	}
	got := 0
	var bad []string
	for _, l := range splitLines(text) {
		key, val, ok := cutKey(strings.TrimSpace(l))
		if !ok {
			continue
		}
		var dst *bool
		switch key {
		case "Autonegotiate":
			dst = &p.AutoNeg
		case "RX":
			dst = &p.RX
		case "TX":
			dst = &p.TX
		default:
			continue
		}
		switch val {
		case "on":
			*dst = true
		case "off":
			*dst = false
		default:
			bad = append(bad, key+" "+quote(val))
			continue
		}
		got++
	}
	if got == 0 {
		if len(bad) > 0 {
			return p, fmt.Errorf("%s: bad values %s", cmd, strings.Join(bad, ", "))
		}
		return p, noData(cmd, text, "RX or TX line")
	}
	if len(bad) > 0 {
		return p, fmt.Errorf("%s: bad values %s", cmd, strings.Join(bad, ", "))
	}
	return p, nil
}

// FormatEthtoolPause writes p as ethtool -a prints it.
func FormatEthtoolPause(dev string, p host.Pause) []byte {
	on := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	return []byte(fmt.Sprintf("Pause parameters for %s:\nAutonegotiate:\t%s\nRX:\t\t%s\nTX:\t\t%s\n\n", oneLine(dev), on(p.AutoNeg), on(p.RX), on(p.TX)))
}
