package parse

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/netdoctor/netdoctor/internal/host"
)

// eightSpaces is "        " read as a little-endian uint64.
const eightSpaces = 0x2020202020202020

// maxIRQ bounds IRQ numbers; Linux allocates at most a few hundred thousand.
const maxIRQ = 1<<31 - 1

// Interrupts parses /proc/interrupts.
//
// The header names the online CPUs ("CPU0 CPU2 CPU3" when CPU1 is offline);
// Interrupts.CPUs keeps those numbers and every row's Counts is aligned with
// them. A numbered row holds exactly one count per header CPU, then the chip,
// the hardware IRQ, the trigger and the action names, in one of the layouts:
//
//	3.10 (RHEL 7):  " 98:  3045990229   0  IR-PCI-MSI-edge      eth0-TxRx-6"
//	4.x:            " 34:  256407  0  IR-PCI-MSI 524288-edge      eth0-TxRx-0"
//	5.x, 6.x:       " 38:  0  1016 PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0"
//	arm64:          " 11:  12345  23456     GICv3  27 Level     arch_timer"
//
// Shared IRQs list several actions separated by ", "; a row may have none.
// Named rows (NMI, LOC, IPI0, ...) go to Arch with their description; ERR and
// MIS carry a single total. A row with fewer counts than the header (or more)
// is a row error: it is skipped, the error names its line, and parsing goes on.
//
// It is written by hand because procfs panics on short rows and on rows
// without a chip column, stops at 1 MiB (hosts with hundreds of CPUs have
// several MiB) and drops the header's CPU numbers. It is a byte scanner
// that carves all count slices from a few shared arrays: a 512-CPU host with
// 1500 IRQs (9 MB) parses at several hundred MB/s
// (BenchmarkInterrupts512CPU).
func Interrupts(b []byte) (host.Interrupts, error) {
	// One allocation serves the counts of many rows. A row needs at least
	// two bytes per count, which bounds the estimate for hostile input.
	nl := bytes.Count(b, []byte{'\n'})
	return interrupts(&lineScanner{b: b}, nl, len(b))
}

// InterruptsFrom is Interrupts reading r one line at a time: memory grows
// with what the model keeps (a count per IRQ and CPU, the names), not with
// the file, so /proc/interrupts of the largest hosts (140 MB a sample at
// 2048 CPUs) is read whole under no file-size cap. A read error is
// returned with whatever rows came before it.
func InterruptsFrom(r io.Reader) (host.Interrupts, error) {
	return interruptsStream(streamLines(r))
}

func interruptsStream(ls *lineScanner) (host.Interrupts, error) {
	out, err := interrupts(ls, -1, -1)
	if rerr := ls.readErr(); rerr != nil {
		return out, rerr
	}
	return out, err
}

