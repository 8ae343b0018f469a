package fixturegen

import (
	"fmt"
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
var configCChecks = []string{chkMSIX, chkCPUPower}

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

// PowerSpec is the CPUs' frequency and idle policy a fixture writes in
// sysfs: cpufreq/policyN for every online CPU, intel_pstate/ when the
// driver is intel_pstate (active), cpuidle/current_driver and cpuN/cpuidle
// states. Frequencies are in MHz.
type PowerSpec struct {
	Driver   string // scaling_driver: "intel_pstate", "acpi-cpufreq"
	Governor string
	// EPP is energy_performance_preference ("" writes no file: no HWP).
	EPP            string
	CurMHz, MaxMHz int
	// States are the idle states (default intel_idle's POLL, C1, C1E, C6
	// of a Skylake-SP server).
	States []host.IdleState
}

// defaultIdleStates are intel_idle's states on Skylake-SP.
var defaultIdleStates = []host.IdleState{{Name: "POLL", LatencyUs: 0}, {Name: "C1", LatencyUs: 2}, {Name: "C1E", LatencyUs: 10}, {Name: "C6", LatencyUs: 133}}

// writePower writes the scenario's PowerSpec into sys/devices/system/cpu.
func (m *model) writePower(t *tree, s int, capped bool) {
	ps := m.sc.Power
	if ps == nil {
		return
	}
	d := "sys/devices/system/cpu/"
	if ps.Driver == "intel_pstate" {
		t.line(d+"intel_pstate/status", "active")
		t.line(d+"intel_pstate/no_turbo", "0")
	}
	for _, c := range m.online(s) {
		pd := fmt.Sprintf("%scpufreq/policy%d/", d, c)
		t.line(pd+"affected_cpus", itoa(c))
		t.line(pd+"scaling_driver", ps.Driver)
		t.line(pd+"scaling_governor", ps.Governor)
		if ps.EPP != "" {
			t.line(pd+"energy_performance_preference", ps.EPP)
		}
		t.line(pd+"scaling_cur_freq", itoa(ps.CurMHz*1000))
		t.line(pd+"cpuinfo_max_freq", itoa(ps.MaxMHz*1000))
	}
	states := ps.States
	if states == nil {
		states = defaultIdleStates
	}
	t.line(d+"cpuidle/current_driver", "intel_idle")
	for _, c := range m.cpuDirs(capped) {
		if !m.isOnline(c, s) {
			continue
		}
		for k, st := range states {
			sd := fmt.Sprintf("%scpu%d/cpuidle/state%d/", d, c, k)
			t.line(sd+"name", st.Name)
			t.line(sd+"latency", itoa(st.LatencyUs))
			dis := "0"
			if st.Disabled {
				dis = "1"
			}
			t.line(sd+"disable", dis)
		}
	}
}

// powerInputsNotOK are the CPU power inputs a fixture without a
// PowerSpec (or without intel_pstate) records as missing.
func (m *model) powerInputsNotOK() []ExpectInput {
	ps := m.sc.Power
	if ps == nil {
		return []ExpectInput{{Name: "cpufreq", Status: "missing"}, {Name: "cpuidle", Status: "missing"}, {Name: "intel_pstate", Status: "missing"}}
	}
	if ps.Driver != "intel_pstate" {
		return []ExpectInput{{Name: "intel_pstate", Status: "missing"}}
	}
	return nil
}

const chkCPUPower = "cpu-power-irq-cpus"

// cpuPowerHost is the bare-metal host of the two CPU power fixtures: a
// RHEL 9 collect bundle, 8 cores, i40e ens1f0 with 4 queues on CPUs 0-3.
func cpuPowerHost(name, desc, near string, ps *PowerSpec, softnet map[int]Softnet) Scenario {
	return rhel93.host(Scenario{
		Name:        name,
		Description: desc,
		NearMiss:    near,
		Hostname:    "lb03",
		Times:       pair(at(time.May, 21, 10, 4, 12), 5),
		CPU:         CPUSpec{Model: "Intel(R) Xeon(R) Gold 6144 CPU @ 3.50GHz", MHz: 3500, Sockets: 1, CoresPerSocket: 8, ThreadsPerCore: 1},
		NICs: []NIC{lo(),
			{Name: "ens1f0", Driver: "i40e", PCI: "0000:3b:00.0", NUMANode: 0, Speed: 25000, MaxCombined: 8, IRQBase: 60, Queues: queuesOn("ens1f0", seq(0, 3), 6000)},
		},
		Power:   ps,
		Softnet: softnet,
	})
}

// cpuPowersaveDrops: intel_pstate with the "power" energy-performance
// preference on every CPU while the backlog of CPU 2, which serves a
// queue of ens1f0, drops packets.
func cpuPowersaveDrops() Scenario {
	sc := cpuPowerHost("cpu-powersave-drops",
		"RHEL 9 bare-metal load balancer (collect bundle, 5 s), 8 cores, i40e ens1f0 with 4 queues on CPUs 0-3: intel_pstate active, governor powersave with energy_performance_preference \"power\" on every CPU (sampled at 1,200 of 3,500 MHz), intel_idle C6 enabled; softnet drops grow on CPU 2 (15/s).",
		"The power policy is judged by its preference, not the governor's name: the sibling fixture cpu-pstate-epp-performance has the same governor and stays silent.",
		&PowerSpec{Driver: "intel_pstate", Governor: "powersave", EPP: "power", CurMHz: 1200, MaxMHz: 3500},
		map[int]Softnet{2: {Dropped: Counter{Start: 3120, Rate: 15}}})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkCPUPower, Subject: "CPUs 0-3", CPUs: []int{0, 1, 2, 3}, Severity: sevWarning},
			{Check: chkSoftnet, Subject: softnetSubject, CPUs: []int{2}, Severity: sevCritical}},
		Verdicts: Verdicts{chkCPUPower: vFail, chkSoftnet: vFail},
	}
	return sc
}

// cpuPstateEPPPerformance: the near miss: intel_pstate's powersave
// governor with the "performance" energy-performance preference (what
// tuned's throughput-performance sets) and no loss.
func cpuPstateEPPPerformance() Scenario {
	sc := cpuPowerHost("cpu-pstate-epp-performance",
		"RHEL 9 bare-metal load balancer (collect bundle, 5 s), 8 cores, i40e ens1f0 with 4 queues on CPUs 0-3: intel_pstate active, governor powersave with energy_performance_preference \"performance\" on every CPU (sampled at 3,500 MHz), intel_idle C6 enabled; no loss.",
		"intel_pstate's powersave governor with EPP performance runs at full clock: cpu-power-irq-cpus passes (deep idle states alone, without a loss, are not reported).",
		&PowerSpec{Driver: "intel_pstate", Governor: "powersave", EPP: "performance", CurMHz: 3500, MaxMHz: 3500},
		nil)
	sc.Expect = Expect{Verdicts: Verdicts{chkCPUPower: vPass}}
	return sc
}
