package cmdout

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// MaxRSSEntries bounds an RSS indirection table (the largest drivers use
// a few thousand entries; the kernel's u32 size field allows more).
const MaxRSSEntries = 1 << 16

// EthtoolRSS parses `ethtool -x DEV`: the indirection table, one row of
// up to eight entries after the index of its first entry:
//
//	RX flow hash indirection table for eth0 with 8 RX ring(s):
//	    0:      0     1     2     3     4     5     6     7
//	    8:      0     1     2     3     4     5     6     7
//	RSS hash key:
//	6d:5a:...
//	RSS hash function:
//	    toeplitz: on
//
// The hash key and function are not kept. A row whose index is not the
// count of the entries before it is an error (a cut or mangled table).
// "Cannot get RX ring count: Operation not supported" and the like are
// ErrUnavailable, as is a header followed by "Operation not supported".
func EthtoolRSS(b []byte) (host.RSSTable, error) {
	const cmd = "ethtool -x"
	var t host.RSSTable
	text, err := input(cmd, b)
	if err != nil {
		return t, err
	}
	p := problems{cmd: cmd}
	in, found := false, false
	for i, l := range splitLines(text) {
		s := strings.TrimSpace(l)
		if !in {
			if strings.HasPrefix(s, "RX flow hash indirection table for ") {
				if found {
					p.addf(i+1, "a second table")
					break
				}
				in, found = true, true
				t.Rings = rssRings(s)
			}
			continue
		}
		idx, row, ok := strings.Cut(s, ":")
		first, err := strconv.Atoi(idx)
		if !ok || err != nil {
			in = false // the table ends at the first other line
			continue
		}
		if first != len(t.Entries) {
			p.addf(i+1, "row starts at entry %d after %d entries", first, len(t.Entries))
			break
		}
		for _, f := range strings.Fields(row) {
			v, err := strconv.Atoi(f)
			if err != nil || v < 0 || v >= MaxRSSEntries {
				p.addf(i+1, "bad queue %s", quote(f))
				break
			}
			if len(t.Entries) >= MaxRSSEntries {
				p.addf(i+1, "more than %d entries", MaxRSSEntries)
				break
			}
			t.Entries = append(t.Entries, v)
		}
		if len(p.msgs) > 0 {
			break
		}
	}
	if err := p.err(); err != nil {
		return host.RSSTable{}, err
	}
	if len(t.Entries) == 0 {
		return host.RSSTable{}, noData(cmd, text, "indirection table row")
	}
	return t, nil
}

// rssRings reads N of "... with N RX ring(s):"; 0 when absent or bad.
func rssRings(header string) int {
	_, after, ok := strings.Cut(header, " with ")
	if !ok {
		return 0
	}
	f := strings.Fields(after)
	if len(f) == 0 {
		return 0
	}
	v, err := strconv.Atoi(f[0])
	if err != nil || v < 0 || v >= MaxRSSEntries {
		return 0
	}
	return v
}

// FormatEthtoolRSS writes t as ethtool -x prints it (without the hash key
// and function), so that EthtoolRSS reads it back.
func FormatEthtoolRSS(dev string, t host.RSSTable) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "RX flow hash indirection table for %s with %d RX ring(s):\n", oneLine(dev), t.Rings)
	for i := 0; i < len(t.Entries); i += 8 {
		fmt.Fprintf(&b, "%5d: ", i)
		for _, v := range t.Entries[i:min(i+8, len(t.Entries))] {
			fmt.Fprintf(&b, " %5d", v)
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
