package source

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// NIC kinds (host.NIC.Kind): the vocabulary of internal/host, under the
// short names the loader uses.
const (
	kindPhysical = host.KindPhysical
	kindLoopback = host.KindLoopback
	kindBond     = host.KindBond
	kindBridge   = host.KindBridge
	kindVLAN     = host.KindVLAN
	kindVeth     = host.KindVeth
	kindTun      = host.KindTun
	kindVirtual  = host.KindVirtual
)

// maxIfaceName bounds interface names taken from a bundle (the kernel's
// limit is 15; sos mangles, a hostile bundle may try anything).
const maxIfaceName = 64

// loadNICs reads every interface of sys/class/net.
func (l *loader) loadNICs() {
	names, at, note, err := l.nicNames()
	l.record(host.InputNICs, "", at, err, note)
	nics := make([]host.NIC, len(names))
	parallel(len(names), nicWorkers, func(i int) {
		nics[i] = l.loadNIC(names[i])
	})
	l.snap.NICs = nics
}

// nicWorkers is how many interfaces are read at once.
const nicWorkers = 4

// nicNames lists sys/class/net, or offline the interfaces sos ran
// `ethtool -i` for.
func (l *loader) nicNames() (names []string, at, note string, err error) {
	ents, err := l.readDir(netDir)
	for _, e := range ents {
		name := e.Name()
		if name == "bonding_masters" || len(name) > maxIfaceName {
			continue
		}
		if e.IsDir() || e.Type()&fs.ModeSymlink != 0 {
			names = append(names, name)
		}
	}
	if len(names) > 0 || l.live {
		if err == nil && len(names) == 0 {
			err = fs.ErrNotExist
		}
		return names, netDir, "", err
	}
	// Offline fallback: sos runs ethtool -i for every device it saw.
	if m, gerr := fs.Glob(l.fsys, "sos_commands/networking/ethtool_-i_*"); gerr == nil && len(m) > 0 {
		for _, p := range m {
			name := strings.TrimPrefix(path.Base(p), "ethtool_-i_")
			if name != "" && len(name) <= maxIfaceName {
				names = append(names, name)
			}
		}
		return names, "sos_commands/networking/ethtool_-i_*", "interfaces from the ethtool -i outputs (no sys/class/net)", nil
	}
	if err == nil {
		err = fs.ErrNotExist
	}
	return nil, netDir, "", err
}

// loadNIC reads one interface: its sysfs directory and its ethtool data.
func (l *loader) loadNIC(name string) host.NIC {
	n := host.NIC{Name: name, NUMANode: -1, Speed: -1}
	base := netDir + "/" + name
	real, err := l.resolve(base)
	if err != nil {
		real = base
	}
	ents, derr := l.readDir(real)
	var notes []string
	source := factClassTarget
	if derr != nil && !l.live {
		// No directory behind the class entry: a link stored as a file,
		// or no class link at all but the device tree kept.
		alt, how := l.classLinkText(name), factClassText
		if alt == "" {
			alt, how = l.devTreeDir(name), factDevTree
		}
		if alt != "" {
			if e2, err2 := l.readDir(alt); err2 == nil {
				real, ents, derr, source = alt, e2, nil, how
				notes = append(notes, "read at "+how)
			}
		}
	}
	has := make(map[string]fs.DirEntry, len(ents))
	for _, e := range ents {
		has[e.Name()] = e
	}
	speedKnown := false
	devtype := ""
	if derr == nil {
		devtype = l.readNICSysfs(&n, real, has, &speedKnown, &notes)
		if n.Device == "" {
			l.deviceFromDir(&n, real, source)
		}
	}
	l.loadEthtool(&n, speedKnown)
	identify(&n, has, devtype)
	l.record(host.InputNICSysfs, name, real, derr, strings.Join(notes, "; "))
	if n.Kind == kindPhysical {
		_, queues := has["queues"]
		l.recordQueues(&n, real+"/queues", queues)
	}
	return n
}

// numaNode reads a numa_node file: -1 (unknown) up to the largest CPU ID.
func numaNode(b []byte) (int, bool) {
	v, err := safe(func() (int64, error) { return parse.Int(b) })
	if err != nil || v < -1 || v > maxCPUID {
		return 0, false
	}
	return int(v), true
}

