package source

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netdoctor/netdoctor/internal/parse"
)

// statusSamples are status files as kernels write them (RHEL 8 4.18,
// Ubuntu 22.04 5.15, 6.8 with Kthread), plus broken ones.
var statusSamples = []string{
	// 4.18.0-477.el8 process.
	"Name:\tsshd\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t1043\nNgid:\t0\nPid:\t1043\nPPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\nThreads:\t1\nCpus_allowed:\tff\nCpus_allowed_list:\t0-7\nMems_allowed:\t00000000,00000001\nMems_allowed_list:\t0\nvoluntary_ctxt_switches:\t42\n",
	// 5.15 thread with a pinned list.
	"Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t2200\nNgid:\t0\nPid:\t2231\nPPid:\t1\nUid:\t1000\t1000\t1000\t1000\nCpus_allowed:\t0000000c\nCpus_allowed_list:\t2-3\n",
	// 6.8 kernel thread.
	"Name:\tksoftirqd/3\nUmask:\t0000\nState:\tS (sleeping)\nTgid:\t32\nPid:\t32\nPPid:\t2\nUid:\t0\t0\t0\t0\nKthread:\t1\nCpus_allowed:\t8\nCpus_allowed_list:\t3\n",
	// 2.6.18: no list, only the mask.
	"Name:\tinit\nState:\tS (sleeping)\nTgid:\t1\nPid:\t1\nPPid:\t0\nUid:\t0\t0\t0\t0\nCpus_allowed:\t00000000,0000000f\n",
	// A bad list with a good mask, two lists, a bad mask.
	"Name:\tx\nTgid:\t5\nPid:\t5\nPPid:\t1\nUid:\t0\nCpus_allowed:\tf\nCpus_allowed_list:\t0-zz\n",
	"Name:\tx\nTgid:\t5\nPid:\t5\nPPid:\t1\nUid:\t0\nCpus_allowed_list:\t0-3\nCpus_allowed_list:\tbad\n",
	"Name:\tx\nTgid:\t5\nPid:\t5\nPPid:\t1\nUid:\t0\nCpus_allowed:\tnothex\n",
	// Missing and broken lines.
	"Name:\tx\nCpus_allowed_list:\t0-3\n",
	"Cpus_allowed_list:\t0-3\n",
	"Tgid:\tabc\nPid:\t-1\nName: spaced\nUid:\t\n",
	"", "\n\n", "no colon here\n", "Name:\tx\nKthread:\t2\nPid:\t9",
	"Name:\t\\n\\\\odd\nTgid:\t1\nPid:\t1\nPPid:\t0\nUid:\t0\nCpus_allowed_list:\t0-511\n",
}

// TestTaskStatusInterned checks the loader's status reading gives exactly
// what parse.TaskStatus gives, and shares repeated lists.
func TestTaskStatusInterned(t *testing.T) {
	l := newLoader(nil, KindCollect, Options{})
	for _, s := range statusSamples {
		checkTaskStatus(t, l, []byte(s))
	}
	a, _ := l.taskStatus([]byte(statusSamples[len(statusSamples)-1]))
	b, _ := l.taskStatus([]byte(statusSamples[len(statusSamples)-1]))
	if len(a.CpusAllowed) != 512 || &a.CpusAllowed[0] != &b.CpusAllowed[0] {
		t.Errorf("repeated list not shared: %d CPUs", len(a.CpusAllowed))
	}
	if cap(a.CpusAllowed) != len(a.CpusAllowed) {
		t.Errorf("shared list has room to append in place: len %d cap %d", len(a.CpusAllowed), cap(a.CpusAllowed))
	}
}

func checkTaskStatus(t *testing.T, l *loader, b []byte) {
	t.Helper()
	want, werr := safe(func() (parse.TaskStatusFields, error) { return parse.TaskStatus(b) })
	got, gerr := l.taskStatus(b)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("taskStatus(%q) differs from parse.TaskStatus (-want +got):\n%s", b, diff)
	}
	if (werr == nil) != (gerr == nil) {
		t.Errorf("taskStatus(%q) error %v, parse.TaskStatus %v", b, gerr, werr)
	}
}

// FuzzTaskStatusInterned: whatever the bytes, the loader's status reading
// equals parse.TaskStatus (fields, and whether it fails).
func FuzzTaskStatusInterned(f *testing.F) {
	for _, s := range statusSamples {
		f.Add([]byte(s))
	}
	l := newLoader(nil, KindCollect, Options{})
	f.Fuzz(func(t *testing.T, b []byte) {
		checkTaskStatus(t, l, b)
	})
}

// numThreadsFields is numThreads as it was written first, the reference.
func numThreadsFields(stat []byte) int {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return -1
	}
	f := bytes.Fields(stat[i+1:])
	if len(f) < 18 {
		return -1
	}
	n, err := strconv.Atoi(string(f[17]))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// FuzzNumThreads checks the allocation-free numThreads against the
// reference on stat lines (5.15 and 6.8 kernels) and arbitrary bytes.
func FuzzNumThreads(f *testing.F) {
	for _, s := range []string{
		"1043 (sshd) S 1 1043 1043 0 -1 4210944 1234 0 0 0 12 5 0 0 20 0 1 0 1234 17000000 1200 18446744073709551615 1 1 0 0 0 0 0 4096 81925 0 0 0 17 3 0 0 0 0 0\n",
		"2231 (java (worker)) S 1 2200 2200 0 -1 4194368 20 0 0 0 120 30 0 0 20 0 55 0 300 1000000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 2 0 0 0 0 0\n",
		"5 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 +0012 0",
		"5 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 -3 0",
		"5 (x) S\u00a01 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 7 0",
		"5 (x)\tS\v1\f1\r1 0 -1 0 0 0 0 0 0 0 0 0 20 0 99999999999 0",
		"no paren", "5 (x) S 1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := numThreads(b), numThreadsFields(b); got != want {
			t.Errorf("numThreads(%q) = %d, want %d", b, got, want)
		}
	})
}

// FuzzCPUListsInterned: the interned lists and masks equal what the
// parsers give (twice: parsed, then from the cache), errors included.
func FuzzCPUListsInterned(f *testing.F) {
	for _, s := range []string{"0-511\n", "0-3,8,10-11", "", " 7 ", "ffffffff,ffffffff\n", "00000000,00000000", "zz", "0-", "\v1\v"} {
		f.Add([]byte(s))
	}
	var c cpuLists
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, trim := range []bool{false, true} {
			s := string(b)
			if trim {
				s = strings.TrimSpace(s)
			}
			want, werr := safe(func() ([]int, error) { return parse.CPUList(s) })
			wantM, werrM := safe(func() ([]int, error) { return parse.CPUMask(strings.TrimSpace(string(b))) })
			for range 2 {
				got, gerr := c.list(b, trim)
				if (werr == nil) != (gerr == nil) || (werr == nil && !slices.Equal(got, want)) {
					t.Fatalf("list(%q, %v) = %v, %v; want %v, %v", b, trim, got, gerr, want, werr)
				}
				gotM, gerrM := c.maskTrimmed(b)
				if (werrM == nil) != (gerrM == nil) || (werrM == nil && !slices.Equal(gotM, wantM)) {
					t.Fatalf("maskTrimmed(%q) = %v, %v; want %v, %v", b, gotM, gerrM, wantM, werrM)
				}
			}
		}
	})
}
