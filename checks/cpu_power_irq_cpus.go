package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Thresholds of cpu-power-irq-cpus.
const (
	// CPUDeepIdleLatencyUs: an idle state whose exit latency is at least
	// this many µs is deep (CHECKS-NEXT rank 8: C6 and deeper on current
	// Intel servers, 133 µs on Skylake-SP; C1E is 10 µs).
	CPUDeepIdleLatencyUs = 100
	// CPUFreqBelowMaxKHz: a CPU whose scaling_cur_freq is more than this
	// below cpuinfo_max_freq runs below its maximum (mlnx_tune's rule: 100
	// MHz).
	CPUFreqBelowMaxKHz = 100000
)

// CPUPowerIRQCPUs finds power-saving frequency and idle policies on the
// CPUs that service NIC interrupts.
var CPUPowerIRQCPUs = &Check{
	ID:       "cpu-power-irq-cpus",
	Title:    "Power-saving frequency or idle policy on the CPUs that service NIC interrupts",
	Doc:      cpuPowerDoc,
	Severity: Notice,
	Needs:    []string{host.InputCPUFreq, host.InputIntelPstate, host.InputCPUIdle, host.InputInterrupts},
	Run:      runCPUPowerIRQCPUs,
}

var cpuPowerDoc = fmt.Sprintf(`Finds, on bare metal, the CPUs that service the receive interrupts of physical NICs running a
power-saving frequency policy, or deep idle states on a host tuned for latency.

## Why it matters

Receive processing is short bursts of work on the CPUs the queue interrupts land on. A CPU that
saves power ramps its clock up only after it has been busy for a while and sleeps in deep idle
states between bursts: each packet burst then meets a slow CPU or a CPU that needs tens to
hundreds of microseconds to wake, the rings fill and the kernel drops (softnet drops,
time_squeeze, adapter FIFO overflows). netutils-linux (maximize-cpu-freq), mlnx_tune and tuned's
network profiles all set these CPUs to performance for this reason.

## When it does not apply

- Virtual machines and containers: the hypervisor owns the frequency and the idle states (no
  cpufreq in the guest; hotsos limits its check to metal): not applicable.
- With intel_pstate active (or amd-pstate-epp) the governor's name says little: "powersave" there
  is close to schedutil (kernel intel_pstate.rst) and with HWP the energy-performance preference
  decides. netdoctor judges the preference, never the governor name alone; without a preference
  (no HWP) only the observed frequency is shown.
- A power policy may be intended (a host sized for idle efficiency): the finding stays a notice
  until a loss grows on those CPUs.
- Deep idle states are every server's default and rarely the cause of a loss: they are reported
  only on a host tuned for latency (nohz_full, isolcpus, intel_idle.max_cstate,
  processor.max_cstate, idle= or cpuidle.off on the kernel command line: tuned's cpu-partitioning
  and realtime profiles set them), where an enabled deep state defeats the tuning.
- A sosreport from sos 4.12 on copies at most 64 cpuN directories: the idle states of higher CPUs
  are unknown; the cpufreq policies are always copied.

## Thresholds

- notice: a CPU serving an active receive queue interrupt of a physical NIC with a generic
  governor powersave, ondemand, conservative or schedutil, or with intel_pstate (active) or
  amd-pstate-epp and an energy_performance_preference other than performance or
  balance_performance (CHECKS-NEXT rank 8).
- warning: the same while a loss grows on those CPUs or their NICs over the window (softnet drops,
  time_squeeze, adapter overflow): the finding names the loss.
- notice: deep idle states (exit latency ≥ %d µs, CPUDeepIdleLatencyUs) enabled on those CPUs of
  a host tuned for latency (CHECKS-NEXT rank 8: "with a latency profile"); warning with a loss as
  above.
- evidence: scaling_cur_freq more than %d MHz below cpuinfo_max_freq (CPUFreqBelowMaxKHz,
  mlnx_tune's rule), intel_pstate no_turbo.

## Fix and risks

The runtime commands set the interrupt CPUs only: cpupower frequency-set -g performance, or with
intel_pstate the energy_performance_preference performance in sysfs (x86_energy_perf_policy does
the same); cpupower idle-set -D %d disables the deep idle states. They are lost at reboot. The
persistent forms are a tuned [cpu] section for those CPUs (governor, energy_performance_preference,
pm_qos_resume_latency_us), tuned's network-latency or throughput-performance profile, the BIOS power profile
"performance", or intel_idle.max_cstate=1 on the kernel command line. All of them cost power and
heat, and disabling idle states also lowers turbo headroom on the other cores.
`, CPUDeepIdleLatencyUs, CPUFreqBelowMaxKHz/1000, CPUDeepIdleLatencyUs)

