package parse

import (
	"bytes"
	"strings"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// MaxKernelLogBytes is how much of a kernel log is read: the newest part,
// from the first line that starts inside it.
const MaxKernelLogBytes = 8 << 20

// maxLogText bounds the text kept of one event.
const maxLogText = 512

// KernelLog reads a kernel log and keeps the lines that say something about
// the receive path (ClassifyKernelLine). It accepts, line by line:
//
//	[  812.345678] nf_conntrack: table full, dropping packet         (dmesg; netdoctor's rendering of /dev/kmsg)
//	[Fri Dec  4 17:00:00 2026] ixgbe 0000:3b:00.0 eth2: NIC Link is Down (dmesg -T)
//	Dec  4 17:00:00 web1 kernel: [  812.345678] TCP: out of memory -- consider tuning tcp_mem (kern.log, messages, syslog)
//	2026-12-04T17:00:00.123456+00:00 web1 kernel: NETDEV WATCHDOG: eth0 (virtio_net): transmit queue 0 timed out
//
// A syslog line whose tag is not "kernel:" is counted but never classified
// (a daemon saying "link down" is not the kernel dropping packets). A line
// in no known format is taken as a bare kernel message (dmesg without
// timestamps). Only the last MaxKernelLogBytes are read. KernelLog never
// fails on content: a log is text, any text is a log.
func KernelLog(b []byte) (host.KernelLog, error) {
	var out host.KernelLog
	if len(b) > MaxKernelLogBytes {
		b = b[len(b)-MaxKernelLogBytes:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		} else {
			b = nil
		}
		out.Truncated = true
	}
	ls := lineScanner{b: b}
	for {
		line, _, ok := ls.next()
		if !ok {
			break
		}
		line = bytes.TrimRight(line, "\r")
		if len(trimSpace(line)) == 0 {
			continue
		}
		out.Lines++
		ev, kernel := logLine(line)
		if !kernel {
			continue
		}
		ev.Kind = ClassifyKernelLine(ev.Text)
		if ev.Kind == "" {
			continue
		}
		if len(ev.Text) > maxLogText {
			ev.Text = ev.Text[:maxLogText]
		}
		ev.Text = strings.ToValidUTF8(ev.Text, "?")
		ev.Stamp = strings.ToValidUTF8(ev.Stamp, "?")
		if len(out.Events) == 2*host.MaxLogEvents {
			// Keep the newest: drop the older half at once, so that a
			// log of nothing but events costs linear time.
			out.Events = append(out.Events[:0], out.Events[host.MaxLogEvents:]...)
		}
		out.Events = append(out.Events, ev)
	}
	if n := len(out.Events); n > host.MaxLogEvents {
		out.Events = append([]host.LogEvent(nil), out.Events[n-host.MaxLogEvents:]...)
	}
	return out, nil
}

// logLine splits one line into its stamps and message; kernel is false for
// a syslog line from another program.
func logLine(line []byte) (ev host.LogEvent, kernel bool) {
	ev.Uptime = -1
	rest := line
	switch {
	case len(rest) > 0 && rest[0] == '[':
		// dmesg: "[uptime] msg" or "[human time] msg".
	case isISOStamp(rest):
		sp := bytes.IndexByte(rest, ' ')
		ev.Stamp = string(rest[:sp])
		if t, err := time.Parse(time.RFC3339Nano, ev.Stamp); err == nil {
			ev.Time = t
		}
		var ok bool
		if rest, ok = syslogKernel(rest[sp+1:]); !ok {
			return ev, false
		}
	case isBSDStamp(rest):
		ev.Stamp = string(rest[:15])
		var ok bool
		if rest, ok = syslogKernel(rest[15:]); !ok {
			return ev, false
		}
	}
	rest = trimSpace(rest)
	if len(rest) > 0 && rest[0] == '[' {
		if end := bytes.IndexByte(rest, ']'); end > 0 && end < 64 {
			inner := string(trimSpace(rest[1:end]))
			if u, ok := parseUptime(inner); ok {
				ev.Uptime = u
			} else if ev.Stamp == "" {
				ev.Stamp = inner
			}
			rest = trimSpace(rest[end+1:])
		}
	}
	ev.Text = string(rest)
	return ev, true
}

// syslogKernel takes " host kernel: msg" and returns msg, or false when the
// tag is not the kernel's.
func syslogKernel(b []byte) ([]byte, bool) {
	s, e := field(b, 0) // host
	if s == e {
		return nil, false
	}
	s, e = field(b, e) // tag
	tag := b[s:e]
	if string(tag) != "kernel:" {
		return nil, false
	}
	return b[e:], true
}

// isISOStamp reports whether b starts "2026-12-04T17:00:00" and a space follows the stamp.
func isISOStamp(b []byte) bool {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12} {
		if !isDigit(b[i]) {
			return false
		}
	}
	return bytes.IndexByte(b, ' ') > 19
}

