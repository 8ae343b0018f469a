package source

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netdoctor/netdoctor/internal/host"
)

// virtioTree is a KVM guest as sos 4.x stores it: eth0's device link points
// at virtio2, whose parent PCI function holds numa_node (-1), and the
// interrupts name virtio2-input.0 / output.0.
func virtioTree() tree {
	t := sosTree().without("sys/class/net/", "sys/devices/pci0000:3a", "sys/devices/virtual", "sos_commands/networking/")
	pci := "sys/devices/pci0000:00/0000:00:03.0/"
	dev := pci + "virtio2/net/eth0/"
	t = t.with(tree{
		"sys/class/net/eth0":          "->../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0",
		dev + "device":                "->../../../virtio2",
		dev + "mtu":                   "1500\n",
		dev + "statistics/rx_packets": "100\n",
		pci + "numa_node":             "-1\n",
		"proc/interrupts": "           CPU0       CPU1       CPU2       CPU3       \n" +
			" 37:          0          0          0          0 PCI-MSIX-0000:00:03.0   0-edge      virtio2-config\n" +
			" 38:          0       1016          0          0 PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0\n" +
			" 39:        971          0          0          0 PCI-MSIX-0000:00:03.0   2-edge      virtio2-output.0\n",
		"sys/class/net/br0":                            "->../../devices/virtual/net/br0",
		"sys/devices/virtual/net/br0/bridge/stp_state": "0\n",
		"sys/devices/virtual/net/br0/brif/veth1a":      "->../../veth1a/brport",
		"sys/class/net/veth1a":                         "->../../devices/virtual/net/veth1a",
		"sys/devices/virtual/net/veth1a/mtu":           "1500\n",
		"sys/class/net/tun0":                           "->../../devices/virtual/net/tun0",
		"sys/devices/virtual/net/tun0/tun_flags":       "0x1002\n",
		"sos_commands/networking/ethtool_-i_eth0":      "driver: virtio_net\nversion: 1.0.0\nfirmware-version: \nexpansion-rom-version: \nbus-info: 0000:00:03.0\n",
		"sos_commands/networking/ethtool_-i_veth1a":    "driver: veth\nversion: 1.0\nfirmware-version: \nbus-info: \n",
	})
	for irq, name := range map[string]string{"37": "virtio2-config", "38": "virtio2-input.0", "39": "virtio2-output.0"} {
		t["proc/irq/"+irq+"/smp_affinity_list"] = "0-3\n"
		t["proc/irq/"+irq+"/"+name+"/"] = ""
	}
	return t
}

func TestNICKinds(t *testing.T) {
	s := loadTree(t, virtioTree())
	eth0 := nicOf(t, s, "eth0")
	if eth0.Kind != "physical" || eth0.Device != "virtio2" || eth0.PCI != "0000:00:03.0" || eth0.NUMANode != -1 || eth0.Driver != "virtio_net" {
		t.Errorf("eth0 %+v", eth0)
	}
	want := []host.Queue{{Index: 0, Dir: "rx", IRQ: 38, Name: "virtio2-input.0"}, {Index: 0, Dir: "tx", IRQ: 39, Name: "virtio2-output.0"}}
	if diff := cmp.Diff(want, eth0.Queues); diff != "" || eth0.QueueMap != "chip" {
		t.Errorf("eth0 queues (%s) (-want +got):\n%s", eth0.QueueMap, diff)
	}
	for name, kind := range map[string]string{"br0": "bridge", "veth1a": "veth", "tun0": "tun"} {
		if n := nicOf(t, s, name); n.Kind != kind {
			t.Errorf("%s kind %q, want %q", name, n.Kind, kind)
		}
	}
	if n := nicOf(t, s, "br0"); !slices.Equal(n.Lower, []string{"veth1a"}) {
		t.Errorf("br0 ports %v", n.Lower)
	}
	if s.Container {
		t.Error("a host with a virtio NIC is no container")
	}
}

