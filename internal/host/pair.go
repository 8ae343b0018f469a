package host

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// MaxBootTimeSkew is how far the boot times of two samples of one boot may
// differ: btime is computed from the wall clock minus uptime and moves by a
// second when the clock is stepped or rounding differs.
const MaxBootTimeSkew = 2 * time.Second

// Pair is two samples of one host, Before earlier than After, or a single
// sample (Before == nil, After set). It computes per-interval deltas with
// the counter rules of DOMAIN.md §2.13; every delta method returns ok=false
// (or nil) for a single sample.
//
// The delta methods build their lookup maps on first use and are safe for
// concurrent use. The snapshots must not change once they are in a Pair, and
// a Pair must not be copied after first use (use *Pair).
type Pair struct {
	Before, After *Snapshot
	// Interval is After.Time − Before.Time; 0 for a single sample.
	Interval time.Duration

	irqOnce    sync.Once
	irqIdx     [2]map[int]*IRQ
	irqCols    []colPair
	nicOnce    sync.Once
	nicIdx     [2]map[string]*NIC
	cpuOnce    sync.Once
	cpuIdx     [2]cpuIndex
	softirqCol []colPair
	threadOnce sync.Once
	threadIdx  [2]map[[2]int]*Thread
}

// colPair is a CPU in both samples' headers and its column in each.
type colPair struct{ cpu, before, after int }

type cpuIndex struct {
	softnet map[int]*SoftnetRow
	times   map[int]*CPUTime
}

// NewPair joins two samples of one host, a taken before b. It refuses
// samples of different hosts (both hostnames known and different, or both
// boot times known and more than MaxBootTimeSkew apart: a reboot between
// samples starts every counter anew), a sample without a time, and b not
// later than a.
func NewPair(a, b *Snapshot) (*Pair, error) {
	if a == nil || b == nil {
		return nil, errors.New("pair needs two samples")
	}
	if a.Hostname != "" && b.Hostname != "" && a.Hostname != b.Hostname {
		return nil, fmt.Errorf("samples are from different hosts: %q and %q", a.Hostname, b.Hostname)
	}
	if !a.BootTime.IsZero() && !b.BootTime.IsZero() {
		if d := b.BootTime.Sub(a.BootTime); d > MaxBootTimeSkew || d < -MaxBootTimeSkew {
			return nil, fmt.Errorf("samples are from different boots/hosts: boot times %s and %s",
				a.BootTime.UTC().Format(time.RFC3339), b.BootTime.UTC().Format(time.RFC3339))
		}
	}
	if a.Time.IsZero() || b.Time.IsZero() {
		return nil, errors.New("a sample has no collection time: cannot compute an interval")
	}
	d := b.Time.Sub(a.Time)
	if d <= 0 {
		return nil, fmt.Errorf("second sample (%s) is not later than the first (%s)",
			b.Time.UTC().Format(time.RFC3339Nano), a.Time.UTC().Format(time.RFC3339Nano))
	}
	return &Pair{Before: a, After: b, Interval: d}, nil
}

// Single wraps one sample: Before is nil, After is s.
func Single(s *Snapshot) *Pair {
	return &Pair{After: s}
}

// TwoSample reports whether the pair has two samples, so deltas exist.
func (p *Pair) TwoSample() bool {
	return p != nil && p.Before != nil && p.After != nil
}

// Latest is the newest sample (After).
func (p *Pair) Latest() *Snapshot {
	if p == nil {
		return nil
	}
	return p.After
}

// Delta32 is new − old modulo 2^32: the delta of a counter the kernel keeps
// as a 32-bit unsigned int (/proc/interrupts, /proc/softirqs, softnet_stat),
// correct across one wrap. Only the low 32 bits of each value count.
func Delta32(old, new uint64) uint64 {
	return uint64(uint32(new) - uint32(old))
}

// Delta64 is the delta of a counter the kernel keeps as 64 bits but some
// drivers wrap at 2^32 (sysfs statistics, /proc/net/dev, ethtool -S). When
// new ≥ old it is new − old. A decrease is taken as one 32-bit wrap only when
// old fits in 32 bits, exceeds 2^31, and the wrapped delta (2^32 − old + new)
// stays below 2^31 (a plausible amount for one interval); any other decrease
// is a reset (driver reload, link reset, ring change) and ok is false.
func Delta64(old, new uint64) (d uint64, ok bool) {
	if new >= old {
		return new - old, true
	}
	const two31, two32 = 1 << 31, 1 << 32
	if old < two32 && old > two31 && new < old-two31 {
		return two32 - old + new, true
	}
	return 0, false
}

