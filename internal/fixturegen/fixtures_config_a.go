package fixturegen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// Configuration inputs of the fixtures (ethtool -k) and the scenarios of
// the configuration checks that read them.

const chkLRO = "lro-forwarding"

// ethtoolFeatures is `ethtool -k` of a fixture NIC: the features a driver
// of its kind reports (LRO off, GRO on; virtio and software interfaces
// report LRO fixed off), with the scenario's overrides.
func (m *model) ethtoolFeatures(n *nicModel) []byte {
	fixed := n.Kind != KindPhysical
	f := map[string]host.Feature{
		"rx-checksumming":              {On: true},
		"scatter-gather":               {On: true},
		"generic-segmentation-offload": {On: true},
		host.FeatureGRO:                {On: true},
		host.FeatureLRO:                {Fixed: fixed},
		host.FeatureNtuple:             {Fixed: fixed},
		host.FeatureRxHash:             {On: !fixed, Fixed: fixed},
		"rx-gro-hw":                    {Fixed: true},
		"highdma":                      {On: true, Fixed: true},
	}
	for k, v := range n.Features {
		f[k] = v
	}
	return cmdout.FormatEthtoolFeatures(n.Name, f)
}

// lroRouter: an edge router whose uplink had LRO switched back on after
// forwarding was enabled, and whose adapter drops frames meanwhile.
func lroRouter() Scenario {
	sc := rhel93.host(Scenario{
		Name:        "lro-router",
		Description: "RHEL 9 edge router (net.ipv4.ip_forward = 1), 8 CPUs, two ixgbe ports: eth0 had LRO switched back on by hand after forwarding started and misses 2,000 frames/s (critical loss; the LRO finding stays a warning below it); eth1 keeps LRO on too but loses nothing. Collect bundle, 5 s.",
		NearMiss:    "eth1 has LRO on without a loss: a notice only; GRO on both ports is not reported.",
		Hostname:    "edge01",
		Times:       pair(at(time.March, 5, 10, 11, 12), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz", MHz: 3700, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 1},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", PCI: "0000:01:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 60, Queues: queuesOn("eth0", seq(0, 3), 5000),
				Features: map[string]host.Feature{host.FeatureLRO: {On: true}},
				Stats:    map[string]Counter{"rx_missed_errors": {Rate: 2000}}},
			{Name: "eth1", Driver: "ixgbe", PCI: "0000:01:00.1", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 70, Queues: queuesOn("eth1", seq(4, 7), 5000),
				Features: map[string]host.Feature{host.FeatureLRO: {On: true}}},
		},
		Sysctl: map[string]string{"net.ipv4.ip_forward": "1"},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{
			{Check: chkFifo, Subject: "eth0", Severity: sevCritical},
			{Check: chkLRO, Subject: "eth0", Severity: sevWarning},
			{Check: chkLRO, Subject: "eth1", Severity: sevNotice},
		},
		Verdicts: Verdicts{chkLRO: vFail, chkFifo: vFail, chkTwRecycle: vNotApp},
	}
	return sc
}

// BondSpec is a bonding master's state as /proc/net/bonding/NAME shows it.
type BondSpec struct {
	// Mode is the "Bonding Mode" text.
	Mode string
	// Aggregator is the active aggregator's ID (802.3ad), 0 for none.
	Aggregator int
	Slaves     []BondSlaveSpec
}

// BondSlaveSpec is one slave of a BondSpec.
type BondSlaveSpec struct {
	Name         string
	Down         bool
	Speed        int
	LinkFailures int
	Aggregator   int
}

// bondEthtoolFiles are ethtool's outputs of a bonding master.
func (m *model) bondEthtoolFiles(n *nicModel) map[string][]byte {
	link := n.OperState == "up"
	return map[string][]byte{
		"":   cmdout.FormatEthtoolSettings(cmdout.LinkSettings{Name: n.Name, Speed: n.Speed, Duplex: "Full", Link: &link}),
		"-S": []byte(ethtoolNoStats),
		"-i": cmdout.FormatEthtoolInfo(cmdout.DriverInfo{Driver: "bonding", Version: m.sc.Kernel, Firmware: "2", BusInfo: ""}),
		"-g": []byte(ethtoolNoRing),
		"-l": []byte(ethtoolNoChan),
	}
}

// writeBonding writes /proc/net/bonding/NAME of every bonding master.
func (m *model) writeBonding(w *sampleWriter, netDir string) {
	for _, n := range m.nics {
		if n.Kind != KindBond || n.Bond == nil || n.Hidden {
			continue
		}
		w.t.text(netDir+"bonding/"+n.Name, bondingText(n.Bond))
	}
}

