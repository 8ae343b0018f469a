package cmdout

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// EthtoolStats parses `ethtool -S DEV`: a "NIC statistics:" header, then one
// "name: value" line per counter. Names are driver-defined and may hold colons
// and spaces (bnxt_en prints "[0]: rx_ucast_packets"), so a line is split at
// its last ": ". Values are unsigned 64-bit. A bad line is skipped and named
// in the error; the map keeps every good counter. When a name repeats, the
// first value is kept. Output without the header gives an empty map and an
// error (ErrUnavailable for "no stats available" and other stderr messages).
func EthtoolStats(b []byte) (map[string]uint64, error) {
	const cmd = "ethtool -S"
	stats := map[string]uint64{}
	text, err := input(cmd, b)
	if err != nil {
		return stats, err
	}
	lines := splitLines(text)
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == "NIC statistics:" {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return stats, noData(cmd, text, `"NIC statistics:" header`)
	}
	p := problems{cmd: cmd}
	for i := start; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		k := strings.LastIndex(l, ": ")
		if k < 0 {
			p.addf(i+1, "no \": \" in %s", quote(l))
			continue
		}
		name, val := strings.TrimSpace(l[:k]), strings.TrimSpace(l[k+2:])
		if name == "" {
			p.addf(i+1, "empty counter name in %s", quote(l))
			continue
		}
		v, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			p.addf(i+1, "counter %s: bad value %s", quote(name), quote(val))
			continue
		}
		if _, dup := stats[name]; !dup {
			stats[name] = v
		}
	}
	return stats, p.err()
}

// FormatEthtoolStats writes counters as `ethtool -S` prints them, sorted by
// name: "NIC statistics:" and then "     name: value" lines.
func FormatEthtoolStats(m map[string]uint64) []byte {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var sb strings.Builder
	sb.WriteString("NIC statistics:\n")
	for _, k := range names {
		sb.WriteString("     ")
		sb.WriteString(oneLine(k))
		sb.WriteString(": ")
		sb.WriteString(strconv.FormatUint(m[k], 10))
		sb.WriteByte('\n')
	}
	return []byte(sb.String())
}

// DriverInfo is what `ethtool -i DEV` says about a device's driver (the
// kernel's ethtool_drvinfo; the brief's contract called this type EthtoolInfo,
// a name Go cannot give both a type and the function that returns it). Values
// are as printed, trimmed ("N/A" stays "N/A"; virtual devices have an empty
// BusInfo). BusInfo is the PCI address ("0000:3b:00.0") for PCI devices,
// including virtio ones.
type DriverInfo struct {
	Driver, Version, Firmware, BusInfo string
}

// EthtoolInfo parses `ethtool -i DEV` ("driver: ixgbe", "version: ...",
// "firmware-version: ...", "bus-info: ..."). Other lines (expansion-rom-version,
// supports-*) are ignored. Output without a "driver:" line is an error.
func EthtoolInfo(b []byte) (DriverInfo, error) {
	const cmd = "ethtool -i"
	var info DriverInfo
	text, err := input(cmd, b)
	if err != nil {
		return info, err
	}
	seenDriver := false
	for _, l := range splitLines(text) {
		key, val, ok := cutKey(l)
		if !ok {
			continue
		}
		switch key {
		case "driver":
			if !seenDriver {
				info.Driver, seenDriver = val, true
			}
		case "version":
			if info.Version == "" {
				info.Version = val
			}
		case "firmware-version":
			if info.Firmware == "" {
				info.Firmware = val
			}
		case "bus-info":
			if info.BusInfo == "" {
				info.BusInfo = val
			}
		}
	}
	if !seenDriver {
		return DriverInfo{}, noData(cmd, text, `"driver:" line`)
	}
	return info, nil
}

// FormatEthtoolInfo writes i as `ethtool -i` prints it: the driver, version,
// firmware-version and bus-info lines, in ethtool's order. The lines ethtool
// prints between and after them (expansion-rom-version, supports-*) are left
// out because DriverInfo does not hold them.
func FormatEthtoolInfo(i DriverInfo) []byte {
	var sb strings.Builder
	sb.WriteString("driver: " + oneLine(i.Driver) + "\n")
	sb.WriteString("version: " + oneLine(i.Version) + "\n")
	sb.WriteString("firmware-version: " + oneLine(i.Firmware) + "\n")
	sb.WriteString("bus-info: " + oneLine(i.BusInfo) + "\n")
	return []byte(sb.String())
}

// oneLine replaces line breaks, which no ethtool value holds, so that a
// hostile value cannot forge extra lines in a written file.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r") {
		return s
	}
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}

// Sections of `ethtool -g` and `ethtool -l`.
const (
	sectionNone = iota
	sectionMax
	sectionCurrent
)

