package fixturegen

import (
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
