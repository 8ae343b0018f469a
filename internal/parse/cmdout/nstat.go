package cmdout

import (
	"strconv"
	"strings"
)

// nstatGroups are the prefixes nstat glues to the counter names of
// /proc/net/snmp, netstat and snmp6, longest first so that "IpExt" wins
// over "Ip" and "IcmpMsg" over "Icmp".
var nstatGroups = []string{
	"UdpLite6", "IcmpMsg6", "MPTcpExt", "TcpExt", "IpExt", "IcmpMsg",
	"UdpLite", "Icmp6", "Udp6", "Ip6", "Icmp", "Tcp", "Udp", "Ip",
}

// Nstat parses `nstat -zas` (iproute2): a "#kernel" line, then "Name
// value rate" lines ("TcpExtListenOverflows 12 0.0"), into group → counter
// → value, the groups of /proc/net/netstat, snmp and snmp6 ("TcpExt",
// "Udp", "Udp6", ...). A name with no known group prefix is kept under
// group "". Bad lines are dropped and named in the error.
func Nstat(b []byte) (map[string]map[string]int64, error) {
	const cmd = "nstat"
	out := map[string]map[string]int64{}
	text, err := input(cmd, b)
	if err != nil {
		return out, err
	}
	p := problems{cmd: cmd}
	n := 0
	for i, l := range splitLines(text) {
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 2 || len(f) > 3 {
			if n == 0 && isErrorLine(l) {
				continue
			}
			p.addf(i+1, "want \"Name value [rate]\", got %s", quote(l))
			continue
		}
		v, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			u, uerr := strconv.ParseUint(f[1], 10, 64)
			if uerr != nil {
				p.addf(i+1, "%s: bad value %s", quote(f[0]), quote(f[1]))
				continue
			}
			v = int64(u)
		}
		group, name := "", f[0]
		for _, g := range nstatGroups {
			if rest, ok := strings.CutPrefix(f[0], g); ok && rest != "" {
				group, name = g, rest
				break
			}
		}
		m := out[group]
		if m == nil {
			m = map[string]int64{}
			out[group] = m
		}
		m[name] = v
		n++
	}
	if n == 0 {
		return out, noData(cmd, text, "counter line")
	}
	return out, p.err()
}
