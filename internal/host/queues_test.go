package host

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func irq(num int, actions ...string) IRQ {
	return IRQ{Num: num, Chip: "IR-PCI-MSI", Trigger: "edge", Counts: []uint64{1, 2}, Actions: actions, Node: -1}
}

// queueSummary writes a NIC's queue map compactly:
// "combined0=41 rx1=42 | misc 40 | names".
func queueSummary(n *NIC) string {
	var q []string
	for _, x := range n.Queues {
		q = append(q, fmt.Sprintf("%s%d=%d", x.Dir, x.Index, x.IRQ))
	}
	var m []string
	for _, x := range n.MiscIRQs {
		m = append(m, fmt.Sprint(x))
	}
	return strings.Join(q, " ") + " | misc " + strings.Join(m, " ") + " | " + n.QueueMap
}

func TestMapQueues(t *testing.T) {
	phys := func(name, pci string) NIC {
		return NIC{Name: name, Kind: "physical", Device: pci, PCI: pci, NUMANode: -1, Speed: -1}
	}
	tests := []struct {
		name string
		nics []NIC
		irqs []IRQ
		want map[string]string // NIC → queueSummary
	}{
		{
			name: "ixgbe TxRx with misc vector (RHEL 7 82599ES)",
			nics: []NIC{phys("eth5", "0000:03:00.1")},
			irqs: []IRQ{irq(60, "eth5-TxRx-0"), irq(61, "eth5-TxRx-1"), irq(62, "eth5-TxRx-2"), irq(63, "eth5-TxRx-3"), irq(64, "eth5"), irq(65, "hpsa0")},
			want: map[string]string{"eth5": "combined0=60 combined1=61 combined2=62 combined3=63 | misc 64 | names"},
		},
		{
			name: "eth1 never takes eth10's vectors",
			nics: []NIC{phys("eth1", "0000:01:00.1"), phys("eth10", "0000:02:00.0")},
			irqs: []IRQ{irq(50, "eth10-TxRx-0"), irq(51, "eth10-TxRx-1"), irq(52, "eth1-TxRx-0"), irq(53, "eth10"), irq(54, "eth1")},
			want: map[string]string{
				"eth1":  "combined0=52 | misc 54 | names",
				"eth10": "combined0=50 combined1=51 | misc 53 | names",
			},
		},
		{
			name: "qlcnic rx-N and tx-K-rx-N (2xE5-2687W corpus host)",
			nics: []NIC{phys("eth0", "0000:04:00.0"), phys("eth1", "0000:04:00.1")},
			irqs: []IRQ{irq(88, "eth0-rx-0"), irq(89, "eth0-rx-1"), irq(90, "eth0-rx-2"), irq(91, "eth0-tx-0-rx-3"),
				irq(93, "eth1-rx-0"), irq(94, "eth1-rx-1"), irq(95, "eth1-rx-2"), irq(96, "eth1-tx-0-rx-3")},
			want: map[string]string{
				"eth0": "rx0=88 rx1=89 rx2=90 rx3=91 | misc  | names",
				"eth1": "rx0=93 rx1=94 rx2=95 rx3=96 | misc  | names",
			},
		},
		{
			name: "igb/e1000e split rx/tx vectors and misc",
			nics: []NIC{phys("eth0", "0000:00:19.0")},
			irqs: []IRQ{irq(40, "eth0-rx-0"), irq(41, "eth0-tx-0"), irq(42, "eth0"), irq(43, "eth0-rx-1"), irq(44, "eth0-tx-1")},
			want: map[string]string{"eth0": "rx0=40 tx0=41 rx1=43 tx1=44 | misc 42 | names"},
		},
		{
			name: "mlx5 by PCI address, two ports",
			nics: []NIC{
				{Name: "ens1f0", Kind: "physical", PCI: "0000:3b:00.0", Driver: "mlx5_core"},
				{Name: "ens1f1", Kind: "physical", PCI: "0000:3b:00.1", Driver: "mlx5_core"},
			},
			irqs: []IRQ{
				irq(100, "mlx5_async_eq@pci:0000:3b:00.0"), irq(101, "mlx5_cmd_eq@pci:0000:3b:00.0"), irq(102, "mlx5_pages_eq@pci:0000:3b:00.0"),
				irq(103, "mlx5_comp0@pci:0000:3b:00.0"), irq(104, "mlx5_comp1@pci:0000:3b:00.0"),
				irq(110, "mlx5_async_eq@pci:0000:3B:00.1"), irq(111, "mlx5_comp0@pci:0000:3B:00.1"), irq(112, "mlx5_comp11@pci:0000:3b:00.1"),
			},
			want: map[string]string{
				"ens1f0": "combined0=103 combined1=104 | misc 100 101 102 | names",
				"ens1f1": "combined0=111 combined11=112 | misc 110 | names",
			},
		},
		{
			name: "gve notify blocks by PCI address, ENA Tx-Rx names, vmxnet3 rxtx and event",
			nics: []NIC{
				{Name: "ens4", Kind: "physical", PCI: "0000:00:04.0", Driver: "gve"},
				{Name: "ens5", Kind: "physical", PCI: "0000:00:05.0", Driver: "ena"},
				{Name: "ens192", Kind: "physical", PCI: "0000:0b:00.0", Driver: "vmxnet3"},
			},
			irqs: []IRQ{
				irq(30, "gve-mgmnt@pci:0000:00:04.0"), irq(31, "gve-ntfy-blk0@pci:0000:00:04.0"), irq(32, "gve-ntfy-blk1@pci:0000:00:04.0"),
				irq(40, "ena-mgmnt@pci:0000:00:05.0"), irq(41, "ens5-Tx-Rx-0"), irq(42, "ens5-Tx-Rx-1"),
				irq(50, "ens192-rxtx-0"), irq(51, "ens192-rxtx-1"), irq(52, "ens192-event-2"),
			},
			want: map[string]string{
				"ens4":   "combined0=31 combined1=32 | misc 30 | names",
				"ens5":   "combined0=41 combined1=42 | misc 40 | names",
				"ens192": "combined0=50 combined1=51 | misc 52 | names",
			},
		},
		{
			name: "mlx4 comp and async by PCI, mlx4_en DEV-N",
			nics: []NIC{phys("eth2", "0000:04:00.0"), phys("eth7", "0000:07:00.0")},
			irqs: []IRQ{irq(70, "mlx4-async@pci:0000:04:00.0"), irq(71, "mlx4-comp-0@pci:0000:04:00.0"), irq(72, "mlx4-comp-1@pci:0000:04:00.0"),
				irq(80, "eth7-0"), irq(81, "eth7-1"), irq(82, "eth7-7")},
			want: map[string]string{
				"eth2": "combined0=71 combined1=72 | misc 70 | names",
				"eth7": "combined0=80 combined1=81 combined7=82 | misc  | names",
			},
		},
		{
			name: "mlx4_en per-port vectors beside the core's comp EQs, two ports on one function (2xE2690 corpus host)",
			nics: []NIC{phys("eth6", "0000:04:00.0"), phys("eth7", "0000:04:00.0")},
			irqs: []IRQ{irq(109, "mlx4-comp-0@pci:0000:04:00.0"), irq(110, "mlx4-comp-1@pci:0000:04:00.0"), irq(112, "mlx4-async@pci:0000:04:00.0"),
				irq(113, "eth6-0"), irq(114, "eth6-1"), irq(121, "eth7-0"), irq(122, "eth7-1")},
			want: map[string]string{
				"eth6": "combined0=113 combined1=114 | misc 109 110 112 | names",
				"eth7": "combined0=121 combined1=122 | misc 109 110 112 | names",
			},
		},
		{
			name: "virtio_net multiqueue (5.x PCI-MSIX)",
			nics: []NIC{{Name: "eth0", Kind: "physical", Device: "virtio1", PCI: "0000:00:03.0", Driver: "virtio_net"}},
			irqs: []IRQ{irq(24, "virtio0-config"), irq(25, "virtio0-req.0"), irq(26, "virtio1-config"), irq(27, "virtio1-input.0"),
				irq(28, "virtio1-output.0"), irq(29, "virtio1-input.1"), irq(30, "virtio1-output.1")},
			want: map[string]string{"eth0": "rx0=27 tx0=28 rx1=29 tx1=30 | misc 26 | names"},
		},
		{
			name: "virtio shared virtqueues vector and legacy INTx",
			nics: []NIC{
				{Name: "eth0", Kind: "physical", Device: "virtio0", PCI: "0000:00:03.0"},
				{Name: "eth1", Kind: "physical", Device: "virtio2", PCI: "0000:00:05.0"},
			},
			irqs: []IRQ{irq(40, "virtio0-config"), irq(41, "virtio0-virtqueues"), {Num: 11, Chip: "IO-APIC", Trigger: "fasteoi", Actions: []string{"virtio2", "uhci_hcd:usb1"}}},
			want: map[string]string{
				"eth0": "combined0=41 | misc 40 | names",
				"eth1": "combined0=11 | misc  | names",
			},
		},
		{
			name: "i40e with misc and flow-director vectors (E3-1271 X710)",
			nics: []NIC{phys("eth0", "0000:01:00.0"), phys("eth1", "0000:01:00.1")},
			irqs: []IRQ{irq(32, "i40e-0000:01:00.0:misc"), irq(33, "i40e-eth0-TxRx-0"), irq(34, "i40e-eth0-TxRx-1"),
				irq(37, "i40e-0000:01:00.0:fdir-TxRx-0"), irq(46, "i40e-0000:01:00.1:misc"), irq(47, "i40e-eth1-TxRx-0")},
			want: map[string]string{
				"eth0": "combined0=33 combined1=34 | misc 32 37 | names",
				"eth1": "combined0=47 | misc 46 | names",
			},
		},
		{
			name: "ice and iavf driver prefixes",
			nics: []NIC{phys("ens785f0", "0000:3b:00.0"), phys("ens5", "0000:00:05.0")},
			irqs: []IRQ{irq(200, "ice-0000:3b:00.0:misc"), irq(201, "ice-ens785f0-TxRx-0"), irq(202, "ice-ens785f0-TxRx-1"),
				irq(210, "iavf-0000:00:05.0:mbx"), irq(211, "iavf-ens5-TxRx-0")},
			want: map[string]string{
				"ens785f0": "combined0=201 combined1=202 | misc 200 | names",
				"ens5":     "combined0=211 | misc 210 | names",
			},
		},
		{
			name: "other combined spellings: qede fp, tg3 txrx, vmxnet3 rxtx, ena Tx-Rx, be2net qN",
			nics: []NIC{phys("p1p1", "a"), phys("em1", "b"), phys("ens192", "c"), phys("ens5", "d"), phys("eth3", "e")},
			irqs: []IRQ{irq(1, "p1p1-fp-0"), irq(2, "p1p1-fp-1"), irq(3, "em1-txrx-1"), irq(4, "ens192-rxtx-0"),
				irq(5, "ens5-Tx-Rx-0"), irq(6, "eth3-q0"), irq(7, "eth3-q1")},
			want: map[string]string{
				"p1p1":   "combined0=1 combined1=2 | misc  | names",
				"em1":    "combined1=3 | misc  | names",
				"ens192": "combined0=4 | misc  | names",
				"ens5":   "combined0=5 | misc  | names",
				"eth3":   "combined0=6 combined1=7 | misc  | names",
			},
		},
		{
			name: "single-vector NICs: bare name is the queue (82541PI, shared INTx)",
			nics: []NIC{phys("eth0", "x"), phys("eth1", "y"), phys("eth2", "z")},
			irqs: []IRQ{irq(45, "eth0"), {Num: 18, Chip: "IO-APIC", Actions: []string{"ehci_hcd:usb1", "eth1"}}, irq(60, "eth2"), irq(61, "eth2")},
			want: map[string]string{
				"eth0": "combined0=45 | misc  | names",
				"eth1": "combined0=18 | misc  | names",
				"eth2": " | misc 60 61 | names", // two bare vectors: which one is the queue is unknown
			},
		},
		{
			name: "single INTx vector named DRIVER@pci:ADDR (skge, 1xi3 corpus host)",
			nics: []NIC{{Name: "eth5", Kind: "physical", PCI: "0000:05:00.0", Driver: "skge"}},
			irqs: []IRQ{{Num: 19, Chip: "IO-APIC", Trigger: "fasteoi", Actions: []string{"skge@pci:0000:05:00.0"}}, irq(20, "other@pci:0000:05:00.0")},
			want: map[string]string{"eth5": "combined0=19 | misc 20 | names"},
		},
		{
			name: "interface names with dashes: longest exact name wins",
			nics: []NIC{phys("eth0", "a"), phys("eth0-1", "b")},
			irqs: []IRQ{irq(10, "eth0-TxRx-0"), irq(11, "eth0-TxRx-1"), irq(12, "eth0-1"), irq(13, "eth0-1-TxRx-0"), irq(14, "eth0")},
			want: map[string]string{
				"eth0":   "combined0=10 combined1=11 | misc 14 | names",
				"eth0-1": "combined0=13 | misc 12 | names",
			},
		},
		{
			name: "driver prefix from the NIC's own driver only",
			nics: []NIC{{Name: "eth0", Kind: "physical", Driver: "bnxt_en"}, {Name: "eth1", Kind: "physical", Driver: "igb"}},
			irqs: []IRQ{irq(1, "bnxt_en-eth0-TxRx-0"), irq(2, "foo-eth1-TxRx-0")},
			want: map[string]string{"eth0": "combined0=1 | misc  | names", "eth1": " | misc  | "},
		},
		{
			name: "container: veth eth0 does not take the host's eth0 vectors",
			nics: []NIC{{Name: "eth0", Kind: "veth"}, {Name: "lo", Kind: "loopback"}, {Name: "br0", Kind: "bridge"}},
			irqs: []IRQ{irq(30, "eth0-TxRx-0"), irq(31, "eth0"), irq(32, "lo"), irq(33, "br0-rx-0")},
			want: map[string]string{"eth0": " | misc  | ", "lo": " | misc  | ", "br0": " | misc  | "},
		},
		{
			name: "virtual kind: names only, never PCI or device",
			nics: []NIC{{Name: "weird0", Kind: "virtual", PCI: "0000:01:00.0", Device: "virtio0"}},
			irqs: []IRQ{irq(1, "mlx5_comp0@pci:0000:01:00.0"), irq(2, "virtio0-input.0"), irq(3, "weird0-TxRx-4")},
			want: map[string]string{"weird0": "combined4=3 | misc  | names"},
		},
		{
			name: "hostile names",
			nics: []NIC{phys("eth0", "0000:01:00.0"), phys("ethé", "q"), phys("-", "r")},
			irqs: []IRQ{
				irq(1, "eth0-TxRx-99999999999999999999"), // overflow: not a queue name
				irq(2, "eth0-TxRx-1234567890"),           // 10 digits: not a queue name
				irq(3, "eth0-TxRx-123456789"),            // 9 digits: accepted
				irq(4, strings.Repeat("eth0-", 20000)+"TxRx-1"),
				irq(5, "ethé-TxRx-2"),
				irq(6, "-TxRx-0"), irq(7, "--"), irq(8, ""), irq(9, "--TxRx-0"), irq(17, "-0"),
				irq(10, "@pci:"), irq(11, "mlx5_comp@pci:0000:01:00.0"), irq(12, "x:"), irq(13, ":"),
				irq(14, "eth0-TxRx-"), irq(15, "eth0\x00-TxRx-0"), irq(16, "eth0-TxRx-0\n"),
			},
			want: map[string]string{
				"eth0": "combined123456789=3 | misc 11 | names",
				"ethé": "combined2=5 | misc  | names",
				"-":    "combined0=9 | misc  | names", // "--TxRx-0" is queue 0 of the NIC named "-"; "-0" is nothing
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Snapshot{NICs: tt.nics, Interrupts: Interrupts{CPUs: []int{0, 1}, IRQs: tt.irqs}}
			MapQueues(s)
			for i := range s.NICs {
				n := &s.NICs[i]
				want, ok := tt.want[n.Name]
				if !ok {
					t.Fatalf("test has no expectation for %q", n.Name)
				}
				if got := queueSummary(n); got != want {
					t.Errorf("%s: got  %q\nwant %q", n.Name, got, want)
				}
				if n.Queues == nil {
					t.Errorf("%s: Queues is nil, want non-nil", n.Name)
				}
				for _, q := range n.Queues {
					if q.Name == "" || s.IRQ(q.IRQ) == nil || !slices.Contains(s.IRQ(q.IRQ).Actions, q.Name) {
						t.Errorf("%s: queue %+v does not name an action of its IRQ", n.Name, q)
					}
				}
			}
			// Idempotent.
			before := make([]string, len(s.NICs))
			for i := range s.NICs {
				before[i] = queueSummary(&s.NICs[i])
			}
			MapQueues(s)
			for i := range s.NICs {
				if got := queueSummary(&s.NICs[i]); got != before[i] {
					t.Errorf("second MapQueues changed %s: %q → %q", s.NICs[i].Name, before[i], got)
				}
			}
		})
	}
}

