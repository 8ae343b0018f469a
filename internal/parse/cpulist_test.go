package parse

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestCPUList(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		err  string // substring; "" means no error
	}{
		{"0-3,8,10-11\n", []int{0, 1, 2, 3, 8, 10, 11}, ""},
		{"0\n", []int{0}, ""},                       // online on a 1-CPU VM
		{"0-1", []int{0, 1}, ""},                    // this machine's online file
		{"", []int{}, ""},                           // offline file with no offline CPU
		{"\n", []int{}, ""},                         // the same, as sysfs prints it
		{"  2-3,6 \t\n", []int{2, 3, 6}, ""},        // whitespace trimmed
		{"8,0-3,2", []int{0, 1, 2, 3, 8}, ""},       // sorted, unique
		{"0-63,64-127", seq(0, 127), ""},            // crosses a word boundary
		{"65535", []int{65535}, ""},                 // the cap itself
		{"0-7:2", nil, "bad range"},                 // stride form of kernel parameters
		{"3-1", nil, "reversed range"},              // reversed
		{"0-4294967295", nil, "bad range"},          // huge range
		{"65536", nil, "bad CPU id"},                // above the cap
		{"0,,2", nil, "empty element"},              // empty element
		{"0-3,", nil, "empty element"},              // trailing comma
		{",1", nil, "empty element"},                // leading comma
		{"-1", nil, "bad range"},                    // sign
		{"0 - 3", nil, "bad range"},                 // space inside
		{"0, 1", nil, "bad CPU id"},                 // space after comma
		{"1-", nil, "bad range"},                    // open range
		{"garbage", nil, "bad CPU id"},              // procfs would return [0]
		{"0x3", nil, "bad CPU id"},                  // a mask is not a list
		{"00000000,0000ff00", nil, "bad CPU id"},    // nor is this (comma groups of hex)
		{"99999999999999999999999", nil, "bad CPU"}, // overflow
	}
	for _, tt := range tests {
		got, err := CPUList(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("CPUList(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("CPUList(%q): %v", tt.in, err)
			continue
		}
		if got == nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("CPUList(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestCPUMask(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		err  string
	}{
		{"00000000,0000ff00", []int{8, 9, 10, 11, 12, 13, 14, 15}, ""},
		{"00000000,00000400\n", []int{10}, ""}, // the smp_affinity example: CPU 10
		{"3\n", []int{0, 1}, ""},               // Cpus_allowed on a 2-CPU host
		{"ff,ffffffff", seq(0, 39), ""},        // 40 CPUs: short first group
		{"00000001,00000000", []int{32}, ""},
		{"80000000,00000000,00000001", []int{0, 95}, ""},
		{"0x0000000f", []int{0, 1, 2, 3}, ""}, // irqbalance configuration style
		{"FC0", []int{6, 7, 8, 9, 10, 11}, ""},
		{"00000000", []int{}, ""}, // affinity_hint with no hint
		{"", []int{}, ""},
		{" \n", []int{}, ""},
		// RHEL 5 Cpus_allowed: 16 groups for NR_CPUS=512.
		{strings.Repeat("00000000,", 15) + "0000000f", []int{0, 1, 2, 3}, ""},
		{"0x", nil, "no digits"},
		{"1ffffffff", nil, "1 to 8 hex digits"},
		{"0000000g", nil, "bad hex group"},
		{"ff,,ff", nil, "1 to 8 hex digits"},
		{"ff,", nil, "1 to 8 hex digits"},
		{"0-3", nil, "bad hex group"},
		{"ff ff", nil, "bad hex group"},
		{strings.Repeat("0,", 2048) + "1", nil, "more than 2048 groups"},
	}
	for _, tt := range tests {
		got, err := CPUMask(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("CPUMask(%.30q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("CPUMask(%q): %v", tt.in, err)
			continue
		}
		if got == nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("CPUMask(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

// TestCPUMaskMax checks the highest CPU a mask may name.
func TestCPUMaskMax(t *testing.T) {
	in := "80000000" + strings.Repeat(",00000000", 2047)
	got, err := CPUMask(in)
	if err != nil || !reflect.DeepEqual(got, []int{65535}) {
		t.Fatalf("CPUMask = %v, %v; want [65535]", got, err)
	}
}

func seq(lo, hi int) []int {
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

func FuzzCPUList(f *testing.F) {
	for _, s := range []string{"0-3,8,10-11\n", "0-1", "", "0-7:2", "3-1", "65535", "0-65535", "1,1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CPUList(s)
		if err != nil {
			return
		}
		if got == nil {
			t.Fatal("nil list without error")
		}
		for i, c := range got {
			if c < 0 || c > maxCPU || (i > 0 && c <= got[i-1]) {
				t.Fatalf("bad list %v", got)
			}
		}
		// A list the parser accepted reads back the same once reformatted.
		again, err := CPUList(formatList(got))
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("round trip %v -> %q -> %v, %v", got, formatList(got), again, err)
		}
	})
}

func FuzzCPUMask(f *testing.F) {
	for _, s := range []string{"00000000,0000ff00", "3\n", "ff,ffffffff", "0x0f", "", "1ffffffff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CPUMask(s)
		if err != nil {
			return
		}
		if got == nil {
			t.Fatal("nil list without error")
		}
		for i, c := range got {
			if c < 0 || c > maxCPU || (i > 0 && c <= got[i-1]) {
				t.Fatalf("bad list %v", got)
			}
		}
	})
}

// formatList prints CPUs as a plain comma list (test helper).
func formatList(cpus []int) string {
	var sb strings.Builder
	for i, c := range cpus {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Itoa(c))
	}
	return sb.String()
}
