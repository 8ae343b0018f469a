package parse

import "math/bits"

// maxCPU is the largest CPU id the parsers accept. Linux supports up to
// 8192 CPUs (CONFIG_NR_CPUS); anything above 65535 is garbage, and the cap
// bounds the memory a hostile "0-4294967295" could ask for.
const maxCPU = 65535

// CPUList parses a kernel cpulist ("0-3,8,10-11\n", as in
// /sys/devices/system/cpu/online, smp_affinity_list, Cpus_allowed_list) into
// sorted, unique CPU ids. Surrounding whitespace is trimmed; an empty list
// gives a non-nil empty slice. Anything else the kernel would not print is an
// error: empty elements, reversed ranges ("3-1"), the stride form of kernel
// parameters ("0-7:2"), signs, spaces inside, ids above 65535.
//
// It exists instead of procfs's parser, which turns garbage into [0].
func CPUList(s string) ([]int, error) {
	b := trimSpace([]byte(s))
	if len(b) == 0 {
		return []int{}, nil
	}
	var set cpuSet
	for i := 0; i <= len(b); {
		j := i
		for j < len(b) && b[j] != ',' {
			j++
		}
		elem := b[i:j]
		lo, hi, err := cpuRange(elem)
		if err != "" {
			return nil, errorf("cpulist", 0, "%s in %s", err, quote(b))
		}
		set.addRange(lo, hi)
		i = j + 1
	}
	return set.list(), nil
}

// cpuRange parses "N" or "N-M" of a cpulist.
func cpuRange(elem []byte) (lo, hi int, problem string) {
	if len(elem) == 0 {
		return 0, 0, "empty element"
	}
	dash := -1
	for k, c := range elem {
		if c == '-' {
			dash = k
			break
		}
	}
	if dash < 0 {
		n, ok := parseSmallInt(elem, maxCPU)
		if !ok {
			return 0, 0, "bad CPU id " + quote(elem)
		}
		return n, n, ""
	}
	lo, ok1 := parseSmallInt(elem[:dash], maxCPU)
	hi, ok2 := parseSmallInt(elem[dash+1:], maxCPU)
	if !ok1 || !ok2 {
		return 0, 0, "bad range " + quote(elem)
	}
	if hi < lo {
		return 0, 0, "reversed range " + quote(elem)
	}
	return lo, hi, ""
}

// CPUMask parses a kernel CPU mask ("00000000,0000ff00", as in smp_affinity,
// Cpus_allowed, rps_cpus): hex digits in comma-separated 32-bit groups, most
// significant group first; a group may have fewer than 8 digits ("3", or the
// first group of "ff,ffffffff"), as the kernel's bitmap parser allows. An
// optional "0x" prefix is accepted (irqbalance configuration). Surrounding
// whitespace is trimmed; an empty mask gives a non-nil empty slice; bits above
// CPU 65535 are an error.
func CPUMask(s string) ([]int, error) {
	b := trimSpace([]byte(s))
	if len(b) >= 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') {
		b = b[2:]
		if len(b) == 0 {
			return nil, errorf("cpumask", 0, "no digits after 0x")
		}
	}
	if len(b) == 0 {
		return []int{}, nil
	}
	var groups [][]byte
	for i := 0; i <= len(b); {
		j := i
		for j < len(b) && b[j] != ',' {
			j++
		}
		groups = append(groups, b[i:j])
		if len(groups) > (maxCPU+1)/32 {
			return nil, errorf("cpumask", 0, "more than %d groups: covers CPUs above %d", (maxCPU+1)/32, maxCPU)
		}
		i = j + 1
	}
	var set cpuSet
	for g := range groups {
		grp := groups[len(groups)-1-g] // least significant first
		if len(grp) == 0 || len(grp) > 8 {
			return nil, errorf("cpumask", 0, "group %s is not 1 to 8 hex digits in %s", quote(grp), quote(b))
		}
		v, ok := parseHex32(grp)
		if !ok {
			return nil, errorf("cpumask", 0, "bad hex group %s in %s", quote(grp), quote(b))
		}
		for v != 0 {
			bit := bits.TrailingZeros32(v)
			set.addRange(g*32+bit, g*32+bit)
			v &^= 1 << bit
		}
	}
	return set.list(), nil
}

// cpuSet is a bitmap of CPU ids up to maxCPU.
type cpuSet struct{ words []uint64 }

func (c *cpuSet) addRange(lo, hi int) {
	if need := hi/64 + 1; need > len(c.words) {
		w := make([]uint64, need)
		copy(w, c.words)
		c.words = w
	}
	for id := lo; id <= hi; {
		if id%64 == 0 && id+63 <= hi {
			c.words[id/64] = ^uint64(0)
			id += 64
			continue
		}
		c.words[id/64] |= 1 << (id % 64)
		id++
	}
}

func (c *cpuSet) list() []int {
	n := 0
	for _, w := range c.words {
		n += bits.OnesCount64(w)
	}
	out := make([]int, 0, n)
	for i, w := range c.words {
		for w != 0 {
			bit := bits.TrailingZeros64(w)
			out = append(out, i*64+bit)
			w &^= 1 << bit
		}
	}
	return out
}
