package parse

import (
	"github.com/netdoctor/netdoctor/internal/corpus"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir returns the netutils-linux test captures of the corpus.
func corpusDir(t *testing.T) string {
	t.Helper()
	return corpus.Path(t, "netutils-linux/tests")
}

// corpusFiles lists the files under dir whose base name passes match.
func corpusFiles(t *testing.T, dir string, match func(base string) bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && match(d.Name()) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCorpusInterrupts(t *testing.T) {
	dir := corpusDir(t)
	files := corpusFiles(t, dir, func(b string) bool { return strings.HasPrefix(b, "interrupts") })
	if len(files) < 20 {
		t.Fatalf("only %d interrupts files under %s", len(files), dir)
	}
	for _, p := range files {
		rel, _ := filepath.Rel(dir, p)
		t.Run(rel, func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Interrupts(b)
			if err != nil {
				t.Fatalf("Interrupts: %v", err)
			}
			if len(got.CPUs) == 0 || len(got.IRQs) == 0 {
				t.Fatalf("%d CPUs, %d IRQs", len(got.CPUs), len(got.IRQs))
			}
			// The header's CPU count matches every row.
			for _, q := range got.IRQs {
				if rowLen(&q, len(got.CPUs)) != len(got.CPUs) {
					t.Errorf("IRQ %d: %d counts for %d CPUs", q.Num, rowLen(&q, len(got.CPUs)), len(got.CPUs))
				}
				if q.Chip == "" {
					t.Errorf("IRQ %d: no chip", q.Num)
				}
				for _, a := range q.Actions {
					if a == "" || strings.Contains(a, ",") {
						t.Errorf("IRQ %d: bad action %q in %q", q.Num, a, q.Actions)
					}
				}
			}
			// Rows the capture has that are neither numbered nor named are errors,
			// so count lines: header + IRQs + arch rows.
			lines := 0
			for _, l := range strings.Split(string(b), "\n") {
				if strings.TrimSpace(l) != "" {
					lines++
				}
			}
			if n := 1 + len(got.IRQs) + len(got.Arch); n != lines {
				t.Errorf("parsed %d rows of %d lines", n, lines)
			}
			for _, a := range got.Arch {
				want := len(got.CPUs)
				if a.Name == "ERR" || a.Name == "MIS" {
					want = 1
				}
				if len(a.Counts) != want {
					t.Errorf("arch %s: %d counts, want %d", a.Name, len(a.Counts), want)
				}
			}
		})
	}
}

// TestCorpusInterruptsE5_2640 checks the 2xE5-2640 host (RHEL 6-era,
// IR-PCI-MSI-edge): its eth0 (i350) queues were never balanced, so every
// eth0-TxRx-N vector is counted on CPU0 only.
func TestCorpusInterruptsE5_2640(t *testing.T) {
	dir := corpusDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "server-info-show.tests", "2xE5-2640.i350_and_82599ES.l2_mixed.masterconf", "interrupts"))
	if err != nil {
		t.Skip(err)
	}
	got, err := Interrupts(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.CPUs) != 32 || got.CPUs[0] != 0 || got.CPUs[31] != 31 {
		t.Fatalf("CPUs = %v", got.CPUs)
	}
	queues := 0
	for _, q := range got.IRQs {
		if len(q.Actions) != 1 || !strings.HasPrefix(q.Actions[0], "eth0-TxRx-") {
			continue
		}
		queues++
		if q.Chip != "IR-PCI-MSI" || q.Trigger != "edge" || q.HWIRQ != "" {
			t.Errorf("IRQ %d: chip %q trigger %q hwirq %q", q.Num, q.Chip, q.Trigger, q.HWIRQ)
		}
		if c0, _ := q.Count(0); c0 == 0 || c0 != q.Total() {
			t.Errorf("IRQ %d (%s): counts %v not all on CPU0", q.Num, q.Actions[0], q.Counts)
		}
	}
	if queues != 8 {
		t.Errorf("%d eth0 queues, want 8", queues)
	}
}

func TestCorpusSoftnetStat(t *testing.T) {
	dir := corpusDir(t)
	files := corpusFiles(t, dir, func(b string) bool { return strings.HasPrefix(b, "softnet") })
	if len(files) == 0 {
		t.Fatal("no softnet_stat files")
	}
	for _, p := range files {
		rel, _ := filepath.Rel(dir, p)
		t.Run(rel, func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Count(strings.TrimRight(string(b), "\n"), "\n") + 1
			online := seq(0, lines-1)
			got, err := SoftnetStat(b, online)
			if err != nil {
				t.Fatalf("SoftnetStat: %v", err)
			}
			if len(got) != lines {
				t.Fatalf("%d rows of %d lines", len(got), lines)
			}
			for i, r := range got {
				if r.Columns < 9 || r.Columns != got[0].Columns {
					t.Errorf("row %d: %d columns (first row %d)", i, r.Columns, got[0].Columns)
				}
				if r.CPU != i || r.CPUFromIndex {
					t.Errorf("row %d: CPU %d (from index %v)", i, r.CPU, r.CPUFromIndex)
				}
				if r.Processed == 0 {
					t.Errorf("row %d: nothing processed", i)
				}
			}
		})
	}
}

func TestCorpusSoftirqs(t *testing.T) {
	dir := corpusDir(t)
	files := corpusFiles(t, dir, func(b string) bool { return strings.HasPrefix(b, "softirqs") })
	if len(files) == 0 {
		t.Fatal("no softirqs files")
	}
	for _, p := range files {
		rel, _ := filepath.Rel(dir, p)
		t.Run(rel, func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Softirqs(b)
			if err != nil {
				t.Fatalf("Softirqs: %v", err)
			}
			for _, name := range []string{"HI", "TIMER", "NET_TX", "NET_RX", "RCU"} {
				if len(got.Counts[name]) != len(got.CPUs) {
					t.Errorf("%s: %d counts for %d CPUs", name, len(got.Counts[name]), len(got.CPUs))
				}
			}
			var rx uint64
			for _, v := range got.Counts["NET_RX"] {
				rx += v
			}
			if rx == 0 {
				t.Error("NET_RX all zero")
			}
		})
	}
}

func TestCorpusSNMP(t *testing.T) {
	dir := corpusDir(t)
	files := corpusFiles(t, dir, func(b string) bool { return strings.HasPrefix(b, "snmp") })
	if len(files) == 0 {
		t.Fatal("no snmp files")
	}
	for _, p := range files {
		rel, _ := filepath.Rel(dir, p)
		t.Run(rel, func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := NetStat(b)
			if err != nil {
				t.Fatalf("NetStat: %v", err)
			}
			for _, g := range []string{"Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite"} {
				if len(got[g]) == 0 {
					t.Errorf("group %s missing", g)
				}
			}
			if v, ok := got["Tcp"]["MaxConn"]; !ok || v != -1 {
				t.Errorf("Tcp MaxConn = %d, %v; want -1", v, ok)
			}
			if got["Ip"]["InReceives"] <= 0 {
				t.Errorf("Ip InReceives = %d", got["Ip"]["InReceives"])
			}
		})
	}
}
