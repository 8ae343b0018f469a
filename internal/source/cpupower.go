package source

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
)

// maxIdleStates bounds the cpuidle states read per CPU (the kernel's
// CPUIDLE_STATE_MAX is 10).
const maxIdleStates = 16

// loadCPUPower reads the CPUs' frequency and idle policy from sysfs: the
// cpufreq policies (cpufreq/policyN, or cpuN/cpufreq on kernels before
// policy directories), intel_pstate's status and no_turbo, and the
// cpuidle states of every cpuN directory. The same paths serve the live
// host, collect bundles and sosreports: sos's processor plugin copies
// sys/devices/system/cpu (every non-cpuN directory; at most 64 cpuN
// directories from sos 4.12).
func (l *loader) loadCPUPower() {
	p := &host.CPUPower{}
	ids, _ := l.cpuDirs()
	got := l.loadCPUFreq(p, ids)
	got = l.loadIntelPstate(p) || got
	got = l.loadCPUIdle(p, ids) || got
	if got {
		l.snap.Power = p
	}
}

// word reads a one-word sysfs file; "" when absent or not one word.
func (l *loader) word(name string) (string, error) {
	b, err := l.readFile(name)
	if err != nil {
		return "", err
	}
	return safe(func() (string, error) { return parse.Word(b) })
}

// number reads a one-number sysfs file; -1 when absent or not a number.
func (l *loader) number(name string) (int, error) {
	b, err := l.readFile(name)
	if err != nil {
		return -1, err
	}
	v, err := safe(func() (int64, error) { return parse.Int(b) })
	if err != nil || v < 0 || v > 1<<40 {
		return -1, errors.Join(err, fmt.Errorf("%s: out of range", name))
	}
	return int(v), nil
}

// loadCPUFreq reads one entry per CPU a cpufreq policy covers.
func (l *loader) loadCPUFreq(p *host.CPUPower, ids []int) bool {
	at := cpuDir + "/cpufreq"
	type policy struct {
		dir  string
		cpus []int
	}
	var pols []policy
	ents, err := l.readDir(at)
	for _, e := range ents {
		n, ok := numSuffix(e.Name(), "policy")
		if !ok {
			continue
		}
		dir := at + "/" + e.Name()
		var cpus []int
		if b, rerr := l.readFile(dir + "/affected_cpus"); rerr == nil {
			for _, f := range strings.Fields(string(b)) {
				if v, perr := safe(func() (int64, error) { return parse.Int([]byte(f)) }); perr == nil && v >= 0 && v <= maxCPUID {
					cpus = append(cpus, int(v))
				}
			}
		}
		if len(cpus) == 0 {
			cpus = []int{n}
		}
		pols = append(pols, policy{dir, cpus})
	}
	if len(pols) == 0 {
		// Kernels before policy directories (3.10): cpuN/cpufreq.
		for _, id := range ids {
			dir := fmt.Sprintf("%s/cpu%d/cpufreq", cpuDir, id)
			if _, derr := l.readFile(dir + "/scaling_governor"); derr == nil {
				pols = append(pols, policy{dir, []int{id}})
			} else if len(pols) == 0 {
				break // the first CPU has none: no cpufreq driver
			}
		}
		if len(pols) > 0 {
			at, err = cpuDir+"/cpuN/cpufreq", nil
		}
	}
	if len(pols) == 0 {
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			err = missingErr("no cpufreq policy (no cpufreq driver: virtual machines, or firmware-controlled frequency)")
		}
		l.record(host.InputCPUFreq, "", at, err, "")
		return false
	}
	bad := 0
	for _, pol := range pols {
		f := host.CPUFreq{}
		var werr error
		f.Driver, werr = l.word(pol.dir + "/scaling_driver")
		f.Governor, _ = l.word(pol.dir + "/scaling_governor")
		f.EPP, _ = l.word(pol.dir + "/energy_performance_preference")
		cur, _ := l.number(pol.dir + "/scaling_cur_freq")
		mx, _ := l.number(pol.dir + "/cpuinfo_max_freq")
		f.CurKHz, f.MaxKHz = max(cur, 0), max(mx, 0)
		if werr != nil && f.Governor == "" {
			bad++
			continue
		}
		for _, c := range pol.cpus {
			f.CPU = c
			p.Freq = append(p.Freq, f)
		}
	}
	sort.Slice(p.Freq, func(i, j int) bool { return p.Freq[i].CPU < p.Freq[j].CPU })
	var rerr error
	if len(p.Freq) == 0 {
		rerr = fmt.Errorf("%d cpufreq policies without a driver or governor", bad)
	}
	note := ""
	if bad > 0 && len(p.Freq) > 0 {
		note = fmt.Sprintf("%d of %d policies unreadable", bad, len(pols))
	}
	l.record(host.InputCPUFreq, "", at, rerr, note)
	return len(p.Freq) > 0
}

