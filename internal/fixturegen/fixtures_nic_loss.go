package fixturegen

import "fmt"

// Fixtures of the NIC-level losses: each driver's own drop counters, cloud
// allowances and the physical link. The four injected faults are copies of
// healthy-2socket-ht with one NIC counter growing by 10,000/s, on a NIC of
// the driver that prints it; each must give at least a warning.

// Check IDs of the NIC-level loss checks.
const (
	chkCloudLimits = "cloud-nic-limits"
	chkLinkErrors  = "nic-link-errors"
)

// healthyWithNIC is healthy-2socket-ht renamed, both NICs turned into the
// driver's (PCI addresses kept), with extra ethtool -S counters on eth0
// and others on eth1.
func healthyWithNIC(name, description, nearMiss, driver, version string, virt bool, eth0, others map[string]Counter) Scenario {
	sc := healthy2SocketHT()
	sc.Name, sc.Description, sc.NearMiss = name, description, nearMiss
	if virt {
		sc.Virt = "kvm"
	}
	nics := append([]NIC(nil), sc.NICs...)
	for i := range nics {
		if nics[i].Kind == KindLoopback || nics[i].Driver == "loopback" {
			continue
		}
		nics[i].Driver, nics[i].DriverVersion = driver, version
		nics[i].Ethtool = others
		if nics[i].Name == "eth0" {
			nics[i].Ethtool = eth0
		}
	}
	sc.NICs = nics
	return sc
}

