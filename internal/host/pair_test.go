package host

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC)

func TestDelta32(t *testing.T) {
	tests := []struct{ old, new, want uint64 }{
		{0, 0, 0},
		{5, 17, 12},
		{0xFFFFFFF0, 0x10, 0x20}, // wrap
		{0xFFFFFFFF, 0, 1},
		{1, 0, 0xFFFFFFFF},             // a "decrease" is a near-full wrap: /proc/interrupts cannot reset without a new series
		{4294967000, 4294967295, 295},  // Meituan: cells above 4.2e9
		{0x100000005, 0x200000007, 2},  // only the low 32 bits count
		{0xFFFFFFFFFFFFFFFF, 0x0, 0x1}, // hostile values stay in range
	}
	for _, tt := range tests {
		if got := Delta32(tt.old, tt.new); got != tt.want {
			t.Errorf("Delta32(%#x, %#x) = %#x, want %#x", tt.old, tt.new, got, tt.want)
		}
	}
}

func TestDelta64(t *testing.T) {
	tests := []struct {
		name     string
		old, new uint64
		want     uint64
		ok       bool
	}{
		{"growth", 1000, 1500, 500, true},
		{"unchanged", 7, 7, 0, true},
		{"64-bit growth", 5_000_000_000, 5_000_000_100, 100, true},
		{"32-bit wrap", 0xFFFFFFF0, 0x10, 0x20, true},
		{"32-bit wrap from just above 2^31", 0x80000010, 0x5, 0x7FFFFFF5, true},
		{"64-bit reset (driver reload)", 5_000_000_000, 100, 0, false},
		{"small reset", 1000, 10, 0, false},
		{"decrease too large for one wrap", 0x80000010, 0x20, 0, false},
		{"old exactly 2^31", 0x80000000, 0, 0, false},
		{"max uint64 to zero", 0xFFFFFFFFFFFFFFFF, 0, 0, false},
	}
	for _, tt := range tests {
		got, ok := Delta64(tt.old, tt.new)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: Delta64(%#x, %#x) = %#x, %v; want %#x, %v", tt.name, tt.old, tt.new, got, ok, tt.want, tt.ok)
		}
	}
}

func bootID(s *Snapshot, id string) *Snapshot {
	s.Sysctls = map[string]string{SysctlBootID: id}
	return s
}

