package cmdout

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// maxProfileName bounds a tuned profile name (several names are joined
// by spaces).
const maxProfileName = 256

// TunedActive parses `tuned-adm active` ("Current active profile:
// throughput-performance", or "No current active profile.", which gives
// ""), and also the file /etc/tuned/active_profile (the name alone).
func TunedActive(b []byte) (string, error) {
	const cmd = "tuned-adm active"
	text, err := input(cmd, b)
	if err != nil {
		return "", err
	}
	for _, l := range splitLines(text) {
		s := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(s, "No current active profile"):
			return "", nil
		case strings.HasPrefix(s, "Current active profile:"):
			return profileName(cmd, strings.TrimPrefix(s, "Current active profile:"))
		}
	}
	lines := nonBlankLines(text)
	if len(lines) == 1 && !isErrorLine(lines[0]) && !strings.Contains(lines[0], ":") {
		return profileName(cmd, lines[0]) // active_profile
	}
	return "", noData(cmd, text, "\"Current active profile\" line")
}

// TunedRecommend parses `tuned-adm recommend`: one profile name.
func TunedRecommend(b []byte) (string, error) {
	const cmd = "tuned-adm recommend"
	text, err := input(cmd, b)
	if err != nil {
		return "", err
	}
	lines := nonBlankLines(text)
	if len(lines) == 1 && !isErrorLine(lines[0]) {
		return profileName(cmd, lines[0])
	}
	return "", noData(cmd, text, "profile name")
}

// TunedVerify parses `tuned-adm verify`: true for "Verification
// succeeded, current system settings match the preset profile.", false
// for "Verification failed, current system settings differ from the
// preset profile." (tuned prints which settings differ only into its
// log: see TunedLogDrift).
func TunedVerify(b []byte) (bool, error) {
	const cmd = "tuned-adm verify"
	text, err := input(cmd, b)
	if err != nil {
		return false, err
	}
	for _, l := range splitLines(text) {
		s := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(s, "Verification succeeded"):
			return true, nil
		case strings.HasPrefix(s, "Verification failed"):
			return false, nil
		}
	}
	return false, noData(cmd, text, "Verification line")
}

// TunedLogDrift reads tuned's log (/var/log/tuned/tuned.log) and returns
// the settings its last verification reported different, as tuned
// prints them after "verify: failed: " ("'net.core.busy_read' = '0',
// expected '50'", "device eth0: 'channels' = ..."). A verification starts
// at a "verifying profile(s)" line; without one, every failure counts.
// At most host.MaxTunedDrift are kept.
func TunedLogDrift(r io.Reader) ([]string, error) {
	const cmd = "tuned.log"
	sc := bufio.NewScanner(io.LimitReader(r, maxInput))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var out []string
	for sc.Scan() {
		l := sc.Text()
		if strings.Contains(l, "verifying profile(s)") {
			out = out[:0]
			continue
		}
		_, after, ok := strings.Cut(l, "verify: failed: ")
		if !ok {
			continue
		}
		if len(out) < host.MaxTunedDrift {
			out = append(out, cleanLine(after, 256))
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("%s: %w", cmd, err)
	}
	return out, nil
}

// DriftIsMissing reports whether a drift line of TunedLogDrift says the
// setting does not exist on this kernel ("'kernel.yama.ptrace_scope' =
// 'None', expected '1'"): tuned's verify then fails forever, and it is no
// drift of a setting.
func DriftIsMissing(line string) bool {
	return strings.Contains(line, "= 'None', expected")
}

// profileName checks one profile name (or several, space-separated).
func profileName(cmd, s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", nil
	}
	if len(s) > maxProfileName {
		return "", fmt.Errorf("%s: profile name of %d bytes", cmd, len(s))
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return "", fmt.Errorf("%s: control character in profile name %s", cmd, quote(s))
		}
	}
	return s, nil
}

// nonBlankLines returns the trimmed lines of text that are not blank.
func nonBlankLines(text string) []string {
	var out []string
	for _, l := range splitLines(text) {
		if s := strings.TrimSpace(l); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cleanLine trims s, replaces control characters and cuts it to max bytes
// (at a rune boundary).
func cleanLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) > max {
		cut := max
		for cut > 0 && (s[cut]&0xc0) == 0x80 {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// maxProfileKeys bounds the settings kept from one tuned.conf.
const maxProfileKeys = 4096

// TunedProfile parses a tuned profile's tuned.conf: the profiles it
// includes ([main] include=a,b or "a b") and its sysctl settings (the
// [sysctl] section and any section with type=sysctl), key → value with
// the key written with dots. Values that use tuned's variables or
// functions ("${...}") or a comparison prefix are left out: only tuned
// can expand them.
func TunedProfile(b []byte) (include []string, sysctls map[string]string, err error) {
	const cmd = "tuned.conf"
	text, err := input(cmd, b)
	if err != nil {
		return nil, nil, err
	}
	type section struct {
		name  string
		isSys bool
		kv    [][2]string
	}
	var secs []*section
	var cur *section
	p := problems{cmd: cmd}
	for i, l := range splitLines(text) {
		s := strings.TrimSpace(l)
		if s == "" || s[0] == '#' || s[0] == ';' {
			continue
		}
		if s[0] == '[' {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				p.addf(i+1, "bad section %s", quote(s))
				continue
			}
			name := strings.TrimSpace(s[1:end])
			cur = &section{name: name, isSys: name == "sysctl"}
			secs = append(secs, cur)
			continue
		}
		k, v, ok := strings.Cut(s, "=")
		if !ok || cur == nil {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if cur.name != "main" && k == "type" && v == "sysctl" {
			cur.isSys = true
			continue
		}
		if len(cur.kv) < maxProfileKeys {
			cur.kv = append(cur.kv, [2]string{k, v})
		}
	}
	if err := p.err(); err != nil && len(secs) == 0 {
		return nil, nil, err
	}
	for _, sec := range secs {
		for _, kv := range sec.kv {
			k, v := kv[0], kv[1]
			switch {
			case sec.name == "main" && k == "include":
				for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
					if name, err := profileName(cmd, f); err == nil && name != "" && len(include) < 16 {
						include = append(include, name)
					}
				}
			case sec.isSys:
				switch k {
				case "type", "replace", "enabled", "devices", "uname_regex", "cpuinfo_regex", "devices_udev_regex", "script_pre", "script_post":
					continue
				}
				if strings.Contains(v, "${") || strings.HasPrefix(v, ">") || strings.HasPrefix(v, "<") || len(k) > 256 || len(v) > 4096 {
					continue
				}
				if sysctls == nil {
					sysctls = map[string]string{}
				}
				if len(sysctls) < maxProfileKeys {
					sysctls[strings.ReplaceAll(strings.Trim(k, "/"), "/", ".")] = v
				}
			}
		}
	}
	return include, sysctls, nil
}
