package host

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestCounterDelta(t *testing.T) {
	const two32 = 1 << 32
	bound1s := rateBound(MaxIRQRate, 1) // one second of interrupts
	tests := []struct {
		name     string
		w        CounterWidth
		old, new uint64
		bound    uint64
		want     uint64
		kind     string
	}{
		{"32-bit growth", Width32, 10, 25, bound1s, 15, ""},
		{"32-bit wrap, plausible", Width32, 0xFFFFFFF0, 0x10, bound1s, 0x20, ""},
		{"32-bit decrease: a reset, not 4 billion interrupts", Width32, 1_000_000, 500, bound1s, 0, DiscReset},
		{"32-bit decrease without a bound is a wrap", Width32, 1_000_000, 500, 0, two32 - 1_000_000 + 500, ""},
		{"32-bit growth beyond any CPU", Width32, 0, 4_000_000_000, bound1s, 0, DiscImplausible},
		{"32-bit uses the low 32 bits", Width32, two32 + 5, 7, bound1s, 2, ""},
		{"sysfs 32-bit wrap", Width64Wrap32, 0xFFFFFFF0, 0x10, 1000, 0x20, ""},
		{"sysfs wrap beyond the link", Width64Wrap32, 0x80000010, 0x7FFFFFF0, 1000, 0, DiscReset},
		{"sysfs decrease of a 64-bit value", Width64Wrap32, 5_000_000_000, 3, 0, 0, DiscReset},
		{"sysfs small decrease", Width64Wrap32, 900, 3, 0, 0, DiscReset},
		{"ethtool decrease is a reset even where a wrap fits", Width64, 0xFFFFFFF0, 0x10, 0, 0, DiscReset},
		{"64-bit counter jumps to 2^64-1", Width64, 10, math.MaxUint64, 1_000_000, 0, DiscImplausible},
		{"64-bit counter at 2^64-1 stays", Width64, math.MaxUint64, math.MaxUint64, 1_000_000, 0, ""},
		{"64-bit growth within the bound", Width64, 10, 1_000_010, 1_000_000, 1_000_000, ""},
		{"64-bit growth just above the bound", Width64, 10, 1_000_011, 1_000_000, 0, DiscImplausible},
	}
	for _, tt := range tests {
		got, kind, reason := CounterDelta(tt.w, tt.old, tt.new, tt.bound)
		if got != tt.want || kind != tt.kind {
			t.Errorf("%s: CounterDelta(%v, %d, %d, %d) = %d, %q (%s); want %d, %q", tt.name, tt.w, tt.old, tt.new, tt.bound, got, kind, reason, tt.want, tt.kind)
		}
		if (kind == "") != (reason == "") {
			t.Errorf("%s: kind %q with reason %q", tt.name, kind, reason)
		}
	}
}

func TestLinkPacketRate(t *testing.T) {
	if r := LinkPacketRate(1000); r < 1.48e6 || r > 1.49e6 {
		t.Errorf("1 Gb/s: %.0f frames/s, want about 1.488 million", r)
	}
	if LinkPacketRate(-1) != LinkPacketRate(MaxLinkSpeedMbps) || LinkPacketRate(10_000_000) != LinkPacketRate(MaxLinkSpeedMbps) {
		t.Error("unknown or absurd speeds must take the widest bound")
	}
	if nicCounterRate("rx_bytes", 1000) != 125e6 || nicCounterRate("rx_missed_errors", 1000) != LinkPacketRate(1000) {
		t.Error("byte counters are bounded by the bit rate, others by the frame rate")
	}
}

