package host

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxBootTimeSkew is how far the boot times of two samples of one boot may
// differ: btime is computed from the wall clock minus uptime and moves by a
// second when the clock is stepped or rounding differs.
const MaxBootTimeSkew = 2 * time.Second

// Pair is two samples of one host, Before earlier than After, or a single
// sample (Before == nil, After set). It computes per-interval deltas with
// the counter rules of counters.go: every counter has a width, a decrease is
// a wrap only where the width and the rate allow it, and growth beyond what
// hardware can do is refused. A series that has no interval value (a reset,
// an implausible delta, a re-created IRQ, a reboot between the samples) is
// listed by Discontinuities, and its delta method returns ok=false (or nil).
// Every delta method returns ok=false (or nil) for a single sample.
//
// The delta methods build their lookup maps on first use and are safe for
// concurrent use. The snapshots must not change once they are in a Pair, and
// a Pair must not be copied after first use (use *Pair).
type Pair struct {
	Before, After *Snapshot
	// Interval is After.Time − Before.Time; 0 for a single sample.
	Interval time.Duration

	// reboot is set when the samples are of different boots: no counter
	// has an interval value.
	reboot *Discontinuity

	irqOnce   sync.Once
	irqIdx    [2]map[int]*IRQ
	irqByName map[string]*IRQ
	irqCols   []colPair
	// sameCols: both headers list the same CPUs in the same order, so
	// irqCols[k] is column k of both (two sparse rows are then walked
	// together).
	sameCols   bool
	nicOnce    sync.Once
	nicIdx     [2]map[string]*NIC
	cpuOnce    sync.Once
	cpuIdx     [2]cpuIndex
	softirqCol []colPair
	threadOnce sync.Once
	threadIdx  [2]map[[2]int]*Thread
	discOnce   sync.Once
	discs      []Discontinuity
	warnings   []string
}

// colPair is a CPU in both samples' headers and its column in each.
type colPair struct{ cpu, before, after int }

type cpuIndex struct {
	softnet map[int]*SoftnetRow
	times   map[int]*CPUTime
}

// SysctlBootID is the sysctl holding the boot's random ID
// (/proc/sys/kernel/random/boot_id): two samples with different IDs are of
// different boots.
const SysctlBootID = "kernel.random.boot_id"

// NewPair joins two samples of one host, a taken before b. It refuses
// samples of different hosts (both hostnames known and different), a sample
// without a time, b not later than a, and samples more than
// MaxPairInterval apart (a clock dated 1970 or 9999 in one sample). Samples
// of different boots (boot times more than MaxBootTimeSkew apart, or
// different boot IDs) make a pair whose every counter series is
// discontinuous: the configuration of b can still be judged, no rate can.
func NewPair(a, b *Snapshot) (*Pair, error) {
	if a == nil || b == nil {
		return nil, errors.New("pair needs two samples")
	}
	if a.Hostname != "" && b.Hostname != "" && a.Hostname != b.Hostname {
		return nil, fmt.Errorf("samples are from different hosts: %q and %q", a.Hostname, b.Hostname)
	}
	if a.Time.IsZero() || b.Time.IsZero() {
		return nil, errors.New("a sample has no collection time: cannot compute an interval")
	}
	if !b.Time.After(a.Time) {
		if b.Time.Equal(a.Time) {
			return nil, fmt.Errorf("second sample (%s) is not later than the first: both have the same time",
				stampTime(b.Time))
		}
		return nil, fmt.Errorf("second sample (%s) is not later than the first (%s)",
			stampTime(b.Time), stampTime(a.Time))
	}
	// Compare before subtracting: Sub saturates at about 292 years.
	if b.Time.After(a.Time.Add(MaxPairInterval)) {
		return nil, fmt.Errorf("samples are more than %s apart (%s and %s): counters cannot be compared over so long (a clock not set or set wrong?)",
			fmtDuration(MaxPairInterval), stampTime(a.Time), stampTime(b.Time))
	}
	p := &Pair{Before: a, After: b, Interval: b.Time.Sub(a.Time)}
	if !a.BootTime.IsZero() && !b.BootTime.IsZero() {
		if d := b.BootTime.Sub(a.BootTime); d > MaxBootTimeSkew || d < -MaxBootTimeSkew {
			p.reboot = &Discontinuity{Kind: DiscReboot, Reason: fmt.Sprintf(
				"the samples are of different boots (boot times %s and %s): every counter started anew",
				stampTime(a.BootTime), stampTime(b.BootTime))}
		}
	}
	if ia, ib := a.Sysctls[SysctlBootID], b.Sysctls[SysctlBootID]; p.reboot == nil && ia != "" && ib != "" && ia != ib {
		p.reboot = &Discontinuity{Kind: DiscReboot, Reason: fmt.Sprintf(
			"the samples are of different boots (boot ids %s and %s): every counter started anew",
			oneWord(ia), oneWord(ib))}
	}
	return p, nil
}

