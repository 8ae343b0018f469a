package fixturegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// fixturesDir is the committed fixtures directory, from this package's
// directory (internal/fixturegen).
const fixturesDir = "../../fixtures"

// fixture returns the committed scenario named name.
func fixture(t *testing.T, name string) Scenario {
	t.Helper()
	for _, sc := range Fixtures() {
		if sc.Name == name {
			return sc
		}
	}
	t.Fatalf("no fixture %s", name)
	return Scenario{}
}

// sampleTree builds one sample of sc in memory.
func sampleTree(t *testing.T, sc Scenario, s int, collect bool) (*tree, *model) {
	t.Helper()
	m, err := newModel(sc)
	if err != nil {
		t.Fatal(err)
	}
	tr := newTree()
	m.writeSample(tr, s, collect)
	if err := tr.check(); err != nil {
		t.Fatal(err)
	}
	return tr, m
}

// resolve follows the tree's symbolic links in p (component by component,
// relative targets, at most 40 hops) and returns the real path.
func resolve(tr *tree, p string) (string, bool) {
	parts := strings.Split(p, "/")
	cur := ""
	for hops := 0; len(parts) > 0; {
		next := parts[0]
		parts = parts[1:]
		cand := path.Join(cur, next)
		if target, ok := tr.links[cand]; ok {
			if hops++; hops > 40 || path.IsAbs(target) {
				return "", false
			}
			joined := path.Join(cur, target)
			if strings.HasPrefix(joined, "..") {
				return "", false
			}
			parts = append(strings.Split(joined, "/"), parts...)
			cur = ""
			continue
		}
		cur = cand
	}
	return cur, true
}

// read returns a file of the tree through links.
func read(t *testing.T, tr *tree, p string) string {
	t.Helper()
	real, ok := resolve(tr, p)
	if !ok {
		t.Fatalf("%s: link escapes or loops", p)
	}
	b, ok := tr.files[real]
	if !ok {
		t.Fatalf("%s (%s): no such file", p, real)
	}
	return string(b)
}

// has reports whether p exists (file, link or a directory holding something).
func has(tr *tree, p string) bool {
	if _, ok := tr.files[p]; ok {
		return true
	}
	if _, ok := tr.links[p]; ok {
		return true
	}
	if tr.dirs[p] {
		return true
	}
	for _, m := range []map[string]bool{keysOf(tr.files), keysOf(tr.links), tr.dirs} {
		for q := range m {
			if strings.HasPrefix(q, p+"/") {
				return true
			}
		}
	}
	return false
}

// TestFixturesUpToDate regenerates every fixture and compares it byte for
// byte with the committed tree, so the two cannot drift. One fixture goes
// through the disk writer into a temporary directory; the rest are compared
// from memory (writing ~20,000 files is slow on some disks).
func TestFixturesUpToDate(t *testing.T) {
	if _, err := os.Stat(fixturesDir); err != nil {
		t.Fatalf("%v: generate them with: go run ./internal/fixturegen/gen -out fixtures", err)
	}
	hint := "; regenerate with: go run ./internal/fixturegen/gen -out fixtures"
	for _, sc := range Fixtures() {
		t.Run(sc.Name, func(t *testing.T) {
			want, err := buildFixture(sc)
			if err != nil {
				t.Fatal(err)
			}
			root := filepath.Join(fixturesDir, sc.Name)
			if sc.Name == "tw-recycle-off" {
				root = t.TempDir()
				if err := WriteFixture(root, sc); err != nil {
					t.Fatal(err)
				}
			}
			got := map[string]string{}
			err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(root, p)
				rel = filepath.ToSlash(rel)
				switch {
				case d.Type()&fs.ModeSymlink != 0:
					target, err := os.Readlink(p)
					if err != nil {
						return err
					}
					got[rel] = "link:" + target
				case d.Type().IsRegular():
					b, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					got[rel] = "file:" + string(b)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			bad := 0
			for p, b := range want.files {
				if g, ok := got[p]; !ok {
					t.Errorf("missing %s%s", p, hint)
					bad++
				} else if g != "file:"+string(b) {
					t.Errorf("%s differs%s", p, hint)
					bad++
				}
				delete(got, p)
				if bad > 10 {
					t.FailNow()
				}
			}
			for p, l := range want.links {
				if g := got[p]; g != "link:"+l {
					t.Errorf("link %s = %q, want %q%s", p, g, l, hint)
				}
				delete(got, p)
			}
			for p := range got {
				t.Errorf("unexpected %s%s", p, hint)
			}
		})
	}
	t.Run("README", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(fixturesDir, "README.md"))
		if err != nil || string(b) != FixturesReadme() {
			t.Errorf("fixtures/README.md is stale (%v)%s", err, hint)
		}
		b, err = os.ReadFile(filepath.Join(fixturesDir, "go.mod"))
		if err != nil || string(b) != FixturesGoMod {
			t.Errorf("fixtures/go.mod is stale (%v)%s", err, hint)
		}
	})
}

