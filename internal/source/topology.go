package source

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// maxCPUID bounds CPU and node numbers taken from directory names.
const maxCPUID = 65535

// topoState gathers the CPU facts of one sample from every source.
type topoState struct {
	cpus map[int]*host.CPU
}

func (t *topoState) cpu(id int) *host.CPU {
	c := t.cpus[id]
	if c == nil {
		c = &host.CPU{ID: id, Package: -1, Die: -1, Core: -1, Node: -1}
		t.cpus[id] = c
	}
	return c
}

// loadTopology fills Topology from sys/devices/system/{cpu,node}, with the
// lscpu and numactl outputs as fallbacks. It returns lscpu's hypervisor
// vendor for the virtualization guess.
func (l *loader) loadTopology() (lscpuHyp string) {
	t := &l.snap.Topology
	st := &topoState{cpus: map[int]*host.CPU{}}

	// The cpulist files of the cpu directory.
	onlineAt := cpuDir + "/online"
	var onlineErr error
	for _, f := range []struct {
		name string
		dst  *[]int
	}{
		{"online", &t.Online}, {"offline", &t.Offline}, {"possible", &t.Possible},
		{"present", &t.Present}, {"isolated", &t.Isolated}, {"nohz_full", &t.NohzFull},
	} {
		b, err := l.readFile(cpuDir + "/" + f.name)
		if err == nil && f.name == "online" {
			l.onlineKey = string(b)
		}
		if err == nil {
			v, perr := safe(func() ([]int, error) { return parseCPUListFile(b) })
			if perr == nil || len(v) > 0 {
				if len(v) > 0 || f.name == "online" {
					*f.dst = v
				}
			}
			err = perr
		}
		if f.name == "online" {
			onlineErr = err
		}
	}
	if b, err := l.readFile(cpuDir + "/smt/active"); err == nil {
		if v, perr := safe(func() (uint64, error) { return parse.Uint(b) }); perr == nil {
			on := v == 1
			t.SMTActive = &on
		}
	}

	// Offline, lscpu is the topology fallback and names the hypervisor.
	var lscpu *cmdout.LscpuInfo
	lscpuAt := ""
	if !l.live {
		if b, at, err := l.read(candLscpu); err == nil {
			if v, perr := safe(func() (cmdout.LscpuInfo, error) { return cmdout.Lscpu(b) }); perr == nil || len(v.Fields) > 0 {
				lscpu, lscpuAt = &v, at
				lscpuHyp = v.Hypervisor
			}
		}
	}
	if t.SMTActive == nil && lscpu != nil && lscpu.ThreadsPerCore > 0 {
		// No smt/active (sos before 4.x, trimmed reports): lscpu's
		// "Thread(s) per core" says whether SMT is on.
		on := lscpu.ThreadsPerCore > 1
		t.SMTActive = &on
	}
	topoNote := ""
	if t.Online == nil {
		switch {
		case lscpu != nil && len(lscpu.Online) > 0:
			t.Online = lscpu.Online
			onlineAt, onlineErr = lscpuAt, nil
			topoNote = "online CPUs from lscpu"
		}
	}

	// Per-CPU directories.
	dirCPUs, dirErr := l.cpuDirs()
	for _, id := range dirCPUs {
		st.cpu(id) // create first: readCPUDir runs concurrently
	}
	found := make([]bool, len(dirCPUs))
	parallel(len(dirCPUs), dirWorkers, func(i int) {
		found[i] = l.readCPUDir(st, dirCPUs[i])
	})
	withTopo := 0
	for _, f := range found {
		if f {
			withTopo++
		}
	}
	for _, id := range t.Online {
		st.cpu(id).Online = true
	}
	if t.Online == nil {
		// No online list: a cpuN/online file says 1, cpu0 has none.
		for _, id := range dirCPUs {
			c := st.cpu(id)
			if b, err := l.readFile(fmt.Sprintf("%s/cpu%d/online", cpuDir, id)); err == nil {
				c.Online = strings.TrimSpace(string(b)) == "1"
			} else if errors.Is(err, fs.ErrNotExist) && id == 0 {
				c.Online = true
			}
		}
	}
	for _, ids := range [][]int{t.Possible, t.Present, t.Offline} {
		for _, id := range ids {
			st.cpu(id)
		}
	}

	// Nodes, with fallbacks.
	nodes, nodesAt, nodesNote, nodesErr := l.loadNodes(st, dirCPUs, lscpu, lscpuAt)
	t.Nodes = nodes

	// CPUs missing their topology (sos >= 4.12 copies at most 64 cpuN
	// directories; a report may lack them all): lscpu -ae.
	known := 0
	for _, c := range st.cpus {
		if c.Core >= 0 || c.Siblings != nil {
			known++
		}
	}
	missing := len(st.cpus) - known
	if len(st.cpus) == 0 || missing > 0 {
		if filled, at := l.topologyFromLscpuTable(st); filled > 0 {
			topoNote = joinNote(topoNote, fmt.Sprintf("core and package of %d CPUs from %s", filled, at))
			if onlineAt == "" || t.Online == nil {
				onlineAt = at
			}
		}
	}
	if !l.live && withTopo > 0 && withTopo < len(t.Online) {
		topoNote = joinNote(topoNote, fmt.Sprintf("only %d of %d cpuN directories copied (sos >= 4.12 copies at most 64 unless -k processor.max_cpu_dirs is raised)", withTopo, len(t.Online)))
	}
	if t.Online == nil {
		for _, c := range st.cpus {
			if c.Online {
				t.Online = append(t.Online, c.ID)
			}
		}
		sort.Ints(t.Online)
		if len(t.Online) > 0 {
			onlineErr = nil
			topoNote = joinNote(topoNote, "online list rebuilt from the CPU sources")
		}
	}

	// Assemble.
	t.CPUs = make([]host.CPU, 0, len(st.cpus))
	for _, c := range st.cpus {
		t.CPUs = append(t.CPUs, *c)
	}
	sort.Slice(t.CPUs, func(i, j int) bool { return t.CPUs[i].ID < t.CPUs[j].ID })

	if onlineErr == nil && dirErr != nil && withTopo == 0 && topoNote == "" {
		topoNote = "no cpuN topology directories"
	}
	l.record(host.InputCPUTopology, "", onlineAt, onlineErr, topoNote)
	l.record(host.InputNUMANodes, "", nodesAt, nodesErr, nodesNote)
	return lscpuHyp
}

