package source

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestProcessVisibility(t *testing.T) {
	base := tree{
		"proc/stat":                "cpu  1 2 3 4 5 6 7 0 0 0\ncpu0 1 2 3 4 5 6 7 0 0 0\nbtime 1700000000\n",
		"proc/1/stat":              "1 (systemd) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0\n",
		"proc/1/status":            "Name:\tsystemd\nPid:\t1\nPPid:\t0\nUid:\t0\t0\t0\t0\n",
		"proc/4242/stat":           "4242 (bash) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0\n",
		"proc/4242/status":         "Name:\tbash\nPid:\t4242\nPPid:\t1\nUid:\t1000\t1000\t1000\t1000\n",
		"proc/4242/cmdline":        "bash\x00",
		"proc/sys/kernel/hostname": "h1\n",
	}
	with := func(extra tree) tree {
		out := tree{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	cases := []struct {
		name   string
		files  tree
		status host.Status
		reason []string
	}{
		{"whole table", with(tree{"proc/loadavg": "0.1 0.1 0.1 1/2 99\n"}), host.StatusOK,
			[]string{"saw 2 processes (2 tasks with their threads) of the 2 tasks the kernel counts"}},
		{"hidepid", with(tree{"proc/loadavg": "0.1 0.1 0.1 1/85 99\n",
			"proc/mounts": "sysfs /sys sysfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime,hidepid=invisible 0 0\n"}),
			host.StatusUnreadable, []string{"saw 2 processes (2 tasks with their threads) of the 85 tasks the kernel counts",
				"/proc is mounted hidepid=invisible, which hides other users' processes: run netdoctor as root"}},
		{"not root", with(tree{"proc/loadavg": "0.1 0.1 0.1 1/85 99\n"}), host.StatusUnreadable,
			[]string{"of the 85 tasks the kernel counts; run netdoctor as root to see every process"}},
		{"no loadavg", base, host.StatusMissing, []string{"saw 2 processes", "whether this is every process is unknown"}},
	}
	for _, c := range cases {
		s, err := LoadRoot(newMemFS(c.files), KindCollect, Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got *host.Input
		for i := range s.Inputs {
			if s.Inputs[i].Name == host.InputProcessVisibility {
				got = &s.Inputs[i]
			}
		}
		if got == nil {
			t.Fatalf("%s: no %s input", c.name, host.InputProcessVisibility)
		}
		if got.Status != c.status {
			t.Errorf("%s: status %s, want %s (%s)", c.name, got.Status, c.status, got.Reason)
		}
		for _, w := range c.reason {
			if !strings.Contains(got.Reason, w) {
				t.Errorf("%s: reason %q lacks %q", c.name, got.Reason, w)
			}
		}
	}
	for in, want := range map[string]int{"0.00 0.01 0.05 1/85 12345": 85, "1 2 3": -1, "1 2 3 x/y 4": -1, "1 2 3 4 5": -1} {
		if got := loadavgTasks([]byte(in)); got != want {
			t.Errorf("loadavgTasks(%q) = %d, want %d", in, got, want)
		}
	}
	if got := hidepidOf([]byte("proc /proc proc rw,hidepid=0 0 0\n")); got != "" {
		t.Errorf("hidepid=0 hides nothing, got %q", got)
	}
	if got := hidepidOf([]byte("proc /mnt/proc proc rw,hidepid=2 0 0\n")); got != "" {
		t.Errorf("another mount point, got %q", got)
	}
}