// TestDeterministic builds every fixture twice.
func TestDeterministic(t *testing.T) {
	for _, sc := range Fixtures() {
		a, err := buildFixture(sc)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := buildFixture(sc)
		if len(a.files) != len(b.files) || len(a.links) != len(b.links) {
			t.Fatalf("%s: sizes differ", sc.Name)
		}
		for p, x := range a.files {
			if !bytes.Equal(x, b.files[p]) {
				t.Errorf("%s: %s differs between runs", sc.Name, p)
			}
		}
	}
}

// TestInterruptsLayout pins one queue row per kernel layout
// (docs/receive-path.md §1.1): 3.10 glues chip and flow, 4.x-6.1 print the MSI
// hwirq, 6.2+ name the chip per device, 6.10+ print " %10u" counts.
func TestInterruptsLayout(t *testing.T) {
	tests := []struct {
		fixture string
		row     string // a regular expression for a whole line
	}{
		{"irq-spread-lowprio", `^ 52:( +\d+){8}  IR-PCI-MSI-edge      eth0-TxRx-0$`},
		{"ht-queues-exceed-cores", `^ 35:( +\d+){8}  IR-PCI-MSI-edge      eth0$`},
		{"irq-cpu0", `^  48: +\d+( +0){15}  IR-PCI-MSI 1572864-edge      eth0-TxRx-0$`},
		{"nic-fifo-missed", `^128: +\d+( +0){7}  IR-PCI-MSI 2623489-edge      eth1-TxRx-0$`},
		{"redis-on-irq-cpu", `^ 99: +\d+( +0){15}  IR-PCI-MSI 49283075-edge      mlx5_comp0@pci:0000:5e:00\.0$`},
		{"healthy-2socket-ht", `^   0: +27( +0){31}  IR-IO-APIC    2-edge      timer$`},
		{"virtio-vm", `^ 38: +0 +\d+ PCI-MSIX-0000:00:03\.0   1-edge      virtio2-input\.0$`},
		{"virtio-vm", `^ 24: +1 +0  IO-APIC   5-edge      ACPI:Ged$`},
		{"virtio-vm", `^NMI: +\d+ +\d+   Non-maskable interrupts$`},
		{"irq-cpu0", `^ ERR:          0$`},
	}
	for _, tc := range tests {
		tr, _ := sampleTree(t, fixture(t, tc.fixture), 0, true)
		re := regexp.MustCompile(`(?m)` + tc.row)
		if !re.MatchString(read(t, tr, "proc/interrupts")) {
			t.Errorf("%s: no line matching %s in\n%s", tc.fixture, tc.row, read(t, tr, "proc/interrupts"))
		}
	}
}

