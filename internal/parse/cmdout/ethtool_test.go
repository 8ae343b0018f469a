package cmdout

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// ethtool -S of ixgbe 5.1.0-k, RHEL 7.9 (kernel 3.10.0-1160.el7), ethtool 4.8.
const statsIxgbe = `NIC statistics:
     rx_packets: 18446744073709551615
     tx_packets: 987654321
     rx_bytes: 1500000000000
     tx_bytes: 98765432100
     rx_errors: 0
     rx_dropped: 0
     rx_missed_errors: 42
     rx_fifo_errors: 42
     rx_no_dma_resources: 7
     fcoe_bad_fccrc: 0
     tx_queue_0_packets: 1000
     tx_queue_0_bytes: 64000
     rx_queue_0_packets: 5
     rx_queue_0_bytes: 320
`

// ethtool -S of mlx5_core, RHEL 8.8 (kernel 4.18.0-477), ethtool 5.13.
const statsMlx5 = `NIC statistics:
     rx_packets: 220
     rx_bytes: 13640
     rx_out_of_buffer: 100
     rx_discards_phy: 3
     rx0_packets: 120
     rx1_packets: 100
     tx0_xmit_more: 0
`

// ethtool -S of bnxt_en, Ubuntu 22.04 (kernel 5.15): per-ring names carry ": ".
const statsBnxt = `NIC statistics:
     [0]: rx_ucast_packets: 123
     [0]: rx_mcast_packets: 0
     [1]: rx_ucast_packets: 456
     rx_total_discard_pkts: 9
`

func TestEthtoolStats(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]uint64
		err  string
	}{
		{"ixgbe RHEL 7", statsIxgbe, map[string]uint64{
			"rx_packets": math.MaxUint64, "tx_packets": 987654321, "rx_bytes": 1500000000000,
			"tx_bytes": 98765432100, "rx_errors": 0, "rx_dropped": 0, "rx_missed_errors": 42,
			"rx_fifo_errors": 42, "rx_no_dma_resources": 7, "fcoe_bad_fccrc": 0,
			"tx_queue_0_packets": 1000, "tx_queue_0_bytes": 64000, "rx_queue_0_packets": 5, "rx_queue_0_bytes": 320,
		}, ""},
		{"mlx5 RHEL 8", statsMlx5, map[string]uint64{
			"rx_packets": 220, "rx_bytes": 13640, "rx_out_of_buffer": 100, "rx_discards_phy": 3,
			"rx0_packets": 120, "rx1_packets": 100, "tx0_xmit_more": 0,
		}, ""},
		{"bnxt names with colons", statsBnxt, map[string]uint64{
			"[0]: rx_ucast_packets": 123, "[0]: rx_mcast_packets": 0, "[1]: rx_ucast_packets": 456,
			"rx_total_discard_pkts": 9,
		}, ""},
		{"CRLF and a stderr line first", "Warning: something\r\nNIC statistics:\r\n     rx_packets: 5\r\n", map[string]uint64{"rx_packets": 5}, ""},
		{"header only", "NIC statistics:\n", map[string]uint64{}, ""},
		{"bad lines kept out, good kept", "NIC statistics:\n     rx_packets: 5\n     rx_bytes: -1\n garbage\n     : 4\n     tx_packets: 7\n",
			map[string]uint64{"rx_packets": 5, "tx_packets": 7}, "line 3: counter \"rx_bytes\": bad value \"-1\"; line 4"},
		{"overflow", "NIC statistics:\n     rx_packets: 18446744073709551616\n", map[string]uint64{}, "line 2"},
		{"duplicate keeps first", "NIC statistics:\n     a: 1\n     a: 2\n", map[string]uint64{"a": 1}, ""},
		{"ethtool -S lo", "no stats available\n", map[string]uint64{}, "unavailable"},
		{"not supported", "Cannot get stats strings information: Operation not supported\n", map[string]uint64{}, "unavailable"},
		{"empty", "", map[string]uint64{}, "unavailable"},
		{"blank", " \n\n", map[string]uint64{}, "unavailable"},
		{"other command", "Coalesce parameters for eth0:\nAdaptive RX: off  TX: off\nrx-usecs: 3\n", map[string]uint64{}, "not ethtool -S output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EthtoolStats([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "stats", got, tt.want)
		})
	}
}

func TestEthtoolStatsUnavailableText(t *testing.T) {
	_, err := EthtoolStats([]byte("no stats available\n"))
	if err == nil || !strings.Contains(err.Error(), `"no stats available"`) {
		t.Errorf("error %v does not quote the message", err)
	}
}