// queueCounters is a per-queue counter (format with one %d) of nq queues
// at zero, with queue hot growing at rate.
func queueCounters(format string, nq, hot int, rate float64, extra map[string]Counter) map[string]Counter {
	m := map[string]Counter{}
	for i := 0; i < nq; i++ {
		c := Counter{}
		if i == hot {
			c.Rate = rate
		}
		m[fmt.Sprintf(format, i)] = c
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// enaAllowances are ENA's allowance counters, all at zero unless set.
func enaAllowances(set map[string]Counter) map[string]Counter {
	m := map[string]Counter{
		"tx_timeout": {}, "suspend": {}, "resume": {}, "wd_expired": {}, "interface_up": {Start: 1}, "interface_down": {},
		"admin_q_pause": {}, "bw_in_allowance_exceeded": {}, "bw_out_allowance_exceeded": {}, "pps_allowance_exceeded": {},
		"conntrack_allowance_exceeded": {}, "linklocal_allowance_exceeded": {}, "conntrack_allowance_available": {Start: 196_000},
	}
	for k, v := range set {
		m[k] = v
	}
	return m
}

// healthyVerdicts are healthy-2socket-ht's verdicts with the NIC-level loss
// checks' own.
func healthyVerdicts(fifo, cloud, link string) Verdicts {
	return Verdicts{chkConcentration: vPass, chkNUMARemote: vPass, chkSoftnet: vPass, chkFifo: fifo, chkHTSiblings: vPass,
		chkTwRecycle: vNotApp, chkAppOnIRQ: vPass, chkCloudLimits: cloud, chkLinkErrors: link}
}

func enaPPSAllowance() Scenario {
	sc := healthyWithNIC("ena-pps-allowance",
		"healthy-2socket-ht as an AWS-style KVM guest: both NICs are ENA (2.8.3g), and eth0's pps_allowance_exceeded grows by 10,000/s while it receives ~240,000 packets/s: the instance's packet-rate allowance queues or drops packets before the guest sees them. The guest's own counters stay clean.",
		"Only cloud-nic-limits fires, critical (over 1 % of the received packets); nic-rx-fifo-missed judges ENA on its overruns (none) and passes; nic-link-errors is not applicable to virtual hardware.",
		"ena", "2.8.3g", true, enaAllowances(map[string]Counter{"pps_allowance_exceeded": {Start: 120, Rate: 10_000}}), enaAllowances(nil))
	sc.Expect = Expect{
		Findings: append([]ExpectFinding{{Check: chkCloudLimits, Subject: "eth0", Severity: sevCritical}}, xpsNotices("eth0", "eth1")...),
		Verdicts: Verdicts{chkFifo: vPass, chkCloudLimits: vFail, chkLinkErrors: vNotApp, chkSoftnet: vPass},
	}
	return sc
}

func enaAllowanceHistory() Scenario {
	sc := healthyWithNIC("ena-allowance-history",
		"healthy-2socket-ht as an AWS-style KVM guest with ENA NICs whose allowance counters are non-zero since driver load (bw_in 5,210, pps 880, linklocal 12) but did not grow over the 5 s window.",
		"cloud-nic-limits passes: shaping that happened some time since the driver loaded is history; only growth over the window is a finding.",
		"ena", "2.8.3g", true, enaAllowances(map[string]Counter{
			"bw_in_allowance_exceeded": {Start: 5210}, "pps_allowance_exceeded": {Start: 880}, "linklocal_allowance_exceeded": {Start: 12},
		}), enaAllowances(nil))
	sc.Expect = Expect{Findings: xpsNotices("eth0", "eth1"), Verdicts: Verdicts{chkFifo: vPass, chkCloudLimits: vPass, chkLinkErrors: vNotApp}}
	return sc
}

func gveNoBuffers() Scenario {
	sc := healthyWithNIC("gve-no-buffers",
		"healthy-2socket-ht as a Google Cloud-style KVM guest: both NICs are gve, and eth0's rx_no_buffers_posted[0] grows by 10,000/s (queue 0 had no receive buffer posted) while it receives ~240,000 packets/s.",
		"nic-rx-fifo-missed fires critical on the per-queue counter (the name[N] form, summed over the queues), although gve is virtual hardware; cloud-nic-limits is not applicable (gve has no allowance counters).",
		"gve", "1.3.4", true, queueCounters("rx_no_buffers_posted[%d]", 8, 0, 10_000,
			queueCounters("rx_drops_packet_over_mru[%d]", 8, -1, 0, nil)),
		queueCounters("rx_no_buffers_posted[%d]", 8, -1, 0, queueCounters("rx_drops_packet_over_mru[%d]", 8, -1, 0, nil)))
	sc.Expect = Expect{
		Findings: append([]ExpectFinding{{Check: chkFifo, Subject: "eth0", Severity: sevCritical}}, xpsNotices("eth0", "eth1")...),
		Verdicts: Verdicts{chkFifo: vFail, chkCloudLimits: vNotApp, chkLinkErrors: vNotApp},
	}
	return sc
}

func bnxtDiscards() Scenario {
	sc := healthyWithNIC("bnxt-discards",
		"healthy-2socket-ht with Broadcom bnxt_en NICs: eth0's rx_total_discard_pkts grows by 10,000/s, all of it ring 3's [3]: rx_discards, while it receives ~240,000 packets/s.",
		"nic-rx-fifo-missed fires critical on the driver's own counter; the total and its ring are one loss (the largest, not the sum: 10,000/s, not 20,000/s).",
		"bnxt_en", "1.10.2-227.0.130.0", false, queueCounters("[%d]: rx_discards", 8, 3, 10_000,
			map[string]Counter{"rx_total_discard_pkts": {Rate: 10_000}, "tx_total_discard_pkts": {}}),
		queueCounters("[%d]: rx_discards", 8, -1, 0, map[string]Counter{"rx_total_discard_pkts": {}, "tx_total_discard_pkts": {}}))
	sc.Expect = Expect{
		Findings: append([]ExpectFinding{{Check: chkFifo, Subject: "eth0", Severity: sevCritical}}, xpsNotices("eth0", "eth1")...),
		Verdicts: healthyVerdicts(vFail, vNotApp, vPass),
	}
	return sc
}

func i40ePortDiscards() Scenario {
	sc := healthyWithNIC("i40e-port-discards",
		"healthy-2socket-ht with Intel i40e NICs: eth0's port.rx_discards grows by 10,000/s while it receives ~240,000 packets/s; the kernel's statistics show nothing.",
		"nic-rx-fifo-missed fires critical on the i40e port counter alone.",
		"i40e", "2.22.18", false, map[string]Counter{"port.rx_discards": {Start: 40, Rate: 10_000}}, map[string]Counter{"port.rx_discards": {}})
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkFifo, Subject: "eth0", Severity: sevCritical}},
		Verdicts: healthyVerdicts(vFail, vNotApp, vPass),
	}
	return sc
}