// TestInterruptsHeaderOnlineCPUs checks that the header lists the online
// CPUs of each sample and every row has one count per header CPU.
func TestInterruptsHeaderOnlineCPUs(t *testing.T) {
	sc := fixture(t, "offline-cpus")
	for s, want := range []string{"CPU0 CPU1 CPU2 CPU3 CPU4 CPU5 CPU6 CPU7 CPU8 CPU9 CPU10 CPU11", "CPU0 CPU1 CPU2 CPU4 CPU5 CPU6 CPU7 CPU8 CPU9 CPU10 CPU11"} {
		tr, _ := sampleTree(t, sc, s, true)
		lines := strings.Split(strings.TrimRight(read(t, tr, "proc/interrupts"), "\n"), "\n")
		head := strings.Join(strings.Fields(lines[0]), " ")
		if head != want {
			t.Errorf("sample %d header %q, want %q", s+1, head, want)
		}
		ncpu := len(strings.Fields(lines[0]))
		for _, l := range lines[1:] {
			f := strings.Fields(l)
			if f[0] == "ERR:" || f[0] == "MIS:" {
				continue
			}
			n := 0
			for _, x := range f[1:] {
				if strings.Trim(x, "0123456789") != "" {
					break
				}
				n++
			}
			if n < ncpu {
				t.Errorf("sample %d: row %q has %d counts for %d CPUs", s+1, f[0], n, ncpu)
			}
		}
		if got := strings.Count(read(t, tr, "proc/net/softnet_stat"), "\n"); got != ncpu {
			t.Errorf("sample %d: %d softnet rows for %d online CPUs", s+1, got, ncpu)
		}
		if got := strings.TrimSpace(read(t, tr, "sys/devices/system/cpu/online")); got != cpuList(without(seq(0, 11), []int{3}[:s])) {
			t.Errorf("sample %d: online %s", s+1, got)
		}
	}
	tr, _ := sampleTree(t, sc, 1, true)
	if has(tr, "sys/devices/system/cpu/cpu3/topology") || read(t, tr, "sys/devices/system/cpu/cpu3/online") != "0\n" {
		t.Error("offline CPU 3 keeps topology/ or is not online=0")
	}
}

// TestSoftnetColumns checks the width by kernel and the index column.
func TestSoftnetColumns(t *testing.T) {
	tests := []struct {
		fixture string
		cols    int
	}{
		{"irq-spread-lowprio", 10}, // 3.10
		{"offline-cpus", 11},       // 4.18 before RHEL 8.5
		{"irq-cpu0", 11},           // 4.15
		{"ht-siblings", 13},        // 4.18 RHEL 8.9 backport
		{"redis-on-irq-cpu", 13},   // 5.15
		{"virtio-vm", 15},          // 6.12
	}
	for _, tc := range tests {
		tr, m := sampleTree(t, fixture(t, tc.fixture), 1, true)
		rows := strings.Split(strings.TrimSpace(read(t, tr, "proc/net/softnet_stat")), "\n")
		for i, r := range rows {
			f := strings.Fields(r)
			if len(f) != tc.cols {
				t.Fatalf("%s: row %d has %d columns, want %d", tc.fixture, i, len(f), tc.cols)
			}
			if tc.cols >= 13 && f[12] != fmt.Sprintf("%08x", m.online(1)[i]) {
				t.Errorf("%s: row %d index column %s", tc.fixture, i, f[12])
			}
		}
	}
}

// TestCountersGrowByRate checks sample 2 = sample 1 + rate × interval.
func TestCountersGrowByRate(t *testing.T) {
	sc := fixture(t, "irq-cpu0")
	a, m := sampleTree(t, sc, 0, true)
	b, _ := sampleTree(t, sc, 1, true)
	interval := sc.Times[1].Sub(sc.Times[0]).Seconds()
	// eth0-TxRx-0 on CPU 0.
	cell := func(tr *tree, irq string) uint64 {
		for _, l := range strings.Split(read(t, tr, "proc/interrupts"), "\n") {
			f := strings.Fields(l)
			if len(f) > 1 && f[0] == irq+":" {
				return parseU(t, f[1])
			}
		}
		t.Fatalf("no IRQ %s", irq)
		return 0
	}
	q := m.nics[1].queues[0]
	d := cell(b, itoa(q.num)) - cell(a, itoa(q.num))
	if want := uint64(q.rate[0] * interval); d < want-1 || d > want+1 {
		t.Errorf("IRQ %d grew %d, want %d", q.num, d, want)
	}
	drop := func(tr *tree) uint64 {
		f := strings.Fields(strings.Split(read(t, tr, "proc/net/softnet_stat"), "\n")[0])
		return parseHex(t, f[1])
	}
	if d := drop(b) - drop(a); d != 750 {
		t.Errorf("CPU 0 dropped grew %d, want 150/s x 5 s", d)
	}
	fifo := fixture(t, "nic-fifo-missed")
	a, _ = sampleTree(t, fifo, 0, true)
	b, _ = sampleTree(t, fifo, 1, true)
	p := "sys/class/net/eth1/statistics/rx_missed_errors"
	if d := parseU(t, strings.TrimSpace(read(t, b, p))) - parseU(t, strings.TrimSpace(read(t, a, p))); d != 15000 {
		t.Errorf("rx_missed_errors grew %d, want 3000/s x 5 s", d)
	}
}

