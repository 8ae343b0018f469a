// Package inventory is the host inventory that `netdoctor show` prints: what
// a support engineer reads first about a host (CPUs and NUMA nodes with
// siblings, each NIC with driver, node, ring, channels and its queues with
// IRQ, effective CPUs and interrupt rate, and the status of every input).
//
// Build derives the inventory from a host.Pair; Text and JSON render it and
// compute nothing.
package inventory

import (
	"sort"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Inventory is the model `netdoctor show` renders. Its JSON field names are
// a contract (see the README).
type Inventory struct {
	Hostname        string   `json:"hostname"`
	Kernel          string   `json:"kernel"`
	Arch            string   `json:"arch,omitempty"`
	Virtualization  string   `json:"virtualization,omitempty"`
	Container       bool     `json:"container"`
	Source          string   `json:"source"`
	Origins         []string `json:"origins"`
	Samples         int      `json:"samples"`
	SampleTimes     []string `json:"sample_times"`
	IntervalSeconds float64  `json:"interval_seconds"`
	BootTime        string   `json:"boot_time,omitempty"`
	UptimeSeconds   int64    `json:"uptime_seconds,omitempty"`
	CPUs            []int    `json:"cpus"`
	CPUList         string   `json:"cpu_list"`
	Offline         []int    `json:"offline"`
	Isolated        []int    `json:"isolated"`
	SMT             *bool    `json:"smt"`
	CPUDetail       []CPU    `json:"cpu_detail"`
	Nodes           []Node   `json:"nodes"`
	NICs            []NIC    `json:"nics"`
	Irqbalance      string   `json:"irqbalance"`
	Inputs          []Input  `json:"inputs"`
	// Losses is the loss ledger (losses.go).
	Losses Losses `json:"losses"`
}

// CPU is one logical CPU's place in the topology.
type CPU struct {
	ID       int   `json:"id"`
	Online   bool  `json:"online"`
	Package  int   `json:"package"`
	Core     int   `json:"core"`
	Node     int   `json:"node"`
	Siblings []int `json:"siblings"`
}

// Node is a NUMA node and its CPUs.
type Node struct {
	ID      int    `json:"id"`
	CPUs    []int  `json:"cpus"`
	CPUList string `json:"cpu_list"`
}

// NIC is one interface with its queues.
type NIC struct {
	Name      string         `json:"name"`
	Kind      string         `json:"kind"`
	Driver    string         `json:"driver"`
	PCI       string         `json:"pci"`
	NUMANode  int            `json:"numa_node"`
	Speed     int            `json:"speed"`
	MTU       int            `json:"mtu,omitempty"`
	OperState string         `json:"operstate,omitempty"`
	Ring      *host.Ring     `json:"ring,omitempty"`
	Channels  *host.Channels `json:"channels,omitempty"`
	QueueMap  string         `json:"queue_map,omitempty"`
	// VirtualHW and Facts are host.NIC's: virtual hardware, and where each
	// identity fact (kind, driver, pci, device) came from.
	VirtualHW bool              `json:"virtual_hw,omitempty"`
	Facts     map[string]string `json:"facts,omitempty"`
	Queues    []Queue           `json:"queues"`
	MiscIRQs  []int             `json:"misc_irqs"`
}

// Queue is one queue vector: its IRQ, the CPUs it is routed to, and its
// interrupt rate over the interval (RatePerSec is nil with one sample).
type Queue struct {
	Index      int               `json:"index"`
	Dir        string            `json:"dir"`
	IRQ        int               `json:"irq"`
	Name       string            `json:"name,omitempty"`
	CPUs       []int             `json:"cpus"`
	CPUsFrom   hostview.CPUsFrom `json:"cpus_from,omitempty"`
	RatePerSec *float64          `json:"rate_per_s"`
}

// Input is one input of one sample and its status.
type Input struct {
	Sample  int    `json:"sample"`
	Name    string `json:"name"`
	Subject string `json:"subject,omitempty"`
	Path    string `json:"path,omitempty"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
}

// Build derives the inventory of the latest sample of the host view v,
// with queue rates over the interval when it has two samples. The rates and
// each queue's CPUs are the view's: show and report agree by construction.
func Build(v *hostview.View) *Inventory {
	if v == nil {
		v = hostview.New(nil)
	}
	p, s := v.Pair, v.Now
	if p == nil {
		p = host.Single(s)
	}
	inv := &Inventory{
		Hostname:       s.Hostname,
		Kernel:         s.Kernel,
		Arch:           s.Arch,
		Virtualization: s.Virtualization,
		Container:      s.Container,
		Source:         s.Source,
		CPUs:           nonNil(s.Topology.Online),
		CPUList:        host.FormatCPUList(s.Topology.Online),
		Offline:        nonNil(s.Topology.Offline),
		Isolated:       nonNil(s.Topology.Isolated),
		SMT:            s.Topology.SMTActive,
		Samples:        1,
	}
	if p.TwoSample() {
		inv.Samples = 2
		inv.IntervalSeconds = p.Interval.Seconds()
		inv.Origins = appendOrigin(inv.Origins, p.Before.Origin)
		inv.SampleTimes = append(inv.SampleTimes, stamp(p.Before.Time))
	}
	inv.Origins = appendOrigin(inv.Origins, s.Origin)
	inv.SampleTimes = append(inv.SampleTimes, stamp(s.Time))
	if !s.BootTime.IsZero() {
		inv.BootTime = stamp(s.BootTime)
		inv.UptimeSeconds = int64(s.Uptime().Seconds())
	}
	for _, c := range s.Topology.CPUs {
		inv.CPUDetail = append(inv.CPUDetail, CPU{ID: c.ID, Online: c.Online, Package: c.Package, Core: c.Core, Node: c.Node, Siblings: nonNil(c.Siblings)})
	}
	for _, n := range s.Topology.Nodes {
		inv.Nodes = append(inv.Nodes, Node{ID: n.ID, CPUs: nonNil(n.CPUs), CPUList: host.FormatCPUList(n.CPUs)})
	}
	for i := range s.NICs {
		inv.NICs = append(inv.NICs, buildNIC(v, &s.NICs[i]))
	}
	inv.Irqbalance = irqbalance(s.Irqbalance)
	inv.Losses = buildLosses(v)
	if p.TwoSample() {
		inv.Inputs = appendInputs(inv.Inputs, 1, p.Before.Inputs)
		inv.Inputs = appendInputs(inv.Inputs, 2, s.Inputs)
	} else {
		inv.Inputs = appendInputs(inv.Inputs, 1, s.Inputs)
	}
	inv.CPUDetail = nonNilT(inv.CPUDetail)
	inv.Nodes = nonNilT(inv.Nodes)
	inv.NICs = nonNilT(inv.NICs)
	inv.Inputs = nonNilT(inv.Inputs)
	return inv
}

func buildNIC(v *hostview.View, n *host.NIC) NIC {
	out := NIC{
		Name: n.Name, Kind: n.Kind, Driver: n.Driver, PCI: n.PCI, NUMANode: n.NUMANode,
		Speed: n.Speed, MTU: n.MTU, OperState: n.OperState, Ring: n.Ring, Channels: n.Channels,
		QueueMap: n.QueueMap, MiscIRQs: nonNil(n.MiscIRQs),
		VirtualHW: n.VirtualHW, Facts: n.Facts,
	}
	for _, q := range n.Queues {
		oq := Queue{Index: q.Index, Dir: q.Dir, IRQ: q.IRQ, Name: q.Name, CPUs: []int{}}
		if il := v.IRQ(q.IRQ); il != nil {
			if il.CPUsFrom != "" {
				oq.CPUs, oq.CPUsFrom = il.CPUs, il.CPUsFrom
			}
			if v.TwoSample() && v.HasRates() && il.CountsKnown {
				r := il.Rate
				oq.RatePerSec = &r
			}
		}
		out.Queues = append(out.Queues, oq)
	}
	out.Queues = nonNilT(out.Queues)
	return out
}

func irqbalance(b host.Irqbalance) string {
	switch {
	case !b.Known:
		return "unknown"
	case b.Running && len(b.Banned) > 0:
		return "running, banned CPUs " + host.FormatCPUList(b.Banned)
	case b.Running:
		return "running"
	default:
		return "not running"
	}
}

func appendInputs(dst []Input, sample int, in []host.Input) []Input {
	start := len(dst)
	for _, i := range in {
		dst = append(dst, Input{Sample: sample, Name: i.Name, Subject: i.Subject, Path: i.Path, Status: string(i.Status), Reason: i.Reason})
	}
	part := dst[start:]
	sort.SliceStable(part, func(a, b int) bool {
		if part[a].Name != part[b].Name {
			return part[a].Name < part[b].Name
		}
		return part[a].Subject < part[b].Subject
	})
	return dst
}

func appendOrigin(dst []string, o string) []string {
	for _, d := range dst {
		if d == o {
			return dst
		}
	}
	return append(dst, o)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

func nonNilT[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
