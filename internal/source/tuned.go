package source

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"strings"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// Where tuned's state is. sos's tuned plugin (run when the tuned package
// is installed) writes tuned-adm active, recommend and verify under
// sos_commands/tuned/ and copies /etc/tuned, /usr/lib/tuned and
// /var/log/tuned/tuned.log. Live and in a collect bundle the state is
// /etc/tuned/active_profile and profile_mode (netdoctor runs no program:
// neither recommend nor verify).
const (
	tunedDir        = "etc/tuned"
	tunedActiveFile = "etc/tuned/active_profile"
	tunedModeFile   = "etc/tuned/profile_mode"
	tunedLog        = "var/log/tuned/tuned.log"
)

var (
	candTunedActive    = []cand{sosCmd("tuned/tuned-adm_active"), raw(tunedActiveFile)}
	candTunedRecommend = []cand{sosCmd("tuned/tuned-adm_recommend")}
	candTunedVerify    = []cand{sosCmd("tuned/tuned-adm_verify")}
	// The package lists of a sosreport: when one was read and names no
	// tuned package, tuned is not installed.
	candRPMs = []cand{{path: "installed-rpms", offline: true}, sosCmd("rpm/package-data")}
	candDpkg = []cand{sosCmd("dpkg/dpkg_-l")}
)

// tunedProfileDirs are where a profile's tuned.conf may be, the
// administrator's first (tuned 2.23 moved them under profiles/).
var tunedProfileDirs = []string{"etc/tuned/profiles/", "etc/tuned/", "usr/lib/tuned/profiles/", "usr/lib/tuned/"}

// maxTunedIncludes bounds the include chain followed.
const maxTunedIncludes = 8

// loadTuned reads tuned's active profile, its mode, tuned's
// recommendation and verification (sosreport), the differences its log
// names, and the [sysctl] settings of the active profile's files.
func (l *loader) loadTuned() {
	var t host.Tuned
	b, at, err := l.read(candTunedActive)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if l.tunedAbsent() {
				l.snap.Tuned = &host.Tuned{}
				l.record(host.InputTuned, "", at, nil, "tuned is not installed")
				return
			}
			if l.kind == KindSosreport {
				err = missingErr("no tuned-adm output nor /etc/tuned (tuned not installed, or sos's tuned plugin did not run)")
			}
		}
		l.record(host.InputTuned, "", at, err, "")
		return
	}
	active, perr := safe(func() (string, error) { return cmdout.TunedActive(b) })
	if perr != nil {
		l.record(host.InputTuned, "", at, perr, "")
		return
	}
	t.Installed, t.Active = true, active
	if b, err := l.readFile(tunedModeFile); err == nil {
		if m := strings.TrimSpace(string(b)); m == "auto" || m == "manual" {
			t.Mode = m
		}
	}
	if !l.live {
		if b, _, err := l.read(candTunedRecommend); err == nil {
			t.Recommended, _ = safe(func() (string, error) { return cmdout.TunedRecommend(b) })
		}
		if b, _, err := l.read(candTunedVerify); err == nil {
			if ok, err := safe(func() (bool, error) { return cmdout.TunedVerify(b) }); err == nil {
				t.Verified = &ok
				if !ok {
					t.Drift = l.tunedLogDrift()
				}
			}
		}
	}
	if active != "" {
		t.ProfileSysctls = l.profileSysctls(strings.Fields(active))
	}
	l.snap.Tuned = &t
	l.record(host.InputTuned, "", at, nil, "")
}

// tunedAbsent reports whether the bundle shows tuned is not installed:
// live or in a collect bundle, no /etc/tuned; in a sosreport, a package
// list that names no tuned package.
func (l *loader) tunedAbsent() bool {
	if l.kind != KindSosreport {
		_, err := l.readDir(tunedDir)
		return errors.Is(err, fs.ErrNotExist)
	}
	if _, err := l.readDir("sos_commands/tuned"); err == nil {
		return false
	}
	if b, _, err := l.read(candRPMs); err == nil {
		return !hasLinePrefix(b, "tuned-")
	}
	if b, _, err := l.read(candDpkg); err == nil {
		return !bytes.Contains(b, []byte(" tuned "))
	}
	return false
}

// hasLinePrefix reports whether a line of b starts with p.
func hasLinePrefix(b []byte, p string) bool {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), p) {
			return true
		}
	}
	return false
}

// tunedLogDrift reads the differences of the last verification in
// tuned.log; nil when the log is not there.
func (l *loader) tunedLogDrift() []string {
	rc, err := bundle.OpenStream(l.fsys, tunedLog)
	if err != nil {
		return nil
	}
	defer rc.Close()
	d, _ := safe(func() ([]string, error) { return cmdout.TunedLogDrift(rc) })
	return d
}

// profileSysctls merges the [sysctl] settings of profiles names, each
// after the profiles it includes (tuned's order: an included profile's
// settings are overridden by the including one).
func (l *loader) profileSysctls(names []string) map[string]string {
	out := map[string]string{}
	seen := map[string]bool{}
	found := false
	var walk func(name string, depth int)
	walk = func(name string, depth int) {
		if depth > maxTunedIncludes || seen[name] || strings.ContainsAny(name, "/\\") || name == "." || name == ".." {
			return
		}
		seen[name] = true
		for _, d := range tunedProfileDirs {
			b, err := l.readFile(d + name + "/tuned.conf")
			if err != nil {
				continue
			}
			inc, sys, perr := safe3(func() ([]string, map[string]string, error) { return cmdout.TunedProfile(b) })
			if perr != nil {
				return
			}
			found = true
			for _, i := range inc {
				walk(i, depth+1)
			}
			for k, v := range sys {
				out[k] = v
			}
			return
		}
	}
	for _, n := range names {
		walk(n, 0)
	}
	if !found {
		return nil
	}
	return out
}

// safe3 is safe for a function of two results.
func safe3[A, B any](f func() (A, B, error)) (a A, b B, err error) {
	type pair struct {
		a A
		b B
	}
	p, err := safe(func() (pair, error) {
		a, b, err := f()
		return pair{a, b}, err
	})
	return p.a, p.b, err
}