func parseU(t *testing.T, s string) uint64 {
	t.Helper()
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		v = v*10 + uint64(c-'0')
	}
	return v
}

func parseHex(t *testing.T, s string) uint64 {
	t.Helper()
	var v uint64
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			v = v*16 + uint64(c-'0')
		case c >= 'a' && c <= 'f':
			v = v*16 + uint64(c-'a'+10)
		default:
			t.Fatalf("not hex: %q", s)
		}
	}
	return v
}

// TestKernelDependentFiles checks what exists only on some kernels.
func TestKernelDependentFiles(t *testing.T) {
	tests := []struct {
		fixture   string
		twRecycle bool // sysctl and TcpExt PAWSPassive (< 4.12)
		effective bool // /proc/irq/N/effective_affinity_list (>= 4.13)
		irqPoll   bool // IRQ_POLL softirq (>= 4.5) instead of BLOCK_IOPOLL
	}{
		{"irq-spread-lowprio", true, false, false},
		{"irq-cpu0", false, true, true},
		{"healthy-2socket-ht", false, true, true},
		{"virtio-vm", false, true, true},
	}
	for _, tc := range tests {
		tr, m := sampleTree(t, fixture(t, tc.fixture), 0, false)
		ctr, _ := sampleTree(t, fixture(t, tc.fixture), 0, true)
		q0 := "proc/irq/" + itoa(m.nics[1].queues[0].num)
		if !has(ctr, q0+"/smp_affinity_list") || has(ctr, q0+"/smp_affinity") || has(ctr, q0+"/"+m.nics[1].queues[0].actions[0]) {
			t.Errorf("%s: collect sample should hold the list files only", tc.fixture)
		}
		if !has(tr, q0+"/smp_affinity") {
			t.Errorf("%s: sosreport lacks smp_affinity", tc.fixture)
		}
		sysctl := read(t, tr, "sos_commands/kernel/sysctl_-a")
		if got := strings.Contains(sysctl, "net.ipv4.tcp_tw_recycle = "); got != tc.twRecycle {
			t.Errorf("%s: tcp_tw_recycle present %v", tc.fixture, got)
		}
		if got := strings.Contains(read(t, tr, "proc/net/netstat"), " PAWSPassive "); got != tc.twRecycle {
			t.Errorf("%s: PAWSPassive present %v", tc.fixture, got)
		}
		q := m.nics[1].queues[0].num
		if got := has(tr, "proc/irq/"+itoa(q)+"/effective_affinity_list"); got != tc.effective {
			t.Errorf("%s: effective_affinity_list present %v", tc.fixture, got)
		}
		if got := strings.Contains(read(t, tr, "proc/softirqs"), "IRQ_POLL:"); got != tc.irqPoll {
			t.Errorf("%s: IRQ_POLL %v", tc.fixture, got)
		}
		if !tr.dirs["proc/irq/"+itoa(q)+"/"+m.nics[1].queues[0].actions[0]] {
			t.Errorf("%s: no per-action directory for IRQ %d", tc.fixture, q)
		}
	}
}