// stampTime formats a sample time for messages.
func stampTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// fmtDuration prints whole hours as "24h", else the duration's own form.
func fmtDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	}
	return d.String()
}

// oneWord keeps an untrusted ID short and printable for a message.
func oneWord(s string) string {
	const max = 64
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if len(out) == max {
			break
		}
		if r < 0x20 || r == 0x7f || r > 0x7e {
			r = '?'
		}
		out = append(out, r)
	}
	return string(out)
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
// correct across one wrap. Only the low 32 bits of each value count. It
// knows no interval: the Pair's methods use CounterDelta, which also refuses
// a wrap no real rate explains.
func Delta32(old, new uint64) uint64 {
	return uint64(uint32(new) - uint32(old))
}

// Delta64 is the delta of a counter the kernel keeps as 64 bits but some
// drivers wrap at 2^32 (sysfs statistics, /proc/net/dev). When new ≥ old it
// is new − old. A decrease is taken as one 32-bit wrap only when old fits in
// 32 bits, exceeds 2^31, and the wrapped delta (2^32 − old + new) stays
// below 2^31; any other decrease is a reset (driver reload, link reset, ring
// change) and ok is false. It knows no interval: the Pair's methods use
// CounterDelta, which also bounds the delta by the link's rate.
func Delta64(old, new uint64) (d uint64, ok bool) {
	d, kind, _ := CounterDelta(Width64Wrap32, old, new, 0)
	return d, kind == ""
}

func (p *Pair) snaps() [2]*Snapshot { return [2]*Snapshot{p.Before, p.After} }

// deltas is true when the pair has two samples of one boot.
func (p *Pair) deltas() bool { return p.TwoSample() && p.reboot == nil }

// seconds is the interval in seconds.
func (p *Pair) seconds() float64 { return p.Interval.Seconds() }

// Rebooted returns the reason when the samples are of different boots
// (every counter series is discontinuous), or "".
func (p *Pair) Rebooted() string {
	if p == nil || p.reboot == nil {
		return ""
	}
	return p.reboot.Reason
}

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
		// The first sample's IRQs by identity, for IRQs renumbered or
		// re-created between the samples. A name held by two IRQs
		// identifies neither.
		p.irqByName = make(map[string]*IRQ, len(p.Before.Interrupts.IRQs))
		for i := range p.Before.Interrupts.IRQs {
			q := &p.Before.Interrupts.IRQs[i]
			k := irqIdentity(q)
			if k == "" {
				continue
			}
			if _, dup := p.irqByName[k]; dup {
				p.irqByName[k] = nil
			} else {
				p.irqByName[k] = q
			}
		}
		p.irqCols = commonColumns(p.Before.Interrupts.CPUs, p.After.Interrupts.CPUs)
		p.sameCols = len(p.irqCols) == len(p.Before.Interrupts.CPUs) && len(p.irqCols) == len(p.After.Interrupts.CPUs)
		for k, c := range p.irqCols {
			p.sameCols = p.sameCols && c.before == k && c.after == k
		}
	})
	return &p.irqIdx
}

