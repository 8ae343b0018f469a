package fixturegen

import (
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// Fixtures of the configuration checks of the adapter's interrupts and
// the CPUs' power policy: msix-disabled and cpu-power-irq-cpus. Each fires
// in one scenario and stays silent in its near miss.

// Check IDs of these fixtures.
const (
	chkMSIX = "msix-disabled"
)

// configCChecks are the check IDs the fixtures of this file declare.
var configCChecks = []string{chkMSIX}

// msixLegacy: one sosreport of a host whose 10G ixgbe adapter came up
// without MSI-X (lspci "MSI-X: Enable- Count=64"): the driver fell back
// to one MSI vector and one queue, and reports a channel maximum of 1.
func msixLegacy() Scenario {
	off, on := false, true
	sc := rhel89.host(Scenario{
		Name:        "msix-legacy",
		Description: "One sos 4.5.6 sosreport of a RHEL 8.9 host, 8 CPUs, two ixgbe 10G adapters: ens1f0's MSI-X capability is disabled (lspci -nnvv \"MSI-X: Enable- Count=64\", \"MSI: Enable+\"), so the driver runs one queue on one MSI vector (ethtool -l maximum 1, as ixgbe reports without MSI-X); ens2f0 has MSI-X on and 4 queues. No loss counters grow.",
		NearMiss:    "ens2f0 has MSI-X enabled with its 4 queue vectors: silent; ens1f0 loses nothing, so its single vector is a notice, not a warning.",
		Bundle:      BundleSosreport,
		Sos:         "4.5.6",
		Sysstat:     true,
		Hostname:    "edge07",
		Times:       []time.Time{at(time.March, 3, 14, 2, 41)},
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz", MHz: 2100, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 1},
		NICs: []NIC{lo(),
			{Name: "ens1f0", Driver: "ixgbe", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 1, IRQBase: 60, Queues: queuesOn("ens1f0", seq(2, 2), 9000),
				PCIe: &host.PCIeLink{Speed: 8, Width: 8, MaxSpeed: 8, MaxWidth: 8, MSIX: &off, MSIXCount: 64, MSI: &on}},
			{Name: "ens2f0", Driver: "ixgbe", PCI: "0000:5e:00.0", NUMANode: 0, Speed: 10000, MaxCombined: 63, IRQBase: 80, Queues: queuesOn("ens2f0", seq(4, 7), 2000),
				PCIe: &host.PCIeLink{Speed: 8, Width: 8, MaxSpeed: 8, MaxWidth: 8, MSIX: &on, MSIXCount: 64}},
		},
	})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkMSIX, Subject: "ens1f0", Severity: sevNotice}},
		Verdicts: Verdicts{chkMSIX: vFail, chkPCIe: vPass, chkLRO: vNotApp, chkBond: vNotApp},
	}
	return sc
}

// ethtoolCoalesce is ethtool -c of a fixture NIC: the driver's default
// coalescing on physical NICs (ixgbe: adaptive off, rx-usecs 1, its
// dynamic ITR; the others adaptive RX and TX on with 50 µs), "not
// supported" elsewhere, as sos writes it (the error before the header).
func (m *model) ethtoolCoalesce(n *nicModel) []byte {
	if n.Kind != KindPhysical {
		return []byte("Cannot get device coalesce settings: Operation not supported\nCoalesce parameters for " + n.Name + ":\n")
	}
	on, off := true, false
	c := host.Coalesce{AdaptiveRX: &on, AdaptiveTX: &on, RXUsecs: 50, RXFrames: 0, TXUsecs: 50, TXFrames: 0}
	if n.Driver == "ixgbe" {
		c = host.Coalesce{AdaptiveRX: &off, AdaptiveTX: &off, RXUsecs: 1, RXFrames: 0, TXUsecs: 0, TXFrames: 0}
	}
	if n.Coalesce != nil {
		c = *n.Coalesce
	}
	return cmdout.FormatEthtoolCoalesce(n.Name, c)
}
