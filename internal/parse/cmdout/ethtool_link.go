package cmdout

import (
	"fmt"
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
	found, header := false, false
	for i, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "Settings for ") && strings.HasSuffix(t, ":") {
			header = true
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
		case "Speed", "Duplex", "Supported ports", "Transceiver", "PHYAD":
			found = true
		case "Supported link modes":
			cur = &m.Supported
		case "Advertised link modes":
			cur = &m.Advertised
		case "Link partner advertised link modes":
			cur = &m.PartnerAdvertised
		case "Auto-negotiation":
			found = true
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
			found = true
			m.Port = cleanValue(val)
		case "Link detected":
			found = true
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
		if header {
			// "Settings for ifb0:" then "No data available": the
			// device answers no link question.
			rest := "no link data"
			for _, l := range splitLines(text) {
				if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "Settings for ") {
					rest = t
					break
				}
			}
			return host.LinkModes{}, fmt.Errorf("%s: %w: %s", cmd, ErrUnavailable, quote(rest))
		}
		return host.LinkModes{}, noData(cmd, text, `"Settings for" header`)
	}
	return m, p.err()
}

// cleanValue makes a value safe to keep and to write back on one line:
// invalid UTF-8 and control characters become '?', and the ends are trimmed.
func cleanValue(s string) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 {
			return '?'
		}
		return r
	}, s)
	return strings.TrimSpace(s)
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
		dst = append(dst, cleanValue(f))
	}
	return dst
}

// FormatEthtoolLink writes plain `ethtool NAME` with the link modes, the
// port and autonegotiation before the lines FormatEthtoolSettings writes,
// so that both EthtoolSettings and EthtoolLink read it back.
func FormatEthtoolLink(s LinkSettings, m host.LinkModes) []byte {
	if m.Detected != nil && s.Link == nil {
		s.Link = m.Detected
	}
	base := string(FormatEthtoolSettings(s))
	header, body, _ := strings.Cut(base, "\n")
	var sb strings.Builder
	sb.WriteString(header + "\n")
	modes := func(key string, l []string) {
		sb.WriteString("\t" + key + ":")
		if len(l) == 0 {
			sb.WriteString(" Not reported\n")
			return
		}
		for _, x := range l {
			sb.WriteString(" " + strings.Join(strings.Fields(oneLine(x)), "_"))
		}
		sb.WriteString("\n")
	}
	modes("Supported link modes", m.Supported)
	modes("Advertised link modes", m.Advertised)
	if m.PartnerAdvertised != nil {
		modes("Link partner advertised link modes", m.PartnerAdvertised)
	}
	if m.Port != "" {
		sb.WriteString("\tPort: " + oneLine(m.Port) + "\n")
	}
	if m.AutoNeg != nil {
		if *m.AutoNeg {
			sb.WriteString("\tAuto-negotiation: on\n")
		} else {
			sb.WriteString("\tAuto-negotiation: off\n")
		}
	}
	sb.WriteString(body)
	return []byte(sb.String())
}
