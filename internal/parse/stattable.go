package parse

import "github.com/netdoctor/netdoctor/internal/host"

// maxStatRows bounds the rows of a /proc/net/stat file: one per possible
// CPU, so the same bound as CPU numbers.
const maxStatRows = maxCPU + 1

// ProcNetStat parses a /proc/net/stat file whose header names hex columns:
// nf_conntrack (net/netfilter/nf_conntrack_standalone.c) and the
// neighbour tables arp_cache and ndisc_cache (net/core/neighbour.c). file
// names the input in errors.
//
//	entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop error  expect_new expect_create expect_delete search_restart
//	0000004a  00000000 00000000 00000000 00000003 ...
//
// The header decides the columns, since kernels add, rename and remove
// them (3.10 has searched and delete_list; 5.x clashres and chainlength).
// Values are hex without 0x (%08x, or %08lx for the neighbour tables'
// unsigned longs). A row with a bad value or the wrong width is dropped
// and named in the error; the others are kept.
func ProcNetStat(b []byte, file string) (host.StatTable, error) {
	var t host.StatTable
	errs := rowErrors{file: file}
	ls := lineScanner{b: b}
	header := false
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		f := fields(line)
		if len(f) == 0 {
			continue
		}
		if !header {
			for _, n := range f {
				if !isColumnName(n) {
					return host.StatTable{}, errorf(file, num, "header: bad column name %s", quote(n))
				}
				t.Columns = append(t.Columns, string(n))
			}
			header = true
			continue
		}
		if len(f) != len(t.Columns) {
			errs.addf(num, "%d values for %d columns", len(f), len(t.Columns))
			continue
		}
		if len(t.Rows) >= maxStatRows {
			errs.addf(num, "more than %d rows", maxStatRows)
			break
		}
		row := make([]uint64, len(f))
		bad := false
		for i, tok := range f {
			v, ok := parseHex64(tok)
			if !ok {
				errs.addf(num, "%s: bad value %s", t.Columns[i], quote(tok))
				bad = true
				break
			}
			row[i] = v
		}
		if !bad {
			t.Rows = append(t.Rows, row)
		}
	}
	if !header {
		return host.StatTable{}, errorf(file, 0, "empty")
	}
	if len(t.Rows) == 0 {
		errs.addf(0, "no rows")
	}
	return t, errs.err()
}

// isColumnName accepts the kernel's column names: lower-case letters,
// digits and '_'.
func isColumnName(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// parseHex64 parses 1 to 16 hex digits (leading zeros beyond that are
// accepted as long as the value fits 64 bits).
func parseHex64(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		if v > (1<<64-1)>>4 {
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}
