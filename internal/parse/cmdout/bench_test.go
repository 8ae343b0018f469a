package cmdout

import (
	"fmt"
	"strings"
	"testing"
)

// Benchmarks on inputs of realistic size: a 64-queue mlx5 ethtool -S (about
// 2,600 counters), a full sysctl -a (about 1,500 keys), a 2,000-process ps
// listing, pidstat -tl of a host with 5,000 threads, and a manifest of 1,500
// commands.

func benchInput(n int, line func(i int) string, header string) []byte {
	var sb strings.Builder
	sb.WriteString(header)
	for i := range n {
		sb.WriteString(line(i))
	}
	return []byte(sb.String())
}

func BenchmarkEthtoolStats(b *testing.B) {
	in := benchInput(2600, func(i int) string { return fmt.Sprintf("     rx%d_packets_%d: %d\n", i%64, i, i*1000) }, "NIC statistics:\n")
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := EthtoolStats(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSysctl(b *testing.B) {
	in := benchInput(1500, func(i int) string { return fmt.Sprintf("net.ipv4.conf.eth%d.rp_filter = %d\n", i, i%3) }, sysctlRHEL7)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Sysctl(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPS(b *testing.B) {
	hdr := "F S   UID     PID    PPID    PGID     SID CLS PRI PSR ADDR    SZ WCHAN                             STARTED TT           TIME CMD\n"
	in := benchInput(2000, func(i int) string {
		return fmt.Sprintf("1 S     0 %7d       2       0       0  TS  19  %2d -         0 smpboot_thread_fn    Tue Mar  5 09:00:01 2024 ?        00:01:40 /usr/bin/app --worker %d\n", i+1, i%64, i)
	}, hdr)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := PS(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPidstat(b *testing.B) {
	hdr := "Linux 5.14.0-284.11.1.el9_2.x86_64 (web01) \t03/05/2024 \t_x86_64_\t(64 CPU)\n\n# Time        UID      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command\n"
	in := benchInput(5000, func(i int) string {
		if i%50 == 0 {
			return fmt.Sprintf("10:11:12     1000 %9d         -    1.00    0.50    0.00    0.00    1.50    %2d  /opt/app/bin/java -Xmx8g -jar app.jar\n", i+1000, i%64)
		}
		return fmt.Sprintf("10:11:12     1000         - %9d    0.10    0.05    0.00    0.00    0.15    %2d  |__/opt/app/bin/java -Xmx8g -jar app.jar\n", i+1000, i%64)
	}, hdr)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Pidstat(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSosManifest(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"version": "4.5.6", "start_time": "2024-03-05 10:11:12.123456", "end_time": "2024-03-05 10:14:02.654321", "components": {"report": {"plugins": {`)
	for p := range 50 {
		if p > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"plugin%d": {"timeout": 300, "timeout_hit": false, "commands": [`, p)
		for c := range 30 {
			if c > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, `{"command": "ethtool", "parameters": ["-S", "eth%d"], "exec": "ethtool -S eth%d", "filepath": "sos_commands/networking/ethtool_-S_eth%d", "truncated": false, "return_code": 0, "priority": 10, "start_time": 1709633480.1, "end_time": 1709633480.2, "run_time": 0.1, "tags": ["ethool_S"]}`, c, c, c)
		}
		sb.WriteString(`], "files": []}`)
	}
	sb.WriteString(`}}}}`)
	in := []byte(sb.String())
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		m, err := SosManifest(in)
		if err != nil || len(m.Commands) != 1500 {
			b.Fatal(len(m.Commands), err)
		}
	}
}
