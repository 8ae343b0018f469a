package parse

import (
	"reflect"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestStatSamples(t *testing.T) {
	tests := []struct {
		file  string
		btime int64
		nCPU  int
		first host.CPUTime
	}{
		// This machine, 6.18: 10 columns.
		{"live-6.18-kvm", 1795315547, 2, host.CPUTime{CPU: 0, User: 961, System: 626, Idle: 60979, IOWait: 141, SoftIRQ: 26}},
		// RHEL 4, 2.6.9: 7 columns, no steal.
		{"rhel4-2.6.9", 1062191376, 2, host.CPUTime{CPU: 0, User: 1132, Nice: 34, System: 1441, Idle: 11311718, IOWait: 3675, IRQ: 127, SoftIRQ: 438}},
		// RHEL 7, 3.10.
		{"rhel7-3.10-4cpu", 1709635872, 4, host.CPUTime{CPU: 0, User: 26470, Nice: 91, System: 21790, Idle: 4860237, IOWait: 4528, SoftIRQ: 3912}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Stat(readTestdata(t, "stat", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !got.BootTime.Equal(time.Unix(tt.btime, 0)) || got.BootTime.Location() != time.UTC {
				t.Errorf("BootTime = %v, want %v UTC", got.BootTime, time.Unix(tt.btime, 0).UTC())
			}
			if len(got.CPUs) != tt.nCPU {
				t.Fatalf("%d CPUs, want %d", len(got.CPUs), tt.nCPU)
			}
			if got.CPUs[0] != tt.first {
				t.Errorf("first = %+v, want %+v", got.CPUs[0], tt.first)
			}
			for i, c := range got.CPUs {
				if c.CPU != i {
					t.Errorf("CPU %d at %d", c.CPU, i)
				}
			}
		})
	}
}

func TestStatBadLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cpus []int
		boot bool
		errs []string
	}{
		{"4 columns (2.4)", "cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1\n", []int{0}, true, nil},
		{"offline CPU1 absent", "cpu0 1 2 3 4 5 6 7 8 9 10\ncpu2 1 2 3 4\nbtime 1\n", []int{0, 2}, true, nil},
		{"3 columns", "cpu0 1 2 3\ncpu1 1 2 3 4\nbtime 1\n", []int{1}, true, []string{"line 1: cpu0: 3 values, want at least 4"}},
		{"bad value", "cpu0 1 x 3 4\ncpu1 1 2 3 4\nbtime 1\n", []int{1}, true, []string{`line 1: cpu0: bad value "x"`}},
		{"bad cpu", "cpuX 1 2 3 4\ncpu1 1 2 3 4\nbtime 1\n", []int{1}, true, []string{`line 1: bad CPU in "cpuX"`}},
		{"repeated", "cpu1 1 2 3 4\ncpu1 1 2 3 4\nbtime 1\n", []int{1}, true, []string{"line 2: cpu1: repeated"}},
		{"no btime", "cpu0 1 2 3 4\n", []int{0}, false, []string{"no btime line"}},
		{"bad btime", "cpu0 1 2 3 4\nbtime -5\n", []int{0}, false, []string{`line 2: bad btime "-5"`, "no btime line"}},
		{"no cpu lines", "btime 5\n", []int{}, true, []string{"no cpuN lines"}},
		{"empty", "", []int{}, false, []string{"stat: empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Stat([]byte(tt.in))
			cpus := []int{}
			for _, c := range got.CPUs {
				cpus = append(cpus, c.CPU)
			}
			if !reflect.DeepEqual(cpus, tt.cpus) {
				t.Errorf("CPUs = %v, want %v", cpus, tt.cpus)
			}
			if got.BootTime.IsZero() == tt.boot {
				t.Errorf("BootTime = %v", got.BootTime)
			}
			checkErr(t, err, tt.errs)
		})
	}
}

func FuzzStat(f *testing.F) {
	addSeeds(f, "stat")
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Stat(b)
		seen := map[int]bool{}
		for _, c := range got.CPUs {
			if c.CPU < 0 || c.CPU > maxCPU || seen[c.CPU] {
				t.Fatalf("bad or repeated CPU %d", c.CPU)
			}
			seen[c.CPU] = true
		}
		if err == nil && (got.BootTime.IsZero() || len(got.CPUs) == 0) {
			t.Fatal("no error without btime or CPUs")
		}
	})
}
