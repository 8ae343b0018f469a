package cmdout

import (
	"math"
	"strconv"
	"strings"
)

// PSRow is one row of a ps listing. Numbers are -1 when unknown or absent.
type PSRow struct {
	// User is the USER column, or the UID column when there is no USER
	// column, as printed (a name or a number).
	User      string
	PID, PPID int
	PSR       int
	State     string // S or STAT column as printed ("S", "Ssl", "R+")
	Comm      string // the COMM column, else derived from Cmd
	Cmd       string // the COMMAND/CMD/ARGS column, with its arguments
	TimeSec   int64  // TIME column ("[[dd-]hh:]mm:ss") in seconds
}

// PS parses ps output by its header's column names: `ps auxwww` and
// `ps auxwwwm`, sos's `ps axo flags,state,uid,pid,ppid,pgid,sid,cls,pri,psr,
// addr,sz,wchan:20,lstart,tty,time,cmd`, `ps -elfL`. The last column is the
// command and keeps its spaces. The STARTED column of lstart spans five tokens
// ("Tue Mar  5 10:11:12 2024") and that of start two ("Mar 05"); START and
// STIME one. Kernel threads show as "[kthreadd]": Comm is then the name inside
// the brackets; for other processes Comm is derived from the first word of the
// command (its base name) unless a COMM column is present. Thread rows of
// `ps m` (PID "-") are skipped; `ps -L` gives one row per thread. Lines
// before the header (a procps warning) are skipped.
func PS(b []byte) ([]PSRow, error) {
	const cmd = "ps"
	text, err := input(cmd, b)
	if err != nil {
		return nil, err
	}
	lines := splitLines(text)
	// The header is the first line with a PID column other than the last
	// (which is the command); old procps may print a warning before it.
	h, seen := -1, 0
	var cols []string
	for i := 0; i < len(lines) && seen < 5 && h < 0; i++ {
		hdr := strings.Fields(lines[i])
		if len(hdr) == 0 {
			continue
		}
		seen++
		for k, c := range hdr {
			if strings.ToUpper(c) == "PID" && k < len(hdr)-1 {
				h = i
			}
		}
		if h >= 0 {
			cols = make([]string, len(hdr))
			for k, c := range hdr {
				cols[k] = strings.ToUpper(c)
			}
		}
	}
	if h < 0 {
		return nil, noData(cmd, text, "header with a PID column")
	}
	p := problems{cmd: cmd}
	var out []PSRow
	for i := h + 1; i < len(lines); i++ {
		line := lines[i]
		fs := fields(line)
		if len(fs) == 0 {
			continue
		}
		row, skip, problem := psRow(line, fs, cols)
		if problem != "" {
			p.addf(i+1, "%s", problem)
			continue
		}
		if !skip {
			out = append(out, row)
		}
	}
	return out, p.err()
}

// psRow reads one data line against the column names.
func psRow(line string, fs []field, cols []string) (row PSRow, skip bool, problem string) {
	row = PSRow{PID: -1, PPID: -1, PSR: -1, TimeSec: -1}
	hasComm, hasUser := false, false
	k := 0 // next token
	for ci, col := range cols {
		if ci == len(cols)-1 {
			v := rest(line, fs, k)
			switch col {
			case "COMM", "UCOMM", "UCMD":
				row.Comm = v
			default:
				row.Cmd = v
			}
			break
		}
		if k >= len(fs) {
			return row, false, "short row: no " + col + " column in " + quote(strings.TrimSpace(line))
		}
		n := 1
		if col == "STARTED" || col == "LSTART" || col == "START" || col == "STIME" {
			n = dateTokens(fs[k:])
		}
		if k+n > len(fs) {
			return row, false, "short row: no " + col + " column in " + quote(strings.TrimSpace(line))
		}
		v := fs[k].s
		k += n
		switch col {
		case "USER", "RUSER", "EUSER":
			row.User, hasUser = v, true
		case "UID", "RUID", "EUID":
			if !hasUser {
				row.User = v
			}
		case "PID":
			if v == "-" { // a thread row of ps m
				return row, true, ""
			}
			n, ok := psInt(v)
			if !ok {
				return row, false, "bad PID " + quote(v)
			}
			row.PID = n
		case "PPID":
			n, ok := psInt(v)
			if !ok && v != "-" {
				return row, false, "bad PPID " + quote(v)
			}
			row.PPID = n
		case "PSR":
			n, ok := psInt(v)
			if !ok && v != "-" {
				return row, false, "bad PSR " + quote(v)
			}
			row.PSR = n
		case "S", "STAT":
			row.State = v
		case "TIME", "CPUTIME":
			sec, ok := psTime(v)
			if !ok {
				return row, false, "bad TIME " + quote(v)
			}
			row.TimeSec = sec
		case "COMM", "UCOMM", "UCMD":
			row.Comm, hasComm = v, true
		case "CMD", "COMMAND", "ARGS":
			row.Cmd = v
		}
	}
	if !hasComm && row.Comm == "" {
		row.Comm = commOf(row.Cmd)
	}
	return row, false, ""
}

var weekdays = map[string]bool{"Mon": true, "Tue": true, "Wed": true, "Thu": true, "Fri": true, "Sat": true, "Sun": true}
var months = map[string]bool{"Jan": true, "Feb": true, "Mar": true, "Apr": true, "May": true, "Jun": true,
	"Jul": true, "Aug": true, "Sep": true, "Oct": true, "Nov": true, "Dec": true}

// dateTokens says how many tokens a start-time column takes: five for lstart
// ("Tue Mar  5 10:11:12 2024"), two for start's "Mar 05", else one ("10:11",
// "Mar05", "2023").
func dateTokens(fs []field) int {
	if len(fs) >= 5 && weekdays[fs[0].s] && months[fs[1].s] {
		return 5
	}
	if len(fs) >= 2 && months[fs[0].s] {
		if _, err := strconv.Atoi(fs[1].s); err == nil {
			return 2
		}
	}
	return 1
}

// psInt parses a non-negative decimal; "-" and garbage give (-1, false).
func psInt(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > math.MaxInt32 {
		return -1, false
	}
	return n, true
}

// psTime parses ps's TIME, "[[dd-]hh:]mm:ss"; in ps aux the leading field
// may exceed 59 ("1234:56" minutes).
func psTime(s string) (int64, bool) {
	var days int64
	if d, r, ok := strings.Cut(s, "-"); ok {
		n, err := strconv.ParseInt(d, 10, 32)
		if err != nil || n < 0 {
			return -1, false
		}
		days, s = n, r
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return -1, false
	}
	var total int64
	for i, part := range parts {
		n, err := strconv.ParseInt(part, 10, 32)
		if err != nil || n < 0 || (i > 0 && n > 59) {
			return -1, false
		}
		total = total*60 + n
	}
	if len(parts) == 2 && days > 0 { // dd-mm:ss is not a ps form
		return -1, false
	}
	return days*86400 + total, true
}

// commOf derives a command name from a command line: the name inside the
// brackets of a kernel thread ("[kworker/0:1H]"), else the base name of the
// first word without a trailing colon ("nginx: worker process" → "nginx").
func commOf(cmd string) string {
	if strings.HasPrefix(cmd, "[") {
		if end := strings.Index(cmd, "]"); end > 0 {
			return cmd[1:end]
		}
	}
	first, _, _ := strings.Cut(cmd, " ")
	if i := strings.LastIndexByte(first, '/'); i >= 0 && i < len(first)-1 {
		first = first[i+1:]
	}
	return strings.TrimSuffix(first, ":")
}