func TestFormatEthtoolStats(t *testing.T) {
	got := string(FormatEthtoolStats(map[string]uint64{"rx_packets": 5, "[0]: rx_ucast_packets": 1, "a": 0}))
	want := "NIC statistics:\n     [0]: rx_ucast_packets: 1\n     a: 0\n     rx_packets: 5\n"
	same(t, "format", got, want)
	m, err := EthtoolStats([]byte(statsIxgbe))
	if err != nil {
		t.Fatal(err)
	}
	back, err := EthtoolStats(FormatEthtoolStats(m))
	if err != nil {
		t.Fatal(err)
	}
	same(t, "round trip", back, m)
}

// ethtool -i outputs.
const (
	// ixgbe, RHEL 7.9, ethtool 4.8.
	infoIxgbe = "driver: ixgbe\nversion: 5.1.0-k-rh7.9\nfirmware-version: 0x800008ca, 1.2074.0\nexpansion-rom-version: \nbus-info: 0000:3b:00.0\nsupports-statistics: yes\nsupports-test: yes\nsupports-eeprom-access: yes\nsupports-register-dump: yes\nsupports-priv-flags: yes\n"
	// virtio_net, RHEL 9.2 KVM guest, ethtool 6.2: bus-info is the PCI function.
	infoVirtio = "driver: virtio_net\nversion: 1.0.0\nfirmware-version: \nexpansion-rom-version: \nbus-info: 0000:00:03.0\nsupports-statistics: yes\nsupports-test: no\nsupports-eeprom-access: no\nsupports-register-dump: no\nsupports-priv-flags: no\n"
	// bridge, CentOS 6 (ethtool 3.5): no expansion-rom-version line.
	infoBridge = "driver: bridge\nversion: 2.3\nfirmware-version: N/A\nbus-info: N/A\nsupports-statistics: no\nsupports-test: no\nsupports-eeprom-access: no\nsupports-register-dump: no\nsupports-priv-flags: no\n"
)

func TestEthtoolInfo(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want DriverInfo
		err  string
	}{
		{"ixgbe", infoIxgbe, DriverInfo{"ixgbe", "5.1.0-k-rh7.9", "0x800008ca, 1.2074.0", "0000:3b:00.0"}, ""},
		{"virtio", infoVirtio, DriverInfo{"virtio_net", "1.0.0", "", "0000:00:03.0"}, ""},
		{"bridge", infoBridge, DriverInfo{"bridge", "2.3", "N/A", "N/A"}, ""},
		{"vlan driver with spaces", "driver: 802.1Q VLAN Support\nversion: 1.8\nfirmware-version: N/A\nbus-info: \n", DriverInfo{"802.1Q VLAN Support", "1.8", "N/A", ""}, ""},
		{"no such device", "Cannot get driver information: No such device\n", DriverInfo{}, "unavailable"},
		{"empty", "", DriverInfo{}, "unavailable"},
		{"garbage", "hello\nworld\n", DriverInfo{}, "not ethtool -i output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EthtoolInfo([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "info", got, tt.want)
		})
	}
}

func TestFormatEthtoolInfo(t *testing.T) {
	i := DriverInfo{"mlx5_core", "5.0-0", "16.35.2000 (MT_0000000080)", "0000:af:00.1"}
	want := "driver: mlx5_core\nversion: 5.0-0\nfirmware-version: 16.35.2000 (MT_0000000080)\nbus-info: 0000:af:00.1\n"
	same(t, "format", string(FormatEthtoolInfo(i)), want)
	back, err := EthtoolInfo(FormatEthtoolInfo(i))
	if err != nil {
		t.Fatal(err)
	}
	same(t, "round trip", back, i)
	// A value with a line break cannot forge a line.
	back, _ = EthtoolInfo(FormatEthtoolInfo(DriverInfo{Driver: "x\nbus-info: evil"}))
	if back.BusInfo != "" {
		t.Errorf("forged bus-info %q", back.BusInfo)
	}
}

