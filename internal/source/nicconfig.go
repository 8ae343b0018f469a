package source

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/safchain/ethtool"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// loadNICConfig reads the per-interface settings the configuration checks
// judge: `ethtool -k` offload features of every interface (live through
// ETHTOOL_GFEATURES; sosreports and collect bundles from ethtool_-k_DEV,
// which sos writes for every device of sys/class/net), and the state of
// every bonding master (/proc/net/bonding/NAME, copied by sos).
func (l *loader) loadNICConfig() {
	s := l.snap
	lspci := &lspciCache{}
	for i := range s.NICs {
		n := &s.NICs[i]
		if l.live {
			l.probeFeatures(n)
		} else if m, ok := parseInput(l, host.InputEthtoolFeatures, n.Name, ethtoolCands("-k", n.Name), cmdout.EthtoolFeatures); ok {
			n.Features = m
		}
		if n.DeviceBacked() {
			l.loadPause(n)
			l.loadCoalesce(n)
		}
		if n.Kind == kindPhysical {
			l.loadRSS(n)
		}
		if n.Kind != kindVeth {
			l.readRPFilter(n)
		}
		if n.Kind == kindPhysical && n.PCI != "" && !n.VirtualHW {
			l.readPCIeLink(n, lspci)
		}
		if n.Kind == kindBond {
			if b, ok := parseInput(l, host.InputBonding, n.Name, netCands("bonding/"+n.Name), parse.Bonding); ok {
				n.Bond = &b
			}
		}
	}
}

// ioctlFeatures names the live source of ethtool -k.
const ioctlFeatures = "ioctl ETHTOOL_GFEATURES"

// unsupportedFeatures is what ethtool -k prints for a device without
// feature names.
const unsupportedFeatures = "Cannot get device feature names: Operation not supported\n"

// featureProber answers ethtool -k live.
type featureProber interface {
	features(dev string) (map[string]host.Feature, error)
}

// probeFeatures asks ETHTOOL_GFEATURES and writes `ethtool -k DEV` into a
// collect bundle.
func (l *loader) probeFeatures(n *host.NIC) {
	fp, ok := l.prober.(featureProber)
	if !ok {
		return
	}
	m, err := fp.features(n.Name)
	l.record(host.InputEthtoolFeatures, n.Name, ioctlFeatures, err, "")
	switch {
	case err == nil:
		n.Features = m
		if l.put != nil {
			l.put(ethtoolPath("-k", n.Name), cmdout.FormatEthtoolFeatures(n.Name, m))
		}
	case l.put != nil && errors.Is(err, errNotSupported):
		l.put(ethtoolPath("-k", n.Name), []byte("Features for "+n.Name+":\n"+unsupportedFeatures))
	}
}

// legacyFeatureNames maps the kernel's names of the one-bit features that
// ethtool -k prints under their older names.
var legacyFeatureNames = map[string]string{
	"rx-lro":                  host.FeatureLRO,
	"rx-gro":                  host.FeatureGRO,
	"rx-ntuple-filter":        host.FeatureNtuple,
	"rx-hashing":              host.FeatureRxHash,
	"rx-checksum":             "rx-checksumming",
	"tx-generic-segmentation": "generic-segmentation-offload",
	"rx-vlan-hw-parse":        "rx-vlan-offload",
	"tx-vlan-hw-insert":       "tx-vlan-offload",
}

// features reads the device's features as ethtool -k shows them: on when
// active, fixed when the driver does not offer to change it or it was
// never changeable (ethtool's own "[fixed]" rule).
func (p *ethtoolProber) features(dev string) (map[string]host.Feature, error) {
	st, err := call(p, dev, func(e *ethtool.Ethtool) (map[string]ethtool.FeatureState, error) {
		return e.FeaturesWithState(dev)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]host.Feature, len(st))
	for k, v := range st {
		if k == "" {
			continue
		}
		name := k
		if legacy, ok := legacyFeatureNames[k]; ok {
			name = legacy
		}
		out[name] = host.Feature{On: v.Active, Fixed: !v.Available || v.NeverChanged}
	}
	return out, nil
}

