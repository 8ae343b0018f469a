package parse

import (
	"strings"
	"testing"
)

func TestUint(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		err  string
	}{
		{"1500\n", 1500, ""}, // mtu
		{"10000\n", 10000, ""},
		{" 0 ", 0, ""},
		{"18446744073709551615\n", 1<<64 - 1, ""},
		{"18446744073709551616\n", 0, "not an unsigned number"},
		{"-1\n", 0, "not an unsigned number"}, // speed of a down link is -1: use Int
		{"0x10", 0, "not an unsigned number"},
		{"1 2", 0, "not an unsigned number"},
		{"\n", 0, "empty"},
		{"", 0, "empty"},
	}
	for _, tt := range tests {
		got, err := Uint([]byte(tt.in))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Uint(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Uint(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{"-1\n", -1, ""}, // numa_node without affinity
		{"1\n", 1, ""},
		{"+3", 3, ""},
		{"-9223372036854775808", -1 << 63, ""},
		{"9223372036854775808", 0, "not a number"},
		{"--1", 0, "not a number"},
		{"-", 0, "not a number"},
		{"one", 0, "not a number"},
		{"", 0, "empty"},
	}
	for _, tt := range tests {
		got, err := Int([]byte(tt.in))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Int(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Int(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestCmdline(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"proc/PID/cmdline", string(readTestdata(t, "cmdline", "live-6.18-kvm-sleep")), "sleep 1000"},
		{"proc/cmdline (RHEL 9)", string(readTestdata(t, "cmdline", "rhel9-5.14-proc-cmdline")),
			"BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-362.8.1.el9_3.x86_64 root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap isolcpus=2-3 nohz_full=2-3"},
		{"empty arguments kept", "a\x00\x00b\x00", "a  b"},
		{"control characters kept", "evil\x1b[31m\x00x\x00", "evil\x1b[31m x"},
		{"setproctitle padding", "nginx: worker process\x00\x00\x00\x00", "nginx: worker process"},
		{"empty (kernel thread)", "", ""},
	}
	for _, tt := range tests {
		if got := Cmdline([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: Cmdline = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// FuzzUintInt fuzzes Uint and Int together: they must agree where both accept.
func FuzzUintInt(f *testing.F) {
	for _, s := range []string{"1500\n", "-1\n", "", "18446744073709551615"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Uint(b)
		if err == nil && strings.TrimSpace(string(b)) == "" {
			t.Fatalf("empty input gave %d", v)
		}
		w, err2 := Int(b)
		if err == nil && err2 == nil && uint64(w) != v {
			t.Fatalf("Uint %d and Int %d disagree", v, w)
		}
	})
}

func FuzzCmdline(f *testing.F) {
	addSeeds(f, "cmdline")
	f.Fuzz(func(t *testing.T, b []byte) {
		s := Cmdline(b)
		if strings.ContainsRune(s, 0) {
			t.Fatal("NUL left in output")
		}
		if s != strings.TrimSpace(s) {
			t.Fatal("not trimmed")
		}
	})
}

func TestWord(t *testing.T) {
	for in, want := range map[string]string{"powersave\n": "powersave", "  balance_performance \n": "balance_performance", "C1E": "C1E"} {
		if got, err := Word([]byte(in)); err != nil || got != want {
			t.Errorf("Word(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", " \n", "two words", "bad\x00", strings.Repeat("x", 65)} {
		if _, err := Word([]byte(in)); err == nil {
			t.Errorf("Word(%q) accepted", in)
		}
	}
}

func FuzzWord(f *testing.F) {
	for _, s := range []string{"powersave\n", "C1E", "", "a b", "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := Word(b)
		if err != nil {
			return
		}
		if w == "" || len(w) > maxWord || strings.ContainsAny(w, " \t\n") {
			t.Fatalf("bad word %q", w)
		}
		if back, err := Word([]byte(w + "\n")); err != nil || back != w {
			t.Fatalf("round trip %q: %q %v", w, back, err)
		}
	})
}
