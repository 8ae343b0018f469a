package source

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestCPUPower(t *testing.T) {
	d := "sys/devices/system/cpu/"
	files := tree{
		d + "intel_pstate/status":    "active\n",
		d + "intel_pstate/no_turbo":  "1\n",
		d + "cpuidle/current_driver": "intel_idle\n",
	}
	for _, c := range []string{"0", "1", "2", "3"} {
		p := d + "cpufreq/policy" + c + "/"
		files[p+"affected_cpus"] = c + "\n"
		files[p+"scaling_driver"] = "intel_pstate\n"
		files[p+"scaling_governor"] = "powersave\n"
		files[p+"energy_performance_preference"] = "balance_power\n"
		files[p+"scaling_cur_freq"] = "1200000\n"
		files[p+"cpuinfo_max_freq"] = "3700000\n"
		for k, st := range [][3]string{{"POLL", "0", "0"}, {"C1", "2", "0"}, {"C6", "133", "0"}} {
			sd := d + "cpu" + c + "/cpuidle/state" + string(rune('0'+k)) + "/"
			files[sd+"name"], files[sd+"latency"], files[sd+"disable"] = st[0]+"\n", st[1]+"\n", st[2]+"\n"
		}
	}
	files[d+"cpu3/cpuidle/state2/disable"] = "1\n"
	s := loadTree(t, sosTree().with(files))
	p := s.Power
	if p == nil {
		t.Fatal("no power")
	}
	for _, in := range []string{host.InputCPUFreq, host.InputIntelPstate, host.InputCPUIdle} {
		if got := inputOf(t, s, in, ""); got.Status != host.StatusOK {
			t.Errorf("%s: %+v", in, got)
		}
	}
	if p.PStateStatus != "active" || p.NoTurbo == nil || !*p.NoTurbo || p.IdleDriver != "intel_idle" || len(p.Freq) != 4 || len(p.Idle) != 4 {
		t.Fatalf("power %+v", p)
	}
	if diff := cmp.Diff(host.CPUFreq{CPU: 2, Driver: "intel_pstate", Governor: "powersave", EPP: "balance_power", CurKHz: 1200000, MaxKHz: 3700000}, *p.FreqOf(2)); diff != "" {
		t.Error(diff)
	}
	want := []host.IdleState{{Name: "POLL"}, {Name: "C1", LatencyUs: 2}, {Name: "C6", LatencyUs: 133, Disabled: true}}
	if diff := cmp.Diff(want, p.IdleOf(3).States); diff != "" {
		t.Error(diff)
	}

	// Without any of it: three missing inputs, no Power.
	s = loadTree(t, sosTree())
	if s.Power != nil {
		t.Errorf("power from nothing: %+v", s.Power)
	}
	for _, in := range []string{host.InputCPUFreq, host.InputIntelPstate, host.InputCPUIdle} {
		if got := inputOf(t, s, in, ""); got.Status != host.StatusMissing {
			t.Errorf("%s: %+v", in, got)
		}
	}
}
