package source

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
)

// maxIRQ bounds IRQ numbers taken from directory names.
const maxIRQ = 1 << 24

// loadInterrupts reads /proc/interrupts and the /proc/irq/N files.
func (l *loader) loadInterrupts() {
	s := l.snap
	ints, ok := parseStreamInput(l, host.InputInterrupts, "", candInterrupts, parse.InterruptsFrom)
	if ok {
		s.Interrupts = ints
	}
	l.loadIRQDirs(ok)
}

// loadIRQDirs reads the affinity, hint and node of every IRQ of
// /proc/interrupts (of every /proc/irq/N directory when /proc/interrupts
// could not be read), and the action-name directories of IRQs whose
// handlers /proc/interrupts did not name.
func (l *loader) loadIRQDirs(interruptsOK bool) {
	it := &l.snap.Interrupts
	ents, err := l.readDir(irqDir)
	if err != nil {
		l.record(host.InputIRQAffinity, "", irqDir, err, "")
		return
	}
	if b, err := l.readFile(irqDir + "/default_smp_affinity"); err == nil {
		if v, perr := safe(func() ([]int, error) { return parse.CPUMask(strings.TrimSpace(string(b))) }); perr == nil {
			it.DefaultAffinity = v
		}
	}
	index := make(map[int]int, len(it.IRQs))
	for i := range it.IRQs {
		index[it.IRQs[i].Num] = i
	}
	var nums []int
	for _, e := range ents {
		n, ok := irqNumber(e.Name())
		if !ok || !e.IsDir() && e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		if _, known := index[n]; !known {
			if interruptsOK {
				continue // allocated but not requested: no handler, no counts
			}
			it.IRQs = append(it.IRQs, host.IRQ{Num: n, Node: -1})
			index[n] = len(it.IRQs) - 1
		}
		nums = append(nums, n)
	}
	if !interruptsOK {
		sort.Slice(it.IRQs, func(i, j int) bool { return it.IRQs[i].Num < it.IRQs[j].Num })
		for i := range it.IRQs {
			index[it.IRQs[i].Num] = i
		}
	}
	errs := make([]error, len(nums))
	parallel(len(nums), dirWorkers, func(i int) {
		errs[i] = l.readIRQ(&it.IRQs[index[nums[i]]])
	})
	read, failed := 0, 0
	var firstErr error
	firstAt := ""
	for i, err := range errs {
		if err == nil {
			read++
			continue
		}
		failed++
		if firstErr == nil {
			firstErr, firstAt = err, fmt.Sprintf("%s/%d/smp_affinity_list", irqDir, nums[i])
		}
	}
	switch {
	case read > 0 && failed > 0:
		l.record(host.InputIRQAffinity, "", irqDir, nil, fmt.Sprintf("no affinity for %d of %d IRQs", failed, failed+read))
	case read > 0 || len(nums) == 0:
		l.record(host.InputIRQAffinity, "", irqDir, nil, "")
	default:
		l.record(host.InputIRQAffinity, "", firstAt, firstErr, "")
	}
}

// irqNumber parses a /proc/irq entry name.
func irqNumber(name string) (int, bool) {
	if name == "" || len(name) > 8 {
		return 0, false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(name)
	return n, err == nil && n <= maxIRQ
}

// readIRQ reads one /proc/irq/N directory into q. The error is about the
// affinity, the one file every kernel has.
func (l *loader) readIRQ(q *host.IRQ) error {
	dir := irqDir + "/" + strconv.Itoa(q.Num) + "/"
	aff, affErr := l.readCPUs(dir+"smp_affinity_list", dir+"smp_affinity")
	if affErr == nil {
		q.Affinity = aff
	}
	if eff, err := l.readCPUs(dir+"effective_affinity_list", dir+"effective_affinity"); err == nil {
		q.Effective = eff
	}
	// A driver sets the node and the hint when it requests the IRQ: they
	// change with the handlers.
	key := ""
	if l.carry != nil && len(q.Actions) > 0 {
		key = q.Chip + "\x00" + strings.Join(q.Actions, "\x00")
	}
	if b, err := l.readStable(dir+"affinity_hint", key); err == nil {
		if v, perr := l.cpus.maskTrimmed(b); perr == nil && len(v) > 0 {
			q.Hint = v
		}
	}
	if b, err := l.readStable(dir+"node", key); err == nil {
		if v, perr := safe(func() (int64, error) { return parse.Int(b) }); perr == nil && v >= -1 && v <= maxCPUID {
			q.Node = int(v)
		}
	}
	if len(q.Actions) == 0 {
		// Offline, the empty per-handler directories name the IRQ.
		if ents, err := l.readDir(strings.TrimSuffix(dir, "/")); err == nil {
			for _, e := range ents {
				if e.IsDir() {
					q.Actions = append(q.Actions, e.Name())
				}
			}
			sort.Strings(q.Actions)
		}
	}
	return affErr
}

// readCPUs reads a cpulist file, or when it does not exist the hex mask
// file next to it.
func (l *loader) readCPUs(listFile, maskFile string) ([]int, error) {
	b, err := l.readFile(listFile)
	if err == nil {
		return l.cpus.list(b, true)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	b, err = l.readFile(maskFile)
	if err != nil {
		return nil, err
	}
	return l.cpus.maskTrimmed(b)
}
