package parse

// Sockstat parses /proc/net/sockstat and /proc/net/sockstat6
// (net/ipv4/proc.c sockstat_seq_show, net/ipv6/proc.c):
//
//	sockets: used 290
//	TCP: inuse 9 orphan 0 tw 3 alloc 11 mem 2
//	UDP: inuse 4 mem 3
//	FRAG: inuse 0 memory 0
//
// into protocol → field → value. Every "Proto: key value ..." line is kept
// by name, so fields a kernel adds are kept too. A line that is not such
// pairs is dropped and named in the error; the other lines are kept.
func Sockstat(b []byte) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{}
	errs := rowErrors{file: "sockstat"}
	ls := lineScanner{b: b}
	nonBlank := false
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		f := fields(line)
		if len(f) == 0 {
			continue
		}
		nonBlank = true
		proto := f[0]
		if len(proto) < 2 || proto[len(proto)-1] != ':' {
			errs.addf(num, "no \"Proto:\" prefix in %s", quote(line))
			continue
		}
		proto = proto[:len(proto)-1]
		rest := f[1:]
		if len(rest)%2 != 0 || len(rest) == 0 {
			errs.addf(num, "%q: fields are not name value pairs", proto)
			continue
		}
		m := out[string(proto)]
		if m == nil {
			m = make(map[string]int64, len(rest)/2)
			out[string(proto)] = m
		}
		for i := 0; i < len(rest); i += 2 {
			v, ok := parseInt(rest[i+1])
			if !ok {
				errs.addf(num, "%q %q: bad value %s", proto, rest[i], quote(rest[i+1]))
				continue
			}
			if _, dup := m[string(rest[i])]; dup {
				errs.addf(num, "%q %q: repeated", proto, rest[i])
				continue
			}
			m[string(rest[i])] = v
		}
	}
	if !nonBlank {
		errs.addf(0, "empty")
	}
	return out, errs.err()
}

// SNMP6 parses /proc/net/snmp6 (net/ipv6/proc.c): one "Name value" pair a
// line ("Ip6InReceives 1234", "Udp6RcvbufErrors 0", "Icmp6InType133 2")
// into name → value. Bad lines are dropped and named in the error.
func SNMP6(b []byte) (map[string]int64, error) {
	out := map[string]int64{}
	errs := rowErrors{file: "snmp6"}
	ls := lineScanner{b: b}
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		f := fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			errs.addf(num, "want \"Name value\", got %s", quote(line))
			continue
		}
		v, ok := parseInt(f[1])
		if !ok {
			u, uok := parseUint(f[1])
			if !uok {
				errs.addf(num, "%q: bad value %s", f[0], quote(f[1]))
				continue
			}
			v = int64(u) // wraps above 2^63-1, as NetStat
		}
		if _, dup := out[string(f[0])]; dup {
			errs.addf(num, "%q: repeated", f[0])
			continue
		}
		out[string(f[0])] = v
	}
	if len(out) == 0 && len(errs.problems) == 0 {
		errs.addf(0, "empty")
	}
	return out, errs.err()
}