// parseCPUListFile parses a cpulist file; "(null)" (nohz_full unset) is empty.
func parseCPUListFile(b []byte) ([]int, error) {
	s := strings.TrimSpace(string(b))
	if s == "(null)" {
		return []int{}, nil
	}
	return parse.CPUList(s)
}

// cpuDirs lists the cpuN directories, sorted by N.
func (l *loader) cpuDirs() ([]int, error) {
	ents, err := l.readDir(cpuDir)
	var ids []int
	for _, e := range ents {
		if id, ok := numSuffix(e.Name(), "cpu"); ok {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	return ids, err
}

// numSuffix parses names like "cpu12" or "node3".
func numSuffix(name, prefix string) (int, bool) {
	if !strings.HasPrefix(name, prefix) || len(name) == len(prefix) || len(name) > len(prefix)+6 {
		return 0, false
	}
	n, err := strconv.Atoi(name[len(prefix):])
	if err != nil || n < 0 || n > maxCPUID || strconv.Itoa(n) != name[len(prefix):] {
		return 0, false
	}
	return n, true
}

// readCPUDir reads cpuN/topology; it reports whether any of it was there.
func (l *loader) readCPUDir(st *topoState, id int) bool {
	c := st.cpus[id] // created by the caller; only this goroutine writes it
	dir := fmt.Sprintf("%s/cpu%d/topology/", cpuDir, id)
	found := false
	// The topology changes only when CPUs come or go.
	key := l.onlineKey
	b, err := l.readStable(dir+"thread_siblings_list", key)
	if errors.Is(err, fs.ErrNotExist) {
		b, err = l.readStable(dir+"core_cpus_list", key)
	}
	if err == nil {
		if v, perr := safe(func() ([]int, error) { return parse.CPUList(strings.TrimSpace(string(b))) }); perr == nil && len(v) > 0 {
			c.Siblings = v
			found = true
		}
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"core_id", &c.Core}, {"physical_package_id", &c.Package}, {"die_id", &c.Die}} {
		b, err := l.readStable(dir+f.name, key)
		if err != nil {
			continue
		}
		if v, perr := safe(func() (int64, error) { return parse.Int(b) }); perr == nil && v >= 0 && v <= 1<<30 {
			*f.dst = int(v)
			found = true
		}
	}
	return found
}

// loadNodes reads NUMA nodes: sys/devices/system/node, else numactl
// --hardware, else lscpu's NUMA lines, else lscpu -ae, else the cpuN/nodeM
// link names. It also sets each CPU's Node.
func (l *loader) loadNodes(st *topoState, dirCPUs []int, lscpu *cmdout.LscpuInfo, lscpuAt string) (nodes []host.Node, at, note string, err error) {
	nodes, err = l.sysfsNodes()
	at = nodeDir
	if len(nodes) == 0 && !l.live {
		note = "numa plugin did not run"
		if v, nat, ok := l.numactlNodes(); ok {
			nodes, at, err = v, nat, nil
		} else if lscpu != nil && len(lscpu.NodeCPUs) > 0 {
			for id, cpus := range lscpu.NodeCPUs {
				nodes = append(nodes, host.Node{ID: id, CPUs: cpus})
			}
			at, err = lscpuAt, nil
			note = joinNote(note, "nodes from lscpu")
		} else if v, tat, ok := l.nodesFromLscpuTable(); ok {
			nodes, at, err = v, tat, nil
			note = joinNote(note, "nodes from lscpu -ae")
		}
	}
	if len(nodes) == 0 {
		if v := l.nodesFromCPULinks(dirCPUs); len(v) > 0 {
			nodes, at, err = v, cpuDir+"/cpuN/nodeM", nil
			note = joinNote(note, "nodes from the cpuN/nodeM link names")
		}
	}
	if len(nodes) == 0 && err == nil {
		err = fs.ErrNotExist
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
	for _, n := range nodes {
		for _, c := range n.CPUs {
			if c >= 0 && c <= maxCPUID {
				st.cpu(c).Node = n.ID
			}
		}
	}
	return nodes, at, note, err
}

// sysfsNodes reads sys/devices/system/node/nodeM/{cpulist,distance}.
func (l *loader) sysfsNodes() ([]host.Node, error) {
	ents, err := l.readDir(nodeDir)
	if err != nil {
		return nil, err
	}
	var nodes []host.Node
	var firstErr error
	for _, e := range ents {
		id, ok := numSuffix(e.Name(), "node")
		if !ok {
			continue
		}
		n := host.Node{ID: id, CPUs: []int{}}
		b, rerr := l.readFile(fmt.Sprintf("%s/node%d/cpulist", nodeDir, id))
		if rerr == nil {
			v, perr := safe(func() ([]int, error) { return parse.CPUList(strings.TrimSpace(string(b))) })
			if v != nil {
				n.CPUs = v
			}
			rerr = perr
		}
		if rerr != nil && firstErr == nil {
			firstErr = rerr
		}
		if db, derr := l.readFile(fmt.Sprintf("%s/node%d/distance", nodeDir, id)); derr == nil {
			n.Distances = parseDistances(db)
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 0 {
		return nil, fs.ErrNotExist
	}
	return nodes, firstErr
}

// parseDistances parses a node's distance file ("10 21\n"); garbage gives nil.
func parseDistances(b []byte) []int {
	f := strings.Fields(string(b))
	if len(f) == 0 || len(f) > maxCPUID {
		return nil
	}
	out := make([]int, 0, len(f))
	for _, x := range f {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 || n > 1000 {
			return nil
		}
		out = append(out, n)
	}
	return out
}

// numactlNodes reads numactl --hardware.
func (l *loader) numactlNodes() ([]host.Node, string, bool) {
	b, at, err := l.read(candNumactl)
	if err != nil {
		return nil, "", false
	}
	v, _ := safe(func() ([]host.Node, error) { return cmdout.NumactlHardware(b) })
	return v, at, len(v) > 0
}

// lscpuTable reads lscpu -ae once per sample.
func (l *loader) lscpuTable() ([]cmdout.LscpuCPU, string) {
	if l.live {
		return nil, ""
	}
	l.lscpuTableOnce.Do(func() {
		b, at, err := l.read(candLscpuTable)
		if err != nil {
			return
		}
		v, _ := safe(func() ([]cmdout.LscpuCPU, error) { return cmdout.LscpuTable(b) })
		l.lscpuRows, l.lscpuRowsAt = v, at
	})
	return l.lscpuRows, l.lscpuRowsAt
}

// nodesFromLscpuTable groups lscpu -ae rows by their NODE column.
func (l *loader) nodesFromLscpuTable() ([]host.Node, string, bool) {
	rows, at := l.lscpuTable()
	byNode := map[int][]int{}
	for _, r := range rows {
		if r.Node >= 0 && r.CPU >= 0 {
			byNode[r.Node] = append(byNode[r.Node], r.CPU)
		}
	}
	var nodes []host.Node
	for id, cpus := range byNode {
		sort.Ints(cpus)
		nodes = append(nodes, host.Node{ID: id, CPUs: cpus})
	}
	return nodes, at, len(nodes) > 0
}

// topologyFromLscpuTable fills core, package, node and siblings of CPUs
// the cpuN directories did not describe. It returns how many it filled.
func (l *loader) topologyFromLscpuTable(st *topoState) (int, string) {
	rows, at := l.lscpuTable()
	if len(rows) == 0 {
		return 0, ""
	}
	type coreKey struct{ socket, core int }
	sib := map[coreKey][]int{}
	for _, r := range rows {
		if r.CPU < 0 || r.CPU > maxCPUID || r.Core < 0 {
			continue
		}
		k := coreKey{r.Socket, r.Core}
		sib[k] = append(sib[k], r.CPU)
	}
	filled := 0
	for _, r := range rows {
		if r.CPU < 0 || r.CPU > maxCPUID {
			continue
		}
		_, existed := st.cpus[r.CPU]
		c := st.cpu(r.CPU)
		if !existed && r.Online {
			c.Online = true
		}
		if c.Core >= 0 || c.Siblings != nil {
			continue
		}
		c.Core, c.Package = r.Core, r.Socket
		if c.Node < 0 {
			c.Node = r.Node
		}
		if r.Core >= 0 {
			s := append([]int(nil), sib[coreKey{r.Socket, r.Core}]...)
			sort.Ints(s)
			c.Siblings = s
		}
		filled++
	}
	return filled, at
}

// nodesFromCPULinks reads the nodeM entries of every cpuN directory.
func (l *loader) nodesFromCPULinks(dirCPUs []int) []host.Node {
	byNode := map[int][]int{}
	for _, id := range dirCPUs {
		ents, err := l.readDir(fmt.Sprintf("%s/cpu%d", cpuDir, id))
		if err != nil {
			continue
		}
		for _, e := range ents {
			if n, ok := numSuffix(e.Name(), "node"); ok {
				byNode[n] = append(byNode[n], id)
				break
			}
		}
	}
	var nodes []host.Node
	for id, cpus := range byNode {
		nodes = append(nodes, host.Node{ID: id, CPUs: cpus})
	}
	return nodes
}
