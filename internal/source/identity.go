package source

import (
	"bytes"
	"errors"
	"strings"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// maxHostname bounds a hostname read from a bundle.
const maxHostname = 253

// loadIdentity fills kernel, hostname, collection time and cmdline.
func (l *loader) loadIdentity(now time.Time) {
	s := l.snap
	u := l.loadUname()
	l.loadHostname(u)
	l.loadTime(now)

	if b, at, err := l.read(candCmdline); err == nil {
		s.CmdLine = cleanText(b, 4096)
		l.record(host.InputCmdline, "", at, nil, "")
	} else {
		l.record(host.InputCmdline, "", at, err, "")
	}
}

// loadUname fills Kernel, KernelVersion and Arch. Offline, `uname -a` comes
// first; the live host (and a bundle without uname -a) has the raw
// proc/sys/kernel files.
func (l *loader) loadUname() cmdout.UnameInfo {
	s := l.snap
	var u cmdout.UnameInfo
	if !l.live {
		b, at, err := l.read(candUname)
		if err == nil {
			v, perr := safe(func() (cmdout.UnameInfo, error) { return cmdout.Uname(b) })
			if v.Release != "" || perr == nil {
				u = v
				s.Kernel, s.KernelVersion, s.Arch = v.Release, v.Version, v.Machine
				l.record(host.InputUname, "", at, perr, "")
				return u
			}
		}
	}
	b, at, err := l.read(candOSRelease)
	if err != nil {
		l.record(host.InputUname, "", at, err, "")
		return u
	}
	u.Release = cleanText(b, 256)
	if vb, _, verr := l.read(candKVersion); verr == nil {
		u.Version = cleanText(vb, 512)
	}
	u.Kernel = "Linux"
	if l.live {
		u.Machine = liveMachine()
	}
	s.Kernel, s.KernelVersion, s.Arch = u.Release, u.Version, u.Machine
	l.record(host.InputUname, "", at, nil, "")
	return u
}

// loadHostname fills Hostname from the candidates, else from uname.
func (l *loader) loadHostname(u cmdout.UnameInfo) {
	s := l.snap
	b, at, err := l.read(candHostname)
	if err == nil {
		if h := firstLine(b, maxHostname); h != "" {
			s.Hostname = h
			l.record(host.InputHostname, "", at, nil, "")
			return
		}
		err = errors.New("empty hostname file")
	}
	if u.Hostname != "" {
		s.Hostname = cleanText([]byte(u.Hostname), maxHostname)
		l.record(host.InputHostname, "", firstCandPath(candUname, false), nil, "from uname -a")
		return
	}
	l.record(host.InputHostname, "", at, err, "")
}

// loadTime sets the sample time: the clock live, else the date output, else
// the sos manifest's start time; unknown otherwise (never a file's mtime).
func (l *loader) loadTime(now time.Time) {
	s := l.snap
	if l.live {
		s.Time = now
		l.record(host.InputDate, "", "", nil, "")
		return
	}
	b, at, err := l.read(candDate)
	if err == nil {
		t, perr := safe(func() (time.Time, error) { return cmdout.Date(b) })
		if perr == nil && !t.IsZero() {
			s.Time = t
			l.record(host.InputDate, "", at, nil, "")
			return
		}
		err = perr
		if err == nil {
			err = errors.New("no time in the date output")
		}
	}
	if !l.sos.manifest.StartTime.IsZero() {
		s.Time = l.sos.manifest.StartTime
		l.record(host.InputDate, "", l.sos.manifestPath, nil, "from the sos manifest start_time")
		return
	}
	l.record(host.InputDate, "", at, err, "collection time unknown")
}

// firstLine returns the first non-empty line of b, cleaned.
func firstLine(b []byte, max int) string {
	for _, line := range bytes.Split(b, []byte("\n")) {
		if t := cleanText(line, max); t != "" {
			return t
		}
	}
	return ""
}

// cleanText trims b, drops control characters and caps its length: a
// value from a bundle is never trusted to be printable.
func cleanText(b []byte, max int) string {
	b = bytes.TrimSpace(b)
	if len(b) > max {
		b = b[:max]
	}
	ok := true
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			ok = false
			break
		}
	}
	if ok {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			if c == '\t' || c == '\n' {
				out = append(out, ' ')
			}
			continue
		}
		out = append(out, c)
	}
	return strings.TrimSpace(string(out))
}

