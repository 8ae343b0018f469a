package parse

import (
	"reflect"
	"sort"
	"testing"
)

func TestNetDevSamples(t *testing.T) {
	tests := []struct {
		file   string
		ifaces []string
		check  string // interface whose counters are compared
		want   map[string]uint64
	}{
		{
			// This machine, 6.18.
			file: "live-6.18-kvm", ifaces: []string{"eth0", "ifb0", "ifb1", "lo"}, check: "lo",
			want: netDevRow(3293, 31, 0, 0, 0, 0, 0, 0, 3293, 31, 0, 0, 0, 0, 0, 0),
		},
		{
			// RHEL 7, 3.10: 64-bit counters, a VLAN name with a dot.
			file: "rhel7-3.10", ifaces: []string{"bond0.100", "eth0", "eth1", "lo"}, check: "eth0",
			want: netDevRow(9223372036854775807, 26093815071, 0, 112233, 4455, 0, 0, 100234, 1717221394621, 14005116226, 0, 0, 0, 0, 0, 0),
		},
		{
			// RHEL 4, 2.6.9: the first counter glued to the colon.
			file: "rhel4-2.6.9-glued", ifaces: []string{"eth0", "lo"}, check: "eth0",
			want: netDevRow(3154120911, 23456789, 0, 12, 3, 0, 0, 1024, 1234567890, 12345678, 0, 0, 0, 0, 0, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := NetDev(readTestdata(t, "net_dev", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if names := sortedKeys(got); !reflect.DeepEqual(names, tt.ifaces) {
				t.Errorf("interfaces = %v, want %v", names, tt.ifaces)
			}
			if !reflect.DeepEqual(got[tt.check], tt.want) {
				t.Errorf("%s = %v, want %v", tt.check, got[tt.check], tt.want)
			}
			for name, m := range got {
				if len(m) != 16 {
					t.Errorf("%s: %d keys", name, len(m))
				}
			}
		})
	}
}

func netDevRow(v ...uint64) map[string]uint64 {
	m := map[string]uint64{}
	for i, k := range netDevKeys {
		m[k] = v[i]
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestNetDevBadRows(t *testing.T) {
	const hdr = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
	const lo = "    lo:    3293      31    0    0    0     0          0         0     3293      31    0    0    0     0       0          0\n"
	tests := []struct {
		name   string
		in     string
		ifaces []string
		errs   []string
	}{
		{"three numbers (procfs panics)", hdr + "  eth0: 1 2 3\n" + lo, []string{"lo"}, []string{`line 3: "eth0": 3 counters, want 16`}},
		{"seventeen numbers", hdr + "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n" + lo, []string{"lo"}, []string{`line 3: "eth0": more than 16 counters`}},
		{"bad number", hdr + "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 -16\n" + lo, []string{"lo"}, []string{`line 3: "eth0": bad counter "-16"`}},
		{"no colon", hdr + "  eth0 1 2\n" + lo, []string{"lo"}, []string{`line 3: no "name:"`}},
		{"empty name", hdr + "  : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n" + lo, []string{"lo"}, []string{`line 3: bad interface name ""`}},
		{"long name", hdr + "  abcdefghijklmnop: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n" + lo, []string{"lo"}, []string{"line 3: bad interface name"}},
		{"space in name", hdr + "  a b: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n" + lo, []string{"lo"}, []string{"line 3: bad interface name"}},
		{"repeated", hdr + lo + lo, []string{"lo"}, []string{`line 4: "lo": repeated`}},
		{"no header still parses", lo, []string{"lo"}, nil},
		{"truncated row", hdr + lo + "  eth0: 1 2 3 4 5", []string{"lo"}, []string{`line 4: "eth0": 5 counters, want 16`}},
		{"header only", hdr, []string{}, []string{"no interface rows"}},
		{"empty", "", []string{}, []string{"net/dev: empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NetDev([]byte(tt.in))
			if names := sortedKeys(got); !reflect.DeepEqual(names, tt.ifaces) {
				t.Errorf("interfaces = %v, want %v", names, tt.ifaces)
			}
			checkErr(t, err, tt.errs)
		})
	}
}

func FuzzNetDev(f *testing.F) {
	addSeeds(f, "net_dev")
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := NetDev(b)
		if got == nil {
			t.Fatal("nil map")
		}
		for name, m := range got {
			if name == "" || len(name) > maxIfaceName || len(m) != 16 {
				t.Fatalf("bad row %q: %v", name, m)
			}
		}
		if err == nil && len(got) == 0 {
			t.Fatal("no rows and no error")
		}
	})
}
