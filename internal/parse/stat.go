package parse

import (
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// ProcStat is what netdoctor takes from /proc/stat.
type ProcStat struct {
	// BootTime is btime, in UTC; zero when the line is missing or bad.
	BootTime time.Time
	// CPUs are the cpuN lines in file order (the aggregate "cpu" line is skipped).
	CPUs []host.CPUTime
}

// Stat parses /proc/stat: the per-CPU time lines ("cpu3 user nice system idle
// iowait irq softirq steal guest guest_nice", in USER_HZ ticks) and btime.
// Old kernels print fewer columns: at least user, nice, system and idle are
// required, the missing ones are zero, extra ones are ignored. A bad cpuN line
// is dropped and named in the error; a missing btime or no cpuN line at all is
// an error too.
func Stat(b []byte) (ProcStat, error) {
	out := ProcStat{CPUs: []host.CPUTime{}}
	errs := rowErrors{file: "stat"}
	ls := lineScanner{b: b}
	seen := make(map[int]struct{})
	gotBtime, nonBlank := false, false
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		s, e := field(line, 0)
		if s == e {
			continue
		}
		nonBlank = true
		key := line[s:e]
		switch {
		case string(key) == "btime":
			v, ok := parseInt(trimSpace(line[e:]))
			if !ok || v < 0 {
				errs.addf(num, "bad btime %s", quote(trimSpace(line[e:])))
				continue
			}
			out.BootTime = time.Unix(v, 0).UTC()
			gotBtime = true
		case len(key) > 3 && string(key[:3]) == "cpu":
			cpu, ok := parseSmallInt(key[3:], maxCPU)
			if !ok {
				errs.addf(num, "bad CPU in %s", quote(key))
				continue
			}
			var v [8]uint64
			nf, bad := 0, false
			for i := e; nf < len(v); {
				s, e := field(line, i)
				if s == e {
					break
				}
				i = e
				if v[nf], ok = parseUint(line[s:e]); !ok {
					errs.addf(num, "cpu%d: bad value %s", cpu, quote(line[s:e]))
					bad = true
					break
				}
				nf++
			}
			if bad {
				continue
			}
			if nf < 4 {
				errs.addf(num, "cpu%d: %d values, want at least 4", cpu, nf)
				continue
			}
			if _, dup := seen[cpu]; dup {
				errs.addf(num, "cpu%d: repeated", cpu)
				continue
			}
			seen[cpu] = struct{}{}
			out.CPUs = append(out.CPUs, host.CPUTime{
				CPU: cpu, User: v[0], Nice: v[1], System: v[2], Idle: v[3],
				IOWait: v[4], IRQ: v[5], SoftIRQ: v[6], Steal: v[7],
			})
		}
	}
	switch {
	case !nonBlank:
		errs.addf(0, "empty")
	default:
		if len(seen) == 0 {
			errs.addf(0, "no cpuN lines")
		}
		if !gotBtime {
			errs.addf(0, "no btime line")
		}
	}
	return out, errs.err()
}