func i40eNotLosses() Scenario {
	sc := healthyWithNIC("i40e-not-losses",
		"healthy-2socket-ht with Intel i40e NICs whose drop-named counters that are not receive losses grow: port.tx_dropped_link_down (transmit), veb.rx_discards (the embedded switch), an XDP program's rx-0.xdp_drops, and ethtool -S's copy of the kernel's rx_dropped.",
		"Nothing fires: transmit, embedded-switch and XDP counters are excluded from the unknown-counter notice, and the rx_dropped copy is the kernel's own.",
		"i40e", "2.22.18", false, map[string]Counter{
			"port.tx_dropped_link_down": {Rate: 30}, "veb.rx_discards": {Rate: 50}, "rx-0.xdp_drops": {Rate: 800}, "rx_dropped": {Rate: 5},
		}, nil)
	sc.Expect = Expect{Verdicts: healthyVerdicts(vPass, vNotApp, vPass)}
	return sc
}

func mlx5UnknownDiscards() Scenario {
	sc := healthyWithNIC("mlx5-unknown-discards",
		"healthy-2socket-ht with Mellanox mlx5_core NICs: eth0's rx_prio0_discards, a per-priority buffer counter netdoctor's loss table does not hold, grows by 40/s.",
		"nic-rx-fifo-missed gives only the notice \"unknown driver counter grew\" (its overflow counters, rx_out_of_buffer and rx_discards_phy, stay at zero).",
		"mlx5_core", "5.14.0-362.24.1.el9_3", false, map[string]Counter{"rx_prio0_discards": {Start: 10, Rate: 40}}, nil)
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkFifo, Subject: "eth0", Severity: sevNotice}},
		Verdicts: healthyVerdicts(vFail, vNotApp, vPass),
	}
	return sc
}

func crcErrors() Scenario {
	sc := healthy2SocketHT()
	sc.Name = "crc-errors"
	sc.Description = "healthy-2socket-ht whose eth1 receives damaged frames: rx_crc_errors grows by 30/s (rx_errors with it)."
	sc.NearMiss = "nic-link-errors fires critical on eth1 (more than one damaged frame per second); eth0 stays silent; the kernel-side checks do not fire, since the NIC dropped the frames before the host saw them."
	nics := append([]NIC(nil), sc.NICs...)
	for i := range nics {
		if nics[i].Name == "eth1" {
			nics[i].Stats = map[string]Counter{"rx_crc_errors": {Start: 310, Rate: 30}}
		}
	}
	sc.NICs = nics
	sc.Expect = Expect{
		Findings: []ExpectFinding{{Check: chkLinkErrors, Subject: "eth1", Severity: sevCritical}},
		Verdicts: healthyVerdicts(vPass, vNotApp, vFail),
	}
	return sc
}

func crcErrorsHistory() Scenario {
	sc := healthy2SocketHT()
	sc.Name = "crc-errors-history"
	sc.Description = "healthy-2socket-ht whose eth1 counted 12 CRC errors some time since boot (link training, a cable reseated) and none over the window."
	sc.NearMiss = "nic-link-errors passes: no growth over the window, and a handful since boot is far below 1 in 10,000 frames."
	nics := append([]NIC(nil), sc.NICs...)
	for i := range nics {
		if nics[i].Name == "eth1" {
			nics[i].Stats = map[string]Counter{"rx_crc_errors": {Start: 12}}
		}
	}
	sc.NICs = nics
	sc.Expect = Expect{Verdicts: healthyVerdicts(vPass, vNotApp, vPass)}
	return sc
}
