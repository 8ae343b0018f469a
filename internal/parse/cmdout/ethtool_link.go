package cmdout

import (
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// maxLinkModes bounds the modes kept of one list.
const maxLinkModes = 256

// EthtoolLink parses the negotiation part of plain `ethtool DEV`:
//
//	Settings for eth0:
//		Supported ports: [ FIBRE ]
//		Supported link modes:   1000baseT/Full
//		                        10000baseT/Full
//		Advertised link modes:  10000baseT/Full
//		Link partner advertised link modes:  Not reported
//		Port: FIBRE
//		Auto-negotiation: on
//		Link detected: yes
//
// A mode list continues on the following lines that hold no colon; "Not
// reported" is an empty list. Speed and duplex are EthtoolSettings' part
// of the same output. A file that is not ethtool's output is an error as
// in EthtoolSettings (ErrUnavailable for a lone error line).
func EthtoolLink(b []byte) (host.LinkModes, error) {
	const cmd = "ethtool"
	var m host.LinkModes
	text, err := input(cmd, b)
	if err != nil {
		return m, err
	}
	p := problems{cmd: cmd}
	var cur *[]string
	found := false
	for i, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "Settings for ") && strings.HasSuffix(t, ":") {
			found = true
			cur = nil
			continue
		}
		key, val, ok := cutKey(t)
		if !ok {
			if cur != nil && t != "" {
				*cur = appendModes(*cur, t)
			}
			continue
		}
		cur = nil
		switch key {
		case "Supported link modes":
			cur = &m.Supported
		case "Advertised link modes":
			cur = &m.Advertised
		case "Link partner advertised link modes":
			cur = &m.PartnerAdvertised
		case "Auto-negotiation":
			switch val {
			case "on":
				v := true
				m.AutoNeg = &v
			case "off":
				v := false
				m.AutoNeg = &v
			default:
				p.addf(i+1, "bad auto-negotiation %s", quote(val))
			}
		case "Port":
			m.Port = oneLine(val)
		case "Link detected":
			switch val {
			case "yes":
				v := true
				m.Detected = &v
			case "no":
				v := false
				m.Detected = &v
			}
		}
		if cur != nil {
			found = true
			*cur = appendModes(*cur, val)
		}
	}
	if !found {
		return host.LinkModes{}, noData(cmd, text, `"Settings for" header`)
	}
	return m, p.err()
}

// appendModes adds the modes of one line ("1000baseT/Full 10000baseT/Full").
func appendModes(dst []string, line string) []string {
	if line == "Not reported" {
		return dst
	}
	for _, f := range strings.Fields(line) {
		if len(dst) >= maxLinkModes {
			break
		}
		dst = append(dst, oneLine(f))
	}
	return dst
}