// savingGovernors are the generic cpufreq governors that trade speed for
// power.
var savingGovernors = map[string]bool{"powersave": true, "ondemand": true, "conservative": true, "schedutil": true}

// eppDrivers are the cpufreq drivers whose energy-performance preference
// decides (active mode with HWP).
var eppDrivers = map[string]bool{"intel_pstate": true, "amd-pstate-epp": true}

// powerSaving says whether a CPU's cpufreq policy saves power at the
// cost of speed, and why.
func powerSaving(f *host.CPUFreq) (bool, string) {
	if eppDrivers[f.Driver] {
		if f.EPP == "" {
			return false, ""
		}
		if f.EPP != "performance" && f.EPP != "balance_performance" {
			return true, fmt.Sprintf("%s with energy_performance_preference %s", f.Driver, f.EPP)
		}
		return false, ""
	}
	if savingGovernors[f.Governor] {
		return true, fmt.Sprintf("%s governor %s", f.Driver, f.Governor)
	}
	return false, ""
}

// nicIRQCPUs returns the CPUs that service the active receive queue
// interrupts of physical, non-paravirtual NICs (the CPU most of the
// window's interrupts went to, else the one the affinity files name).
func nicIRQCPUs(ev *Evidence) []int {
	var cpus []int
	for _, nl := range ev.NICs {
		if !nl.Physical || nl.Paravirtual {
			continue
		}
		irqs := nl.ActiveIRQs
		if len(irqs) == 0 {
			irqs = nl.QueueIRQs
		}
		for _, q := range irqs {
			switch {
			case q.Dominant >= 0:
				cpus = append(cpus, q.Dominant)
			case q.ConfigCPU >= 0:
				cpus = append(cpus, q.ConfigCPU)
			}
		}
	}
	slices.Sort(cpus)
	return slices.Compact(cpus)
}

func runCPUPowerIRQCPUs(ev *Evidence) Result {
	s := ev.Now
	if s.Virtualization != "" || s.Container {
		what := "a container"
		if s.Virtualization != "" {
			what = "a virtual machine (" + s.Virtualization + ")"
		}
		return Result{Verdict: NotApplicable, Reason: "the host is " + what + ": the hypervisor owns CPU frequency and idle states"}
	}
	if len(s.Interrupts.IRQs) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputInterrupts, "")}
	}
	cpus := nicIRQCPUs(ev)
	if len(cpus) == 0 {
		return Result{Verdict: NotApplicable, Reason: "no CPU services a receive queue interrupt of a physical NIC"}
	}
	p := s.Power
	if p == nil || len(p.Freq) == 0 && len(p.Idle) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputCPUFreq, "")}
	}
	var saving, deep, judged []int
	why := map[string][]int{}
	deepNames := map[string]bool{}
	for _, c := range cpus {
		known := false
		if f := p.FreqOf(c); f != nil {
			known = true
			if ok, w := powerSaving(f); ok {
				saving = append(saving, c)
				why[w] = append(why[w], c)
			}
		}
		if idle := p.IdleOf(c); idle != nil {
			known = true
			d := false
			for _, st := range idle.States {
				if !st.Disabled && st.LatencyUs >= CPUDeepIdleLatencyUs {
					d = true
					deepNames[fmt.Sprintf("%s (%d µs)", st.Name, st.LatencyUs)] = true
				}
			}
			if d {
				deep = append(deep, c)
			}
		}
		if known {
			judged = append(judged, c)
		}
	}
	if len(judged) == 0 {
		reason := ev.InputReason(host.InputCPUFreq, "")
		if len(p.Freq) > 0 || len(p.Idle) > 0 {
			reason = "neither a cpufreq policy nor idle states were read for the interrupt CPUs " + cpuList(cpus)
		}
		return Result{Verdict: NotEvaluated, Reason: reason}
	}
	intent := latencyIntent(s.CmdLine)
	if len(saving) == 0 && (len(deep) == 0 || intent == "") {
		r := fmt.Sprintf("the interrupt CPUs %s run a performance frequency policy (or one judged by its preference, not its governor's name)", cpuList(judged))
		if len(deep) > 0 {
			r += fmt.Sprintf("; deep idle states are enabled on %s, the default of a host not tuned for latency", cpuList(deep))
		}
		return Result{Verdict: Pass, Reason: r}
	}
	if intent == "" {
		deep = nil // evidence only when the host is not tuned for latency
	}
	return Result{Verdict: Fail, Findings: []Finding{cpuPowerFinding(ev, cpus, saving, deep, why, deepNames)}}
}

