package source

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
)

// LoadRoot reads one sosreport-layout root (a sosreport, or one sample of
// a collect bundle) into a snapshot. kind is KindSosreport or KindCollect,
// as bundle.Roots reports it. Every input gets a status; LoadRoot fails
// only when not one input could be read.
func LoadRoot(fsys bundle.FS, kind string, o Options) (*host.Snapshot, error) {
	if fsys == nil {
		return nil, errors.New("source: no root to read")
	}
	if kind != KindSosreport && kind != KindCollect {
		return nil, fmt.Errorf("source: unknown root kind %q (want %q or %q)", kind, KindSosreport, KindCollect)
	}
	o = o.withDefaults()
	l := newLoader(fsys, kind, o)
	l.load(time.Time{})
	if !l.anyOK() {
		return nil, fmt.Errorf("no input could be read (%s)", l.firstProblem())
	}
	return l.snap, nil
}

func newLoader(fsys bundle.FS, kind string, o Options) *loader {
	return &loader{
		fsys: fsys,
		kind: kind,
		live: kind == KindLive,
		o:    o,
		snap: &host.Snapshot{Source: kind},
	}
}

// load fills l.snap. now is the sample time on the live host (zero offline:
// the collection time then comes from the bundle).
func (l *loader) load(now time.Time) {
	s := l.snap
	if !l.live {
		l.loadSosMeta()
		switch {
		case l.kind == KindCollect:
			s.Collector = "netdoctor collect"
		case l.sos.version != "":
			s.Collector = "sos " + l.sos.version
		}
	}
	var (
		wg       sync.WaitGroup
		netdev   map[string]map[string]uint64
		lscpuHyp string
	)
	run := func(input string, f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := safeDo(f); err != nil {
				l.record(input, "", "", fmt.Errorf("loading stopped: %w", err), "")
			}
		}()
	}
	run(host.InputUname, func() { l.loadIdentity(now) })
	run(host.InputStat, l.loadStat)
	run(host.InputCPUTopology, func() {
		lscpuHyp = l.loadTopology()
		l.loadSoftnet()
	})
	run(host.InputInterrupts, l.loadInterrupts)
	run(host.InputSoftirqs, l.loadSoftirqs)
	run(host.InputNetDev, func() {
		netdev = l.loadNetDev()
		l.loadNetStats()
	})
	run(host.InputSysctl, l.loadSysctls)
	run(host.InputNICs, l.loadNICs)
	run(host.InputProcesses, func() {
		l.loadProcs()
		l.loadProcVisibility()
		l.loadIrqbalance()
	})
	run(host.InputTuned, l.loadTuned)
	run(host.InputSockstat, l.loadProcNet)
	run(host.InputKernelLog, l.loadKernelLog)
	run(host.InputCPUFreq, l.loadCPUPower)
	wg.Wait()
	l.loadJoined()

	// Steps that join what the sections read.
	if err := safeDo(func() { l.mergeNetDev(netdev) }); err != nil {
		l.record(host.InputNetDev, "", "", err, "")
	}
	if err := safeDo(func() { host.MapQueues(s) }); err != nil {
		l.record(host.InputNICs, "", "", fmt.Errorf("mapping queues: %w", err), "")
	}
	_ = safeDo(l.completeOnline)
	_ = safeDo(func() {
		s.Virtualization = l.virtualization(lscpuHyp)
		s.Container = l.container()
	})
	s.Inputs = l.sortedInputs()
}

// anyOK reports whether at least one input could be read.
func (l *loader) anyOK() bool {
	for _, in := range l.snap.Inputs {
		if in.Status == host.StatusOK {
			return true
		}
	}
	return false
}

// firstProblem describes the first input that is not ok, for an error.
func (l *loader) firstProblem() string {
	for _, in := range l.snap.Inputs {
		if in.Status != host.StatusOK && in.Status != host.StatusMissing {
			return fmt.Sprintf("%s: %s %s", in.Path, in.Status, in.Reason)
		}
	}
	return "no known file in the root"
}

// loadStat reads /proc/stat: boot time and per-CPU times.
func (l *loader) loadStat() {
	st, ok := parseInput(l, host.InputStat, "", candStat, parse.Stat)
	if !ok {
		return
	}
	l.snap.BootTime = st.BootTime
	l.snap.CPUTimes = st.CPUs
}

// loadSoftnet reads softnet_stat, mapping rows to this sample's online CPUs.
func (l *loader) loadSoftnet() {
	online := l.snap.Topology.Online
	rows, ok := parseInput(l, host.InputSoftnet, "", candSoftnet, func(b []byte) ([]host.SoftnetRow, error) {
		return parse.SoftnetStat(b, online)
	})
	if ok {
		l.snap.Softnet = rows
	}
}

// loadSoftirqs reads /proc/softirqs.
func (l *loader) loadSoftirqs() {
	v, ok := parseStreamInput(l, host.InputSoftirqs, "", candSoftirqs, parse.SoftirqsFrom)
	if ok {
		l.snap.Softirqs = v
	}
}

// loadNetDev reads /proc/net/dev; mergeNetDev attaches it to the NICs.
func (l *loader) loadNetDev() map[string]map[string]uint64 {
	v, _ := parseInput(l, host.InputNetDev, "", candNetDev, parse.NetDev)
	return v
}

// loadNetStats reads /proc/net/netstat and /proc/net/snmp into NetStats.
func (l *loader) loadNetStats() {
	out := map[string]map[string]int64{}
	for _, in := range []struct {
		name  string
		cands []cand
	}{{host.InputNetstat, candNetstat}, {host.InputSNMP, candSNMP}} {
		v, ok := parseInput(l, in.name, "", in.cands, parse.NetStat)
		if !ok {
			continue
		}
		for group, m := range v {
			if out[group] == nil {
				out[group] = make(map[string]int64, len(m))
			}
			for k, x := range m {
				out[group][k] = x
			}
		}
	}
	if len(out) > 0 {
		l.snap.NetStats = out
	}
}
