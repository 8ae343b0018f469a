package source

import (
	"fmt"
	"sync"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
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
	s.Conntrack = table(host.InputConntrackStat, candConntrackStat, "nf_conntrack")
	s.ARPCache = table(host.InputArpCache, candArpCache, "arp_cache")
	s.NDiscCache = table(host.InputNdiscCache, candNdiscCache, "ndisc_cache")

	for _, in := range []struct {
		name  string
		cands []cand
	}{{host.InputSockstat, candSockstat}, {host.InputSockstat6, candSockstat6}} {
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
	if m, ok := parseInput(l, host.InputSNMP6, "", candSNMP6, parse.SNMP6); ok && len(m) > 0 {
		s.SNMP6 = m
	}
	for _, in := range []struct {
		name   string
		cands  []cand
		family int
	}{{host.InputUDP, candUDP, 4}, {host.InputUDP6, candUDP6, 6}} {
		rows, ok := parseInput(l, in.name, "", in.cands, func(b []byte) ([]host.UDPSocket, error) {
			return parse.UDPSockets(b, in.family)
		})
		if ok {
			s.UDPSockets = append(s.UDPSockets, rows...)
		}
	}
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
	step(host.InputSocketOwners, l.loadSocketOwners)
	step(host.InputNamespaces, l.loadNamespaces)
	wg.Wait()
}
