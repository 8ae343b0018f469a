package cmdout

import (
	"sort"
	"strings"
)

// Sysctl parses `sysctl -a`: "key = value" lines. Keys never contain " = ",
// so a line is split at the first one; the value is kept verbatim apart from
// surrounding blanks, including inner tabs ("4096\t131072\t6291456") and an
// empty value ("kernel.domainname = "). sysctl prints each line of a
// multi-line value with the key again (dev.cdrom.info), so a repeated key
// appends its value after a "\n". Lines sysctl writes to stderr ("sysctl:
// permission denied on key ...", "sysctl: reading key ...") are skipped; any
// other line without " = " is named in the error.
func Sysctl(b []byte) (map[string]string, error) {
	const cmd = "sysctl -a"
	m := map[string]string{}
	text, err := input(cmd, b)
	if err != nil {
		return m, err
	}
	p := problems{cmd: cmd}
	more := map[string][]string{} // further lines of multi-line values
	for i, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "sysctl: ") {
			continue
		}
		key, val, ok := strings.Cut(t, " = ")
		if !ok {
			if k, found := strings.CutSuffix(t, " ="); found {
				key, val, ok = k, "", true
			}
		}
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			p.addf(i+1, "no \"key = value\" in %s", quote(t))
			continue
		}
		val = strings.TrimSpace(val)
		if _, dup := m[key]; dup {
			// Joined once at the end: appending here would be quadratic
			// for a hostile file repeating one key.
			more[key] = append(more[key], val)
		} else {
			m[key] = val
		}
	}
	for key, vals := range more {
		m[key] += "\n" + strings.Join(vals, "\n")
	}
	if len(m) == 0 {
		return m, noData(cmd, text, `"key = value" line`)
	}
	return m, p.err()
}

// FormatSysctl writes m as `sysctl -a` prints it: "key = value" lines sorted
// by key, a multi-line value as one line per value line, each with the key.
func FormatSysctl(m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		name := oneLine(k)
		for _, v := range strings.Split(m[k], "\n") {
			sb.WriteString(name)
			sb.WriteString(" = ")
			sb.WriteString(strings.TrimSuffix(v, "\r"))
			sb.WriteByte('\n')
		}
	}
	return []byte(sb.String())
}
