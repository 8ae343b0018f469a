// Package hostview is the derived host view: the facts netdoctor computes
// once from a pair of samples (internal/host) and that the checks, the
// report model and `netdoctor show` all read. One file per concern: the
// topology and CPUs (topology.go); the NICs, their queues, IRQs and
// servicing CPUs (nics.go); the per-CPU load (load.go); the loss counters
// as a typed table (losses.go); the loss ledger of every layer (ledger.go); the threads (threads.go); and the window
// the counts cover, with the one accessor for a counter over it
// (window.go).
//
// The view never touches the OS and never changes the pair it was built
// from.
package hostview

import (
	"github.com/netdoctor/netdoctor/internal/host"
)

// View is everything derived from the pair of samples, once, by New.
// Readers never modify it.
//
// Counts are over the window: deltas for two samples, cumulative totals
// for one. Rates are per second over the window and 0 when Seconds is 0.
// The exported tables (CPUs, NICs and their queues, IRQs) are also what the
// report draws: per-CPU interrupt, softirq and drop load, and the
// NIC → queue → IRQ → CPU map.
type View struct {
	// Pair is the input; Now is its latest sample (never nil: an empty
	// snapshot when the pair is empty) and Prev the earlier one or nil.
	Pair *host.Pair
	Now  *host.Snapshot
	Prev *host.Snapshot

	// Window says what counts cover; Seconds is its length (the interval,
	// or the uptime for since-boot, 0 for none); WindowLabel is the text
	// findings print ("5.0 s interval", "since boot (3d 4h)").
	Window      WindowKind
	Seconds     float64
	WindowLabel string

	// Online are the online CPUs of the latest sample; Isolated the
	// isolcpus and nohz_full CPUs; Usable the online CPUs not isolated.
	Online   []int
	Isolated []int
	Usable   []int

	// Cores are the physical cores of the online CPUs, ordered by lowest
	// CPU. A core is keyed by thread_siblings_list and (package, die,
	// core_id), merged; a CPU with neither is a core of its own with
	// Known false. SMT is true when a core has two or more online threads
	// (and smt/active does not say otherwise).
	Cores []Core
	SMT   bool

	// Nodes are the NUMA nodes with online CPUs, by ID. MultiNode is true
	// with two or more of them.
	Nodes     []NodeCPUs
	MultiNode bool

	// CPUs is the per-CPU load table of the online CPUs (plus any CPU a
	// counter names), sorted by CPU.
	CPUs []CPULoad
	// SoftnetRows are the softnet_stat rows of the window, including rows
	// whose CPU is unknown (CPU -1).
	SoftnetRows []SoftnetLoad

	// IRQs are the interrupt lines of the NICs (queue and misc vectors), by
	// number.
	IRQs []*IRQLoad
	// NICs are the interfaces in the order of the latest sample.
	NICs []*NICLoad

	// Threads are the tasks of the latest sample with their CPU use.
	Threads []ThreadUse
	// BusyAppCPUs are the CPUs where a busy user-space thread last ran
	// (two samples: ≥ BusyThreadShare of a CPU; one sample: state R).
	BusyAppCPUs []int

	// Ledger is the loss ledger: every receive-path loss counter over
	// the window, by layer (ledger.go).
	Ledger *Ledger

	// Discontinuities are the counter series without a value over the
	// interval (host.Pair.Discontinuities); PairWarnings what a reader of
	// the deltas must know (host.Pair.Warnings). Both nil for one sample.
	Discontinuities []host.Discontinuity
	PairWarnings    []string

	cpuIdx  map[int]int
	coreOf  map[int]int
	nodeOf  map[int]int
	irqByNo map[int]*IRQLoad
	nicByNm map[string]*NICLoad

	// threadLookups counts the earlier-sample lookups of threads(), for
	// the test that pairing stays linear.
	threadLookups int
}

// New derives the view of p. A nil pair or sample gives a view over an
// empty snapshot, on which checks report not-evaluated.
func New(p *host.Pair) *View {
	v := &View{
		Pair:    p,
		cpuIdx:  map[int]int{},
		coreOf:  map[int]int{},
		nodeOf:  map[int]int{},
		irqByNo: map[int]*IRQLoad{},
		nicByNm: map[string]*NICLoad{},
	}
	if p != nil && p.After != nil {
		v.Now = p.After
		v.Prev = p.Before
	} else {
		v.Now = &host.Snapshot{}
	}
	if p.TwoSample() {
		v.Discontinuities, v.PairWarnings = p.Discontinuities(), p.Warnings()
	}
	v.window()
	v.topology()
	v.cpuTable()
	v.nics()
	v.perCPU()
	v.softnet()
	v.threads()
	v.ledger()
	return v
}

// TwoSample is true when the view holds deltas over an interval.
func (v *View) TwoSample() bool { return v.Window == WindowInterval }

// HasRates is true when rates are known (a time base exists).
func (v *View) HasRates() bool { return v.Seconds > 0 }

// CPU returns the load row of cpu, or nil.
func (v *View) CPU(cpu int) *CPULoad {
	if i, ok := v.cpuIdx[cpu]; ok {
		return &v.CPUs[i]
	}
	return nil
}

// IRQ returns the load of a NIC interrupt line, or nil.
func (v *View) IRQ(num int) *IRQLoad { return v.irqByNo[num] }

// NIC returns the interface's load, or nil.
func (v *View) NIC(name string) *NICLoad { return v.nicByNm[name] }

// Rate divides a count over the window by its length; 0 without a time base.
func (v *View) Rate(n uint64) float64 {
	if v.Seconds <= 0 {
		return 0
	}
	return float64(n) / v.Seconds
}

// InputOK is true when the latest sample recorded input name (for subject)
// as ok, or did not record it at all but has data for it (sources that
// do not record every input). Use InputReason for the reason.
func (v *View) InputOK(name, subject string) bool {
	in := v.Now.Input(name, subject)
	return in == nil || in.Status == host.StatusOK
}

// InputReason describes why input name is not usable, for a verdict reason.
func (v *View) InputReason(name, subject string) string {
	label := name
	if subject != "" {
		label += " " + subject
	}
	in := v.Now.Input(name, subject)
	if in == nil {
		return label + " not collected"
	}
	if in.Reason != "" {
		return label + " " + string(in.Status) + ": " + in.Reason
	}
	return label + " " + string(in.Status)
}