func TestNICListFallbacks(t *testing.T) {
	t.Run("ethtool -i outputs", func(t *testing.T) {
		s := loadTree(t, sosTree().without("sys/class/net/"))
		in := inputOf(t, s, host.InputNICs, "")
		if in.Status != host.StatusOK || !strings.Contains(in.Path, "ethtool_-i_") {
			t.Errorf("nics input %+v", in)
		}
		eth0 := nicOf(t, s, "eth0")
		if eth0.Driver != "ixgbe" || eth0.PCI != "0000:3b:00.0" || eth0.NetDev["rx_drop"] != 42 {
			t.Errorf("eth0 %+v", eth0)
		}
		// The device tree is still there: the interface is found in it.
		if in := inputOf(t, s, host.InputNICSysfs, "eth0"); in.Status != host.StatusOK || !strings.Contains(in.Reason, "sys/devices tree") {
			t.Errorf("sysfs input %+v", in)
		}
		if eth0.Kind != "physical" || eth0.Facts[host.FactKind] != "sysfs device link" {
			t.Errorf("eth0 kind %q from %v", eth0.Kind, eth0.Facts)
		}
	})
	t.Run("proc/net/dev", func(t *testing.T) {
		s := loadTree(t, sosTree().without("sys/class/net/", "sos_commands/networking/"))
		in := inputOf(t, s, host.InputNICs, "")
		if in.Status != host.StatusOK || !strings.Contains(in.Reason, "/proc/net/dev") {
			t.Errorf("nics input %+v", in)
		}
		var names []string
		for _, n := range s.NICs {
			names = append(names, n.Name)
		}
		if diff := cmp.Diff([]string{"bond0", "eth0", "lo"}, names); diff != "" {
			t.Errorf("names: %s", diff)
		}
		if nicOf(t, s, "lo").Kind != "loopback" {
			t.Error("lo is a loopback")
		}
	})
}

