package source

import (
	"bytes"
	"testing"
)

func TestSanitizePrivacy(t *testing.T) {
	passwd := []byte("root:x:0:0:root:/root:/bin/bash\nalice:$6$hash:1000:1000:Alice Smith,Room 4:/home/alice:/bin/zsh\n")
	cmd := []byte("/usr/bin/mysqld\x00--password=hunter2\x00--user=alice\x00")
	cases := []struct {
		name     string
		file     string
		in       []byte
		p        Privacy
		want     []byte
		archived bool
	}{
		{"cmdline scrubbed to the program", "proc/4242/cmdline", cmd, Privacy{}, []byte("/usr/bin/mysqld\x00"), true},
		{"cmdline kept", "proc/4242/cmdline", cmd, Privacy{KeepCmdlines: true}, cmd, true},
		{"cmdline without NUL", "proc/7/cmdline", []byte("irqbalance --foreground"), Privacy{}, []byte("irqbalance --foreground"), true},
		{"kernel cmdline untouched", "proc/cmdline", []byte("BOOT_IMAGE=/vmlinuz isolcpus=2-3\n"), Privacy{}, []byte("BOOT_IMAGE=/vmlinuz isolcpus=2-3\n"), true},
		{"thread stat untouched", "proc/7/task/7/stat", []byte("7 (x) S 1"), Privacy{}, []byte("7 (x) S 1"), true},
		{"user names left out", "etc/passwd", passwd, Privacy{}, nil, false},
		{"user names kept, nothing else", "etc/passwd", passwd, Privacy{KeepUserNames: true}, []byte("root:x:0:0:::\nalice:x:1000:1000:::\n"), true},
		{"mounts: only proc", "proc/mounts", []byte("/dev/sda1 / ext4 rw 0 0\nnfs.acme.example:/home/alice /home nfs rw 0 0\nproc /proc proc rw,hidepid=2 0 0\n"), Privacy{KeepCmdlines: true, KeepUserNames: true}, []byte("proc /proc proc rw,hidepid=2 0 0\n"), true},
		{"tcp: LISTEN rows only", "proc/net/tcp", []byte("  sl  local_address rem_address   st tx_queue rx_queue\n   0: 00000000:0016 00000000:0000 0A 00000000:00000000\n   1: 0F02000A:0016 0202000A:D1C4 01 00000000:00000000\n"), Privacy{},
			[]byte("  sl  local_address rem_address   st tx_queue rx_queue\n   0: 00000000:0016 00000000:0000 0A 00000000:00000000\n"), true},
		{"environment reduced", "proc/1/environ", []byte("PATH=/bin\x00container=podman\x00SECRET=x\x00"), Privacy{KeepCmdlines: true, KeepUserNames: true}, []byte("container=podman\x00"), true},
	}
	for _, c := range cases {
		got, ok := sanitizeWith(c.file, c.in, c.p)
		if ok != c.archived || !bytes.Equal(got, c.want) {
			t.Errorf("%s: %q archived %v, want %q archived %v", c.name, got, ok, c.want, c.archived)
		}
	}
}
