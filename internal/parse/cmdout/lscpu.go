package cmdout

import (
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/parse"
)

// maxNode is the largest NUMA node id accepted (Linux MAX_NUMNODES is 1024).
const maxNode = 1023

// maxCPU is the largest CPU id accepted, as in internal/parse.
const maxCPU = 65535

// LscpuInfo is what plain `lscpu` says about the CPUs (the brief's contract
// called this type Lscpu, the name of its parser).
type LscpuInfo struct {
	// Fields holds every "Key: value" line by key, trimmed, without the
	// section nesting of util-linux 2.37+ ("Model name", "NUMA node0 CPU(s)",
	// and section headers such as "NUMA" with an empty value). A repeated key
	// keeps its first value.
	Fields map[string]string
	// Online is "On-line CPU(s) list"; nil when absent.
	Online []int
	// NodeCPUs is the "NUMA nodeN CPU(s)" lines by node; a memory-only node
	// has an empty list. Nil when there are none.
	NodeCPUs map[int][]int
	// Sockets, CoresPerSocket, ThreadsPerCore are "Socket(s)", "Core(s) per
	// socket", "Thread(s) per core"; 0 when absent or not a number ("-").
	Sockets, CoresPerSocket, ThreadsPerCore int
	// Hypervisor is "Hypervisor vendor" as printed ("KVM", "VMware",
	// "Microsoft", "Xen"), "" on bare metal.
	Hypervisor string
}

// Lscpu parses plain `lscpu`, in both the flat layout and the indented one of
// util-linux 2.37+ (RHEL 9) where keys sit under section headers. A line is
// split at its first colon; lines without one (wrapped flag lists) are skipped.
// Input without any of the keys lscpu always prints (Architecture, CPU(s),
// ...) is not lscpu output.
func Lscpu(b []byte) (LscpuInfo, error) {
	const cmd = "lscpu"
	l := LscpuInfo{Fields: map[string]string{}}
	text, err := input(cmd, b)
	if err != nil {
		return l, err
	}
	p := problems{cmd: cmd}
	lineOf := map[string]int{}
	var keys []string // in file order, so that errors come in file order
	for i, line := range splitLines(text) {
		key, val, ok := cutKey(line)
		if !ok || key == "" {
			continue
		}
		if _, dup := l.Fields[key]; dup {
			continue
		}
		l.Fields[key] = val
		lineOf[key] = i + 1
		keys = append(keys, key)
	}
	known := false
	for _, k := range []string{"Architecture", "CPU(s)", "On-line CPU(s) list", "Model name", "Vendor ID"} {
		if _, ok := l.Fields[k]; ok {
			known = true
		}
	}
	if !known { // "sh: lscpu: command not found" has a colon too
		return LscpuInfo{Fields: map[string]string{}}, noData(cmd, text, `"CPU(s):" or "Architecture:" line`)
	}
	if v, ok := l.Fields["On-line CPU(s) list"]; ok {
		cpus, err := parse.CPUList(v)
		if err != nil {
			p.addf(lineOf["On-line CPU(s) list"], "On-line CPU(s) list: %v", err)
		} else {
			l.Online = cpus
		}
	}
	for _, key := range keys {
		val := l.Fields[key]
		ns, ok := strings.CutPrefix(key, "NUMA node")
		if !ok {
			continue
		}
		ns, ok = strings.CutSuffix(ns, " CPU(s)")
		if !ok {
			continue
		}
		node, err := strconv.Atoi(ns)
		if err != nil || node < 0 || node > maxNode {
			p.addf(lineOf[key], "bad NUMA node in %s", quote(key))
			continue
		}
		cpus, err := parse.CPUList(val)
		if err != nil {
			p.addf(lineOf[key], "%s: %v", key, err)
			continue
		}
		if l.NodeCPUs == nil {
			l.NodeCPUs = map[int][]int{}
		}
		l.NodeCPUs[node] = cpus
	}
	count := func(key string) int {
		v, ok := l.Fields[key]
		if !ok || v == "-" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxCPU {
			p.addf(lineOf[key], "%s: bad count %s", key, quote(v))
			return 0
		}
		return n
	}
	l.Sockets = count("Socket(s)")
	l.CoresPerSocket = count("Core(s) per socket")
	l.ThreadsPerCore = count("Thread(s) per core")
	l.Hypervisor = l.Fields["Hypervisor vendor"]
	return l, p.err()
}

// LscpuCPU is one row of `lscpu -e` or `lscpu -p`. Node, Socket and Core are
// -1 when unknown ("-", an empty field or no such column).
type LscpuCPU struct {
	CPU, Node, Socket, Core int
	// Online is the ONLINE column; true when there is no such column (lscpu
	// -p lists online CPUs only unless -a is given).
	Online bool
}