// interrupts parses the lines of ls; nl and size are the file's lines and
// bytes when known (the counts' arrays are sized from them), -1 when
// streamed.
func interrupts(ls *lineScanner, nl, size int) (host.Interrupts, error) {
	out := host.Interrupts{CPUs: []int{}, IRQs: []host.IRQ{}, Arch: []host.ArchIRQ{}}
	errs := rowErrors{file: "interrupts"}

	cpus, err := readCPUHeader(ls, "interrupts")
	if err != nil {
		return out, err
	}
	out.CPUs = cpus
	n := len(cpus)

	chunk := 1 << 16 // streamed: a few hundred KiB per array
	if nl >= 0 {
		chunk = (nl + 1) * n
		if limit := size/2 + n; chunk > limit {
			chunk = limit
		}
		chunk = min(chunk, 1<<20)
		out.IRQs = make([]host.IRQ, 0, min(nl, 4096))
	}
	slab := countSlab{chunk: chunk}
	cols := colSlab{chunk: 1 << 14}

	seenIRQ := make(map[int]struct{})
	seenArch := make(map[string]struct{})
	chips := make(map[string]string)
	rows := 0
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		// Label: "  24:" or "NMI:".
		i := 0
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			continue // blank line
		}
		rows++
		labelStart := i
		for i < len(line) && line[i] != ':' && !isSpace(line[i]) {
			i++
		}
		if i == len(line) || line[i] != ':' || i == labelStart {
			errs.addf(num, "no \"IRQ:\" label in %s", quote(line))
			continue
		}
		label := line[labelStart:i]
		i++ // ':'

		counts := slab.free(n)
		k := 0
		for k < n {
			// Counts are right-aligned in 10 columns: skip 8 spaces at a time.
			for i+8 <= len(line) && binary.LittleEndian.Uint64(line[i:]) == eightSpaces {
				i += 8
			}
			for i < len(line) && isSpace(line[i]) {
				i++
			}
			st := i
			var v uint64
			for i < len(line) {
				d := line[i] - '0'
				if d > 9 {
					break
				}
				v = v*10 + uint64(d)
				i++
			}
			if i == st || (i < len(line) && !isSpace(line[i])) {
				i = st // not a count: the tail starts here
				break
			}
			if i-st > 19 { // may have overflowed
				var ok bool
				if v, ok = parseUint(line[st:i]); !ok {
					i = st
					break
				}
			}
			counts[k] = v
			k++
		}
		tail := trimSpace(line[i:])

		if isDigit(label[0]) {
			irq, ok := parseSmallInt(label, maxIRQ)
			if !ok {
				errs.addf(num, "bad IRQ number %s", quote(label))
				continue
			}
			if k < n {
				errs.addf(num, "IRQ %d: short row: %d counts for %d CPUs", irq, k, n)
				continue
			}
			if len(tail) > 0 && isAllDigits(firstField(tail)) {
				errs.addf(num, "IRQ %d: more counts than the header's %d CPUs", irq, n)
				continue
			}
			if _, dup := seenIRQ[irq]; dup {
				errs.addf(num, "IRQ %d: repeated", irq)
				continue
			}
			seenIRQ[irq] = struct{}{}
			q := host.IRQ{Num: irq, Node: -1}
			if n >= sparseMinCPUs {
				q.Counts, q.Cols = sparseRow(counts, &slab, &cols)
			} else {
				q.Counts = slab.commit(n)
			}
			q.Chip, q.HWIRQ, q.Trigger, q.Actions = irqTail(tail, chips)
			out.IRQs = append(out.IRQs, q)
			continue
		}

		// Architecture row: one count per CPU, or a single total (ERR, MIS).
		name := string(label)
		if k != n && k != 1 {
			errs.addf(num, "%q: %d counts for %d CPUs", name, k, n)
			continue
		}
		if len(tail) > 0 && isDigit(tail[0]) && isAllDigits(firstField(tail)) {
			errs.addf(num, "%q: more counts than the header's %d CPUs", name, n)
			continue
		}
		if _, dup := seenArch[name]; dup {
			errs.addf(num, "%q: repeated", name)
			continue
		}
		seenArch[name] = struct{}{}
		out.Arch = append(out.Arch, host.ArchIRQ{Name: name, Counts: slab.commit(k), Desc: string(tail)})
	}
	if rows == 0 {
		errs.addf(0, "no rows after the header")
	}
	return out, errs.err()
}