func TestNewPair(t *testing.T) {
	boot := t0.Add(-48 * time.Hour)
	snap := func(host string, bt time.Time, at time.Time) *Snapshot {
		return &Snapshot{Hostname: host, BootTime: bt, Time: at}
	}
	tests := []struct {
		name     string
		a, b     *Snapshot
		interval time.Duration
		err      string // substring; "" = no error
		reboot   bool   // a pair of different boots: no deltas
	}{
		{"five seconds apart", snap("web1", boot, t0), snap("web1", boot, t0.Add(5*time.Second)), 5 * time.Second, "", false},
		{"btime jitter of one second", snap("web1", boot, t0), snap("web1", boot.Add(time.Second), t0.Add(time.Second)), time.Second, "", false},
		{"boot time unknown in one", snap("web1", time.Time{}, t0), snap("web1", boot, t0.Add(time.Minute)), time.Minute, "", false},
		{"hostname unknown in one", snap("", boot, t0), snap("web1", boot, t0.Add(time.Minute)), time.Minute, "", false},
		{"different hosts", snap("web1", boot, t0), snap("web2", boot, t0.Add(time.Second)), 0, "different hosts", false},
		{"rebooted between", snap("web1", boot, t0), snap("web1", boot.Add(time.Hour), t0.Add(2*time.Hour)), 2 * time.Hour, "", true},
		{"boot time 3 s apart", snap("web1", boot, t0), snap("web1", boot.Add(-3*time.Second), t0.Add(time.Second)), time.Second, "", true},
		{"boot id changed", bootID(snap("web1", time.Time{}, t0), "a1"), bootID(snap("web1", time.Time{}, t0.Add(time.Second)), "b2"), time.Second, "", true},
		{"boot id the same", bootID(snap("web1", time.Time{}, t0), "a1"), bootID(snap("web1", time.Time{}, t0.Add(time.Second)), "a1"), time.Second, "", false},
		{"reversed", snap("web1", boot, t0.Add(5*time.Second)), snap("web1", boot, t0), 0, "not later", false},
		{"same time", snap("web1", boot, t0), snap("web1", boot, t0), 0, "same time", false},
		{"no time", snap("web1", boot, time.Time{}), snap("web1", boot, t0), 0, "no collection time", false},
		{"nil", nil, snap("web1", boot, t0), 0, "two samples", false},
		{"a day and a second apart", snap("web1", boot, t0), snap("web1", boot, t0.Add(MaxPairInterval+time.Second)), 0, "more than 24h apart", false},
		{"exactly a day apart", snap("web1", boot, t0), snap("web1", boot, t0.Add(MaxPairInterval)), MaxPairInterval, "", false},
		{"1970 and 9999 (Duration would saturate)", snap("web1", time.Time{}, time.Unix(0, 0)), snap("web1", time.Time{}, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)), 0, "more than 24h apart", false},
		{"year 1 and 9999", snap("web1", time.Time{}, time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)), snap("web1", time.Time{}, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)), 0, "more than 24h apart", false},
		{"both dated 1970, 5 s apart", snap("web1", time.Time{}, time.Unix(10, 0)), snap("web1", time.Time{}, time.Unix(15, 0)), 5 * time.Second, "", false},
	}
	for _, tt := range tests {
		p, err := NewPair(tt.a, tt.b)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			if p != nil {
				t.Errorf("%s: pair returned with error", tt.name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if p.Interval != tt.interval || p.Before != tt.a || p.After != tt.b || !p.TwoSample() || p.Latest() != tt.b {
			t.Errorf("%s: got %+v", tt.name, p)
		}
		if got := p.Rebooted() != ""; got != tt.reboot {
			t.Errorf("%s: Rebooted() = %q, want a reboot %v", tt.name, p.Rebooted(), tt.reboot)
		}
		if tt.reboot {
			ds := p.Discontinuities()
			if len(ds) != 1 || ds[0].Kind != DiscReboot {
				t.Errorf("%s: discontinuities %+v, want one reboot", tt.name, ds)
			}
		}
	}
}

func TestSingle(t *testing.T) {
	s := sampleA()
	p := Single(s)
	if p.TwoSample() || p.Before != nil || p.Latest() != s || p.Interval != 0 {
		t.Fatalf("Single: %+v", p)
	}
	if d, ok := p.IRQDelta(40); ok || d != nil {
		t.Error("IRQDelta on a single sample")
	}
	if _, ok := p.SoftnetDelta(0); ok {
		t.Error("SoftnetDelta on a single sample")
	}
	if d := p.SoftirqDelta("NET_RX"); d != nil {
		t.Error("SoftirqDelta on a single sample")
	}
	if _, ok := p.CPUTimeDelta(0); ok {
		t.Error("CPUTimeDelta on a single sample")
	}
	if _, ok := p.NICStatDelta("eth0", "rx_bytes"); ok {
		t.Error("NICStatDelta on a single sample")
	}
	if _, ok := p.EthtoolStatDelta("eth0", "rx_missed_errors"); ok {
		t.Error("EthtoolStatDelta on a single sample")
	}
	if _, ok := p.NetStatDelta("TcpExt", "PAWSPassive"); ok {
		t.Error("NetStatDelta on a single sample")
	}
	if _, ok := p.ThreadCPUDelta(100, 100); ok {
		t.Error("ThreadCPUDelta on a single sample")
	}
	var nilPair *Pair
	if nilPair.TwoSample() || nilPair.Latest() != nil {
		t.Error("nil pair")
	}
}

// sampleA and sampleB are two samples 5 s apart of a 4-CPU host. Between
// them CPU 2 went offline, IRQ 44 vanished, IRQ 45 appeared, IRQ 43 was
// re-requested by another driver, eth1 vanished, the ixgbe driver of eth0
// reset its ethtool counters, and one thread ID was reused.
func sampleA() *Snapshot {
	return &Snapshot{
		Hostname: "db1", Time: t0, BootTime: t0.Add(-time.Hour),
		Interrupts: Interrupts{
			CPUs: []int{0, 1, 2, 3},
			IRQs: []IRQ{
				{Num: 40, Chip: "IR-PCI-MSI", HWIRQ: "524288", Counts: []uint64{100, 0xFFFFFFF0, 5, 7}, Actions: []string{"eth0-TxRx-0"}},
				{Num: 41, Chip: "IR-PCI-MSI", HWIRQ: "524289", Counts: []uint64{1, 2, 3, 4}, Actions: []string{"eth0-TxRx-1"}},
				{Num: 42, Chip: "IO-APIC", Counts: []uint64{10, 10, 10}, Actions: []string{"ehci_hcd:usb1", "eth1"}}, // short row
				{Num: 43, Chip: "IR-PCI-MSI", Counts: []uint64{1, 1, 1, 1}, Actions: []string{"eth2-TxRx-0"}},
				{Num: 44, Chip: "IR-PCI-MSI", Counts: []uint64{9, 9, 9, 9}, Actions: []string{"eth2-TxRx-1"}},
			},
		},
		Softnet: []SoftnetRow{
			{CPU: 0, CPUFromIndex: true, Processed: 0xFFFFFF00, Dropped: 3, TimeSqueeze: 10, BacklogLen: 4, Columns: 13},
			{CPU: 1, CPUFromIndex: true, Processed: 50, Dropped: 0, Columns: 13},
			{CPU: 2, CPUFromIndex: true, Processed: 70, Columns: 13},
			{CPU: -1, Processed: 1, Columns: 9},
		},
		Softirqs: Softirqs{CPUs: []int{0, 1, 2, 3}, Counts: map[string][]uint64{
			"NET_RX": {1000, 0xFFFFFFFF, 5, 0},
			"TIMER":  {1, 1, 1, 1},
			"BLOCK":  {1, 1, 1, 1},
		}},
		CPUTimes: []CPUTime{
			{CPU: 0, User: 100, System: 50, Idle: 1000, IOWait: 30, SoftIRQ: 7},
			{CPU: 2, User: 1, Idle: 1},
		},
		NICs: []NIC{
			{Name: "eth0", Stats: map[string]uint64{"rx_bytes": 0xFFFFFFF0, "rx_missed_errors": 5_000_000_000, "rx_fifo_errors": 10},
				NetDev:       map[string]uint64{"rx_fifo": 10, "rx_drop": 3, "rx_bytes": 1},
				EthtoolStats: map[string]uint64{"rx_missed_errors": 900, "rx_no_dma_resources": 10}},
			{Name: "eth1", Stats: map[string]uint64{"rx_bytes": 1}},
			{Name: "eth3", NetDev: map[string]uint64{"rx_fifo": 100, "rx_drop": 5, "rx_multicast": 1}},
		},
		NetStats: map[string]map[string]int64{
			"TcpExt": {"PAWSPassive": 10, "ListenDrops": 0},
			"Tcp":    {"CurrEstab": 50, "MaxConn": -1},
		},
		Procs: []Proc{
			{PID: 100, Comm: "nginx", Threads: []Thread{
				{TID: 100, Comm: "nginx", CPU: 1, UTime: 500, STime: 100, CPUKnown: true},
				{TID: 101, Comm: "nginx", CPU: 2, UTime: 5, STime: 1, CPUKnown: true},
				{TID: 102, Comm: "worker", CPU: 3, UTime: 5, STime: 1, CPUKnown: true},
				{TID: 103, Comm: "nginx", CPU: 3, CPUKnown: false},
			}},
			{PID: 200, Comm: "redis", Threads: []Thread{{TID: 200, Comm: "redis", UTime: 10, STime: 10, CPUKnown: true}}},
		},
	}
}

func sampleB() *Snapshot {
	return &Snapshot{
		Hostname: "db1", Time: t0.Add(5 * time.Second), BootTime: t0.Add(-time.Hour),
		Interrupts: Interrupts{
			CPUs: []int{0, 1, 3}, // CPU 2 went offline
			IRQs: []IRQ{
				{Num: 40, Chip: "IR-PCI-MSI", HWIRQ: "524288", Counts: []uint64{150, 0x10, 9}, Actions: []string{"eth0-TxRx-0"}},
				{Num: 41, Chip: "IR-PCI-MSI", HWIRQ: "524289", Counts: []uint64{1, 2, 4}, Actions: []string{"eth0-TxRx-1"}},
				{Num: 42, Chip: "IO-APIC", Counts: []uint64{11, 12, 13}, Actions: []string{"eth1", "ehci_hcd:usb1"}},
				{Num: 43, Chip: "IR-PCI-MSI", Counts: []uint64{2, 2, 2}, Actions: []string{"nvme0q1"}},
				{Num: 45, Chip: "IR-PCI-MSI", Counts: []uint64{3, 3, 3}, Actions: []string{"eth2-TxRx-1"}},
			},
		},
		Softnet: []SoftnetRow{
			{CPU: 0, CPUFromIndex: true, Processed: 0x100, Dropped: 8, TimeSqueeze: 10, BacklogLen: 2, InputQLen: 1, Columns: 13},
			{CPU: 1, CPUFromIndex: false, Processed: 60, Dropped: 0, Columns: 11},
			{CPU: 3, CPUFromIndex: true, Processed: 1, Columns: 13},
			{CPU: -1, Processed: 5, Columns: 9},
		},
		Softirqs: Softirqs{CPUs: []int{0, 1, 2, 3}, Counts: map[string][]uint64{
			"NET_RX": {1500, 0x9, 5, 0},
			"TIMER":  {2, 2, 1, 2},
			// BLOCK missing (renamed on another kernel)
		}},
		CPUTimes: []CPUTime{
			{CPU: 0, User: 300, System: 60, Idle: 1400, IOWait: 20, SoftIRQ: 57},
			{CPU: 3, User: 9},
		},
		NICs: []NIC{
			{Name: "eth0", Stats: map[string]uint64{"rx_bytes": 0x10, "rx_missed_errors": 7, "rx_fifo_errors": 15},
				NetDev:       map[string]uint64{"rx_fifo": 99, "rx_drop": 4, "rx_bytes": 2},
				EthtoolStats: map[string]uint64{"rx_missed_errors": 3, "rx_no_dma_resources": 12}},
			{Name: "eth3", NetDev: map[string]uint64{"rx_fifo": 160, "rx_drop": 9, "rx_multicast": 4}},
		},
		NetStats: map[string]map[string]int64{
			"TcpExt": {"PAWSPassive": 25},
			"Tcp":    {"CurrEstab": 40, "MaxConn": -1},
		},
		Procs: []Proc{
			{PID: 100, Comm: "nginx", Threads: []Thread{
				{TID: 100, Comm: "nginx", CPU: 1, UTime: 650, STime: 120, CPUKnown: true},
				{TID: 101, Comm: "nginx", CPU: 2, UTime: 1, STime: 1, CPUKnown: true}, // new thread, same TID
				{TID: 102, Comm: "worker-2", CPU: 3, UTime: 6, STime: 1, CPUKnown: true},
				{TID: 103, Comm: "nginx", CPU: 3, UTime: 5, CPUKnown: true},
			}},
		},
	}
}

func mustPair(t testing.TB) *Pair {
	t.Helper()
	p, err := NewPair(sampleA(), sampleB())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIRQDelta(t *testing.T) {
	p := mustPair(t)
	tests := []struct {
		name string
		irq  int
		want map[int]uint64
		ok   bool
	}{
		{"wrap on CPU 1, CPU 2 offline", 40, map[int]uint64{0: 50, 1: 0x20, 3: 2}, true},
		{"idle", 41, map[int]uint64{0: 0, 1: 0, 3: 0}, true},
		{"short row, shared IRQ with actions reordered", 42, map[int]uint64{0: 1, 1: 2}, true},
		{"re-requested by another driver", 43, nil, false},
		{"vanished", 44, nil, false},
		{"appeared", 45, nil, false},
		{"unknown", 9999, nil, false},
	}
	for _, tt := range tests {
		got, ok := p.IRQDelta(tt.irq)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: IRQDelta(%d) = %v, %v; want %v, %v", tt.name, tt.irq, got, ok, tt.want, tt.ok)
		}
	}
	// Chip or HWIRQ change: a new series.
	a, b := sampleA(), sampleB()
	b.Interrupts.IRQs[0].HWIRQ = "524300"
	b.Interrupts.IRQs[1].Chip = "PCI-MSI"
	p2, _ := NewPair(a, b)
	if _, ok := p2.IRQDelta(40); ok {
		t.Error("HWIRQ changed but IRQDelta ok")
	}
	if _, ok := p2.IRQDelta(41); ok {
		t.Error("chip changed but IRQDelta ok")
	}
}

func TestSoftnetDelta(t *testing.T) {
	p := mustPair(t)
	tests := []struct {
		cpu  int
		want SoftnetRow
		ok   bool
	}{
		{0, SoftnetRow{CPU: 0, CPUFromIndex: true, Processed: 0x200, Dropped: 5, TimeSqueeze: 0, BacklogLen: 2, InputQLen: 1, Columns: 13}, true},
		{1, SoftnetRow{CPU: 1, CPUFromIndex: false, Processed: 10, Columns: 11}, true},
		{2, SoftnetRow{}, false}, // offline in B
		{3, SoftnetRow{}, false}, // online only in B
		{-1, SoftnetRow{}, false},
	}
	for _, tt := range tests {
		got, ok := p.SoftnetDelta(tt.cpu)
		if ok != tt.ok || got != tt.want {
			t.Errorf("SoftnetDelta(%d) = %+v, %v; want %+v, %v", tt.cpu, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSoftirqDelta(t *testing.T) {
	p := mustPair(t)
	tests := []struct {
		name string
		want map[int]uint64
	}{
		{"NET_RX", map[int]uint64{0: 500, 1: 10, 2: 0, 3: 0}},
		{"TIMER", map[int]uint64{0: 1, 1: 1, 2: 0, 3: 1}},
		{"BLOCK", nil},
		{"NET_TX", nil},
	}
	for _, tt := range tests {
		if got := p.SoftirqDelta(tt.name); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SoftirqDelta(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
	// Header changed (possible CPUs differ: another kernel command line).
	a, b := sampleA(), sampleB()
	b.Softirqs.CPUs = []int{0, 1, 3}
	b.Softirqs.Counts["NET_RX"] = []uint64{1500, 9, 0}
	p2, _ := NewPair(a, b)
	if got, want := p2.SoftirqDelta("NET_RX"), map[int]uint64{0: 500, 1: 10, 3: 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("changed header: %v, want %v", got, want)
	}
}

func TestCPUTimeDelta(t *testing.T) {
	p := mustPair(t)
	got, ok := p.CPUTimeDelta(0)
	want := CPUTime{CPU: 0, User: 200, System: 10, Idle: 400, IOWait: 0 /* went back */, SoftIRQ: 50}
	if !ok || got != want {
		t.Errorf("CPUTimeDelta(0) = %+v, %v; want %+v", got, ok, want)
	}
	for _, cpu := range []int{2, 3, 7} {
		if _, ok := p.CPUTimeDelta(cpu); ok {
			t.Errorf("CPUTimeDelta(%d) ok, want false", cpu)
		}
	}
}

func TestNICStatDelta(t *testing.T) {
	p := mustPair(t)
	tests := []struct {
		name, nic, stat string
		want            uint64
		ok              bool
	}{
		{"32-bit wrap in sysfs", "eth0", "rx_bytes", 0x20, true},
		{"64-bit reset", "eth0", "rx_missed_errors", 0, false},
		{"sysfs preferred over /proc/net/dev", "eth0", "rx_fifo_errors", 5, true},
		{"NIC vanished", "eth1", "rx_bytes", 0, false},
		{"NIC unknown", "eth9", "rx_bytes", 0, false},
		{"stat unknown", "eth0", "rx_over_errors", 0, false},
		{"/proc/net/dev fallback", "eth3", "rx_fifo_errors", 60, true},
		{"/proc/net/dev fallback multicast", "eth3", "multicast", 3, true},
		{"no fallback for rx_dropped (a sum in /proc/net/dev)", "eth3", "rx_dropped", 0, false},
	}
	for _, tt := range tests {
		got, ok := p.NICStatDelta(tt.nic, tt.stat)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: NICStatDelta(%s, %s) = %d, %v; want %d, %v", tt.name, tt.nic, tt.stat, got, ok, tt.want, tt.ok)
		}
	}
}

func TestEthtoolStatDelta(t *testing.T) {
	p := mustPair(t)
	tests := []struct {
		nic, stat string
		want      uint64
		ok        bool
	}{
		{"eth0", "rx_no_dma_resources", 2, true},
		{"eth0", "rx_missed_errors", 0, false}, // 900 → 3: counters reset by the driver
		{"eth0", "tx_timeout_count", 0, false},
		{"eth1", "rx_no_dma_resources", 0, false},
	}
	for _, tt := range tests {
		got, ok := p.EthtoolStatDelta(tt.nic, tt.stat)
		if got != tt.want || ok != tt.ok {
			t.Errorf("EthtoolStatDelta(%s, %s) = %d, %v; want %d, %v", tt.nic, tt.stat, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNetStatDelta(t *testing.T) {
	p := mustPair(t)
	tests := []struct {
		group, name string
		want        int64
		ok          bool
	}{
		{"TcpExt", "PAWSPassive", 15, true},
		{"Tcp", "CurrEstab", -10, true}, // a gauge
		{"Tcp", "MaxConn", 0, true},
		{"TcpExt", "ListenDrops", 0, false}, // missing in B
		{"Udp", "RcvbufErrors", 0, false},
	}
	for _, tt := range tests {
		got, ok := p.NetStatDelta(tt.group, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NetStatDelta(%s, %s) = %d, %v; want %d, %v", tt.group, tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestThreadCPUDelta(t *testing.T) {
	p := mustPair(t)
	tests := []struct {
		name     string
		pid, tid int
		want     uint64
		ok       bool
	}{
		{"busy main thread", 100, 100, 170, true},
		{"TID reused: time went backwards", 100, 101, 0, false},
		{"renamed: treated as a new thread", 100, 102, 0, false},
		{"no CPU time in the first sample", 100, 103, 0, false},
		{"process exited", 200, 200, 0, false},
		{"unknown", 300, 300, 0, false},
		{"thread of another process", 200, 100, 0, false},
	}
	for _, tt := range tests {
		got, ok := p.ThreadCPUDelta(tt.pid, tt.tid)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: ThreadCPUDelta(%d, %d) = %d, %v; want %d, %v", tt.name, tt.pid, tt.tid, got, ok, tt.want, tt.ok)
		}
	}
}

// TestPairConcurrent runs every delta from many goroutines on a fresh pair:
// with -race it checks that the lazily built indexes are safe.
func TestPairConcurrent(t *testing.T) {
	p := mustPair(t)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if d, ok := p.IRQDelta(40); !ok || d[1] != 0x20 {
					t.Errorf("IRQDelta(40) = %v, %v", d, ok)
					return
				}
				p.SoftnetDelta(0)
				p.SoftirqDelta("NET_RX")
				p.CPUTimeDelta(0)
				p.NICStatDelta("eth0", "rx_bytes")
				p.EthtoolStatDelta("eth0", "rx_no_dma_resources")
				p.NetStatDelta("TcpExt", "PAWSPassive")
				p.ThreadCPUDelta(100, 100)
			}
		}()
	}
	wg.Wait()
}

// FuzzDelta64 checks the counter rule's invariants: growth is exact, a wrap
// is one 32-bit wrap of less than 2^31, and anything else is refused.
func FuzzDelta64(f *testing.F) {
	f.Add(uint64(0xFFFFFFF0), uint64(0x10))
	f.Add(uint64(5_000_000_000), uint64(100))
	f.Add(uint64(0x80000010), uint64(0x5))
	f.Fuzz(func(t *testing.T, old, new uint64) {
		d, ok := Delta64(old, new)
		switch {
		case new >= old:
			if !ok || d != new-old {
				t.Fatalf("growth %d → %d: %d, %v", old, new, d, ok)
			}
		case ok:
			if old >= 1<<32 || d >= 1<<31 || uint32(old+d) != uint32(new) {
				t.Fatalf("wrap %#x → %#x: %#x", old, new, d)
			}
		case d != 0:
			t.Fatalf("refused with d = %d", d)
		}
		if got := Delta32(old, new); uint32(old)+uint32(got) != uint32(new) || got >= 1<<32 {
			t.Fatalf("Delta32(%#x, %#x) = %#x", old, new, got)
		}
	})
}
