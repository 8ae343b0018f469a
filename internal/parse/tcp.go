package parse

import (
	"github.com/netdoctor/netdoctor/internal/host"
)

// tcpListen is the state of a listening socket in /proc/net/tcp (TCP_LISTEN).
const tcpListen = 0x0A

// TCPListeners parses /proc/net/tcp (family 4) or /proc/net/tcp6 (family
// 6), as net/ipv4/tcp_ipv4.c and net/ipv6/tcp_ipv6.c print them, and keeps
// the LISTEN rows (state 0A):
//
//	sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//	 0: 00000000:0016 00000000:0000 0A 00000000:00000081 00:00000000 00000000     0        0 23811 1 0000000000000000 100 0 0 10 0
//
// For a listener rx_queue is the accept queue's length (sk_ack_backlog);
// tx_queue (write_seq - snd_una) means nothing. Other rows are skipped
// after their state is read, so a busy host's connections cost little.
// At most host.MaxTCPListeners rows are kept. A bad row is dropped and
// named in the error; the others are kept.
func TCPListeners(b []byte, family int) ([]host.TCPListener, error) {
	file := "tcp"
	addrLen := 8
	if family == 6 {
		file, addrLen = "tcp6", 32
	}
	errs := rowErrors{file: file}
	ls := lineScanner{b: b}
	var out []host.TCPListener
	header := false
	var buf [16][]byte
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		f := appendFields(buf[:0], line)
		if len(f) == 0 {
			continue
		}
		if !header {
			if string(f[0]) != "sl" {
				return nil, errorf(file, num, "header: expected \"sl local_address ...\", got %s", quote(line))
			}
			header = true
			continue
		}
		if len(f) < 10 {
			errs.addf(num, "short row")
			continue
		}
		st, ok := parseHex32(f[3])
		if !ok || st > 0xff {
			errs.addf(num, "bad state %s", quote(f[3]))
			continue
		}
		if st != tcpListen {
			continue
		}
		l, problem := tcpListenRow(f, family, addrLen)
		if problem != "" {
			errs.addf(num, "%s", problem)
			continue
		}
		if len(out) >= host.MaxTCPListeners {
			continue
		}
		out = append(out, l)
	}
	if !header {
		return nil, errorf(file, 0, "empty")
	}
	return out, errs.err()
}

func tcpListenRow(f [][]byte, family, addrLen int) (host.TCPListener, string) {
	l := host.TCPListener{Family: family, Source: "/proc/net/" + map[int]string{4: "tcp", 6: "tcp6"}[family]}
	if sl := f[0]; len(sl) < 2 || sl[len(sl)-1] != ':' {
		return l, "bad slot " + quote(sl)
	}
	ip, port, ok := hexAddr(f[1], addrLen)
	if !ok {
		return l, "bad local address " + quote(f[1])
	}
	l.Local, l.Port = ip, port
	q := f[4]
	colon := -1
	for i, c := range q {
		if c == ':' {
			colon = i
			break
		}
	}
	if colon < 0 {
		return l, "bad queues " + quote(q)
	}
	rx, ok := parseHex64(q[colon+1:])
	if _, ok1 := parseHex64(q[:colon]); !ok || !ok1 {
		return l, "bad queues " + quote(q)
	}
	l.Queue = rx
	uid, ok := parseSmallInt(f[7], 1<<32-1)
	if !ok {
		return l, "bad uid " + quote(f[7])
	}
	l.UID = uid
	if l.Inode, ok = parseUint(f[9]); !ok {
		return l, "bad inode " + quote(f[9])
	}
	return l, ""
}
