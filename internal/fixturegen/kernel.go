package fixturegen

import (
	"strconv"
	"strings"
)

// kernel is a parsed kernel release with the layout facts that depend on it.
type kernel struct {
	major, minor int
	// build is the RHEL build number (1160 in 3.10.0-1160.el7), el the
	// RHEL major (7, 8, 9) or 0.
	build, el int
}

// parseKernel reads "3.10.0-1160.108.1.el7.x86_64", "5.15.0-107-generic",
// "6.12.41+deb13-amd64".
func parseKernel(rel string) kernel {
	var k kernel
	head, tail, _ := strings.Cut(rel, "-")
	parts := strings.Split(head, ".")
	if len(parts) > 0 {
		k.major, _ = strconv.Atoi(parts[0])
	}
	if len(parts) > 1 {
		k.minor, _ = strconv.Atoi(strings.TrimFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	}
	if b, _, ok := strings.Cut(tail, "."); ok {
		k.build, _ = strconv.Atoi(b)
	}
	for _, el := range []int{7, 8, 9, 10} {
		if strings.Contains(rel, ".el"+strconv.Itoa(el)) {
			k.el = el
		}
	}
	return k
}

// ge reports whether the kernel is at least major.minor.
func (k kernel) ge(major, minor int) bool {
	return k.major > major || (k.major == major && k.minor >= minor)
}

// softnetColumns is the width of softnet_stat (docs/receive-path.md §1.2): 10 before
// 3.11, 11 until 5.10 (13 on RHEL 8.5+ by backport), 13 until 6.4, then 15.
func (k kernel) softnetColumns() int {
	switch {
	case !k.ge(3, 11):
		return 10
	case k.el == 8 && k.build >= 348:
		return 13
	case !k.ge(5, 10):
		return 11
	case !k.ge(6, 4):
		return 13
	}
	return 15
}

// Layouts of /proc/interrupts rows.
const (
	irqLayout310 = iota // "%10u " counts, chip-flow glued: "IR-PCI-MSI-edge"
	irqLayout4          // "%10u " counts, " %8s" chip, " %*d" hwirq, "-%-8s" flow
	irqLayout610        // " %10u" counts then "%8s" chip (6.10's seq_put_decimal change)
)

func (k kernel) irqLayout() int {
	switch {
	case !k.ge(4, 0):
		return irqLayout310
	case !k.ge(6, 10):
		return irqLayout4
	}
	return irqLayout610
}

// perDeviceMSI: since 6.2 MSI chips are named per device
// ("PCI-MSIX-0000:00:03.0") and hwirq is the vector index.
func (k kernel) perDeviceMSI() bool { return k.ge(6, 2) }

// effectiveAffinity: /proc/irq/N/effective_affinity(_list) since 4.13.
func (k kernel) effectiveAffinity() bool { return k.ge(4, 13) }

// twRecycle: net.ipv4.tcp_tw_recycle and TcpExt PAWSPassive until 4.12.
func (k kernel) twRecycle() bool { return !k.ge(4, 12) }

// irqPoll: the IRQ_POLL softirq (BLOCK_IOPOLL before 4.5).
func (k kernel) irqPoll() bool { return k.ge(4, 5) }

// dieID: topology/die_id since 5.2; coreCPUs: core_cpus_list since 5.3.
func (k kernel) dieID() bool    { return k.ge(5, 2) }
func (k kernel) coreCPUs() bool { return k.ge(5, 3) }

// kthreadLine: "Kthread:" in /proc/PID/status (6.0+).
func (k kernel) kthreadLine() bool { return k.ge(6, 0) }

// rxNohandler: statistics/rx_nohandler since 4.6.
func (k kernel) rxNohandler() bool { return k.ge(4, 6) }

// sosVersion is a parsed sos version.
type sosVersion struct{ major, minor, patch int }

func parseSos(v string) sosVersion {
	var s sosVersion
	p := strings.Split(v, ".")
	if len(p) > 0 {
		s.major, _ = strconv.Atoi(p[0])
	}
	if len(p) > 1 {
		s.minor, _ = strconv.Atoi(p[1])
	}
	if len(p) > 2 {
		s.patch, _ = strconv.Atoi(p[2])
	}
	return s
}

func (s sosVersion) ge(major, minor, patch int) bool {
	if s.major != major {
		return s.major > major
	}
	if s.minor != minor {
		return s.minor > minor
	}
	return s.patch >= patch
}
