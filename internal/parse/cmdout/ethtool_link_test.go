package cmdout

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

const (
	// ethtool 5.16 on an ixgbe 82599 SFP+ port, kernel 5.15.
	ethtoolIxgbe = `Settings for eth2:
	Supported ports: [ FIBRE ]
	Supported link modes:   1000baseT/Full
	                        10000baseT/Full
	Supported pause frame use: Symmetric
	Supports auto-negotiation: Yes
	Supported FEC modes: Not reported
	Advertised link modes:  1000baseT/Full
	                        10000baseT/Full
	Advertised pause frame use: Symmetric
	Advertised auto-negotiation: Yes
	Advertised FEC modes: Not reported
	Speed: 1000Mb/s
	Duplex: Full
	Auto-negotiation: on
	Port: FIBRE
	PHYAD: 0
	Transceiver: internal
	Supports Wake-on: d
	Wake-on: d
	Current message level: 0x00000007 (7)
			       drv probe link
	Link detected: yes
`
	// virtio_net (the hotsos k8s host, kernel 5.4): nothing reported.
	ethtoolVirtio = `Settings for ens3:
	Supported ports: [ ]
	Supported link modes:   Not reported
	Supported pause frame use: No
	Supports auto-negotiation: No
	Supported FEC modes: Not reported
	Advertised link modes:  Not reported
	Advertised pause frame use: No
	Advertised auto-negotiation: No
	Advertised FEC modes: Not reported
	Speed: Unknown!
	Duplex: Unknown! (255)
	Port: Other
	PHYAD: 0
	Transceiver: internal
	Auto-negotiation: off
	Link detected: yes
`
	// igb with a partner (kernel 4.18, RHEL 8).
	ethtoolIgbPartner = `Settings for eno1:
	Supported ports: [ TP ]
	Supported link modes:   10baseT/Half 10baseT/Full
	                        100baseT/Half 100baseT/Full
	                        1000baseT/Full
	Advertised link modes:  10baseT/Half 10baseT/Full
	                        100baseT/Half 100baseT/Full
	                        1000baseT/Full
	Link partner advertised link modes:  10baseT/Half 10baseT/Full
	                                     100baseT/Half 100baseT/Full
	Speed: 100Mb/s
	Duplex: Full
	Port: Twisted Pair
	Auto-negotiation: on
Cannot get wake-on-lan settings: Operation not permitted
	Link detected: yes
`
)