// TestSosLayouts checks the paths of each sos generation (docs/sosreport.md).
func TestSosLayouts(t *testing.T) {
	base := fixture(t, "two-sosreports")
	tests := []struct {
		sos     string
		present []string
		absent  []string
		version string
	}{
		{"3.2", []string{"sos_commands/general/date", "sos_commands/general/hostname", "sos_commands/process/ps_auxwww",
			"sos_commands/process/ps_axo_flags_state_uid_pid_ppid_pgid_sid_cls_pri_addr_sz_wchan_lstart_tty_time_cmd"},
			[]string{"sos_reports/manifest.json", "sos_commands/processor/lscpu_-ae", "sos_commands/date/date_--utc",
				"sys/devices/pci0000:00/0000:3b:00.0/numa_node", "proc/1/status", "sos_commands/process/pidstat_-tl"}, "sosreport: 3.2\n"},
		{"3.9.1", []string{"sos_commands/date/date_--utc", "sos_commands/host/hostname", "sos_commands/process/ps_auxwww",
			"sos_commands/process/ps_axo_flags_state_uid_pid_ppid_pgid_sid_cls_pri_addr_sz_wchan_20_lstart_tty_time_cmd",
			"sys/devices/pci0000:00/0000:3b:00.0/numa_node"},
			[]string{"sos_reports/manifest.json", "sos_commands/processor/lscpu_-ae", "proc/1/status"}, "sosreport: 3.9.1\n"},
		{"4.0.0", []string{"sos_reports/manifest.json", "sos_commands/process/ps_auxwww", "proc/1/status", "sos_commands/systemd/systemctl_list-units_--all"},
			[]string{"sos_commands/process/ps_auxwwwm", "sos_commands/processor/lscpu_-ae", "sos_commands/process/pidstat_-tl"}, "sos report: 4.0.0"},
		{"4.5.6", []string{"sos_commands/process/ps_auxwwwm", "sos_commands/processor/lscpu_-ae", "sos_commands/process/pidstat_-tl",
			"sos_commands/process/ps_axo_flags_state_uid_pid_ppid_pgid_sid_cls_pri_addr_sz_wchan_20_lstart_tty_time_cmd"},
			[]string{"sos_commands/process/ps_axo_flags_state_uid_pid_ppid_pgid_sid_cls_pri_psr_addr_sz_wchan_20_lstart_tty_time_cmd"}, "sos report: 4.5.6"},
		{"4.7.2", []string{"sos_commands/process/ps_axo_flags_state_uid_pid_ppid_pgid_sid_cls_pri_psr_addr_sz_wchan_20_lstart_tty_time_cmd",
			"sos_commands/numa/numactl_--hardware", "sys/devices/system/node/node1/distance"}, nil, "sos report: 4.7.2"},
	}
	for _, tc := range tests {
		sc := base
		sc.Sos = tc.sos
		tr, m := sampleTree(t, sc, 0, false)
		for _, p := range tc.present {
			if !has(tr, p) {
				t.Errorf("sos %s: %s missing", tc.sos, p)
			}
		}
		for _, p := range tc.absent {
			if has(tr, p) {
				t.Errorf("sos %s: %s present", tc.sos, p)
			}
		}
		if got := string(tr.files["version.txt"]); !strings.HasPrefix(got, tc.version) {
			t.Errorf("sos %s: version.txt %q", tc.sos, got)
		}
		// proc/net -> self/net -> <sos pid>/net, real files there.
		if real, _ := resolve(tr, "proc/net/softnet_stat"); real != "proc/"+itoa(m.sc.SosPID)+"/net/softnet_stat" {
			t.Errorf("sos %s: softnet_stat resolves to %s", tc.sos, real)
		}
		if has(tr, "sys/devices/pci0000:00/0000:3b:00.0/msi_irqs") || has(tr, "sys/devices/pci0000:00/0000:3b:00.0/net/ens1f0/queues") {
			t.Errorf("sos %s: msi_irqs or queues/ in a sosreport", tc.sos)
		}
		if has(tr, "proc/1/task") || has(tr, "proc/1/stat") {
			t.Errorf("sos %s: per-task files in a sosreport", tc.sos)
		}
	}
}

