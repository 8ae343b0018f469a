package source

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// completeOnline makes the sample's one online CPU set when the CPU
// directory and lscpu gave none: the CPUs marked online, else the header of
// /proc/interrupts (it prints the online CPUs), else the cpuN lines of
// /proc/stat, else the processors of /proc/cpuinfo. The set is written back
// into Topology (Online, and a CPU entry for each), so the report header,
// show, the JSON and the checks all count the same CPUs; the cpu_topology
// input says where it came from. It runs after every section was read.
func (l *loader) completeOnline() {
	t := &l.snap.Topology
	if len(t.Online) > 0 {
		return
	}
	var online []int
	from := ""
	for _, c := range t.CPUs {
		if c.Online {
			online = append(online, c.ID)
		}
	}
	if len(online) > 0 {
		return // loadTopology already rebuilt the list from these
	}
	switch {
	case len(l.snap.Interrupts.CPUs) > 0:
		online, from = slices.Clone(l.snap.Interrupts.CPUs), "the /proc/interrupts header"
	case len(l.snap.CPUTimes) > 0:
		for _, c := range l.snap.CPUTimes {
			online = append(online, c.CPU)
		}
		from = "the cpuN lines of /proc/stat"
	default:
		online, from = l.cpuinfoProcessors(), "the processors of /proc/cpuinfo"
	}
	online = host.SortedCPUs(online)
	online = slices.Compact(online)
	if len(online) == 0 {
		return
	}
	t.Online = online
	have := make(map[int]int, len(t.CPUs))
	for i, c := range t.CPUs {
		have[c.ID] = i
	}
	for _, id := range online {
		if i, ok := have[id]; ok {
			t.CPUs[i].Online = true
			continue
		}
		t.CPUs = append(t.CPUs, host.CPU{ID: id, Online: true, Package: -1, Die: -1, Core: -1, Node: -1})
	}
	slices.SortFunc(t.CPUs, func(a, b host.CPU) int { return a.ID - b.ID })
	// softnet_stat was read before the set was known: its i-th row is the
	// i-th online CPU unless the kernel printed the CPU.
	for i := range l.snap.Softnet {
		if r := &l.snap.Softnet[i]; r.CPU < 0 && !r.CPUFromIndex && i < len(online) {
			r.CPU = online[i]
		}
	}
	l.replace(host.InputCPUTopology, "", "", nil, "online CPUs from "+from+" (no online list, no lscpu)")
}

// maxCPUInfo bounds how much of /proc/cpuinfo is read for processor numbers.
const maxCPUInfo = 16 << 20

// cpuinfoProcessors lists the "processor : N" entries of /proc/cpuinfo.
func (l *loader) cpuinfoProcessors() []int {
	b, _, err := l.read(candCPUInfo)
	if err != nil {
		return nil
	}
	if len(b) > maxCPUInfo {
		b = b[:maxCPUInfo]
	}
	var out []int
	for _, line := range bytes.Split(b, []byte("\n")) {
		k, v, ok := strings.Cut(string(line), ":")
		if !ok || strings.TrimSpace(k) != "processor" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err == nil && n >= 0 && n <= maxCPUID {
			out = append(out, n)
		}
	}
	return out
}