func TestMapQueuesMSI(t *testing.T) {
	tests := []struct {
		name string
		nics []NIC
		irqs []IRQ
		want map[string]string
	}{
		{
			name: "msi_irqs decides; renamed interface keeps old vector names",
			nics: []NIC{{Name: "ens1f0", Kind: "physical", PCI: "0000:3b:00.0", MSIIRQs: []int{43, 40, 41, 42, 44, 41}}},
			irqs: []IRQ{irq(40, "eth0"), irq(41, "eth0-TxRx-0"), irq(42, "eth0-TxRx-1"), irq(43, "eth0-rx-2")},
			want: map[string]string{"ens1f0": "combined0=41 combined1=42 rx2=43 | misc 40 | msi_irqs"},
		},
		{
			name: "msi IRQs are not given to a same-named NIC by names",
			nics: []NIC{
				{Name: "ens1f0", Kind: "physical", MSIIRQs: []int{41, 42}},
				{Name: "eth0", Kind: "physical"},
			},
			irqs: []IRQ{irq(41, "eth0-TxRx-0"), irq(42, "eth0-TxRx-1"), irq(50, "eth0-TxRx-2")},
			want: map[string]string{
				"ens1f0": "combined0=41 combined1=42 | misc  | msi_irqs",
				"eth0":   "combined2=50 | misc  | names",
			},
		},
		{
			name: "virtio parent's msi_irqs: config misc, input/output queues",
			nics: []NIC{{Name: "eth0", Kind: "physical", Device: "virtio1", PCI: "0000:00:03.0", MSIIRQs: []int{26, 27, 28}}},
			irqs: []IRQ{irq(26, "virtio1-config"), irq(27, "virtio1-input.0"), irq(28, "virtio1-output.0")},
			want: map[string]string{"eth0": "rx0=27 tx0=28 | misc 26 | msi_irqs"},
		},
		{
			name: "mlx5 and i40e names through msi_irqs; fdir stays misc",
			nics: []NIC{
				{Name: "ens2", Kind: "physical", PCI: "0000:5e:00.0", MSIIRQs: []int{1, 2, 3}},
				{Name: "eth0", Kind: "physical", PCI: "0000:01:00.0", MSIIRQs: []int{10, 11, 12}},
			},
			irqs: []IRQ{irq(1, "mlx5_async_eq@pci:0000:5e:00.0"), irq(2, "mlx5_comp0@pci:0000:5e:00.0"), irq(3, "mlx5_comp1@pci:0000:5e:00.0"),
				irq(10, "i40e-0000:01:00.0:misc"), irq(11, "i40e-eth0-TxRx-0"), irq(12, "i40e-0000:01:00.0:fdir-TxRx-0")},
			want: map[string]string{
				"ens2": "combined0=2 combined1=3 | misc 1 | msi_irqs",
				"eth0": "combined0=11 | misc 10 12 | msi_irqs",
			},
		},
		{
			name: "msi IRQ with an unknown name is misc; hostile overflow too",
			nics: []NIC{{Name: "eth0", Kind: "physical", MSIIRQs: []int{1, 2, 3}}},
			irqs: []IRQ{irq(1, "eth0-TxRx-0"), irq(2, "something"), irq(3, "eth0-TxRx-99999999999999999999")},
			want: map[string]string{"eth0": "combined0=1 | misc 2 3 | msi_irqs"},
		},
		{
			name: "single MSI vector named after the device is the queue",
			nics: []NIC{{Name: "eth0", Kind: "physical", MSIIRQs: []int{45}}},
			irqs: []IRQ{irq(45, "eth0")},
			want: map[string]string{"eth0": "combined0=45 | misc  | msi_irqs"},
		},
		{
			name: "msi: the NIC's bare name is not read as another name's queue",
			nics: []NIC{{Name: "eth0-1", Kind: "physical", MSIIRQs: []int{1, 2, 3}}},
			irqs: []IRQ{irq(1, "eth0-1"), irq(2, "eth0-1-TxRx-0"), irq(3, "eth0-1-TxRx-1")},
			want: map[string]string{"eth0-1": "combined0=2 combined1=3 | misc 1 | msi_irqs"},
		},
		{
			name: "msi_irqs none of which is in /proc/interrupts: names",
			nics: []NIC{{Name: "eth0", Kind: "physical", MSIIRQs: []int{900, 901}}},
			irqs: []IRQ{irq(40, "eth0-TxRx-0")},
			want: map[string]string{"eth0": "combined0=40 | misc  | names"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Snapshot{NICs: tt.nics, Interrupts: Interrupts{CPUs: []int{0, 1}, IRQs: tt.irqs}}
			MapQueues(s)
			for i := range s.NICs {
				n := &s.NICs[i]
				if got, want := queueSummary(n), tt.want[n.Name]; got != want {
					t.Errorf("%s: got  %q\nwant %q", n.Name, got, want)
				}
			}
		})
	}
}

