package parse

import (
	"net/netip"

	"github.com/netdoctor/netdoctor/internal/host"
)

// UDPSockets parses /proc/net/udp (family 4) or /proc/net/udp6 (family 6),
// as net/ipv4/udp.c and net/ipv6/datagram.c print them since 2.6.25 (the
// drops column):
//
//	  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
//	1157: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 23455 2 0000000000000000 0
//
// Addresses are the host's native 32-bit integers in hex; they are decoded
// for a little-endian host. Rows past host.MaxUDPSockets are kept only when
// their drops or queues are non-zero. A bad row is dropped and named in the
// error; the others are kept.
func UDPSockets(b []byte, family int) ([]host.UDPSocket, error) {
	file := "udp"
	addrLen := 8
	if family == 6 {
		file, addrLen = "udp6", 32
	}
	errs := rowErrors{file: file}
	ls := lineScanner{b: b}
	var out []host.UDPSocket
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
		s, problem := udpRow(f, family, addrLen)
		if problem != "" {
			errs.addf(num, "%s", problem)
			continue
		}
		if len(out) >= host.MaxUDPSockets && s.Drops == 0 && s.RxQueue == 0 && s.TxQueue == 0 {
			continue
		}
		out = append(out, s)
	}
	if !header {
		return nil, errorf(file, 0, "empty")
	}
	return out, errs.err()
}

func udpRow(f [][]byte, family, addrLen int) (host.UDPSocket, string) {
	s := host.UDPSocket{Family: family}
	if len(f) < 13 {
		return s, "short row"
	}
	if sl := f[0]; len(sl) < 2 || sl[len(sl)-1] != ':' {
		return s, "bad slot " + quote(sl)
	}
	ip, port, ok := hexAddr(f[1], addrLen)
	if !ok {
		return s, "bad local address " + quote(f[1])
	}
	s.Local, s.Port = ip, port
	st, ok := parseHex32(f[3])
	if !ok || st > 0xff {
		return s, "bad state " + quote(f[3])
	}
	s.State = int(st)
	q := f[4]
	colon := -1
	for i, c := range q {
		if c == ':' {
			colon = i
			break
		}
	}
	if colon < 0 {
		return s, "bad queues " + quote(q)
	}
	tx, ok1 := parseHex64(q[:colon])
	rx, ok2 := parseHex64(q[colon+1:])
	if !ok1 || !ok2 {
		return s, "bad queues " + quote(q)
	}
	s.TxQueue, s.RxQueue = tx, rx
	uid, ok := parseSmallInt(f[7], 1<<32-1)
	if !ok {
		return s, "bad uid " + quote(f[7])
	}
	s.UID = uid
	if s.Inode, ok = parseUint(f[9]); !ok {
		return s, "bad inode " + quote(f[9])
	}
	if s.Drops, ok = parseUint(f[12]); !ok {
		return s, "bad drops " + quote(f[12])
	}
	return s, ""
}

// hexAddr decodes "0100007F:0035" (IPv4) or 32 hex digits and a port
// (IPv6): each group of 8 digits is a native 32-bit integer, read here as
// little-endian.
func hexAddr(b []byte, addrLen int) (string, int, bool) {
	if len(b) != addrLen+5 || b[addrLen] != ':' {
		return "", 0, false
	}
	port, ok := parseHex32(b[addrLen+1:])
	if !ok {
		return "", 0, false
	}
	var raw [16]byte
	for g := 0; g < addrLen/8; g++ {
		v, ok := parseHex32(b[g*8 : g*8+8])
		if !ok {
			return "", 0, false
		}
		raw[g*4], raw[g*4+1], raw[g*4+2], raw[g*4+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	if addrLen == 8 {
		return netip.AddrFrom4([4]byte(raw[:4])).String(), int(port), true
	}
	return netip.AddrFrom16(raw).String(), int(port), true
}
