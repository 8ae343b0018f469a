package parse

import (
	"bytes"
	"strings"
)

// PFKthread is PF_KTHREAD, the flag (stat field 9) of kernel threads.
const PFKthread = 0x00200000

// maxPID is PID_MAX_LIMIT (4194304) rounded up to a power of two.
const maxPID = 1 << 22

// TaskStatFields is what netdoctor takes from /proc/PID/stat or
// /proc/PID/task/TID/stat (fields numbered as in proc(5)).
//
// The contract of the package calls this type TaskStat; Go does not allow a
// type and a function of one name, and the function TaskStat is what callers
// use.
type TaskStatFields struct {
	// PID is field 1 (the thread id for a task file).
	PID int
	// Comm is field 2 without its parentheses, verbatim (it may hold spaces,
	// parentheses and control characters).
	Comm string
	// State is field 3 ("R", "S", "D", ...).
	State string
	// PPID is field 4.
	PPID int
	// Flags is field 9; Flags&PFKthread marks a kernel thread.
	Flags uint64
	// UTime and STime are fields 14 and 15, in clock ticks (host.ClockTicks).
	UTime, STime uint64
	// Processor is field 39, the CPU the task last ran on; -1 when the line
	// ends before it (a cut capture: kernels since 2.2.8 print it).
	Processor int
	// StartTime is field 22, the start time after boot in clock ticks; 0
	// when the line ends before it or it is not a number.
	StartTime uint64
}

// TaskStat parses /proc/PID/stat or /proc/PID/task/TID/stat. The comm field
// may contain spaces and ')' (any process can name itself "a) R 1 ("), so
// the line is split at the last ')'. At least the fields up to stime (15) are
// required; processor (39) is -1 when absent. procfs panics on short lines.
func TaskStat(b []byte) (TaskStatFields, error) {
	out := TaskStatFields{PPID: -1, Processor: -1}
	open := bytes.IndexByte(b, '(')
	closing := bytes.LastIndexByte(b, ')')
	if open < 0 || closing < open {
		if len(trimSpace(b)) == 0 {
			return out, errorf("stat", 0, "empty")
		}
		return out, errorf("stat", 0, "no \"(comm)\" in %s", quote(b))
	}
	pid, ok := parseSmallInt(trimSpace(b[:open]), maxPID)
	if !ok {
		return out, errorf("stat", 0, "bad pid %s", quote(trimSpace(b[:open])))
	}
	out.PID = pid
	out.Comm = string(b[open+1 : closing])
	// A stat line has 52 fields on current kernels: parse them into an
	// array on the stack (this runs once per thread, 10,000s of times).
	var arr [64][]byte
	f := appendFields(arr[:0], trimSpace(b[closing+1:]))
	// f[0] is field 3.
	at := func(field int) []byte { return f[field-3] }
	if len(f) < 15-2 {
		return out, errorf("stat", 0, "pid %d: %d fields after comm, want at least 13 (up to stime)", pid, len(f))
	}
	out.State = string(at(3))
	errs := rowErrors{file: "stat"}
	if out.PPID, ok = parseSmallInt(at(4), maxPID); !ok {
		out.PPID = -1
		errs.addf(0, "pid %d: bad ppid %s", pid, quote(at(4)))
	}
	if out.Flags, ok = parseUint(at(9)); !ok {
		errs.addf(0, "pid %d: bad flags %s", pid, quote(at(9)))
	}
	if out.UTime, ok = parseUint(at(14)); !ok {
		errs.addf(0, "pid %d: bad utime %s", pid, quote(at(14)))
	}
	if out.STime, ok = parseUint(at(15)); !ok {
		errs.addf(0, "pid %d: bad stime %s", pid, quote(at(15)))
	}
	if len(f) >= 22-2 {
		out.StartTime, _ = parseUint(at(22))
	}
	if len(f) >= 39-2 {
		if out.Processor, ok = parseSmallInt(at(39), maxCPU); !ok {
			out.Processor = -1
			errs.addf(0, "pid %d: bad processor %s", pid, quote(at(39)))
		}
	}
	return out, errs.err()
}