// virtualization names the hypervisor when the host looks like a VM: lscpu's
// vendor, /sys/hypervisor/type, the DMI vendor, the kvm-clock/xen/hyperv
// clock sources, and last (it is long on big hosts) /proc/cpuinfo's
// "hypervisor" flag, which names no vendor.
func (l *loader) virtualization(lscpuHyp string) string {
	if v := hypervisorName(lscpuHyp); v != "" {
		return v
	}
	if b, _, err := l.read(candHypervisorType); err == nil {
		if v := hypervisorName(string(b)); v != "" {
			return v
		}
	}
	if b, _, err := l.read(candDMIVendor); err == nil {
		vendor := strings.TrimSpace(string(b))
		product := ""
		if vendor == "Microsoft Corporation" {
			if pb, _, perr := l.read(candDMIProduct); perr == nil {
				product = strings.TrimSpace(string(pb))
			}
			if product != "Virtual Machine" {
				vendor = "" // a Surface laptop, not Hyper-V
			}
		}
		if v := hypervisorName(vendor); v != "" {
			return v
		}
	}
	if b, _, err := l.read(candClocksources); err == nil {
		for _, cs := range strings.Fields(string(b)) {
			switch {
			case cs == "kvm-clock":
				return "kvm"
			case cs == "xen":
				return "xen"
			case strings.HasPrefix(cs, "hyperv_clocksource"):
				return "microsoft"
			}
		}
	}
	if v, container := l.hostnamectlVirt(); v != "" && !container {
		if h := hypervisorName(v); h != "" {
			return h
		}
		return "hypervisor"
	}
	if l.cpuinfoHypervisor() {
		return "hypervisor"
	}
	return nicHypervisor(l.snap.NICs)
}

// guestDrivers are paravirtual NIC drivers that exist only inside a VM,
// with the hypervisor they imply. SR-IOV VF drivers are not among them: a
// bare-metal host can run its own VFs.
var guestDrivers = map[string]string{
	"virtio_net": "kvm", "virtio-net": "kvm", "gve": "kvm",
	"vmxnet3": "vmware", "hv_netvsc": "microsoft", "netvsc": "microsoft",
	"xen-netfront": "xen", "xen_netfront": "xen", "vif": "xen", "ena": "hypervisor",
}

// nicHypervisor names the hypervisor a paravirtual NIC driver proves, or "".
func nicHypervisor(nics []host.NIC) string {
	for _, n := range nics {
		if v := guestDrivers[strings.ToLower(n.Driver)]; v != "" {
			return v
		}
	}
	return ""
}

// containerVirts are systemd-detect-virt's names of container managers.
var containerVirts = map[string]bool{
	"lxc": true, "lxc-libvirt": true, "docker": true, "podman": true, "openvz": true,
	"systemd-nspawn": true, "rkt": true, "wsl": true, "proot": true, "pouch": true,
	"container-other": true,
}

// hostnamectlVirt reads "Virtualization:" from sos's hostnamectl status
// (systemd-detect-virt's answer): the technology, and whether it names a
// container manager. "" when absent.
func (l *loader) hostnamectlVirt() (virt string, container bool) {
	l.hostnamectlOnce.Do(func() { l.hostnamectl, l.hostnamectlCont = l.readHostnamectlVirt() })
	return l.hostnamectl, l.hostnamectlCont
}

func (l *loader) readHostnamectlVirt() (virt string, container bool) {
	b, _, err := l.read(candHostnamectl)
	if err != nil {
		return "", false
	}
	if len(b) > maxEnviron {
		b = b[:maxEnviron]
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(k) != "Virtualization" {
			continue
		}
		v = strings.ToLower(strings.TrimSpace(v))
		if v == "" || v == "none" || len(v) > 32 {
			return "", false
		}
		return v, containerVirts[v]
	}
	return "", false
}