func TestContainer(t *testing.T) {
	// eth0 and its device are gone: only lo, bond0 and the VLAN remain.
	noDevice := sosTree().without("sys/class/net/eth0", "sys/devices/pci0000:3a")
	noVectors := noDevice.with(tree{"proc/interrupts": "           CPU0       CPU1       CPU2       CPU3       \n  0:         10          0          0          0   IO-APIC   2-edge      timer\n"})
	for _, tt := range []struct {
		name  string
		files tree
		want  bool
	}{
		{"no marker, no host vectors", noVectors, false},
		{"/.dockerenv", noVectors.with(tree{".dockerenv": "\n"}), true},
		{"/run/.containerenv", noVectors.with(tree{"run/.containerenv": "engine=\"podman-4.9\"\n"}), true},
		{"container= in PID 1's environment", noVectors.with(tree{"proc/1/environ": "PATH=/bin\x00container=podman\x00"}), true},
		{"PID 1 in a kubepods cgroup", noVectors.with(tree{"proc/1/cgroup": "0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-1a2b.scope\n"}), true},
		{"a sosreport: the host's eth0-TxRx vectors, no interface owning them", noDevice, false},
		{"hostnamectl: Virtualization lxc", noVectors.with(tree{"sos_commands/host/hostnamectl_status": "   Static hostname: c1\n           Chassis: container\n    Virtualization: lxc\n"}), true},
		{"hostnamectl: Virtualization kvm", noVectors.with(tree{"sos_commands/host/hostnamectl_status": "           Chassis: vm\n    Virtualization: kvm\n"}), false},
		{"a PCI NIC, whatever the markers", sosTree().with(tree{".dockerenv": "\n"}), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := loadTree(t, tt.files).Container; got != tt.want {
				t.Errorf("container %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVirtualization(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files tree
		want  string
	}{
		{"lscpu", sosTree().with(tree{"sos_commands/processor/lscpu": "Architecture: x86_64\nHypervisor vendor:     KVM\nVirtualization type:   full\n"}), "kvm"},
		{"dmi Hyper-V", sosTree().with(tree{"sys/class/dmi/id/sys_vendor": "Microsoft Corporation\n", "sys/class/dmi/id/product_name": "Virtual Machine\n"}), "microsoft"},
		{"dmi Surface laptop", sosTree().with(tree{"sys/class/dmi/id/sys_vendor": "Microsoft Corporation\n", "sys/class/dmi/id/product_name": "Surface Laptop 4\n"}), ""},
		{"xen", sosTree().with(tree{"sys/hypervisor/type": "xen\n"}), "xen"},
		{"kvm-clock", sosTree().with(tree{"sys/devices/system/clocksource/clocksource0/available_clocksource": "tsc kvm-clock \n"}), "kvm"},
		{"cpuinfo flag", sosTree().with(tree{"proc/cpuinfo": "processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n"}), "hypervisor"},
		{"bare metal", sosTree().with(tree{"proc/cpuinfo": "processor\t: 0\nflags\t\t: fpu vme lahf_lm\n"}), ""},
		{"hostnamectl", sosTree().with(tree{"sos_commands/host/hostnamectl_status": "           Chassis: vm\n    Virtualization: vmware\n"}), "vmware"},
		{"a vmxnet3 NIC and nothing else", sosTree().with(tree{"sos_commands/networking/ethtool_-i_eth0": "driver: vmxnet3\nversion: 1.7.0.0-k-NAPI\nbus-info: 0000:0b:00.0\n"}), "vmware"},
		{"an ixgbevf VF proves nothing", sosTree().with(tree{"sos_commands/networking/ethtool_-i_eth0": "driver: ixgbevf\nversion: 4.1.0-k\nbus-info: 0000:00:03.0\n"}), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := loadTree(t, tt.files).Virtualization; got != tt.want {
				t.Errorf("virtualization %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSmallHelpers(t *testing.T) {
	for in, want := range map[string]bool{"0000:3b:00.0": true, "0000:00:03.7": true, "10000:00:03.0": true, "0000:00:03.8": false,
		"virtio2": false, "0000:3b:00": false, "0000:3g:00.0": false, "": false, "0000:3b:00.0x": false} {
		if got := isPCIAddr(in); got != want {
			t.Errorf("isPCIAddr(%q) = %v", in, got)
		}
	}
	for in, want := range map[string]string{"eth0": "eth0", "eth0.100": "eth0.100", "vlan@eth0": "vlan_eth0", "a+:b": "a_b", "x/y": "x.y"} {
		if got := sosMangle(in); got != want {
			t.Errorf("sosMangle(%q) = %q, want %q", in, got, want)
		}
	}
	stat := "1234 (my (odd) app) S 1 1234 1234 0 -1 4194560 100 0 0 0 50 10 0 0 20 0 7 0 100 1000000 500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n"
	if got := numThreads([]byte(stat)); got != 7 {
		t.Errorf("numThreads = %d", got)
	}
	if got := numThreads([]byte("1 (x) S 1")); got != -1 {
		t.Errorf("numThreads of a short line = %d", got)
	}
	users := parsePasswd([]byte("root:x:0:0:root:/root:/bin/bash\n# comment\nbad line\napp:x:1000:1000::/home/app:/bin/sh\ndup:x:0:0::/:/bin/sh\n"))
	if diff := cmp.Diff(map[int]string{0: "root", 1000: "app"}, users); diff != "" {
		t.Errorf("passwd: %s", diff)
	}
	for in, want := range map[string]string{"net/core": "net.core", "net/ipv4/conf/eth0.100": "net.ipv4.conf.eth0/100"} {
		if got := sysctlName(in); got != want {
			t.Errorf("sysctlName(%q) = %q", in, got)
		}
	}
	for in, want := range map[string]string{"/usr/sbin/irqbalance --foreground": "irqbalance", "[kworker/0:1]": "kworker/0:1", "ksoftirqd/2": "ksoftirqd/2", "sshd: root@pts/0": "sshd:", "": ""} {
		if got := commFromCmd(in); got != want {
			t.Errorf("commFromCmd(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cleanText([]byte(" web\x1b[31m1\x00 \n"), 100); got != "web[31m1" {
		t.Errorf("cleanText = %q", got)
	}
	if got := safeName("../web 1/"); got != "_web_1_" {
		t.Errorf("safeName = %q", got)
	}
}

func TestIrqbalanceConf(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		banned  []int
		irqs    []int
		problem string
	}{
		{"RHEL 9 cpulist", "# irqbalance\nIRQBALANCE_BANNED_CPULIST=8-15,24\nIRQBALANCE_ARGS=\n", []int{8, 9, 10, 11, 12, 13, 14, 15, 24}, nil, ""},
		{"RHEL 7 hex mask", "IRQBALANCE_BANNED_CPUS=0000ff00\n", []int{8, 9, 10, 11, 12, 13, 14, 15}, nil, ""},
		{"cpulist wins over mask", "IRQBALANCE_BANNED_CPUS=f\nIRQBALANCE_BANNED_CPULIST=\"2\"\n", []int{2}, nil, ""},
		{"Debian export and quotes", "export IRQBALANCE_BANNED_CPUS='00000003' # two CPUs\n", []int{0, 1}, nil, ""},
		{"banirq forms", "IRQBALANCE_ARGS=\"--banirq=45 --banirq 46 -i 47 -i48 --banirq=x --policyscript=/x\"\n", nil, []int{45, 46, 47, 48}, ""},
		{"garbage mask", "IRQBALANCE_BANNED_CPUS=zz\n", nil, nil, "IRQBALANCE_BANNED_CPUS"},
		{"commented out", "#IRQBALANCE_BANNED_CPUS=ff\n", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parseIrqbalanceConf([]byte(tt.in))
			if len(c.banned) == 0 {
				c.banned = nil
			}
			if diff := cmp.Diff(tt.banned, c.banned); diff != "" {
				t.Errorf("banned: %s", diff)
			}
			if diff := cmp.Diff(tt.irqs, c.bannedIRQs); diff != "" {
				t.Errorf("banned IRQs: %s", diff)
			}
			if !strings.Contains(c.problem, tt.problem) || (tt.problem == "") != (c.problem == "") {
				t.Errorf("problem %q, want %q", c.problem, tt.problem)
			}
		})
	}
}