// irqIdentity names an IRQ independently of its number: its controller
// (which holds the bus address on 5.x kernels, "PCI-MSIX-0000:00:03.0") and
// its sorted handler names ("eth0-TxRx-3", which the driver derives from
// the interface and queue). "" for an IRQ without handlers.
func irqIdentity(q *IRQ) string {
	if len(q.Actions) == 0 {
		return ""
	}
	x := slices.Clone(q.Actions)
	slices.Sort(x)
	return q.Chip + "\x00" + strings.Join(x, "\x00")
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

// irqLabel is "IRQ 45 (eth0-TxRx-0)" for messages.
func irqLabel(q *IRQ) string {
	s := "IRQ " + strconv.Itoa(q.Num)
	if len(q.Actions) > 0 {
		s += " (" + oneWord(strings.Join(q.Actions, ", ")) + ")"
	}
	return s
}

// IRQMatch says how an IRQ of the second sample relates to the first.
type IRQMatch struct {
	// Before is the IRQ's number in the first sample, -1 when none.
	Before int
	// Kind is "" for one series (same number, controller, hardware IRQ and
	// handlers), DiscRecreated when it was renumbered or re-created (found
	// by name and controller, or by number with another hardware IRQ), or
	// DiscAppeared when the first sample has no counterpart.
	Kind string
}

// MatchIRQ finds the first sample's counterpart of IRQ irq of the second.
// ok is false for a single sample or an IRQ not in the second sample.
func (p *Pair) MatchIRQ(irq int) (m IRQMatch, ok bool) {
	if !p.TwoSample() {
		return IRQMatch{Before: -1}, false
	}
	ix := p.irqIndex()
	b := ix[1][irq]
	if b == nil {
		return IRQMatch{Before: -1}, false
	}
	m, _ = p.matchIRQ(ix[0][irq], b)
	return m, true
}

func (p *Pair) matchIRQ(a, b *IRQ) (IRQMatch, *IRQ) {
	if a != nil && sameIRQ(a, b) {
		return IRQMatch{Before: a.Num}, a
	}
	if k := irqIdentity(b); k != "" {
		if old := p.irqByName[k]; old != nil {
			return IRQMatch{Before: old.Num, Kind: DiscRecreated}, old
		}
	}
	return IRQMatch{Before: -1, Kind: DiscAppeared}, nil
}

// irqSeries computes IRQ irq's per-CPU deltas, or the discontinuity that
// leaves it without one. Both nil: the IRQ is not in the second sample.
func (p *Pair) irqSeries(irq int, perCPU func(cpu int, d uint64)) *Discontinuity {
	if perCPU == nil {
		return p.irqSeriesCols(irq, nil)
	}
	hdr := p.After.Interrupts.CPUs
	return p.irqSeriesCols(irq, func(col int, d uint64) { perCPU(hdr[col], d) })
}

// irqSeriesCols is irqSeries with the cells given by their column in the
// second sample's header.
func (p *Pair) irqSeriesCols(irq int, perCol func(col int, d uint64)) *Discontinuity {
	ix := p.irqIndex()
	b := ix[1][irq]
	if b == nil {
		return nil
	}
	disc := func(kind, reason string) *Discontinuity {
		return &Discontinuity{Source: InputInterrupts, Subject: irqLabel(b), Kind: kind, Reason: reason}
	}
	m, a := p.matchIRQ(ix[0][irq], b)
	switch m.Kind {
	case DiscRecreated:
		why := "renumbered"
		if m.Before == irq {
			why = "its hardware IRQ changed (" + oneWord(a.HWIRQ) + " → " + oneWord(b.HWIRQ) + ")"
		} else {
			why = "it was IRQ " + strconv.Itoa(m.Before) + " in the first sample (matched by name and controller)"
		}
		return disc(DiscRecreated, why+": re-created between the samples (driver reload or ethtool -L), its counts started anew")
	case DiscAppeared:
		why := "not in the first sample by number or by name: created between the samples (driver reload, ethtool -L or a new device)"
		if old := ix[0][irq]; old != nil {
			why = "the first sample's IRQ " + strconv.Itoa(irq) + " was another line (" + oneWord(strings.Join(old.Actions, ", ")) +
				"): re-created between the samples, and no IRQ of the first sample has its name"
		}
		return disc(DiscAppeared, why)
	}
	bound := rateBound(MaxIRQRate, p.seconds())
	var bad *Discontinuity
	p.eachCell(a, b, func(c colPair, va, vb uint64) bool {
		d, kind, reason := CounterDelta(Width32, va, vb, bound)
		if kind != "" {
			bad = disc(kind, "CPU "+strconv.Itoa(c.cpu)+": "+reason)
			return false
		}
		if perCol != nil {
			perCol(c.after, d)
		}
		return true
	})
	return bad
}

// eachCell calls fn with the cells of the CPUs in both headers that both
// rows have, until fn returns false. Cells 0 in both sparse rows (or in a
// sparse row and its dense counterpart) are left out: their delta is 0.
func (p *Pair) eachCell(a, b *IRQ, fn func(c colPair, va, vb uint64) bool) {
	switch {
	case !a.Sparse() && !b.Sparse():
		for _, c := range p.irqCols {
			if c.before < len(a.Counts) && c.after < len(b.Counts) {
				if !fn(c, a.Counts[c.before], b.Counts[c.after]) {
					return
				}
			}
		}
	case p.sameCols && a.Sparse() && b.Sparse():
		i, j := 0, 0
		for i < len(a.Cols) || j < len(b.Cols) {
			var col int
			var va, vb uint64
			switch {
			case j == len(b.Cols) || i < len(a.Cols) && a.Cols[i] < b.Cols[j]:
				col, va = int(a.Cols[i]), a.Counts[i]
				i++
			case i == len(a.Cols) || b.Cols[j] < a.Cols[i]:
				col, vb = int(b.Cols[j]), b.Counts[j]
				j++
			default:
				col, va, vb = int(a.Cols[i]), a.Counts[i], b.Counts[j]
				i++
				j++
			}
			if col < 0 || col >= len(p.irqCols) {
				continue
			}
			if !fn(p.irqCols[col], va, vb) {
				return
			}
		}
	default:
		for _, c := range p.irqCols {
			va, okA := a.Count(c.before)
			vb, okB := b.Count(c.after)
			if okA && okB && (va != 0 || vb != 0) {
				if !fn(c, va, vb) {
					return
				}
			}
		}
	}
}

// IRQDelta returns the interrupts of IRQ irq per CPU over the interval
// (modulo 2^32 per cell), for the CPUs in both samples' headers whose cells
// both rows have (a CPU that went offline or came online is left out). ok is
// false for a single sample, an IRQ present in only one sample, one whose
// chip, hardware IRQ or handler names changed or that was renumbered
// (MatchIRQ says which), a cell that went back without a plausible wrap or
// grew beyond MaxIRQRate, and samples of different boots.
func (p *Pair) IRQDelta(irq int) (perCPU map[int]uint64, ok bool) {
	if !p.deltas() {
		return nil, false
	}
	ix := p.irqIndex()
	if ix[1][irq] == nil {
		return nil, false
	}
	perCPU = make(map[int]uint64, len(p.irqCols))
	if a := ix[0][irq]; a != nil {
		b := ix[1][irq]
		for _, c := range p.irqCols {
			_, okA := a.Count(c.before)
			_, okB := b.Count(c.after)
			if okA && okB {
				perCPU[c.cpu] = 0
			}
		}
	}
	if d := p.irqSeries(irq, func(cpu int, d uint64) { perCPU[cpu] = d }); d != nil {
		return nil, false
	}
	if ix[0][irq] == nil {
		return nil, false
	}
	return perCPU, true
}

// IRQGrowth is IRQDelta with only the CPUs that took interrupts over the
// interval: on a host of thousands of CPUs a queue's vector fires on one
// or a few, and the map holds those, not a zero per CPU.
func (p *Pair) IRQGrowth(irq int) (perCPU map[int]uint64, ok bool) {
	if !p.deltas() {
		return nil, false
	}
	ix := p.irqIndex()
	if ix[0][irq] == nil || ix[1][irq] == nil {
		return nil, false
	}
	if d := p.irqSeries(irq, func(cpu int, d uint64) {
		if d > 0 {
			if perCPU == nil {
				perCPU = make(map[int]uint64, 1)
			}
			perCPU[cpu] = d
		}
	}); d != nil {
		return nil, false
	}
	if perCPU == nil {
		perCPU = map[int]uint64{}
	}
	return perCPU, true
}

// IRQGap says why IRQ irq of the second sample has no value over the
// interval (a reboot, a renumbered, re-created or new IRQ, a reset or an
// implausible count), naming the series; "" when it has one, for a single
// sample, or an IRQ not in the second sample.
func (p *Pair) IRQGap(irq int) string {
	if !p.TwoSample() {
		return ""
	}
	if p.reboot != nil {
		return p.reboot.Reason
	}
	if d := p.irqSeries(irq, nil); d != nil {
		return d.Series() + ": " + d.Reason
	}
	return ""
}

// IRQTotals sums the interrupts of every numbered IRQ with an interval value
// per CPU of the second sample's header (IRQs with a discontinuity are left
// out: Discontinuities lists them). nil for a single sample or different
// boots.
func (p *Pair) IRQTotals() map[int]uint64 {
	if !p.deltas() {
		return nil
	}
	p.irqIndex()
	hdr := p.After.Interrupts.CPUs
	tot := make([]uint64, len(hdr)) // by column of the second sample
	type cell struct {
		col int
		d   uint64
	}
	var cells []cell
	seen := make(map[int]bool, len(p.After.Interrupts.IRQs))
	for i := range p.After.Interrupts.IRQs {
		n := p.After.Interrupts.IRQs[i].Num
		if seen[n] {
			continue
		}
		seen[n] = true
		// Stage the cells so that a discontinuous IRQ adds nothing.
		cells = cells[:0]
		if d := p.irqSeriesCols(n, func(col int, d uint64) {
			if d > 0 {
				cells = append(cells, cell{col, d})
			}
		}); d != nil {
			continue
		}
		for _, c := range cells {
			if c.col < len(tot) {
				tot[c.col] += c.d
			}
		}
	}
	out := make(map[int]uint64, len(hdr))
	for j, c := range hdr {
		out[c] += tot[j]
	}
	return out
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

// softnetRowDelta subtracts two softnet rows column by column (32-bit,
// bounded by MaxSoftnetRate), or returns the first discontinuous column.
func (p *Pair) softnetRowDelta(a, b *SoftnetRow, subject string) (SoftnetRow, *Discontinuity) {
	bound := rateBound(MaxSoftnetRate, p.seconds())
	var disc *Discontinuity
	d := func(col string, o, n uint32) uint32 {
		v, kind, reason := CounterDelta(Width32, uint64(o), uint64(n), bound)
		if kind != "" && disc == nil {
			disc = &Discontinuity{Source: InputSoftnet, Subject: subject, Counter: col, Kind: kind, Reason: reason}
		}
		return uint32(v)
	}
	r := SoftnetRow{
		CPU:          b.CPU,
		CPUFromIndex: a.CPUFromIndex && b.CPUFromIndex,
		Processed:    d("processed", a.Processed, b.Processed),
		Dropped:      d("dropped", a.Dropped, b.Dropped),
		TimeSqueeze:  d("time_squeeze", a.TimeSqueeze, b.TimeSqueeze),
		CPUCollision: d("cpu_collision", a.CPUCollision, b.CPUCollision),
		ReceivedRPS:  d("received_rps", a.ReceivedRPS, b.ReceivedRPS),
		FlowLimit:    d("flow_limit_count", a.FlowLimit, b.FlowLimit),
		BacklogLen:   b.BacklogLen,
		InputQLen:    b.InputQLen,
		ProcessQLen:  b.ProcessQLen,
		Columns:      min(a.Columns, b.Columns),
	}
	return r, disc
}

// SoftnetDelta returns cpu's softnet_stat counters over the interval
// (modulo 2^32) in a SoftnetRow: Processed, Dropped, TimeSqueeze,
// CPUCollision, ReceivedRPS and FlowLimit are deltas. BacklogLen, InputQLen
// and ProcessQLen are queue lengths, not counters: they hold the After
// values. Columns is the smaller column count of the two rows (a field the
// shorter row lacks is 0); CPUFromIndex is true when both rows had the
// kernel's CPU column. ok is false for a single sample, a CPU without a
// row in both samples, a column that went back without a plausible wrap or
// grew beyond MaxSoftnetRate, and samples of different boots.
func (p *Pair) SoftnetDelta(cpu int) (SoftnetRow, bool) {
	if !p.deltas() {
		return SoftnetRow{}, false
	}
	ix := p.cpuIndex()
	a, b := ix[0].softnet[cpu], ix[1].softnet[cpu]
	if a == nil || b == nil {
		return SoftnetRow{}, false
	}
	r, disc := p.softnetRowDelta(a, b, "CPU "+strconv.Itoa(cpu))
	r.CPU = cpu
	return r, disc == nil
}

// SoftnetRowDelta is SoftnetDelta for rows matched by position (row is the
// 0-based line; for rows whose CPU is unknown). ok is false unless both
// samples have the same number of rows.
func (p *Pair) SoftnetRowDelta(row int) (SoftnetRow, bool) {
	if !p.deltas() || len(p.Before.Softnet) != len(p.After.Softnet) || row < 0 || row >= len(p.After.Softnet) {
		return SoftnetRow{}, false
	}
	r, disc := p.softnetRowDelta(&p.Before.Softnet[row], &p.After.Softnet[row], "row "+strconv.Itoa(row))
	return r, disc == nil
}

// softirqSeries computes softirq name's per-CPU deltas, or the
// discontinuity that leaves the series without one.
func (p *Pair) softirqSeries(name string, perCPU func(cpu int, d uint64)) *Discontinuity {
	a, b := p.Before.Softirqs.Counts[name], p.After.Softirqs.Counts[name]
	p.cpuIndex()
	bound := rateBound(MaxIRQRate, p.seconds())
	for _, c := range p.softirqCol {
		if c.before < len(a) && c.after < len(b) {
			d, kind, reason := CounterDelta(Width32, a[c.before], b[c.after], bound)
			if kind != "" {
				return &Discontinuity{Source: InputSoftirqs, Subject: oneWord(name), Kind: kind,
					Reason: "CPU " + strconv.Itoa(c.cpu) + ": " + reason}
			}
			perCPU(c.cpu, d)
		}
	}
	return nil
}

// SoftirqDelta returns the runs of softirq name ("NET_RX") per CPU over the
// interval (modulo 2^32), for the CPUs in both headers. It is nil for a
// single sample, a name missing from either sample, a cell that went back
// without a plausible wrap or grew beyond MaxIRQRate, and samples of
// different boots.
func (p *Pair) SoftirqDelta(name string) map[int]uint64 {
	if !p.deltas() {
		return nil
	}
	_, okA := p.Before.Softirqs.Counts[name]
	_, okB := p.After.Softirqs.Counts[name]
	if !okA || !okB {
		return nil
	}
	out := make(map[int]uint64, len(p.softirqCol))
	if d := p.softirqSeries(name, func(cpu int, d uint64) { out[cpu] = d }); d != nil {
		return nil
	}
	return out
}

// CPUTimeDelta returns cpu's /proc/stat times over the interval, field by
// field. A field that went backwards counts 0: idle and iowait are known to
// step back on tickless kernels, and a CPU's times survive hotplug. ok is
// false for a single sample, a CPU missing from either sample, and samples
// of different boots.
func (p *Pair) CPUTimeDelta(cpu int) (CPUTime, bool) {
	if !p.deltas() {
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
	if !p.deltas() {
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

// nicDelta is the delta of one NIC counter of width w, bounded by the
// faster of the two samples' link speeds.
func (p *Pair) nicDelta(a, b *NIC, source, stat string, w CounterWidth, old, new uint64) (uint64, *Discontinuity) {
	speed := max(a.Speed, b.Speed)
	if a.Speed <= 0 || b.Speed <= 0 {
		speed = -1 // unknown in a sample: the widest bound
	}
	d, kind, reason := CounterDelta(w, old, new, rateBound(nicCounterRate(stat, speed), p.seconds()))
	if kind == "" {
		return d, nil
	}
	if kind == DiscImplausible {
		reason += linkWords(speed)
	}
	return 0, &Discontinuity{Source: source, Subject: oneWord(b.Name), Counter: oneWord(stat), Kind: kind, Reason: reason}
}

// linkWords names the link speed a NIC bound came from.
func linkWords(speed int) string {
	if speed <= 0 {
		return fmt.Sprintf(" (link speed unknown: bounded by %d Gb/s, %.0f frames/s)", MaxLinkSpeedMbps/1000, LinkPacketRate(speed))
	}
	return fmt.Sprintf(" (a %d Mb/s link carries at most %.0f frames/s)", speed, LinkPacketRate(speed))
}

// NICStatDelta returns the growth of /sys/class/net/NIC/statistics/STAT over
// the interval (Width64Wrap32). When a sample lacks the sysfs file (a
// sosreport without statistics/) it uses the /proc/net/dev column holding
// the same counter, if there is one (rx_fifo_errors → rx_fifo, …). ok is
// false for a single sample, a NIC or stat missing from either sample, a
// counter reset, growth beyond the link's rate (LinkPacketRate, or its bit
// rate for byte counters), and samples of different boots.
func (p *Pair) NICStatDelta(nic, stat string) (uint64, bool) {
	a, b := p.nics(nic)
	if a == nil || b == nil {
		return 0, false
	}
	if o, ok := a.Stats[stat]; ok {
		if n, ok := b.Stats[stat]; ok {
			d, disc := p.nicDelta(a, b, InputNICSysfs, stat, Width64Wrap32, o, n)
			return d, disc == nil
		}
	}
	if k, ok := netDevKeys[stat]; ok {
		return p.NetDevDelta(nic, k)
	}
	return 0, false
}

// NetDevDelta returns the growth of /proc/net/dev column col ("rx_fifo")
// of nic over the interval, by the rules of NICStatDelta.
func (p *Pair) NetDevDelta(nic, col string) (uint64, bool) {
	a, b := p.nics(nic)
	if a == nil || b == nil {
		return 0, false
	}
	o, okA := a.NetDev[col]
	n, okB := b.NetDev[col]
	if !okA || !okB {
		return 0, false
	}
	d, disc := p.nicDelta(a, b, InputNetDev, col, Width64Wrap32, o, n)
	return d, disc == nil
}

// EthtoolStatDelta returns the growth of ethtool -S counter stat of nic over
// the interval (Width64: drivers keep these as u64 and reset them on ring,
// channel and link changes, so a decrease is a reset). ok is false for a
// single sample, a NIC or stat missing from either sample, a reset, growth
// beyond the link's rate, and samples of different boots.
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
	d, disc := p.nicDelta(a, b, InputEthtoolStats, stat, Width64, o, n)
	return d, disc == nil
}

// NetStatDelta returns the change of counter name of group ("TcpExt",
// "PAWSPassive") over the interval, modulo 2^64 (the kernel keeps unsigned
// longs): a counter's growth, or for a gauge such as Tcp CurrEstab a possibly
// negative change. ok is false for a single sample, a counter missing from
// either sample, and samples of different boots.
func (p *Pair) NetStatDelta(group, name string) (int64, bool) {
	if !p.deltas() {
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
	if !p.deltas() {
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