func TestEthtoolLink(t *testing.T) {
	on, off, yes := true, false, true
	tests := []struct {
		name  string
		in    string
		want  host.LinkModes
		unavl bool
	}{
		{"ixgbe 5.15", ethtoolIxgbe, host.LinkModes{
			Supported: []string{"1000baseT/Full", "10000baseT/Full"}, Advertised: []string{"1000baseT/Full", "10000baseT/Full"},
			AutoNeg: &on, Port: "FIBRE", Detected: &yes}, false},
		{"virtio 5.4", ethtoolVirtio, host.LinkModes{AutoNeg: &off, Port: "Other", Detected: &yes}, false},
		{"igb partner 4.18", ethtoolIgbPartner, host.LinkModes{
			Supported:         []string{"10baseT/Half", "10baseT/Full", "100baseT/Half", "100baseT/Full", "1000baseT/Full"},
			Advertised:        []string{"10baseT/Half", "10baseT/Full", "100baseT/Half", "100baseT/Full", "1000baseT/Full"},
			PartnerAdvertised: []string{"10baseT/Half", "10baseT/Full", "100baseT/Half", "100baseT/Full"},
			AutoNeg:           &on, Port: "Twisted Pair", Detected: &yes}, false},
		{"no such device", "Settings for eth9:\nCannot get device settings: No such device\n", host.LinkModes{}, true},
		{"ifb, no data", "Settings for ifb0:\nNo data available\n", host.LinkModes{}, true},
		{"error only", "netlink error: No such device\n", host.LinkModes{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EthtoolLink([]byte(tt.in))
			if tt.unavl {
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("err = %v, want ErrUnavailable", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

const (
	// ethtool 5.16 -m on an SFP+ SR optic (SFF-8472), kernel 5.15.
	moduleSFP = `	Identifier                                : 0x03 (SFP)
	Extended identifier                       : 0x04 (GBIC/SFP defined by 2-wire interface ID)
	Connector                                 : 0x07 (LC)
	Transceiver type                          : 10G Ethernet: 10G Base-SR
	Vendor name                               : FINISAR CORP.
	Optical diagnostics support               : Yes
	Laser bias current                        : 6.750 mA
	Laser output power                        : 0.5512 mW / -2.59 dBm
	Receiver signal average optical power     : 0.0123 mW / -19.10 dBm
	Module temperature                        : 33.45 degrees C / 92.21 degrees F
	Laser output power high alarm threshold   : 1.0000 mW / 0.00 dBm
	Laser rx power high warning threshold     : 1.0000 mW / 0.00 dBm
	Laser rx power low alarm threshold        : 0.0100 mW / -20.00 dBm
	Laser rx power low warning threshold      : 0.0200 mW / -16.99 dBm
`
	// QSFP28 (SFF-8636), 4 lanes, mW only on lane 4.
	moduleQSFP = `	Identifier                                : 0x11 (QSFP28)
	Transmit avg optical power (Channel 1)    : 0.8123 mW / -0.90 dBm
	Rx power (Channel 1)                      : 0.7000 mW / -1.55 dBm
	Rx power (Channel 2)                      : 0.7100 mW / -1.49 dBm
	Rx power (Channel 3)                      : 0.6900 mW / -1.61 dBm
	Rx power (Channel 4)                      : 0.0000 mW
	Laser rx power low warning threshold      : 0.0479 mW / -13.20 dBm
`
	// A DAC cable: no diagnostics.
	moduleDAC = `	Identifier                                : 0x03 (SFP)
	Connector                                 : 0x21 (Copper pigtail)
	Transceiver type                          : Passive Cable
	Vendor name                               : Mellanox
`
)

func TestEthtoolModule(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name  string
		in    string
		want  host.ModulePower
		unavl bool
	}{
		{"SFP SR", moduleSFP, host.ModulePower{Identifier: "0x03 (SFP)", RxDBm: []float64{-19.10}, TxDBm: []float64{-2.59},
			RxLowWarnDBm: f(-16.99), RxLowAlarmDBm: f(-20), RxHighWarnDBm: f(0)}, false},
		{"QSFP28", moduleQSFP, host.ModulePower{Identifier: "0x11 (QSFP28)", RxDBm: []float64{-1.55, -1.49, -1.61, -40}, TxDBm: []float64{-0.90},
			RxLowWarnDBm: f(-13.20)}, false},
		{"DAC", moduleDAC, host.ModulePower{Identifier: "0x03 (SFP)"}, false},
		{"virtio", "Cannot get module EEPROM information: Operation not supported\n", host.ModulePower{}, true},
		{"empty", "", host.ModulePower{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EthtoolModule([]byte(tt.in))
			if tt.unavl {
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("err = %v, want ErrUnavailable", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if _, err := EthtoolModule([]byte("\tRx power (Channel 1) : lots mW\n")); err == nil {
		t.Error("bad power accepted")
	}
}

// nstat 6.1 -zas (iproute2), excerpt.
const nstatZas = `#kernel
IpInReceives                    123456             0.0
IpExtInOctets                   987654321          0.0
TcpActiveOpens                  12                 0.0
TcpExtListenOverflows           7                  0.0
TcpExtListenDrops               9                  0.0
UdpRcvbufErrors                 3                  0.0
UdpLiteInDatagrams              0                  0.0
Udp6RcvbufErrors                1                  0.0
IcmpMsgInType3                  4                  0.0
Ip6InReceives                   55                 0.0
`

func TestNstat(t *testing.T) {
	got, err := Nstat([]byte(nstatZas))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int64{
		"Ip":      {"InReceives": 123456},
		"IpExt":   {"InOctets": 987654321},
		"Tcp":     {"ActiveOpens": 12},
		"TcpExt":  {"ListenOverflows": 7, "ListenDrops": 9},
		"Udp":     {"RcvbufErrors": 3},
		"UdpLite": {"InDatagrams": 0},
		"Udp6":    {"RcvbufErrors": 1},
		"IcmpMsg": {"InType3": 4},
		"Ip6":     {"InReceives": 55},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if _, err := Nstat([]byte("Cannot open /proc/net/netstat: No such file or directory\n")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("err = %v, want ErrUnavailable", err)
	}
	if _, err := Nstat([]byte("#kernel\nTcpExtX 1 0.0\nTcpExtY x 0.0\n")); err == nil {
		t.Error("bad value accepted")
	}
}

func FuzzEthtoolLink(f *testing.F) {
	addSeeds(f, ethtoolIxgbe, ethtoolVirtio, ethtoolIgbPartner)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := EthtoolLink(b)
		checkErrText(t, err, "ethtool")
		for _, l := range [][]string{m.Supported, m.Advertised, m.PartnerAdvertised} {
			if len(l) > maxLinkModes {
				t.Fatalf("%d modes", len(l))
			}
			for _, s := range l {
				if !clean(s) {
					t.Fatalf("mode %q", s)
				}
			}
		}
	})
}

func FuzzEthtoolModule(f *testing.F) {
	addSeeds(f, moduleSFP, moduleQSFP, moduleDAC)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := EthtoolModule(b)
		checkErrText(t, err, "ethtool -m")
		if len(m.RxDBm) > maxModuleLanes || len(m.TxDBm) > maxModuleLanes {
			t.Fatalf("%d/%d lanes", len(m.RxDBm), len(m.TxDBm))
		}
	})
}

func FuzzNstat(f *testing.F) {
	addSeeds(f, nstatZas)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := Nstat(b)
		checkErrText(t, err, "nstat")
	})
}

func FuzzEthtoolLinkRoundTrip(f *testing.F) {
	f.Add("eth0", 10000, "Full", "1000baseT/Full 10000baseT/Full", "10000baseT/Full", "FIBRE", true, true)
	f.Add("lo", -1, "", "", "", "", false, true)
	f.Fuzz(func(t *testing.T, name string, speed int, duplex, sup, adv, port string, an, up bool) {
		if !clean(name) || name == "" || strings.ContainsAny(name, ":") || !clean(duplex) || !clean(port) || strings.Contains(port, ":") {
			return
		}
		m := host.LinkModes{Supported: strings.Fields(sup), Advertised: strings.Fields(adv), Port: port, AutoNeg: &an, Detected: &up}
		for _, l := range [][]string{m.Supported, m.Advertised} {
			for _, x := range l {
				if !clean(x) || strings.Contains(x, ":") || x == "Not" || len(l) > maxLinkModes {
					return
				}
			}
		}
		if len(m.Supported) == 0 {
			m.Supported = nil
		}
		if len(m.Advertised) == 0 {
			m.Advertised = nil
		}
		b := FormatEthtoolLink(LinkSettings{Name: name, Speed: speed, Duplex: duplex}, m)
		got, err := EthtoolLink(b)
		if err != nil {
			t.Fatalf("%q: %v", b, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("round trip of %q:\n got %+v\nwant %+v", b, got, m)
		}
	})
}