// ethtool -g outputs.
const (
	// ixgbe, ethtool 4.8 (ioctl), as in the netutils-linux corpus.
	ringIoctl = "Ring parameters for eth0:\nPre-set maximums:\nRX:\t\t4096\nRX Mini:\t0\nRX Jumbo:\t0\nTX:\t\t4096\nCurrent hardware settings:\nRX:\t\t512\nRX Mini:\t0\nRX Jumbo:\t0\nTX:\t\t512\n\n"
	// virtio_net, RHEL 9.2, ethtool 6.2 (netlink): n/a and the newer lines.
	ringNetlink = "Ring parameters for eth0:\nPre-set maximums:\nRX:\t\t\t1024\nRX Mini:\t\tn/a\nRX Jumbo:\t\tn/a\nTX:\t\t\t1024\nTX push buff len:\tn/a\nCurrent hardware settings:\nRX:\t\t\t256\nRX Mini:\t\tn/a\nRX Jumbo:\t\tn/a\nTX:\t\t\t256\nRX Buf Len:\t\tn/a\nCQE Size:\t\tn/a\nTX Push:\t\toff\nRX Push:\t\toff\nTX push buff len:\tn/a\nTCP data split:\t\tn/a\n"
)

func TestEthtoolRing(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want host.Ring
		err  string
	}{
		{"ioctl", ringIoctl, host.Ring{RX: 512, RXMax: 4096, TX: 512, TXMax: 4096}, ""},
		{"netlink", ringNetlink, host.Ring{RX: 256, RXMax: 1024, TX: 256, TXMax: 1024}, ""},
		{"n/a max", "Ring parameters for veth0:\nPre-set maximums:\nRX:\t\tn/a\nRX Mini:\tn/a\nRX Jumbo:\tn/a\nTX:\t\tn/a\nCurrent hardware settings:\nRX:\t\t0\nRX Mini:\tn/a\nRX Jumbo:\tn/a\nTX:\t\t0\n", host.Ring{}, ""},
		{"bad value kept out", "Ring parameters for eth0:\nPre-set maximums:\nRX:\t\t4096\nTX:\t\tlots\nCurrent hardware settings:\nRX:\t\t512\nTX:\t\t512\n", host.Ring{RX: 512, RXMax: 4096, TX: 512}, `line 4: "TX": bad value "lots"`},
		{"ioctl unsupported", "Cannot get device ring settings: Operation not supported\n", host.Ring{}, "unavailable"},
		{"netlink unsupported", "netlink error: Operation not supported\n", host.Ring{}, "unavailable"},
		{"unsupported with header", "Cannot get device ring settings: Operation not supported\nRing parameters for flannel.1:\n", host.Ring{}, "unavailable"},
		{"no such device", "Ring parameters for eth9:\nCannot get device ring settings: No such device\n", host.Ring{}, "unavailable"},
		{"ethtool -l in the file", "Channel parameters for eth0:\nPre-set maximums:\nRX:\t\t0\nTX:\t\t0\nOther:\t\t1\nCombined:\t63\nCurrent hardware settings:\nRX:\t\t0\nTX:\t\t0\nOther:\t\t1\nCombined:\t8\n", host.Ring{}, "not ethtool -g output"},
		{"empty", "", host.Ring{}, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EthtoolRing([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "ring", got, tt.want)
		})
	}
}

func TestFormatEthtoolRing(t *testing.T) {
	r := host.Ring{RX: 512, RXMax: 4096, TX: 512, TXMax: 4096}
	want := "Ring parameters for eth0:\nPre-set maximums:\nRX:\t\t4096\nRX Mini:\tn/a\nRX Jumbo:\tn/a\nTX:\t\t4096\nCurrent hardware settings:\nRX:\t\t512\nRX Mini:\tn/a\nRX Jumbo:\tn/a\nTX:\t\t512\n"
	same(t, "format", string(FormatEthtoolRing("eth0", r)), want)
	for _, r := range []host.Ring{r, {}, {RX: 256, TX: 256}, {RX: math.MaxUint32, RXMax: math.MaxUint32}} {
		back, err := EthtoolRing(FormatEthtoolRing("ens3f0", r))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "round trip", back, r)
	}
}

// ethtool -l outputs.
const (
	// i40e, RHEL 8.6, ethtool 5.13.
	chanI40e = "Channel parameters for ens1f0:\nPre-set maximums:\nRX:\t\t0\nTX:\t\t0\nOther:\t\t1\nCombined:\t64\nCurrent hardware settings:\nRX:\t\t0\nTX:\t\t0\nOther:\t\t1\nCombined:\t16\n"
	// virtio_net, RHEL 9.2, ethtool 6.2 (netlink prints n/a for absent counts).
	chanVirtio = "Channel parameters for eth0:\nPre-set maximums:\nRX:\t\tn/a\nTX:\t\tn/a\nOther:\t\tn/a\nCombined:\t4\nCurrent hardware settings:\nRX:\t\tn/a\nTX:\t\tn/a\nOther:\t\tn/a\nCombined:\t4\n"
)