// readNICSysfs reads the device link, counters, queues and lower devices
// of an interface whose real directory is dir. It returns uevent's DEVTYPE.
func (l *loader) readNICSysfs(n *host.NIC, dir string, has map[string]fs.DirEntry, speedKnown *bool, notes *[]string) string {
	if e, ok := has["device"]; ok {
		l.readDevice(n, dir, e, notes)
	}
	if _, ok := has["statistics"]; ok {
		n.Stats = l.readStats(dir+"/statistics", notes)
	}
	if b, err := l.readFile(dir + "/mtu"); err == nil {
		if v, perr := safe(func() (int64, error) { return parse.Int(b) }); perr == nil && v > 0 && v < 1<<24 {
			n.MTU = int(v)
		}
	}
	if _, ok := has["speed"]; ok {
		*speedKnown = true // present, even when it says unknown (-1, EINVAL)
		if b, err := l.readFile(dir + "/speed"); err == nil {
			if v, perr := safe(func() (int64, error) { return parse.Int(b) }); perr == nil && v > 0 && v < 1<<31 {
				n.Speed = int(v)
			}
		}
	}
	if b, err := l.readFile(dir + "/operstate"); err == nil {
		n.OperState = cleanText(b, 32)
	}
	if b, err := l.readFile(dir + "/type"); err == nil && strings.TrimSpace(string(b)) == "772" {
		n.Kind = kindLoopback
	}
	devtype := ""
	if b, err := l.readFile(dir + "/uevent"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "DEVTYPE="); ok {
				devtype = cleanText([]byte(v), 32)
			}
		}
	}
	if _, ok := has["queues"]; ok {
		_, device := has["device"]
		l.readQueues(n, dir+"/queues", device)
	}

	l.readLower(n, dir, has)
	return devtype
}

// readDevice follows the device link: PCI function (directly, or the
// parent of a virtio device), driver, NUMA node, local CPUs, MSI vectors.
func (l *loader) readDevice(n *host.NIC, dir string, e fs.DirEntry, notes *[]string) {
	devPath := dir + "/device"
	switch {
	case e.Type()&fs.ModeSymlink != 0:
		// The link itself makes the NIC physical, even when it cannot be
		// followed.
		n.Kind = kindPhysical
		n.SetFact(host.FactKind, factSysfsLink)
		p, err := l.linkTarget(devPath)
		if err != nil {
			*notes = append(*notes, "device link: "+oneLine(err.Error()))
			return
		}
		devPath = p
		n.Device = path.Base(p)
		n.SetFact(host.FactDevice, factSysfsLink)
	case e.IsDir():
		n.Kind = kindPhysical
		n.SetFact(host.FactKind, factSysfsLink)
	default:
		return
	}
	pciPath := ""
	switch {
	case isPCIAddr(n.Device):
		n.PCI, pciPath = n.Device, devPath
	case n.Device != "" && isPCIAddr(path.Base(path.Dir(devPath))):
		pciPath = path.Dir(devPath)
		n.PCI = path.Base(pciPath)
	}
	if n.PCI != "" {
		n.SetFact(host.FactPCI, factSysfsLink)
	}
	if t, err := l.fsys.ReadLink(devPath + "/driver"); err == nil {
		if d := path.Base(t); d != "." && d != "/" && len(d) <= 64 {
			n.Driver = d
			n.SetFact(host.FactDriver, factSysfsLink)
		}
	}
	// Each file: on the device, else on its PCI parent (virtio).
	places := []string{devPath}
	if pciPath != "" && pciPath != devPath {
		places = append(places, pciPath)
	}
	for _, p := range places {
		b, err := l.readFile(p + "/numa_node")
		if err != nil {
			continue
		}
		if v, perr := safe(func() (int64, error) { return parse.Int(b) }); perr == nil && v >= -1 && v <= maxCPUID {
			n.NUMANode = int(v)
		}
		break
	}
	for _, p := range places {
		b, err := l.readFile(p + "/local_cpulist")
		if err != nil {
			continue
		}
		if v, perr := safe(func() ([]int, error) { return parse.CPUList(strings.TrimSpace(string(b))) }); perr == nil && len(v) > 0 {
			n.LocalCPUs = v
		}
		break
	}
	for _, p := range places {
		irqs, err := l.readMSI(p + "/msi_irqs")
		if err != nil {
			continue
		}
		n.MSIIRQs = irqs
		break
	}
}

