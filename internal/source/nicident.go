package source

import (
	"io/fs"
	"path"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// What identifies a NIC when the sysfs device link is missing. sos copies
// only device/numa_node, flags and statistics/ below sys/class/net, so for
// virtio, Hyper-V and most cloud NICs a sosreport has no device link at
// all. The other evidence, each recorded in NIC.Facts:
//
//   - the class link's target: sys/class/net/ens3 →
//     ../../devices/pci0000:00/0000:00:03.0/virtio0/net/ens3 names the
//     virtio device and its PCI function;
//   - the sys/devices tree itself, when sos kept the device directories
//     (…/virtioN/net/DEV) but not the class links;
//   - ethtool -i: the driver and its bus-info (a PCI address);
//   - the driver's class: virtual hardware (virtio_net, vmxnet3, ENA...) or
//     a software device (bridge, veth, vxlan, openvswitch...).

// Sources of NIC identity facts (host.NIC.Facts values).
const (
	factSysfsLink   = "sysfs device link"
	factClassTarget = "class link target"
	factClassText   = "class link target (stored as a file)"
	factDevTree     = "sys/devices tree"
	factEthtoolInfo = "ethtool -i"
	factDriverClass = "driver class"
)

// virtualHWDrivers are drivers of devices a hypervisor presents: they have
// queues and interrupts like a NIC but the guest sees no NIC FIFO.
var virtualHWDrivers = map[string]bool{
	"virtio_net": true, "virtio-net": true, "vmxnet3": true, "hv_netvsc": true,
	"netvsc": true, "xen-netfront": true, "xen_netfront": true, "vif": true,
	"ena": true, "gve": true, "ixgbevf": true, "iavf": true, "i40evf": true,
	"igbvf": true, "bnxt_en_vf": true, "mlx4_vf": true, "hinic_vf": true,
}

// softwareDrivers map the drivers of software interfaces to their kind.
var softwareDrivers = map[string]string{
	"bridge": kindBridge, "bonding": kindBond, "team": kindBond,
	"veth": kindVeth, "tun": kindTun, "tap": kindTun,
	"802.1q vlan support": kindVLAN, "8021q": kindVLAN,
	"vxlan": kindVirtual, "geneve": kindVirtual, "openvswitch": kindVirtual,
	"macvlan": kindVirtual, "macvtap": kindVirtual, "ipvlan": kindVirtual,
	"dummy": kindVirtual, "wireguard": kindVirtual, "gre": kindVirtual,
	"ip_gre": kindVirtual, "ipip": kindVirtual, "sit": kindVirtual,
	"vrf": kindVirtual, "nlmon": kindVirtual, "ifb": kindVirtual,
	"ip6_gre": kindVirtual, "ip6_tunnel": kindVirtual, "ip_tunnel": kindVirtual,
}

// isVirtualHW reports whether a driver (with its ethtool -i version text for
// the VF forms of PF drivers) runs virtual hardware.
func isVirtualHW(driver string) bool {
	d := strings.ToLower(driver)
	return virtualHWDrivers[d] || strings.HasSuffix(d, "vf") || strings.HasSuffix(d, "_vf")
}

// maxClassLinkText bounds a class entry read as a link stored in a file.
const maxClassLinkText = 4096

// classLinkText reads sys/class/net/NAME when it is a small regular file
// holding a relative link target (a bundle unpacked where links become
// files, as git does without symlink support) and returns the target
// resolved against sys/class/net, if that directory exists.
func (l *loader) classLinkText(name string) string {
	p := netDir + "/" + name
	fi, err := l.fsys.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxClassLinkText {
		return ""
	}
	b, err := l.readFile(p)
	if err != nil {
		return ""
	}
	t := strings.TrimSpace(string(b))
	if strings.ContainsAny(t, "\n\x00") || !strings.Contains(t, "/devices/") {
		return ""
	}
	real, err := joinLink(netDir, t)
	if err != nil || !strings.HasPrefix(real, "sys/devices/") {
		return ""
	}
	if _, err := l.readDir(real); err != nil {
		return ""
	}
	return real
}

// maxDevTreeDepth bounds the search of sys/devices for net/DEV directories.
const maxDevTreeDepth = 8

// devTreeDir finds NAME's directory in sys/devices (…/net/NAME) when the
// bundle kept the device tree but not the class link. The tree is indexed
// once per sample; system/ (CPUs, nodes) is skipped.
func (l *loader) devTreeDir(name string) string {
	l.devTreeOnce.Do(func() {
		l.devTree = map[string]string{}
		seen := 0
		var walk func(dir string, depth int)
		walk = func(dir string, depth int) {
			if depth > maxDevTreeDepth || seen > maxWalkEntries {
				return
			}
			ents, err := l.readDir(dir)
			if err != nil {
				return
			}
			seen += len(ents)
			for _, e := range ents {
				if !e.IsDir() {
					continue
				}
				n := e.Name()
				p := dir + "/" + n
				switch {
				case depth == 0 && n == "system":
					continue
				case n == "net":
					if sub, err := l.readDir(p); err == nil {
						for _, s := range sub {
							if s.IsDir() && len(s.Name()) <= maxIfaceName {
								if _, dup := l.devTree[s.Name()]; !dup {
									l.devTree[s.Name()] = p + "/" + s.Name()
								}
							}
						}
					}
				case n == "statistics" || n == "queues" || n == "power" || n == "msi_irqs":
					continue
				default:
					walk(p, depth+1)
				}
			}
		}
		walk("sys/devices", 0)
	})
	return l.devTree[name]
}

// deviceFromDir takes the device and PCI function from an interface's real
// directory, sys/devices/…/DEVICE/net/NAME: DEVICE is the device ("virtio0",
// "0000:3b:00.0"), its parent the PCI function for virtio. Interfaces under
// sys/devices/virtual are software. It reads numa_node where sos copied it.
func (l *loader) deviceFromDir(n *host.NIC, dir, source string) {
	if !strings.HasPrefix(dir, "sys/devices/") || strings.HasPrefix(dir, "sys/devices/virtual/") {
		return
	}
	netParent := path.Dir(dir)
	if path.Base(netParent) != "net" {
		return
	}
	devPath := path.Dir(netParent)
	dev := path.Base(devPath)
	if dev == "." || dev == "devices" {
		return
	}
	n.Kind = kindPhysical
	n.SetFact(host.FactKind, source)
	if n.Device == "" {
		n.Device = dev
		n.SetFact(host.FactDevice, source)
	}
	pciPath := ""
	switch {
	case isPCIAddr(dev):
		pciPath = devPath
	case isPCIAddr(path.Base(path.Dir(devPath))):
		pciPath = path.Dir(devPath)
	}
	if pciPath != "" && n.PCI == "" {
		n.PCI = path.Base(pciPath)
		n.SetFact(host.FactPCI, source)
	}
	if n.NUMANode < 0 {
		for _, p := range []string{devPath, pciPath} {
			if p == "" {
				continue
			}
			if b, err := l.readFile(p + "/numa_node"); err == nil {
				if v, ok := numaNode(b); ok {
					n.NUMANode = v
				}
				break
			}
		}
	}
}

// identify decides the NIC's kind from every piece of evidence, after sysfs
// and ethtool were read, and records where it came from.
func identify(n *host.NIC, has map[string]fs.DirEntry, devtype string) {
	drv := strings.ToLower(n.Driver)
	if n.Driver != "" {
		n.SetFact(host.FactDriver, driverSource(n))
	}
	if isVirtualHW(drv) {
		n.VirtualHW = true
	}
	if n.Kind == kindPhysical {
		return
	}
	if k, ok := softwareDrivers[drv]; ok && n.Name != "lo" {
		n.Kind = k
		n.SetFact(host.FactKind, factDriverClass)
		return
	}
	k := nicKind(n, has, devtype)
	switch {
	case k != kindVirtual:
	case n.PCI != "":
		k = kindPhysical
		n.SetFact(host.FactKind, factEthtoolInfo+" bus-info")
	case n.VirtualHW:
		k = kindPhysical
		n.SetFact(host.FactKind, factDriverClass)
	}
	n.Kind = k
}

// driverSource says where the driver name came from.
func driverSource(n *host.NIC) string {
	if n.Facts != nil && n.Facts[host.FactDriver] != "" {
		return n.Facts[host.FactDriver]
	}
	return factEthtoolInfo
}
