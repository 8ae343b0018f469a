package cmdout

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const tunedLog = `2026-12-01 10:00:00,123 INFO     tuned.daemon.daemon: verifying profile(s): network-latency
2026-12-01 10:00:00,124 ERROR    tuned.plugins.base: verify: failed: 'net.core.busy_read' = '0', expected '50'
2026-12-01 10:00:00,125 INFO     tuned.plugins.base: verify: passed: 'net.core.somaxconn' = '2048'
2026-12-04 09:00:00,001 INFO     tuned.daemon.daemon: verifying profile(s): network-latency
2026-12-04 09:00:00,002 ERROR    tuned.plugins.base: verify: failed: 'net.core.busy_poll' = '0', expected '50'
2026-12-04 09:00:00,003 ERROR    tuned.plugins.base: verify: failed: 'kernel.yama.ptrace_scope' = 'None', expected '1'
`

func TestTuned(t *testing.T) {
	for in, want := range map[string]string{
		"Current active profile: network-latency\n":                  "network-latency",
		"Current active profile: virtual-guest sap-hana\n":           "virtual-guest sap-hana",
		"No current active profile.\n":                               "",
		"throughput-performance\n":                                   "throughput-performance",
		"Current active profile: balanced\nService tuned: running\n": "balanced",
	} {
		got, err := TunedActive([]byte(in))
		if err != nil || got != want {
			t.Errorf("TunedActive(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := TunedActive([]byte("Cannot talk to TuneD daemon via DBus. Is TuneD daemon running?\n")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("error message: %v", err)
	}
	if got, err := TunedRecommend([]byte("virtual-guest\n")); err != nil || got != "virtual-guest" {
		t.Errorf("recommend %q %v", got, err)
	}
	for in, want := range map[string]bool{
		"Verification succeeded, current system settings match the preset profile.\nSee TuneD log file ('/var/log/tuned/tuned.log') for details.\n":                                true,
		"Verification failed, current system settings differ from the preset profile.\nYou can mostly fix this by restarting the TuneD daemon, e.g.:\n  systemctl restart tuned\n": false,
	} {
		got, err := TunedVerify([]byte(in))
		if err != nil || got != want {
			t.Errorf("TunedVerify: %v %v, want %v", got, err, want)
		}
	}
	drift, err := TunedLogDrift(strings.NewReader(tunedLog))
	if err != nil || len(drift) != 2 || drift[0] != "'net.core.busy_poll' = '0', expected '50'" || !DriftIsMissing(drift[1]) || DriftIsMissing(drift[0]) {
		t.Errorf("drift %q %v", drift, err)
	}
}

func FuzzTuned(f *testing.F) {
	addSeeds(f, "Current active profile: network-latency\n", "No current active profile.\n", "virtual-guest\n",
		"Verification failed, current system settings differ from the preset profile.\n", tunedLog)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, r := range []struct {
			cmd string
			fn  func([]byte) (string, error)
		}{{"tuned-adm active", TunedActive}, {"tuned-adm recommend", TunedRecommend}} {
			s, err := r.fn(b)
			checkErrText(t, err, r.cmd)
			if len(s) > maxProfileName || strings.ContainsAny(s, "\n\r") {
				t.Fatalf("%s: name %q", r.cmd, s)
			}
		}
		_, err := TunedVerify(b)
		checkErrText(t, err, "tuned-adm verify")
		drift, err := TunedLogDrift(bytes.NewReader(b))
		checkErrText(t, err, "tuned.log")
		if len(drift) > 64 {
			t.Fatalf("%d drift lines", len(drift))
		}
		for _, d := range drift {
			if len(d) > 256 {
				t.Fatalf("drift line %q", d)
			}
		}
	})
}

const networkLatencyConf = `#
# tuned configuration
#

[main]
summary=Optimize for deterministic performance at the cost of increased power consumption, focused on low latency network performance
include=latency-performance

[vm]
transparent_hugepages=never

[sysctl]
net.core.busy_read=50
net.core.busy_poll=50
net.ipv4.tcp_fastopen=3
kernel.numa_balancing=0
kernel.sched_min_granularity_ns=${f:calc_isolated_cores:10000000}

[sysctl_extra]
type=sysctl
net/core/somaxconn = 4096
`

func TestTunedProfile(t *testing.T) {
	inc, sys, err := TunedProfile([]byte(networkLatencyConf))
	if err != nil || len(inc) != 1 || inc[0] != "latency-performance" {
		t.Fatalf("include %v %v", inc, err)
	}
	want := map[string]string{"net.core.busy_read": "50", "net.core.busy_poll": "50", "net.ipv4.tcp_fastopen": "3", "kernel.numa_balancing": "0", "net.core.somaxconn": "4096"}
	if len(sys) != len(want) {
		t.Fatalf("sysctls %v", sys)
	}
	for k, v := range want {
		if sys[k] != v {
			t.Errorf("%s = %q, want %q", k, sys[k], v)
		}
	}
}

func FuzzTunedProfile(f *testing.F) {
	addSeeds(f, networkLatencyConf, "[main]\ninclude=a, b\n[sysctl]\nx=1\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		inc, sys, err := TunedProfile(b)
		checkErrText(t, err, "tuned.conf")
		if len(inc) > 16 || len(sys) > maxProfileKeys {
			t.Fatalf("%d includes, %d sysctls", len(inc), len(sys))
		}
	})
}