// readMSI lists msi_irqs/. While collecting, it also reads each entry so
// the directory lands in the bundle.
func (l *loader) readMSI(dir string) ([]int, error) {
	ents, err := l.readDir(dir)
	if err != nil {
		return nil, err
	}
	irqs := make([]int, 0, len(ents))
	for _, e := range ents {
		n, ok := irqNumber(e.Name())
		if !ok {
			continue
		}
		irqs = append(irqs, n)
		if l.put != nil {
			_, _ = l.readFile(dir + "/" + e.Name())
		}
	}
	sort.Ints(irqs)
	return irqs, nil
}

// readStats reads statistics/* by file name.
func (l *loader) readStats(dir string, notes *[]string) map[string]uint64 {
	ents, err := l.readDir(dir)
	if err != nil {
		*notes = append(*notes, "statistics: "+oneLine(err.Error()))
		return nil
	}
	out := make(map[string]uint64, len(ents))
	bad := 0
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := l.readFile(dir + "/" + e.Name())
		if err != nil {
			bad++
			continue
		}
		v, perr := safe(func() (uint64, error) { return parse.Uint(b) })
		if perr != nil {
			bad++
			continue
		}
		out[e.Name()] = v
	}
	if bad > 0 {
		*notes = append(*notes, fmt.Sprintf("%d statistics files unreadable", bad))
	}
	return out
}

// readQueues counts queues/rx-N and tx-N and reads each rps_cpus; for a
// device-backed NIC also rps_flow_cnt, xps_cpus and xps_rxqs.
func (l *loader) readQueues(n *host.NIC, dir string, device bool) {
	ents, err := l.readDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "rx-"):
			idx, err := strconv.Atoi(name[3:])
			if err != nil || idx < 0 || idx > maxIRQ {
				continue
			}
			n.RXQueues++
			if device {
				l.readQueueSteering(n, dir+"/"+name, true, idx)
			}
			b, err := l.readFile(dir + "/" + name + "/rps_cpus")
			if err != nil {
				continue
			}
			v, perr := l.cpus.maskTrimmed(b)
			if perr != nil {
				continue
			}
			if n.RPS == nil {
				n.RPS = map[int][]int{}
			}
			n.RPS[idx] = v
		case strings.HasPrefix(name, "tx-"):
			idx, err := strconv.Atoi(name[3:])
			if err != nil || idx < 0 || idx > maxIRQ {
				continue
			}
			n.TXQueues++
			if device {
				l.readQueueSteering(n, dir+"/"+name, false, idx)
			}
			if l.put != nil {
				// Keep the queue directory in a collect bundle.
				_, _ = l.readFile(dir + "/" + name + "/tx_timeout")
			}
		}
	}
}

// readLower fills Lower from lower_* links, bonding/slaves and brif/.
func (l *loader) readLower(n *host.NIC, dir string, has map[string]fs.DirEntry) {
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && len(s) <= maxIfaceName && !seen[s] {
			seen[s] = true
			n.Lower = append(n.Lower, s)
		}
	}
	var names []string
	for name := range has {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if lower, ok := strings.CutPrefix(name, "lower_"); ok {
			if l.put != nil {
				_, _ = l.fsys.ReadLink(dir + "/" + name)
			}
			add(lower)
		}
	}
	if _, ok := has["bonding"]; ok {
		if b, err := l.readFile(dir + "/bonding/slaves"); err == nil {
			for _, s := range strings.Fields(string(b)) {
				add(s)
			}
		}
	}
	if _, ok := has["brif"]; ok {
		if ents, err := l.readDir(dir + "/brif"); err == nil {
			for _, e := range ents {
				if l.put != nil {
					_, _ = l.fsys.ReadLink(dir + "/brif/" + e.Name())
				}
				add(e.Name())
			}
		}
	}
}

