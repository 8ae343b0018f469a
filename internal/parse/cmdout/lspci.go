package cmdout

import (
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// maxPCIDevices bounds the devices kept from one lspci output.
const maxPCIDevices = 4096

// Lspci parses the PCI Express link and the MSI-X (with its table size)
// and MSI state of every device of
// `lspci -nnvv`, keyed by the full address ("0000:3b:00.0"; lspci omits
// domain 0000):
//
//	3b:00.0 Ethernet controller [0200]: Intel Corporation ... [8086:1572] (rev 02)
//		Capabilities: [50] MSI: Enable- Count=1/1 Maskable+ 64bit+
//		Capabilities: [70] MSI-X: Enable+ Count=129 Masked-
//		LnkCap:	Port #0, Speed 8GT/s, Width x8, ASPM L1, Exit Latency L1 <16us
//		LnkSta:	Speed 5GT/s (downgraded), Width x4 (downgraded)
//
// A device with neither link nor MSI/MSI-X lines is not kept. Values that do
// not parse are left unknown (0, nil).
func Lspci(b []byte) (map[string]host.PCIeLink, error) {
	const cmd = "lspci"
	out := map[string]host.PCIeLink{}
	text, err := input(cmd, b)
	if err != nil {
		return out, err
	}
	cur := ""
	var link host.PCIeLink
	seen := false
	headers := 0
	flush := func() {
		if cur != "" && seen && len(out) < maxPCIDevices {
			out[cur] = link
		}
	}
	for _, l := range splitLines(text) {
		if l == "" {
			continue
		}
		if l[0] != ' ' && l[0] != '\t' {
			flush()
			cur, link, seen = "", host.PCIeLink{}, false
			addr, _, _ := strings.Cut(l, " ")
			if a, ok := pciAddr(addr); ok {
				cur = a
				headers++
			}
			continue
		}
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "LnkCap:"):
			link.MaxSpeed, link.MaxWidth = lnkFields(t[len("LnkCap:"):])
			seen = true
		case strings.HasPrefix(t, "LnkSta:"):
			link.Speed, link.Width = lnkFields(t[len("LnkSta:"):])
			seen = true
		case strings.HasPrefix(t, "Capabilities:") && strings.Contains(t, "MSI-X: Enable"):
			_, rest, _ := strings.Cut(t, "MSI-X: Enable")
			if rest != "" && (rest[0] == '+' || rest[0] == '-') {
				on := rest[0] == '+'
				link.MSIX = &on
				seen = true
			}
			if i := strings.Index(rest, "Count="); i >= 0 {
				link.MSIXCount = msixCount(rest[i+len("Count="):])
			}
		case strings.HasPrefix(t, "Capabilities:") && strings.Contains(t, "] MSI: Enable"):
			_, rest, _ := strings.Cut(t, "MSI: Enable")
			if rest != "" && (rest[0] == '+' || rest[0] == '-') {
				on := rest[0] == '+'
				link.MSI = &on
				seen = true
			}
		}
	}
	flush()
	if headers == 0 {
		return out, noData(cmd, text, "device line")
	}
	return out, nil
}

// maxMSIX is the largest MSI-X table (PCI Local Bus 3.0: 2048 entries).
const maxMSIX = 2048

// msixCount reads the table size after "Count=" ("129 Masked-"); 0 when
// it does not parse or is out of range.
func msixCount(s string) int {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > maxMSIX {
		return 0
	}
	return n
}

// pciAddr turns "3b:00.0" or "0000:3b:00.0" into the full address.
func pciAddr(s string) (string, bool) {
	if strings.Count(s, ":") == 1 {
		s = "0000:" + s
	}
	if len(s) != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.' {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 4 || i == 7 || i == 10 {
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// lnkFields reads "Speed 8GT/s" and "Width x8" from a LnkCap or LnkSta line.
func lnkFields(s string) (speed float64, width int) {
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		switch {
		case strings.HasPrefix(f, "Speed "):
			speed = ParseGTs(strings.TrimPrefix(f, "Speed "))
		case strings.HasPrefix(f, "Width x"):
			w := strings.TrimPrefix(f, "Width x")
			if i := strings.IndexByte(w, ' '); i >= 0 {
				w = w[:i]
			}
			if n, err := strconv.Atoi(w); err == nil && n > 0 && n <= 64 {
				width = n
			}
		}
	}
	return speed, width
}

// ParseGTs reads a link speed in GT/s: lspci's "8GT/s", "2.5GT/s (downgraded)"
// and sysfs' "8.0 GT/s PCIe", "5 GT/s"; 0 when unknown.
func ParseGTs(s string) float64 {
	s = strings.TrimSpace(s)
	i := strings.Index(s, "GT/s")
	if i <= 0 {
		return 0
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s[:i]), 64)
	if err != nil || v <= 0 || v > 1000 {
		return 0
	}
	return v
}
