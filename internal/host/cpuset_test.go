package host

import (
	"reflect"
	"strings"
	"testing"
)

func TestFormatCPUList(t *testing.T) {
	tests := []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{}, ""},
		{[]int{0}, "0"},
		{[]int{0, 1}, "0-1"},
		{[]int{0, 1, 2, 3, 8, 10, 11}, "0-3,8,10-11"},
		{[]int{11, 3, 1, 2, 2, 10, 0, 8}, "0-3,8,10-11"},
		{[]int{0, 2, 4, 6}, "0,2,4,6"}, // interleaved node (X5650)
		{[]int{-1, 5}, "5"},
		{[]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63}, "0-15,48-63"},
		{[]int{511}, "511"},
	}
	for _, tt := range tests {
		if got := FormatCPUList(tt.in); got != tt.want {
			t.Errorf("FormatCPUList(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatCPUMask(t *testing.T) {
	tests := []struct {
		in   []int
		want string
	}{
		{nil, "00000000"},
		{[]int{0}, "00000001"},
		{[]int{10}, "00000400"},
		{[]int{8, 9, 10, 11, 12, 13, 14, 15}, "0000ff00"},
		{[]int{63, 10}, "80000000,00000400"},
		{[]int{32}, "00000001,00000000"},
		{[]int{31}, "80000000"},
		{[]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}, "ffffffff"},
		{[]int{-3, 4}, "00000010"},
		{[]int{MaxCPUID + 1}, "00000000"},
		{[]int{1, 1, 1}, "00000002"},
	}
	for _, tt := range tests {
		if got := FormatCPUMask(tt.in); got != tt.want {
			t.Errorf("FormatCPUMask(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// 512 CPUs: 16 groups, CPU 511 in the first.
	got := FormatCPUMask([]int{0, 511})
	if want := "80000000," + strings.Repeat("00000000,", 14) + "00000001"; got != want {
		t.Errorf("FormatCPUMask([0 511]) = %q, want %q", got, want)
	}
	// The largest ID still gives a bounded string.
	if got := FormatCPUMask([]int{MaxCPUID}); len(got) != 2048*9-1 || !strings.HasPrefix(got, "80000000,") {
		t.Errorf("FormatCPUMask([MaxCPUID]) has length %d, prefix %.9q", len(got), got)
	}
}

func TestCPUSetHelpers(t *testing.T) {
	tests := []struct {
		a, b                    []int
		union, inter, aMinusB   []int
		containsA3, containsB3b bool
	}{
		{nil, nil, []int{}, []int{}, []int{}, false, false},
		{[]int{0, 1, 2, 3}, []int{2, 3, 4}, []int{0, 1, 2, 3, 4}, []int{2, 3}, []int{0, 1}, true, true},
		{[]int{3, 1, 1}, []int{8}, []int{1, 3, 8}, []int{}, []int{1, 3}, true, false},
		{[]int{5, 6}, []int{-1, 5, 6, 7}, []int{5, 6, 7}, []int{5, 6}, []int{}, false, false},
	}
	for _, tt := range tests {
		if got := UnionCPUs(tt.a, tt.b); !reflect.DeepEqual(got, tt.union) {
			t.Errorf("UnionCPUs(%v, %v) = %#v, want %#v", tt.a, tt.b, got, tt.union)
		}
		if got := IntersectCPUs(tt.a, tt.b); !reflect.DeepEqual(got, tt.inter) {
			t.Errorf("IntersectCPUs(%v, %v) = %#v, want %#v", tt.a, tt.b, got, tt.inter)
		}
		if got := MinusCPUs(tt.a, tt.b); !reflect.DeepEqual(got, tt.aMinusB) {
			t.Errorf("MinusCPUs(%v, %v) = %#v, want %#v", tt.a, tt.b, got, tt.aMinusB)
		}
		if got := ContainsCPU(tt.a, 3); got != tt.containsA3 {
			t.Errorf("ContainsCPU(%v, 3) = %v", tt.a, got)
		}
		if got := ContainsCPU(tt.b, 3); got != tt.containsB3b {
			t.Errorf("ContainsCPU(%v, 3) = %v", tt.b, got)
		}
	}
}

func TestSortedCPUsDoesNotModify(t *testing.T) {
	in := []int{3, 1, 2, 1}
	got := SortedCPUs(in)
	if !reflect.DeepEqual(got, []int{1, 2, 3}) || !reflect.DeepEqual(in, []int{3, 1, 2, 1}) {
		t.Errorf("SortedCPUs: got %v, input now %v", got, in)
	}
}