// TestCPUDirCap checks sos ≥ 4.12's 64 cpuN directories in string order.
func TestCPUDirCap(t *testing.T) {
	sc := fixture(t, "sos412-cpu-cap")
	tr, _ := sampleTree(t, sc, 0, false)
	var dirs []int
	for c := 0; c < 96; c++ {
		if has(tr, "sys/devices/system/cpu/cpu"+itoa(c)) {
			dirs = append(dirs, c)
		}
	}
	want := append(seq(0, 6), seq(10, 66)...)
	if !slices.Equal(dirs, want) {
		t.Errorf("cpu dirs %s, want %s", cpuList(dirs), cpuList(want))
	}
	if !strings.Contains(read(t, tr, "sos_commands/processor/lscpu_-ae"), "\n 95    1      1   47 ") {
		t.Error("lscpu -ae lacks CPU 95")
	}
	sc.Sos = "4.11.0"
	tr, _ = sampleTree(t, sc, 0, false)
	if !has(tr, "sys/devices/system/cpu/cpu95/topology/thread_siblings_list") {
		t.Error("sos 4.11 should copy every cpuN directory")
	}
}

// TestCollectLayout checks the collect-only files and the link layout.
func TestCollectLayout(t *testing.T) {
	tr, m := sampleTree(t, fixture(t, "redis-on-irq-cpu"), 0, true)
	if real, _ := resolve(tr, "sys/class/net/eth0/device/numa_node"); real != "sys/devices/pci0000:00/0000:5e:00.0/numa_node" {
		t.Errorf("device link resolves to %s", real)
	}
	var msi []int
	for _, r := range m.nics[1].vectors {
		if !has(tr, "sys/devices/pci0000:00/0000:5e:00.0/msi_irqs/"+itoa(r.num)) {
			t.Errorf("msi_irqs/%d missing", r.num)
		}
		msi = append(msi, r.num)
	}
	if len(msi) != 7 { // 3 EQs + 4 completion vectors
		t.Errorf("%d mlx5 vectors", len(msi))
	}
	for _, p := range []string{"proc/net/softnet_stat", "proc/4972/task/4974/stat", "proc/4972/status",
		"sys/class/net/eth0/queues/rx-3/rps_cpus", "proc/sys/net/core/netdev_max_backlog", "sos_commands/networking/ethtool_-i_eth0"} {
		if _, ok := tr.files[mustResolve(t, tr, p)]; !ok {
			t.Errorf("%s missing", p)
		}
	}
	if has(tr, "proc/net") && tr.links["proc/net"] != "" {
		t.Error("collect: proc/net is a link")
	}
	if has(tr, "proc/838/task") {
		t.Error("single-threaded sshd has task files")
	}
	if !strings.Contains(read(t, tr, "sos_commands/networking/ethtool_-i_eth0"), "bus-info: 0000:5e:00.0") {
		t.Error("mlx5 ethtool -i lacks bus-info")
	}

	vm, _ := sampleTree(t, fixture(t, "virtio-vm"), 0, true)
	if tr := vm.links["sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/device"]; tr != "../../../virtio2" {
		t.Errorf("virtio device link %q", tr)
	}
	if got := read(t, vm, "sys/class/net/eth0/device/../numa_node"); got != "-1\n" {
		t.Errorf("virtio parent numa_node %q", got)
	}
	ct, _ := sampleTree(t, fixture(t, "container-no-device"), 0, true)
	if has(ct, "sys/devices/virtual/net/eth0/device") || has(ct, "sys/class/net/ens1f0") {
		t.Error("container: device link or host NIC in sysfs")
	}
	if !strings.Contains(read(t, ct, "proc/interrupts"), "i40e-ens1f0-TxRx-0") {
		t.Error("container: host vectors missing from /proc/interrupts")
	}
}

func mustResolve(t *testing.T, tr *tree, p string) string {
	t.Helper()
	r, ok := resolve(tr, p)
	if !ok {
		t.Fatalf("%s does not resolve", p)
	}
	return r
}

