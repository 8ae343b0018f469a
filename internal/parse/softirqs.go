package parse

import (
	"io"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Softirqs parses /proc/softirqs: a header of CPU columns (all possible CPUs,
// unlike /proc/interrupts; offline ones count zero), then one row per softirq
// ("NET_RX:", "BLOCK_IOPOLL:" on old kernels) with one decimal count per
// header CPU. A row with the wrong number of counts, a bad number or a
// repeated name is dropped and named with its line in the error; the other
// rows are kept.
func Softirqs(b []byte) (host.Softirqs, error) {
	return softirqs(&lineScanner{b: b})
}

// SoftirqsFrom is Softirqs reading r one line at a time (see
// InterruptsFrom).
func SoftirqsFrom(r io.Reader) (host.Softirqs, error) {
	return softirqsStream(streamLines(r))
}

func softirqsStream(ls *lineScanner) (host.Softirqs, error) {
	out, err := softirqs(ls)
	if rerr := ls.readErr(); rerr != nil {
		return out, rerr
	}
	return out, err
}

func softirqs(ls *lineScanner) (host.Softirqs, error) {
	out := host.Softirqs{CPUs: []int{}, Counts: map[string][]uint64{}}
	errs := rowErrors{file: "softirqs"}
	cpus, err := readCPUHeader(ls, "softirqs")
	if err != nil {
		return out, err
	}
	out.CPUs = cpus
	rows := 0
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		s, e := field(line, 0)
		if s == e {
			continue
		}
		rows++
		label := line[s:e]
		if len(label) < 2 || label[len(label)-1] != ':' {
			errs.addf(num, "no \"NAME:\" label in %s", quote(line))
			continue
		}
		name := string(label[:len(label)-1])
		counts := make([]uint64, 0, len(cpus))
		bad := false
		for i := e; ; {
			s, e := field(line, i)
			if s == e {
				break
			}
			i = e
			v, ok := parseUint(line[s:e])
			if !ok {
				errs.addf(num, "%q: bad count %s", name, quote(line[s:e]))
				bad = true
				break
			}
			counts = append(counts, v)
			if len(counts) > len(cpus) {
				break
			}
		}
		if bad {
			continue
		}
		if len(counts) > len(cpus) {
			errs.addf(num, "%q: more counts than the header's %d CPUs", name, len(cpus))
			continue
		}
		if len(counts) < len(cpus) {
			errs.addf(num, "%q: short row: %d counts for %d CPUs", name, len(counts), len(cpus))
			continue
		}
		if _, dup := out.Counts[name]; dup {
			errs.addf(num, "%q: repeated", name)
			continue
		}
		out.Counts[name] = counts
	}
	if rows == 0 {
		errs.addf(0, "no rows after the header")
	}
	return out, errs.err()
}
