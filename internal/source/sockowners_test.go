package source

import "testing"

func TestKeepLink(t *testing.T) {
	for _, tt := range []struct {
		name, target string
		keep         bool
	}{
		{"proc/700/fd/5", "socket:[45120]", true},
		{"proc/700/fd/0", "/dev/null", false},
		{"proc/700/fd/7", "/var/lib/secret/db.sqlite", false},
		{"proc/700/ns/net", "net:[4026531840]", true},
		{"sys/class/net/eth0", "../../devices/virtual/net/eth0", true},
		{"proc/self/fd/1", "/dev/pts/0", true}, // not a pid: the loader never reads it
	} {
		if got := keepLink(tt.name, tt.target); got != tt.keep {
			t.Errorf("keepLink(%q, %q) = %v", tt.name, tt.target, got)
		}
	}
}
