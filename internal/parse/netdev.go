package parse

// netDevKeys name the 16 counters of a /proc/net/dev row, in order.
var netDevKeys = [16]string{
	"rx_bytes", "rx_packets", "rx_errs", "rx_drop", "rx_fifo", "rx_frame", "rx_compressed", "rx_multicast",
	"tx_bytes", "tx_packets", "tx_errs", "tx_drop", "tx_fifo", "tx_colls", "tx_carrier", "tx_compressed",
}

// maxIfaceName is IFNAMSIZ-1: the kernel refuses longer interface names.
const maxIfaceName = 15

// NetDev parses /proc/net/dev into interface → counter → value, with the keys
// rx_bytes, rx_packets, rx_errs, rx_drop, rx_fifo, rx_frame, rx_compressed,
// rx_multicast, tx_bytes, tx_packets, tx_errs, tx_drop, tx_fifo, tx_colls,
// tx_carrier, tx_compressed. The two header lines (with '|') are skipped;
// each row is split at its first ':' because old kernels glue the first
// counter to it ("eth0:123"). A row that is not "name: 16 numbers" (or a name
// that is empty, longer than 15 bytes or repeated) is dropped and named with
// its line in the error; the other rows are kept. procfs panics on short rows.
func NetDev(b []byte) (map[string]map[string]uint64, error) {
	out := map[string]map[string]uint64{}
	errs := rowErrors{file: "net/dev"}
	ls := lineScanner{b: b}
	rows, nonBlank := 0, false
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
		bar := false
		for i, c := range t {
			if c == ':' {
				colon = i
				break
			}
			if c == '|' {
				bar = true
			}
		}
		if colon < 0 && bar {
			continue // "Inter-|   Receive ..." and " face |bytes ..."
		}
		rows++
		if colon < 0 {
			errs.addf(num, "no \"name:\" in %s", quote(t))
			continue
		}
		name := trimSpace(t[:colon])
		if len(name) == 0 || len(name) > maxIfaceName || len(fields(name)) != 1 {
			errs.addf(num, "bad interface name %s", quote(name))
			continue
		}
		var v [16]uint64
		nf, bad := 0, false
		for i := colon + 1; ; {
			s, e := field(t, i)
			if s == e {
				break
			}
			i = e
			if nf == len(v) {
				nf++
				break
			}
			if v[nf], ok = parseUint(t[s:e]); !ok {
				errs.addf(num, "%q: bad counter %s", name, quote(t[s:e]))
				bad = true
				break
			}
			nf++
		}
		if bad {
			continue
		}
		if nf != len(v) {
			if nf > len(v) {
				errs.addf(num, "%q: more than %d counters", name, len(v))
			} else {
				errs.addf(num, "%q: %d counters, want %d", name, nf, len(v))
			}
			continue
		}
		if _, dup := out[string(name)]; dup {
			errs.addf(num, "%q: repeated", name)
			continue
		}
		m := make(map[string]uint64, len(v))
		for k, key := range netDevKeys {
			m[key] = v[k]
		}
		out[string(name)] = m
	}
	switch {
	case !nonBlank:
		errs.addf(0, "empty")
	case rows == 0:
		errs.addf(0, "no interface rows after the header")
	}
	return out, errs.err()
}
