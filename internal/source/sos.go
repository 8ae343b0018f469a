package source

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// sosInfo is what a sosreport says about its own collection: the sos
// version, the manifest's per-command return codes and truncation, the
// plugins that hit their timeout, and outputs cut to their tail.
type sosInfo struct {
	version      string
	manifest     cmdout.Manifest
	manifestPath string
	truncated    map[string]bool
	rc           map[string]int
	tailed       map[string]bool
	timedOut     map[string]bool
}

// maxTailed bounds the sos_strings listing.
const maxTailed = 10000

// loadSosMeta reads version.txt, sos_reports/manifest.json and the list
// of sos_strings/*/*.tailed files. Nothing here is an input of its own:
// it explains other inputs (noteFor).
func (l *loader) loadSosMeta() {
	si := &l.sos
	if b, _, err := l.read(candSosVersion); err == nil {
		if v, perr := safe(func() (string, error) { return cmdout.SosVersion(b) }); perr == nil {
			si.version = v
		}
	}
	if b, p, err := l.read(candSosManifest); err == nil {
		m, _ := safe(func() (cmdout.Manifest, error) { return cmdout.SosManifest(b) })
		si.manifest, si.manifestPath = m, p
		if si.version == "" {
			si.version = m.Version
		}
		si.truncated = map[string]bool{}
		si.rc = map[string]int{}
		for _, c := range m.Commands {
			if c.Filepath == "" {
				continue
			}
			fp := strings.TrimPrefix(c.Filepath, "/")
			if c.Truncated {
				si.truncated[fp] = true
			}
			si.rc[fp] = c.ReturnCode
		}
		si.timedOut = pluginTimeouts(b)
	}
	if m, err := fs.Glob(l.fsys, "sos_strings/*/*.tailed"); err == nil && len(m) > 0 {
		si.tailed = map[string]bool{}
		for i, p := range m {
			if i >= maxTailed {
				break
			}
			orig := "sos_commands/" + strings.TrimSuffix(strings.TrimPrefix(p, "sos_strings/"), ".tailed")
			si.tailed[orig] = true
		}
	}
}

// pluginTimeouts reads components.report.plugins.<name>.timeout_hit from
// a sos 4 manifest; anything else in the file is ignored.
func pluginTimeouts(b []byte) map[string]bool {
	var m struct {
		Components struct {
			Report struct {
				Plugins map[string]struct {
					TimeoutHit bool `json:"timeout_hit"`
				} `json:"plugins"`
			} `json:"report"`
		} `json:"components"`
	}
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	out := map[string]bool{}
	for name, p := range m.Components.Report.Plugins {
		if p.TimeoutHit {
			out[name] = true
		}
	}
	return out
}

// noteFor explains what sos did to the file at an input's path.
func (s *sosInfo) noteFor(at string, st host.Status) string {
	if at == "" || !strings.HasPrefix(at, "sos_commands/") {
		return ""
	}
	var notes []string
	if s.tailed[at] {
		notes = append(notes, "sos kept only the tail of this output (size limit)")
	}
	if s.truncated[at] {
		notes = append(notes, "sos truncated this output")
	}
	if st == host.StatusMissing {
		if rc, ok := s.rc[at]; ok {
			switch rc {
			case 126, 127:
				notes = append(notes, fmt.Sprintf("the command is not installed on the host (sos return code %d)", rc))
			case 0:
			default:
				notes = append(notes, fmt.Sprintf("the command failed (sos return code %d)", rc))
			}
		}
		plugin := strings.SplitN(strings.TrimPrefix(at, "sos_commands/"), "/", 2)[0]
		if s.timedOut[plugin] {
			notes = append(notes, fmt.Sprintf("sos plugin %s hit its timeout", plugin))
		}
	}
	return strings.Join(notes, "; ")
}