func TestEthtoolChannels(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want host.Channels
		err  string
	}{
		{"i40e", chanI40e, host.Channels{Other: 1, Combined: 16, MaxOther: 1, MaxCombined: 64}, ""},
		{"virtio", chanVirtio, host.Channels{Combined: 4, MaxCombined: 4}, ""},
		{"split rx tx (igb 82576)", "Channel parameters for eth1:\nPre-set maximums:\nRX:\t\t8\nTX:\t\t8\nOther:\t\t1\nCombined:\t0\nCurrent hardware settings:\nRX:\t\t4\nTX:\t\t4\nOther:\t\t1\nCombined:\t0\n",
			host.Channels{RX: 4, TX: 4, Other: 1, MaxRX: 8, MaxTX: 8, MaxOther: 1}, ""},
		{"unsupported", "Cannot get device channel parameters\n: Operation not supported\n", host.Channels{}, "unavailable"},
		{"unsupported with header", "Cannot get device channel parameters\n: Operation not supported\nChannel parameters for lo:\n", host.Channels{}, "unavailable"},
		{"ring output", ringIoctl, host.Channels{}, "not ethtool -l output"},
		{"empty", "\n", host.Channels{}, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EthtoolChannels([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "channels", got, tt.want)
		})
	}
}

func TestFormatEthtoolChannels(t *testing.T) {
	same(t, "virtio", string(FormatEthtoolChannels("eth0", host.Channels{Combined: 4, MaxCombined: 4})), chanVirtio)
	c := host.Channels{Other: 1, Combined: 16, MaxOther: 1, MaxCombined: 64}
	back, err := EthtoolChannels(FormatEthtoolChannels("ens1f0", c))
	if err != nil {
		t.Fatal(err)
	}
	same(t, "round trip", back, c)
	// A current count above a zero maximum is still written.
	c = host.Channels{RX: 2}
	back, _ = EthtoolChannels(FormatEthtoolChannels("x", c))
	same(t, "count without max", back, c)
}

// Plain ethtool outputs.
const (
	// e1000 on a VirtualBox guest, Ubuntu 24.04, ethtool 6.7, run unprivileged:
	// stderr is interleaved.
	settingsE1000 = `Settings for enp0s3:
	Supported ports: [ TP ]
	Supported link modes:   10baseT/Half 10baseT/Full
	                        100baseT/Half 100baseT/Full
	                        1000baseT/Full
	Supported pause frame use: No
	Supports auto-negotiation: Yes
	Supported FEC modes: Not reported
	Advertised link modes:  10baseT/Half 10baseT/Full
	                        100baseT/Half 100baseT/Full
	                        1000baseT/Full
	Advertised pause frame use: No
	Advertised auto-negotiation: Yes
	Advertised FEC modes: Not reported
	Speed: 1000Mb/s
	Duplex: Full
	Auto-negotiation: on
	Port: Twisted Pair
	PHYAD: 0
	Transceiver: internal
	MDI-X: off (auto)
netlink error: Operation not permitted
        Current message level: 0x00000007 (7)
                               drv probe link
	Link detected: yes
`
	// virtio_net, RHEL 8.6 KVM guest, ethtool 5.13.
	settingsVirtio = "Settings for eth0:\n\tSupported ports: [  ]\n\tSupported link modes:   Not reported\n\tSpeed: Unknown!\n\tDuplex: Unknown! (255)\n\tAuto-negotiation: off\n\tPort: Other\n\tPHYAD: 0\n\tTransceiver: internal\n\tLink detected: yes\n"
)

func TestEthtoolSettings(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name string
		in   string
		want LinkSettings
		err  string
	}{
		{"e1000 with stderr", settingsE1000, LinkSettings{"enp0s3", 1000, "Full", &yes}, ""},
		{"virtio unknown speed", settingsVirtio, LinkSettings{"eth0", -1, "Unknown! (255)", &yes}, ""},
		{"link down, RHEL 7", "Settings for em2:\n\tSpeed: Unknown!\n\tDuplex: Unknown! (255)\n\tLink detected: no\n", LinkSettings{"em2", -1, "Unknown! (255)", &no}, ""},
		{"100G", "Settings for ens2f0np0:\n\tSpeed: 100000Mb/s\n\tDuplex: Full\n\tLink detected: yes\n", LinkSettings{"ens2f0np0", 100000, "Full", &yes}, ""},
		{"vlan name", "Settings for bond0.100:\n\tLink detected: yes\n", LinkSettings{"bond0.100", -1, "", &yes}, ""},
		{"bad speed", "Settings for eth0:\n\tSpeed: fast\n\tLink detected: maybe\n", LinkSettings{"eth0", -1, "", nil}, `line 2: bad speed "fast"; line 3: bad link state "maybe"`},
		{"no such device", "Cannot get device settings: No such device\nCannot get link status: No such device\n", LinkSettings{Speed: -1}, "unavailable"},
		{"empty", "", LinkSettings{Speed: -1}, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EthtoolSettings([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "settings", got, tt.want)
		})
	}
}

