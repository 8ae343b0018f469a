package fixturegen

import (
	"strings"
)

// sysctls is the host's sysctl set: a full-looking net.core and net.ipv4
// with the kernel's defaults, a few kernel.* and vm.* keys, then the
// scenario's overrides. A value "-" in Scenario.Sysctl deletes the key.
func (m *model) sysctls() map[string]string {
	k := m.k
	v := map[string]string{
		"kernel.hostname":                m.sc.Hostname,
		"kernel.osrelease":               m.sc.Kernel,
		"kernel.version":                 m.sc.KernelVersion,
		"kernel.ostype":                  "Linux",
		"kernel.pid_max":                 "4194304",
		"kernel.panic":                   "0",
		"kernel.sysrq":                   "16",
		"kernel.numa_balancing":          "0",
		"kernel.hung_task_timeout_secs":  "120",
		"kernel.sched_autogroup_enabled": "0",
		"vm.swappiness":                  "30",
		"vm.dirty_ratio":                 "20",
		"vm.dirty_background_ratio":      "10",
		"vm.min_free_kbytes":             "90112",
		"vm.overcommit_memory":           "0",
		"fs.file-max":                    "9223372036854775807",
		"fs.nr_open":                     "1048576",

		"net.core.bpf_jit_enable":         "1",
		"net.core.bpf_jit_harden":         "0",
		"net.core.busy_poll":              "0",
		"net.core.busy_read":              "0",
		"net.core.default_qdisc":          "fq_codel",
		"net.core.dev_weight":             "64",
		"net.core.flow_limit_cpu_bitmap":  cpuMask(nil, m.n),
		"net.core.flow_limit_table_len":   "4096",
		"net.core.message_burst":          "10",
		"net.core.message_cost":           "5",
		"net.core.netdev_budget":          "300",
		"net.core.netdev_max_backlog":     "1000",
		"net.core.netdev_tstamp_prequeue": "1",
		"net.core.optmem_max":             "20480",
		"net.core.rmem_default":           "212992",
		"net.core.rmem_max":               "212992",
		"net.core.rps_sock_flow_entries":  "0",
		"net.core.somaxconn":              "128",
		"net.core.tstamp_allow_data":      "1",
		"net.core.warnings":               "0",
		"net.core.wmem_default":           "212992",
		"net.core.wmem_max":               "212992",
		"net.core.xfrm_acq_expires":       "30",
		"net.core.xfrm_aevent_etime":      "10",
		"net.core.xfrm_aevent_rseqth":     "2",
		"net.core.xfrm_larval_drop":       "1",

		"net.ipv4.cipso_cache_bucket_size":           "10",
		"net.ipv4.cipso_cache_enable":                "1",
		"net.ipv4.icmp_echo_ignore_all":              "0",
		"net.ipv4.icmp_echo_ignore_broadcasts":       "1",
		"net.ipv4.icmp_errors_use_inbound_ifaddr":    "0",
		"net.ipv4.icmp_ignore_bogus_error_responses": "1",
		"net.ipv4.icmp_ratelimit":                    "1000",
		"net.ipv4.icmp_ratemask":                     "6168",
		"net.ipv4.igmp_max_memberships":              "20",
		"net.ipv4.igmp_max_msf":                      "10",
		"net.ipv4.inet_peer_maxttl":                  "600",
		"net.ipv4.inet_peer_minttl":                  "120",
		"net.ipv4.inet_peer_threshold":               "65664",
		"net.ipv4.ip_default_ttl":                    "64",
		"net.ipv4.ip_dynaddr":                        "0",
		"net.ipv4.ip_early_demux":                    "1",
		"net.ipv4.ip_forward":                        "0",
		"net.ipv4.ip_forward_use_pmtu":               "0",
		"net.ipv4.ip_local_port_range":               "32768\t60999",
		"net.ipv4.ip_local_reserved_ports":           "",
		"net.ipv4.ip_no_pmtu_disc":                   "0",
		"net.ipv4.ip_nonlocal_bind":                  "0",
		"net.ipv4.ipfrag_high_thresh":                "4194304",
		"net.ipv4.ipfrag_low_thresh":                 "3145728",
		"net.ipv4.ipfrag_max_dist":                   "64",
		"net.ipv4.ipfrag_secret_interval":            "0",
		"net.ipv4.ipfrag_time":                       "30",
		"net.ipv4.ping_group_range":                  "1\t0",
		"net.ipv4.tcp_abort_on_overflow":             "0",
		"net.ipv4.tcp_adv_win_scale":                 "1",
		"net.ipv4.tcp_allowed_congestion_control":    "reno cubic",
		"net.ipv4.tcp_app_win":                       "31",
		"net.ipv4.tcp_autocorking":                   "1",
		"net.ipv4.tcp_available_congestion_control":  "reno cubic",
		"net.ipv4.tcp_base_mss":                      "1024",
		"net.ipv4.tcp_challenge_ack_limit":           "1000",
		"net.ipv4.tcp_congestion_control":            "cubic",
		"net.ipv4.tcp_dsack":                         "1",
		"net.ipv4.tcp_early_retrans":                 "3",
		"net.ipv4.tcp_ecn":                           "2",
		"net.ipv4.tcp_ecn_fallback":                  "1",
		"net.ipv4.tcp_fastopen":                      "1",
		"net.ipv4.tcp_fin_timeout":                   "60",
		"net.ipv4.tcp_frto":                          "2",
		"net.ipv4.tcp_fwmark_accept":                 "0",
		"net.ipv4.tcp_invalid_ratelimit":             "500",
		"net.ipv4.tcp_keepalive_intvl":               "75",
		"net.ipv4.tcp_keepalive_probes":              "9",
		"net.ipv4.tcp_keepalive_time":                "7200",
		"net.ipv4.tcp_limit_output_bytes":            "1048576",
		"net.ipv4.tcp_low_latency":                   "0",
		"net.ipv4.tcp_max_orphans":                   "262144",
		"net.ipv4.tcp_max_reordering":                "300",
		"net.ipv4.tcp_max_syn_backlog":               "4096",
		"net.ipv4.tcp_max_tw_buckets":                "262144",
		"net.ipv4.tcp_mem":                           "1539156\t2052208\t3078312",
		"net.ipv4.tcp_min_rtt_wlen":                  "300",
		"net.ipv4.tcp_min_tso_segs":                  "2",
		"net.ipv4.tcp_moderate_rcvbuf":               "1",
		"net.ipv4.tcp_mtu_probing":                   "0",
		"net.ipv4.tcp_no_metrics_save":               "0",
		"net.ipv4.tcp_notsent_lowat":                 "4294967295",
		"net.ipv4.tcp_orphan_retries":                "0",
		"net.ipv4.tcp_pacing_ca_ratio":               "120",
		"net.ipv4.tcp_pacing_ss_ratio":               "200",
		"net.ipv4.tcp_probe_interval":                "600",
		"net.ipv4.tcp_probe_threshold":               "8",
		"net.ipv4.tcp_recovery":                      "1",
		"net.ipv4.tcp_reordering":                    "3",
		"net.ipv4.tcp_retrans_collapse":              "1",
		"net.ipv4.tcp_retries1":                      "3",
		"net.ipv4.tcp_retries2":                      "15",
		"net.ipv4.tcp_rfc1337":                       "0",
		"net.ipv4.tcp_rmem":                          "4096\t131072\t6291456",
		"net.ipv4.tcp_sack":                          "1",
		"net.ipv4.tcp_slow_start_after_idle":         "1",
		"net.ipv4.tcp_stdurg":                        "0",
		"net.ipv4.tcp_syn_retries":                   "6",
		"net.ipv4.tcp_synack_retries":                "5",
		"net.ipv4.tcp_syncookies":                    "1",
		"net.ipv4.tcp_thin_linear_timeouts":          "0",
		"net.ipv4.tcp_timestamps":                    "1",
		"net.ipv4.tcp_tso_win_divisor":               "3",
		"net.ipv4.tcp_tw_reuse":                      "2",
		"net.ipv4.tcp_window_scaling":                "1",
		"net.ipv4.tcp_wmem":                          "4096\t16384\t4194304",
		"net.ipv4.tcp_workaround_signed_windows":     "0",
		"net.ipv4.udp_mem":                           "3078315\t4104421\t6156630",
		"net.ipv4.udp_rmem_min":                      "4096",
		"net.ipv4.udp_wmem_min":                      "4096",
		"net.ipv4.neigh.default.gc_interval":         "30",
		"net.ipv4.neigh.default.gc_stale_time":       "60",
		"net.ipv4.neigh.default.gc_thresh1":          "128",
		"net.ipv4.neigh.default.gc_thresh2":          "512",
		"net.ipv4.neigh.default.gc_thresh3":          "1024",
	}
	if len(m.nodes) > 1 {
		v["kernel.numa_balancing"] = "1"
	}
	if k.ge(4, 12) {
		v["net.core.netdev_budget_usecs"] = itoa(2 * 1000000 / m.hz)
		v["net.core.dev_weight_rx_bias"] = "1"
		v["net.core.dev_weight_tx_bias"] = "1"
	}
	if k.ge(4, 15) {
		v["net.core.bpf_jit_kallsyms"] = "1"
		v["net.core.max_skb_frags"] = "17"
	}
	if k.ge(5, 4) {
		v["net.core.somaxconn"] = "4096"
		v["net.core.gro_normal_batch"] = "8"
		v["net.core.high_order_alloc_disable"] = "0"
		v["net.core.devconf_inherit_init_net"] = "0"
		v["net.core.netdev_unregister_timeout_secs"] = "10"
		v["net.ipv4.tcp_rx_skb_cache"] = "0"
	}
	if k.ge(6, 0) {
		v["net.core.optmem_max"] = "131072"
		v["net.core.txrehash"] = "1"
		v["net.ipv4.tcp_plb_enabled"] = "0"
		delete(v, "net.ipv4.tcp_rx_skb_cache")
	}
	if !k.ge(4, 19) {
		v["net.ipv4.tcp_tw_reuse"] = "0"
	}
	if !k.ge(4, 15) {
		v["net.ipv4.tcp_fack"] = "1"
		v["net.ipv4.tcp_thin_dupack"] = "0"
		v["net.ipv4.tcp_limit_output_bytes"] = "262144"
		v["net.ipv4.tcp_rmem"] = "4096\t87380\t6291456"
		delete(v, "net.ipv4.tcp_min_rtt_wlen")
		delete(v, "net.ipv4.tcp_pacing_ca_ratio")
		delete(v, "net.ipv4.tcp_pacing_ss_ratio")
		delete(v, "net.ipv4.tcp_recovery")
	}
	if !k.ge(4, 0) {
		v["net.core.default_qdisc"] = "pfifo_fast"
		v["net.core.warnings"] = "1"
		v["net.ipv4.tcp_early_retrans"] = "3"
		delete(v, "net.ipv4.tcp_autocorking")
		delete(v, "net.ipv4.tcp_fwmark_accept")
		delete(v, "net.ipv4.tcp_invalid_ratelimit")
		delete(v, "net.ipv4.tcp_probe_interval")
		delete(v, "net.ipv4.tcp_probe_threshold")
		delete(v, "net.ipv4.tcp_ecn_fallback")
		v["net.ipv4.tcp_challenge_ack_limit"] = "100"
		v["kernel.pid_max"] = "32768"
	}
	if k.twRecycle() {
		v["net.ipv4.tcp_tw_recycle"] = "0"
	}
	if m.sc.Distro == "rhel7" || m.sc.Distro == "ubuntu1804" {
		v["kernel.pid_max"] = "32768"
	}
	// Per-interface settings for all, default and every interface.
	ifaces := []string{"all", "default"}
	for _, n := range m.nics {
		if n.Hidden {
			continue
		}
		ifaces = append(ifaces, strings.ReplaceAll(n.Name, ".", "/"))
	}
	for _, i := range ifaces {
		p := "net.ipv4.conf." + i + "."
		v[p+"accept_redirects"] = "1"
		v[p+"accept_source_route"] = "0"
		v[p+"arp_ignore"] = "0"
		v[p+"forwarding"] = "0"
		v[p+"log_martians"] = "0"
		v[p+"rp_filter"] = "1"
		v[p+"send_redirects"] = "1"
		v["net.ipv6.conf."+i+".disable_ipv6"] = "0"
	}
	v["net.ipv4.conf.all.rp_filter"] = "0"
	v["net.ipv4.conf.all.accept_redirects"] = "0"
	for key, val := range m.sc.Sysctl {
		if val == "-" {
			delete(v, key)
			continue
		}
		v[key] = val
		if key == "net.ipv4.ip_forward" {
			for _, i := range ifaces {
				v["net.ipv4.conf."+i+".forwarding"] = val
			}
		}
	}
	return v
}

// writeProcSys writes the sysctls under proc/sys as the live loader reads
// them (collect style): net.core, net.ipv4 files, the all/default
// per-interface settings and a few kernel files.
func (m *model) writeProcSys(t *tree, v map[string]string) {
	for key, val := range v {
		parts := strings.Split(key, ".")
		switch {
		case strings.HasPrefix(key, "net.core.") && len(parts) == 3,
			strings.HasPrefix(key, "net.ipv4.") && len(parts) == 3,
			strings.HasPrefix(key, "net.ipv4.conf.all."), strings.HasPrefix(key, "net.ipv4.conf.default."),
			strings.HasPrefix(key, "net.ipv4.conf.") && strings.HasSuffix(key, ".rp_filter"),
			strings.HasPrefix(key, "net.ipv4.neigh.default."), strings.HasPrefix(key, "net.ipv6.conf.all."),
			strings.HasPrefix(key, "net.netfilter.") && len(parts) == 3,
			key == "kernel.hostname", key == "kernel.osrelease", key == "kernel.version":
		default:
			continue
		}
		for i, p := range parts {
			parts[i] = strings.ReplaceAll(p, "/", ".")
		}
		t.line("proc/sys/"+strings.Join(parts, "/"), val)
	}
}
