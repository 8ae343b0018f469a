package parse

import "strings"

// Uint parses a sysfs file holding one unsigned decimal number ("1500\n"),
// trimming surrounding whitespace.
func Uint(b []byte) (uint64, error) {
	t := trimSpace(b)
	v, ok := parseUint(t)
	if !ok {
		if len(t) == 0 {
			return 0, errorf("number", 0, "empty")
		}
		return 0, errorf("number", 0, "not an unsigned number: %s", quote(t))
	}
	return v, nil
}

// Int parses a sysfs file holding one signed decimal number, such as
// numa_node ("-1\n"), trimming surrounding whitespace.
func Int(b []byte) (int64, error) {
	t := trimSpace(b)
	v, ok := parseInt(t)
	if !ok {
		if len(t) == 0 {
			return 0, errorf("number", 0, "empty")
		}
		return 0, errorf("number", 0, "not a number: %s", quote(t))
	}
	return v, nil
}

// Cmdline turns /proc/cmdline or /proc/PID/cmdline into one line: NUL
// separators become spaces and surrounding whitespace (the kernel's trailing
// newline, trailing NULs) is trimmed. Other control characters and invalid
// UTF-8 are kept as they are: renderers escape them.
func Cmdline(b []byte) string {
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
}