// counterPair is a 60 s pair of one host whose counters do every kind of
// thing: grow, wrap, go back, jump to 2^64-1, and whose IRQs are kept,
// renumbered by a driver reload, re-created with another hardware IRQ, or new.
func counterPair(t *testing.T) *Pair {
	t.Helper()
	a := &Snapshot{
		Hostname: "h", Time: t0,
		Interrupts: Interrupts{CPUs: []int{0, 1}, IRQs: []IRQ{
			{Num: 30, Chip: "IR-PCI-MSI", HWIRQ: "1", Counts: []uint64{100, 100}, Actions: []string{"eth0-TxRx-0"}},
			{Num: 31, Chip: "IR-PCI-MSI", HWIRQ: "2", Counts: []uint64{1_000_000, 10}, Actions: []string{"eth0-TxRx-1"}},
			{Num: 32, Chip: "IR-PCI-MSI", HWIRQ: "3", Counts: []uint64{0xFFFFFF00, 0}, Actions: []string{"eth0-TxRx-2"}},
			{Num: 33, Chip: "IR-PCI-MSI", HWIRQ: "4", Counts: []uint64{5, 5}, Actions: []string{"eth1-TxRx-0"}},
			{Num: 34, Chip: "IR-PCI-MSI", HWIRQ: "5", Counts: []uint64{5, 5}, Actions: []string{"eth1-TxRx-1"}},
			{Num: 35, Chip: "IR-PCI-MSI", HWIRQ: "6", Counts: []uint64{5, 5}, Actions: []string{"eth1-TxRx-2"}},
		}},
		Softnet: []SoftnetRow{{CPU: 0, Processed: 100, Dropped: 50}, {CPU: 1, Processed: 100}},
		Softirqs: Softirqs{CPUs: []int{0, 1}, Counts: map[string][]uint64{
			"NET_RX": {100, 100}, "TIMER": {5_000_000, 5},
		}},
		NICs: []NIC{
			{Name: "eth0", Speed: 1000, Stats: map[string]uint64{"rx_missed_errors": 10, "rx_packets": 0xFFFFFF00, "rx_fifo_errors": 7},
				EthtoolStats: map[string]uint64{"rx_missed_errors": 10, "rx_no_dma_resources": 900}},
			{Name: "eth1", Speed: -1, Stats: map[string]uint64{"rx_packets": 1000}},
		},
	}
	b := &Snapshot{
		Hostname: "h", Time: t0.Add(time.Minute),
		Interrupts: Interrupts{CPUs: []int{0, 1}, IRQs: []IRQ{
			{Num: 30, Chip: "IR-PCI-MSI", HWIRQ: "1", Counts: []uint64{6100, 100}, Actions: []string{"eth0-TxRx-0"}},
			{Num: 31, Chip: "IR-PCI-MSI", HWIRQ: "2", Counts: []uint64{500, 10}, Actions: []string{"eth0-TxRx-1"}},
			{Num: 32, Chip: "IR-PCI-MSI", HWIRQ: "3", Counts: []uint64{0x100, 0}, Actions: []string{"eth0-TxRx-2"}},
			{Num: 34, Chip: "IR-PCI-MSI", HWIRQ: "9", Counts: []uint64{5, 0}, Actions: []string{"eth1-TxRx-1"}},
			{Num: 60, Chip: "IR-PCI-MSI", HWIRQ: "4", Counts: []uint64{70, 0}, Actions: []string{"eth1-TxRx-0"}},
			{Num: 61, Chip: "IR-PCI-MSI", HWIRQ: "7", Counts: []uint64{70, 0}, Actions: []string{"eth9-rx-0"}},
		}},
		Softnet: []SoftnetRow{{CPU: 0, Processed: 160, Dropped: 3}, {CPU: 1, Processed: 200}},
		Softirqs: Softirqs{CPUs: []int{0, 1}, Counts: map[string][]uint64{
			"NET_RX": {160, 200}, "TIMER": {7, 5},
		}},
		NICs: []NIC{
			{Name: "eth0", Speed: 1000, Stats: map[string]uint64{"rx_missed_errors": 12, "rx_packets": 0x100, "rx_fifo_errors": 3},
				EthtoolStats: map[string]uint64{"rx_missed_errors": math.MaxUint64, "rx_no_dma_resources": 950}},
			{Name: "eth1", Speed: -1, Stats: map[string]uint64{"rx_packets": 2000}},
		},
	}
	p, err := NewPair(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPairCounterRules(t *testing.T) {
	p := counterPair(t)
	if m, ok := p.IRQDelta(30); !ok || m[0] != 6000 || m[1] != 0 {
		t.Errorf("IRQ 30 (plain growth): %v %v", m, ok)
	}
	if _, ok := p.IRQDelta(31); ok {
		t.Error("IRQ 31 went from 1,000,000 to 500 in 60 s: a reset, not 71.6 million interrupts/s")
	}
	if m, ok := p.IRQDelta(32); !ok || m[0] != 0x200 {
		t.Errorf("IRQ 32 (a real 32-bit wrap): %v %v", m, ok)
	}
	for _, n := range []int{34, 60, 61} {
		if _, ok := p.IRQDelta(n); ok {
			t.Errorf("IRQ %d has no series over the interval", n)
		}
	}
	for _, tt := range []struct {
		irq    int
		before int
		kind   string
	}{
		{30, 30, ""}, {31, 31, ""}, {34, 34, DiscRecreated}, {60, 33, DiscRecreated}, {61, -1, DiscAppeared},
	} {
		m, ok := p.MatchIRQ(tt.irq)
		if !ok || m.Before != tt.before || m.Kind != tt.kind {
			t.Errorf("MatchIRQ(%d) = %+v, %v; want before %d kind %q", tt.irq, m, ok, tt.before, tt.kind)
		}
	}
	if tot := p.IRQTotals(); tot[0] != 6000+0x200 || tot[1] != 0 {
		t.Errorf("IRQTotals must leave out discontinuous IRQs: %v", tot)
	}
	if _, ok := p.SoftnetDelta(0); ok {
		t.Error("softnet CPU 0 dropped went 50 → 3: a reset")
	}
	if d, ok := p.SoftnetDelta(1); !ok || d.Processed != 100 {
		t.Errorf("softnet CPU 1: %+v %v", d, ok)
	}
	if p.SoftirqDelta("TIMER") != nil {
		t.Error("TIMER went 5,000,000 → 7 on CPU 0: a reset, the series has no value")
	}
	if d := p.SoftirqDelta("NET_RX"); d[0] != 60 || d[1] != 100 {
		t.Errorf("NET_RX: %v", d)
	}
	for _, tt := range []struct {
		name   string
		get    func() (uint64, bool)
		want   uint64
		wantOK bool
	}{
		{"sysfs growth", func() (uint64, bool) { return p.NICStatDelta("eth0", "rx_missed_errors") }, 2, true},
		{"sysfs 32-bit wrap within the link rate", func() (uint64, bool) { return p.NICStatDelta("eth0", "rx_packets") }, 0x200, true},
		{"sysfs reset", func() (uint64, bool) { return p.NICStatDelta("eth0", "rx_fifo_errors") }, 0, false},
		{"ethtool counter at 2^64-1", func() (uint64, bool) { return p.EthtoolStatDelta("eth0", "rx_missed_errors") }, 0, false},
		{"ethtool growth", func() (uint64, bool) { return p.EthtoolStatDelta("eth0", "rx_no_dma_resources") }, 50, true},
		{"unknown speed: the widest bound", func() (uint64, bool) { return p.NICStatDelta("eth1", "rx_packets") }, 1000, true},
	} {
		got, ok := tt.get()
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}

	want := map[string]string{
		"interrupts IRQ 31 (eth0-TxRx-1)":     DiscReset,
		"interrupts IRQ 34 (eth1-TxRx-1)":     DiscRecreated,
		"interrupts IRQ 60 (eth1-TxRx-0)":     DiscRecreated,
		"interrupts IRQ 61 (eth9-rx-0)":       DiscAppeared,
		"interrupts IRQ 35 (eth1-TxRx-2)":     DiscVanished,
		"softnet_stat CPU 0 dropped":          DiscReset,
		"softirqs TIMER":                      DiscReset,
		"nic_sysfs eth0 rx_fifo_errors":       DiscReset,
		"ethtool_stats eth0 rx_missed_errors": DiscImplausible,
	}
	got := map[string]string{}
	for _, d := range p.Discontinuities() {
		got[d.Series()] = d.Kind
		if d.Reason == "" {
			t.Errorf("%s: no reason", d.Series())
		}
		if d.Series() == "interrupts IRQ 60 (eth1-TxRx-0)" && !strings.Contains(d.Reason, "was IRQ 33") {
			t.Errorf("renumbered IRQ reason: %s", d.Reason)
		}
		if d.Series() == "ethtool_stats eth0 rx_missed_errors" && !strings.Contains(d.Reason, "1000 Mb/s") {
			t.Errorf("implausible reason must name the link: %s", d.Reason)
		}
	}
	if len(got) != len(want) {
		t.Errorf("discontinuities %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: kind %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if w := strings.Join(p.Warnings(), "\n"); !strings.Contains(w, "boot time or boot id is unknown") {
		t.Errorf("warnings: %q", w)
	}
}

func TestPairRebootHasNoDeltas(t *testing.T) {
	a, b := sampleA(), sampleB()
	b.BootTime = b.Time.Add(-time.Minute)
	p, err := NewPair(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rebooted() == "" || !p.TwoSample() {
		t.Fatal("a reboot between samples must give a two-sample pair marked rebooted")
	}
	if _, ok := p.IRQDelta(41); ok {
		t.Error("IRQDelta after a reboot")
	}
	if _, ok := p.SoftnetDelta(1); ok {
		t.Error("SoftnetDelta after a reboot")
	}
	if p.SoftirqDelta("TIMER") != nil || p.IRQTotals() != nil {
		t.Error("SoftirqDelta or IRQTotals after a reboot")
	}
	if _, ok := p.CPUTimeDelta(0); ok {
		t.Error("CPUTimeDelta after a reboot")
	}
	if _, ok := p.NICStatDelta("eth0", "rx_fifo_errors"); ok {
		t.Error("NICStatDelta after a reboot")
	}
	if _, ok := p.EthtoolStatDelta("eth0", "rx_no_dma_resources"); ok {
		t.Error("EthtoolStatDelta after a reboot")
	}
	if _, ok := p.NetStatDelta("TcpExt", "PAWSPassive"); ok {
		t.Error("NetStatDelta after a reboot")
	}
	if _, ok := p.ThreadCPUDelta(100, 100); ok {
		t.Error("ThreadCPUDelta after a reboot")
	}
	if len(p.Warnings()) == 0 {
		t.Error("a reboot must be a warning")
	}
}

func TestPairWarnings(t *testing.T) {
	mk := func(at time.Time, counts uint64) *Snapshot {
		s := &Snapshot{Hostname: "h", Time: at, BootTime: time.Unix(1, 0),
			Interrupts: Interrupts{CPUs: []int{0}}}
		for i := range 6 {
			s.Interrupts.IRQs = append(s.Interrupts.IRQs, IRQ{Num: 40 + i, Chip: "PCI-MSI", Counts: []uint64{counts}, Actions: []string{"q" + string(rune('a'+i))}})
		}
		return s
	}
	tests := []struct {
		name string
		a, b *Snapshot
		want []string
	}{
		{"short interval, growing counters", mk(t0, 10), mk(t0.Add(5*time.Second), 20), nil},
		{"long interval", mk(t0, 10), mk(t0.Add(time.Hour), 20), []string{"1h0m0s apart"}},
		{"counters gone back", mk(t0, 9_000_000), mk(t0.Add(5*time.Second), 20), []string{"6 of 6 interrupt lines went back"}},
		{"clock not set", mk(time.Unix(100, 0), 10), mk(time.Unix(105, 0), 20), []string{"sample 1 is dated 1970", "sample 2 is dated 1970"}},
	}
	for _, tt := range tests {
		p, err := NewPair(tt.a, tt.b)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := p.Warnings()
		if len(got) != len(tt.want) {
			t.Errorf("%s: warnings %q, want %q", tt.name, got, tt.want)
			continue
		}
		for i, w := range tt.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: warning %q, want %q", tt.name, got[i], w)
			}
		}
	}
}

// FuzzCounterDelta checks the invariants of every width: an accepted delta
// never exceeds a non-zero bound, is the exact growth or one 32-bit wrap,
// and a 64-bit counter that decreases is never accepted; a refusal has a
// kind and a reason and no value.
func FuzzCounterDelta(f *testing.F) {
	f.Add(uint8(Width32), uint64(1_000_000), uint64(500), uint64(62_500_001))
	f.Add(uint8(Width64), uint64(10), uint64(math.MaxUint64), uint64(9_300_596))
	f.Add(uint8(Width64Wrap32), uint64(0xFFFFFFF0), uint64(0x10), uint64(1000))
	f.Add(uint8(Width64Wrap32), uint64(0x80000010), uint64(0x7FFFFFF0), uint64(0))
	f.Fuzz(func(t *testing.T, width uint8, old, new, bound uint64) {
		w := CounterWidth(width%3 + 1)
		d, kind, reason := CounterDelta(w, old, new, bound)
		if kind != "" {
			if d != 0 || reason == "" || (kind != DiscReset && kind != DiscImplausible) {
				t.Fatalf("%v %d → %d: refused as %q (%q) with %d", w, old, new, kind, reason, d)
			}
			return
		}
		if bound > 0 && d > bound {
			t.Fatalf("%v %d → %d: %d above the bound %d", w, old, new, d, bound)
		}
		switch w {
		case Width32:
			if uint32(old)+uint32(d) != uint32(new) || d >= 1<<32 {
				t.Fatalf("32-bit %#x → %#x: %#x", old, new, d)
			}
		case Width64:
			if new < old || d != new-old {
				t.Fatalf("64-bit %d → %d accepted as %d", old, new, d)
			}
		case Width64Wrap32:
			if new >= old && d != new-old {
				t.Fatalf("growth %d → %d: %d", old, new, d)
			}
			if new < old && (old >= 1<<32 || d >= 1<<31 || uint32(old+d) != uint32(new)) {
				t.Fatalf("wrap %#x → %#x: %#x", old, new, d)
			}
		}
	})
}

// FuzzPairIRQ: over any interval, an IRQ has an interval value exactly when
// Discontinuities does not list it, and its rate never exceeds MaxIRQRate
// (with PlausibilitySlack).
func FuzzPairIRQ(f *testing.F) {
	f.Add(uint64(1_000_000), uint64(500), uint32(60_000), false)
	f.Add(uint64(0xFFFFFF00), uint64(0x100), uint32(1_000), false)
	f.Add(uint64(5), uint64(5), uint32(1), true)
	f.Fuzz(func(t *testing.T, old, new uint64, ms uint32, renumber bool) {
		if ms == 0 {
			ms = 1
		}
		a := &Snapshot{Time: t0, Interrupts: Interrupts{CPUs: []int{0},
			IRQs: []IRQ{{Num: 40, Chip: "PCI-MSI", Counts: []uint64{old}, Actions: []string{"eth0-TxRx-0"}}}}}
		b := &Snapshot{Time: t0.Add(time.Duration(ms) * time.Millisecond), Interrupts: Interrupts{CPUs: []int{0},
			IRQs: []IRQ{{Num: 40, Chip: "PCI-MSI", Counts: []uint64{new}, Actions: []string{"eth0-TxRx-0"}}}}}
		if renumber {
			b.Interrupts.IRQs[0].Num = 41
		}
		p, err := NewPair(a, b)
		if err != nil {
			if ms <= uint32(MaxPairInterval/time.Millisecond) {
				t.Fatalf("refused %d ms: %v", ms, err)
			}
			return
		}
		num := b.Interrupts.IRQs[0].Num
		m, ok := p.IRQDelta(num)
		discs := p.Discontinuities()
		if ok == (len(discs) > 0) || ok == (p.IRQGap(num) != "") {
			t.Fatalf("IRQDelta ok %v but discontinuities %+v, gap %q", ok, discs, p.IRQGap(num))
		}
		if ok && float64(m[0]) > MaxIRQRate*p.Interval.Seconds()*PlausibilitySlack+1 {
			t.Fatalf("%d interrupts in %s", m[0], p.Interval)
		}
		if renumber && (ok || discs[0].Kind != DiscRecreated) {
			t.Fatalf("renumbered IRQ: ok %v, %+v", ok, discs)
		}
	})
}