// nicKind decides NIC.Kind from what was read.
func nicKind(n *host.NIC, has map[string]fs.DirEntry, devtype string) string {
	drv := strings.ToLower(n.Driver)
	switch {
	case n.Name == "lo" || n.Kind == kindLoopback:
		return kindLoopback
	case n.Kind == kindPhysical:
		return kindPhysical
	case has["bonding"] != nil || devtype == "bond" || drv == "bonding":
		return kindBond
	case has["bridge"] != nil || devtype == "bridge" || drv == "bridge":
		return kindBridge
	case devtype == "vlan" || strings.Contains(drv, "802.1q"):
		return kindVLAN
	case drv == "veth":
		return kindVeth
	case has["tun_flags"] != nil || drv == "tun":
		return kindTun
	}
	return kindVirtual
}

// isPCIAddr reports whether s looks like a PCI address "0000:3b:00.0".
func isPCIAddr(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 4 || i > 8 || len(s) != i+8 {
		return false
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case k == i || k == i+3:
			if c != ':' {
				return false
			}
		case k == i+6:
			if c != '.' {
				return false
			}
		case k == i+7:
			if c < '0' || c > '7' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// loadEthtool fills driver, ring, channels, statistics and (when sysfs had
// no speed file) the speed: from ioctls live, from sos outputs offline.
func (l *loader) loadEthtool(n *host.NIC, speedKnown bool) {
	if l.live {
		l.probeEthtool(n, speedKnown)
		return
	}
	if info, ok := parseInput(l, host.InputEthtoolInfo, n.Name, ethtoolCands("-i", n.Name), cmdout.EthtoolInfo); ok {
		applyInfo(n, info)
	}
	if st, ok := parseInput(l, host.InputEthtoolStats, n.Name, ethtoolCands("-S", n.Name), cmdout.EthtoolStats); ok {
		n.EthtoolStats = st
	}
	if r, ok := parseInput(l, host.InputEthtoolRing, n.Name, ethtoolCands("-g", n.Name), cmdout.EthtoolRing); ok {
		n.Ring = &r
	}
	if c, ok := parseInput(l, host.InputEthtoolChan, n.Name, ethtoolCands("-l", n.Name), cmdout.EthtoolChannels); ok {
		n.Channels = &c
	}
	l.readEthtoolLink(n, speedKnown)
}

// applyInfo takes driver, version, firmware and (when the device link
// gave none) the PCI address from ethtool -i.
func applyInfo(n *host.NIC, info cmdout.DriverInfo) {
	if d := cleanText([]byte(info.Driver), 64); d != "" {
		if d != n.Driver {
			n.SetFact(host.FactDriver, factEthtoolInfo)
			n.Facts[host.FactDriver] = factEthtoolInfo
		}
		n.Driver = d
	}
	n.DriverVersion = cleanText([]byte(info.Version), 128)
	n.Firmware = cleanText([]byte(info.Firmware), 128)
	if n.PCI == "" && isPCIAddr(info.BusInfo) {
		n.PCI = info.BusInfo
		n.SetFact(host.FactPCI, factEthtoolInfo+" bus-info")
	}
}

// mergeNetDev attaches the /proc/net/dev rows to the NICs; when
// sys/class/net could not be listed, its interfaces become the NIC list.
func (l *loader) mergeNetDev(nd map[string]map[string]uint64) {
	s := l.snap
	idx := make(map[string]int, len(s.NICs))
	for i := range s.NICs {
		idx[s.NICs[i].Name] = i
	}
	var extra []string
	for name, m := range nd {
		if i, ok := idx[name]; ok {
			s.NICs[i].NetDev = m
			continue
		}
		if len(s.NICs) == 0 && len(name) <= maxIfaceName {
			extra = append(extra, name)
		}
	}
	if len(extra) == 0 {
		return
	}
	sort.Strings(extra)
	for _, name := range extra {
		n := host.NIC{Name: name, NUMANode: -1, Speed: -1, NetDev: nd[name]}
		if !l.live {
			l.loadEthtool(&n, false)
		}
		identify(&n, nil, "")
		s.NICs = append(s.NICs, n)
	}
	l.replace(host.InputNICs, "", firstCandPath(candNetDev, l.live), nil, "interfaces from /proc/net/dev (no sys/class/net)")
}

// errNotSupported is an ethtool question the driver does not answer.
var errNotSupported = errors.New("not supported by driver")