// readRPFilter reads net.ipv4.conf.NAME.rp_filter: the proc/sys file
// (live, collect, a sosreport that copied it), else sysctl -a, where an
// interface name's dots are written as slashes.
func (l *loader) readRPFilter(n *host.NIC) {
	at := "proc/sys/net/ipv4/conf/" + n.Name + "/rp_filter"
	b, err := l.readFile(at)
	if err != nil && !l.live {
		key := "net.ipv4.conf." + strings.ReplaceAll(n.Name, ".", "/") + ".rp_filter"
		if v, ok := l.snap.Sysctls[key]; ok {
			b, err, at = []byte(v), nil, "sysctl -a "+key
		}
	}
	if err == nil {
		v, perr := safe(func() (int64, error) { return parse.Int(b) })
		if perr == nil && (v < 0 || v > 2) {
			perr = fmt.Errorf("%s: rp_filter %d is not 0, 1 or 2", at, v)
		}
		if perr == nil {
			r := int(v)
			n.RPFilter = &r
		}
		err = perr
	}
	l.record(host.InputRPFilter, n.Name, at, err, "")
}

// lspciCache holds lspci -nnvv, parsed once per sample.
type lspciCache struct {
	done bool
	devs map[string]host.PCIeLink
	at   string
	err  error
}

// candLspci is lspci -nnvv in a sosreport.
var candLspci = []cand{sosCmd("pci/lspci_-nnvv")}

// readPCIeLink reads the PCI Express link of a NIC's function: the
// device's sysfs files (live, collect; kernels >= 4.13 for all four,
// older ones have them for most devices) or, in a sosreport, which copies
// none of them, the LnkCap and LnkSta lines of lspci -nnvv.
func (l *loader) readPCIeLink(n *host.NIC, lc *lspciCache) {
	if l.kind != KindSosreport {
		dir := netDir + "/" + n.Name + "/device/"
		var p host.PCIeLink
		var firstErr error
		read := func(name string) string {
			b, err := l.readFile(dir + name)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			return strings.TrimSpace(string(b))
		}
		p.Speed = cmdout.ParseGTs(read("current_link_speed"))
		p.MaxSpeed = cmdout.ParseGTs(read("max_link_speed"))
		p.Width = linkWidth(read("current_link_width"))
		p.MaxWidth = linkWidth(read("max_link_width"))
		if p.Speed > 0 || p.Width > 0 {
			n.PCIe = &p
			firstErr = nil
		}
		l.record(host.InputPCIeLink, n.Name, dir+"current_link_speed", firstErr, "")
		return
	}
	if !lc.done {
		lc.done = true
		var b []byte
		b, lc.at, lc.err = l.read(candLspci)
		if lc.err == nil {
			lc.devs, lc.err = safe(func() (map[string]host.PCIeLink, error) { return cmdout.Lspci(b) })
		}
	}
	err := lc.err
	if err == nil {
		p, ok := lc.devs[strings.ToLower(n.PCI)]
		if ok && (p.Speed > 0 || p.Width > 0) {
			n.PCIe = &p
		} else {
			err = missingErr("lspci -nnvv shows no PCI Express link for " + n.PCI)
		}
	}
	l.record(host.InputPCIeLink, n.Name, lc.at, err, "")
}

// linkWidth reads current_link_width ("8"; 0 or 255 when unknown).
func linkWidth(s string) int {
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 || v > 64 {
		return 0
	}
	return v
}

// ioctlPause names the live source of ethtool -a.
const ioctlPause = "ioctl ETHTOOL_GPAUSEPARAM"

// pauseProber answers ethtool -a live.
type pauseProber interface {
	pause(dev string) (host.Pause, error)
}

