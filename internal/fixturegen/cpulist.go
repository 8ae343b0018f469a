package fixturegen

import (
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
)

// cpuList formats CPUs as a kernel cpulist ("0-3,8"); nil or empty is "".
// It deliberately does not call host.FormatCPUList: the generator writes
// what the kernel writes independently of the code the fixtures test.
func cpuList(cpus []int) string {
	c := slices.Clone(cpus)
	slices.Sort(c)
	c = slices.Compact(c)
	var b strings.Builder
	for i := 0; i < len(c); {
		j := i
		for j+1 < len(c) && c[j+1] == c[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(c[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(c[j]))
		}
		i = j + 1
	}
	return b.String()
}

// cpuMask formats CPUs as the kernel's %*pb bitmap of nbits bits: 32-bit
// hex groups, most significant first, the first group only as wide as
// needed ("3" for 2 CPUs, "ff,ffffffff" for 40).
func cpuMask(cpus []int, nbits int) string {
	if nbits < 1 {
		nbits = 1
	}
	groups := (nbits + 31) / 32
	words := make([]uint32, groups)
	for _, c := range cpus {
		if c >= 0 && c < nbits {
			words[c/32] |= 1 << (c % 32)
		}
	}
	var b strings.Builder
	for g := groups - 1; g >= 0; g-- {
		width := 8
		if g == groups-1 {
			if r := nbits % 32; r != 0 {
				width = (r + 3) / 4
			}
		}
		s := strconv.FormatUint(uint64(words[g]), 16)
		for len(s) < width {
			s = "0" + s
		}
		b.WriteString(s)
		if g > 0 {
			b.WriteByte(',')
		}
	}
	return b.String()
}

// seq returns lo..hi inclusive.
func seq(lo, hi int) []int {
	var out []int
	for i := lo; i <= hi; i++ {
		out = append(out, i)
	}
	return out
}

// without returns a minus the members of b.
func without(a, b []int) []int {
	var out []int
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// jitter returns a deterministic factor in [1-amp, 1+amp] for key, so that
// counters look measured rather than round.
func jitter(key string, amp float64) float64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	v := float64(h.Sum64()%20001)/10000 - 1
	return 1 + amp*v
}

// u32 is a counter as a 32-bit kernel counter prints it (wrapped).
func u32(v float64) uint64 {
	if v <= 0 || math.IsNaN(v) {
		return 0
	}
	return uint64(v) % (1 << 32)
}

// u64 is a non-negative counter value.
func u64(v float64) uint64 {
	if v <= 0 || math.IsNaN(v) {
		return 0
	}
	if v >= math.MaxUint64/2 {
		return math.MaxUint64 / 2
	}
	return uint64(v)
}

// itoa is strconv.Itoa.
func itoa(i int) string { return strconv.Itoa(i) }

// utoa formats an unsigned value.
func utoa(v uint64) string { return strconv.FormatUint(v, 10) }
