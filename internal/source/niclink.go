package source

import (
	"errors"
	"fmt"
	"strings"

	"github.com/safchain/ethtool"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// loadNICLinks reads, for every NIC already loaded, what says whether its
// link is healthy: sysfs carrier_changes and duplex (live, collect), plain
// `ethtool DEV` live (ETHTOOL_GSET; offline loadEthtool reads the output
// with readEthtoolLink) and, for physical NICs in a bundle, `ethtool -m
// DEV` (optical power; sosreports only: netdoctor collect has no module
// EEPROM decoder, so the live host and its bundles do not read it).
// sos copies neither carrier_changes nor duplex: a sosreport gets one
// missing nic_link row saying so, and its duplex from ethtool.
func (l *loader) loadNICLinks() {
	s := l.snap
	if l.kind == KindSosreport && len(s.NICs) > 0 {
		l.record(host.InputNICLink, "", netDir+"/*/carrier_changes",
			missingErr("sos does not copy sys/class/net/*/carrier_changes or duplex"), "")
	}
	for i := range s.NICs {
		n := &s.NICs[i]
		if l.kind != KindSosreport {
			l.readLinkSysfs(n)
		}
		if l.live {
			l.probeLink(n)
			continue
		}
		if l.kind == KindSosreport && n.Kind == kindPhysical {
			if m, ok := parseInput(l, host.InputEthtoolModule, n.Name, ethtoolCands("-m", n.Name), cmdout.EthtoolModule); ok {
				n.Module = &m
			}
		}
	}
}

// readLinkSysfs reads carrier_changes (kernels >= 3.15) and duplex.
func (l *loader) readLinkSysfs(n *host.NIC) {
	dir := netDir + "/" + n.Name
	at := dir + "/carrier_changes"
	b, err := l.readFile(at)
	if err == nil {
		v, perr := safe(func() (int64, error) { return parse.Int(b) })
		if perr == nil && v < 0 {
			perr = fmt.Errorf("%s: negative count %d", at, v)
		}
		if perr == nil {
			c := uint64(v)
			n.CarrierChanges = &c
		}
		err = perr
	}
	// duplex answers EINVAL while the link is down, and on devices
	// without link settings: only a value is taken.
	if d, derr := l.readFile(dir + "/duplex"); derr == nil {
		n.Duplex = normDuplex(string(d))
	}
	l.record(host.InputNICLink, n.Name, at, err, "")
}

// normDuplex maps sysfs "full\n" and ethtool "Full", "Unknown! (255)" to
// "full", "half" or "unknown".
func normDuplex(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "full" || s == "half":
		return s
	case s == "":
		return ""
	}
	return "unknown"
}

// readEthtoolLink reads plain `ethtool DEV` offline, once: its link modes
// and duplex, and its speed when sysfs had no speed file.
func (l *loader) readEthtoolLink(n *host.NIC, speedKnown bool) {
	b, at, err := l.read(ethtoolCands("", n.Name))
	if err != nil {
		l.record(host.InputEthtoolLink, n.Name, at, err, "")
		return
	}
	m, perr := safe(func() (host.LinkModes, error) { return cmdout.EthtoolLink(b) })
	l.record(host.InputEthtoolLink, n.Name, at, perr, "")
	if perr == nil || !(errors.Is(perr, cmdout.ErrUnavailable) || isPanic(perr)) {
		n.Link = &m
	}
	if set, serr := safe(func() (cmdout.LinkSettings, error) { return cmdout.EthtoolSettings(b) }); serr == nil {
		if n.Duplex == "" {
			n.Duplex = normDuplex(set.Duplex)
		}
		if !speedKnown && set.Speed > 0 {
			n.Speed = set.Speed
		}
	}
}

// ioctlLink names the live source of plain ethtool data.
const ioctlLink = "ioctl ETHTOOL_GSET"

// linkProber answers plain ethtool's link questions live.
type linkProber interface {
	link(dev string) (host.LinkModes, string, error)
}

// probeLink asks ETHTOOL_GSET and ETHTOOL_GLINK, and writes plain
// `ethtool DEV` into a collect bundle with the modes.
func (l *loader) probeLink(n *host.NIC) {
	lp, ok := l.prober.(linkProber)
	if !ok {
		return
	}
	m, duplex, err := lp.link(n.Name)
	l.record(host.InputEthtoolLink, n.Name, ioctlLink, err, "")
	if err != nil {
		if l.put != nil && errors.Is(err, errNotSupported) {
			l.put(ethtoolPath("", n.Name), []byte("Settings for "+n.Name+":\nNo data available\n"))
		}
		return
	}
	n.Link = &m
	if n.Duplex == "" {
		n.Duplex = normDuplex(duplex)
	}
	if l.put != nil {
		set := cmdout.LinkSettings{Name: n.Name, Speed: n.Speed, Duplex: duplex, Link: m.Detected}
		l.put(ethtoolPath("", n.Name), cmdout.FormatEthtoolLink(set, m))
	}
}

// link reads the legacy ETHTOOL_GSET settings (32-bit mode masks: modes
// above 56 Gb/s are not in them) and ETHTOOL_GLINK. GetLinkSettings is
// never called: it prints to stdout.
func (p *ethtoolProber) link(dev string) (host.LinkModes, string, error) {
	type result struct {
		m      host.LinkModes
		duplex string
	}
	r, err := call(p, dev, func(e *ethtool.Ethtool) (result, error) {
		var cmd ethtool.EthtoolCmd
		if _, err := e.CmdGet(&cmd, dev); err != nil {
			// As ethtool itself: a device without link settings (lo,
			// tunnels) still says whether its link is detected.
			v, lerr := e.LinkState(dev)
			if lerr != nil {
				return result{}, err
			}
			up := v != 0
			return result{m: host.LinkModes{Detected: &up}}, nil
		}
		var r result
		r.m.Supported = ethtoolModeNames(cmd.Supported)
		r.m.Advertised = ethtoolModeNames(cmd.Advertising)
		r.m.PartnerAdvertised = ethtoolModeNames(cmd.Lp_advertising)
		an := cmd.Autoneg != 0
		r.m.AutoNeg = &an
		r.m.Port = ethtoolPort(cmd.Port)
		switch cmd.Duplex {
		case 0:
			r.duplex = "Half"
		case 1:
			r.duplex = "Full"
		default:
			r.duplex = fmt.Sprintf("Unknown! (%d)", cmd.Duplex)
		}
		if v, err := e.LinkState(dev); err == nil {
			up := v != 0
			r.m.Detected = &up
		}
		return r, nil
	})
	if err != nil {
		return host.LinkModes{}, "", err
	}
	return r.m, r.duplex, nil
}

// ethtoolModeNames turns a legacy mode mask into ethtool's names
// ("10000baseT/Full").
func ethtoolModeNames(mask uint32) []string {
	var out []string
	for _, name := range ethtool.SupportedLinkModes(uint64(mask)) {
		if i := strings.LastIndexByte(name, '_'); i > 0 {
			name = name[:i] + "/" + name[i+1:]
		}
		out = append(out, name)
	}
	return out
}

// ethtoolPort names the PORT_* values as ethtool prints them.
func ethtoolPort(p uint8) string {
	switch p {
	case 0x00:
		return "Twisted Pair"
	case 0x01:
		return "AUI"
	case 0x02:
		return "BNC"
	case 0x03:
		return "MII"
	case 0x04:
		return "FIBRE"
	case 0x05:
		return "Direct Attach Copper"
	case 0xef:
		return "None"
	case 0xff:
		return "Other"
	}
	return fmt.Sprintf("Unknown! (%d)", p)
}