// loadPause reads a device's flow control settings: live through
// ETHTOOL_GPAUSEPARAM (written into a collect bundle as ethtool -a
// prints it), offline from ethtool_-a_DEV. Virtual NICs answer "not
// supported": missing, and Pause stays nil.
func (l *loader) loadPause(n *host.NIC) {
	if !l.live {
		if p, ok := parseInput(l, host.InputEthtoolPause, n.Name, ethtoolCands("-a", n.Name), cmdout.EthtoolPause); ok {
			n.Pause = &p
		}
		return
	}
	pp, ok := l.prober.(pauseProber)
	if !ok {
		return
	}
	p, err := pp.pause(n.Name)
	l.record(host.InputEthtoolPause, n.Name, ioctlPause, err, "")
	switch {
	case err == nil:
		n.Pause = &p
		if l.put != nil {
			l.put(ethtoolPath("-a", n.Name), cmdout.FormatEthtoolPause(n.Name, p))
		}
	case l.put != nil && errors.Is(err, errNotSupported):
		l.put(ethtoolPath("-a", n.Name), []byte("Cannot get device pause settings: Operation not supported\nPause parameters for "+n.Name+":\n"))
	}
}

// pause reads ETHTOOL_GPAUSEPARAM.
func (p *ethtoolProber) pause(dev string) (host.Pause, error) {
	r, err := call(p, dev, func(e *ethtool.Ethtool) (ethtool.Pause, error) { return e.GetPause(dev) })
	if err != nil {
		return host.Pause{}, err
	}
	return host.Pause{AutoNeg: r.Autoneg != 0, RX: r.RxPause != 0, TX: r.TxPause != 0}, nil
}

// ioctlCoalesce names the live source of ethtool -c.
const ioctlCoalesce = "ioctl ETHTOOL_GCOALESCE"

// unsupportedCoalesce is what ethtool -c prints (sos order: the error
// before the header) for a device without coalescing settings.
func unsupportedCoalesce(dev string) []byte {
	return []byte("Cannot get device coalesce settings: Operation not supported\nCoalesce parameters for " + dev + ":\n")
}

// coalesceProber answers ethtool -c live.
type coalesceProber interface {
	coalesce(dev string) (host.Coalesce, error)
}

// loadCoalesce reads a device's interrupt coalescing: live through
// ETHTOOL_GCOALESCE (written into a collect bundle as ethtool -c prints
// it), offline from ethtool_-c_DEV (sos networking plugin). A device that
// does not support it is missing, and Coalesce stays nil.
func (l *loader) loadCoalesce(n *host.NIC) {
	if !l.live {
		if c, ok := parseInput(l, host.InputEthtoolCoalesce, n.Name, ethtoolCands("-c", n.Name), cmdout.EthtoolCoalesce); ok {
			n.Coalesce = &c
		}
		return
	}
	cp, ok := l.prober.(coalesceProber)
	if !ok {
		return
	}
	c, err := cp.coalesce(n.Name)
	l.record(host.InputEthtoolCoalesce, n.Name, ioctlCoalesce, err, "")
	switch {
	case err == nil:
		n.Coalesce = &c
		if l.put != nil {
			l.put(ethtoolPath("-c", n.Name), cmdout.FormatEthtoolCoalesce(n.Name, c))
		}
	case l.put != nil && errors.Is(err, errNotSupported):
		l.put(ethtoolPath("-c", n.Name), unsupportedCoalesce(n.Name))
	}
}

// coalesce reads ETHTOOL_GCOALESCE. The ioctl has no "not supported"
// per field: every value is what the driver filled in.
func (p *ethtoolProber) coalesce(dev string) (host.Coalesce, error) {
	r, err := call(p, dev, func(e *ethtool.Ethtool) (ethtool.Coalesce, error) { return e.GetCoalesce(dev) })
	if err != nil {
		return host.Coalesce{}, err
	}
	rx, tx := r.UseAdaptiveRxCoalesce != 0, r.UseAdaptiveTxCoalesce != 0
	clamp := func(v uint32) int {
		if v > 1<<24 {
			return -1
		}
		return int(v)
	}
	return host.Coalesce{AdaptiveRX: &rx, AdaptiveTX: &tx, RXUsecs: clamp(r.RxCoalesceUsecs), RXFrames: clamp(r.RxMaxCoalescedFrames),
		TXUsecs: clamp(r.TxCoalesceUsecs), TXFrames: clamp(r.TxMaxCoalescedFrames)}, nil
}
