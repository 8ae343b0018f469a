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

// maxWord bounds a sysfs word (a governor, a driver, an idle state name:
// the kernel's limits are 16 to 32 bytes).
const maxWord = 64

// Word parses a sysfs file holding one word, such as scaling_governor
// ("powersave\n") or a cpuidle state's name ("C1E"), trimming surrounding
// whitespace. A word is printable ASCII without spaces, at most 64
// bytes.
func Word(b []byte) (string, error) {
	t := trimSpace(b)
	if len(t) == 0 {
		return "", errorf("word", 0, "empty")
	}
	if len(t) > maxWord {
		return "", errorf("word", 0, "longer than %d bytes", maxWord)
	}
	for _, c := range t {
		if c <= ' ' || c > '~' {
			return "", errorf("word", 0, "not one printable word: %s", quote(t))
		}
	}
	return string(t), nil
}