// bondingText is /proc/net/bonding/NAME as the bonding driver prints it.
func bondingText(b *BondSpec) string {
	var s strings.Builder
	s.WriteString("Ethernet Channel Bonding Driver: v5.14.0\n\n")
	fmt.Fprintf(&s, "Bonding Mode: %s\n", b.Mode)
	up := "down"
	for _, sl := range b.Slaves {
		if !sl.Down {
			up = "up"
		}
	}
	lacp := strings.Contains(b.Mode, "802.3ad")
	if !lacp && len(b.Slaves) > 0 && strings.Contains(b.Mode, "active-backup") {
		fmt.Fprintf(&s, "Primary Slave: None\nCurrently Active Slave: %s\n", b.Slaves[0].Name)
	}
	fmt.Fprintf(&s, "MII Status: %s\nMII Polling Interval (ms): 100\nUp Delay (ms): 0\nDown Delay (ms): 0\n", up)
	if lacp {
		s.WriteString("\n802.3ad info\nLACP rate: fast\nMin links: 0\nAggregator selection policy (ad_select): stable\n")
		fmt.Fprintf(&s, "Active Aggregator Info:\n\tAggregator ID: %d\n\tNumber of ports: %d\n\tActor Key: 15\n\tPartner Key: 32785\n\tPartner Mac Address: 00:23:04:ee:be:01\n", b.Aggregator, len(b.Slaves))
	}
	for i, sl := range b.Slaves {
		st, speed := "up", itoa(sl.Speed)+" Mbps"
		if sl.Down {
			st, speed = "down", "Unknown"
		}
		fmt.Fprintf(&s, "\nSlave Interface: %s\nMII Status: %s\nSpeed: %s\nDuplex: full\nLink Failure Count: %d\nPermanent HW addr: 3c:fd:fe:00:00:0%d\nSlave queue ID: 0\n",
			sl.Name, st, speed, sl.LinkFailures, i+1)
		if lacp {
			fmt.Fprintf(&s, "Aggregator ID: %d\n", sl.Aggregator)
		}
	}
	return s.String()
}

const chkBond = "bond-degraded"

// bondLACPSplit: a storage host's LACP bond whose second port joined
// another aggregator (the switch ports are not in one port-channel), and an
// active-backup bond whose backup idles as designed. A sosreport.
func bondLACPSplit() Scenario {
	q := func(nic string, cpus []int) []Queue { return queuesOn(nic, cpus, 3000) }
	sc := rhel93.host(Scenario{
		Name:        "bond-lacp-split",
		Description: "RHEL 9 storage host, 8 CPUs, four ixgbe ports: bond0 (802.3ad over eth0 and eth1) with eth1 in aggregator 2 while the active aggregator is 1, so bond0 runs on one link; bond1 (active-backup over eth2 and eth3) healthy. Two sosreports, 60 s apart.",
		NearMiss:    "bond1's backup slave carries no traffic by design and both its slaves are up: silent.",
		Hostname:    "stor03",
		Bundle:      BundleSosreports,
		Sos:         "4.7.2",
		Sysstat:     true,
		Times:       pair(at(time.June, 3, 9, 0, 0), 60),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Silver 4208 CPU @ 2.10GHz", MHz: 2100, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 1},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 60, Queues: q("eth0", seq(0, 7))},
			{Name: "eth1", Driver: "ixgbe", PCI: "0000:3b:00.1", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 70, Queues: q("eth1", seq(0, 7))},
			{Name: "eth2", Driver: "ixgbe", PCI: "0000:5e:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 80, Queues: q("eth2", seq(0, 7))},
			{Name: "eth3", Driver: "ixgbe", PCI: "0000:5e:00.1", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 90, Queues: q("eth3", seq(0, 7))},
			{Name: "bond0", Driver: "bonding", Kind: KindBond, NUMANode: -1, Speed: 10000, Bond: &BondSpec{
				Mode: "IEEE 802.3ad Dynamic link aggregation", Aggregator: 1,
				Slaves: []BondSlaveSpec{{Name: "eth0", Speed: 10000, Aggregator: 1}, {Name: "eth1", Speed: 10000, Aggregator: 2, LinkFailures: 1}}}},
			{Name: "bond1", Driver: "bonding", Kind: KindBond, NUMANode: -1, Speed: 10000, Bond: &BondSpec{
				Mode:   "fault-tolerance (active-backup)",
				Slaves: []BondSlaveSpec{{Name: "eth2", Speed: 10000}, {Name: "eth3", Speed: 10000}}}},
		},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkBond, Subject: "bond0", Severity: sevWarning}},
		Verdicts: Verdicts{chkBond: vFail, chkLRO: vNotApp},
	}
	return sc
}

