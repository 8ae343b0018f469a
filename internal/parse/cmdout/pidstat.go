package cmdout

import (
	"math"
	"strconv"
	"strings"
)

// PidstatRow is one process or thread row of `pidstat -t`. Numbers are -1
// when unknown or absent.
type PidstatRow struct {
	// UID is the UID column; User the USER column of `pidstat -U`.
	UID  int
	User string
	// TGID is the process. A thread row prints "-" there; TGID is then taken
	// from the process row it follows (-1 when there is none).
	TGID int
	// TID is the thread; -1 on a process row (which prints "-").
	TID int
	// CPU is the CPU the task last ran on.
	CPU int
	// UsrPct, SysPct, CPUPct are %usr, %system and %CPU.
	UsrPct, SysPct, CPUPct float64
	// Command is as printed, with its arguments under -l; the "|__" that
	// marks a thread row is removed.
	Command string
}

// Pidstat parses `pidstat -tl` (sos: sos_commands/process/pidstat_-tl). The
// banner ("Linux 3.10.0-1160.el7.x86_64 (host) 03/05/2024 _x86_64_ (8 CPU)")
// is skipped; columns are found by the header's names, which vary with the
// sysstat version (%wait is newer; -U prints USER for UID; -h starts the
// header with "# Time"). Each row starts with the time, one token or two with
// AM/PM. Command is the last column and keeps its spaces. "Average:" lines are
// ignored, as are repeated headers.
func Pidstat(b []byte) ([]PidstatRow, error) {
	const cmd = "pidstat"
	text, err := input(cmd, b)
	if err != nil {
		return nil, err
	}
	p := problems{cmd: cmd}
	var cols []string // header names from UID/USER (or the first id column) to Command
	var out []PidstatRow
	lastTGID := -1
	for i, line := range splitLines(text) {
		fs := fields(line)
		if len(fs) == 0 {
			continue
		}
		if strings.HasPrefix(fs[0].s, "Average") {
			continue
		}
		if c := pidstatHeader(fs); c != nil {
			cols = c
			continue
		}
		if cols == nil {
			continue // the banner, or rows of a header we did not recognise
		}
		row, problem := pidstatRow(line, fs, cols)
		if problem != "" {
			p.addf(i+1, "%s", problem)
			continue
		}
		if row.TID < 0 {
			lastTGID = row.TGID
		} else if row.TGID < 0 {
			row.TGID = lastTGID
		}
		out = append(out, row)
	}
	if cols == nil {
		return nil, noData(cmd, text, "header with a Command column")
	}
	return out, p.err()
}

// pidstatHeader returns the column names of a header line from its first id
// column (UID, USER, TGID or PID) to Command, or nil when fs is not a header.
func pidstatHeader(fs []field) []string {
	if fs[len(fs)-1].s != "Command" {
		return nil
	}
	for i, f := range fs {
		if i > 3 { // after at most "#", "Time" or a time with AM/PM
			break
		}
		switch f.s {
		case "UID", "USER", "TGID", "PID":
			cols := make([]string, 0, len(fs)-i)
			for _, g := range fs[i:] {
				cols = append(cols, g.s)
			}
			return cols
		}
	}
	return nil
}

// pidstatRow reads one data row.
func pidstatRow(line string, fs []field, cols []string) (PidstatRow, string) {
	row := PidstatRow{UID: -1, TGID: -1, TID: -1, CPU: -1}
	// The time: one token, or two with AM/PM.
	k := 1
	if len(fs) > 1 && (strings.EqualFold(fs[1].s, "AM") || strings.EqualFold(fs[1].s, "PM")) {
		k = 2
	}
	if len(fs)-k < len(cols)-1 {
		return row, "short row " + quote(strings.TrimSpace(line))
	}
	for ci, col := range cols {
		if ci == len(cols)-1 {
			cmd := rest(line, fs, k+ci)
			if t, ok := strings.CutPrefix(cmd, "|__"); ok {
				cmd = t
			}
			row.Command = cmd
			break
		}
		v := fs[k+ci].s
		var bad bool
		switch col {
		case "UID":
			row.UID, bad = pidstatInt(v)
		case "USER":
			row.User = v
		case "TGID", "PID":
			row.TGID, bad = pidstatInt(v)
		case "TID":
			row.TID, bad = pidstatInt(v)
		case "CPU":
			row.CPU, bad = pidstatInt(v)
		case "%usr":
			row.UsrPct, bad = pidstatPct(v)
		case "%system":
			row.SysPct, bad = pidstatPct(v)
		case "%CPU":
			row.CPUPct, bad = pidstatPct(v)
		}
		if bad {
			return row, col + ": bad value " + quote(v)
		}
	}
	if row.TGID < 0 && row.TID < 0 {
		return row, "neither TGID nor TID in " + quote(strings.TrimSpace(line))
	}
	return row, ""
}

// pidstatInt parses an id column; "-" is -1 and not bad.
func pidstatInt(v string) (int, bool) {
	if v == "-" {
		return -1, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > math.MaxInt32 {
		return -1, true
	}
	return n, false
}

// pidstatPct parses a percentage, with a decimal point or, in some locales,
// a decimal comma.
func pidstatPct(v string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, true
	}
	return f, false
}