func cpuPowerFinding(ev *Evidence, cpus, saving, deep []int, why map[string][]int, deepNames map[string]bool) Finding {
	p := ev.Now.Power
	var figs []Figure
	var reasons []string
	for _, w := range sortedKeys(why) {
		figs = append(figs, figure("frequency policy of CPUs "+cpuList(why[w]), w, "not performance or balance_performance", "configuration"))
		reasons = append(reasons, fmt.Sprintf("%s on CPUs %s", w, cpuList(why[w])))
	}
	subject := saving
	if len(saving) == 0 {
		subject = deep
	}
	// The CPUs below their maximum, grouped by clock ("CPUs 0-3 at 1200
	// of 3500 MHz").
	slowBy := map[[2]int][]int{}
	var clocks [][2]int
	for _, c := range subject {
		f := p.FreqOf(c)
		if f == nil || f.CurKHz <= 0 || f.MaxKHz <= 0 || f.CurKHz >= f.MaxKHz-CPUFreqBelowMaxKHz {
			continue
		}
		k := [2]int{f.CurKHz / 1000, f.MaxKHz / 1000}
		if slowBy[k] == nil {
			clocks = append(clocks, k)
		}
		slowBy[k] = append(slowBy[k], c)
	}
	var slow []string
	for _, k := range clocks {
		slow = append(slow, fmt.Sprintf("%s at %d of %d MHz", plural(len(slowBy[k]), "CPU ", "CPUs ")+cpuList(slowBy[k]), k[0], k[1]))
	}
	if len(slow) > 0 {
		figs = append(figs, figure("scaling_cur_freq below cpuinfo_max_freq", strings.Join(slow, ", "), fmt.Sprintf("< max − %d MHz", CPUFreqBelowMaxKHz/1000), "sample"))
	}
	if p.NoTurbo != nil && *p.NoTurbo {
		figs = append(figs, figure("intel_pstate no_turbo", "1 (turbo off)", "", "configuration"))
	}
	if len(deep) > 0 {
		figs = append(figs, figure("deep idle states enabled on CPUs "+cpuList(deep), strings.Join(sortedKeys(deepNames), ", "), fmt.Sprintf("exit latency ≥ %d µs", CPUDeepIdleLatencyUs), "configuration"))
	}
	var summary, expl string
	if len(saving) > 0 {
		summary = fmt.Sprintf("the NIC interrupt CPUs %s run a power-saving frequency policy (%s)", cpuList(saving), strings.Join(reasons, "; "))
		expl = "The CPUs that take the NICs' receive interrupts save power: " + strings.Join(reasons, "; ") + ". They raise their clock only after a burst has kept them busy, so packet bursts meet a slow CPU and the rings fill."
		if len(slow) > 0 {
			expl += " When sampled, " + strings.Join(slow, ", ") + "."
		}
	} else {
		summary = fmt.Sprintf("deep idle states enabled on the NIC interrupt CPUs %s of a host tuned for latency (%s)", cpuList(deep), latencyIntent(ev.Now.CmdLine))
		expl = "The kernel command line (" + latencyIntent(ev.Now.CmdLine) + ") shows a host tuned for latency, yet the CPUs that take the NICs' receive interrupts may sleep in " + strings.Join(sortedKeys(deepNames), ", ") + ": waking takes that long, during which the ring fills."
	}
	if len(deep) > 0 && len(saving) > 0 {
		expl += " Deep idle states are also enabled on CPUs " + cpuList(deep) + "."
	}
	f := Finding{
		Severity: Notice,
		Score:    40,
		Subject:  "CPUs " + cpuList(subject),
		CPUs:     subject,
		Summary:  summary,
		Evidence: figs,
	}
	f.Explanation = expl
	escalate(ev, &f, "", subject)
	if f.Severity == Warning {
		f.Score = 60
	}
	f.Commands = cpuPowerCommands(ev, saving, deep)
	return f
}

