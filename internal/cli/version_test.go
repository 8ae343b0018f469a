package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionFromBuildInfo(t *testing.T) {
	bi := func(mod string, settings ...string) *debug.BuildInfo {
		b := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: mod}}
		for i := 0; i+1 < len(settings); i += 2 {
			b.Settings = append(b.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return b
	}
	cases := []struct {
		name    string
		bi      *debug.BuildInfo
		ldflags string
		short   string
		long    []string
	}{
		{"go install @version", bi("v1.2.3"), "dev", "v1.2.3", []string{"netdoctor version v1.2.3\n", "built with go1.26.0"}},
		{"checkout, modified", bi("(devel)", "vcs.revision", "0123456789abcdef0123", "vcs.modified", "true", "vcs.time", "2026-12-01T10:00:00Z"), "dev",
			"dev (0123456789ab+dirty)", []string{"revision 0123456789abcdef0123 (modified) from 2026-12-01T10:00:00Z"}},
		{"checkout, clean", bi("(devel)", "vcs.revision", "abc", "vcs.modified", "false"), "dev", "dev (abc)", []string{"revision abc\n"}},
		{"ldflags win", bi("v1.2.3"), "v9.9.9", "v9.9.9", []string{"netdoctor version v9.9.9"}},
	}
	for _, c := range cases {
		v := versionFrom(c.bi, c.ldflags)
		if v.String() != c.short {
			t.Errorf("%s: %q, want %q", c.name, v.String(), c.short)
		}
		for _, w := range c.long {
			if !strings.Contains(v.long(), w) {
				t.Errorf("%s: --version %q lacks %q", c.name, v.long(), w)
			}
		}
		if c.name == "checkout, clean" && strings.Contains(v.long(), "modified") {
			t.Errorf("a clean tree said modified")
		}
	}
	r := run(t, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "netdoctor version ") || !strings.Contains(r.stdout, "built with go") {
		t.Errorf("--version: exit %d, %q", r.code, r.stdout)
	}
}
