package parse

// NetStat parses /proc/net/netstat and /proc/net/snmp, which share one
// format: pairs of lines with the same prefix, names first, values second
//
//	TcpExt: SyncookiesSent SyncookiesRecv ...
//	TcpExt: 0 0 ...
//
// into group → counter name → value. Every name is kept, including ones
// netdoctor does not know (the lists change with the kernel; procfs keeps a
// fixed list and drops the rest). Values are decimal and may be negative (Tcp
// MaxConn is -1); an unsigned value above the int64 range keeps its 64 bits
// (it wraps to negative), so deltas modulo 2^64 still hold.
//
// A pair whose lines disagree (different prefixes, a different number of
// names and values, a bad value) is dropped and named in the error; the other
// groups are kept. A group printed twice is merged; a repeated name keeps its
// first value and is an error.
func NetStat(b []byte) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{}
	errs := rowErrors{file: "netstat"}
	ls := lineScanner{b: b}
	var (
		pending   bool
		prefix    []byte
		names     [][]byte
		namesLine int
		nonBlank  bool
	)
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		t := trimSpace(line)
		if len(t) == 0 {
			continue
		}
		nonBlank = true
		colon := -1
		for i, c := range t {
			if c == ':' {
				colon = i
				break
			}
		}
		if colon <= 0 || len(fields(t[:colon])) != 1 {
			errs.addf(num, "no \"Group:\" prefix in %s", quote(t))
			pending = false
			continue
		}
		p, rest := t[:colon], fields(t[colon+1:])
		if !pending {
			pending, prefix, names, namesLine = true, p, rest, num
			continue
		}
		if string(p) != string(prefix) {
			errs.addf(namesLine, "%q: names without a values line", prefix)
			pending, prefix, names, namesLine = true, p, rest, num
			continue
		}
		pending = false
		if len(rest) != len(names) {
			errs.addf(num, "%q: %d values for %d names (line %d)", prefix, len(rest), len(names), namesLine)
			continue
		}
		vals := make([]int64, len(rest))
		bad := false
		for i, tok := range rest {
			v, ok := parseInt(tok)
			if !ok {
				u, uok := parseUint(tok)
				if !uok {
					errs.addf(num, "%q %q: bad value %s", prefix, names[i], quote(tok))
					bad = true
					break
				}
				v = int64(u) // wraps above 2^63-1: see the doc comment
			}
			vals[i] = v
		}
		if bad {
			continue
		}
		group := out[string(prefix)]
		if group == nil {
			group = make(map[string]int64, len(names))
			out[string(prefix)] = group
		}
		for i, n := range names {
			if _, dup := group[string(n)]; dup {
				errs.addf(num, "%q %q: repeated", prefix, n)
				continue
			}
			group[string(n)] = vals[i]
		}
	}
	if pending {
		errs.addf(namesLine, "%q: names without a values line", prefix)
	}
	if !nonBlank {
		errs.addf(0, "empty")
	}
	return out, errs.err()
}