// loadIntelPstate reads intel_pstate's status (kernels >= 4.13) and
// no_turbo; missing when the driver is not loaded (AMD, ARM, VMs).
func (l *loader) loadIntelPstate(p *host.CPUPower) bool {
	dir := cpuDir + "/intel_pstate"
	nt, err := l.number(dir + "/no_turbo")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = missingErr("no intel_pstate directory (another or no cpufreq driver)")
		}
		l.record(host.InputIntelPstate, "", dir+"/no_turbo", err, "")
		return false
	}
	b := nt == 1
	p.NoTurbo = &b
	p.PStateStatus, _ = l.word(dir + "/status")
	l.record(host.InputIntelPstate, "", dir, nil, "")
	return true
}

// loadCPUIdle reads the idle states of every cpuN directory: the first
// CPU's names and latencies in full, then each CPU's disable flags (the
// states are the same on every CPU; a CPU whose state names differ is read
// in full).
func (l *loader) loadCPUIdle(p *host.CPUPower, ids []int) bool {
	p.IdleDriver, _ = l.word(cpuDir + "/cpuidle/current_driver")
	var ref []host.IdleState
	for _, id := range ids {
		dir := fmt.Sprintf("%s/cpu%d/cpuidle", cpuDir, id)
		var states []host.IdleState
		if ref == nil {
			states = l.idleStates(dir)
			if len(states) == 0 {
				break // the first CPU has none: no cpuidle driver, or not copied
			}
			ref = states
		} else {
			states = make([]host.IdleState, 0, len(ref))
			for k, r := range ref {
				d, err := l.number(fmt.Sprintf("%s/state%d/disable", dir, k))
				if err != nil {
					break
				}
				r.Disabled = d != 0
				states = append(states, r)
			}
			if len(states) != len(ref) {
				states = l.idleStates(dir)
			}
			if len(states) == 0 {
				continue
			}
		}
		p.Idle = append(p.Idle, host.CPUIdle{CPU: id, States: states})
	}
	if len(p.Idle) == 0 {
		var err error = missingErr("no cpuN/cpuidle state directories (no cpuidle driver, or not copied)")
		l.record(host.InputCPUIdle, "", cpuDir+"/cpu0/cpuidle", err, "")
		return p.IdleDriver != ""
	}
	l.record(host.InputCPUIdle, "", cpuDir+"/cpuN/cpuidle", nil, "")
	return true
}

// idleStates reads dir/stateK/{name,latency,disable} for K = 0, 1, ...
// until one is missing.
func (l *loader) idleStates(dir string) []host.IdleState {
	var out []host.IdleState
	for k := 0; k < maxIdleStates; k++ {
		sd := fmt.Sprintf("%s/state%d", dir, k)
		name, err := l.word(sd + "/name")
		if err != nil {
			break
		}
		lat, err := l.number(sd + "/latency")
		if err != nil {
			break
		}
		d, _ := l.number(sd + "/disable")
		out = append(out, host.IdleState{Name: name, LatencyUs: lat, Disabled: d > 0})
	}
	return out
}
