package parse

import (
	"bytes"
	"reflect"
	"testing"
)

func TestSoftirqsSamples(t *testing.T) {
	tests := []struct {
		file   string
		cpus   []int
		names  int
		netRX  []uint64
		absent string // a name that must not be there
	}{
		// This machine, 6.18, 2 vCPUs.
		{"live-6.18-kvm", []int{0, 1}, 10, []uint64{989, 997}, "BLOCK_IOPOLL"},
		// RHEL 7, 3.10: BLOCK_IOPOLL instead of IRQ_POLL.
		{"rhel7-3.10-4cpu", []int{0, 1, 2, 3}, 10, []uint64{1180153410, 1833061539, 1361075413, 1155074300}, "IRQ_POLL"},
		// RHEL 9, 5.14: the header lists possible CPUs, offline CPU2 counts zero.
		{"rhel9-5.14-4cpu-cpu2-offline", []int{0, 1, 2, 3}, 10, []uint64{8801234, 770001, 0, 912003}, "BLOCK_IOPOLL"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Softirqs(readTestdata(t, "softirqs", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.CPUs, tt.cpus) {
				t.Errorf("CPUs = %v, want %v", got.CPUs, tt.cpus)
			}
			if len(got.Counts) != tt.names {
				t.Errorf("%d names, want %d", len(got.Counts), tt.names)
			}
			if !reflect.DeepEqual(got.Counts["NET_RX"], tt.netRX) {
				t.Errorf("NET_RX = %v, want %v", got.Counts["NET_RX"], tt.netRX)
			}
			if _, ok := got.Counts[tt.absent]; ok {
				t.Errorf("%s present", tt.absent)
			}
		})
	}
}

func TestSoftirqsBadRows(t *testing.T) {
	const hdr = "                    CPU0       CPU1       \n"
	tests := []struct {
		name  string
		in    string
		names []string
		errs  []string
	}{
		{"good", hdr + "  NET_RX: 1 2\n  NET_TX: 3 4\n", []string{"NET_RX", "NET_TX"}, nil},
		{"short row", hdr + "  NET_RX: 1\n  NET_TX: 3 4\n", []string{"NET_TX"}, []string{`line 2: "NET_RX": short row: 1 counts for 2 CPUs`}},
		{"long row", hdr + "  NET_RX: 1 2 3\n  NET_TX: 3 4\n", []string{"NET_TX"}, []string{`line 2: "NET_RX": more counts than the header's 2 CPUs`}},
		{"bad count", hdr + "  NET_RX: 1 x\n  NET_TX: 3 4\n", []string{"NET_TX"}, []string{`line 2: "NET_RX": bad count "x"`}},
		{"no label", hdr + "  NET_RX 1 2\n  NET_TX: 3 4\n", []string{"NET_TX"}, []string{`line 2: no "NAME:" label`}},
		{"repeated", hdr + "  NET_RX: 1 2\n  NET_RX: 3 4\n", []string{"NET_RX"}, []string{`line 3: "NET_RX": repeated`}},
		{"header only", hdr, nil, []string{"no rows after the header"}},
		{"no header", "  NET_RX: 1 2\n", nil, []string{"line 1: header"}},
		{"empty", "", nil, []string{"softirqs: empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Softirqs([]byte(tt.in))
			if len(got.Counts) != len(tt.names) {
				t.Errorf("names = %v, want %v", got.Counts, tt.names)
			}
			for _, n := range tt.names {
				if _, ok := got.Counts[n]; !ok {
					t.Errorf("%s missing", n)
				}
			}
			checkErr(t, err, tt.errs)
		})
	}
}

func FuzzSoftirqs(f *testing.F) {
	addSeeds(f, "softirqs")
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Softirqs(b)
		sameStreamed(t, got, err, func(buf int) (any, error) {
			return softirqsStream(streamLinesSize(bytes.NewReader(b), buf))
		})
		if got.Counts == nil || got.CPUs == nil {
			t.Fatal("nil map or CPUs")
		}
		for n, c := range got.Counts {
			if len(c) != len(got.CPUs) {
				t.Fatalf("%s: %d counts for %d CPUs", n, len(c), len(got.CPUs))
			}
		}
		if err == nil && len(got.Counts) == 0 {
			t.Fatal("no rows and no error")
		}
	})
}