func (p *Pair) snaps() [2]*Snapshot { return [2]*Snapshot{p.Before, p.After} }

func (p *Pair) irqIndex() *[2]map[int]*IRQ {
	p.irqOnce.Do(func() {
		for k, s := range p.snaps() {
			m := make(map[int]*IRQ, len(s.Interrupts.IRQs))
			for i := range s.Interrupts.IRQs {
				q := &s.Interrupts.IRQs[i]
				if _, dup := m[q.Num]; !dup {
					m[q.Num] = q
				}
			}
			p.irqIdx[k] = m
		}
		p.irqCols = commonColumns(p.Before.Interrupts.CPUs, p.After.Interrupts.CPUs)
	})
	return &p.irqIdx
}

// commonColumns lists the CPUs of header b that header a also has, with
// their columns in each (the first column when a header repeats a CPU).
func commonColumns(a, b []int) []colPair {
	col := make(map[int]int, len(a))
	for i, c := range a {
		if _, dup := col[c]; !dup {
			col[c] = i
		}
	}
	seen := make(map[int]bool, len(b))
	out := make([]colPair, 0, len(b))
	for j, c := range b {
		if i, ok := col[c]; ok && !seen[c] {
			seen[c] = true
			out = append(out, colPair{cpu: c, before: i, after: j})
		}
	}
	return out
}

