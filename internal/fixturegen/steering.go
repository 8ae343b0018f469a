package fixturegen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// The steering inputs of the fixtures: queues/ rps_flow_cnt and XPS maps,
// the RSS indirection table (collect bundles only: sos collects neither)
// and tuned's state.

// driverSetsXPS are the drivers that map their transmit queues to CPUs
// themselves when they create them (ixgbe with its flow director, i40e,
// ice, mlx4, mlx5, virtio_net): on a real host their xps_cpus masks are
// set. igb, bnxt_en, ena, gve and most others leave them empty.
var driverSetsXPS = map[string]bool{
	"ixgbe": true, "i40e": true, "ice": true, "mlx4_en": true, "mlx5_core": true, "virtio_net": true,
}

// xpsSet reports whether n's transmit queues have XPS maps.
func (n *nicModel) xpsSet() bool {
	if n.XPS != nil {
		return *n.XPS
	}
	return driverSetsXPS[n.Driver]
}

// writeQueueSteering writes rx-i/rps_flow_cnt and tx-i/xps_cpus of queue
// i of a collect sample's NIC.
func (m *model) writeQueueSteering(t *tree, n *nicModel, dir string, i int) {
	t.line(fmt.Sprintf("%s/queues/rx-%d/rps_flow_cnt", dir, i), itoa(n.RPSFlowCnt))
	var cpus []int
	if n.Kind != KindLoopback && n.xpsSet() && i < len(n.Queues) {
		cpus = []int{n.Queues[i].CPU}
	}
	t.line(fmt.Sprintf("%s/queues/tx-%d/xps_cpus", dir, i), cpuMask(cpus, m.n))
}

// ethtoolRSS is ethtool -x of a collect bundle's NIC: the scenario's
// table, else 128 entries spread over the receive queues as drivers
// set it; virtio answers "not supported".
func (m *model) ethtoolRSS(n *nicModel) []byte {
	if n.Kind != KindPhysical {
		return []byte("Cannot get RX ring count: Operation not supported\n")
	}
	q := m.rxQueues(n)
	t := host.RSSTable{Rings: q, Entries: n.RSS}
	if t.Entries == nil {
		for i := 0; i < 128; i++ {
			t.Entries = append(t.Entries, i%q)
		}
	}
	return cmdout.FormatEthtoolRSS(n.Name, t)
}

// steeringInputsNotOK are the steering inputs a sosreport fixture lacks:
// sos collects no queues/ and no ethtool -x; tuned when the scenario has
// none (no tuned plugin output, no package list).
func (m *model) steeringInputsNotOK() []ExpectInput {
	var out []ExpectInput
	if m.sc.Bundle == BundleCollect {
		return nil
	}
	if m.sc.Tuned == nil {
		out = append(out, ExpectInput{Name: host.InputTuned, Status: "missing"})
	}
	if m.noNetworking() {
		return out
	}
	for _, n := range m.nics {
		if n.Hidden || n.Kind != KindPhysical && n.Kind != KindVirtio {
			continue
		}
		out = append(out,
			ExpectInput{Name: host.InputNICQueues, Subject: n.Name, Status: "missing"},
			ExpectInput{Name: host.InputRSSTable, Subject: n.Name, Status: "missing"})
	}
	return out
}

// TunedSpec is tuned's state on a fixture host.
type TunedSpec struct {
	// Active is the active profile, Mode "auto" or "manual" (default).
	Active string
	Mode   string
	// Recommended is tuned-adm recommend (sosreports; default Active).
	Recommended string
	// Drift are the differences tuned-adm verify finds (the lines of
	// tuned.log after "verify: failed: "); none: verify succeeds.
	Drift []string
	// Include and Sysctl make the active profile's tuned.conf under
	// etc/tuned/ACTIVE/ (a custom profile); nil Sysctl: a stock profile
	// under usr/lib/tuned/ACTIVE/ with the settings of stockProfiles.
	Include string
	Sysctl  map[string]string
}

// stockProfiles are the [sysctl] settings of tuned's stock profiles the
// fixtures use, as tuned ships them (abridged to the net.* keys).
var stockProfiles = map[string]struct {
	include string
	sysctl  map[string]string
}{
	"throughput-performance": {sysctl: map[string]string{"net.ipv4.tcp_rmem": "4096 87380 16777216", "net.ipv4.tcp_wmem": "4096 16384 16777216"}},
	"latency-performance":    {sysctl: map[string]string{"kernel.sched_min_granularity_ns": "10000000"}},
	"network-latency": {include: "latency-performance", sysctl: map[string]string{
		"net.core.busy_read": "50", "net.core.busy_poll": "50", "net.ipv4.tcp_fastopen": "3", "kernel.numa_balancing": "0"}},
	"virtual-guest": {include: "throughput-performance", sysctl: map[string]string{"vm.dirty_ratio": "30"}},
}

