package cmdout

import "strings"

// Unit is one row of `systemctl list-units`.
type Unit struct {
	Name, Load, Active, Sub, Description string
}

// loadStates are the LOAD values systemd prints.
var loadStates = map[string]bool{
	"loaded": true, "not-found": true, "bad-setting": true, "error": true,
	"merged": true, "masked": true, "stub": true,
}

// unitMarkers are the status glyphs systemctl may print before a unit name
// (UTF-8 and plain-ASCII forms).
var unitMarkers = map[string]bool{"●": true, "*": true, "○": true, "×": true, "✗": true}

// SystemctlUnits parses `systemctl list-units [--all]`: an optional
// "UNIT LOAD ACTIVE SUB DESCRIPTION" header, one row per unit (possibly
// after a "●" marker; the description keeps its spaces), and a legend after
// the first blank line, which ends the parse. A row whose LOAD is not one
// systemd prints is named in the error.
func SystemctlUnits(b []byte) ([]Unit, error) {
	const cmd = "systemctl list-units"
	text, err := input(cmd, b)
	if err != nil {
		return nil, err
	}
	p := problems{cmd: cmd}
	var out []Unit
	started := false
	for i, line := range splitLines(text) {
		fs := fields(line)
		if len(fs) == 0 {
			if started {
				break // the legend follows
			}
			continue
		}
		if unitMarkers[fs[0].s] {
			fs = fs[1:]
			if len(fs) == 0 {
				p.addf(i+1, "not a unit row: %s", quote(strings.TrimSpace(line)))
				continue
			}
		}
		if len(fs) >= 2 && fs[0].s == "UNIT" && fs[1].s == "LOAD" {
			started = true
			continue
		}
		if fs[0].s == "LOAD" && len(fs) > 1 && fs[1].s == "=" {
			break
		}
		started = true
		if len(fs) < 4 || !loadStates[fs[1].s] {
			p.addf(i+1, "not a unit row: %s", quote(strings.TrimSpace(line)))
			continue
		}
		out = append(out, Unit{
			Name:        fs[0].s,
			Load:        fs[1].s,
			Active:      fs[2].s,
			Sub:         fs[3].s,
			Description: rest(line, fs, 4),
		})
	}
	if len(out) == 0 {
		if strings.Contains(text, "0 loaded units listed") {
			return nil, p.err()
		}
		if len(p.msgs) > 0 {
			return nil, noData(cmd, text, "unit row")
		}
	}
	return out, p.err()
}
