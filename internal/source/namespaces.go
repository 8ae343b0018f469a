package source

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// maxNamespaces bounds the network namespaces whose counters are read.
const maxNamespaces = 256

// nsDir is where sos keeps the outputs of `ip netns exec NS ...`.
const nsDir = "sos_commands/networking/namespaces"

// loadNamespaces reads the counters of network namespaces other than the
// host's: netstat and snmp counters are per namespace, so the host's
// /proc/net misses a pod's listen overflows and UDP buffer errors.
//
// A sosreport has them for the namespaces `ip netns` lists (named ones:
// CNI and ip-netns, not Docker's), as `ip netns exec NS nstat -zas`: in
// sos_commands/networking/namespaces/NS/ since sos 4.3, beside the host's
// outputs in sos 4.2; older sos ran only `netstat -s` there, which is not
// read. Live
// and in a collect bundle, netdoctor runs nothing: it reads
// /proc/PID/net/{netstat,snmp,snmp6,sockstat} of one process in each namespace
// other than its own, which is that namespace's view. Finding the
// namespaces costs one link read per process, so it is done only when the
// host shows signs of containers (a veth interface, or entries under
// /run/netns or /run/docker/netns), and at most maxNamespaces are read.
func (l *loader) loadNamespaces() {
	if l.kind == KindSosreport {
		l.loadNamespacesSos()
		return
	}
	l.loadNamespacesProc()
}

func (l *loader) loadNamespacesSos() {
	type nsFile struct{ name, at string }
	var files []nsFile
	if ents, err := l.readDir(nsDir); err == nil {
		for _, e := range ents {
			if e.IsDir() {
				ns := e.Name()
				files = append(files, nsFile{ns, nsDir + "/" + ns + "/ip_netns_exec_" + sosMangle(ns) + "_nstat_-zas"})
			}
		}
	} else if ents, err := l.readDir("sos_commands/networking"); err == nil {
		// sos 4.2 wrote them beside the host's outputs; the name in the
		// file name is sos's mangled one.
		for _, e := range ents {
			rest, ok := strings.CutPrefix(e.Name(), "ip_netns_exec_")
			if ns, ok2 := strings.CutSuffix(rest, "_nstat_-zas"); ok && ok2 && ns != "" {
				files = append(files, nsFile{ns, "sos_commands/networking/" + e.Name()})
			}
		}
	}
	var out []host.NetNamespace
	for _, f := range files {
		if len(out) >= maxNamespaces {
			break
		}
		b, rerr := l.readFile(f.at)
		if rerr != nil {
			l.record(host.InputNamespaces, f.name, f.at, rerr, "")
			continue
		}
		m, perr := safe(func() (map[string]map[string]int64, error) { return cmdout.Nstat(b) })
		l.record(host.InputNamespaces, f.name, f.at, perr, "")
		v6 := splitSNMP6(m)
		if len(m) > 0 || len(v6) > 0 {
			out = append(out, host.NetNamespace{Name: f.name, NetStats: nilIfEmpty(m), SNMP6: v6, Listeners: l.nsSSListeners(f.at)})
		}
	}
	l.snap.Namespaces = out
}

// snmp6Groups are the nstat groups of /proc/net/snmp6's counters.
var snmp6Groups = []string{"Ip6", "Icmp6", "IcmpMsg6", "Udp6", "UdpLite6"}

// splitSNMP6 moves nstat's snmp6 groups out of m into one map by the names
// /proc/net/snmp6 gives them ("Udp6" "RcvbufErrors" is "Udp6RcvbufErrors"),
// as the host's Snapshot.SNMP6 holds them; nil when there are none.
func splitSNMP6(m map[string]map[string]int64) map[string]int64 {
	var out map[string]int64
	for _, g := range snmp6Groups {
		for name, v := range m[g] {
			if out == nil {
				out = map[string]int64{}
			}
			out[g+name] = v
		}
		delete(m, g)
	}
	return out
}

// nilIfEmpty is m, or nil when m holds nothing.
func nilIfEmpty(m map[string]map[string]int64) map[string]map[string]int64 {
	if len(m) == 0 {
		return nil
	}
	return m
}

// nsSSListeners reads the listeners of a sosreport's namespace from the
// `ip netns exec NS ss -peaonmi` output beside its nstat file; nil when
// there is none or it does not parse (the counters still count).
func (l *loader) nsSSListeners(nstatAt string) []host.TCPListener {
	at, ok := strings.CutSuffix(nstatAt, "_nstat_-zas")
	if !ok {
		return nil
	}
	b, err := l.readFile(at + "_ss_-peaonmi")
	if err != nil {
		return nil
	}
	rows, perr := safe(func() ([]host.TCPListener, error) { return cmdout.SSListeners(b) })
	if perr != nil && len(rows) == 0 {
		return nil
	}
	return rows
}

