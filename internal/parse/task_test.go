package parse

import (
	"reflect"
	"strings"
	"testing"
)

func TestTaskStatSamples(t *testing.T) {
	tests := []struct {
		file string
		want TaskStatFields
	}{
		// This machine, 6.18: cat reading its own stat.
		{"live-6.18-kvm-cat", TaskStatFields{PID: 8510, Comm: "cat", State: "R", PPID: 8500, Flags: 4194304, Processor: 0, StartTime: 62856}},
		// This machine: kthreadd carries PF_KTHREAD.
		{"live-6.18-kvm-kthreadd", TaskStatFields{PID: 2, Comm: "kthreadd", State: "S", PPID: 0, Flags: 2129984, Processor: 0, StartTime: 14}},
		// RHEL 7, 3.10: a thread that named itself "a) R 1 (x": split at the last ')'.
		{"rhel7-3.10-comm-with-paren", TaskStatFields{PID: 1234, Comm: "a) R 1 (x", State: "S", PPID: 1, Flags: 4202752, UTime: 88, STime: 12, Processor: 3, StartTime: 4242}},
		// RHEL 7, 3.10: ksoftirqd/2 on CPU 2, 44 fields.
		{"rhel7-3.10-ksoftirqd", TaskStatFields{PID: 16, Comm: "ksoftirqd/2", State: "S", PPID: 2, Flags: 69238848, STime: 2735, Processor: 2, StartTime: 8}},
		// A capture cut after field 37 (sshd on RHEL 3, 2.4): no processor.
		{"truncated-37-fields", TaskStatFields{PID: 812, Comm: "sshd", State: "S", PPID: 1, Flags: 320, UTime: 2, STime: 4, Processor: -1, StartTime: 3172}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := TaskStat(readTestdata(t, "task_stat", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
	kt, _ := TaskStat(readTestdata(t, "task_stat", "live-6.18-kvm-kthreadd"))
	us, _ := TaskStat(readTestdata(t, "task_stat", "live-6.18-kvm-cat"))
	if kt.Flags&PFKthread == 0 || us.Flags&PFKthread != 0 {
		t.Errorf("PFKthread: kthreadd flags %#x, cat flags %#x", kt.Flags, us.Flags)
	}
}

func TestTaskStatBad(t *testing.T) {
	rest15 := " S 1 1 1 0 -1 4202752 0 0 0 0 7 8"
	tests := []struct {
		name string
		in   string
		want TaskStatFields
		errs []string
	}{
		{"up to stime is enough", "5 (x)" + rest15 + "\n", TaskStatFields{PID: 5, Comm: "x", State: "S", PPID: 1, Flags: 4202752, UTime: 7, STime: 8, Processor: -1}, nil},
		{"empty comm", "5 ()" + rest15, TaskStatFields{PID: 5, State: "S", PPID: 1, Flags: 4202752, UTime: 7, STime: 8, Processor: -1}, nil},
		{"only pid and comm (procfs panics)", "5 (x)", TaskStatFields{PID: 5, Comm: "x", PPID: -1, Processor: -1}, []string{"pid 5: 0 fields after comm, want at least 13"}},
		{"cut before stime", "5 (x) S 1 1 1 0 -1 4202752 0 0 0 0 7", TaskStatFields{PID: 5, Comm: "x", PPID: -1, Processor: -1}, []string{"12 fields"}},
		{"no parens", "5 x S 1", TaskStatFields{PPID: -1, Processor: -1}, []string{`no "(comm)"`}},
		{"close before open", "5 )x( S 1", TaskStatFields{PPID: -1, Processor: -1}, []string{`no "(comm)"`}},
		{"bad pid", "-5 (x)" + rest15, TaskStatFields{PPID: -1, Processor: -1}, []string{`bad pid "-5"`}},
		{"bad utime", "5 (x) S 1 1 1 0 -1 4202752 0 0 0 0 u 8", TaskStatFields{PID: 5, Comm: "x", State: "S", PPID: 1, Flags: 4202752, STime: 8, Processor: -1}, []string{`bad utime "u"`}},
		{"bad processor", "5 (x)" + rest15 + strings.Repeat(" 0", 23) + " -3", TaskStatFields{PID: 5, Comm: "x", State: "S", PPID: 1, Flags: 4202752, UTime: 7, STime: 8, Processor: -1}, []string{`bad processor "-3"`}},
		{"empty", "", TaskStatFields{PPID: -1, Processor: -1}, []string{"stat: empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TaskStat([]byte(tt.in))
			if got != tt.want {
				t.Errorf("got\n %+v\nwant\n %+v", got, tt.want)
			}
			checkErr(t, err, tt.errs)
		})
	}
}

func TestTaskStatusSamples(t *testing.T) {
	tests := []struct {
		file string
		want TaskStatusFields
	}{
		// This machine, 6.18: cat, 2 vCPUs, "Kthread: 0".
		{"live-6.18-kvm-cat", TaskStatusFields{Name: "cat", Tgid: 8511, Pid: 8511, PPid: 8500, UID: 0, CpusAllowed: []int{0, 1}}},
		// This machine: kthreadd, "Kthread: 1".
		{"live-6.18-kvm-kthreadd", TaskStatusFields{Name: "kthreadd", Tgid: 2, Pid: 2, PPid: 0, UID: 0, CpusAllowed: []int{0, 1}, Kthread: true}},
		// RHEL 5, 2.6.18: no Cpus_allowed_list, 16 mask groups.
		{"rhel5-2.6.18-no-list", TaskStatusFields{Name: "irqbalance", Tgid: 3101, Pid: 3101, PPid: 1, UID: 0, CpusAllowed: []int{0, 1, 2, 3}}},
		// RHEL 7, 3.10: a thread with a name holding ')' and spaces; the list
		// wins over the (inconsistent) mask.
		{"rhel7-3.10-thread", TaskStatusFields{Name: "java worker) 3", Tgid: 4410, Pid: 4422, PPid: 1, UID: 1001, CpusAllowed: []int{2, 3, 6}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := TaskStatus(readTestdata(t, "task_status", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestTaskStatusBad(t *testing.T) {
	const base = "Name:\tx\nTgid:\t5\nPid:\t5\nPPid:\t1\nUid:\t0\t0\t0\t0\n"
	tests := []struct {
		name string
		in   string
		want TaskStatusFields
		errs []string
	}{
		{"no CPU lines", base, TaskStatusFields{Name: "x", Tgid: 5, Pid: 5, PPid: 1, UID: 0}, nil},
		{"garbage list (procfs gives [0])", base + "Cpus_allowed_list:\t0-7:2\n", TaskStatusFields{Name: "x", Tgid: 5, Pid: 5, PPid: 1, UID: 0},
			[]string{"line 6: Cpus_allowed_list: cpulist: bad range"}},
		{"garbage list falls back to mask", base + "Cpus_allowed:\t3\nCpus_allowed_list:\tx\n", TaskStatusFields{Name: "x", Tgid: 5, Pid: 5, PPid: 1, UID: 0, CpusAllowed: []int{0, 1}},
			[]string{"line 7: Cpus_allowed_list"}},
		{"bad mask", base + "Cpus_allowed:\tzz\n", TaskStatusFields{Name: "x", Tgid: 5, Pid: 5, PPid: 1, UID: 0},
			[]string{"line 6: Cpus_allowed: cpumask: bad hex group"}},
		{"Uid with 5 fields (procfs panics)", "Name:\tx\nTgid:\t5\nPid:\t5\nPPid:\t1\nUid:\t0\t0\t0\t0\t0\n", TaskStatusFields{Name: "x", Tgid: 5, Pid: 5, PPid: 1, UID: 0}, nil},
		{"missing lines", "Name:\tx\nPid:\t5\n", TaskStatusFields{Name: "x", Tgid: -1, Pid: 5, PPid: -1, UID: -1}, []string{"missing or bad Tgid, PPid, Uid"}},
		{"bad pid", "Name:\tx\nTgid:\t5\nPid:\tfive\nPPid:\t1\nUid:\t0\n", TaskStatusFields{Name: "x", Tgid: 5, Pid: -1, PPid: 1, UID: 0}, []string{`line 3: Pid: bad value "five"`}},
		{"bad Kthread", base + "Kthread:\tyes\n", TaskStatusFields{Name: "x", Tgid: 5, Pid: 5, PPid: 1, UID: 0}, []string{`line 6: Kthread: bad value "yes"`}},
		{"empty name kept", "Name:\t\nTgid:\t5\nPid:\t5\nPPid:\t1\nUid:\t0\n", TaskStatusFields{Tgid: 5, Pid: 5, PPid: 1, UID: 0}, nil},
		{"empty", "", TaskStatusFields{Tgid: -1, Pid: -1, PPid: -1, UID: -1}, []string{"status: empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TaskStatus([]byte(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n %+v\nwant\n %+v", got, tt.want)
			}
			checkErr(t, err, tt.errs)
		})
	}
}

func FuzzTaskStat(f *testing.F) {
	addSeeds(f, "task_stat")
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := TaskStat(b)
		if got.Processor < -1 || got.Processor > maxCPU || got.PPID < -1 || got.PID < 0 {
			t.Fatalf("out of range: %+v", got)
		}
		if err == nil && !strings.Contains(string(b), "("+got.Comm+")") {
			t.Fatalf("comm %q not found between parentheses", got.Comm)
		}
	})
}

func FuzzTaskStatus(f *testing.F) {
	addSeeds(f, "task_status")
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := TaskStatus(b)
		if err == nil && (got.Pid < 0 || got.Tgid < 0 || got.PPid < 0 || got.UID < 0) {
			t.Fatalf("missing field without error: %+v", got)
		}
		for i, c := range got.CpusAllowed {
			if c < 0 || c > maxCPU || (i > 0 && c <= got.CpusAllowed[i-1]) {
				t.Fatalf("bad CPU list %v", got.CpusAllowed)
			}
		}
	})
}