// isBSDStamp reports whether b starts "Dec  4 17:00:00 ".
func isBSDStamp(b []byte) bool {
	if len(b) < 16 || b[3] != ' ' || b[6] != ' ' || b[9] != ':' || b[12] != ':' || b[15] != ' ' {
		return false
	}
	switch string(b[:3]) {
	case "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec":
	default:
		return false
	}
	return (b[4] == ' ' || isDigit(b[4])) && isDigit(b[5]) && isDigit(b[7]) && isDigit(b[8])
}

// parseUptime reads "812.345678" (seconds since boot).
func parseUptime(s string) (float64, bool) {
	dot := strings.IndexByte(s, '.')
	if dot <= 0 || dot == len(s)-1 || len(s)-dot-1 > 9 {
		return 0, false
	}
	sec, ok := parseUint([]byte(s[:dot]))
	if !ok || sec > 1<<40 {
		return 0, false
	}
	frac, ok := parseUint([]byte(s[dot+1:]))
	if !ok {
		return 0, false
	}
	div := 1.0
	for range len(s) - dot - 1 {
		div *= 10
	}
	return float64(sec) + float64(frac)/div, true
}

// logPatterns map a fragment of a kernel message to its kind, first match
// wins. Fragments come from the kernel's own format strings
// (nf_conntrack_core.c, neighbour.c, sch_generic.c, page_alloc.c,
// tcp.h/tcp_timer.c, tcp_input.c, ip_output.c/ip6_output.c, dev.c) and
// the common drivers' link messages (Intel "NIC Link is Down", mlx5 and
// virtio "Link down", addrconf "link becomes ready").
var logPatterns = []struct {
	frag string
	kind string
	fold bool // match case-insensitively
}{
	{"table full, dropping packet", host.LogConntrackFull, false},
	{"neighbor table overflow", host.LogNeighOverflow, false},
	{"neighbour table overflow", host.LogNeighOverflow, false},
	{"NETDEV WATCHDOG", host.LogNetdevWatchdog, false},
	{"TCP: out of memory", host.LogTCPOutOfMemory, false},
	{"Possible SYN flooding on port", host.LogSYNFlood, false},
	{"page allocation failure", host.LogPageAllocFail, false},
	{"dropped over-mtu packet", host.LogOverMTU, false},
	{"while LRO is enabled", host.LogLROForwarding, false},
	{"unit hang", host.LogTxTimeout, true},
	{"tx timeout", host.LogTxTimeout, true},
	{"tx hang", host.LogTxTimeout, true},
	{"link is down", host.LogLinkDown, true},
	{"link down", host.LogLinkDown, true},
	{"link is up", host.LogLinkUp, true},
	{"link up", host.LogLinkUp, true},
	{"link becomes ready", host.LogLinkUp, false},
}

// ClassifyKernelLine returns the host.Log* kind of a kernel message, or "".
func ClassifyKernelLine(text string) string {
	var lower string
	for _, p := range logPatterns {
		if p.fold {
			if lower == "" {
				lower = strings.ToLower(text)
			}
			if strings.Contains(lower, p.frag) {
				return p.kind
			}
			continue
		}
		if strings.Contains(text, p.frag) {
			return p.kind
		}
	}
	return ""
}

// FormatKmsg turns /dev/kmsg records ("6,1234,5678901,-;message", with
// " KEY=value" continuation lines) into dmesg lines ("[    5.678901]
// message"), so that KernelLog reads them. Records it cannot read are
// kept as bare messages.
func FormatKmsg(records [][]byte) []byte {
	var out bytes.Buffer
	for _, r := range records {
		for len(r) > 0 {
			var line []byte
			if i := bytes.IndexByte(r, '\n'); i >= 0 {
				line, r = r[:i], r[i+1:]
			} else {
				line, r = r, nil
			}
			if len(line) == 0 || line[0] == ' ' {
				continue // dictionary continuation
			}
			semi := bytes.IndexByte(line, ';')
			if semi < 0 {
				out.Write(line)
				out.WriteByte('\n')
				continue
			}
			prefix := bytes.Split(line[:semi], []byte(","))
			if len(prefix) >= 3 {
				if us, ok := parseUint(prefix[2]); ok {
					sec, frac := us/1e6, us%1e6
					out.WriteString("[")
					s := uitoa(sec)
					for pad := len(s); pad < 5; pad++ {
						out.WriteByte(' ')
					}
					out.WriteString(s)
					out.WriteByte('.')
					f := uitoa(frac)
					for pad := len(f); pad < 6; pad++ {
						out.WriteByte('0')
					}
					out.WriteString(f)
					out.WriteString("] ")
				}
			}
			out.Write(line[semi+1:])
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

func uitoa(v uint64) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(buf[i:])
		}
	}
}