// sameIRQ reports whether two samples of one IRQ number are one series: the
// same controller, hardware IRQ and handlers. A driver reload or queue change
// that reuses the number with other names starts a new series.
func sameIRQ(a, b *IRQ) bool {
	if a.Chip != b.Chip || (a.HWIRQ != "" && b.HWIRQ != "" && a.HWIRQ != b.HWIRQ) {
		return false
	}
	if slices.Equal(a.Actions, b.Actions) {
		return true
	}
	if len(a.Actions) != len(b.Actions) {
		return false
	}
	x, y := slices.Clone(a.Actions), slices.Clone(b.Actions)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// IRQDelta returns the interrupts of IRQ irq per CPU over the interval
// (modulo 2^32 per cell), for the CPUs in both samples' headers whose cells
// both rows have (a CPU that went offline or came online is left out). ok is
// false for a single sample, an IRQ present in only one sample, or one whose
// chip, hardware IRQ or handler names changed.
func (p *Pair) IRQDelta(irq int) (perCPU map[int]uint64, ok bool) {
	if !p.TwoSample() {
		return nil, false
	}
	ix := p.irqIndex()
	a, b := ix[0][irq], ix[1][irq]
	if a == nil || b == nil || !sameIRQ(a, b) {
		return nil, false
	}
	perCPU = make(map[int]uint64, len(p.irqCols))
	for _, c := range p.irqCols {
		if c.before < len(a.Counts) && c.after < len(b.Counts) {
			perCPU[c.cpu] = Delta32(a.Counts[c.before], b.Counts[c.after])
		}
	}
	return perCPU, true
}

func (p *Pair) cpuIndex() *[2]cpuIndex {
	p.cpuOnce.Do(func() {
		for k, s := range p.snaps() {
			ix := cpuIndex{
				softnet: make(map[int]*SoftnetRow, len(s.Softnet)),
				times:   make(map[int]*CPUTime, len(s.CPUTimes)),
			}
			for i := range s.Softnet {
				r := &s.Softnet[i]
				if _, dup := ix.softnet[r.CPU]; r.CPU >= 0 && !dup {
					ix.softnet[r.CPU] = r
				}
			}
			for i := range s.CPUTimes {
				t := &s.CPUTimes[i]
				if _, dup := ix.times[t.CPU]; !dup {
					ix.times[t.CPU] = t
				}
			}
			p.cpuIdx[k] = ix
		}
		p.softirqCol = commonColumns(p.Before.Softirqs.CPUs, p.After.Softirqs.CPUs)
	})
	return &p.cpuIdx
}

// SoftnetDelta returns cpu's softnet_stat counters over the interval
// (modulo 2^32) in a SoftnetRow: Processed, Dropped, TimeSqueeze,
// CPUCollision, ReceivedRPS and FlowLimit are deltas. BacklogLen, InputQLen
// and ProcessQLen are queue lengths, not counters: they hold the After
// values. Columns is the smaller column count of the two rows (a field the
// shorter row lacks is 0); CPUFromIndex is true when both rows had the
// kernel's CPU column. ok is false for a single sample or a CPU without a
// row in both samples.
func (p *Pair) SoftnetDelta(cpu int) (SoftnetRow, bool) {
	if !p.TwoSample() {
		return SoftnetRow{}, false
	}
	ix := p.cpuIndex()
	a, b := ix[0].softnet[cpu], ix[1].softnet[cpu]
	if a == nil || b == nil {
		return SoftnetRow{}, false
	}
	d := func(o, n uint32) uint32 { return uint32(Delta32(uint64(o), uint64(n))) }
	return SoftnetRow{
		CPU:          cpu,
		CPUFromIndex: a.CPUFromIndex && b.CPUFromIndex,
		Processed:    d(a.Processed, b.Processed),
		Dropped:      d(a.Dropped, b.Dropped),
		TimeSqueeze:  d(a.TimeSqueeze, b.TimeSqueeze),
		CPUCollision: d(a.CPUCollision, b.CPUCollision),
		ReceivedRPS:  d(a.ReceivedRPS, b.ReceivedRPS),
		FlowLimit:    d(a.FlowLimit, b.FlowLimit),
		BacklogLen:   b.BacklogLen,
		InputQLen:    b.InputQLen,
		ProcessQLen:  b.ProcessQLen,
		Columns:      min(a.Columns, b.Columns),
	}, true
}

// SoftirqDelta returns the runs of softirq name ("NET_RX") per CPU over the
// interval (modulo 2^32), for the CPUs in both headers. It is nil for a
// single sample or a name missing from either sample.
func (p *Pair) SoftirqDelta(name string) map[int]uint64 {
	if !p.TwoSample() {
		return nil
	}
	a, okA := p.Before.Softirqs.Counts[name]
	b, okB := p.After.Softirqs.Counts[name]
	if !okA || !okB {
		return nil
	}
	p.cpuIndex()
	out := make(map[int]uint64, len(p.softirqCol))
	for _, c := range p.softirqCol {
		if c.before < len(a) && c.after < len(b) {
			out[c.cpu] = Delta32(a[c.before], b[c.after])
		}
	}
	return out
}

// CPUTimeDelta returns cpu's /proc/stat times over the interval, field by
// field. A field that went backwards counts 0: idle and iowait are known to
// step back on tickless kernels, and a CPU's times survive hotplug. ok is
// false for a single sample or a CPU missing from either sample.
func (p *Pair) CPUTimeDelta(cpu int) (CPUTime, bool) {
	if !p.TwoSample() {
		return CPUTime{}, false
	}
	ix := p.cpuIndex()
	a, b := ix[0].times[cpu], ix[1].times[cpu]
	if a == nil || b == nil {
		return CPUTime{}, false
	}
	d := func(o, n uint64) uint64 {
		if n < o {
			return 0
		}
		return n - o
	}
	return CPUTime{
		CPU:     cpu,
		User:    d(a.User, b.User),
		Nice:    d(a.Nice, b.Nice),
		System:  d(a.System, b.System),
		Idle:    d(a.Idle, b.Idle),
		IOWait:  d(a.IOWait, b.IOWait),
		IRQ:     d(a.IRQ, b.IRQ),
		SoftIRQ: d(a.SoftIRQ, b.SoftIRQ),
		Steal:   d(a.Steal, b.Steal),
	}, true
}

func (p *Pair) nicIndex() *[2]map[string]*NIC {
	p.nicOnce.Do(func() {
		for k, s := range p.snaps() {
			m := make(map[string]*NIC, len(s.NICs))
			for i := range s.NICs {
				if _, dup := m[s.NICs[i].Name]; !dup {
					m[s.NICs[i].Name] = &s.NICs[i]
				}
			}
			p.nicIdx[k] = m
		}
	})
	return &p.nicIdx
}

func (p *Pair) nics(name string) (a, b *NIC) {
	if !p.TwoSample() {
		return nil, nil
	}
	ix := p.nicIndex()
	return ix[0][name], ix[1][name]
}

// netDevKeys maps sysfs statistics names to the /proc/net/dev columns that
// hold exactly the same counter (dev_seq_printf_stats). rx_dropped, the
// frame and carrier columns are sums of several counters there and have no
// entry.
var netDevKeys = map[string]string{
	"rx_bytes": "rx_bytes", "rx_packets": "rx_packets", "rx_errors": "rx_errs",
	"rx_fifo_errors": "rx_fifo", "rx_compressed": "rx_compressed", "multicast": "rx_multicast",
	"tx_bytes": "tx_bytes", "tx_packets": "tx_packets", "tx_errors": "tx_errs",
	"tx_dropped": "tx_drop", "tx_fifo_errors": "tx_fifo", "collisions": "tx_colls",
	"tx_compressed": "tx_compressed",
}

// NICStatDelta returns the growth of /sys/class/net/NIC/statistics/STAT over
// the interval by the Delta64 rule. When a sample lacks the sysfs file (a
// sosreport without statistics/) it uses the /proc/net/dev column holding
// the same counter, if there is one (rx_fifo_errors → rx_fifo, …). ok is
// false for a single sample, a NIC or stat missing from either sample, or a
// counter reset.
func (p *Pair) NICStatDelta(nic, stat string) (uint64, bool) {
	a, b := p.nics(nic)
	if a == nil || b == nil {
		return 0, false
	}
	if o, ok := a.Stats[stat]; ok {
		if n, ok := b.Stats[stat]; ok {
			return Delta64(o, n)
		}
	}
	if k, ok := netDevKeys[stat]; ok {
		o, okA := a.NetDev[k]
		n, okB := b.NetDev[k]
		if okA && okB {
			return Delta64(o, n)
		}
	}
	return 0, false
}

// EthtoolStatDelta returns the growth of ethtool -S counter stat of nic over
// the interval by the Delta64 rule (drivers reset these on ring, channel and
// link changes: ok is false then). ok is false for a single sample or a NIC
// or stat missing from either sample.
func (p *Pair) EthtoolStatDelta(nic, stat string) (uint64, bool) {
	a, b := p.nics(nic)
	if a == nil || b == nil {
		return 0, false
	}
	o, okA := a.EthtoolStats[stat]
	n, okB := b.EthtoolStats[stat]
	if !okA || !okB {
		return 0, false
	}
	return Delta64(o, n)
}

// NetStatDelta returns the change of counter name of group ("TcpExt",
// "PAWSPassive") over the interval, modulo 2^64 (the kernel keeps unsigned
// longs): a counter's growth, or for a gauge such as Tcp CurrEstab a possibly
// negative change. ok is false for a single sample or a counter missing from
// either sample.
func (p *Pair) NetStatDelta(group, name string) (int64, bool) {
	if !p.TwoSample() {
		return 0, false
	}
	o, okA := p.Before.NetStats[group][name]
	n, okB := p.After.NetStats[group][name]
	if !okA || !okB {
		return 0, false
	}
	return int64(uint64(n) - uint64(o)), true
}

func (p *Pair) threadIndex() *[2]map[[2]int]*Thread {
	p.threadOnce.Do(func() {
		for k, s := range p.snaps() {
			m := make(map[[2]int]*Thread)
			for i := range s.Procs {
				pr := &s.Procs[i]
				for j := range pr.Threads {
					key := [2]int{pr.PID, pr.Threads[j].TID}
					if _, dup := m[key]; !dup {
						m[key] = &pr.Threads[j]
					}
				}
			}
			p.threadIdx[k] = m
		}
	})
	return &p.threadIdx
}

// ThreadCPUDelta returns the CPU time (utime + stime, clock ticks) thread tid
// of process pid used over the interval. ok is false for a single sample, a
// thread missing from either sample or without CPU times, and when the
// thread's name changed or its time went backwards (the ID was reused).
func (p *Pair) ThreadCPUDelta(pid, tid int) (ticks uint64, ok bool) {
	if !p.TwoSample() {
		return 0, false
	}
	ix := p.threadIndex()
	a, b := ix[0][[2]int{pid, tid}], ix[1][[2]int{pid, tid}]
	if a == nil || b == nil || !a.CPUKnown || !b.CPUKnown || a.Comm != b.Comm {
		return 0, false
	}
	o, n := a.UTime+a.STime, b.UTime+b.STime
	if n < o || b.UTime < a.UTime || b.STime < a.STime {
		return 0, false
	}
	return n - o, true
}

// BeforeThread returns thread tid of process pid in the earlier sample, or
// nil (a single sample, or a thread that did not exist then). It reads the
// pair's thread index: one map lookup, whatever the number of threads.
func (p *Pair) BeforeThread(pid, tid int) *Thread {
	if !p.TwoSample() {
		return nil
	}
	return p.threadIndex()[0][[2]int{pid, tid}]
}
