package source

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// maxIrqbalanceConf bounds the configuration file read.
const maxIrqbalanceConf = 256 << 10

// loadIrqbalance decides whether irqbalance runs (a process named
// irqbalance; offline also systemctl list-units) and reads what its
// configuration bans.
func (l *loader) loadIrqbalance() {
	s := l.snap
	ib := &s.Irqbalance
	at := ""
	var atErr error
	if l.inputOK(host.InputProcesses, "") {
		// A partial list (sos's proc/PID/status copies) can only say yes.
		if running := hasIrqbalance(s.Procs); running || l.procsComplete {
			ib.Known, ib.Running, ib.Evidence = true, running, "processes"
			at = l.inputPath(host.InputProcesses)
		}
	}
	if !l.live {
		if b, p, err := l.read(candSystemctl); err == nil {
			units, perr := safe(func() ([]cmdout.Unit, error) { return cmdout.SystemctlUnits(b) })
			if perr == nil || len(units) > 0 {
				running, listed := unitRunning(units, "irqbalance.service")
				// The process list wins when both tell; systemctl decides
				// only when there is no process list.
				if !ib.Known {
					ib.Known, ib.Running, ib.Evidence = true, running && listed, "systemctl list-units"
					at = p
				}
			}
		} else if !ib.Known {
			at, atErr = p, err
		}
	}
	note := ""
	if b, p, err := l.read(candIrqbalanceConf); err == nil {
		cfg := parseIrqbalanceConf(b)
		ib.Banned, ib.BannedIRQs = cfg.banned, cfg.bannedIRQs
		note = "configuration " + p
		if at == "" {
			at = p
		}
		if cfg.problem != "" {
			note = joinNote(note, cfg.problem)
		}
	}
	if !ib.Known && (atErr == nil || errors.Is(atErr, fs.ErrNotExist)) {
		atErr = errIrqbalanceUnknown
	}
	if ib.Known {
		atErr = nil
	}
	l.record(host.InputIrqbalance, "", at, atErr, note)
}

var errIrqbalanceUnknown = missingErr("no process list or unit list tells whether irqbalance runs")

// inputPath is the path of a recorded input.
func (l *loader) inputPath(name string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, in := range l.inputs {
		if in.Name == name && in.Subject == "" {
			return in.Path
		}
	}
	return ""
}

// hasIrqbalance reports whether a process named irqbalance exists.
func hasIrqbalance(procs []host.Proc) bool {
	for _, p := range procs {
		if p.Kernel {
			continue
		}
		if p.Comm == "irqbalance" {
			return true
		}
		if f := strings.Fields(p.Cmdline); len(f) > 0 && path.Base(f[0]) == "irqbalance" {
			return true
		}
	}
	return false
}

// unitRunning finds a unit: listed, and active/running.
func unitRunning(units []cmdout.Unit, name string) (running, listed bool) {
	for _, u := range units {
		if strings.TrimPrefix(u.Name, "● ") == name || strings.TrimPrefix(u.Name, "* ") == name {
			return u.Active == "active" && u.Sub == "running", true
		}
	}
	return false, false
}

// irqbalanceConf is what /etc/sysconfig/irqbalance or /etc/default/irqbalance bans.
type irqbalanceConf struct {
	banned     []int
	bannedIRQs []int
	problem    string
}

// parseIrqbalanceConf reads KEY=VALUE shell assignments (comments, quotes,
// "export"): IRQBALANCE_BANNED_CPULIST (cpulist; wins over the mask),
// IRQBALANCE_BANNED_CPUS (hex mask) and --banirq in IRQBALANCE_ARGS.
func parseIrqbalanceConf(b []byte) irqbalanceConf {
	if len(b) > maxIrqbalanceConf {
		b = b[:maxIrqbalanceConf]
	}
	vars := map[string]string{}
	for _, line := range bytes.Split(b, []byte("\n")) {
		t := strings.TrimSpace(string(line))
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		t = strings.TrimPrefix(t, "export ")
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			continue
		}
		vars[strings.TrimSpace(k)] = shellValue(v)
	}
	var c irqbalanceConf
	if v, ok := vars["IRQBALANCE_BANNED_CPULIST"]; ok && v != "" {
		cpus, err := safe(func() ([]int, error) { return parse.CPUList(v) })
		if err != nil {
			c.problem = "IRQBALANCE_BANNED_CPULIST: " + oneLine(err.Error())
		}
		c.banned = cpus
	} else if v, ok := vars["IRQBALANCE_BANNED_CPUS"]; ok && v != "" {
		cpus, err := safe(func() ([]int, error) { return parse.CPUMask(v) })
		if err != nil {
			c.problem = "IRQBALANCE_BANNED_CPUS: " + oneLine(err.Error())
		}
		c.banned = cpus
	}
	if args := vars["IRQBALANCE_ARGS"]; args != "" {
		f := strings.Fields(args)
		seen := map[int]bool{}
		for i := 0; i < len(f); i++ {
			val := ""
			switch {
			case strings.HasPrefix(f[i], "--banirq="):
				val = strings.TrimPrefix(f[i], "--banirq=")
			case f[i] == "--banirq" || f[i] == "-i":
				if i+1 < len(f) {
					i++
					val = f[i]
				}
			case strings.HasPrefix(f[i], "-i") && len(f[i]) > 2:
				val = f[i][2:]
			default:
				continue
			}
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > maxIRQ || seen[n] {
				continue
			}
			seen[n] = true
			c.bannedIRQs = append(c.bannedIRQs, n)
		}
		sort.Ints(c.bannedIRQs)
	}
	return c
}

// shellValue strips a trailing comment and one level of quotes.
func shellValue(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
		if j := strings.IndexByte(v[1:], v[0]); j >= 0 {
			return v[1 : j+1]
		}
		return v[1:]
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}