// hypervisorName maps a vendor string (lscpu "Hypervisor vendor", DMI
// sys_vendor, /sys/hypervisor/type) to Snapshot.Virtualization's names.
func hypervisorName(s string) string {
	v := strings.ToLower(strings.TrimSpace(s))
	switch {
	case v == "":
		return ""
	case strings.Contains(v, "kvm"), strings.Contains(v, "qemu"):
		return "kvm"
	case strings.Contains(v, "vmware"):
		return "vmware"
	case strings.Contains(v, "microsoft"):
		return "microsoft"
	case strings.Contains(v, "xen"):
		return "xen"
	}
	return ""
}

// maxCPUInfoScan bounds how much of /proc/cpuinfo is searched for the
// hypervisor flag: the first CPU's block is enough.
const maxCPUInfoScan = 64 << 10

// cpuinfoHypervisor reports whether /proc/cpuinfo's flags carry
// "hypervisor".
func (l *loader) cpuinfoHypervisor() bool {
	b, _, err := l.read(candCPUInfo)
	if err != nil {
		return false
	}
	if len(b) > maxCPUInfoScan {
		b = b[:maxCPUInfoScan]
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("flags")) {
			continue
		}
		i := bytes.IndexByte(line, ':')
		if i < 0 {
			continue
		}
		for _, f := range bytes.Fields(line[i+1:]) {
			if string(f) == "hypervisor" {
				return true
			}
		}
		return false
	}
	return false
}

// maxEnviron bounds how much of PID 1's environment is searched.
const maxEnviron = 64 << 10

// container reports whether the host is a container, from positive
// evidence only: hostnamectl names a container manager, or no NIC is
// backed by a device and a container marker exists (/.dockerenv,
// /run/.containerenv, container= in PID 1's environment, a container
// cgroup path of PID 1), or /proc/interrupts (not namespaced) shows NIC
// queue vectors that none of the visible interfaces owns while the live
// host's own /sys shows no device for any NIC. Missing sysfs in a bundle
// is never evidence: sos does not copy the device links of most NICs.
func (l *loader) container() bool {
	s := l.snap
	if _, c := l.hostnamectlVirt(); c {
		return true
	}
	if len(s.NICs) == 0 {
		return false
	}
	for _, n := range s.NICs {
		if n.Device != "" || n.Kind == kindPhysical {
			return false
		}
	}
	if !l.inputOK(host.InputNICs, "") {
		return false
	}
	// Read, not stat: a collect bundle then keeps the (empty) marker.
	if _, _, err := l.read(candContainerMarker); err == nil {
		return true
	}
	if b, _, err := l.read(candPID1Environ); err == nil {
		if len(b) > maxEnviron {
			b = b[:maxEnviron]
		}
		for _, kv := range bytes.Split(b, []byte{0}) {
			if bytes.HasPrefix(kv, []byte("container=")) {
				return true
			}
		}
	}
	if b, _, err := l.read(candPID1Cgroup); err == nil {
		if len(b) > maxEnviron {
			b = b[:maxEnviron]
		}
		for _, m := range []string{"docker", "kubepods", "lxc", "libpod", "containerd"} {
			if bytes.Contains(b, []byte(m)) {
				return true
			}
		}
	}
	// /proc/interrupts is the host's: NIC queue vectors that no interface
	// here owns mean this network namespace sees none of the hardware. Only
	// where /sys was read whole (live, collect): a sosreport lacks the links.
	return l.kind != KindSosreport && hostQueueVectors(s)
}

// queueVectorMarks are pieces of NIC queue vector names (docs/receive-path.md §4).
var queueVectorMarks = []string{"-TxRx-", "-txrx-", "-rx-", "-tx-", "-fp-", "mlx5_comp", "mlx4-comp", "-input.", "-output."}

// hostQueueVectors reports whether an MSI interrupt is named like a NIC queue.
func hostQueueVectors(s *host.Snapshot) bool {
	for _, q := range s.Interrupts.IRQs {
		if !strings.Contains(q.Chip, "MSI") {
			continue
		}
		for _, a := range q.Actions {
			for _, m := range queueVectorMarks {
				if strings.Contains(a, m) {
					return true
				}
			}
		}
	}
	return false
}