// TestExpectDocs checks every fixture's declarations.
func TestExpectDocs(t *testing.T) {
	checksIDs := append([]string{chkConcentration, chkNUMARemote, chkSoftnet, chkFifo, chkHTSiblings, chkTwRecycle, chkAppOnIRQ}, configBChecks...)
	checksIDs = append(checksIDs, stackLossChecks...)
	checksIDs = append(checksIDs, chkCloudLimits, chkLinkErrors)
	checksIDs = append(checksIDs, chkLRO, chkBond, chkRPFilter, chkPCIe, chkPause)
	checksIDs = append(checksIDs, configCChecks...)
	checksIDs = append(checksIDs, steeringChecks...)
	names := map[string]bool{}
	gens := map[string]bool{}
	for _, sc := range Fixtures() {
		if names[sc.Name] {
			t.Errorf("fixture %s twice", sc.Name)
		}
		names[sc.Name] = true
		if sc.Description == "" || sc.NearMiss == "" {
			t.Errorf("%s: description or near-miss text missing", sc.Name)
		}
		fired := map[string]bool{}
		for _, f := range sc.Expect.Findings {
			if !slices.Contains(checksIDs, f.Check) {
				t.Errorf("%s: unknown check %s", sc.Name, f.Check)
			}
			if !slices.Contains([]string{sevCritical, sevWarning, sevNotice}, f.Severity) {
				t.Errorf("%s: bad severity %s", sc.Name, f.Severity)
			}
			fired[f.Check] = true
		}
		for id, v := range sc.Expect.Verdicts {
			if !slices.Contains(checksIDs, id) || !slices.Contains([]string{vFail, vPass, vNotEv, vNotApp}, v) {
				t.Errorf("%s: bad verdict %s=%s", sc.Name, id, v)
			}
			if (v == vFail) != fired[id] {
				t.Errorf("%s: verdict %s=%s but findings say %v", sc.Name, id, v, fired[id])
			}
		}
		tr, err := buildFixture(sc)
		if err != nil {
			t.Fatal(err)
		}
		var doc expectDoc
		if err := json.Unmarshal(tr.files[ExpectFile], &doc); err != nil {
			t.Fatalf("%s: expect.json: %v", sc.Name, err)
		}
		for _, b := range doc.Bundles {
			marker := b + "/sos_commands"
			if b == "." {
				marker = CollectManifest
			}
			if !has(tr, marker) {
				t.Errorf("%s: bundle %s has no %s", sc.Name, b, marker)
			}
		}
		if sc.Bundle != "" && sc.Bundle != BundleCollect {
			m, _ := newModel(sc)
			switch {
			case !m.sos.ge(4, 0, 0):
				gens["3.x"] = true
			case !m.sos.ge(4, 7, 0):
				gens["4.0-4.6"] = true
			case !m.sos.ge(4, 12, 0):
				gens["4.7+"] = true
			default:
				gens["4.12+"] = true
			}
		}
	}
	if len(gens) != 4 {
		t.Errorf("sos generations covered: %v", gens)
	}
}

