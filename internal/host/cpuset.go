package host

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// CPU sets are plain []int throughout the model. The helpers here accept
// any order and duplicates, ignore negative IDs, and return new, sorted,
// duplicate-free, non-nil slices; they never modify their arguments.

// MaxCPUID is the highest CPU ID FormatCPUMask writes (the parsers cap IDs at
// the same value); higher IDs are ignored so that a hostile ID cannot make a
// mask of millions of groups.
const MaxCPUID = 65535

// SortedCPUs returns the non-negative IDs of cpus sorted and without duplicates.
func SortedCPUs(cpus []int) []int {
	out := make([]int, 0, len(cpus))
	for _, c := range cpus {
		if c >= 0 {
			out = append(out, c)
		}
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return slices.Compact(out)
}

// FormatCPUList writes cpus as the kernel prints a cpulist:
// [0 1 2 3 8 10 11] → "0-3,8,10-11". Two consecutive CPUs print as a range
// ("0-1"), as the kernel's %*pbl does. An empty set gives "".
func FormatCPUList(cpus []int) string {
	set := SortedCPUs(cpus)
	var b strings.Builder
	for i := 0; i < len(set); {
		j := i
		for j+1 < len(set) && set[j+1] == set[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(set[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(set[j]))
		}
		i = j + 1
	}
	return b.String()
}

// FormatCPUMask writes cpus as the kernel prints a CPU mask (smp_affinity,
// rps_cpus): 32-bit hex groups, comma-separated, most significant first, with
// as many groups as the highest CPU needs and at least one:
// [10] → "00000400", [10 63] → "80000000,00000400", [] → "00000000".
// The kernel pads to nr_cpu_ids, which a sample does not always know; the
// writable files accept the shorter form. IDs above MaxCPUID are ignored.
func FormatCPUMask(cpus []int) string {
	set := SortedCPUs(cpus)
	for len(set) > 0 && set[len(set)-1] > MaxCPUID {
		set = set[:len(set)-1]
	}
	groups := 1
	if len(set) > 0 {
		groups = set[len(set)-1]/32 + 1
	}
	words := make([]uint32, groups)
	for _, c := range set {
		words[c/32] |= 1 << (c % 32)
	}
	var b strings.Builder
	b.Grow(groups * 9)
	for i := groups - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "%08x", words[i])
		if i > 0 {
			b.WriteByte(',')
		}
	}
	return b.String()
}

// ContainsCPU reports whether cpu is in set (any order).
func ContainsCPU(set []int, cpu int) bool {
	return slices.Contains(set, cpu)
}

// UnionCPUs returns the CPUs in a or b.
func UnionCPUs(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	return SortedCPUs(out)
}

// IntersectCPUs returns the CPUs in both a and b.
func IntersectCPUs(a, b []int) []int {
	x, y := SortedCPUs(a), SortedCPUs(b)
	out := make([]int, 0, min(len(x), len(y)))
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] < y[j]:
			i++
		case x[i] > y[j]:
			j++
		default:
			out = append(out, x[i])
			i++
			j++
		}
	}
	return out
}

// MinusCPUs returns the CPUs in a that are not in b.
func MinusCPUs(a, b []int) []int {
	x, y := SortedCPUs(a), SortedCPUs(b)
	out := make([]int, 0, len(x))
	j := 0
	for _, c := range x {
		for j < len(y) && y[j] < c {
			j++
		}
		if j < len(y) && y[j] == c {
			continue
		}
		out = append(out, c)
	}
	return out
}
