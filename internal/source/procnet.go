package source

import (
	"fmt"
	"io/fs"
	"sync"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// loadProcNet reads the /proc/net files behind the receive-path loss
// counters that netstat and snmp do not hold: conntrack and neighbour
// table statistics, socket memory (sockstat, sockstat6), IPv6 counters
// (snmp6) and the UDP sockets with their drops. Each is its own input: a
// kernel without nf_conntrack loaded has no stat/nf_conntrack (missing),
// which says nothing about the others.
func (l *loader) loadProcNet() {
	s := l.snap
	table := func(name string, cands []cand, file string) *host.StatTable {
		t, ok := parseInput(l, name, "", cands, func(b []byte) (host.StatTable, error) {
			return parse.ProcNetStat(b, file)
		})
		if !ok || len(t.Rows) == 0 {
			return nil
		}
		return &t
	}
	s.Conntrack = table(host.InputConntrackStat, l.netFileCands(netConntrackStat), "nf_conntrack")
	s.ARPCache = table(host.InputArpCache, l.netFileCands(netArpCache), "arp_cache")
	s.NDiscCache = table(host.InputNdiscCache, l.netFileCands(netNdiscCache), "ndisc_cache")

	for _, in := range []struct {
		name  string
		cands []cand
	}{{host.InputSockstat, l.netFileCands(netSockstat)}, {host.InputSockstat6, l.netFileCands(netSockstat6)}} {
		m, ok := parseInput(l, in.name, "", in.cands, parse.Sockstat)
		if !ok || len(m) == 0 {
			continue
		}
		if s.Sockstat == nil {
			s.Sockstat = make(map[string]map[string]int64, len(m))
		}
		for proto, f := range m {
			s.Sockstat[proto] = f
		}
	}
	if m, ok := parseInput(l, host.InputSNMP6, "", l.netFileCands(netSNMP6), parse.SNMP6); ok && len(m) > 0 {
		s.SNMP6 = m
	}
	for _, in := range []struct {
		name   string
		cands  []cand
		family int
	}{{host.InputUDP, l.netFileCands(netUDP), 4}, {host.InputUDP6, l.netFileCands(netUDP6), 6}} {
		rows, ok := parseInput(l, in.name, "", in.cands, func(b []byte) ([]host.UDPSocket, error) {
			return parse.UDPSockets(b, in.family)
		})
		if ok {
			s.UDPSockets = append(s.UDPSockets, rows...)
		}
	}
	l.loadTCPListeners()
}

// candSSListen are the ss outputs of a sosreport that list listening TCP
// sockets with their backlog: the networking plugin's `ss -peaonmi` (since
// sos 3.4), else an `ss -ltnp`-style output.
var candSSListen = []cand{
	sosCmd("networking/ss_-peaonmi"),
	sosCmd("networking/ss_-ltnp"),
	sosCmd("networking/ss_-tlnp"),
	sosCmd("networking/ss_-lntp"),
}

// loadTCPListeners reads the host namespace's listening TCP sockets: the
// LISTEN rows of /proc/net/tcp and tcp6 (live, collect, and sosreports,
// which copy /proc/net), and in a sosreport the ss listing, which alone
// shows each listener's backlog (Send-Q) and owner. The ss rows replace
// the /proc rows when both are read: they say the same and more.
func (l *loader) loadTCPListeners() {
	s := l.snap
	var rows []host.TCPListener
	for _, in := range []struct {
		name   string
		cands  []cand
		family int
	}{{host.InputTCP, l.netFileCands(netTCP), 4}, {host.InputTCP6, l.netFileCands(netTCP6), 6}} {
		r, ok := parseInput(l, in.name, "", in.cands, func(b []byte) ([]host.TCPListener, error) {
			return parse.TCPListeners(b, in.family)
		})
		if ok {
			rows = append(rows, r...)
		}
	}
	if l.kind == KindSosreport {
		if ss, ok := parseInput(l, host.InputSSListen, "", candSSListen, cmdout.SSListeners); ok && len(ss) > 0 {
			rows = ss
		}
	}
	s.TCPListeners = rows
}

// netFileCands locates a /proc/net file: through proc/net, proc/self/net,
// and in a sosreport in the single proc/<pid>/net directory (sosNetDir).
func (l *loader) netFileCands(file string) []cand {
	c := []cand{raw("proc/net/" + file), raw("proc/self/net/" + file)}
	if d := l.sosNetDir(); d != "" {
		c = append(c, cand{path: d + "/" + file, offline: true})
	}
	return c
}

// sosNetDir is the one proc/<pid>/net directory of a sosreport (sos keeps
// its own process's), found once; "" elsewhere, or when there are several.
func (l *loader) sosNetDir() string {
	if l.kind != KindSosreport {
		return ""
	}
	l.netDirOnce.Do(func() {
		m, err := fs.Glob(l.fsys, "proc/[0-9]*/net")
		if err == nil && len(m) == 1 {
			l.netDir = m[0]
		}
	})
	return l.netDir
}

// loadJoined reads the inputs that need what the sections read first: the
// NICs' link state (their kinds), the UDP sockets' owners (sockets and
// processes) and the network namespaces (processes and NIC kinds).
func (l *loader) loadJoined() {
	var wg sync.WaitGroup
	step := func(input string, f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := safeDo(f); err != nil {
				l.record(input, "", "", fmt.Errorf("loading stopped: %w", err), "")
			}
		}()
	}
	step(host.InputNICLink, l.loadNICLinks)
	step(host.InputEthtoolFeatures, l.loadNICConfig)
	step(host.InputSocketOwners, l.loadSocketOwners)
	step(host.InputNamespaces, l.loadNamespaces)
	wg.Wait()
}