const (
	chkRPFilter = "rp-filter-drops"
	chkPause    = "pause-frames"
)

// rpFilterMultiHomed: a host with a front-end and a back-end network whose
// replies from the back-end arrive asymmetrically: strict rp_filter (the
// RHEL default per interface) drops them.
func rpFilterMultiHomed() Scenario {
	sc := rhel93.host(Scenario{
		Name:        "rp-filter-multihomed",
		Description: "RHEL 9 application host, 8 CPUs, two ixgbe ports on two networks (eth0 front end, eth1 back end), rp_filter = 1 on each (the distribution's default) and 0 for all; replies from a back-end subnet routed through the front end are dropped by the reverse path filter at 40/s. eth1 (flow control on, the ixgbe default) sends 800 pause frames/s: the host back-pressures the back-end switch. Collect bundle, 5 s.",
		NearMiss:    "Every other fixture has strict rp_filter on its interfaces without IPReversePathFilter growth: silent. eth0 only receives pause frames (the switch slows it): no pause-frames finding; eth1 loses nothing, so its pause frames stay a notice.",
		Hostname:    "app07",
		Times:       pair(at(time.March, 5, 10, 11, 12), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz", MHz: 3700, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 1},
		NICs: []NIC{lo(),
			{Name: "eth0", Driver: "ixgbe", PCI: "0000:01:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 60, Queues: queuesOn("eth0", seq(0, 3), 3000),
				Ethtool: map[string]Counter{"tx_flow_control_xoff": {Start: 120}, "rx_flow_control_xoff": {Start: 4000, Rate: 300}}},
			{Name: "eth1", Driver: "ixgbe", PCI: "0000:01:00.1", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 70, Queues: queuesOn("eth1", seq(4, 7), 3000),
				Ethtool: map[string]Counter{"tx_flow_control_xoff": {Start: 81000, Rate: 800}, "rx_flow_control_xoff": {}}},
		},
		NetStat: map[string]Counter{"TcpExt.IPReversePathFilter": {Start: 91234, Rate: 40}},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkRPFilter, Subject: "IPReversePathFilter", Severity: sevWarning}, {Check: chkPause, Subject: "eth1", Severity: sevNotice}},
		Verdicts: Verdicts{chkRPFilter: vFail, chkLRO: vNotApp, chkBond: vNotApp, chkPause: vFail},
	}
	return sc
}

// pcieLink is a physical NIC's PCI Express link.
func pcieLink(n *nicModel) host.PCIeLink {
	if n.PCIe != nil {
		return *n.PCIe
	}
	return host.PCIeLink{Speed: 8, Width: 8, MaxSpeed: 8, MaxWidth: 8}
}

// writePCIe writes the physical NICs' PCI Express links: the sysfs files
// of the function in a collect bundle (sysfs true), lspci -nnvv in a
// sosreport (which copies none of the sysfs files).
func (m *model) writePCIe(w *sampleWriter, sysfs bool) {
	var lspci strings.Builder
	for _, n := range m.nics {
		if n.Kind != KindPhysical || n.Hidden || n.PCI == "" {
			continue
		}
		p := pcieLink(n)
		if sysfs {
			pd := n.pciDir()
			w.t.line(pd+"/current_link_speed", gts(p.Speed)+" GT/s PCIe")
			w.t.line(pd+"/max_link_speed", gts(p.MaxSpeed)+" GT/s PCIe")
			w.t.line(pd+"/current_link_width", itoa(p.Width))
			w.t.line(pd+"/max_link_width", itoa(p.MaxWidth))
			continue
		}
		sta := "Speed " + gtsLspci(p.Speed)
		if p.Speed < p.MaxSpeed {
			sta += " (downgraded)"
		}
		sta += ", Width x" + itoa(p.Width)
		if p.Width < p.MaxWidth {
			sta += " (downgraded)"
		}
		fmt.Fprintf(&lspci, "%s Ethernet controller [0200]: %s [8086:1572] (rev 02)\n", strings.TrimPrefix(n.PCI, "0000:"), n.Driver)
		if p.MSI != nil {
			fmt.Fprintf(&lspci, "\tCapabilities: [50] MSI: Enable%s Count=1/1 Maskable+ 64bit+\n", plusMinus(*p.MSI))
		}
		msix, count := true, 129
		if p.MSIX != nil {
			msix = *p.MSIX
		}
		if p.MSIXCount > 0 {
			count = p.MSIXCount
		}
		fmt.Fprintf(&lspci, "\tCapabilities: [70] MSI-X: Enable%s Count=%d Masked-\n\tCapabilities: [a0] Express (v2) Endpoint, MSI 00\n", plusMinus(msix), count)
		fmt.Fprintf(&lspci, "\t\tLnkCap:\tPort #0, Speed %s, Width x%d, ASPM L1, Exit Latency L1 <16us\n", gtsLspci(p.MaxSpeed), p.MaxWidth)
		fmt.Fprintf(&lspci, "\t\tLnkSta:\t%s\n\tKernel driver in use: %s\n\n", sta, n.Driver)
	}
	if !w.collect {
		lspci.WriteString("00:00.0 Host bridge [0600]: Intel Corporation Sky Lake-E DMI3 Registers [8086:2020] (rev 04)\n\tSubsystem: Intel Corporation Device [8086:0000]\n")
		w.cmd("pci", "lspci -nnvv", "lspci_-nnvv", []byte(lspci.String()))
	}
}

