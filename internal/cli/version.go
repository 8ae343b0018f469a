package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// versionInfo is what --version says: the module version, the VCS
// revision and whether the tree was modified, and the Go toolchain.
type versionInfo struct {
	Version  string
	Revision string
	Time     string
	Dirty    bool
	Go       string
}

// buildVersion reads the version from the binary's build information
// (runtime/debug.ReadBuildInfo): `go install ...@v1.2.3` records the
// module version, a build in a git checkout the revision and the dirty
// flag. A Version set with -ldflags wins over the module version.
func buildVersion() versionInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return versionInfo{Version: Version, Go: runtime.Version()}
	}
	return versionFrom(bi, Version)
}

// versionFrom is buildVersion over given build information.
func versionFrom(bi *debug.BuildInfo, ldflags string) versionInfo {
	v := versionInfo{Version: ldflags, Go: bi.GoVersion}
	if v.Version == "" || v.Version == "dev" {
		v.Version = "dev"
		if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
			v.Version = mv
		}
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Dirty = s.Value == "true"
		}
	}
	if v.Go == "" {
		v.Go = runtime.Version()
	}
	return v
}

// String is the one-line version: "v1.2.3" or "dev", then the revision
// ("+dirty" when the tree had changes) when known.
func (v versionInfo) String() string {
	s := v.Version
	if v.Revision != "" {
		rev := v.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if v.Dirty {
			rev += "+dirty"
		}
		s += " (" + rev + ")"
	}
	return s
}

// long is --version's output, as `gh --version` gives it: the version
// line, then the revision and its time, and the Go toolchain.
func (v versionInfo) long() string {
	var b strings.Builder
	fmt.Fprintf(&b, "netdoctor version %s\n", v.Version)
	if v.Revision != "" {
		fmt.Fprintf(&b, "revision %s", v.Revision)
		if v.Dirty {
			b.WriteString(" (modified)")
		}
		if v.Time != "" {
			fmt.Fprintf(&b, " from %s", v.Time)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "built with %s for %s/%s\n", v.Go, runtime.GOOS, runtime.GOARCH)
	return b.String()
}