func (l *loader) loadNamespacesProc() {
	s := l.snap
	if !l.containerSigns() {
		return
	}
	self, err := l.fsys.ReadLink("proc/self/ns/net")
	if err != nil {
		l.record(host.InputNamespaces, "", "proc/self/ns/net", err, "")
		return
	}
	type nsInfo struct {
		name string
		pids []int
	}
	byNS := map[string]*nsInfo{}
	var order []string
	for _, p := range s.Procs {
		if p.Kernel {
			continue
		}
		t, err := l.fsys.ReadLink("proc/" + strconv.Itoa(p.PID) + "/ns/net")
		if err != nil || t == self || !strings.HasPrefix(t, "net:[") || len(t) > 64 {
			continue
		}
		ns := byNS[t]
		if ns == nil {
			if len(byNS) >= maxNamespaces {
				continue
			}
			ns = &nsInfo{name: t}
			byNS[t] = ns
			order = append(order, t)
		}
		if len(ns.pids) < 4 {
			ns.pids = append(ns.pids, p.PID)
		}
	}
	sort.Strings(order)
	var out []host.NetNamespace
	for _, name := range order {
		ns := byNS[name]
		n := host.NetNamespace{Name: name, PIDs: ns.pids}
		var firstErr error
		at := ""
		for _, pid := range ns.pids {
			dir := "proc/" + strconv.Itoa(pid) + "/net/"
			n.NetStats, n.Sockstat, at, firstErr = l.readNSCounters(dir)
			if n.NetStats != nil {
				n.SNMP6 = l.readNSSNMP6(dir)
				n.Listeners = l.readNSListeners(dir)
				break
			}
		}
		l.record(host.InputNamespaces, name, at, firstErr, fmt.Sprintf("pid %d", ns.pids[0]))
		if n.NetStats != nil || n.Sockstat != nil {
			out = append(out, n)
		}
	}
	s.Namespaces = out
}

// readNSCounters reads netstat, snmp and sockstat of one process's
// namespace view. err is the first failure when nothing could be read.
func (l *loader) readNSCounters(dir string) (stats map[string]map[string]int64, sock map[string]map[string]int64, at string, err error) {
	at = dir + "netstat"
	errAt := ""
	for _, f := range []string{"netstat", "snmp"} {
		b, rerr := l.readFile(dir + f)
		if rerr != nil {
			if err == nil {
				err, errAt = rerr, dir+f
			}
			continue
		}
		m, _ := safe(func() (map[string]map[string]int64, error) { return parse.NetStat(b) })
		for g, v := range m {
			if stats == nil {
				stats = map[string]map[string]int64{}
			}
			stats[g] = v
		}
	}
	if b, rerr := l.readFile(dir + "sockstat"); rerr == nil {
		sock, _ = safe(func() (map[string]map[string]int64, error) { return parse.Sockstat(b) })
	}
	if stats != nil || sock != nil {
		return stats, sock, at, nil
	}
	return nil, nil, errAt, err
}

// readNSSNMP6 reads /proc/PID/net/snmp6 of one process's namespace view;
// nil when it does not read (IPv6 disabled, a kernel without it).
func (l *loader) readNSSNMP6(dir string) map[string]int64 {
	b, err := l.readFile(dir + "snmp6")
	if err != nil {
		return nil
	}
	m, _ := safe(func() (map[string]int64, error) { return parse.SNMP6(b) })
	if len(m) == 0 {
		return nil
	}
	return m
}

// readNSListeners reads the LISTEN rows of tcp and tcp6 of one process's
// namespace view; nil when neither reads.
func (l *loader) readNSListeners(dir string) []host.TCPListener {
	var out []host.TCPListener
	for _, f := range []struct {
		name   string
		family int
	}{{"tcp", 4}, {"tcp6", 6}} {
		b, err := l.readFile(dir + f.name)
		if err != nil {
			continue
		}
		rows, _ := safe(func() ([]host.TCPListener, error) { return parse.TCPListeners(b, f.family) })
		out = append(out, rows...)
	}
	return out
}

// containerSigns reports whether the host may run containers with their
// own network namespaces: a veth interface, or named namespaces.
func (l *loader) containerSigns() bool {
	// Only Kind is read: loadNICLinks fills other fields meanwhile.
	for i := range l.snap.NICs {
		if l.snap.NICs[i].Kind == kindVeth {
			return true
		}
	}
	for _, d := range []string{"run/netns", "run/docker/netns"} {
		if ents, err := l.fsys.ReadDir(d); err == nil && len(ents) > 0 {
			return true
		}
	}
	return false
}