func TestFormatEthtoolSettings(t *testing.T) {
	yes := true
	s := LinkSettings{"eth0", 10000, "Full", &yes}
	same(t, "format", string(FormatEthtoolSettings(s)), "Settings for eth0:\n\tSpeed: 10000Mb/s\n\tDuplex: Full\n\tLink detected: yes\n")
	for _, s := range []LinkSettings{s, {Name: "lo", Speed: -1}, {Name: "eth1", Speed: 0, Duplex: "Unknown! (255)"}} {
		back, err := EthtoolSettings(FormatEthtoolSettings(s))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "round trip", back, s)
	}
}

// TestEthtoolCorpus reads the netutils-linux captures of ethtool -i and -g
// (ethtool 3.x/4.x on CentOS 6/7 hosts, many drivers) in place.
func TestEthtoolCorpus(t *testing.T) {
	dir := corpusDir(t)
	hosts, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var nI, nG, nC int
	for _, h := range hosts {
		base := filepath.Join(dir, h.Name(), "ethtool")
		is, _ := filepath.Glob(filepath.Join(base, "i", "*"))
		for _, f := range is {
			nI++
			info, err := EthtoolInfo(readCorpus(t, f))
			if err != nil || info.Driver == "" {
				t.Errorf("%s: %+v, %v", f, info, err)
			}
			back, err := EthtoolInfo(FormatEthtoolInfo(info))
			if err != nil || back != info {
				t.Errorf("%s: round trip %+v, %v", f, back, err)
			}
		}
		gs, _ := filepath.Glob(filepath.Join(base, "g", "*"))
		for _, f := range gs {
			nG++
			b := readCorpus(t, f)
			r, err := EthtoolRing(b)
			// be2net and some wireless drivers report zero maximums.
			if err != nil || (r.RXMax > 0 && r.RX > r.RXMax) || (r.TXMax > 0 && r.TX > r.TXMax) {
				t.Errorf("%s: %+v, %v", f, r, err)
			}
			if !bytes.HasPrefix(b, []byte("Ring parameters for "+filepath.Base(f)+":\n")) {
				t.Errorf("%s: header does not name the device", f)
			}
			back, err := EthtoolRing(FormatEthtoolRing(filepath.Base(f), r))
			if err != nil || back != r {
				t.Errorf("%s: round trip %+v, %v", f, back, err)
			}
		}
		// ethtool -c (coalesce) is not what the ring, channel or stats
		// parsers read: each must refuse it rather than return zeros.
		cs, _ := filepath.Glob(filepath.Join(base, "c", "*"))
		for _, f := range cs {
			nC++
			b := readCorpus(t, f)
			if _, err := EthtoolRing(b); err == nil {
				t.Errorf("%s: EthtoolRing accepted coalesce output", f)
			}
			if _, err := EthtoolChannels(b); err == nil {
				t.Errorf("%s: EthtoolChannels accepted coalesce output", f)
			}
			if _, err := EthtoolStats(b); err == nil {
				t.Errorf("%s: EthtoolStats accepted coalesce output", f)
			}
		}
	}
	// One capture pinned exactly (Intel I217 on an E3-1271 host).
	if r, err := EthtoolRing(readCorpus(t, filepath.Join(dir, "1xE3-1271.I217_and_X710.L2_mixed.masterconf", "ethtool", "g", "eth0"))); err != nil || r != (host.Ring{RX: 2048, RXMax: 4096, TX: 512, TXMax: 4096}) {
		t.Errorf("E3-1271 eth0 ring: %+v, %v", r, err)
	}
	if i, err := EthtoolInfo(readCorpus(t, filepath.Join(dir, "2xE2690.1mellanox_1emulex.L2.masterconf", "ethtool", "i", "eth4"))); err != nil || i != (DriverInfo{"be2net", "10.6.0.3r", "11.1.183.62", "0000:07:00.0"}) {
		t.Errorf("E2690 eth4 info: %+v, %v", i, err)
	}
	if nI == 0 || nG == 0 || nC == 0 {
		t.Errorf("corpus read %d -i, %d -g, %d -c files; want some of each", nI, nG, nC)
	}
	t.Logf("corpus: %d ethtool -i, %d -g, %d -c files", nI, nG, nC)
}
