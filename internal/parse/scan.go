package parse

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// isSpace reports whether c separates fields in kernel text files.
func isSpace(c byte) bool { return spaceTab[c] }

// spaceTab marks the field separators: space, tab, and the CR of a file
// that passed through Windows (plus vertical tab and form feed).
var spaceTab = [256]bool{' ': true, '\t': true, '\r': true, '\v': true, '\f': true}

// isDigit reports whether c is an ASCII decimal digit.
func isDigit(c byte) bool { return c-'0' <= 9 }

// trimSpace trims field separators and newlines from both ends of b.
func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && (isSpace(b[i]) || b[i] == '\n') {
		i++
	}
	for j > i && (isSpace(b[j-1]) || b[j-1] == '\n') {
		j--
	}
	return b[i:j]
}

// lineScanner iterates over the lines of a file: next returns the next line
// (without its '\n') and its 1-based number, or ok=false at the end. A final
// line without '\n' is returned; an empty input has no lines.
//
// A scanner made by streamLines reads an io.Reader instead, one line at a
// time: a returned line is valid until the next call, so a parser copies
// what it keeps (numbers into its model, text into strings) and memory
// grows with the model, never with the file. A line longer than
// maxStreamLine is returned cut to that length (the rest is skipped),
// which a parser reports as a bad row; a read error ends the lines and is
// kept in err.
type lineScanner struct {
	b    []byte
	pos  int
	line int

	r    *bufio.Reader
	long []byte // a line longer than r's buffer, assembled
	err  error  // the read error that ended a stream, io.EOF excluded
}

// maxStreamLine bounds one line of a streamed file: a /proc/interrupts row
// holds a count of up to 10 digits and a space per CPU (maxCPU + 1 CPUs),
// then the chip, trigger and action names.
const maxStreamLine = (maxCPU+1)*21 + 64<<10

// streamLines returns a scanner reading r line by line.
func streamLines(r io.Reader) *lineScanner {
	return streamLinesSize(r, 64<<10)
}

// streamLinesSize is streamLines with a read buffer of size bytes (tests
// use a small one to assemble long lines).
func streamLinesSize(r io.Reader, size int) *lineScanner {
	return &lineScanner{r: bufio.NewReaderSize(r, size)}
}

// nextStream is next for a streamed scanner.
func (l *lineScanner) nextStream() (line []byte, num int, ok bool) {
	if l.err != nil {
		return nil, 0, false
	}
	l.long = l.long[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if room := maxStreamLine - len(l.long); room > 0 {
				l.long = append(l.long, chunk[:min(len(chunk), room)]...)
			}
			continue
		}
		if err != nil && err != io.EOF {
			l.err = err
			return nil, 0, false
		}
		if len(l.long) > 0 || len(chunk) > 0 || err == nil {
			if len(l.long) > 0 {
				if room := maxStreamLine - len(l.long); room > 0 {
					l.long = append(l.long, chunk[:min(len(chunk), room)]...)
				}
				line = l.long
			} else {
				line = chunk
			}
		} else {
			l.err = io.EOF
			return nil, 0, false
		}
		if err == io.EOF {
			l.err = io.EOF
		}
		if n := len(line); n > 0 && line[n-1] == '\n' {
			line = line[:n-1]
		}
		l.line++
		return line, l.line, true
	}
}

// readErr is the error that ended a streamed scanner early, or nil.
func (l *lineScanner) readErr() error {
	if l.err == nil || errors.Is(l.err, io.EOF) {
		return nil
	}
	return l.err
}

func (l *lineScanner) next() (line []byte, num int, ok bool) {
	if l.r != nil {
		return l.nextStream()
	}
	if l.pos >= len(l.b) {
		return nil, 0, false
	}
	rest := l.b[l.pos:]
	l.line++
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		l.pos += i + 1
		return rest[:i], l.line, true
	}
	l.pos = len(l.b)
	return rest, l.line, true
}

// field returns the bounds of the first field of b at or after i, and
// s == e == len(b) when there is none.
func field(b []byte, i int) (s, e int) {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	s = i
	for i < len(b) && !isSpace(b[i]) {
		i++
	}
	return s, i
}

// fields splits b at runs of spaces and tabs.
func fields(b []byte) [][]byte {
	return appendFields(nil, b)
}

// appendFields is fields appending to dst, so a caller can pass a
// stack-allocated array and parse a line without allocating.
func appendFields(out [][]byte, b []byte) [][]byte {
	for i := 0; ; {
		s, e := field(b, i)
		if s == e {
			return out
		}
		out = append(out, b[s:e])
		i = e
	}
}

// parseUint parses a decimal unsigned number with no sign, as the kernel prints
// %u and %lu. It fails on empty input, non-digits and overflow.
func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		if v > (1<<64-1-uint64(d))/10 {
			return 0, false
		}
		v = v*10 + uint64(d)
	}
	return v, true
}

// parseInt parses a decimal number with an optional leading '-'.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	u, ok := parseUint(b)
	if !ok {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

// parseSmallInt parses a non-negative decimal number no larger than max.
func parseSmallInt(b []byte, max int) (int, bool) {
	u, ok := parseUint(b)
	if !ok || u > uint64(max) {
		return 0, false
	}
	return int(u), true
}

// parseHex32 parses 1 to 8 hex digits (softnet_stat's %08x); leading zeros
// beyond 8 digits are harmless, anything that does not fit 32 bits is not.
func parseHex32(b []byte) (uint32, bool) {
	v, ok := parseHex64(b)
	if !ok || v > 1<<32-1 {
		return 0, false
	}
	return uint32(v), true
}

// readCPUHeader reads the first non-blank line of /proc/interrupts or
// /proc/softirqs as its "CPU0 CPU1 ..." header.
func readCPUHeader(ls *lineScanner, file string) ([]int, error) {
	for {
		line, num, ok := ls.next()
		if !ok {
			return nil, errorf(file, 0, "empty")
		}
		if len(trimSpace(line)) == 0 {
			continue
		}
		cpus, problem := cpuHeader(line)
		if problem != "" {
			return nil, errorf(file, num, "%s", problem)
		}
		return cpus, nil
	}
}

// cpuHeader parses a header line of CPU columns ("CPU0 CPU1 ...", as in
// /proc/interrupts and /proc/softirqs) into CPU numbers. The numbers must be
// strictly increasing and at most maxCPU.
func cpuHeader(line []byte) ([]int, string) {
	var cpus []int
	for i := 0; ; {
		s, e := field(line, i)
		if s == e {
			break
		}
		i = e
		tok := line[s:e]
		if len(tok) < 4 || string(tok[:3]) != "CPU" {
			return nil, "header: expected CPUn, got " + quote(tok)
		}
		n, ok := parseSmallInt(tok[3:], maxCPU)
		if !ok {
			return nil, "header: bad CPU number in " + quote(tok)
		}
		if len(cpus) > 0 && n <= cpus[len(cpus)-1] {
			return nil, "header: CPU numbers not increasing at " + quote(tok)
		}
		cpus = append(cpus, n)
	}
	if len(cpus) == 0 {
		return nil, "header: no CPU columns"
	}
	return cpus, ""
}
