package fixturegen

import (
	"fmt"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// statNames are the files of sys/class/net/DEV/statistics.
var statNames = []string{
	"collisions", "multicast", "rx_bytes", "rx_compressed", "rx_crc_errors", "rx_dropped", "rx_errors",
	"rx_fifo_errors", "rx_frame_errors", "rx_length_errors", "rx_missed_errors", "rx_nohandler",
	"rx_over_errors", "rx_packets", "tx_aborted_errors", "tx_bytes", "tx_carrier_errors",
	"tx_compressed", "tx_dropped", "tx_errors", "tx_fifo_errors", "tx_heartbeat_errors",
	"tx_packets", "tx_window_errors",
}

// nicPPS is a NIC's received packets per second from its queues.
func (n *nicModel) nicPPS() float64 {
	var t float64
	for i, q := range n.Queues {
		if n.Driver == "virtio_net" && i%2 == 1 {
			continue // output queues carry transmit traffic
		}
		t += q.PPS
	}
	return t
}

// linkBytes caps a derived byte rate at half the NIC's link speed: a
// scenario's packet rates say nothing of packet sizes, and a link never
// carries more than its speed (set Stats rx_bytes/tx_bytes for a full link).
func linkBytes(n *nicModel, perSec float64) float64 {
	if n.Speed > 0 {
		return min(perSec, float64(n.Speed)*1e6/8/2)
	}
	return perSec
}

// stat is one sysfs statistics counter of n at sample s.
func (m *model) nicStat(n *nicModel, name string, s int) uint64 {
	if c, ok := n.Stats[name]; ok {
		return u64(c.Start + c.Rate*m.dt[s])
	}
	at := func(rate float64) uint64 {
		return u64(rate*m.up[0]*m.jit(n.Name+name, 0.05) + rate*m.dt[s])
	}
	rx := n.nicPPS()
	if c, ok := n.Stats["rx_packets"]; ok {
		rx = c.Rate
	}
	switch name {
	case "rx_packets":
		return at(rx)
	case "rx_bytes":
		return at(linkBytes(n, rx*740))
	case "tx_packets":
		return at(rx * 0.82)
	case "tx_bytes":
		return at(linkBytes(n, rx*0.82*910))
	case "multicast":
		if n.Kind == KindLoopback {
			return 0
		}
		return at(0.4)
	case "rx_errors":
		return m.nicStat(n, "rx_crc_errors", s) + m.nicStat(n, "rx_frame_errors", s) + m.nicStat(n, "rx_length_errors", s) +
			m.nicStat(n, "rx_over_errors", s)
	}
	return 0
}

// netDev renders /proc/net/dev.
func (m *model) netDev(s int) string {
	var b strings.Builder
	b.WriteString("Inter-|   Receive                                                |  Transmit\n")
	b.WriteString(" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n")
	for _, n := range m.nics {
		if n.Hidden {
			continue
		}
		st := func(name string) uint64 { return m.nicStat(n, name, s) }
		fmt.Fprintf(&b, "%6s: %7d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n", n.Name,
			st("rx_bytes"), st("rx_packets"), st("rx_errors"), st("rx_dropped")+st("rx_missed_errors"), st("rx_fifo_errors"),
			st("rx_length_errors")+st("rx_over_errors")+st("rx_crc_errors")+st("rx_frame_errors"), st("rx_compressed"), st("multicast"),
			st("tx_bytes"), st("tx_packets"), st("tx_errors"), st("tx_dropped"), st("tx_fifo_errors"), st("collisions"),
			st("tx_carrier_errors")+st("tx_aborted_errors")+st("tx_window_errors")+st("tx_heartbeat_errors"), st("tx_compressed"))
	}
	return b.String()
}

// writeNICSysfs writes sys/class/net and the real directories behind it.
// Collect samples also get device/msi_irqs, local_cpulist and queues/.
//
// A sosreport holds only what sos's networking plugin copies:
// sys/class/net/*/device/numa_node (sos >= 3.7), sys/class/net/*/flags and
// sys/class/net/*/statistics/. sos keeps the class link, puts the files at
// the link's target, and creates the device link only where numa_node
// exists: PCI functions, never virtio devices (their numa_node is on the
// PCI parent, not on virtioN).
func (m *model) writeNICSysfs(t *tree, s int, collect bool) {
	for _, n := range m.nics {
		if n.Hidden {
			continue
		}
		dir := n.netDir()
		t.link("sys/class/net/"+n.Name, "../../"+strings.TrimPrefix(dir, "sys/"))
		if !collect {
			m.writeSosNICSysfs(t, s, n, dir)
			continue
		}
		switch n.Kind {
		case KindPhysical:
			t.link(dir+"/device", "../../../"+n.PCI)
		case KindVirtio:
			t.link(dir+"/device", "../../../virtio"+itoa(n.Virtio))
		}
		t.line(dir+"/mtu", itoa(n.MTU))
		t.line(dir+"/operstate", n.OperState)
		t.line(dir+"/ifindex", itoa(n.IfIndex))
		t.line(dir+"/iflink", itoa(n.IfLink))
		t.line(dir+"/address", n.MAC)
		typ := "1"
		if n.Kind == KindLoopback {
			typ = "772"
		}
		t.line(dir+"/type", typ)
		uevent := fmt.Sprintf("INTERFACE=%s\nIFINDEX=%d\n", n.Name, n.IfIndex)
		if n.Kind == KindBond {
			uevent = "DEVTYPE=bond\n" + uevent
		}
		if n.Kind == KindBridge {
			uevent = "DEVTYPE=bridge\n" + uevent
			t.line(dir+"/bridge/bridge_id", "8000."+strings.ReplaceAll(n.MAC, ":", ""))
		}
		t.text(dir+"/uevent", uevent)
		if n.Kind != KindLoopback && n.Kind != KindBridge {
			t.line(dir+"/speed", itoa(n.Speed))
			duplex := "full"
			if n.Speed < 0 {
				duplex = "unknown"
			}
			t.line(dir+"/duplex", duplex)
		}
		if n.Master != "" {
			t.link(dir+"/master", "../"+n.Master)
		}
		for _, name := range statNames {
			if name == "rx_nohandler" && !m.k.rxNohandler() {
				continue
			}
			t.line(dir+"/statistics/"+name, utoa(m.nicStat(n, name, s)))
		}
		if pd := n.pciDir(); pd != "" {
			if collect || m.sos.ge(3, 7, 0) {
				t.line(pd+"/numa_node", itoa(n.NUMANode))
			}
			if collect {
				local := m.online(s)
				if n.NUMANode >= 0 && n.NUMANode < len(m.nodes) {
					local = m.nodeOnline(n.NUMANode, s)
				}
				t.line(pd+"/local_cpulist", cpuList(local))
				for _, r := range n.vectors {
					t.line(pd+"/msi_irqs/"+itoa(r.numAt(s)), "msix")
				}
			}
		}
		if collect {
			rxq := m.rxQueues(n)
			for i := 0; i < rxq; i++ {
				t.line(fmt.Sprintf("%s/queues/rx-%d/rps_cpus", dir, i), cpuMask(nil, m.n))
				t.line(fmt.Sprintf("%s/queues/tx-%d/tx_timeout", dir, i), "0")
				if n.Kind == KindPhysical || n.Kind == KindVirtio {
					m.writeQueueSteering(t, n, dir, i)
				}
			}
		}
	}
}

// writeSosNICSysfs writes what sos copies of one interface below its real
// directory dir: flags, statistics/ and, for a PCI function, the device
// link with numa_node behind it.
func (m *model) writeSosNICSysfs(t *tree, s int, n *nicModel, dir string) {
	flags := "0x1003" // IFF_UP | IFF_BROADCAST | IFF_MULTICAST
	switch {
	case n.Kind == KindLoopback:
		flags = "0x9" // IFF_UP | IFF_LOOPBACK
	case n.OperState != "up":
		flags = "0x1002"
	}
	t.line(dir+"/flags", flags)
	for _, name := range statNames {
		if name == "rx_nohandler" && !m.k.rxNohandler() {
			continue
		}
		t.line(dir+"/statistics/"+name, utoa(m.nicStat(n, name, s)))
	}
	if pd := n.pciDir(); pd != "" && n.Kind == KindPhysical && m.sos.ge(3, 7, 0) {
		t.link(dir+"/device", "../../../"+n.PCI)
		t.line(pd+"/numa_node", itoa(n.NUMANode))
	}
}

// rxQueues is the number of RX queues of a NIC's netdev.
func (m *model) rxQueues(n *nicModel) int {
	switch {
	case n.Driver == "virtio_net":
		return (len(n.Queues) + 1) / 2
	case n.Driver == "e1000e":
		return 1
	case len(n.Queues) > 0:
		return len(n.Queues)
	}
	return 1
}

// ethtool outputs of interfaces that cannot answer, as ethtool prints them.
const (
	ethtoolNoStats   = "no stats available\n"
	ethtoolNoDrvinfo = "Cannot get driver information: Operation not supported\n"
	ethtoolNoRing    = "Cannot get device ring settings: Operation not supported\n"
	ethtoolNoChan    = "Cannot get device channel parameters\n: Operation not supported\n"
)

// ethtoolFiles returns the ethtool outputs of n at sample s, keyed by the
// option ("" plain, "-S", "-i", "-g", "-l").
func (m *model) ethtoolFiles(n *nicModel, s int) map[string][]byte {
	out := map[string][]byte{}
	link := n.OperState == "up" || n.OperState == "unknown"
	switch n.Kind {
	case KindLoopback:
		out[""] = []byte("Settings for " + n.Name + ":\n\tLink detected: yes\n")
		out["-S"] = []byte(ethtoolNoStats)
		out["-i"] = []byte(ethtoolNoDrvinfo)
		out["-g"] = []byte(ethtoolNoRing)
		out["-l"] = []byte(ethtoolNoChan)
		return out
	case KindBond:
		return m.bondEthtoolFiles(n)
	case KindBridge:
		out[""] = cmdout.FormatEthtoolSettings(cmdout.LinkSettings{Name: n.Name, Speed: -1, Duplex: "Unknown! (255)", Link: &link})
		out["-S"] = []byte(ethtoolNoStats)
		out["-i"] = cmdout.FormatEthtoolInfo(cmdout.DriverInfo{Driver: "bridge", Version: "2.3", Firmware: "N/A", BusInfo: "N/A"})
		out["-g"] = []byte(ethtoolNoRing)
		out["-l"] = []byte(ethtoolNoChan)
		return out
	case KindVeth:
		out[""] = cmdout.FormatEthtoolSettings(cmdout.LinkSettings{Name: n.Name, Speed: 10000, Duplex: "Full", Link: &link})
		out["-S"] = cmdout.FormatEthtoolStats(map[string]uint64{
			"peer_ifindex":           uint64(n.IfLink),
			"rx_queue_0_xdp_packets": 0, "rx_queue_0_xdp_bytes": 0, "rx_queue_0_xdp_drops": 0,
		})
		out["-i"] = cmdout.FormatEthtoolInfo(cmdout.DriverInfo{Driver: "veth", Version: "1.0"})
		out["-g"] = []byte(ethtoolNoRing)
		if m.k.ge(5, 9) {
			out["-l"] = cmdout.FormatEthtoolChannels(n.Name, host.Channels{RX: 1, TX: 1, MaxRX: m.n, MaxTX: m.n})
		} else {
			out["-l"] = []byte(ethtoolNoChan)
		}
		return out
	}
	duplex := "Full"
	if n.Speed < 0 {
		duplex = "Unknown! (255)"
	}
	out[""] = cmdout.FormatEthtoolSettings(cmdout.LinkSettings{Name: n.Name, Speed: n.Speed, Duplex: duplex, Link: &link})
	fw := n.Firmware
	if fw == "" && n.Kind == KindPhysical {
		fw = "0x800009e0, 1.2527.0"
	}
	out["-i"] = cmdout.FormatEthtoolInfo(cmdout.DriverInfo{Driver: n.Driver, Version: n.DriverVersion, Firmware: fw, BusInfo: n.PCI})
	out["-S"] = cmdout.FormatEthtoolStats(m.ethtoolStats(n, s))
	ring := n.Ring
	if ring == (host.Ring{}) {
		ring = host.Ring{RX: 512, RXMax: 4096, TX: 512, TXMax: 4096}
		if n.Kind == KindVirtio {
			ring = host.Ring{RX: 256, RXMax: 256, TX: 256, TXMax: 256}
		}
	}
	out["-g"] = cmdout.FormatEthtoolRing(n.Name, ring)
	out["-l"] = cmdout.FormatEthtoolChannels(n.Name, m.channels(n))
	return out
}

// channels is ethtool -l of a NIC.
func (m *model) channels(n *nicModel) host.Channels {
	q := m.rxQueues(n)
	max := n.MaxCombined
	if max == 0 {
		max = q
	}
	switch n.Driver {
	case "e1000e":
		return host.Channels{RX: 1, TX: 1, MaxRX: 1, MaxTX: 1}
	case "virtio_net":
		return host.Channels{Combined: q, MaxCombined: max}
	case "qlcnic":
		return host.Channels{RX: q, TX: 1, MaxRX: max, MaxTX: 1}
	}
	return host.Channels{Combined: q, Other: 1, MaxCombined: max, MaxOther: 1}
}

// ethtoolStats is ethtool -S of a NIC at sample s, by driver.
func (m *model) ethtoolStats(n *nicModel, s int) map[string]uint64 {
	st := map[string]uint64{}
	sysfs := func(names ...string) {
		for _, name := range names {
			st[name] = m.nicStat(n, name, s)
		}
	}
	zero := func(names ...string) {
		for _, name := range names {
			st[name] = 0
		}
	}
	qpk := func(i int, f float64) uint64 {
		if i >= len(n.Queues) {
			return 0
		}
		rate := n.Queues[i].PPS * f
		return u64(rate*m.up[0]*m.jit(fmt.Sprint(n.Name, "q", i), 0.05) + rate*m.dt[s])
	}
	switch n.Driver {
	case "ixgbe":
		sysfs("rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors", "rx_dropped", "tx_dropped",
			"multicast", "collisions", "rx_over_errors", "rx_crc_errors", "rx_frame_errors", "rx_fifo_errors",
			"rx_missed_errors", "tx_aborted_errors", "tx_carrier_errors", "tx_fifo_errors", "tx_heartbeat_errors", "rx_length_errors")
		st["rx_pkts_nic"], st["tx_pkts_nic"] = st["rx_packets"], st["tx_packets"]
		st["rx_bytes_nic"], st["tx_bytes_nic"] = st["rx_bytes"]+st["rx_packets"]*4, st["tx_bytes"]
		st["broadcast"] = u64(0.2 * m.up[s])
		st["lsc_int"] = 1
		zero("tx_busy", "non_eop_descs", "rx_no_buffer_count", "hw_rsc_aggregated", "hw_rsc_flushed", "fdir_match",
			"fdir_miss", "fdir_overflow", "tx_timeout_count", "tx_restart_queue", "rx_long_length_errors",
			"rx_short_length_errors", "tx_flow_control_xon", "rx_flow_control_xon", "tx_flow_control_xoff",
			"rx_flow_control_xoff", "rx_csum_offload_errors", "alloc_rx_page", "alloc_rx_page_failed",
			"alloc_rx_buff_failed", "rx_no_dma_resources", "os2bmc_rx_by_bmc", "os2bmc_tx_by_bmc",
			"os2bmc_tx_by_host", "os2bmc_rx_by_host", "tx_hwtstamp_timeouts", "tx_hwtstamp_skipped", "rx_hwtstamp_cleared")
		for i := range n.Queues {
			st[fmt.Sprintf("rx_queue_%d_packets", i)] = qpk(i, 1)
			st[fmt.Sprintf("rx_queue_%d_bytes", i)] = qpk(i, 740)
			st[fmt.Sprintf("tx_queue_%d_packets", i)] = qpk(i, 0.82)
			st[fmt.Sprintf("tx_queue_%d_bytes", i)] = qpk(i, 0.82*910)
		}
	case "igb", "e1000e":
		sysfs("rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "multicast", "collisions", "rx_crc_errors",
			"rx_missed_errors", "tx_aborted_errors", "tx_carrier_errors", "tx_window_errors", "rx_errors", "tx_errors",
			"tx_dropped", "rx_length_errors", "rx_over_errors", "rx_frame_errors", "rx_fifo_errors", "tx_fifo_errors", "tx_heartbeat_errors")
		st["rx_broadcast"], st["tx_broadcast"] = u64(0.2*m.up[s]), u64(0.01*m.up[s])
		st["rx_multicast"], st["tx_multicast"] = st["multicast"], u64(0.01*m.up[s])
		st["rx_long_byte_count"] = st["rx_bytes"]
		zero("rx_no_buffer_count", "tx_abort_late_coll", "tx_deferred", "tx_single_coll_count", "tx_multi_coll_count",
			"tx_timeout_count", "rx_long_length_errors", "rx_short_length_errors", "rx_align_errors", "tx_tcp_seg_good",
			"tx_tcp_seg_failed", "rx_flow_control_xon", "rx_flow_control_xoff", "tx_flow_control_xon", "tx_flow_control_xoff",
			"rx_csum_offload_good", "rx_csum_offload_errors")
		if n.Driver == "igb" {
			zero("tx_dma_out_of_sync", "tx_smbus", "rx_smbus", "dropped_smbus", "os2bmc_rx_by_bmc", "os2bmc_tx_by_bmc",
				"os2bmc_tx_by_host", "os2bmc_rx_by_host", "tx_hwtstamp_timeouts", "tx_hwtstamp_skipped", "rx_hwtstamp_cleared")
			for i := range n.Queues {
				st[fmt.Sprintf("rx_queue_%d_packets", i)] = qpk(i, 1)
				st[fmt.Sprintf("rx_queue_%d_bytes", i)] = qpk(i, 740)
				st[fmt.Sprintf("rx_queue_%d_drops", i)] = 0
				st[fmt.Sprintf("rx_queue_%d_csum_err", i)] = 0
				st[fmt.Sprintf("rx_queue_%d_alloc_failed", i)] = 0
				st[fmt.Sprintf("tx_queue_%d_packets", i)] = qpk(i, 0.82)
				st[fmt.Sprintf("tx_queue_%d_bytes", i)] = qpk(i, 0.82*910)
				st[fmt.Sprintf("tx_queue_%d_restart", i)] = 0
			}
		}
	case "i40e", "ice":
		sysfs("rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors", "rx_dropped", "tx_dropped",
			"collisions", "rx_length_errors", "rx_crc_errors")
		st["rx_unicast"], st["tx_unicast"] = st["rx_packets"], st["tx_packets"]
		st["rx_multicast"], st["rx_broadcast"] = m.nicStat(n, "multicast", s), u64(0.2*m.up[s])
		zero("tx_multicast", "tx_broadcast", "rx_unknown_protocol", "tx_linearize", "tx_force_wb", "tx_busy",
			"rx_alloc_fail", "rx_pg_alloc_fail", "port.rx_dropped", "port.tx_dropped_link_down", "port.rx_crc_errors",
			"port.illegal_bytes", "port.mac_local_faults", "port.mac_remote_faults", "port.rx_length_errors",
			"port.link_xon_rx", "port.link_xoff_rx", "port.link_xon_tx", "port.link_xoff_tx", "port.rx_undersize",
			"port.rx_fragments", "port.rx_oversize", "port.rx_jabber", "port.fdir_flush_cnt", "port.fdir_sb_match")
		st["port.rx_bytes"], st["port.tx_bytes"] = st["rx_bytes"]+st["rx_packets"]*4, st["tx_bytes"]
		st["port.rx_unicast"], st["port.tx_unicast"] = st["rx_packets"], st["tx_packets"]
		for i := range n.Queues {
			st[fmt.Sprintf("rx-%d.packets", i)] = qpk(i, 1)
			st[fmt.Sprintf("rx-%d.bytes", i)] = qpk(i, 740)
			st[fmt.Sprintf("tx-%d.packets", i)] = qpk(i, 0.82)
			st[fmt.Sprintf("tx-%d.bytes", i)] = qpk(i, 0.82*910)
		}
	case "mlx5_core":
		sysfs("rx_packets", "rx_bytes", "tx_packets", "tx_bytes")
		st["rx_csum_complete"] = st["rx_packets"]
		st["rx_packets_phy"], st["tx_packets_phy"] = st["rx_packets"], st["tx_packets"]
		st["rx_bytes_phy"], st["tx_bytes_phy"] = st["rx_bytes"]+st["rx_packets"]*4, st["tx_bytes"]+st["tx_packets"]*4
		st["rx_vport_unicast_packets"], st["tx_vport_unicast_packets"] = st["rx_packets"], st["tx_packets"]
		st["ch_events"], st["ch_poll"] = u64(float64(st["rx_packets"])/6), u64(float64(st["rx_packets"])/5)
		zero("tx_tso_packets", "tx_tso_bytes", "rx_lro_packets", "rx_csum_unnecessary", "rx_csum_none", "tx_csum_partial",
			"rx_wqe_err", "rx_mpwqe_filler_cqes", "rx_buff_alloc_err", "rx_cqe_compress_blks", "rx_cache_reuse",
			"rx_cache_full", "rx_cache_empty", "rx_cache_busy", "tx_queue_stopped", "tx_queue_dropped", "tx_xmit_more",
			"tx_recover", "tx_queue_wake", "tx_cqe_err", "ch_arm", "ch_aff_change", "ch_eq_rearm", "rx_out_of_buffer",
			"rx_if_down_packets", "rx_crc_errors_phy", "rx_discards_phy", "tx_discards_phy", "rx_oversize_pkts_phy",
			"rx_undersize_pkts_phy", "rx_vport_multicast_packets", "rx_vport_broadcast_packets")
		for i := range n.Queues {
			st[fmt.Sprintf("rx%d_packets", i)] = qpk(i, 1)
			st[fmt.Sprintf("rx%d_bytes", i)] = qpk(i, 740)
			st[fmt.Sprintf("rx%d_csum_complete", i)] = qpk(i, 1)
			st[fmt.Sprintf("rx%d_buff_alloc_err", i)] = 0
			st[fmt.Sprintf("tx%d_packets", i)] = qpk(i, 0.82)
			st[fmt.Sprintf("tx%d_bytes", i)] = qpk(i, 0.82*910)
			st[fmt.Sprintf("ch%d_events", i)] = qpk(i, 1.0/6)
			st[fmt.Sprintf("ch%d_poll", i)] = qpk(i, 0.2)
			st[fmt.Sprintf("ch%d_arm", i)] = qpk(i, 1.0/6)
		}
	case "virtio_net":
		for i := 0; i < m.rxQueues(n); i++ {
			rx, tx := 2*i, 2*i+1
			st[fmt.Sprintf("rx_queue_%d_packets", i)] = qpk(rx, 1)
			st[fmt.Sprintf("rx_queue_%d_bytes", i)] = qpk(rx, 740)
			st[fmt.Sprintf("rx_queue_%d_drops", i)] = 0
			st[fmt.Sprintf("rx_queue_%d_xdp_packets", i)] = 0
			st[fmt.Sprintf("rx_queue_%d_xdp_tx", i)] = 0
			st[fmt.Sprintf("rx_queue_%d_xdp_redirects", i)] = 0
			st[fmt.Sprintf("rx_queue_%d_xdp_drops", i)] = 0
			st[fmt.Sprintf("rx_queue_%d_kicks", i)] = qpk(rx, 0.01)
			st[fmt.Sprintf("tx_queue_%d_packets", i)] = qpk(tx, 1)
			st[fmt.Sprintf("tx_queue_%d_bytes", i)] = qpk(tx, 910)
			st[fmt.Sprintf("tx_queue_%d_xdp_tx", i)] = 0
			st[fmt.Sprintf("tx_queue_%d_xdp_tx_drops", i)] = 0
			st[fmt.Sprintf("tx_queue_%d_kicks", i)] = qpk(tx, 1)
			st[fmt.Sprintf("tx_queue_%d_timeouts", i)] = 0
		}
	default:
		sysfs("rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors", "rx_dropped", "tx_dropped")
		for i := range n.Queues {
			st[fmt.Sprintf("rx%d_packets", i)] = qpk(i, 1)
		}
	}
	for name, c := range n.Ethtool {
		st[name] = u64(c.Start + c.Rate*m.dt[s])
	}
	if s == m.samples()-1 {
		for name, v := range n.EthtoolLast {
			st[name] = v
		}
	}
	for name := range n.Stats {
		if _, ok := st[name]; ok {
			st[name] = m.nicStat(n, name, s)
		}
	}
	return st
}
