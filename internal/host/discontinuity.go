package host

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Discontinuities lists every counter series of the pair that has no value
// over the interval, with the reason: a reboot between the samples (one
// entry standing for every series), IRQs renumbered, re-created or new,
// counters that went back without a plausible wrap, and growth beyond what
// hardware can do. The delta methods return ok=false (or nil) for exactly
// these series. It is nil for a single sample. The list is sorted by
// source, subject and counter, and computed once.
func (p *Pair) Discontinuities() []Discontinuity {
	if !p.TwoSample() {
		return nil
	}
	p.scan()
	return slices.Clone(p.discs)
}

// Warnings are facts about the pair a reader of its deltas must know: an
// interval long enough for 32-bit counters to wrap unseen, a boot time
// unknown in a sample (a reboot then shows only as counters going back), a
// reboot inferred from most interrupt counters going back, a sample dated
// before 2000. Nil for a single sample.
func (p *Pair) Warnings() []string {
	if !p.TwoSample() {
		return nil
	}
	p.scan()
	return slices.Clone(p.warnings)
}

// scan computes the discontinuities and warnings once.
func (p *Pair) scan() {
	p.discOnce.Do(func() {
		a, b := p.Before, p.After
		for i, s := range p.snaps() {
			if y := s.Time.Year(); y < 2000 {
				p.warnings = append(p.warnings, fmt.Sprintf("sample %d is dated %s: its clock was probably not set; only the interval between the samples is used",
					i+1, stampTime(s.Time)))
			}
		}
		if p.reboot != nil {
			p.discs = []Discontinuity{*p.reboot}
			p.warnings = append(p.warnings, p.reboot.Reason+": no counter has an interval value")
			return
		}
		if p.Interval > AmbiguousWrapInterval {
			p.warnings = append(p.warnings, fmt.Sprintf(
				"the samples are %s apart: beyond %s a reset of a 32-bit counter (interrupts, softirqs, softnet_stat) can pass for a wrap; shorter intervals tell them apart",
				p.Interval.Round(time.Second), AmbiguousWrapInterval.Round(time.Minute)))
		}
		if a.BootTime.IsZero() || b.BootTime.IsZero() {
			if a.Sysctls[SysctlBootID] == "" || b.Sysctls[SysctlBootID] == "" {
				p.warnings = append(p.warnings, "the boot time or boot id is unknown in a sample: a reboot between the samples can only show as counters going back")
			}
		}
		p.scanIRQs()
		p.scanCPUs()
		p.scanNICs()
		slices.SortStableFunc(p.discs, func(x, y Discontinuity) int {
			return cmp.Or(cmp.Compare(x.Source, y.Source), cmp.Compare(x.Subject, y.Subject), cmp.Compare(x.Counter, y.Counter))
		})
	})
}

func (p *Pair) scanIRQs() {
	ix := p.irqIndex()
	seen := map[int]bool{}
	matched := map[*IRQ]bool{}
	counted, reset := 0, 0
	for i := range p.After.Interrupts.IRQs {
		n := p.After.Interrupts.IRQs[i].Num
		if seen[n] {
			continue
		}
		seen[n] = true
		if _, a := p.matchIRQ(ix[0][n], ix[1][n]); a != nil {
			matched[a] = true
		}
		d := p.irqSeries(n, nil)
		if a := ix[0][n]; a != nil && a.Total() > 0 {
			counted++
		}
		if d == nil {
			continue
		}
		if d.Kind == DiscReset {
			reset++
		}
		p.discs = append(p.discs, *d)
	}
	for i := range p.Before.Interrupts.IRQs {
		a := &p.Before.Interrupts.IRQs[i]
		if matched[a] || ix[0][a.Num] != a {
			continue
		}
		p.discs = append(p.discs, Discontinuity{Source: InputInterrupts, Subject: irqLabel(a), Kind: DiscVanished,
			Reason: "in the first sample only: removed or re-created under another name between the samples (driver unload, ethtool -L, a device removed)"})
	}
	if counted >= 4 && 2*reset > counted {
		p.warnings = append(p.warnings, fmt.Sprintf(
			"%d of %d interrupt lines went back: the host probably rebooted or reloaded its drivers between the samples", reset, counted))
	}
}

func (p *Pair) scanCPUs() {
	ix := p.cpuIndex()
	if len(p.Before.Softnet) == len(p.After.Softnet) {
		for i := range p.After.Softnet {
			r := &p.After.Softnet[i]
			if r.CPU >= 0 {
				continue
			}
			if _, d := p.softnetRowDelta(&p.Before.Softnet[i], r, fmt.Sprintf("row %d", i)); d != nil {
				p.discs = append(p.discs, *d)
			}
		}
	}
	for cpu, b := range ix[1].softnet {
		if a := ix[0].softnet[cpu]; a != nil {
			if _, d := p.softnetRowDelta(a, b, fmt.Sprintf("CPU %d", cpu)); d != nil {
				p.discs = append(p.discs, *d)
			}
		}
	}
	for name := range p.After.Softirqs.Counts {
		if _, ok := p.Before.Softirqs.Counts[name]; !ok {
			continue
		}
		if d := p.softirqSeries(name, func(int, uint64) {}); d != nil {
			p.discs = append(p.discs, *d)
		}
	}
}

func (p *Pair) scanNICs() {
	ix := p.nicIndex()
	for name, b := range ix[1] {
		a := ix[0][name]
		if a == nil {
			continue
		}
		for _, src := range []struct {
			input string
			w     CounterWidth
			old   map[string]uint64
			new   map[string]uint64
		}{
			{InputNICSysfs, Width64Wrap32, a.Stats, b.Stats},
			{InputNetDev, Width64Wrap32, a.NetDev, b.NetDev},
			{InputEthtoolStats, Width64, a.EthtoolStats, b.EthtoolStats},
		} {
			for k, n := range src.new {
				o, ok := src.old[k]
				if !ok {
					continue
				}
				if _, d := p.nicDelta(a, b, src.input, k, src.w, o, n); d != nil {
					p.discs = append(p.discs, *d)
				}
			}
		}
	}
}