// plusMinus is lspci's flag notation: "+" for on, "-" for off.
func plusMinus(on bool) string {
	if on {
		return "+"
	}
	return "-"
}

// gts prints a link speed as sysfs does ("8.0", "2.5").
func gts(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// gtsLspci prints a link speed as lspci does ("8GT/s", "2.5GT/s").
func gtsLspci(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "GT/s" }

const chkPCIe = "pcie-link-downgrade"

// pcieX4Sosreport: one sosreport of a host whose 40G adapter sits in a
// slot that trained its link at x4 of x8; lspci -nnvv is the only source.
func pcieX4Sosreport() Scenario {
	sc := rhel89.host(Scenario{
		Name:        "pcie-x4-sosreport",
		Description: "One sos 4.5.6 sosreport of a RHEL 8.9 host, 8 CPUs, two i40e 40G adapters: ens1f0's PCI Express link trained at 8 GT/s x4 of its x8 (lspci -nnvv LnkSta \"(downgraded)\"), ens2f0 at its full x8. No loss counters grow.",
		NearMiss:    "ens2f0 runs at its capability: silent; ens1f0 loses nothing, so its downgrade is a notice, not a warning.",
		Bundle:      BundleSosreport,
		Sos:         "4.5.6",
		Sysstat:     true,
		Hostname:    "ingest02",
		Times:       []time.Time{at(time.February, 14, 9, 31, 7)},
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 6134 CPU @ 3.20GHz", MHz: 3200, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 1},
		NICs: []NIC{lo(),
			{Name: "ens1f0", Driver: "i40e", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 40000, MaxCombined: 8, IRQBase: 60, Queues: queuesOn("ens1f0", seq(0, 3), 2000),
				PCIe: &host.PCIeLink{Speed: 8, Width: 4, MaxSpeed: 8, MaxWidth: 8}},
			{Name: "ens2f0", Driver: "i40e", PCI: "0000:5e:00.0", NUMANode: 0, Speed: 40000, MaxCombined: 8, IRQBase: 80, Queues: queuesOn("ens2f0", seq(4, 7), 2000)},
		},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkPCIe, Subject: "ens1f0", Severity: sevNotice}},
		Verdicts: Verdicts{chkPCIe: vFail, chkLRO: vNotApp, chkBond: vNotApp},
	}
	return sc
}

// ethtoolPause is ethtool -a of a fixture NIC: flow control on both ways
// with autonegotiation on physical NICs (the drivers' default), "not
// supported" elsewhere, as sos writes it (the error before the header).
func (m *model) ethtoolPause(n *nicModel) []byte {
	if n.Kind != KindPhysical {
		return []byte("Cannot get device pause settings: Operation not supported\nPause parameters for " + n.Name + ":\n")
	}
	p := host.Pause{AutoNeg: true, RX: true, TX: true}
	if n.Pause != nil {
		p = *n.Pause
	}
	return cmdout.FormatEthtoolPause(n.Name, p)
}

// configInputsNotOK are the configuration inputs a fixture's loader
// records as missing by design: ethtool -a of virtio NICs, which do not
// support it.
func (m *model) configInputsNotOK() []ExpectInput {
	var out []ExpectInput
	for _, n := range m.nics {
		if n.Hidden || m.noNetworking() || n.Kind != KindVirtio {
			continue
		}
		out = append(out, ExpectInput{Name: "ethtool_pause", Subject: n.Name, Status: "missing"})
		out = append(out, ExpectInput{Name: "ethtool_coalesce", Subject: n.Name, Status: "missing"})
	}
	return out
}
