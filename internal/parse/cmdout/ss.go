package cmdout

import (
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// SSListeners parses an ss listing of sockets (iproute2) and keeps the
// listening TCP sockets: sos's `ss -peaonmi` (a Netid column, detail lines
// indented below each socket), or `ss -ltnp`-style outputs without a Netid
// column (every LISTEN row is then TCP):
//
//	Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
//	tcp   LISTEN 129    128          0.0.0.0:80        0.0.0.0:*    users:(("nginx",pid=812,fd=6)) ino:41822 sk:3 <->
//		 skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) ...
//
// For a listener Recv-Q is the accept queue's length and Send-Q the
// backlog. The owner comes from users:((...)), the inode from ino:, the
// uid from uid:. At most host.MaxTCPListeners are kept. A bad LISTEN row
// is dropped and named in the error; a file with no header is not ss
// output (ErrUnavailable when it holds only an error message).
func SSListeners(b []byte) ([]host.TCPListener, error) {
	const cmd = "ss"
	text, err := input(cmd, b)
	if err != nil {
		return nil, err
	}
	p := problems{cmd: cmd}
	var out []host.TCPListener
	header, netid := false, false
	for i, l := range splitLines(text) {
		if l == "" || isBlank(l[0]) {
			continue // detail lines of the socket above
		}
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if !header {
			switch f[0] {
			case "Netid":
				header, netid = true, true
			case "State":
				header = true
			}
			continue
		}
		if netid {
			if f[0] != "tcp" {
				continue
			}
			f = f[1:]
		}
		if len(f) == 0 || f[0] != "LISTEN" {
			continue
		}
		if len(f) < 5 {
			p.addf(i+1, "short LISTEN row %s", quote(l))
			continue
		}
		ln, problem := ssListenRow(f)
		if problem != "" {
			p.addf(i+1, "%s", problem)
			continue
		}
		if len(out) < host.MaxTCPListeners {
			out = append(out, ln)
		}
	}
	if !header {
		return nil, noData(cmd, text, "\"Netid\" or \"State\" header")
	}
	return out, p.err()
}

// ssListenRow reads "LISTEN Recv-Q Send-Q Local:Port Peer:Port [details]".
func ssListenRow(f []string) (host.TCPListener, string) {
	l := host.TCPListener{Source: "ss"}
	q, err1 := strconv.ParseUint(f[1], 10, 64)
	bl, err2 := strconv.ParseUint(f[2], 10, 64)
	if err1 != nil || err2 != nil {
		return l, "bad queues " + quote(f[1]+" "+f[2])
	}
	l.Queue, l.Backlog = q, bl
	local := f[3]
	c := strings.LastIndexByte(local, ':')
	if c <= 0 {
		return l, "bad local address " + quote(local)
	}
	port, err := strconv.Atoi(local[c+1:])
	if err != nil || port < 0 || port > 0xffff {
		return l, "bad local port " + quote(local)
	}
	addr := local[:c]
	if z := strings.IndexByte(addr, '%'); z >= 0 {
		addr = addr[:z] // 127.0.0.53%lo: the interface the socket is bound to
	}
	addr = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
	if z := strings.IndexByte(addr, '%'); z >= 0 {
		addr = addr[:z]
	}
	if addr == "" || len(addr) > 64 || cleanValue(addr) != addr {
		return l, "bad local address " + quote(local)
	}
	l.Local, l.Port, l.Family = addr, port, 4
	if addr == "*" || strings.Contains(addr, ":") {
		l.Family = 6
	}
	for _, d := range f[5:] {
		switch {
		case strings.HasPrefix(d, "users:("):
			l.Process, l.PIDs = ssUsers(d)
		case strings.HasPrefix(d, "ino:"):
			if v, err := strconv.ParseUint(d[4:], 10, 64); err == nil {
				l.Inode = v
			}
		case strings.HasPrefix(d, "uid:"):
			if v, err := strconv.Atoi(d[4:]); err == nil && v >= 0 {
				l.UID = v
			}
		}
	}
	return l, ""
}

// ssUsers reads users:(("nginx",pid=812,fd=6),("nginx",pid=813,fd=6)):
// the first process name and every pid (at most 16).
func ssUsers(s string) (string, []int) {
	name := ""
	var pids []int
	for _, part := range strings.Split(s, "(") {
		if name == "" {
			if q := strings.IndexByte(part, '"'); q >= 0 {
				if e := strings.IndexByte(part[q+1:], '"'); e >= 0 && e <= 64 {
					name = part[q+1 : q+1+e]
				}
			}
		}
		if _, after, ok := strings.Cut(part, "pid="); ok {
			end := 0
			for end < len(after) && after[end] >= '0' && after[end] <= '9' {
				end++
			}
			if v, err := strconv.Atoi(after[:end]); err == nil && v > 0 && len(pids) < 16 {
				pids = append(pids, v)
			}
		}
	}
	return cleanValue(name), pids
}
