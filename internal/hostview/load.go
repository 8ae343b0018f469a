package hostview

import (
	"github.com/netdoctor/netdoctor/internal/host"
)

// CPULoad is one CPU's receive-path load over the window.
type CPULoad struct {
	// CPU is the CPU number; Online, Isolated and Node (-1 unknown) its
	// state in the latest sample.
	CPU      int  `json:"cpu"`
	Online   bool `json:"online"`
	Isolated bool `json:"isolated"`
	Node     int  `json:"node"`
	// Core is the index in View.Cores, -1 unknown.
	Core int `json:"core"`
	// IRQs is the CPU's hard interrupts over every numbered IRQ of
	// /proc/interrupts (devices, not the LOC/RES/... architecture rows);
	// IRQRate the same per second.
	IRQs    uint64  `json:"irqs"`
	IRQRate float64 `json:"irq_rate"`
	// NICIRQs is the sum of the CPU's interrupts over every physical NIC's
	// queue IRQs; NICIRQRate the same per second.
	NICIRQs    uint64  `json:"nic_irqs"`
	NICIRQRate float64 `json:"nic_irq_rate"`
	// ActiveQueues counts the active queue IRQs this CPU services.
	ActiveQueues int `json:"active_queues"`
	// NetRX is the NET_RX softirq count (handler runs); NetRXKnown false
	// when /proc/softirqs could not give it.
	NetRX      uint64  `json:"net_rx"`
	NetRXRate  float64 `json:"net_rx_rate"`
	NetRXKnown bool    `json:"net_rx_known"`
	// IRQTime is the share of the CPU's time spent in hard IRQ and softirq
	// (/proc/stat irq + softirq), 0 to 1.
	IRQTime      float64 `json:"irq_time"`
	IRQTimeKnown bool    `json:"irq_time_known"`
	// Softnet is the CPU's softnet_stat row over the window.
	Softnet      host.SoftnetRow `json:"softnet"`
	SoftnetKnown bool            `json:"softnet_known"`
	// DropRate and SqueezeRate are softnet dropped and time_squeeze per second.
	DropRate    float64 `json:"drop_rate"`
	SqueezeRate float64 `json:"squeeze_rate"`
}

// SoftnetLoad is one softnet_stat row over the window.
type SoftnetLoad struct {
	// Row is the line number (0-based); CPU the owning CPU, -1 unknown.
	Row int `json:"row"`
	CPU int `json:"cpu"`
	// CPUFromIndex is true when the kernel printed the CPU (column 13).
	CPUFromIndex bool `json:"cpu_from_index"`
	// Counts are the row's counters over the window.
	Counts host.SoftnetRow `json:"counts"`
}

// allIRQs sums every numbered IRQ per CPU over the window: one sample,
// the since-boot counts; two samples, host.Pair.IRQTotals (the IRQs with an
// interval value).
func (v *View) allIRQs() map[int]uint64 {
	if v.Prev != nil {
		return v.Pair.IRQTotals()
	}
	now := &v.Now.Interrupts
	tot := make([]uint64, len(now.CPUs))
	for i := range now.IRQs {
		now.IRQs[i].EachCount(func(j int, n uint64) {
			if j < len(tot) {
				tot[j] += n
			}
		})
	}
	out := make(map[int]uint64, len(tot))
	for j, c := range now.CPUs {
		out[c] += tot[j]
	}
	return out
}

// perCPU fills the interrupt, NET_RX and irq-time columns.
func (v *View) perCPU() {
	for cpu, n := range v.allIRQs() {
		if row := v.ensureCPU(cpu); row != nil {
			row.IRQs = n
		}
	}
	for _, nl := range v.NICs {
		if !nl.Physical {
			continue
		}
		for _, il := range nl.QueueIRQs {
			for cpu, c := range il.PerCPU {
				if row := v.ensureCPU(cpu); row != nil {
					row.NICIRQs += c
				}
			}
			if il.Active && il.Servicing >= 0 {
				if row := v.ensureCPU(il.Servicing); row != nil {
					row.ActiveQueues++
				}
			}
		}
	}
	// NET_RX.
	var netrx map[int]uint64
	if v.Prev != nil {
		if _, ok := v.Prev.Softirqs.Counts["NET_RX"]; ok {
			netrx = v.Pair.SoftirqDelta("NET_RX")
		}
	} else if row, ok := v.Now.Softirqs.Counts["NET_RX"]; ok {
		netrx = countsByCPU(v.Now.Softirqs.CPUs, row)
	}
	if _, ok := v.Now.Softirqs.Counts["NET_RX"]; !ok {
		netrx = nil
	}
	// CPU time.
	times := map[int]host.CPUTime{}
	if v.Prev != nil {
		for _, t := range v.Now.CPUTimes {
			if d, ok := v.Pair.CPUTimeDelta(t.CPU); ok {
				times[t.CPU] = d
			}
		}
	} else {
		for _, t := range v.Now.CPUTimes {
			times[t.CPU] = t
		}
	}
	for i := range v.CPUs {
		row := &v.CPUs[i]
		row.NICIRQRate = v.Rate(row.NICIRQs)
		row.IRQRate = v.Rate(row.IRQs)
		if netrx != nil {
			row.NetRX, row.NetRXKnown = netrx[row.CPU], true
			row.NetRXRate = v.Rate(row.NetRX)
		}
		if t, ok := times[row.CPU]; ok && t.Total() > 0 {
			row.IRQTime = float64(t.IRQ+t.SoftIRQ) / float64(t.Total())
			row.IRQTimeKnown = true
		}
	}
}

func (v *View) softnet() {
	rows := v.Now.Softnet
	var prevByRow []host.SoftnetRow
	if v.Prev != nil && len(v.Prev.Softnet) == len(rows) {
		prevByRow = v.Prev.Softnet
	}
	for i, r := range rows {
		sl := SoftnetLoad{Row: i, CPU: r.CPU, CPUFromIndex: r.CPUFromIndex}
		switch {
		case v.Prev == nil:
			sl.Counts = r
		case r.CPU >= 0:
			d, ok := v.Pair.SoftnetDelta(r.CPU)
			if !ok {
				continue
			}
			sl.Counts = d
		case prevByRow != nil:
			d, ok := v.Pair.SoftnetRowDelta(i)
			if !ok {
				continue
			}
			sl.Counts = d
		default:
			continue
		}
		v.SoftnetRows = append(v.SoftnetRows, sl)
		if r.CPU >= 0 {
			if row := v.ensureCPU(r.CPU); row != nil {
				row.Softnet, row.SoftnetKnown = sl.Counts, true
				row.DropRate = v.Rate(uint64(sl.Counts.Dropped))
				row.SqueezeRate = v.Rate(uint64(sl.Counts.TimeSqueeze))
			}
		}
	}
}