// TaskStatusFields is what netdoctor takes from /proc/PID/status or
// /proc/PID/task/TID/status.
//
// The contract of the package calls this type TaskStatus; Go does not allow a
// type and a function of one name, and the function TaskStatus is what
// callers use.
type TaskStatusFields struct {
	// Name is the Name: value verbatim (the kernel escapes '\n' and '\\').
	Name string
	// Tgid, Pid, PPid are -1 when their line is missing or bad; UID is the
	// real UID (the first Uid: value), -1 when missing or bad.
	Tgid, Pid, PPid, UID int
	// CpusAllowed is Cpus_allowed_list, or the hex Cpus_allowed when the list
	// is absent (kernels before 2.6.26); nil when neither is present.
	CpusAllowed []int
	// Kthread is the "Kthread: 1" line (6.x kernels); false when absent.
	Kthread bool
}

// TaskStatus parses /proc/PID/status or /proc/PID/task/TID/status ("Key:\tvalue"
// lines). A missing Name, Tgid, Pid, PPid or Uid line, or a bad value, is an
// error naming the line; the fields that did parse are returned.
func TaskStatus(b []byte) (TaskStatusFields, error) {
	out := TaskStatusFields{Tgid: -1, Pid: -1, PPid: -1, UID: -1}
	errs := rowErrors{file: "status"}
	ls := lineScanner{b: b}
	var mask []byte
	var maskLine int
	gotName, gotList, nonBlank := false, false, false
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		if len(trimSpace(line)) == 0 {
			continue
		}
		nonBlank = true
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue // not a "Key: value" line; status has no such lines, ignore
		}
		key, val := string(line[:colon]), line[colon+1:]
		num1 := func(dst *int, max uint64) {
			first := firstField(val)
			v, ok := parseUint(first)
			if !ok || v > max {
				errs.addf(num, "%s: bad value %s", key, quote(first))
				return
			}
			*dst = int(v)
		}
		switch key {
		case "Name":
			if len(val) > 0 && val[0] == '\t' {
				val = val[1:]
			} else {
				val = []byte(strings.TrimLeft(string(val), " "))
			}
			out.Name = string(val)
			gotName = true
		case "Tgid":
			num1(&out.Tgid, maxPID)
		case "Pid":
			num1(&out.Pid, maxPID)
		case "PPid":
			num1(&out.PPid, maxPID)
		case "Uid":
			num1(&out.UID, 1<<32-1)
		case "Kthread":
			switch string(trimSpace(val)) {
			case "0":
				out.Kthread = false
			case "1":
				out.Kthread = true
			default:
				errs.addf(num, "Kthread: bad value %s", quote(trimSpace(val)))
			}
		case "Cpus_allowed_list":
			cpus, err := CPUList(string(val))
			if err != nil {
				errs.addf(num, "Cpus_allowed_list: %v", err)
				continue
			}
			out.CpusAllowed, gotList = cpus, true
		case "Cpus_allowed":
			mask, maskLine = val, num
		}
	}
	if !gotList && mask != nil {
		cpus, err := CPUMask(string(mask))
		if err != nil {
			errs.addf(maskLine, "Cpus_allowed: %v", err)
		} else {
			out.CpusAllowed = cpus
		}
	}
	if !nonBlank {
		errs.addf(0, "empty")
		return out, errs.err()
	}
	var missing []string
	if !gotName {
		missing = append(missing, "Name")
	}
	for _, m := range []struct {
		name string
		v    int
	}{{"Tgid", out.Tgid}, {"Pid", out.Pid}, {"PPid", out.PPid}, {"Uid", out.UID}} {
		if m.v < 0 {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		errs.addf(0, "missing or bad %s", strings.Join(missing, ", "))
	}
	return out, errs.err()
}
