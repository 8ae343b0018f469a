package cmdout

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrUnavailable says a command's output file holds no data: it is empty, or it
// holds only the command's error message. The error returned wraps it with the
// message.
var ErrUnavailable = errors.New("command output holds no data")

// maxInput bounds what any parser reads. sos cuts command outputs at 25 MiB.
const maxInput = 64 << 20

// maxProblems is how many problems an error spells out; the rest are counted.
const maxProblems = 8

// problems collects the problems of one input, each with its line number.
type problems struct {
	cmd  string
	msgs []string
	more int
}

// addf records a problem of line (1-based; 0 means the whole input).
func (p *problems) addf(line int, format string, args ...any) {
	if len(p.msgs) >= maxProblems {
		p.more++
		return
	}
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf("line %d: %s", line, msg)
	}
	p.msgs = append(p.msgs, msg)
}

// err is nil when nothing was recorded, else one error listing the problems.
func (p *problems) err() error {
	if len(p.msgs) == 0 {
		return nil
	}
	s := p.cmd + ": " + strings.Join(p.msgs, "; ")
	if p.more > 0 {
		s += fmt.Sprintf("; and %d more", p.more)
	}
	return errors.New(s)
}

// quote shortens and quotes a piece of untrusted input for an error message.
func quote(s string) string {
	const max = 60
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return fmt.Sprintf("%q...", s[:cut])
	}
	return fmt.Sprintf("%q", s)
}

// input checks the size of b and returns its text. Empty or blank input is
// ErrUnavailable.
func input(cmd string, b []byte) (string, error) {
	if len(b) > maxInput {
		return "", fmt.Errorf("%s: input of %d bytes is larger than the %d MiB limit", cmd, len(b), maxInput>>20)
	}
	s := string(b)
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("%s: %w: empty output", cmd, ErrUnavailable)
	}
	return s, nil
}

// splitLines splits text into lines without their "\n" or "\r\n".
func splitLines(s string) []string {
	ls := strings.Split(s, "\n")
	if len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	for i, l := range ls {
		ls[i] = strings.TrimSuffix(l, "\r")
	}
	return ls
}

// errorMarkers are lowercase fragments of the messages commands print on
// stderr when they have nothing to show.
var errorMarkers = []string{
	"no stats available",
	"cannot get",
	"cannot ",
	"can't ",
	"not supported",
	"not permitted",
	"permission denied",
	"no such device",
	"no such file",
	"command not found",
	"not found",
	"netlink error",
	"bad command line",
	"no data available",
	"no numa available",
	"timed out",
	"timeout",
	"error",
	"failed",
	"unable to",
	"invalid",
	"unrecognized option",
	"extra operand",
	"for more information", // GNU tools' usage hint after an error
}

// isErrorLine reports whether a line looks like a command's error message.
func isErrorLine(l string) bool {
	l = strings.ToLower(l)
	for _, m := range errorMarkers {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

// noData is the error for an input in which a parser found nothing it knows.
// A one-line input, or one made only of error messages, is ErrUnavailable
// wrapped with its first line; anything else is not the command's output.
func noData(cmd, text, want string) error {
	var nonBlank []string
	allErrors := true
	firstErr := ""
	for _, l := range splitLines(text) {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		nonBlank = append(nonBlank, l)
		switch {
		case isErrorLine(l):
			if firstErr == "" {
				firstErr = l
			}
		case !isSectionHeader(l):
			allErrors = false
		}
	}
	if len(nonBlank) == 0 {
		return fmt.Errorf("%s: %w: empty output", cmd, ErrUnavailable)
	}
	if len(nonBlank) == 1 {
		return fmt.Errorf("%s: %w: %s", cmd, ErrUnavailable, quote(nonBlank[0]))
	}
	if allErrors && firstErr != "" {
		// ethtool prints "Cannot get device channel parameters", then
		// ": Operation not supported" and still the section header
		// "Channel parameters for lo:": the error decides.
		return fmt.Errorf("%s: %w: %s", cmd, ErrUnavailable, quote(errorReason(nonBlank, firstErr)))
	}
	return fmt.Errorf("%s: not %s output: no %s in %d lines starting %s", cmd, cmd, want, len(nonBlank), quote(nonBlank[0]))
}

// isSectionHeader reports whether a line is the header ethtool prints
// before its data ("Ring parameters for eth0:", "Settings for lo:"), which
// it prints even when the data could not be read.
func isSectionHeader(l string) bool {
	return strings.HasSuffix(l, ":") && strings.Contains(l, " for ")
}

// errorReason is the cause ethtool prints on the line after its error
// (": Operation not supported"), else the first error line.
func errorReason(lines []string, first string) string {
	for i, l := range lines {
		if l == first && i+1 < len(lines) && strings.HasPrefix(lines[i+1], ":") {
			return strings.TrimSpace(strings.TrimPrefix(lines[i+1], ":"))
		}
	}
	return first
}

// field is one whitespace-separated token of a line and where it starts.
type field struct {
	s     string
	start int
}

// fields splits a line at runs of spaces and tabs, keeping each token's
// offset so that a trailing free-text column can be sliced from the line.
func fields(line string) []field {
	var out []field
	i := 0
	for i < len(line) {
		for i < len(line) && isBlank(line[i]) {
			i++
		}
		if i >= len(line) {
			break
		}
		j := i
		for j < len(line) && !isBlank(line[j]) {
			j++
		}
		out = append(out, field{s: line[i:j], start: i})
		i = j
	}
	return out
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' }

// rest returns the line from the start of fs[i], trimmed, or "" when there is
// no such field.
func rest(line string, fs []field, i int) string {
	if i >= len(fs) {
		return ""
	}
	return strings.TrimSpace(line[fs[i].start:])
}

// cutKey splits "Key: value" at the first colon, trimming both sides. ok is
// false when the line has no colon.
func cutKey(l string) (key, value string, ok bool) {
	k, v, ok := strings.Cut(l, ":")
	if !ok {
		return "", "", false
	}
	return strings.TrimSpace(k), strings.TrimSpace(v), true
}
