package parse

import (
	"reflect"
	"testing"
)

func TestNetStatSamples(t *testing.T) {
	type val struct {
		group, name string
		v           int64
	}
	tests := []struct {
		file   string
		groups []string
		sizes  map[string]int
		vals   []val
	}{
		{
			// This machine, 6.18 /proc/net/netstat: MPTcpExt and names netdoctor does not know.
			file: "live-6.18-kvm-netstat", groups: []string{"IpExt", "MPTcpExt", "TcpExt"},
			sizes: map[string]int{"IpExt": 18, "MPTcpExt": 76},
			vals:  []val{{"TcpExt", "TW", 15}, {"TcpExt", "TCPAODroppedIcmps", 0}, {"IpExt", "InOctets", 17309997}},
		},
		{
			// This machine, 6.18 /proc/net/snmp.
			file: "live-6.18-kvm-snmp", groups: []string{"Icmp", "IcmpMsg", "Ip", "Tcp", "Udp", "UdpLite"},
			sizes: map[string]int{"Tcp": 15, "Udp": 9, "IcmpMsg": 1},
			vals:  []val{{"Tcp", "MaxConn", -1}, {"Tcp", "RtoMax", 120000}, {"IcmpMsg", "InType3", 1}},
		},
		{
			// RHEL 7, 3.10 /proc/net/netstat: PAWSPassive (tcp_tw_recycle), a wrapped
			// 64-bit counter.
			file: "rhel7-3.10-netstat", groups: []string{"IpExt", "TcpExt"},
			sizes: map[string]int{"TcpExt": 24, "IpExt": 17},
			vals:  []val{{"TcpExt", "PAWSPassive", 4711}, {"TcpExt", "TCPACKSkippedPAWS", 0}, {"IpExt", "InOctets", -1}},
		},
		{
			// RHEL 7, 3.10 /proc/net/snmp: values above 2^32.
			file: "rhel7-3.10-snmp", groups: []string{"Icmp", "IcmpMsg", "Ip", "Tcp", "Udp", "UdpLite"},
			sizes: map[string]int{"Ip": 19, "Udp": 7},
			vals:  []val{{"Tcp", "MaxConn", -1}, {"Ip", "InReceives", 22199703066}, {"Udp", "RcvbufErrors", 4410}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := NetStat(readTestdata(t, "netstat", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if g := sortedKeys(got); !reflect.DeepEqual(g, tt.groups) {
				t.Errorf("groups = %v, want %v", g, tt.groups)
			}
			for g, n := range tt.sizes {
				if len(got[g]) != n {
					t.Errorf("%s: %d names, want %d", g, len(got[g]), n)
				}
			}
			for _, v := range tt.vals {
				if g, ok := got[v.group][v.name]; !ok || g != v.v {
					t.Errorf("%s %s = %d (present %v), want %d", v.group, v.name, g, ok, v.v)
				}
			}
		})
	}
}

func TestNetStatBadPairs(t *testing.T) {
	const tcp = "Tcp: RtoAlgorithm MaxConn\nTcp: 1 -1\n"
	tests := []struct {
		name   string
		in     string
		groups []string
		errs   []string
	}{
		{"good", tcp, []string{"Tcp"}, nil},
		{"count mismatch", "Udp: InDatagrams NoPorts\nUdp: 1 2 3\n" + tcp, []string{"Tcp"}, []string{`line 2: "Udp": 3 values for 2 names (line 1)`}},
		{"names without values", "Udp: InDatagrams NoPorts\n" + tcp, []string{"Tcp"}, []string{`line 1: "Udp": names without a values line`}},
		{"names at the end", tcp + "Udp: InDatagrams NoPorts\n", []string{"Tcp"}, []string{`line 3: "Udp": names without a values line`}},
		{"bad value", "Udp: InDatagrams NoPorts\nUdp: 1 x\n" + tcp, []string{"Tcp"}, []string{`line 2: "Udp" "NoPorts": bad value "x"`}},
		{"no prefix", "garbage\n" + tcp, []string{"Tcp"}, []string{`line 1: no "Group:" prefix`}},
		{"repeated name", "Udp: A A\nUdp: 1 2\n", []string{"Udp"}, []string{`line 2: "Udp" "A": repeated`}},
		{"group printed twice merges", tcp + "Tcp: CurrEstab\nTcp: 5\n", []string{"Tcp"}, nil},
		{"empty", "", []string{}, []string{"netstat: empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NetStat([]byte(tt.in))
			if g := sortedKeys(got); !reflect.DeepEqual(g, tt.groups) {
				t.Errorf("groups = %v, want %v", g, tt.groups)
			}
			checkErr(t, err, tt.errs)
		})
	}
}

func FuzzNetStat(f *testing.F) {
	addSeeds(f, "netstat")
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := NetStat(b)
		if got == nil {
			t.Fatal("nil map")
		}
		if err == nil && len(got) == 0 {
			t.Fatal("no groups and no error")
		}
	})
}
