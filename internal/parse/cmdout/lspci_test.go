package cmdout

import (
	"errors"
	"strings"
	"testing"
)

const lspciDowngraded = `3b:00.0 Ethernet controller [0200]: Intel Corporation Ethernet Controller XL710 for 40GbE QSFP+ [8086:1583] (rev 02)
	Subsystem: Intel Corporation Ethernet Converged Network Adapter XL710-Q2 [8086:0001]
	Capabilities: [70] MSI-X: Enable+ Count=129 Masked-
	Capabilities: [a0] Express (v2) Endpoint, MSI 00
		LnkCap:	Port #0, Speed 8GT/s, Width x8, ASPM L1, Exit Latency L1 <16us
		LnkSta:	Speed 5GT/s (downgraded), Width x4 (downgraded)
	Kernel driver in use: i40e

0001:af:00.1 Ethernet controller [0200]: Mellanox Technologies MT27800 Family [ConnectX-5] [15b3:1017]
	Capabilities: [60] MSI: Enable+ Count=1/1 Maskable+ 64bit+
	Capabilities: [9c] MSI-X: Enable- Count=64 Masked-
		LnkCap:	Port #0, Speed 8GT/s, Width x16, ASPM not supported
		LnkSta:	Speed 8GT/s, Width x16, TrErr- Train- SlotClk+ DLActive- BWMgmt- ABWMgmt-

00:1f.0 ISA bridge [0601]: Intel Corporation C620 Series Chipset LPC/eSPI Controller [8086:a1c3] (rev 09)
	Control: I/O+ Mem+ BusMaster+
`

func TestLspci(t *testing.T) {
	m, err := Lspci([]byte(lspciDowngraded))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 {
		t.Fatalf("%d devices: %v", len(m), m)
	}
	a := m["0000:3b:00.0"]
	if a.Speed != 5 || a.Width != 4 || a.MaxSpeed != 8 || a.MaxWidth != 8 || a.MSIX == nil || !*a.MSIX || a.MSIXCount != 129 || a.MSI != nil || !a.Downgraded() {
		t.Errorf("3b:00.0 = %+v", a)
	}
	b := m["0001:af:00.1"]
	if b.Speed != 8 || b.Width != 16 || b.Downgraded() || b.MSIX == nil || *b.MSIX || b.MSIXCount != 64 || b.MSI == nil || !*b.MSI {
		t.Errorf("af:00.1 = %+v", b)
	}
	if _, err := Lspci([]byte("pcilib: Cannot open /proc/bus/pci\n")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("error line: %v", err)
	}
	if _, err := Lspci([]byte("hello\nworld\n")); err == nil || !strings.Contains(err.Error(), "not lspci output") {
		t.Errorf("not lspci: %v", err)
	}
	for in, want := range map[string]float64{"8.0 GT/s PCIe": 8, "2.5 GT/s": 2.5, "16GT/s (ok)": 16, "Unknown": 0, "-1 GT/s": 0} {
		if got := ParseGTs(in); got != want {
			t.Errorf("ParseGTs(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzLspci(f *testing.F) {
	addSeeds(f, lspciDowngraded, "00:03.0 x\n\tLnkSta:\tSpeed 99999GT/s, Width x0\n", "00:03.0 x\n\tCapabilities: [9c] MSI-X: Enable- Count=99999\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Lspci(b)
		checkErrText(t, err, "lspci")
		if m == nil || len(m) > maxPCIDevices {
			t.Fatalf("bad map of %d", len(m))
		}
		for k, v := range m {
			if len(k) != 12 || v.Speed < 0 || v.Speed > 1000 || v.Width < 0 || v.Width > 64 || v.MaxWidth < 0 || v.MaxWidth > 64 || v.MSIXCount < 0 || v.MSIXCount > maxMSIX {
				t.Fatalf("bad device %q %+v", k, v)
			}
		}
	})
}
