package cmdout

import "strings"

// UnameInfo is `uname -a`: kernel name (-s), hostname (-n), release (-r),
// version (-v) and machine (-m). (The brief's contract called this type
// Uname, the name of its parser.)
type UnameInfo struct {
	Kernel, Hostname, Release, Version, Machine string
}

// archNames are the machine names uname prints; the trailing processor and
// hardware-platform fields of uname -a are one of these or "unknown".
var archNames = map[string]bool{
	"x86_64": true, "i386": true, "i486": true, "i586": true, "i686": true, "athlon": true,
	"aarch64": true, "aarch64_be": true, "arm64": true, "armv6l": true, "armv7l": true, "armv8l": true,
	"ppc": true, "ppc64": true, "ppc64le": true, "s390": true, "s390x": true,
	"mips": true, "mips64": true, "mipsel": true, "mips64el": true,
	"riscv32": true, "riscv64": true, "loongarch64": true, "sparc": true, "sparc64": true,
	"ia64": true, "alpha": true, "parisc": true, "parisc64": true, "sh4": true, "m68k": true,
	"unknown": true,
}

// Uname parses `uname -a`, for example
//
//	Linux host 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 x86_64 x86_64 GNU/Linux
//	Linux host 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29) x86_64 GNU/Linux
//
// The version spans several tokens and is kept with its spacing. The machine
// is found from the end: after the operating system ("GNU/Linux"), the
// trailing run of architecture names is machine, processor and platform, of
// which the first is the machine. Only the first non-blank line is read.
func Uname(b []byte) (UnameInfo, error) {
	const cmd = "uname -a"
	var u UnameInfo
	text, err := input(cmd, b)
	if err != nil {
		return u, err
	}
	var line string
	for _, l := range splitLines(text) {
		if strings.TrimSpace(l) != "" {
			line = l
			break
		}
	}
	fs := fields(line)
	// "uname: extra operand 'x'", "sh: uname: command not found". Error words
	// are not looked for: a host may well be called "build-failed-01".
	if len(fs) < 3 || strings.HasSuffix(fs[0].s, ":") {
		return u, noData(cmd, text, "kernel, hostname and release")
	}
	u.Kernel, u.Hostname, u.Release = fs[0].s, fs[1].s, fs[2].s
	end := len(fs) // fs[3:end] is the version and machine fields
	if end > 4 && strings.Contains(fs[end-1].s, "Linux") {
		end-- // the operating system
	}
	m := end
	for m > 4 && archNames[fs[m-1].s] {
		m--
	}
	if m == end && end > 3 {
		m = end - 1 // no known architecture: the last field is the machine
	}
	if m < end {
		u.Machine = fs[m].s
	}
	if m > 3 {
		last := fs[m-1]
		u.Version = strings.TrimSpace(line[fs[3].start : last.start+len(last.s)])
	}
	return u, nil
}

// FormatUname writes u as `uname -a` prints it on a GNU/Linux host whose
// processor and hardware platform are unknown (coreutils omits those):
// "Linux host 6.1.0 #1 SMP ... x86_64 GNU/Linux". An empty Kernel is
// written "Linux"; empty fields other than Version are written "unknown".
func FormatUname(u UnameInfo) []byte {
	word := func(s, dflt string) string {
		s = strings.Join(strings.Fields(s), "_")
		if s == "" {
			return dflt
		}
		return s
	}
	parts := []string{word(u.Kernel, "Linux"), word(u.Hostname, "unknown"), word(u.Release, "unknown")}
	if v := strings.TrimSpace(oneLine(u.Version)); v != "" {
		parts = append(parts, v)
	}
	parts = append(parts, word(u.Machine, "unknown"), "GNU/Linux")
	return []byte(strings.Join(parts, " ") + "\n")
}
