package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// powerHost: 4 CPUs, eth0's two queues on CPUs 2 and 3, intel_pstate
// active with the given governor and EPP on every CPU, C6 enabled.
func powerHost(driver, governor, epp string) *host.Snapshot {
	s := newHost(4)
	addNIC(s, "eth0", "ixgbe", 0, 40, 2, []int{2, 3})
	p := &host.CPUPower{PStateStatus: "active", IdleDriver: "intel_idle"}
	for c := 0; c < 4; c++ {
		p.Freq = append(p.Freq, host.CPUFreq{CPU: c, Driver: driver, Governor: governor, EPP: epp, CurKHz: 1200000, MaxKHz: 3700000})
		p.Idle = append(p.Idle, host.CPUIdle{CPU: c, States: []host.IdleState{{Name: "POLL"}, {Name: "C1", LatencyUs: 2}, {Name: "C1E", LatencyUs: 10}, {Name: "C6", LatencyUs: 133}}})
	}
	s.Power = p
	return s
}

// busy makes eth0's queue IRQs fire on CPUs 2 and 3 over the window.
func busy(a *host.Snapshot) {
	irqRate(a, 40, 2, 5000)
	irqRate(a, 41, 3, 5000)
}

func TestCPUPowerIRQCPUs(t *testing.T) {
	cases := []checkCase{
		{
			name:    "intel_pstate with EPP power on the IRQ CPUs is a notice",
			pair:    func(t *testing.T) *host.Pair { return later(t, powerHost("intel_pstate", "powersave", "power"), busy) },
			verdict: Fail, want: "CPUs 2-3 2-3 notice",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(f.Summary, "intel_pstate with energy_performance_preference power on CPUs 2-3") {
					t.Errorf("summary %q", f.Summary)
				}
				if !strings.Contains(figureText(f), "CPUs 2-3 at 1200 of 3700 MHz") {
					t.Errorf("figures:\n%s", figureText(f))
				}
				cmds := commandText(f)
				for _, want := range []string{"for c in 2 3; do echo performance > /sys/devices/system/cpu/cpu$c/cpufreq/energy_performance_preference; done",
					"devices=cpu2,cpu3", "energy_performance_preference=performance", "tuned-adm profile network-latency"} {
					if !strings.Contains(cmds, want) {
						t.Errorf("no %q in:\n%s", want, cmds)
					}
				}
			},
		},
		{
			name: "with softnet drops growing on CPU 2 it is a warning naming the loss",
			pair: func(t *testing.T) *host.Pair {
				return later(t, powerHost("intel_pstate", "powersave", "balance_power"), func(a *host.Snapshot) {
					busy(a)
					a.Softnet[2].Dropped += 300
				})
			},
			verdict: Fail, want: "CPUs 2-3 2-3 warning",
			also: func(t *testing.T, o Outcome) {
				if !strings.Contains(o.Findings[0].Explanation, "softnet dropped on CPU 2 grew by 300") {
					t.Errorf("explanation: %s", o.Findings[0].Explanation)
				}
			},
		},
		{
			name:    "a generic governor: cpupower frequency-set",
			pair:    func(t *testing.T) *host.Pair { return later(t, powerHost("acpi-cpufreq", "ondemand", ""), busy) },
			verdict: Fail, want: "CPUs 2-3 2-3 notice",
			also: func(t *testing.T, o Outcome) {
				cmds := commandText(o.Findings[0])
				if !strings.Contains(cmds, "cpupower -c 2-3 frequency-set -g performance") || !strings.Contains(cmds, "governor=performance") {
					t.Errorf("commands:\n%s", cmds)
				}
			},
		},
		{
			name: "near miss: intel_pstate powersave with EPP performance is silent",
			pair: func(t *testing.T) *host.Pair {
				return later(t, powerHost("intel_pstate", "powersave", "performance"), busy)
			},
			verdict: Pass, reason: "deep idle states are enabled on 2-3, the default",
		},
		{
			name:    "near miss: intel_pstate without HWP is not judged by the governor's name",
			pair:    func(t *testing.T) *host.Pair { return later(t, powerHost("intel_pstate", "powersave", ""), busy) },
			verdict: Pass,
		},
		{
			name: "near miss: deep idle states with a loss on a host not tuned for latency pass",
			pair: func(t *testing.T) *host.Pair {
				return later(t, powerHost("intel_pstate", "performance", "performance"), func(a *host.Snapshot) {
					busy(a)
					a.Softnet[3].Dropped += 50
				})
			},
			verdict: Pass, reason: "the default of a host not tuned for latency",
		},
		{
			name: "deep idle states on a latency-tuned host with a loss on the IRQ CPU are a warning",
			pair: func(t *testing.T) *host.Pair {
				s := powerHost("intel_pstate", "performance", "performance")
				s.CmdLine = "BOOT_IMAGE=/vmlinuz ro nohz_full=2-3 isolcpus=managed_irq,domain,2-3 quiet"
				return later(t, s, func(a *host.Snapshot) {
					busy(a)
					a.Softnet[3].Dropped += 50
				})
			},
			verdict: Fail, want: "CPUs 2-3 2-3 warning",
			also: func(t *testing.T, o Outcome) {
				f := o.Findings[0]
				if !strings.Contains(f.Summary, "tuned for latency (nohz_full=2-3 isolcpus=managed_irq,domain,2-3)") || !strings.Contains(commandText(f), "cpupower -c 2-3 idle-set -D 100") {
					t.Errorf("summary %q\n%s", f.Summary, commandText(f))
				}
			},
		},
		{
			name: "a VM is not applicable",
			pair: func(t *testing.T) *host.Pair {
				s := powerHost("intel_pstate", "powersave", "power")
				s.Virtualization = "kvm"
				return later(t, s, busy)
			},
			verdict: NotApplicable,
		},
		{
			name: "no cpufreq or cpuidle read is not evaluated",
			pair: func(t *testing.T) *host.Pair {
				s := powerHost("intel_pstate", "powersave", "power")
				s.Power = nil
				return later(t, s, busy)
			},
			verdict: NotEvaluated,
		},
	}
	runCases(t, CPUPowerIRQCPUs, cases)
}