func TestMapQueuesEmpty(t *testing.T) {
	MapQueues(&Snapshot{})
	s := &Snapshot{NICs: []NIC{{Name: "eth0", Kind: "physical", Queues: []Queue{{IRQ: 5}}, MiscIRQs: []int{4}, QueueMap: "names"}}}
	MapQueues(s) // no interrupts: stale results are cleared
	if got := queueSummary(&s.NICs[0]); got != " | misc  | " {
		t.Errorf("got %q", got)
	}
}

func TestCandidatesBounded(t *testing.T) {
	for _, name := range []string{
		"eth0-tx-0-rx-3", strings.Repeat("-rx-1", 10000), strings.Repeat("9", 100000),
		"virtio1-input.0", "mlx5_comp0@pci:0000:3b:00.0", strings.Repeat("@pci:", 1000),
	} {
		if c := candidates(name, nil); len(c) > 12 {
			t.Errorf("candidates(%.20q…) = %d readings", name, len(c))
		}
	}
}

// FuzzMapQueues feeds hostile interface and action names (as a bundle may
// hold) and checks invariants: no panic, queues only on IRQs that exist, no
// IRQ both queue and misc of one NIC, sorted output.
func FuzzMapQueues(f *testing.F) {
	// Seeds: names seen on RHEL 6/7 (2.6.32, 3.10), 4.x and 5.x/6.x kernels.
	f.Add("eth0", "eth0-TxRx-0", "eth0", "0000:01:00.0", "virtio1")
	f.Add("eth1", "eth10-TxRx-0", "eth1-TxRx-1", "", "")
	f.Add("eth0", "eth0-tx-0-rx-3", "eth0-rx-0", "", "")
	f.Add("ens1f0", "mlx5_comp0@pci:0000:3b:00.0", "mlx5_async_eq@pci:0000:3b:00.0", "0000:3b:00.0", "")
	f.Add("eth0", "virtio1-input.0", "virtio1-config", "0000:00:03.0", "virtio1")
	f.Add("eth0", "i40e-eth0-TxRx-0", "i40e-0000:01:00.0:misc", "0000:01:00.0", "0000:01:00.0")
	f.Add("eth0", "eth0-TxRx-99999999999999999999", "-", ":", "@pci:")
	f.Fuzz(func(t *testing.T, nic, a1, a2, pci, dev string) {
		s := &Snapshot{
			NICs: []NIC{
				{Name: nic, Kind: "physical", PCI: pci, Device: dev},
				{Name: nic + "1", Kind: "virtual"},
				{Name: "eth0", Kind: "physical", MSIIRQs: []int{3, 4}},
			},
			Interrupts: Interrupts{IRQs: []IRQ{irq(1, a1), irq(2, a2), irq(3, a1, a2), irq(4, a2), irq(5, a1+"-"+a2)}},
		}
		s.Interrupts.IRQs[1].Chip = "PCI-MSIX-" + pci // the chip column's PCI address
		MapQueues(s)
		for _, u := range UnownedQueueVectors(s) {
			if u < 1 || u > 5 {
				t.Errorf("unowned vector %d is no IRQ of the snapshot", u)
			}
		}
		for _, n := range s.NICs {
			if !slices.IsSortedFunc(n.Queues, func(a, b Queue) int {
				if a.Index != b.Index {
					return a.Index - b.Index
				}
				return strings.Compare(a.Dir, b.Dir)
			}) {
				t.Errorf("%q: queues not sorted: %+v", n.Name, n.Queues)
			}
			if !slices.IsSorted(n.MiscIRQs) {
				t.Errorf("%q: misc not sorted", n.Name)
			}
			for _, q := range n.Queues {
				if s.IRQ(q.IRQ) == nil || q.Index < 0 || (q.Dir != DirRX && q.Dir != DirTX && q.Dir != DirCombined) {
					t.Errorf("%q: bad queue %+v", n.Name, q)
				}
				if slices.Contains(n.MiscIRQs, q.IRQ) {
					t.Errorf("%q: IRQ %d both queue and misc", n.Name, q.IRQ)
				}
			}
			if (len(n.Queues) > 0 || len(n.MiscIRQs) > 0) != (n.QueueMap != "") {
				t.Errorf("%q: QueueMap %q with %d queues, %d misc", n.Name, n.QueueMap, len(n.Queues), len(n.MiscIRQs))
			}
		}
	})
}