// ethtoolSections parses the two-section layout shared by `ethtool -g` and
// `ethtool -l`: "Pre-set maximums:" and "Current hardware settings:", each
// with "Key:<tabs>value" lines. set is called for every key of a section;
// it returns false for keys it does not know. found reports whether any known
// key was seen.
func ethtoolSections(cmd, text, header string, set func(section int, key string, v int) bool) (found bool, err error) {
	p := problems{cmd: cmd}
	section := sectionNone
	for i, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		if strings.HasSuffix(t, ":") && strings.Contains(t, " parameters for ") && !strings.HasPrefix(t, header) {
			// "Channel parameters for eth0:" in a file read as ethtool -g.
			return false, p.err()
		}
		switch t {
		case "Pre-set maximums:":
			section = sectionMax
			continue
		case "Current hardware settings:":
			section = sectionCurrent
			continue
		}
		if section == sectionNone || t == "" {
			continue
		}
		key, val, ok := cutKey(t)
		if !ok {
			continue // stderr interleaved with stdout
		}
		v := 0
		bad := false
		if val != "n/a" {
			n, err := strconv.ParseUint(val, 10, 32)
			if err != nil {
				bad = true
			} else {
				v = int(n)
			}
		}
		if bad {
			if set(section, key, 0) {
				found = true
				p.addf(i+1, "%s: bad value %s", quote(key), quote(val))
			}
			continue
		}
		if set(section, key, v) {
			found = true
		}
	}
	return found, p.err()
}

// EthtoolRing parses `ethtool -g DEV`. "n/a" reads as 0, which host.Ring
// takes as unknown. The lines newer ethtool versions add (RX Mini, RX Jumbo,
// RX Buf Len, CQE Size, TX Push, RX Push, TCP data split, ...) are ignored.
func EthtoolRing(b []byte) (host.Ring, error) {
	const cmd = "ethtool -g"
	var r host.Ring
	text, err := input(cmd, b)
	if err != nil {
		return r, err
	}
	found, err := ethtoolSections(cmd, text, "Ring parameters for ", func(section int, key string, v int) bool {
		switch {
		case key == "RX" && section == sectionMax:
			r.RXMax = v
		case key == "RX" && section == sectionCurrent:
			r.RX = v
		case key == "TX" && section == sectionMax:
			r.TXMax = v
		case key == "TX" && section == sectionCurrent:
			r.TX = v
		default:
			return false
		}
		return true
	})
	if !found {
		return host.Ring{}, noData(cmd, text, "ring sizes")
	}
	return r, err
}

// FormatEthtoolRing writes r as `ethtool -g dev` prints it. Values ethtool
// would not know (a zero maximum, the RX Mini and RX Jumbo rings that
// host.Ring does not hold) are written "n/a", as ethtool's netlink interface
// does; negative values too.
func FormatEthtoolRing(dev string, r host.Ring) []byte {
	var sb strings.Builder
	sb.WriteString("Ring parameters for " + oneLine(dev) + ":\n")
	sb.WriteString("Pre-set maximums:\n")
	sb.WriteString("RX:\t\t" + ethtoolNum(r.RXMax, true) + "\n")
	sb.WriteString("RX Mini:\tn/a\n")
	sb.WriteString("RX Jumbo:\tn/a\n")
	sb.WriteString("TX:\t\t" + ethtoolNum(r.TXMax, true) + "\n")
	sb.WriteString("Current hardware settings:\n")
	sb.WriteString("RX:\t\t" + ethtoolNum(r.RX, false) + "\n")
	sb.WriteString("RX Mini:\tn/a\n")
	sb.WriteString("RX Jumbo:\tn/a\n")
	sb.WriteString("TX:\t\t" + ethtoolNum(r.TX, false) + "\n")
	return []byte(sb.String())
}

// ethtoolNum formats a ring or channel count; zero is "n/a" when zeroUnknown,
// and values outside ethtool's u32 are always "n/a".
func ethtoolNum(v int, zeroUnknown bool) string {
	if v < 0 || uint64(v) > math.MaxUint32 || (v == 0 && zeroUnknown) {
		return "n/a"
	}
	return strconv.Itoa(v)
}

// EthtoolChannels parses `ethtool -l DEV`. "n/a" reads as 0.
func EthtoolChannels(b []byte) (host.Channels, error) {
	const cmd = "ethtool -l"
	var c host.Channels
	text, err := input(cmd, b)
	if err != nil {
		return c, err
	}
	found, err := ethtoolSections(cmd, text, "Channel parameters for ", func(section int, key string, v int) bool {
		var cur, max *int
		switch key {
		case "RX":
			cur, max = &c.RX, &c.MaxRX
		case "TX":
			cur, max = &c.TX, &c.MaxTX
		case "Other":
			cur, max = &c.Other, &c.MaxOther
		case "Combined":
			cur, max = &c.Combined, &c.MaxCombined
		default:
			return false
		}
		if section == sectionMax {
			*max = v
		} else {
			*cur = v
		}
		return true
	})
	if !found {
		return host.Channels{}, noData(cmd, text, "channel counts")
	}
	return c, err
}

