package parse

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestInterruptsSamples(t *testing.T) {
	type irqWant struct {
		num     int
		counts  []uint64
		chip    string
		hwirq   string
		trigger string
		actions []string
	}
	tests := []struct {
		file      string
		cpus      []int
		nIRQ      int
		irqs      []irqWant
		archNames []string // every Arch row name, in order
		archOne   []string // Arch rows with a single total
	}{
		{
			// This machine: kernel 6.18, KVM guest with 2 vCPUs and virtio NICs.
			file: "live-6.18-kvm",
			cpus: []int{0, 1},
			nIRQ: 19,
			irqs: []irqWant{
				{24, []uint64{1, 0}, "IO-APIC", "5", "edge", []string{"ACPI:Ged"}},
				{28, []uint64{0, 0}, "PCI-MSIX-0000:00:01.0", "0", "edge", []string{"virtio0-config"}},
			},
			archNames: []string{"NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "TRM", "HYP", "ERR", "MIS", "PIN", "NPI", "PIW"},
			archOne:   []string{"ERR", "MIS"},
		},
		{
			// RHEL 7, 3.10: chip and flow glued ("IR-PCI-MSI-edge"), no hwirq column.
			file: "rhel7-3.10-ixgbe-4cpu",
			cpus: []int{0, 1, 2, 3},
			nIRQ: 13,
			irqs: []irqWant{
				{0, []uint64{45, 0, 0, 0}, "IO-APIC", "", "edge", []string{"timer"}},
				{16, []uint64{418, 0, 0, 0}, "IO-APIC", "", "fasteoi", []string{"ehci_hcd:usb1", "uhci_hcd:usb2"}},
				{56, []uint64{0, 0, 0, 0}, "DMAR_MSI", "", "edge", []string{"dmar0"}},
				{64, []uint64{3045990229, 0, 0, 0}, "IR-PCI-MSI", "", "edge", []string{"eth0-TxRx-0"}},
				{66, []uint64{4294967295, 0, 0, 0}, "IR-PCI-MSI", "", "edge", []string{"eth0-TxRx-2"}},
				{69, []uint64{0, 0, 0, 0}, "IR-PCI-MSI", "", "edge", []string{}},
				// Xen event channels: the flow name is not split off.
				{70, []uint64{77, 0, 0, 0}, "xen-dyn-event", "", "", []string{"xenbus"}},
			},
			archNames: []string{"NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "TRM", "THR", "DFR", "MCE", "MCP", "ERR", "MIS"},
			archOne:   []string{"ERR", "MIS"},
		},
		{
			// Ubuntu 18.04, 4.15: hwirq glued to the flow name.
			file: "ubuntu18.04-4.15-i40e-4cpu",
			cpus: []int{0, 1, 2, 3},
			nIRQ: 10,
			irqs: []irqWant{
				{9, []uint64{0, 4, 0, 0}, "IR-IO-APIC", "9", "fasteoi", []string{"acpi"}},
				{26, []uint64{0, 0, 912345, 0}, "IR-PCI-MSI", "512000", "edge", []string{"ahci[0000:00:17.0]"}},
				{27, []uint64{17, 0, 0, 0}, "IR-PCI-MSI", "1572864", "edge", []string{"i40e-0000:03:00.0:misc"}},
				{31, []uint64{0, 0, 0, 1005544}, "IR-PCI-MSI", "1572868", "edge", []string{"i40e-eth2-TxRx-3"}},
				{32, []uint64{0, 0, 0, 0}, "IR-PCI-MSI", "1572869", "edge", []string{}},
			},
			archNames: []string{"NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "TRM", "THR", "DFR", "MCE", "MCP", "ERR", "MIS", "PIN", "NPI", "PIW"},
			archOne:   []string{"ERR", "MIS"},
		},
		{
			// RHEL 9, 5.14 with CPU2 offline: three columns, CPU ids from the header.
			file: "rhel9-5.14-ice-cpu2-offline",
			cpus: []int{0, 1, 3},
			nIRQ: 6,
			irqs: []irqWant{
				{121, []uint64{5012, 0, 880123}, "IR-PCI-MSIX-0000:3b:00.0", "1", "edge", []string{"ice-ens1f0-TxRx-0"}},
				{1024, []uint64{33, 0, 0}, "IR-PCI-MSIX-0000:00:17.0", "0", "edge", []string{"ahci[0000:00:17.0]"}},
			},
			archNames: []string{"NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "TRM", "THR", "DFR", "MCE", "MCP", "ERR", "MIS", "PIN", "NPI", "PIW"},
			archOne:   []string{"ERR", "MIS"},
		},
		{
			// arm64, 5.15: GICv3 prints "Level"/"Edge" after the hwirq; IPIn and Err rows.
			file: "arm64-5.15-gicv3",
			cpus: []int{0, 1},
			nIRQ: 5,
			irqs: []irqWant{
				{11, []uint64{53127, 49880}, "GICv3", "27", "level", []string{"arch_timer"}},
				{48, []uint64{4411, 0}, "ITS-MSI", "16385", "edge", []string{"virtio1-input.0"}},
			},
			archNames: []string{"IPI0", "IPI1", "IPI2", "IPI3", "IPI4", "IPI5", "IPI6", "Err"},
			archOne:   []string{"Err"},
		},
		{
			// Debian 9, 4.9 Xen PV guest: blank hwirq column, "-virq" flow token.
			file: "debian9-4.9-xen",
			cpus: []int{0, 1},
			nIRQ: 4,
			irqs: []irqWant{
				{48, []uint64{1234567, 0}, "xen-percpu", "", "virq", []string{"timer0"}},
				{54, []uint64{95432, 1200}, "xen-dyn", "", "event", []string{"eth0"}},
			},
			archNames: []string{"NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "TRM", "THR", "DFR", "MCE", "MCP", "ERR", "MIS"},
			archOne:   []string{"ERR", "MIS"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Interrupts(readTestdata(t, "interrupts", tt.file))
			if err != nil {
				t.Fatalf("Interrupts: %v", err)
			}
			if !reflect.DeepEqual(got.CPUs, tt.cpus) {
				t.Errorf("CPUs = %v, want %v", got.CPUs, tt.cpus)
			}
			if len(got.IRQs) != tt.nIRQ {
				t.Errorf("%d IRQs, want %d", len(got.IRQs), tt.nIRQ)
			}
			byNum := map[int]host.IRQ{}
			for _, q := range got.IRQs {
				if len(q.Counts) != len(tt.cpus) {
					t.Errorf("IRQ %d: %d counts, want %d", q.Num, len(q.Counts), len(tt.cpus))
				}
				if q.Node != -1 {
					t.Errorf("IRQ %d: Node = %d, want -1", q.Num, q.Node)
				}
				if q.Actions == nil {
					t.Errorf("IRQ %d: Actions is nil", q.Num)
				}
				byNum[q.Num] = q
			}
			for _, w := range tt.irqs {
				q, ok := byNum[w.num]
				if !ok {
					t.Errorf("IRQ %d missing", w.num)
					continue
				}
				g := irqWant{q.Num, q.Counts, q.Chip, q.HWIRQ, q.Trigger, q.Actions}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("IRQ %d =\n %+v\nwant\n %+v", w.num, g, w)
				}
			}
			var names []string
			for _, a := range got.Arch {
				names = append(names, a.Name)
				single := false
				for _, n := range tt.archOne {
					single = single || n == a.Name
				}
				want := len(tt.cpus)
				if single {
					want = 1
				}
				if len(a.Counts) != want {
					t.Errorf("arch %s: %d counts, want %d", a.Name, len(a.Counts), want)
				}
			}
			if !reflect.DeepEqual(names, tt.archNames) {
				t.Errorf("arch rows = %v, want %v", names, tt.archNames)
			}
		})
	}
}

func TestInterruptsArchDesc(t *testing.T) {
	got, err := Interrupts(readTestdata(t, "interrupts", "live-6.18-kvm"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got.Arch {
		if a.Name == "LOC" && a.Desc != "Local timer interrupts" {
			t.Errorf("LOC desc = %q", a.Desc)
		}
		if a.Name == "ERR" && a.Desc != "" {
			t.Errorf("ERR desc = %q", a.Desc)
		}
	}
}

// TestInterruptsRowErrors checks that a bad row is skipped with its line
// number while the rest of the file is kept.
func TestInterruptsRowErrors(t *testing.T) {
	const hdr = "           CPU0       CPU1       CPU2       CPU3       \n"
	const good = " 64:         10         20         30         40  IR-PCI-MSI 524288-edge      eth0-TxRx-0\n"
	tests := []struct {
		name  string
		in    string
		nIRQ  int
		nArch int
		errs  []string // substrings of the error; none means no error
	}{
		{
			name:  "good",
			in:    hdr + good + "ERR:          0\n",
			nIRQ:  1,
			nArch: 1,
		},
		{
			name: "short row (truncated copy)",
			in:   hdr + good + " 65:         10         20  IR-PCI-MSI 524289-edge      eth0-TxRx-1\n" + " 66:          1          2          3          4  IR-PCI-MSI 524290-edge      eth0-TxRx-2\n",
			nIRQ: 2,
			errs: []string{"line 3: IRQ 65: short row: 2 counts for 4 CPUs"},
		},
		{
			name: "last row cut in the middle of the counts",
			in:   hdr + good + " 65:         10         2",
			nIRQ: 1,
			errs: []string{"line 3: IRQ 65: short row: 2 counts for 4 CPUs"},
		},
		{
			name: "numeric row without chip column",
			in:   hdr + " 65:         10         20         30         40\n",
			nIRQ: 1,
		},
		{
			name: "more counts than header CPUs",
			in:   hdr + " 65:  1 2 3 4 5 IR-PCI-MSI-edge eth0\n" + good,
			nIRQ: 1,
			errs: []string{"line 2: IRQ 65: more counts than the header's 4 CPUs"},
		},
		{
			name:  "arch row with wrong count",
			in:    hdr + good + "LOC:  1 2 3  Local timer interrupts\nRES: 1 2 3 4 Rescheduling interrupts\n",
			nIRQ:  1,
			nArch: 1,
			errs:  []string{`line 3: "LOC": 3 counts for 4 CPUs`},
		},
		{
			name: "garbage line",
			in:   hdr + "hello world\n" + good,
			nIRQ: 1,
			errs: []string{`line 2: no "IRQ:" label`},
		},
		{
			name: "count overflowing 64 bits",
			in:   hdr + " 65: 99999999999999999999999 1 2 3 X-edge a\n" + good,
			nIRQ: 1,
			errs: []string{"line 2: IRQ 65: short row: 0 counts"},
		},
		{
			name: "repeated IRQ",
			in:   hdr + good + good,
			nIRQ: 1,
			errs: []string{"line 3: IRQ 64: repeated"},
		},
		{
			name: "bad IRQ number",
			in:   hdr + " 99999999999: 1 2 3 4 X a\n" + good,
			nIRQ: 1,
			errs: []string{"line 2: bad IRQ number"},
		},
		{
			name: "empty",
			in:   "",
			errs: []string{"interrupts: empty"},
		},
		{
			name: "blank lines only",
			in:   "\n\n  \n",
			errs: []string{"interrupts: empty"},
		},
		{
			name: "header only",
			in:   hdr,
			errs: []string{"no rows after the header"},
		},
		{
			name: "no header",
			in:   good,
			errs: []string{"line 1: header: expected CPUn"},
		},
		{
			name: "header not increasing",
			in:   "  CPU0 CPU2 CPU1\n",
			errs: []string{"header: CPU numbers not increasing"},
		},
		{
			name: "header CPU id too large",
			in:   "  CPU0 CPU70000\n",
			errs: []string{"header: bad CPU number"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Interrupts([]byte(tt.in))
			if len(got.IRQs) != tt.nIRQ {
				t.Errorf("%d IRQs, want %d", len(got.IRQs), tt.nIRQ)
			}
			if len(got.Arch) != tt.nArch {
				t.Errorf("%d arch rows, want %d", len(got.Arch), tt.nArch)
			}
			checkErr(t, err, tt.errs)
		})
	}
}

// TestInterruptsCountsIsolated checks that appending to one row's counts
// cannot overwrite the next row (they share one backing array).
func TestInterruptsCountsIsolated(t *testing.T) {
	got, err := Interrupts(readTestdata(t, "interrupts", "rhel7-3.10-ixgbe-4cpu"))
	if err != nil {
		t.Fatal(err)
	}
	first := got.IRQs[0].Counts
	_ = append(first, 999)
	if got.IRQs[1].Counts[0] == 999 {
		t.Fatal("append to IRQ row counts overwrote the next row")
	}
}

func TestInterruptsManyErrorsShortMessage(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("  CPU0 CPU1\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&sb, "%d: 1\n", i)
	}
	_, err := Interrupts([]byte(sb.String()))
	if err == nil {
		t.Fatal("no error")
	}
	if len(err.Error()) > 1000 || !strings.Contains(err.Error(), "and 9992 more") {
		t.Fatalf("error too long or uncounted (%d bytes): %.200s", len(err.Error()), err)
	}
}

// genInterrupts builds a /proc/interrupts in the 5.x layout for ncpu CPUs and
// nirq IRQ rows, with counts as the kernel prints them (%10u).
func genInterrupts(ncpu, nirq int) []byte {
	var sb strings.Builder
	sb.WriteString("      ")
	for c := 0; c < ncpu; c++ {
		fmt.Fprintf(&sb, "CPU%-8d", c)
	}
	sb.WriteByte('\n')
	for q := 0; q < nirq; q++ {
		fmt.Fprintf(&sb, "%4d: ", q+24)
		for c := 0; c < ncpu; c++ {
			v := uint32(0)
			if (q+c)%7 == 0 {
				v = uint32(q*2654435761 + c*40503)
			}
			fmt.Fprintf(&sb, "%10d ", v)
		}
		fmt.Fprintf(&sb, " IR-PCI-MSIX-0000:3b:00.0 %4d-edge      ice-ens1f0-TxRx-%d\n", q%1024, q)
	}
	for _, n := range []string{"NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB"} {
		fmt.Fprintf(&sb, "%4s: ", n)
		for c := 0; c < ncpu; c++ {
			fmt.Fprintf(&sb, "%10d ", c*12345)
		}
		sb.WriteString("  Some interrupts\n")
	}
	sb.WriteString(" ERR:          0\n MIS:          0\n")
	return []byte(sb.String())
}

func TestInterruptsLarge(t *testing.T) {
	// 512 CPUs × 1500 IRQs is about 9 MB: procfs stops at 1 MiB.
	b := genInterrupts(512, 1500)
	got, err := Interrupts(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.CPUs) != 512 || len(got.IRQs) != 1500 || len(got.Arch) != 11 {
		t.Fatalf("got %d CPUs, %d IRQs, %d arch rows", len(got.CPUs), len(got.IRQs), len(got.Arch))
	}
	last := got.IRQs[1499]
	if last.Num != 1523 || rowLen(&last, 512) != 512 || last.Actions[0] != "ice-ens1f0-TxRx-1499" {
		t.Fatalf("last row = %d %d %v", last.Num, rowLen(&last, 512), last.Actions)
	}
}

func BenchmarkInterrupts512CPU(b *testing.B) {
	data := genInterrupts(512, 1500)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Interrupts(data); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzInterrupts(f *testing.F) {
	addSeeds(f, "interrupts")
	f.Add([]byte("  CPU0 CPU1\n 1: 1\n 2: 1 2 3 4\nERR: 0\nLOC: 1 2 3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Interrupts(b)
		sameStreamed(t, got, err, func(buf int) (any, error) {
			return interruptsStream(streamLinesSize(bytes.NewReader(b), buf))
		})
		seen := map[int]bool{}
		for _, q := range got.IRQs {
			if rowLen(&q, len(got.CPUs)) != len(got.CPUs) {
				t.Fatalf("IRQ %d: %d counts for %d CPUs", q.Num, rowLen(&q, len(got.CPUs)), len(got.CPUs))
			}
			if seen[q.Num] {
				t.Fatalf("IRQ %d twice", q.Num)
			}
			seen[q.Num] = true
			if q.Actions == nil {
				t.Fatal("nil Actions")
			}
		}
		for _, a := range got.Arch {
			if len(a.Counts) != 1 && len(a.Counts) != len(got.CPUs) {
				t.Fatalf("arch %s: %d counts", a.Name, len(a.Counts))
			}
		}
		for i := 1; i < len(got.CPUs); i++ {
			if got.CPUs[i] <= got.CPUs[i-1] {
				t.Fatalf("CPUs not increasing: %v", got.CPUs)
			}
		}
		if err == nil && len(got.IRQs)+len(got.Arch) == 0 {
			t.Fatal("no rows and no error")
		}
	})
}

// TestInterruptsFromMemory checks the streamed parser's memory follows the
// model, not the file: rows whose counts are padded with runs of spaces
// (a 12 MiB file for 96 KiB of counts) allocate a fraction of the
// file, while the rows are all kept.
func TestInterruptsFromMemory(t *testing.T) {
	const cpus, rows, pad = 8, 1500, 1000
	var b bytes.Buffer
	for c := 0; c < cpus; c++ {
		fmt.Fprintf(&b, " CPU%d", c)
	}
	b.WriteByte('\n')
	spaces := strings.Repeat(" ", pad)
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "%d:", i)
		for c := 0; c < cpus; c++ {
			b.WriteString(spaces)
			fmt.Fprint(&b, i+c)
		}
		b.WriteString("  IR-PCI-MSI 524288-edge      eth0-TxRx-0\n")
	}
	size := b.Len()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := InterruptsFrom(&b)
	runtime.ReadMemStats(&after)
	if err != nil || len(got.IRQs) != rows {
		t.Fatalf("%d IRQs, %v", len(got.IRQs), err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(size/4) {
		t.Errorf("streaming a %d-byte file allocated %d bytes: more than a quarter of the file", size, alloc)
	}
}

// rowLen is the columns of a parsed row: a sparse row is as long as the
// header (n).
func rowLen(q *host.IRQ, n int) int {
	if q.Sparse() {
		for i, c := range q.Cols {
			if c < 0 || int(c) >= n || i > 0 && c <= q.Cols[i-1] || q.Counts[i] == 0 {
				return -1 // not a valid sparse row
			}
		}
		if len(q.Cols) != len(q.Counts) {
			return -1
		}
		return n
	}
	return len(q.Counts)
}

// TestInterruptsSparse: on a host of many CPUs a row of mostly zero counts
// keeps only its nonzero ones, and reads as the dense row would.
func TestInterruptsSparse(t *testing.T) {
	const n = 128
	var sb strings.Builder
	sb.WriteString("    ")
	for c := 0; c < n; c++ {
		fmt.Fprintf(&sb, "CPU%-7d ", c)
	}
	sb.WriteString("\n 30: ")
	for c := 0; c < n; c++ {
		v := 0
		if c == 5 || c == 77 {
			v = 1000 + c
		}
		fmt.Fprintf(&sb, "%10d ", v)
	}
	sb.WriteString(" IR-PCI-MSI 524288-edge      nvme0q1\n 31: ")
	for c := 0; c < n; c++ {
		fmt.Fprintf(&sb, "%10d ", c+1)
	}
	sb.WriteString(" IR-PCI-MSI 524289-edge      nvme0q2\n")
	got, err := Interrupts([]byte(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	q := got.IRQs[0]
	if !q.Sparse() || !reflect.DeepEqual(q.Cols, []int32{5, 77}) || !reflect.DeepEqual(q.Counts, []uint64{1005, 1077}) {
		t.Fatalf("sparse row: cols %v counts %v", q.Cols, q.Counts)
	}
	if v, ok := q.Count(77); !ok || v != 1077 {
		t.Errorf("Count(77) = %d %v", v, ok)
	}
	if v, ok := q.Count(6); !ok || v != 0 {
		t.Errorf("Count(6) = %d %v", v, ok)
	}
	if q.Total() != 2082 {
		t.Errorf("Total %d", q.Total())
	}
	if d := got.IRQs[1]; d.Sparse() || len(d.Counts) != n {
		t.Errorf("a busy row is dense: cols %v, %d counts", d.Cols, len(d.Counts))
	}
}