// tunedConf writes a tuned.conf.
func tunedConf(summary, include string, sysctl map[string]string) string {
	var b strings.Builder
	b.WriteString("#\n# tuned configuration\n#\n\n[main]\nsummary=" + summary + "\n")
	if include != "" {
		b.WriteString("include=" + include + "\n")
	}
	if len(sysctl) > 0 {
		keys := make([]string, 0, len(sysctl))
		for k := range sysctl {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("\n[sysctl]\n")
		for _, k := range keys {
			b.WriteString(k + "=" + sysctl[k] + "\n")
		}
	}
	return b.String()
}

// writeTuned writes tuned's files: /etc/tuned state and the profiles
// (both layouts), and in a sosreport the tuned plugin's outputs and the
// log of its verification.
func (m *model) writeTuned(w *sampleWriter, collect bool) {
	ts := m.sc.Tuned
	if ts == nil {
		return
	}
	t := w.t
	mode := ts.Mode
	if mode == "" {
		mode = "manual"
	}
	t.line("etc/tuned/active_profile", ts.Active)
	t.line("etc/tuned/profile_mode", mode)
	t.text("etc/tuned/tuned-main.conf", "daemon = 1\ndynamic_tuning = 0\n")
	written := map[string]bool{}
	var write func(name string)
	write = func(name string) {
		if written[name] {
			return
		}
		written[name] = true
		if name == ts.Active && ts.Sysctl != nil {
			t.text("etc/tuned/"+name+"/tuned.conf", tunedConf("custom profile of "+m.sc.Hostname, ts.Include, ts.Sysctl))
			if ts.Include != "" {
				write(ts.Include)
			}
			return
		}
		sp, ok := stockProfiles[name]
		if !ok {
			return
		}
		t.text("usr/lib/tuned/"+name+"/tuned.conf", tunedConf("stock profile "+name, sp.include, sp.sysctl))
		if sp.include != "" {
			write(sp.include)
		}
	}
	write(ts.Active)
	if collect {
		return
	}
	rec := ts.Recommended
	if rec == "" {
		rec = ts.Active
	}
	w.cmd("tuned", "tuned-adm list", "tuned-adm_list", []byte("Available profiles:\n- "+ts.Active+"\nCurrent active profile: "+ts.Active+"\n"))
	w.cmd("tuned", "tuned-adm active", "tuned-adm_active", []byte("Current active profile: "+ts.Active+"\n"))
	w.cmd("tuned", "tuned-adm recommend", "tuned-adm_recommend", []byte(rec+"\n"))
	log := "2024-03-05 09:00:00,100 INFO     tuned.daemon.daemon: verifying profile(s): " + ts.Active + "\n"
	verify := "Verification succeeded, current system settings match the preset profile.\nSee TuneD log file ('/var/log/tuned/tuned.log') for details.\n"
	if len(ts.Drift) > 0 {
		verify = "Verification failed, current system settings differ from the preset profile.\nYou can mostly fix this by restarting the TuneD daemon, e.g.:\n  systemctl restart tuned\nor\n  service tuned restart\nSee TuneD log file ('/var/log/tuned/tuned.log') for details.\n"
		for _, d := range ts.Drift {
			log += "2024-03-05 09:00:00,101 ERROR    tuned.plugins.base: verify: failed: " + d + "\n"
		}
	}
	w.cmd("tuned", "tuned-adm verify", "tuned-adm_verify", []byte(verify))
	t.text("var/log/tuned/tuned.log", log)
}

// The steering checks' IDs.
const (
	chkXPS        = "xps-unset"
	chkRFSHalf    = "rfs-half-configured"
	chkNtuple     = "ntuple-off-rfs"
	chkBusyPoll   = "busy-poll-global"
	chkTunedDrift = "tuned-profile-drift"
)

// steeringChecks are the checks of steering.go's inputs.
var steeringChecks = []string{chkXPS, chkRFSHalf, chkNtuple, chkBusyPoll, chkTunedDrift}

// xpsNotices are the xps-unset notices of NICs whose driver leaves XPS
// unset (igb, bnxt_en, ena, gve): on a real host the notice is there.
func xpsNotices(nics ...string) []ExpectFinding {
	out := make([]ExpectFinding, len(nics))
	for i, n := range nics {
		out[i] = ExpectFinding{Check: chkXPS, Subject: n, Severity: sevNotice}
	}
	return out
}