// irqTail splits the text after the counts of a numbered row into chip,
// hardware IRQ, trigger and action names (see Interrupts for the layouts).
// chips interns chip names, which repeat on every row.
func irqTail(t []byte, chips map[string]string) (chip, hwirq, trigger string, actions []string) {
	actions = []string{}
	s, e := field(t, 0)
	if s == e {
		return "", "", "", actions
	}
	c := t[s:e]
	pos := e
	if base, trig, ok := gluedTrigger(c); ok {
		// 3.10: "IR-PCI-MSI-edge", no hardware IRQ column.
		c, trigger = base, trig
	} else {
		// 4.x and later: hardware IRQ, glued to the flow name ("524288-edge").
		if s, e := field(t, pos); s < e && isDigit(t[s]) {
			tok := t[s:e]
			j := 0
			for j < len(tok) && isDigit(tok[j]) {
				j++
			}
			switch {
			case j == len(tok):
				hwirq = string(tok)
				pos = e
			case tok[j] == '-' && j+1 < len(tok):
				hwirq = string(tok[:j])
				trigger = flowName(tok[j+1:])
				pos = e
			}
		}
		// CONFIG_GENERIC_IRQ_SHOW_LEVEL (arm64 and others): "Level" or "Edge".
		if s, e := field(t, pos); trigger == "" && s < e {
			switch string(t[s:e]) {
			case "Level":
				trigger, pos = "level", e
			case "Edge":
				trigger, pos = "edge", e
			}
		}
		// A flow name after a blank hardware IRQ column ("xen-percpu      -virq").
		if s, e := field(t, pos); e-s > 1 && t[s] == '-' {
			if trigger == "" {
				trigger = flowName(t[s+1 : e])
			}
			pos = e
		}
	}
	if v, ok := chips[string(c)]; ok {
		chip = v
	} else {
		chip = string(c)
		if len(chips) < 256 {
			chips[chip] = chip
		}
	}
	rest := trimSpace(t[pos:])
	for len(rest) > 0 {
		i := bytes.Index(rest, []byte(", "))
		if i < 0 {
			actions = append(actions, string(rest))
			break
		}
		if a := trimSpace(rest[:i]); len(a) > 0 {
			actions = append(actions, string(a))
		}
		rest = trimSpace(rest[i+2:])
	}
	return chip, hwirq, trigger, actions
}

// gluedTrigger splits the 3.10 chip column "IR-PCI-MSI-edge" into
// "IR-PCI-MSI" and "edge". Only the x86 flow names are split: a chip such as
// "xen-dyn-event" is kept whole.
func gluedTrigger(c []byte) (base []byte, trigger string, ok bool) {
	for _, t := range [...]string{"edge", "fasteoi", "level"} {
		if len(c) > len(t)+1 && c[len(c)-len(t)-1] == '-' && string(c[len(c)-len(t):]) == t {
			return c[:len(c)-len(t)-1], t, true
		}
	}
	return c, "", false
}

// flowName returns the flow handler name, without allocating for the common ones.
func flowName(b []byte) string {
	switch string(b) {
	case "edge":
		return "edge"
	case "fasteoi":
		return "fasteoi"
	case "level":
		return "level"
	}
	return string(b)
}

func firstField(b []byte) []byte {
	s, e := field(b, 0)
	return b[s:e]
}

func isAllDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// sparseMinCPUs is the header width from which a row whose counts are
// mostly 0 is kept sparse (host.IRQ.Cols): from 64 CPUs, where a queue's
// vector taking interrupts on one CPU leaves the rest of its row 0.
const sparseMinCPUs = 64

// sparseRow keeps the row parsed into counts (slab's free space) sparse
// when that is smaller (8 bytes per nonzero count and 4 per column, against
// 8 per column), else commits it dense.
func sparseRow(counts []uint64, slab *countSlab, cols *colSlab) ([]uint64, []int32) {
	nz := 0
	for _, c := range counts {
		if c != 0 {
			nz++
		}
	}
	if nz*3 >= len(counts)*2 {
		return slab.commit(len(counts)), nil
	}
	cs := cols.take(nz)
	w := 0
	for r, c := range counts {
		if c != 0 {
			counts[w] = c
			cs[w] = int32(r)
			w++
		}
	}
	return slab.commit(nz), cs
}

// colSlab hands out column slices carved from shared arrays.
type colSlab struct {
	buf   []int32
	chunk int
}

func (s *colSlab) take(n int) []int32 {
	if n == 0 {
		return []int32{}
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]int32, 0, max(n, s.chunk))
	}
	start := len(s.buf)
	s.buf = s.buf[:start+n]
	return s.buf[start : start+n : start+n]
}

// countSlab hands out count slices carved from large shared arrays. free
// returns scratch space for up to n counts; commit(k) keeps the first k of
// them as a slice whose capacity ends at k, so appending to it cannot
// overwrite the next row.
type countSlab struct {
	buf   []uint64
	chunk int
}

func (s *countSlab) free(n int) []uint64 {
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]uint64, 0, max(n, s.chunk))
	}
	return s.buf[len(s.buf) : len(s.buf)+n]
}

func (s *countSlab) commit(k int) []uint64 {
	start := len(s.buf)
	s.buf = s.buf[:start+k]
	return s.buf[start : start+k : start+k]
}
