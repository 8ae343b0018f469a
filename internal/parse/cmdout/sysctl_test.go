package cmdout

import (
	"bytes"
	"runtime"
	"testing"
)

// sysctl -a excerpt, RHEL 7.9 (procps-ng 3.3.10), as sos collects it: stderr
// lines are in the file.
const sysctlRHEL7 = `abi.vsyscall32 = 1
dev.cdrom.autoclose = 1
dev.cdrom.info = CD-ROM information, Id: cdrom.c 3.20 2003/12/17
dev.cdrom.info = 
dev.cdrom.info = drive name:		sr0
kernel.domainname = (none)
kernel.core_pattern = 
sysctl: permission denied on key 'fs.protected_regular'
net.core.netdev_max_backlog = 1000
net.core.netdev_budget = 300
net.core.rps_sock_flow_entries = 0
sysctl: reading key "net.ipv6.conf.all.stable_secret"
net.ipv4.tcp_rmem = 4096	87380	6291456
net.ipv4.tcp_tw_recycle = 0
net.ipv4.tcp_timestamps = 1
net.ipv4.conf.eth0/100.rp_filter = 1
`

func TestSysctl(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]string
		err  string
	}{
		{"RHEL 7", sysctlRHEL7, map[string]string{
			"abi.vsyscall32":                   "1",
			"dev.cdrom.autoclose":              "1",
			"dev.cdrom.info":                   "CD-ROM information, Id: cdrom.c 3.20 2003/12/17\n\ndrive name:\t\tsr0",
			"kernel.domainname":                "(none)",
			"kernel.core_pattern":              "",
			"net.core.netdev_max_backlog":      "1000",
			"net.core.netdev_budget":           "300",
			"net.core.rps_sock_flow_entries":   "0",
			"net.ipv4.tcp_rmem":                "4096\t87380\t6291456",
			"net.ipv4.tcp_tw_recycle":          "0",
			"net.ipv4.tcp_timestamps":          "1",
			"net.ipv4.conf.eth0/100.rp_filter": "1",
		}, ""},
		{"trailing blank trimmed away", "kernel.core_pattern =\nx = 1\n", map[string]string{"kernel.core_pattern": "", "x": "1"}, ""},
		{"value with ' = '", "a = b = c\n", map[string]string{"a": "b = c"}, ""},
		{"bad lines named, good kept", "a = 1\nnonsense\n = 2\nb = 3\n", map[string]string{"a": "1", "b": "3"}, `line 2: no "key = value" in "nonsense"; line 3`},
		{"only stderr", "sysctl: permission denied on key 'x'\n", map[string]string{}, "unavailable"},
		{"command not found", "bash: sysctl: command not found\n", map[string]string{}, "unavailable"},
		{"empty", "", map[string]string{}, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sysctl([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "sysctl", got, tt.want)
		})
	}
}

func TestFormatSysctl(t *testing.T) {
	m := map[string]string{"net.ipv4.tcp_rmem": "4096\t87380\t6291456", "a": "", "dev.cdrom.info": "x\n\ny"}
	want := "a = \ndev.cdrom.info = x\ndev.cdrom.info = \ndev.cdrom.info = y\nnet.ipv4.tcp_rmem = 4096\t87380\t6291456\n"
	same(t, "format", string(FormatSysctl(m)), want)
	full, err := Sysctl([]byte(sysctlRHEL7))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []map[string]string{m, full} {
		back, err := Sysctl(FormatSysctl(m))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "round trip", back, m)
	}
}

// TestSysctlRepeatedKeyIsLinear guards against quadratic joining of a key
// repeated by a hostile file. It counts the bytes Sysctl allocates for n and
// for 4n repeats in the same run: linear parsing allocates about 4 times as
// much for 4 times the input, quadratic joining about 16 times. No clock is
// read, so a loaded machine cannot fail it.
func TestSysctlRepeatedKeyIsLinear(t *testing.T) {
	const line = "dev.cdrom.info = x\n"
	allocated := func(n int) uint64 {
		b := bytes.Repeat([]byte(line), n)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := Sysctl(b)
		runtime.ReadMemStats(&after)
		if err != nil || len(m["dev.cdrom.info"]) != 2*n-1 {
			t.Fatalf("%d repeats: value of length %d, %v", n, len(m["dev.cdrom.info"]), err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	const n = 20000
	small, large := allocated(n), allocated(4*n)
	if ratio := float64(large) / float64(small); ratio > 6 {
		t.Errorf("4x the repeats allocated %.1fx the bytes (%d vs %d): growth faster than linear", ratio, large, small)
	}
	// Linear with a small constant: the input, its lines, the values and
	// the joined result, a few times the input's size.
	if in := uint64(4 * n * len(line)); large > 40*in {
		t.Errorf("%d input bytes allocated %d bytes", in, large)
	}
}