// LscpuTable parses `lscpu -e` (`-ae`), a whitespace table with a header
// ("CPU NODE SOCKET CORE L1d:L1i:L2:L3 ONLINE MAXMHZ MINMHZ"; NODE is absent
// on hosts without NUMA), and `lscpu -p`, CSV whose column names are on the
// last "#" comment line ("# CPU,Core,Socket,Node,,L1d,L1i,L2,L3"). Columns are
// found by name. A row whose field count differs from the header's, or whose
// CPU is not a number, is skipped and named in the error.
func LscpuTable(b []byte) ([]LscpuCPU, error) {
	const cmd = "lscpu -e"
	text, err := input(cmd, b)
	if err != nil {
		return nil, err
	}
	lines := splitLines(text)
	first := 0
	for first < len(lines) && strings.TrimSpace(lines[first]) == "" {
		first++
	}
	if strings.HasPrefix(strings.TrimSpace(lines[first]), "#") {
		return lscpuCSV(lines)
	}
	p := problems{cmd: cmd}
	hdr := strings.Fields(lines[first])
	cols := lscpuColumns(hdr)
	if cols.cpu < 0 {
		return nil, noData(cmd, text, "CPU column header")
	}
	var out []LscpuCPU
	for i := first + 1; i < len(lines); i++ {
		f := strings.Fields(lines[i])
		if len(f) == 0 {
			continue
		}
		if len(f) != len(hdr) {
			p.addf(i+1, "%d fields, header has %d", len(f), len(hdr))
			continue
		}
		if row, ok := cols.row(f, &p, i+1); ok {
			out = append(out, row)
		}
	}
	return out, p.err()
}

// lscpuCSV parses `lscpu -p`.
func lscpuCSV(lines []string) ([]LscpuCPU, error) {
	const cmd = "lscpu -p"
	p := problems{cmd: cmd}
	var hdr []string
	var cols lscpuCols
	cols.cpu = -1
	var out []LscpuCPU
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if c, ok := strings.CutPrefix(t, "#"); ok {
			if len(out) == 0 { // the last comment before the data names the columns
				hdr = strings.Split(strings.TrimSpace(c), ",")
				cols = lscpuColumns(hdr)
			}
			continue
		}
		if cols.cpu < 0 {
			return nil, noData(cmd, strings.Join(lines, "\n"), "column names comment")
		}
		f := strings.Split(t, ",")
		if len(f) != len(hdr) {
			p.addf(i+1, "%d fields, header has %d", len(f), len(hdr))
			continue
		}
		if row, ok := cols.row(f, &p, i+1); ok {
			out = append(out, row)
		}
	}
	if cols.cpu < 0 {
		return nil, noData(cmd, strings.Join(lines, "\n"), "column names comment")
	}
	return out, p.err()
}

// lscpuCols holds the index of each known column, -1 when absent.
type lscpuCols struct{ cpu, node, socket, core, online int }

func lscpuColumns(hdr []string) lscpuCols {
	c := lscpuCols{-1, -1, -1, -1, -1}
	for i, h := range hdr {
		switch strings.ToUpper(strings.TrimSpace(h)) {
		case "CPU":
			c.cpu = i
		case "NODE":
			c.node = i
		case "SOCKET":
			c.socket = i
		case "CORE":
			c.core = i
		case "ONLINE":
			c.online = i
		}
	}
	return c
}

// row reads one table row; f has as many fields as the header.
func (c lscpuCols) row(f []string, p *problems, line int) (LscpuCPU, bool) {
	r := LscpuCPU{CPU: -1, Node: -1, Socket: -1, Core: -1, Online: true}
	cpu, err := strconv.Atoi(strings.TrimSpace(f[c.cpu]))
	if err != nil || cpu < 0 || cpu > maxCPU {
		p.addf(line, "bad CPU %s", quote(f[c.cpu]))
		return r, false
	}
	r.CPU = cpu
	id := func(col int, name string, max int) int {
		if col < 0 {
			return -1
		}
		v := strings.TrimSpace(f[col])
		if v == "" || v == "-" {
			return -1
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > max {
			p.addf(line, "CPU %d: bad %s %s", cpu, name, quote(v))
			return -1
		}
		return n
	}
	r.Node = id(c.node, "node", maxNode)
	r.Socket = id(c.socket, "socket", maxCPU)
	r.Core = id(c.core, "core", 1<<30)
	if c.online >= 0 {
		switch strings.ToLower(strings.TrimSpace(f[c.online])) {
		case "yes", "y", "oui", "ja", "sí", "si", "да":
			r.Online = true
		case "no", "n", "non", "nein", "нет":
			r.Online = false
		default:
			p.addf(line, "CPU %d: bad online state %s", cpu, quote(f[c.online]))
		}
	}
	return r, true
}