// FormatEthtoolChannels writes c as `ethtool -l dev` prints it. As with
// ethtool's netlink interface, a zero maximum is "n/a", and so is a zero
// count whose maximum is zero; negative values are "n/a" too.
func FormatEthtoolChannels(dev string, c host.Channels) []byte {
	var sb strings.Builder
	row := func(name string, v int, unknown bool) {
		sb.WriteString(name + ethtoolNum(v, unknown) + "\n")
	}
	sb.WriteString("Channel parameters for " + oneLine(dev) + ":\n")
	sb.WriteString("Pre-set maximums:\n")
	row("RX:\t\t", c.MaxRX, true)
	row("TX:\t\t", c.MaxTX, true)
	row("Other:\t\t", c.MaxOther, true)
	row("Combined:\t", c.MaxCombined, true)
	sb.WriteString("Current hardware settings:\n")
	row("RX:\t\t", c.RX, c.MaxRX == 0)
	row("TX:\t\t", c.TX, c.MaxTX == 0)
	row("Other:\t\t", c.Other, c.MaxOther == 0)
	row("Combined:\t", c.Combined, c.MaxCombined == 0)
	return []byte(sb.String())
}

// LinkSettings is what plain `ethtool DEV` says about the link (the brief's
// contract called this type EthtoolSettings, the name of its parser).
type LinkSettings struct {
	// Name is from the "Settings for NAME:" header ("" when absent). sos
	// mangles some characters of interface names in file names; this one is
	// as ethtool printed it.
	Name string
	// Speed is in Mb/s, -1 when unknown ("Unknown!" or no Speed line).
	Speed int
	// Duplex is as printed ("Full", "Half", "Unknown! (255)"), "" when absent.
	Duplex string
	// Link is "Link detected:", nil when absent.
	Link *bool
}

// EthtoolSettings parses plain `ethtool DEV`. Only the header, Speed, Duplex
// and "Link detected" lines are read; stderr lines interleaved with the output
// ("Cannot get wake-on-lan settings: Operation not permitted") are skipped.
func EthtoolSettings(b []byte) (LinkSettings, error) {
	const cmd = "ethtool"
	s := LinkSettings{Speed: -1}
	text, err := input(cmd, b)
	if err != nil {
		return s, err
	}
	p := problems{cmd: cmd}
	found := false
	for i, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		if name, ok := strings.CutPrefix(t, "Settings for "); ok && strings.HasSuffix(name, ":") && !found && s.Name == "" {
			s.Name = strings.TrimSuffix(name, ":")
			found = true
			continue
		}
		key, val, ok := cutKey(t)
		if !ok {
			continue
		}
		switch key {
		case "Speed":
			found = true
			sp, ok := parseSpeed(val)
			if !ok {
				p.addf(i+1, "bad speed %s", quote(val))
			}
			s.Speed = sp
		case "Duplex":
			found = true
			s.Duplex = val
		case "Link detected":
			found = true
			switch val {
			case "yes":
				v := true
				s.Link = &v
			case "no":
				v := false
				s.Link = &v
			default:
				p.addf(i+1, "bad link state %s", quote(val))
			}
		}
	}
	if !found {
		return LinkSettings{Speed: -1}, noData(cmd, text, `"Settings for" header`)
	}
	return s, p.err()
}

// parseSpeed reads "10000Mb/s" or "Unknown!" ("Unknown! (65535)").
func parseSpeed(v string) (int, bool) {
	if strings.HasPrefix(v, "Unknown") {
		return -1, true
	}
	n, err := strconv.ParseUint(strings.TrimSuffix(v, "Mb/s"), 10, 31)
	if err != nil || !strings.HasSuffix(v, "Mb/s") {
		return -1, false
	}
	return int(n), true
}

// FormatEthtoolSettings writes s as plain `ethtool NAME` prints it, with
// only the lines LinkSettings holds: the header, Speed ("Unknown!" when
// negative or above 2^31-1), Duplex (when known) and "Link detected" (when known).
func FormatEthtoolSettings(s LinkSettings) []byte {
	var sb strings.Builder
	sb.WriteString("Settings for " + oneLine(s.Name) + ":\n")
	if s.Speed < 0 || s.Speed > math.MaxInt32 {
		sb.WriteString("\tSpeed: Unknown!\n")
	} else {
		sb.WriteString("\tSpeed: " + strconv.Itoa(s.Speed) + "Mb/s\n")
	}
	if s.Duplex != "" {
		sb.WriteString("\tDuplex: " + oneLine(s.Duplex) + "\n")
	}
	if s.Link != nil {
		if *s.Link {
			sb.WriteString("\tLink detected: yes\n")
		} else {
			sb.WriteString("\tLink detected: no\n")
		}
	}
	return []byte(sb.String())
}