// latencyIntent returns the kernel command line parameters that show a
// host tuned for latency (tuned's cpu-partitioning, realtime and
// network-latency setups, or an explicit idle limit), "" when none.
func latencyIntent(cmdline string) string {
	var out []string
	for _, f := range strings.Fields(cmdline) {
		k, _, _ := strings.Cut(f, "=")
		switch k {
		case "nohz_full", "isolcpus", "intel_idle.max_cstate", "processor.max_cstate", "idle", "cpuidle.off":
			out = append(out, f)
		}
	}
	return strings.Join(out, " ")
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// cpuPowerCommands sets the saving CPUs to performance and, when deep
// idle states are part of the finding, disables them on those CPUs:
// runtime commands first (Change), then the persistent forms.
func cpuPowerCommands(ev *Evidence, saving, deep []int) []Command {
	p := ev.Now.Power
	all := slices.Clone(saving)
	all = append(all, deep...)
	slices.Sort(all)
	all = slices.Compact(all)
	list := cpuList(all)
	cmds := []Command{{
		Run:  "cpupower -c " + list + " frequency-info; grep -H . /sys/devices/system/cpu/cpufreq/policy*/{scaling_governor,energy_performance_preference,scaling_cur_freq} 2>/dev/null",
		Kind: Verify, Why: "the frequency policy and current clock of the interrupt CPUs",
	}}
	epp := false
	for _, c := range saving {
		if f := p.FreqOf(c); f != nil && eppDrivers[f.Driver] && f.EPP != "" {
			epp = true
		}
	}
	var tunedLines []string
	var devs []string
	for _, c := range all {
		devs = append(devs, fmt.Sprintf("cpu%d", c))
	}
	tunedLines = append(tunedLines, "devices="+strings.Join(devs, ","))
	if len(saving) > 0 {
		sl := cpuList(saving)
		if epp {
			var nums []string
			for _, c := range saving {
				nums = append(nums, fmt.Sprint(c))
			}
			cmds = append(cmds, Command{
				Run:       "for c in " + strings.Join(nums, " ") + "; do echo performance > /sys/devices/system/cpu/cpu$c/cpufreq/energy_performance_preference; done",
				Kind:      Change,
				Why:       "set the energy-performance preference of the interrupt CPUs " + sl + " to performance (intel_pstate/amd-pstate with HWP; lost at reboot)",
				NeedsRoot: true,
				Caveats:   []string{"More power and heat on those CPUs. A tuned profile or power daemon may set it back: make it persistent with the tuned section below."},
			}, Command{
				Run: "x86_energy_perf_policy --cpu " + sl + " performance", Kind: Option, NeedsRoot: true,
				Why: "the same with the kernel's x86_energy_perf_policy tool (package linux-tools or kernel-tools)",
			})
			tunedLines = append(tunedLines, "energy_performance_preference=performance")
		} else {
			cmds = append(cmds, Command{
				Run:       "cpupower -c " + sl + " frequency-set -g performance",
				Kind:      Change,
				Why:       "run the interrupt CPUs " + sl + " at full clock (lost at reboot)",
				NeedsRoot: true,
				Caveats:   []string{"More power and heat on those CPUs."},
			})
			tunedLines = append(tunedLines, "governor=performance")
		}
	}
	if len(deep) > 0 {
		kind := Option
		if len(saving) == 0 {
			kind = Change
		}
		cmds = append(cmds, Command{
			Run:       fmt.Sprintf("cpupower -c %s idle-set -D %d", cpuList(deep), CPUDeepIdleLatencyUs),
			Kind:      kind,
			Why:       fmt.Sprintf("disable the idle states with an exit latency of %d µs or more on the interrupt CPUs %s (lost at reboot)", CPUDeepIdleLatencyUs, cpuList(deep)),
			NeedsRoot: true,
			Caveats:   []string{"Those CPUs stay awake: more power, and less turbo headroom for the other cores of the package."},
		})
		tunedLines = append(tunedLines, fmt.Sprintf("pm_qos_resume_latency_us=%d", CPUDeepIdleLatencyUs-1))
		cmds = append(cmds, Command{
			Run:  "grubby --update-kernel=ALL --args=intel_idle.max_cstate=1",
			Kind: Option, NeedsRoot: true, Persistent: true,
			Why:     "limit every CPU to C1 from the next boot (RHEL family; on Debian and Ubuntu add it to GRUB_CMDLINE_LINUX in /etc/default/grub and run update-grub)",
			Caveats: []string{"Applies to all CPUs, not only the interrupt CPUs: the whole host draws more power."},
		})
	}
	cmds = append(cmds, tunedCommand("cpu-power", "cpu", tunedLines, "with tuned: keep the setting for the interrupt CPUs "+list+" in a tuned [cpu] section layered on the active profile"))
	cmds = append(cmds, Command{
		Run: "tuned-adm profile network-latency", Kind: Option, NeedsRoot: true, Persistent: true,
		Why: "or switch the whole host to tuned's network-latency profile (performance policy and shallow idle states on every CPU; throughput-performance keeps idle states)",
	})
	return cmds
}