// TestScenarioErrors checks that bad scenarios give errors, not panics.
func TestScenarioErrors(t *testing.T) {
	ok := fixture(t, "irq-cpu0")
	tests := []struct {
		name string
		edit func(*Scenario)
		want string
	}{
		{"no hostname", func(s *Scenario) { s.Hostname = "" }, "without hostname"},
		{"no times", func(s *Scenario) { s.Times = nil }, "no sample times"},
		{"no CPUs", func(s *Scenario) { s.CPU.Sockets = 0 }, "no CPUs"},
		{"no kernel", func(s *Scenario) { s.Kernel = "" }, "no kernel"},
		{"times backwards", func(s *Scenario) { s.Times = []time.Time{s.Times[1], s.Times[0]} }, "not increasing"},
		{"repeated NIC", func(s *Scenario) { s.NICs = append(s.NICs, s.NICs[1]) }, "repeated name"},
		{"no PCI", func(s *Scenario) { s.NICs = append(s.NICs, NIC{Name: "eth9", Driver: "igb"}) }, "without a PCI address"},
		{"repeated PID", func(s *Scenario) { s.Procs = append(s.Procs, Proc{PID: 1, Comm: "x"}) }, "PID 1 used twice"},
		{"thread on offline CPU", func(s *Scenario) {
			s.CPU.Offline = []int{15}
			s.Procs = append(s.Procs, Proc{PID: 7000, Comm: "x", Threads: []Thread{{CPU: 15}}})
		}, "offline CPU 15"},
		{"queue on offline CPU", func(s *Scenario) { s.CPU.OfflineLater = []int{0} }, "queue 0 on CPU 0"},
		{"thread without TID", func(s *Scenario) {
			s.Procs = append(s.Procs, Proc{PID: 7000, Comm: "x", Threads: []Thread{{}, {CPU: 1}}})
		}, "without TID"},
	}
	for _, tc := range tests {
		sc := ok
		sc.NICs = slices.Clone(ok.NICs)
		sc.Procs = slices.Clone(ok.Procs)
		tc.edit(&sc)
		if _, err := buildFixture(sc); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
	one := ok
	one.Times = one.Times[:1]
	if err := WriteCollect(t.TempDir(), one); err == nil {
		t.Error("collect bundle of one sample accepted")
	}
	if _, err := WriteSosreport(t.TempDir(), ok, 5); err == nil {
		t.Error("sosreport of sample 6 of 2 accepted")
	}
}

// TestCPUFormats pins the kernel's list and mask formats.
func TestCPUFormats(t *testing.T) {
	lists := []struct {
		cpus []int
		want string
	}{{nil, ""}, {[]int{0}, "0"}, {[]int{3, 0, 1, 2, 8, 10, 11}, "0-3,8,10-11"}, {[]int{5, 5}, "5"}}
	for _, tc := range lists {
		if got := cpuList(tc.cpus); got != tc.want {
			t.Errorf("cpuList(%v) = %q, want %q", tc.cpus, got, tc.want)
		}
	}
	masks := []struct {
		cpus  []int
		nbits int
		want  string
	}{
		{[]int{0, 1}, 2, "3"},          // 2-CPU VM
		{[]int{1}, 2, "2"},             // effective_affinity of CPU 1
		{nil, 16, "0000"},              // rps_cpus off on 16 CPUs
		{seq(0, 31), 32, "ffffffff"},   // one full group
		{[]int{10}, 40, "00,00000400"}, // kernel doc: CPU 10
		{[]int{0}, 96, "00000000,00000000,00000001"},
		{[]int{32, 95}, 96, "80000000,00000001,00000000"},
	}
	for _, tc := range masks {
		if got := cpuMask(tc.cpus, tc.nbits); got != tc.want {
			t.Errorf("cpuMask(%v, %d) = %q, want %q", tc.cpus, tc.nbits, got, tc.want)
		}
	}
}

// TestLarge checks the benchmark host's size.
func TestLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 512-CPU host")
	}
	m, err := newModel(Large(512, 8, 64, 2000))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.irqs); n < 1300 || n > 1700 {
		t.Errorf("%d IRQs, want about 1,500", n)
	}
	tr := newTree()
	if err := m.addCollect(tr, ""); err != nil {
		t.Fatal(err)
	}
	if err := tr.check(); err != nil {
		t.Fatal(err)
	}
	perSample := tr.size() / 2
	if perSample < 15000 || perSample > 30000 {
		t.Errorf("%d files a sample", perSample)
	}
	// Small hosts work too.
	for _, args := range [][4]int{{1, 1, 1, 1}, {2, 1, 2, 5}, {6, 2, 4, 10}} {
		if _, err := buildFixture(Large(args[0], args[1], args[2], args[3])); err != nil {
			t.Errorf("Large%v: %v", args, err)
		}
	}
}

// BenchmarkWriteCollectLarge writes the 512-CPU benchmark host as other
// packages' benchmarks do.
func BenchmarkWriteCollectLarge(b *testing.B) {
	sc := Large(512, 8, 64, 2000)
	for b.Loop() {
		if err := WriteCollect(b.TempDir(), sc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildLarge measures the in-memory part alone.
func BenchmarkBuildLarge(b *testing.B) {
	sc := Large(512, 8, 64, 2000)
	for b.Loop() {
		m, err := newModel(sc)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.addCollect(newTree(), ""); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadmeListsEveryFixture checks the README table.
func TestReadmeListsEveryFixture(t *testing.T) {
	r := FixturesReadme()
	dirs := FixtureDirs()
	if !sort.StringsAreSorted(dirs) || len(dirs) != len(Fixtures()) {
		t.Fatal("FixtureDirs")
	}
	for _, d := range dirs {
		if !strings.Contains(r, "| `"+d+"` |") {
			t.Errorf("README lacks %s", d)
		}
	}
}
