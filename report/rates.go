package report

import "github.com/netdoctor/netdoctor/internal/hostview"

// rates are the per-CPU and per-queue rates of the host view, in the
// shape the report model takes them.
type rates struct {
	// Window says what the rates cover ("5.0 s interval", "since boot").
	Window string
	// CPUs are the per-CPU loads; build fills Node and Siblings from the
	// topology and adds a zero row for every online CPU without one.
	CPUs []CPULoad
	// Queues are per NIC name the rates of its queue vectors, matched to
	// the NIC's queues by IRQ number.
	Queues map[string][]queueRate
}

// queueRate is the interrupt rate of one queue vector.
type queueRate struct {
	Index    int
	Dir      string
	IRQ      int
	RatePerS float64
	// PerCPU splits the interrupts by CPU, in any order; build sorts it,
	// sums repeated CPUs and drops empty entries.
	PerCPU []CPURate
}

// ratesOf reads the rates the host view computed: the report never
// computes a rate of its own.
func ratesOf(v *hostview.View) rates {
	l := rates{Window: v.WindowLabel, Queues: map[string][]queueRate{}}
	for _, c := range v.CPUs {
		if !c.Online {
			continue
		}
		l.CPUs = append(l.CPUs, CPULoad{
			CPU: c.CPU, IRQPerS: c.IRQRate, NetRXPerS: c.NetRXRate,
			DropsPerS: c.DropRate, SqueezePerS: c.SqueezeRate, NICIRQPerS: c.NICIRQRate,
		})
	}
	for _, q := range v.IRQs {
		if q.NIC == "" || q.Misc {
			continue
		}
		var perCPU []CPURate
		if q.CountsKnown {
			perCPU = make([]CPURate, 0, len(q.PerCPU))
			for cpu, n := range q.PerCPU {
				if n > 0 {
					perCPU = append(perCPU, CPURate{CPU: cpu, RatePerS: v.Rate(n), Count: n})
				}
			}
		}
		l.Queues[q.NIC] = append(l.Queues[q.NIC], queueRate{
			Index: q.Queue, Dir: q.Dir, IRQ: q.Num, RatePerS: q.Rate, PerCPU: perCPU,
		})
	}
	return l
}
